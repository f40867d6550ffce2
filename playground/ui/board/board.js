// The live board (st.components.v2): status numbers and Plotly charts updated in place.
// Two ways in: (1) each Streamlit run sends whole figures as component data (drawn one
// per animation frame with Plotly.react, or relayout when only pictures changed); (2)
// while playing, the live stream (a WebSocket, see live_stream.py) sends small frames:
// pictures swapped, curves extended; each is applied at the next animation frame and
// acknowledged at once, so the server builds the next while the browser paints.
// Play, Pause and Step clicks go through the stream when it is open; the board then asks
// Streamlit for one run so the buttons show the new state. Loaded after loader.js and
// canvases.js (the curves and the boundary picture drawn on canvases while playing).

const ASK_AGAIN_MS = 3000;       // without a stream: no refresh this long after asking
const SHOWN_FALLBACK_MS = 2500;  // ask_when_shown: ask after this long even if not drawn
const RECONNECT_MS = 1000;       // a closed stream is opened again after this long
const MAX_TRIES = 5;             // ... at most this many times in a row
const PLOT_CONFIG = {displaylogo: false, responsive: true,
                     modeBarButtonsToRemove: ['lasso2d', 'select2d']};
// Streamlit buttons (by their key) whose clicks the stream carries
const COMMANDS = {btn_play: 'play', btn_pause: 'pause', btn_step_epoch: 'step_epoch',
                  btn_step_batch: 'step_batch'};

export default function(component) {
  const {parentElement, setTriggerValue} = component;
  const data = component.data[0];          // the payload is sent as [payload] (see Python)
  const np = boardNamespace();
  const stats = np.stats;
  loadPlotly(data.src);
  let board = parentElement.querySelector('.np-board');
  if (!board) {
    board = document.createElement('div');
    board.className = 'np-board';
    board.npCharts = {};
    parentElement.appendChild(board);
    stats.created.board = (stats.created.board || 0) + 1;
  }
  np.board = board;
  np.trigger = setTriggerValue;
  np.data = data;
  np.syncFor = null;
  np.lastData = performance.now();
  stats.updates += 1;
  if (!stats.t.data) stats.t.data = Math.round(performance.now());
  const streaming = data.playing && streamOpen(np);
  if (!streaming) {
    showStatus(board, data.status, data.line);
    stats.version = data.version;
    stats.lastEpoch = data.epoch;
    stats.lastLoss = data.loss;
  }
  if (data.ask_when_shown && !board.npShownAsked) {
    board.npShownAsked = true;
    np.shownAsk = () => { np.shownAsk = null; setTriggerValue('drawn', -1); };
    setTimeout(() => np.shownAsk && np.shownAsk(), SHOWN_FALLBACK_MS);
  }
  for (const chart of placeCharts(board, data.rows, stats)) {
    const div = chart.div;
    div.npDeferred = null;
    // the stream keeps this chart up to date, or already drew this very picture
    if (div.npBase === chart.base && (streaming || (div.npVersion === data.version &&
        div.npPlaying === data.playing && div.npN === chart.n))) continue;
    const next = {...chart, version: data.version, playing: data.playing};
    if (!data.playing && chart.live && div.npBase === chart.live.base &&
        div.npLiveDrawn === chart.live.drawn) {
      // Paused, and the stream's last frame shows this very picture (without hover
      // values): what is on screen stays as it is until the pointer comes for them.
      deferUntilPointer(np, div, next);
      continue;
    }
    div.npPending = next;
    if (!np.queue.includes(div)) np.queue.push(div);
  }
  connect(np, data.stream);
  listenToControls(np);
  // Without a stream, while playing: ask for the next run once this one is drawn.
  np.ask = data.pace > 0 && !streamOpen(np) ?
    {pace: data.pace, epoch: data.epoch, ask: setTriggerValue} : null;
  startDrawing(np);
}

function deferUntilPointer(np, div, next) {
  div.npDeferred = next;
  if (div.npPointerListened) return;
  div.npPointerListened = true;
  div.addEventListener('pointerenter', () => {
    if (!div.npDeferred) return;
    div.npPending = div.npDeferred;
    div.npDeferred = null;
    if (!np.queue.includes(div)) np.queue.push(div);
    startDrawing(np);
  });
}

