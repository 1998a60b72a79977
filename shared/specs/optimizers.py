"""The optimizers and hidden-layer activations every framework offers, written once.

`--optimizer` and `--activation` choose from these; numpy_impl/optimizers.py writes each rule
out, torch_impl/optimizers.py and keras_impl/optimizers.py configure the framework's own
optimizer to the same math. The hyperparameters are one choice for every framework, in
PyTorch's conventions (Keras' differ where noted in its module). `g` is dE/dp at step t
(t = 1 first); every state starts at 0.
"""

from __future__ import annotations

from dataclasses import dataclass

OPTIMIZERS = ("sgd", "momentum", "nesterov", "rmsprop", "adam")
ACTIVATIONS = ("sigmoid", "tanh", "relu")  # of the hidden layers; the output stays sigmoid

MOMENTUM = 0.9  # mu of momentum and nesterov
RHO = 0.99  # rmsprop's decay of the mean square (torch calls it alpha, Keras rho)
BETA_1, BETA_2 = 0.9, 0.999  # adam's decays of the mean and of the mean square
EPS = 1e-8  # added to rmsprop's and adam's denominators (`--eps`)


@dataclass(frozen=True)
class Rule:
    """One optimizer's update as PyTorch and as Keras write it, and when they agree."""

    torch: str
    keras: str
    same: str  # when the two give the same updates (in exact arithmetic)

    def differs_by_design(self, eps: float) -> bool:
        """True where the two formulas differ at this eps (so do their results, measurably)."""
        return self.same == "only at eps = 0" and eps != 0


RULES = {
    "sgd": Rule("p -= lr*g", "p -= lr*g", "always"),
    "momentum": Rule(
        "b = mu*b + g; p -= lr*b",
        "m = mu*m - lr*g; p += m",
        "while lr is constant (m = -lr*b)",
    ),
    "nesterov": Rule(
        "b = mu*b + g; p -= lr*(g + mu*b)",
        "m = mu*m - lr*g; p += mu*m - lr*g",
        "while lr is constant (m = -lr*b)",
    ),
    "rmsprop": Rule(
        "v = alpha*v + (1-alpha)*g^2; p -= lr*g / (sqrt(v) + eps)",
        "v = rho*v + (1-rho)*g^2; p -= lr*g / sqrt(v + eps)",
        "only at eps = 0",
    ),
    "adam": Rule(
        "m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; "
        "p -= lr*(m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps)",
        "m, v as torch; alpha = lr*sqrt(1-b2^t)/(1-b1^t); p -= alpha*m / (sqrt(v) + eps)",
        "only at eps = 0",
    ),
}
