"""Exported PyTorch and Keras scripts rebuild the network and predict as the playground does.

Each script runs in its own Python process (torch CPU; Keras 3 with KERAS_BACKEND=torch).
Besides its own check ("max difference: ..." on the rows saved in it), the test hands it
other raw rows (validation rows, or fresh random inputs) and compares its outputs with
``model.predict`` itself, so a script that only reported a small number could not pass.
"""
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from playground import nn
from playground.config import ExperimentConfig
from playground.export import export_script, script_for_model
from playground.export.description import prepared_description, raw_inputs
from playground.presets import PRESETS
from playground.training import TrainingSession

FRAMEWORKS = ("pytorch", "keras")
TOLERANCE = 1e-5       # float32: the scripts must agree with the playground this closely
# One process per framework runs every script of that framework (importing torch or Keras
# once): for each it runs the script's own check (main() with no arguments, as
# `python script.py` does), then predicts the raw rows of its .json file. Prints one JSON
# object: script -> {"code", "printed", "outputs"}.
RUNNER = """
import contextlib, io, json, runpy, sys
results = {}
for path in sys.argv[1:]:
    script = runpy.run_path(path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = script["main"]([])
    with open(path[:-3] + ".json") as file:
        rows = json.load(file)
    network = script["build_network"](script["EXPORT"]["layers"], script["weight_arrays"]())
    outputs = script["network_outputs"](network, script["prepare_inputs"](rows))
    results[path] = {"code": code, "printed": printed.getvalue(),
                     "outputs": outputs.astype(float).tolist()}
print(json.dumps(results))
"""


