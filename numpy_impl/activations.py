"""The hidden layers' activations (sigmoid, tanh, relu) and their derivatives, written out."""

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-z)); its derivative is written through the output: s * (1 - s).

    The tutorials' one-liner overflows in exp(-z) for z below about -709 (a warning, and
    exp = inf gives the right 0). With e = exp(-|z|), which is at most 1, the same value
    is 1 / (1 + e) for z >= 0 and e / (1 + e) for z < 0: no overflow anywhere, and
    exactly 0 or 1 wherever float64 rounds the true value to 0 or 1.
    """
    e = np.exp(-np.abs(z))
    return np.where(np.asarray(z) >= 0, 1 / (1 + e), e / (1 + e))


def tanh(z: np.ndarray) -> np.ndarray:
    """(exp(z) - exp(-z)) / (exp(z) + exp(-z)); its derivative through the output: 1 - t^2."""
    return np.tanh(z)


def relu(z: np.ndarray) -> np.ndarray:
    """max(z, 0); its derivative is 1 where z > 0, else 0 (at z = 0 the frameworks take 0)."""
    return np.maximum(z, 0)


ACTIVATIONS = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu}


def derivative(activation: str, a: np.ndarray) -> np.ndarray:
    """d a / d z of the hidden layer's activation a = f(z), written through a itself."""
    if activation == "tanh":
        # tanh'(z) = 1 - t^2
        return 1 - a * a
    if activation == "relu":
        # relu'(z) = 1 where z > 0, else 0; a > 0 exactly where z > 0
        return (a > 0).astype(a.dtype)
    # sigmoid'(z) = s * (1 - s)
    return a * (1 - a)
