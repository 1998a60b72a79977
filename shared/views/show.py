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
Framework tags (`# [torch] ...`, `# [jax] ...`) are never anchors: they are what differs.

A network that imports its model or loop from another network's module is shown with
that code (shared.views.reuse): the lines carry the file and line number they come from.
"""

from __future__ import annotations

import difflib
import io
import re
import tokenize
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from shared.checks import exercises
from shared.runtime import frameworks
from shared.views.lines import ANSI as ANSI
from shared.views.lines import CONTINUED, formatted, token_lines, wrap

_DEF = re.compile(r"^\s*def (\w+)\(")
# a framework-difference comment: `# [torch] ...`, `# [keras] ...` (any framework but numpy)
TAG = re.compile(
    r"#\s*\[(" + "|".join(f for f in frameworks.FRAMEWORKS if f != "numpy") + r")\]\s*(.*)"
)
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


source_path = frameworks.source_path  # the implementation file, found without importing


def anchor_key(text: str) -> str | None:
    """What makes a line an anchor: a shared comment or a public function's name."""
    stripped = text.strip()
    if match := _DEF.match(text):  # a method is not the module function of the same name
        return f"{'method' if text[0].isspace() else 'def'} {match.group(1)}"
    if stripped.startswith("#") and not TAG.match(stripped) and len(stripped) > 2:
        # an exercise's lesson mark (shared.checks.exercises) is about that file's lesson only
        return None if exercises.MARK.match(text) or exercises.END.match(text) else stripped
    return None


def _lcs(
    a: Sequence[str | None], b: Sequence[str | None], weight: Callable[[str], int]
) -> list[tuple[int, int]]:
    """Index pairs of a heaviest common subsequence of a and b (None matches nothing)."""
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            table[i][j] = max(table[i + 1][j], table[i][j + 1])
            if a[i] is not None and a[i] == b[j]:
                table[i][j] = max(table[i][j], table[i + 1][j + 1] + weight(a[i]))
    pairs, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        if a[i] is not None and a[i] == b[j] and table[i][j] == table[i + 1][j + 1] + weight(
            a[i]
        ):
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


Block = tuple[int, list[Line]]  # lines only one file has, shown across all the columns
Layout = list["Row | Block"]  # rows in order; a Block is (the file's position, its lines)
ONLY_IN = 5  # a definition only one file has, this many lines or more, is shown as a Block
_TOP = re.compile(r"^(?:async\s+)?(?:def|class)\s+(\w+)")
_FOR_EPOCH = re.compile(r"^\s*for \w+ in .*\bepochs\b")  # for epoch in range(spec.epochs)
_LOOP_CALL = re.compile(r"\.fit\(|\bfori_loop\(|\blax\.scan\(")
LOOP = "the training loop"


def is_block(item: Row | Block) -> bool:
    return len(item) == 2 and isinstance(item[0], int)


def align(sources: Sequence[str | Source]) -> list[Row]:
    """The files' lines in rows (`layout`, each Block as rows in which only its file has
    lines)."""
    rows: list[Row] = []
    count = len(sources)
    for item in layout(sources):
        if is_block(item):
            k, lines = item
            rows += [tuple(line if j == k else None for j in range(count)) for line in lines]
        else:
            rows.append(item)
    return rows


def layout(sources: Sequence[str | Source]) -> Layout:
    """The files' lines in rows, in three steps:
    - the files' top-level definitions that all files have (`def forward`, `def train`, a
      class of the same name) start the same row, in the order the files share;
    - inside each of them, the training loop (`for epoch in range`, Keras' `fit`, a jitted
      step in `lax.fori_loop`/`lax.scan`) and the shared comments start the same row;
    - between them, a definition only one file has (torch's `nn.Module`) is a Block of its
      own, shown across the columns, so that the other files do not wait beside it.
    Blank rows go only where `statement_ends` allows them. Reused code (shared.views.reuse) lines
    up with the code reused from the same network, after the files' own lines."""
    files = [lines_of(s) if isinstance(s, str) else list(s) for s in sources]
    groups = list(dict.fromkeys(Path(line.origin).stem for lines in files for line in lines))
    items: Layout = []
    for group in groups:
        parts = [[line for line in lines if Path(line.origin).stem == group] for lines in files]
        present = [k for k, part in enumerate(parts) if part]
        if len(present) == 1 < len(files):
            items.append((present[0], parts[present[0]]))
            continue
        # a reused run's label lines (shared.views.reuse: no line number) start one row
        heads = [next((n for n, line in enumerate(parts[k]) if line.number), len(parts[k]))
                 for k in present]  # fmt: skip
        for row in range(max(heads)):
            items.append(tuple(
                parts[k][row] if k in present and row < heads[present.index(k)] else None
                for k in range(len(files))
            ))  # fmt: skip
        rest = [parts[k][head:] for k, head in zip(present, heads, strict=True)]
        for item in _layout(rest):
            if is_block(item):
                k = present[item[0]]
                if items and is_block(items[-1]) and items[-1][0] == k:  # one block
                    items[-1] = (k, items[-1][1] + item[1])
                else:
                    items.append((k, item[1]))
                continue
            row: list[Line | None] = [None] * len(files)
            for k, line in zip(present, item, strict=True):
                row[k] = line
            items.append(tuple(row))
    return items


