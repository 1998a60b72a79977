"""`rosetta defaults` in PyTorch: a small network trained with one of PyTorch's own defaults.

`trained(key, spec, epochs)` trains from the spec's start (admissions_mlp's 6-2-1 network;
admissions_logit's unit for "bce_clamp") for `epochs` full-batch epochs, leaving the one
thing `key` names at PyTorch's default, and returns y_hat on the training rows.
shared/checks/defaults.py sets the result beside keras_impl/defaults.py's for the same key.
"""

import numpy as np
import torch
from torch import nn

from shared.specs import LogitSpec, TwoLayerSpec
from torch_impl.admissions_logit import LogisticUnit
from torch_impl.backprop_321 import TwoLayer


def _optimizer(key: str, model: nn.Module, lr: float) -> torch.optim.Optimizer:
    """The optimizer of each entry, with PyTorch's defaults where the entry is about one."""
    if key == "sgd_lr":
        return torch.optim.SGD(model.parameters())  # [torch] lr defaults to 0.001
    if key in ("momentum_sign", "float32_hyperparameters"):
        return torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)  # b = mu*b + g
    if key == "adam_eps":
        return torch.optim.Adam(model.parameters(), lr=lr)  # [torch] eps=1e-8, outside the root
    if key == "rmsprop_rho_eps":
        # [torch] alpha=0.99, eps=1e-8 outside the root
        return torch.optim.RMSprop(model.parameters(), lr=lr)
    return torch.optim.SGD(model.parameters(), lr=lr)


def _model(key: str, spec: TwoLayerSpec | LogitSpec) -> nn.Module:
    if key == "bce_clamp":  # a sigmoid unit, its output y_hat, not the logit
        return nn.Sequential(LogisticUnit(spec.w, spec.b), nn.Sigmoid())
    if key == "dense_init":
        torch.manual_seed(0)
        # [torch] nn.Linear draws weight and bias from U(-1/sqrt(n_in), 1/sqrt(n_in))
        hidden = nn.Linear(spec.X.shape[1], 2, dtype=torch.float64)
        output = nn.Linear(2, 1, dtype=torch.float64)
        return nn.Sequential(hidden, nn.Sigmoid(), output, nn.Sigmoid(), nn.Flatten(0))
    return TwoLayer(spec.W_input_hidden, spec.w_hidden_output)


def trained(key: str, spec: TwoLayerSpec | LogitSpec, epochs: int) -> np.ndarray:
    """y_hat on the training rows after `epochs` epochs with PyTorch's default for `key`."""
    model = _model(key, spec)
    optimizer = _optimizer(key, model, spec.lr)
    # [torch] BCELoss clamps each log at -100; MSELoss is mean((y - y_hat)^2), no 1/2
    loss_fn = nn.BCELoss() if key == "bce_clamp" else nn.MSELoss()
    X, y = torch.tensor(spec.X), torch.tensor(spec.y)
    for _ in range(epochs):  # [torch] the loop is yours: the whole batch, in order
        optimizer.zero_grad()
        loss_fn(model(X).reshape(-1), y).backward()
        optimizer.step()
    with torch.inference_mode():
        return model(X).reshape(-1).numpy()
