"""A long job with a progress bar and Cancel: ``run_with_progress``.

The job runs on the :class:`~app.ui.tasks.TaskRunner`; it is handed a ``report(done, total)``
callable (:data:`app.domain.errors.Progress`) that any thread may call as often as it likes.
``report`` only stores the newest figures; a timer on the GUI thread copies them into a
window-modal :class:`QProgressDialog` a few times a second, so a job reporting 100,000 times
a second costs the GUI nothing. After Cancel (or once the returned handle is cancelled)
``report`` returns False and the job stops at its next safe point by raising
:class:`~app.domain.errors.Cancelled`, which reaches ``on_error`` like any other failure.

A job that has reported ``done == total`` but has not returned yet (it sorts, merges or
writes what it counted) shows a busy bar instead of a full one that looks frozen.

The dialog appears only when the job takes longer than :data:`SHOW_AFTER_MS`: a quick check
never flashes a window. Its bar is set directly rather than through
``QProgressDialog.setValue``, which runs a nested event loop for modal dialogs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import QProgressBar, QProgressDialog, QWidget

from app.domain.errors import Progress
from app.ui.tasks import TaskHandle, TaskRunner
from app.ui.widgets.lifetime import alive

T = TypeVar("T")

#: A job that ends sooner than this never shows its dialog.
SHOW_AFTER_MS = 300
#: How often the dialog copies the newest figures from the job.
REFRESH_MS = 50


class _Figures:
    """The newest ``(done, total)`` and the Cancel flag, shared between the job and the GUI."""

    __slots__ = ("_cancel", "_done", "_lock", "_total")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = 0
        self._total = 0
        self._cancel = threading.Event()

    def report(self, done: int, total: int) -> bool:
        with self._lock:
            self._done, self._total = done, total
        return not self._cancel.is_set()

    def read(self) -> tuple[int, int]:
        with self._lock:
            return self._done, self._total

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


def run_with_progress(
    tasks: TaskRunner,
    parent: QWidget,
    title: str,
    job: Callable[[Progress], T],
    on_done: Callable[[T], None],
    on_error: Callable[[BaseException], None] | None = None,
    *,
    label: str = "",
    object_name: str = "progressDialog",
) -> TaskHandle:
    """Run ``job(report)`` off the GUI thread behind a progress dialog with Cancel.

    ``on_done(result)`` or ``on_error(error)`` is called on the GUI thread once the job ends
    (after Cancel the job's :class:`~app.domain.errors.Cancelled` goes to ``on_error``);
    without ``on_error`` a failure goes to the runner's error presenter. If ``parent`` is
    deleted meanwhile, the answer is dropped. Cancelling the returned handle also asks the
    job to stop and closes the dialog.
    """
    figures = _Figures()

    dialog = QProgressDialog(parent)
    dialog.setObjectName(object_name)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label or title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    bar = QProgressBar(dialog)
    bar.setObjectName(f"{object_name}Bar")
    bar.setRange(0, 0)  # busy until the job reports a total
    bar.setValue(0)
    dialog.setBar(bar)
    # QProgressDialog shows itself this long after construction (its own "force show" timer,
    # restarted here only while the bar stands at its minimum, hence the 0 above); a job that
    # ends earlier deletes the dialog before it appears.
    dialog.setMinimumDuration(SHOW_AFTER_MS)

    refresh = QTimer(dialog)
    refresh.setInterval(REFRESH_MS)
    handle_box: list[TaskHandle] = []

    def cancel_requested() -> None:
        figures.cancel()
        if alive(dialog):
            dialog.setLabelText(QCoreApplication.translate("Progress", "Cancelling…"))

    def close_dialog() -> None:
        if alive(dialog):
            refresh.stop()
            dialog.canceled.disconnect(cancel_requested)
            dialog.hide()
            dialog.deleteLater()

    def update() -> None:
        handle = handle_box[0] if handle_box else None
        if handle is not None and not handle.active:
            # Cancelled by its caller (the answer is dropped): stop the job, close the dialog.
            figures.cancel()
            close_dialog()
            return
        done, total = figures.read()
        if 0 < total <= done:
            # Counted to the end but not finished (sorting, merging, writing files): a busy
            # bar moves where a full one would look frozen.
            bar.setRange(0, 0)
        elif total > 0:
            # QProgressBar holds an int; scale very large totals into its range.
            scale = max(1, total // 1_000_000_000 + 1)
            bar.setRange(0, total // scale)
            bar.setValue(min(done, total) // scale)

    def finished(result: T) -> None:
        close_dialog()
        on_done(result)

    def failed(error: BaseException) -> None:
        close_dialog()
        if on_error is not None:
            on_error(error)
        else:
            tasks.unhandled_error.emit(error)

    def report(done: int, total: int) -> bool:
        if handle_box and handle_box[0].cancelled:
            figures.cancel()
        return figures.report(done, total)

    dialog.canceled.connect(cancel_requested)
    refresh.timeout.connect(update)
    refresh.start()
    handle = tasks.submit(lambda: job(report), finished, failed, owner=parent)
    handle_box.append(handle)
    return handle
