"""The first picture in the page's HTML: the board's own first boundary, drawn as SVG."""
from __future__ import annotations

import asyncio
import re

import numpy as np
from starlette.requests import Request

from playground.ui import first_picture
from playground.ui.state import new_page_state
from playground.viz import theme, views


def _live_boundary():
    state = new_page_state({})
    snap = state.session.snapshot()
    state.trainer.stop(state)
    with theme.figure_specs():
        return snap, views.draw("boundary", snap, views.ViewOptions(live=True))


def _circles(svg: str) -> dict[str, list[tuple[float, float]]]:
    """fill colour -> [(cx, cy), ...] of the circles in each <g fill=...> group."""
    groups = re.findall(r'<g fill="([^"]+)">(.*?)</g>', svg)
    return {colour: [(float(x), float(y)) for x, y in
                     re.findall(r'<circle cx="([\d.-]+)" cy="([\d.-]+)"', body)]
            for colour, body in groups}


def test_the_first_picture_is_the_boards_first_boundary_with_its_points():
    snap, figure = _live_boundary()
    svg = first_picture.picture()
    # the board's picture of the untrained model (same experiment, same seed)
    image = figure.layout["images"][0]
    assert f'href="{image["source"]}"' in svg
    # every train point, in its class colour, where the axes put it
    train = snap.splits["train"]
    (left, right), (bottom, top) = (figure.layout["xaxis"]["range"],
                                    figure.layout["yaxis"]["range"])
    size = first_picture.SIZE_PX
    circles = _circles(svg)
    classes = np.asarray(train.y_true).astype(int).ravel()
    assert sum(len(c) for c in circles.values()) == len(classes)
    for trace in figure.data:
        if trace.get("mode") != "markers" or trace["x"] is None or len(trace["x"]) == 0 or \
                trace["x"][0] is None:
            continue
        drawn = np.array(circles[trace["marker"]["color"]])
        expected = np.column_stack([(np.asarray(trace["x"]) - left) / (right - left) * size,
                                    (top - np.asarray(trace["y"])) / (top - bottom) * size])
        np.testing.assert_allclose(drawn, expected, atol=0.051)
    # the two class colours of the board's points
    assert set(circles) == {trace["marker"]["color"] for trace in figure.data
                            if trace.get("showlegend", True) and trace.get("name", "")
                            .startswith("class")}


def _page(query: str = "") -> str:
    scope = {"type": "http", "method": "GET", "path": "/", "query_string": query.encode(),
             "headers": [], "root_path": ""}
    response = asyncio.run(first_picture.index_endpoint(Request(scope)))
    assert response.headers["cache-control"] == "no-cache"
    return response.body.decode()


def test_the_page_carries_the_picture_unless_the_link_has_settings():
    plain = first_picture._index_html()
    page = _page()
    assert page.startswith(plain.split("<body>")[0])         # Streamlit's page as it is
    assert page.index('id="np-first"') < page.index('<div id="root">')
    assert first_picture.picture() in page
    # a link with settings shows another experiment: Streamlit's page, no picture
    assert _page("dataset=spiral") == plain


def test_no_picture_no_change():
    assert first_picture.page_with_picture("<html><body></body></html>", "") == \
        "<html><body></body></html>"
