"""`rosetta`: list the networks, run one in a framework, compare all frameworks, and more.

    rosetta list
    rosetta run NETWORK [--case CASE] [--framework numpy|torch|keras|all] [--keras-backend B]
                        [--dtype D] [--split S|none] [--data FILE.csv] [--seed N] [--lr LR]
                        [--epochs N] [--optimizer O] [--eps E] [--activation A]
                        [--plot FILE.png] [--json]
    rosetta compare [NETWORK ...] [--frameworks numpy,torch,keras] [--keras-backend B|all]
                    [--dtype D] [--lr LR] [--optimizer O] [--eps E] [--activation A]
                    [--all] [--timings] [--plot FILE.png] [--json]
    rosetta bench [--rows N,...] [--frameworks ...] [--keras-backend B|all] [--repeat N]
                  [--min-time S] [--plot FILE.png] [--json]
    rosetta show NETWORK [--frameworks ...] [--diff A B] [--width N] [--color C]
    rosetta site [--out DIR] [--keras-backend B]
    rosetta errata [--json | --markdown]
    rosetta defaults [--json | --markdown] [--keras-backend B]

Bad arguments exit with status 2 and one line on stderr naming the valid choices; an
error of the run (training diverged, a file that cannot be written) exits 1 with one line;
Ctrl-C exits 130 with one line, after ending any child process.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import shutil
import signal
import sys
import textwrap
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from shared import interrupts  # the standard library only: loads before the Ctrl-C handling

INTERRUPTED = 130  # the shell's status for a command ended by SIGINT (128 + 2)


def _interrupted() -> int:
    """Ctrl-C: end the child processes, say so in one line, exit 130. A second Ctrl-C
    during this cleanup is ignored."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        started = sys.modules.get("shared.children")  # not yet imported: no child either
        if started is not None:
            started.end_all()
        print("rosetta: interrupted", file=sys.stderr, flush=True)
    finally:
        signal.signal(signal.SIGINT, previous)
    return INTERRUPTED


_before_import = interrupts.install()
try:  # the libraries take a second to load: a Ctrl-C meanwhile is one line too
    import numpy as np

    from shared import (
        admissions_data,
        children,
        compare,
        errata,
        frameworks,
        harness,
        optimizers,
        outputs,
        plots,
        printing,
        progress,
        reports,
        specs,
    )
except BaseException:
    if interrupts.seen:
        sys.exit(_interrupted())
    raise
finally:
    if _before_import is not None:
        signal.signal(signal.SIGINT, _before_import)

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


class _Parser(argparse.ArgumentParser):
    """argparse, but every usage error is one line: what was wrong and where to look. Options
    are never abbreviated (`--jso` is not `--json`), and none takes an empty value."""

    json_errors = False  # set by main() when --json is on the command line

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def add_argument(self, *names: str, **kwargs: object) -> argparse.Action:
        if names[0].startswith("-") and kwargs.get("action", "store") == "store":
            kwargs["type"] = _not_empty(kwargs.get("type", str))
        return super().add_argument(*names, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.exit(_fail("bad argument", f"{message} (see {self.prog} --help)", 2, self.prog))


def _not_empty(convert: Callable[[str], object]) -> Callable[[str], object]:
    """`convert`, refusing an empty value first (`--case ""` would otherwise mean the default
    and `--out ""` the current directory)."""

    @functools.wraps(convert)
    def checked(text: str) -> object:
        if not text.strip():
            raise argparse.ArgumentTypeError(f"expected a value, got {text!r}")
        return convert(text)

    return checked


def _fail(kind: str, detail: str, status: int, prog: str = "rosetta") -> int:
    """Report an error: one line on stderr and, under --json, a JSON object on stdout."""
    print(f"{prog}: error: {detail}", file=sys.stderr)
    if _Parser.json_errors:
        print(json.dumps({"error": kind, "detail": detail}))
    return status


def _split(text: str) -> float | None:
    if text.lower() == "none":
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a fraction in (0, 1) or none, got {text!r}")
    return value


def _positive_float(text: str, most: float = math.inf) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= most):
        limit = "" if most == math.inf else f" of at most {most:g}"
        raise argparse.ArgumentTypeError(f"expected a positive finite number{limit}, got {text!r}")
    return value


def _sizes(text: str) -> tuple[int, ...]:
    sizes = tuple(_whole(part, 1, MAX_BENCH_ROWS) for part in text.split(",") if part.strip())
    if not sizes:
        raise argparse.ArgumentTypeError(f"expected comma-separated row counts, got {text!r}")
    return sizes


def _whole(text: str, least: int, most: float = math.inf) -> int:
    """A whole number in least..most (`most` documented in the option's --help)."""
    digits = text.strip()
    if not digits.isdigit() or not least <= int(digits) <= most:
        limit = f"of at least {least}" if most == math.inf else f"in {least}..{most:,}"
        raise argparse.ArgumentTypeError(f"expected a whole number {limit}, got {text!r}")
    return int(digits)


