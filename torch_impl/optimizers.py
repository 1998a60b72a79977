"""The optimizers of `--optimizer` in PyTorch: torch.optim's own, set by shared.specs.optimizers.

numpy_impl/optimizers.py writes the same rules out; these are the classes a PyTorch user
constructs, each given every hyperparameter explicitly (the defaults differ from Keras':
`rosetta defaults`). Each network's loop stays `zero_grad()`, `backward()`, `step()`.
"""

from collections.abc import Iterable

import torch

from shared.specs import Spec
from shared.specs.optimizers import BETA_1, BETA_2, MOMENTUM, RHO


def make(parameters: Iterable[torch.nn.Parameter], spec: Spec) -> torch.optim.Optimizer:
    """The optimizer `spec.optimizer` names, at the spec's lr (and eps)."""
    if spec.optimizer == "momentum":
        # b = mu * b + g;  p -= lr * b
        return torch.optim.SGD(parameters, lr=spec.lr, momentum=MOMENTUM)
    if spec.optimizer == "nesterov":
        # b = mu * b + g;  p -= lr * (g + mu * b)
        return torch.optim.SGD(parameters, lr=spec.lr, momentum=MOMENTUM, nesterov=True)
    if spec.optimizer == "rmsprop":
        # v = rho * v + (1 - rho) * g^2;  p -= lr * g / (sqrt(v) + eps)
        # [torch] RMSprop names the decay alpha (Keras: rho) and adds eps outside the root
        return torch.optim.RMSprop(parameters, lr=spec.lr, alpha=RHO, eps=spec.eps)
    if spec.optimizer == "adam":
        # p -= lr * m_hat / (sqrt(v_hat) + eps), Kingma & Ba's Algorithm 1
        return torch.optim.Adam(parameters, lr=spec.lr, betas=(BETA_1, BETA_2), eps=spec.eps)
    # p -= lr * g
    return torch.optim.SGD(parameters, lr=spec.lr)
