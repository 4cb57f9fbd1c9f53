"""Live updates: what other people (and the command line) changed appears by itself.

Every change writes one audit event in its own transaction, so the services' change feed
(:mod:`app.services.changes`) answers "anything new since seq N?" with one one-row query.
:class:`LiveUpdates` asks that every :data:`POLL_MS` off the GUI thread, quietly (no busy
indicator), and only when something moved reads the keys the new events name. The screens
get plain signals: keys to update or insert, keys gone, people or policy changed, or — after a
flood of changes — a reload of everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.domain.errors import KeywardError, NotFound
from app.domain.sorting import SortField
from app.services import Services
from app.services.changes import Changes
from app.services.dto import KeyDTO
from app.ui.operations import KeyOperations
from app.ui.screens.keys import KeysScreen
from app.ui.tasks import TaskHandle, TaskRunner

#: How often an open window asks; a change shows within this plus one round trip.
POLL_MS = 1500


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

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        parent: QObject | None = None,
        *,
        interval_ms: int = POLL_MS,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self._seq: int | None = None
        self._in_flight: TaskHandle | None = None
        self._timer = QTimer(self)
        self._timer.setObjectName("liveUpdatesTimer")
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        """Take the current change mark, then poll. Idempotent."""
        if not self._timer.isActive():
            self._timer.start()
        if self._seq is None:
            self.poll()

    def stop(self) -> None:
        self._timer.stop()
        if self._in_flight is not None:
            self._in_flight.cancel()
            self._in_flight = None

    @Slot()
    def poll(self) -> None:
        """Ask once now (the timer calls this; tests may too). One request at a time."""
        if self._in_flight is not None and self._in_flight.active:
            return
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
        present: list[KeyDTO] = []
        gone: list[str] = []
        for key_id in changes.keys:
            try:
                present.append(self._services.keys.get(key_id))
            except NotFound:
                gone.append(key_id)
        return _Seen(changes, tuple(present), tuple(gone))

    def _on_mark(self, seq: int) -> None:
        self._in_flight = None
        self._seq = seq

    def _on_seen(self, seen: _Seen) -> None:
        self._in_flight = None
        self._seq = seen.changes.seq
        if not seen.changes.any:
            return
        self.changes_seen.emit(seen.changes)
        if seen.changes.overflow:
            self.reload_needed.emit()
            return
        if seen.present:
            self.keys_changed.emit(list(seen.present))
        if seen.gone:
            self.keys_removed.emit(list(seen.gone))
        if seen.changes.people:
            self.people_changed.emit()
        if seen.changes.policy:
            self.policy_changed.emit()

    def _on_error(self, error: BaseException) -> None:
        # A lost connection is the other screens' news (they show Retry); the poll just
        # tries again next time. A bug still gets its report.
        self._in_flight = None
        if not isinstance(error, KeywardError):
            self._tasks.report_if_bug(error)


def follow_in_keys(live: LiveUpdates, screen: KeysScreen, operations: KeyOperations) -> None:
    """Others' changes reach the Keys view the way this window's own do.

    A changed key that is listed is repainted through the operations' ``key_changed`` (so
    the detail panel and the summary follow); a key that is gone leaves through
    ``key_removed``; a new key is inserted at the top when the list shows every key newest
    first — under a search, filter or other sort its place is unknown, so only the count and
    the summary move until the next reload (F5), rather than the rows jumping under the user.
    """

    def changed(dtos: list[KeyDTO]) -> None:
        model = screen.model
        listed = [dto for dto in dtos if model.row_of(dto.key_id) is not None]
        operations.announce_changed(listed)
        new = [dto for dto in dtos if model.row_of(dto.key_id) is None]
        if not new:
            return
        query = model.query
        if not model.is_filtered and query.sort is SortField.CREATED and query.descending:
            for dto in sorted(new, key=lambda key: key.created_at):
                model.insert_key(dto, 0)
        screen.load_summary()

    def removed(key_ids: list[str]) -> None:
        for key_id in key_ids:
            if screen.model.row_of(key_id) is not None:
                operations.key_removed.emit(key_id)

    live.keys_changed.connect(changed)
    live.keys_removed.connect(removed)
    live.reload_needed.connect(screen.refresh)
