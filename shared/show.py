"""The implementations of one network side by side, lined up block by block.

Anchors are the lines every chosen file shares: the same comment over the same block
(STYLE.md: `# hidden = sigmoid(X @ W_input_hidden)   (n, 2)`) and the same public
function (`def forward(`). The anchors common to all files, in order, are found by a
longest common subsequence; between two anchors each file's lines are padded with blank
lines to the longest, so that every anchor starts the same row in every column.
Framework tags (`# [torch] ...`, `# [keras] ...`) are never anchors: they are what differs.
"""

from __future__ import annotations

import difflib
import importlib.util
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from shared import frameworks

_DEF = re.compile(r"^\s*def (\w+)\(")
TAG = re.compile(r"#\s*\[(torch|keras)\]\s*(.*)")
SEPARATOR = " │ "
MIN_COLUMN = 60  # narrower than this, the files are shown one after another


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line number in its file
    text: str


Row = tuple[Line | None, ...]  # one entry per file; None pads a file with fewer lines


def source_path(framework: str, network: str) -> Path:
    """The implementation file, found without importing the framework."""
    if framework not in frameworks.FRAMEWORKS:
        raise ValueError(
            f"unknown framework {framework!r}; choose from: {', '.join(frameworks.FRAMEWORKS)}"
        )
    spec = importlib.util.find_spec(f"{framework}_impl.{network}")
    if spec is None or spec.origin is None:
        raise ValueError(f"{framework} has no implementation of {network}")
    return Path(spec.origin)


def anchor_key(text: str) -> str | None:
    """What makes a line an anchor: a shared comment or a public function's name."""
    stripped = text.strip()
    if match := _DEF.match(text):  # a method is not the module function of the same name
        return f"{'method' if text[0].isspace() else 'def'} {match.group(1)}"
    if stripped.startswith("#") and not TAG.match(stripped) and len(stripped) > 2:
        return stripped
    return None


def _lcs(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int]]:
    """Index pairs of a longest common subsequence of a and b."""
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            table[i][j] = (
                table[i + 1][j + 1] + 1 if a[i] == b[j] else max(table[i + 1][j], table[i][j + 1])
            )
    pairs, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def align(texts: Sequence[str]) -> list[Row]:
    """The files' lines in rows, each anchor common to all files on one row."""
    files = [text.splitlines() for text in texts]
    anchors = [[(i, anchor_key(line)) for i, line in enumerate(lines)] for lines in files]
    # only keys every file has can anchor: a pair of files must not outvote the third
    shared_keys = set.intersection(*({key for _, key in found if key} for found in anchors))
    anchors = [[(i, key) for i, key in found if key in shared_keys] for found in anchors]
    # common: per shared anchor, its line index in each file so far
    common = [((i,), key) for i, key in anchors[0]]
    for found in anchors[1:]:
        pairs = _lcs([key for _, key in common], [key for _, key in found])
        common = [(common[p][0] + (found[q][0],), common[p][1]) for p, q in pairs]
    starts = [[0] * len(files)] + [list(indices) for indices, _ in common]
    ends = [list(indices) for indices, _ in common] + [[len(lines) for lines in files]]
    rows: list[Row] = []
    for start, end in zip(starts, ends, strict=True):
        height = max(e - s for s, e in zip(start, end, strict=True))
        for offset in range(height):
            rows.append(
                tuple(
                    Line(s + offset + 1, lines[s + offset]) if s + offset < e else None
                    for lines, s, e in zip(files, start, end, strict=True)
                )
            )
    return rows


def tags(text: str, framework: str) -> list[Line]:
    """The framework-difference comments of a file, by line."""
    return [
        Line(number, match.group(2))
        for number, line in enumerate(text.splitlines(), 1)
        if (match := TAG.search(line)) and match.group(1) == framework
    ]


def highlighted(text: str, formatter: object) -> list[str]:
    """The file's lines, each highlighted by Pygments on its own (tokens are lexed over the
    whole file, so that docstrings and strings keep their colour across lines)."""
    from pygments.lexers import PythonLexer

    lines: list[list[tuple]] = [[]]
    for token, value in PythonLexer(stripnl=False, ensurenl=False).get_tokens(text):
        parts = value.split("\n")
        for k, part in enumerate(parts):
            if k:
                lines.append([])
            if part:
                lines[-1].append((token, part))
    out = []
    for tokens in lines:
        buffer = _Buffer()
        formatter.format(tokens, buffer)
        out.append(buffer.text)
    return out


class _Buffer:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text


def terminal(texts: Sequence[str], labels: Sequence[str], width: int, color: bool) -> str:
    """The files in aligned columns of a terminal `width` wide; one after another, each under
    a header, when a column would be narrower than MIN_COLUMN."""
    colored = [_colored_lines(text, color) for text in texts]
    column = (width - len(SEPARATOR) * (len(texts) - 1)) // len(texts)
    if len(texts) == 1 or column < MIN_COLUMN:
        blocks = []
        for label, lines in zip(labels, colored, strict=True):
            rule = "=" * min(width, 100)
            numbered = [f"{n:>4}  {line}" for n, line in enumerate(lines, 1)]
            blocks.append("\n".join([rule, f"{label}", rule, *numbered]))
        return "\n\n".join(blocks) + "\n"
    out = [SEPARATOR.join(label.ljust(column) for label in labels).rstrip()]
    out.append(SEPARATOR.join("─" * column for _ in labels))
    for row in align(texts):
        cells = []
        for k, line in enumerate(row):
            plain = "" if line is None else line.text
            if len(plain) <= column:
                shown = plain if line is None else colored[k][line.number - 1]
                pieces = [shown + " " * (column - len(plain))]
            else:  # cut, never re-flowed: a ↩ ends each piece that continues below
                step = column - 1
                pieces = [plain[i : i + step] for i in range(0, len(plain), step)]
                pieces = [p + "↩" for p in pieces[:-1]] + [pieces[-1].ljust(column)]
            cells.append(pieces)
        for depth in range(max(map(len, cells))):
            parts = [c[depth] if depth < len(c) else " " * column for c in cells]
            out.append(SEPARATOR.join(parts).rstrip())
    return "\n".join(out) + "\n"


def _colored_lines(text: str, color: bool) -> list[str]:
    if not color:
        return text.splitlines()
    from pygments.formatters import Terminal256Formatter

    return highlighted(text, Terminal256Formatter(style="default"))


def unified_diff(a_text: str, b_text: str, a_name: str, b_name: str) -> str:
    return "".join(
        difflib.unified_diff(
            a_text.splitlines(keepends=True), b_text.splitlines(keepends=True), a_name, b_name
        )
    )
