"""gender_221: a 2-2-1 sigmoid classifier with biases, trained by per-sample SGD.

Spec: `shared.specs.gender_221` (cases `worked_example`, `trained`). The tutorial's nine
parameters w1..w6, b1..b3 live in layers (see the spec's docstring):
hidden = sigmoid(X @ W_input_hidden + b_hidden), y_hat = sigmoid(hidden @ w_hidden_output
+ b_output). Loss L = mean((y - y_hat)^2) over the records given; SGD gives it one record
at a time, so each step descends that record's (y - y_hat)^2, with no 1/2. `--activation`
replaces the hidden layer's sigmoid (tanh, relu), `--optimizer` the SGD step
(numpy_impl/optimizers.py).
"""

from functools import partial

import numpy as np

from numpy_impl import optimizers
from numpy_impl.activations import ACTIVATIONS, derivative, sigmoid
from shared import reports
from shared.specs import Params, start_params
from shared.specs.gender_221 import Gender221Spec, gender_by_tutorial_name


def forward(params: Params, X: np.ndarray, activation: str = "sigmoid") -> np.ndarray:
    # lesson begin: the forward pass: the hidden layer (weights, then bias), then the output
    # hidden = activation(X @ W_input_hidden + b_hidden)   (n, 2)
    hidden = ACTIVATIONS[activation](X @ params["W_input_hidden"] + params["b_hidden"])
    # y_hat = sigmoid(hidden @ w_hidden_output + b_output)   (n,)
    return sigmoid(hidden @ params["w_hidden_output"] + params["b_output"])
    # lesson end


def loss(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> float:
    # L = mean((y - y_hat)^2)
    return float(np.mean((y - forward(params, X, activation)) ** 2))


def _chain(
    params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid"
) -> dict[str, np.ndarray]:
    """Every link of the chain rule, as dL/d(something)."""
    X, y = np.atleast_2d(X), np.atleast_1d(y)  # one record is a batch of one
    # lesson begin: the forward pass: hidden, then y_hat, each with its layer's bias
    # hidden = activation(X @ W_input_hidden + b_hidden)   (n, 2)
    hidden = ACTIVATIONS[activation](X @ params["W_input_hidden"] + params["b_hidden"])
    # y_hat = sigmoid(hidden @ w_hidden_output + b_output)   (n,)
    y_hat = sigmoid(hidden @ params["w_hidden_output"] + params["b_output"])
    # lesson end
    # lesson: dL/dy_hat of L = mean((y - y_hat)^2): no 1/2 here, so a factor 2
    # dL/dy_hat = -2 * (y - y_hat) / n   (n,)
    dL_dy_hat = -2 * (y - y_hat) / len(y)
    # lesson: dL/dz_output: through the output's sigmoid, written through y_hat
    # dL/dz_output = dL/dy_hat * y_hat * (1 - y_hat)   (n,)
    dL_dz_output = dL_dy_hat * y_hat * (1 - y_hat)
    # lesson: dL/dhidden: dL/dz_output carried back through w_hidden_output
    # dL/dhidden = dL/dz_output * w_hidden_output   (n, 2)
    dL_dhidden = np.outer(dL_dz_output, params["w_hidden_output"])
    # lesson: dL/dz_hidden: through the hidden layer's activation
    # dL/dz_hidden = dL/dhidden * activation'(z_hidden)   (n, 2)
    dL_dz_hidden = dL_dhidden * derivative(activation, hidden)
    # lesson: the gradients: each layer's input times its dL/dz; a bias's is the sum of dL/dz
    return {
        "hidden": hidden,
        "y_hat": y_hat,
        # dL/dW_input_hidden = X.T @ dL/dz_hidden   (2, 2)
        "W_input_hidden": X.T @ dL_dz_hidden,
        # dL/db_hidden = sum over records of dL/dz_hidden   (2,)
        "b_hidden": dL_dz_hidden.sum(axis=0),
        # dL/dw_hidden_output = hidden.T @ dL/dz_output   (2,)
        "w_hidden_output": hidden.T @ dL_dz_output,
        # dL/db_output = sum over records of dL/dz_output   ()
        "b_output": dL_dz_output.sum(),
    }


def gradients(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> Params:
    """dL/dp for every parameter p, keyed like `params`."""
    chain = _chain(params, X, y, activation)
    return {name: chain[name] for name in params}


def train(spec: Gender221Spec) -> tuple[Params, list[float]]:
    """Per-sample SGD (or spec.optimizer) in the tutorial's order; returns the final
    parameters and the MSE over all records after every `spec.loss_every`-th epoch."""
    params, history = start_params(spec), []
    optimizer = optimizers.make(spec)
    for epoch in range(spec.epochs):
        # lesson: per-sample SGD: one step per record, in the records' order
        for x, y in zip(spec.X, spec.y, strict=True):
            grads = gradients(params, x, y, spec.activation)
            # SGD: p -= lr * dL/dp for all nine parameters, from gradients taken before any update
            optimizer.step(params, grads)
        if epoch % spec.loss_every == 0:
            history.append(loss(params, spec.X, spec.y, spec.activation))
            reports.check_finite(spec, history)
    return params, history


def _worked_example(spec: Gender221Spec) -> dict[str, np.ndarray]:
    params = start_params(spec)
    chain = _chain(params, spec.X, spec.y)
    h1, h2 = chain["hidden"][0]
    o1 = chain["y_hat"][0]
    tutorial = gender_by_tutorial_name(params)
    # lesson: dL_dw1 as the tutorial writes it: a product of partials, loss to output to h1 to w1
    # the tutorial's product of partials: dL/dy_pred * dy_pred/dh1 * dh1/dw1
    dL_dw1 = (-2 * (spec.y - o1)) * (tutorial["w5"] * o1 * (1 - o1)) * (spec.X[0] * h1 * (1 - h1))
    grads = gender_by_tutorial_name(gradients(params, spec.X, spec.y))
    return {"h1": h1, "h2": h2, "o1": o1, "dL_dw1": dL_dw1} | {
        f"grad_{name}": np.float64(value) for name, value in grads.items()
    }


def run(spec: Gender221Spec) -> dict[str, np.ndarray]:
    """worked_example: h1, h2, o1, dL_dw1 and every gradient; trained: loss every
    `spec.loss_every` epochs, the final parameters and the predictions for Emily and Frank."""
    if spec.case == "worked_example":
        return _worked_example(spec)
    return reports.gender_trained(spec, *train(spec), partial(forward, activation=spec.activation))
