"""The live board: the status numbers and the Plotly charts, updated in place.

``st.plotly_chart`` rebuilds a chart in the browser whenever its data changes, so a chart
refreshed several times a second flickers; and each Streamlit element costs the browser a
React render on every refresh. This one ``st.components.v2`` component holds the whole live
view: the status line (epoch, losses, accuracy) as plain text, and one plot element per
chart key that every new figure updates with ``Plotly.react`` (redraws only that chart, keeps
zoom and hover; each figure sets ``uirevision``). A chart whose figure did not change is not
redrawn. Charts are drawn one per animation frame, so a click (Pause) is handled between two
of them; while playing, the board asks for the next refresh once the first chart of the
last one is drawn (at most every ``pace_ms``), so refreshes never pile up in a busy
browser.

plotly.js is not fetched from a CDN (the app must work offline): our small build of it
(``assets/plotly``) is served as a static component path; the script tag is added once.
"""
from __future__ import annotations

import json
from pathlib import Path

import streamlit as st
from streamlit.components.v1 import declare_component

# Our plotly.js build with only the trace types our figures use (assets/plotly/README.md):
# a quarter of the full plotly.min.js, so the first chart appears about 1.5 s sooner.
PLOTLY_JS_DIR = str(Path(__file__).resolve().parents[2] / "assets" / "plotly")
PLOTLY_JS_FILE = "plotly-playground.min.js"

# One loader, used by the preload element (first thing on the page) and, for a page that
# did not preload, by the board; both share the promise in window.__npPlotly.
_LOAD_PLOTLY_JS = r"""
function loadPlotly(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = new URL(src, window.location.href).href;
    script.onload = () => resolve(window.Plotly);
    script.onerror = () => reject(new Error('plotly.js could not be loaded from ' + src));
    document.head.appendChild(script);
  });
}
"""

