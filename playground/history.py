"""Per-epoch numbers of a training session, kept in bounded memory however long it plays.

Every epoch is kept until ``capacity`` rows are held; then the history is thinned to every
second epoch, later every fourth, and so on (the stride doubles each time), so it never
holds more than ``capacity + 1`` rows. Epoch 1 and the latest epoch are always kept, so
the curves start where training started and the status line shows the newest numbers.
The curves draw at most 1,000 points, so a capacity of 2,000 loses nothing they show.
"""
from __future__ import annotations

from collections.abc import Mapping

CAPACITY = 2000     # rows kept before thinning; after it the history holds 1,000-2,001 rows


class EpochHistory:
    """Losses/accuracies and per-layer gradient norms per recorded epoch.

    epochs: the 1-based epoch number of each row (1, 2, 3, ... until thinned).
    logs: key -> one value per row ("loss", "val_loss", "accuracy", ...).
    grad_norms: layer name -> one value per row.
    stride: rows are kept at epoch 1, every ``stride``-th epoch, and the latest epoch.
    """

    def __init__(self, layer_names, capacity: int = CAPACITY):
        if not isinstance(capacity, int) or capacity < 4:
            raise ValueError(f"capacity must be a whole number of at least 4, not {capacity!r}.")
        self.capacity = capacity
        self.epochs: list[int] = []
        self.logs: dict[str, list[float]] = {}
        self.grad_norms: dict[str, list[float]] = {name: [] for name in layer_names}
        self.stride = 1

    def __len__(self) -> int:
        return len(self.epochs)

    @property
    def thinned(self) -> bool:
        """True once some epochs have been left out."""
        return self.stride > 1

    def _columns(self):
        yield from self.logs.values()
        yield from self.grad_norms.values()

    def _on_stride(self, epoch: int) -> bool:
        return epoch == 1 or epoch % self.stride == 0

    def record(self, epoch: int, logs: Mapping[str, float],
               grad_norms: Mapping[str, float]) -> None:
        """Add epoch ``epoch`` (after the last recorded one); values stored as floats."""
        if self.epochs and not self._on_stride(self.epochs[-1]):
            self.epochs.pop()                # the previous latest row was only kept as latest
            for column in self._columns():
                column.pop()
        self.epochs.append(int(epoch))
        for key, value in logs.items():
            self.logs.setdefault(key, []).append(float(value))
        for name, value in grad_norms.items():
            self.grad_norms[name].append(float(value))
        while len(self.epochs) > self.capacity:
            self.stride *= 2
            last = len(self.epochs) - 1
            self._drop_rows([i for i, e in enumerate(self.epochs)
                             if i != last and not self._on_stride(e)])

    def _drop_rows(self, rows: list[int]) -> None:
        drop = set(rows)
        keep = [i for i in range(len(self.epochs)) if i not in drop]
        self.epochs[:] = [self.epochs[i] for i in keep]
        for column in self._columns():
            column[:] = [column[i] for i in keep]

    def note(self) -> str:
        """A plain sentence saying which epochs the history holds ("" when all of them)."""
        if not self.thinned:
            return ""
        return (f"The history is thinned to keep memory bounded: it holds epoch 1, every "
                f"{_ordinal(self.stride)} epoch and the latest ({len(self)} of "
                f"{self.epochs[-1]} epochs).")

    def to_csv(self) -> str:
        """epoch, then every log key, then ``grad_norm_<layer>``; one row per kept epoch.

        Every cell is a plain number (``repr`` of a Python float: "0.25", "nan", "inf"),
        so spreadsheets and ``pandas.read_csv`` read each column as numbers.
        """
        keys, layers = list(self.logs), list(self.grad_norms)
        lines = [",".join(["epoch"] + keys + [f"grad_norm_{g}" for g in layers])]
        for i, epoch in enumerate(self.epochs):
            cells = [str(epoch)] + [repr(float(self.logs[k][i])) for k in keys] + \
                [repr(float(self.grad_norms[g][i])) for g in layers]
            lines.append(",".join(cells))
        return "\n".join(lines) + "\n"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
