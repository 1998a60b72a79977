"""--optimizer and --activation: NumPy's rules against closed forms, every framework against
NumPy (within harness.bounds), Keras' formula differences marked, finite differences."""

import json
import os
import sys
import types
from functools import cache, partial

import numpy as np
import pytest

from numpy_impl import optimizers
from shared import cli
from shared.checks import compare, harness
from shared.checks.harness import FINITE_DIFFERENCE_RELATIVE, gradient_check, random_params
from shared.specs import get_spec, override
from shared.specs.optimizers import MOMENTUM, RHO
from tests.conftest import FRAMEWORK_PACKAGES, OTHER_FRAMEWORKS, load_implementation, quantities

LR = 0.1
G1 = np.array([0.3, -2.0, 1e-3])  # two gradients, in every sign and size
G2 = np.array([-0.1, 0.5, 4.0])


def two_steps(optimizer: object) -> tuple[np.ndarray, np.ndarray]:
    params = {"p": np.zeros(3)}
    optimizer.step(params, {"p": G1})
    first = params["p"].copy()
    optimizer.step(params, {"p": G2})
    return first, params["p"]


@pytest.mark.parametrize(
    ("name", "expected_first", "expected_second"),
    [
        # p1 = -lr g1;  p2 = p1 - lr (mu g1 + g2)
        ("sgd", -LR * G1, -LR * G1 - LR * G2),
        ("momentum", -LR * G1, -LR * G1 - LR * (MOMENTUM * G1 + G2)),
        # nesterov: b1 = g1, step g1 + mu g1;  b2 = mu g1 + g2, step g2 + mu b2
        ("nesterov", -LR * (1 + MOMENTUM) * G1, None),
        # v1 = (1 - rho) g1^2: the first step is lr sign(g1) / sqrt(1 - rho), at eps = 0
        ("rmsprop", -LR * np.sign(G1) / np.sqrt(1 - RHO), None),
        # m_hat1 = g1, v_hat1 = g1^2: the first step is lr sign(g1), at eps = 0 (Algorithm 1)
        ("adam", -LR * np.sign(G1), None),
    ],
)
def test_numpy_update_rules_against_closed_forms(name, expected_first, expected_second):
    spec = override(get_spec("admissions", "trained"), lr=LR, optimizer=name, eps=0.0)
    first, second = two_steps(optimizers.make(spec))
    np.testing.assert_allclose(first, expected_first, rtol=1e-15, atol=0, err_msg=name)
    if expected_second is not None:
        np.testing.assert_allclose(second, expected_second, rtol=1e-15, atol=0, err_msg=name)


def test_adam_second_step_is_algorithm_1():
    """m and v of Algorithm 1, corrected by 1 - b^2, computed here from the definitions."""
    spec = override(get_spec("admissions", "trained"), lr=LR, optimizer="adam", eps=1e-3)
    _, second = two_steps(optimizers.make(spec))
    m = 0.9 * 0.1 * G1 + 0.1 * G2
    v = 0.999 * 0.001 * G1**2 + 0.001 * G2**2
    step2 = LR * (m / (1 - 0.9**2)) / (np.sqrt(v / (1 - 0.999**2)) + 1e-3)
    step1 = LR * G1 / (np.abs(G1) + 1e-3)
    np.testing.assert_allclose(second, -step1 - step2, rtol=1e-14)


# A few runs, not the whole matrix: each optimizer once, on networks where it is well
# conditioned and where it is not (admissions_mlp's RMSprop amplifies ulps: harness.bounds).
RUNS = {
    "gender_221-adam-eps0": ("gender_221", {"optimizer": "adam", "eps": 0.0, "epochs": 50}),
    "admissions_mlp-adam-eps0": (
        "admissions_mlp",
        {"optimizer": "adam", "eps": 0.0, "epochs": 300},
    ),
    "admissions_mlp-rmsprop-eps0": (
        "admissions_mlp",
        {"optimizer": "rmsprop", "eps": 0.0, "epochs": 300},
    ),
    "xor_341-momentum": ("xor_341", {"optimizer": "momentum", "epochs": 300}),
    "admissions-nesterov": ("admissions", {"optimizer": "nesterov", "epochs": 300}),
    "admissions_mlp-tanh": ("admissions_mlp", {"activation": "tanh", "lr": 0.5, "epochs": 300}),
    "xor_341-relu": ("xor_341", {"activation": "relu", "lr": 0.1, "epochs": 300}),
    "gender_221-tanh-nesterov": (
        "gender_221",
        {"activation": "tanh", "optimizer": "nesterov", "epochs": 50},
    ),
}


