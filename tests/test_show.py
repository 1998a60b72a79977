"""`rosetta show`: the implementations side by side, lined up on their shared comments."""

import ast
import os
import re
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


def _definitions(lines: list[show.Line]) -> dict[tuple[str, str], show.Line]:
    """Each top-level `def`/`class` line of what a file shows, by (the network it comes
    from, its name), found by the syntax tree of each part; and the training loop's first
    line in `train` (by text: a `for` over the epochs, else the statement calling `fit`)."""
    found = {}
    for group in dict.fromkeys(Path(line.origin).stem for line in lines):
        part = [line for line in lines if Path(line.origin).stem == group]
        tree = ast.parse("\n".join(line.text for line in part))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                found[(group, node.name)] = part[node.lineno - 1]
            if isinstance(node, ast.FunctionDef) and node.name == "train":
                body = part[node.lineno - 1 : node.end_lineno]
                loop = [line for line in body if re.match(r"\s*for \w+ in .*epochs", line.text)]
                fit = [k for k, line in enumerate(body) if ".fit(" in line.text]
                if not loop and fit:  # the statement with fit, or the `for` around it
                    k = fit[0]
                    indent = len(body[k].text) - len(body[k].text.lstrip())
                    outer = [line for line in body[:k] if line.text.strip()
                             and len(line.text) - len(line.text.lstrip()) < indent]  # fmt: skip
                    loop = [outer[-1] if outer[-1].text.lstrip().startswith("for ") else body[k]]
                if loop:
                    found[(group, "the training loop")] = loop[0]
    return found


PAIRS = [("numpy", "torch"), ("numpy", "keras"), ("torch", "keras"), FRAMEWORKS]


@pytest.mark.parametrize("chosen", PAIRS, ids=",".join)
@pytest.mark.parametrize("network", NETWORKS)
def test_shared_definitions_and_the_training_loop_start_the_same_row(network, chosen):
    sources = [reuse.source_lines(f, network) for f in chosen]
    rows = show.align(sources)
    for i, lines in enumerate(sources):  # nothing lost, nothing reordered
        shown = [row[i] for row in rows if row[i] is not None]
        assert shown == lines, f"{network} {chosen[i]}: lines changed"
    where = [{id(row[i]): n for n, row in enumerate(rows) if row[i] is not None}
             for i in range(len(chosen))]  # fmt: skip
    found = [_definitions(lines) for lines in sources]
    shared = set.intersection(*(set(f) for f in found))
    assert ("", "run") in shared
    trained = network not in ("chain_rule", "forward_432")
    assert not trained or any(name == "the training loop" for _, name in shared), network
    for key in sorted(shared):
        starts = {f: where[i][id(found[i][key])] for i, f in enumerate(chosen)}
        assert len(set(starts.values())) == 1, (
            f"{network}: {key[1]} ({key[0] or 'own code'}) starts on rows {starts}"
        )


@pytest.mark.parametrize("chosen", PAIRS, ids=",".join)
@pytest.mark.parametrize("network", NETWORKS)
def test_no_column_waits_a_screen_of_blank_rows(network, chosen):
    """A definition only some files have is a block of its own (shown across the columns),
    or beside the others' nearest counterpart: no column is blank for 40 rows in a row."""
    longest = run = 0
    for item in show.layout([reuse.source_lines(f, network) for f in chosen]):
        run = 0 if show.is_block(item) else run + 1 if None in item else 0
        longest = max(longest, run)
    assert longest < 40, f"{network} {chosen}: a column is blank for {longest} rows"


def test_a_class_only_torch_has_is_a_block_of_its_own():
    items = show.layout([reuse.source_lines(f, "gender_221") for f in ("numpy", "torch")])
    blocks = [item for item in items if show.is_block(item)]
    assert any(k == 1 and lines[0].text.startswith("class Gender221(nn.Module)")
               for k, lines in blocks)  # fmt: skip
    assert any(k == 0 and lines[0].text.startswith("def _chain(") for k, lines in blocks)


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


def _continued(output: str) -> tuple[int, int]:
    """(continuation rows, rows) of `rosetta show`'s code, below its header."""
    rows = [row for row in output.splitlines() if row[:1] in (" ", "↪") or row[:1].isdigit()]
    rows = rows[1:] if rows and "│" in rows[0] and "_impl/" in rows[0] else rows
    continued = [row for row in rows if any(
        cell.startswith(show.CONTINUED) or cell.lstrip().startswith(show.CONTINUED + " ")
        for cell in row.split(show.SEPARATOR))]  # fmt: skip
    return len(continued), len(rows)


@pytest.mark.subprocesses
def test_three_columns_in_300_columns_line_up_forward():
    result = rosetta("show", "gender_221", "--frameworks", "numpy,torch,keras", "--width", "300")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].count(show.SEPARATOR) == 2
    for name in ("numpy_impl/gender_221.py", "torch_impl/gender_221.py",
                 "keras_impl/gender_221.py"):  # fmt: skip
        assert name in lines[0]
    assert all(len(line) <= 300 for line in lines)
    assert "\x1b[" not in result.stdout  # not a terminal: no colour
    forward_rows = [line for line in lines if line.count("def forward(params: Params") == 3]
    assert forward_rows, "def forward(...) is not on one row in all three columns"


