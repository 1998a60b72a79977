"""`rosetta list`: the networks with their cases, and the frameworks with their versions."""

from __future__ import annotations

import argparse

from shared import specs
from shared.runtime import frameworks


def add_parser(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "list",
        help="list the networks with their cases, and the frameworks with their versions",
        description="List the networks with their cases, and the frameworks with their versions.",
    )
    command.set_defaults(subparser=command, handler=main)


def main(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    width = max(map(len, specs.NETWORKS))
    print("Networks (cases):")
    for network in specs.NETWORKS.values():
        print(f"  {network.name:<{width}}  {network.description} ({', '.join(network.cases)})")
    print("Frameworks:")
    for framework in frameworks.FRAMEWORKS:
        found = frameworks.version(framework)
        status = (
            f"installed, {found}"
            if found
            else f"not installed: {frameworks.install_hint(framework)}"
        )
        print(f"  {framework:<{width}}  {status}")
    return 0