def _environment():
    env = dict(os.environ, KERAS_BACKEND="torch", PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONPATH", None)       # the scripts must not need the playground
    return env


def _run_scripts(paths, folder):
    """Start one process running ``paths``; returns a function that waits for its results."""
    process = subprocess.Popen([sys.executable, "-c", RUNNER, *map(str, paths)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=_environment(), cwd=folder)

    def results():
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err[-3000:]
        return json.loads(out.strip().splitlines()[-1])
    return results


def _reported(printed: str) -> float:
    found = re.search(r"max difference: (\S+)", printed)
    assert found, printed
    return float(found.group(1))


def _session(cfg, epochs, csv_bytes=None):
    session = TrainingSession(cfg, csv_bytes=csv_bytes)
    session.step_epochs(epochs)
    return session


def _csv_with_gaps() -> bytes:
    """A table whose numbers and text have gaps in every split (filled in the scripts with
    the values fitted on the training split) and a category only some rows have; 'shop'
    has 30 values, more than the network takes in the training rows: not an input."""
    rng = np.random.default_rng(5)
    lines = ["size,colour,shop,weight,label"]
    for i in range(80):
        size = "" if i % 4 == 1 else f"{rng.normal(5, 2):.3f}"
        colour = "NA" if i % 6 == 2 else ("red", "blue", "green")[i % 3]
        weight = "?" if i % 5 == 3 else f"{rng.normal(70, 9):.2f}"
        lines.append(f"{size},{colour},shop{i % 30},{weight},"
                     f"{'yes' if rng.random() < 0.5 else 'no'}")
    return "\n".join(lines).encode()


def _session_cases():
    """(name, session) for the four kinds of model the page trains and exports."""
    return [
        ("mlp_classification_iris", _session(ExperimentConfig(
            dataset="iris", hidden_layers=(8, 6), activation="relu", epochs=5), 5)),
        ("mlp_regression_tips", _session(ExperimentConfig(
            dataset="tips", hidden_layers=(6,), activation="elu", epochs=5), 5)),
        ("cnn_digits", _session(PRESETS["cnn_digits"].config.replace(epochs=1), 1)),
        ("lstm_seq_sine", _session(PRESETS["lstm_sine"].config.replace(
            hidden_layers=(4,), epochs=1), 1)),
        ("mlp_csv_with_gaps", _session(ExperimentConfig(
            dataset="csv", hidden_layers=(5,), missing="median", epochs=3), 3,
            _csv_with_gaps())),
    ]


def _engine_cases():
    """(name, model, inputs) covering every layer type and every activation."""
    rng = np.random.default_rng(3)
    activations = sorted(nn.activations.ACTIVATIONS)
    dense = [nn.Dense(6, activation=name) for name in activations]
    mlp = nn.Sequential([nn.BatchNormalization(), *dense[:4], nn.Dropout(0.3), *dense[4:],
                         nn.Dense(3, activation="softmax")], input_shape=(5,), seed=1)
    cnn = nn.Sequential([nn.Conv2D(4, 3, strides=2, padding="same", activation="gelu"),
                         nn.BatchNormalization(), nn.MaxPool2D(2, padding="same"),
                         nn.Conv2D(3, (2, 3), activation="swish"), nn.MaxPool2D(2, strides=1),
                         nn.Flatten(), nn.Dense(2)], input_shape=(12, 13, 2), seed=2)
    rnn = nn.Sequential([nn.SimpleRNN(5, activation="relu", return_sequences=True),
                         nn.LSTM(4, return_sequences=True), nn.SimpleRNN(3),
                         nn.Dense(2, activation="leaky_relu")], input_shape=(6, 3), seed=3)
    cases = []
    for name, model in (("all_activations_batchnorm", mlp), ("conv_pool_same", cnn),
                        ("simplernn_lstm", rnn)):
        # random weights everywhere, so no layer is an accidental identity (moving variance
        # positive, biases non-zero)
        model.set_weights([np.abs(w) + 0.5 if i % 4 == 3 and w.ndim == 1 and
                           isinstance(layer, nn.BatchNormalization) else
                           rng.normal(0, 0.6, w.shape).astype(np.float32)
                           for layer, i, w in _weights_by_layer(model)])
        cases.append((name, model,
                      rng.normal(0, 1.5, (12, *model.input_shape)).astype(np.float32)))
    return cases


def _weights_by_layer(model):
    for layer in model.layers:
        for i, w in enumerate(layer.params.values()):
            yield layer, i, w


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Every case exported to both frameworks, plus one copy per framework whose saved
    outputs were changed by 1e-3 (its check must fail): "case-framework" -> (exit code
    of its check, difference it printed, outputs for the rows in its .json, expected)."""
    folder = tmp_path_factory.mktemp("exported")
    jobs = []
    for name, session in _session_cases():
        prepared = session.prepared
        part = prepared.splits["validation"]
        X = (part.X_original if part.X_raw is None else part.X_raw)[:20]   # gaps: NaN
        rows = raw_inputs(X, prepared_description(prepared)[0], prepared)
        expected = session.model.predict(prepared.model_input(X))
        for framework in FRAMEWORKS:
            jobs.append((f"{name}-{framework}", export_script(session, framework), rows,
                         expected))
    for name, model, X in _engine_cases():
        for framework in FRAMEWORKS:
            jobs.append((f"{name}-{framework}", script_for_model(model, framework),
                         X.tolist(), model.predict(X)))
    for framework in FRAMEWORKS:
        _, text, rows, expected = next(job for job in jobs if job[0].endswith(framework))
        jobs.append((f"tampered-{framework}", _tampered(text), rows, expected))
    paths, expected_by_key = {framework: [] for framework in FRAMEWORKS}, {}
    for key, text, rows, expected in jobs:
        (folder / f"{key}.py").write_text(text, encoding="utf-8")
        (folder / f"{key}.json").write_text(json.dumps(rows))
        paths[key.rsplit("-", 1)[1]].append(folder / f"{key}.py")
        expected_by_key[key] = expected
    waits = [_run_scripts(paths[framework], folder) for framework in FRAMEWORKS]
    results = {}
    for wait in waits:
        for path, result in wait().items():
            key = path.rsplit("/", 1)[1][:-3]
            results[key] = (result["code"], _reported(result["printed"]),
                            np.array(result["outputs"]), expected_by_key[key])
    return results


def _tampered(text: str) -> str:
    """The script with the first saved output moved by 1e-3."""
    head, rest = text.split('"check": ', 1)
    check = json.loads(rest.split("\n", 1)[0])
    check["outputs"][0][0] += 1e-3
    return head + '"check": ' + json.dumps(check) + "\n" + rest.split("\n", 1)[1]


CASES = ["mlp_classification_iris", "mlp_regression_tips", "cnn_digits", "lstm_seq_sine",
         "mlp_csv_with_gaps",
         "all_activations_batchnorm", "conv_pool_same", "simplernn_lstm"]


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("case", CASES)
def test_script_predicts_as_the_playground(exported, case, framework):
    code, reported, outputs, expected = exported[f"{case}-{framework}"]
    assert code == 0
    assert reported <= TOLERANCE
    expected = expected.reshape(len(expected), -1)
    assert outputs.shape == expected.shape
    np.testing.assert_allclose(outputs, expected, rtol=0, atol=TOLERANCE)


def test_the_csv_rows_have_gaps_the_scripts_fill():
    """The case above hands the scripts rows with missing values (None), not filled ones."""
    session = TrainingSession(ExperimentConfig(dataset="csv", missing="median"),
                              csv_bytes=_csv_with_gaps())
    part = session.prepared.splits["validation"]
    rows = raw_inputs(part.X_raw[:20], prepared_description(session.prepared)[0],
                      session.prepared)
    assert any(None in row.values() for row in rows)
    fills = {c["name"]: c["fill"] for c in prepared_description(session.prepared)[0]["columns"]}
    assert fills["colour"] in ("red", "blue", "green") and isinstance(fills["size"], float)
    # dropped on the training rows: in the file's rows, not among the script's inputs
    assert "shop" in rows[0] and "shop" not in fills
    assert "shop" in session.prepared.unused_columns


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_check_fails_when_the_outputs_differ(exported, framework):
    code, reported, _, _ = exported[f"tampered-{framework}"]
    assert code == 1
    assert 0.9e-3 < reported < 1.1e-3


def test_script_runs_from_the_command_line(tmp_path):
    session = _session(ExperimentConfig(dataset="xor", hidden_layers=(3,), epochs=2), 2)
    script = tmp_path / "xor_pytorch.py"
    script.write_text(export_script(session, "pytorch"), encoding="utf-8")
    rows = tmp_path / "rows.csv"
    rows.write_text("x1,x2\n1.5,2\n-3,2.5\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env=_environment(), cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _reported(done.stdout) <= TOLERANCE
    predicted = subprocess.run([sys.executable, str(script), "--csv", str(rows)],
                               capture_output=True, text=True, env=_environment(),
                               cwd=tmp_path, timeout=300)
    assert predicted.returncode == 0, predicted.stderr
    X = np.array([[1.5, 2], [-3, 2.5]], dtype=np.float32)
    p = session.model.predict(session.prepared.model_input(X))[:, 0]
    names = session.prepared.class_names
    lines = predicted.stdout.strip().splitlines()
    assert [line.split(" (")[0] for line in lines] == [names[int(v >= 0.5)] for v in p]


def test_a_missing_keras_backend_is_a_plain_message(tmp_path):
    session = _session(ExperimentConfig(dataset="xor", hidden_layers=(3,), epochs=1), 1)
    script = tmp_path / "xor_keras.py"
    script.write_text(export_script(session, "keras"), encoding="utf-8")
    env = dict(_environment(), KERAS_BACKEND="tensorflow")    # not installed here
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: Keras 3 could not start") and \
        "KERAS_BACKEND=torch" in done.stderr
