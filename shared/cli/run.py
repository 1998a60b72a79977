"""`rosetta run`: one network in one framework (or all), printing what the tutorial prints."""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from dataclasses import asdict

from shared import reports, specs
from shared.checks import compare, harness
from shared.cli import messages, options
from shared.runtime import frameworks, progress
from shared.specs import admissions_data, optimizers
from shared.views import plots, printing


def add_parser(commands: argparse._SubParsersAction) -> None:
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
    options.frameworks_option(
        run,
        "implementation(s) to run (default: numpy); several, or all (each installed one), "
        "print the figures side by side with the largest difference from NumPy and the "
        "verdict of each quantity against the NumPy float64 reference",
        default="numpy",
    )
    options.keras_backend_option(
        run, "backend Keras runs on (with --frameworks keras)", allow_all=False
    )
    run.add_argument(
        "--dtype",
        default="float64",
        choices=list(specs.DTYPES),
        help="floating-point type of data, weights and arithmetic",
    )
    run.add_argument(
        "--split",
        type=options.split,
        default=argparse.SUPPRESS,  # absent unless given: a network without data refuses it
        metavar="S|none",
        help="share of the admissions rows that train, the rest test (for "
        f"{', '.join(specs.DATA_NETWORKS)}); 'none' trains on all 400 rows and reports no "
        f"test accuracy (default: {specs.DEFAULT_SPLIT})",
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
        type=options.seed,
        help=f"seed of the random start instead of the tutorial's, {options.SEED_RANGE[0]}.."
        f"{options.SEED_RANGE[1]} (cases with a drawn start: "
        f"{', '.join('/'.join(pair) for pair in specs.SEEDS)}); the admissions split keeps "
        "the tutorial's",
    )
    run.add_argument(
        "--lr",
        type=options.positive_float,
        help="learning rate instead of the spec's (every framework reads the same change)",
    )
    run.add_argument(
        "--epochs",
        type=lambda text: options.whole(text, 1, options.MAX_EPOCHS),
        help="epochs instead of the spec's (admissions_logit: the most it may take), at most "
        f"{options.MAX_EPOCHS:,}",
    )
    options.training_options(run)
    run.add_argument(
        "--plot",
        type=options.png,
        metavar="FILE.png",
        help="also save the training loss curve to FILE.png (networks with a loss history), the "
        "loss recorded after every epoch for it",
    )
    run.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object {"network", "case", "framework", "dtype", "split", '
        '"lr", "epochs", "quantities"} (and "tutorial_claims" where the tutorial derived '
        "values by hand) instead of the labelled report",
    )
    run.set_defaults(subparser=run, handler=main)


def _takes(network: str, case: str, option: str) -> bool:
    """True if `option` (lr or epochs) changes what network/case computes: --epochs a case
    that trains, --lr one that trains or takes a step (reports a del_ quantity)."""
    quantities = specs.NETWORKS[network].quantities[case]
    trains = "loss_history" in quantities
    return trains or (option == "lr" and any(q.startswith("del_") for q in quantities))


