"""admissions_mlp: the 6-2-1 network of backprop_321.py, trained on the admissions data.

Spec: `shared.specs.admissions_mlp`. The model, its loss E = 1/2 * mean((y - y_hat)^2), its
gradients and its full-batch training loop are backprop_321's, imported from there; what
is new is the data. The report is shared.reports.admissions, the same in every framework.
"""

from functools import partial

import numpy as np

from numpy_impl.backprop_321 import forward, gradients, loss, train
from shared import reports
from shared.specs.backprop_321 import TwoLayerSpec

__all__ = ["forward", "gradients", "loss", "run", "train"]


def run(spec: TwoLayerSpec) -> dict[str, np.ndarray]:
    """Train, then report the tutorial's figures (shared.reports.admissions)."""
    return reports.admissions(spec, *train(spec), partial(forward, activation=spec.activation))
