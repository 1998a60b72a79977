"""The implementations of one network side by side, lined up block by block.

Anchors are the lines every chosen file shares: the same comment over the same block
(STYLE.md: `# hidden = sigmoid(X @ W_input_hidden)   (n, 2)`) and the same public
function (`def forward(`). The anchors common to all files, in order, are found by a
common subsequence in which a shared comment outweighs any number of function anchors;
between two anchors each file's lines are padded with blank rows to the longest, so
that every anchor starts the same row in every column. The blank rows go only between
two whole statements: never inside a statement that spans several lines, nor between a
block's header (`for ...:`) and its body. A function anchor whose block cannot be padded
that way is dropped; a shared comment stays an anchor.
Framework tags (`# [torch] ...`, `# [keras] ...`) are never anchors: they are what differs.

A network that imports its model or loop from another network's module is shown with
that code (shared.views.reuse): the lines carry the file and line number they come from.
"""

from __future__ import annotations

import difflib
import importlib.util
import io
import re
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pygments.token import Text

from shared.runtime import frameworks

_DEF = re.compile(r"^\s*def (\w+)\(")
TAG = re.compile(r"#\s*\[(torch|keras)\]\s*(.*)")
SEPARATOR = " │ "
MIN_COLUMN = 60  # narrower than this, the files are shown one after another


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line number in its file (0: a label line that no file holds)
    text: str
    origin: str = ""  # the file it comes from, when not the file shown ("numpy_impl/x.py")
    index: int = -1  # its position in what is shown (the file, then the code it reuses)


Source = Sequence[Line]


def lines_of(text: str) -> list[Line]:
    return [Line(n, line, index=n - 1) for n, line in enumerate(text.splitlines(), 1)]


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


def _weight(key: str) -> int:
    """A shared comment outweighs every function anchor: comments line up first."""
    return 1 if key.startswith(("def ", "method ")) else 1000


def _lcs(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int]]:
    """Index pairs of a heaviest common subsequence of a and b (weights: `_weight`)."""
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            table[i][j] = max(table[i + 1][j], table[i][j + 1])
            if a[i] == b[j]:
                table[i][j] = max(table[i][j], table[i + 1][j + 1] + _weight(a[i]))
    pairs, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        if a[i] == b[j] and table[i][j] == table[i + 1][j + 1] + _weight(a[i]):
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def statement_ends(lines: Sequence[str]) -> list[bool]:
    """For each line, whether a blank row may follow it: it ends a whole statement (or is a
    blank or comment line between two), and it is not a block's header (`for ...:`, a
    decorator) or a comment between a header and its body."""
    ends = [True] * len(lines)
    source = io.StringIO("".join(line + "\n" for line in lines))
    try:
        tokens = list(tokenize.generate_tokens(source.readline))
    except (tokenize.TokenError, SyntaxError):  # not Python: every line is its own
        return ends
    depth, first, last, after_header = 0, None, None, False
    for token in tokens:
        row = token.start[0] - 1
        for inside in range(token.start[0], token.end[0]):  # a string over several lines
            ends[inside - 1] = False
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
        if token.type == tokenize.NEWLINE and first is not None:
            for inside in range(first.start[0], token.start[0]):  # brackets, backslashes
                ends[inside - 1] = False
            after_header = (last.type == tokenize.OP and last.string == ":") or first.string == "@"
            ends[row] = not after_header
            first = last = None
        elif token.type == tokenize.NL:
            ends[row] = depth == 0 and first is None and not after_header
        elif token.type not in (tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT,
                                tokenize.ENCODING, tokenize.ENDMARKER):  # fmt: skip
            first = first or token
            last = token
    return ends


def align(sources: Sequence[str | Source]) -> list[Row]:
    """The files' lines in rows, each anchor common to all files on one row; blank rows
    only where `statement_ends` allows them. Reused code (shared.views.reuse) lines up with the
    code reused from the same network, after the files' own lines."""
    files = [lines_of(s) if isinstance(s, str) else list(s) for s in sources]
    groups = list(dict.fromkeys(Path(line.origin).stem for lines in files for line in lines))
    rows: list[Row] = []
    for group in groups:
        parts = [[line for line in lines if Path(line.origin).stem == group] for lines in files]
        present = [k for k, part in enumerate(parts) if part]
        for aligned in _align([parts[k] for k in present]):
            row: list[Line | None] = [None] * len(files)
            for k, line in zip(present, aligned, strict=True):
                row[k] = line
            rows.append(tuple(row))
    return rows


