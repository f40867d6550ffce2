"""Save and load a Sequential model as one .npz file (no pickle, ever).

The file holds
    "model_json"      a JSON string: format/version, input shape, dtype, seed, the layers
                      (class name + get_config()), compile settings (loss, optimizer config,
                      metrics) and training state (epochs trained, optimizer iterations, the
                      random generator's state so training resumes identically)
    "weight_000", ... every layer's params in get_weights() order
    "optimizer_000", ... the optimizer's state arrays (Adam moments, ...), if any
Loading uses np.load(allow_pickle=False) and refuses files whose arrays do not fit the
architecture they describe.
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


def load_model(file):
    """Rebuild a Sequential saved by ``save_model`` (path or binary file object)."""
    from playground.nn.layers import layer_from_config
    from playground.nn.model import Sequential

    try:
        archive = np.load(file, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise ValueError(f"Could not read a saved model from {file!r}: {error}") from None
    with archive:
        if "model_json" not in archive.files:
            raise ValueError("This .npz file has no model description (model_json); it was "
                             "not written by model.save().")
        config = json.loads(str(archive["model_json"]))
        weights = [archive[k] for k in sorted(f for f in archive.files if f.startswith("weight_"))]
        opt_state = [archive[k] for k in sorted(f for f in archive.files
                                                if f.startswith("optimizer_"))]
    if config.get("format") != FORMAT or config.get("version") != VERSION:
        raise ValueError(f"Unsupported model file: format {config.get('format')!r} version "
                         f"{config.get('version')!r} (expected {FORMAT!r} {VERSION}).")
    layers = [layer_from_config(entry["class_name"], entry["config"])
              for entry in config["layers"]]
    model = Sequential(layers, input_shape=config["input_shape"], seed=config.get("seed"),
                       dtype=config["dtype"], name=config.get("name"))
    expected = [(layer.name, key, value.shape) for layer in model.layers
                for key, value in layer.params.items()]
    if len(weights) != len(expected):
        raise ValueError(f"The file holds {len(weights)} weight arrays but its architecture "
                         f"needs {len(expected)}; the file is damaged or was edited.")
    for (layer_name, key, shape), weight in zip(expected, weights):
        if weight.shape != shape:
            raise ValueError(f"Saved weights do not fit the architecture: layer {layer_name} "
                             f"{key} should be {shape} but the file has {weight.shape}.")
    model.set_weights(weights)
    if config.get("compile"):
        settings = config["compile"]
        model.compile(loss=settings["loss"], optimizer=settings["optimizer"],
                      metrics=settings["metrics"])
        training = config.get("training") or {}
        if opt_state:
            model.optimizer.set_state(opt_state, [model._flat_params],
                                      training.get("optimizer_iterations", 0))
    training = config.get("training") or {}
    model.epochs_trained = int(training.get("epochs_trained", 0))
    if training.get("rng_state"):
        model.rng.bit_generator.state = training["rng_state"]
    return model


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value
