"""Every statistic of the preprocessing comes from the training split alone.

Gap fill values, the categories one-hot encoding keeps, the input scaler and the target
scaling: two files that differ only in their test rows (numbers, gaps, categories, even a
category the rest never has, and the targets) must give the same fitted values; a change
to one training row must not (so the comparison can fail).
"""
import numpy as np

from playground.config import ExperimentConfig
from playground.data import load_csv
from playground.data.splits import split_indices
from playground.training import TrainingSession

N_ROWS = 60
COLOURS = ("red", "green", "blue")


def _rows(rng) -> list[list[str]]:
    """Rows of size, colour, share (with gaps) and price (the target)."""
    rows = []
    for i in range(N_ROWS):
        size = "" if i % 7 == 3 else f"{rng.normal(50, 10):.3f}"
        colour = "NA" if i % 9 == 4 else COLOURS[i % 3]
        share = "?" if i % 5 == 2 else f"{rng.uniform(0, 100):.1f}%"
        rows.append([size, colour, share, f"{rng.normal(10, 3):.3f}"])
    return rows


def _csv(rows) -> bytes:
    return ("size,colour,share,price\n" + "\n".join(",".join(r) for r in rows)).encode()


def _fitted(prepared) -> dict:
    """Every value the preprocessing fitted, as plain lists."""
    return {"fill": prepared.imputer.to_dict(), "offset": prepared.scaler.offset.tolist(),
            "scale": prepared.scaler.scale.tolist(),
            "target": (prepared.target_mean.tolist(), prepared.target_std.tolist()),
            "features": list(prepared.feature_names)}


def _session(raw: bytes, missing: str = "mean") -> TrainingSession:
    cfg = ExperimentConfig(dataset="csv", hidden_layers=(4,), missing=missing)
    return TrainingSession(cfg, csv_bytes=raw, csv_name="shop.csv")


def _split_rows(raw: bytes, name: str) -> np.ndarray:
    cfg = ExperimentConfig(dataset="csv")
    ds = load_csv(raw)
    return split_indices(ds, cfg.validation_fraction, cfg.test_fraction, cfg.data_seed)[name]


def test_changing_only_test_rows_changes_no_fitted_statistic():
    rng = np.random.default_rng(0)
    rows = _rows(rng)
    test_rows = _split_rows(_csv(rows), "test")
    assert len(test_rows) == 12
    changed = [list(r) for r in rows]
    for k, i in enumerate(test_rows):        # wild numbers, new gaps, other categories
        changed[i] = ["" if k % 2 else "1e6", ["blue", "purple", ""][k % 3],
                      "" if k % 3 else "99.5%", f"{1000 + k}"]
    for strategy in ("mean", "median", "most_frequent"):
        before, after = _session(_csv(rows), strategy), _session(_csv(changed), strategy)
        assert _fitted(before.prepared) == _fitted(after.prepared), strategy
        # the training and validation inputs the network sees are the same too
        for name in ("train", "validation"):
            np.testing.assert_array_equal(before.prepared.splits[name].X,
                                          after.prepared.splits[name].X)
    # 'purple' exists only in test rows: unknown to the network, so said in the report
    assert any("'purple') only in validation or test rows" in line
               for line in after.data_report)


def test_changing_one_training_row_does_change_them():
    rng = np.random.default_rng(0)
    rows = _rows(rng)
    train_row = int(_split_rows(_csv(rows), "train")[0])
    changed = [list(r) for r in rows]
    changed[train_row][0] = "1e6"
    before, after = _session(_csv(rows)), _session(_csv(changed))
    assert _fitted(before.prepared)["fill"] != _fitted(after.prepared)["fill"]
    assert _fitted(before.prepared)["offset"] != _fitted(after.prepared)["offset"]


def test_fill_values_are_the_training_rows_statistics():
    rng = np.random.default_rng(1)
    rows = _rows(rng)
    raw = _csv(rows)
    train = _split_rows(raw, "train")
    sizes = np.array([float(rows[i][0]) for i in train if rows[i][0]], dtype=np.float32)
    colours = [rows[i][1] for i in train if rows[i][1] != "NA"]
    for strategy, expected in (("mean", sizes.astype(np.float64).mean()),
                               ("median", np.median(sizes.astype(np.float64)))):
        fitted = _session(raw, strategy).prepared.imputer.to_dict()["columns"]
        assert fitted[0]["name"] == "size" and np.isclose(fitted[0]["fill"], expected)
        assert fitted[1]["fill"] == max(COLOURS, key=colours.count)
    # the gaps of the training inputs hold exactly that value (before scaling)
    session = _session(raw)
    prepared = session.prepared
    train_X = prepared.splits["train"].X_original
    gaps = [k for k, i in enumerate(train) if not rows[i][0]]
    assert gaps and np.allclose(train_X[gaps, 0], sizes.mean(), rtol=1e-6)