@dataclass(frozen=True)
class _Unit:
    start: int  # its first line (a comment or decorator over a definition is its own)
    stop: int
    head: int  # the `def` or `class` line
    key: str | None  # "def forward", "class Gender221"; None: imports, assignments, ...


def _units(lines: Sequence[str]) -> list[_Unit]:
    """A file's top-level statements, each definition a unit; the statements between two
    definitions one unit."""
    import ast

    try:
        body = ast.parse("\n".join(lines)).body
    except SyntaxError:
        return [_Unit(0, len(lines), 0, None)] if lines else []
    starts: list[tuple[int, int, str | None]] = []
    previous_end = 0
    for node in body:
        decorators = getattr(node, "decorator_list", [])
        head = node.lineno - 1
        first = min([head, *(d.lineno - 1 for d in decorators)])
        while first > previous_end and lines[first - 1].lstrip().startswith("#"):
            first -= 1
        match = _TOP.match(lines[head])
        key = f"{lines[head].split()[0]} {match.group(1)}" if match else None
        if key is None and starts and starts[-1][2] is None:
            pass  # one unit for the statements between two definitions
        else:
            starts.append((first, head, key))
        previous_end = node.end_lineno or node.lineno
    if not starts:
        return [_Unit(0, len(lines), 0, None)] if lines else []
    starts[0] = (0, *starts[0][1:])
    stops = [s[0] for s in starts[1:]] + [len(lines)]
    return [_Unit(s, e, h, k) for (s, h, k), e in zip(starts, stops, strict=True)]


def _layout(files: list[list[Line]]) -> Layout:
    texts = [[line.text for line in lines] for lines in files]
    units = [_units(lines) for lines in texts]
    keys = [[u.key for u in found] for found in units]
    shared = set.intersection(*({k for k in found if k and found.count(k) == 1} for found in keys))
    # common: per shared definition, its unit's index in each file so far
    common = [(i,) for i, key in enumerate(keys[0]) if key in shared]
    for found in keys[1:]:
        pairs = _lcs(
            [keys[0][c[0]] for c in common],
            [key if key in shared else None for key in found],
            lambda key: 1,
        )
        common = [common[p] + (q,) for p, q in pairs]
    items: Layout = []
    previous = (-1,) * len(files)
    for anchor in [*common, None]:
        stop = anchor or tuple(len(u) for u in units)
        between = [found[p + 1 : s] for found, p, s in zip(units, previous, stop, strict=True)]
        items += _between(files, texts, between)
        if anchor is not None:
            items += _definition(files, texts, [found[a] for found, a in zip(units, anchor,
                                                                               strict=True)])
        previous = stop if anchor else previous
    return items


def _between(files: list[list[Line]], texts: list[list[str]], units: list[list[_Unit]]) -> Layout:
    """The units between two shared definitions. When some files have definitions here and
    others have none, each file's definitions (from its first) are a Block of their own, after
    the rows of what comes before them; otherwise the lines are padded into rows side by side
    (torch's `nn.Module` beside NumPy's functions, its nearest counterpart)."""
    spans = [(found[0].start, found[-1].stop) if found else (0, 0) for found in units]
    owners = [k for k, found in enumerate(units) if any(u.key for u in found)]
    firsts = {k: next(u.start for u in units[k] if u.key) for k in owners}
    long = sum(spans[k][1] - firsts[k] for k in owners) >= ONLY_IN
    if not owners or len(owners) == len(files) or not long:
        return _padded(
            [lines[s:e] for lines, (s, e) in zip(files, spans, strict=True)],
            [t[s:e] for t, (s, e) in zip(texts, spans, strict=True)],
        )
    cut = [firsts.get(k, e) for k, (s, e) in enumerate(spans)]
    items: Layout = _padded(
        [lines[s:c] for lines, (s, _), c in zip(files, spans, cut, strict=True)],
        [t[s:c] for t, (s, _), c in zip(texts, spans, cut, strict=True)],
    )
    for k in owners:
        items.append((k, files[k][firsts[k] : spans[k][1]]))
    return items


