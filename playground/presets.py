"""Named lecture presets: a config plus what the lecturer should point out.

``PRESETS`` maps a short key (usable in URLs and on the command line) to a Preset; every
config here is tested to train and to show its lesson (tests/test_presets.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from playground.config import ExperimentConfig


@dataclass(frozen=True)
class Preset:
    key: str                  # short name: --preset KEY, ?preset=KEY
    title: str                # menu entry
    notice: str               # 2-3 sentences: what to notice, for the lecturer
    config: ExperimentConfig


def _preset(key, title, notice, **settings) -> Preset:
    return Preset(key, title, notice, ExperimentConfig(**settings))


# y = 2x + 3 + N(0, 1) fitted by one linear neuron with plain minibatch gradient descent
_LINE_BY_SGD = {"dataset": "line", "n_samples": 100, "noise": 1.0, "hidden_layers": (),
                "activation": "linear", "loss": "mse", "optimizer": "sgd", "batch_size": 10}

PRESETS: dict[str, Preset] = {p.key: p for p in (
    _preset(
        "xor_no_hidden", "XOR needs a hidden layer (1: no hidden layer)",
        "With no hidden layer the network can only draw one straight line, and no single "
        "line separates the XOR quadrants: accuracy stalls around 50-75%. Compare with the "
        "next preset, which adds one small hidden layer.",
        dataset="xor", hidden_layers=(), activation="tanh", learning_rate=0.03,
        optimizer="sgd", batch_size=10, epochs=100),
    _preset(
        "xor_hidden", "XOR needs a hidden layer (2: one hidden layer)",
        "One hidden layer of 4 neurons bends the boundary around the quadrants and accuracy "
        "climbs to nearly 100%. Open the network view: each hidden neuron draws one line, "
        "and the output combines them.",
        dataset="xor", hidden_layers=(4,), activation="tanh", learning_rate=0.03,
        optimizer="sgd", batch_size=10, epochs=100),
    _preset(
        "spiral_depth", "Spiral needs depth",
        "The two interleaved spirals need many bends. Three hidden layers of 16 neurons "
        "untangle them from plain x1, x2 inputs; watch the boundary wind outwards over the "
        "epochs. Now try one hidden layer (even a wide one): it stalls around 70%.",
        dataset="spiral", n_samples=500, noise=0.0, features=("x1", "x2"),
        hidden_layers=(16, 16, 16), activation="tanh", optimizer="adam", learning_rate=0.01,
        batch_size=10, epochs=200),
    _preset(
        "line_regression", "Linear regression by gradient descent (y = 2x + 3)",
        "A single neuron with no activation is exactly y = w x + b. Plain gradient descent "
        "walks w towards 2 and b towards 3 (shown in the data's original units); the loss "
        "curve flattens once the line fits up to the noise.",
        **_LINE_BY_SGD, learning_rate=0.01, epochs=150),
    _preset(
        "backprop_by_hand", "Backprop by hand on a 2-2-1 net",
        "Two inputs, two hidden neurons and one output: small enough to follow every "
        "number. The Neuron view is open: tick 'Follow the next Step batch's point' and "
        "press Step batch: each weight changes by exactly the update the inspector printed, "
        "and the two blobs come apart within a few epochs.",
        dataset="gauss", n_samples=100, hidden_layers=(2,), activation="tanh",
        optimizer="sgd", learning_rate=0.1, batch_size=1, epochs=30, view="neuron"),
    _preset(
        "optimizer_race", "SGD vs momentum vs Adam on one landscape",
        "Unscaled inputs turn the loss surface into a long narrow valley. In the "
        "Landscape view press Race: plain SGD crawls along the valley floor, momentum "
        "gathers speed along it and reaches the best fit first, and Adam walks at a steady "
        "pace of about the learning rate per step. Set Scaling to standard and the valley "
        "becomes round.",
        **{**_LINE_BY_SGD, "scaling": "none"}, learning_rate=0.01, epochs=50,
        view="landscape"),
    _preset(
        "lr_too_large", "A learning rate too large",
        "Each step overshoots the valley further than the last, so the loss grows instead of "
        "shrinking until it becomes infinite and training stops. Lower the learning rate "
        "tenfold and press Play again.",
        **_LINE_BY_SGD, learning_rate=1.5, epochs=50),
    _preset(
        "sigmoid_deep", "Sigmoid vs ReLU in a deep net (1: sigmoid)",
        "Eight sigmoid layers: the gradient shrinks at every layer on its way back, so the "
        "first layers barely learn (look at the gradient-norm chart: the early layers sit "
        "orders of magnitude below the last). Compare with the ReLU preset.",
        dataset="circle", hidden_layers=(8,) * 8, activation="sigmoid", optimizer="sgd",
        learning_rate=0.03, batch_size=10, epochs=100),
    _preset(
        "relu_deep", "Sigmoid vs ReLU in a deep net (2: ReLU)",
        "The same eight layers with ReLU: gradients reach the first layers at a similar size. "
        "So the whole network learns, and the circle is found within a few dozen epochs.",
        dataset="circle", hidden_layers=(8,) * 8, activation="relu", optimizer="sgd",
        learning_rate=0.03, batch_size=10, epochs=100),
    _preset(
        "circle_features", "Feature crosses: the circle with x1² and x2²",
        "With x1² and x2² as inputs, a network with no hidden layer separates the circle. "
        "The right features can replace depth: switch back to x1 and x2 and it fails.",
        dataset="circle", features=("x1²", "x2²"), hidden_layers=(), activation="tanh",
        optimizer="sgd", learning_rate=0.03, batch_size=10, epochs=100),
    _preset(
        "cnn_digits", "A convolutional network reads handwriting",
        "Real 8 x 8 handwritten digits. Two convolution blocks look for small strokes "
        "wherever they are, pooling halves the image, and a dense layer votes for a digit: "
        "test accuracy passes 90% within a few epochs. Watch the wrong ones turn black.",
        dataset="digits", model_kind="cnn", conv_filters=(8, 16), hidden_layers=(32,),
        activation="relu", optimizer="adam", learning_rate=0.01, batch_size=32, epochs=15),
    _preset(
        "cnn_filters", "A CNN's first filters learn to see edges",
        "One convolution layer of eight 3 x 3 filters feeds the digit vote directly. The "
        "detail chart shows its Filters: the random speckle turns into edge detectors, an orange "
        "side next to a blue side, in about half of them. Feature maps shows where each one "
        "fires on a digit, and Conv arithmetic works out one pixel with the current numbers.",
        dataset="digits", model_kind="cnn", conv_filters=(8,), hidden_layers=(),
        activation="relu", optimizer="adam", learning_rate=0.01, batch_size=32, epochs=15,
        view="filters"),
    _preset(
        "lstm_sine", "An LSTM predicts the next value of a wave",
        "Each example is the last 20 values of a sine wave; the LSTM carries a memory "
        "along them and predicts the next one. The dashed prediction snaps onto the wave "
        "within a few epochs. Try the sawtooth, whose sudden drops are harder.",
        dataset="seq_sine", model_kind="lstm", rnn_units=16, hidden_layers=(),
        optimizer="adam", learning_rate=0.01, batch_size=32, epochs=30),
    _preset(
        "memory_rnn", "Memory over 20 steps (1: SimpleRNN)",
        "Each example is 20 random numbers and the answer is the first of them, so the "
        "network must carry it through 19 more steps. The detail chart (Reach) shows how "
        "little of the loss's gradient gets back to step 1 of a SimpleRNN, and its test R² "
        "stays lower. Compare with the LSTM preset.",
        dataset="seq_recall", model_kind="rnn", rnn_units=16, hidden_layers=(),
        optimizer="adam", learning_rate=0.01, batch_size=32, epochs=30, view="gradient_reach"),
    _preset(
        "memory_lstm", "Memory over 20 steps (2: LSTM)",
        "The same memory test with an LSTM: its forget gate can stay open, so the first value "
        "is kept in the cell state (Gates) and the gradient reaches step 1 at full strength "
        "(Reach). Its test R² passes 0.9 within 30 epochs, where the SimpleRNN is still well "
        "below.",
        dataset="seq_recall", model_kind="lstm", rnn_units=16, hidden_layers=(),
        optimizer="adam", learning_rate=0.01, batch_size=32, epochs=30, view="gradient_reach"),
    _preset(
        "autoencoder_digits", "An autoencoder squeezes digits through 8 numbers",
        "The network must rebuild each 64-pixel image after squeezing it through a layer "
        "of 8 neurons. The reconstructions start as grey blurs and sharpen into digits: "
        "8 numbers are enough to keep the shape. Narrow the middle layer to 2 to see what "
        "is lost.",
        dataset="digits", model_kind="autoencoder", hidden_layers=(32, 8), activation="relu",
        optimizer="adam", learning_rate=0.01, batch_size=32, epochs=40),
    _preset(
        "latent_digits", "An autoencoder draws digits on a 2-D map",
        "The middle layer has only 2 neurons, so every digit becomes one point on a plane "
        "(the main chart). Without ever seeing a label, digits of one kind gather in "
        "clusters: their nearest neighbours on the map name the right digit about 2 times "
        "in 3. The detail chart (Decoder) shows what each region of the plane draws.",
        dataset="digits", model_kind="autoencoder", hidden_layers=(32, 2), activation="tanh",
        optimizer="adam", learning_rate=0.01, batch_size=32, epochs=40, view="latent_grid"),
    _preset(
        "overfitting", "Overfitting and L2 regularization",
        "Few noisy points and a big network: the training loss keeps falling while the "
        "validation loss turns upwards. Switch regularization to l2 to see the gap close.",
        dataset="moons", n_samples=60, noise=0.5, hidden_layers=(32, 32, 32),
        activation="relu", optimizer="adam", learning_rate=0.01, batch_size=10,
        regularization_rate=0.01, epochs=300),
)}


def get_preset(key: str) -> Preset:
    """The preset with this key (or title); ValueError listing the keys otherwise."""
    if key in PRESETS:
        return PRESETS[key]
    for preset in PRESETS.values():
        if preset.title.lower() == key.lower():
            return preset
    raise ValueError(f"There is no preset called {key!r}. Known presets: "
                     f"{', '.join(PRESETS)}.")
