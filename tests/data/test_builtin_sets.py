"""Every built-in set: shapes, dtypes, task, determinism per seed, variety across seeds."""
import numpy as np
import pytest

from playground.data import DataError, Dataset, list_datasets, make_dataset
from playground.data.dataset import KINDS, TASKS

INFOS = {info.name: info for info in list_datasets()}
FIXED = {"iris", "tips", "digits"}          # real data: the same rows for every seed
POINTS_CLASSIFICATION = ["circle", "xor", "gauss", "spiral", "moons", "checkerboard",
                         "blobs", "spiral_multi"]
SEQUENCES = ["seq_sine", "seq_noisy_sine", "seq_sawtooth", "seq_sum_of_sines"]


def test_catalogue_lists_every_required_set_with_one_line_descriptions():
    required = set(POINTS_CLASSIFICATION) | {"plane", "gaussian", "sine", "line", "iris",
                                             "tips", "digits", "shapes"} | set(SEQUENCES)
    assert required <= set(INFOS)
    for info in INFOS.values():
        assert info.kind in KINDS and info.task in TASKS
        assert info.description and "\n" not in info.description


@pytest.mark.parametrize("name", sorted(INFOS))
def test_every_set_is_consistent(name):
    info = INFOS[name]
    ds = make_dataset(name)
    assert isinstance(ds, Dataset)
    assert (ds.name, ds.kind, ds.task) == (name, info.kind, info.task)
    assert ds.X.dtype == np.float32 and np.all(np.isfinite(ds.X))
    assert len(ds.X) == len(ds.y) > 0
    assert ds.report
    if ds.task == "classification":
        assert ds.y.dtype == np.int64 and ds.y.ndim == 1
        assert set(np.unique(ds.y)) == set(range(ds.n_classes))   # every class present
    else:
        assert ds.y.dtype == np.float32 and ds.class_names is None
        assert np.all(np.isfinite(ds.y))
    if ds.kind in ("points2d", "table"):
        assert ds.X.ndim == 2 and len(ds.feature_names) == ds.X.shape[1]
    if ds.kind == "points2d":
        assert ds.X.shape[1] == 2 and np.abs(ds.X).max() <= 7.0
    if ds.kind == "image":
        assert ds.X.ndim == 4 and ds.X.shape[-1] == 1
        assert ds.X.min() >= 0.0 and ds.X.max() <= 1.0
    if ds.kind == "sequence":
        assert ds.X.ndim == 3 and ds.X.shape[1:] == (20, 1)


@pytest.mark.parametrize("name", sorted(set(INFOS) - FIXED))
def test_generated_sets_repeat_per_seed_and_differ_across_seeds(name):
    first, again = make_dataset(name, seed=3), make_dataset(name, seed=3)
    other = make_dataset(name, seed=4)
    np.testing.assert_array_equal(first.X, again.X)
    np.testing.assert_array_equal(first.y, again.y)
    # "line" has fixed x; its noise (y) must still change with the seed.
    assert not (np.array_equal(first.X, other.X) and np.array_equal(first.y, other.y))


@pytest.mark.parametrize("name", POINTS_CLASSIFICATION)
def test_sample_count_and_noise_are_honoured(name):
    noisy = make_dataset(name, n_samples=101, noise=0.5, seed=1)
    assert noisy.X.shape == (101, 2) and noisy.y.shape == (101,)
    clean = make_dataset(name, n_samples=400, noise=0.0, seed=1)
    counts = np.bincount(clean.y, minlength=clean.n_classes)
    assert counts.min() >= 0.6 * 400 / clean.n_classes      # classes roughly balanced


def test_more_noise_spreads_the_gaussian_clouds():
    def spread(noise):
        ds = make_dataset("gauss", n_samples=2000, noise=noise)
        centre = np.where(ds.y[:, None] == 1, 2.0, -2.0)
        return (ds.X - centre).std()
    # variance 0.5 at noise 0 and 0.5 + 3.5 * 0.5 = 2.25 at noise 0.5 (TF Playground's rule)
    assert abs(spread(0.0) - np.sqrt(0.5)) < 0.05
    assert abs(spread(0.5) - np.sqrt(2.25)) < 0.08


def test_noise_free_sets_follow_their_rules():
    circle = make_dataset("circle", noise=0.0)
    inside = np.hypot(*circle.X.T) < 2.5
    np.testing.assert_array_equal(circle.y, inside.astype(int))
    xor = make_dataset("xor", noise=0.0)
    np.testing.assert_array_equal(xor.y, (xor.X[:, 0] * xor.X[:, 1] >= 0).astype(int))
    plane = make_dataset("plane", noise=0.0)
    np.testing.assert_allclose(plane.y, plane.X.sum(axis=1) / 10, atol=1e-6)


