"""Export a trained network as one runnable PyTorch or Keras 3 script.

    text = export_script(session, "pytorch")      # or "keras"; a TrainingSession
    text = script_for_model(model, "keras")       # any built nn.Sequential, raw inputs

The script is one file: the framework template (templates/pytorch.py or keras.py) with
the shared NumPy part (templates/common.py) and two generated blocks, the description
(``EXPORT``: layers, preprocessing, check rows; see description.py) and the weights
(the .npz that ``nn.save_model`` writes, base64: embedded, so the file runs anywhere).
"""
from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import numpy as np

from playground.export.description import (
    ExportError,
    check_rows,
    layer_descriptions,
    prepared_description,
    raw_inputs,
)

FRAMEWORKS = {"pytorch": "PyTorch", "keras": "Keras 3"}   # name -> what the page calls it
TEMPLATES = Path(__file__).resolve().parent / "templates"

__all__ = ["FRAMEWORKS", "ExportError", "export_script", "script_file_name",
           "script_for_model"]


def script_file_name(framework: str, title: str = "model") -> str:
    """A file name for the download, e.g. "model_pytorch.py"."""
    stem = "".join(c if c.isalnum() else "_" for c in title.lower()).strip("_") or "model"
    return f"{stem}_{_checked(framework)}.py"


def export_script(session, framework: str) -> str:
    """The script for a playground.training.TrainingSession's model, its fitted
    preprocessing and a few test rows with the session's own outputs for them."""
    prepared = session.prepared
    inputs, outputs = prepared_description(prepared)
    X_original = check_rows(prepared)
    expected = session.model.predict(prepared.model_input(X_original))
    title = prepared.dataset.name or session.config.dataset
    return _script(framework, title, session.model, inputs, outputs,
                   raw_inputs(X_original, inputs, prepared), expected)


def script_for_model(model, framework: str, check_inputs: np.ndarray | None = None,
                     title: str = "model") -> str:
    """The script for any built nn.Sequential whose inputs need no preprocessing.

    check_inputs: (n, *input_shape) rows to save with the model's outputs for them
    (default: 5 rows of a seeded standard normal)."""
    layers = layer_descriptions(model)
    if check_inputs is None:
        rng = np.random.default_rng(0)
        check_inputs = rng.standard_normal((5, *model.input_shape)).astype(np.float32)
    check_inputs = np.asarray(check_inputs, dtype=np.float32)
    features = model.input_shape[-1]
    inputs = {"kind": "array", "columns": None, "crosses": None,
              "scaler": {"method": "none", "offset": [0.0] * features,
                         "scale": [1.0] * features}}
    outputs = {"task": "regression", "class_names": None, "target_mean": None,
               "target_std": None}
    return _script(framework, title, model, inputs, outputs, check_inputs.tolist(),
                   model.predict(check_inputs), layers)


def _checked(framework: str) -> str:
    if framework not in FRAMEWORKS:
        raise ExportError(f"Unknown framework {framework!r}; choose one of "
                          f"{', '.join(FRAMEWORKS)}.")
    return framework


def _script(framework, title, model, inputs, outputs, check_inputs, expected,
            layers=None) -> str:
    framework = _checked(framework)
    expected = np.asarray(expected)
    export = {"title": title,
              "layers": layers if layers is not None else layer_descriptions(model),
              "inputs": inputs, "outputs": outputs,
              "check": {"inputs": check_inputs,
                        "outputs": expected.reshape(len(expected), -1).astype(
                            np.float64).tolist()}}
    weights = io.BytesIO()
    np.savez(weights, **{f"weight_{i:03d}": w for i, w in enumerate(model.get_weights())})
    template = (TEMPLATES / f"{framework}.py").read_text(encoding="utf-8")
    common = (TEMPLATES / "common.py").read_text(encoding="utf-8")
    text = template.replace("# @@EXPORT@@", _export_block(export, weights.getvalue()))
    text = text.replace("# @@COMMON@@\n", common)
    return text.replace("@@TITLE@@", _one_line(title)).replace(
        "@@FILENAME@@", script_file_name(framework, title))


def _export_block(export: dict, npz: bytes) -> str:
    """The generated part: EXPORT as JSON (one layer per line) and the weights."""
    lines = ["{"]
    for index, (key, value) in enumerate(export.items()):
        comma = "," if index < len(export) - 1 else ""
        if key == "layers":
            inner = ",\n  ".join(json.dumps(layer) for layer in value)
            lines.append(f'"layers": [\n  {inner}\n]{comma}')
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value)}{comma}")
    lines.append("}")
    description = "\n".join(lines)
    encoded = base64.encodebytes(npz).decode("ascii")
    return (
        "# ----- What was exported (written by Neural Playground) -----\n"
        "# layers: the network, layer by layer (Keras class names, settings, weight names);\n"
        "# inputs: how raw inputs become the network's input (fitted on the training split);\n"
        "# outputs: how to read the outputs; check: raw rows and the playground's outputs.\n"
        f'EXPORT = json.loads(r"""\n{description}\n""")\n\n'
        "# The trained weights in Keras layout and order: the .npz (arrays weight_000, ...,\n"
        "# no pickle) that playground.nn.save_model writes, base64 encoded.\n"
        f'WEIGHTS_NPZ_BASE64 = """\n{encoded}"""')


def _one_line(text: str) -> str:
    """A title safe inside the docstring: one line, no quotes or backslashes."""
    cleaned = "".join(c if c.isprintable() and c not in '"\\' else " " for c in str(text))
    return cleaned.strip() or "model"
