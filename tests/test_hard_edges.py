"""Issues 28 and 29, run as a user runs `rosetta`: verdicts and exit statuses, a run that
cannot finish inside compare, one set of bounds for --lr and --eps in every command, options
that would change nothing, near-miss names, help, saturation."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli import in_process

ROSETTA = str(Path(sys.executable).with_name("rosetta"))


def rosetta(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([ROSETTA, *args], capture_output=True, text=True, timeout=300)


def one_line(result: subprocess.CompletedProcess) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def usage_error(capsys: pytest.CaptureFixture, args: list[str], words: list[str]) -> None:
    """`rosetta ARGS` exits 2 with one line holding every one of `words`."""
    result = in_process(capsys, *args)
    assert result.returncode == 2, result.stderr
    line = one_line(result)
    for word in words:
        assert word in line, (args, word, line)


# --- 29.1: a run that cannot finish is a row of its own -------------------------------------


@pytest.mark.parametrize(
    ("args", "kind", "words", "other"),
    [
        (["admissions_logit", "--lr", "1e-3"], "not converged", ["5000 epochs", "7.05"], "agree"),
        (["admissions_logit", "--lr", "1e307"], "diverged", ["epoch 0", "inf"], None),
        (
            ["admissions", "--dtype", "float32", "--optimizer", "adam", "--lr", "1e38"],
            "diverged",
            ["overflowed float32 in torch"],
            None,
        ),
        (
            ["admissions_logit", "--dtype", "float32"],
            "not converged",
            ["stalls at 1.0e-07"],
            "agree",
        ),
    ],
    ids=["not-converged", "diverged", "torch-float32-overflow", "float32-stall"],
)
def test_compare_reports_a_training_error_as_a_row_and_compares_the_rest(
    capsys, args, kind, words, other
):
    """One JSON document on stdout with the error row (its epoch or norm in the detail), the
    other network still compared (gender_221 also trains, so it takes the same options), exit
    status 1."""
    network = args[0]
    result = in_process(
        capsys, "compare", network, "gender_221", *args[1:], "--frameworks", "torch", "--json"
    )
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)  # exactly one document
    assert report["verdict"] == "differ" and report["counts"][kind] >= 1
    stopped = [r for r in report["rows"] if r["network"] == network]
    assert stopped and all(r["verdict"] == kind for r in stopped), stopped
    assert any(r["framework"] == "torch" for r in stopped)
    for word in words:
        assert any(word in r["detail"] for r in stopped), (network, word, stopped[0]["detail"])
    others = [r for r in report["rows"] if r["network"] == "gender_221"]
    assert others, "gender_221 was not compared"
    if other is not None:
        assert all(r["verdict"] == other for r in others), others


def test_compare_table_ends_with_the_stall_in_words(capsys):
    """float32 is first class: the table, then why admissions_logit cannot converge."""
    result = in_process(
        capsys, "compare", "admissions_logit", "gender_221", "--dtype", "float32",
        "--frameworks", "numpy,torch",
    )  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "NOT CONVERGED" in result.stdout and "gender_221" in result.stdout
    assert "float32's rounding" in result.stdout and "the bound is 1e-08" in result.stdout
    assert "try more --epochs" not in result.stdout  # advice that cannot work


@pytest.mark.subprocesses
def test_run_torch_float32_overflow_is_one_line():
    result = rosetta(
        "run", "admissions", "--framework", "torch", "--dtype", "float32",
        "--optimizer", "adam", "--lr", "1e38",
    )  # fmt: skip
    assert result.returncode == 1
    assert "diverged" in result.stderr.splitlines()[-1] and "Traceback" not in result.stderr


# --- 28.1: cannot tell is not a failure, and is said --------------------------------------


def test_compare_chaotic_training_cannot_tell_and_exits_0(capsys):
    result = in_process(
        capsys, "compare", "admissions_mlp", "--optimizer", "rmsprop", "--eps", "0",
        "--lr", "0.01", "--frameworks", "torch",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith("admissions_mlp"))
    assert "cannot tell" in line and "agree" in line, line  # the prefix agrees
    assert "sensitivity up to" in result.stdout and "chaotic" in result.stdout
    assert "longest prefix" in result.stdout


# --- 29.2: one set of bounds, every command ------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["compare", "--lr", "1e-320"], ["--lr 1e-320", "subnormal"]),
        (["run", "admissions", "--lr", "1e-320"], ["--lr 1e-320", "subnormal"]),
        (["compare", "--dtype", "float32", "--lr", "1e39"], ["--lr 1e+39", "infinity"]),
        (["run", "admissions", "--dtype", "float32", "--lr", "1e39"], ["--lr 1e+39", "infinity"]),
        (
            [
                "compare",
                "admissions",
                "--dtype",
                "float32",
                "--optimizer",
                "adam",
                "--eps",
                "1e300",
            ],
            ["--eps 1e+300", "float32", "infinity"],
        ),
        (
            ["run", "admissions", "--dtype", "float32", "--optimizer", "rmsprop", "--eps", "1e-50"],
            ["--eps 1e-50", "float32", "rounds it to 0"],
        ),
    ],
    ids=[
        "compare-subnormal",
        "run-subnormal",
        "compare-f32-inf",
        "run-f32-inf",
        "eps-inf",
        "eps-zero",
    ],
)
def test_numbers_the_dtype_cannot_hold_are_refused_in_every_command(capsys, args, words):
    usage_error(capsys, args, words)


# --- 28.3: no option silently does nothing; one name per idea -------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["run", "gender_221", "--case", "worked_example", "--lr", "0.5"],
            ["--lr", "changes nothing", "--case trained"],
        ),
        (["run", "single_unit", "--epochs", "3"], ["--epochs", "changes nothing"]),
        (["run", "gender_221", "--keras-backend", "jax"], ["--keras-backend", "keras"]),
        (
            ["compare", "single_unit", "--frameworks", "torch", "--keras-backend", "jax"],
            ["--keras-backend", "keras"],
        ),
        (["compare", "single_unit", "--lr", "0.1"], ["--lr", "single_unit does not"]),
        (["run", "chain_rule", "--data", "x.csv"], ["--data", "no admissions data"]),
    ],
    ids=[
        "lr-no-training",
        "epochs-no-training",
        "backend-no-keras",
        "compare-backend",
        "compare-lr",
        "data",
    ],
)
def test_an_option_that_would_change_nothing_exits_2(capsys, args, words):
    usage_error(capsys, args, words)


def test_lr_picks_the_trained_case(capsys):
    """gender_221's first case does not train: --lr runs the one that does, as --optimizer."""
    report = json.loads(in_process(capsys, "run", "gender_221", "--lr", "0.5", "--json").stdout)
    assert report["case"] == "trained" and report["lr"] == 0.5


