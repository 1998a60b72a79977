"""`rosetta show`: the implementations side by side, lined up on their shared comments."""

import subprocess
import sys
from pathlib import Path

import pytest

from shared import show
from shared.specs import NETWORKS

ROSETTA = str(Path(sys.executable).with_name("rosetta"))
FRAMEWORKS = ("numpy", "torch", "keras")


def rosetta(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([ROSETTA, *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("network", NETWORKS)
def test_every_shared_anchor_starts_the_same_row_in_every_column(network):
    texts = [show.source_path(f, network).read_text() for f in FRAMEWORKS]
    rows = show.align(texts)
    for i, text in enumerate(texts):  # nothing lost, nothing reordered
        shown = [row[i].text for row in rows if row[i] is not None]
        assert shown == text.splitlines(), f"{network} {FRAMEWORKS[i]}: lines changed"
    shared = [
        row for row in rows if all(line is not None for line in row)
        and show.anchor_key(row[0].text)
        and len({show.anchor_key(line.text) for line in row}) == 1
    ]  # fmt: skip
    lined_up = {show.anchor_key(row[0].text) for row in shared}
    assert "def run" in lined_up, f"{network}: run() is not lined up"
    # anchors that each file has exactly once, in the same order everywhere, all line up
    keys = [[show.anchor_key(line) for line in text.splitlines()] for text in texts]
    unique = set.intersection(*({k for k in ks if k and ks.count(k) == 1} for ks in keys))
    orders = {tuple(k for k in ks if k in unique) for ks in keys}
    if len(orders) == 1:
        missed = unique - lined_up
        assert not missed, f"{network}: shared anchors not on one row: {sorted(missed)}"


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


def test_narrow_terminal_gets_one_file_after_another():
    result = rosetta("show", "single_unit", "--width", "100")
    assert result.returncode == 0
    assert show.SEPARATOR not in result.stdout
    headers = [line for line in result.stdout.splitlines() if line.endswith("/single_unit.py")]
    assert headers == ["numpy_impl/single_unit.py", "torch_impl/single_unit.py",
                       "keras_impl/single_unit.py"]  # fmt: skip


def test_color_always_highlights():
    result = rosetta("show", "chain_rule", "--width", "200", "--color", "always")
    assert "\x1b[" in result.stdout


def test_diff_is_a_unified_diff_of_the_two_files():
    result = rosetta("show", "single_unit", "--diff", "numpy", "torch")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert (
        lines[0] == "--- numpy_impl/single_unit.py" and lines[1] == "+++ torch_impl/single_unit.py"
    )
    assert any(line.startswith("+import torch") for line in lines)


def test_unknown_framework_exits_2():
    result = rosetta("show", "single_unit", "--frameworks", "numpy,tf")
    assert result.returncode == 2 and "'tf'" in result.stderr
