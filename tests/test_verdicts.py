"""Issue 28/29: three verdicts (agree, differ, cannot tell), the tellable prefix of a chaotic
training, and a run that cannot finish as a row of its own."""

import numpy as np
import pytest

from shared.checks import compare, harness
from shared.specs import get_spec, override
from tests.conftest import FRAMEWORKS, OTHER_FRAMEWORKS, load_implementation, quantities

# admissions_mlp under RMSprop at eps 0 and lr 0.01 is chaotic (docs/numerics.md): the
# preconditioned sharpness lr * max eig(diag(v)^-1/2 H) passes 2 near epoch 390, and from
# there a one-ulp difference grows about 1e10-fold in 80 epochs
CHAOTIC = {"optimizer": "rmsprop", "eps": 0.0, "lr": 0.01}


@pytest.mark.parametrize(
    ("diff", "limit", "sensitivity", "expected"),
    [
        (1e-15, 1e-14, 0.0, harness.AGREE),
        (1e-13, 1e-14, 0.0, harness.DIFFER),
        (1e-13, 1e-14, 2e-6, harness.CANNOT_TELL),  # beyond a bound with no power
        (1e-15, 1e-14, 1e-7, harness.AGREE),
    ],
    ids=["within", "beyond", "no-power", "some-power"],
)
def test_verdict(diff, limit, sensitivity, expected):
    got = harness.verdict(diff, limit, sensitivity)
    assert got == expected, f"diff {diff:g}, bound {limit:g}, sensitivity {sensitivity:g}: {got}"


def _chaotic_spec(epochs: int | None = None):
    spec = override(get_spec("admissions_mlp", "trained"), **CHAOTIC)
    return spec if epochs is None else override(spec, epochs=epochs)


def _sensitivity(epochs: int) -> float:
    spec = _chaotic_spec(epochs)
    reference = quantities("admissions_mlp", "trained", "numpy", **CHAOTIC, epochs=epochs)
    return max(harness.check_bounds(spec, "float64", reference)[1].values())


def test_chaotic_training_cannot_tell_and_its_prefix_can():
    """The whole training's weights move by more than NO_POWER under rounding alone; the
    prefix is the longest tellable one: under TELLABLE at its end, not one epoch later."""
    whole = _sensitivity(900)
    assert whole > harness.NO_POWER, f"admissions_mlp rmsprop: sensitivity {whole:.1e}"
    epochs = harness.tellable_prefix(_chaotic_spec())
    assert epochs is not None and 1 < epochs < 900
    at, after = _sensitivity(epochs), _sensitivity(epochs + 1)
    assert at < harness.TELLABLE <= after, (
        f"admissions_mlp rmsprop prefix {epochs}: sensitivity {at:.1e} there, {after:.1e} after"
    )
    # the growth starts where the preconditioned sharpness passes 2 (measured: epoch ~390,
    # docs/numerics.md), not at the first epochs
    assert 300 < epochs < 460, epochs


def test_tutorial_trainings_keep_their_measured_bounds():
    """SGD at the tutorial's lr: the fixed tolerances, sensitivity 0 (nothing derived)."""
    spec = get_spec("gender_221", "trained")
    reference = quantities("gender_221", "trained", "numpy")
    limits, sensitivities = harness.check_bounds(spec, "float64", reference)
    assert set(limits.values()) == {harness.TRAINING}
    assert set(sensitivities.values()) == {0.0}


@pytest.mark.parametrize("framework", OTHER_FRAMEWORKS)
def test_compare_reports_cannot_tell_and_checks_the_prefix(framework, monkeypatch):
    load_implementation(framework, "admissions_mlp")
    name = FRAMEWORKS[framework][0]
    rows, _, _ = compare.compare_in_process(["admissions_mlp"], [name], "float64", print, CHAOTIC)
    whole = {r.quantity: r for r in rows if r.epochs is None}
    prefix = [r for r in rows if r.epochs is not None]
    for quantity in ("final_W_input_hidden", "final_w_hidden_output"):
        row = whole[quantity]
        assert row.verdict == harness.CANNOT_TELL and row.sensitivity > harness.NO_POWER, (
            f"admissions_mlp {framework} {quantity}: {row.verdict}, "
            f"sensitivity {row.sensitivity:.1e}"
        )
        assert not row.ok and not row.failed  # not counted as ok; no failure either
    assert prefix, f"admissions_mlp {framework}: no prefix rows"
    for row in prefix:
        assert row.verdict == harness.AGREE, (
            f"admissions_mlp {framework} first {row.epochs} epochs {row.quantity}: "
            f"|diff| {row.max_abs_diff:.2e} > {row.tolerance:.1e}"
        )
        assert row.tolerance < 1e-10  # the tight bound, not the chaotic one
    assert compare.overall(rows) == harness.CANNOT_TELL


@pytest.mark.parametrize(
    ("network", "options", "kind", "words"),
    [
        ("admissions_logit", {"lr": 1e-3}, compare.NOT_CONVERGED, ["gradient's norm", "5000"]),
        ("admissions_logit", {"lr": 1e307}, compare.DIVERGED, ["diverged", "epoch 0"]),
    ],
    ids=["not-converged", "diverged"],
)
def test_a_run_that_cannot_finish_is_a_row_of_its_own(network, options, kind, words):
    """The reference and torch each get a row with the error; the other network is still
    compared, and the verdict fails."""
    load_implementation("torch", network)
    rows, _, _ = compare.compare_in_process([network, "single_unit"], ["torch"], "float64",
                                            lambda _: None, options)  # fmt: skip
    stopped = [r for r in rows if r.network == network]
    assert {r.framework for r in stopped} == {compare.REFERENCE, "torch"}, stopped
    for row in stopped:
        assert row.verdict == kind and row.failed and row.max_abs_diff is None, row
        for word in words:
            assert word in row.detail, (network, row.framework, word, row.detail)
    others = [r for r in rows if r.network == "single_unit"]
    assert others and all(r.verdict == harness.AGREE for r in others)
    assert compare.overall(rows) == harness.DIFFER


def test_float32_overflow_in_torch_is_a_divergence():
    """torch's "value cannot be converted to type float without overflow" (Adam's step size
    at --lr 1e38 in float32) is reported as the training diverging, as NumPy's infinite loss
    is."""
    load_implementation("torch", "admissions")
    with pytest.raises(harness.reports.DivergedError, match="overflowed float32 in torch"):
        harness.run_quantities(
            "admissions", "trained", "torch", "float32", optimizer="adam", lr=1e38
        )


def test_json_report_counts_each_verdict():
    rows = [
        compare.Row("n", "c", "q1", "torch", 0.0, 1e-14, True, verdict=harness.AGREE),
        compare.Row(
            "n", "c", "q2", "torch", 1.0, 0.1, False, verdict="cannot tell", sensitivity=0.01
        ),
    ]
    report = compare.report(rows, "float64", {}, {}, {})
    assert report["verdict"] == harness.CANNOT_TELL and report["ok"] is False
    assert report["counts"][harness.AGREE] == 1 and report["counts"][harness.CANNOT_TELL] == 1
    assert report["rows"][1]["verdict"] == "cannot tell"
    assert np.isfinite(report["rows"][1]["sensitivity"])