def _positive_int(text: str) -> int:
    return _whole(text, 1)


def _seed(text: str) -> int:
    return _whole(text, *SEED_RANGE)


def _png(text: str) -> Path:
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


def _frameworks_option(parser: argparse.ArgumentParser, text: str) -> None:
    parser.add_argument("--frameworks", default=",".join(frameworks.FRAMEWORKS), help=text)


def _keras_backend_option(parser: argparse.ArgumentParser, text: str, allow_all: bool) -> None:
    choices = (*frameworks.KERAS_BACKENDS, "all") if allow_all else frameworks.KERAS_BACKENDS
    parser.add_argument("--keras-backend", default="tensorflow", choices=choices, help=text)


def _chosen_frameworks(parser: argparse.ArgumentParser, text: str) -> list[str]:
    """The --frameworks list; a name that is not a framework is a usage error."""
    chosen = [name.strip() for name in text.split(",") if name.strip()]
    for name in chosen:
        if name not in frameworks.FRAMEWORKS:
            parser.error(
                f"unknown framework {name!r} in --frameworks; choose from: "
                f"{', '.join(frameworks.FRAMEWORKS)}"
            )
    return chosen


# --- `--optimizer`, `--eps`, `--activation` (run and compare) -----------------------------


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"expected a finite number of at least 0, got {text!r}")
    return value


def _networks_taking(option: str) -> list[str]:
    """The networks whose trained case takes `option` (optimizer, eps or activation)."""
    return [
        name
        for name, network in specs.NETWORKS.items()
        if "trained" in network.cases and option in specs.spec_fields(name)
    ]


def _training_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--optimizer",
        default="sgd",
        choices=optimizers.OPTIMIZERS,
        help="update rule of the training (networks that train: "
        f"{', '.join(_networks_taking('optimizer'))}); every framework is configured to the "
        f"same math: momentum {optimizers.MOMENTUM}, rmsprop rho {optimizers.RHO}, adam betas "
        f"({optimizers.BETA_1}, {optimizers.BETA_2}); sgd is the tutorials'",
    )
    parser.add_argument(
        "--eps",
        type=_non_negative_float,
        help=f"rmsprop's and adam's epsilon (default {optimizers.EPS:g}); at 0 Keras' formulas "
        "equal torch's, above it they differ by design (`rosetta defaults`)",
    )
    parser.add_argument(
        "--activation",
        default="sigmoid",
        choices=optimizers.ACTIVATIONS,
        help="activation of the hidden layers (the output unit stays sigmoid), for "
        f"{', '.join(_networks_taking('activation'))}",
    )


def _chosen_training(parser: argparse.ArgumentParser, args: argparse.Namespace) -> dict:
    """The --optimizer, --eps and --activation given (None: the spec's); a usage error if
    --eps goes to an optimizer without one."""
    if args.eps is not None and args.optimizer not in ("rmsprop", "adam"):
        parser.error(f"--eps applies to --optimizer rmsprop or adam, not {args.optimizer}")
    return {
        "optimizer": None if args.optimizer == "sgd" else args.optimizer,
        "eps": args.eps,
        "activation": None if args.activation == "sigmoid" else args.activation,
    }


