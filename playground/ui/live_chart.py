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
  const { data, parentElement } = component;
  const stats = (window.__npStats = window.__npStats || {refreshes: 0, created: {}, perKey: {}});
  let div = parentElement.querySelector('.np-chart');
  if (!div) {
    div = document.createElement('div');
    div.className = 'np-chart';
    parentElement.appendChild(div);
    stats.created[data.key] = (stats.created[data.key] || 0) + 1;
  }
  div.style.height = data.height + 'px';
  div.style.width = '100%';
  if (!window.__npPlotly) {
    window.__npPlotly = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = new URL(data.src, window.location.href).href;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => reject(new Error('plotly.js could not be loaded from ' + data.src));
      document.head.appendChild(script);
    });
  }
  const figure = JSON.parse(data.figure);
  window.__npPlotly.then((Plotly) => {
    const started = performance.now();
    Plotly.react(div, figure.data, figure.layout,
                 {displaylogo: false, responsive: true, modeBarButtonsToRemove: ['lasso2d', 'select2d']});
    stats.reactMs = (stats.reactMs || 0) + performance.now() - started;
    stats.msPerKey = stats.msPerKey || {}; stats.msPerKey[data.key] = (stats.msPerKey[data.key] || 0) + performance.now() - started;
    stats.refreshes += 1;
    stats.perKey[data.key] = (stats.perKey[data.key] || 0) + 1;
    stats.lastEpoch = data.epoch;
    stats.lastLoss = data.loss;
  }).catch((error) => { div.textContent = String(error); });
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


def live_chart(figure: go.Figure, key: str, height: int | None = None,
               epoch: int = 0, loss: float | None = None) -> None:
    """Show ``figure`` under ``key``; later calls with the same key update it in place.

    epoch, loss: written to ``window.__npStats`` in the browser so the live benchmark and
    the browser test can see what the page is showing.
    """
    layout_height = figure.layout.height
    height = int(height or layout_height or 420)
    _live_chart(key=key, height=height + 10, data={
        "figure": figure.to_json(), "key": key, "height": height, "src": plotly_asset_url(),
        "epoch": int(epoch), "loss": None if loss is None else float(loss)})
