"""xor_341 in PyTorch: the Q&A thread's 3-4-1 batch network, trained with torch.optim.SGD.

Spec: `shared.specs.xor_341`. a1 = sigmoid(X @ W1), a2 = sigmoid(a1 @ W2), no biases,
E = 1/2 * sum((y - a2)^2), lr = 1, as in numpy_impl/xor_341.py. The two layers are
forward_432's SigmoidLayers, returning (a1, a2).
Differs from numpy_impl:
- no deltas are written: `E.backward()` gives dE/dW2 directly, and it equals minus the
  thread's a1.T @ delta2, which is why the thread's `W2 += a1.T @ delta2` descends;
- the step is what SGD does: W -= lr * W.grad (`--optimizer`: torch_impl/optimizers.py).
"""

import numpy as np
import torch
from torch.nn import functional as F

from shared import reports
from shared.specs import Params
from shared.specs.xor_341 import Xor341Spec
from torch_impl import optimizers
from torch_impl.forward_432 import SigmoidLayers


def output_of(model: SigmoidLayers, X: torch.Tensor) -> torch.Tensor:
    # a2 = sigmoid(sigmoid(X @ W1) @ W2)   (n, 1), as y_hat (n,)
    return model(X)[1].squeeze(-1)


def half_sse(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # lesson: the thread's E, a half sum over the batch, from F.mse_loss
    # E = 1/2 * sum((y - y_hat)^2)
    # [torch] mse_loss averages by default; reduction="sum" keeps the thread's sum
    return 0.5 * F.mse_loss(y_hat, y, reduction="sum")


def forward(params: Params, X: np.ndarray, activation: str = "sigmoid") -> np.ndarray:
    with torch.inference_mode():
        return output_of(SigmoidLayers(**params, activation=activation), torch.tensor(X)).numpy()


def loss(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> float:
    model = SigmoidLayers(**params, activation=activation)
    with torch.inference_mode():
        return half_sse(output_of(model, torch.tensor(X)), torch.tensor(y)).item()


def gradients(params: Params, X: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> Params:
    """dE/dp for every parameter p, keyed like `params`."""
    model = SigmoidLayers(**params, activation=activation)
    # lesson: backpropagate E, so that autograd fills each weight's .grad
    half_sse(output_of(model, torch.tensor(X)), torch.tensor(y)).backward()
    return model.params(grad=True)


def train(spec: Xor341Spec) -> tuple[Params, list[float], np.ndarray]:
    """Full-batch gradient descent (or spec.optimizer); returns the final parameters, E after
    every `spec.loss_every`-th iteration (after its update) and a2 as the thread prints it."""
    model = SigmoidLayers(spec.W_input_hidden, spec.W_hidden_output, spec.activation)
    X, y = torch.tensor(spec.X), torch.tensor(spec.y)
    optimizer = optimizers.make(model.parameters(), spec)
    history = []
    for epoch in range(spec.epochs):
        # lesson begin: one SGD step: clear the gradients, a2, backpropagate E, step
        optimizer.zero_grad()
        a2 = output_of(model, X)
        half_sse(a2, y).backward()
        optimizer.step()  # SGD: W -= lr * dE/dW
        # lesson end
        if epoch % spec.loss_every == 0:
            with torch.inference_mode():
                history.append(half_sse(output_of(model, X), y).item())
                reports.check_finite(spec, history)
    # the thread's print(a2) after its loop: the last iteration's forward pass, made before
    # that iteration's update (the output after training is forward(params, X))
    return model.params(), history, a2.detach().numpy()


def run(spec: Xor341Spec) -> dict[str, np.ndarray]:
    """The first iteration's gradients and steps, then the output after training and the
    output the thread prints."""
    model = SigmoidLayers(spec.W_input_hidden, spec.W_hidden_output, spec.activation)
    X, y = torch.tensor(spec.X), torch.tensor(spec.y)
    half_sse(output_of(model, X), y).backward()
    grads, before = model.params(grad=True), model.params()
    torch.optim.SGD(model.parameters(), lr=spec.lr).step()
    after = model.params()
    params, history, printed = train(spec)
    return {
        "output": forward(params, spec.X, spec.activation),
        "printed_output": printed,
        "loss_history": np.array(history),
        "grad_W_input_hidden": grads["W_input_hidden"],
        "grad_W_hidden_output": grads["W_hidden_output"],
        # the first iteration's steps, as SGD took them: -lr * dE/dW
        "del_W_input_hidden": after["W_input_hidden"] - before["W_input_hidden"],
        "del_W_hidden_output": after["W_hidden_output"] - before["W_hidden_output"],
    }