def _align(files: list[list[Line]]) -> list[Row]:
    texts = [[line.text for line in lines] for lines in files]
    ends = [statement_ends(lines) for lines in texts]
    anchors = [[(i, anchor_key(line)) for i, line in enumerate(lines)] for lines in texts]
    # only keys every file has can anchor: a pair of files must not outvote the third
    shared_keys = set.intersection(*({key for _, key in found if key} for found in anchors))
    anchors = [[(i, key) for i, key in found if key in shared_keys] for found in anchors]
    # common: per shared anchor, its line index in each file so far
    common = [((i,), key) for i, key in anchors[0]]
    for found in anchors[1:]:
        pairs = _lcs([key for _, key in common], [key for _, key in found])
        common = [(common[p][0] + (found[q][0],), common[p][1]) for p, q in pairs]
    while True:
        starts = [(0,) * len(files)] + [indices for indices, _ in common]
        stops = [indices for indices, _ in common] + [tuple(map(len, files))]
        cuts = [
            _padding_places(start, stop, ends, texts)
            for start, stop in zip(starts, stops, strict=True)
        ]
        bad = next((k for k, places in enumerate(cuts) if places is None), None)
        if bad is None:
            break
        # a block that cannot be padded between statements: drop a function anchor around it
        droppable = [k for k in (bad - 1, bad) if 0 <= k < len(common)
                     and common[k][1].startswith(("def ", "method "))]  # fmt: skip
        if not droppable:
            cuts[bad] = [stop - 1 for stop in stops[bad]]
            break
        del common[droppable[0]]
    rows: list[Row] = []
    for start, stop, places in zip(starts, stops, cuts, strict=True):
        height = max(e - s for s, e in zip(start, stop, strict=True))
        columns = []
        for lines, s, e, place in zip(files, start, stop, places, strict=True):
            column: list[Line | None] = list(lines[s : place + 1])
            column += [None] * (height - (e - s)) + lines[place + 1 : e]
            columns.append(column)
        rows += list(zip(*columns, strict=True))
    return rows


def _padding_places(
    start: Sequence[int],
    stop: Sequence[int],
    ends: Sequence[list[bool]],
    texts: Sequence[list[str]],
) -> list[int] | None:
    """Per file, the line after which the block from `start` to `stop` takes its blank
    rows: the last end of a statement, and not a comment over the lines below it if there
    is another. None when some file needs blank rows and has no such place."""
    height = max(e - s for s, e in zip(start, stop, strict=True))
    places = []
    for s, e, file_ends, lines in zip(start, stop, ends, texts, strict=True):
        if e - s == height:
            places.append(e - 1)
            continue
        allowed = [k for k in range(e - 1, s - 1, -1) if file_ends[k]]
        if not allowed:
            return None
        code = [k for k in allowed if k == e - 1 or not lines[k].lstrip().startswith("#")]
        places.append((code or allowed)[0])
    return places


def tags(text: str, framework: str, shared: frozenset[str] = frozenset()) -> list[Line]:
    """The framework-difference comments of a file, each whole: a tag comment goes on over
    the comment lines below it at its indentation, up to a blank comment, another tag or a
    comment in `shared` (the anchors all files share, which begin the next block)."""
    lines = text.splitlines()
    found = []
    for number, line in enumerate(lines, 1):
        match = TAG.search(line)
        if not match or match.group(1) != framework:
            continue
        parts = [match.group(2).strip()]
        indent = line[: len(line) - len(line.lstrip())]
        if line.lstrip().startswith("#"):
            for below in lines[number:]:
                rest = below[len(indent) :]
                if not (below.startswith(indent + "#") and rest[1:2] == " ") or TAG.search(below):
                    break
                if not rest[1:].strip() or anchor_key(below) in shared:
                    break
                parts.append(rest[1:].strip())
        found.append(Line(number, " ".join(parts)))
    return found


def token_lines(texts: Sequence[str]) -> list[list[tuple]]:
    """The lines' Pygments tokens, line by line (lexed over all the lines, so that
    docstrings and strings keep their colour across lines)."""
    from pygments.lexers import PythonLexer

    lines: list[list[tuple]] = [[]]
    text = "\n".join(texts)
    for token, value in PythonLexer(stripnl=False, ensurenl=False).get_tokens(text):
        parts = value.split("\n")
        for k, part in enumerate(parts):
            if k:
                lines.append([])
            if part:
                lines[-1].append((token, part))
    return (lines + [[] for _ in texts])[: len(texts)]


