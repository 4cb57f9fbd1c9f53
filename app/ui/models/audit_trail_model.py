"""The whole audit trail for the Audit view: newest first, a page at a time, filtered in SQL.

Keyset paging through ``services.audit.page(filter, after=…)`` off the GUI thread: the first
page of a filter replaces the rows when it arrives (the old ones stay on screen meanwhile),
further pages are appended as the view scrolls (``canFetchMore``/``fetchMore``). A new
filter cancels whatever the previous one still had on its way, so a stale page never lands.
:meth:`load_until` fetches pages until a given event is in the table (the first bad event
of an integrity check), in one background job.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC
from enum import IntEnum
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from app.services import Services
from app.services.audit import AuditEntry, AuditFilter, AuditPage
from app.ui.labels import action_label, reason_label
from app.ui.models.formatting import exact_utc, short_date
from app.ui.tasks import LatestTask, TaskRunner
from app.ui.text import QT_TRANSLATE_NOOP, arg

#: The AuditEntry behind a row.
EntryRole: Final = int(Qt.ItemDataRole.UserRole) + 1
#: The row's event sequence number.
SeqRole: Final = int(Qt.ItemDataRole.UserRole) + 2

#: Rows per page: several screenfuls, small enough to arrive within a frame.
PAGE_SIZE = 100
#: Rows per round trip while looking for one event far down the trail.
SEEK_PAGE_SIZE = 1_000  # the service's largest page
#: At most this many rows are loaded to reach one event; beyond, the table starts there.
SEEK_LIMIT = 50_000

AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT: Final = QModelIndex()


class AuditColumn(IntEnum):
    WHEN = 0
    WHO = 1
    ACTION = 2
    TARGET = 3
    REASON = 4
    HOST = 5


_HEADERS = {
    AuditColumn.WHEN: QT_TRANSLATE_NOOP("AuditTrailModel", "When"),
    AuditColumn.WHO: QT_TRANSLATE_NOOP("AuditTrailModel", "Who"),
    AuditColumn.ACTION: QT_TRANSLATE_NOOP("AuditTrailModel", "Action"),
    AuditColumn.TARGET: QT_TRANSLATE_NOOP("AuditTrailModel", "Target"),
    AuditColumn.REASON: QT_TRANSLATE_NOOP("AuditTrailModel", "Reason"),
    AuditColumn.HOST: QT_TRANSLATE_NOOP("AuditTrailModel", "Host"),
}


def who_text(entry: AuditEntry) -> str:
    """``Dana Scully (dscully)``, or the bare login of a non-person."""
    login = entry.event.actor
    name = entry.actor_name
    return f"{name} ({login})" if name and name != login else login


def target_text(entry: AuditEntry) -> str:
    """``Salesforce Data Sync (kw_live_abc…)`` — the name then, even for a deleted key;
    ``Q4 access review (review 3)`` and ``Checkpoint #812`` (the event it signs), not a bare
    number."""
    event = entry.event
    name = entry.target_name
    if event.target_type == "review":
        if name:
            return arg(
                QCoreApplication.translate("AuditTrailModel", "%1 (review %2)"),
                name,
                event.target_id,
            )
        return arg(QCoreApplication.translate("AuditTrailModel", "Review %1"), event.target_id)
    if event.target_type == "checkpoint":
        return arg(
            QCoreApplication.translate("AuditTrailModel", "Checkpoint %1"), name or event.target_id
        )
    if name and name != event.target_id:
        return f"{name} ({event.target_id})"
    return event.target_id


def when_text(entry: AuditEntry) -> str:
    """Local time to the second: ``3 Dec 2026, 10:31:05``."""
    moment = entry.event.occurred_at
    return f"{short_date(moment)}, {moment.astimezone():%H:%M:%S}"


def exact_instant(entry: AuditEntry) -> str:
    """The stored instant, to the microsecond, in UTC (ISO 8601)."""
    return entry.event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds")


class AuditTrailModel(QAbstractTableModel):
    """Events matching an :class:`AuditFilter`, newest first, loaded page by page."""

    #: A filter's first page arrived and replaced the rows.
    query_loaded = Signal()
    #: True while a filter's first page is on its way.
    loading_changed = Signal(bool)
    #: Loading failed (the exception); the rows stay as they were.
    load_failed = Signal(object)
    #: Rows were appended (a further page arrived).
    more_loaded = Signal()

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        *,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._audit = services.audit
        self._page_size = page_size
        self._filter = AuditFilter()
        self._start_after: int | None = None
        self._entries: list[AuditEntry] = []
        self._rows_by_seq: dict[int, int] = {}
        self._next_after: int | None = None
        self._loaded = False
        self._loading = False
        self._blocked = False
        #: An event being searched for (``load_until``): a refresh in between searches again.
        self._seek: tuple[int, Callable[[int | None], None]] | None = None
        self._first = LatestTask(tasks)
        self._more = LatestTask(tasks)

    # ------------------------------------------------------------------ state

    @property
    def filter(self) -> AuditFilter:
        return self._filter

    @property
    def start_after(self) -> int | None:
        """Set when the table starts below the newest event (a jump to an old event)."""
        return self._start_after

    @property
    def has_loaded(self) -> bool:
        return self._loaded

    @property
    def is_loading(self) -> bool:
        return self._loading

    @property
    def is_fetching(self) -> bool:
        return self._more.active

    @property
    def complete(self) -> bool:
        """Every event of the filter is in the table."""
        return self._loaded and self._next_after is None

    def entry_at(self, row: int) -> AuditEntry:
        return self._entries[row]

    def row_of(self, seq: int) -> int | None:
        return self._rows_by_seq.get(seq)

    def closest_row(self, seq: int) -> int | None:
        """The row of event ``seq`` or, if it is gone (deleted), of its nearest neighbour."""
        row = self._rows_by_seq.get(seq)
        if row is not None or not self._entries:
            return row
        return min(
            range(len(self._entries)),
            key=lambda r: (abs(self._entries[r].event.seq - seq), -self._entries[r].event.seq),
        )

    # ------------------------------------------------------------------ loading

    def set_filter(self, audit_filter: AuditFilter, *, start_after: int | None = None) -> None:
        """Show the events of ``audit_filter`` (from ``start_after`` down, if given)."""
        self._seek = None  # a new question: an earlier search for an event is dropped
        self._filter = audit_filter
        self._start_after = start_after
        self.refresh()

    def refresh(self, *, on_loaded: Callable[[], None] | None = None) -> None:
        self._more.cancel()
        self._blocked = False
        audit, wanted, after, limit = self._audit, self._filter, self._start_after, self._page_size

        def arrived(page: AuditPage) -> None:
            self._set_loading(False)
            self._replace(page)
            self.query_loaded.emit()
            if on_loaded is not None:
                on_loaded()
            elif self._seek is not None:
                # This refresh cancelled (or outran) a search for an event: search again in
                # the fresh rows, or its answer would never come.
                self.load_until(*self._seek)

        self._first.submit(
            lambda: audit.page(wanted, after=after, limit=limit),
            arrived,
            self._on_failure,
            owner=self,
        )
        self._set_loading(True)

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.loading_changed.emit(loading)

    def _replace(self, page: AuditPage) -> None:
        self.beginResetModel()
        self._entries = list(page.entries)
        self._rows_by_seq = {entry.event.seq: row for row, entry in enumerate(self._entries)}
        self._next_after = page.next_after
        self._loaded = True
        self.endResetModel()

    def _append(self, entries: Sequence[AuditEntry], next_after: int | None) -> None:
        self._next_after = next_after
        fresh = [entry for entry in entries if entry.event.seq not in self._rows_by_seq]
        if fresh:
            first = len(self._entries)
            self.beginInsertRows(_ROOT, first, first + len(fresh) - 1)
            for offset, entry in enumerate(fresh):
                self._rows_by_seq[entry.event.seq] = first + offset
            self._entries.extend(fresh)
            self.endInsertRows()
        self.more_loaded.emit()

    def canFetchMore(self, parent: AnyIndex = _ROOT) -> bool:
        if parent.isValid():
            return False
        return (
            self._loaded
            and self._next_after is not None
            and not (self._loading or self._more.active or self._blocked)
        )

    def fetchMore(self, parent: AnyIndex = _ROOT) -> None:
        if not self.canFetchMore(parent):
            return
        audit, wanted, after, limit = self._audit, self._filter, self._next_after, self._page_size

        def arrived(page: AuditPage) -> None:
            self._append(page.entries, page.next_after)

        self._more.submit(
            lambda: audit.page(wanted, after=after, limit=limit),
            arrived,
            self._on_failure,
            owner=self,
        )

    def load_until(self, seq: int, on_done: Callable[[int | None], None]) -> None:
        """Fetch pages until event ``seq`` is in the table; ``on_done(row or None)``.

        The row is that of the nearest event when ``seq`` itself is gone (deleted). When
        more than :data:`SEEK_LIMIT` rows would have to be loaded first, the table starts
        at the event instead (:attr:`start_after` says so).
        """
        self._seek = (seq, on_done)

        def done(row: int | None) -> None:
            self._seek = None
            on_done(row)

        row = self.row_of(seq)
        if row is not None or (self.complete and bool(self._entries)):
            done(self.closest_row(seq))
            return
        if not self._loaded:
            self.refresh(on_loaded=lambda: self.load_until(seq, on_done))
            return
        audit, wanted, after = self._audit, self._filter, self._next_after

        def seek() -> tuple[list[AuditEntry], int | None, bool]:
            found: list[AuditEntry] = []
            cursor = after
            while cursor is not None and len(found) < SEEK_LIMIT:
                page = audit.page(wanted, after=cursor, limit=SEEK_PAGE_SIZE)
                found.extend(page.entries)
                cursor = page.next_after
                if page.entries and page.entries[-1].event.seq <= seq:
                    return found, cursor, True
            return found, cursor, cursor is None

        def arrived(result: tuple[list[AuditEntry], int | None, bool]) -> None:
            entries, cursor, reached = result
            if reached:
                self._append(entries, cursor)
                done(self.closest_row(seq))
                return
            # Too far down to load everything above it: start the table at the event.
            self._filter_start(seq, done)

        self._more.submit(seek, arrived, self._on_failure, owner=self)

    def _filter_start(self, seq: int, on_done: Callable[[int | None], None]) -> None:
        # One newer event stays above it: a deleted event's successor is where the chain broke.
        self._start_after = seq + 2
        self.refresh(on_loaded=lambda: on_done(self.closest_row(seq)))

    def _on_failure(self, error: BaseException) -> None:
        self._first.cancel()
        self._more.cancel()
        self._set_loading(False)
        # After a failed fetch the view would ask again at once, and again: wait for a refresh.
        self._blocked = True
        self.load_failed.emit(error)

    # ------------------------------------------------------------------ the table

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(AuditColumn)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(AuditColumn):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr(_HEADERS[AuditColumn(section)])
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        column = AuditColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(entry, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column is AuditColumn.WHEN:
                return arg(
                    self.tr("%1\nExact instant: %2\nEvent #%3"),
                    exact_utc(entry.event.occurred_at),
                    exact_instant(entry),
                    entry.event.seq,
                )
            text = self._text(entry, column)
            return text or None
        if role == EntryRole:
            return entry
        if role == SeqRole:
            return entry.event.seq
        return None

    def _text(self, entry: AuditEntry, column: AuditColumn) -> str:
        event = entry.event
        if column is AuditColumn.WHEN:
            return when_text(entry)
        if column is AuditColumn.WHO:
            return who_text(entry)
        if column is AuditColumn.ACTION:
            return action_label(event.action)
        if column is AuditColumn.TARGET:
            return target_text(entry)
        if column is AuditColumn.REASON:
            return reason_label(event.reason) if event.reason else ""
        return event.host
