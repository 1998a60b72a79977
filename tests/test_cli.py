"""The `rosetta` command, run as a user runs it: a subprocess of the installed script."""

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from shared import cli
from shared.checks import compare, errata
from shared.runtime import frameworks
from shared.specs import NETWORKS, SEEDS
from shared.views import printing
from tests.conftest import KERAS_BACKEND
from tests.golden import GOLDEN

ROSETTA = str(Path(sys.executable).with_name("rosetta"))


def rosetta(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([ROSETTA, *args], capture_output=True, text=True, timeout=120)


def in_process(capsys: pytest.CaptureFixture, *args: str) -> subprocess.CompletedProcess:
    """`rosetta ARGS` run by this process, which has torch imported already: the same
    command-line code, without paying the framework imports again."""
    try:
        status = cli.main(list(args))
    except SystemExit as exit_:  # argparse's usage errors end in sys.exit, as in the script
        status = exit_.code
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(["rosetta", *args], status, out, err)


@pytest.mark.subprocesses
def test_list_names_every_network_case_and_framework():
    result = rosetta("list")
    assert result.returncode == 0, result.stderr
    for network in NETWORKS.values():
        assert f"{network.name} " in result.stdout
        assert ", ".join(network.cases) in result.stdout
    for framework in frameworks.FRAMEWORKS:
        assert f"  {framework} " in result.stdout


def test_run_json_carries_the_stable_names_and_the_tutorials_weights(capsys):
    result = in_process(capsys, "run", "admissions", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {k: report[k] for k in ("network", "case", "framework", "dtype")} == {
        "network": "admissions",
        "case": "trained",
        "framework": "numpy",
        "dtype": "float64",
    }
    assert tuple(report["quantities"]) == NETWORKS["admissions"].quantities["trained"]
    expected, bound = GOLDEN[("admissions", "trained")]["final_weights"]
    diff = max(
        abs(a - b) for a, b in zip(report["quantities"]["final_weights"], expected, strict=True)
    )
    assert diff <= bound, f"admissions numpy final_weights via CLI: {diff:.3e} > {bound:.0e}"


@pytest.mark.parametrize(
    ("network", "case"), [("gender_221", "worked_example"), ("single_unit", "quiz")]
)
def test_run_json_nested_values_are_numbers_or_lists(network, case, capsys):
    report = json.loads(in_process(capsys, "run", network, "--case", case, "--json").stdout)
    assert tuple(report["quantities"]) == NETWORKS[network].quantities[case]
    for value in report["quantities"].values():
        assert isinstance(value, float | list)


def printed_loss_table(stdout: str) -> dict[int, float]:
    """{epoch: loss} from the rows under the report's "Epoch  Training loss" header."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:1] == ["Epoch"]) + 1
    table = {}
    for line in lines[start:]:
        cells = line.split()
        if len(cells) != 2 or not cells[0].isdigit():
            break
        table[int(cells[0])] = float(cells[1])
    return table


def test_run_prints_labelled_report_with_loss_every_n_epochs(capsys):
    """The printed figures are parsed and compared within their bound: the last digits of a
    17-digit float differ between CPUs (OpenBLAS picks its kernels per CPU)."""
    result = in_process(capsys, "run", "admissions")
    assert result.returncode == 0, result.stderr
    assert "Prediction accuracy (test set)   0.725" in result.stdout  # exact: 29 of 40
    expected, bound = GOLDEN[("admissions", "trained")]["loss_history"]
    printed = printed_loss_table(result.stdout)
    assert list(printed) == list(range(0, 1000, 100))
    diff = max(abs(printed[epoch] - loss) for epoch, loss in zip(printed, expected, strict=True))
    assert diff <= bound, f"admissions numpy printed loss_history: {diff:.3e} > {bound:.0e}"
    assert "training admissions/trained" in result.stderr  # progress line


def test_float32_run_reports_float32_drift(capsys):
    report = json.loads(
        in_process(capsys, "run", "single_unit", "--dtype", "float32", "--json").stdout
    )
    assert report["dtype"] == "float32"
    drift = abs(report["quantities"]["output"] - 0.5174928576663897)
    assert 0 < drift < 1e-6, f"float32 output drift {drift:.3e}"


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["run", "nope"], ["'nope'", "single_unit", "admissions_mlp"]),
        (["run", "single_unit", "--case", "nope"], ["'nope'", "example", "quiz"]),
        (["run", "single_unit", "--framework", "tf"], ["'tf'", "numpy", "torch", "keras"]),
        (["run", "single_unit", "--dtype", "float16"], ["'float16'", "float64", "float32"]),
        (["frobnicate"], ["'frobnicate'", "list", "run"]),
    ],
    ids=["network", "case", "framework", "dtype", "command"],
)
@pytest.mark.subprocesses
def test_bad_argument_exits_2_with_one_line_naming_the_choices(args, names):
    result = rosetta(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for name in names:
        assert name in lines[0]


def test_missing_framework_exits_2_with_the_install_command(monkeypatch, capsys):
    monkeypatch.setattr(frameworks, "version", lambda framework: None)
    assert cli.main(["run", "single_unit", "--framework", "torch"]) == 2
    err = capsys.readouterr().err
    assert "torch is not installed" in err and "pip install" in err and "[torch]" in err


@pytest.mark.subprocesses
def test_help_explains_every_option():
    result = rosetta("run", "--help")
    assert result.returncode == 0
    for option in ("--case", "--framework", "--dtype", "--json", "NETWORK"):
        assert option in result.stdout


def test_compare_json_covers_every_quantity_and_agrees(capsys):
    result = in_process(
        capsys, "compare", "single_unit", "backprop_321", "--frameworks", "numpy,torch", "--json"
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["reference"] == "numpy" and report["dtype"] == "float64"
    assert set(report["frameworks"]) == {"numpy", "torch"}
    expected = {
        (network, case, quantity)
        for network in ("single_unit", "backprop_321")
        for case, names in NETWORKS[network].quantities.items()
        for quantity in names
    }
    assert {(r["network"], r["case"], r["quantity"]) for r in report["rows"]} == expected
    assert {r["framework"] for r in report["rows"]} == {"torch"}
    assert "[2/2] backprop_321" in result.stderr  # a progress line per network


@pytest.mark.subprocesses
def test_compare_every_keras_backend_in_its_own_process():
    result = rosetta(
        "compare", "backprop_321", "--frameworks", "keras", "--keras-backend", "all", "--json"
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["rows"]
    assert {r["framework"] for r in rows} == {"keras[tensorflow]", "keras[torch]", "keras[jax]"}
    assert all(r["ok"] and r["max_abs_diff"] <= r["tolerance"] for r in rows)
    # stderr has the progress lines only: no start-up chatter from any backend
    noise = [line for line in result.stderr.splitlines() if not line.startswith("[1/1] ")]
    assert not noise, noise


def test_compare_float32_reports_drift_within_its_own_bound(capsys):
    result = in_process(
        capsys,
        "compare",
        "admissions",
        "--frameworks",
        "numpy,torch",
        "--dtype",
        "float32",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["rows"]
    drift = max(r["max_abs_diff"] for r in rows if r["quantity"] == "final_weights")
    assert 1e-9 < drift <= rows[0]["tolerance"], f"float32 drift {drift:.3e}"


def test_compare_in_keras_covers_the_networks_without_an_optimizer(capsys):
    """single_unit, chain_rule and forward_432 do not train: their specs have no optimizer or
    eps, and compare's formula check must not need one (it once raised AttributeError)."""
    networks = ["single_unit", "chain_rule", "forward_432"]
    args = ["compare", *networks, "--frameworks", "keras", "--keras-backend", KERAS_BACKEND]
    result = in_process(capsys, *args)
    assert result.returncode == 0, result.stderr[-2000:]
    verdicts = {line.split()[0]: line.split()[-1] for line in result.stdout.splitlines()[2:5]}
    assert verdicts == dict.fromkeys(networks, "agree"), result.stdout


def test_run_in_every_framework_prints_no_library_deprecation_warning(capsys):
    """Keras' own np.array calls raise NumPy 2's DeprecationWarning: not the learner's concern,
    and hidden as Python hides it by default; the run's own warnings still show."""
    result = in_process(capsys, "run", "gender_221", "--framework", "all")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "warning" not in result.stderr, result.stderr


def test_compare_prints_one_line_per_network_and_why_float64_differs(capsys):
    result = in_process(capsys, "compare", "single_unit", "chain_rule", "--frameworks", "torch")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].split() == ["network", "torch", "verdict"]
    assert [line.split()[0] for line in lines[2:4]] == ["single_unit", "chain_rule"]
    rows = json.loads(
        in_process(capsys, "compare", "single_unit", "--frameworks", "torch", "--json").stdout
    )["rows"]
    worst = max(rows, key=lambda r: r["max_abs_diff"] / r["tolerance"])
    diff, slash, bound, verdict = lines[2].split()[1:]
    assert (float(diff), slash, float(bound), verdict) == (
        pytest.approx(worst["max_abs_diff"], rel=0.1, abs=1e-300),
        "/",
        worst["tolerance"],
        "agree",
    )
    assert "14 of 14 comparisons agree with the float64 NumPy reference" in result.stdout
    assert "rounds its result to 53 bits" in result.stdout and "different orders" in result.stdout


def test_compare_summary_stays_short_with_every_backend(capsys):
    """Nine networks in four frameworks (torch and Keras on three backends), one of them
    failing: the summary is one line per network, at most 40 lines in all."""
    labels = ["torch", "keras[tensorflow]", "keras[torch]", "keras[jax]"]
    rows = [
        compare.Row(network, "case", f"q{k}", label, 1e-16 * (k + 1), 1e-14, True)
        for network in NETWORKS
        for label in labels
        for k in range(8)
    ]
    rows[5] = compare.Row("single_unit", "case", "q5", "torch", 1e-3, 1e-14, False)
    printing.print_summary(rows, "float64")
    printing.print_timings({"single_unit": dict.fromkeys(["numpy", *labels], 0.1)}, False)
    out = capsys.readouterr().out.splitlines()
    assert len(out) <= 40, "\n".join(out)
    assert sum(line.split()[0] in NETWORKS for line in out if line.strip()) == len(NETWORKS)
    assert "1 of 288 comparisons differ" in "\n".join(out)
    assert "DIFFER (1)" in "\n".join(out)


def test_compare_all_prints_every_row(capsys):
    result = in_process(capsys, "compare", "single_unit", "--frameworks", "torch", "--all")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "network", "case", "quantity", "framework", "max", "|diff|", "tolerance", "verdict"
    ]  # fmt: skip
    assert sum(line.startswith("single_unit ") for line in lines) == 10
    assert "10 of 10 comparisons agree with the float64 NumPy reference" in result.stdout


