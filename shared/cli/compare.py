"""`rosetta compare`: every network in every framework, each quantity against NumPy's."""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path

import numpy as np

from shared import specs
from shared.checks import compare, harness
from shared.cli import messages, options
from shared.runtime import frameworks, interrupts
from shared.views import plots, printing


def add_parser(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "compare",
        help="run every network in every framework and compare each quantity with NumPy",
        description="Run each network and case in each framework and compare every quantity "
        "(the names of `rosetta run --json`) with the NumPy float64 reference. Prints one line "
        "per network with, in each framework, the largest absolute difference and its "
        "tolerance, then the verdict (--all: one row per network, case, quantity and "
        "framework): agree, differ, or cannot tell where float64's rounding alone moves a "
        "result by more than 1e-6 of its size (a chaotic training: such a training is also "
        "compared over its longest prefix that can tell). A run that cannot finish (not "
        "converged, diverged) is a row of its own. A progress line per network goes to "
        "stderr. A framework (or Keras backend) that is not installed is skipped with the "
        "command that installs it. Exit status: 0 nothing differs; 1 some comparison "
        "differs or a run did not finish; 2 bad arguments; 3 nothing differs but a "
        "framework was skipped.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    command.add_argument(
        "networks",
        metavar="NETWORK",
        nargs="*",
        help=f"networks to compare (default: all of {', '.join(specs.NETWORKS)})",
    )
    options.frameworks_option(command, "comma-separated frameworks to compare with the reference")
    options.keras_backend_option(
        command,
        "backend(s) Keras runs on; 'all' runs the three, each in its own process",
        allow_all=True,
    )
    command.add_argument(
        "--dtype",
        default="float64",
        choices=list(specs.DTYPES),
        help="run the frameworks in this type; float32 reports the drift from "
        "the float64 reference against its own, looser bound",
    )
    command.add_argument(
        "--all",
        action="store_true",
        help="print every comparison, one row per network, case, quantity and framework, "
        "instead of one line per network",
    )
    command.add_argument(
        "--lr",
        type=options.positive_float,
        help="learning rate of the trained cases instead of each spec's",
    )
    options.training_options(command)
    command.add_argument(
        "--timings",
        action="store_true",
        help="after the table, print the seconds each framework took for each network (all "
        "its cases), as a multiple of NumPy's too; without it, one line of totals",
    )
    command.add_argument(
        "--plot",
        type=options.png,
        metavar="FILE.png",
        help="also save the loss curves of the trained networks to FILE.png: one panel per "
        "network and case, one line per framework",
    )
    command.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object {"ok", "verdict", "counts", "dtype", "reference", '
        '"frameworks", "rows", "timings", "loss_histories", "skipped"} instead of the table; '
        'each row has its "verdict" (agree, differ, cannot tell; not converged or diverged '
        'for a run that did not finish) and "sensitivity"',
    )
    command.set_defaults(subparser=command, handler=main)


def main(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    for network in args.networks:
        if network not in specs.NETWORKS:
            parser.error(
                f"unknown network {network!r}; choose from: {', '.join(specs.NETWORKS)}"
                + options.did_you_mean(network, specs.NETWORKS)
            )
    chosen = options.chosen_frameworks(parser, args.frameworks)
    if args.dtype == "float64" and not set(chosen) - {"numpy"}:
        parser.error(
            f"--frameworks {args.frameworks!r}: nothing to compare with the NumPy float64 "
            "reference; name torch or keras (or --dtype float32, to compare NumPy in float32)"
        )
    training = options.chosen_training(parser, args)
    options.check_networks_take(parser, args.networks, training)
    options.check_numbers(parser, args, args.dtype)
    if args.lr is not None:  # --lr changes the trained cases only (harness.training_options)
        trained = [n for n in specs.NETWORKS if "loss_history" in _all_quantities(n)]
        for network in args.networks:
            if network not in trained:
                parser.error(
                    f"--lr applies to the networks that train ({', '.join(trained)}); "
                    f"{network} does not"
                )
    networks = args.networks or [
        network
        for network in specs.NETWORKS
        if all(
            value is None or network in options.networks_taking(option)
            for option, value in training.items()
        )
    ]
    settings = {"lr": args.lr} | training
    backend = options.chosen_keras_backend(parser, args, chosen)
    backends = frameworks.KERAS_BACKENDS if backend == "all" else (backend,)
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
        # Keras alone runs here; beside other frameworks it runs in a child, so that the two
        # share the machine's cores (Keras takes about as long as the others together). The
        # child pays Keras' import, which this process would pay too, unless it has Keras
        # loaded already (then it runs Keras itself: a child would import it a second time)
        alone = not in_process or (in_process == ["numpy"] and args.dtype == "float64")
        loaded = "keras" in sys.modules
        parallel = not alone and not loaded and (os.cpu_count() or 1) > 1
        if len(backends) == 1 and options.keras_backend_free(backends[0]) and not parallel:
            options.use_keras_backend(backends[0])
            in_process.append("keras")
        else:
            spawned = {
                b: compare.compare_keras_in_child(networks, b, args.dtype, settings)
                for b in backends
            }
    # NumPy's warnings on the way to a diverged loss come with source paths, before the row
    # that explains them: recorded, and shown as one line each after the progress lines
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")  # each once per place: memory stays bounded
        try:
            rows, timings, curves = compare.compare_in_process(
                networks, in_process, args.dtype, messages.say, settings,
                reference_shown=not os.environ.get(interrupts.CHILD),
            )  # fmt: skip
        except frameworks.FrameworkUnavailableError as error:  # JAX_PLATFORMS=cuda, no CUDA
            return messages.fail("framework unavailable", str(error), 2)
    messages.print_warnings(caught)
    for backend, child in spawned.items():
        try:
            child_rows, child_timings, child_curves = compare.collect_child(child, backend)
        except RuntimeError as error:
            return messages.fail("comparison failed", str(error), 1)
        seen = {(r.network, r.case, r.epochs) for r in rows if r.framework == compare.REFERENCE}
        rows += [  # a reference that did not finish is one row, however many children said so
            r
            for r in child_rows
            if r.framework != compare.REFERENCE or (r.network, r.case, r.epochs) not in seen
        ]
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
            return messages.write_failed("--plot", error)
    if result["verdict"] == harness.DIFFER:  # a difference, or a run that did not finish
        return 1
    return 3 if skipped else 0


def _all_quantities(network: str) -> set[str]:
    return {q for quantities in specs.NETWORKS[network].quantities.values() for q in quantities}


def _plot_compare(curves: compare.Curves, path: Path, quiet: bool) -> None:
    if not curves:
        print("rosetta: no trained network among those compared: no loss curves", file=sys.stderr)
        return
    every = {title: specs.get_spec(*title.split("/")).loss_every for title in curves}
    plots.loss_curves(
        {t: {f: np.array(v) for f, v in c.items()} for t, c in curves.items()}, every, path
    )
    print(f"Loss curves saved to {path}", file=sys.stderr if quiet else sys.stdout)
