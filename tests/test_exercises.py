"""`rosetta exercise` and `rosetta check`: the exercises written from the lesson marks, and the
grading of a learner's file, row by row, with the catalogue of mistakes.

These tests grade in this process (shared.checks.grading.grade of the file's quantities);
tests/test_exercise_cli.py runs the commands, with their child process and its limits.
"""

from functools import cache
from pathlib import Path

import pytest

from shared.checks import exercises, grading, mistakes
from shared.checks.quantities import collect
from tests.conftest import FRAMEWORKS, load_implementation

# The networks every framework's exercises must cover (issue 24's "done when"); the
# frameworks with exercises cover them and may cover more
EXERCISE_NETWORKS = ("single_unit", "backprop_321", "gender_221")
MARKED = [
    (network, framework)
    for framework in FRAMEWORKS
    for network in exercises.available(FRAMEWORKS[framework][0])
]


@pytest.mark.parametrize("framework", ["numpy", "torch", "keras", "jax"])
def test_every_framework_with_exercises_covers_the_first_three_networks(framework):
    assert set(EXERCISE_NETWORKS) <= set(exercises.available(framework))
MARKED_IDS = [f"{network}-{framework}" for network, framework in MARKED]


def grade_text(tmp_path: Path, name: str, text: str, network: str, framework: str):
    """The report on `text` saved as a file, graded in this process."""
    path = tmp_path / f"{name}.py"
    path.write_text(text)
    module = grading._load(str(path))
    return grading.grade(str(path), network, framework, collect(module, network, str(path)))


@cache
def exercise_of(network: str, framework: str) -> tuple[str, tuple]:
    text, found = exercises.exercise(network, framework, f"exercise_{network}_{framework}.py")
    return text, tuple(found)


def describe(report) -> str:
    return "; ".join(
        f"{r.quantity} {r.status} {r.max_abs_diff} {r.message}"
        for r in report.rows
        if r.status != "agree"
    )


@pytest.mark.parametrize(("network", "framework"), MARKED, ids=MARKED_IDS)
def test_exercise_names_itself_and_stubs_every_lesson(network, framework):
    name = FRAMEWORKS[framework][0]
    text, found = exercise_of(network, name)
    first = text.splitlines()[0]
    assert exercises.identify(Path("x.py"), text) == (network, name), first
    source = exercises.module_path(network, name).read_text()
    assert len(found) == source.count("# lesson") - source.count("# lesson end")
    assert text.count("raise NotImplementedError(\"TODO") + text.count(
        "raise NotImplementedError('TODO"
    ) == len(found)
    compile(text, "exercise", "exec")
    # the stubs replace exactly the marked lines: filled in, the exercise is the module
    assert exercises.filled(text, list(found)).split("\n", 1)[1] == exercises.without_marks(source)


@pytest.mark.parametrize(("network", "framework"), MARKED, ids=MARKED_IDS)
def test_exercise_filled_with_the_modules_lines_agrees(network, framework, tmp_path):
    load_implementation(framework, network)
    name = FRAMEWORKS[framework][0]
    text, found = exercise_of(network, name)
    report = grade_text(tmp_path, "filled", exercises.filled(text, list(found)), network, name)
    assert report.ok, f"{network} in {framework}: {describe(report)}"
    assert report.first_failure is None


@cache
def not_written(network: str, framework: str, left: tuple[int, ...], folder: str) -> frozenset:
    """The quantities reported "not written" when only the stubs `left` are kept; asserts
    that every other quantity agrees."""
    text, found = exercise_of(network, framework)
    kept = exercises.filled(text, [lesson for k, lesson in enumerate(found) if k not in left])
    report = grade_text(Path(folder), f"left_{'_'.join(map(str, left))}", kept, network, framework)
    wrong = [r for r in report.rows if r.status not in ("agree", "not written")]
    assert not wrong, f"{network} in {framework}, stubs {left} left: {describe(report)}"
    return frozenset(r.quantity for r in report.rows if r.status == "not written")


@pytest.mark.parametrize(("network", "framework"), MARKED, ids=MARKED_IDS)
def test_untouched_exercise_reports_exactly_its_todo_quantities(network, framework, tmp_path):
    load_implementation(framework, network)
    name = FRAMEWORKS[framework][0]
    _, found = exercise_of(network, name)
    untouched = not_written(network, name, tuple(range(len(found))), str(tmp_path))
    assert untouched, f"{network} in {framework}: the untouched exercise has nothing to write"
    if name != "numpy":  # one stub at a time: in NumPy, where it costs milliseconds
        return
    each = [not_written(network, name, (k,), str(tmp_path)) for k in range(len(found))]
    for k, blocked in enumerate(each):
        assert blocked, f"{network}: the TODO {found[k].hint!r} blocks no quantity"
    # a quantity is "not written" exactly when some TODO stands in its way
    assert untouched == frozenset().union(*each)


