"""What a notebook says, cell by cell: the prose, and the files shown.

shared/views/notebooks.py turns these cells into notebooks/<network>.ipynb and runs them. The code
cells are files of the repository, read whole; the prose is written here once: what each
network teaches (LESSONS) and what changes in each framework (INTRODUCTIONS), with each
file's `# [torch]`, `# [keras]` and `# [jax]` comments and the errata of shared/checks/errata.py.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

from shared import specs
from shared.checks import errata, exercises
from shared.runtime import frameworks
from shared.views import show

ROOT = Path(__file__).resolve().parents[2]
NAMES = {"numpy": "NumPy", "torch": "PyTorch", "keras": "Keras", "jax": "JAX"}
FRAMEWORKS = tuple(NAMES)  # the notebook's sections, in this order
LESSONS = {
    "single_unit": "The smallest network there is: one sigmoid unit and one step of gradient "
    "descent. It teaches the words every later notebook uses: the output `y_hat`, the `error` "
    "`y - y_hat`, the `error_term` (minus the gradient at the unit's weighted sum) and the "
    "weight step `del_w` the tutorial prints, which is minus the learning rate times the "
    "gradient `grad_w` an autograd framework returns. Mind the sign: the tutorial adds its "
    "step, a framework subtracts its gradient.",
    "backprop_321": "One backpropagation step through a hidden layer: the output's error term "
    "travels back through the output weights and becomes the hidden layer's error term. The "
    "chain rule, layer by layer; and the first time a weight matrix meets `nn.Linear`, which "
    "stores it transposed.",
    "gender_221": "A whole small classifier, with biases, trained one record at a time "
    "(stochastic gradient descent). It teaches the training loop: the records in order, one "
    "update per record, the loss read every few epochs; and in Keras, that `fit` must be told "
    "not to shuffle and to take one record per batch.",
    "admissions": "Real data: one sigmoid unit on the UCLA graduate-admissions table, trained "
    "by full-batch gradient descent. It teaches data preparation (one-hot ranks, standardized "
    "scores, a seeded train/test split, all in `shared/specs/admissions_data.py`) and how a full "
    "batch is written in each framework.",
    "admissions_mlp": "backprop_321's network grown to 6 inputs and trained on the admissions "
    "data. Its code is backprop_321's; what is new is the data, and a finding: at the "
    "tutorial's learning rate the network barely moves (see the errata at the end).",
    "admissions_logit": "Logistic regression: the admissions unit with a bias and the "
    "cross-entropy cost, trained until its gradient is almost zero. A sigmoid unit under "
    "cross-entropy is logistic regression; each framework computes the cost from the logit "
    "for stability; and training stops when it has converged, at the same epoch everywhere.",
    "chain_rule": "No network at all: a small computation graph, differentiated by hand in "
    "the tutorial and by autograd here. The hand derivation misses one of the two paths from "
    "`b` to `J`; autograd follows every path and sums them.",
    "forward_432": "A forward pass only, 4 inputs, 3 hidden units, 2 outputs: the shapes of "
    "a layer's matrices, and how each framework is handed weights drawn elsewhere.",
    "xor_341": "The matrix form of backpropagation from a question-and-answer thread: a 3-4-1 "
    "network, full batch, whose update *adds* `a1.T @ delta2`. It teaches why that is "
    "gradient descent: delta is minus the gradient at a layer's weighted sum, and one more "
    "link of the chain rule, the layer's input, turns it into the weight gradient.",
}

# What changes in each framework, in three parts: what every network shows (autodiff), what
# a network with weights shows (its model) and what a network that trains shows (its loop).
INTRODUCTIONS = {
    "numpy": (
        "From scratch. NumPy knows nothing of gradients: the backward pass is the chain rule "
        "written out, one named link per line. This is the reference the other two frameworks "
        "are checked against, in float64.",
        "The forward pass is matrix products and sigmoids, with the weights in the tutorial's "
        "`(n_in, n_out)` layout.",
        "Training is a plain loop of updates, `p -= lr * dE/dp`.",
    ),
    "torch": (
        "The backward pass you wrote in NumPy disappears: PyTorch records the forward "
        "computation as a graph, and `backward()` follows it back and fills every "
        "parameter's `.grad`.",
        "The network becomes an `nn.Module` whose layers hold the weights, copied from the "
        "spec (PyTorch draws none of its own).",
        "Training is still your own loop: `optimizer.zero_grad()`, `loss.backward()`, "
        "`optimizer.step()`.",
    ),
    "keras": (
        "Gradients come from the backend's own autodiff (a `GradientTape` on TensorFlow); "
        "Keras 3 runs the same code on TensorFlow, JAX or PyTorch.",
        "The network becomes a model of `Dense` layers, their weights set from the spec.",
        "Training is no longer a loop you write: `model.compile(...)` names the optimizer and "
        "the loss, and `model.fit(...)` runs the loop. What the loop did silently must now be "
        "said: `shuffle=False` keeps the tutorial's order, `batch_size` is how many records "
        "make one step.",
    ),
    "jax": (
        "The NumPy code was almost a JAX program already: `jax.numpy` is NumPy's API, and "
        "`jax.grad(loss)` is a new function that returns, for the same parameter dict, the "
        "gradients the NumPy section wrote out link by link. 64-bit floats must be turned on "
        "before JAX is imported (the first cell does), or JAX computes in float32.",
        "There is no model object: the parameters stay the spec's own dict of arrays (a "
        "pytree), in the tutorial's `(n_in, n_out)` layout, and the network is a function of "
        "it, compiled by `jax.jit`.",
        "Training is your own loop again, over a jitted step: `jax.grad`, an optax optimizer's "
        "`update`, and `optax.apply_updates`, which returns new parameters (JAX arrays are "
        "never changed in place).",
    ),
}
TAGGED = "Each comment tagged `# [{framework}]` marks a place where {name} differs from NumPy."


def with_dependencies(path: Path, package: str) -> list[Path]:
    """The file at `path`, preceded by every file of `package` it imports from (and theirs),
    each after the files it needs."""
    ordered: list[Path] = []

    def visit(path: Path) -> None:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(package + "."):
                needed = frameworks.module_file(node.module)
                if needed not in ordered:
                    visit(needed)
        ordered.append(path)

    visit(path)
    return ordered


def source_files(framework: str, network: str) -> list[Path]:
    """The implementation file, preceded by the files of its package it imports from."""
    return with_dependencies(show.source_path(framework, network), f"{framework}_impl")


def relative(path: Path) -> str:
    """The file's name from the repository's root, as a reader finds it."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:  # installed elsewhere: its package and name
        return f"{path.parent.name}/{path.name}"