def test_float32_drift_is_worded_against_the_float64_reference(capsys):
    rows = [compare.Row("admissions", "trained", "final_weights", "numpy", 4e-8, 1e-4, True)]
    printing.print_summary(rows, "float32")
    out = capsys.readouterr().out
    assert "numpy (float32)" in out and "against the float64 NumPy reference" in out


def test_bare_rosetta_prints_the_help(capsys):
    result = in_process(capsys)
    assert result.returncode == 0
    assert "usage: rosetta" in result.stdout and "compare" in result.stdout


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["compare", "nope"], ["'nope'", "single_unit"]),
        (["compare", "--frameworks", "numpy,tf"], ["'tf'", "torch", "keras"]),
        (["compare", "--keras-backend", "theano"], ["'theano'", "jax", "all"]),
        (["run", "single_unit", "--keras-backend", "theano"], ["'theano'", "tensorflow"]),
    ],
    ids=["network", "frameworks", "keras_backend", "run_keras_backend"],
)
def test_compare_bad_argument_exits_2_with_one_line(capsys, args, names):
    result = in_process(capsys, *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert all(name in lines[0] for name in names)


@pytest.mark.subprocesses
def test_run_keras_on_torch_backend_reproduces_the_tutorial():
    result = rosetta(
        "run", "backprop_321", "--framework", "keras", "--keras-backend", "torch", "--json"
    )
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)["quantities"]["output"]
    assert abs(output - 0.48497343084992534) <= 1e-12


