"""One look for every figure: fonts, colours, margins and the fast figure constructor.

A lecturer puts these on a projector, so text is large (14 px, titles 18 px), the
background is white, gridlines are thin and every colour is safe for colour-blind
viewers (orange/blue for the two classes and the two weight signs, as in TensorFlow
Playground, then the Okabe-Ito palette).

Figures are rebuilt 5-10 times a second while training, so ``new_figure`` skips
plotly's per-property validation (the slow part of building a figure). The tests
re-validate every figure by rebuilding it with ``go.Figure(fig.to_dict())``.
"""
from __future__ import annotations

import contextlib
import contextvars
import math
from types import MappingProxyType

import numpy as np
import plotly.graph_objects as go

from playground.plain_text import plain_plotly
from playground.viz.figure_json import FigureSpec, LiveFigure

# Inside ``figure_specs()`` (this thread or task only) new_figure returns a FigureSpec.
_SPECS_ONLY: contextvars.ContextVar[bool] = contextvars.ContextVar("specs_only",
                                                                  default=False)

# ----- colours -----------------------------------------------------------------------
ORANGE = "#F59322"        # class 0, negative weights (TensorFlow Playground's orange)
BLUE = "#0877BD"          # class 1, positive weights (TensorFlow Playground's blue)
NEUTRAL = "#E8EAEB"       # the middle of the diverging scales
INK = "#222222"           # text and axis lines
GRID = "#E3E3E3"          # thin gridlines
WRONG = "#C0392B"         # labels of misclassified samples

# Distinct class colours: the two Playground colours first, then Okabe-Ito / Paul Tol.
CLASS_COLOURS = (ORANGE, BLUE, "#009E73", "#AA3377", "#CCBB44", "#66CCEE", "#666666",
                 "#EE6677", "#332288", "#999933")
# Line colour and dash per data split (dash keeps them apart without colour too).
SPLIT_COLOURS = MappingProxyType({"train": "#0877BD", "validation": "#E66100",
                                  "test": "#009E73"})
SPLIT_DASHES = MappingProxyType({"train": "solid", "validation": "dash", "test": "dot"})
SPLIT_LABELS = MappingProxyType({"train": "train", "validation": "validation", "test": "test"})

# Diverging orange -> light grey -> blue, for probabilities, signs and regression values.
DIVERGING = ((0.0, ORANGE), (0.5, NEUTRAL), (1.0, BLUE))
SEQUENTIAL_BLUES = ((0.0, "#F7FBFF"), (0.25, "#C6DBEF"), (0.5, "#6BAED6"),
                    (0.75, "#2171B5"), (1.0, "#08306B"))
GREYS = ((0.0, "#FFFFFF"), (1.0, "#000000"))

# ----- sizes -------------------------------------------------------------------------
FONT_FAMILY = "Arial, Helvetica, 'Liberation Sans', sans-serif"
FONT_SIZE = 14
TITLE_SIZE = 18
SMALL_SIZE = 12           # tick labels inside dense diagrams only
HEIGHT = 400              # default figure height in px
MARGIN = MappingProxyType({"l": 70, "r": 30, "t": 80, "b": 60})


def class_colour(index: int) -> str:
    """Colour of class ``index`` (cycles after ten classes)."""
    return CLASS_COLOURS[int(index) % len(CLASS_COLOURS)]


def split_colour(split: str) -> str:
    return SPLIT_COLOURS.get(split, INK)


def colorscale(stops) -> list[list]:
    """A plotly colorscale list from ((position, colour), ...)."""
    return [[float(p), c] for p, c in stops]


