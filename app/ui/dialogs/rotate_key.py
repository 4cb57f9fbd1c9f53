"""Rotate a key: a successor now, the old key working on for a grace period, then stopping.

RecordsKeeper's advice — add a new key, update the integration, then retire the old one — as
one step. The user picks how long both keys work side by side; the dialog says, live, the
exact minute the old key stops (local time and UTC), because "24 hours" is only useful to
someone who knows when the 24 hours end. The rotation runs through
:class:`~app.ui.operations.KeyOperations` (which announces both keys to every screen); the
new secret is then shown once by the reveal dialog, which the screen opens.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import Enum

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.dto import CreatedKey, KeyDTO
from app.ui.dialogs.common import (
    HEADER_ICON_SIZE,
    FittingDialog,
    busy_bar,
    hint_label,
    icon_label,
    named,
    title_label,
)
from app.ui.errors import describe
from app.ui.help import Topic, add_help_button
from app.ui.models.key_columns import stop_sentence
from app.ui.operations import KeyOperations
from app.ui.resources import icon
from app.ui.tasks import TaskRunner
from app.ui.text import arg
from app.ui.widgets.banner import Banner, Tone

#: The sentence is rewritten this often while the dialog is open (the minute moves on).
SENTENCE_REFRESH_MS = 15_000


class Grace(Enum):
    """The grace-period choices, in the order they are offered."""

    NONE = "graceNone"
    HOUR = "grace1h"
    DAY = "grace24h"
    WEEK = "grace7d"
    CUSTOM = "graceCustom"


_FIXED: dict[Grace, timedelta | None] = {
    Grace.NONE: None,
    Grace.HOUR: timedelta(hours=1),
    Grace.DAY: timedelta(hours=24),
    Grace.WEEK: timedelta(days=7),
}

#: Custom durations: (unit label source, one unit). Labels are translated where shown.
_UNITS: tuple[tuple[str, timedelta], ...] = (
    ("minutes", timedelta(minutes=1)),
    ("hours", timedelta(hours=1)),
    ("days", timedelta(days=1)),
)


class RotateKeyDialog(FittingDialog):
    """Asks for the grace period, rotates ``key`` and reports the new key (with its secret)."""

    #: The new key, with its token, for the reveal dialog.
    key_rotated = Signal(object)  # CreatedKey

    def __init__(
        self,
        key: KeyDTO,
        operations: KeyOperations,
        tasks: TaskRunner,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._key = key
        self._operations = operations
        self._tasks = tasks
        self._clock = clock
        self._busy = False
        title = self.tr("Rotate API Key")
        self.setObjectName("rotateKeyDialog")
        self.setAccessibleName(title)
        self.setWindowTitle(title)
        self.setWindowIcon(icon("refresh"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(540)

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addLayout(self._build_header())
        layout.addWidget(self._build_choices())
        self.sentence_label = named(QLabel(self), "graceSentenceLabel", self.tr("When it stops"))
        self.sentence_label.setWordWrap(True)
        self.sentence_label.setTextFormat(Qt.TextFormat.PlainText)
        self.sentence_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.sentence_label)
        self._error = Banner.labelled(Tone.ERROR, "rotateErrorLabel", self.tr("Problem"), self)
        layout.addWidget(self._error)
        layout.addStretch(1)
        layout.addLayout(self._build_buttons())

        self._ticker = QTimer(self)
        self._ticker.setInterval(SENTENCE_REFRESH_MS)
        self._ticker.timeout.connect(self._refresh)
        self._ticker.start()
        self.choose(Grace.DAY)

    # ----------------------------------------------------------------- layout

    def _build_header(self) -> QHBoxLayout:
        header = QHBoxLayout()
        header.setSpacing(12)
        header.addWidget(
            icon_label("refresh", HEADER_ICON_SIZE, self), 0, Qt.AlignmentFlag.AlignTop
        )
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(title_label(arg(self.tr("Rotate “%1”"), self._key.name), self))
        column.addWidget(
            hint_label(
                self.tr(
                    "A new key with the same name, owner, environment and expiry is created "
                    "and its secret shown once. Keep the old key working while you put the new "
                    "secret into the integration; then it stops by itself."
                ),
                "rotateIntroLabel",
                self,
            )
        )
        header.addLayout(column, 1)
        return header

    def _build_choices(self) -> QGroupBox:
        box = named(QGroupBox(self.tr("Grace period"), self), "graceBox", self.tr("Grace period"))
        column = QVBoxLayout(box)
        column.setSpacing(6)
        self._group = QButtonGroup(self)
        self._buttons: dict[Grace, QRadioButton] = {}
        texts = {
            Grace.NONE: self.tr("No overlap — the old key stops now"),
            Grace.HOUR: self.tr("1 hour"),
            Grace.DAY: self.tr("24 hours"),
            Grace.WEEK: self.tr("7 days"),
            Grace.CUSTOM: self.tr("Custom…"),
        }
        for choice, text in texts.items():
            button = named(QRadioButton(text, box), choice.value, text)
            self._group.addButton(button)
            self._buttons[choice] = button
            button.toggled.connect(self._refresh)
            if choice is Grace.CUSTOM:
                row = QHBoxLayout()
                row.setSpacing(8)
                row.addWidget(button)
                self.amount_field = named(QSpinBox(box), "graceAmountField", self.tr("Amount"))
                self.amount_field.setRange(1, 999)
                self.amount_field.setValue(3)
                self.unit_field = named(QComboBox(box), "graceUnitField", self.tr("Unit"))
                unit_labels = {
                    "minutes": self.tr("minutes"),
                    "hours": self.tr("hours"),
                    "days": self.tr("days"),
                }
                for source, step in _UNITS:
                    self.unit_field.addItem(unit_labels[source], step)
                self.unit_field.setCurrentIndex(2)
                self.amount_field.valueChanged.connect(self._choose_custom)
                self.unit_field.currentIndexChanged.connect(self._choose_custom)
                row.addWidget(self.amount_field)
                row.addWidget(self.unit_field)
                row.addStretch(1)
                column.addLayout(row)
            else:
                column.addWidget(button)
        return box

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        self._progress = busy_bar("rotateProgress", self.tr("Rotating"), self)
        self._progress.setFixedWidth(80)
        self._status = named(QLabel(self), "rotateStatusLabel", self.tr("Progress"))
        row.addWidget(self._progress, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self._status, 1)
        box = named(QDialogButtonBox(self), "rotateButtonBox", self.tr("Dialog buttons"))
        self._cancel_button = named(
            box.addButton(QDialogButtonBox.StandardButton.Cancel), "cancelButton", self.tr("Cancel")
        )
        label = self.tr("Rotate")
        self.confirm_button = named(
            QPushButton(icon("refresh"), label, self), "confirmRotateButton", self.tr("Rotate key")
        )
        self.confirm_button.setDefault(True)
        box.addButton(self.confirm_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm_button.clicked.connect(self._on_confirm)
        box.rejected.connect(self.reject)
        add_help_button(box, Topic.ROTATION)
        row.addWidget(box)
        return row

    # ----------------------------------------------------------------- choices

    def choose(self, choice: Grace) -> None:
        self._buttons[choice].setChecked(True)
        self._refresh()

    @property
    def choice(self) -> Grace:
        return next((c for c, b in self._buttons.items() if b.isChecked()), Grace.DAY)

    @Slot()
    def _choose_custom(self) -> None:
        self.choose(Grace.CUSTOM)

    def grace(self) -> timedelta | None:
        """The chosen grace period; None: no overlap (the old key is revoked at once)."""
        choice = self.choice
        if choice is Grace.CUSTOM:
            step = self.unit_field.currentData()
            assert isinstance(step, timedelta)
            return step * self.amount_field.value()
        return _FIXED[choice]

    def stops_at(self) -> datetime | None:
        """When the old key stops (None: at once). Its own expiry wins if it comes first."""
        grace = self.grace()
        if grace is None:
            return None
        end = self._clock() + grace
        expires = self._key.expires_at
        return expires if expires is not None and expires < end else end

    @Slot()
    def _refresh(self) -> None:
        end = self.stops_at()
        if end is not None and end <= self._clock():
            text = self.tr("The old key has expired already; the new key works from now on.")
        elif end is None:
            text = self.tr(
                "The old key is revoked at once: integrations still using it stop working now."
            )
        else:
            text = arg(self.tr("The old key stops working on %1."), stop_sentence(end))
            if self._key.expires_at is not None and end == self._key.expires_at:
                text += " " + self.tr("That is its own expiry, before the grace period ends.")
        self.sentence_label.setText(text)
        self.sentence_label.setAccessibleDescription(text)

    # ----------------------------------------------------------------- rotating

    @Slot()
    def _on_confirm(self) -> None:
        if self._busy:
            return
        self._error.clear()
        handle = self._operations.rotate(
            self._key, self.grace(), on_success=self._on_rotated, on_failure=self._on_failed
        )
        if handle is None:
            self._error.show_message(
                self.tr("A change to this key is still on its way; try again in a moment.")
            )
            return
        self._set_busy(True)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.confirm_button, self._cancel_button, *self._buttons.values()):
            widget.setEnabled(not busy)
        self.amount_field.setEnabled(not busy)
        self.unit_field.setEnabled(not busy)
        self._progress.setVisible(busy)
        self._status.setText(self.tr("Creating the new key…") if busy else "")

    def _on_rotated(self, created: CreatedKey) -> None:
        self._set_busy(False)
        self._ticker.stop()
        self.key_rotated.emit(created)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self._error.show_message(describe(error))
        self.confirm_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self._tasks.report_if_bug(error)

    def reject(self) -> None:
        if self._busy:
            return  # the rotation cannot be called back; its answer (and secret) is coming
        super().reject()
