"""The command line: same numbers as a TrainingSession, files written, plain errors."""
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from playground import config, nn
from playground.cli import main
from playground.presets import PRESETS
from playground.training import TrainingSession

ROOT = Path(__file__).resolve().parents[1]


def _run(*argv):
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_preset_run_gives_the_same_metrics_as_a_session():
    code, text = _run("train", "--preset", "xor_hidden", "--epochs", "15", "--json")
    assert code == 0
    result = json.loads(text)
    session = TrainingSession(PRESETS["xor_hidden"].config.replace(epochs=15))
    snap = session.step_epochs(15)
    assert result["epochs"] == 15 and result["status"] == "done"
    assert result["metrics"] == snap.metrics
    assert result["final"]["val_loss"] == snap.history["val_loss"][-1]


def test_flags_override_a_config_file_and_files_are_written(tmp_path):
    cfg = config.ExperimentConfig(dataset="gauss", n_samples=80, hidden_layers=(3,))
    (tmp_path / "exp.json").write_text(config.to_json(cfg))
    code, text = _run("train", "--config", str(tmp_path / "exp.json"), "--epochs", "4",
                      "--learning-rate", "0.1", "--hidden_layers", "5,2",
                      "--save-model", str(tmp_path / "m.npz"),
                      "--history", str(tmp_path / "h.csv"),
                      "--save-config", str(tmp_path / "used.json"))
    assert code == 0
    assert "split" in text and "train" in text and "accuracy" in text
    used, messages = config.from_json((tmp_path / "used.json").read_text())
    assert messages == []
    assert used == cfg.replace(epochs=4, learning_rate=0.1, hidden_layers=(5, 2))
    assert len((tmp_path / "h.csv").read_text().strip().splitlines()) == 1 + 4
    model = nn.load_model(str(tmp_path / "m.npz"))
    assert [layer.units for layer in model.layers] == [5, 2, 1]
    session = TrainingSession(used)
    session.step_epochs(4)
    X = session.prepared.splits["test"].X
    np.testing.assert_allclose(model.predict(X), session.model.predict(X), rtol=1e-6)


def test_line_preset_prints_the_fitted_line():
    code, text = _run("train", "--preset", "line_regression")
    assert code == 0 and "fitted line: y = 2.0" in text
    code, text = _run("train", "--preset", "lr_too_large", "--json")
    assert code == 1 and json.loads(text)["status"] == "diverged"


def test_csv_file_training(tmp_path):
    rows = ["a,b,label"] + [f"{i % 7},{(i * 3) % 5},{'yes' if i % 7 > 3 else 'no'}"
                            for i in range(60)]
    (tmp_path / "d.csv").write_text("\n".join(rows) + "\n")
    code, text = _run("train", "--csv", str(tmp_path / "d.csv"), "--epochs", "3", "--json")
    assert code == 0 and set(json.loads(text)["metrics"]) == {"train", "validation", "test"}


@pytest.mark.parametrize("argv, words", [
    (["train", "--learning-rate", "abc"], "could not be read as a number"),
    (["train", "--learning-rate", "50"], "above the maximum 10"),
    (["train", "--activation", "relu6"], "not one of"),
    (["train", "--preset", "nope"], "no preset called"),
    (["train", "--config", "/nonexistent/exp.json"], "Cannot read the config file"),
    (["train", "--dataset", "csv"], "no file was uploaded"),
    (["train", "--model-kind", "cnn"], "does not fit"),
    (["train", "--bogus"], "unrecognized arguments"),
    (["fly"], "invalid choice"),
])
def test_bad_input_exits_2_with_a_plain_message(argv, words, capsys):
    code, _ = _run(*argv)
    assert code == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_bad_json_config_file(tmp_path, capsys):
    (tmp_path / "bad.json").write_text("{not json")
    assert _run("train", "--config", str(tmp_path / "bad.json"))[0] == 2
    assert "not valid JSON" in capsys.readouterr().err
    (tmp_path / "odd.json").write_text('{"learning_rate": 50, "epochs": 2}')
    code, _ = _run("train", "--config", str(tmp_path / "odd.json"))
    assert code == 0
    assert "warning: learning_rate 50 is above the maximum 10" in capsys.readouterr().err


