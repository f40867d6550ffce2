"""Splits (seeded, stratified, disjoint), the scaler (no leakage, per channel) and crosses."""
import json

import numpy as np
import pytest
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from playground.data import (
    FEATURE_CROSSES,
    DataError,
    Dataset,
    Scaler,
    add_feature_crosses,
    make_dataset,
    split_dataset,
)


def _classes(counts, seed=0):
    y = np.repeat(np.arange(len(counts)), counts)
    X = np.random.default_rng(seed).normal(size=(len(y), 3)).astype(np.float32)
    return Dataset(X, y, "classification", ["a", "b", "c"], [str(k) for k in range(len(counts))])


def _rows(ds):
    return {tuple(row) for row in ds.X.reshape(len(ds.X), -1).tolist()}


def test_split_is_disjoint_complete_and_seeded():
    ds = make_dataset("spiral", n_samples=500)
    parts = split_dataset(ds, validation=0.2, test=0.1, seed=5)
    sizes = [len(parts.train.y), len(parts.validation.y), len(parts.test.y)]
    assert sizes == [350, 100, 50]
    train, valid, test = _rows(parts.train), _rows(parts.validation), _rows(parts.test)
    assert not (train & valid or train & test or valid & test)
    assert train | valid | test == _rows(ds)
    again = split_dataset(ds, validation=0.2, test=0.1, seed=5)
    np.testing.assert_array_equal(parts.test.X, again.test.X)
    other = split_dataset(ds, validation=0.2, test=0.1, seed=6)
    assert not np.array_equal(parts.test.X, other.test.X)


def test_split_keeps_each_class_in_proportion():
    ds = _classes([600, 300, 100])
    parts = split_dataset(ds, validation=0.2, test=0.2, seed=1)
    for part, size in ((parts.train, 600), (parts.validation, 200), (parts.test, 200)):
        counts = np.bincount(part.y, minlength=3)
        np.testing.assert_allclose(counts / size, [0.6, 0.3, 0.1], atol=0.006)


def test_tiny_classes_do_not_crash_and_land_somewhere():
    ds = _classes([40, 1, 2, 3])
    parts = split_dataset(ds, validation=0.2, test=0.2, seed=0)
    assert len(parts.train.y) + len(parts.validation.y) + len(parts.test.y) == 46
    assert 1 in parts.train.y          # the one-row class trains rather than only tests
    assert sorted(np.concatenate([parts.train.y, parts.validation.y, parts.test.y])) \
        == sorted(ds.y)


def test_zero_validation_and_test_and_regression():
    ds = make_dataset("line")
    parts = split_dataset(ds, validation=0.0, test=0.0)
    assert len(parts.train.y) == 100 and len(parts.validation.y) == 0 == len(parts.test.y)
    assert parts.validation.X.shape == (0, 1)
    parts = split_dataset(ds, validation=0.25, test=0.0, seed=2)
    assert (len(parts.train.y), len(parts.validation.y)) == (75, 25)


@pytest.mark.parametrize("validation, test, words", [
    (0.5, 0.5, "sum below 1"), (-0.1, 0.2, "validation fraction"), (0.2, 1.5, "test fraction")])
def test_bad_fractions(validation, test, words):
    with pytest.raises(DataError, match=words):
        split_dataset(make_dataset("gauss"), validation=validation, test=test)


def test_too_few_rows_to_split():
    ds = _classes([1, 1])
    with pytest.raises(DataError, match="too few"):
        split_dataset(ds, validation=0.4, test=0.4)


def test_scaler_statistics_come_from_the_training_split_alone():
    ds = make_dataset("tips")
    parts = split_dataset(ds, validation=0.2, test=0.2, seed=3)
    scaler = Scaler("standard").fit(parts.train.X)
    train64 = parts.train.X.astype(np.float64)
    # By hand, over the training rows only.
    mean = train64.sum(axis=0) / len(train64)
    std = np.sqrt(((train64 - mean) ** 2).sum(axis=0) / len(train64))
    np.testing.assert_allclose(scaler.offset, mean, rtol=1e-12)
    np.testing.assert_allclose(scaler.scale, std, rtol=1e-12)
    full_mean = ds.X.astype(np.float64).mean(axis=0)
    assert not np.allclose(scaler.offset, full_mean)       # would be leakage
    scaled_test = scaler.transform(parts.test.X)
    np.testing.assert_allclose(scaled_test, (parts.test.X - mean) / std, rtol=1e-5, atol=1e-5)
    assert scaled_test.dtype == np.float32


