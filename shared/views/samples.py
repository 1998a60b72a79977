"""The sample outputs in README.md and docs/*.md, regenerated from the commands themselves.

A sample is the fenced block right after a marker line naming its command:

    <!-- sample: rosetta compare | keep: ^(network|single_unit|gender_221)\\b -->

The block is the command's standard output, with only the lines that match `keep` (a
regular expression, searched in each line) or without those that match `drop`; each run of
lines left out after the first line shown is marked `...`. A marker ending in `| slow` is
regenerated but not checked by the tests (its command takes minutes: the benchmark); one
with `| timing` shows seconds, which move by more than 10x on a loaded machine: only its
words are checked.

    python -m shared.views.samples            # rewrite every sample from its command (make samples)
    python -m shared.views.samples --check    # say which samples no longer match; write nothing

A sample matches its command's output when the words are the same, tolerances (a number
after ` / ` or `tolerance`) are the same, and every other figure is within a factor of 10
(timings and rounding differences move; what a command says must not). A table's cell
"difference / tolerance" may name another tolerance the sample shows, at a share of it
within that factor: the cell's worst row is then another row, which another CPU's rounding
picks. A time against
NumPy's ("3.1x slower", "1.6x faster") is such a figure.

`rosetta compare` runs every network in every framework (half a minute of CPU): its samples are
taken from one run with `--timings`, which prints the same lines but for its one line of
totals, which becomes a table per network (tests/test_samples.py checks that on a small
comparison). A sample that shows the line of totals is taken from a run of its own.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from shared.runtime import outputs

ROOT = Path(__file__).resolve().parents[2]
MARKER = re.compile(r"^<!-- sample: (?P<fields>.*) -->\s*$")
FENCE = "```"
FACTOR = 10.0  # figures may move by this factor; words and tolerances may not
# words (names, paths), numbers, then any other character
TOKEN = re.compile(r"[A-Za-z_][\w]*|[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|\S")
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?")


@dataclass(frozen=True)
class Sample:
    path: Path
    line: int  # the marker's line, from 1
    command: str
    keep: str | None
    drop: str | None
    slow: bool
    start: int  # index of the block's first line (after the opening fence) in the file's lines
    stop: int  # index of the closing fence
    timing: bool = False  # its figures are seconds: only its words are checked

    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line} ({self.command})"


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def samples(path: Path) -> list[Sample]:
    lines = path.read_text().splitlines()
    found = []
    for k, text in enumerate(lines):
        match = MARKER.match(text)
        if not match:
            continue
        command, *options = (part.strip() for part in match["fields"].split(" | "))
        fields = dict(
            option.split(": ", 1) if ": " in option else (option, "") for option in options
        )
        if k + 1 >= len(lines) or lines[k + 1].strip() != FENCE:
            raise ValueError(f"{path}:{k + 1}: a sample marker must be followed by a ``` block")
        stop = next(j for j in range(k + 2, len(lines)) if lines[j].strip() == FENCE)
        found.append(Sample(path, k + 1, command, fields.get("keep"), fields.get("drop"),
                            "slow" in fields, k + 2, stop, "timing" in fields))  # fmt: skip
    return found


TIMINGS = "--timings"
TABLE = "Time per network (s)"  # the first line of what --timings prints instead of the totals
TOTALS = "Time (s), import + running the networks:"  # compare's line of totals without it
INSTEAD = f"{TOTALS} (printed by a run without {TIMINGS}: not sampled here)"


def printed(sample: Sample) -> list[str]:
    """The lines of its command's output the sample shows now."""
    lines = shown(sample, output(sample.command))
    if INSTEAD in lines:  # it shows the totals of `rosetta compare`: its own run, then
        lines = shown(sample, run(sample.command))
    return lines


def output(command: str) -> str:
    """The command's standard output; for a `rosetta compare` without --timings, that of the
    run with --timings, with the table it adds put back to one line (INSTEAD)."""
    words = shlex.split(command)
    if words[:2] != ["rosetta", "compare"] or {TIMINGS, "--json", "--plot", "--all"} & set(words):
        return run(command)
    return untimed(run(f"{command} {TIMINGS}"))


def untimed(text: str) -> str:
    """What `rosetta compare ... --timings` printed, with the timings' table (from its TABLE
    line to the end, or to the lines naming skipped frameworks) as the one line INSTEAD."""
    lines = text.splitlines()
    start = next(k for k, line in enumerate(lines) if line.startswith(TABLE))
    end = next((k for k in range(start, len(lines)) if lines[k].startswith("Skipped ")),
               len(lines))  # fmt: skip
    return "\n".join([*lines[:start], INSTEAD, *lines[end:]]) + "\n"


ENVIRONMENT = {"COLUMNS": "100", "OMP_NUM_THREADS": "1", "NO_COLOR": "1"}  # the commands'


@cache
def run(command: str) -> str:
    """The command's standard output, run from the checkout with this environment's rosetta."""
    words = shlex.split(command)
    if words[0] == "rosetta":
        words[0] = str(Path(sys.executable).with_name("rosetta"))
    env = os.environ | ENVIRONMENT
    result = subprocess.run(words, capture_output=True, text=True, cwd=ROOT, env=env, timeout=1800)
    if result.returncode not in (0, 3):  # 3: some framework missing, said on stderr
        raise RuntimeError(f"{command} exited {result.returncode}:\n{result.stderr[-2000:]}")
    return result.stdout