def spec_sources(network: str) -> list[tuple[str, str]]:
    """(name, source) of the files that build the network's spec: its own file in
    shared/specs/ and the other networks' spec files it imports from (not the data and
    optimizer modules of shared/specs, which the text names), or, where the specs are one
    module, its builder function in shared/specs.py."""
    try:
        own = importlib.util.find_spec(f"shared.specs.{network}")
    except ModuleNotFoundError:  # shared.specs is a module, not a package
        own = None
    if own is not None:
        files = with_dependencies(Path(own.origin), "shared.specs")
        return [(relative(p), p.read_text()) for p in files if p.stem in specs.NETWORKS]
    text = Path(specs.__file__).read_text()
    node = next(
        n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == network
    )
    return [(f"shared/specs.py, function {network}", ast.get_source_segment(text, node))]


def _summary(docstring: str | None) -> str:
    """A docstring's first paragraph, on one line."""
    return " ".join((docstring or "").strip().split("\n\n")[0].split())


def cells(network: str) -> list[tuple[str, str]]:
    """(kind, text) of every cell, kind "markdown" or "code"."""
    entry = specs.NETWORKS[network]
    cells = [
        (
            "markdown",
            f"# {network}: {entry.description}\n\n{LESSONS[network]}\n\n"
            "Run it top to bottom: the spec, then the network in NumPy, PyTorch, Keras and "
            "JAX, each framework's files shown whole, as they are in this repository, and run; "
            "then the four compared. The notebook is generated from those files by "
            "`make notebooks`: to change it, change a file.",
        ),
        (
            "code",
            _SETUP.format(
                network=network,
                plot_import="import matplotlib.pyplot as plt\n" if trained_cases(network) else "",
            ),
        ),
    ]
    shown = "\n\n".join(
        f"`{name}`:\n\n```python\n{source.rstrip()}\n```" for name, source in spec_sources(network)
    )
    cells += [
        (
            "markdown",
            "## The spec\n\nThe data, the starting weights, the learning rate and the loss are "
            "written once, in `shared/specs`, and every framework loads them from there (no "
            "framework draws its own random start: each one's generator would give other "
            f"numbers).\n\n{shown}\n\nIts numbers, case by case:",
        ),
        ("code", "for case in cases(NETWORK):\n    print_spec(get_spec(NETWORK, case))"),
    ]
    for framework in FRAMEWORKS:
        cells += _framework_cells(network, framework)
    return cells + _results_cells(network)