@cache
def bounds_of(run: str) -> dict[str, float]:
    network, options = RUNS[run]
    expected = quantities(network, "trained", "numpy", **options)
    return harness.bounds(override(get_spec(network, "trained"), **options), "float64", expected)


@pytest.mark.parametrize("framework", OTHER_FRAMEWORKS)
@pytest.mark.parametrize("run", RUNS)
def test_optimizers_and_activations_agree_with_numpy(run, framework):
    network, options = RUNS[run]
    got = quantities(network, "trained", framework, **options)
    expected = quantities(network, "trained", "numpy", **options)
    default = quantities(network, "trained", "numpy")
    assert any(not np.array_equal(expected[q], default[q]) for q in expected), "no change"
    bounds = bounds_of(run)
    for quantity, value in expected.items():
        diff = float(np.max(np.abs(got[quantity] - value), initial=0.0))
        assert diff <= bounds[quantity], (
            f"{run} {framework} {quantity}: max |{framework} - numpy| = {diff:.3e} "
            f"> {bounds[quantity]:.1e}"
        )


def test_bounds_are_derived_only_where_the_training_amplifies_ulps():
    """float64's rounding moves admissions_mlp's RMSprop-trained weights by ~1e-3 (measured in
    extended precision): the bound follows; Adam's weights stay near the spec's bound."""
    rmsprop = override(get_spec("admissions_mlp", "trained"), optimizer="rmsprop", eps=0.0)
    bounds = harness.bounds(
        rmsprop,
        "float64",
        quantities("admissions_mlp", "trained", "numpy", optimizer="rmsprop", eps=0.0),
    )
    assert bounds["final_W_input_hidden"] > 1e-4
    adam = override(get_spec("admissions_mlp", "trained"), optimizer="adam", eps=0.0)
    bounds = harness.bounds(
        adam, "float64", quantities("admissions_mlp", "trained", "numpy", optimizer="adam", eps=0.0)
    )
    assert max(bounds.values()) < 10 * harness.OTHER_OPTIMIZER
    assert bounds["loss_history"] == harness.OTHER_OPTIMIZER


@pytest.mark.parametrize("framework", OTHER_FRAMEWORKS)
def test_formula_differences_are_marked_not_failed(framework):
    """Keras' RMSprop and Adam at eps > 0 are other math: the row reports the difference and
    the formula, and does not fail; at eps = 0, and for torch, there is no formula."""
    spec = override(get_spec("admissions_mlp", "trained"), optimizer="adam", eps=1e-8)
    formula = harness.formula_difference(spec, framework)
    assert bool(formula) == framework.startswith("keras")
    assert not harness.formula_difference(override(spec, eps=0.0), framework)
    reference = {"q": np.zeros(2)}
    rows = compare.compare_rows("n", "c", framework, {"q": np.ones(2)}, reference, 1e-14, formula)
    assert rows[0].max_abs_diff == 1.0
    assert rows[0].ok == bool(formula) and rows[0].formula == formula


ACTIVATION_NETWORKS = ["gender_221", "admissions_mlp", "xor_341"]


def away_from_the_kink(spec: object) -> dict:
    """Random parameters with every hidden pre-activation at least 1e-3 from 0: relu has no
    derivative at 0, and a finite difference across it (steps of 2e-4) measures neither side."""
    for seed in range(2, 100):
        params = random_params(spec, seed=seed)
        z = spec.X @ params["W_input_hidden"] + params.get("b_hidden", 0.0)
        if np.min(np.abs(z)) > 1e-3:
            return params
    raise AssertionError(f"{spec.network}: no random start away from relu's kink")


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("framework", FRAMEWORK_PACKAGES)
@pytest.mark.parametrize("network", ACTIVATION_NETWORKS)
def test_activation_gradients_match_finite_differences(network, framework, activation):
    implementation = load_implementation(framework, network)
    spec = get_spec(network, "trained")
    with_activation = types.SimpleNamespace(
        loss=partial(implementation.loss, activation=activation),
        gradients=partial(implementation.gradients, activation=activation),
    )
    errors = gradient_check(with_activation, away_from_the_kink(spec), spec.X, spec.y)
    worst = max(errors, key=errors.get)
    assert errors[worst] <= FINITE_DIFFERENCE_RELATIVE, (
        f"{network} {framework} {activation}: gradient of {worst} differs from finite "
        f"differences by relative {errors[worst]:.3e} > {FINITE_DIFFERENCE_RELATIVE:.0e}"
    )


