"""A decision boundary for a table with more than two inputs: the network on a plane
through two chosen number inputs, every other input held at a typical training value
(a number at its training median, a text column at its most frequent category).

    view = slice_view(prepared, model, "petal_length", "petal_width", resolution=40)

No Streamlit, no Plotly: the arrays ``playground.viz`` draws (snapshot.SliceView).
"""
from __future__ import annotations

import numpy as np

from playground.snapshot import GridView, SliceView

MARGIN = 0.1           # the plane reaches this share of the inputs' training range past it


def number_inputs(prepared) -> list[str]:
    """The table's number inputs (the raw columns a slice can run along), in order."""
    from playground.export.description import table_columns
    if prepared.kind != "table" or prepared.autoencoder:
        return []
    unused = prepared.unused_columns
    return [c["name"] for c in table_columns(list(prepared.dataset.feature_names))
            if c["type"] == "number" and c["name"] not in unused]


def slice_axes(prepared, x_name: str = "", y_name: str = "") -> tuple[str, str] | None:
    """The two inputs of the slice: the names asked for where they are number inputs
    (and differ), else the first number inputs in table order; None with fewer than 2."""
    numbers = number_inputs(prepared)
    if len(numbers) < 2:
        return None
    x = x_name if x_name in numbers else next(n for n in numbers if n != y_name)
    y = y_name if y_name in numbers and y_name != x else next(n for n in numbers if n != x)
    return x, y


def slice_view(prepared, model, x_name: str = "", y_name: str = "",
               resolution: int = 40) -> SliceView | None:
    """The network over a (resolution, resolution) grid on the plane of two number inputs
    of a table (``slice_axes`` picks them), the others held; None if the data is not a
    table with at least two number inputs."""
    from playground.export.description import table_columns
    axes = slice_axes(prepared, x_name, y_name)
    if axes is None:
        return None
    names = list(prepared.dataset.feature_names)
    train = np.asarray(prepared.splits["train"].X_original, dtype=np.float64)
    row, held, at = np.zeros(len(names), dtype=np.float64), [], 0
    for column in table_columns(names):
        if column["type"] == "number":
            row[at] = np.median(train[:, at])
            if column["name"] not in axes:
                held.append((column["name"], f"{row[at]:.4g}"))
            at += 1
        else:
            width = len(column["categories"])
            k = int(np.argmax(train[:, at:at + width].sum(axis=0)))
            row[at + k] = 1.0
            held.append((column["name"], column["categories"][k]))
            at += width
    columns = (names.index(axes[0]), names.index(axes[1]))
    low, high = train[:, columns].min(axis=0), train[:, columns].max(axis=0)
    pad = (high - low) * MARGIN + 1e-6
    x1 = np.linspace(low[0] - pad[0], high[0] + pad[0], resolution)
    x2 = np.linspace(low[1] - pad[1], high[1] + pad[1], resolution)
    xx, yy = np.meshgrid(x1, x2)                   # row i is x2[i], column j is x1[j]
    points = np.repeat(row[None, :], xx.size, axis=0)
    points[:, columns[0]], points[:, columns[1]] = xx.ravel(), yy.ravel()
    final = model.predict(prepared.model_input(points.astype(prepared.dataset.X.dtype)))
    shape = (resolution, resolution)
    if prepared.task == "classification":
        output = final.reshape(shape) if final.shape[1] == 1 else \
            final.reshape(shape + (final.shape[1],))
    else:
        original = prepared.target_to_original(final.astype(np.float64))
        output = np.asarray(original).reshape(len(points), -1)[:, 0].reshape(shape)
    grid = GridView(x1, x2, output, [], [], [axes[0], axes[1]])
    return SliceView(grid, columns, held)
