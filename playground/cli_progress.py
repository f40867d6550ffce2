"""A one-line progress bar for long training in a terminal (the CLI's, not the app's).

    bar = ProgressBar(sys.stdout, total=50)      # draws nothing unless out is a terminal
    bar.update(12)                               # "[######......] 12/50 epochs  3.1 s"
    bar.close()                                  # clears the line for the results
"""
from __future__ import annotations

import time

WIDTH = 30            # characters inside the brackets
DELAY_SECONDS = 1.0   # training shorter than this never shows a bar
REDRAW_SECONDS = 0.1  # at most ten redraws a second


class ProgressBar:
    """Redraws one line with a carriage return; silent when ``out`` is not a terminal."""

    def __init__(self, out, total: int, enabled: bool = True, delay: float | None = None):
        isatty = getattr(out, "isatty", None)
        self.out = out
        self.total = max(int(total), 1)        # epochs to train
        self.enabled = bool(enabled and isatty is not None and isatty())
        self.delay = DELAY_SECONDS if delay is None else delay   # seconds before a first draw
        self._start = time.perf_counter()
        self._last_draw = -REDRAW_SECONDS
        self._drawn = False                    # something is on the line to clear

    def update(self, done: int) -> None:
        """Show ``done`` of ``total`` epochs (if enabled and training has run long enough)."""
        now = time.perf_counter() - self._start
        if not self.enabled or now < self.delay or now - self._last_draw < REDRAW_SECONDS:
            return
        filled = WIDTH * min(done, self.total) // self.total
        line = (f"[{'#' * filled}{'.' * (WIDTH - filled)}] {done}/{self.total} epochs "
                f"{now:5.1f} s")
        self.out.write("\r" + line)
        self.out.flush()
        self._last_draw, self._drawn = now, True

    def close(self) -> None:
        """Clear the bar's line, so the results print on a clean line."""
        if self._drawn:
            self.out.write("\r" + " " * (WIDTH + 40) + "\r")
            self.out.flush()
            self._drawn = False
