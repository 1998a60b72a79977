"""The README's Rosetta table stays true to the code: every cell quotes a line of the file
it names. And the README stays short enough to read."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
STEPS = (
    "forward pass",
    "error term",
    "gradient",
    "weight step",
    "epoch loop",
    "loss",
    "reading the result",
)
CELL = re.compile(r"`([^`]+)`<br><sub>([\w/.]+)</sub>")


def rosetta_table() -> list[list[str]]:
    text = README.read_text()
    table = text.split("## The Rosetta table", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows[2:]]


def test_the_table_has_a_row_per_tutorial_step_and_a_column_per_implementation():
    rows = rosetta_table()
    assert [row[0].strip("*").lower() for row in rows] == list(STEPS)
    for row in rows:
        assert len(row) == 6, f"{row[0]}: {len(row)} cells"
        for cell in row[2:]:  # our NumPy, PyTorch, Keras and JAX: always a line of ours
            assert CELL.search(cell), f"{row[0]}: no quoted line in {cell!r}"


def test_every_quoted_line_is_in_the_file_it_names():
    quoted = 0
    for row in rosetta_table():
        for cell in row[1:]:
            for code, name in CELL.findall(cell):
                path = ROOT / name
                assert path.is_file(), f"{row[0]}: {name} does not exist"
                lines = {line.strip() for line in path.read_text().splitlines()}
                assert code.replace("\\|", "|").strip() in lines, (
                    f"README's Rosetta table, {row[0]}: `{code}` is not a line of {name}"
                )
                quoted += 1
    assert quoted >= 4 * len(STEPS)


def test_the_readme_is_at_most_2500_words():
    words = len(README.read_text().split())
    assert words <= 2500, f"README.md has {words} words"
