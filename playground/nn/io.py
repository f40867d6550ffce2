"""Save a Sequential model as one .npz file (no pickle, ever); nn.loading loads it.

The file holds
    "model_json"      a JSON string: format/version, input shape, dtype, seed, the layers
                      (class name + get_config()), compile settings (loss, optimizer config,
                      metrics) and training state (epochs trained, optimizer iterations, the
                      random generator's state so training resumes identically)
    "weight_000", ... every layer's params in get_weights() order
    "optimizer_000", ... the optimizer's state arrays (Adam moments, ...), if any
nn.loading reads it back (never with pickle) and refuses files whose arrays do not fit the
architecture they describe. This module imports nothing of the model, so the model can
import it for save().
"""
from __future__ import annotations

import json

import numpy as np

FORMAT = "neural-playground-sequential"
VERSION = 1


def model_config(model) -> dict:
    """The JSON-able description of a model (everything except the arrays)."""
    compile_settings = None
    if model.loss is not None and model.optimizer is not None:
        compile_settings = {"loss": model.loss.get_config(),
                            "optimizer": model.optimizer.get_config(),
                            "metrics": list(model.metrics)}
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": model.name,
        "input_shape": list(model.input_shape) if model.input_shape else None,
        "dtype": np.dtype(model.dtype).name,
        "seed": model.seed,
        "layers": [{"class_name": type(layer).__name__, "config": layer.get_config()}
                   for layer in model.layers],
        "compile": compile_settings,
        "training": {
            "epochs_trained": model.epochs_trained,
            "optimizer_iterations": model.optimizer.iterations if model.optimizer else 0,
            "rng_state": _jsonable(model.rng.bit_generator.state),
        },
    }


def save_model(model, file) -> None:
    """Write ``model`` to a path (".npz" is appended by NumPy if missing) or a binary file."""
    if not model.built:
        raise ValueError("The model is not built yet: give input_shape or train it first.")
    arrays = {"model_json": np.array(json.dumps(model_config(model)))}
    for index, weight in enumerate(model.get_weights()):
        arrays[f"weight_{index:03d}"] = weight
    if model.optimizer is not None:
        for index, state in enumerate(model.optimizer.get_state()):
            arrays[f"optimizer_{index:03d}"] = state
    np.savez(file, **arrays)


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value