def formatted(tokens: list[tuple], formatter: object) -> str:
    buffer = _Buffer()
    formatter.format(tokens, buffer)
    return buffer.text


def highlighted(text: str, formatter: object) -> list[str]:
    """The text's lines, each highlighted by Pygments on its own."""
    return [formatted(tokens, formatter) for tokens in token_lines(text.splitlines())]


class _Buffer:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text


ANSI = re.compile(r"\x1b\[[0-9;]*m")  # a terminal's colour codes
CONTINUED = "↪ "  # starts each continuation of a wrapped line, 2 columns past its indentation


def wrap(tokens: list[tuple], width: int) -> list[list[tuple]]:
    """A line's tokens in pieces of at most `width` characters, broken at a space where one
    is near; each piece after the first starts with the line's indentation, then CONTINUED
    (so the code goes on 4 columns in, as Python's own continuation lines do)."""
    text = "".join(value for _, value in tokens)
    if len(text) <= width:
        return [tokens]
    indent = min(len(text) - len(text.lstrip(" ")), width // 2)
    prefix = " " * (indent + 2) + CONTINUED
    spans, start, room = [], 0, width
    while len(text) - start > room:
        cut = text.rfind(" ", start + 1, start + room + 1)
        if cut <= start + room // 2:  # no space in the second half: cut the word
            cut = start + room
        spans.append((start, cut))
        start = cut
        while start < len(text) - 1 and text[start] == " ":
            start += 1
        room = width - len(prefix)
    spans.append((start, len(text)))
    pieces = []
    for k, (first, last) in enumerate(spans):
        piece = [] if k == 0 else [(Text, prefix)]
        offset = 0
        for token, value in tokens:
            a, b = max(first, offset), min(last, offset + len(value))
            if a < b:
                piece.append((token, value[a - offset : b - offset]))
            offset += len(value)
        pieces.append(piece)
    return pieces


def terminal(
    sources: Sequence[str | Source], labels: Sequence[str], width: int, color: bool
) -> str:
    """The files in aligned columns of a terminal `width` wide, long lines wrapped (with their
    indentation and colour); one after another, each under a header, when a column would be
    narrower than MIN_COLUMN."""
    files = [lines_of(s) if isinstance(s, str) else list(s) for s in sources]
    tokens = [token_lines([line.text for line in lines]) for lines in files]
    if color:
        from pygments.formatters import Terminal256Formatter

        formatter = Terminal256Formatter(style="default")
    else:
        formatter = None

    def render(piece: list[tuple]) -> tuple[str, int]:
        plain = "".join(value for _, value in piece)
        return (formatted(piece, formatter) if formatter else plain), len(plain)

    def cell(k: int, line: Line | None, column: int) -> list[str]:
        if line is None:
            return [" " * column]
        rendered = [render(piece) for piece in wrap(tokens[k][line.index], column)]
        return [text + " " * (column - length) for text, length in rendered]

    column = (width - len(SEPARATOR) * (len(files) - 1)) // len(files)
    if len(files) == 1 or column < MIN_COLUMN:
        blocks = []
        for k, (label, lines) in enumerate(zip(labels, files, strict=True)):
            rule = "=" * min(width, 100)
            numbered = []
            for line in lines:
                number = f"{line.number:>4}  " if line.number else " " * 6
                for depth, text in enumerate(cell(k, line, max(20, width - 6))):
                    numbered.append(((number if depth == 0 else " " * 6) + text).rstrip())
            blocks.append("\n".join([rule, f"{label}", rule, *numbered]))
        return "\n\n".join(blocks) + "\n"
    out = [SEPARATOR.join(label.ljust(column) for label in labels).rstrip()]
    out.append(SEPARATOR.join("─" * column for _ in labels))
    for row in align(files):
        cells = [cell(k, line, column) for k, line in enumerate(row)]
        for depth in range(max(map(len, cells))):
            parts = [c[depth] if depth < len(c) else " " * column for c in cells]
            out.append(SEPARATOR.join(parts).rstrip())
    return "\n".join(out) + "\n"


def unified_diff(a_text: str, b_text: str, a_name: str, b_name: str) -> str:
    return "".join(
        difflib.unified_diff(
            a_text.splitlines(keepends=True), b_text.splitlines(keepends=True), a_name, b_name
        )
    )
