"""From scratch in NumPy: every network with the chain rule written out, one link per line.

Each module has the same public functions as its namesakes in torch_impl and keras_impl:
`forward`, `loss`, `gradients`, `train` and `run` (see shared/views/glossary.md).
"""
