"""backprop_321 in PyTorch: one backprop step through a 3-2-1 sigmoid network, no biases.

Spec: `shared.specs.backprop_321`. The same model, trained, is admissions_mlp.
hidden = sigmoid(X @ W_input_hidden), y_hat = sigmoid(hidden @ w_hidden_output),
E = 1/2 * mean((y - y_hat)^2), as in numpy_impl/backprop_321.py.
Differs from numpy_impl:
- gradients come from `loss.backward()`; the error terms are read off autograd as -dE/dz
  at each layer's pre-activation, kept with `retain_grad()`;
- the steps are what `torch.optim.SGD` does to the weights (admissions_mlp's `--optimizer`:
  torch_impl/optimizers.py).
"""

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from shared import reports
from shared.specs import Params
from shared.specs.backprop_321 import TwoLayerSpec
from torch_impl import optimizers
from torch_impl.activations import ACTIVATIONS
from torch_impl.single_unit import batch, half_mse


class TwoLayer(nn.Module):
    def __init__(
        self, W_input_hidden: np.ndarray, w_hidden_output: np.ndarray, activation: str = "sigmoid"
    ) -> None:
        super().__init__()
        self.activation = ACTIVATIONS[activation]
        # [torch] torch.tensor copies; torch.from_numpy would share the spec's memory
        W_input_hidden, w_hidden_output = (
            torch.tensor(W_input_hidden),
            torch.tensor(w_hidden_output),
        )
        n_in, n_hidden = W_input_hidden.shape
        self.hidden = nn.Linear(n_in, n_hidden, bias=False, dtype=W_input_hidden.dtype)
        self.output = nn.Linear(n_hidden, 1, bias=False, dtype=W_input_hidden.dtype)
        # lesson begin: copy the starting weights into the two nn.Linear, in their layout
        # [torch] nn.Linear keeps weight as (out, in): transpose the spec's (in, out)
        assert self.hidden.weight.shape == W_input_hidden.T.shape
        assert self.output.weight.shape == (1, n_hidden)
        with torch.no_grad():
            self.hidden.weight.copy_(W_input_hidden.T)
            self.output.weight.copy_(w_hidden_output.reshape(1, -1))
        # lesson end

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        # lesson begin: the module's forward: the hidden layer, then the output, as (n,)
        # hidden = activation(X @ W_input_hidden)   (n, n_hidden)
        hidden = self.activation(self.hidden(X))
        # y_hat = sigmoid(hidden @ w_hidden_output)   (n,)
        return torch.sigmoid(self.output(hidden)).squeeze(-1)
        # lesson end

    def params(self, grad: bool = False) -> Params:
        """Weights (or their gradients) in the spec's (in, out) layout, as NumPy arrays."""
        hidden, output = (self.hidden.weight, self.output.weight)
        if grad:
            hidden, output = hidden.grad, output.grad
        return {
            "W_input_hidden": hidden.detach().T.numpy().copy(),
            "w_hidden_output": output.detach().reshape(-1).numpy().copy(),
        }


def forward(params: Params, X: np.ndarray, activation: str = "sigmoid") -> np.ndarray:
    with torch.inference_mode():
        return TwoLayer(**params, activation=activation)(torch.tensor(X)).numpy()


def loss(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> float:
    X, y = batch(X, y)
    with torch.inference_mode():
        return half_mse(TwoLayer(**params, activation=activation)(X), y).item()


def gradients(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> Params:
    """dE/dp for every parameter p, keyed like `params`."""
    model = TwoLayer(**params, activation=activation)
    X, y = batch(X, y)
    # lesson: backpropagate the loss, so that autograd fills each weight's .grad
    half_mse(model(X), y).backward()
    return model.params(grad=True)


def train(spec: TwoLayerSpec) -> tuple[Params, list[float]]:
    """Full-batch gradient descent (or spec.optimizer); returns the final parameters and
    the training MSE, mean((y_hat - y)^2), after every `spec.loss_every`-th epoch."""
    model = TwoLayer(spec.W_input_hidden, spec.w_hidden_output, spec.activation)
    X, y = batch(spec.X, spec.y)
    optimizer = optimizers.make(model.parameters(), spec)
    history = []
    for epoch in range(spec.epochs):
        # lesson begin: one SGD step: clear the gradients, backpropagate the loss, step
        optimizer.zero_grad()
        half_mse(model(X), y).backward()
        optimizer.step()  # SGD: W -= lr * dE/dW
        # lesson end
        if spec.loss_every and epoch % spec.loss_every == 0:
            with torch.inference_mode():
                history.append(F.mse_loss(model(X), y).item())
                reports.check_finite(spec, history)
    return model.params(), history


def run(spec: TwoLayerSpec) -> dict[str, np.ndarray]:
    """The tutorial's one worked step: output, errors, error terms, weight steps, gradients."""
    model = TwoLayer(spec.W_input_hidden, spec.w_hidden_output, spec.activation)
    X, y = batch(spec.X, spec.y)
    # the forward pass link by link, keeping each pre-activation z for its gradient
    z_hidden = model.hidden(X)
    z_hidden.retain_grad()
    z_output = model.output(model.activation(z_hidden)).squeeze(-1)
    z_output.retain_grad()
    y_hat = torch.sigmoid(z_output)
    # lesson: backpropagate the loss of y_hat: each z's .grad is then dE/dz
    half_mse(y_hat, y).backward()
    grads, before = model.params(grad=True), model.params()
    # lesson: the one SGD step, with the spec's learning rate
    torch.optim.SGD(model.parameters(), lr=spec.lr).step()
    after = model.params()
    return {
        "output": y_hat[0].detach().numpy(),
        "error": (y - y_hat)[0].detach().numpy(),
        # error terms = -dE/dz at each layer's pre-activation, for the one record
        "output_error_term": -z_output.grad[0].numpy(),
        "hidden_error_term": -z_hidden.grad[0].numpy(),
        # the steps SGD took, -lr * dE/dW
        "del_w_hidden_output": after["w_hidden_output"] - before["w_hidden_output"],
        "del_w_input_hidden": after["W_input_hidden"] - before["W_input_hidden"],
        "grad_w_hidden_output": grads["w_hidden_output"],
        "grad_w_input_hidden": grads["W_input_hidden"],
    }