def shown(sample: Sample, text: str) -> list[str]:
    """The lines of `text` the sample shows; `...` for each run left out after the first."""
    lines = text.rstrip("\n").splitlines()
    out: list[str] = []
    for line in lines:
        kept = (sample.keep is None or re.search(sample.keep, line)) and not (
            sample.drop and re.search(sample.drop, line)
        )
        if kept:
            out.append(line.rstrip())
        elif out and out[-1] != "...":
            out.append("...")
    return out


def differences(sample_lines: list[str], real_lines: list[str], timing: bool = False) -> list[str]:
    """What differs between a sample and what its command prints now (empty: it matches);
    with `timing`, any figure matches any other (seconds on a loaded machine move by more
    than 10x), so only the words are compared."""
    if len(sample_lines) != len(real_lines):
        return [f"{len(sample_lines)} lines in the sample, {len(real_lines)} printed now"]
    found = []
    # a table's cell is its worst row's "difference / tolerance", and which row is worst is a
    # rounding accident (another CPU's BLAS picks another): a cell may name another of the
    # tolerances the sample shows, its difference then compared as a share of it
    shown = {b for line in sample_lines for a, b in itertools.pairwise(TOKEN.findall(line))
             if a == "/"}  # fmt: skip
    for number, (old, new) in enumerate(zip(sample_lines, real_lines, strict=True), 1):
        a, b = TOKEN.findall(_ratios(old)), TOKEN.findall(_ratios(new))
        if len(a) != len(b):
            found.append(f"line {number}: {old!r} is now {new!r}")
            continue
        skip = set()
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            before = a[k - 1] if k else ""
            exact = before in ("/", "tolerance") or not NUMBER.fullmatch(x)
            if x == y or k in skip:
                continue
            if _other_row(a[k : k + 3], b[k : k + 3], shown):
                skip.add(k + 2)
                continue
            if timing and NUMBER.fullmatch(x) and NUMBER.fullmatch(y):
                continue
            if exact or not NUMBER.fullmatch(y) or not _near(x, y):
                found.append(f"line {number}: {x!r} is now {y!r}: {old.strip()!r} became "
                             f"{new.strip()!r}")  # fmt: skip
                break
    return found


def _other_row(old: list[str], new: list[str], tolerances: set[str]) -> bool:
    """True if "d / t" became "d' / t'", another of the `tolerances` shown, with d'/t' within
    FACTOR of d/t: the cell's worst row is another row, as close to its bound."""
    if len(old) < 3 or old[1] != "/" or new[1] != "/" or new[2] not in tolerances:
        return False
    if old[2] == new[2] or not all(NUMBER.fullmatch(t) for t in (*old[::2], *new[::2])):
        return False
    was, now = float(old[0]) / float(old[2]), float(new[0]) / float(new[2])
    if was == 0 or now == 0:
        return was == now
    return (was > 0) == (now > 0) and max(abs(was), abs(now)) <= FACTOR * min(abs(was), abs(now))


RATIO = re.compile(r"\b(\d+(?:\.\d+)?)x (slower|faster)|\bas fast\b")


def _ratios(line: str) -> str:
    """A time against NumPy's as the figure it is: "3.1x slower" is 3.1, "1.6x faster"
    0.625, "as fast" 1 (so that a timing that moves is compared as a figure)."""

    def figure(match: re.Match) -> str:
        if match[1] is None:
            return "1.0x"
        times = float(match[1])
        return f"{times if match[2] == 'slower' else 1 / times:.6g}x"

    return RATIO.sub(figure, line)


def _near(x: str, y: str) -> bool:
    """Within FACTOR of each other, of the same sign; or both within the last printed digit
    of zero (0.00 and 0.01 s)."""
    a, b = float(x), float(y)
    decimals = len(x.split(".")[1]) if "." in x and "e" not in x else None
    if decimals is not None and abs(a - b) <= 5 * 10.0**-decimals:
        return True
    if a == 0 or b == 0:
        return a == b
    return (a > 0) == (b > 0) and max(abs(a), abs(b)) <= FACTOR * min(abs(a), abs(b))


def regenerate(paths: list[Path], check: bool, slow: bool = True) -> list[str]:
    """Rewrite (or with `check`, compare) every sample in `paths`; returns the problems."""
    problems = []
    for path in paths:
        found = samples(path)
        if not found:
            continue
        lines = path.read_text().splitlines()
        for sample in reversed(found):  # from the end, so that earlier indices hold
            if sample.slow and not slow:
                continue
            print(f"{sample.where()}", file=sys.stderr, flush=True)
            new = printed(sample)
            old = lines[sample.start : sample.stop]
            if check:
                problems += [
                    f"{sample.where()}: {d}" for d in differences(old, new, sample.timing)
                ]
            else:
                lines[sample.start : sample.stop] = new
        if not check:
            outputs.write_text(path, "\n".join(lines) + "\n")  # whole or not at all
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m shared.views.samples",
        description="Regenerate the sample outputs of README.md and docs/*.md from their "
        "commands (each block after a `<!-- sample: COMMAND -->` line).",
    )
    parser.add_argument("--check", action="store_true",
                        help="compare each sample with its command's output; write nothing")
    parser.add_argument("--fast", action="store_true",
                        help="leave out the samples marked slow (the benchmark's)")  # fmt: skip
    args = parser.parse_args(argv)
    try:
        problems = regenerate(documents(), args.check, slow=not args.fast)
    except (RuntimeError, ValueError) as error:
        print(f"samples: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("samples: interrupted; files already rewritten stay rewritten", file=sys.stderr)
        return 130
    for problem in problems:
        print(problem)
    if args.check:
        print("every sample matches its command" if not problems else
              f"{len(problems)} samples differ: run `make samples`", file=sys.stderr)  # fmt: skip
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
