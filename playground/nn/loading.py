"""Load a Sequential saved by ``nn.io.save_model``, refusing crafted or damaged files early.

A .npz is a zip of .npy arrays. Before anything is allocated, every member's .npy header is
read (shape, dtype) and checked: plain float arrays only for weights and optimizer state
(object arrays are refused; ``allow_pickle`` stays False), a declared size that matches the
bytes really stored, at most ``MAX_TOTAL_BYTES`` in all and ``MAX_MEMBERS`` members. The
JSON description is checked for length and nesting depth before it is parsed, and the
architecture's parameter count (from each layer's ``count_params_for``) before any layer
is built. Every refusal is a ValueError with a plain message.
"""
from __future__ import annotations

import json
import os
import re
import zipfile

import numpy as np

from playground.nn.io import FORMAT, VERSION
from playground.nn.layers import layer_from_config
from playground.nn.model import Sequential

MAX_MEMBERS = 4096                 # arrays in one file (a model has ~2 per layer, x2 with Adam)
MAX_TOTAL_BYTES = 512 * 2 ** 20    # all arrays together, as stored
MAX_JSON_CHARS = 2 ** 20           # the model description
MAX_JSON_DEPTH = 32                # nesting of [ and { in it (ours is about 5 deep)
MAX_LAYERS = 1000
MAX_PARAMS = 100_000_000           # weights the architecture may ask for (400 MB float32)
_ESCAPE = re.compile(r"\\.", re.DOTALL)   # a JSON escape: backslash and the next character


def load_model(file) -> Sequential:
    """Rebuild a Sequential saved by ``save_model`` (path or binary file object)."""
    name = os.fspath(file) if isinstance(file, (str, os.PathLike)) else "the uploaded file"
    try:
        archive = zipfile.ZipFile(file)
    except (OSError, zipfile.BadZipFile, ValueError, EOFError) as error:
        raise ValueError(f"Could not read a saved model from {name}: it is not a .npz file "
                         f"written by model.save() ({error}).") from None
    with archive:
        arrays = _read_arrays(archive)
    if "model_json" not in arrays:
        raise ValueError("This .npz file has no model description (model_json); it was "
                         "not written by model.save().")
    config = _parse_description(arrays.pop("model_json"))
    weights = [arrays[k] for k in sorted(k for k in arrays if k.startswith("weight_"))]
    opt_state = [arrays[k] for k in sorted(k for k in arrays if k.startswith("optimizer_"))]
    try:
        return _rebuild(config, weights, opt_state)
    except (TypeError, KeyError, AttributeError, OverflowError, IndexError) as error:
        raise ValueError(f"The model description in {name} is damaged or was edited "
                         f"({type(error).__name__}: {error}).") from None


def _read_arrays(archive: zipfile.ZipFile) -> dict[str, np.ndarray]:
    """{member name without .npy: array}, each header checked before its data is read."""
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) > MAX_MEMBERS:
        raise ValueError(f"The file holds {len(members)} arrays; a saved model has far "
                         f"fewer (at most {MAX_MEMBERS}). It was not written by model.save().")
    total = sum(info.file_size for info in members)
    if total > MAX_TOTAL_BYTES:
        raise ValueError(f"The file's arrays add up to {total / 2 ** 20:.0f} MiB, more than "
                         f"the {MAX_TOTAL_BYTES // 2 ** 20} MiB a model file may hold.")
    wanted = [info for info in members if info.filename == "model_json.npy"
              or info.filename.startswith(("weight_", "optimizer_"))]   # others: ignored
    for info in wanted:
        _check_header(archive, info)
    arrays = {}
    for info in wanted:
        with archive.open(info) as stream:
            try:
                arrays[info.filename[:-4]] = np.lib.format.read_array(stream,
                                                                      allow_pickle=False)
            except (ValueError, OSError, zipfile.BadZipFile) as error:
                raise ValueError(f"Array {info.filename} in the file is damaged: "
                                 f"{error}") from None
    return arrays


