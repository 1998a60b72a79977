"""forward_432: one forward pass through a 4-3-2 sigmoid network, no biases.

Spec: `shared.specs.forward_432`. The lesson draws X, W_input_hidden and W_hidden_output
with np.random.seed(42) and computes
    hidden = sigmoid(X @ W_input_hidden)      (3,)
    output = sigmoid(hidden @ W_hidden_output)  (2,)
There is no target, so no loss, no gradients and no training: only `forward` and `run`.
"""

import numpy as np

from numpy_impl.activations import sigmoid
from shared.specs import Params
from shared.specs.forward_432 import Forward432Spec


def layers(params: Params, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both layers' activations: (hidden, output)."""
    # lesson: hidden: the sigmoid of the inputs times the first weight matrix
    # hidden = sigmoid(X @ W_input_hidden)   (..., 3)
    hidden = sigmoid(X @ params["W_input_hidden"])
    # lesson: output: the sigmoid of hidden times the second weight matrix
    # output = sigmoid(hidden @ W_hidden_output)   (..., 2)
    output = sigmoid(hidden @ params["W_hidden_output"])
    return hidden, output


def forward(params: Params, X: np.ndarray) -> np.ndarray:
    return layers(params, X)[1]


def run(spec: Forward432Spec) -> dict[str, np.ndarray]:
    """The lesson's two printed vectors: the hidden layer and the output."""
    params = {"W_input_hidden": spec.W_input_hidden, "W_hidden_output": spec.W_hidden_output}
    hidden, output = layers(params, spec.X)
    return {"hidden": hidden, "output": output}
