"""The optimizers of `--optimizer` in JAX: optax's own, at shared.optimizers' values.

numpy_impl/optimizers.py writes the same rules out; these are the optax transformations a
JAX user builds, each given every hyperparameter explicitly (optax's defaults differ from
PyTorch's: `rosetta defaults`). An optax optimizer holds no parameters: `init(params)` makes
its state, `update(grads, state)` returns the step and the next state, and
`optax.apply_updates(params, updates)` adds the step, in each network's jitted step.
"""

import optax

from shared.specs import Spec
from shared.specs.optimizers import BETA_1, BETA_2, MOMENTUM, RHO


def make(spec: Spec) -> optax.GradientTransformation:
    """The optimizer `spec.optimizer` names, at the spec's lr (and eps)."""
    if spec.optimizer == "momentum":
        # b = mu * b + g;  p -= lr * b
        # [jax] optax.trace keeps torch's b (g + mu * b), and sgd scales it by -lr
        return optax.sgd(spec.lr, momentum=MOMENTUM)
    if spec.optimizer == "nesterov":
        # b = mu * b + g;  p -= lr * (g + mu * b)
        return optax.sgd(spec.lr, momentum=MOMENTUM, nesterov=True)
    if spec.optimizer == "rmsprop":
        # v = rho * v + (1 - rho) * g^2;  p -= lr * g / (sqrt(v) + eps)
        # [jax] optax.rmsprop names the decay `decay` (default 0.9) and by default adds eps
        # inside the root, sqrt(v + eps): eps_in_sqrt=False puts it outside, as torch does
        return optax.rmsprop(spec.lr, decay=RHO, eps=spec.eps, eps_in_sqrt=False)
    if spec.optimizer == "adam":
        # p -= lr * m_hat / (sqrt(v_hat) + eps), Kingma & Ba's Algorithm 1
        # [jax] optax adds eps_root (default 0) inside the root: sqrt(v_hat + eps_root) + eps
        return optax.adam(spec.lr, b1=BETA_1, b2=BETA_2, eps=spec.eps, eps_root=0.0)
    # p -= lr * g
    return optax.sgd(spec.lr)