_JS = _LOAD_PLOTLY_JS + r"""
const ASK_AGAIN_MS = 3000;   // no refresh this long after asking: ask again
const SHOWN_FALLBACK_MS = 2500;   // ask_when_shown: ask after this long even if not drawn

export default function(component) {
  const { parentElement, setTriggerValue } = component;
  const data = component.data[0];          // the payload is sent as [payload] (see Python)
  const stats = (window.__npStats = window.__npStats ||
                 {refreshes: 0, created: {}, perKey: {}, keyMs: {}});
  if (!window.__npPlotly) window.__npPlotly = loadPlotly(data.src);
  let board = parentElement.querySelector('.np-board');
  if (!board) {
    board = document.createElement('div');
    board.className = 'np-board';
    board.__npCharts = {};
    parentElement.appendChild(board);
    stats.created.board = (stats.created.board || 0) + 1;
  }
  window.__npLastData = performance.now();
  stats.updates = (stats.updates || 0) + 1;
  showStatus(board, data.status, data.line);
  stats.lastEpoch = data.epoch;
  stats.lastLoss = data.loss;
  if (data.ask_when_shown && !board.__npShownAsked) {
    board.__npShownAsked = true;
    window.__npShownAsk = () => { window.__npShownAsk = null; setTriggerValue('drawn', -1); };
    setTimeout(() => window.__npShownAsk && window.__npShownAsk(), SHOWN_FALLBACK_MS);
  }
  const queue = (window.__npQueue = window.__npQueue || []);
  for (const chart of placeCharts(board, data.rows, stats)) {
    chart.div.__npPending = chart;
    if (!queue.includes(chart.div)) queue.push(chart.div);
  }
  // While playing, ask for the next refresh once this one is drawn (see askNext()).
  window.__npAsk = data.pace > 0 ? {pace: data.pace, epoch: data.epoch, ask: setTriggerValue}
                                 : null;
  window.__npPlotly.then((Plotly) => {
    if (!queue.length) askNext();            // nothing to draw: ask at once
    if (window.__npFrame || !queue.length) return;   // a drawing loop is already running
    const drawNext = () => {
      window.__npFrame = 0;
      const div = queue.shift();
      if (div) {
        try { draw(Plotly, div, stats); }
        catch (error) { div.textContent = 'This chart could not be drawn: ' + error; }
      }
      if (window.__npShownAsk) window.__npShownAsk();
      askNext();    // once per update, after its first chart: the server works meanwhile
      if (queue.length) window.__npFrame = requestAnimationFrame(drawNext);
    };
    window.__npFrame = requestAnimationFrame(drawNext);
  }).catch((error) => { board.textContent = String(error); });
}

function askNext() {
  // Ask for the next refresh once the first chart of this one is drawn (the server builds
  // the next picture while the browser draws the rest of this one), at most every pace ms:
  // the server never runs more than one picture ahead of what the browser shows. If no
  // answer comes (a request lost in a rerun), ask again: the loop must not stall.
  const request = window.__npAsk;
  window.__npAsk = null;
  clearTimeout(window.__npWatchdog);
  if (!request) return;
  const wait = Math.max(0, request.pace - (performance.now() - (window.__npLastAsk || 0)));
  const ask = () => {
    window.__npLastAsk = performance.now();
    request.ask('drawn', request.epoch);
    window.__npWatchdog = setTimeout(() => {
      if ((window.__npLastData || 0) < window.__npLastAsk) ask();
    }, ASK_AGAIN_MS);
  };
  setTimeout(ask, wait);
}

function showStatus(board, items, line) {
  let bar = board.querySelector('.np-status');
  const labels = items.map((item) => item.label).join('|');
  if (!bar || bar.dataset.labels !== labels) {
    if (bar) bar.remove();
    bar = document.createElement('div');
    bar.className = 'np-status';
    bar.dataset.labels = labels;
    for (const item of items) {
      const cell = document.createElement('div');
      cell.className = 'np-stat';
      cell.dataset.npStat = item.label;
      cell.innerHTML = '<div class="np-stat-label"></div><div class="np-stat-value"></div>';
      cell.firstChild.textContent = item.label;
      bar.appendChild(cell);
    }
    const fitted = document.createElement('div');
    fitted.className = 'np-line';
    bar.appendChild(fitted);
    board.prepend(bar);
  }
  items.forEach((item, i) => {
    const cell = bar.children[i];
    cell.lastChild.textContent = item.value;
    cell.title = item.help || '';
  });
  bar.lastChild.textContent = line || '';
  bar.lastChild.style.display = line ? '' : 'none';
}

function placeCharts(board, rows, stats) {
  // One grid row per entry of rows; a chart keeps its plot element (and its zoom) across
  // refreshes and layout changes; charts no longer listed are removed.
  const layout = JSON.stringify(rows.map((row) => [row.widths, row.charts.map((c) => c.key)]));
  const charts = board.__npCharts;
  if (board.dataset.layout !== layout) {
    board.querySelectorAll('.np-row').forEach((row) => row.remove());
    const wanted = new Set();
    for (const row of rows) {
      const line = document.createElement('div');
      line.className = 'np-row';
      line.style.gridTemplateColumns = row.widths.map((w) => w + 'fr').join(' ');
      for (const chart of row.charts) {
        wanted.add(chart.key);
        let div = charts[chart.key];
        if (!div) {
          div = charts[chart.key] = document.createElement('div');
          div.className = 'np-chart';
          div.dataset.key = chart.key;
          stats.created[chart.key] = (stats.created[chart.key] || 0) + 1;
          resizeWithBox(div);
        }
        line.appendChild(div);
      }
      board.appendChild(line);
    }
    for (const key of Object.keys(charts)) {
      if (!wanted.has(key)) {
        if (window.Plotly) window.Plotly.purge(charts[key]);
        delete charts[key];
      }
    }
    board.dataset.layout = layout;
  }
  const changed = [];
  for (const row of rows) {
    for (const chart of row.charts) {
      const div = charts[chart.key];
      div.style.height = chart.height + 'px';
      if (chart.figure !== div.__npDrawn) changed.push({...chart, div});
    }
  }
  return changed;
}

function resizeWithBox(div) {
  // plotly's "responsive" follows the window only; the box also changes when the sidebar
  // opens or closes, or the columns change: fit the chart to its box again then.
  let width = 0;
  new ResizeObserver((entries) => {
    const now = Math.round(entries[entries.length - 1].contentRect.width);
    if (now === width) return;
    width = now;
    if (div.data && window.Plotly) requestAnimationFrame(() => window.Plotly.Plots.resize(div));
  }).observe(div);
}

function draw(Plotly, div, stats) {
  const next = div.__npPending;
  if (!next || next.figure === div.__npDrawn) return;
  const figure = JSON.parse(next.figure);
  const started = performance.now();
  const {images, shapes, ...rest} = figure.layout;
  const dataText = JSON.stringify(figure.data);
  const restText = JSON.stringify(rest);
  if (div.data && dataText === div.__npDataText && restText === div.__npRestText) {
    // Only pictures and shapes changed (the decision boundary and the network diagram
    // while playing: their traces stay the same): swapping them costs plotly about a
    // millisecond, a full react tens of ms.
    Plotly.relayout(div, {images: images || [], shapes: shapes || []});
  } else {
    Plotly.react(div, figure.data, figure.layout, {displaylogo: false, responsive: true,
                 modeBarButtonsToRemove: ['lasso2d', 'select2d']});
  }
  div.__npDrawn = next.figure;
  div.__npDataText = dataText;
  div.__npRestText = restText;
  const spent = performance.now() - started;
  stats.reactMs = (stats.reactMs || 0) + spent;
  stats.keyMs[next.key] = (stats.keyMs[next.key] || 0) + spent;
  stats.refreshes += 1;
  stats.perKey[next.key] = (stats.perKey[next.key] || 0) + 1;
}
"""

