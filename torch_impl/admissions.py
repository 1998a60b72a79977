"""admissions in PyTorch: single_unit.py's sigmoid unit, trained on the admissions data.

Spec: `shared.specs.admissions`. The model, its loss E = 1/2 * mean((y - y_hat)^2) and its
gradient are single_unit's, imported from there; what is new is full-batch training.
Differs from numpy_impl:
- each epoch is `zero_grad()`, `loss.backward()`, `optimizer.step()` with torch.optim.SGD
  (`--optimizer`: torch_impl/optimizers.py).
"""

from collections.abc import Callable

import numpy as np
import torch
from torch.nn import functional as F

from shared import reports
from shared.specs import Params
from shared.specs.admissions import AdmissionsSpec
from torch_impl import optimizers
from torch_impl.single_unit import SigmoidUnit, forward, gradients, half_mse, loss

__all__ = ["epoch_step", "forward", "gradients", "loss", "run", "train"]


def train(spec: AdmissionsSpec) -> tuple[Params, list[float]]:
    """Full-batch gradient descent; returns the final parameters and the training
    MSE, mean((y_hat - y)^2), after every `spec.loss_every`-th epoch (after its update)."""
    model = SigmoidUnit(spec.w)
    X, y = torch.tensor(spec.X), torch.tensor(spec.y)
    optimizer = optimizers.make(model.parameters(), spec)
    history = []
    for epoch in range(spec.epochs):
        # lesson begin: one full-batch step: clear the gradients, backpropagate the loss, step
        optimizer.zero_grad()
        half_mse(model(X), y).backward()
        optimizer.step()  # SGD: w -= lr * dE/dw
        # lesson end
        if epoch % spec.loss_every == 0:
            with torch.inference_mode():
                history.append(F.mse_loss(model(X), y).item())
                reports.check_finite(spec, history)
    return {"w": model.linear.weight.detach().reshape(-1).numpy()}, history


def epoch_step(spec: AdmissionsSpec) -> Callable[[], torch.Tensor]:
    """One full-batch epoch as a function to time (`rosetta bench`); set-up happens here.
    Each call returns the weights it updated (nn.Linear's, shape (1, n_in))."""
    model = SigmoidUnit(spec.w)
    # tensors made once, outside the timed epoch
    X, y = torch.tensor(spec.X), torch.tensor(spec.y)
    optimizer = torch.optim.SGD(model.parameters(), lr=spec.lr)

    def epoch() -> torch.Tensor:
        optimizer.zero_grad()
        half_mse(model(X), y).backward()
        optimizer.step()  # w -= lr * dE/dw
        return model.linear.weight

    return epoch


def run(spec: AdmissionsSpec) -> dict[str, np.ndarray]:
    """Train, then report the tutorial's figures (shared.reports.admissions)."""
    return reports.admissions(spec, *train(spec), forward)
