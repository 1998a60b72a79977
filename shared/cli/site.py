"""`rosetta site`: a static site of every network's implementations, quantities and curves."""

from __future__ import annotations

import argparse
from pathlib import Path

from shared.cli import messages, options
from shared.runtime import frameworks, outputs


def add_parser(commands: argparse._SubParsersAction) -> None:
    site = commands.add_parser(
        "site",
        help="build a static site: every network's implementations, quantities and curves",
        description="Build a static site that opens from disk (file://, no server, no "
        "network): an index of the networks with their cross-check status, an errata page, "
        "the glossary, and a page per network with its spec, the implementations in "
        "aligned rows coloured by token (with the code they reuse from other networks; long "
        "lines wrap, nothing scrolls sideways; tick 2 to 4 frameworks, kept in the address "
        "as ?frameworks=numpy,torch), the tagged framework differences, the "
        "quantities of every framework with the largest difference from NumPy, the loss "
        "curves and the errata. Keras runs on --keras-backend.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    site.add_argument(
        "--out",
        type=Path,
        default=Path("site"),
        help="directory to write into: a new or empty one, or one an earlier `rosetta site` "
        f"wrote (it holds a {outputs.MARKER} file); any other is refused, and nothing in it "
        "changes",
    )
    options.keras_backend_option(site, "backend Keras runs on", allow_all=False, always=True)
    site.set_defaults(subparser=site, handler=main)


def main(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from shared.views import site

    try:
        options.use_keras_backend(args.keras_backend)
    except frameworks.FrameworkUnavailableError as error:
        return messages.fail("framework unavailable", str(error), 2)
    try:
        statuses = site.build(args.out, messages.say)
    except outputs.OutputError as error:  # found before anything was written
        return messages.fail("bad argument", str(error), 2)
    except OSError as error:
        return messages.write_failed("--out", error)
    for network, status in statuses.items():
        print(f"  {network:<18} {status}")
    print(f"Site written to {args.out / 'index.html'} (open it in a browser; no server needed)")
    return 0 if all("differ" not in status for status in statuses.values()) else 1
