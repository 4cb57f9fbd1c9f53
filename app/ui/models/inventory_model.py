"""The keys as they were at a past instant (``InventoryService.as_of``), for the past view.

The rows are rebuilt from the audit trail in one call, so they all arrive at once: the
model keeps them in memory and sorts and filters them itself (a Python sort of a list is far
quicker at a million rows than a proxy asking ``data()`` for every comparison). The rows
are read-only: no flags beyond enabled and selectable, no key behind them to act on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from app.domain.status import KeyStatus
from app.services.inventory import InventoryRow
from app.ui.labels import status_label
from app.ui.models.formatting import exact_utc, expiry_text, short_date
from app.ui.text import QT_TRANSLATE_NOOP

AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT: Final = QModelIndex()

#: The InventoryRow behind a row.
RowRole: Final = int(Qt.ItemDataRole.UserRole) + 1
#: The row's status (a KeyStatus when it is one; drawn as a badge by the status delegate).
StatusRole: Final = int(Qt.ItemDataRole.UserRole) + 3

_CONTEXT = "InventoryModel"


class Column(IntEnum):
    NAME = 0
    OWNER = 1
    STATUS = 2
    ENVIRONMENT = 3
    CREATED = 4
    EXPIRES = 5


_TITLES: Final = {
    Column.NAME: QT_TRANSLATE_NOOP("InventoryModel", "Name"),
    Column.OWNER: QT_TRANSLATE_NOOP("InventoryModel", "Owner"),
    Column.STATUS: QT_TRANSLATE_NOOP("InventoryModel", "Status"),
    Column.ENVIRONMENT: QT_TRANSLATE_NOOP("InventoryModel", "Environment"),
    Column.CREATED: QT_TRANSLATE_NOOP("InventoryModel", "Created On"),
    Column.EXPIRES: QT_TRANSLATE_NOOP("InventoryModel", "Expires"),
}

#: Stands in for a missing time in a sort key (never shown).
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)

_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


def status_of_row(row: InventoryRow) -> KeyStatus | None:
    try:
        return KeyStatus(row.status)
    except ValueError:
        return None


def status_text(row: InventoryRow) -> str:
    status = status_of_row(row)
    return status_label(status) if status is not None else row.status.capitalize()


def _sort_key(column: Column) -> Callable[[InventoryRow], Any]:
    """Any column but the name (the rows' own order)."""
    if column is Column.OWNER:
        return lambda row: (row.owner_name.casefold(), row.name.casefold(), row.key_id)
    if column is Column.STATUS:
        return lambda row: (row.status, row.name.casefold(), row.key_id)
    if column is Column.ENVIRONMENT:
        return lambda row: (row.environment, row.name.casefold(), row.key_id)
    if column is Column.CREATED:
        return lambda row: (row.created_at is not None, row.created_at or _EPOCH, row.key_id)
    # Keys that never expire sort after every date.
    return lambda row: (row.expires_at is None, row.expires_at or _EPOCH, row.key_id)


class InventoryModel(QAbstractTableModel):
    """``set_rows(rows)``; ``set_filter(search, status)``; ``sort(column, order)``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[InventoryRow] = []
        self._rows: list[InventoryRow] = []
        self._search = ""
        self._status: KeyStatus | None = None
        self._owner: str | None = None
        self._environment: str | None = None
        self._sort_column = Column.NAME
        self._sort_order = Qt.SortOrder.AscendingOrder

    # ------------------------------------------------------------------ state

    @property
    def total(self) -> int:
        """Keys that existed at the instant (before any filter)."""
        return len(self._all)

    @property
    def filtered(self) -> bool:
        return bool(self._search) or any(
            value is not None for value in (self._status, self._owner, self._environment)
        )

    def row_at(self, row: int) -> InventoryRow:
        return self._rows[row]

    def rows(self) -> Sequence[InventoryRow]:
        """The rows shown, in table order."""
        return tuple(self._rows)

    # ------------------------------------------------------------------ changes

    def set_rows(self, rows: Sequence[InventoryRow]) -> None:
        """A new instant: the rows it had, in the services' order (name in any case, then
        id), shown sorted and filtered as the view says."""
        self.beginResetModel()
        self._all = list(rows)
        self._rows = self._shown()
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows(())

    def set_filter(
        self,
        search: str,
        status: KeyStatus | None,
        owner: str | None = None,
        environment: str | None = None,
    ) -> None:
        """Show the rows matching the toolbar's search, status, owner (login) and environment."""
        wanted = (search.strip().casefold(), status, owner, environment)
        if wanted == (self._search, self._status, self._owner, self._environment):
            return
        self._search, self._status, self._owner, self._environment = wanted
        self.beginResetModel()
        self._rows = self._shown()
        self.endResetModel()

    def _shown(self) -> list[InventoryRow]:
        rows = self._all
        if self._status is not None:
            wanted = self._status.value
            rows = [row for row in rows if row.status == wanted]
        if self._owner is not None:
            rows = [row for row in rows if row.owner_login == self._owner]
        if self._environment is not None:
            rows = [row for row in rows if row.environment == self._environment]
        if self._search:
            term = self._search
            rows = [
                row
                for row in rows
                if term in row.name.casefold()
                or term in row.owner_name.casefold()
                or term in row.owner_login.casefold()
                or term in row.key_id.casefold()
                or term in (row.description or "").casefold()
            ]
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        if self._sort_column is Column.NAME:
            # Already in this order (set_rows): sorting a million rows again on the GUI
            # thread took over a second.
            return rows[::-1] if descending else list(rows)
        return sorted(rows, key=_sort_key(self._sort_column), reverse=descending)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Column):
            return
        self._sort_column, self._sort_order = Column(column), order
        self.layoutAboutToBeChanged.emit()
        self._rows = self._shown()
        self.layoutChanged.emit()

    # ------------------------------------------------------------------ Qt model

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate(_CONTEXT, _TITLES[Column(section)])
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            time = section in (Column.CREATED, Column.EXPIRES)
            order = Qt.SortOrder.DescendingOrder if time else Qt.SortOrder.AscendingOrder
            return int(order.value)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == RowRole:
            return row
        if role == StatusRole:
            return status_of_row(row)
        return None

    def _text(self, row: InventoryRow, column: Column) -> str:
        if column is Column.NAME:
            return row.name
        if column is Column.OWNER:
            return row.owner_name or row.owner_login
        if column is Column.STATUS:
            return status_text(row)
        if column is Column.ENVIRONMENT:
            return row.environment
        if column is Column.CREATED:
            return short_date(row.created_at) if row.created_at is not None else "—"
        return expiry_text(row.expires_at) or "—"

    def _tooltip(self, row: InventoryRow, column: Column) -> str | None:
        if column is Column.NAME:
            return f"{row.name}\n{row.key_id}\n{row.description}".rstrip()
        if column is Column.OWNER:
            return f"{row.owner_name} ({row.owner_login})"
        if column is Column.CREATED and row.created_at is not None:
            return exact_utc(row.created_at)
        if column is Column.EXPIRES:
            if row.expires_at is None:
                return QCoreApplication.translate("InventoryModel", "Does not expire")
            return exact_utc(row.expires_at)
        if column is Column.STATUS and row.revoked_at is not None:
            return exact_utc(row.revoked_at)
        return None
