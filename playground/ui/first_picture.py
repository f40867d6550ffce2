"""The first picture, in the page's own HTML: the default experiment's decision boundary with
its points, on screen at the browser's first paint.

A first visit waits 1.5-3 s for Streamlit's frontend (about 60 scripts, 3 MB) to start, run
the page and mount the board. TensorFlow Playground shows its boundary after about a
second. So the app's route for "/" (``index_route``, ahead of Streamlit's own) serves
Streamlit's index.html with this picture in it: the very picture the board draws first
(the untrained model of the default experiment, the same seed), as an inline SVG over the
page. The board removes it once it has drawn its own first chart (board.js). A link with
settings (a query) gets Streamlit's page as it is: its first picture is another.

The picture is made once (``warm``, at server start) from the boundary view's live figure
(``views.draw``), so colours, extent and points are the board's own.
"""
from __future__ import annotations

import functools
import html
from pathlib import Path

import numpy as np

TEMPLATE = Path(__file__).resolve().parent / "board" / "first_picture.html"
SIZE_PX = 300                      # the square plot area of the picture


def boundary_svg(figure, size: int = SIZE_PX) -> str:
    """The live boundary figure (viz.boundary.decision_boundary_figure(live=True), as a
    FigureSpec or go.Figure) as an SVG of ``size`` x ``size`` px: its picture (the layout
    image, stretched over its extent) and its marker traces as circles, on the axes'
    ranges."""
    layout = figure.layout
    (left, right), (bottom, top) = layout["xaxis"]["range"], layout["yaxis"]["range"]

    def px(x, y):
        return ((np.asarray(x, float) - left) / (right - left) * size,
                (top - np.asarray(y, float)) / (top - bottom) * size)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
             f'viewBox="0 0 {size} {size}" role="img" aria-label="Decision boundary">']
    for image in layout.get("images") or []:
        x0, y0 = px(image["x"], image["y"])
        x1, y1 = px(image["x"] + image["sizex"], image["y"] - image["sizey"])
        parts.append(f'<image href="{html.escape(str(image["source"]))}" x="{x0:.1f}" '
                     f'y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" '
                     f'opacity="{float(image.get("opacity", 1.0)):.2f}" '
                     'preserveAspectRatio="none"/>')
    for trace in figure.data:
        marker = trace.get("marker") or {}
        if trace.get("type") != "scatter" or "markers" not in trace.get("mode", ""):
            continue
        xs, ys = px(trace["x"], trace["y"])
        keep = np.isfinite(xs) & np.isfinite(ys)
        colour = html.escape(str(marker.get("color", "#444444")))
        radius = float(marker.get("size", 8)) / 2
        parts.append(f'<g fill="{colour}">' + "".join(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:g}"/>'
            for x, y in zip(xs[keep].tolist(), ys[keep].tolist())) + "</g>")
    parts.append("</svg>")
    return "".join(parts)


def _make() -> str:
    from playground.ui.state import new_page_state
    from playground.viz import theme, views
    state = new_page_state({})
    try:
        snap = state.session.snapshot()
        view = views.choose(snap, "main")
        if view is None or view.name != "boundary":
            return ""
        with theme.figure_specs():
            figure = views.draw(view, snap, views.ViewOptions(live=True))
        return boundary_svg(figure)
    finally:
        state.trainer.stop(state)


@functools.cache
def picture() -> str:
    """The default experiment's first boundary picture as SVG ("" if it has none): the
    same for every visit, so made once (a constant, computed when first asked)."""
    return _make()


def warm() -> None:
    """Make the picture now (at server start, off any page's path)."""
    picture()


def page_with_picture(index_html: str, svg: str) -> str:
    """Streamlit's index.html with the first picture (``svg``) as the body's first element."""
    if not svg or "<body>" not in index_html:
        return index_html
    overlay = TEMPLATE.read_text(encoding="utf-8").replace("<!--PICTURE-->", svg)
    return index_html.replace("<body>", "<body>\n" + overlay, 1)


def _index_html() -> str:
    from streamlit import file_util
    return (Path(file_util.get_static_dir()) / "index.html").read_text(encoding="utf-8")


async def index_endpoint(request):
    """"/": Streamlit's page, with the first picture when the link has no settings."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import HTMLResponse
    text = await run_in_threadpool(_index_html)
    if not request.query_params:
        text = page_with_picture(text, await run_in_threadpool(picture))
    return HTMLResponse(text, headers={"Cache-Control": "no-cache"})


def index_route():
    """The route for "/" (st.App puts the app's routes before Streamlit's own)."""
    from starlette.routing import Route
    return Route("/", index_endpoint, methods=["GET", "HEAD"])
