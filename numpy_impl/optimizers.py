"""The optimizers of `--optimizer`, from scratch: each update rule written out, one line per step.

The rules are PyTorch's (torch.optim, the left column of shared.specs.optimizers.RULES); Adam is
Kingma & Ba (2015), Algorithm 1, as printed. Hyperparameters come from shared.specs.optimizers.
`g` is dE/dp, `t` counts steps from 1; every state (b, v, m) starts at 0. Each optimizer's
`step(params, grads)` updates the dict `params` in place, parameter by parameter.
"""

import numpy as np

from shared.specs import Params, Spec
from shared.specs.optimizers import BETA_1, BETA_2, MOMENTUM, RHO


class SGD:
    def __init__(self, lr: float) -> None:
        self.lr = lr

    def step(self, params: Params, grads: Params) -> None:
        for name, g in grads.items():
            # p -= lr * g
            params[name] -= self.lr * g


class Momentum:
    """Heavy ball; with nesterov=True, the step looks ahead by one more mu * b."""

    def __init__(self, lr: float, nesterov: bool = False) -> None:
        self.lr, self.nesterov, self.b = lr, nesterov, {}

    def step(self, params: Params, grads: Params) -> None:
        for name, g in grads.items():
            # b = mu * b + g   (the velocity, in units of a gradient)
            b = MOMENTUM * self.b.get(name, 0.0) + g
            self.b[name] = b
            # nesterov: direction = g + mu * b;  momentum: direction = b
            direction = g + MOMENTUM * b if self.nesterov else b
            # p -= lr * direction
            params[name] -= self.lr * direction


class RMSprop:
    def __init__(self, lr: float, eps: float) -> None:
        self.lr, self.eps, self.v = lr, eps, {}

    def step(self, params: Params, grads: Params) -> None:
        for name, g in grads.items():
            # v = rho * v + (1 - rho) * g^2   (running mean of the squared gradient)
            v = RHO * self.v.get(name, 0.0) + (1 - RHO) * (g * g)
            self.v[name] = v
            # denominator = sqrt(v) + eps   (eps outside the root)
            denominator = np.sqrt(v) + self.eps
            # p -= lr * g / denominator
            params[name] -= self.lr * g / denominator


class Adam:
    """Kingma & Ba (2015), Algorithm 1."""

    def __init__(self, lr: float, eps: float) -> None:
        self.lr, self.eps, self.t, self.m, self.v = lr, eps, 0, {}, {}

    def step(self, params: Params, grads: Params) -> None:
        self.t += 1
        for name, g in grads.items():
            # m = b1 * m + (1 - b1) * g   (biased first moment)
            m = BETA_1 * self.m.get(name, 0.0) + (1 - BETA_1) * g
            # v = b2 * v + (1 - b2) * g^2   (biased second raw moment)
            v = BETA_2 * self.v.get(name, 0.0) + (1 - BETA_2) * (g * g)
            self.m[name], self.v[name] = m, v
            # m_hat = m / (1 - b1^t)   (bias-corrected)
            m_hat = m / (1 - BETA_1**self.t)
            # v_hat = v / (1 - b2^t)   (bias-corrected)
            v_hat = v / (1 - BETA_2**self.t)
            # p -= lr * m_hat / (sqrt(v_hat) + eps)
            params[name] -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


Optimizer = SGD | Momentum | RMSprop | Adam


def make(spec: Spec) -> Optimizer:
    """The optimizer `spec.optimizer` names, at the spec's lr (and eps)."""
    if spec.optimizer == "momentum":
        return Momentum(spec.lr)
    if spec.optimizer == "nesterov":
        return Momentum(spec.lr, nesterov=True)
    if spec.optimizer == "rmsprop":
        return RMSprop(spec.lr, spec.eps)
    if spec.optimizer == "adam":
        return Adam(spec.lr, spec.eps)
    return SGD(spec.lr)