function startDrawing(np) {
  // Draw the queued whole figures, one per animation frame.
  np.plotly.then((Plotly) => {
    if (!np.queue.length) askNext(np);
    if (np.drawing || !np.queue.length) return;   // a drawing loop is already running
    const drawNext = () => {
      np.drawing = 0;
      const div = np.queue.shift();
      if (div) {
        try { draw(Plotly, div, np.stats); }
        catch (error) { div.textContent = 'This chart could not be drawn: ' + error; }
      }
      if (np.shownAsk) np.shownAsk();
      askNext(np);
      if (np.queue.length) np.drawing = requestAnimationFrame(drawNext);
    };
    np.drawing = requestAnimationFrame(drawNext);
  }).catch((error) => { if (np.board) np.board.textContent = String(error); });
}

// ----- the live stream ----------------------------------------------------------------------
function streamOpen(np) {
  return !!(np.stream && np.stream.socket && np.stream.socket.readyState === WebSocket.OPEN);
}

function connect(np, stream) {
  if (!stream || !window.WebSocket) return;
  if (np.stream && np.stream.token === stream.token && np.stream.socket) return;
  if (np.stream && np.stream.socket) np.stream.socket.close();
  const url = new URL(stream.path, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '?token=' + encodeURIComponent(stream.token);
  const tries = np.stream && np.stream.token === stream.token ? np.stream.tries : 0;
  const socket = new WebSocket(url.href);
  const entry = (np.stream = {socket, token: stream.token, tries});
  np.stats.stream = 'connecting';
  socket.onopen = () => {
    entry.tries = 0;
    np.shownSeq = 0;               // a new socket: frames are numbered by its channel
    np.stats.stream = 'open';
    np.stats.streamOpened += 1;
  };
  socket.onmessage = (event) => {
    np.stats.received = (np.stats.received || 0) + 1;
    const frame = JSON.parse(event.data);
    frame.receivedAt = performance.now();
    np.frames.push(frame);
    if (!np.applying) np.applying = requestAnimationFrame(() => applyFrames(np));
  };
  socket.onclose = () => {
    if (np.stream !== entry) return;
    entry.socket = null;
    np.stats.stream = 'closed';
    entry.tries += 1;
    if (entry.tries <= MAX_TRIES) {
      setTimeout(() => {
        if (np.stream === entry && np.data && np.data.stream.token === entry.token) {
          connect(np, np.data.stream);
        }
      }, RECONNECT_MS);
    }
    // without the stream, a playing board asks Streamlit for refreshes again
    if (np.data && np.data.playing && np.trigger) np.trigger('drawn', -2);
  };
}

function applyFrames(np) {
  np.applying = 0;
  const started = performance.now();
  const frames = np.frames.splice(0);
  const socket = np.stream && np.stream.socket;
  if (!frames.length || !window.Plotly || !np.board) {
    if (frames.length) np.frames.unshift(...frames);   // plotly.js not loaded yet
    if (frames.length) np.applying = requestAnimationFrame(() => applyFrames(np));
    return;
  }
  const resync = new Set();
  for (const frame of frames) {
    // A frame older than one already shown is skipped. Frames that arrive after a Pause
    // click but before its answer are applied: they show pictures newer than the last, and
    // the answer (the state training stopped in) only carries what changed after them.
    if (frame.seq <= (np.shownSeq || 0)) { np.stats.skipped = (np.stats.skipped || 0) + 1; continue; }
    np.shownSeq = frame.seq;
    showStatus(np.board, frame.status, frame.line);
    np.stats.lastEpoch = frame.epoch;
    np.stats.lastLoss = frame.loss;
    np.stats.version = frame.version;
    np.stats.frames += 1;
    for (const [key, update] of Object.entries(frame.charts)) {
      const div = np.board.npCharts[key];
      if (!div) continue;
      let applied = false;
      try { applied = applyUpdate(window.Plotly, div, update, np.stats, key, frame.playing); }
      catch (error) { applied = false; np.stats.lastError = key + ': ' + error; }
      if (applied) {
        div.npVersion = frame.version;
        div.npPlaying = frame.playing;
        div.npDeferred = null;
      } else {
        resync.add(key);
      }
    }
  }
  np.stats.resyncs += resync.size;
  const last = frames[frames.length - 1];
  if (!last.playing) {
    // paused: the curves go back to plotly (hover values), once the paused state is on
    // screen (a plotly redraw of them takes a while)
    const board = np.board;
    requestAnimationFrame(() => setTimeout(() => {
      for (const div of Object.values(board.npCharts)) {
        if (!div.npCurves || div.npPlaying) continue;
        try { handBackCurves(window.Plotly, div); } catch (error) { div.npBase = null; }
      }
    }, 0));
    for (const div of Object.values(np.board.npCharts)) {
      if (!div.npCurves) continue;
      div.npVersion = last.version;
      div.npPlaying = false;
    }
  }
  np.stats.playing = last.playing;
  const timeline = (np.stats.timeline = np.stats.timeline || []);
  timeline.push([Math.round(last.receivedAt), Math.round(started),
                 Math.round(performance.now()), last.server_ms,
                 Object.entries(last.charts).map(([k, u]) => k.slice(0, 4) + ':' +
                   (u.figure ? 'F' : u.extend ? 'E' : 'R')).join(',')]);
  if (timeline.length > 60) timeline.shift();
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify({type: 'ack', seq: last.seq, resync: [...resync]}));
  }
  // the buttons and messages are Streamlit's: one run to show a state the stream changed
  const data = np.data || {};
  const stepped = np.stepSent && !last.playing && last.version !== np.stepSent.version;
  if (((last.playing !== data.playing || last.diverged !== data.diverged) &&
       np.syncFor !== last.playing || stepped) && np.trigger) {
    np.syncFor = last.playing;
    np.stepSent = null;
    np.stats.syncs += 1;
    np.trigger('sync', last.seq);
  }
}

