"""xor_341: the question-and-answer thread's 3-4-1 batch network, in its matrix form.

Spec: `shared.specs.xor_341`. No biases (the third input is a constant 1); the thread's
names are a1 = hidden, a2 = y_hat, W1 = W_input_hidden, W2 = W_hidden_output:
    a1 = sigmoid(X @ W1)   (4, 4),   a2 = sigmoid(a1 @ W2)   (4, 1)
descending E = 1/2 * sum((y - a2)^2) over the whole batch with lr = 1. The thread's
"working" update is
    delta2 = (y - a2) * a2 * (1 - a2)          = -dE/dz2   (4, 1)
    delta1 = (delta2 @ W2.T) * a1 * (1 - a1)   = -dE/dz1   (4, 4)
    W2 += a1.T @ delta2,   W1 += X.T @ delta1
It *adds* because y - a2 is minus dE/da2, so each delta is minus the gradient at its
layer's pre-activation; one more link of the chain rule (the layer's input, a1.T or X.T)
turns it into the weight gradient: dE/dW2 = -(a1.T @ delta2). `--activation` replaces the
hidden layer's sigmoid (tanh, relu), `--optimizer` the thread's step
(numpy_impl/optimizers.py), which is SGD on dE/dW = -(layer input).T @ delta.
"""

import numpy as np

from numpy_impl import optimizers
from numpy_impl.activations import ACTIVATIONS, derivative, sigmoid
from shared import reports
from shared.specs import Params, start_params
from shared.specs.xor_341 import Xor341Spec


def forward(params: Params, X: np.ndarray, activation: str = "sigmoid") -> np.ndarray:
    # lesson begin: the forward pass: a1, then a2, returned as a vector y_hat (n,)
    # a1 = activation(X @ W1)   (n, 4)
    a1 = ACTIVATIONS[activation](X @ params["W_input_hidden"])
    # a2 = sigmoid(a1 @ W2)   (n, 1), returned as y_hat (n,)
    return sigmoid(a1 @ params["W_hidden_output"])[:, 0]
    # lesson end


def loss(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> float:
    # E = 1/2 * sum((y - y_hat)^2)   (a sum over the batch, not a mean)
    return float(0.5 * np.sum((y - forward(params, X, activation)) ** 2))


def _chain(
    params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid"
) -> dict[str, np.ndarray]:
    """The thread's deltas and the weight steps they give, named as the thread names them."""
    W2, y = params["W_hidden_output"], y.reshape(-1, 1)  # targets as a column, like a2
    # a1 = activation(X @ W1)   (n, 4)
    a1 = ACTIVATIONS[activation](X @ params["W_input_hidden"])
    # a2 = sigmoid(a1 @ W2)   (n, 1)
    a2 = sigmoid(a1 @ W2)
    # lesson: delta2: the output's error times its sigmoid derivative, through a2
    # delta2 = (y - a2) * sigmoid'(z2) = -dE/dz2   (n, 1)
    delta2 = (y - a2) * a2 * (1 - a2)
    # lesson: delta1: delta2 carried back through W2, times the hidden layer's derivative
    # delta1 = (delta2 @ W2.T) * activation'(z1) = -dE/dz1   (n, 4)
    delta1 = (delta2 @ W2.T) * derivative(activation, a1)
    # lesson: the thread's steps: each layer's input (transposed) times the delta after it
    # the thread's steps: a layer's input times the delta after it, = -dE/dW
    return {"a2": a2, "step_W_hidden_output": a1.T @ delta2, "step_W_input_hidden": X.T @ delta1}


def gradients(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> Params:
    """dE/dp for every parameter p: minus the thread's step (which takes lr = 1)."""
    chain = _chain(params, X, y, activation)
    return {name: -chain[f"step_{name}"] for name in params}


def train(spec: Xor341Spec) -> tuple[Params, list[float], np.ndarray]:
    """Full-batch gradient descent (or spec.optimizer); returns the final parameters, E after
    every `spec.loss_every`-th iteration (after its update) and a2 as the thread prints it."""
    params, history = start_params(spec), []
    optimizer = optimizers.make(spec)
    for epoch in range(spec.epochs):
        chain = _chain(params, spec.X, spec.y, spec.activation)
        # SGD: W += lr * (layer input).T @ delta, i.e. W -= lr * dE/dW
        optimizer.step(params, {name: -chain[f"step_{name}"] for name in params})
        if epoch % spec.loss_every == 0:
            history.append(loss(params, spec.X, spec.y, spec.activation))
            reports.check_finite(spec, history)
    # the thread's print(a2) after its loop: the last iteration's forward pass, made before
    # that iteration's update (the output after training is forward(params, X))
    return params, history, chain["a2"][:, 0]


def run(spec: Xor341Spec) -> dict[str, np.ndarray]:
    """The first iteration's gradients and steps, then the output after training and the
    output the thread prints."""
    start = _chain(start_params(spec), spec.X, spec.y, spec.activation)
    params, history, printed = train(spec)
    return {
        "output": forward(params, spec.X, spec.activation),
        "printed_output": printed,
        "loss_history": np.array(history),
        "grad_W_input_hidden": -start["step_W_input_hidden"],
        "grad_W_hidden_output": -start["step_W_hidden_output"],
        # the first iteration's steps: lr * a_prev.T @ delta
        "del_W_input_hidden": spec.lr * start["step_W_input_hidden"],
        "del_W_hidden_output": spec.lr * start["step_W_hidden_output"],
    }
