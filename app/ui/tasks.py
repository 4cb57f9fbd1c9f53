"""Background work for the console: database calls and hashing never run on the GUI thread.

A job is a plain callable run on a QThreadPool; its result or exception comes back on the
GUI thread through a queued signal. Workers never touch widgets. ``submit`` returns a
:class:`TaskHandle`; cancelling it drops the answer (a job already running still runs to its
end — a database call cannot be interrupted safely — but nobody hears of it). That is the one
way stale answers are dropped: :class:`LatestTask` cancels the previous job of a kind when a
new one starts (a search keystroke makes the previous search's answer irrelevant), and an
``owner`` deleted meanwhile drops its answer too.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from app.domain.errors import KeywardError

T = TypeVar("T")

#: How long closing the window waits for jobs already running (queued ones are dropped).
SHUTDOWN_WAIT_MS = 2_000
#: How much lower a worker thread's scheduling priority is than the GUI thread's (Linux), on
#: an embedded database (see :func:`_lower_priority`).
WORKER_NICENESS = 5

#: How long a thread holding the GIL keeps it once another thread asks (Python's default
#: is 5 ms): the GUI thread re-takes the GIL at every call back from Qt into Python, and
#: while workers are busy each such wait was up to 5 ms — a repaint of the key table paid it
#: dozens of times.
GIL_SWITCH_INTERVAL_S = 0.001
#: The third generation's threshold while full collections are postponed (never reached).
_NEVER = 1_000_000_000

_yielding = threading.local()


def favour_the_window() -> None:
    """Tune this process for a window that must answer within 50 ms while workers run.

    Called once the console's window is shown, by :func:`app.ui.app.run_console` (and the
    benchmarks, as it):

    - ``gc.freeze()`` takes what the start made (modules, classes, Qt's wrappers, the window)
      out of the garbage collector's full collections, which would otherwise walk it all
      again: at 1,000,000 keys one such walk held the GIL for 130 ms mid-way through a bulk
      revoke, and the window froze for as long. It lives as long as the process.
    - the GIL's switch interval drops to :data:`GIL_SWITCH_INTERVAL_S`.
    """
    gc.freeze()
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)


class _Postponement:
    """Counts the jobs that postpone full collections; the last one to end restores them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs = 0
        self._thresholds = gc.get_threshold()

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._jobs == 0:
                self._thresholds = gc.get_threshold()
                young, middle, _old = self._thresholds
                gc.set_threshold(young, middle, _NEVER)
            self._jobs += 1
        try:
            yield
        finally:
            with self._lock:
                self._jobs -= 1
                if self._jobs == 0:
                    gc.set_threshold(*self._thresholds)


#: ``with full_collections_postponed(): …`` — for a long job that keeps what it makes (a
#: bulk change's 10,000 keys and their results). Every full collection walks all that, and
#: in a process this size each object costs a cache miss: 30 ms of GIL per walk by the end
#: of a 10,000-key revoke, a stall each time. Young collections go on (they free the
#: sessions' short-lived cycles); the full ones wait until the last such job ends.
full_collections_postponed = _Postponement()


def _lower_priority(niceness: int | None) -> None:
    """Set this worker thread's nice value to ``niceness`` (Linux: ``nice`` is per thread),
    once per thread; None leaves it as it is. The value is absolute, not relative: the pool
    may start a thread from one of its own, which then inherits the lowered value.

    On SQLite the pool's threads spend most of their time in the database's own C code, in
    this process and outside the GIL: on two cores a few of them (the start's counts, a bulk
    change, the live poll) would otherwise share the CPU evenly with the GUI thread, and a
    repaint waiting for a core is a stall. With a lower priority they take what the GUI
    thread leaves. On a server the database works in its own processes and the threads here
    run Python, holding the GIL: a lowered thread preempted while holding it kept the GUI
    thread waiting (55–75 ms during a bulk revoke on PostgreSQL), so there they keep the GUI
    thread's. Elsewhere (where ``setpriority`` would lower the whole process) nothing changes.
    """
    if niceness is None or getattr(_yielding, "niceness", None) == niceness:
        return
    _yielding.niceness = niceness
    with contextlib.suppress(OSError):  # a sandbox may refuse; the work runs all the same
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)


class TaskHandle:
    """One submitted job. :meth:`cancel` drops its answer; it is safe to call at any time."""

    __slots__ = ("_cancelled", "_finished")

    def __init__(self) -> None:
        self._cancelled = False
        self._finished = False

    def cancel(self) -> None:
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    @property
    def finished(self) -> bool:
        """The job's answer arrived (delivered, or dropped because it was cancelled)."""
        return self._finished

    @property
    def active(self) -> bool:
        """Still on its way and still wanted."""
        return not (self._cancelled or self._finished)


