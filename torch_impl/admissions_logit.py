"""admissions_logit in PyTorch: logistic regression with nn.Linear and a logits loss.

Spec: `shared.specs.admissions_logit`. y_hat = sigmoid(X @ w + b), cross-entropy
J = -mean(y log y_hat + (1 - y) log(1 - y_hat)), full-batch gradient descent until the
gradient's norm is below spec.gradient_bound, as in numpy_impl/admissions_logit.py.
Differs from numpy_impl:
- the model outputs the logit z; F.binary_cross_entropy_with_logits applies the sigmoid;
- the gradient's norm is read from the parameters' .grad after backward().
"""

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from shared import reports
from shared.specs import Params
from shared.specs.admissions_logit import LogitSpec
from torch_impl import optimizers


class LogisticUnit(nn.Module):
    def __init__(self, w: np.ndarray, b: np.ndarray) -> None:
        super().__init__()
        # [torch] torch.tensor copies; torch.from_numpy would share the spec's memory
        w, b = torch.tensor(w), torch.tensor(b)
        self.linear = nn.Linear(len(w), 1, dtype=w.dtype)
        # lesson begin: copy the starting weights and bias into nn.Linear, in its layout
        # [torch] nn.Linear keeps weight as (out, in): the spec's (n_in,) vector is one row
        assert self.linear.weight.shape == (1, len(w)) and self.linear.bias.shape == (1,)
        with torch.no_grad():
            self.linear.weight.copy_(w.reshape(1, -1))
            self.linear.bias.copy_(b.reshape(1))
        # lesson end

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        # z = X @ w + b   (n,): the logit; y_hat = sigmoid(z)
        return self.linear(X).squeeze(-1)

    def params(self) -> Params:
        return {
            "w": self.linear.weight.detach().reshape(-1).numpy().copy(),
            "b": self.linear.bias.detach().reshape(()).numpy().copy(),
        }


def cross_entropy(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # lesson: the cross-entropy J of the logit z, with the loss that takes logits
    # J = -mean(y log(y_hat) + (1 - y) log(1 - y_hat)), y_hat = sigmoid(z)
    # [torch] BCELoss takes y_hat and clamps each log at -100, which changes the gradient
    # where y_hat rounds to 0 or 1; binary_cross_entropy_with_logits takes z and is exact
    return F.binary_cross_entropy_with_logits(z, y)


def forward(params: Params, X: np.ndarray) -> np.ndarray:
    with torch.inference_mode():
        return torch.sigmoid(LogisticUnit(**params)(torch.tensor(X))).numpy()


def loss(params: Params, X: np.ndarray, y: np.ndarray) -> float:
    with torch.inference_mode():
        return cross_entropy(LogisticUnit(**params)(torch.tensor(X)), torch.tensor(y)).item()


def gradients(params: Params, X: np.ndarray, y: np.ndarray) -> Params:
    """dJ/dp for every parameter p, keyed like `params`."""
    model = LogisticUnit(**params)
    # lesson: backpropagate J, so that autograd fills the weight's and the bias's .grad
    cross_entropy(model(torch.tensor(X)), torch.tensor(y)).backward()
    return {
        "w": model.linear.weight.grad.reshape(-1).numpy(),
        "b": model.linear.bias.grad.reshape(()).numpy(),
    }


def train(spec: LogitSpec) -> tuple[Params, list[float], int]:
    """Gradient descent until the gradient's norm is below spec.gradient_bound; returns the
    parameters, J after every `spec.loss_every`-th epoch and the number of epochs run."""
    model = LogisticUnit(spec.w, spec.b)
    X, y = torch.tensor(spec.X), torch.tensor(spec.y)
    optimizer = optimizers.make(model.parameters(), spec)
    history = []
    for epoch in range(spec.epochs + 1):
        # lesson begin: clear the gradients and backpropagate J (the step comes below)
        optimizer.zero_grad()
        cross_entropy(model(X), y).backward()
        # lesson end
        grads = torch.cat([p.grad.reshape(-1) for p in model.parameters()])
        norm = torch.linalg.vector_norm(grads).item()
        if norm < spec.gradient_bound:
            return model.params(), history, epoch
        if epoch == spec.epochs:
            raise reports.not_converged(spec, norm)
        optimizer.step()  # SGD: w -= lr * dJ/dw, b -= lr * dJ/db
        if epoch % spec.loss_every == 0:
            with torch.inference_mode():
                history.append(cross_entropy(model(X), y).item())
                reports.check_finite(spec, history)


def run(spec: LogitSpec) -> dict[str, np.ndarray]:
    """Train to convergence, then report (shared.reports.logit)."""
    return reports.logit(spec, *train(spec), forward)