def _check_networks_take(
    parser: argparse.ArgumentParser, networks: Sequence[str], chosen: dict
) -> None:
    """A usage error if a network named cannot take an option chosen."""
    for option, value in chosen.items():
        if value is None:
            continue
        taking = _networks_taking(option)
        for network in networks:
            if network not in taking:
                parser.error(f"--{option} applies to {', '.join(taking)}; not to {network}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="rosetta",
        description="The beginner tutorials' neural networks in NumPy, PyTorch and Keras, "
        "side by side, reproducing the tutorials' numbers.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "list",
        help="list the networks with their cases, and the frameworks with their versions",
        description="List the networks with their cases, and the frameworks with their versions.",
    )
    run = commands.add_parser(
        "run",
        help="run one network in one framework and print the tutorial's figures",
        description="Run one network in one framework and print what the tutorial prints "
        "(outputs, errors, weight steps, gradients, loss every N epochs, accuracy). A "
        f"training longer than {progress.SHOW_AFTER:g} s shows a progress bar on stderr when "
        "it is a terminal.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    run.add_argument(
        "network",
        metavar="NETWORK",
        choices=list(specs.NETWORKS),
        help=f"one of: {', '.join(specs.NETWORKS)}",
    )
    run.add_argument(
        "--case",
        help="which worked example of the network (default: its first; see `rosetta list`)",
    )
    run.add_argument(
        "--framework",
        default="numpy",
        choices=(*frameworks.FRAMEWORKS, "all"),
        help="implementation to run; 'all' runs each installed one and prints the figures "
        "side by side, with the largest difference from NumPy",
    )
    _keras_backend_option(run, "backend Keras runs on (with --framework keras)", allow_all=False)
    run.add_argument(
        "--dtype",
        default="float64",
        choices=list(specs.DTYPES),
        help="floating-point type of data, weights and arithmetic",
    )
    run.add_argument(
        "--split",
        type=_split,
        default=specs.DEFAULT_SPLIT,
        metavar="S|none",
        help="share of the admissions rows that train, the rest test (for "
        f"{', '.join(specs.DATA_NETWORKS)}); 'none' trains on all 400 rows and reports no "
        "test accuracy",
    )
    run.add_argument(
        "--data",
        metavar="FILE.csv",
        help="read the admissions rows from this CSV (header admit,gre,gpa,rank, any order; "
        "gzip and a UTF-8 byte-order mark accepted; at most "
        f"{admissions_data.MAX_BYTES // 2**20} MiB and {admissions_data.MAX_ROWS:,} rows) "
        "instead of the shipped table",
    )
    run.add_argument(
        "--seed",
        type=_seed,
        help=f"seed of the random start instead of the tutorial's, {SEED_RANGE[0]}.."
        f"{SEED_RANGE[1]} (cases with a drawn start: "
        f"{', '.join('/'.join(pair) for pair in specs.SEEDS)}); the admissions split keeps "
        "the tutorial's",
    )
    run.add_argument(
        "--lr",
        type=_positive_float,
        help="learning rate instead of the spec's (every framework reads the same change)",
    )
    run.add_argument(
        "--epochs",
        type=lambda text: _whole(text, 1, MAX_EPOCHS),
        help="epochs instead of the spec's (admissions_logit: the most it may take), at most "
        f"{MAX_EPOCHS:,}",
    )
    _training_options(run)
    run.add_argument(
        "--plot",
        type=_png,
        metavar="FILE.png",
        help="also save the training loss curve to FILE.png (networks with a loss history)",
    )
    run.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object {"network", "case", "framework", "dtype", "split", '
        '"lr", "epochs", "quantities"} (and "tutorial_claims" where the tutorial derived '
        "values by hand) instead of the labelled report",
    )
    run.set_defaults(subparser=run)
    check = commands.add_parser(
        "compare",
        help="run every network in every framework and compare each quantity with NumPy",
        description="Run each network and case in each framework and compare every quantity "
        "(the names of `rosetta run --json`) with the NumPy float64 reference. Prints one line "
        "per network with, in each framework, the largest absolute difference and its "
        "tolerance, then the verdict (--all: one row per network, case, quantity and "
        "framework); a progress line per network goes to stderr. A framework (or Keras "
        "backend) that is not installed is skipped with the command that installs it. Exit "
        "status: 0 every row is ok; 1 some row is not; 2 bad arguments; 3 every row is ok "
        "but a framework was skipped.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    check.add_argument(
        "networks",
        metavar="NETWORK",
        nargs="*",
        help=f"networks to compare (default: all of {', '.join(specs.NETWORKS)})",
    )
    _frameworks_option(check, "comma-separated frameworks to compare with the reference")
    _keras_backend_option(
        check,
        "backend(s) Keras runs on; 'all' runs the three, each in its own process",
        allow_all=True,
    )
    check.add_argument(
        "--dtype",
        default="float64",
        choices=list(specs.DTYPES),
        help="run the frameworks in this type; float32 reports the drift from "
        "the float64 reference against its own, looser bound",
    )
    check.add_argument(
        "--all",
        action="store_true",
        help="print every comparison, one row per network, case, quantity and framework, "
        "instead of one line per network",
    )
    check.add_argument(
        "--lr",
        type=_positive_float,
        help="learning rate of the trained cases instead of each spec's",
    )
    _training_options(check)
    check.add_argument(
        "--timings",
        action="store_true",
        help="after the table, print the seconds each framework took for each network (all "
        "its cases), as a multiple of NumPy's too; without it, one line of totals",
    )
    check.add_argument(
        "--plot",
        type=_png,
        metavar="FILE.png",
        help="also save the loss curves of the trained networks to FILE.png: one panel per "
        "network and case, one line per framework",
    )
    check.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object {"ok", "dtype", "reference", "frameworks", '
        '"rows", "timings", "loss_histories", "skipped"} instead of the table',
    )
    check.set_defaults(subparser=check)
    bench = commands.add_parser(
        "bench",
        help="time one full-batch epoch of the admissions model per framework, 10^3..10^6 rows",
        description="Time one full-batch training epoch of the admissions model (each "
        "framework's admissions.epoch_step) on synthetic data with the same 6 features "
        "(numpy.random.default_rng(0): gre and gpa standard normal, rank uniform in 1..4 "
        "one-hot, admit drawn from the model at the tutorial's starting weights), each "
        "framework in a child process of its own. Prints seconds per epoch and the ratio to "
        "NumPy for each size, the peak memory above the imported framework at the largest "
        "size, the memory bandwidth each reaches there, and the tutorial's record-by-record "
        "loop against the vectorized NumPy epoch at 360 rows.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    bench.add_argument(
        "--rows",
        type=_sizes,
        default=",".join(str(n) for n in (10**3, 10**4, 10**5, 10**6)),
        help=f"comma-separated numbers of rows, each at most {MAX_BENCH_ROWS:,}",
    )
    _frameworks_option(
        bench, "comma-separated frameworks to time (numpy always runs: it is the reference)"
    )
    _keras_backend_option(bench, "backend(s) Keras runs on", allow_all=True)
    bench.add_argument(
        "--repeat",
        type=lambda text: _whole(text, 1, MAX_REPEAT),
        default=3,
        help=f"timings per size, at most {MAX_REPEAT}; the best is kept",
    )
    bench.add_argument(
        "--min-time",
        type=lambda text: _positive_float(text, MAX_MIN_TIME),
        default=0.2,
        metavar="SECONDS",
        help="each timing repeats the epoch until it has run at least this long (at most "
        f"{MAX_MIN_TIME:g} s)",
    )
    bench.add_argument(
        "--plot",
        type=_png,
        metavar="FILE.png",
        help="also draw seconds per epoch against rows, log-log, one line per framework",
    )
    bench.add_argument(
        "--json",
        action="store_true",
        help="print every figure as one JSON object, with the CPU count and library versions",
    )
    bench.set_defaults(subparser=bench)
    show = commands.add_parser(
        "show",
        help="print a network's implementations side by side, lined up block by block",
        description="Print the chosen implementations of NETWORK in aligned columns, one per "
        "framework: the same comment over the same block, and the same public function, start "
        "the same row in every column (blank rows pad the shorter blocks, only between whole "
        "statements). Code a file imports from another network's file (admissions_mlp's "
        "model and loop, from backprop_321) is shown after it, labelled with its file and "
        "lines. Long lines wrap, keeping their indentation. Highlighted on a terminal. A "
        "terminal too narrow for the columns gets the files one after another, each under a "
        "header.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    show.add_argument(
        "network", metavar="NETWORK", choices=list(specs.NETWORKS),
        help=f"one of: {', '.join(specs.NETWORKS)}",
    )  # fmt: skip
    _frameworks_option(show, "comma-separated frameworks, in column order")
    show.add_argument(
        "--diff",
        nargs=2,
        metavar=("A", "B"),
        choices=frameworks.FRAMEWORKS,
        help="print a unified diff of framework A's file against B's instead",
    )
    show.add_argument(
        "--width",
        type=lambda text: _whole(text, *SHOW_WIDTH),
        help=f"columns to fill, {SHOW_WIDTH[0]}..{SHOW_WIDTH[1]} (default: the terminal's "
        "width; when piped, $COLUMNS, else 200)",
    )
    show.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="syntax highlighting: auto highlights only when stdout is a terminal, NO_COLOR "
        "is not set and TERM is not dumb",
    )
    show.set_defaults(subparser=show)
    site = commands.add_parser(
        "site",
        help="build a static site: every network's implementations, quantities and curves",
        description="Build a static site that opens from disk (file://, no server, no "
        "network): an index of the networks with their cross-check status, an errata page, "
        "the glossary, and a page per network with its spec, the implementations in "
        "aligned, highlighted rows (with the code they reuse from other networks; long "
        "lines wrap, nothing scrolls sideways), the tagged framework differences, the "
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
    _keras_backend_option(site, "backend Keras runs on", allow_all=False)
    site.set_defaults(subparser=site)
    wrong = commands.add_parser(
        "errata",
        help="list where the tutorials' code or claims are wrong, each with its proof",
        description="List every place where a tutorial's code or claim is wrong: the "
        "tutorial step, what it claims, what is true, the test that recomputes it (in every "
        "framework where one applies) and what to do instead. docs/errata.md is this list "
        "as --markdown prints it.",
    )
    fields = ("key", "network", "tutorial", "claim", "truth", "proof", "advice")
    _json_or_markdown(wrong, fields, "docs/errata.md")
    _defaults_parser(commands)
    return parser


def _json_or_markdown(command: argparse.ArgumentParser, fields: tuple, page: str) -> None:
    """--json (the entries as a JSON list of objects with `fields`) or --markdown (`page`)."""
    form = command.add_mutually_exclusive_group()
    keys = ", ".join(f'"{field}"' for field in fields)
    form.add_argument(
        "--json", action="store_true", help=f"print the entries as a JSON list of {{{keys}}}"
    )
    form.add_argument("--markdown", action="store_true", help=f"print {page}")


def _defaults_parser(commands: argparse._SubParsersAction) -> None:
    same = commands.add_parser(
        "defaults",
        help="the same name, different math: PyTorch's and Keras' defaults, each measured",
        description="List every default or formula that differs between PyTorch and Keras "
        "(optimizers' epsilon, decay and learning rate, momentum's sign, initialisation, "
        "fit's batches, the losses): what each framework does, with the parameter's name, "
        "and its measured effect, the largest difference of y_hat on the training rows when "
        "one of our networks is trained in each framework with that framework's own default. "
        "Needs PyTorch and Keras; takes a few seconds per entry. docs/defaults.md is this "
        "list as --markdown prints it.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    _keras_backend_option(same, "backend Keras runs on", allow_all=False)
    fields = ("key", "what", "torch", "keras", "network", "epochs", "effect")
    _json_or_markdown(same, fields, "docs/defaults.md")


def _defaults(args: argparse.Namespace) -> int:
    from shared import defaults

    try:
        _use_keras_backend(args.keras_backend)
        for framework in ("torch", "keras"):
            if frameworks.version(framework) is None:
                raise frameworks.FrameworkUnavailableError(
                    f"{framework} is not installed; install it with: "
                    f"{frameworks.install_hint(framework)}"
                )
    except frameworks.FrameworkUnavailableError as error:
        return _fail("framework unavailable", str(error), 2)
    effects = defaults.measure_all(lambda line: print(line, file=sys.stderr, flush=True))
    if args.json:
        print(json.dumps(defaults.as_dicts(effects), indent=2))
    elif args.markdown:
        print(defaults.to_markdown(effects, args.keras_backend))
    else:
        for number, entry in enumerate(defaults.DEFAULTS, 1):
            print(f"{number}. {entry.what} ({entry.key})")
            print(f"   PyTorch:  {entry.torch}")
            print(f"   Keras:    {entry.keras}")
            print(f"   measured: {entry.network}")
            print(f"   effect:   max |y_hat difference| {defaults.effect_text(effects[entry.key])}")
            print()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    as_script = argv is None  # the `rosetta` command, whose process ends when main returns
    argv = sys.argv[1:] if argv is None else list(argv)
    _Parser.json_errors = "--json" in argv
    if not argv:  # a bare `rosetta`: what it can do
        build_parser().print_help()
        return 0
    if as_script and interrupts.seen:
        # a Ctrl-C while the libraries loaded that Python swallowed (raised in an import
        # lock's callback, where exceptions are only printed): the command stops all the same
        return _interrupted()
    interrupts.forget()
    previous = interrupts.install()
    try:
        args = build_parser().parse_args(argv)
        if args.command != "bench":  # bench measures how each framework scales: its own threads
            # One OpenMP thread for PyTorch (read when torch loads; the Keras child processes
            # inherit it): the networks are far too small to gain from threads, and idle OpenMP
            # threads spin, taking the other cores (docs/install.md). A value of the user's stays.
            os.environ.setdefault("OMP_NUM_THREADS", "1")
        status = _command(args)
        sys.stdout.flush()  # a full disk shows here, not in the interpreter's flush at exit
        return status
    except KeyboardInterrupt:
        return _interrupted()
    except BrokenPipeError:  # `rosetta run ... | head`: the reader left, nothing is wrong
        outputs.discard_stdout()
        sys.stderr.close()
        return 0
    except Exception as error:
        if interrupts.seen:  # a library turned the Ctrl-C into an error of its own
            return _interrupted()
        if not isinstance(error, OSError):
            raise
        outputs.discard_stdout()  # writing stdout failed: `rosetta list > /dev/full`
        print(f"rosetta: error: the output could not be written: {error.strerror}", file=sys.stderr)
        return 1
    finally:
        children.end_all()  # none is left running, whatever ended the command
        if as_script:
            # the command is done and its status decided: a Ctrl-C while Python shuts down
            # would otherwise kill it with SIGINT's default action (Python restores it then)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        else:  # main() called in a process that goes on (the tests): as it was before
            interrupts.forget()
            if previous is not None:
                signal.signal(signal.SIGINT, previous)


def _command(args: argparse.Namespace) -> int:
    if args.command == "list":
        return _list()
    if args.command == "errata":
        return _errata(args)
    if args.command == "defaults":
        return _defaults(args)
    if args.command == "bench":
        return _bench(args.subparser, args)
    if args.command == "show":
        return _show(args.subparser, args)
    if args.command == "site":
        return _site(args)
    if args.command == "compare":
        return _compare(args.subparser, args)
    return _run(args.subparser, args)


def _write_failed(what: str, error: OSError) -> int:
    """A file of the run's output could not be written: one line, exit 1. (Under --json the
    results are already on stdout, so no second JSON object follows.)"""
    print(f"rosetta: error: {what}: {outputs.writable_error(error)}", file=sys.stderr)
    return 1


def _print_warnings(caught: list[warnings.WarningMessage]) -> None:
    """Each warning recorded (NumPy's `RuntimeWarning: overflow encountered`, a framework's
    UserWarning) as one `rosetta: warning:` line, without the source path, each text once.
    Deprecation warnings are about a library's own code, not the run: Python hides them by
    default, and so does this (Keras calls np.array on its tensors the way NumPy 2 deprecates)."""
    deprecations = (DeprecationWarning, PendingDeprecationWarning)
    shown = [w for w in caught if not issubclass(w.category, deprecations)]
    for text in dict.fromkeys(str(w.message) for w in shown):
        print(f"rosetta: warning: {text}", file=sys.stderr)


def _list() -> int:
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


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    valid_cases = specs.cases(args.network)
    training = _chosen_training(parser, args)
    trains = any(value is not None for value in training.values()) and "trained" in valid_cases
    case = args.case or ("trained" if trains else valid_cases[0])  # an option of the training
    if case not in valid_cases:
        parser.error(
            f"unknown case {case!r} for {args.network}; choose from: {', '.join(valid_cases)}"
        )
    for option, given in (("--split", args.split != specs.DEFAULT_SPLIT), ("--data", args.data)):
        if given and args.network not in specs.DATA_NETWORKS:
            parser.error(
                f"{option} applies to {', '.join(specs.DATA_NETWORKS)}; {args.network} has no "
                "admissions data"
            )
    if args.seed is not None and (args.network, case) not in specs.SEEDS:
        seeded = ", ".join("/".join(pair) for pair in specs.SEEDS)
        parser.error(f"--seed: {args.network}/{case} has no random start; these do: {seeded}")
    if args.plot and "loss_history" not in specs.NETWORKS[args.network].quantities[case]:
        parser.error(f"{args.network}/{case} has no training loss to plot; {_plottable()}")
    if args.lr is not None:
        _check_lr_fits(parser, args.lr, args.dtype)
    _check_networks_take(parser, [args.network], training)
    if (
        any(training.values())
        and "loss_history" not in specs.NETWORKS[args.network].quantities[case]
    ):
        parser.error(f"{args.network}/{case} does not train; its trained case does: --case trained")
    chosen = [args.framework]
    if args.framework == "all":
        chosen = [f for f in frameworks.FRAMEWORKS if frameworks.version(f) is not None]
        for framework in frameworks.FRAMEWORKS:
            if framework not in chosen:
                _say(
                    f"rosetta: skipping {framework}: not installed; install it with: "
                    f"{frameworks.install_hint(framework)}"
                )
    try:
        for framework in chosen:
            if framework == "keras":
                _use_keras_backend(args.keras_backend)
            frameworks.implementation(framework, args.network)
    except frameworks.FrameworkUnavailableError as error:
        return _fail("framework unavailable", str(error), 2)
    choice = {"split": args.split, "seed": args.seed, "data": args.data}
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            spec = specs.get_spec(args.network, case, **choice)
    except ValueError as error:  # a data file that cannot be used, a split that leaves no rows
        return _fail("bad data", str(error), 2)
    _print_warnings(caught)
    spec = specs.override(spec, lr=args.lr, epochs=args.epochs, **training)
    if not args.json and spec.epochs > 1:
        bound = getattr(spec, "gradient_bound", None)
        epochs = (
            f"{spec.epochs} epochs"
            if bound is None
            else f"|gradient| < {bound:g}, at most {spec.epochs} epochs"
        )
        print(
            f"training {args.network}/{case} with {args.framework} ({epochs}, lr {spec.lr}) ...",
            file=sys.stderr,
            flush=True,
        )
    started, results = time.perf_counter(), {}
    # NumPy's warnings on the way to a diverged loss (with their source paths) would come
    # before the message that explains them: they are recorded, and shown only otherwise.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")  # each warning once per place: memory stays bounded
        try:
            for framework in chosen:
                label = f"keras[{args.keras_backend}]" if framework == "keras" else framework
                with progress.training(spec.epochs, enabled=sys.stderr.isatty()):
                    results[label] = harness.run_quantities(
                        args.network, case, framework, args.dtype, **choice,
                        lr=args.lr, epochs=args.epochs, **training,
                    )  # fmt: skip
        except reports.NotConvergedError as error:
            return _fail("not converged", str(error), 1)
        except reports.DivergedError as error:
            return _fail("diverged", str(error), 1)
    _print_warnings(caught)
    seconds = time.perf_counter() - started
    _print_run(args, case, spec, results, seconds)
    if not args.plot:
        return 0
    title = f"{args.network}/{case}"
    try:  # after the results: a plot that cannot be written loses nothing else
        plots.loss_curves(
            {title: {label: q["loss_history"] for label, q in results.items()}},
            {title: spec.loss_every},
            args.plot,
        )
    except OSError as error:
        return _write_failed("--plot", error)
    print(f"Loss curve saved to {args.plot}", file=sys.stderr if args.json else sys.stdout)
    return 0


def _check_lr_fits(parser: argparse.ArgumentParser, lr: float, dtype: str) -> None:
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


def _print_run(
    args: argparse.Namespace, case: str, spec: specs.Spec, results: dict, seconds: float
) -> None:
    """The run's report: one JSON object (--json), or the labelled figures; with
    `--framework all`, every framework's side by side."""
    claims = dict(getattr(spec, "claims", {}))
    quantities = next(iter(results.values()))
    if args.json:
        report = {
            "network": args.network,
            "case": case,
            "framework": args.framework,
            "dtype": args.dtype,
            "split": args.split if args.network in specs.DATA_NETWORKS else None,
            "data": args.data,
            "seed": args.seed if args.seed is not None else specs.SEEDS.get((args.network, case)),
            "lr": spec.lr,
            "epochs": spec.epochs,
            **{name: getattr(spec, name) for name in _TRAINING if hasattr(spec, name)},
            "quantities": {name: value.tolist() for name, value in quantities.items()},
        }
        if args.framework == "all":  # each framework's quantities, under its label
            del report["quantities"]
            report["frameworks"] = {
                label: {name: value.tolist() for name, value in q.items()}
                for label, q in results.items()
            }
        print(json.dumps(report | ({"tutorial_claims": claims} if claims else {})), flush=True)
        return
    chosen = [label.partition("[")[0] for label in results]
    versions = ", ".join(f"{f} {frameworks.version(f)}" for f in chosen)
    print(f"{args.network} / {case}   ({versions}, {args.dtype}, {seconds:.2f} s)")
    print(f"  loss:    {spec.loss}" if spec.loss else "  forward pass only: no loss, no training")
    if spec.update_rule and harness.is_tutorial_rule(spec):
        print(f"  update:  {spec.update_rule}   (lr = {spec.lr}, epochs = {spec.epochs})")
    elif spec.update_rule:
        print(f"  update:  {_rule(spec)}   (lr = {spec.lr}, epochs = {spec.epochs})")
    if args.network in specs.DATA_NETWORKS:
        print(
            f"  data:    {len(spec.y)} training rows, {len(spec.y_test)} test rows "
            f"(--split {'none' if args.split is None else args.split})"
        )
    if args.framework == "all":
        printing.print_side_by_side(results, getattr(spec, "loss_every", 0))
    else:
        printing.print_quantities(quantities, getattr(spec, "loss_every", 0), claims)
    sys.stdout.flush()


_TRAINING = ("optimizer", "eps", "activation")


def _rule(spec: specs.Spec) -> str:
    """The update of a run with --optimizer or --activation, as the NumPy reference does it."""
    rule = f"{spec.optimizer}: {optimizers.RULES[spec.optimizer].torch}"
    if spec.optimizer in ("rmsprop", "adam"):
        rule += f" (eps = {spec.eps:g})"
    return rule + f"; hidden layers {getattr(spec, 'activation', 'sigmoid')}"


def _plottable() -> str:
    names = [
        f"{network.name}/{case}"
        for network in specs.NETWORKS.values()
        for case, quantities in network.quantities.items()
        if "loss_history" in quantities
    ]
    return f"these have one: {', '.join(names)}"


def _bench(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from shared import bench

    chosen = _chosen_frameworks(parser, args.frameworks)
    missing = [f for f in chosen if frameworks.version(f) is None]
    for framework in missing:
        print(f"rosetta: skipping {framework}: not installed", file=sys.stderr)
    backends = frameworks.KERAS_BACKENDS if args.keras_backend == "all" else (args.keras_backend,)
    backends = tuple(b for b in backends if frameworks.keras_backend_installed(b))

    try:
        result = bench.run(
            [f for f in chosen if f not in missing],
            backends,
            args.rows,
            args.repeat,
            _say,
            args.min_time,
        )
    except RuntimeError as error:
        return _fail("benchmark failed", str(error), 1)
    if args.json:
        print(json.dumps(result, indent=2), flush=True)
    else:
        printing.print_bench(result)
        sys.stdout.flush()
    if args.plot:
        try:  # after the results: a plot that cannot be written loses nothing else
            plots.scaling(result["seconds_per_epoch"], args.plot)
        except OSError as error:
            return _write_failed("--plot", error)
        print(f"Plot saved to {args.plot}", file=sys.stderr if args.json else sys.stdout)
    return 3 if missing else 0


def _say(line: str) -> None:
    """A progress line on stderr."""
    print(line, file=sys.stderr, flush=True)


def _show(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from shared import reuse, show

    chosen = list(args.diff) if args.diff else _chosen_frameworks(parser, args.frameworks)
    paths = [show.source_path(framework, args.network) for framework in chosen]
    names = [str(path.relative_to(path.parent.parent)) for path in paths]
    if args.diff:
        texts = [path.read_text() for path in paths]
        sys.stdout.write(show.unified_diff(*texts, *names))
        return 0
    sources = [reuse.source_lines(framework, args.network) for framework in chosen]
    # the terminal's width; piped, COLUMNS if set, else 200
    width = args.width or shutil.get_terminal_size(fallback=(200, 24)).columns
    sys.stdout.write(show.terminal(sources, names, width, _color(args.color)))
    return 0


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


def _site(args: argparse.Namespace) -> int:
    from shared import site

    try:
        _use_keras_backend(args.keras_backend)
    except frameworks.FrameworkUnavailableError as error:
        return _fail("framework unavailable", str(error), 2)
    try:
        statuses = site.build(args.out, _say)
    except outputs.OutputError as error:  # found before anything was written
        return _fail("bad argument", str(error), 2)
    except OSError as error:
        return _write_failed("--out", error)
    for network, status in statuses.items():
        print(f"  {network:<18} {status}")
    print(f"Site written to {args.out / 'index.html'} (open it in a browser; no server needed)")
    return 0 if all("differ" not in status for status in statuses.values()) else 1


def _errata(args: argparse.Namespace) -> int:
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
    print(f"{len(errata.ERRATA)} errata; run the proofs with: pytest {errata.PROOFS}")
    return 0


def _use_keras_backend(backend: str) -> None:
    """Point Keras at `backend`; it is read once, when keras is first imported."""
    if not _keras_backend_free(backend):
        raise frameworks.FrameworkUnavailableError(
            f"Keras is already imported in this process; {backend} needs a new one"
        )
    os.environ["KERAS_BACKEND"] = backend


def _compare(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    for network in args.networks:
        if network not in specs.NETWORKS:
            parser.error(f"unknown network {network!r}; choose from: {', '.join(specs.NETWORKS)}")
    chosen = _chosen_frameworks(parser, args.frameworks)
    if args.dtype == "float64" and not set(chosen) - {"numpy"}:
        parser.error(
            f"--frameworks {args.frameworks!r}: nothing to compare with the NumPy float64 "
            "reference; name torch or keras (or --dtype float32, to compare NumPy in float32)"
        )
    training = _chosen_training(parser, args)
    _check_networks_take(parser, args.networks, training)
    networks = args.networks or [
        network
        for network in specs.NETWORKS
        if all(
            value is None or network in _networks_taking(option)
            for option, value in training.items()
        )
    ]
    options = {"lr": args.lr} | training
    backends = frameworks.KERAS_BACKENDS if args.keras_backend == "all" else (args.keras_backend,)
    skipped = {
        framework: f"not installed; install it with: {frameworks.install_hint(framework)}"
        for framework in chosen
        if frameworks.version(framework) is None
    }
    if "keras" in chosen and "keras" not in skipped:
        for backend in backends:
            if not frameworks.keras_backend_installed(backend):
                skipped[compare.keras_label(backend)] = f"the {backend} package is not installed"
        backends = tuple(b for b in backends if compare.keras_label(b) not in skipped)
        if not backends:
            skipped["keras"] = "none of the chosen Keras backends is installed"
    for framework, why in skipped.items():
        print(f"rosetta: skipping {framework}: {why}", file=sys.stderr)
    chosen = [f for f in chosen if f not in skipped]
    spawned = {}
    in_process = [f for f in chosen if f != "keras"]
    if "keras" in chosen:
        if len(backends) == 1 and _keras_backend_free(backends[0]):
            _use_keras_backend(backends[0])
            in_process.append("keras")
        else:
            spawned = {
                b: compare.compare_keras_in_child(networks, b, args.dtype, options)
                for b in backends
            }
    rows, timings, curves = compare.compare_in_process(
        networks, in_process, args.dtype, _say, options
    )
    for backend, child in spawned.items():
        try:
            child_rows, child_timings, child_curves = compare.collect_child(child, backend)
        except RuntimeError as error:
            return _fail("comparison failed", str(error), 1)
        rows += child_rows
        for network, spent in child_timings.items():
            for label, seconds in spent.items():  # the parent's own reference time stays
                timings.setdefault(network, {}).setdefault(label, seconds)
        for title, lines in child_curves.items():
            curves.setdefault(title, {}).update(lines)
    versions = compare.framework_versions(chosen, backends)
    result = compare.report(rows, args.dtype, versions, timings, curves) | {"skipped": skipped}
    if args.json:
        print(json.dumps(result))
    else:
        if args.all:
            printing.print_table(rows, args.dtype)
        else:
            printing.print_summary(rows, args.dtype)
        printing.print_timings(timings, each_network=args.timings)
        for framework, why in skipped.items():
            print(f"Skipped {framework}: {why}.")
    sys.stdout.flush()
    if args.plot:
        try:  # after the results: a plot that cannot be written loses nothing else
            _plot_compare(curves, args.plot, quiet=args.json)
        except OSError as error:
            return _write_failed("--plot", error)
    if not result["ok"]:
        return 1
    return 3 if skipped else 0


def _plot_compare(curves: compare.Curves, path: Path, quiet: bool) -> None:
    if not curves:
        print("rosetta: no trained network among those compared: no loss curves", file=sys.stderr)
        return
    every = {title: specs.get_spec(*title.split("/")).loss_every for title in curves}
    plots.loss_curves(
        {t: {f: np.array(v) for f, v in c.items()} for t, c in curves.items()}, every, path
    )
    print(f"Loss curves saved to {path}", file=sys.stderr if quiet else sys.stdout)


def _keras_backend_free(backend: str) -> bool:
    """True if this process can still run Keras on `backend`."""
    loaded = sys.modules.get("keras_impl.backend")
    if loaded is None:
        return "keras" not in sys.modules
    return loaded.BACKEND == backend


if __name__ == "__main__":
    sys.exit(main())