def test_listings():
    code, text = _run("presets")
    assert code == 0 and all(key in text for key in PRESETS)
    code, text = _run("datasets")
    assert code == 0 and "spiral" in text and "digits" in text
    code, text = _run("settings")
    assert code == 0 and "--learning-rate" in text and "default 0.03" in text


def test_module_entry_point_exit_code():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "playground", "train", "--epochs", "zero"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 2
    assert "--epochs" in done.stderr and "Traceback" not in done.stderr


def test_a_new_dataset_flag_gets_a_fitting_loss_and_network_as_in_the_app(tmp_path):
    base = config.ExperimentConfig(dataset="line", loss="huber", hidden_layers=(3,))
    (tmp_path / "exp.json").write_text(config.to_json(base))
    code, _ = _run("train", "--config", str(tmp_path / "exp.json"), "--dataset", "shapes",
                   "--n-samples", "40", "--epochs", "1",
                   "--save-config", str(tmp_path / "used.json"))
    assert code == 0
    used, _ = config.from_json((tmp_path / "used.json").read_text())
    assert used == config.fit_to_dataset(base, base.replace(dataset="shapes", n_samples=40,
                                                            epochs=1))
    assert (used.loss, used.model_kind) == ("auto", "cnn")
    # settings given as flags are kept as given
    code, _ = _run("train", "--dataset", "shapes", "--n-samples", "40", "--epochs", "1",
                   "--model-kind", "mlp", "--save-config", str(tmp_path / "used.json"))
    assert code == 0
    assert config.from_json((tmp_path / "used.json").read_text())[0].model_kind == "mlp"


def test_history_csv_and_json_metrics_are_plain_numbers(tmp_path):
    import pandas as pd
    code, text = _run("train", "--dataset", "xor", "--n-samples", "60", "--epochs", "3",
                      "--json", "--history", str(tmp_path / "h.csv"))
    assert code == 0
    table = pd.read_csv(tmp_path / "h.csv")
    assert table["epoch"].tolist() == [1, 2, 3]
    assert all(dtype == np.float64 for dtype in table.drop(columns="epoch").dtypes)

    def refuse(word):
        raise AssertionError(f"{word} is not a JSON number")
    result = json.loads(text, parse_constant=refuse)
    numbers = [v for split in result["metrics"].values() for v in split.values()] + \
        list(result["final"].values())
    assert numbers and all(type(v) is float for v in numbers)
    from playground.cli import _plain
    assert _plain(float("nan")) is None and _plain(np.float64(0.5)) == 0.5
    assert type(_plain(np.float64(0.5))) is float


@pytest.mark.parametrize("flag, value, problem", [
    ("--dataset", "circl", "dataset 'circl' is not one of"),
    ("--learning-rate", "abc", "learning_rate 'abc' could not be read as a number."),
    ("--learning-rate", "50", "learning_rate 50 is above the maximum 10."),
    ("--hidden-layers", "4,x", "hidden_layers entry 'x' is not a whole number."),
])
def test_a_bad_flag_says_what_is_wrong_and_stops(tmp_path, capsys, flag, value, problem):
    history = tmp_path / "h.csv"
    code, out = _run("train", flag, value, "--epochs", "2", "--history", str(history))
    err = capsys.readouterr().err
    assert code == 2 and problem in err
    assert "using" not in err and "default" not in err    # nothing was fixed ...
    assert not history.exists() and out == ""             # ... and nothing was trained


def test_a_deeply_nested_or_huge_config_file_exits_2_with_a_plain_message(tmp_path, capsys):
    (tmp_path / "deep.json").write_text('{"hidden_layers": ' + "[" * 2000 + "]" * 2000 + "}")
    assert _run("train", "--config", str(tmp_path / "deep.json"))[0] == 2
    err = capsys.readouterr().err
    assert "2,001 deep" in err and "Traceback" not in err
    (tmp_path / "huge.json").write_bytes(b"{" + b" " * 5_000_000 + b"}")
    assert _run("train", "--config", str(tmp_path / "huge.json"))[0] == 2
    assert "about 1 KB" in capsys.readouterr().err