# --- the command line ---------------------------------------------------------------------


def test_run_json_reports_the_options_and_trains_with_them(capsys):
    assert cli.main(["run", "gender_221", "--optimizer", "adam", "--eps", "0", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["case"] == "trained"  # an option of the training picks the trained case
    assert (report["optimizer"], report["eps"], report["activation"]) == ("adam", 0.0, "sigmoid")
    expected = quantities("gender_221", "trained", "numpy", optimizer="adam", eps=0.0)
    default = quantities("gender_221", "trained", "numpy")
    got = np.array(report["quantities"]["loss_history"])
    assert np.array_equal(got, expected["loss_history"])
    assert not np.array_equal(got, default["loss_history"])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["run", "single_unit", "--optimizer", "adam"], ["--optimizer", "single_unit", "xor_341"]),
        (["run", "admissions", "--activation", "relu"], ["--activation", "admissions_mlp"]),
        (["run", "admissions_mlp", "--eps", "1e-3"], ["--eps", "rmsprop", "adam", "sgd"]),
        (["run", "admissions_mlp", "--optimizer", "adam", "--eps", "-1"], ["--eps", "'-1'"]),
        (["run", "xor_341", "--optimizer", "adagrad"], ["'adagrad'", "nesterov", "rmsprop"]),
        (["compare", "chain_rule", "--optimizer", "adam"], ["--optimizer", "chain_rule"]),
        (
            ["run", "gender_221", "--case", "worked_example", "--activation", "tanh"],
            ["worked_example", "does not train", "--case trained"],
        ),
    ],
    ids=[
        "no-training",
        "no-hidden-layer",
        "eps-for-sgd",
        "negative-eps",
        "unknown",
        "compare",
        "worked-example",
    ],
)
def test_options_that_cannot_apply_exit_2_with_one_line(capsys, args, words):
    with pytest.raises(SystemExit) as exit_:
        cli.main(args)
    assert exit_.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    for word in words:
        assert word in lines[0], (word, lines[0])


@pytest.mark.parametrize(("eps", "marked"), [(0.0, False), (1e-8, True)])
def test_compare_marks_the_formula_rows_of_adam(capsys, eps, marked):
    """At eps > 0 Keras' Adam is other math: its rows carry the formula and the difference it
    makes, and the comparison still passes; at eps = 0 no row differs."""
    label = f"keras[{os.environ['KERAS_BACKEND']}]"
    pytest.importorskip("keras_impl.backend")
    args = ["compare", "admissions", "--optimizer", "adam", "--eps", str(eps), "--json"]
    assert cli.main([*args, "--keras-backend", os.environ["KERAS_BACKEND"]]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    keras_rows = [row for row in rows if row["framework"] == label]
    torch_rows = [row for row in rows if row["framework"] == "torch"]
    assert keras_rows and torch_rows
    # nothing differs but by a formula (admissions' Adam-trained weights cannot tell: float64's
    # rounding moves them by 1e-1 of their size; their tellable prefix agrees)
    assert all(row["verdict"] != "differ" or row["formula"] for row in rows)
    assert all(bool(row["formula"]) == marked for row in keras_rows)
    assert not any(row["formula"] for row in torch_rows)
    if marked:
        assert "sqrt(1-b2^t)" in keras_rows[0]["formula"]
        assert max(row["max_abs_diff"] for row in keras_rows) > 1e-12  # measured, not hidden


def test_compare_passes_the_options_to_each_keras_child(monkeypatch):
    """`--keras-backend all` runs each backend in a child: it gets the same options."""
    started = []
    monkeypatch.setattr(
        compare.children, "start", lambda command, *_, **__: started.append(command)
    )
    options = {"lr": None, "optimizer": "adam", "eps": 0.0, "activation": "tanh"}
    compare.compare_keras_in_child(["admissions_mlp"], "jax", "float64", options)
    assert "--optimizer=adam" in started[0] and "--eps=0.0" in started[0]
    assert "--activation=tanh" in started[0] and not any("--lr" in arg for arg in started[0])
    command = started[0]
    assert command[:4] == [sys.executable, "-P", "-m", "shared.cli"]  # -P: not the user's cwd
    assert cli.build_parser().parse_args(command[4:]).eps == 0.0
