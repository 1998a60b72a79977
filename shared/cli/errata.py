"""`rosetta errata`: where the tutorials' code or claims are wrong, each with its proof."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from shared.checks import errata
from shared.cli import options


def add_parser(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "errata",
        help="list where the tutorials' code or claims are wrong, each with its proof",
        description="List every place where a tutorial's code or claim is wrong: the "
        "tutorial step, what it claims, what is true, the test that recomputes it (in every "
        "framework where one applies) and what to do instead. docs/errata.md is this list "
        "as --markdown prints it.",
    )
    fields = ("key", "network", "tutorial", "claim", "truth", "proof", "advice")
    options.json_or_markdown(command, fields, "docs/errata.md")
    command.set_defaults(subparser=command, handler=main)


def main(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.json:
        print(json.dumps([entry.as_dict() for entry in errata.ERRATA], indent=2))
        return 0
    if args.markdown:
        print(errata.to_markdown())
        return 0
    width = max(map(len, errata.FIELDS.values())) + 1
    for number, entry in enumerate(errata.ERRATA, 1):
        print(f"{number}. {entry.network}: {entry.key}")
        for name, label in errata.FIELDS.items():
            lead = f"   {label + ':':<{width}} "
            print(
                textwrap.fill(
                    getattr(entry, name),
                    100,
                    initial_indent=lead,
                    subsequent_indent=" " * len(lead),
                    break_on_hyphens=False,
                )
            )
        print()
    print(f"{len(errata.ERRATA)} errata; run the proofs with: {_pytest()}")
    return 0


def _pytest() -> str:
    """The command that runs the proofs: pytest from the Python running rosetta (make install
    puts both in .venv), in this checkout (its tests/ are named from there)."""
    root, python = Path(errata.__file__).resolve().parents[2], Path(sys.executable)
    if Path.cwd().resolve() != root:
        return f"cd {root} && {python} -m pytest {errata.PROOFS}"
    try:
        python = python.relative_to(root)
    except ValueError:
        pass
    return f"{python} -m pytest {errata.PROOFS}"
