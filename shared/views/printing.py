"""What `rosetta` prints: the labelled report of a run, the comparison and timing tables,
the benchmark. The command line (shared.cli) decides what to print; this module, how."""

from __future__ import annotations

import math
import textwrap

import numpy as np

from shared.checks import compare, harness

LABELS = {
    "output": "Output",
    "error": "Error (y - y_hat)",
    "error_term": "Error term",
    "del_w": "Change in weights (del_w)",
    "grad_w": "Gradient dE/dw",
    "output_error_term": "Output error term",
    "hidden_error_term": "Hidden error term",
    "del_w_hidden_output": "Change in weights hidden -> output",
    "del_w_input_hidden": "Change in weights input -> hidden",
    "grad_w_hidden_output": "Gradient dE/dw_hidden_output",
    "grad_w_input_hidden": "Gradient dE/dW_input_hidden",
    "dL_dw1": "dL/dw1 (the tutorial's product of partials)",
    "initial_weights": "Initial weights",
    "final_weights": "Final weights",
    "initial_W_input_hidden": "Initial W_input_hidden",
    "initial_w_hidden_output": "Initial w_hidden_output",
    "final_W_input_hidden": "Final W_input_hidden",
    "final_w_hidden_output": "Final w_hidden_output",
    "test_accuracy": "Prediction accuracy (test set)",
    "train_mse": "Final training MSE",
    "emily": "Emily [-7, -3] (1 = female)",
    "frank": "Frank [20, 2] (1 = female)",
    "bias": "Final bias",
    "epochs_run": "Epochs run (until |gradient| < bound)",
    "dJ_da": "dJ/da",
    "dJ_db": "dJ/db",
    "dJ_dc": "dJ/dc",
    "hidden": "Hidden layer",
    "grad_W_input_hidden": "Gradient dE/dW_input_hidden (W1), first iteration",
    "grad_W_hidden_output": "Gradient dE/dW_hidden_output (W2), first iteration",
    "del_W_input_hidden": "Change in W_input_hidden (W1), first iteration",
    "del_W_hidden_output": "Change in W_hidden_output (W2), first iteration",
}


LOSS_HISTORY_LINES = 10  # a longer loss history is printed at this many evenly spaced epochs


def versus_numpy(ratio: float, than: str = " than NumPy") -> str:
    """A framework's time over NumPy's, in words: "51x slower than NumPy", "1.5x faster"."""
    if 0.95 <= ratio <= 1.05:
        return f"as fast{than.replace('than', 'as')}".rstrip()
    times = ratio if ratio > 1 else 1 / ratio
    figure = f"{times:.0f}" if times >= 10 else f"{times:.1f}"
    return f"{figure}x {'slower' if ratio > 1 else 'faster'}{than}"