def test_line_matches_the_seed_article():
    ds = make_dataset("line", seed=0)
    assert ds.X.shape == (100, 1) and ds.feature_names == ["x"] and ds.kind == "table"
    np.testing.assert_allclose(ds.X[:, 0], np.linspace(1, 10, 100), rtol=1e-6)
    residual = ds.y - (2 * ds.X[:, 0] + 3)
    assert 0.7 < residual.std() < 1.3 and abs(residual.mean()) < 0.3
    # A least-squares fit recovers slope 2 and intercept 3 within the noise.
    slope, intercept = np.polyfit(ds.X[:, 0], ds.y, 1)
    assert abs(slope - 2) < 0.15 and abs(intercept - 3) < 0.8
    exact = make_dataset("line", noise=0.0)
    np.testing.assert_allclose(exact.y, 2 * exact.X[:, 0] + 3, rtol=1e-6)


@pytest.mark.parametrize("n_classes", [3, 4, 5])
@pytest.mark.parametrize("name", ["blobs", "spiral_multi"])
def test_multiclass_sets_take_n_classes(name, n_classes):
    ds = make_dataset(name, n_classes=n_classes, n_samples=300)
    assert ds.n_classes == n_classes and set(np.unique(ds.y)) == set(range(n_classes))


def test_digits_are_the_real_uci_images():
    ds = make_dataset("digits")
    assert ds.X.shape == (1797, 8, 8, 1) and ds.class_names == [str(d) for d in range(10)]
    from sklearn.datasets import load_digits
    reference = load_digits()
    np.testing.assert_allclose(ds.X.reshape(1797, 64), reference.data / 16.0, atol=1e-6)
    np.testing.assert_array_equal(ds.y, reference.target)
    # one name per pixel, row-major, as a flattening network sees them
    assert len(ds.feature_names) == 64
    assert ds.feature_names[:2] == ["pixel 1,1", "pixel 1,2"] and ds.feature_names[8] == "pixel 2,1"


def test_shapes_options_and_classes():
    ds = make_dataset("shapes", n_samples=50, noise=0.0, size=16, n_classes=5)
    assert ds.X.shape == (50, 16, 16, 1) and ds.n_classes == 5
    assert set(np.unique(ds.X)) <= {0.0, 1.0}            # no noise: pure shapes
    assert ds.X.reshape(50, -1).sum(axis=1).min() > 5    # every image draws something


def test_sequences_predict_the_next_value():
    ds = make_dataset("seq_sine", n_samples=40, window=8)
    assert ds.X.shape == (40, 8, 1) and ds.y.shape == (40,)
    # The next value continues the sine: sin(a + 8 s) from the window's sin(a + k s).
    step = 0.3
    phase = np.arcsin(np.clip(ds.X[:, 0, 0], -1, 1))
    second = ds.X[:, 1, 0]
    # pick the branch of arcsin that reproduces the second value
    phase = np.where(np.isclose(np.sin(phase + step), second, atol=1e-4), phase, np.pi - phase)
    np.testing.assert_allclose(ds.y, np.sin(phase + 8 * step), atol=1e-4)
    several = make_dataset("seq_sawtooth", n_samples=10, window=5, horizon=3)
    assert several.y.shape == (10, 3)


def test_fixed_tables():
    iris = make_dataset("iris")
    assert iris.X.shape == (150, 4) and iris.class_names == ["setosa", "versicolor", "virginica"]
    assert np.bincount(iris.y).tolist() == [50, 50, 50]
    tips = make_dataset("tips")
    assert tips.X.shape == (244, 12) and "sex=Female" in tips.feature_names
    assert any("One-hot encoded 'day' into 4 columns" in line for line in tips.report)


@pytest.mark.parametrize("call, words", [
    (lambda: make_dataset("nope"), "no built-in dataset"),
    (lambda: make_dataset("circle", n_samples=0), "n_samples"),
    (lambda: make_dataset("circle", noise=-1), "noise"),
    (lambda: make_dataset("circle", n_classes=3), "Unknown option"),
    (lambda: make_dataset("blobs", n_classes=9), "n_classes"),
    (lambda: make_dataset("iris", n_samples=10), "fixed real data"),
    (lambda: make_dataset("seq_sine", window=1), "window"),
    (lambda: make_dataset("shapes", size=3), "size"),
])
def test_bad_requests_say_what_to_change(call, words):
    with pytest.raises(DataError, match=words):
        call()


def test_infos_state_the_defaults_make_dataset_uses():
    for info in INFOS.values():
        ds = make_dataset(info.name)
        if info.name in FIXED:
            assert info.default_samples is None and info.options == ()
        else:
            assert len(ds.y) == info.default_samples
            assert f"noise {info.default_noise}" in ds.report[0]
    assert INFOS["blobs"].options == ("n_classes",)
    assert set(INFOS["seq_sine"].options) >= {"window", "horizon"}
    assert set(INFOS["shapes"].options) == {"size", "n_classes"}
