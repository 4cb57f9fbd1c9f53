"""One change to many keys: choose it, read the dry run, confirm once, watch it happen.

The dry run (``services.bulk.plan``) runs off the GUI thread whenever the action or its value
changes and lists exactly what will change on each key and which keys are skipped and why.
The confirm button names the count ("Disable 3 keys"). Applying goes key by key behind a
progress bar with Cancel; what was done stays done and the dialog says what happened — it
stays open when something was not changed, and the list then shows the keys not changed
and why.

A selection can be 10,000 keys, and the window must keep answering (no stall over 50 ms):
the lines are a list model under a view (:class:`LinesModel`), which asks only for the rows
it shows, all of one height (so Qt does not measure 10,000 of them), and which is replaced
or dropped at once (no 10,000 items to make or destroy); the outcome's counts go in the
banner while its per-key lines go in the scrolling list rather than into one huge label.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QListView,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import KeywardError
from app.domain.validation import MAX_REASON
from app.services import Services
from app.services.bulk import BulkPlan, BulkResult
from app.services.choices import BulkAction
from app.services.dto import BulkRequest
from app.ui.dialogs.common import FittingDialog, hint_label, named, title_label
from app.ui.errors import describe
from app.ui.progress import run_with_progress
from app.ui.resources import icon
from app.ui.tasks import LatestTask, TaskRunner, full_collections_postponed, refreshes_held
from app.ui.text import arg, plural
from app.ui.widgets.banner import Banner, Tone

#: How long the dry run waits after the last change of the action or its value.
PREVIEW_DELAY_MS = 250
#: How long after opening the first dry run starts (the dialog is shown and painted first).
FIRST_PREVIEW_DELAY_MS = 50
#: Lines the list lays out per turn of the event loop.
LAYOUT_BATCH = 500


class LinesModel(QAbstractListModel):
    """The dry run's (or the outcome's) lines: ``(text, muted)``; a muted line is a key
    skipped or not changed, drawn in the placeholder colour with the info icon."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines: list[tuple[str, bool]] = []

    def set_lines(self, lines: Sequence[tuple[str, bool]]) -> None:
        self.beginResetModel()
        self._lines = list(lines)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        text, muted = self._lines[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return text
        if role == Qt.ItemDataRole.DecorationRole:
            return icon("info" if muted else "enable")
        if role == Qt.ItemDataRole.ForegroundRole and muted:
            view = self.parent()
            palette = view.palette() if isinstance(view, QListView) else None
            return None if palette is None else palette.placeholderText()
        return None


class BulkActionDialog(FittingDialog):
    """``BulkActionDialog(services, tasks, key_ids, action=…)``; emits :attr:`applied`."""

    #: The result of a run (done, failed, not done), after the last key.
    applied = Signal(object)

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        key_ids: Sequence[str],
        *,
        action: BulkAction = BulkAction.DISABLE,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self._key_ids = list(key_ids)
        self._plan: BulkPlan | None = None
        self._running = False
        self._preview = LatestTask(tasks)
        self.setObjectName("bulkActionDialog")
        count = len(self._key_ids)
        title = plural(count, self.tr("Change %n Key"), self.tr("Change %n Keys"))
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setWindowIcon(icon("keyward"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(560)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        heading = plural(count, self.tr("%n key selected"), self.tr("%n keys selected"))
        layout.addWidget(title_label(heading, self))
        layout.addWidget(
            hint_label(
                self.tr(
                    "Nothing changes until you confirm. The list below is a dry run: what "
                    "will change on each key, and which keys are skipped and why."
                ),
                "bulkIntroLabel",
                self,
            )
        )
        layout.addLayout(self._build_form(action))
        self._summary = hint_label("", "bulkSummaryLabel", self)
        layout.addWidget(self._summary)
        self._list = named(QListView(self), "bulkPreviewList", self.tr("Dry run"))
        self._lines = LinesModel(self._list)
        self._list.setModel(self._lines)
        self._list.setSelectionMode(QListView.SelectionMode.NoSelection)
        self._list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self._list.setMinimumHeight(180)
        self._list.setUniformItemSizes(True)
        # 10,000 lines are laid out a batch per turn of the event loop, not all at once.
        self._list.setLayoutMode(QListView.LayoutMode.Batched)
        self._list.setBatchSize(LAYOUT_BATCH)
        layout.addWidget(self._list, 1)
        self._error = Banner.labelled(Tone.ERROR, "bulkErrorLabel", self.tr("Problem"), self)
        layout.addWidget(self._error)
        self._result = Banner.labelled(Tone.INFO, "bulkResultLabel", self.tr("Result"), self)
        layout.addWidget(self._result)

        buttons = QDialogButtonBox(self)
        self._apply = named(
            QPushButton(self.tr("Apply"), self), "bulkApplyButton", self.tr("Apply")
        )
        self._apply.setEnabled(False)
        self._apply.clicked.connect(self._run)
        buttons.addButton(self._apply, QDialogButtonBox.ButtonRole.AcceptRole)
        self._close = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self._close.setObjectName("bulkCloseButton")
        self._close.clicked.connect(self.reject)
        layout.addWidget(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.preview)
        # The dry run of 10,000 keys, its lines and the apply's results stay until the
        # dialog closes: no full collection walks them meanwhile (the apply runs while the
        # dialog is open; see ``full_collections_postponed``). The counts and summaries
        # the change makes stale run once, when it has closed (``refreshes_held``).
        self._postponed = contextlib.ExitStack()
        self._postponed.enter_context(full_collections_postponed())
        self._postponed.enter_context(refreshes_held())
        # Also if it goes without being closed (its window deleted under it): a hold left
        # behind would stop every count in the window for good.
        postponed = self._postponed
        self.destroyed.connect(lambda: postponed.close())
        self._show_rows_of(action)
        # The first dry run starts once the dialog has been shown: reading 10,000 keys
        # while Qt lays out and paints a new window made its first appearance stall.
        QTimer.singleShot(FIRST_PREVIEW_DELAY_MS, self, self.preview)
        self._close.setFocus(Qt.FocusReason.OtherFocusReason)

    def done(self, result: int) -> None:
        # The dry run and its lines go now; full collections resume once this call has
        # unwound (and the outcome handed to the screens has gone with it), so the first
        # one walks neither.
        self._plan = None
        self._lines.set_lines(())
        QTimer.singleShot(0, self._postponed.close)
        super().done(result)

    # ----------------------------------------------------------------- the form

    def _build_form(self, action: BulkAction) -> QFormLayout:
        form = QFormLayout()
        form.setHorizontalSpacing(12)
        self._action = named(QComboBox(self), "bulkActionField", self.tr("Action"))
        labels = {
            BulkAction.DISABLE: self.tr("Disable"),
            BulkAction.ENABLE: self.tr("Enable"),
            BulkAction.REVOKE: self.tr("Revoke"),
            BulkAction.SET_EXPIRY: self.tr("Set the expiry date"),
            BulkAction.EXTEND_EXPIRY: self.tr("Extend the expiry"),
            BulkAction.ADD_NOTE: self.tr("Add a note to the description"),
        }
        for item, text in labels.items():
            self._action.addItem(text, item.value)
        self._action.setCurrentIndex(self._action.findData(action.value))
        self._action.currentIndexChanged.connect(self._on_action_changed)
        form.addRow(self.tr("&Action"), self._action)

        self._reason = named(QLineEdit(self), "bulkReasonField", self.tr("Reason"))
        self._reason.setMaxLength(MAX_REASON)
        self._reason.setPlaceholderText(self.tr("e.g. unused for 90 days"))
        self._expiry = named(QDateEdit(self), "bulkExpiryField", self.tr("New expiry date"))
        self._expiry.setCalendarPopup(True)
        today = self._services.clock().date()
        self._expiry.setMinimumDate(QDate(today.year, today.month, today.day))
        self._expiry.setDate(QDate(today.year, today.month, today.day).addDays(90))
        self._days = named(QSpinBox(self), "bulkDaysField", self.tr("Days to add"))
        self._days.setRange(1, 3650)
        self._days.setValue(30)
        self._days.setSuffix(self.tr(" days"))
        self._note = named(QLineEdit(self), "bulkNoteField", self.tr("Note"))
        self._note.setMaxLength(500)
        self._note.setPlaceholderText(self.tr("e.g. verify usage again on 1 March"))
        self._rows = {
            BulkAction.REVOKE: (self.tr("&Reason"), self._reason),
            BulkAction.SET_EXPIRY: (self.tr("&Expires on"), self._expiry),
            BulkAction.EXTEND_EXPIRY: (self.tr("&Extend by"), self._days),
            BulkAction.ADD_NOTE: (self.tr("&Note"), self._note),
        }
        for caption, widget in self._rows.values():
            form.addRow(caption, widget)
        self._form = form
        for signal in (
            self._reason.textChanged,
            self._expiry.dateChanged,
            self._days.valueChanged,
            self._note.textChanged,
        ):
            signal.connect(self._schedule_preview)
        return form

    @property
    def action(self) -> BulkAction:
        return BulkAction(self._action.currentData())

    def request(self) -> BulkRequest:
        chosen = self._expiry.date()
        return BulkRequest(
            self.action,
            reason=self._reason.text() or None,
            expires=date(chosen.year(), chosen.month(), chosen.day()),
            extend_days=self._days.value(),
            note=self._note.text(),
        )

    @Slot()
    def _on_action_changed(self) -> None:
        self._show_rows_of(self.action)
        self.preview()

    def _show_rows_of(self, current: BulkAction) -> None:
        for action, (_caption, widget) in self._rows.items():
            self._form.setRowVisible(widget, action is current)

    @Slot()
    def _schedule_preview(self) -> None:
        # A dry run of the old values must not arrive now and be applied with them.
        self._preview.cancel()
        self._plan = None
        self._apply.setEnabled(False)
        self._timer.start()

    # ----------------------------------------------------------------- the dry run

    @Slot()
    def preview(self) -> None:
        """Run the dry run now (the form calls this shortly after each change)."""
        self._timer.stop()
        self._plan = None
        self._apply.setEnabled(False)
        self._error.clear()
        request = self.request()
        ids = list(self._key_ids)
        self._preview.submit(
            lambda: self._services.bulk.plan(request, ids),
            self._show_plan,
            self._show_error,
            owner=self,
        )

    def _show_plan(self, plan: BulkPlan) -> None:
        self._plan = plan
        self._show_lines(
            *((change.line, False) for change in plan.changes),
            *((skip.line, True) for skip in plan.skipped),
        )
        count = len(plan.changes)
        skipped = len(plan.skipped)
        keys = plural(count, self.tr("%n key"), self.tr("%n keys"))
        self._summary.setText(
            arg(self.tr("%1 will change; %2 skipped."), keys, skipped)
            if skipped
            else arg(self.tr("%1 will change."), keys)
        )
        verb = self._action.currentText()
        self._apply.setText(arg(self.tr("%1: %2"), verb, keys))
        self._apply.setEnabled(count > 0 and not self._running)

    def _show_lines(self, *lines: tuple[str, bool]) -> None:
        """List ``(text, muted)`` lines (the view asks only for those it shows)."""
        self._lines.set_lines(lines)
        self._list.scrollToTop()

    def _show_error(self, error: BaseException) -> None:
        self._lines.set_lines(())
        self._summary.setText("")
        if isinstance(error, KeywardError):
            self._error.show_text(describe(error))
        else:
            self._tasks.report_if_bug(error)

    # ----------------------------------------------------------------- applying

    @Slot()
    def _run(self) -> None:
        plan = self._plan
        if plan is None or self._running or not plan.changes:
            return
        self._running = True
        self._apply.setEnabled(False)
        self._action.setEnabled(False)
        run_with_progress(
            self._tasks,
            self,
            self.tr("Changing keys"),
            lambda report: self._services.bulk.apply(plan, report),
            self._finished,
            self._failed,
            label=arg(self.tr("%1…"), self._action.currentText()),
            object_name="bulkProgressDialog",
        )

    def _finished(self, result: BulkResult) -> None:
        self._running = False
        self.applied.emit(result)
        if not result.failed and not result.cancelled:
            self.accept()
            return
        text = arg(self.tr("Changed: %1"), len(result.done))
        if result.failed:
            text += "; " + arg(self.tr("not changed: %1"), len(result.failed))
        if result.cancelled:
            text += "; " + arg(self.tr("left as they were (cancelled): %1"), len(result.not_done))
        text += "."
        if result.failed:
            text += " " + self.tr("The list shows each key not changed and why.")
        self._result.show_text(text)
        if result.failed:
            self._summary.setText("")
            self._show_lines(
                *(
                    (arg(self.tr("%1: not changed, %2"), failure.label, failure.why), True)
                    for failure in result.failed
                )
            )
        self._close.setText(self.tr("Close"))
        self._apply.hide()

    def _failed(self, error: BaseException) -> None:
        self._running = False
        self._action.setEnabled(True)
        self._show_error(error)
        self.preview()