def print_bench(result: dict) -> None:
    seconds, ratios = result["seconds_per_epoch"], result["ratio_to_numpy"]
    labels = list(seconds)
    header = ("rows", *labels)
    lines = [
        (
            f"{rows:,}",
            *(
                f"{seconds[label][rows]:.2e}"
                + ("" if label == "numpy" else f" ({versus_numpy(ratios[label][rows], '')})")
                for label in labels
            ),
        )
        for rows in result["sizes"]
    ]
    widths = [max(len(line[i]) for line in (header, *lines)) for i in range(len(header))]
    machine = result["machine"]
    print(
        f"Seconds per full-batch epoch of the admissions model (6 features), and how many "
        f"times slower or faster than NumPy; {machine['cpus']} CPUs, Python {machine['python']}:"
    )
    for line in (header, *lines):
        print("  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)))
    largest = max(result["sizes"])
    print(
        f"\nAt {largest:,} rows, reading X twice per epoch (X @ w, then X.T @ error_term); "
        f"this machine copies memory at {machine['copy_bandwidth_gb_s']:.1f} GB/s:"
    )
    for label in labels:
        moved = result["bandwidth_at_largest"][label]
        print(
            f"  {label:<18} {moved['gb_s']:6.1f} GB/s ({moved['share_of_copy_bandwidth']:.0%} "
            f"of copy bandwidth), peak memory {result['peak_mb_above_import'][label]:.0f} MB "
            "above the imported framework"
        )
    loop = result["loop_against_vectorized"]
    print(
        f"\nThe tutorial's record-by-record loop, {loop['rows']} rows, one epoch: "
        f"{loop['loop_seconds'] * 1e3:.2f} ms; vectorized NumPy: "
        f"{loop['vectorized_seconds'] * 1e3:.3f} ms, {loop['speedup']:.0f} times faster; the "
        f"weights agree to {loop['max_weight_difference']:.1e} (bound 1e-12)."
    )


def print_table(rows: list[compare.Row], dtype: str = "float64") -> None:
    """Every comparison: one row per network, case, quantity and framework."""
    header = ("network", "case", "quantity", "framework", "max |diff|", "tolerance", "verdict")
    table = [
        (
            r.network,
            _case(r),
            r.quantity,
            _label(r.framework, dtype),
            "-" if r.max_abs_diff is None else f"{r.max_abs_diff:.2e}",
            "-" if r.tolerance is None else _bound(r.tolerance),
            _row_verdict(r),
        )
        for r in rows
    ]
    _print_columns([header, *table])
    print()
    print_verdict(rows, dtype)


def _case(row: compare.Row) -> str:
    return row.case if row.epochs is None else f"{row.case}, first {row.epochs} epochs"


def _row_verdict(row: compare.Row) -> str:
    if row.verdict == harness.CANNOT_TELL and row.sensitivity:
        return f"cannot tell (sensitivity {row.sensitivity:.1e})"
    if row.formula and row.verdict == harness.DIFFER:
        return "differ: formula"
    return row.verdict.upper() if row.failed else row.verdict


def print_verdict(rows: list[compare.Row], dtype: str) -> None:
    for line in verdict(rows, dtype):
        print(textwrap.fill(line, 100, subsequent_indent="  " if line.startswith("  ") else ""))


def print_summary(rows: list[compare.Row], dtype: str) -> None:
    """One line per network: in each framework, the largest difference from the reference
    relative to its tolerance (over every case and quantity the check can tell, the whole
    trainings'), then the verdict: agree, differ, cannot tell, or a run that did not finish."""
    labels = list(dict.fromkeys(r.framework for r in rows))
    networks = list(dict.fromkeys(r.network for r in rows))
    header = ("network", *(_label(label, dtype) for label in labels), "verdict")
    table = []
    for network in networks:
        cells = []
        for label in labels:
            mine = [r for r in rows if r.network == network and r.framework == label]
            stopped = [r.verdict for r in mine if r.verdict in compare.ERRORS]
            told = [
                r
                for r in mine
                if r.epochs is None and r.verdict in (harness.AGREE, harness.DIFFER)
                and not r.formula
            ]  # fmt: skip
            worst = max(told, key=lambda r: r.max_abs_diff / r.tolerance, default=None)
            if stopped:
                cells.append(stopped[0])
            elif worst is None:
                cells.append("-")
            else:
                cells.append(f"{worst.max_abs_diff:.1e} / {_bound(worst.tolerance)}")
        table.append((network, *cells, _network_verdict([r for r in rows if r.network == network])))
    print(
        "Largest |difference| from the float64 NumPy reference / its tolerance, over every "
        "case and quantity:"
    )
    _print_columns([header, *table])
    print()
    print_verdict(rows, dtype)
    print("--all prints every comparison (network, case, quantity, framework); --json, as JSON.")


def _network_verdict(rows: list[compare.Row]) -> str:
    whole = [r for r in rows if r.epochs is None]
    failed = [r for r in whole if r.failed]
    stopped = sorted({r.verdict for r in failed if r.verdict in compare.ERRORS})
    unknown = [r for r in whole if r.verdict == harness.CANNOT_TELL]
    by_design = sum(bool(r.formula) for r in whole)
    if failed:
        text = f"DIFFER ({len(failed)})" if not stopped else " / ".join(stopped).upper()
    elif unknown:
        prefix = [r for r in rows if r.epochs is not None]
        told = f"; first {prefix[0].epochs} epochs {compare.overall(prefix)}" if prefix else ""
        text = f"cannot tell ({len(unknown)} of {len(whole)}{told})"
    else:
        text = "agree"
    return text + (f" ({by_design} formula rows)" if by_design else "")


def verdict(rows: list[compare.Row], dtype: str) -> list[str]:
    """The comparison in a few sentences: the verdict, the worst case and why it is not 0."""
    lines = []
    formulas = sorted({r.formula for r in rows if r.formula})
    for formula in formulas:  # differences by design: reported with their formula, no failure
        marked = [r for r in rows if r.formula == formula]
        largest = max(r.max_abs_diff for r in marked)
        labels = ", ".join(sorted({r.framework for r in marked}))
        lines.append(
            f"formula: {len(marked)} rows ({labels}) differ from NumPy by design, at most "
            f"{largest:.2e}: {formula}"
        )
    for r in rows:  # runs that did not finish, each in its own words
        if r.verdict in compare.ERRORS or r.quantity == compare.TRAINING:
            lines.append(f"{r.verdict}: {_label(r.framework, dtype)}, {_case_of(r)}: {r.detail}")
    lines += _cannot_tell(rows, dtype)
    compared = [
        r for r in rows if not r.formula and r.epochs is None and r.max_abs_diff is not None
    ]
    rows = [r for r in compared if r.verdict in (harness.AGREE, harness.DIFFER)]
    failed = [r for r in rows if r.failed]
    agree = len(rows) - len(failed)
    worst = max(rows, key=lambda r: r.max_abs_diff / r.tolerance, default=None)
    if worst is None:
        return lines or ["Nothing to compare."]
    unknown = len(compared) - len(rows)
    of = f"{len(rows) + unknown}" + (f" ({unknown} cannot tell)" if unknown else "")
    if failed:
        lines.append(
            f"{len(failed)} of {of} comparisons differ: they exceed their tolerance, against "
            "the float64 NumPy reference:"
        )
        shown = 5
        for r in failed[:shown]:
            lines.append(
                f"  {r.network}/{r.case} {r.quantity} in {_label(r.framework, dtype)}: "
                f"{r.max_abs_diff:.2e} (tolerance {_bound(r.tolerance)})"
            )
        if len(failed) > shown:
            lines.append(f"  ... and {len(failed) - shown} more (--all lists them)")
    else:
        lines.append(
            f"{agree} of {of} comparisons agree with the float64 NumPy reference within "
            "tolerance."
        )
        # which row is closest is a rounding accident (another CPU's BLAS picks another): a
        # line of its own, indented as its wrapped lines are
        lines.append(
            f"  the closest to its bound: {worst.network}/{worst.case} {worst.quantity} in "
            f"{_label(worst.framework, dtype)}, {worst.max_abs_diff:.2e} (tolerance "
            f"{_bound(worst.tolerance)})."
        )
    if dtype == "float64":
        lines.append(
            "Why not exactly 0: every float64 operation rounds its result to 53 bits, and "
            "frameworks add and multiply in different orders (BLAS kernels, fused operations), "
            "so the same formula can differ in the last bits, about 1e-17 to 1e-16; training "
            "carries such differences over many steps, hence the looser bound for trained "
            "networks."
        )
    else:
        lines.append(
            f"{dtype} drift: each framework ran in {dtype} and is measured against the float64 "
            f"NumPy reference; {dtype} rounds to 24 bits (about 6e-8 relative), so its bounds "
            "are looser."
        )
    return lines


def _case_of(row: compare.Row) -> str:
    return f"{row.network}/{_case(row)}"


def _cannot_tell(rows: list[compare.Row], dtype: str) -> list[str]:
    """Where the check cannot tell, why, and what its tellable prefix says."""
    lines = []
    unknown = [r for r in rows if r.verdict == harness.CANNOT_TELL and r.sensitivity]
    for title in dict.fromkeys(_case_of(r) for r in unknown):
        mine = [r for r in unknown if _case_of(r) == title]
        most = max(mine, key=lambda r: r.sensitivity)
        quantities = ", ".join(dict.fromkeys(r.quantity for r in mine))
        lines.append(
            f"cannot tell: {title}, {len(mine)} comparisons ({quantities}): sensitivity up to "
            f"{most.sensitivity:.1e} ({most.quantity}), above {harness.no_power(dtype):g}. "
            + harness.WHY_CANNOT_TELL.format(limit=harness.no_power(dtype))
            + "."
        )
        network, case = mine[0].network, mine[0].case
        prefix = [r for r in rows if (r.network, r.case) == (network, case) and r.epochs]
        if not prefix:
            lines.append(
                f"  No prefix of {title}'s training stays under sensitivity "
                f"{harness.TELLABLE:g}, or its epochs are a cap: nothing shorter is checked."
            )
            continue
        epochs, by_design = prefix[0].epochs, sum(bool(r.formula) for r in prefix)
        prefix = [r for r in prefix if not r.formula]  # other math: reported above
        told = [r for r in prefix if r.max_abs_diff is not None]
        worst = max(told, key=lambda r: r.max_abs_diff / r.tolerance, default=None)
        result = compare.overall(prefix)
        closest = (
            f"; the closest to its bound: {worst.quantity} in {_label(worst.framework, dtype)}, "
            f"{worst.max_abs_diff:.2e} (tolerance {_bound(worst.tolerance)})"
            if worst is not None
            else ""
        )
        formula = f" ({by_design} formula rows aside)" if by_design else ""
        lines.append(
            f"  Over its first {epochs} epochs, the longest prefix whose sensitivity stays "
            f"under {harness.TELLABLE:g}, the {len(prefix)} comparisons{formula} {result}"
            f"{closest}."
        )
    return lines


def _bound(tolerance: float) -> str:
    """A tolerance as printed: 1e-14, or a derived bound such as 1.3e-02."""
    return f"{tolerance:.1e}".replace(".0e", "e")


def _label(framework: str, dtype: str) -> str:
    """A column's name: under float32, NumPy is NumPy in float32, not the reference."""
    return f"{framework} ({dtype})" if dtype != "float64" and framework == "numpy" else framework


def _print_columns(lines: list[tuple[str, ...]]) -> None:
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    for line in lines:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )


def print_timings(timings: dict[str, dict[str, float]], each_network: bool) -> None:
    """Seconds per framework: imports, then running the networks (numpy: the reference)."""
    imports = timings.get(compare.IMPORT, {})
    networks = {name: spent for name, spent in timings.items() if name != compare.IMPORT}
    labels = list(dict.fromkeys(label for spent in networks.values() for label in spent))
    totals = {label: sum(spent.get(label, 0.0) for spent in networks.values()) for label in labels}
    if not each_network:
        print(
            "Time (s), import + running the networks: "
            + "; ".join(
                f"{label} {imports[label]:.2f} + {totals[label]:.2f}"
                if label in imports
                else f"{label} {totals[label]:.2f}"
                for label in labels
            )
            + " (--timings: per network)"
        )
        return
    header = ("seconds", *labels)
    lines = [
        ("import", *(f"{imports[label]:.2f}" if label in imports else "-" for label in labels))
    ]
    for name, spent in [*networks.items(), ("total", totals)]:
        numpy = spent.get("numpy", 0.0)
        cells = []
        for label in labels:
            seconds = spent.get(label, 0.0)
            ratio = f" ({versus_numpy(seconds / numpy, '')})" if label != "numpy" and numpy else ""
            cells.append(f"{seconds:.3f}{ratio}")
        lines.append((name, *cells))
    widths = [max(len(line[i]) for line in (header, *lines)) for i in range(len(header))]
    print("Time per network (s), and how many times slower or faster than NumPy (the float64 "
          "reference):")  # fmt: skip
    for line in (header, *lines):
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )


def print_quantities(
    quantities: dict[str, np.ndarray], loss_every: int, claims: dict[str, float]
) -> None:
    labels = {name: LABELS.get(name, name.replace("_", " ")) for name in quantities}
    width = max(map(len, labels.values()))
    for name, value in quantities.items():
        if name == "loss_history":
            print_loss_history(value, loss_every)
            continue
        text = (
            np.array2string(
                value, precision=17, floatmode="maxprec", separator=", ", max_line_width=200
            )
            if value.ndim
            else repr(value.item())
        )
        text = text.replace("\n", "\n" + " " * (width + 5))
        if name in claims:
            verdict = "right" if claims[name] == value else "wrong: see `rosetta errata`"
            text += f"   (tutorial, by hand: {claims[name]!r}, {verdict})"
        print(f"  {labels[name]:<{width}}   {text}")


def print_side_by_side(results: dict[str, dict[str, np.ndarray]], loss_every: int) -> None:
    """Each quantity, element by element, in every framework, and the largest difference
    from NumPy's value (the first column); a loss history at about LOSS_HISTORY_LINES
    evenly spaced epochs."""
    labels = list(results)
    reference = results[labels[0]]
    header = ("quantity", *labels, f"max |diff| from {labels[0]}")
    table = []
    for name, value in reference.items():
        for index, element in _elements(name, value, loss_every):
            values = [np.asarray(results[label][name], dtype=np.float64)[index] for label in labels]
            diff = max(abs(v - values[0]) for v in values[1:]) if len(values) > 1 else 0.0
            table.append((element, *(repr(float(v)) for v in values), f"{diff:.1e}"))
    _print_columns([header, *table])


def _elements(name: str, value: np.ndarray, loss_every: int) -> list[tuple[tuple, str]]:
    """(index, label) of the elements of a quantity to show."""
    if name == "loss_history":
        stride = max(1, math.ceil(len(value) / LOSS_HISTORY_LINES))
        shown = sorted({*range(0, len(value), stride), len(value) - 1})
        return [((i,), f"loss, epoch {i * loss_every}") for i in shown]
    if value.ndim == 0:
        return [((), name)]
    return [(index, f"{name}[{', '.join(map(str, index))}]") for index in np.ndindex(value.shape)]


def print_loss_history(history: np.ndarray, loss_every: int) -> None:
    """The loss after every loss_every-th epoch; a long history at about
    LOSS_HISTORY_LINES evenly spaced epochs, and always the last."""
    stride = max(1, math.ceil(len(history) / LOSS_HISTORY_LINES))
    shown = sorted({*range(0, len(history), stride), len(history) - 1})
    print(f"  {'Epoch':>6}  Training loss (after the epoch's update)")
    for i in shown:
        print(f"  {i * loss_every:>6}  {float(history[i])!r}")
