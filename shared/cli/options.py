"""The options that several commands take, each defined and checked once: the parser that
makes every usage error one line, the number and path types, --frameworks, --keras-backend,
and the training options (--lr's range per dtype, --optimizer, --eps, --activation)."""

from __future__ import annotations

import argparse
import difflib
import functools
import math
import os
import re
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


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Each option's default, once: appended as "(default: X)" unless its help already says
    what the default is, or there is none to say (None, False)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "default" in text or action.default in (None, False, argparse.SUPPRESS):
            return text
        return super()._get_help_string(action)


_INVALID_CHOICE = re.compile(r"invalid choice: '(?P<given>[^']*)' \(choose from (?P<choices>.*)\)")


def did_you_mean(given: str, choices: Sequence[str]) -> str:
    """The words "; did you mean gender_221?" for a near miss among `choices`, else ""."""
    close = difflib.get_close_matches(given, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


class Parser(argparse.ArgumentParser):
    """argparse, but every usage error is one line: what was wrong and where to look (a near
    miss among the choices is named). Options are never abbreviated (`--jso` is not `--json`),
    none takes an empty value, and help prints each default once (HelpFormatter)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("allow_abbrev", False)
        if kwargs.get("formatter_class") in (None, argparse.ArgumentDefaultsHelpFormatter):
            kwargs["formatter_class"] = HelpFormatter
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
        invalid = _INVALID_CHOICE.search(message)
        if invalid and "did you mean" not in message:
            choices = re.findall(r"'([^']*)'", invalid["choices"])
            message += did_you_mean(invalid["given"], choices)
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


def frameworks_option(parser: argparse.ArgumentParser, text: str, default: str = "") -> None:
    """--frameworks (also spelled --framework, its name in `run` before): one or more
    framework names, comma-separated, or all; every command takes it the same way."""
    parser.add_argument(
        "--frameworks",
        "--framework",
        dest="frameworks",
        default=default or ",".join(frameworks.FRAMEWORKS),
        metavar="NAME[,NAME...]|all",
        help=f"{text}; one name or several, comma-separated, or all; --framework is the same "
        "option",
    )


KERAS_BACKEND = "tensorflow"  # the backend Keras runs on unless --keras-backend says otherwise


def keras_backend_option(
    parser: argparse.ArgumentParser, text: str, allow_all: bool, always: bool = False
) -> None:
    """--keras-backend. Where Keras runs only if --frameworks names it (`always` False), the
    option given without Keras is a usage error (chosen_keras_backend)."""
    choices = (*frameworks.KERAS_BACKENDS, "all") if allow_all else frameworks.KERAS_BACKENDS
    parser.add_argument(
        "--keras-backend",
        default=KERAS_BACKEND if always else None,
        choices=choices,
        help=text if always else f"{text} (default: {KERAS_BACKEND})",
    )


def chosen_keras_backend(
    parser: argparse.ArgumentParser, args: argparse.Namespace, chosen: Sequence[str]
) -> str:
    """The --keras-backend given, or the default; a usage error if given where no Keras runs
    (it would change nothing)."""
    if args.keras_backend is not None and "keras" not in chosen:
        parser.error(
            f"--keras-backend {args.keras_backend} applies only where Keras runs; add keras "
            f"to --frameworks (now {','.join(chosen)})"
        )
    return args.keras_backend or KERAS_BACKEND


def chosen_frameworks(parser: argparse.ArgumentParser, text: str) -> list[str]:
    """The --frameworks list (all: every framework); a name that is not a framework is a
    usage error."""
    if text.strip() == "all":
        return list(frameworks.FRAMEWORKS)
    chosen = [name.strip() for name in text.split(",") if name.strip()]
    for name in chosen:
        if name not in frameworks.FRAMEWORKS:
            parser.error(
                f"unknown framework {name!r} in --frameworks; choose from: "
                f"{', '.join(frameworks.FRAMEWORKS)} or all"
                + did_you_mean(name, [*frameworks.FRAMEWORKS, "all"])
            )
    return list(dict.fromkeys(chosen))


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


def check_fits(parser: argparse.ArgumentParser, option: str, value: float, dtype: str) -> None:
    """A number that the chosen dtype rounds to 0, to a subnormal or to infinity would train
    nothing (or nonsense) and still be reported as given: a usage error, naming the value.
    (`--eps 0` is exact in every dtype, and allowed.) Every command checks --lr and --eps
    here, with the dtype it runs in."""
    info = np.finfo(specs.DTYPES[dtype])
    if value == 0 or float(info.smallest_normal) <= abs(value) <= float(info.max):
        return
    with np.errstate(over="ignore", under="ignore"):
        held = float(specs.DTYPES[dtype](value))
    became = "0" if held == 0 else "infinity" if math.isinf(held) else f"the subnormal {held!r}"
    parser.error(
        f"{option} {value!r} is outside the normal {dtype} numbers ({info.smallest_normal:.3g} "
        f"to {info.max:.3g}): {dtype} rounds it to {became}"
    )


def check_numbers(parser: argparse.ArgumentParser, args: argparse.Namespace, dtype: str) -> None:
    """--lr and --eps, each within the normal numbers of `dtype` (check_fits)."""
    for option in ("lr", "eps"):
        value = getattr(args, option, None)
        if value is not None:
            check_fits(parser, f"--{option}", value, dtype)
