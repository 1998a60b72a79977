"""The sample outputs in README.md and docs/ match what their commands print now
(shared/samples.py; `make samples` regenerates them)."""

import shlex

import pytest

from shared.views import samples

ALL = [sample for path in samples.documents() for sample in samples.samples(path)]


def test_the_readme_samples_compare_and_run():
    commands = {s.command for s in ALL if s.path.name == "README.md"}
    assert {"rosetta compare", "rosetta run gender_221 --framework all"} <= commands


def test_figures_may_move_tenfold_words_and_tolerances_may_not():
    old = ["gender_221        4.4e-16 / 1e-14  1.1e-16 / 1e-15    ok"]
    new = ["gender_221        3.9e-16 / 1e-14  1.0e-15 / 1e-15    ok"]
    assert not samples.differences(old, new)
    # a figure 11 times larger, a changed tolerance, a changed word, a changed sign
    for new in ("gender_221        4.4e-16 / 1e-14  1.3e-15 / 1e-15    ok",
                "gender_221        4.4e-16 / 1e-14  1.1e-16 / 1e-14    ok",
                "gender_221        4.4e-16 / 1e-14  1.1e-16 / 1e-15    FAIL",
                "gender_22         4.4e-16 / 1e-14  1.1e-16 / 1e-15    ok"):  # fmt: skip
        assert samples.differences(old, [new]), new
    # a cell whose worst row is another row, as close to another tolerance the sample shows
    # (another CPU's rounding picks another row): it matches; a tolerance not shown does not
    table = ["single_unit  1.8e-17 / 1e-15  ok", "gender_221  1.1e-15 / 1e-14  ok"]
    assert not samples.differences(table, [table[0], "gender_221  1.1e-16 / 1e-15  ok"])
    assert samples.differences(table, [table[0], "gender_221  1.1e-16 / 1e-13  ok"])
    assert samples.differences(table, [table[0], "gender_221  1.1e-15 / 1e-15  ok"])
    assert samples.differences(["o1  0.52"], ["o1  -0.52"])
    assert samples.differences(["a", "b"], ["a"])  # a line more or less
    assert not samples.differences(["(numpy 2.4.6, float64, 0.00 s)"],
                                   ["(numpy 2.4.6, float64, 0.02 s)"])  # fmt: skip
    assert samples.differences(["All 146 comparisons agree"], ["All 146 comparisons differ"])
    # a time against NumPy's is a figure: 3.1x slower and 1.6x faster are within 10x
    assert not samples.differences(["0.009 (3.1x slower)"], ["0.011 (1.6x faster)"])
    assert not samples.differences(["0.009 (3.1x slower)"], ["0.011 (as fast)"])
    assert samples.differences(["0.009 (3.1x slower)"], ["0.011 (4.0x faster)"])
    # seconds: only the words
    assert not samples.differences(["chain_rule 0.002"], ["chain_rule 0.030"], timing=True)
    assert samples.differences(["chain_rule 0.002"], ["chain_rule 0.002 s"], timing=True)
    assert samples.differences(["(worst 1.1e-15, tolerance 1e-14)"],
                               ["(worst 1.1e-15, tolerance 1e-15)"])  # fmt: skip


def test_a_sample_keeps_its_lines_and_marks_what_it_leaves_out():
    sample = samples.Sample(samples.ROOT / "README.md", 1, "x", r"^(a|c)\b", None, False, 0, 0)
    assert samples.shown(sample, "head\na 1\nb 2\nb 3\nc 4\ntail\n") == ["a 1", "...", "c 4",
                                                                          "..."]  # fmt: skip
    dropping = samples.Sample(samples.ROOT / "README.md", 1, "x", None, r"^b", False, 0, 0)
    assert samples.shown(dropping, "a\nb\nc\n") == ["a", "...", "c"]


def test_compare_with_timings_prints_what_it_prints_without_but_the_totals(capsys, monkeypatch):
    """The samples of `rosetta compare` are taken from its run with --timings (its half
    minute of CPU once, not twice): what it prints without --timings must be that run's
    lines, its table of timings being one line of totals, before the lines naming skipped
    frameworks."""
    pytest.importorskip("torch", reason="the comparison runs PyTorch")
    from shared import cli
    from shared.runtime import frameworks

    installed = frameworks.version
    monkeypatch.setattr(frameworks, "version", lambda f: None if f == "jax" else installed(f))
    args = ["compare", "single_unit", "chain_rule", "--frameworks", "torch,jax"]
    printed = []
    for more in ([], [samples.TIMINGS]):
        assert cli.main([*args, *more]) == 3  # jax skipped
        printed.append(capsys.readouterr().out)
    plain, timed = printed
    totals = [k for k, line in enumerate(plain.splitlines()) if line.startswith(samples.TOTALS)]
    assert len(totals) == 1 and samples.TABLE in timed and "Skipped jax" in plain, plain
    expected = plain.splitlines()
    expected[totals[0]] = samples.INSTEAD
    assert samples.untimed(timed).splitlines() == expected


def in_process(sample: samples.Sample) -> bool:
    """`rosetta run` takes a second once the frameworks are imported, as they are in the
    test process (tests/test_cli.py runs commands there too), and the seconds of their
    imports in a process of its own: its samples are checked here; the others' commands
    (compare's minute, show's files) run in processes of their own."""
    return sample.command.startswith("rosetta run ")


CHECKED = [s for s in ALL if not s.slow]


def stale(sample: samples.Sample, printed: list[str]) -> str:
    lines = sample.path.read_text().splitlines()[sample.start : sample.stop]
    found = samples.differences(lines, printed, sample.timing)
    return f"{sample.where()} is stale: {'; '.join(found)}; run `make samples`" if found else ""


@pytest.mark.subprocesses
@pytest.mark.parametrize("sample", [s for s in CHECKED if not in_process(s)],
                         ids=samples.Sample.where)  # fmt: skip
def test_sample_matches_what_its_command_prints(sample):
    assert not (problem := stale(sample, samples.printed(sample))), problem


@pytest.mark.parametrize("sample", [s for s in CHECKED if in_process(s)], ids=samples.Sample.where)
def test_sample_of_a_run_matches_what_it_prints(sample, capsys, monkeypatch):
    """As samples.run runs the command: from the checkout, 100 columns, no colour."""
    from shared import cli

    for name, value in samples.ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(samples.ROOT)
    words = shlex.split(sample.command)
    assert cli.main(words[1:]) in (0, 3), capsys.readouterr().err[-2000:]  # 3: a framework missing
    assert not (problem := stale(sample, samples.shown(sample, capsys.readouterr().out))), problem
