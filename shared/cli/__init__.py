"""`rosetta`: list the networks, run one in a framework, compare all frameworks, and more.

    rosetta list
    rosetta run NETWORK [--case CASE] [--frameworks F[,F...]|all] [--keras-backend B]
                        [--dtype D] [--split S|none] [--data FILE.csv] [--seed N] [--lr LR]
                        [--epochs N] [--optimizer O] [--eps E] [--activation A]
                        [--plot FILE.png] [--json]
    rosetta compare [NETWORK ...] [--frameworks numpy,torch,keras,jax] [--keras-backend B|all]
                    [--dtype D] [--lr LR] [--optimizer O] [--eps E] [--activation A]
                    [--all] [--timings] [--plot FILE.png] [--json]
    rosetta bench [--rows N,...] [--frameworks ...] [--keras-backend B|all] [--repeat N]
                  [--min-time S] [--plot FILE.png] [--json]
    rosetta show NETWORK [--frameworks ...] [--diff A B] [--width N] [--color C]
    rosetta site [--out DIR] [--keras-backend B]
    rosetta errata [--json | --markdown]
    rosetta defaults [--json | --markdown] [--keras-backend B]
    rosetta exercise NETWORK --framework F [--out PATH] [--force]
    rosetta check FILE [--network N] [--framework F] [--keras-backend B] [--time-limit S]
                  [--memory-limit MIB] [--json]

Bad arguments exit with status 2 and one line on stderr naming the valid choices; an
error of the run (training diverged, a file that cannot be written) exits 1 with one line;
Ctrl-C exits 130 with one line, after ending any child process; SIGTERM and SIGHUP the same
way with 143 and 129.

The layer: one module per command (listing.py is `rosetta list`), each with `add_parser`,
which declares the command's options and help, and `main`, which checks them and runs it;
options.py holds the option types and checks several commands share, messages.py the
one-line errors and progress lines. This package may import every other layer; none
imports it.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence

from shared.runtime import interrupts  # the standard library only: loads before the Ctrl-C handling

INTERRUPTED = 130  # the shell's status for a command ended by SIGINT (128 + 2)


def _interrupted() -> int:
    """Ctrl-C, SIGTERM or SIGHUP: end the child processes, say so in one line, exit 128 + the
    signal's number (130, 143, 129). A second signal during this cleanup is ignored."""
    interrupts.ignore()
    started = sys.modules.get("shared.runtime.children")  # not yet imported: no child either
    if started is not None:
        started.end_all()
    if line := interrupts.message():
        try:
            print(line, file=sys.stderr, flush=True)
        except (OSError, ValueError, AttributeError):
            pass  # stderr is gone (the terminal hung up): the status says it
    return interrupts.status()


_before_import = interrupts.install()
try:  # the libraries take a second to load: a Ctrl-C meanwhile is one line too
    # One module per command, in the order `rosetta --help` lists them; each adds its parser
    # (add_parser) and runs the command (main). Option types several share: options.py.
    from shared.cli import (
        bench,
        check,
        compare,
        defaults,
        errata,
        exercise,
        listing,
        messages,
        options,
        run,
        show,
        site,
    )
    from shared.runtime import children, outputs
except BaseException:
    if interrupts.seen:
        sys.exit(_interrupted())
    raise
finally:
    if _before_import is not None:
        signal.signal(signal.SIGINT, _before_import)

COMMANDS = (listing, run, compare, bench, show, site, errata, defaults, exercise, check)


def build_parser() -> argparse.ArgumentParser:
    parser = options.Parser(
        prog="rosetta",
        description="The beginner tutorials' neural networks in NumPy, PyTorch, Keras and JAX, "
        "side by side, reproducing the tutorials' numbers.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(commands)
    return parser


PATH_OPTIONS = ("data", "out", "plot")  # the options that name a file or directory


def _leave_a_deleted_directory(args: argparse.Namespace) -> bool:
    """In a current directory that was deleted, PyTorch's oneMKL cannot even load (it prints
    a FATAL ERROR on stdout and exits 2): move to / and go on, unless a path option is
    relative (it could only name a place in the deleted directory): False then."""
    try:
        os.getcwd()
        return True
    except FileNotFoundError:
        pass
    for name in PATH_OPTIONS:
        value = getattr(args, name, None)
        if value is not None and not os.path.isabs(value):
            return False
    os.chdir("/")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    as_script = argv is None  # the `rosetta` command, whose process ends when main returns
    argv = sys.argv[1:] if argv is None else list(argv)
    messages.json_errors = "--json" in argv
    if as_script and interrupts.seen:
        # a Ctrl-C while the libraries loaded that Python swallowed (raised in an import
        # lock's callback, where exceptions are only printed): the command stops all the same
        return _interrupted()
    interrupts.forget()
    previous = interrupts.install()
    try:
        # a closed, full or unencodable stream: one line, never a traceback (outputs.py)
        if as_script and "stdout" in outputs.guard_streams():
            print("rosetta: error: the output could not be written: stdout is closed",
                  file=sys.stderr)  # fmt: skip
            return 1
        if not argv:  # a bare `rosetta`: what it can do
            build_parser().print_help()
            sys.stdout.flush()
            return 0
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exit_:
            if exit_.code == 0:  # --help: a full disk shows here, as one line
                sys.stdout.flush()
            raise
        if not _leave_a_deleted_directory(args):
            return args.subparser.error(
                "the current directory was deleted: a relative path cannot be used (give "
                "an absolute one, or cd to a directory that exists)"
            )
        if args.command != "bench":  # bench measures how each framework scales: its own threads
            # One OpenMP thread for PyTorch (read when torch loads; the Keras child processes
            # inherit it): the networks are far too small to gain from threads, and idle OpenMP
            # threads spin, taking the other cores (docs/install.md). A value of the user's stays.
            os.environ.setdefault("OMP_NUM_THREADS", "1")
        status = args.handler(args.subparser, args)
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
        if as_script:
            # the command is done and its status decided: a Ctrl-C (or SIGTERM, SIGHUP) while
            # Python shuts down would otherwise kill it with the signal's default action
            interrupts.ignore()
        children.end_all()  # none is left running, whatever ended the command
        if not as_script:  # main() called in a process that goes on (the tests): as it was before
            interrupts.forget()
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
            interrupts.restore()


