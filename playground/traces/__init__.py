"""What happens inside a network, for the teaching views: the arithmetic of a convolution
pixel, a recurrent layer step by step, an autoencoder's latent plane (each for one
example); one neuron forward and backward for one point with the optimizer's next step
(neuron.py); the loss landscape and the optimizer's path (landscape.py); dead and
saturated units and the activation and loss curves (activity.py).

Each function takes the live model (and the prepared data) and returns a frozen view.
Nothing here changes the model's weights or gradients: a backward pass runs on twins of
its layers that share the weights, or by hand from the weights, and a landscape slice is
computed on a copy of the model.
"""
