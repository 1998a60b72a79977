"""`rosetta exercise NETWORK --framework F`: write a network's module with its lesson lines
left as TODOs, for the learner to fill in and `rosetta check`."""

from __future__ import annotations

import argparse
from pathlib import Path

from shared import specs
from shared.checks import exercises
from shared.cli import messages
from shared.runtime import frameworks

LOOP = (
    "The loop: `rosetta exercise NETWORK --framework F` writes the exercise; replace each TODO "
    "with your code; `rosetta check FILE` grades it against the NumPy float64 reference, "
    "quantity by quantity, and names the first that goes wrong with the likely mistake. "
    "docs/exercises.md lists every exercise's lessons and the mistakes rosetta recognises."
)


def add_parser(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "exercise",
        help="write a network's module with its lesson lines left as TODOs to fill in",
        description="Write the project's module of NETWORK in framework F with the lines that "
        "carry the lesson (the forward pass, the error terms, the steps; in PyTorch the "
        "module's forward, the weights' layout, zero_grad / backward / step; in Keras the "
        "layers, compile, fit; in JAX the loss, jax.grad, the optax update) replaced by stubs "
        "that raise NotImplementedError, each under a one-line hint. The file runs as it is, "
        "and its first line names its network and framework. " + LOOP,
    )
    command.add_argument(
        "network", metavar="NETWORK", choices=list(specs.NETWORKS),
        help=f"one of: {', '.join(specs.NETWORKS)}",
    )  # fmt: skip
    command.add_argument(
        "--framework", required=True, choices=frameworks.FRAMEWORKS,
        help="the framework to write the exercise in",
    )  # fmt: skip
    command.add_argument(
        "--out", type=Path, metavar="PATH",
        help="the file to write (default: ./exercise_NETWORK_FRAMEWORK.py)",
    )  # fmt: skip
    command.add_argument(
        "--force", action="store_true", help="overwrite the file if it exists (it is refused)"
    )
    command.set_defaults(subparser=command, handler=main)


def main(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    out = args.out or Path(f"exercise_{args.network}_{args.framework}.py")
    if out.is_dir():
        return messages.fail("bad argument", f"--out {str(out)!r} is a directory; name a file", 2)
    if out.exists() and not args.force:
        return messages.fail(
            "file exists", f"{str(out)!r} exists; --force overwrites it (nothing was written)", 2
        )
    try:
        text, lessons = exercises.exercise(args.network, args.framework, str(out))
    except exercises.ExerciseError as error:
        return messages.fail("no exercise", str(error), 2)
    try:
        out.write_text(text)
    except OSError as error:
        return messages.write_failed(str(out), error)
    lines = [n for n, line in enumerate(text.splitlines()) if "raise NotImplementedError" in line]
    print(f"Wrote {out}: {args.network} in {args.framework}, {len(lessons)} TODOs "
          f"(lines {', '.join(map(str, lines))}).")  # fmt: skip
    print(f"Replace each TODO with your code, then run: rosetta check {out}")
    return 0