def test_a_continuous_column_never_gets_its_most_frequent_value():
    session = _session(_csv(_rows(np.random.default_rng(2))), "most_frequent")
    size, _, share = session.prepared.imputer.to_dict()["columns"]
    report = "\n".join(session.data_report)
    assert "'size'" in report and "with the median in training" in report
    assert "continuous numbers, so not the most frequent value" in report
    # a column of a few whole numbers does get its most frequent value
    raw = b"stars,y\n" + b"\n".join(f"{v},{i % 3}.5".encode() for i, v in
                                    enumerate([1, 2, 2, 2, 3, "", 2, 5, 1, "", 2, 4] * 3))
    ds_session = _session(raw, "most_frequent")
    assert ds_session.prepared.imputer.to_dict()["columns"][0]["fill"] == 2.0


def test_percentages_are_numbers_and_the_report_names_the_file():
    session = _session(_csv(_rows(np.random.default_rng(3))))
    assert "share" in session.prepared.feature_names        # not dropped as text
    report = session.data_report
    assert report[0].startswith("Read 60 rows and 4 columns from 'shop.csv'")
    assert any("Read 'share' as numbers in percent" in line for line in report)
    ds = load_csv(b"rate,y\n26.9%,1\n3 %,2\n50,3\n-1.5%,4\n")
    np.testing.assert_allclose(ds.X[:, 0], [26.9, 3, 50, -1.5], rtol=1e-6)


COLUMNS = ("x", "steady", "row_id", "city", "shop", "note", "price")


def _decision_rows(test_rows: set[int]) -> list[list[str]]:
    """Rows whose columns are judged on the training rows: 'steady' is 5 in every row,
    'row_id' a different whole number in every row, 'city' 15 cities, 'shop' 25 shops
    (more than the 20 categories one-hot encoding takes), 'note' empty in every row."""
    rng = np.random.default_rng(4)
    return [[f"{rng.normal():.3f}", "5", f"{i + 1}", f"city{i % 15}", f"shop{i % 25}", "",
             f"{rng.normal(10, 3):.3f}"] for i in range(N_ROWS)]


def _decisions(session) -> tuple[list[str], set[str]]:
    """(the network's input columns, the columns the report says were dropped)."""
    dropped = {line.split("'")[1] for line in session.data_report
               if line.startswith("Dropped column '")}
    return list(session.prepared.feature_names), dropped


def test_changing_only_test_rows_changes_no_column_decision():
    def raw(rows):
        return ("{}\n".format(",".join(COLUMNS)) + "\n".join(",".join(r) for r in rows)).encode()

    rows = _decision_rows(set())
    test_rows = _split_rows(raw(rows), "test")
    changed = [list(r) for r in rows]
    for k, i in enumerate(test_rows):
        # in the whole file 'steady' is no longer constant, 'row_id' has repeats, 'city'
        # has 15 + 12 = 27 values (more than 20), 'shop' fewer, 'note' has values
        changed[i][1:6] = [f"{7 + k}", "1", f"elsewhere{k}", "shop0", f"note {k % 2}"]
    before, after = _session(raw(rows)), _session(raw(changed))
    used, dropped = _decisions(before)
    assert used[0] == "x" and not any(f.startswith(("shop", "note", "steady", "row_id"))
                                      for f in used)
    assert sum(f.startswith("city=") for f in used) == 15
    assert dropped == {"steady", "row_id", "shop", "note"}
    assert _decisions(after) == (used, dropped)
    # each drop is explained in plain words, from the training rows where the file differs
    report = "\n".join(after.data_report)
    for words in ("'steady': it holds the same value (5) in every training row",
                  "'row_id': a different whole number in every training row, like a row id",
                  "'shop': 22 different text values in the training rows, more than the 20",
                  "'note': every value is missing in the training rows"):
        assert f"Dropped column {words}" in report, report
    # the network's inputs and everything fitted for them are the same
    fitted = [_fitted(session.prepared) for session in (before, after)]
    for values in fitted:
        values["fill"] = [c for c in values["fill"]["columns"] if not c["dropped"]]
    assert fitted[0] == fitted[1]


def test_a_column_is_judged_on_the_training_rows_not_the_file():
    """The other way round: a column constant in the training rows only is dropped; the
    same column constant nowhere is kept (so the test above can fail)."""
    def raw(rows):
        return ("{}\n".format(",".join(COLUMNS)) + "\n".join(",".join(r) for r in rows)).encode()

    rows = _decision_rows(set())
    train = set(_split_rows(raw(rows), "train").tolist())
    for i, row in enumerate(rows):
        row[1] = "5" if i in train else f"{i}"
    assert "steady" not in _session(raw(rows)).prepared.feature_names
    rows[min(train)][1] = "6"
    assert "steady" in _session(raw(rows)).prepared.feature_names
