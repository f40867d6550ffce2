"""What an exported script needs to know, as plain JSON values (no code here).

    layers   one entry per layer: Keras class name, the settings that matter at inference,
             the per-sample input shape and the names of its weight arrays (Keras order)
    inputs   how raw inputs become the network's input: the table's columns (numbers, or
             text one-hot encoded with the training categories), the feature crosses of
             2-D points, and the scaler fitted on the training split
    outputs  how to read the outputs: task, class names, target scaling (regression)
    check    a few raw input rows and the playground's own network outputs for them
"""
from __future__ import annotations

import numpy as np

from playground.data.csv_text import MISSING_TOKENS
from playground.nn.activations import ACTIVATIONS

# Layer class -> the get_config() keys an inference script needs (the rest, initialisers
# and weight penalties, only matter for training from scratch).
EXPORTED_SETTINGS = {
    "Dense": ("units", "activation", "use_bias"),
    "Dropout": ("rate",),
    "Flatten": (),
    "Conv2D": ("filters", "kernel_size", "strides", "padding", "activation"),
    "MaxPool2D": ("pool_size", "strides", "padding"),
    "SimpleRNN": ("units", "activation", "return_sequences"),
    "LSTM": ("units", "return_sequences"),
    "BatchNormalization": ("momentum", "epsilon"),
}
# Our activation name -> the scripts' name, where they differ. The scripts' "gelu" is the
# exact erf form (Keras's and PyTorch's default) and "gelu_tanh" the tanh approximation; an
# engine without "gelu_tanh" computes its "gelu" with the tanh approximation.
SCRIPT_ACTIVATIONS = {} if "gelu_tanh" in ACTIVATIONS else {"gelu": "gelu_tanh"}
CHECK_ROWS = 5          # rows saved in the script with the playground's outputs for them


class ExportError(ValueError):
    """A model the scripts cannot rebuild; the message says why."""


def layer_descriptions(model) -> list[dict]:
    """The model's layers as the scripts rebuild them (the model must be built)."""
    if not model.built:
        raise ExportError("The model is not built yet; train it (or give input_shape) first.")
    described = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind not in EXPORTED_SETTINGS:
            raise ExportError(f"Layers of type {kind} cannot be exported to PyTorch or Keras "
                              f"yet; export works for {', '.join(EXPORTED_SETTINGS)}.")
        config = layer.get_config()
        settings = {key: config[key] for key in EXPORTED_SETTINGS[kind]}
        if "activation" in settings:
            settings["activation"] = SCRIPT_ACTIVATIONS.get(settings["activation"],
                                                            settings["activation"])
        described.append({"class_name": kind, "config": settings,
                          "input_shape": list(layer.input_shape),
                          "weights": list(layer.params)})
    return described


def table_columns(feature_names: list[str]) -> list[dict]:
    """The raw columns behind a table's feature names.

    One-hot encoding names its columns "column=category", two or more in a row (a column
    with one category is dropped as constant); every other name is a number column.
    -> [{"name", "type": "number"} or {"name", "type": "category", "categories": [...]}]
    """
    columns: list[dict] = []
    index = 0
    while index < len(feature_names):
        name = feature_names[index]
        prefix = name.split("=", 1)[0] + "=" if "=" in name else None
        end = index + 1
        while prefix and end < len(feature_names) and feature_names[end].startswith(prefix):
            end += 1
        if end - index >= 2:
            columns.append({"name": prefix[:-1], "type": "category",
                            "categories": [n[len(prefix):] for n in feature_names[index:end]]})
        else:
            columns.append({"name": name, "type": "number"})
        index = end
    return columns


def raw_rows(X: np.ndarray, columns: list[dict]) -> list[dict]:
    """Encoded rows X: (n, features) -> the raw rows (column -> number or category; None
    where the value is missing, NaN in X)."""
    rows = []
    for x in np.asarray(X, dtype=np.float64):
        row, position = {}, 0
        for column in columns:
            if column["type"] == "number":
                value = float(x[position])
                row[column["name"]] = None if np.isnan(value) else value
                position += 1
            else:
                width = len(column["categories"])
                block = x[position: position + width]
                row[column["name"]] = None if np.isnan(block).any() else \
                    column["categories"][int(np.argmax(block))]
                position += width
        rows.append(row)
    return rows


def file_columns(dataset) -> list[dict]:
    """The columns of a table's X as loaded (every category of the file), for raw_rows."""
    if dataset.columns is None:
        return table_columns(list(dataset.feature_names))
    return [{"name": c.name, "type": "number"} if c.is_number else
            {"name": c.name, "type": "category", "categories": list(c.categories)}
            for c in dataset.columns]


def prepared_description(prepared) -> tuple[dict, dict]:
    """(inputs, outputs) descriptions of a playground.experiment_data.PreparedData."""
    tabular = prepared.kind in ("table", "points2d")
    scaler = prepared.scaler
    # a table's columns carry the fill value of their gaps and the categories training saw
    # (columns dropped on the training rows are no inputs: the script does not read them)
    columns = [c for c in prepared.imputer.to_dict()["columns"] if not c["dropped"]] \
        if prepared.imputer is not None else \
        table_columns(list(prepared.dataset.feature_names)) if tabular else None
    inputs = {"kind": prepared.kind, "columns": columns,
              "missing_words": list(MISSING_TOKENS) if columns is not None else None,
              "crosses": None if prepared.crosses is None else list(prepared.crosses),
              "scaler": {"method": scaler.method, "offset": scaler.offset.tolist(),
                         "scale": scaler.scale.tolist()}}
    outputs = {"task": prepared.task,
               "class_names": None if prepared.autoencoder else prepared.class_names,
               "target_mean": None if prepared.target_mean is None
               else prepared.target_mean.tolist(),
               "target_std": None if prepared.target_std is None
               else prepared.target_std.tolist()}
    return inputs, outputs


def check_rows(prepared, count: int = CHECK_ROWS) -> np.ndarray:
    """The first ``count`` raw inputs of the test split (else validation, else train), as
    loaded: a table's gaps still NaN, so the script's filling is checked too."""
    for name in ("test", "validation", "train"):
        if name in prepared.splits:
            part = prepared.splits[name]
            return (part.X_original if part.X_raw is None else part.X_raw)[:count]
    raise ExportError("There are no rows to check the export with.")


def raw_inputs(X_original: np.ndarray, inputs: dict, prepared=None) -> list:
    """Raw inputs X_original: (n, dataset features) as the script reads them: rows of
    dicts for tables and 2-D points (decoded with the file's columns when ``prepared`` is
    given), nested lists (n, *shape) for images and sequences."""
    if inputs["columns"] is not None:
        columns = file_columns(prepared.dataset) if prepared is not None else \
            inputs["columns"]
        return raw_rows(X_original, columns)
    return np.asarray(X_original, dtype=np.float64).tolist()
