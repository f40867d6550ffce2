"""Cross-validation in a background thread, with progress and Cancel (one per tab).

The thread works on its own sessions (one per fold, built from the tab's dataset and
config as they were when it started), so it never takes the page's lock and the page's
own experiment keeps training and drawing while it runs.
"""
from __future__ import annotations

import threading

from playground.crossval import CrossValidation, CrossValidationCancelled, cross_validate


class CrossValidationRunner:
    """Starts, reports on and cancels one cross-validation at a time."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self.progress = 0.0                      # 0..1 of all folds' epochs
        self.text = ""                           # "fold 2 of 5, epoch 30 of 100"
        self.result: CrossValidation | None = None
        self.error: str | None = None            # why it stopped (cancelled, bad data)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, cfg, dataset, k: int) -> None:
        """Cross-validate in the background (a run in progress is cancelled first)."""
        self.cancel(wait=True)
        self._cancel = threading.Event()
        self.progress, self.text, self.result, self.error = 0.0, "starting", None, None
        self._thread = threading.Thread(target=self._run, args=(cfg, dataset, k, self._cancel),
                                        daemon=True, name="playground-crossval")
        self._thread.start()

    def _run(self, cfg, dataset, k, cancel: threading.Event) -> None:
        def progress(fold: int, folds: int, epoch: int, epochs: int) -> None:
            self.progress = (fold + epoch / epochs) / folds
            self.text = f"fold {fold + 1} of {folds}, epoch {epoch} of {epochs}"
        try:
            result = cross_validate(cfg, dataset, k, progress=progress,
                                    cancelled=cancel.is_set)
        except CrossValidationCancelled:
            self.error = "Cross-validation was cancelled; no result."
            return
        except Exception as error:       # a message on the page, never a traceback
            self.error = f"Cross-validation could not run: {error}"
            return
        self.result, self.progress, self.text = result, 1.0, "done"

    def cancel(self, wait: bool = False) -> None:
        """Stop at the next training slice (and wait for the thread when ``wait``)."""
        self._cancel.set()
        thread = self._thread
        if wait and thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5.0)