def _definition(files: list[list[Line]], texts: list[list[str]], units: list[_Unit]) -> Layout:
    """A definition every file has: its comments and decorators end on the row before its
    `def` line (blank rows go over them), its body is aligned by `_padded`."""
    above = max(u.head - u.start for u in units)
    rows: Layout = []
    for row in range(above):
        rows.append(tuple(
            lines[u.head - above + row] if u.head - above + row >= u.start else None
            for lines, u in zip(files, units, strict=True)
        ))  # fmt: skip
    return rows + _padded(
        [lines[u.head : u.stop] for lines, u in zip(files, units, strict=True)],
        [t[u.head : u.stop] for t, u in zip(texts, units, strict=True)],
        loops=True,
    )


def loop_line(lines: Sequence[str]) -> int | None:
    """Where the training loop starts in a function's lines: a `for` over the epochs, else the
    statement that calls `fit` (or `lax.fori_loop`, `lax.scan`), or the `for` around it."""
    for k, line in enumerate(lines):
        if _FOR_EPOCH.match(line):
            return k
    ends = statement_ends(lines)
    for k, line in enumerate(lines):
        if not _LOOP_CALL.search(line.split("#")[0]):
            continue
        while k > 0 and not ends[k - 1]:  # the statement's first line
            k -= 1
        indent = len(lines[k]) - len(lines[k].lstrip())
        for j in range(k - 1, -1, -1):  # the `for` whose body it is
            text = lines[j].strip()
            outer = len(lines[j]) - len(lines[j].lstrip()) < indent
            if text and not text.startswith("#") and outer:
                return j if text.startswith("for ") else k
        return k
    return None


def _weight(key: str) -> int:
    """The training loop outweighs every shared comment, which outweighs every function
    anchor: the loop lines up first."""
    if key == LOOP:
        return 10**6
    return 1 if key.startswith(("def ", "method ")) else 1000


def _padded(files: list[list[Line]], texts: list[list[str]], loops: bool = False) -> list[Row]:
    """Rows of lines from the files, each anchor (shared comment, function, and with
    `loops` the training loop) common to all on one row."""
    present = [k for k, lines in enumerate(files) if lines]
    if len(present) < len(files):  # a file with no lines here waits beside the others
        if not present:
            return []
        if len(present) == 1:
            inner = [(line,) for line in files[present[0]]]
        else:
            inner = _padded([files[k] for k in present], [texts[k] for k in present], loops)
        return [tuple(row[present.index(k)] if k in present else None
                      for k in range(len(files))) for row in inner]  # fmt: skip
    ends = [statement_ends(lines) for lines in texts]
    anchors = [[(i, anchor_key(line)) for i, line in enumerate(lines)] for lines in texts]
    if loops:
        for found, lines in zip(anchors, texts, strict=True):
            at = loop_line(lines)
            if at is not None:
                found[at] = (at, LOOP)
    # only keys every file has can anchor: a pair of files must not outvote the third
    shared_keys = set.intersection(*({key for _, key in found if key} for found in anchors))
    anchors = [[(i, key) for i, key in found if key in shared_keys] for found in anchors]
    # common: per shared anchor, its line index in each file so far
    common = [((i,), key) for i, key in anchors[0]]
    for found in anchors[1:]:
        pairs = _lcs([key for _, key in common], [key for _, key in found], _weight)
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
        around = [k for k in (bad - 1, bad) if 0 <= k < len(common) and common[k][1] != LOOP]
        droppable = sorted(around, key=lambda k: _weight(common[k][1]))
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


MOST_WRAPPED = 0.05  # more columns are shown only while at most this share of rows wraps


class _Columns:
    """Rendering of files' lines into terminal columns, with a line-number gutter."""

    def __init__(self, files: list[list[Line]], color: bool) -> None:
        self.files = files
        self.tokens = [token_lines([line.text for line in lines]) for lines in files]
        numbers = [line.number for lines in files for line in lines] or [0]
        self.gutter = len(str(max(numbers))) + 1
        self.formatter = None
        if color:
            from pygments.formatters import Terminal256Formatter

            self.formatter = Terminal256Formatter(style="default")

    def rows(self, k: int, line: Line, width: int) -> list[str]:
        """Line `line` of file k in rows `width` wide: its number (or CONTINUED) in the
        gutter, then its code."""
        code = max(10, width - self.gutter)
        out = []
        for depth, piece in enumerate(wrap(self.tokens[k][line.index], code)):
            plain = "".join(value for _, value in piece)
            shown = formatted(piece, self.formatter) if self.formatter else plain
            number = (str(line.number) if line.number else "") if depth == 0 else CONTINUED
            out.append(number.rjust(self.gutter - 1) + " " + shown + " " * (code - len(plain)))
        return out

    def wrapped(self, items: Layout, column: int, width: int) -> tuple[int, int]:
        """(continuation rows, all rows) of the layout in columns `column` wide."""
        continued = total = 0
        for item in items:
            if is_block(item):
                k, lines = item
                counts = [len(self._pieces(k, line, width)) for line in lines]
                total += sum(counts) + 2
                continued += sum(counts) - len(counts)
                continue
            height = max((len(self._pieces(k, line, column)) for k, line in enumerate(item)
                          if line is not None), default=1)  # fmt: skip
            total += height
            continued += height - 1
        return continued, total

    def _pieces(self, k: int, line: Line, width: int) -> list:
        return wrap(self.tokens[k][line.index], max(10, width - self.gutter))


