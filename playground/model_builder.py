"""Turn an ExperimentConfig plus prepared data into a compiled ``playground.nn`` model.

Also the pieces a running session changes without a rebuild: the optimizer object and the
weight penalties.
"""
from __future__ import annotations

import numpy as np

from playground import nn
from playground.config import LOSSES_BY_TASK, ExperimentConfig
from playground.data import MODEL_KINDS_FOR_KIND, NATURAL_MODEL_FOR_KIND
from playground.experiment_data import ExperimentError, PreparedData

MOMENTUM = 0.9          # the "momentum" optimizer is SGD with this momentum


def check_fits(cfg: ExperimentConfig, prepared: PreparedData) -> None:
    """Raise ExperimentError if the network type or loss does not fit the data."""
    kind = prepared.kind
    allowed = MODEL_KINDS_FOR_KIND[kind]
    if cfg.model_kind not in allowed:
        raise ExperimentError(
            f"A {cfg.model_kind} network does not fit {kind} data ({prepared.dataset.name}); "
            f"pick {' or '.join(allowed)} (for {kind} data, {NATURAL_MODEL_FOR_KIND[kind]} is "
            "a good start).")
    if cfg.model_kind == "autoencoder" and kind == "points2d" and \
            not {"x1", "x2"} <= set(prepared.feature_names):
        raise ExperimentError(
            "An autoencoder on 2-D points rebuilds the points themselves, so it needs x1 "
            "and x2 among the input features; add them (other features may stay).")
    task = "regression" if cfg.model_kind == "autoencoder" else prepared.task
    if cfg.loss not in LOSSES_BY_TASK[task]:
        raise ExperimentError(
            f"The loss {cfg.loss!r} does not fit a {task} task; "
            f"pick one of {', '.join(LOSSES_BY_TASK[task])}.")


def loss_name(cfg: ExperimentConfig, prepared: PreparedData) -> str:
    """The playground.nn loss name for the config's loss choice and the data's task."""
    if prepared.task == "regression" or cfg.model_kind == "autoencoder":
        return "mse" if cfg.loss == "auto" else cfg.loss
    if cfg.loss in ("auto", "cross_entropy"):
        return "binary_crossentropy" if prepared.n_outputs == 1 \
            else "sparse_categorical_crossentropy"
    return "mse"   # classification with squared error on the probabilities


def output_activation(prepared: PreparedData, cfg: ExperimentConfig) -> str:
    if prepared.task == "regression" or cfg.model_kind == "autoencoder":
        return "linear"
    return "sigmoid" if prepared.n_outputs == 1 else "softmax"


def make_regularizer(cfg: ExperimentConfig):
    """The kernel penalty the config asks for, or None."""
    if cfg.regularization == "none" or cfg.regularization_rate == 0:
        return None
    if cfg.regularization == "l1":
        return nn.regularizers.L1(cfg.regularization_rate)
    return nn.regularizers.L2(cfg.regularization_rate)


def make_optimizer(cfg: ExperimentConfig):
    """A fresh optimizer object for the config (state starts empty)."""
    lr = cfg.learning_rate
    name = cfg.optimizer
    if name == "sgd":
        return nn.optimizers.SGD(learning_rate=lr)
    if name == "momentum":
        return nn.optimizers.SGD(learning_rate=lr, momentum=MOMENTUM)
    classes = {"rmsprop": nn.optimizers.RMSprop, "adam": nn.optimizers.Adam,
               "adagrad": nn.optimizers.Adagrad, "adamw": nn.optimizers.AdamW}
    return classes[name](learning_rate=lr)


def set_regularization(model, cfg: ExperimentConfig) -> None:
    """Swap the kernel penalty of every weighted layer in place (training continues)."""
    regularizer = make_regularizer(cfg)
    for layer in model.layers:
        if "kernel" in layer.regularizable:
            layer.set_regularizer(regularizer, "kernel")


def _dense_stack(cfg: ExperimentConfig, regularizer) -> list:
    layers = []
    for index, units in enumerate(cfg.hidden_layers):
        layers.append(nn.Dense(units, activation=cfg.activation_for(index),
                               kernel_regularizer=regularizer))
        if cfg.dropout > 0:
            layers.append(nn.Dropout(cfg.dropout))
    return layers


def build_model(cfg: ExperimentConfig, prepared: PreparedData):
    """A compiled nn.Sequential for the config and data (seeded by ``cfg.seed``)."""
    check_fits(cfg, prepared)
    regularizer = make_regularizer(cfg)
    input_shape = prepared.input_shape
    layers: list = []
    if cfg.model_kind == "cnn":
        height = min(input_shape[0], input_shape[1])
        for filters in cfg.conv_filters:
            layers.append(nn.Conv2D(filters, 3, padding="same", activation=cfg.activation))
            if height >= 4:
                layers.append(nn.MaxPool2D(2))
                height //= 2
        layers.append(nn.Flatten())
    elif cfg.model_kind in ("rnn", "lstm"):
        recurrent = nn.SimpleRNN if cfg.model_kind == "rnn" else nn.LSTM
        layers.append(recurrent(cfg.rnn_units))
    elif len(input_shape) > 1:
        layers.append(nn.Flatten())
    layers += _dense_stack(cfg, regularizer)
    if cfg.model_kind == "autoencoder":
        # the decoder mirrors the encoder (without its last, narrowest layer)
        for offset, units in enumerate(reversed(cfg.hidden_layers[:-1])):
            index = len(cfg.hidden_layers) - 2 - offset
            layers.append(nn.Dense(units, activation=cfg.activation_for(index),
                                   kernel_regularizer=regularizer))
    layers.append(nn.Dense(prepared.n_outputs, activation=output_activation(prepared, cfg),
                           kernel_regularizer=regularizer))
    model = nn.Sequential(layers, input_shape=input_shape, seed=cfg.seed)
    compile_model(model, cfg, prepared)
    return model


def compile_model(model, cfg: ExperimentConfig, prepared: PreparedData) -> None:
    """(Re)compile with a fresh optimizer; the weights stay. No per-batch metrics: the
    session measures every split itself after each epoch."""
    model.compile(loss=loss_name(cfg, prepared), optimizer=make_optimizer(cfg), metrics=[])


def model_targets(loss, prepared: PreparedData, y: np.ndarray, model) -> np.ndarray:
    """Targets as the loss wants them, checked once: int labels become one-hot rows for
    squared error on a multi-class softmax; everything else goes to the loss as is."""
    if prepared.task == "classification" and not prepared.autoencoder and \
            loss.name == "mse" and prepared.n_outputs > 1:
        y = np.eye(prepared.n_outputs, dtype=model.dtype)[y]
    return loss.prepare_targets(y, model.output_shape, model.dtype)
