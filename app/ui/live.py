"""Live updates: what other people (and the command line) changed appears by itself.

Every change writes one audit event in its own transaction, so the services' change feed
(:mod:`app.services.changes`) answers "anything new since seq N?" with one one-row query.
:class:`LiveUpdates` asks that off the GUI thread, quietly (no busy indicator), and only when
something moved reads the keys the new events name. The screens get plain signals: keys to
update or insert, keys gone, people or policy changed, or — after a flood of changes — a
reload of everything.

When to ask: on SQLite and MariaDB every :data:`POLL_MS`. PostgreSQL says when itself — a
thread waits on a connection of its own for the database's ``NOTIFY`` and asks at once — and
the timer only backs it up every :data:`FALLBACK_MS` (a notification cannot be lost while the
connection holds, but a connection can be cut without a word). A lost listening connection
is opened again quietly, polling at :data:`POLL_MS` meanwhile.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance, Slot

from app.domain.errors import KeywardError
from app.domain.sorting import SortField
from app.services import Services
from app.services.changes import Changes
from app.services.dto import KeyDTO, KeyQuery
from app.ui.operations import KeyOperations
from app.ui.screens.keys import KeysScreen
from app.ui.tasks import TaskHandle, TaskRunner, refreshes_held

#: How often an open window asks; a change shows within this plus one round trip.
POLL_MS = 1500
#: How often it asks while the database's notifications arrive (PostgreSQL).
FALLBACK_MS = 15_000
#: The least time between two polls that notifications (or a change seen during a poll) ask
#: for: a bulk change elsewhere notifies 40 times a second, and back-to-back polls kept a
#: core busy reading them; one poll per quarter second reads them all the same.
MIN_GAP_MS = 250
#: How long the listening thread waits before looking whether it should stop; the bound on
#: how long its connection outlives the window.
_LISTEN_WAIT_S = 1.0
#: Waits before opening a lost listening connection again: doubled up to the last.
_RECONNECT_S = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)


@dataclass(frozen=True, slots=True)
class _Seen:
    changes: Changes
    present: tuple[KeyDTO, ...]
    gone: tuple[str, ...]


class LiveUpdates(QObject):
    """``LiveUpdates(services, tasks, parent)``; ``start()`` once the window is up."""

    #: Keys that exist now and changed or were created since the last poll (list[KeyDTO]).
    keys_changed = Signal(object)
    #: Keys that were deleted, or that the operator may no longer see (list[str]).
    keys_removed = Signal(object)
    #: Users were added, changed, deactivated or reactivated.
    people_changed = Signal()
    #: A setting of the key policy changed.
    policy_changed = Signal()
    #: Too much changed to follow row by row: reload what is shown.
    reload_needed = Signal()
    #: Every poll that found something (:class:`~app.services.changes.Changes`), for
    #: "changed by … at …" notices.
    changes_seen = Signal(object)
    #: The database's notifications arrive (True) or were lost (False); PostgreSQL only.
    listening_changed = Signal(bool)
    #: From the listening thread: the database announced a change.
    _announced = Signal()

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        parent: QObject | None = None,
        *,
        interval_ms: int = POLL_MS,
        fallback_ms: int = FALLBACK_MS,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self._seq: int | None = None
        self._in_flight: TaskHandle | None = None
        self._ask_again = False
        self._interval_ms = interval_ms
        self._fallback_ms = fallback_ms
        self._listening = False
        self._stop_listening: threading.Event | None = None
        self._timer = QTimer(self)
        self._timer.setObjectName("liveUpdatesTimer")
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)
        self._last_poll = 0.0  # time.monotonic() of the last request
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.timeout.connect(self.poll)
        self._announced.connect(self._poll_soon)
        self.listening_changed.connect(self._on_listening_changed)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    @property
    def listening(self) -> bool:
        """Whether the database's notifications currently wake this window."""
        return self._listening

    def start(self) -> None:
        """Take the current change mark, then poll (and listen, on PostgreSQL). Idempotent."""
        if not self._timer.isActive():
            self._timer.start()
        if self._seq is None:
            self.poll()
        if self._stop_listening is None and self._services.changes.can_listen:
            self._stop_listening = threading.Event()
            threading.Thread(
                target=self._listen,
                args=(self._stop_listening,),
                name="keyward-live-listener",
                daemon=True,
            ).start()

    def stop(self) -> None:
        """Stop polling and listening (the thread closes its connection within a second)."""
        self._timer.stop()
        self._soon.stop()
        if self._stop_listening is not None:
            self._stop_listening.set()
            self._stop_listening = None
        self._listening = False
        self._timer.setInterval(self._interval_ms)
        if self._in_flight is not None:
            self._in_flight.cancel()
            self._in_flight = None

    # ------------------------------------------------------------------ the listening thread

    def _listen(self, stop: threading.Event) -> None:
        """Off the GUI thread: wait for the database's notifications until told to stop.

        It only ever emits signals (queued to the GUI thread) and never raises: a lost
        connection is opened again after a pause, and the timer polls meanwhile.
        """
        failures = 0
        while not stop.is_set():
            try:
                with self._services.changes.listen() as listener:
                    failures = 0
                    self._tell(stop, self.listening_changed, True)
                    while not stop.is_set():
                        if listener.wait(_LISTEN_WAIT_S):
                            self._tell(stop, self._announced)
            except KeywardError:
                self._tell(stop, self.listening_changed, False)
                stop.wait(_RECONNECT_S[min(failures, len(_RECONNECT_S) - 1)])
                failures += 1

    @staticmethod
    def _tell(stop: threading.Event, signal: SignalInstance, *args: object) -> None:
        if stop.is_set():
            return
        try:
            signal.emit(*args)
        except RuntimeError:  # the window (and this object) is gone; stop is on its way
            stop.set()

    @Slot(bool)
    def _on_listening_changed(self, listening: bool) -> None:
        if self._stop_listening is None:  # stopped meanwhile
            return
        self._listening = listening
        self._timer.setInterval(self._fallback_ms if listening else self._interval_ms)
        if listening:
            self.poll()  # whatever was committed while nobody listened

    # ------------------------------------------------------------------ asking

    @Slot()
    def poll(self) -> None:
        """Ask once now (the timer and notifications call this; tests may too).

        One request at a time; a call while one runs asks again when it is done, so a change
        committed just after that request read the counter is not left to the next poll.
        """
        if self._in_flight is not None and self._in_flight.active:
            self._ask_again = True
            return
        self._ask_again = False
        self._soon.stop()
        self._last_poll = time.monotonic()
        seq = self._seq
        if seq is None:
            self._in_flight = self._tasks.submit(
                self._services.changes.mark, self._on_mark, self._on_error, quiet=True
            )
        else:
            self._in_flight = self._tasks.submit(
                lambda: self._look(seq), self._on_seen, self._on_error, quiet=True
            )

    def _look(self, seq: int) -> _Seen:
        """Off the GUI thread: what changed, and the changed keys as they are now."""
        changes = self._services.changes.since(seq)
        if changes.overflow or not changes.keys:
            return _Seen(changes, (), ())
        # Gone: deleted, moved to another owner (a member no longer sees it), or the
        # operator's role no longer reads keys; it leaves the window rather than stay stale.
        present, gone = self._services.keys.get_many(changes.keys)
        return _Seen(changes, tuple(present), tuple(gone))

    def _on_mark(self, seq: int) -> None:
        self._in_flight = None
        self._seq = seq
        self._again_if_asked()

    def _on_seen(self, seen: _Seen) -> None:
        self._in_flight = None
        self._seq = seen.changes.seq
        self._again_if_asked()
        if not seen.changes.any:
            return
        self.changes_seen.emit(seen.changes)
        if seen.changes.overflow:
            # During the window's own bulk change, one reload when it ends (it announces its
            # own changes then): a reload per poll recounted every key each time.
            refreshes_held.when_free(self._reload)
            return
        if seen.present:
            self.keys_changed.emit(list(seen.present))
        if seen.gone:
            self.keys_removed.emit(list(seen.gone))
        if seen.changes.people:
            self.people_changed.emit()
        if seen.changes.policy:
            self.policy_changed.emit()

    def _reload(self) -> None:
        if shiboken6.isValid(self):  # the window may have closed while the change ran
            self.reload_needed.emit()

    def _on_error(self, error: BaseException) -> None:
        # A lost connection is the other screens' news (they show Retry); the poll just
        # tries again next time. A bug still gets its report.
        self._in_flight = None
        self._ask_again = False
        if not isinstance(error, KeywardError):
            self._tasks.report_if_bug(error)

    def _again_if_asked(self) -> None:
        if self._ask_again and self._timer.isActive():
            self._poll_soon()

    @Slot()
    def _poll_soon(self) -> None:
        """Poll now, or once :data:`MIN_GAP_MS` have passed since the last poll."""
        wait_ms = MIN_GAP_MS - (time.monotonic() - self._last_poll) * 1000
        if wait_ms <= 0:
            self.poll()
        elif not self._soon.isActive():
            self._soon.start(int(wait_ms) + 1)