@pytest.mark.parametrize("spelling", ["--frameworks", "--framework"])
def test_run_takes_frameworks_with_its_old_spelling(capsys, spelling):
    result = in_process(capsys, "run", "single_unit", spelling, "numpy,torch", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report["frameworks"]) == {"numpy", "torch"}
    assert {row["verdict"] for row in report["verdicts"]} == {"agree"}


@pytest.mark.subprocesses
@pytest.mark.parametrize(
    ("args", "suggestion"),
    [
        (["run", "gender221"], "did you mean gender_221?"),
        (["compare", "admisions"], "did you mean admissions?"),
        (["run", "single_unit", "--case", "exampel"], "did you mean example?"),
        (["compare", "--frameworks", "troch"], "did you mean torch?"),
    ],
    ids=["run-network", "compare-network", "case", "framework"],
)
def test_near_miss_names_get_a_suggestion(args, suggestion):
    result = rosetta(*args)
    assert result.returncode == 2
    assert suggestion in one_line(result)


@pytest.mark.subprocesses
@pytest.mark.parametrize("command", ["run", "compare", "bench", "show", "site", "defaults"])
def test_help_prints_each_default_once(command):
    result = rosetta(command, "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "(default: None)" not in text and "(default: False)" not in text, command
    assert not re.search(r"\(default: [^)]*\) \(default:", text), command


@pytest.mark.subprocesses
def test_errata_names_the_pytest_that_is_installed():
    result = rosetta("errata")
    last = result.stdout.strip().splitlines()[-1]
    assert "-m pytest tests/" in last and "python" in last, last
    assert not last.split(": ", 1)[1].startswith("pytest"), last


# --- 28.4: saturation and a loss that does not move --------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["gender_221", "--case", "trained", "--lr", "1e6"],
            ["saturated", "emily and frank are exactly 1.0", "too large", "0.1"],
        ),
        (["admissions", "--lr", "1e-30"], ["too small", "0.5"]),
    ],
    ids=["saturated", "too-small"],
)
def test_a_loss_that_never_moves_is_said_in_one_line(capsys, args, words):
    result = in_process(capsys, "run", *args)
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if line.startswith("rosetta: note:")]
    assert len(notes) == 1, result.stderr
    for word in words:
        assert word in notes[0], (args, word, notes[0])


def test_a_training_that_moves_has_no_note(capsys):
    result = in_process(capsys, "run", "gender_221", "--case", "trained")
    assert "rosetta: note" not in result.stderr
