"""admissions_mlp in JAX: backprop_321.py's network, trained on the admissions data.

Spec: `shared.specs.admissions_mlp`. The model, its loss, its gradients and its full-batch
training loop are backprop_321's, imported from there; the report is shared.reports'.
"""

from functools import partial

import numpy as np

from jax_impl.backprop_321 import forward, gradients, loss, train
from shared import reports
from shared.specs.backprop_321 import TwoLayerSpec

__all__ = ["forward", "gradients", "loss", "run", "train"]


def run(spec: TwoLayerSpec) -> dict[str, np.ndarray]:
    """Train, then report the tutorial's figures (shared.reports.admissions)."""
    return reports.admissions(spec, *train(spec), partial(forward, activation=spec.activation))
