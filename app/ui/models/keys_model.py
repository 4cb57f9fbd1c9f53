"""The keys table: server-side search, sort and keyset paging, fine-grained updates.

Rows are fetched a page at a time by a :class:`~app.ui.models.key_pager.KeyPager`, off the
GUI thread, as the view scrolls (``canFetchMore``/``fetchMore``). A new query (search,
status filter, sort, refresh) is the only thing that resets the model, and even then the
old rows stay on screen until the new first page has arrived, so typing in the search field
never blanks the table. A single key that changes (edit, toggle, revoke) emits
``dataChanged`` for its row with explicit roles; a created key is inserted and a deleted one
removed, without a reset. What each column shows comes from its
:class:`~app.ui.models.key_columns.ColumnSpec`.

A repaint asks every visible cell for its roles, for every row on screen: each row's cells
are worked out once (until the key or the clock's minute changes) and a view gets all of a
cell's roles in one call (``multiData``), so that painting costs few calls into Python.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, Final, NamedTuple, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon, QPalette

from app.domain.status import KeyState, KeyStatus
from app.services.dto import KeyDTO, KeyPage, KeyQuery
from app.ui.models.key_columns import COLUMNS, Column, column_for, rotation_note
from app.ui.models.key_pager import PAGE_SIZE, KeyPager, KeySource
from app.ui.resources import icon
from app.ui.tasks import TaskRunner
from app.ui.text import arg

__all__ = [
    "CHANGED_ROLES",
    "PAGE_SIZE",
    "Column",
    "KeyRole",
    "KeysModel",
    "StatusRole",
    "column_for",
]

#: The KeyDTO behind a row.
KeyRole: Final = int(Qt.ItemDataRole.UserRole) + 1
#: The row's KeyStatus (drawn as a badge by the status delegate).
StatusRole: Final = int(Qt.ItemDataRole.UserRole) + 3

#: Roles a changed key can affect; views repaint exactly these.
CHANGED_ROLES: Final = [
    int(Qt.ItemDataRole.DisplayRole),
    int(Qt.ItemDataRole.DecorationRole),
    int(Qt.ItemDataRole.ToolTipRole),
    int(Qt.ItemDataRole.ForegroundRole),
    int(Qt.ItemDataRole.AccessibleTextRole),
    KeyRole,
    StatusRole,
]

AnyIndex = QModelIndex | QPersistentModelIndex
#: The invisible root: a table's rows have no other parent.
_ROOT: Final = QModelIndex()

_COLUMNS = tuple(Column)
_COLUMN_COUNT: Final = len(_COLUMNS)
_DISPLAY: Final = int(Qt.ItemDataRole.DisplayRole)
_DECORATION: Final = int(Qt.ItemDataRole.DecorationRole)
_FONT: Final = int(Qt.ItemDataRole.FontRole)
_FOREGROUND: Final = int(Qt.ItemDataRole.ForegroundRole)
_ACTIONS_TEXT_ROLES = frozenset(
    {
        int(Qt.ItemDataRole.DisplayRole),
        int(Qt.ItemDataRole.AccessibleTextRole),
        int(Qt.ItemDataRole.AccessibleDescriptionRole),
        int(Qt.ItemDataRole.ToolTipRole),
    }
)
_SERVED_ROLES = frozenset(
    {
        int(Qt.ItemDataRole.DisplayRole),
        int(Qt.ItemDataRole.DecorationRole),
        int(Qt.ItemDataRole.AccessibleTextRole),
        int(Qt.ItemDataRole.AccessibleDescriptionRole),
        int(Qt.ItemDataRole.ToolTipRole),
        int(Qt.ItemDataRole.FontRole),
        int(Qt.ItemDataRole.ForegroundRole),
        KeyRole,
        StatusRole,
    }
)


_SPECS = tuple(COLUMNS[column] for column in _COLUMNS)
#: The columns whose text depends on the time now (relative times), side by side.
_CLOCK_COLUMNS: Final = (Column.LAST_USED, Column.EXPIRES)


def _runs(rows: Iterable[int]) -> Iterator[tuple[int, int]]:
    """``[1, 2, 3, 7, 9, 10]`` → ``(1, 3), (7, 7), (9, 10)``: sorted rows as ranges."""
    first = last = -2
    for row in rows:
        if row != last + 1:
            if last >= 0:
                yield first, last
            first = row
        last = row
    if last >= 0:
        yield first, last


class _Cell(NamedTuple):
    """One cell as the delegates paint it (the same answers :meth:`KeysModel.data` gives)."""

    text: str
    icon: QIcon | None
    font: QFont | None
    #: Drawn in the placeholder colour (a revoked key, a key never used …).
    dimmed: bool


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
        services: KeySource,
        tasks: TaskRunner,
        *,
        page_size: int = PAGE_SIZE,
        clock: Callable[[], datetime] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock or services.clock
        self._pager = KeyPager(
            services, tasks, lambda: len(self._rows), page_size=page_size, parent=self
        )
        self._pager.first_page.connect(self._on_first_page)
        self._pager.next_page.connect(self._on_next_page)
        self._pager.loading_changed.connect(self.loading_changed)
        self._pager.count_changed.connect(self.count_changed)
        self._pager.failed.connect(self.load_failed)
        self._rows: list[KeyDTO] = []
        self._row_of: dict[str, int] = {}
        self._now = self._clock()
        self._key_font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        #: key id → (the KeyDTO the cells were made from, how its cells read)
        self._cell_cache: dict[str, tuple[KeyDTO, tuple[_Cell, ...]]] = {}
        self._icons: dict[str, QIcon] = {}
        # "3 minutes ago" must not go stale while the window stays open.
        self._ticker = QTimer(self)
        self._ticker.setInterval(60_000)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start()

    # ------------------------------------------------------------------ state

    @property
    def query(self) -> KeyQuery:
        return self._pager.query

    @property
    def count(self) -> int | None:
        return self._pager.count

    @property
    def is_loading(self) -> bool:
        return self._pager.is_loading

    @property
    def is_fetching(self) -> bool:
        """A further page is on its way."""
        return self._pager.is_fetching

    @property
    def has_loaded(self) -> bool:
        """A query's first page has arrived at least once."""
        return self._pager.has_loaded

    def key_at(self, row: int) -> KeyDTO:
        return self._rows[row]

    def loaded_keys(self) -> Sequence[KeyDTO]:
        """The rows fetched so far, in table order."""
        return tuple(self._rows)

    def name_of(self, key_id: str) -> str | None:
        """The name of a listed key (None if it is not among the rows fetched so far)."""
        row = self._row_of.get(key_id)
        return None if row is None else self._rows[row].name

    @property
    def is_filtered(self) -> bool:
        """The query leaves some keys out (search, status, owner or environment)."""
        query = self.query
        return bool(
            query.search
            or query.status is not None
            or query.owner is not None
            or query.environment is not None
        )

    def row_of(self, key_id: str) -> int | None:
        return self._row_of.get(key_id)

    def index_of(self, key_id: str, column: Column = Column.NAME) -> QModelIndex:
        row = self.row_of(key_id)
        return QModelIndex() if row is None else self.index(row, column)

    # ------------------------------------------------------------------ queries

    def set_query(self, query: KeyQuery) -> None:
        """Load the first page of ``query``; the rows change when it arrives."""
        self._pager.set_query(query)

    def set_search(self, text: str) -> None:
        if text != self.query.search:
            self.set_query(dataclasses.replace(self.query, search=text))

    def set_status(self, status: KeyStatus | None) -> None:
        if status != self.query.status:
            self.set_query(dataclasses.replace(self.query, status=status))

    def set_owner(self, owner: str | None) -> None:
        """Show only the keys of ``owner`` (a login), or everyone's with None."""
        if owner != self.query.owner:
            self.set_query(dataclasses.replace(self.query, owner=owner))

    def set_environment(self, environment: str | None) -> None:
        """Show only the keys of one environment (``live``, ``test`` …), or all with None."""
        if environment != self.query.environment:
            self.set_query(dataclasses.replace(self.query, environment=environment))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        field = Column(column).sort_field if 0 <= column < len(Column) else None
        if field is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        query = self.query
        if (field, descending) != (query.sort, query.descending):
            self.set_query(dataclasses.replace(query, sort=field, descending=descending))

    @Slot()
    def refresh(self) -> None:
        """Reload the current query from the first page (and count it again)."""
        self._pager.refresh()

    def _on_first_page(self, page: KeyPage) -> None:
        self._now = self._clock()
        self.beginResetModel()
        self._cell_cache.clear()
        self._rows = list(page.rows)
        self._reindex()
        self.endResetModel()
        self.query_loaded.emit()

    # ------------------------------------------------------------------ paging

    def canFetchMore(self, parent: AnyIndex = _ROOT) -> bool:
        return not parent.isValid() and self._pager.can_fetch_more()

    def fetchMore(self, parent: AnyIndex = _ROOT) -> None:
        if not parent.isValid():
            self._pager.fetch_more()

    @property
    def is_reading_ahead(self) -> bool:
        return self._pager.is_reading_ahead

    def read_ahead(self) -> None:
        """The table scrolls: read the next page now, so that it shows at once when the
        view asks for it."""
        self._pager.read_ahead()

    def drop_read_ahead(self) -> None:
        """A key changed (here or elsewhere): a page read ahead may show it as it was."""
        self._pager.drop_read_ahead()

    def _on_next_page(self, page: KeyPage) -> None:
        # A key created here meanwhile may also come with this page: keep one row per key.
        rows = [dto for dto in page.rows if dto.key_id not in self._row_of]
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            for offset, dto in enumerate(rows):
                self._row_of[dto.key_id] = first + offset
            self.endInsertRows()

    # ------------------------------------------------------------------ changes

    def insert_key(self, dto: KeyDTO, row: int = 0) -> None:
        """A key created in this console: shown at once (at the top), no reset."""
        self.drop_read_ahead()
        if dto.key_id in self._row_of:
            self.update_key(dto)
            return
        row = max(0, min(row, len(self._rows)))
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, dto)
        self._reindex()
        self.endInsertRows()
        self._pager.add_to_count(1)

    def update_key(self, dto: KeyDTO) -> None:
        """A key changed (edit, enable, disable, revoke): repaint its row only."""
        self.drop_read_ahead()
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
        self.drop_read_ahead()
        row = self._row_of.get(key_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self._reindex()
        self.endRemoveRows()
        self._pager.add_to_count(-1)

    def _reindex(self) -> None:
        self._row_of = {dto.key_id: row for row, dto in enumerate(self._rows)}

    @Slot()
    def _tick(self) -> None:
        """A minute on: repaint the rows whose Last Used or Expires now reads differently.

        "3 minutes ago" becomes "4 minutes ago", "143 days ago" stays: only the rows whose
        text moved are repainted (a whole table every minute cost a repaint that a busy
        worker stretched into a visible stall). A row not painted yet is worked out anew
        when it is.
        """
        self._now = now = self._clock()
        moved: list[int] = []
        for key_id, (dto, cells) in list(self._cell_cache.items()):
            row = self._row_of.get(key_id)
            if row is None:
                del self._cell_cache[key_id]
            elif any(COLUMNS[c].display(dto, now) != cells[c].text for c in _CLOCK_COLUMNS):
                del self._cell_cache[key_id]
                moved.append(row)
        roles = [int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.ToolTipRole)]
        for first, last in _runs(sorted(moved)):
            self.dataChanged.emit(
                self.index(first, _CLOCK_COLUMNS[0]), self.index(last, _CLOCK_COLUMNS[-1]), roles
            )

    # ------------------------------------------------------------------ Qt model

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else _COLUMN_COUNT

    # flags(): QAbstractTableModel's own (enabled, selectable, never has children) is what a
    # row is; not overriding it spares a call into Python for every cell of every repaint.

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        column = Column(section)
        spec = COLUMNS[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return spec.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return spec.header_tooltip
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return spec.header_tooltip if column is Column.ACTIONS else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(spec.alignment)
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            # A first click on a time column shows the newest first; on text, A to Z.
            return int(spec.initial_order.value)
        return None

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
        if role == _DISPLAY:
            return self._cells(dto)[column].text
        if role == Qt.ItemDataRole.AccessibleTextRole:
            text = self._cells(dto)[column].text
            if column is Column.NAME and dto.replaced_by:
                return arg(self.tr("%1 (replaced by a rotation)"), text)
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            if column is Column.NAME:
                return self._name_tooltip(dto)
            return COLUMNS[column].tooltip(dto, self._now)
        if role == _DECORATION:
            return self._cells(dto)[column].icon
        if role == KeyRole:
            return dto
        if role == StatusRole:
            return dto.status
        if role == _FONT:
            return self._cells(dto)[column].font
        if role == _FOREGROUND and self._cells(dto)[column].dimmed:
            return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        return None

    def multiData(
        self,
        index: AnyIndex,
        roleDataSpan: QModelRoleDataSpan | QModelRoleData,  # noqa: N803 (Qt's name)
    ) -> None:
        """Every role a cell is painted with, in one call (the delegates ask for seven).

        The same answers as :meth:`data`, role by role: a view that asks this way costs one
        call into Python per cell instead of one per role.
        """
        items: Sequence[QModelRoleData] = (
            (roleDataSpan,)
            if isinstance(roleDataSpan, QModelRoleData)
            else cast("Sequence[QModelRoleData]", roleDataSpan)  # a span indexes its items
        )
        row = index.row()
        if not 0 <= row < len(self._rows) or not index.isValid():
            for item in items:
                item.clearData()
            return
        column = index.column()
        cell = self._cells(self._rows[row])[column]
        for item in items:
            role = item.role()
            if role == _DISPLAY:
                item.setData(cell.text)
            elif role == _DECORATION:
                item.setData(cell.icon)
            elif role == _FONT:
                item.setData(cell.font)
            elif role == _FOREGROUND:
                item.setData(
                    QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
                    if cell.dimmed
                    else None
                )
            elif role in _SERVED_ROLES:
                item.setData(self.data(index, role))
            else:
                item.clearData()

    def _name_tooltip(self, dto: KeyDTO) -> str:
        """The description, and for a rotated key which key replaces it (or it replaces)."""
        text = dto.description or self.tr("No description")
        note = rotation_note(dto, self._now, self.name_of)
        return f"{text}\n\n{note}" if note else text

    def _icon(self, name: str) -> QIcon:
        found = self._icons.get(name)
        if found is None:
            found = self._icons[name] = icon(name)
        return found

    def _actions_text(self, dto: KeyDTO, role: int) -> str:
        """The Actions cell has no text of its own: it names its controls for screen readers."""
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if dto.status is KeyStatus.REVOKED:
                return self.tr("Actions: Delete")
            toggle = self.tr("Disable") if dto.state is KeyState.ACTIVE else self.tr("Enable")
            return arg(self.tr("Actions: %1, Revoke, Delete"), toggle)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return self.tr("Use the context menu (Menu key) or Delete to act from the keyboard")
        return ""  # DisplayRole and ToolTipRole: the delegate paints and explains each control

    def _cells(self, dto: KeyDTO) -> tuple[_Cell, ...]:
        """How the row's cells read, worked out once: a repaint asks for them many times over."""
        cached = self._cell_cache.get(dto.key_id)
        if cached is not None and cached[0] is dto:
            return cached[1]
        now = self._now
        cells = tuple(
            _Cell(
                spec.display(dto, now),
                self._decoration(spec.icon(dto)),
                self._key_font if spec.monospace else None,
                spec.dimmed(dto),
            )
            for spec in _SPECS
        )
        self._cell_cache[dto.key_id] = (dto, cells)
        return cells

    def _decoration(self, name: str | None) -> QIcon | None:
        return None if name is None else self._icon(name)
