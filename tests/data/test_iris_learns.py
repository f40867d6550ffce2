"""End to end: built-in iris, stratified split, standardised on train, a small MLP learns it."""
import numpy as np
import pytest

from playground import nn
from playground.data import Scaler, make_dataset, split_dataset


@pytest.mark.slow
def test_iris_reaches_95_percent_test_accuracy():
    parts = split_dataset(make_dataset("iris"), validation=0.2, test=0.2, seed=0)
    # The split is stratified: 10 test flowers of each species.
    assert np.bincount(parts.test.y).tolist() == [10, 10, 10]
    scaler = Scaler("standard").fit(parts.train.X)
    x_train, x_val, x_test = (scaler.transform(p.X) for p in parts.__dict__.values())
    model = nn.Sequential([nn.Dense(16, activation="relu"), nn.Dense(3, activation="softmax")],
                          input_shape=(4,), seed=0)
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam",
                  metrics=["accuracy"])
    model.fit(x_train, parts.train.y, epochs=150, batch_size=16,
              validation_data=(x_val, parts.validation.y))
    result = model.evaluate(x_test, parts.test.y)
    assert result["accuracy"] >= 0.95, result