# A framework's set-up module (Keras' float64 work-around, keras_impl/backend.py): imported
# like any other, shown once, at the end of the notebook, so that the lesson comes first
SETUP_FILES = ("backend.py",)


def setup_files(framework: str, network: str) -> list[Path]:
    """The set-up files among those the network's file imports from (SETUP_FILES)."""
    return [path for path in source_files(framework, network)[:-1] if path.name in SETUP_FILES]


def _framework_cells(network: str, framework: str) -> list[tuple[str, str]]:
    setup = setup_files(framework, network)
    files = [path for path in source_files(framework, network) if path not in setup]
    module = relative(files[-1])
    autodiff, model, loop = INTRODUCTIONS[framework]
    intro = " ".join(
        [autodiff]
        + ([model] if network != "chain_rule" else [])  # chain_rule is a graph: no weights
        + ([loop] if trained_cases(network) else [])
        + (
            [TAGGED.format(framework=framework, name=NAMES[framework])]
            if framework != "numpy"
            else []
        )
    )
    for path in setup:
        intro += (
            f" Its set-up, `{relative(path)}`, is imported like any module: "
            f"{_summary(ast.get_docstring(ast.parse(path.read_text())))} It is shown whole at "
            f"the end of this notebook."
        )
    cells = [("markdown", f"## {NAMES[framework]}\n\n{intro}")]
    for path in files:
        text = path.read_text()
        about = (
            "The network itself."
            if path == files[-1]
            else f"`{module}` imports from this file, so it comes first. "
            f"{_summary(ast.get_docstring(ast.parse(text)))}"
        )
        tags = [tag.text for tag in show.tags(text, framework)] if framework != "numpy" else []
        if tags:
            about += f"\n\nIts `# [{framework}]` comments:\n" + "\n".join(f"- {t}" for t in tags)
        cells += [("markdown", f"### `{relative(path)}`\n\n{about}"), ("code", text.rstrip())]
    run = f"{framework}_results = {{case: run(get_spec(NETWORK, case)) for case in cases(NETWORK)}}"
    if framework == "numpy":
        explain = (
            "Run it on every case of the spec. `run` is the function just defined; it "
            "returns the quantities the tutorial prints, as NumPy arrays."
        )
        report = "print_quantities(numpy_results)"
    else:
        label = "KERAS" if framework == "keras" else f'"{framework}"'
        explain = (
            "Run it, and check every quantity against NumPy's, within the bound "
            "`shared/checks/harness.py` sets (and explains) for one step or a whole training."
        )
        report = f"print_agreement(NETWORK, {label}, {framework}_results, numpy_results)"
    return [*cells, ("markdown", explain), ("code", f"{run}\n{report}")]


