"""The hidden layers' activations of `--activation`, as PyTorch's functions.

autograd differentiates them: tanh' = 1 - t^2, relu' = 1 where z > 0, else 0 (also at z = 0),
the derivatives numpy_impl/activations.py writes out.
"""

import torch

ACTIVATIONS = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}