def test_exercise_only_partly_done_reports_the_rest_not_written(tmp_path):
    """single_unit in NumPy with only `forward` written: its row agrees, the rest wait."""
    text, found = exercise_of("single_unit", "numpy")
    forward_only = exercises.filled(text, [found[0]])
    report = grade_text(tmp_path, "forward_only", forward_only, "single_unit", "numpy")
    status = {row.quantity: row.status for row in report.rows}
    assert status["example/forward"] == status["quiz/forward"] == "agree"
    assert status["example/error_term"] == "not written"
    assert report.first_failure.status == "not written"
    assert report.hint.startswith("not written yet:") and "TODO" in report.hint


# (framework, network, text in the module, the mistake, its catalogue key, first quantity)
MISTAKES = [
    ("numpy", "single_unit", "    error = y - y_hat\n", "    error = y_hat - y\n",
     "sign", "example/error"),
    ("numpy", "backprop_321", "grad_w_hidden_output = -(hidden.T",
     "grad_w_hidden_output = (hidden.T",
     "sign", "step/gradients.w_hidden_output"),
    ("numpy", "single_unit", "error_term = error * y_hat * (1 - y_hat)", "error_term = error",
     "derivative left out", "example/error_term"),
    ("numpy", "backprop_321", "hidden_error * derivative(activation, hidden)",
     "hidden_error * sigmoid(hidden) * (1 - sigmoid(hidden))",
     "derivative of the wrong value", "step/hidden_error_term"),
    ("numpy", "gender_221", "dL_dy_hat = -2 * (y - y_hat) / len(y)",
     "dL_dy_hat = -(y - y_hat) / len(y)",
     "factor 2", "worked_example/gradients.b_output"),
    ("numpy", "gender_221", "dL_dy_hat = -2 * (y - y_hat) / len(y)",
     "dL_dy_hat = -2 * (y - y_hat)",
     "sum vs mean", "trained/gradients.b_output"),
    ("numpy", "gender_221", "for x, y in zip(spec.X, spec.y, strict=True):",
     "for x, y in [(spec.X, spec.y)]:", "step per batch", "trained/one_epoch.W_input_hidden"),
    ("numpy", "gender_221", "for x, y in zip(spec.X, spec.y, strict=True):",
     "for x, y in zip(spec.X[[2, 0, 3, 1]], spec.y[[2, 0, 3, 1]], strict=True):",
     "records shuffled", "trained/one_epoch.W_input_hidden"),
    ("numpy", "xor_341",
     'optimizer.step(params, {name: -chain[f"step_{name}"] for name in params})',
     "[optimizer.step(params, gradients(params, spec.X[i : i + 1], spec.y[i : i + 1]))\n"
     "         for i in range(len(spec.y))]",
     "step per record", "trained/one_epoch.W_input_hidden"),
    ("numpy", "single_unit", 'return sigmoid(X @ params["w"])',
     'return sigmoid(X @ params["w"]).astype(np.float32)', "float32", "example/forward"),
    ("torch", "single_unit", "return 0.5 * F.mse_loss(y_hat, y)", "return F.mse_loss(y_hat, y)",
     "factor 2", "example/loss"),
    ("torch", "backprop_321", "    half_mse(model(X), y).backward()\n    return model.params",
     "    (-half_mse(model(X), y)).backward()\n    return model.params",
     "sign", "step/gradients.w_hidden_output"),
    ("torch", "gender_221", "    F.mse_loss(model(X), y).backward()\n    return model.params",
     "    (-F.mse_loss(model(X), y)).backward()\n    return model.params",
     "sign", "worked_example/gradients.b_output"),
    ("torch", "gender_221", "self.hidden.weight.copy_(W_input_hidden.T)",
     "self.hidden.weight.copy_(W_input_hidden)", "transposed", "trained/forward"),
    ("torch", "gender_221", "            optimizer.zero_grad()\n", "",
     "gradients accumulated", "trained/one_epoch.W_input_hidden"),
    ("torch", "gender_221", "    F.mse_loss(model(X), y).backward()\n    return model.params",
     "    F.mse_loss(model(X), y, reduction=\"sum\").backward()\n    return model.params",
     "sum vs mean", "trained/gradients.b_output"),
    ("keras", "single_unit", "return 0.5 * mse(y, y_hat)", "return mse(y, y_hat)",
     "factor 2", "example/loss"),
    ("keras", "gender_221",
     ("batches(X, y, 1), epochs=spec.epochs, steps_per_epoch=len(X)", "else len(X)\n"),
     ("batches(X, y, len(X)), epochs=spec.epochs, steps_per_epoch=1", "else 1\n"),
     "step per batch", "trained/one_epoch.W_input_hidden"),
    # the records in another order, as fit() takes them with its default shuffle=True on
    # arrays (fit(X, y, batch_size=1) draws a new order each epoch, but its 1000 epochs over
    # arrays cost 45 s on TensorFlow; the grading sees the mistake in the first epoch alone)
    ("keras", "gender_221", "model.fit(batches(X, y, 1),",
     "model.fit(batches(X[[2, 0, 3, 1]], y[[2, 0, 3, 1]], 1),",
     "records shuffled", "trained/one_epoch.W_input_hidden"),
    ("torch", "single_unit",
     ("w = torch.tensor(w)\n", "(torch.tensor(X)).numpy()",
      "return torch.tensor(np.atleast_2d(X)), torch.tensor(np.atleast_1d(y))"),
     ("w = torch.tensor(w, dtype=torch.float32)\n",
      "(torch.tensor(X, dtype=torch.float32)).numpy()",
      "return (torch.tensor(np.atleast_2d(X), dtype=torch.float32),\n"
      "            torch.tensor(np.atleast_1d(y), dtype=torch.float32))"),
     "float32", "example/forward"),
    ("jax", "single_unit", "half_mse_gradients = jax.jit(jax.grad(half_mse))",
     "half_mse_gradients = jax.jit(\n"
     "    lambda *args: jax.tree.map(jnp.negative, jax.grad(half_mse)(*args)))",
     "sign", "example/gradients.w"),
    ("jax", "gender_221", "return optax.apply_updates(params, updates), state\n",
     "return optax.apply_updates(params, jax.tree.map(jnp.negative, updates)), state\n",
     "sign", "trained/one_epoch.W_input_hidden"),
    ("jax", "single_unit", "jnp.mean(optax.losses.l2_loss(predict(params, X), y))",
     "jnp.mean(optax.losses.squared_error(predict(params, X), y))",
     "factor 2", "example/loss"),
]  # fmt: skip
CATALOGUE = {mistake.key: mistake for mistake in mistakes.CATALOGUE}


