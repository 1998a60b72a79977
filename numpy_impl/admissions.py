"""admissions: the single sigmoid unit of single_unit.py, trained on the admissions data.

Spec: `shared.specs.admissions`. The model, its loss E = 1/2 * mean((y - y_hat)^2) and its
gradient are single_unit's, imported from there; what is new is full-batch training:
    w += lr * mean_over_records(error_term * x)   (= w - lr * dE/dw)
for `spec.epochs` epochs, recording mean((y_hat - y)^2) every `spec.loss_every` epochs.
`--optimizer` replaces the gradient-descent step (numpy_impl/optimizers.py).
"""

from collections.abc import Callable

import numpy as np

from numpy_impl import optimizers
from numpy_impl.single_unit import forward, gradients, loss
from shared import reports
from shared.specs import Params, start_params
from shared.specs.admissions import AdmissionsSpec

__all__ = ["epoch_step", "forward", "gradients", "loss", "run", "train"]


def train(spec: AdmissionsSpec) -> tuple[Params, list[float]]:
    """Full-batch gradient descent (or spec.optimizer); returns the final parameters and
    the training MSE, mean((y_hat - y)^2), after every `spec.loss_every`-th epoch."""
    params, history = start_params(spec), []
    optimizer = optimizers.make(spec)
    for epoch in range(spec.epochs):
        # lesson: one full-batch step: the optimizer steps on the gradient over all records
        # SGD: w += lr * mean(error_term * x), i.e. w -= lr * dE/dw
        optimizer.step(params, gradients(params, spec.X, spec.y))
        if epoch % spec.loss_every == 0:
            history.append(float(np.mean((forward(params, spec.X) - spec.y) ** 2)))
            reports.check_finite(spec, history)
    return params, history


def epoch_step(spec: AdmissionsSpec) -> Callable[[], np.ndarray]:
    """One full-batch epoch as a function to time (`rosetta bench`); set-up happens here.
    Each call returns the weights it updated."""
    params = start_params(spec)

    def epoch() -> np.ndarray:
        # w += lr * mean(error_term * x), i.e. w -= lr * dE/dw
        params["w"] -= spec.lr * gradients(params, spec.X, spec.y)["w"]
        return params["w"]

    return epoch


def run(spec: AdmissionsSpec) -> dict[str, np.ndarray]:
    """Train, then report the tutorial's figures (shared.reports.admissions)."""
    return reports.admissions(spec, *train(spec), forward)