class _Relay(QObject):
    """Lives on the GUI thread; a worker emits through it, Qt queues the call across."""

    finished = Signal(object, object)  # (result, error)


class _Job(QRunnable):
    def __init__(
        self, function: Callable[[], Any], relay: _Relay, handle: TaskHandle, niceness: int | None
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._function = function
        self._relay = relay
        self._handle = handle
        self._niceness = niceness

    def run(self) -> None:
        _lower_priority(self._niceness)
        if self._handle.cancelled:  # cancelled while queued: no need to run it at all
            self._relay.finished.emit(None, None)
            return
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

    def __init__(
        self, parent: QObject | None = None, *, max_threads: int = 4, niceness: int = 0
    ) -> None:
        """``niceness``: how much lower the pool's threads run than the GUI thread (Linux;
        :data:`WORKER_NICENESS` on an embedded database, 0 on a server)."""
        super().__init__(parent)
        # The pool's threads' nice value: the GUI thread's (this one's) plus ``niceness``.
        self._niceness: int | None = None
        if niceness > 0 and sys.platform.startswith("linux"):
            own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
            self._niceness = min(19, own + niceness)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._running: dict[_Relay, TaskHandle] = {}
        # Quiet jobs (the live-update poll) never light the busy indicator.
        self._quiet: dict[_Relay, TaskHandle] = {}

    @property
    def pending(self) -> int:
        """Jobs started and not yet answered (cancelled ones included until they end)."""
        return len(self._running) + len(self._quiet)

    def submit(
        self,
        function: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        owner: QObject | None = None,
        quiet: bool = False,
    ) -> TaskHandle:
        """Run ``function`` in the pool; call ``on_done(result)`` or ``on_error(exc)`` later.

        Without ``on_error`` a failure goes to :attr:`unhandled_error` (the error presenter).
        With an ``owner``, the answer is dropped if Qt has deleted the owner meanwhile (the
        dialog that asked was closed): touching a deleted widget would raise. A ``quiet`` job
        does not count as busy (nobody waits for a background poll).
        """
        handle = TaskHandle()
        relay = _Relay()  # created here, so it lives on the GUI thread
        running = self._quiet if quiet else self._running
        running[relay] = handle

        @Slot(object, object)
        def deliver(result: Any, error: BaseException | None) -> None:
            running.pop(relay, None)
            relay.deleteLater()
            if not shiboken6.isValid(self):
                return  # the runner was shut down and deleted meanwhile: nobody asks any more
            if not quiet and not self._running:
                self.busy_changed.emit(False)
            wanted = handle.active
            handle._finished = True
            if not wanted or (owner is not None and not shiboken6.isValid(owner)):
                return
            if error is not None:
                if on_error is not None:
                    on_error(error)
                else:
                    self.unhandled_error.emit(error)
            elif on_done is not None:
                on_done(result)

        relay.finished.connect(deliver)
        if not quiet and len(self._running) == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Job(function, relay, handle, self._niceness))
        return handle

    def report_if_bug(self, error: BaseException) -> None:
        """For a callback that showed a known error itself: a bug still gets its report."""
        if not isinstance(error, KeywardError):
            self.unhandled_error.emit(error)

    def cancel_all(self) -> None:
        # Queued jobs see the flag and return at once (pool.clear() would leave them unanswered).
        for handle in [*self._running.values(), *self._quiet.values()]:
            handle.cancel()

    def shutdown(self, msecs: int = SHUTDOWN_WAIT_MS) -> bool:
        """Drop every answer and wait briefly for running jobs (closing the window)."""
        self.cancel_all()
        return self._pool.waitForDone(msecs)

    def wait_for_done(self, msecs: int = 30_000) -> bool:
        """Block until the pool is idle (for tests; never from a slot)."""
        return self._pool.waitForDone(msecs)


class LatestTask:
    """One kind of request where only the newest answer counts (a search, a count, a page).

    ``submit`` cancels the previous job of this kind before starting the new one.
    """

    __slots__ = ("_handle", "_tasks")

    def __init__(self, tasks: TaskRunner) -> None:
        self._tasks = tasks
        self._handle: TaskHandle | None = None

    def submit(
        self,
        function: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        owner: QObject | None = None,
    ) -> TaskHandle:
        self.cancel()
        self._handle = self._tasks.submit(function, on_done, on_error, owner=owner)
        return self._handle

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    @property
    def active(self) -> bool:
        return self._handle is not None and self._handle.active


