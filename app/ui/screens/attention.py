"""Needs attention: the keys the hygiene rules pick out, grouped, each with why.

The groups come from :mod:`app.services.attention` (expiring soon, not used lately, owner
deactivated, no description, older than the maximum lifetime). The list on the left shows each
group with its count; the table shows the chosen group's keys, a page at a time, with the
reason in words. Select one or several and act on them with a bulk change (dry run first);
the counts and the table follow. :attr:`AttentionScreen.count_changed` carries the total for
the navigation's badge.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.roles import Action, can
from app.services import Services
from app.services.attention import AttentionCursor, AttentionItem, AttentionPage
from app.services.bulk import BulkResult
from app.services.choices import AttentionGroup, BulkAction
from app.services.dto import Operator
from app.ui.dialogs.common import hint_label, named, title_label
from app.ui.labels import status_label
from app.ui.models.formatting import count_text
from app.ui.tasks import LatestTask, RefreshTask, TaskRunner
from app.ui.text import QT_TRANSLATE_NOOP, arg
from app.ui.widgets.column_fit import narrow_in_turn, resize_sections

AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
PAGE = 200
#: While keys keep changing (a bulk revoke), the groups are counted again at most this long
#: after the last count ended: five counts over 1,000,000 keys take about a second.
COUNT_SPACING_MS = 3_000

GROUP_LABELS = {
    AttentionGroup.EXPIRING: QT_TRANSLATE_NOOP("AttentionScreen", "Expiring soon"),
    AttentionGroup.STALE: QT_TRANSLATE_NOOP("AttentionScreen", "Not used lately"),
    AttentionGroup.ORPHANED: QT_TRANSLATE_NOOP("AttentionScreen", "Owner deactivated"),
    AttentionGroup.UNDOCUMENTED: QT_TRANSLATE_NOOP("AttentionScreen", "No description"),
    AttentionGroup.OVER_LIFETIME: QT_TRANSLATE_NOOP(
        "AttentionScreen", "Older than the maximum lifetime"
    ),
}
EMPTY = {
    AttentionGroup.EXPIRING: QT_TRANSLATE_NOOP(
        "AttentionScreen", "No key expires within the policy's warning period."
    ),
    AttentionGroup.STALE: QT_TRANSLATE_NOOP(
        "AttentionScreen", "Every working key was used within the policy's stale period."
    ),
    AttentionGroup.ORPHANED: QT_TRANSLATE_NOOP(
        "AttentionScreen", "No deactivated person owns a key that still works."
    ),
    AttentionGroup.UNDOCUMENTED: QT_TRANSLATE_NOOP(
        "AttentionScreen", "Every key says what it is for."
    ),
    AttentionGroup.OVER_LIFETIME: QT_TRANSLATE_NOOP(
        "AttentionScreen",
        "No key is older than the maximum lifetime (or the policy sets none).",
    ),
}
#: The table's columns at their usual widths (Why takes the rest), and the least each
#: narrows to before the table scrolls sideways: Why, the reason a key is listed, stays
#: readable in a narrow window (at 800x600 it was out of sight).
WIDTHS = (220, 150, 90)
LEAST_WIDTHS = (120, 90, 80)
WHY_LEAST_WIDTH = 160
HEADERS = (
    QT_TRANSLATE_NOOP("AttentionScreen", "Name"),
    QT_TRANSLATE_NOOP("AttentionScreen", "Owner"),
    QT_TRANSLATE_NOOP("AttentionScreen", "Status"),
    QT_TRANSLATE_NOOP("AttentionScreen", "Why"),
)


class AttentionModel(QAbstractTableModel):
    """One group's keys, fetched a page at a time as the table scrolls."""

    #: A page came back (or could not be read): whether the group is empty is known.
    settled = Signal()

    def __init__(self, services: Services, tasks: TaskRunner, parent: QWidget) -> None:
        super().__init__(parent)
        self._services = services
        self._loader = LatestTask(tasks)
        self._items: list[AttentionItem] = []
        self._group: AttentionGroup | None = None
        self._next: AttentionCursor | None = None
        self._fetching = False

    def load(self, group: AttentionGroup) -> None:
        self._fetching = True  # (from the reset on: the group is not known to be empty)
        self.beginResetModel()
        self._items = []
        self._next = None
        self._group = group
        self.endResetModel()
        self._fetch(None)

    def _fetch(self, after: AttentionCursor | None) -> None:
        group = self._group
        if group is None:
            return
        self._fetching = True
        self._loader.submit(
            lambda: self._services.attention.page(group, after, limit=PAGE),
            lambda page: self._append(group, page),
            lambda _error: self._settle(),
            owner=self,
        )

    @property
    def fetching(self) -> bool:
        return self._fetching

    def _settle(self) -> None:
        self._fetching = False
        self.settled.emit()

    def _append(self, group: AttentionGroup, page: AttentionPage) -> None:
        if group is not self._group or not page.items:
            self._next = page.next_after if group is self._group else self._next
            self._settle()
            return
        first = len(self._items)
        self.beginInsertRows(_ROOT, first, first + len(page.items) - 1)
        self._items.extend(page.items)
        self._next = page.next_after
        self.endInsertRows()
        self._settle()

    def canFetchMore(self, parent: AnyIndex = _ROOT) -> bool:
        return not parent.isValid() and self._next is not None and not self._fetching

    def fetchMore(self, parent: AnyIndex = _ROOT) -> None:
        if self.canFetchMore(parent):
            self._fetch(self._next)

    def item(self, row: int) -> AttentionItem:
        return self._items[row]

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("AttentionScreen", HEADERS[section])
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        item = self._items[index.row()]
        key = item.key
        column = index.column()
        if column == 0:
            return key.name if role == Qt.ItemDataRole.DisplayRole else f"{key.name}\n{key.masked}"
        if column == 1:
            return key.owner_name
        if column == 2:
            return status_label(key.status)
        return item.why


