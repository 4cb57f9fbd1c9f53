"""Background work for the console: database calls and hashing never run on the GUI thread.

A job is a plain callable run on a QThreadPool; its result or exception comes back on the
GUI thread through a queued signal. Workers never touch widgets. Jobs submitted under the
same ``channel`` supersede each other: only the newest one's result is delivered (a search
keystroke makes the previous search's answer irrelevant).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class _Relay(QObject):
    """Lives on the GUI thread; a worker emits through it, Qt queues the call across."""

    finished = Signal(object, object)  # (result, error)


class _Job(QRunnable):
    def __init__(self, function: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._function = function
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._function()
        except BaseException as error:  # noqa: BLE001 - delivered to the GUI thread as is
            self._relay.finished.emit(None, error)
        else:
            self._relay.finished.emit(result, None)


class TaskRunner(QObject):
    """Runs jobs off the GUI thread and hands results back on it."""

    busy_changed = Signal(bool)
    #: An error no callback handled (delivered to the error presenter).
    unhandled_error = Signal(object)

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._relays: set[_Relay] = set()
        self._latest: dict[str, int] = {}
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    @property
    def pending(self) -> int:
        return len(self._relays)

    def submit(
        self,
        function: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        channel: str | None = None,
        owner: QObject | None = None,
    ) -> None:
        """Run ``function`` in the pool; call ``on_done(result)`` or ``on_error(exc)`` later.

        With an ``owner``, the answer is dropped if Qt has deleted the owner meanwhile (the
        dialog that asked was closed): touching a deleted widget would raise.
        """
        ticket = next(self._counter)
        if channel is not None:
            self._latest[channel] = ticket
        relay = _Relay()  # created here, so it lives on the GUI thread
        self._relays.add(relay)

        @Slot(object, object)
        def deliver(result: Any, error: BaseException | None) -> None:
            self._relays.discard(relay)
            relay.deleteLater()
            if not self._relays:
                self.busy_changed.emit(False)
            if channel is not None and self._latest.get(channel) != ticket:
                return  # superseded by a newer job on the same channel
            if owner is not None and not shiboken6.isValid(owner):
                return
            if error is not None:
                if on_error is not None:
                    on_error(error)
                else:
                    self.unhandled_error.emit(error)
            elif on_done is not None:
                on_done(result)

        relay.finished.connect(deliver)
        if len(self._relays) == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Job(function, relay))

    def wait_for_done(self, msecs: int = 30_000) -> bool:
        """Block until the pool is idle (for shutdown and tests; never from a slot)."""
        return self._pool.waitForDone(msecs)