def test_errata_lists_every_entry_with_its_proof(capsys):
    text = in_process(capsys, "errata")
    assert text.returncode == 0, text.stderr
    entries = json.loads(in_process(capsys, "errata", "--json").stdout)
    assert [e["key"] for e in entries] == [e.key for e in errata.ERRATA]
    for entry in entries:
        assert set(entry) == {"key", "network", "tutorial", "claim", "truth", "proof", "advice"}
        assert f"{entry['network']}: {entry['key']}" in text.stdout
        assert entry["proof"].split("::")[1] in text.stdout
    assert in_process(capsys, "errata", "--markdown").stdout == errata.to_markdown() + "\n"


def test_run_chain_rule_shows_the_tutorials_hand_derivation_beside_autograd(capsys):
    result = in_process(capsys, "run", "chain_rule", "--framework", "torch")
    assert result.returncode == 0, result.stderr
    assert "dJ/db   4.0   (tutorial, by hand: 2.0, wrong" in result.stdout
    report = json.loads(in_process(capsys, "run", "chain_rule", "--json").stdout)
    assert report["tutorial_claims"]["dJ_db"] == 2.0 and report["quantities"]["dJ_db"] == 4.0


def test_split_none_trains_on_all_rows_and_has_no_test_set(capsys):
    report = json.loads(in_process(capsys, "run", "admissions", "--split", "none", "--json").stdout)
    assert report["split"] is None
    assert "test_accuracy" not in report["quantities"]
    assert (
        "400 training rows, 0 test rows"
        in in_process(capsys, "run", "admissions", "--split", "none").stdout
    )


