"""A progress bar for a long training: epoch, loss, rate and time left, on stderr.

Every framework calls `reports.check_finite(spec, history)` after each loss it records, so
that call also advances the bar (`recorded`): the implementations' loops stay as their
frameworks' users write them. The bar is tqdm's; it appears only while `training` is open
with `enabled` (the command line enables it when stderr is a terminal), and only once a
training has run for SHOW_AFTER seconds, so short runs print nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tqdm import tqdm

SHOW_AFTER = 3.0  # seconds before the bar appears

_bar: tqdm | None = None


@contextmanager
def training(epochs: int, enabled: bool) -> Iterator[None]:
    """Show a bar of `epochs` epochs for the training run inside this block."""
    global _bar
    if not enabled:
        yield
        return
    from tqdm import tqdm  # loaded only for a terminal

    _bar = tqdm(
        total=epochs,
        unit="epoch",
        delay=SHOW_AFTER,
        file=sys.stderr,
        dynamic_ncols=True,
        leave=False,  # the report follows; the bar is gone when training ends
        bar_format="{l_bar}{bar}| epoch {n_fmt}/{total_fmt} [{elapsed}<{remaining}, "
        "{rate_fmt}{postfix}]",
    )
    try:
        yield
    finally:
        _bar.close()
        _bar = None


def recorded(loss_every: int, history: list[float]) -> None:
    """Move the bar to the epoch whose loss was just recorded (history[k] is the loss after
    epoch k * loss_every, counted from 0) and show that loss."""
    if _bar is None:
        return
    done = min((len(history) - 1) * loss_every + 1, _bar.total)
    _bar.set_postfix_str(f"loss {history[-1]:.6g}", refresh=False)
    if done > _bar.n:
        _bar.update(done - _bar.n)
