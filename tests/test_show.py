"""`rosetta show`: the implementations side by side, lined up on their shared comments."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shared.specs import NETWORKS
from shared.views import reuse, show

ROSETTA = str(Path(sys.executable).with_name("rosetta"))
FRAMEWORKS = ("numpy", "torch", "keras")


def rosetta(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([ROSETTA, *args], capture_output=True, text=True, timeout=60)


def shown_lines(network: str) -> list[list[show.Line]]:
    return [reuse.source_lines(f, network) for f in FRAMEWORKS]


@pytest.mark.parametrize("network", NETWORKS)
def test_every_shared_comment_starts_the_same_row_in_every_column(network):
    sources = shown_lines(network)
    rows = show.align(sources)
    for i, lines in enumerate(sources):  # nothing lost, nothing reordered
        shown = [row[i] for row in rows if row[i] is not None]
        assert shown == lines, f"{network} {FRAMEWORKS[i]}: lines changed"
    shared = [
        row for row in rows if all(line is not None for line in row)
        and show.anchor_key(row[0].text)
        and len({show.anchor_key(line.text) for line in row}) == 1
    ]  # fmt: skip
    lined_up = {(Path(row[0].origin).stem, show.anchor_key(row[0].text)) for row in shared}
    assert ("", "def run") in lined_up, f"{network}: run() is not lined up"
    # comments that each file has exactly once in the same place (its own code, or the code
    # it reuses from one network), in the same order everywhere, all line up
    keys = [[(Path(line.origin).stem, show.anchor_key(line.text)) for line in lines]
            for lines in sources]  # fmt: skip
    unique = set.intersection(
        *({k for k in ks if k[1] and k[1].startswith("#") and ks.count(k) == 1} for ks in keys)
    )
    orders = {tuple(k for k in ks if k in unique) for ks in keys}
    if len(orders) == 1:
        missed = unique - lined_up
        assert not missed, f"{network}: shared comments not on one row: {sorted(missed)}"


def _inside_statements(text: str) -> set[int]:
    """Line numbers after which no blank row may go, by the syntax tree: every line of a
    simple statement but its last, and a compound statement's header (decorators too) up to
    the line before the first statement of its body."""
    inside = set()
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.stmt | ast.ExceptHandler):
            continue
        start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        body = getattr(node, "body", None)
        stop = body[0].lineno if body else node.end_lineno
        inside.update(range(start, stop))
    return inside


@pytest.mark.parametrize("network", NETWORKS)
def test_blank_rows_fall_only_between_whole_statements(network):
    sources = shown_lines(network)
    rows = show.align(sources)
    for i, lines in enumerate(sources):
        inside = _inside_statements("\n".join(line.text for line in lines))
        previous = None
        for row in rows:
            if row[i] is not None:
                previous = row[i]
            elif previous is not None:  # blank rows before the first line are harmless
                position = previous.index + 1  # in the shown text, from 1
                assert position not in inside, (
                    f"{network} {FRAMEWORKS[i]}: blank row inside a statement, after "
                    f"{previous.origin or 'line'} {previous.number}: {previous.text.strip()!r}"
                )


def test_a_block_header_keeps_its_body_and_a_call_its_arguments():
    a = "# loop\nfor x in X:\n    # step\n    x += 1\n# done\n"
    b = "# loop\nfor x in X:\n    y = 2\n    z = f(\n        x,\n    )\n    # step\n    x += 1\n"
    b += "    w = g(\n        x,\n    )\n# done\n"
    rows = show.align([a, b])
    # a's blank rows cannot follow `for` (its body would leave it): they go before the loop;
    # b's cannot go inside the call to g: they go after it
    assert [(r[0].text if r[0] else None, r[1].text if r[1] else None) for r in rows] == [
        ("# loop", "# loop"),
        (None, "for x in X:"),
        (None, "    y = 2"),
        (None, "    z = f("),
        (None, "        x,"),
        ("for x in X:", "    )"),
        ("    # step", "    # step"),
        ("    x += 1", "    x += 1"),
        (None, "    w = g("),
        (None, "        x,"),
        (None, "    )"),
        ("# done", "# done"),
    ]


def test_alignment_pads_the_shorter_block_with_blank_rows():
    a = "# step one\nx = 1\n# step two\ny = 2\n"
    b = "# step one\nx = 1\nx += 1\nx *= 3\n# step two\ny = 2\n"
    rows = show.align([a, b])
    assert [(r[0].text if r[0] else None, r[1].text if r[1] else None) for r in rows] == [
        ("# step one", "# step one"),
        ("x = 1", "x = 1"),
        (None, "x += 1"),
        (None, "x *= 3"),
        ("# step two", "# step two"),
        ("y = 2", "y = 2"),
    ]


def test_framework_tags_are_differences_not_anchors():
    assert show.anchor_key("    # [torch] nn.Linear keeps weight as (out, in)") is None
    assert (
        show.anchor_key("    # hidden = sigmoid(X @ W)   (n, 2)")
        == "# hidden = sigmoid(X @ W)   (n, 2)"
    )
    text = show.source_path("torch", "backprop_321").read_text()
    assert any("nn.Linear keeps weight as (out, in)" in t.text for t in show.tags(text, "torch"))


@pytest.mark.subprocesses
def test_gender_221_in_200_columns_prints_three_aligned_columns():
    result = rosetta("show", "gender_221", "--width", "200")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split(show.SEPARATOR.strip()) and lines[0].count(show.SEPARATOR) == 2
    for name in (
        "numpy_impl/gender_221.py",
        "torch_impl/gender_221.py",
        "keras_impl/gender_221.py",
    ):
        assert name in lines[0]
    assert all(len(line) <= 200 for line in lines)
    assert "\x1b[" not in result.stdout  # not a terminal: no colour
    forward_rows = [line for line in lines if line.count("def forward(params: Params") == 3]
    assert forward_rows, "def forward(...) is not on one row in all three columns"


@pytest.mark.subprocesses
def test_narrow_terminal_gets_one_file_after_another():
    result = rosetta("show", "single_unit", "--width", "100")
    assert result.returncode == 0
    assert show.SEPARATOR not in result.stdout
    headers = [line for line in result.stdout.splitlines() if line.endswith("/single_unit.py")]
    assert headers == ["numpy_impl/single_unit.py", "torch_impl/single_unit.py",
                       "keras_impl/single_unit.py"]  # fmt: skip


@pytest.mark.subprocesses
def test_color_always_highlights():
    result = rosetta("show", "chain_rule", "--width", "200", "--color", "always")
    assert "\x1b[" in result.stdout


@pytest.mark.subprocesses
def test_diff_is_a_unified_diff_of_the_two_files():
    result = rosetta("show", "single_unit", "--diff", "numpy", "torch")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert (
        lines[0] == "--- numpy_impl/single_unit.py" and lines[1] == "+++ torch_impl/single_unit.py"
    )
    assert any(line.startswith("+import torch") for line in lines)


@pytest.mark.subprocesses
def test_unknown_framework_exits_2():
    result = rosetta("show", "single_unit", "--frameworks", "numpy,tf")
    assert result.returncode == 2 and "'tf'" in result.stderr


def test_wrapped_lines_keep_their_indentation_and_colour():
    line = '        total = compute(first_argument, "a string that goes on", third_argument)'
    shown = show.terminal([line + "\n", line + "\n"], ["a.py", "b.py"], 2 * 62 + 3, True)
    rows = [row.split(show.SEPARATOR)[0] for row in shown.splitlines()[2:]]
    assert len(rows) > 1
    plain = [show.ANSI.sub("", row).rstrip() for row in rows]
    assert all(p.startswith(" " * 10 + show.CONTINUED) for p in plain[1:]), plain
    assert "".join(p.strip().removeprefix(show.CONTINUED) + " " for p in plain).split() == (
        line.split()
    )  # nothing lost, broken between words
    assert all("\x1b[" in row for row in rows), "a wrapped piece lost its colour"


def in_a_terminal(env: dict[str, str], *args: str) -> str:
    """`rosetta ARGS` with its stdout on a pseudo-terminal, as a user's shell runs it."""
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [ROSETTA, *args], stdout=follower, stderr=subprocess.DEVNULL, env=os.environ | env
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode()


@pytest.mark.subprocesses
def test_colour_in_a_terminal_unless_no_color_or_a_dumb_terminal():
    args = ("show", "chain_rule", "--width", "200")
    assert "\x1b[" in in_a_terminal({"TERM": "xterm-256color"}, *args)
    assert "\x1b[" not in in_a_terminal({"TERM": "xterm-256color", "NO_COLOR": "1"}, *args)
    assert "\x1b[" not in in_a_terminal({"TERM": "dumb"}, *args)


@pytest.mark.subprocesses
def test_columns_is_honoured_when_piped():
    result = subprocess.run(
        [ROSETTA, "show", "single_unit"],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ | {"COLUMNS": "70"},
    )
    widths = [len(line) for line in result.stdout.splitlines()]
    assert max(widths) == 70, max(widths)
