"""gender_221 in PyTorch: a 2-2-1 sigmoid classifier with biases, trained by per-sample SGD.

Spec: `shared.specs.gender_221`. hidden = sigmoid(X @ W_input_hidden + b_hidden),
y_hat = sigmoid(hidden @ w_hidden_output + b_output), L = mean((y - y_hat)^2), as in
numpy_impl/gender_221.py; one record per SGD step.
Differs from numpy_impl:
- gradients come from `loss.backward()`; dL/dw1 is autograd's, the witness of the
  tutorial's product of partials;
- each step is `zero_grad()`, `backward()`, `optimizer.step()` on one record, with
  torch.optim.SGD or the `--optimizer` torch_impl/optimizers.py makes.
"""

from functools import partial

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from shared import reports
from shared.specs import Params, start_params
from shared.specs.gender_221 import Gender221Spec, gender_by_tutorial_name
from torch_impl import optimizers
from torch_impl.activations import ACTIVATIONS


class Gender221(nn.Module):
    def __init__(
        self,
        W_input_hidden: np.ndarray,
        b_hidden: np.ndarray,
        w_hidden_output: np.ndarray,
        b_output: np.ndarray,
        activation: str = "sigmoid",
    ) -> None:
        super().__init__()
        self.activation = ACTIVATIONS[activation]
        # [torch] torch.tensor copies; torch.from_numpy would share the spec's memory
        W_input_hidden = torch.tensor(W_input_hidden)
        self.hidden = nn.Linear(2, 2, dtype=W_input_hidden.dtype)
        self.output = nn.Linear(2, 1, dtype=W_input_hidden.dtype)
        # lesson begin: copy the starting weights and biases into the nn.Linear layers
        # [torch] nn.Linear keeps weight as (out, in): transpose the spec's (in, out)
        assert self.hidden.weight.shape == W_input_hidden.T.shape
        with torch.no_grad():
            self.hidden.weight.copy_(W_input_hidden.T)
            self.hidden.bias.copy_(torch.tensor(b_hidden))
            self.output.weight.copy_(torch.tensor(w_hidden_output).reshape(1, 2))
            self.output.bias.copy_(torch.tensor(b_output).reshape(1))
        # lesson end

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        # lesson begin: the module's forward: the hidden layer, then the output, as (n,)
        # hidden = activation(X @ W_input_hidden + b_hidden)   (n, 2)
        hidden = self.activation(self.hidden(X))
        # y_hat = sigmoid(hidden @ w_hidden_output + b_output)   (n,)
        return torch.sigmoid(self.output(hidden)).squeeze(-1)
        # lesson end

    def params(self, grad: bool = False) -> Params:
        """Parameters (or their gradients) in the spec's layout, as NumPy arrays."""
        tensors = [self.hidden.weight, self.hidden.bias, self.output.weight, self.output.bias]
        if grad:
            tensors = [t.grad for t in tensors]
        W, b_hidden, w_out, b_out = (t.detach().numpy().copy() for t in tensors)
        return {
            "W_input_hidden": W.T,
            "b_hidden": b_hidden,
            "w_hidden_output": w_out.reshape(-1),
            "b_output": b_out.reshape(()),
        }


def batch(X: np.ndarray, y: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """One record is a batch of one: X (n, 2), y (n,)."""
    return torch.tensor(np.atleast_2d(X)), torch.tensor(np.atleast_1d(y))


def forward(params: Params, X: np.ndarray, activation: str = "sigmoid") -> np.ndarray:
    with torch.inference_mode():
        return Gender221(**params, activation=activation)(torch.tensor(X)).numpy()


def loss(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> float:
    X, y = batch(X, y)
    with torch.inference_mode():
        # L = mean((y - y_hat)^2)
        # [torch] F.mse_loss(input, target) is exactly this mean, with no 1/2
        return F.mse_loss(Gender221(**params, activation=activation)(X), y).item()


def gradients(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> Params:
    """dL/dp for every parameter p, keyed like `params`."""
    model = Gender221(**params, activation=activation)
    X, y = batch(X, y)
    # lesson: backpropagate the loss L = mean((y - y_hat)^2), filling each parameter's .grad
    F.mse_loss(model(X), y).backward()
    return model.params(grad=True)


def train(spec: Gender221Spec) -> tuple[Params, list[float]]:
    """Per-sample SGD (or spec.optimizer) in the tutorial's order; returns the final
    parameters and the MSE over all records after every `spec.loss_every`-th epoch."""
    model = Gender221(**start_params(spec), activation=spec.activation)
    X, y = batch(spec.X, spec.y)
    optimizer = optimizers.make(model.parameters(), spec)
    history = []
    for epoch in range(spec.epochs):
        # lesson: per-sample SGD: for each record in order, clear, backpropagate its loss, step
        for i in range(len(X)):
            optimizer.zero_grad()
            F.mse_loss(model(X[i : i + 1]), y[i : i + 1]).backward()
            optimizer.step()  # SGD: p -= lr * dL/dp for all nine parameters
        if epoch % spec.loss_every == 0:
            with torch.inference_mode():
                history.append(F.mse_loss(model(X), y).item())
                reports.check_finite(spec, history)
    return model.params(), history


def _worked_example(spec: Gender221Spec) -> dict[str, np.ndarray]:
    model = Gender221(**start_params(spec))
    X, y = batch(spec.X, spec.y)
    hidden = torch.sigmoid(model.hidden(X))
    o1 = torch.sigmoid(model.output(hidden)).squeeze(-1)
    # lesson: backpropagate the loss of o1: autograd's dL/dw1 is the tutorial's product
    F.mse_loss(o1, y).backward()
    grads = gender_by_tutorial_name(model.params(grad=True))
    h1, h2 = hidden[0].detach().numpy()
    return {"h1": h1, "h2": h2, "o1": o1[0].detach().numpy(), "dL_dw1": np.float64(grads["w1"])} | {
        f"grad_{name}": np.float64(value) for name, value in grads.items()
    }


def run(spec: Gender221Spec) -> dict[str, np.ndarray]:
    """worked_example: h1, h2, o1, dL_dw1 and every gradient; trained: loss every
    `spec.loss_every` epochs, the final parameters and the predictions for Emily and Frank."""
    if spec.case == "worked_example":
        return _worked_example(spec)
    return reports.gender_trained(spec, *train(spec), partial(forward, activation=spec.activation))