// plotly.js keeps typed-array specs ({dtype, bdata}) as they came, and extendTraces
// cannot grow those: a chart whose curves grow gets plain arrays.
const TYPED = {f8: Float64Array, f4: Float32Array, i4: Int32Array, u4: Uint32Array,
               i2: Int16Array, u2: Uint16Array, i1: Int8Array, u1: Uint8Array};

function plainArrays(traces) {
  for (const trace of traces) {
    for (const axis of ['x', 'y']) {
      const spec = trace[axis];
      if (spec && spec.bdata !== undefined && TYPED[spec.dtype]) {
        const bytes = Uint8Array.from(atob(spec.bdata), (c) => c.charCodeAt(0));
        trace[axis] = Array.from(new TYPED[spec.dtype](bytes.buffer));
      }
    }
  }
  return traces;
}

function applyUpdate(Plotly, div, update, stats, key, playing) {
  const started = performance.now();
  if (update.figure) {
    let data = update.figure.data;
    if (update.n !== undefined) {
      plainArrays(data);
      // growing curves while playing: plotly draws the axes and legend, a canvas the lines
      if (playing) data = takeCurves(div, data);
      else div.npCurves = null;
    }
    clearRaster(div);
    Plotly.react(div, data, update.figure.layout, PLOT_CONFIG);
    drawCurves(div);
    firstDrawn(stats);
    div.npDrawn = null;
    div.npDataText = JSON.stringify(data);
    const {images, shapes, ...rest} = update.figure.layout;
    div.npRestText = JSON.stringify(rest);
  } else {
    if (!div.data || div.npBase !== update.base) return false;
    if (update.extend) {
      if (div.npN !== update.from) return false;
      if (div.npCurves) {
        update.indices.forEach((trace, i) => {
          div.npCurves.x[trace].push(...update.extend.x[i]);
          div.npCurves.y[trace].push(...update.extend.y[i]);
        });
        const axes = changedLayout(div.layout, update.relayout || {});
        if (axes) Plotly.relayout(div, axes);    // rare: the axis ranges grow in steps
        drawCurves(div);
      } else {
        // one redraw for the points and the axes (extendTraces + relayout would be two)
        const xs = [], ys = [];
        update.indices.forEach((trace, i) => {
          xs.push(div.data[trace].x.concat(update.extend.x[i]));
          ys.push(div.data[trace].y.concat(update.extend.y[i]));
        });
        Plotly.update(div, {x: xs, y: ys}, update.relayout || {}, update.indices);
      }
    } else if (update.relayout) {
      const {images, shapes, ...rest} = update.relayout;
      const swapped = images && swapImages(div, images, stats);
      // pixels for a canvas fit only a chart drawn with that image: send it whole
      if (images && !swapped && images.some((image) => image.raster)) return false;
      const layout = {...rest};
      if (images && !swapped) layout.images = images;
      if (shapes && JSON.stringify(shapes) !== JSON.stringify(div.layout.shapes || [])) {
        layout.shapes = shapes;
      }
      if (Object.keys(layout).length) Plotly.relayout(div, layout);
    }
  }
  div.npBase = update.base;
  div.npLiveDrawn = update.drawn;
  if (update.n !== undefined) div.npN = update.n;
  const spent = performance.now() - started;
  stats.keyMs[key] = (stats.keyMs[key] || 0) + spent;
  stats.perKey[key] = (stats.perKey[key] || 0) + 1;
  stats.refreshes += 1;
  return true;
}

