"""A key's activity in the detail panel: verifications per day and its audit history.

Selecting an event in the history shows its before and after field by field, whole (the
same comparison as the Audit view); "Show in audit log" opens the Audit view filtered to
this key.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import NotFound
from app.services import Services
from app.services.dto import AuditEventDTO
from app.ui.models.audit_model import AuditColumn, AuditModel, EventRole
from app.ui.models.formatting import count_text
from app.ui.resources import icon
from app.ui.tasks import LatestTask, TaskRunner
from app.ui.text import arg
from app.ui.widgets.change_view import ChangeView
from app.ui.widgets.usage_chart import UsageChart


def section_title(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("sectionTitle")  # bold in keyward.qss
    return label


class KeyActivity(QWidget):
    """``load(key_id)`` fetches usage and history in the background and shows them."""

    #: A failure worth telling the user about (a deleted key's missing history is not).
    error_occurred = Signal(object)
    #: "Show in audit log": the Audit view, filtered to this key (the key id).
    show_in_audit_log = Signal(str)

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        *,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("keyActivity")
        self._services = services
        self._tasks = tasks
        self._history_task = LatestTask(tasks)
        self._usage_task = LatestTask(tasks)
        self._key_id: str | None = None
        self.history_model = AuditModel(clock=clock, parent=self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        layout.addLayout(self._build_usage())
        heading = QHBoxLayout()
        heading.addWidget(section_title(self.tr("History"), self))
        heading.addStretch(1)
        self.audit_button = QPushButton(icon("audit"), self.tr("Show in audit log"), self)
        self.audit_button.setObjectName("showInAuditLogButton")
        self.audit_button.setToolTip(self.tr("Open the Audit view with this key's events"))
        self.audit_button.setAutoDefault(False)
        self.audit_button.setEnabled(False)
        self.audit_button.clicked.connect(self._on_show_in_audit_log)
        heading.addWidget(self.audit_button)
        layout.addLayout(heading)
        self.history_view = self._build_history()
        layout.addWidget(self.history_view, 1)
        self.history_changes = ChangeView(self, stacked=True)
        self.history_changes.setObjectName("historyChanges")
        self.history_changes.setAccessibleName(self.tr("What the selected event changed"))
        layout.addWidget(self.history_changes)
        self.history_view.selectionModel().currentRowChanged.connect(self._on_event_chosen)

    def _build_usage(self) -> QVBoxLayout:
        heading = QHBoxLayout()
        heading.addWidget(section_title(self.tr("Usage, last 30 days"), self))
        heading.addStretch(1)
        self.usage_total = QLabel(self)
        self.usage_total.setObjectName("usageTotal")
        heading.addWidget(self.usage_total)
        self.usage_chart = UsageChart(self)
        scale = QHBoxLayout()
        for text, alignment in (
            (self.tr("30 days ago"), Qt.AlignmentFlag.AlignLeft),
            (self.tr("today"), Qt.AlignmentFlag.AlignRight),
        ):
            label = QLabel(text, self)
            label.setEnabled(False)  # a muted axis caption
            label.setAlignment(alignment)
            scale.addWidget(label)
        column = QVBoxLayout()
        column.setSpacing(6)
        column.addLayout(heading)
        column.addWidget(self.usage_chart)
        column.addLayout(scale)
        return column

    def _build_history(self) -> QTableView:
        view = QTableView(self)
        view.setTabKeyNavigation(False)  # Tab leaves the history; arrows move in it
        view.setObjectName("historyView")
        view.setAccessibleName(self.tr("History of this key"))
        view.setModel(self.history_model)
        view.verticalHeader().hide()
        view.setShowGrid(False)
        view.setWordWrap(True)  # "Edited (name: … → …)" deserves to be read whole
        view.setAlternatingRowColors(True)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(AuditColumn.WHEN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(AuditColumn.WHO, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.setMinimumHeight(140)
        return view

    # ------------------------------------------------------------------ loading

    def clear(self) -> None:
        self._key_id = None
        self.audit_button.setEnabled(False)
        self.history_changes.clear()
        self.history_model.clear()
        self.usage_chart.set_days([])
        self.usage_total.clear()

    def load(self, key_id: str) -> None:
        """Fetch ``key_id``'s usage and history (again, after a change)."""
        self._key_id = key_id
        self.audit_button.setEnabled(True)
        keys = self._services.keys
        self._history_task.submit(
            lambda: keys.history(key_id),
            lambda events: self._on_history(key_id, events),
            self._on_failed,
            owner=self,
        )
        self._usage_task.submit(
            lambda: keys.usage_by_day(key_id),
            lambda days: self._on_usage(key_id, days),
            self._on_failed,
            owner=self,
        )

    def _on_history(self, key_id: str, events: list[AuditEventDTO]) -> None:
        if key_id != self._key_id:
            return
        self.history_model.set_events(events)
        if self.history_model.rowCount():
            # The newest event's comparison shows at once; the focus stays where it is.
            self.history_view.selectionModel().setCurrentIndex(
                self.history_model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        else:
            self.history_changes.clear()

    @Slot(QModelIndex, QModelIndex)
    def _on_event_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        event = current.data(EventRole) if current.isValid() else None
        self.history_changes.set_event(event)

    @Slot()
    def _on_show_in_audit_log(self) -> None:
        if self._key_id is not None:
            self.show_in_audit_log.emit(self._key_id)

    def _on_usage(self, key_id: str, days: list[tuple[date, int]]) -> None:
        if key_id != self._key_id:
            return
        self.usage_chart.set_days(days)
        total = sum(count for _day, count in days)
        self.usage_total.setText(
            self.tr("1 verification")
            if total == 1
            else arg(self.tr("%1 verifications"), count_text(total))
        )

    def _on_failed(self, error: BaseException) -> None:
        # Usage and history are extras: a key deleted meanwhile simply has none to show.
        if not isinstance(error, NotFound):
            self.error_occurred.emit(error)
