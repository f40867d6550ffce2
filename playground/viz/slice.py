"""The decision boundary on a slice through two inputs of a table (snapshot.SliceView)."""
from __future__ import annotations

import plotly.graph_objects as go

from playground.snapshot import SliceView, SplitView
from playground.viz.boundary import decision_boundary_figure

HELD_SHOWN = 6          # held inputs named on the chart; the rest are counted
PER_LINE = 3            # held inputs per line of the note


def held_text(held: list[tuple[str, str]]) -> str:
    """"Held at their training median (text: most frequent): a = 1.2, b = red, ..."."""
    if not held:
        return "No other inputs: this is the whole input plane."
    parts = [f"{name} = {value}" for name, value in held[:HELD_SHOWN]]
    more = len(held) - HELD_SHOWN
    if more > 0:
        parts.append(f"and {more} more")
    rows = [", ".join(parts[i:i + PER_LINE]) for i in range(0, len(parts), PER_LINE)]
    return "\n".join(["Others held at their training median (text: most frequent):"] + rows)


def slice_figure(view: SliceView, splits: dict[str, SplitView], class_names: list[str] | None,
                 show_test: bool = False, discretize: bool = False,
                 live: bool = False) -> go.Figure:
    """The network's output over the plane of two inputs (view.grid) with every split's
    points projected onto it (their two columns, view.columns); the chart says where the
    other inputs are held. class_names None: regression (the prediction as colour)."""
    i, j = view.columns
    projected = {name: SplitView(split.name, split.X[:, [i, j]], split.y_true, split.y_pred,
                                 split.proba)
                 for name, split in (splits or {}).items() if split.X is not None}
    x_name, y_name = view.grid.feature_names[:2]
    return decision_boundary_figure(view.grid, projected, class_names, show_test=show_test,
                                    discretize=discretize, live=live,
                                    title=f"Slice: {x_name} × {y_name}",
                                    note=held_text(view.held), equal_axes=False)