// ----- curves handed back to plotly (canvases.js draws them while playing) ---------------
function handBackCurves(Plotly, div) {
  const curves = div.npCurves;
  div.npCurves = null;
  clearCurves(div);
  const traces = div.data.map((t, i) => ({...t, x: curves.x[i], y: curves.y[i]}));
  Plotly.react(div, traces, div.layout, PLOT_CONFIG);
  div.npDataText = JSON.stringify(traces);
}

function changedLayout(layout, wanted) {
  // the entries of a relayout ("xaxis.range": [...]) that differ from the chart's layout
  const changed = {};
  for (const [path, value] of Object.entries(wanted)) {
    const now = path.split('.').reduce((o, k) => (o == null ? o : o[k]), layout);
    if (JSON.stringify(now) !== JSON.stringify(value)) changed[path] = value;
  }
  return Object.keys(changed).length ? changed : null;
}

function swapImages(div, images, stats) {
  // The pictures of a chart whose images stay where they are (the decision boundary, the
  // network's nodes): set each <image>'s source in place, far cheaper than a relayout;
  // the image named RASTER_IMAGE is painted on a canvas under the plot (canvases.js).
  // plotly.js binds each <image> element to its image's options (with _index).
  const current = div.layout.images || [];
  if (current.length !== images.length) return false;
  for (let i = 0; i < images.length; i++) {
    const {source, raster, ...place} = images[i];
    const {source: oldSource, raster: oldRaster, ...oldPlace} = current[i];
    if (JSON.stringify(place) !== JSON.stringify(oldPlace)) return false;
  }
  const elements = [...div.querySelectorAll('.imagelayer image')];
  if (elements.length !== images.length) return false;
  for (const element of elements) {
    const d = element.__data__;
    if (!d || d._index === undefined || !images[d._index]) return false;
  }
  for (const element of elements) {
    const i = element.__data__._index;
    const source = images[i].source;
    if (images[i].raster) {           // its pixels, for the canvas under the plot
      setRaster(div, images[i]);
      stats.rasters = (stats.rasters || 0) + 1;
      continue;
    }
    if (element._imgSrc === source) continue;
    element.setAttribute('href', source);
    element.setAttributeNS('http://www.w3.org/1999/xlink', 'xlink:href', source);
    element._imgSrc = source;
    current[i].source = source;
    element.__data__.source = source;
    if (div._fullLayout && div._fullLayout.images[i]) div._fullLayout.images[i].source = source;
  }
  return true;
}

function listenToControls(np) {
  if (np.controlsListened) return;
  np.controlsListened = true;
  // Capture phase on window: runs before Streamlit's own handler, which then never sees
  // a click the stream carries (no Streamlit run before the trainer stops).
  window.addEventListener('click', (event) => {
    const button = event.target.closest && event.target.closest('button');
    if (!button || button.disabled || !streamOpen(np)) return;
    const holder = button.closest('[class*="st-key-btn_"]');
    if (!holder) return;
    const key = [...holder.classList].find((c) => c.startsWith('st-key-'));
    const command = key && COMMANDS[key.slice('st-key-'.length)];
    if (!command) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    np.stats.commands += 1;
    np.stats.lastCommand = {command, at: performance.now()};
    if (command.startsWith('step')) np.stepSent = {version: np.stats.version};
    np.stream.socket.send(JSON.stringify({type: 'command', command}));
  }, true);
}