def main(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    split_given = "split" in vars(args)
    args.split = vars(args).get("split", specs.DEFAULT_SPLIT)
    valid_cases = specs.cases(args.network)
    chosen = options.chosen_frameworks(parser, args.frameworks)
    args.framework = args.frameworks.strip()  # as given: numpy, torch,keras or all
    args.keras_backend = options.chosen_keras_backend(parser, args, chosen)
    training = options.chosen_training(parser, args)
    given = {"lr": args.lr, "epochs": args.epochs}
    trains = any(value is not None for value in training.values()) or any(
        value is not None and not _takes(args.network, valid_cases[0], option)
        for option, value in given.items()
    )
    trains = trains and "trained" in valid_cases
    case = args.case or ("trained" if trains else valid_cases[0])  # an option of the training
    if case not in valid_cases:
        parser.error(
            f"unknown case {case!r} for {args.network}; choose from: {', '.join(valid_cases)}"
            + options.did_you_mean(case, valid_cases)
        )
    for option, value in given.items():
        if value is not None and not _takes(args.network, case, option):
            using = [c for c in valid_cases if _takes(args.network, c, option)]
            where = f"--case {' or '.join(using)} does" if using else "no case of it does"
            parser.error(
                f"--{option} changes nothing in {args.network}/{case} (it does not train"
                f"{' or take a step' if option == 'lr' else ''}); {where}"
            )
    for option, given in (("--split", split_given), ("--data", args.data)):
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
    options.check_numbers(parser, args, args.dtype)
    options.check_networks_take(parser, [args.network], training)
    if (
        any(training.values())
        and "loss_history" not in specs.NETWORKS[args.network].quantities[case]
    ):
        parser.error(f"{args.network}/{case} does not train; its trained case does: --case trained")
    if args.framework == "all":
        chosen = [f for f in frameworks.FRAMEWORKS if frameworks.version(f) is not None]
        for framework in frameworks.FRAMEWORKS:
            if framework not in chosen:
                messages.say(
                    f"rosetta: skipping {framework}: not installed; install it with: "
                    f"{frameworks.install_hint(framework)}"
                )
    try:
        for framework in chosen:
            if framework == "keras":
                options.use_keras_backend(args.keras_backend)
            frameworks.implementation(framework, args.network)
    except frameworks.FrameworkUnavailableError as error:
        return messages.fail("framework unavailable", str(error), 2)
    choice = {"split": args.split, "seed": args.seed, "data": args.data}
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            spec = specs.get_spec(args.network, case, **choice)
    except ValueError as error:  # a data file that cannot be used, a split that leaves no rows
        return messages.fail("bad data", str(error), 2)
    messages.print_warnings(caught)
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
    # --plot: the loss after every epoch, for the curve; what is printed keeps the spec's
    # every `loss_every`-th epoch, taken from it (the same figures: recording does not train)
    plot_every = 1 if args.plot and getattr(spec, "loss_every", 0) > 1 else None
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
                        lr=args.lr, epochs=args.epochs, **training, loss_every=plot_every,
                    )  # fmt: skip
        except reports.NotConvergedError as error:
            return messages.fail("not converged", str(error), 1)
        except reports.DivergedError as error:
            return messages.fail("diverged", str(error), 1)
    messages.print_warnings(caught)
    seconds = time.perf_counter() - started
    curves = {label: q["loss_history"] for label, q in results.items() if "loss_history" in q}
    if plot_every:
        for quantities in results.values():
            quantities["loss_history"] = quantities["loss_history"][:: spec.loss_every]
    rows = None
    if args.framework == "all" or len(chosen) > 1:  # the verdicts of the printed figures
        every = {**choice, "lr": args.lr, "epochs": args.epochs, **training}
        try:
            with warnings.catch_warnings(record=True):
                rows = _verdicts(args, case, spec, results, every)
        except (reports.NotConvergedError, reports.DivergedError) as error:
            return messages.fail("reference failed", f"the NumPy float64 reference: {error}", 1)
    _print_run(args, case, spec, results, seconds, rows)
    tutorial_lr = specs.get_spec(args.network, case).lr
    for note in dict.fromkeys(reports.stalled(spec, q, tutorial_lr) for q in results.values()):
        if note:  # after the figures, so that it is the last thing read
            print(f"rosetta: note: {note}", file=sys.stderr)
    if not args.plot:
        return 0
    title = f"{args.network}/{case}"
    try:  # after the results: a plot that cannot be written loses nothing else
        plots.loss_curves({title: curves}, {title: plot_every or spec.loss_every}, args.plot)
    except OSError as error:
        return messages.write_failed("--plot", error)
    print(f"Loss curve saved to {args.plot}", file=sys.stderr if args.json else sys.stdout)
    return 0


def _verdicts(
    args: argparse.Namespace, case: str, spec: specs.Spec, results: dict, options: dict
) -> list[compare.Row]:
    """Each framework's quantities against the NumPy float64 reference (run here unless it is
    among the results), with the bounds and verdicts `rosetta compare` gives them, and where
    it cannot tell, the rows of the longest prefix of the training that can."""
    reference = results.get("numpy") if args.dtype == "float64" else None
    if reference is None:
        reference = harness.run_quantities(args.network, case, "numpy", "float64", **options)
    limits, sensitivities = harness.check_bounds(spec, args.dtype, reference)
    rows, labels = [], {}
    for label, got in results.items():
        if label == "numpy" and args.dtype == "float64":
            continue
        labels[label.partition("[")[0]] = label
        formula = harness.formula_difference(spec, label)
        rows += compare.compare_rows(
            args.network, case, label, got, reference, limits, formula, sensitivities, args.dtype
        )
    if any(row.verdict == harness.CANNOT_TELL for row in rows):  # also its tellable prefix
        rows += compare.compare_prefix(spec, labels, args.dtype, options)
    return rows


def _print_run(
    args: argparse.Namespace,
    case: str,
    spec: specs.Spec,
    results: dict,
    seconds: float,
    rows: list[compare.Row] | None = None,
) -> None:
    """The run's report: one JSON object (--json), or the labelled figures; with several
    frameworks, every framework's side by side, with the verdicts (`rows`)."""
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
        if rows is not None:  # each framework's quantities, under its label, and verdicts
            del report["quantities"]
            report["frameworks"] = {
                label: {name: value.tolist() for name, value in q.items()}
                for label, q in results.items()
            }
            report["verdicts"] = [asdict(row) for row in rows]
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
    if rows is not None:
        printing.print_side_by_side(results, getattr(spec, "loss_every", 0))
        print()
        printing.print_verdict(rows, args.dtype)
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
