"""Between NumPy and JAX: NumPy arrays out, each result's dtype checked.

A jitted function takes the spec's NumPy arrays as they are (jit copies them to JAX's
device, here the CPU). jax_impl/__init__.py turns 64-bit floats on before JAX is imported;
`to_numpy` asserts that it took, on every array a public function returns: a float64 spec
must give float64 results (JAX would otherwise have computed in float32), a float32 spec
float32 ones.
"""

from typing import TypeVar

import jax
import numpy as np

Tree = TypeVar("Tree")


def to_numpy(tree: Tree, dtype: np.dtype) -> Tree:
    """Every array of a pytree (a dict of parameters, of quantities) as a NumPy array,
    asserting that it is of `dtype`."""
    arrays = jax.tree.map(np.asarray, tree)
    if isinstance(tree, dict):  # [jax] tree.map sorts a dict's keys: keep the caller's order
        arrays = {name: arrays[name] for name in tree}
    for array in jax.tree.leaves(arrays):
        assert array.dtype == dtype, f"jax computed in {array.dtype}, expected {dtype}"
    return arrays