@pytest.mark.subprocesses
@pytest.mark.parametrize("network", NETWORKS)
def test_in_200_columns_a_pair_wraps_at_most_5_percent_of_rows(network):
    result = rosetta("show", network, "--width", "200")
    assert result.returncode == 0, result.stderr
    first, header = result.stdout.splitlines()[:2]
    # four columns do not fit: the note says which pair is shown and how to see the others
    assert first.startswith("Showing numpy and torch: 4 columns would wrap"), first
    assert "--frameworks numpy,keras" in first and "--frameworks numpy,jax" in first
    assert "--width " in first
    assert header.count(show.SEPARATOR) == 1 and "keras" not in header
    continued, rows = _continued(result.stdout)
    assert continued <= 0.05 * rows, f"{network}: {continued} of {rows} rows are continuations"


@pytest.mark.subprocesses
def test_narrow_terminal_gets_one_file_after_another():
    result = rosetta("show", "single_unit", "--width", "100")
    assert result.returncode == 0
    assert show.SEPARATOR not in result.stdout
    headers = [line for line in result.stdout.splitlines() if line.endswith("/single_unit.py")]
    assert headers == ["numpy_impl/single_unit.py", "torch_impl/single_unit.py",
                       "keras_impl/single_unit.py", "jax_impl/single_unit.py"]  # fmt: skip


@pytest.mark.subprocesses
def test_numpy_beside_jax_lines_up_the_public_functions():
    result = rosetta("show", "gender_221", "--frameworks", "numpy,jax", "--width", "200")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "numpy_impl/gender_221.py" in lines[0] and "jax_impl/gender_221.py" in lines[0]
    for function in ("def forward(params: Params", "def train(spec: Gender221Spec)"):
        rows = [line for line in lines if line.count(function) == 2]
        assert rows, f"{function} is not on one row in both columns"


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


@pytest.mark.subprocesses
def test_show_reads_the_files_without_importing_a_framework():
    """importlib's find_spec("jax_impl.xor_341") runs jax_impl/__init__.py, which imports
    JAX: a second of CPU in every `rosetta show`, and a ModuleNotFoundError without JAX."""
    script = (
        "import sys\n"
        "from shared import cli\n"
        "cli.main(['show', 'xor_341', '--frameworks', 'numpy,jax', '--width', '200'])\n"
        "print(sorted({'torch', 'keras', 'tensorflow', 'jax'} & set(sys.modules)), "
        "file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60, cwd=Path(__file__).resolve().parents[1])  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "jax_impl/xor_341.py" in result.stdout.splitlines()[0], result.stdout[:300]
    assert result.stderr.splitlines() == ["[]"], result.stderr


def _rows(line: str, width: int, color: bool = False) -> list[str]:
    """The rows of `line` shown in the first of two columns of a terminal `width` wide."""
    shown = show.terminal([line + "\n", line + "\n"], ["a.py", "b.py"], width, color)
    return [row.split(show.SEPARATOR)[0].rstrip() for row in shown.splitlines()[2:]]


def test_wrapped_lines_keep_their_indentation_and_colour():
    line = '        total = compute(first_argument, "a string that goes on", third_argument)'
    rows = _rows(line, 2 * 62 + 3, color=True)
    assert len(rows) > 1
    plain = [show.ANSI.sub("", row) for row in rows]
    # the number on the first row; the rest under the opening bracket, after a comma
    assert plain[0].startswith("1 " + line[:20]) and plain[0].endswith(",")
    assert all(p.startswith(show.CONTINUED + " " * 24) and p[26] != " " for p in plain[1:]), plain
    assert " ".join(p[2:].strip() for p in plain).split() == line.split()  # nothing lost
    assert "\x1b[" in next(row for row in rows if "a string" in row), "the string lost its colour"


@pytest.mark.parametrize(
    "line",
    [
        "    result = some_function_name(argument_number_one, argument_number_two) + another_value",
        "    model.fit(X_repeated, y_repeated, batch_size=1, shuffle=False, verbose=0, cb=[h])",
        "    tolerance = 1.2345678901234567e-15 * scale_factor_for_the_comparison ** exponent_two",
    ],
)
def test_a_line_wraps_at_token_boundaries_never_inside_a_name_or_number(line):
    for width in range(2 * show.MIN_COLUMN + 3, 2 * 90 + 3, 7):
        rows = [row[2:].strip() for row in _rows(line, width)]
        words = set(re.findall(r"[\w.]+", line))
        for row in rows:  # each row's first and last name or number is whole
            found = re.findall(r"[\w.]+", row)
            assert not found or {found[0], found[-1]} <= words, (width, rows)
        assert "".join(rows).replace(" ", "") == line.replace(" ", ""), (width, rows)


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
