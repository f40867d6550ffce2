// Canvases over and under plotly's charts while playing (used by board.js, loaded before
// it): the growing loss curves drawn over the plot, and the decision boundary's picture
// painted under it. Each follows plotly's own axes (div._fullLayout), so zoom and resize
// keep them in place; plotly draws the points, axes and legend.

// ----- curves on a canvas ------------------------------------------------------------------
// A plotly redraw of growing curves costs the browser 40-150 ms (its whole pipeline runs
// for a few points more), which would stall every other picture. While playing, the
// curves' points stay on the board (div.npCurves: x[trace], y[trace]) and are drawn on a
// canvas over the plot, through plotly's own axes; plotly keeps one empty point per
// trace (its legend entry). Paused, plotly gets the points back (hover values).
function takeCurves(div, traces) {
  div.npCurves = {x: traces.map((t) => Array.from(t.x || [])),
                  y: traces.map((t) => Array.from(t.y || []))};
  return traces.map((t) => ({...t, x: [null], y: [null]}));
}

function clearCurves(div) {
  const canvas = div.querySelector(':scope > canvas.np-curves');
  if (canvas) canvas.remove();
}

function dashPattern(dash, width) {
  // plotly's dash styles (its Drawing.dashStyle), in px for a line this wide
  const w = Math.max(width, 3);
  return {dot: [w, w], dash: [3 * w, 3 * w], longdash: [5 * w, 5 * w],
          dashdot: [3 * w, w, w, w], longdashdot: [5 * w, 2 * w, w, 2 * w]}[dash] || [];
}

