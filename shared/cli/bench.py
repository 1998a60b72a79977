"""`rosetta bench`: one full-batch epoch of the admissions model per framework, timed."""

from __future__ import annotations

import argparse
import json
import sys

from shared.cli import messages, options
from shared.runtime import frameworks
from shared.views import plots, printing


def add_parser(commands: argparse._SubParsersAction) -> None:
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
        type=options.sizes,
        default=",".join(str(n) for n in (10**3, 10**4, 10**5, 10**6)),
        help=f"comma-separated numbers of rows, each at most {options.MAX_BENCH_ROWS:,}",
    )
    options.frameworks_option(
        bench, "comma-separated frameworks to time (numpy always runs: it is the reference)"
    )
    options.keras_backend_option(bench, "backend(s) Keras runs on", allow_all=True)
    bench.add_argument(
        "--repeat",
        type=lambda text: options.whole(text, 1, options.MAX_REPEAT),
        default=3,
        help=f"timings per size, at most {options.MAX_REPEAT}; the best is kept",
    )
    bench.add_argument(
        "--min-time",
        type=lambda text: options.positive_float(text, options.MAX_MIN_TIME),
        default=0.2,
        metavar="SECONDS",
        help="each timing repeats the epoch until it has run at least this long (at most "
        f"{options.MAX_MIN_TIME:g} s)",
    )
    bench.add_argument(
        "--plot",
        type=options.png,
        metavar="FILE.png",
        help="also draw seconds per epoch against rows, log-log, one line per framework",
    )
    bench.add_argument(
        "--json",
        action="store_true",
        help="print every figure as one JSON object, with the CPU count and library versions",
    )
    bench.set_defaults(subparser=bench, handler=main)


def main(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from shared.checks import bench

    chosen = options.chosen_frameworks(parser, args.frameworks)
    missing = [f for f in chosen if frameworks.version(f) is None]
    for framework in missing:
        print(f"rosetta: skipping {framework}: not installed", file=sys.stderr)
    backend = options.chosen_keras_backend(parser, args, chosen)
    backends = frameworks.KERAS_BACKENDS if backend == "all" else (backend,)
    backends = tuple(b for b in backends if frameworks.keras_backend_installed(b))

    try:
        result = bench.run(
            [f for f in chosen if f not in missing],
            backends,
            args.rows,
            args.repeat,
            messages.say,
            args.min_time,
        )
    except RuntimeError as error:
        return messages.fail("benchmark failed", str(error), 1)
    if args.json:
        print(json.dumps(result, indent=2), flush=True)
    else:
        printing.print_bench(result)
        sys.stdout.flush()
    if args.plot:
        try:  # after the results: a plot that cannot be written loses nothing else
            plots.scaling(result["seconds_per_epoch"], args.plot)
        except OSError as error:
            return messages.write_failed("--plot", error)
        print(f"Plot saved to {args.plot}", file=sys.stderr if args.json else sys.stdout)
    return 3 if missing else 0