def _column(width: int, count: int) -> int:
    return (width - len(SEPARATOR) * (count - 1)) // count


def terminal(
    sources: Sequence[str | Source], labels: Sequence[str], width: int, color: bool
) -> str:
    """The files in aligned columns of a terminal `width` wide, each line numbered, long lines
    wrapped (with their indentation and colour). As many of the files as fit with at most
    MOST_WRAPPED of the rows wrapped are shown, in order, at least two: a line above the
    columns says which, and how to see the others. With one file, or a terminal too narrow
    for two columns of MIN_COLUMN, the files come one after another, each under a header."""
    files = [lines_of(s) if isinstance(s, str) else list(s) for s in sources]
    if len(files) == 1 or _column(width, 2) < MIN_COLUMN:
        return _one_after_another(files, labels, width, color)
    fitted, note = len(files), ""
    share = {}
    for count in range(len(files), 1, -1):
        if _column(width, count) < MIN_COLUMN:
            continue
        chosen = files[:count]
        share[count] = _share(_Columns(chosen, color=False), layout(chosen), width, count)
        fitted = count
        if share[count] <= MOST_WRAPPED:
            break
    if fitted < len(files):
        every = _Columns(files, color=False), layout(files)  # tokens and rows, computed once
        needed, wrapped = _width_for(*every, len(files)), _share(*every, width, len(files))
        left = [_framework(label) for label in labels[fitted:]]
        others = " or ".join(
            "--frameworks " + ",".join([_framework(labels[0]), name]) for name in left
        )
        note = (
            f"Showing {_and([_framework(label) for label in labels[:fitted]])}: "
            f"{len(files)} columns would wrap {100 * wrapped:.0f}% of the rows at "
            f"{width} columns (--width {needed} fits them). Also: {others}\n"
        )
    files, labels = files[:fitted], labels[:fitted]
    view = _Columns(files, color)
    column = _column(width, len(files))
    out = [SEPARATOR.join(label.ljust(column) for label in labels).rstrip()]
    out.append(SEPARATOR.join("─" * column for _ in labels))
    for item in layout(files):
        if is_block(item):
            k, lines = item
            origin = next((line.origin for line in lines if line.origin), "")
            title = f"── only in {origin or labels[k]} "
            lines = [line for line in lines if line.number or line.text]  # no spacer rows
            out.append(title + "─" * (width - len(title)))
            out += [row.rstrip() for line in lines for row in view.rows(k, line, width)]
            out.append("─" * width)
            continue
        cells = [view.rows(k, line, column) if line else [] for k, line in enumerate(item)]
        for depth in range(max(1, *map(len, cells))):
            parts = [c[depth] if depth < len(c) else " " * column for c in cells]
            out.append(SEPARATOR.join(parts).rstrip())
    return note + "\n".join(out) + "\n"


def _framework(label: str) -> str:
    return label.split("_impl/")[0]


def _and(names: list[str]) -> str:
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def _share(view: _Columns, items: Layout, width: int, count: int) -> float:
    """The share of the rows that wrap with `count` columns in a terminal `width` wide."""
    continued, total = view.wrapped(items, _column(width, count), width)
    return continued / max(total, 1)


def _width_for(view: _Columns, items: Layout, count: int) -> int:
    """The narrowest terminal (in steps of 10) showing `count` files side by side with at
    most MOST_WRAPPED of the rows wrapped."""
    width = count * (MIN_COLUMN + len(SEPARATOR))
    while width < 1000 and _share(view, items, width, count) > MOST_WRAPPED:
        width += 10
    return width


def _one_after_another(
    files: list[list[Line]], labels: Sequence[str], width: int, color: bool
) -> str:
    view = _Columns(files, color)
    blocks = []
    for k, (label, lines) in enumerate(zip(labels, files, strict=True)):
        rule = "=" * min(width, 100)
        numbered = [row.rstrip() for line in lines for row in view.rows(k, line, width)]
        blocks.append("\n".join([rule, f"{label}", rule, *numbered]))
    return "\n\n".join(blocks) + "\n"


def unified_diff(a_text: str, b_text: str, a_name: str, b_name: str) -> str:
    return "".join(
        difflib.unified_diff(
            a_text.splitlines(keepends=True), b_text.splitlines(keepends=True), a_name, b_name
        )
    )
