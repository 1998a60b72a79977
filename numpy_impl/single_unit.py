"""single_unit: one sigmoid unit, no bias, one gradient-descent step.

Spec: `shared.specs.single_unit` (cases `example`, `quiz`). The model is
y_hat = sigmoid(X @ w), descending E = 1/2 * mean((y - y_hat)^2) (one record: the mean
is that record's error). The chain rule, one link per line:
    dE/dy_hat = -(y - y_hat)          the tutorial's `error` is y - y_hat
    dy_hat/dz = y_hat * (1 - y_hat)   so error_term = (y - y_hat) * y_hat * (1 - y_hat) = -dE/dz
    dz/dw     = X                     so dE/dw = -mean(error_term * X)
The tutorial's step is del_w = lr * error_term * X = -lr * dE/dw.
"""

import numpy as np

from numpy_impl.activations import sigmoid
from shared import reports
from shared.specs import Params, start_params
from shared.specs.single_unit import SingleUnitSpec


def forward(params: Params, X: np.ndarray) -> np.ndarray:
    # lesson: the forward pass: y_hat is the sigmoid of the inputs times the weights
    # y_hat = sigmoid(X @ w)   (n,) or () for one record
    return sigmoid(X @ params["w"])


def loss(params: Params, X: np.ndarray, y: np.ndarray) -> float:
    # E = 1/2 * mean((y - y_hat)^2)
    return float(0.5 * np.mean((y - forward(params, X)) ** 2))


def _chain(params: Params, X: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """Every link of the chain rule, named as the tutorial names it."""
    X, y = np.atleast_2d(X), np.atleast_1d(y)  # one record is a batch of one
    # y_hat = sigmoid(X @ w)   (n,)
    y_hat = forward(params, X)
    # lesson: error: how far the output is from the target, the tutorial's y - y_hat
    # error = y - y_hat = -dE/dy_hat per record   (n,)
    error = y - y_hat
    # lesson: error_term: the error times the sigmoid's derivative, written through the output
    # error_term = error * sigmoid'(z) = -dE/dz per record   (n,)
    error_term = error * y_hat * (1 - y_hat)
    # lesson: grad_w = dE/dw: minus the mean over records of the error term times the input
    # dE/dw = -mean over records of error_term * x   (n_in,)
    grad_w = -(X.T @ error_term) / len(y)
    return {"y_hat": y_hat, "error": error, "error_term": error_term, "grad_w": grad_w}


def gradients(params: Params, X: np.ndarray, y: np.ndarray) -> Params:
    """dE/dp for every parameter p, keyed like `params`."""
    return {"w": _chain(params, X, y)["grad_w"]}


def train(spec: SingleUnitSpec) -> tuple[Params, list[float]]:
    """`spec.epochs` full-batch steps; returns the final parameters and the loss after each."""
    params, history = start_params(spec), []
    for _ in range(spec.epochs):
        # lesson: the weight step: move w against its gradient, by the learning rate
        # w += lr * error_term * X   (the step is minus lr times the gradient)
        params["w"] -= spec.lr * gradients(params, spec.X, spec.y)["w"]
        history.append(loss(params, spec.X, spec.y))
        reports.check_finite(spec, history)
    return params, history


def run(spec: SingleUnitSpec) -> dict[str, np.ndarray]:
    """The tutorial's one worked step: output, error, error_term, del_w and grad_w."""
    chain = _chain(start_params(spec), spec.X, spec.y)
    error_term = chain["error_term"][0]
    # lesson: del_w: the tutorial's weight step, learning rate times error term times input
    # del_w = lr * error_term * x, as the tutorial prints it
    del_w = spec.lr * error_term * spec.X
    return {
        "output": chain["y_hat"][0],
        "error": chain["error"][0],
        "error_term": error_term,
        "del_w": del_w,
        "grad_w": chain["grad_w"],
    }
