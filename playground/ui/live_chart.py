"""A Plotly chart that updates in place (Plotly.react) instead of being re-created.

``st.plotly_chart`` rebuilds the chart in the browser whenever its data changes, so a chart
refreshed several times a second flickers. This small ``st.components.v2`` component keeps
one plot element per key and hands every new figure to ``Plotly.react``, which redraws only
what changed and keeps zoom and hover (each figure sets ``uirevision``).

plotly.js is not fetched from a CDN (the app must work offline): the ``plotly`` Python
package ships the bundle (``plotly/package_data/plotly.min.js``) and Streamlit serves that
folder as a static component path; the script tag is added once per page.
"""
from __future__ import annotations

import os

import plotly
import plotly.graph_objects as go
import streamlit as st
from streamlit.components.v1 import declare_component

# Folder holding plotly.min.js inside the installed plotly package.
PLOTLY_JS_DIR = os.path.join(os.path.dirname(plotly.__file__), "package_data")

_JS = r"""
export default function(component) {
  const { data, parentElement, setTriggerValue } = component;
  const stats = (window.__npStats = window.__npStats || {refreshes: 0, created: {}, perKey: {}});
  if (!window.__npPlotly) {
    window.__npPlotly = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = new URL(data.src, window.location.href).href;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => reject(new Error('plotly.js could not be loaded from ' + data.src));
      document.head.appendChild(script);
    });
  }
  let div = parentElement.querySelector('.np-chart');
  if (!div) {
    div = document.createElement('div');
    div.className = 'np-chart';
    parentElement.appendChild(div);
    stats.created[data.key] = (stats.created[data.key] || 0) + 1;
  }
  div.style.height = data.height + 'px';
  div.style.width = '100%';
  // Latest wins: if updates arrive faster than the browser draws, only the newest is drawn.
  // Charts wait in one page-wide queue and are drawn one per animation frame, so a click
  // (Pause) is handled between two charts instead of after all of them.
  div.__npPending = data;
  const queue = (window.__npQueue = window.__npQueue || []);
  if (!queue.includes(div)) queue.push(div);
  window.__npPlotly.then((Plotly) => {
    if (window.__npFrame) return;
    const drawNext = () => {
      window.__npFrame = 0;
      const target = queue.shift();
      try {
        if (target) drawChart(Plotly, target, stats, setTriggerValue);
      } catch (error) {
        target.textContent = 'This chart could not be drawn: ' + error;
      }
      if (queue.length) window.__npFrame = requestAnimationFrame(drawNext);
    };
    window.__npFrame = requestAnimationFrame(drawNext);
  }).catch((error) => { div.textContent = String(error); });
}

function drawChart(Plotly, div, stats, setTriggerValue) {
  const next = div.__npPending;
  if (next.pace) {
    // The pacing chart asks for the next refresh once it is drawn, at most every pace ms
    // and at an idle moment: the server never runs ahead of what the browser can show.
    const wait = Math.max(0, next.pace - (performance.now() - (window.__npLastAsk || 0)));
    const ask = () => { window.__npLastAsk = performance.now();
                        setTriggerValue('drawn', next.epoch); };
    setTimeout(() => (window.requestIdleCallback ?
                      requestIdleCallback(ask, {timeout: 1000}) : ask()), wait);
  }
  if (next.figure === div.__npDrawn) return;       // same picture: nothing to do
  const figure = JSON.parse(next.figure);
  const started = performance.now();
  Plotly.react(div, figure.data, figure.layout, {displaylogo: false, responsive: true,
               modeBarButtonsToRemove: ['lasso2d', 'select2d']});
  div.__npDrawn = next.figure;
  stats.reactMs = (stats.reactMs || 0) + performance.now() - started;
  stats.refreshes += 1;
  stats.perKey[next.key] = (stats.perKey[next.key] || 0) + 1;
  if (next.track) { stats.lastEpoch = next.epoch; stats.lastLoss = next.loss; }
}
"""

_CSS = ".np-chart { min-height: 100px; }"

# isolate_styles=False: plotly.js puts its style sheet (mode bar, hover labels) in the
# document head, which a shadow root would keep away from the chart.
_live_chart = st.components.v2.component("neural_playground_live_chart", js=_JS, css=_CSS,
                                         isolate_styles=False)


def plotly_asset_url() -> str:
    """The page-relative URL of plotly.min.js, registering the folder that serves it."""
    assets = declare_component("plotly_assets", path=PLOTLY_JS_DIR)
    return f"component/{assets.name}/plotly.min.js"


# Starts loading plotly.js from a plain HTML element: it runs as soon as the page's first
# message arrives, well before the first component is mounted; the charts share the promise.
_PRELOAD_HTML = """<script>
if (!window.__npPlotly) {
  window.__npPlotly = new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = new URL('%s', window.location.href).href;
    script.onload = () => resolve(window.Plotly);
    script.onerror = () => reject(new Error('plotly.js could not be loaded'));
    document.head.appendChild(script);
  });
}
</script>"""


def preload_plotly() -> None:
    """Start loading plotly.js at once (call first thing on the page)."""
    st.html(_PRELOAD_HTML % plotly_asset_url(), unsafe_allow_javascript=True)


def _next_refresh() -> None:
    """The pacing chart was drawn: its trigger reruns the enclosing fragment."""


def live_chart(figure: go.Figure | str, key: str, height: int | None = None,
               epoch: int = 0, loss: float | None = None, track: bool = False,
               pace_ms: int = 0) -> None:
    """Show ``figure`` (a Figure or its JSON) under ``key``; later calls with the same key
    update it in place.

    pace_ms: if > 0, once drawn the chart asks for the next run of the fragment it is in,
    at most every ``pace_ms`` milliseconds (the live loop is paced by the browser).

    epoch, loss: with ``track``, written to ``window.__npStats`` in the browser so the live
    benchmark can see what the page shows.
    """
    if isinstance(figure, str):
        text = figure
        height = height or 420
    else:
        height = height or figure.layout.height or 420
        figure.layout.height = int(height)
        text = figure.to_json()
    _live_chart(key=key, height=int(height) + 10, on_drawn_change=_next_refresh, data={
        "figure": text, "key": key, "height": int(height), "src": plotly_asset_url(),
        "epoch": int(epoch), "loss": None if loss is None else float(loss), "track": track,
        "pace": int(pace_ms)})