def test_lr_override_is_reported_and_used(capsys):
    report = json.loads(in_process(capsys, "run", "admissions_mlp", "--lr", "0.5", "--json").stdout)
    assert report["lr"] == 0.5
    assert report["quantities"]["test_accuracy"] == 0.75  # NETWORKS.md: lr 0.5 reaches 0.75


def test_run_plot_saves_a_png(tmp_path, capsys):
    path = tmp_path / "loss.png"
    result = in_process(capsys, "run", "xor_341", "--plot", str(path))
    assert result.returncode == 0, result.stderr
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"Loss curve saved to {path}" in result.stdout


def test_run_plot_draws_every_epoch_and_prints_the_same_figures(tmp_path, capsys, monkeypatch):
    """The curve has a point per epoch (NETWORKS.md: xor_341 trains 1000 epochs, the spec
    records every 100th); what is printed is what the run without --plot prints."""
    from shared.cli import run
    from shared.views import plots

    drawn = {}
    monkeypatch.setattr(plots, "loss_curves", lambda curves, every, path: drawn.update(
        curves=curves, every=every))  # fmt: skip
    plain = in_process(capsys, "run", "xor_341", "--framework", "torch")
    plotted = in_process(capsys, "run", "xor_341", "--framework", "torch", "--plot",
                         str(tmp_path / "loss.png"))  # fmt: skip
    assert run.plots is plots and plotted.returncode == 0, plotted.stderr
    ((title, lines),) = drawn["curves"].items()
    assert drawn["every"] == {title: 1} and len(lines["torch"]) == 1000
    figures = [line for line in plain.stdout.splitlines()[1:] if "saved" not in line]
    assert figures == [line for line in plotted.stdout.splitlines()[1:] if "saved" not in line]


