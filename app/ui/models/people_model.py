"""The people table: one row per Keyward user with their role, status and active keys.

The list is small (the people of one organisation), so ``overview()`` answers it whole and a
:class:`~PySide6.QtCore.QSortFilterProxyModel` sorts it by :data:`SortRole`. A new overview
resets the model; a single person who changed (role, deactivated) emits ``dataChanged`` for
their row with explicit roles, and a person added is inserted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from enum import IntEnum
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.domain.status import KeyStatus
from app.services.people import PersonRow
from app.ui.labels import role_label
from app.ui.models.formatting import count_text, exact_utc, relative_time
from app.ui.text import QT_TRANSLATE_NOOP, arg
from app.ui.widgets.status_badge import badge_colours, badge_font, selected_colours

#: The PersonRow behind a row.
PersonRole: Final = int(Qt.ItemDataRole.UserRole) + 1
#: What the proxy sorts by (numbers and moments, not their text).
SortRole: Final = int(Qt.ItemDataRole.UserRole) + 2
#: True for an active user (the status column draws it as a badge).
ActiveRole: Final = int(Qt.ItemDataRole.UserRole) + 3

#: Roles a changed person can affect; views repaint exactly these.
CHANGED_ROLES: Final = [
    int(Qt.ItemDataRole.DisplayRole),
    int(Qt.ItemDataRole.ToolTipRole),
    int(Qt.ItemDataRole.AccessibleTextRole),
    PersonRole,
    SortRole,
    ActiveRole,
]

AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT: Final = QModelIndex()
_CONTEXT = "PeopleModel"


class Column(IntEnum):
    # Who, in which role and whether active come first: what a narrow window shows of each
    # person (the detail panel beside it shows the selected one's email, keys and activity).
    LOGIN = 0
    NAME = 1
    ROLE = 2
    STATUS = 3
    ACTIVE_KEYS = 4
    LAST_ACTIVITY = 5
    EMAIL = 6


_HEADERS: dict[Column, str] = {
    Column.LOGIN: QT_TRANSLATE_NOOP("PeopleModel", "Login"),
    Column.NAME: QT_TRANSLATE_NOOP("PeopleModel", "Name"),
    Column.ROLE: QT_TRANSLATE_NOOP("PeopleModel", "Role"),
    Column.STATUS: QT_TRANSLATE_NOOP("PeopleModel", "Status"),
    Column.ACTIVE_KEYS: QT_TRANSLATE_NOOP("PeopleModel", "Active keys"),
    Column.LAST_ACTIVITY: QT_TRANSLATE_NOOP("PeopleModel", "Last activity"),
    Column.EMAIL: QT_TRANSLATE_NOOP("PeopleModel", "Email"),
}


def _tr(text: str) -> str:
    """A string marked where it is stored (a header), translated where it is shown."""
    return QCoreApplication.translate(_CONTEXT, text)


def status_text(active: bool) -> str:
    return (
        QCoreApplication.translate("PeopleModel", "Active")
        if active
        else QCoreApplication.translate("PeopleModel", "Deactivated")
    )


class PeopleModel(QAbstractTableModel):
    """``set_people(rows)`` for a new overview; ``update_person``/``add_person`` for one."""

    def __init__(self, clock: Callable[[], datetime], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._rows: list[PersonRow] = []

    # ------------------------------------------------------------------ changes

    def set_people(self, rows: Sequence[PersonRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def update_person(self, row: PersonRow) -> None:
        """Replace the person's row (same login), or insert it if it is new."""
        index = self.row_of(row.user.login)
        if index is None:
            self.add_person(row)
            return
        self._rows[index] = row
        self.dataChanged.emit(
            self.index(index, 0), self.index(index, len(Column) - 1), CHANGED_ROLES
        )

    def add_person(self, row: PersonRow) -> None:
        position = len(self._rows)
        self.beginInsertRows(_ROOT, position, position)
        self._rows.append(row)
        self.endInsertRows()

    # ------------------------------------------------------------------ lookups

    def row_of(self, login: str) -> int | None:
        for number, row in enumerate(self._rows):
            if row.user.login == login:
                return number
        return None

    def person_at(self, row: int) -> PersonRow:
        return self._rows[row]

    def person(self, login: str) -> PersonRow | None:
        number = self.row_of(login)
        return None if number is None else self._rows[number]

    @property
    def people(self) -> tuple[PersonRow, ...]:
        return tuple(self._rows)

    # ------------------------------------------------------------------ Qt model

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return _tr(_HEADERS[Column(section)])
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        person = self._rows[index.row()]
        column = Column(index.column())
        if role == PersonRole:
            return person
        if role == ActiveRole:
            return person.user.active
        if role == SortRole:
            return self._sort_value(person, column)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(person, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(person, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column is Column.ACTIVE_KEYS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, person: PersonRow, column: Column) -> str:
        user = person.user
        match column:
            case Column.LOGIN:
                return user.login
            case Column.NAME:
                return user.display_name
            case Column.EMAIL:
                return user.email or "—"
            case Column.ROLE:
                return role_label(user.role)
            case Column.STATUS:
                return status_text(user.active)
            case Column.ACTIVE_KEYS:
                return count_text(person.active_keys)
            case Column.LAST_ACTIVITY:
                if person.last_activity is None:
                    return QCoreApplication.translate("PeopleModel", "Never")
                return relative_time(person.last_activity, self._clock())

    def _tooltip(self, person: PersonRow, column: Column) -> str | None:
        user = person.user
        if column is Column.LAST_ACTIVITY and person.last_activity is not None:
            return exact_utc(person.last_activity)
        if column is Column.STATUS and not user.active and user.deactivated_at is not None:
            return arg(
                QCoreApplication.translate("PeopleModel", "Deactivated %1"),
                exact_utc(user.deactivated_at),
            )
        if column is Column.LAST_ACTIVITY:
            return QCoreApplication.translate(
                "PeopleModel", "No key of theirs has been used, and they have changed nothing yet."
            )
        return None

    @staticmethod
    def _sort_value(person: PersonRow, column: Column) -> Any:
        user = person.user
        match column:
            case Column.LOGIN:
                return user.login.casefold()
            case Column.NAME:
                return user.display_name.casefold()
            case Column.EMAIL:
                return (user.email or "").casefold()
            case Column.ROLE:
                return user.role.value
            case Column.STATUS:
                return 0 if user.active else 1
            case Column.ACTIVE_KEYS:
                return person.active_keys
            case Column.LAST_ACTIVITY:
                moment = person.last_activity
                return moment.timestamp() if moment is not None else 0.0


def badge_column_width(font: QFont) -> int:
    """Wide enough for the longer of the two badges (Active, Deactivated) and the header."""
    metrics = QFontMetrics(badge_font(font))
    words = (status_text(True), status_text(False), _tr(_HEADERS[Column.STATUS]))
    return max(metrics.horizontalAdvance(word) for word in words) + 40


class ActiveBadgeDelegate(QStyledItemDelegate):
    """Paints the Status column as a pill: Active in the active colours, Deactivated in the
    revoked ones (the same tones as key badges, from keyward.qss)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        hint = super().sizeHint(option, index)
        metrics = QFontMetrics(badge_font(option.font))
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        return QSize(max(hint.width(), metrics.horizontalAdvance(text) + 34), hint.height())

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        active = bool(index.data(ActiveRole))
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        widget = opt.widget
        style = widget.style() if isinstance(widget, QWidget) else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        palette: QPalette = opt.palette
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        status = KeyStatus.ACTIVE if active else KeyStatus.REVOKED
        colours = selected_colours(palette) if selected else badge_colours(status, palette)
        font = badge_font(opt.font)
        metrics = QFontMetrics(font)
        area: QRect = opt.rect.adjusted(6, 0, -4, 0)
        width = min(metrics.horizontalAdvance(text) + 18, area.width())
        height = metrics.height() + 4
        pill = QRect(area.left(), area.top() + (area.height() - height) // 2, width, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colours.fill))
        painter.drawRoundedRect(pill, height / 2, height / 2)
        painter.setPen(colours.text)
        painter.setFont(font)
        painter.drawText(pill, int(Qt.AlignmentFlag.AlignCenter), text)
        painter.restore()