// ----- Streamlit runs without a stream --------------------------------------------------------
function askNext(np) {
  // Ask for the next run once the first chart of this one is drawn, at most every pace
  // ms; if no answer comes (a request lost in a rerun), ask again.
  const request = np.ask;
  np.ask = null;
  clearTimeout(np.watchdog);
  if (!request) return;
  const wait = Math.max(0, request.pace - (performance.now() - (np.lastAsk || 0)));
  const ask = () => {
    if (streamOpen(np)) return;
    np.lastAsk = performance.now();
    request.ask('drawn', request.epoch);
    np.watchdog = setTimeout(() => {
      if ((np.lastData || 0) < np.lastAsk) ask();
    }, ASK_AGAIN_MS);
  };
  setTimeout(ask, wait);
}

// ----- drawing ------------------------------------------------------------------------------
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
      const label = document.createElement('div');
      label.className = 'np-stat-label';
      label.textContent = item.label;
      const value = document.createElement('div');
      value.className = 'np-stat-value';
      cell.append(label, value);
      bar.appendChild(cell);
    }
    const fitted = document.createElement('div');
    fitted.className = 'np-line';
    bar.appendChild(fitted);
    board.prepend(bar);
  }
  items.forEach((item, i) => {
    const cell = bar.children[i];
    if (cell.lastChild.textContent !== item.value) cell.lastChild.textContent = item.value;
    cell.title = item.help || '';
  });
  bar.lastChild.textContent = line || '';
  bar.lastChild.style.display = line ? '' : 'none';
}

function placeCharts(board, rows, stats) {
  // One grid row per entry of rows; a chart keeps its plot element (and its zoom) across
  // refreshes and layout changes; charts no longer listed are removed.
  const layout = JSON.stringify(rows.map((row) => [row.widths, row.charts.map((c) => c.key)]));
  const charts = board.npCharts;
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
      if (chart.figure !== div.npDrawn) changed.push({...chart, div});
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
    if (now === 0 || !div.data || !window.Plotly) return;
    requestAnimationFrame(() => {
      // A chart taken off the page meanwhile (the rows were rebuilt, e.g. a preset changed
      // the layout) cannot be resized: plotly would reject "Resize must be passed a
      // displayed plot div element". It is fitted again once it is back.
      if (!div.isConnected || div.offsetParent === null) { width = 0; return; }
      window.Plotly.Plots.resize(div).then(() => { drawCurves(div); paintRaster(div); })
        .catch(() => { width = 0; });
    });
  }).observe(div);
}

function draw(Plotly, div, stats) {
  const next = div.npPending;
  div.npPending = null;
  if (!next || next.figure === div.npDrawn) return;
  const figure = JSON.parse(next.figure);
  const started = performance.now();
  const {images, shapes, ...rest} = figure.layout;
  const dataText = JSON.stringify(figure.data);
  const restText = JSON.stringify(rest);
  clearRaster(div);                 // plotly draws this figure's own picture
  if (div.data && dataText === div.npDataText && restText === div.npRestText) {
    // Only pictures and shapes changed: swapping them costs plotly about a millisecond,
    // a full react tens of ms.
    Plotly.relayout(div, {images: images || [], shapes: shapes || []});
  } else {
    if (next.n !== undefined) plainArrays(figure.data);
    Plotly.react(div, figure.data, figure.layout, PLOT_CONFIG);
    div.npCurves = null;           // the whole curves again: plotly draws their lines
    clearCurves(div);
  }
  div.npDrawn = next.figure;
  div.npLiveDrawn = null;
  div.npDataText = dataText;
  div.npRestText = restText;
  div.npBase = next.base;
  div.npN = next.n;
  div.npVersion = next.version;
  div.npPlaying = next.playing;
  const spent = performance.now() - started;
  stats.reactMs = (stats.reactMs || 0) + spent;
  stats.keyMs[next.key] = (stats.keyMs[next.key] || 0) + spent;
  stats.refreshes += 1;
  stats.perKey[next.key] = (stats.perKey[next.key] || 0) + 1;
  firstDrawn(stats);
}

function firstDrawn(stats) {
  // the board's first chart is on screen: the page's first picture (first_picture.html)
  // has done its job
  if (stats.t.drawn) return;
  stats.t.drawn = Math.round(performance.now());
  const first = document.getElementById('np-first');
  if (first) first.remove();
}