def mix(colour: str, towards: str, amount: float) -> str:
    """Blend hex ``colour`` towards hex ``towards`` by ``amount`` in [0, 1]."""
    a = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)
    b = np.array([int(towards[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)
    r, g, bl = np.rint(a + (b - a) * float(amount)).astype(int)
    return f"#{r:02X}{g:02X}{bl:02X}"


def rgba(colour: str, alpha: float) -> str:
    """Hex ``colour`` as an "rgba(r,g,b,alpha)" string."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{float(alpha):g})"


def axis(title: str = "", **overrides) -> dict:
    """A themed axis: thin grid, dark line, large ticks. ``title`` is plain text (a column
    name may hold "<b>" or "%{x}"): it is shown as written, never read as markup.

    Tick labels take the layout's font (FONT_SIZE, INK; titles would be 1.2x larger), and
    widths of 1 px are plotly's defaults: only what differs is spelled out, as every
    property becomes an object to build on the server and a value to check in the browser.
    """
    spec = {
        "title": {"text": plain_plotly(title), "font": {"size": FONT_SIZE}},
        "showgrid": True, "gridcolor": GRID,
        "zeroline": False, "showline": True, "linecolor": "#888888",
        "ticks": "outside", "tickcolor": "#888888", "automargin": True,
    }
    spec.update(overrides)
    return spec


def hidden_axis(**overrides) -> dict:
    """An axis with no ticks, grid or line (diagrams)."""
    spec = {"visible": False, "showgrid": False, "zeroline": False, "fixedrange": False}
    spec.update(overrides)
    return spec


def base_layout(title: str, revision: str, height: int = HEIGHT, **overrides) -> dict:
    """Layout shared by every figure; ``title`` is plain text, shown as written.

    ``revision`` becomes ``uirevision``: a constant per figure kind, so zoom, pan and
    legend clicks survive the 5-10 refreshes a second while training.
    """
    layout = {
        "template": {},                      # no default template: small JSON, fixed look
        "title": {"text": plain_plotly(title), "font": {"size": TITLE_SIZE, "color": INK},
                  "x": 0.0, "xanchor": "left", "xref": "paper", "y": 0.98,
                  "yanchor": "top", "yref": "container"},
        "font": {"family": FONT_FAMILY, "size": FONT_SIZE, "color": INK},
        "paper_bgcolor": "white", "plot_bgcolor": "white",
        "height": int(height), "margin": dict(MARGIN),
        "hoverlabel": {"font": {"size": FONT_SIZE, "family": FONT_FAMILY}},
        "legend": legend(1),
        "uirevision": revision,
        "xaxis": axis(), "yaxis": axis(),
    }
    layout.update(overrides)
    return layout


# Top margin (px) of a figure whose legend is one row above the plot, right of the title:
# a projector's charts are short, so the title and the legend share that strip.
LEGEND_ROW_TOP = 62


def legend(entries: int) -> dict:
    """Legend placement: for a few entries one row above the plot, right-aligned so that it
    sits beside the title (top margin LEGEND_ROW_TOP); a column on the right for many."""
    if entries <= 4:
        return {"orientation": "h", "x": 1.0, "xanchor": "right", "y": 1.02,
                "yanchor": "bottom", "font": {"size": FONT_SIZE},
                "bgcolor": "rgba(255,255,255,0)"}
    return {"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1.0, "yanchor": "top",
            "font": {"size": FONT_SIZE}, "bgcolor": "rgba(255,255,255,0)"}


# Average characters (``text_units``) of small text (SMALL_SIZE) per line under a chart's
# title: the detail chart's plot is about 410 px wide at 1280 x 720 with the sidebar open,
# and an average character of Arial is half an em (6 px at 12 px).
NOTE_CHARS = 66
NOTE_LINE_PX = 15         # height of one such line


# How wide a character of Arial is, in average characters (half an em): a line of
# numbers ("(-0.1689) + 0.4412") is a fifth wider than a line of words of the same length.
_NARROW, _WIDE = set(" .,:;'|!ilIjtf()[]-·"), set("mwMW")


def text_units(text: str) -> float:
    """The width of ``text`` in average characters (half an em of Arial, roughly)."""
    return sum(0.6 if c in _NARROW else 1.7 if c in _WIDE else
               1.35 if c.isupper() else 1.1 if c.isdigit() or not c.isascii() else
               1.2 if c in "+=<>%" else 1.0 for c in text)


def wrapped_lines(text: str, width: int = NOTE_CHARS) -> list[str]:
    """Plain ``text`` broken at spaces into lines at most ``width`` average characters
    wide (``text_units``; a longer word gets a line of its own)."""
    lines, line = [], ""
    for word in str(text).split():
        if line and text_units(f"{line} {word}") > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + [line] if line else lines


MESSAGE_CHARS = 50        # average characters per line of a centred message (16 px)


SUBTITLE_SIZE = 13     # px, the line under a title (``subtitle``)
SUBTITLE_PX = 16       # px more top margin for it


def subtitle(text: str) -> dict:
    """A smaller grey line under a figure's title (``layout.title.subtitle``), plain text:
    the details that would make one title line run past a narrow chart's edge (a 1280 x 720
    projector at 125 % browser zoom). Leave SUBTITLE_PX more room at the top for it."""
    return {"text": plain_plotly(text), "font": {"size": SUBTITLE_SIZE, "color": "#555555"}}


def message_annotation(text: str, x: float = 0.5, y: float = 0.5) -> dict:
    """A grey centred note in paper coordinates ("No epochs yet", ...); plain text,
    wrapped to the detail chart's width."""
    lines = "<br>".join(plain_plotly(line) for line in wrapped_lines(text, MESSAGE_CHARS))
    return {"text": lines, "x": x, "y": y, "xref": "paper", "yref": "paper",
            "showarrow": False, "font": {"size": FONT_SIZE + 2, "color": "#777777"}}


def note_lines(text: str) -> list[str]:
    """``text`` as ``note_below`` shows it: each "\n" paragraph wrapped to NOTE_CHARS."""
    return [line for part in str(text).split("\n") for line in wrapped_lines(part)]


def note_below(text: str, shift: int = 48) -> dict:
    """Small grey plain text under the plot area (below the x axis title), left aligned;
    a line per "\n" in ``text``, each wrapped (``note_lines``: reserve NOTE_LINE_PX each)."""
    lines = "<br>".join(plain_plotly(line) for line in note_lines(text))
    return {"text": lines, "x": 0.0, "y": 0.0, "xref": "paper", "yref": "paper",
            "xanchor": "left", "yanchor": "top", "yshift": -int(shift), "align": "left",
            "showarrow": False, "font": {"size": SMALL_SIZE, "color": "#555555"}}


def notes_under_title(layout: dict, texts, width: int = NOTE_CHARS, above: int = 4,
                      size: int = SMALL_SIZE, colour: str = "#555555") -> int:
    """Put plain sentences ``texts`` under the title of layout dict ``layout``, wrapped to
    the chart's width, in small grey type: its top margin and height grow by the lines'
    height (returned, px); they end ``above`` px over the plot area (``size`` px type in
    ``colour``, each wrapped paragraph on a new line). The title keeps one
    line, so plotly places it whole (a title with line breaks is drawn partly above the
    chart)."""
    lines = [line for text in texts if text for line in wrapped_lines(text, width)]
    if not lines:
        return 0
    extra = round(size * NOTE_LINE_PX / SMALL_SIZE) * len(lines) + 6
    margin = layout["margin"]
    note = {"text": "<br>".join(plain_plotly(line) for line in lines), "x": 0.0,
            "y": 1.0, "xref": "paper", "yref": "paper", "xanchor": "left",
            "yanchor": "bottom", "yshift": int(above), "align": "left", "showarrow": False,
            "font": {"size": int(size), "color": colour}}
    layout["annotations"] = list(layout.get("annotations") or []) + [note]
    margin["t"] = int(margin["t"]) + extra
    layout["height"] = int(layout["height"] or HEIGHT) + extra
    return extra


def new_figure(data: list[dict], layout: dict) -> go.Figure:
    """A Figure from trace and layout dicts, without plotly's slow validation.

    Building a validated figure costs 10-20 ms for the network diagram; skipping it
    costs ~3 ms. Every property used here is checked by the test-suite instead.
    The figure is a ``LiveFigure``: its ``to_json()`` gives plotly's JSON 3-4x faster.
    """
    if _SPECS_ONLY.get():
        return FigureSpec(data, layout)
    spec = {"data": data, "layout": layout}
    try:
        return LiveFigure(spec, _validate=False)
    except TypeError:  # a plotly without the private switch: validate after all
        return LiveFigure(spec)


@contextlib.contextmanager
def figure_specs():
    """While inside, the figure functions return ``FigureSpec`` (plain dicts, JSON-ready,
    no go.Figure built) instead of go.Figure: for the live stream's frames."""
    token = _SPECS_ONLY.set(True)
    try:
        yield
    finally:
        _SPECS_ONLY.reset(token)


# ----- small numeric helpers for axis ranges (drawing only) ---------------------------
def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k that is >= value (> 0), for stable ranges."""
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if step * power >= value * (1 - 1e-9):
            return step * power
    return 10.0 * power


def padded_range(low: float, high: float, fraction: float = 0.05) -> list[float]:
    """[low, high] widened by ``fraction`` of the span (a unit span if degenerate)."""
    low, high = float(low), float(high)
    span = high - low
    if not math.isfinite(span) or span <= 0:
        centre = low if math.isfinite(low) else 0.0
        return [centre - 1.0, centre + 1.0]
    return [low - fraction * span, high + fraction * span]


def finite_or_none(values) -> np.ndarray | list:
    """The values as a float array, or, if any is NaN/inf, a list with None there
    (plotly draws a gap at None). Arrays are kept when possible: plotly copies lists
    item by item, which is slow for long curves."""
    arr = np.asarray(values, dtype=np.float64).ravel()
    bad = ~np.isfinite(arr)
    if not bad.any():
        return arr
    out = arr.tolist()
    for i in np.flatnonzero(bad).tolist():
        out[i] = None
    return out
