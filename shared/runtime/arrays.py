"""Read-only float64 arrays: how a spec's numbers are kept safe from in-place updates."""

from __future__ import annotations

import numpy as np


def readonly(values: object, dtype: type = np.float64) -> np.ndarray:
    """A fresh array of `values` that nothing can write to.

    `torch.from_numpy` and in-place updates (`w += ...`) would otherwise change a spec's
    starting weights for every later run in the same process.
    """
    array = np.array(values, dtype=dtype)
    array.flags.writeable = False
    return array
