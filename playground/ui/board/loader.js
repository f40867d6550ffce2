// The page's one namespace object (window.neuralPlayground) and the plotly.js loader.
// Shared by the preload element (first thing on the page, so plotly.js starts loading at
// once) and the board (board.js), which uses the same promise.
function boardNamespace() {
  if (!window.neuralPlayground) {
    window.neuralPlayground = {
      plotly: null,        // promise of window.Plotly
      board: null,         // the board's element
      data: null,          // the component data of the last Streamlit run
      queue: [],           // chart elements waiting to be drawn whole
      drawing: 0,          // requestAnimationFrame id of the drawing loop, 0 if idle
      ask: null,           // without a stream: the next refresh to ask for
      stream: null,        // {socket, token, tries} of the live stream
      frames: [],          // stream frames received, to apply at the next animation frame
      applying: 0,         // requestAnimationFrame id for them
      syncFor: null,       // the playing state a sync run was asked for
      // for the benchmarks and browser tests: what the board did
      stats: {refreshes: 0, created: {}, perKey: {}, keyMs: {}, updates: 0, frames: 0,
              resyncs: 0, syncs: 0, commands: 0, streamOpened: 0, stream: 'none',
              // ms since navigation: page script seen, plotly.js loaded, board data
              // arrived, first chart drawn
              t: {loader: Math.round(performance.now())}},
    };
  }
  return window.neuralPlayground;
}

function loadPlotly(src) {
  const np = boardNamespace();
  if (!np.plotly) {
    np.plotly = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = new URL(src, window.location.href).href;
      script.onload = () => {
        np.stats.t.plotly = Math.round(performance.now());
        resolve(window.Plotly);
      };
      script.onerror = () => reject(new Error('plotly.js could not be loaded from ' + src));
      document.head.appendChild(script);
    });
  }
  return np.plotly;
}
