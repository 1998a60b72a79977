"""The sigmoid, written so that it never overflows."""

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-z)); its derivative is written through the output: s * (1 - s).

    The tutorials' one-liner overflows in exp(-z) for z below about -709 (a warning, and
    exp = inf gives the right 0). With e = exp(-|z|), which is at most 1, the same value
    is 1 / (1 + e) for z >= 0 and e / (1 + e) for z < 0: no overflow anywhere, and
    exactly 0 or 1 wherever float64 rounds the true value to 0 or 1.
    """
    e = np.exp(-np.abs(z))
    return np.where(np.asarray(z) >= 0, 1 / (1 + e), e / (1 + e))