function drawCurves(div) {
  const curves = div.npCurves, full = div._fullLayout;
  if (!curves || !full || !div.data) { clearCurves(div); return; }
  let canvas = div.querySelector(':scope > canvas.np-curves');
  if (!canvas) {
    canvas = document.createElement('canvas');
    canvas.className = 'np-curves';
    div.appendChild(canvas);
  }
  const ratio = window.devicePixelRatio || 1, w = full.width, h = full.height;
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
    canvas.style.width = w + 'px';
    canvas.style.height = h + 'px';
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, h);
  div.data.forEach((trace, i) => {
    const xs = curves.x[i], ys = curves.y[i];
    const xa = full['xaxis' + (trace.xaxis || 'x').slice(1)];
    const ya = full['yaxis' + (trace.yaxis || 'y').slice(1)];
    if (!xs || !xa || !ya || trace.visible === false) return;
    const log = ya.type === 'log';
    const line = trace.line || {}, marker = trace.marker || {};
    ctx.save();
    ctx.beginPath();
    ctx.rect(xa._offset, ya._offset, xa._length, ya._length);
    ctx.clip();
    ctx.strokeStyle = line.color || '#444';
    ctx.lineWidth = line.width || 2;
    ctx.lineJoin = 'round';
    ctx.setLineDash(dashPattern(line.dash, ctx.lineWidth));
    const points = [];
    ctx.beginPath();
    let open = false;
    for (let k = 0; k < xs.length; k++) {
      const y = ys[k];
      if (y === null || y === undefined || !isFinite(y) || (log && y <= 0)) { open = false; continue; }
      const px = xa._offset + xa.c2p(xs[k]), py = ya._offset + ya.c2p(y);
      if (open) ctx.lineTo(px, py); else ctx.moveTo(px, py);
      open = true;
      points.push(px, py);
    }
    ctx.stroke();
    if ((trace.mode || '').includes('markers')) {
      ctx.fillStyle = marker.color || ctx.strokeStyle;
      const r = (marker.size || 6) / 2;
      for (let k = 0; k < points.length; k += 2) {
        ctx.beginPath();
        ctx.arc(points[k], points[k + 1], r, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    ctx.restore();
  });
}

// ----- a picture on a canvas under the plot ------------------------------------------------
// Swapping the picture of an SVG <image> repaints plotly's whole SVG (every point of the
// boundary) on each frame. While playing, the picture of the layout image named
// RASTER_IMAGE (viz/boundary.py) is painted on a canvas of its own layer under the plot
// instead; the figure's backgrounds are transparent, so only that canvas is repainted.
// The <image> stays in the layout but hidden; a whole figure drawn again (Pause, a new
// experiment) removes the canvas and plotly shows its own picture again.
const RASTER_IMAGE = 'np-raster';

function rasterIndex(images) {
  // the index of the image the canvas paints, or -1
  return (images || []).findIndex((image) => image && image.name === RASTER_IMAGE);
}

function setRaster(div, image) {
  // image.raster: {rows, cols, channels, data: base64 of the pixels, row 0 at the top}
  // (live_frames.raster_images), painted at once: no image to decode.
  const {rows, cols, channels, data} = image.raster;
  const bytes = atob(data);
  if (bytes.length !== rows * cols * channels) throw new Error('a picture of the wrong size');
  const raster = div.npRaster || (div.npRaster = {pixels: document.createElement('canvas')});
  const pixels = raster.pixels;
  if (pixels.width !== cols || pixels.height !== rows) {
    pixels.width = cols;
    pixels.height = rows;
  }
  const context = pixels.getContext('2d');
  const picture = context.createImageData(cols, rows);
  const rgba = picture.data;
  for (let p = 0, q = 0; p < rgba.length; p += 4, q += channels) {
    rgba[p] = bytes.charCodeAt(q);
    rgba[p + 1] = bytes.charCodeAt(q + 1);
    rgba[p + 2] = bytes.charCodeAt(q + 2);
    rgba[p + 3] = channels === 4 ? bytes.charCodeAt(q + 3) : 255;
  }
  context.putImageData(picture, 0, 0);
  raster.image = image;
  paintRaster(div);
}

function hideImage(div, index, hidden) {
  for (const element of div.querySelectorAll('.imagelayer image')) {
    const d = element.__data__;
    if (d && d._index === index) element.style.visibility = hidden ? 'hidden' : '';
  }
}

function paintRaster(div) {
  const raster = div.npRaster, full = div._fullLayout;
  if (!raster || !raster.image || !full) return;
  const image = raster.image;
  const xa = full['xaxis' + (image.xref || 'x').slice(1)];
  const ya = full['yaxis' + (image.yref || 'y').slice(1)];
  if (!xa || !ya || !xa.c2p || !ya.c2p) return;
  let canvas = div.querySelector(':scope > canvas.np-raster');
  if (!canvas) {
    canvas = document.createElement('canvas');
    canvas.className = 'np-raster';
    div.prepend(canvas);                    // before plotly's SVG: painted under it
    if (div.on && !div.npRasterListened) {  // zoom, pan, resize: follow the axes
      div.npRasterListened = true;
      div.on('plotly_afterplot', () => paintRaster(div));
    }
  }
  // the canvas covers the plot area only (what the benchmark reads back is small)
  const ratio = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(xa._length)), h = Math.max(1, Math.round(ya._length));
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
    canvas.style.width = w + 'px';
    canvas.style.height = h + 'px';
  }
  canvas.style.left = xa._offset + 'px';
  canvas.style.top = ya._offset + 'px';
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.globalAlpha = 1;
  ctx.clearRect(0, 0, w, h);
  const left = xa.c2p(image.x), top = ya.c2p(image.y);
  const right = xa.c2p(image.x + image.sizex), bottom = ya.c2p(image.y - image.sizey);
  ctx.imageSmoothingEnabled = true;         // as the browser scales an SVG <image>
  ctx.globalAlpha = image.opacity === undefined ? 1 : image.opacity;
  ctx.drawImage(raster.pixels, left, top, right - left, bottom - top);
  hideImage(div, rasterIndex(div.layout && div.layout.images), true);
}

function clearRaster(div) {
  // plotly draws the picture again (a whole figure is drawn)
  const raster = div.npRaster;
  if (!raster) return;
  div.npRaster = null;
  const canvas = div.querySelector(':scope > canvas.np-raster');
  if (canvas) canvas.remove();
  for (const element of div.querySelectorAll('.imagelayer image')) element.style.visibility = '';
}
