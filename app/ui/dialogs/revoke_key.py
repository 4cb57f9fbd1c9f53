"""Revoke one key or several, or delete one: the confirmation, an optional reason, the change.

Revocation is terminal and immediate, so Cancel is the default button and the destructive
button never is. Several keys are revoked in a single call (all of them or none); errors
are shown in the dialog, which stays open so the user can retry or cancel.

Deleting an active key revokes it first, so :class:`DeleteKeyDialog` is this dialog with
other words: the same key details, the same impact warning and the same reason field (the
reason goes into the revocation's audit event). A key that is already revoked has nothing
left to stop, and its dialog says so instead of asking for a reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QIcon, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.status import KeyStatus
from app.domain.validation import MAX_REASON
from app.services import Services
from app.services.dto import KeyDTO
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
from app.ui.labels import status_label
from app.ui.models.formatting import relative_time, short_date
from app.ui.operations.keys import KeyOperations, revoke
from app.ui.resources import icon
from app.ui.tasks import TaskRunner
from app.ui.text import arg
from app.ui.widgets.banner import Banner, Tone

#: Names listed in full before "…and N more" (the list scrolls; this keeps it readable).
LISTED_KEYS = 10


class RevokeKeyDialog(FittingDialog):
    """Confirms and performs the revocation of ``keys``."""

    #: The revoked keys (fresh DTOs) after a successful revocation.
    keys_revoked = Signal(list)

    def __init__(
        self,
        keys: Sequence[KeyDTO],
        services: Services,
        tasks: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if not keys:
            raise ValueError("RevokeKeyDialog needs at least one key")
        self._keys = tuple(keys)
        self._services = services
        self._tasks = tasks
        self._busy = False
        single = len(self._keys) == 1

        self.setObjectName(self.object_name)
        title = self.title()
        self.setAccessibleName(title)
        self.setWindowTitle(title)
        self.setWindowIcon(icon(self.icon_name))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(520)

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addLayout(self._build_header())
        layout.addWidget(self._build_single_details() if single else self._build_key_list())
        already = sum(1 for key in self._keys if key.status is KeyStatus.REVOKED)
        if already and not single:
            note = (
                self.tr("%n of them is already revoked and stays as it is.", "", already)
                if already == 1
                else self.tr("%n of them are already revoked and stay as they are.", "", already)
            )
            layout.addWidget(hint_label(note, "alreadyRevokedLabel", self))
        warning = Banner.labelled(Tone.ERROR, "revokeWarningLabel", self.tr("Warning"), self)
        warning.show_message(self.impact_text())
        layout.addWidget(warning)
        layout.addLayout(self._build_reason())
        if not self.stops_keys():
            # Nothing left to stop: no warning, and no revocation to give a reason for.
            warning.hide()
            self._reason.hide()
            self._reason_caption.hide()
        self._error = Banner.labelled(Tone.ERROR, "revokeErrorLabel", self.tr("Problem"), self)
        layout.addWidget(self._error)
        layout.addStretch(1)
        layout.addSpacing(6)
        layout.addLayout(self._build_buttons())
        self._cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)

    # ----------------------------------------------------------------- words

    #: The dialog's objectName (tests and assistive technology use it).
    object_name = "revokeKeyDialog"
    #: The confirm button's objectName.
    confirm_name = "confirmRevokeButton"
    icon_name = "revoke"

    def title(self) -> str:
        if len(self._keys) == 1:
            return self.tr("Revoke API Key")
        return self.tr("Revoke %n API Keys", "", len(self._keys))

    def heading(self) -> str:
        if len(self._keys) == 1:
            return arg(self.tr("Revoke “%1”?"), self._keys[0].name)
        return self.tr("Revoke %n keys?", "", len(self._keys))

    def intro(self) -> str:
        return self.tr(
            "Revoked keys stay listed for the audit trail, and their “Last used” date "
            "freezes. A revoked key cannot be enabled again."
        )

    def impact_text(self) -> str:
        """What stops working, and when (shared word for word with the delete dialog)."""
        if len(self._keys) == 1:
            return self.tr(
                "Revocation is immediate. Any integration using this key will stop working "
                "instantly."
            )
        return self.tr(
            "Revocation is immediate. Any integration using these keys will stop working "
            "instantly. All of them are revoked together, or none if one cannot be."
        )

    def stops_keys(self) -> bool:
        """Whether confirming stops a key that works now (the warning and reason show)."""
        return True

    def confirm_label(self) -> str:
        if len(self._keys) == 1:
            return self.tr("Revoke key")
        return self.tr("Revoke %n keys", "", len(self._keys))

    def busy_text(self) -> str:
        count = len(self._keys)
        if count == 1:
            return self.tr("Revoking the key…")
        return self.tr("Revoking %n keys…", "", count)

    # ----------------------------------------------------------------- layout

    def _build_header(self) -> QHBoxLayout:
        header = QHBoxLayout()
        header.setSpacing(12)
        header.addWidget(
            icon_label(self.icon_name, HEADER_ICON_SIZE, self), 0, Qt.AlignmentFlag.AlignTop
        )
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(title_label(self.heading(), self))
        column.addWidget(hint_label(self.intro(), "revokeIntroLabel", self))
        header.addLayout(column, 1)
        return header

    def _build_single_details(self) -> QWidget:
        key = self._keys[0]
        holder = named(QWidget(self), "revokeKeyDetails", self.tr("Key details"))
        form = QFormLayout(holder)
        form.setContentsMargins(HEADER_ICON_SIZE + 12, 0, 0, 0)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(4)
        owner = (
            key.owner_name if key.owner_active else arg(self.tr("%1 (deactivated)"), key.owner_name)
        )
        rows = (
            (self.tr("Key"), key.masked, "revokeKeyMasked"),
            (self.tr("Owner"), owner, "revokeKeyOwner"),
            (self.tr("Status"), status_label(key.status), "revokeKeyStatus"),
            (self.tr("Activity"), self.last_used_text(key), "revokeKeyLastUsed"),
            (self.tr("Created"), short_date(key.created_at), "revokeKeyCreated"),
        )
        for caption, value, name in rows:
            value_label = named(QLabel(value, holder), name, f"{caption}: {value}")
            value_label.setTextFormat(Qt.TextFormat.PlainText)
            value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            caption_label = hint_label(caption, f"{name}Caption", holder)
            caption_label.setWordWrap(False)
            form.addRow(caption_label, value_label)
        return holder

    def last_used_text(self, key: KeyDTO) -> str:
        """“Last used 3 days ago” or “Never used”."""
        if key.last_used_at is None:
            return self.tr("Never used")
        when = relative_time(key.last_used_at, self._services.clock())
        return arg(self.tr("Last used %1"), when)

    def _build_key_list(self) -> QListWidget:
        listing = named(QListWidget(self), "revokeKeyList", self.tr("Keys to revoke"))
        listing.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        listing.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        listing.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        for key in self._keys[:LISTED_KEYS]:
            text = arg(self.tr("%1  ·  %2  ·  %3"), key.name, key.owner_name, key.masked)
            item = QListWidgetItem(icon("key"), text)
            item.setToolTip(f"{key.name}\n{key.masked}\n{self.last_used_text(key)}")
            listing.addItem(item)
        hidden = len(self._keys) - LISTED_KEYS
        if hidden > 0:
            # A blank icon keeps "…and N more" aligned with the names above it.
            blank = QPixmap(listing.iconSize())
            blank.fill(Qt.GlobalColor.transparent)
            more = QListWidgetItem(QIcon(blank), self.tr("…and %n more", "", hidden))
            font = more.font()
            font.setItalic(True)
            more.setFont(font)
            listing.addItem(more)
        # Show up to six rows whole; more scroll.
        rows = min(listing.count(), 6)
        row_height = max(listing.sizeHintForRow(0), listing.iconSize().height() + 4)
        listing.setFixedHeight(rows * row_height + 2 * listing.frameWidth())
        return listing

    def _build_reason(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(4)
        self._reason = named(QComboBox(self), "revokeReasonField", self.tr("Reason"))
        self._reason.setEditable(True)
        self._reason.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._reason.addItems(
            [
                self.tr("Integration is no longer needed"),
                self.tr("Security incident or suspected compromise"),
                self.tr("User has left the company"),
                self.tr("Switching to a different integration approach"),
                self.tr("Not used in 90+ days"),
            ]
        )
        self._reason.setCurrentIndex(-1)
        self._reason.setEditText("")
        line = self._reason.lineEdit()
        assert line is not None  # an editable combo box always has one
        line.setPlaceholderText(self.tr("Optional — pick a reason or type your own"))
        line.setMaxLength(MAX_REASON)
        line.setObjectName("revokeReasonEdit")
        line.setAccessibleName(self.tr("Reason"))
        # Enter in the reason must not reach Cancel (the default button) and lose the text.
        line.installEventFilter(self)
        caption = named(
            QLabel(self.tr("&Reason (kept in the audit trail)"), self),
            "revokeReasonCaption",
            self.tr("Reason (kept in the audit trail)"),
        )
        caption.setBuddy(self._reason)
        self._reason_caption = caption
        column.addWidget(caption)
        column.addWidget(self._reason)
        return column

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        self._progress = busy_bar("revokeProgress", self.tr("Working"), self)
        self._progress.setFixedWidth(80)
        self._status = named(QLabel(self), "revokeStatusLabel", self.tr("Progress"))
        row.addWidget(self._progress, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self._status, 1)
        box = named(QDialogButtonBox(self), "revokeButtonBox", self.tr("Dialog buttons"))
        self._cancel_button = named(
            box.addButton(QDialogButtonBox.StandardButton.Cancel), "cancelButton", self.tr("Cancel")
        )
        self._cancel_button.setDefault(True)
        label = self.confirm_label()
        self._confirm_button = named(
            QPushButton(icon(self.icon_name), label, self), self.confirm_name, label
        )
        self._confirm_button.setAutoDefault(False)
        box.addButton(self._confirm_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self._confirm_button.clicked.connect(self._on_confirm)
        box.rejected.connect(self.reject)
        add_help_button(box, Topic.REVOKE)
        row.addWidget(box)
        return row

    # ----------------------------------------------------------------- events

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and watched is self._reason.lineEdit()
        ):
            return True
        return super().eventFilter(watched, event)

    # ----------------------------------------------------------------- revoking

    @Slot()
    def _on_confirm(self) -> None:
        if self._busy:
            return
        reason = self._reason.currentText().strip()
        self._error.clear()
        self._set_busy(True)
        self._start(reason)

    def _start(self, reason: str) -> None:
        """Run the change (on the task runner); ``_finished`` or ``_on_failed`` follows."""
        self._tasks.submit(
            partial(revoke, self._services, tuple(key.key_id for key in self._keys), reason),
            self._on_revoked,
            self._on_failed,
            owner=self,
        )

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        # A revocation in flight cannot be called back, so Cancel waits for the answer.
        for widget in (self._confirm_button, self._cancel_button, self._reason):
            widget.setEnabled(not busy)
        self._progress.setVisible(busy)
        if busy:
            self._status.setText(self.busy_text())
        else:
            self._status.clear()

    @Slot(object)
    def _on_revoked(self, revoked: list[KeyDTO]) -> None:
        self._set_busy(False)
        self.keys_revoked.emit(revoked)
        self.accept()

    @Slot(object)
    def _on_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self._error.show_message(describe(error))
        self._confirm_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self._tasks.report_if_bug(error)

    def reject(self) -> None:
        if self._busy:
            return  # see _set_busy: the answer is on its way
        super().reject()


class DeleteKeyDialog(RevokeKeyDialog):
    """Confirms and performs the deletion of one key, revoking it first if it still works.

    The change runs through :class:`KeyOperations` (revoke with the reason, then delete), so
    the table, the panel and the summary follow it like any other.
    """

    #: The key was deleted (the DTO as it was last seen).
    key_deleted = Signal(object)

    object_name = "deleteKeyDialog"
    confirm_name = "confirmDeleteButton"
    icon_name = "delete"

    def __init__(
        self,
        key: KeyDTO,
        services: Services,
        tasks: TaskRunner,
        operations: KeyOperations,
        parent: QWidget | None = None,
    ) -> None:
        self._operations = operations
        super().__init__([key], services, tasks, parent)

    def title(self) -> str:
        return self.tr("Delete API Key")

    def heading(self) -> str:
        return arg(self.tr("Delete “%1”?"), self._keys[0].name)

    def intro(self) -> str:
        if self.stops_keys():
            return self.tr(
                "It disappears from the list; the audit trail keeps a record. An active key "
                "is revoked first, with the reason below."
            )
        return self.tr(
            "It is revoked already: deleting only removes it from the list. The audit trail "
            "keeps a record."
        )

    def stops_keys(self) -> bool:
        return self._keys[0].status is not KeyStatus.REVOKED

    def confirm_label(self) -> str:
        return self.tr("Delete key")

    def busy_text(self) -> str:
        return self.tr("Deleting the key…")

    def _start(self, reason: str) -> None:
        key = self._keys[0]
        if key.status is KeyStatus.REVOKED or not reason:
            # The service revokes an active key in the same step (reason "deleted").
            self._delete()
            return
        started = self._operations.revoke(
            [key], reason, on_success=self._on_revoked_first, on_failure=self._on_failed
        )
        if started is None:
            self._on_busy()

    def _on_revoked_first(self, revoked: list[KeyDTO]) -> None:
        # Revoked with the user's reason: a retry after a failed delete only deletes. The
        # operation releases the key after this callback, so the delete starts next turn.
        self._keys = tuple(revoked) or self._keys
        QTimer.singleShot(0, self, self._delete)

    def _delete(self) -> None:
        started = self._operations.delete(
            self._keys[0], on_success=self._on_deleted, on_failure=self._on_failed
        )
        if started is None:
            self._on_busy()

    def _on_busy(self) -> None:
        self._set_busy(False)
        self._error.show_message(
            self.tr("A change to this key is on its way. Try again when it is done.")
        )

    def _on_deleted(self, deleted: KeyDTO) -> None:
        self._set_busy(False)
        self.key_deleted.emit(deleted)
        self.accept()
