"""`rosetta show`: a network's implementations side by side, lined up block by block."""

from __future__ import annotations

import argparse
import os
import shutil
import sys

from shared import specs
from shared.cli import options
from shared.runtime import frameworks


def add_parser(commands: argparse._SubParsersAction) -> None:
    show = commands.add_parser(
        "show",
        help="print a network's implementations side by side, lined up block by block",
        description="Print the chosen implementations of NETWORK in aligned columns, one per "
        "framework, each line numbered: every top-level function the files share, and the "
        "training loop (`for epoch in range`, Keras' `fit`), start the same row in every column; "
        "inside them the shared comments line up where blank rows can go between whole "
        "statements. A definition only one file has (PyTorch's nn.Module) is shown across the "
        "columns under 'only in FILE', so the others do not wait beside it. Code a file imports "
        "from another network's file (admissions_mlp's model and loop, from backprop_321) is "
        "shown after it, labelled with its file and lines. Long lines wrap as an editor wraps "
        "them: after a comma or an opening bracket, before an operator, never inside a name or "
        "a number, continued under their opening bracket (a ↪ in the number's place). As many "
        "of the chosen frameworks as fit with at most 5% of the rows wrapped are shown (at "
        "least two); a first line says which, and how to see the others. A terminal narrower "
        "than two columns of 60 gets the files one after another. Highlighted on a terminal.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    show.add_argument(
        "network", metavar="NETWORK", choices=list(specs.NETWORKS),
        help=f"one of: {', '.join(specs.NETWORKS)}",
    )  # fmt: skip
    options.frameworks_option(
        show, "comma-separated frameworks, in column order (the first two always fit; the "
        "rest while the terminal is wide enough)"
    )
    show.add_argument(
        "--diff",
        nargs=2,
        metavar=("A", "B"),
        choices=frameworks.FRAMEWORKS,
        help="print a unified diff of framework A's file against B's instead",
    )
    show.add_argument(
        "--width",
        type=lambda text: options.whole(text, *options.SHOW_WIDTH),
        help=f"columns to fill, {options.SHOW_WIDTH[0]}..{options.SHOW_WIDTH[1]} (default: the "
        "terminal's width within these bounds; $COLUMNS if set, which must lie within them; "
        "else 200)",
    )
    show.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="syntax highlighting: auto highlights only when stdout is a terminal, NO_COLOR "
        "is not set and TERM is not dumb",
    )
    show.set_defaults(subparser=show, handler=main)


def main(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from shared.views import reuse, show

    chosen = list(args.diff) if args.diff else options.chosen_frameworks(parser, args.frameworks)
    paths = [show.source_path(framework, args.network) for framework in chosen]
    names = [str(path.relative_to(path.parent.parent)) for path in paths]
    if args.diff:
        texts = [path.read_text() for path in paths]
        sys.stdout.write(show.unified_diff(*texts, *names))
        return 0
    sources = [reuse.source_lines(framework, args.network) for framework in chosen]
    width = args.width or _width(parser)
    sys.stdout.write(show.terminal(sources, names, width, _color(args.color)))
    return 0


def _width(parser: argparse.ArgumentParser) -> int:
    """The width without --width: COLUMNS if it is set, within --width's bounds (a usage error
    naming it otherwise: COLUMNS=100000000 once took 19 GB), else the terminal's, brought
    within them, else 200."""
    least, most = options.SHOW_WIDTH
    columns = os.environ.get("COLUMNS", "")
    if columns.strip():  # what shutil.get_terminal_size reads first
        try:
            return options.whole(columns, least, most)
        except argparse.ArgumentTypeError as error:
            parser.error(f"COLUMNS in the environment: {error}; unset it or give --width")
    return min(max(shutil.get_terminal_size(fallback=(200, 24)).columns, least), most)


def _color(choice: str) -> bool:
    """Highlight with --color always; with auto, on a terminal unless NO_COLOR is set (to
    anything but the empty string, no-color.org) or TERM is dumb."""
    if choice != "auto":
        return choice == "always"
    return (
        sys.stdout.isatty()
        and not os.environ.get("NO_COLOR")
        and os.environ.get("TERM", "") != "dumb"
    )
