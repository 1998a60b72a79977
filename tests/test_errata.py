"""Every erratum recomputed: the tutorial's claim is wrong and ours is right, in every
framework where one applies. Each entry of shared/checks/errata.py names its test here."""

import ast
import re
from pathlib import Path

import numpy as np
import pytest

from shared.checks import errata
from shared.checks.harness import finite_difference_gradients
from shared.specs import get_spec, override, start_params
from tests.conftest import FRAMEWORK_PACKAGES, load_implementation, quantities

ROOT = Path(__file__).resolve().parent.parent


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


@pytest.mark.parametrize("entry", errata.ERRATA, ids=[e.key for e in errata.ERRATA])
def test_every_entry_names_a_test_in_this_module(entry):
    path, name = entry.proof.split("::")
    assert path == "tests/test_errata.py", f"{entry.key}: proof {entry.proof}"
    assert callable(globals().get(name)), f"{entry.key}: no test named {name}"
    for field, text in entry.as_dict().items():
        assert text.strip(), f"{entry.key}: empty {field}"


def test_docs_page_is_generated_from_the_entries():
    page = (ROOT / "docs" / "errata.md").read_text()
    assert page == errata.to_markdown() + "\n", (
        "docs/errata.md is stale: run `rosetta errata --markdown > docs/errata.md`"
    )


@pytest.mark.parametrize("framework", FRAMEWORK_PACKAGES)
def test_chain_rule_dJ_db_is_4_not_2(framework):
    spec = get_spec("chain_rule", "graph")
    got = quantities("chain_rule", "graph", framework)
    numpy_impl = load_implementation("numpy", "chain_rule")
    by_differences = finite_difference_gradients(
        numpy_impl.loss, start_params(spec), spec.X, spec.y
    )
    assert abs(by_differences["b"] - 4) < 1e-9, f"finite differences give {by_differences['b']}"
    assert got["dJ_db"] == 4.0, f"chain_rule {framework} dJ_db = {got['dJ_db']}, expected 4"
    assert spec.claims["dJ_db"] == 2.0 != got["dJ_db"]
    for name in ("dJ_da", "dJ_dc"):  # the tutorial's other two derivatives are right
        assert got[name] == spec.claims[name], f"chain_rule {framework} {name} = {got[name]}"


def figure(entry_key: str, label: str) -> float:
    """The number after `label` in an entry's text, as the reader sees it."""
    entry = next(e for e in errata.ERRATA if e.key == entry_key)
    return float(re.search(rf"{label} (\d\.\d+)", entry.truth).group(1))


@pytest.mark.parametrize("framework", FRAMEWORK_PACKAGES)
def test_admissions_mlp_printed_loss_is_one_record(framework):
    spec = get_spec("admissions_mlp", "trained")
    got = quantities("admissions_mlp", "trained", framework)
    W1, w2 = got["final_W_input_hidden"], got["final_w_hidden_output"]
    # the tutorial's lines, with x = the last record of its loop over the training set
    x = spec.X[-1]
    out = sigmoid(sigmoid(x @ W1) @ w2)
    printed = np.mean((out - spec.y) ** 2)
    true_mse = np.mean((sigmoid(sigmoid(spec.X @ W1) @ w2) - spec.y) ** 2)
    assert abs(true_mse - got["train_mse"]) < 1e-12, f"{framework}: train_mse {got['train_mse']}"
    assert round(printed, 4) == figure("admissions_mlp_printed_loss", "prints"), (
        f"admissions_mlp {framework}: the tutorial's formula gives {printed:.6f}"
    )
    assert round(true_mse, 4) == figure("admissions_mlp_printed_loss", "MSE is")
    assert abs(printed - true_mse) > 0.01