def _results_cells(network: str) -> list[tuple[str, str]]:
    cells = [
        (
            "markdown",
            "## The four, side by side\n\nEvery quantity in every framework. "
            "`within` is the most a framework may differ from NumPy: the four do the same "
            "float64 arithmetic in different orders, so they may disagree in the last bits "
            "(about 1e-16), and never by more than that bound.",
        ),
        (
            "code",
            "cross_check(\n    NETWORK,\n    {"
            '"numpy": numpy_results, "torch": torch_results, KERAS: keras_results, '
            '"jax": jax_results},\n)',
        ),
    ]
    for case in trained_cases(network):
        cells += [
            (
                "markdown",
                f"## Training loss ({case})\n\nThe loss recorded every few epochs, "
                "in each framework. The four lines lie on top of each other; the dashes and "
                "dots let you see all four.",
            ),
            ("code", _PLOT.format(case=case)),
        ]
    cells.append(("markdown", _errata_markdown(network)))
    for framework in ("numpy", "torch", "keras"):
        for path in setup_files(framework, network):
            text = path.read_text()
            cells += [
                ("markdown", f"## Set-up: `{relative(path)}`\n\n"
                 f"{_summary(ast.get_docstring(ast.parse(text)))} The {NAMES[framework]} "
                 "files above import it; it is shown here, after the lesson."),
                ("code", text.rstrip()),
            ]  # fmt: skip
    cells.append(("markdown", _exercises(network)))  # the last: the network as an exercise
    return cells


def _exercises(network: str) -> str:
    """The last cell: the commands that make this network an exercise, in each framework that
    marks its lessons (shared.checks.exercises)."""
    ready = [f for f in ("numpy", "torch", "keras") if network in exercises.available(f)]
    other = exercises.reused_exercise(network, "numpy")
    if not ready and other:
        return (
            f"## Try it yourself\n\n{network} trains {other}'s code, imported from its file: "
            f"its exercise is {other}'s (`rosetta exercise {other} --framework torch`, then "
            f"`rosetta check exercise_{other}_torch.py`; docs/exercises.md)."
        )
    if not ready:
        return f"## Try it yourself\n\n{network} is no exercise yet (docs/exercises.md)."
    commands = "\n".join(
        f"rosetta exercise {network} --framework {f}\nrosetta check exercise_{network}_{f}.py"
        for f in ready
    )
    return (
        "## Try it yourself\n\nWrite this network yourself: `rosetta exercise` writes a "
        "framework's file above with the lines that carry the lesson left as TODOs, and "
        "`rosetta check` grades your file against the NumPy float64 reference, quantity by "
        "quantity, naming the first that goes wrong and the likely mistake "
        f"(docs/exercises.md). In a terminal:\n\n```\n{commands}\n```"
    )


def trained_cases(network: str) -> list[str]:
    """The cases that record a training loss."""
    return [
        case
        for case, names in specs.NETWORKS[network].quantities.items()
        if "loss_history" in names
    ]


def _errata_markdown(network: str) -> str:
    entries = errata.by_network(network)
    if not entries:
        return "## Errata\n\nNo errata: the tutorial's figures for this network are right."
    parts = ["## Errata: where the tutorial is wrong"]
    for entry in entries:
        parts.append(f"### {entry.key}")
        parts.append(
            "\n".join(
                f"- **{label}:** {getattr(entry, name)}" for name, label in errata.FIELDS.items()
            )
        )
    return "\n\n".join(parts)


_SETUP = """\
import os

# Keras reads its backend once, when it is first imported: choose it before that
# ("tensorflow", "jax" or "torch"; the Keras code below is the same on all three)
os.environ["KERAS_BACKEND"] = "tensorflow"
# JAX computes in float32 (and says nothing) unless 64-bit floats are on before it is
# first imported
os.environ["JAX_ENABLE_X64"] = "1"

{plot_import}import numpy as np

from shared.checks.compare import keras_label
from shared.specs import cases, get_spec
from shared.views.tables import cross_check, print_agreement, print_quantities, print_spec

NETWORK = "{network}"
KERAS = keras_label(os.environ["KERAS_BACKEND"])"""

_PLOT = """\
every = get_spec(NETWORK, "{case}").loss_every
figure, ax = plt.subplots(figsize=(7, 4))
every_framework = {{
    "numpy": numpy_results, "torch": torch_results, KERAS: keras_results, "jax": jax_results
}}
for (label, results), style, width in zip(
    every_framework.items(),
    ["-", "--", ":", "-."],
    [4, 2.5, 2.5, 2],
    strict=True,
):
    losses = results["{case}"]["loss_history"]
    ax.plot(np.arange(len(losses)) * every, losses, style, label=label, linewidth=width)
ax.set(xlabel="epoch", ylabel="training loss", title=f"{{NETWORK}} ({case})")
ax.grid(alpha=0.3)
ax.legend()
plt.show()"""
