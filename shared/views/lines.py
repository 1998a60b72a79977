"""A line of code as its tokens: highlighted (Pygments) and wrapped as an editor wraps it.

shared.views.show lays the lines out in columns, shared.views.site in a page; both take
each line's tokens from here, so that a line breaks at the same places in both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pygments.token import Comment, Keyword, Operator, Punctuation, String, Text


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
CONTINUED = "↪"  # in the line-number gutter of each continuation row of a wrapped line
_OPENING, _CLOSING = "([{", ")]}"
# a line may break before these (a binary operator with a space before it)
_BEFORE = {"+", "-", "*", "/", "%", "@", "|", "&", "^", "<", ">", "==", "!=", "and", "or",
           "if", "else", "for", "in", "not", "is", "->"}  # fmt: skip


def breaks(tokens: list[tuple], width: int, prose: bool = True) -> dict[int, int]:
    """Where a line may wrap, as an editor wraps it: after a comma or an opening bracket,
    before an operator, at a space in a comment or string; never inside a name, a number or
    an operator (with `prose` False: not in a string). Each position maps to the indentation
    of the row it begins: under its
    innermost opening bracket, else 4 past the line's own (in a comment: under its text)."""
    text = "".join(value for _, value in tokens)
    indent = len(text) - len(text.lstrip(" "))
    deepest = max(width * 3 // 5, indent + 8)

    def hang(column: int) -> int:
        return column if column <= deepest else min(indent + 8, width // 2)

    found: dict[int, int] = {}
    brackets: list[int] = []
    position, previous = 0, ""
    for token, value in tokens:
        end = position + len(value)
        under = hang(brackets[-1] + 1 if brackets else indent + 4)
        word = value.strip()
        if token in Comment:
            for match in re.finditer(r" (?=\S)", value):
                found[position + match.end()] = hang(position + 2)
        elif token in String:
            for match in re.finditer(r" (?=\S)", value) if prose else ():
                found[position + match.end()] = under
        elif word in _OPENING and token in Punctuation:
            brackets.append(position)
            found[end] = hang(position + 1)
        elif word in _CLOSING and token in Punctuation:
            if brackets:
                brackets.pop()
        elif word == "," and token in Punctuation:
            found[end + 1 if text[end : end + 1] == " " else end] = under
        elif word in _BEFORE and previous.endswith(" ") and (token in Operator or token in Keyword):
            found[position] = under
        elif not word and value and position > indent:  # a space between two tokens
            found.setdefault(end, under)
        position, previous = end, value
    return {at: column for at, column in found.items() if indent < at < len(text)}


def wrap(tokens: list[tuple], width: int) -> list[list[tuple]]:
    """A line's tokens in rows of at most `width` characters, broken at `breaks`; each row
    after the first starts with the spaces of its indentation. A run with no break in
    `width` (a very long name) is cut only when nothing else fits."""
    text = "".join(value for _, value in tokens)
    if len(text) <= width:
        return [tokens]
    places = breaks(tokens, width)
    code = breaks(tokens, width, prose=False)
    spans, start, prefix = [], 0, 0
    while len(text) - start + prefix > width:
        room = width - prefix
        fits = [at for at in places if start < at <= start + room and text[start:at].strip()]
        # a break between two tokens, when one is in the second half of the row
        strong = [at for at in fits if at in code and at > start + room // 2]
        cut = max(strong or fits) if fits else start + room
        spans.append((start, cut, prefix))
        prefix = places.get(cut, prefix)
        start = cut
        while start < len(text) - 1 and text[start] == " ":
            start += 1
    spans.append((start, len(text), prefix))
    pieces = []
    for first, last, indent in spans:
        piece = [(Text, " " * indent)] if indent else []
        offset = 0
        for token, value in tokens:
            a, b = max(first, offset), min(last, offset + len(value))
            if a < b:
                piece.append((token, value[a - offset : b - offset]))
            offset += len(value)
        if piece and first:  # no trailing space before a break
            piece[-1] = (piece[-1][0], piece[-1][1].rstrip(" ") or piece[-1][1])
        pieces.append(piece)
    return pieces