_CSS = """
.np-board { display: flex; flex-direction: column; gap: 0.5rem; }
.np-status { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; margin-bottom: 0.25rem; }
.np-stat { flex: 1 1 8rem; min-width: 7rem; }
.np-stat-label { font-size: 0.875rem; opacity: 0.65; }
.np-stat-value { font-size: 2.25rem; line-height: 1.25; font-variant-numeric: tabular-nums; }
.np-line { flex-basis: 100%; font-size: 1.05rem; font-weight: 600; }
.np-row { display: grid; gap: 1.5rem; }
.np-chart { min-height: 100px; min-width: 0; }
"""

# isolate_styles=False: plotly.js puts its style sheet (mode bar, hover labels) in the
# document head, which a shadow root would keep away from the charts.
_live_board = st.components.v2.component("neural_playground_live_board", js=_JS, css=_CSS,
                                         isolate_styles=False)


# Registered once, at import (not per run: a module reloaded by Streamlit's file watcher
# cannot be found by declare_component's caller inspection).
_PLOTLY_ASSETS = declare_component("plotly_assets", path=PLOTLY_JS_DIR)


def plotly_asset_url() -> str:
    """The page-relative URL of the plotly.js bundle."""
    return f"component/{_PLOTLY_ASSETS.name}/{PLOTLY_JS_FILE}"


# Starts loading plotly.js from a plain HTML element: it runs as soon as the page's first
# message arrives, before the board is mounted; the board then shares the promise.
_PRELOAD_HTML = ("<script>" + _LOAD_PLOTLY_JS +
                 "if (!window.__npPlotly) window.__npPlotly = loadPlotly(%s);</script>")


def preload_plotly() -> None:
    """Start loading plotly.js at once (call first thing on the page)."""
    st.html(_PRELOAD_HTML % json.dumps(plotly_asset_url()), unsafe_allow_javascript=True)


def _next_refresh() -> None:
    """The board was drawn: its trigger reruns the enclosing fragment."""


def live_board(status: list[dict], rows: list[dict], line: str | None = None,
               epoch: int = 0, loss: float | None = None, pace_ms: int = 0,
               ask_when_shown: bool = False, key: str = "live_board") -> None:
    """Show the status line and the charts; later calls with the same key update in place.

    status: [{"label": "Epoch", "value": "12", "help": "..." or None}, ...] in display order.
    rows: [{"widths": [1, 1.1], "charts": [{"key": str, "figure": figure JSON, "height": px},
          ...]}, ...] top to bottom; a chart's key keeps its plot element across calls.
    line: an extra line under the numbers (e.g. the fitted line y = w x + b), or None.
    epoch, loss: written to ``window.__npStats`` in the browser (what the page shows), for
        the live benchmark and the browser tests.
    pace_ms: if > 0, once a refresh is drawn the board asks for the next run of the
        fragment it is in, at most every ``pace_ms`` milliseconds.
    ask_when_shown: ask for one run of that fragment once the first chart is drawn (or
        after SHOWN_FALLBACK_MS if it cannot be), e.g. to draw the rest of the page then.
    """
    for row in rows:
        for chart in row["charts"]:
            if not isinstance(chart["figure"], str):
                raise TypeError("live_board wants each figure as its JSON text "
                                "(figure.to_json()).")
    payload = {
        "status": status, "line": line, "rows": rows, "src": plotly_asset_url(),
        "epoch": int(epoch), "loss": None if loss is None else float(loss),
        "pace": int(pace_ms), "ask_when_shown": bool(ask_when_shown)}
    # Sent inside a list: Streamlit looks for DataFrames among a dict's values, which
    # imports pandas (about a second) before a tab's first chart can be sent.
    _live_board(key=key, on_drawn_change=_next_refresh, data=[payload])


def board_data(element) -> dict:
    """The data a ``live_board`` element sent (for tests: AppTest shows it as an unknown
    element whose proto carries the JSON)."""
    return json.loads(element.proto.json)[0]
