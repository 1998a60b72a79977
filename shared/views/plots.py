"""Loss curves as PNG files, drawn headless (matplotlib's Agg backend: no display needed),
each written to a temporary file and renamed into place (shared.runtime.outputs.replacing)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from shared.runtime import outputs

# curves: panel title -> line label (framework) -> losses, one every `every[title]` epochs
Curves = dict[str, dict[str, np.ndarray]]


def loss_curves(curves: Curves, every: dict[str, int], path: Path) -> None:
    """One panel per entry of `curves`, one line per framework; the loss axis is log-scaled
    when it spans more than a factor of ten."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    columns = min(3, len(curves))
    rows = math.ceil(len(curves) / columns)
    figure, axes = plt.subplots(
        rows, columns, figsize=(5 * columns, 3.6 * rows), squeeze=False, layout="constrained"
    )
    for ax, (title, lines) in zip(axes.flat, curves.items(), strict=False):
        for style, (label, losses) in zip(("-", "--", ":", "-."), lines.items(), strict=False):
            epochs = np.arange(len(losses)) * every[title]
            ax.plot(epochs, losses, style, label=label, linewidth=1.6)
        values = np.concatenate([np.asarray(v, dtype=float) for v in lines.values()])
        if values.min() > 0 and values.max() / values.min() > 10:
            ax.set_yscale("log")
        ax.set(title=title, xlabel="epoch", ylabel="training loss")
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
    for ax in axes.flat[len(curves) :]:
        ax.set_visible(False)
    _save(figure, path)


def scaling(seconds: dict[str, dict[int, float]], path: Path) -> None:
    """Seconds per epoch against rows, log-log, one line per framework."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, ax = plt.subplots(figsize=(6.4, 4.4), layout="constrained")
    for label, by_rows in seconds.items():
        rows = sorted(by_rows)
        ax.loglog(rows, [by_rows[n] for n in rows], "o-", label=label)
    ax.set(
        xlabel="rows", ylabel="seconds per full-batch epoch", title="admissions model, 6 features"
    )
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    _save(figure, path)


def _save(figure: object, path: Path) -> None:
    """Write the figure as a PNG through outputs.replacing: the old file stays whole until
    the new one is."""
    from matplotlib import pyplot as plt

    try:
        with outputs.replacing(path, "wb") as file:
            figure.savefig(file, format="png", dpi=100)
    finally:
        plt.close(figure)
