"""The options that several commands take, each defined and checked once: the parser that
makes every usage error one line, the number and path types, --frameworks, --keras-backend,
and the training options (--lr's range per dtype, --optimizer, --eps, --activation)."""

from __future__ import annotations

import argparse
import functools
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from shared import specs
from shared.cli import messages
from shared.runtime import frameworks, outputs
from shared.specs import admissions_data, optimizers

# Documented maxima of the options that size the work (each option's --help states it).
MAX_BENCH_ROWS = 10**7  # the largest benchmark's data is 480 MB, its frameworks' copies ~2 GB
MAX_REPEAT = 100
# --epochs: a training of this many epochs starts at once with memory as for a short one
# (every framework counts epochs in a range; Keras hands fit() bounded repeats); more would
# run for centuries on these networks
MAX_EPOCHS = 10**12
MAX_MIN_TIME = 60.0  # seconds
SHOW_WIDTH = (40, 1000)  # columns
SEED_RANGE = (0, 2**32 - 1)  # what np.random.seed takes, for every network alike


class Parser(argparse.ArgumentParser):
    """argparse, but every usage error is one line: what was wrong and where to look. Options
    are never abbreviated (`--jso` is not `--json`), and none takes an empty value."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def add_argument(self, *names: str, **kwargs: object) -> argparse.Action:
        if names[0].startswith("-") and kwargs.get("action", "store") == "store":
            kwargs["type"] = _not_empty(kwargs.get("type", str))
        return super().add_argument(*names, **kwargs)

    def _print_message(self, message: str, file: object = None) -> None:
        """argparse's, without its silence on an OSError: `--help > /dev/full` exited 0 with
        nothing written; now main() reports it in one line, exit 1."""
        if message:
            (file or sys.stderr).write(message)

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.exit(messages.fail("bad argument", f"{message} (see {self.prog} --help)", 2, self.prog))


def _not_empty(convert: Callable[[str], object]) -> Callable[[str], object]:
    """`convert`, refusing an empty value first (`--case ""` would otherwise mean the default
    and `--out ""` the current directory)."""

    @functools.wraps(convert)
    def checked(text: str) -> object:
        if not text.strip():
            raise argparse.ArgumentTypeError(f"expected a value, got {text!r}")
        return convert(text)

    return checked


# --- number and path types ---------------------------------------------------------------


def split(text: str) -> float | None:
    if text.lower() == "none":
        return None
    value = number(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a fraction in (0, 1) or none, got {text!r}")
    return value


def positive_float(text: str, most: float = math.inf) -> float:
    value = number(text)
    if not (math.isfinite(value) and 0 < value <= most):
        limit = "" if most == math.inf else f" of at most {most:g}"
        raise argparse.ArgumentTypeError(f"expected a positive finite number{limit}, got {text!r}")
    return value


def non_negative_float(text: str) -> float:
    value = number(text)
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"expected a finite number of at least 0, got {text!r}")
    return value


def number(text: str) -> float:
    """An option's number, read as a CSV cell is (admissions_data.NUMBER: `1_000`, full-width
    digits and `infinity` are not numbers); NaN if it is not one."""
    value = admissions_data.number(text)
    return math.nan if value is None else value


def whole(text: str, least: int, most: float = math.inf) -> int:
    """A whole number in least..most (`most` documented in the option's --help), in ASCII
    digits (str.isdigit would take full-width digits, and superscripts int() cannot read)."""
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit()) or not least <= int(digits) <= most:
        limit = f"of at least {least}" if most == math.inf else f"in {least}..{most:,}"
        raise argparse.ArgumentTypeError(f"expected a whole number {limit}, got {text!r}")
    return int(digits)


def sizes(text: str) -> tuple[int, ...]:
    counts = tuple(whole(part, 1, MAX_BENCH_ROWS) for part in text.split(",") if part.strip())
    if not counts:
        raise argparse.ArgumentTypeError(f"expected comma-separated row counts, got {text!r}")
    return counts


def seed(text: str) -> int:
    return whole(text, *SEED_RANGE)


def png(text: str) -> Path:
    path = Path(text)
    if text.endswith(os.sep):
        raise argparse.ArgumentTypeError(f"{text!r} names a directory; name a .png file")
    if path.suffix.lower() != ".png":
        raise argparse.ArgumentTypeError(f"expected a file name ending in .png, got {text!r}")
    try:
        outputs.probe_file(path)
    except outputs.OutputError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return path


def json_or_markdown(command: argparse.ArgumentParser, fields: tuple, page: str) -> None:
    """--json (the entries as a JSON list of objects with `fields`) or --markdown (`page`)."""
    form = command.add_mutually_exclusive_group()
    keys = ", ".join(f'"{field}"' for field in fields)
    form.add_argument(
        "--json", action="store_true", help=f"print the entries as a JSON list of {{{keys}}}"
    )
    form.add_argument("--markdown", action="store_true", help=f"print {page}")


# --- --frameworks and --keras-backend ----------------------------------------------------


def frameworks_option(parser: argparse.ArgumentParser, text: str) -> None:
    parser.add_argument("--frameworks", default=",".join(frameworks.FRAMEWORKS), help=text)


def keras_backend_option(parser: argparse.ArgumentParser, text: str, allow_all: bool) -> None:
    choices = (*frameworks.KERAS_BACKENDS, "all") if allow_all else frameworks.KERAS_BACKENDS
    parser.add_argument("--keras-backend", default="tensorflow", choices=choices, help=text)


def chosen_frameworks(parser: argparse.ArgumentParser, text: str) -> list[str]:
    """The --frameworks list; a name that is not a framework is a usage error."""
    chosen = [name.strip() for name in text.split(",") if name.strip()]
    for name in chosen:
        if name not in frameworks.FRAMEWORKS:
            parser.error(
                f"unknown framework {name!r} in --frameworks; choose from: "
                f"{', '.join(frameworks.FRAMEWORKS)}"
            )
    return chosen


def use_keras_backend(backend: str) -> None:
    """Point Keras at `backend`; it is read once, when keras is first imported."""
    if not keras_backend_free(backend):
        raise frameworks.FrameworkUnavailableError(
            f"Keras is already imported in this process; {backend} needs a new one"
        )
    os.environ["KERAS_BACKEND"] = backend


def keras_backend_free(backend: str) -> bool:
    """True if this process can still run Keras on `backend`."""
    loaded = sys.modules.get("keras_impl.backend")
    if loaded is None:
        return "keras" not in sys.modules
    return loaded.BACKEND == backend


# --- `--optimizer`, `--eps`, `--activation` (run and compare) -----------------------------


def networks_taking(option: str) -> list[str]:
    """The networks whose trained case takes `option` (optimizer, eps or activation)."""
    return [
        name
        for name, network in specs.NETWORKS.items()
        if "trained" in network.cases and option in specs.spec_fields(name)
    ]


def training_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--optimizer",
        default="sgd",
        choices=optimizers.OPTIMIZERS,
        help="update rule of the training (networks that train: "
        f"{', '.join(networks_taking('optimizer'))}); every framework is configured to the "
        f"same math: momentum {optimizers.MOMENTUM}, rmsprop rho {optimizers.RHO}, adam betas "
        f"({optimizers.BETA_1}, {optimizers.BETA_2}); sgd is the tutorials'",
    )
    parser.add_argument(
        "--eps",
        type=non_negative_float,
        help=f"rmsprop's and adam's epsilon (default {optimizers.EPS:g}); at 0 Keras' formulas "
        "equal torch's, above it they differ by design (`rosetta defaults`)",
    )
    parser.add_argument(
        "--activation",
        default="sigmoid",
        choices=optimizers.ACTIVATIONS,
        help="activation of the hidden layers (the output unit stays sigmoid), for "
        f"{', '.join(networks_taking('activation'))}",
    )


def chosen_training(parser: argparse.ArgumentParser, args: argparse.Namespace) -> dict:
    """The --optimizer, --eps and --activation given (None: the spec's); a usage error if
    --eps goes to an optimizer without one."""
    if args.eps is not None and args.optimizer not in ("rmsprop", "adam"):
        parser.error(f"--eps applies to --optimizer rmsprop or adam, not {args.optimizer}")
    return {
        "optimizer": None if args.optimizer == "sgd" else args.optimizer,
        "eps": args.eps,
        "activation": None if args.activation == "sigmoid" else args.activation,
    }


def check_networks_take(
    parser: argparse.ArgumentParser, networks: Sequence[str], chosen: dict
) -> None:
    """A usage error if a network named cannot take an option chosen."""
    for option, value in chosen.items():
        if value is None:
            continue
        taking = networks_taking(option)
        for network in networks:
            if network not in taking:
                parser.error(f"--{option} applies to {', '.join(taking)}; not to {network}")


def check_lr_fits(parser: argparse.ArgumentParser, lr: float, dtype: str) -> None:
    """A learning rate that the chosen dtype rounds to 0, to a subnormal or to infinity
    would train nothing (or nonsense) and still be reported as given: a usage error."""
    info = np.finfo(specs.DTYPES[dtype])
    if float(info.smallest_normal) <= lr <= float(info.max):
        return
    with np.errstate(over="ignore"):
        held = float(specs.DTYPES[dtype](lr))
    became = "0" if held == 0 else "infinity" if math.isinf(held) else f"the subnormal {held!r}"
    parser.error(
        f"--lr {lr!r} is outside the normal {dtype} numbers ({info.smallest_normal:.3g} to "
        f"{info.max:.3g}): {dtype} rounds it to {became}"
    )
