"""The keys table: server-side search, sort and keyset paging, fine-grained updates.

Rows are fetched a page at a time, off the GUI thread, as the view scrolls
(``canFetchMore``/``fetchMore``). A new query (search, status filter, sort, refresh) is the
only thing that resets the model, and even then the old rows stay on screen until the new
first page has arrived, so typing in the search field never blanks the table. A single key
that changes (edit, toggle, revoke) emits ``dataChanged`` for its row with explicit roles;
a created key is inserted and a deleted one removed, without a reset.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from enum import IntEnum
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QFontDatabase, QGuiApplication, QPalette

from app.data.key_queries import Cursor, SortField
from app.domain.status import KeyState, KeyStatus
from app.services import Services
from app.services.dto import KeyDTO, KeyPage, KeyQuery
from app.ui.models.formatting import (
    exact_utc,
    expiry_text,
    relative_time,
    short_date,
    short_date_time,
    time_until,
)
from app.ui.tasks import TaskRunner

#: The KeyDTO behind a row.
KeyRole: Final = int(Qt.ItemDataRole.UserRole) + 1
#: The raw value the server sorts the column by.
SortRole: Final = int(Qt.ItemDataRole.UserRole) + 2
#: The row's KeyStatus (drawn as a badge by the status delegate).
StatusRole: Final = int(Qt.ItemDataRole.UserRole) + 3

#: Rows per page: a screenful several times over, small enough to arrive within a frame.
PAGE_SIZE = 100

#: Roles a changed key can affect; views repaint exactly these.
CHANGED_ROLES: Final = [
    int(Qt.ItemDataRole.DisplayRole),
    int(Qt.ItemDataRole.ToolTipRole),
    int(Qt.ItemDataRole.ForegroundRole),
    int(Qt.ItemDataRole.AccessibleTextRole),
    KeyRole,
    SortRole,
    StatusRole,
]

AnyIndex = QModelIndex | QPersistentModelIndex
#: The invisible root: a table's rows have no other parent.
_ROOT: Final = QModelIndex()


class Column(IntEnum):
    NAME = 0
    KEY = 1
    OWNER = 2
    STATUS = 3
    LAST_USED = 4
    EXPIRES = 5
    CREATED = 6
    UPDATED = 7
    #: Per-row controls (toggle, revoke, delete) painted by KeyActionsDelegate.
    ACTIONS = 8

    @property
    def sort_field(self) -> SortField | None:
        """What the server sorts by for this column (None: not sortable)."""
        return _SORT_FIELDS[self]


_SORT_FIELDS: dict[Column, SortField | None] = {
    Column.NAME: SortField.NAME,
    Column.KEY: None,  # the mask is random text: sorting by it means nothing
    Column.OWNER: SortField.OWNER,
    Column.STATUS: SortField.STATUS,
    Column.LAST_USED: SortField.LAST_USED,
    Column.EXPIRES: SortField.EXPIRES,
    Column.CREATED: SortField.CREATED,
    Column.UPDATED: SortField.UPDATED,
    Column.ACTIONS: None,  # buttons, not data
}


_INITIAL_ORDER: dict[Column, Qt.SortOrder] = {
    Column.LAST_USED: Qt.SortOrder.DescendingOrder,
    Column.CREATED: Qt.SortOrder.DescendingOrder,
    Column.UPDATED: Qt.SortOrder.DescendingOrder,
}


_COLUMNS = tuple(Column)
_ACTIONS_TEXT_ROLES = frozenset(
    {
        int(Qt.ItemDataRole.DisplayRole),
        int(Qt.ItemDataRole.AccessibleTextRole),
        int(Qt.ItemDataRole.AccessibleDescriptionRole),
        int(Qt.ItemDataRole.ToolTipRole),
    }
)
_ROW_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)
_SERVED_ROLES = frozenset(
    {
        int(Qt.ItemDataRole.DisplayRole),
        int(Qt.ItemDataRole.AccessibleTextRole),
        int(Qt.ItemDataRole.AccessibleDescriptionRole),
        int(Qt.ItemDataRole.ToolTipRole),
        int(Qt.ItemDataRole.FontRole),
        int(Qt.ItemDataRole.ForegroundRole),
        KeyRole,
        SortRole,
        StatusRole,
    }
)


def _filter_of(query: KeyQuery) -> tuple[object, ...]:
    return (query.search, query.status, query.owner)


def column_for(sort: SortField) -> Column:
    return next(column for column, field in _SORT_FIELDS.items() if field is sort)


class KeysModel(QAbstractTableModel):
    """Keys matching a :class:`KeyQuery`, loaded page by page in the background."""

    #: A query's first page arrived and replaced the rows.
    query_loaded = Signal()
    #: True while a query's first page is on its way.
    loading_changed = Signal(bool)
    #: The number of keys matching the query (None while counting or after a failure).
    count_changed = Signal(object)
    #: Loading failed (the exception); the current rows stay as they were.
    load_failed = Signal(object)

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        *,
        page_size: int = PAGE_SIZE,
        clock: Callable[[], datetime] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self._page_size = page_size
        self._clock = clock or services.context.clock
        self._query = KeyQuery(limit=page_size)
        self._rows: list[KeyDTO] = []
        self._row_of: dict[str, int] = {}
        self._cursor: Cursor | None = None
        self._count: int | None = None
        #: The last count and the filter it was for (a new sort order does not change it).
        self._counted: tuple[tuple[object, ...], int] | None = None
        self._loaded = False
        self._query_pending = False
        self._fetching = False
        # After a failed fetch the view would ask again at once, and again: wait for a refresh.
        self._fetch_blocked = False
        self._generation = itertools.count(1)
        self._current_generation = 0
        self._channel = f"keys-model-{id(self)}"
        self._now = self._clock()
        self._key_font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        #: key id → (the KeyDTO the texts were made from, its cell texts)
        self._text_cache: dict[str, tuple[KeyDTO, tuple[str, ...]]] = {}
        # "3 minutes ago" must not go stale while the window stays open.
        self._ticker = QTimer(self)
        self._ticker.setInterval(60_000)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start()

    # ------------------------------------------------------------------ state

    @property
    def query(self) -> KeyQuery:
        return self._query

    @property
    def count(self) -> int | None:
        return self._count

    @property
    def is_loading(self) -> bool:
        return self._query_pending

    @property
    def is_fetching(self) -> bool:
        """A further page is on its way."""
        return self._fetching

    @property
    def has_loaded(self) -> bool:
        """A query's first page has arrived at least once."""
        return self._loaded

    def key_at(self, row: int) -> KeyDTO:
        return self._rows[row]

    def loaded_keys(self) -> Sequence[KeyDTO]:
        """The rows fetched so far, in table order."""
        return tuple(self._rows)

    def row_of(self, key_id: str) -> int | None:
        return self._row_of.get(key_id)

    def index_of(self, key_id: str, column: Column = Column.NAME) -> QModelIndex:
        row = self.row_of(key_id)
        return QModelIndex() if row is None else self.index(row, column)

    def _submit(
        self,
        job: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        *,
        channel: str | None = None,
    ) -> None:
        """Run ``job`` off the GUI thread; its answer is dropped if this object is gone."""
        self._tasks.submit(job, on_done, on_error, channel=channel, owner=self)

    # ------------------------------------------------------------------ queries

    def set_query(self, query: KeyQuery) -> None:
        """Load the first page of ``query``; the rows change when it arrives."""
        self._query = dataclasses.replace(query, limit=self._page_size)
        self._load_first_page()

    def set_search(self, text: str) -> None:
        if text != self._query.search:
            self.set_query(dataclasses.replace(self._query, search=text))

    def set_status(self, status: KeyStatus | None) -> None:
        if status != self._query.status:
            self.set_query(dataclasses.replace(self._query, status=status))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        field = Column(column).sort_field if 0 <= column < len(Column) else None
        if field is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (field, descending) != (self._query.sort, self._query.descending):
            self.set_query(dataclasses.replace(self._query, sort=field, descending=descending))

    @Slot()
    def refresh(self) -> None:
        """Reload the current query from the first page (and count it again)."""
        self._counted = None
        self._load_first_page()

    def _load_first_page(self) -> None:
        generation = next(self._generation)
        self._current_generation = generation
        self._fetching = False
        self._fetch_blocked = False
        if not self._query_pending:
            self._query_pending = True
            self.loading_changed.emit(True)
        query = self._query
        self._submit(
            lambda: self._services.keys.page(query),
            lambda page: self._on_first_page(generation, page),
            lambda error: self._on_failure(generation, error),
            channel=f"{self._channel}-query",
        )

    def _on_first_page(self, generation: int, page: KeyPage) -> None:
        if generation != self._current_generation:
            return
        self._query_pending = False
        self._now = self._clock()
        self.beginResetModel()
        self._text_cache.clear()
        self._rows = list(page.rows)
        self._reindex()
        self._cursor = page.next_cursor
        self._loaded = True
        self.endResetModel()
        self.loading_changed.emit(False)
        self.query_loaded.emit()
        if page.next_cursor is None:
            # Everything fits in one page: that is the count, no second round trip needed.
            self._counted = (_filter_of(self._query), len(page.rows))
            self._set_count(len(page.rows))
        elif self._counted is not None and self._counted[0] == _filter_of(self._query):
            # Only the order changed: the same keys match, so the count still holds.
            self._set_count(self._counted[1])
        else:
            self._start_count(generation)

    def _start_count(self, generation: int) -> None:
        self._set_count(None)
        query = self._query
        self._submit(
            lambda: self._services.keys.count(query),
            lambda total: self._on_count(generation, query, total),
            lambda error: self._on_failure(generation, error),
            channel=f"{self._channel}-count",
        )

    def _on_count(self, generation: int, query: KeyQuery, total: int) -> None:
        if generation == self._current_generation:
            self._counted = (_filter_of(query), total)
            self._set_count(max(total, len(self._rows)))

    def _set_count(self, count: int | None) -> None:
        self._count = count
        self.count_changed.emit(count)

    def _on_failure(self, generation: int, error: BaseException) -> None:
        if generation != self._current_generation:
            return
        if self._query_pending:
            self._query_pending = False
            self.loading_changed.emit(False)
        self._fetching = False
        self._fetch_blocked = True
        self.load_failed.emit(error)

    # ------------------------------------------------------------------ paging

    def canFetchMore(self, parent: AnyIndex = _ROOT) -> bool:
        if parent.isValid():
            return False
        return (
            self._loaded
            and self._cursor is not None
            and not (self._query_pending or self._fetching or self._fetch_blocked)
        )

    def fetchMore(self, parent: AnyIndex = _ROOT) -> None:
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        generation = self._current_generation
        query, cursor = self._query, self._cursor
        self._submit(
            lambda: self._services.keys.page(query, after=cursor),
            lambda page: self._on_next_page(generation, page),
            lambda error: self._on_failure(generation, error),
            channel=f"{self._channel}-more",
        )

    def _on_next_page(self, generation: int, page: KeyPage) -> None:
        if generation != self._current_generation:
            return
        self._fetching = False
        self._cursor = page.next_cursor
        # A key created here meanwhile may also come with this page: keep one row per key.
        rows = [dto for dto in page.rows if dto.key_id not in self._row_of]
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            for offset, dto in enumerate(rows):
                self._row_of[dto.key_id] = first + offset
            self.endInsertRows()
        if page.next_cursor is None and self._count is None:
            self._set_count(len(self._rows))

    # ------------------------------------------------------------------ changes

    def insert_key(self, dto: KeyDTO, row: int = 0) -> None:
        """A key created in this console: shown at once (at the top), no reset."""
        if dto.key_id in self._row_of:
            self.update_key(dto)
            return
        row = max(0, min(row, len(self._rows)))
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, dto)
        self._reindex()
        self.endInsertRows()
        if self._count is not None:
            self._set_count(self._count + 1)
        self._counted = None

    def update_key(self, dto: KeyDTO) -> None:
        """A key changed (edit, enable, disable, revoke): repaint its row only."""
        row = self._row_of.get(dto.key_id)
        if row is None:
            return
        self._rows[row] = dto
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1), CHANGED_ROLES)

    def update_keys(self, dtos: Iterable[KeyDTO]) -> None:
        for dto in dtos:
            self.update_key(dto)

    def remove_key(self, key_id: str) -> None:
        """A key was deleted: it leaves the list (the audit trail keeps it)."""
        row = self._row_of.get(key_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self._reindex()
        self.endRemoveRows()
        if self._count:
            self._set_count(self._count - 1)
        self._counted = None

    def _reindex(self) -> None:
        self._row_of = {dto.key_id: row for row, dto in enumerate(self._rows)}

    @Slot()
    def _tick(self) -> None:
        self._now = self._clock()
        self._text_cache.clear()  # "3 minutes ago" has become "4 minutes ago"
        if self._rows:
            self.dataChanged.emit(
                self.index(0, Column.LAST_USED),
                self.index(len(self._rows) - 1, Column.LAST_USED),
                [int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.ToolTipRole)],
            )

    # ------------------------------------------------------------------ Qt model

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def roleNames(self) -> dict[int, QByteArray]:
        names = super().roleNames()
        names[KeyRole] = QByteArray(b"key")
        names[SortRole] = QByteArray(b"sortValue")
        names[StatusRole] = QByteArray(b"status")
        return names

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._header_label(column)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
            if column is Column.ACTIONS:
                return self.tr(
                    "Enable or disable, revoke or delete the key in its row. From the keyboard: "
                    "the context menu (Menu key) and Delete."
                )
            if role == Qt.ItemDataRole.AccessibleDescriptionRole:
                return None
            if column.sort_field is None:
                return self.tr(
                    "The key's public id and last four characters. The secret itself is never "
                    "stored, so it cannot be shown again."
                )
            return self.tr("Click to sort by %1").replace("%1", self._header_label(column))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            # A first click on a time column shows the newest first; on text, A to Z.
            return int(_INITIAL_ORDER.get(column, Qt.SortOrder.AscendingOrder).value)
        return None

    def _header_label(self, column: Column) -> str:
        return {
            Column.NAME: self.tr("Name"),
            Column.KEY: self.tr("Key"),
            Column.OWNER: self.tr("Owner"),
            Column.STATUS: self.tr("Status"),
            Column.LAST_USED: self.tr("Last Used"),
            Column.EXPIRES: self.tr("Expires"),
            Column.CREATED: self.tr("Created On"),
            Column.UPDATED: self.tr("Last Updated On"),
            Column.ACTIONS: self.tr("Actions"),
        }[column]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A repaint asks every visible cell for a dozen roles: answer the unused ones first.
        if role not in _SERVED_ROLES or not index.isValid():
            return None
        row = index.row()
        if not 0 <= row < len(self._rows):
            return None
        dto = self._rows[row]
        column = _COLUMNS[index.column()]
        if column is Column.ACTIONS and role in _ACTIONS_TEXT_ROLES:
            return self._actions_text(dto, role)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._texts(dto)[column]
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(dto, column)
        if role == KeyRole:
            return dto
        if role == StatusRole:
            return dto.status
        if role == SortRole:
            return self._sort_value(dto, column)
        if role == Qt.ItemDataRole.FontRole and column is Column.KEY:
            return self._key_font
        if role == Qt.ItemDataRole.ForegroundRole and self._dimmed(dto, column):
            return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        return None

    def _actions_text(self, dto: KeyDTO, role: int) -> str:
        """The Actions cell has no text of its own: it names its controls for screen readers."""
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if dto.status is KeyStatus.REVOKED:
                return self.tr("Actions: Delete")
            toggle = self.tr("Disable") if dto.state is KeyState.ACTIVE else self.tr("Enable")
            return self.tr("Actions: %1, Revoke, Delete").replace("%1", toggle)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return self.tr("Use the context menu (Menu key) or Delete to act from the keyboard")
        return ""  # DisplayRole and ToolTipRole: the delegate paints and explains each control

    def _texts(self, dto: KeyDTO) -> tuple[str, ...]:
        """The row's cell texts, formatted once: a repaint asks for them many times over."""
        texts = self._text_cache.get(dto.key_id)
        if texts is None or texts[0] is not dto:
            texts = (dto, tuple(self._display(dto, column) for column in Column))
            self._text_cache[dto.key_id] = texts
        return texts[1]

    def _display(self, dto: KeyDTO, column: Column) -> str:
        if column is Column.NAME:
            return dto.name
        if column is Column.KEY:
            return dto.masked
        if column is Column.OWNER:
            if dto.owner_active:
                return dto.owner_name
            return self.tr("%1 (deactivated)").replace("%1", dto.owner_name)
        if column is Column.STATUS:
            return dto.status.label
        if column is Column.LAST_USED:
            if dto.last_used_at is None:
                return self.tr("Never")
            return relative_time(dto.last_used_at, self._now)
        if column is Column.EXPIRES:
            return expiry_text(dto.expires_at) or "—"
        if column is Column.CREATED:
            return short_date(dto.created_at)
        if column is Column.ACTIONS:
            return ""
        return short_date(dto.updated_at)

    def _tooltip(self, dto: KeyDTO, column: Column) -> str:
        if column is Column.NAME:
            return dto.description or self.tr("No description")
        if column is Column.KEY:
            return (
                self.tr("Key id %1 · environment %2")
                .replace("%1", dto.key_id)
                .replace("%2", dto.environment)
            )
        if column is Column.OWNER:
            return dto.owner_login
        if column is Column.STATUS:
            return self._status_tooltip(dto)
        if column is Column.LAST_USED:
            if dto.last_used_at is None:
                return self.tr("Never used")
            text = exact_utc(dto.last_used_at)
            if dto.status is KeyStatus.REVOKED:
                text += " " + self.tr("(frozen when the key was revoked)")
            return text
        if column is Column.EXPIRES:
            if dto.expires_at is None:
                return self.tr("Never expires")
            return (
                self.tr("Works until %1 (%2)")
                .replace("%1", exact_utc(dto.expires_at))
                .replace("%2", time_until(dto.expires_at, self._now))
            )
        if column is Column.CREATED:
            return (
                self.tr("%1 by %2")
                .replace("%1", exact_utc(dto.created_at))
                .replace("%2", dto.created_by)
            )
        return (
            self.tr("%1 by %2")
            .replace("%1", exact_utc(dto.updated_at))
            .replace("%2", dto.updated_by)
        )

    def _status_tooltip(self, dto: KeyDTO) -> str:
        if dto.status is KeyStatus.REVOKED and dto.revoked_at is not None:
            text = self.tr("Revoked %1").replace("%1", short_date_time(dto.revoked_at))
            return f"{text} — {dto.revoked_reason}" if dto.revoked_reason else text
        if dto.status is KeyStatus.EXPIRED:
            return self.tr("Expired: verifications are refused")
        if dto.status is KeyStatus.DISABLED:
            return self.tr("Disabled: verifications are refused until it is enabled again")
        return self.tr("Active: integrations can use this key")

    @staticmethod
    def _sort_value(dto: KeyDTO, column: Column) -> Any:
        return {
            Column.NAME: dto.name,
            Column.KEY: dto.key_id,
            Column.OWNER: dto.owner_name,
            Column.STATUS: dto.state.value,
            Column.LAST_USED: dto.last_used_at,
            Column.EXPIRES: dto.expires_at,
            Column.CREATED: dto.created_at,
            Column.UPDATED: dto.updated_at,
            Column.ACTIONS: None,
        }[column]

    @staticmethod
    def _dimmed(dto: KeyDTO, column: Column) -> bool:
        # A revoked key stays listed for the audit trail but reads as finished.
        if dto.status is KeyStatus.REVOKED and column is not Column.STATUS:
            return True
        if column is Column.LAST_USED:
            return dto.last_used_at is None
        return column is Column.EXPIRES and dto.expires_at is None