def follow_in_keys(live: LiveUpdates, screen: KeysScreen, operations: KeyOperations) -> None:
    """Others' changes reach the Keys view the way this window's own do.

    A changed key that is listed (or open in the detail panel) is repainted through the
    operations' ``key_changed``, so the detail panel and the summary follow; an edit in
    progress on it is told who changed it and when first. A key that is gone leaves through
    ``key_removed``. A new key is inserted at the top when the list is newest first and the
    key fits its search and filters (the same fields the services search); under another sort
    its place among rows not fetched yet is unknown, so only the count and the summary move
    until the next reload (F5), rather than the rows jumping under the user.
    """
    latest: list[Changes] = []

    def seen(changes: Changes) -> None:
        latest[:] = [changes]
        # A key changed anywhere may sit in the page read ahead, not yet listed.
        screen.model.drop_read_ahead()

    def changed(dtos: list[KeyDTO]) -> None:
        model = screen.model
        shown = screen.shown_key
        for dto in dtos:
            if shown is not None and dto.key_id == shown.key_id and latest:
                screen.panel.note_changed_elsewhere(dto, latest[0].last_change_of(dto.key_id))
        listed = [
            dto
            for dto in dtos
            if model.row_of(dto.key_id) is not None
            or (shown is not None and dto.key_id == shown.key_id)
        ]
        operations.announce_changed(listed)
        # Only keys created since the last poll are new: a key changed further down the
        # list (say by a bulk revoke elsewhere) is not inserted at the top as if it were.
        created = set(latest[0].created_keys) if latest else set()
        new = [dto for dto in dtos if model.row_of(dto.key_id) is None and dto.key_id in created]
        query = model.query
        if new and query.sort is SortField.CREATED and query.descending:
            for dto in sorted(new, key=lambda key: key.created_at):
                if _fits(dto, query):
                    model.insert_key(dto, 0)
        if len(listed) < len(dtos):  # keys not listed still move the summary's counts
            screen.load_summary()

    def removed(key_ids: list[str]) -> None:
        for key_id in key_ids:
            if screen.model.row_of(key_id) is not None:
                operations.key_removed.emit(key_id)

    live.changes_seen.connect(seen)
    live.keys_changed.connect(changed)
    live.keys_removed.connect(removed)
    live.reload_needed.connect(screen.refresh)


def _fits(dto: KeyDTO, query: KeyQuery) -> bool:
    """Whether ``dto`` belongs in a list of ``query``: its search (a case-insensitive
    substring of name, description, owner or key id, as ``app.data.key_queries`` searches)
    and filters, checked on one key in hand rather than by another query."""
    term = query.search.strip().casefold()
    searched = (dto.name, dto.description, dto.owner_name, dto.key_id)
    if term and not any(term in text.casefold() for text in searched):
        return False
    if query.status is not None and dto.status is not query.status:
        return False
    if query.owner is not None and dto.owner_login != query.owner.strip():
        return False
    return query.environment is None or dto.environment == query.environment