def test_compare_plot_draws_one_line_per_framework(tmp_path, capsys):
    path = tmp_path / "curves.png"
    result = in_process(
        capsys,
        "compare",
        "admissions",
        "chain_rule",
        "--frameworks",
        "numpy,torch",
        "--plot",
        str(path),
        "--json",
    )
    assert result.returncode == 0, result.stderr
    curves = json.loads(result.stdout)["loss_histories"]
    assert set(curves) == {"admissions/trained"} and set(curves["admissions/trained"]) == {
        "numpy",
        "torch",
    }
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_not_converging_exits_1_with_one_line(capsys):
    result = in_process(capsys, "run", "admissions_logit", "--epochs", "10")
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("rosetta: error: admissions_logit: the gradient's norm is still")
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["run", "admissions", "--split", "1.5"], ["--split", "'1.5'", "none"]),
        (["run", "admissions", "--lr", "-1"], ["--lr", "'-1'", "positive"]),
        (["run", "admissions", "--lr", "nan"], ["--lr", "'nan'", "finite"]),
        (["run", "admissions", "--epochs", "0"], ["--epochs", "'0'"]),
        (["run", "chain_rule", "--split", "none"], ["--split", "admissions"]),
        # the default's own value, given: still refused where there are no data to split
        (["run", "single_unit", "--split", "0.9"], ["--split", "admissions"]),
        (["run", "chain_rule", "--plot", "x.png"], ["no training loss", "xor_341/trained"]),
        (["run", "xor_341", "--plot", "no/such/dir/x.png"], ["--plot", "does not exist"]),
        # an lr the dtype cannot hold as a normal number: 0, a subnormal or infinity
        (["run", "admissions", "--dtype", "float32", "--lr", "1e-320"], ["1e-320", "float32", "0"]),
        (["run", "admissions", "--dtype", "float32", "--lr", "1e-39"], ["float32", "subnormal"]),
        (["run", "admissions", "--dtype", "float32", "--lr", "1e39"], ["float32", "infinity"]),
        (["run", "admissions", "--lr", "1e-320"], ["--lr", "float64", "subnormal"]),
        # options are never abbreviated
        (["run", "admissions", "--jso"], ["unrecognized", "--jso"]),
        (["run", "admissions", "--ep", "5"], ["unrecognized", "--ep"]),
        (["compare", "single_unit", "--frame", "torch"], ["unrecognized", "--frame"]),
        # no option takes an empty value
        (["run", "single_unit", "--case", ""], ["--case", "''"]),
        (["run", "single_unit", "--case=  "], ["--case", "'  '"]),
        (["run", "admissions", "--data", ""], ["--data", "''"]),
        (["run", "xor_341", "--plot", ""], ["--plot", "''"]),
        (["site", "--out", ""], ["--out", "''"]),
        (["compare", "--frameworks", ""], ["--frameworks", "''"]),
        (["show", "xor_341", "--frameworks", ""], ["--frameworks", "''"]),
        # nothing to compare with the float64 reference
        (["compare", "--frameworks", "numpy"], ["nothing to compare", "torch or keras"]),
        (["compare", "--frameworks", ","], ["nothing to compare"]),
        # the options that size the work have documented maxima
        (["bench", "--rows", "100,10000001"], ["--rows", "10,000,000", "'10000001'"]),
        (["bench", "--repeat", "101"], ["--repeat", "100"]),
        (["bench", "--min-time", "61"], ["--min-time", "60"]),
        (["show", "xor_341", "--width", "1001"], ["--width", "40..1,000"]),
        (["show", "xor_341", "--width", "39"], ["--width", "40..1,000"]),
        (["run", "xor_341", "--epochs", "1000000000001"], ["--epochs", "1..1,000,000,000,000"]),
    ],
    ids=[
        "split", "negative-lr", "nan-lr", "zero-epochs", "split-no-data", "default-split-no-data",
        "plot-no-loss", "dir",
        "lr-float32-zero", "lr-float32-subnormal", "lr-float32-inf", "lr-float64-subnormal",
        "abbrev-json", "abbrev-epochs", "abbrev-frameworks",
        "empty-case", "blank-case", "empty-data", "empty-plot", "empty-out", "empty-frameworks",
        "empty-show-frameworks", "compare-numpy-only", "compare-no-framework",
        "bench-rows-max", "bench-repeat-max", "bench-min-time-max", "show-width-max",
        "show-width-min", "epochs-max",
    ],
)  # fmt: skip
def test_impossible_option_values_exit_2_with_one_line(capsys, args, words, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # `--out ""` once wrote the site into the current directory
    result = in_process(capsys, *args)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], f"{word!r} not in {lines[0]!r}"
    assert list(tmp_path.iterdir()) == [], "a refused command wrote files"


@pytest.mark.parametrize("seed", ["-1", str(2**32), "abc", "1.5", "1e3"])
@pytest.mark.parametrize(("network", "case"), list(SEEDS), ids=["/".join(pair) for pair in SEEDS])
def test_seed_errors_name_the_option_value_and_range_alike_for_every_network(
    capsys, network, case, seed
):
    result = in_process(capsys, "run", network, "--case", case, "--seed", seed)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    message = line.split(": ", 2)[-1]
    expected = f"argument --seed: expected a whole number in 0..4,294,967,295, got {seed!r}"
    assert message == f"{expected} (see rosetta run --help)"