def _rest_over(rests: weakref.ref[RefreshTask]) -> None:
    """A refresh's pause ended: its waiting request may start (if the refresh still is)."""
    task = rests()
    if task is not None:
        task._rested()


class RefreshTask:
    """A question asked again and again as things change (a count, a summary): at most one
    job of it runs at a time.

    A request made while one runs waits, and a newer request replaces a waiting one; the
    running job's answer still arrives (it was fresh when asked), then the waiting request
    starts. A bulk revoke elsewhere changes keys every second: counting 1,000,000 keys for
    each poll, every count still running when the next began, filled the pool and took the
    cores from the window (and from the revoke). While :data:`refreshes_held`, requests
    wait; the newest starts when the hold ends.
    """

    __slots__ = ("__weakref__", "_handle", "_resting", "_spacing_ms", "_tasks", "_waiting")

    def __init__(self, tasks: TaskRunner, *, spacing_ms: int = 0) -> None:
        """``spacing_ms``: how long a waiting request waits after the previous answer (a
        count that takes a second, asked for all the time, then keeps a core busy only
        part of the time); a request while nothing runs starts at once."""
        self._tasks = tasks
        self._spacing_ms = spacing_ms
        self._handle: TaskHandle | None = None
        self._waiting: tuple[Any, ...] | None = None
        self._resting = False

    def submit(
        self,
        function: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        owner: QObject | None = None,
    ) -> None:
        self._waiting = (function, on_done, on_error, owner)
        self._resume()

    def _start(
        self,
        function: Callable[[], T],
        on_done: Callable[[T], None] | None,
        on_error: Callable[[BaseException], None] | None,
        owner: QObject | None,
    ) -> None:
        self._waiting = None

        def done(result: T) -> None:
            if on_done is not None:
                on_done(result)
            self._next()

        def failed(error: BaseException) -> None:
            if on_error is not None:
                on_error(error)
            else:
                self._tasks.unhandled_error.emit(error)
            self._next()

        self._handle = self._tasks.submit(function, done, failed, owner=owner)

    def _next(self) -> None:
        if self._waiting is None:
            return
        if self._spacing_ms and not refreshes_held.holding:
            self._resting = True
            # A plain function holding a weak reference, not the bound method: PySide keeps
            # a plain object's bound method without keeping the object, and the timer of a
            # task dropped meanwhile called `_rested` on whatever took its memory.
            rests = weakref.ref(self)
            QTimer.singleShot(self._spacing_ms, lambda: _rest_over(rests))
            return
        self._resume()

    def _rested(self) -> None:
        self._resting = False
        self._resume()

    def _resume(self) -> None:
        """Start the waiting request unless a job runs, a pause lasts or a hold goes on."""
        if self._waiting is None or self.active or self._resting:
            return
        if refreshes_held.holding:
            refreshes_held.when_free(self._resume)
            return
        self._start(*self._waiting)

    def cancel(self) -> None:
        """Drop the running job's answer and the waiting request."""
        self._waiting = None
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    @property
    def active(self) -> bool:
        return self._handle is not None and self._handle.active


class _RefreshHold:
    """Counts what holds every :class:`RefreshTask`'s requests (GUI thread only); the last
    one to end starts each task's newest waiting request, and the other callbacks asked for
    meanwhile."""

    def __init__(self) -> None:
        self._holds = 0
        # Callbacks for the end of the hold, each once however often asked (insertion order).
        self._then: dict[Callable[[], None], None] = {}

    @property
    def holding(self) -> bool:
        return self._holds > 0

    def when_free(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` now, or once when the hold ends (asked again meanwhile: once)."""
        if self._holds:
            self._then[callback] = None
        else:
            callback()

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        self._holds += 1
        try:
            yield
        finally:
            self._holds -= 1
            if not self._holds:
                then, self._then = list(self._then), {}
                for callback in then:
                    callback()


#: ``with refreshes_held(): …`` — while the window's own bulk change runs, the counts and
#: summaries it makes stale wait, and run once when it ends (as do whole reloads asked for
#: with :meth:`_RefreshHold.when_free`). Each live poll during a 10,000-key revoke asked for
#: them again; on a server each count over 1,000,000 keys took both cores for a second, and
#: the window waited for a core (ticks 52–57 ms late). On SQLite a poll that found more than
#: the live feed follows row by row reloaded the table and counted its 1,000,000 keys anew,
#: several times per revoke (ticks 100–140 ms late).
refreshes_held = _RefreshHold()