def _check_header(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """ValueError unless the member's .npy header (shape, dtype) fits what it stores."""
    member = info.filename
    if not member.endswith(".npy"):
        raise ValueError(f"The file holds {member!r}, which is not an array; it was not "
                         f"written by model.save().")
    with archive.open(info) as stream:
        try:
            version = np.lib.format.read_magic(stream)
            read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                           else np.lib.format.read_array_header_2_0)
            shape, _, dtype = read_header(stream)
        except (ValueError, OSError, SyntaxError, zipfile.BadZipFile) as error:
            raise ValueError(f"Array {member} has a damaged header: {error}") from None
        header_bytes = stream.tell()
    key = member[:-4]
    if dtype.hasobject:
        raise ValueError(f"Array {member} holds Python objects; model files hold numbers "
                         f"only, and objects are never unpickled.")
    if key == "model_json":
        if dtype.kind != "U" or shape != () or dtype.itemsize > 4 * MAX_JSON_CHARS:
            raise ValueError(f"The model description must be one text of at most "
                             f"{MAX_JSON_CHARS} characters; the file has {dtype} {shape}.")
    elif dtype.kind != "f" or dtype.itemsize not in (4, 8):
        raise ValueError(f"Array {member} holds {dtype} values; weights and optimizer state "
                         f"are float32 or float64.")
    declared = int(np.prod(shape, dtype=object)) * dtype.itemsize
    stored = info.file_size - header_bytes
    if declared != stored:
        raise ValueError(f"Array {member} declares shape {shape} ({declared} bytes) but the "
                         f"file stores {stored} bytes for it; the file is damaged.")


def _parse_description(text_array: np.ndarray) -> dict:
    text = str(text_array)
    depth = _nesting_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise ValueError(f"The model description is nested {depth} levels deep; a saved "
                         f"model's is about 5 (at most {MAX_JSON_DEPTH} accepted).")
    try:
        config = json.loads(text)
    except ValueError as error:     # JSONDecodeError, and numbers too long to convert
        raise ValueError(f"The model description is not valid JSON: {error}") from None
    if not isinstance(config, dict):
        raise ValueError("The model description must be a JSON object.")
    if config.get("format") != FORMAT or config.get("version") != VERSION:
        raise ValueError(f"Unsupported model file: format {config.get('format')!r} version "
                         f"{config.get('version')!r} (expected {FORMAT!r} {VERSION}).")
    layers = config.get("layers")
    if not isinstance(layers, list) or not 1 <= len(layers) <= MAX_LAYERS or not all(
            isinstance(entry, dict) and isinstance(entry.get("class_name"), str)
            and isinstance(entry.get("config"), dict) for entry in layers):
        raise ValueError(f"The model description must list 1 to {MAX_LAYERS} layers, each "
                         f"with a class_name and a config.")
    return config


def _nesting_depth(text: str) -> int:
    """Deepest nesting of [ and { outside JSON strings, without parsing (no recursion)."""
    text = _ESCAPE.sub("", text)        # every backslash escapes one character: drop both
    codes = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    quote = codes == ord('"')
    inside = (np.cumsum(quote) % 2 == 1) & ~quote      # characters within a string
    step = np.zeros(len(codes), dtype=np.int64)
    step[(codes == ord("[")) | (codes == ord("{"))] = 1
    step[(codes == ord("]")) | (codes == ord("}"))] = -1
    step[inside] = 0
    return int(np.cumsum(step).max(initial=0))


def _rebuild(config: dict, weights: list, opt_state: list) -> Sequential:
    layers = [layer_from_config(entry["class_name"], entry["config"])
              for entry in config["layers"]]
    input_shape = config.get("input_shape")
    if not isinstance(input_shape, list) or not input_shape or not all(
            isinstance(d, int) and 1 <= d <= 2 ** 31 for d in input_shape):
        raise ValueError(f"The model description's input_shape must be positive whole "
                         f"numbers; it is {input_shape!r}.")
    _check_parameter_count(layers, tuple(input_shape))
    model = Sequential(layers, input_shape=input_shape, seed=config.get("seed"),
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
    training = config.get("training") or {}
    if config.get("compile"):
        settings = config["compile"]
        model.compile(loss=settings["loss"], optimizer=settings["optimizer"],
                      metrics=settings["metrics"])
        if opt_state:
            model.optimizer.set_state(opt_state, model.store.param_list,
                                      int(training.get("optimizer_iterations", 0)))
    model.epochs_trained = int(training.get("epochs_trained", 0))
    if training.get("rng_state"):
        try:
            model.rng.bit_generator.state = training["rng_state"]
        except (TypeError, ValueError, KeyError) as error:
            raise ValueError(f"The saved random generator state is damaged: {error}") from None
    return model


def _check_parameter_count(layers, input_shape: tuple) -> None:
    """ValueError if the architecture would create more than MAX_PARAMS weights."""
    shape, total = input_shape, 0
    for layer in layers:
        try:
            total += layer.count_params_for(shape)
            shape = tuple(layer.compute_output_shape(shape))
        except ValueError as error:
            raise ValueError(f"Layer {layer.name or type(layer).__name__} cannot take input "
                             f"of shape {shape}: {error}") from None
        if total > MAX_PARAMS:
            raise ValueError(f"The architecture in the file asks for more than {MAX_PARAMS:,} "
                             f"weights (at layer {layer.name or type(layer).__name__}); "
                             f"a playground model is far smaller.")