@pytest.mark.parametrize("framework", FRAMEWORK_PACKAGES)
def test_admissions_mlp_lr_0005_barely_moves(framework):
    spec = get_spec("admissions_mlp", "trained")
    slow = quantities("admissions_mlp", "trained", framework)
    fast = quantities("admissions_mlp", "trained", framework, lr=0.5)
    history = slow["loss_history"]
    assert spec.lr == 0.005 and history.min() > 0.25 and history.max() < 0.27, (
        f"admissions_mlp {framework}: lr 0.005 loss curve spans {history.min():.4f}.."
        f"{history.max():.4f}"
    )
    majority = np.mean(spec.y_test == 0)  # predicting 'not admitted' for everyone
    assert majority == 0.75 and slow["test_accuracy"] == 0.425 < majority
    # NETWORKS.md: from the same start, lr = 0.5 reaches accuracy 0.75 and MSE 0.19991
    assert fast["test_accuracy"] == 0.75, f"{framework}: {fast['test_accuracy']}"
    assert abs(fast["train_mse"] - 0.19991) < 5e-6, f"{framework}: {fast['train_mse']}"
    np.testing.assert_array_equal(fast["initial_W_input_hidden"], spec.W_input_hidden)


def test_single_unit_quiz_input_is_a_syntax_error():
    with pytest.raises(SyntaxError):
        ast.parse("x = np.array([1, 2. 3, 4])")
    ast.parse("x = np.array([1, 2, 3, 4])")
    assert get_spec("single_unit", "quiz").X.tolist() == [1, 2, 3, 4]
    output = quantities("single_unit", "quiz", "numpy")["output"]
    assert abs(output - 0.6899744811276125) < 1e-12  # the quiz's printed output


@pytest.mark.parametrize("framework", FRAMEWORK_PACKAGES)
def test_xor_thread_update_is_gradient_descent(framework):
    spec = get_spec("xor_341", "trained")
    # the thread's code, line by line, at the starting weights
    W1, W2, y = spec.W_input_hidden, spec.W_hidden_output, spec.y.reshape(-1, 1)
    a1 = sigmoid(spec.X @ W1)
    a2 = sigmoid(a1 @ W2)
    delta2 = (y - a2) * a2 * (1 - a2)
    delta1 = (delta2 @ W2.T) * a1 * (1 - a1)
    got = quantities("xor_341", "trained", framework)
    for name, thread_step in (
        ("W_hidden_output", a1.T @ delta2),
        ("W_input_hidden", spec.X.T @ delta1),
    ):
        grad_diff = np.max(np.abs(got[f"grad_{name}"] + thread_step))
        step_diff = np.max(np.abs(got[f"del_{name}"] - spec.lr * thread_step))
        assert grad_diff < 1e-15, f"xor_341 {framework}: grad_{name} + thread step {grad_diff:.2e}"
        assert step_diff < 1e-15, f"xor_341 {framework}: del_{name} - thread step {step_diff:.2e}"


def thread_training(spec) -> tuple[np.ndarray, np.ndarray]:
    """The thread's loop, line by line (lr = 1): the a2 it prints, and the output after it."""
    W1, W2, y = spec.W_input_hidden.copy(), spec.W_hidden_output.copy(), spec.y.reshape(-1, 1)
    for _ in range(spec.epochs):
        a1 = sigmoid(spec.X @ W1)
        a2 = sigmoid(a1 @ W2)
        delta2 = (y - a2) * a2 * (1 - a2)
        delta1 = (delta2 @ W2.T) * a1 * (1 - a1)
        W2 += a1.T @ delta2
        W1 += spec.X.T @ delta1
    return a2[:, 0], sigmoid(sigmoid(spec.X @ W1) @ W2)[:, 0]


@pytest.mark.parametrize("framework", FRAMEWORK_PACKAGES)
def test_xor_printed_output_is_before_the_last_update(framework):
    spec = get_spec("xor_341", "trained")
    printed, trained = thread_training(spec)
    before_last = thread_training(override(spec, epochs=spec.epochs - 1))[1]
    assert np.max(np.abs(printed - before_last)) < 1e-15  # the output after 999 updates
    got = quantities("xor_341", "trained", framework)
    for name, expected in (("printed_output", printed), ("output", trained)):
        diff = float(np.max(np.abs(got[name] - expected)))
        assert diff < 1e-12, f"xor_341 {framework} {name}: {diff:.2e} from the thread's loop"
    assert np.min(np.abs(got["printed_output"] - got["output"])) > 1e-5
    half_sse = [0.5 * np.sum((spec.y - a2) ** 2) for a2 in (got["output"], printed)]
    entry = "xor_341_printed_output_before_last_update"
    assert round(half_sse[0], 5) == figure(entry, "is")
    assert round(half_sse[1], 5) == figure(entry, "and")
