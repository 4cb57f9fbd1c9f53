"""One key's audit history for the detail panel: when, who, what — newest first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from enum import IntEnum
from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.domain.audit_diff import shorten_pair
from app.domain.clock import utc_now
from app.services.dto import AuditEventDTO
from app.ui.labels import action_label, field_label, reason_label, value_label
from app.ui.models.formatting import exact_utc, relative_time
from app.ui.text import arg

#: The AuditEventDTO behind a row.
EventRole: Final = int(Qt.ItemDataRole.UserRole) + 1

AnyIndex = QModelIndex | QPersistentModelIndex
#: The invisible root: a table's rows have no other parent.
_ROOT: Final = QModelIndex()


def _value(name: str, value: Any) -> str:
    return "—" if value in (None, "") else value_label(name, str(value))


def event_summary(event: AuditEventDTO) -> str:
    """One line for a person, in the console's language: ``Bearbeitet (Beschreibung: … → …)``.

    The same line as :meth:`AuditEventDTO.summary` (the command line's), with the action,
    the changed fields, a state and the services' own reasons translated.
    """
    parts = []
    if event.before is not None and event.after is not None:
        for name, (old, new) in event.changes.items():
            if name in {"version", "updated_at"}:
                continue
            # Two long values are shortened around where they differ, never to the same text.
            before, after = shorten_pair(_value(name, old), _value(name, new))
            parts.append(f"{field_label(name)}: {before} → {after}")
    text = action_label(event.action)
    if parts:
        text += " (" + "; ".join(parts) + ")"
    if event.reason:
        text += f" — {reason_label(event.reason)}"
    return text


class AuditColumn(IntEnum):
    WHEN = 0
    WHO = 1
    WHAT = 2


class AuditModel(QAbstractTableModel):
    def __init__(
        self, *, clock: Callable[[], datetime] = utc_now, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._events: list[AuditEventDTO] = []
        self._now = clock()

    def set_events(self, events: Sequence[AuditEventDTO]) -> None:
        """Show another key's history (or the same key's, reloaded)."""
        self.beginResetModel()
        self._now = self._clock()
        self._events = sorted(events, key=lambda event: event.seq, reverse=True)
        self.endResetModel()

    def clear(self) -> None:
        self.set_events([])

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._events)

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
            return (self.tr("When"), self.tr("Who"), self.tr("What"))[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._events):
            return None
        event = self._events[index.row()]
        column = AuditColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column is AuditColumn.WHEN:
                return relative_time(event.occurred_at, self._now)
            if column is AuditColumn.WHO:
                return event.actor
            return event_summary(event)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column is AuditColumn.WHEN:
                return exact_utc(event.occurred_at)
            if column is AuditColumn.WHO:
                return arg(self.tr("%1 on %2"), event.actor, event.host)
            return event_summary(event)
        if role == EventRole:
            return event
        return None