def test_the_largest_seed_is_accepted_by_every_seeded_network(capsys):
    for network, case in SEEDS:
        trains = "loss_history" in NETWORKS[network].quantities[case]
        # admissions_logit must converge; --epochs on a case that does not train is refused
        short = ["--epochs", "1"] if trains and network != "admissions_logit" else []
        args = ["run", network, "--case", case, "--seed", str(2**32 - 1), *short]
        result = in_process(capsys, *args, "--json")
        assert result.returncode == 0, f"{network}/{case}: {result.stderr}"
        assert json.loads(result.stdout)["seed"] == 2**32 - 1


@pytest.mark.subprocesses
def test_divergence_exits_1_with_one_line_and_no_warning_from_inside_numpy():
    result = rosetta("run", "admissions_logit", "--lr", "1e307")
    assert result.returncode == 1
    # NumPy's "RuntimeWarning: overflow encountered" lines, with their source paths, once came
    # before the message
    start, error = result.stderr.strip().splitlines()
    assert start.startswith("training admissions_logit/trained"), result.stderr
    assert error.startswith("rosetta: error: admissions_logit: training diverged"), result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["run", "admissions", "--epochs", "-3", "--json"],
        ["run", "admissions", "--split", "0", "--json"],
        ["compare", "--keras-backend", "theano", "--json"],
        ["run", "single_unit", "--seed", "4", "--json"],
    ],
    ids=["negative-epochs", "split-0", "unknown-backend", "seed-without-draw"],
)
def test_json_errors_are_a_json_object_on_stdout(capsys, args):
    result = in_process(capsys, *args)
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert set(report) == {"error", "detail"} and report["error"] == "bad argument"
    assert report["detail"] in result.stderr


def test_compare_timings_per_network_with_ratios(capsys):
    result = in_process(capsys, "compare", "chain_rule", "xor_341", "--frameworks", "torch",
                        "--timings")  # fmt: skip
    assert result.returncode == 0, result.stderr
    table = result.stdout.split("Time per network (s)")[1].splitlines()
    assert table[1].split() == ["seconds", "numpy", "torch"]
    assert table[2].split()[0] == "import"
    assert [line.split()[0] for line in table[3:6]] == ["chain_rule", "xor_341", "total"]
    # torch's time against NumPy's, in words
    assert re.search(r"\((\d+(\.\d)?x (slower|faster)|as fast)\)", table[4]), table[4]


def test_times_against_numpy_say_which_is_slower():
    from shared.views.printing import versus_numpy

    assert versus_numpy(51.13) == "51x slower than NumPy"
    assert versus_numpy(2.28) == "2.3x slower than NumPy"
    assert versus_numpy(0.67) == "1.5x faster than NumPy"
    assert versus_numpy(1.01) == "as fast as NumPy"
    assert versus_numpy(0.67, "") == "1.5x faster" and versus_numpy(1.0, "") == "as fast"


@pytest.mark.subprocesses
def test_bench_on_a_tiny_size_reports_every_figure(tmp_path):
    """Not a timing test: the benchmark runs, and its output is complete and consistent.
    With JAX, whose child starts in less CPU than PyTorch's (what each framework's epoch
    computes: tests/test_cross_framework.py)."""
    path = tmp_path / "scaling.png"
    result = rosetta("bench", "--rows", "100,300", "--repeat", "1", "--min-time", "0.01",
                     "--frameworks", "numpy,jax", "--json", "--plot", str(path))  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["machine"]["cpus"] >= 1 and report["versions"]["jax"]
    assert report["sizes"] == [100, 300]
    for label in ("numpy", "jax"):
        seconds = report["seconds_per_epoch"][label]
        assert set(seconds) == {"100", "300"} and all(s > 0 for s in seconds.values())
        ratio = report["ratio_to_numpy"][label]["300"]
        assert ratio == pytest.approx(seconds["300"] / report["seconds_per_epoch"]["numpy"]["300"])
        assert report["peak_mb_above_import"][label] >= 0
        assert report["bandwidth_at_largest"][label]["gb_s"] > 0
    loop = report["loop_against_vectorized"]
    assert loop["rows"] == 360 and loop["max_weight_difference"] <= 1e-12
    assert loop["speedup"] == pytest.approx(loop["loop_seconds"] / loop["vectorized_seconds"])
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bench_table(capsys):
    result = in_process(capsys, "bench", "--rows", "50", "--repeat", "1", "--min-time", "0.01",
                        "--frameworks", "numpy")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].split() == ["rows", "numpy"]
    assert "record-by-record loop, 360 rows" in result.stdout
    assert "the weights agree to" in result.stdout


