"""nn.load_model on crafted and damaged files: a plain ValueError, before any allocation."""
from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

from playground import nn
from playground.nn import loading

UNPICKLED = []


def _mark():
    """What a pickled object in a crafted file would run if it were ever unpickled."""
    UNPICKLED.append("ran")
    return 0


class _Trap:
    def __reduce__(self):
        return _mark, ()


def _saved_arrays() -> dict[str, np.ndarray]:
    model = nn.Sequential([nn.Dense(3, activation="tanh"), nn.Dense(1)], input_shape=(2,),
                          seed=0)
    model.compile(loss="mse", optimizer="adam")
    model.train_on_batch(np.ones((4, 2)), np.ones((4, 1)))
    buffer = io.BytesIO()
    model.save(buffer)
    buffer.seek(0)
    with np.load(buffer, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def _npz(arrays: dict, raw: dict | None = None) -> io.BytesIO:
    """A .npz of ``arrays`` plus ``raw`` members written byte for byte (crafted headers)."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    if raw:
        with zipfile.ZipFile(buffer, "a") as archive:
            for name, data in raw.items():
                archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def _header_only(shape, descr="<f4") -> bytes:
    """A .npy header declaring ``shape`` followed by only 16 bytes of data."""
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        out, {"descr": descr, "fortran_order": False, "shape": shape})
    return out.getvalue() + bytes(16)


def _with_description(arrays, change) -> dict:
    config = json.loads(str(arrays["model_json"]))
    change(config)
    return {**arrays, "model_json": np.array(json.dumps(config))}


def test_a_normal_file_still_loads_and_ignores_extra_entries():
    arrays = _saved_arrays()
    arrays["experiment_json"] = np.array('{"any": "text"}')
    model = nn.load_model(_npz(arrays))
    assert model.optimizer.iterations == 1 and model.count_params() == 13


def test_a_huge_declared_shape_is_refused_before_allocating():
    arrays = _saved_arrays()
    del arrays["weight_000"]
    crafted = _npz(arrays, {"weight_000.npy": _header_only((10 ** 12,))})
    with pytest.raises(ValueError, match=r"declares shape \(1000000000000,\).*stores 16 bytes"):
        nn.load_model(crafted)


def test_deeply_nested_json_is_refused_without_recursion():
    arrays = _saved_arrays()
    text = str(arrays["model_json"])[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(ValueError, match="nested 100001 levels deep"):
        nn.load_model(_npz({**arrays, "model_json": np.array(text)}))
    # brackets inside strings (escaped quotes too) are text, not nesting
    assert loading._nesting_depth('{"a": "[[[[\\"[[[[", "b": [1, {"c": "}}]]"}]}') == 3


@pytest.mark.parametrize("dtype", [np.int64, np.complex128, np.bool_, "U5", np.float16])
def test_weights_of_the_wrong_dtype_are_refused(dtype):
    arrays = _saved_arrays()
    arrays["weight_000"] = arrays["weight_000"].astype(dtype)
    with pytest.raises(ValueError, match="weight_000.npy holds .* values; weights"):
        nn.load_model(_npz(arrays))


def test_object_arrays_are_refused_and_never_unpickled():
    arrays = _saved_arrays()
    arrays["weight_000"] = np.array([_Trap(), _Trap()], dtype=object)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)             # np.savez pickles object arrays
    buffer.seek(0)
    with pytest.raises(ValueError, match="holds Python objects"):
        nn.load_model(buffer)
    assert UNPICKLED == []


def test_a_description_that_is_not_text_or_too_long_is_refused():
    arrays = _saved_arrays()
    with pytest.raises(ValueError, match="must be one text"):
        nn.load_model(_npz({**arrays, "model_json": np.zeros(3)}))
    del arrays["model_json"]
    crafted = _npz(arrays, {"model_json.npy": _header_only((), descr=f"<U{10 ** 7}")})
    with pytest.raises(ValueError, match="must be one text of at most"):
        nn.load_model(crafted)


def test_too_many_arrays_or_bytes_are_refused(monkeypatch):
    arrays = _saved_arrays()
    many = {**arrays, **{f"extra_{i}": np.zeros(1) for i in range(loading.MAX_MEMBERS)}}
    with pytest.raises(ValueError, match="arrays; a saved model has far fewer"):
        nn.load_model(_npz(many))
    monkeypatch.setattr(loading, "MAX_TOTAL_BYTES", 200)
    with pytest.raises(ValueError, match="more than the 0 MiB a model file may hold"):
        nn.load_model(_npz(arrays))


def test_an_architecture_too_large_to_build_is_refused_before_building():
    def huge(config):
        config["layers"][0]["config"]["units"] = 10 ** 9
    with pytest.raises(ValueError, match="asks for more than 100,000,000 weights"):
        nn.load_model(_npz(_with_description(_saved_arrays(), huge)))


@pytest.mark.parametrize("change,message", [
    (lambda c: c["layers"][0]["config"].update(units="many"), "units must be a whole"),
    (lambda c: c["layers"][0]["config"].update(colour="red"), "Cannot rebuild layer Dense"),
    (lambda c: c.update(input_shape="two"), "input_shape must be positive whole numbers"),
    (lambda c: c.update(layers=[1, 2]), "each with a class_name and a config"),
    (lambda c: c.update(layers=[]), "must list 1 to 1000 layers"),
    (lambda c: c["training"].update(rng_state={"bit_generator": "nope"}),
     "random generator state is damaged"),
    (lambda c: c.update(compile={"loss": "mse"}), "damaged or was edited"),
    (lambda c: c["layers"][0]["config"].update(units=1e300), "units must be a whole"),
], ids=["units", "unknown-setting", "input-shape", "layer-entries", "no-layers", "rng",
        "compile", "huge-float"])
def test_a_damaged_description_gives_a_plain_message(change, message):
    with pytest.raises(ValueError, match=message):
        nn.load_model(_npz(_with_description(_saved_arrays(), change)))


def test_not_a_model_file():
    with pytest.raises(ValueError, match="not a .npz file written by model.save"):
        nn.load_model(io.BytesIO(b"hello, not a zip"))
    with pytest.raises(ValueError, match="not valid JSON"):
        nn.load_model(_npz({**_saved_arrays(), "model_json": np.array("{oops")}))
    with pytest.raises(ValueError, match="not a .npz file"):
        nn.load_model("/nonexistent/model.npz")


def test_parameter_counts_are_predicted_for_every_layer_type():
    """count_params_for (used before building) agrees with what build creates."""
    from playground.nn.layers import LAYERS
    cases = [nn.Dense(3), nn.Dense(2, use_bias=False), nn.Conv2D(2, 3), nn.MaxPool2D(),
             nn.Flatten(), nn.Dropout(0.1), nn.SimpleRNN(3), nn.LSTM(2),
             nn.BatchNormalization()]
    shapes = {"Conv2D": (5, 5, 2), "MaxPool2D": (4, 4, 1), "Flatten": (2, 3),
              "SimpleRNN": (4, 3), "LSTM": (4, 3), "BatchNormalization": (3, 4)}
    assert {type(layer) for layer in cases} == set(LAYERS.values())
    for layer in cases:
        shape = shapes.get(type(layer).__name__, (4,))
        predicted = layer.count_params_for(shape)
        layer.build(shape, np.random.default_rng(0))
        assert predicted == layer.count_params(), type(layer).__name__