class AttentionScreen(QWidget):
    """``AttentionScreen(services, tasks, parent)``; ``refresh()`` reloads counts and rows."""

    #: The number of keys that need attention (all groups), for a badge.
    count_changed = Signal(int)
    #: Keys were changed here (a bulk run's result), for the other screens.
    keys_changed = Signal(object)
    status_message = Signal(str)

    def __init__(self, services: Services, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("attentionView")
        self.setAccessibleName(self.tr("Needs attention"))
        self._services = services
        self._tasks = tasks
        self._operator: Operator | None = None
        self._counts = RefreshTask(tasks, spacing_ms=COUNT_SPACING_MS)
        self.model = AttentionModel(services, tasks, self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title_label(self.tr("Needs attention"), self))
        self._intro = hint_label(
            self.tr(
                "Keys the hygiene rules pick out. Select keys and act on them together; "
                "every change shows a dry run first."
            ),
            "attentionIntroLabel",
            self,
        )
        layout.addWidget(self._intro)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.groups = named(QListWidget(splitter), "attentionGroups", self.tr("Groups"))
        for group in AttentionGroup:
            item = QListWidgetItem(self.tr(GROUP_LABELS[group]))
            item.setData(Qt.ItemDataRole.UserRole, group.value)
            self.groups.addItem(item)
        self.groups.setMinimumWidth(200)
        self.groups.setMaximumWidth(320)
        # A long group name (German's) wraps rather than hiding its count past the edge.
        self.groups.setWordWrap(True)
        self.groups.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.groups.currentRowChanged.connect(self._on_group)

        right = QWidget(splitter)
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        self.table = named(QTableView(right), "attentionTable", self.tr("Keys needing attention"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for section, width in enumerate(WIDTHS):
            header.resizeSection(section, width)
        self.table.viewport().installEventFilter(self)
        column.addWidget(self.table, 1)
        # A group without keys says so in the table's place (not under an empty table).
        self.empty = named(QLabel(self.tr("Nothing here."), right), "attentionEmpty", "")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        column.addWidget(self.empty, 1)
        self.empty.hide()

        actions = QHBoxLayout()
        self._buttons: dict[BulkAction, QPushButton] = {}
        for action, text, name in (
            (BulkAction.REVOKE, self.tr("Revoke…"), "attentionRevokeButton"),
            (BulkAction.DISABLE, self.tr("Disable…"), "attentionDisableButton"),
            (BulkAction.EXTEND_EXPIRY, self.tr("Extend expiry…"), "attentionExtendButton"),
            (BulkAction.ADD_NOTE, self.tr("Add note…"), "attentionNoteButton"),
        ):
            button = named(QPushButton(text, right), name, text)
            button.clicked.connect(lambda _=False, a=action: self.act(a))
            button.setEnabled(False)
            actions.addWidget(button)
            self._buttons[action] = button
        actions.addStretch(1)
        column.addLayout(actions)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 760])
        layout.addWidget(splitter, 1)

        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.settled.connect(self._update_empty)
        self.model.modelReset.connect(self._update_empty)
        self.groups.setCurrentRow(0)

    # ----------------------------------------------------------------- loading

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_columns()
        return super().eventFilter(watched, event)

    def fit_columns(self) -> None:
        """Name, Owner and Status at their usual widths where the table has room; in a
        narrow one they narrow (Name first, their text elides) so that Why keeps
        WHY_LEAST_WIDTH."""
        widths = dict(enumerate(WIDTHS))
        excess = sum(WIDTHS) + WHY_LEAST_WIDTH - self.table.viewport().width()
        narrow_in_turn(widths, excess, enumerate(LEAST_WIDTHS))
        resize_sections(self.table.horizontalHeader(), widths)

    def set_operator(self, operator: Operator | None) -> None:
        self._operator = operator
        self._update_buttons()

    def refresh_counts(self) -> None:
        """Reload the groups' counts only (quietly: the navigation badge follows)."""
        self._counts.submit(
            self._services.attention.counts,
            self._show_counts,
            lambda _error: None,  # a badge that stays as it was; the Keys view reports errors
            owner=self,
        )

    def refresh(self) -> None:
        """Reload the counts and the chosen group."""
        self.refresh_counts()
        group = self.current_group()
        if group is not None:
            self.model.load(group)

    def current_group(self) -> AttentionGroup | None:
        item = self.groups.currentItem()
        return AttentionGroup(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def _show_counts(self, counts: dict[AttentionGroup, int]) -> None:
        for row in range(self.groups.count()):
            item = self.groups.item(row)
            group = AttentionGroup(item.data(Qt.ItemDataRole.UserRole))
            count = count_text(counts[group])
            item.setText(arg(self.tr("%1 (%2)"), self.tr(GROUP_LABELS[group]), count))
        self.count_changed.emit(sum(counts.values()))

    def _on_group(self, _row: int) -> None:
        group = self.current_group()
        if group is not None:
            self.model.load(group)

    def _update_empty(self) -> None:
        """The group's keys, or once it is known to have none, a sentence in their place
        (the table stays while a group loads: no flash of "no key …")."""
        group = self.current_group()
        if group is not None:
            self.empty.setText(self.tr(EMPTY[group]))
        empty = self.model.rowCount() == 0 and not self.model.fetching
        self.empty.setVisible(empty)
        self.table.setVisible(not empty)

    # ----------------------------------------------------------------- acting

    def selected_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.item(row).key.key_id for row in rows]

    def _update_buttons(self) -> None:
        operator = self._operator
        may = operator is not None and can(operator.role, Action.MANAGE_OWN_KEYS)
        chosen = bool(self.table.selectionModel().selectedRows())
        for button in self._buttons.values():
            button.setEnabled(may and chosen)
            button.setToolTip(
                "" if may else self.tr("Your role can read these keys but not change them.")
            )

    def act(self, action: BulkAction) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        from app.ui.dialogs.bulk_action import BulkActionDialog

        dialog = BulkActionDialog(self._services, self._tasks, ids, action=action, parent=self)
        dialog.applied.connect(self._on_applied)
        dialog.open()

    def _on_applied(self, result: BulkResult) -> None:
        self.keys_changed.emit(list(result.done))
        self.status_message.emit(result.summary())
        self.refresh()