def test_tutorial_loop_and_vectorized_epoch_agree():
    from numpy_impl import admissions
    from shared.checks import bench
    from shared.specs import get_spec, override

    spec = override(get_spec("admissions", "trained"), epochs=1)
    looped = bench.tutorial_loop_epoch(spec, np.array(spec.w))
    vectorized = admissions.train(spec)[0]["w"]
    assert np.max(np.abs(looped - vectorized)) <= bench.SAME_WEIGHTS
    assert not np.allclose(looped, spec.w)  # the epoch moved the weights


def test_run_all_frameworks_side_by_side_with_the_difference(capsys):
    result = in_process(capsys, "run", "gender_221", "--framework", "all")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    head = next(k for k, line in enumerate(lines) if line.startswith("quantity "))
    labels = ["quantity", "numpy", "torch", "keras[tensorflow]", "jax"]
    assert lines[head].split()[:5] == labels
    end = lines.index("", head)  # the verdicts follow the table
    table = {line.split()[0]: line.split()[1:] for line in lines[head + 1 : end]}
    assert "comparisons agree with the float64 NumPy reference" in "\n".join(lines[end:])
    for name, expected in GOLDEN[("gender_221", "worked_example")].items():
        value, bound = expected
        for framework, shown in zip(labels[1:], table[name][:4], strict=True):
            diff = abs(float(shown) - value)
            assert diff <= bound, f"gender_221 {framework} {name}: {diff:.2e} > {bound:.0e}"
        largest = max(abs(float(v) - float(table[name][0])) for v in table[name][1:4])
        assert float(table[name][4]) == pytest.approx(largest, rel=0.06, abs=1e-300)


@pytest.mark.parametrize(
    "args",
    [
        ["run", "admissions", "--lr", "1_0"],
        ["run", "admissions", "--lr", "\uff18"],
        ["run", "admissions", "--lr", "infinity"],
        ["run", "admissions", "--epochs", "\uff18"],
        ["run", "admissions", "--epochs", "\u00b2"],
        ["run", "admissions", "--split", "\uff10.5"],
        ["compare", "admissions", "--optimizer", "adam", "--eps", "1_0"],
        ["bench", "--min-time", "1_0"],
        ["bench", "--rows", "1_000"],
    ],
    ids=ascii,
)
def test_a_number_option_takes_what_a_csv_reader_takes_as_a_number(capsys, args):
    """float() reads `1_0` as 10 and full-width digits as digits; int() cannot read the
    superscript `²` that str.isdigit() accepts (it was a traceback)."""
    result = in_process(capsys, *args)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert f"argument {args[-2]}: expected " in line and repr(args[-1]) in line, line


def test_a_number_option_still_takes_every_csv_number(capsys):
    for text in ("0.5", ".5", "5e-1", " 0.5 ", "+0.5"):
        result = in_process(capsys, "run", "single_unit", "--lr", text, "--json")
        assert result.returncode == 0, f"--lr {text!r}: {result.stderr}"
        assert json.loads(result.stdout)["lr"] == 0.5


@pytest.mark.parametrize("columns", ["100000000", "1", "abc", "-5"])
def test_columns_from_the_environment_goes_through_the_bound_of_width(
    capsys, monkeypatch, columns
):
    """COLUMNS=100000000 took 19 GB (every row padded to the width) before the OOM killer."""
    monkeypatch.setenv("COLUMNS", columns)
    result = in_process(capsys, "show", "xor_341")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"rosetta show: error: COLUMNS in the environment: expected a whole number in "
        f"40..1,000, got {columns!r}; unset it or give --width (see rosetta show --help)"
    ]
    assert in_process(capsys, "show", "xor_341", "--width", "120").returncode == 0