@pytest.mark.parametrize("method, reference", [("standard", StandardScaler),
                                               ("minmax", MinMaxScaler)])
def test_scaler_matches_scikit_learn_and_inverts(method, reference):
    X = np.random.default_rng(0).normal(3, 5, size=(200, 4))
    X[:, 2] = 7.0                                            # a constant column
    ours = Scaler(method).fit(X)
    theirs = reference().fit(X)
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X), atol=1e-10)
    assert np.all(np.isfinite(ours.transform(X)))
    np.testing.assert_allclose(ours.inverse_transform(ours.transform(X)), X, atol=1e-10)


def test_scaler_none_is_identity():
    X = np.arange(12, dtype=np.float32).reshape(4, 3)
    np.testing.assert_array_equal(Scaler("none").fit(X).transform(X), X)


def test_images_and_sequences_scale_per_channel_over_all_other_axes():
    rng = np.random.default_rng(1)
    images = rng.uniform(0, 1, (10, 5, 5, 3)) * [1.0, 10.0, 100.0]
    scaler = Scaler("standard").fit(images)
    for channel in range(3):
        values = images[..., channel]
        assert scaler.offset[channel] == pytest.approx(values.mean())
        assert scaler.scale[channel] == pytest.approx(values.std())
    scaled = scaler.transform(images)
    assert scaled.shape == images.shape
    np.testing.assert_allclose(scaled.reshape(-1, 3).mean(axis=0), 0, atol=1e-9)
    sequences = rng.normal(size=(6, 7, 2))
    minmax = Scaler("minmax").fit(sequences).transform(sequences)
    np.testing.assert_allclose(minmax.reshape(-1, 2).min(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(minmax.reshape(-1, 2).max(axis=0), 1, atol=1e-12)


def test_scaler_round_trips_through_json():
    X = np.random.default_rng(2).normal(size=(50, 3)).astype(np.float32)
    scaler = Scaler("minmax").fit(X)
    restored = Scaler.from_dict(json.loads(json.dumps(scaler.to_dict())))
    np.testing.assert_array_equal(restored.transform(X), scaler.transform(X))
    with pytest.raises(DataError, match="damaged"):
        Scaler.from_dict({"method": "standard", "offset": [0, 1], "scale": [1]})


def test_scaler_misuse_messages():
    with pytest.raises(DataError, match="Unknown scaling method"):
        Scaler("robust")
    with pytest.raises(DataError, match="not fitted"):
        Scaler().transform(np.zeros((2, 2)))
    with pytest.raises(DataError, match="fitted on 2 features"):
        Scaler().fit(np.zeros((3, 2))).transform(np.zeros((3, 5)))
    with pytest.raises(DataError, match="missing or infinite"):
        Scaler().fit(np.array([[1.0], [np.nan]]))


def test_feature_crosses_by_hand():
    X2 = np.array([[1.0, 2.0], [-0.5, 3.0]])
    X, names = add_feature_crosses(X2, FEATURE_CROSSES)
    assert names == list(FEATURE_CROSSES) and X.dtype == np.float32
    expected = [[1, 2, 1, 4, 2, np.sin(1), np.sin(2)],
                [-0.5, 3, 0.25, 9, -1.5, np.sin(-0.5), np.sin(3)]]
    np.testing.assert_allclose(X, expected, rtol=1e-6)
    X, names = add_feature_crosses(X2, ["x1·x2", "x1"])
    np.testing.assert_allclose(X, [[2, 1], [-1.5, -0.5]])


@pytest.mark.parametrize("X2, selected, words", [
    (np.zeros((3, 3)), ["x1"], "shape"), (np.zeros((3, 2)), ["x3"], "Unknown input feature"),
    (np.zeros((3, 2)), [], "at least one"), (np.zeros((3, 2)), ["x1", "x1"], "once")])
def test_feature_cross_errors(X2, selected, words):
    with pytest.raises(DataError, match=words):
        add_feature_crosses(X2, selected)
