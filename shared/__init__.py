"""The framework-neutral half of nn-rosetta, in layers; each may import only from its own
layer and those before it in LAYERS (tests/test_layers.py checks every import):

- runtime/  process plumbing: read-only arrays, child processes, Ctrl-C, safe output files,
            the progress bar, which frameworks exist and how to load one
- specs/    every network written once (data, starting weights, update rule), the admissions
            data and the optimizers' hyperparameters
- reports   (reports.py) what every framework's training reports and checks as it goes
- the framework packages numpy_impl/, torch_impl/, keras_impl/ (jax_impl/) import only the
  layers above this line
- checks/   the cross-checks: the harness and its tolerances, compare, errata, defaults, bench
- views/    what a reader sees: terminal tables, `show`, the site, the notebooks, plots
- cli/      the `rosetta` command, one module per command

docs/internals.md draws the same map and says where a new command, network or view goes.
"""

# The layers in import order: a module's layer is its folder under shared/ (a loose module's
# is its own name), or, outside shared/, its package ("impl" for the framework packages).
LAYERS = ("runtime", "specs", "reports", "impl", "checks", "views", "cli")
IMPLEMENTATIONS = ("numpy_impl", "torch_impl", "keras_impl", "jax_impl")
