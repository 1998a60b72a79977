"""single_unit in PyTorch: one sigmoid unit, no bias, one gradient-descent step.

Spec: `shared.specs.single_unit`. Model y_hat = sigmoid(X @ w), loss
E = 1/2 * mean((y - y_hat)^2), as in numpy_impl/single_unit.py.
Differs from numpy_impl:
- dE/dw comes from `loss.backward()`, not from a chain rule written out;
- the error term is read off autograd: it is -dE/dz, kept with `z.retain_grad()`;
- the step is what `torch.optim.SGD` does to the weight.
"""

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from shared import reports
from shared.specs import Params
from shared.specs.single_unit import SingleUnitSpec


class SigmoidUnit(nn.Module):
    def __init__(self, w: np.ndarray) -> None:
        super().__init__()
        # [torch] torch.tensor copies; torch.from_numpy would share the spec's memory
        w = torch.tensor(w)
        self.linear = nn.Linear(len(w), 1, bias=False, dtype=w.dtype)
        # lesson begin: copy the starting weights into nn.Linear, in the layout it keeps
        # [torch] nn.Linear keeps weight as (out, in): the spec's (n_in,) vector is one row
        assert self.linear.weight.shape == (1, len(w))
        with torch.no_grad():
            self.linear.weight.copy_(w.reshape(1, -1))
        # lesson end

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        # lesson: the module's forward: the sigmoid of the linear layer, as a vector (n,)
        # y_hat = sigmoid(X @ w)   (n,)
        return torch.sigmoid(self.linear(X)).squeeze(-1)


def half_mse(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # lesson: the tutorial's loss E from F.mse_loss(input, target)
    # E = 1/2 * mean((y - y_hat)^2)
    # [torch] F.mse_loss(input, target) has no 1/2: the tutorial's E is half of it
    return 0.5 * F.mse_loss(y_hat, y)


def batch(X: np.ndarray, y: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """One record is a batch of one: X (n, n_in), y (n,)."""
    return torch.tensor(np.atleast_2d(X)), torch.tensor(np.atleast_1d(y))


def forward(params: Params, X: np.ndarray) -> np.ndarray:
    with torch.inference_mode():
        return SigmoidUnit(params["w"])(torch.tensor(X)).numpy()


def loss(params: Params, X: np.ndarray, y: np.ndarray) -> float:
    X, y = batch(X, y)
    with torch.inference_mode():
        return half_mse(SigmoidUnit(params["w"])(X), y).item()


def gradients(params: Params, X: np.ndarray, y: np.ndarray) -> Params:
    """dE/dp for every parameter p, keyed like `params`."""
    model = SigmoidUnit(params["w"])
    X, y = batch(X, y)
    # lesson: backpropagate the loss, so that autograd fills the weight's .grad
    half_mse(model(X), y).backward()
    return {"w": model.linear.weight.grad.reshape(-1).numpy()}


def train(spec: SingleUnitSpec) -> tuple[Params, list[float]]:
    """`spec.epochs` full-batch SGD steps; returns the final parameters and the loss after each."""
    model = SigmoidUnit(spec.w)
    X, y = batch(spec.X, spec.y)
    optimizer = torch.optim.SGD(model.parameters(), lr=spec.lr)
    history = []
    for _ in range(spec.epochs):
        # lesson begin: one SGD step: clear the gradients, backpropagate the loss, step
        optimizer.zero_grad()
        half_mse(model(X), y).backward()
        optimizer.step()  # w -= lr * dE/dw
        # lesson end
        with torch.inference_mode():
            history.append(half_mse(model(X), y).item())
            reports.check_finite(spec, history)
    return {"w": model.linear.weight.detach().reshape(-1).numpy()}, history


def run(spec: SingleUnitSpec) -> dict[str, np.ndarray]:
    """The tutorial's one worked step: output, error, error_term, del_w and grad_w."""
    model = SigmoidUnit(spec.w)
    X, y = batch(spec.X, spec.y)
    # the forward pass link by link, keeping the pre-activation z for its gradient
    z = model.linear(X).squeeze(-1)
    z.retain_grad()
    y_hat = torch.sigmoid(z)
    # lesson: backpropagate the loss of y_hat: z.grad is then dE/dz, the weight's .grad dE/dw
    half_mse(y_hat, y).backward()
    grad_w = model.linear.weight.grad.reshape(-1).clone()
    before = model.linear.weight.detach().clone()
    # lesson: the one SGD step, with the spec's learning rate
    torch.optim.SGD(model.parameters(), lr=spec.lr).step()
    quantities = {
        "output": y_hat[0],
        "error": (y - y_hat)[0],
        # error_term = -dE/dz for the one record
        "error_term": -z.grad[0],
        # del_w: the step SGD took, -lr * dE/dw
        "del_w": (model.linear.weight.detach() - before).reshape(-1),
        "grad_w": grad_w,
    }
    return {name: value.detach().numpy() for name, value in quantities.items()}
