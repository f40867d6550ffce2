"""What an export writes down: every layer type, table columns, CLI flags (no framework runs)."""
import io
import json
import re

import numpy as np
import pytest

from playground import nn
from playground.cli import main
from playground.config import ExperimentConfig, fit_to_dataset
from playground.data import FEATURE_CROSSES, add_feature_crosses, make_dataset
from playground.export import TEMPLATES, ExportError, export_script, script_file_name
from playground.export.description import (
    EXPORTED_SETTINGS,
    raw_rows,
    table_columns,
)
from playground.training import TrainingSession


def _export_of(text: str) -> dict:
    return json.loads(re.search(r'EXPORT = json.loads\(r"""(.*?)"""\)', text, re.S).group(1))


def test_every_engine_layer_type_can_be_exported():
    assert set(EXPORTED_SETTINGS) == {cls.__name__ for cls in nn.layers.LAYERS.values()}


def test_one_hot_groups_become_category_columns_and_rows_decode_back():
    tips = make_dataset("tips")
    columns = table_columns(tips.feature_names)
    assert [c["name"] for c in columns] == ["total_bill", "sex", "smoker", "day", "time", "size"]
    assert columns[3] == {"name": "day", "type": "category",
                          "categories": ["Fri", "Sat", "Sun", "Thur"]}
    rows = raw_rows(tips.X[:3], columns)
    for row, x in zip(rows, tips.X[:3]):
        assert row["total_bill"] == float(x[0])
        assert x[tips.feature_names.index(f"day={row['day']}")] == 1


def test_a_lone_name_with_an_equals_sign_is_a_number_column():
    assert table_columns(["a=1", "b", "c=x", "c=y"]) == [
        {"name": "a=1", "type": "number"}, {"name": "b", "type": "number"},
        {"name": "c", "type": "category", "categories": ["x", "y"]}]


def test_the_export_describes_the_sessions_preprocessing():
    session = TrainingSession(ExperimentConfig(dataset="circle", features=("x1²", "x2²"),
                                               hidden_layers=(3,)))
    export = _export_of(export_script(session, "keras"))
    assert export["inputs"]["crosses"] == ["x1²", "x2²"]
    assert export["inputs"]["scaler"]["offset"] == session.prepared.scaler.offset.tolist()
    assert [layer["class_name"] for layer in export["layers"]] == ["Dense", "Dense"]
    X = session.prepared.splits["test"].X_original[:5]
    np.testing.assert_array_equal(
        np.array(export["check"]["outputs"], dtype=np.float32),
        session.model.predict(session.prepared.model_input(X)))
    assert export["check"]["inputs"][0] == {"x1": float(X[0, 0]), "x2": float(X[0, 1])}


def test_unknown_framework_is_a_plain_error():
    session = TrainingSession(ExperimentConfig(dataset="xor"))
    with pytest.raises(ExportError, match="choose one of pytorch, keras"):
        export_script(session, "jax")
    assert script_file_name("keras", "uploaded data.csv") == "uploaded_data_csv_keras.py"


def test_cli_writes_the_same_scripts_as_the_session(tmp_path):
    out = io.StringIO()
    code = main(["train", "--dataset", "iris", "--epochs", "3", "--hidden-layers", "5",
                 "--export-pytorch", str(tmp_path / "iris.py"),
                 "--export-keras", str(tmp_path / "iris_keras.py")], out=out)
    assert code == 0
    default = ExperimentConfig()      # --dataset from the default: as the CLI fits it
    session = TrainingSession(fit_to_dataset(default, default.replace(
        dataset="iris", epochs=3, hidden_layers=(5,))))
    session.step_epochs(3)
    assert (tmp_path / "iris.py").read_text() == export_script(session, "pytorch")
    assert (tmp_path / "iris_keras.py").read_text() == export_script(session, "keras")


def test_cli_export_to_a_missing_folder_is_a_plain_error(tmp_path, capsys):
    code = main(["train", "--dataset", "xor", "--epochs", "1",
                 "--export-keras", str(tmp_path / "no" / "such.py")], out=io.StringIO())
    assert code == 2
    assert "Cannot write" in capsys.readouterr().err


def test_the_scripts_feature_crosses_are_the_playgrounds():
    """templates/common.py repeats the crosses (a script stands alone): they must agree."""
    source = (TEMPLATES / "common.py").read_text(encoding="utf-8")
    start = source.index("FEATURE_CROSSES = {")
    namespace = {"np": np}
    exec(source[start: source.index("\n}\n", start) + 3], namespace)   # our own template
    formulas = namespace["FEATURE_CROSSES"]
    assert tuple(formulas) == FEATURE_CROSSES
    X = np.random.default_rng(0).normal(0, 3, (50, 2)).astype(np.float32)
    expected, _ = add_feature_crosses(X, FEATURE_CROSSES)
    got = np.stack([formulas[name](X[:, 0], X[:, 1]) for name in FEATURE_CROSSES], axis=1)
    np.testing.assert_array_equal(got, expected)