def test_every_catalogued_mistake_is_made_in_a_test():
    assert {m[4] for m in MISTAKES} == set(CATALOGUE)


TESTED_AS = {name: label for label, (name, _, _) in FRAMEWORKS.items()}  # keras: keras[backend]


@pytest.mark.parametrize(
    "made", MISTAKES, ids=[f"{TESTED_AS[m[0]]}-{m[1]}-{m[4].replace(' ', '_')}" for m in MISTAKES]
)
def test_catalogued_mistake_is_caught_at_its_first_quantity(made, tmp_path):
    framework, network, right, wrong, key, first = made
    load_implementation(TESTED_AS[framework], network)
    source = exercises.module_path(network, framework).read_text()
    pairs = zip(*(([right], [wrong]) if isinstance(right, str) else (right, wrong)), strict=True)
    for old, new in pairs:
        assert source.count(old) == 1, f"{framework}_impl/{network}.py no longer has {old!r}"
        source = source.replace(old, new)
    report = grade_text(tmp_path, "mistake", source, network, framework)
    assert not report.ok
    failure = report.first_failure
    assert failure.quantity == first, f"{key}: first {failure.quantity}, {describe(report)}"
    assert failure.status == "differ"
    assert report.hint == CATALOGUE[key].hint(framework), f"{key}: hint {report.hint!r}"


def test_a_difference_no_mistake_explains_says_so_with_the_numbers(tmp_path):
    source = exercises.module_path("single_unit", "numpy").read_text()
    wrong = source.replace("    error = y - y_hat\n", "    error = y - y_hat + 0.125\n")
    report = grade_text(tmp_path, "unknown", wrong, "single_unit", "numpy")
    assert report.first_failure.quantity == "example/error"
    assert report.hint.startswith("no catalogued mistake gives these numbers")
    assert repr(report.first_failure.yours) in report.hint


def test_docs_exercises_md_is_current():
    text = exercises.DOCS.read_text()
    assert exercises.BEGIN_GENERATED in text
    generated = text.split(exercises.BEGIN_GENERATED, 1)[1].lstrip("\n")
    assert generated == exercises.markdown(), "run: python -m shared.checks.exercises"


def test_lesson_marks_never_line_the_files_up_in_show():
    from shared.views import show

    assert show.anchor_key("    # lesson: the forward pass") is None
    assert show.anchor_key("    # lesson begin: the steps") is None
    assert show.anchor_key("    # lesson end") is None
    assert show.anchor_key("    # y_hat = sigmoid(X @ w)   (n,)") is not None


def test_a_quantity_of_another_shape_differs_and_says_so(tmp_path):
    source = exercises.module_path("single_unit", "numpy").read_text()
    right = 'return sigmoid(X @ params["w"])'
    wrong = source.replace(right, right + ".reshape(-1)")
    report = grade_text(tmp_path, "shape", wrong, "single_unit", "numpy")
    assert report.first_failure.quantity == "example/forward"
    assert report.first_failure.status == "differ"
    assert report.hint.startswith("yours has shape (1,), the reference ()")



def test_a_top_level_mark_is_over_an_assignment_and_its_stub_a_function_that_raises():
    """A `raise` at a module's top level would stop its import (JAX's jitted jax.grad)."""
    with pytest.raises(exercises.ExerciseError, match="top level must be over one assignment"):
        exercises.lessons("# lesson: say it\nprint(1)\n")
    (lesson,) = exercises.lessons("# lesson: the largest\n# a comment\nbiggest = max\n")
    assert lesson.target == "biggest" and lesson.original == ("# a comment", "biggest = max")
    space: dict = {}
    exec("\n".join(lesson.stub()), space)  # defines the stub, raises nothing
    with pytest.raises(NotImplementedError, match=r"^TODO: the largest$"):
        space["biggest"](1, 2)
