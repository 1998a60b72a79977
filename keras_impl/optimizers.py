"""The optimizers of `--optimizer` in Keras: keras.optimizers' own, set by shared.specs.optimizers.

The classes a Keras user passes to `model.compile`, every hyperparameter given (the defaults
differ from PyTorch's: `rosetta defaults`); numpy_impl/optimizers.py writes the rules out in
PyTorch's form. Keras' RMSprop and Adam put eps elsewhere than PyTorch
(shared.specs.optimizers.RULES): the same updates only at eps = 0.
"""

import numpy as np

from keras_impl.backend import keras
from shared.specs import Spec
from shared.specs.optimizers import BETA_1, BETA_2, MOMENTUM, RHO

# [keras] SGD and Adam cast momentum and the betas with ops.cast, which on tensorflow takes a
# Python float through float32 first (0.9 -> 0.8999999762, moving a trained weight by ~1e-8):
# float64 values keep the hyperparameters the other frameworks use
MOMENTUM_64, BETA_1_64, BETA_2_64 = np.float64(MOMENTUM), np.float64(BETA_1), np.float64(BETA_2)


def make(spec: Spec) -> keras.optimizers.Optimizer:
    """The optimizer `spec.optimizer` names, at the spec's lr (and eps)."""
    if spec.optimizer == "momentum":
        # [keras] m = mu * m - lr * g;  p += m: its velocity is -lr times torch's b = mu * b + g
        return keras.optimizers.SGD(learning_rate=spec.lr, momentum=MOMENTUM_64)
    if spec.optimizer == "nesterov":
        # [keras] m = mu * m - lr * g;  p += mu * m - lr * g
        return keras.optimizers.SGD(learning_rate=spec.lr, momentum=MOMENTUM_64, nesterov=True)
    if spec.optimizer == "rmsprop":
        # [keras] rho is torch's alpha; eps goes inside the root: p -= lr * g / sqrt(v + eps)
        return keras.optimizers.RMSprop(learning_rate=spec.lr, rho=RHO, epsilon=spec.eps)
    if spec.optimizer == "adam":
        # [keras] p -= alpha * m / (sqrt(v) + eps), alpha = lr * sqrt(1 - b2^t) / (1 - b1^t):
        # Kingma & Ba's "epsilon hat", torch's rule with eps / sqrt(1 - b2^t)
        return keras.optimizers.Adam(
            learning_rate=spec.lr, beta_1=BETA_1_64, beta_2=BETA_2_64, epsilon=spec.eps
        )
    # p -= lr * g
    return keras.optimizers.SGD(learning_rate=spec.lr)
