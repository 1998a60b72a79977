"""admissions_logit: logistic regression, a sigmoid unit with a bias under cross-entropy.

Spec: `shared.specs.admissions_logit`. y_hat = sigmoid(z), z = X @ w + b, descending
    J = -mean(y * log(y_hat) + (1 - y) * log(1 - y_hat))
by full-batch gradient descent until |(dJ/dw, dJ/db)| < spec.gradient_bound. The chain
rule here is short: dJ/dy_hat * dy_hat/dz = y_hat - y, the sigmoid's derivative cancelling
the log's. The converged fit is the maximum-likelihood one a statistics package computes.
`--optimizer` replaces the gradient-descent step (numpy_impl/optimizers.py).
"""

import numpy as np

from numpy_impl import optimizers
from numpy_impl.activations import sigmoid
from shared import reports
from shared.specs import Params, start_params
from shared.specs.admissions_logit import LogitSpec


def forward(params: Params, X: np.ndarray) -> np.ndarray:
    # lesson: the forward pass: the sigmoid of the inputs times w, plus the bias b
    # y_hat = sigmoid(X @ w + b)   (n,)
    return sigmoid(X @ params["w"] + params["b"])


def loss(params: Params, X: np.ndarray, y: np.ndarray) -> float:
    # z = X @ w + b   (n,)
    z = X @ params["w"] + params["b"]
    # J = mean(-y log(y_hat) - (1 - y) log(1 - y_hat)) = mean(log(1 + exp(z)) - y * z),
    # since -log(y_hat) = log(1 + exp(z)) - z and -log(1 - y_hat) = log(1 + exp(z)).
    # log(1 + exp(z)) = max(z, 0) + log1p(exp(-|z|)) never overflows and keeps tiny
    # losses exact (the form PyTorch and TensorFlow use), so y_hat needs no clipping
    # (clipping would change the gradient)
    return float(np.mean(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))))


def gradients(params: Params, X: np.ndarray, y: np.ndarray) -> Params:
    """dJ/dp for every parameter p, keyed like `params`."""
    # lesson: dJ/dz of the cross-entropy through the sigmoid: no derivative factor left
    # dJ/dz = y_hat - y per record, divided by n for the mean   (n,)
    dJ_dz = (forward(params, X) - y) / len(y)
    # lesson: dJ/dw and dJ/db from dJ/dz: z = X @ w + b
    # dz/dw = x, dz/db = 1
    return {"w": X.T @ dJ_dz, "b": np.sum(dJ_dz)}


def train(spec: LogitSpec) -> tuple[Params, list[float], int]:
    """Gradient descent until the gradient's norm is below spec.gradient_bound; returns the
    parameters, J after every `spec.loss_every`-th epoch and the number of epochs run."""
    params, history = start_params(spec), []
    optimizer = optimizers.make(spec)
    for epoch in range(spec.epochs + 1):
        grads = gradients(params, spec.X, spec.y)
        norm = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
        if norm < spec.gradient_bound:
            return params, history, epoch
        if epoch == spec.epochs:
            raise reports.not_converged(spec, norm)
        # SGD: w -= lr * dJ/dw, b -= lr * dJ/db
        optimizer.step(params, grads)
        if epoch % spec.loss_every == 0:
            history.append(loss(params, spec.X, spec.y))
            reports.check_finite(spec, history)


def run(spec: LogitSpec) -> dict[str, np.ndarray]:
    """Train to convergence, then report (shared.reports.logit)."""
    return reports.logit(spec, *train(spec), forward)