def test_a_long_list_flag_is_refused_at_once(capsys):
    assert _run("train", "--hide", "x," * 50_000)[0] == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "100,000 characters long" in err


def _shop_files(tmp_path):
    """A training table (size, colour -> price) and new rows for it."""
    rng = np.random.default_rng(0)
    lines = ["size,colour,price"] + [
        f"{rng.normal(5, 2):.3f},{('red', 'blue')[i % 2]},{rng.normal(10, 3):.3f}"
        for i in range(60)]
    (tmp_path / "shop.csv").write_text("\n".join(lines) + "\n")
    (tmp_path / "new.csv").write_text("colour,size,note\nblue,4.5,x\nred,,y\nred,7.25,z\n")
    return tmp_path / "shop.csv", tmp_path / "new.csv"


def test_predict_new_rows_from_the_command_line(tmp_path, capsys):
    import pandas as pd

    from playground.predict import predict_new_rows
    train, new = _shop_files(tmp_path)
    out = tmp_path / "out.csv"
    code, text = _run("train", "--csv", str(train), "--epochs", "3", "--predict", str(new),
                      "--predictions-out", str(out), "--save-config", str(tmp_path / "c.json"))
    assert code == 0 and f"predictions for 3 rows written to {out}" in text
    err = capsys.readouterr().err
    assert "note: Ignored 1 column the network does not use: 'note'." in err
    assert "note: Filled 1 missing value in 'size'" in err
    written = pd.read_csv(out)
    assert list(written.columns) == ["colour", "size", "note", "predicted price"]
    assert written["predicted price"].dtype == np.float64
    # the same numbers as the page's predict on a session of the same experiment
    used, _ = config.from_json((tmp_path / "c.json").read_text())
    assert used.regularization == "l2"                  # the default network for a table
    session = TrainingSession(used, csv_bytes=train.read_bytes(), csv_name="shop.csv")
    session.step_epochs(3)
    expected = predict_new_rows(session.prepared, session.model, new.read_bytes())
    np.testing.assert_allclose(written["predicted price"],
                               expected.table["predicted price"], rtol=1e-6)
    code, text = _run("train", "--csv", str(train), "--epochs", "1", "--predict", str(new),
                      "--predictions-out", str(out), "--json")
    assert code == 0 and json.loads(text)["predictions"]["rows"] == 3


@pytest.mark.parametrize("rows, words", [
    ("colour\nblue\n", "has no column 'size'"),
    ("size,colour\nbig,blue\n", "'size' must hold numbers"),
    ("size,colour\n4.5,green\n", "values the training data never had ('green')"),
])
def test_predict_rows_that_do_not_fit_exit_2_before_training(tmp_path, capsys, rows, words):
    train, _ = _shop_files(tmp_path)
    (tmp_path / "bad.csv").write_text(rows)
    code, text = _run("train", "--csv", str(train), "--epochs", "500", "--predict",
                      str(tmp_path / "bad.csv"), "--predictions-out", str(tmp_path / "o.csv"),
                      "--history", str(tmp_path / "h.csv"))
    err = capsys.readouterr().err
    assert code == 2 and words in err and "bad.csv" in err and "Traceback" not in err
    assert text == "" and not (tmp_path / "o.csv").exists()
    assert not (tmp_path / "h.csv").exists()            # refused before training


def test_predict_needs_both_flags_and_a_readable_file(tmp_path, capsys):
    train, new = _shop_files(tmp_path)
    assert _run("train", "--csv", str(train), "--predict", str(new))[0] == 2
    assert "go together" in capsys.readouterr().err
    assert _run("train", "--csv", str(train), "--predict", str(tmp_path / "none.csv"),
                "--predictions-out", str(tmp_path / "o.csv"))[0] == 2
    assert "Cannot read the CSV file to predict" in capsys.readouterr().err
