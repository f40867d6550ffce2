"""What happens inside a network for one example, for the teaching views: the arithmetic
of a convolution pixel, a recurrent layer step by step, an autoencoder's latent plane.

Each function takes the live model (and the prepared data) and returns a frozen view from
``playground.snapshot``. Nothing here changes the model: a backward pass runs on twins of
its layers that share the weights, so the model's gradients stay as training left them.
"""
