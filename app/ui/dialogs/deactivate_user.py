"""Deactivate a person: first see every key that will be revoked, then give a reason.

The keys come from ``people.deactivation_preview`` (their active and disabled keys), read off
the GUI thread when the dialog opens. The service revokes whatever is still active when the
person is deactivated, in the same transaction, so the list is a preview, not a promise that
a key created a second later escapes.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import ValidationError
from app.services import Services
from app.services.dto import KeyDTO, UserDTO
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
from app.ui.models.formatting import exact_utc, relative_time
from app.ui.resources import icon
from app.ui.tasks import TaskRunner
from app.ui.text import arg
from app.ui.widgets.banner import Banner, Tone

#: Longest reason a person may give (the audit event keeps it whole).
MAX_REASON = 500


def _deactivate(services: Services, login: str, reason: str) -> tuple[UserDTO, int]:
    return services.users.deactivate(login, reason=reason)


class DeactivateUserDialog(FittingDialog):
    """``deactivateUserDialog``: emits :attr:`user_deactivated` and closes once done."""

    #: (UserDTO after, number of keys revoked, ids of the keys the preview listed)
    user_deactivated = Signal(object, int, tuple)
    #: The preview arrived and the form can be used.
    loaded = Signal()

    def __init__(
        self,
        user: UserDTO,
        services: Services,
        tasks: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._user = user
        self._services = services
        self._tasks = tasks
        self._keys: tuple[KeyDTO, ...] = ()
        self._loaded = False
        self._working = False

        self.setObjectName("deactivateUserDialog")
        title = arg(self.tr("Deactivate %1"), user.display_name)
        self.setAccessibleName(title)
        self.setWindowTitle(title)
        self.setWindowIcon(icon("revoke"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setSizeGripEnabled(True)
        self.setMinimumWidth(600)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        header = QHBoxLayout()
        header.setSpacing(12)
        header.addWidget(
            icon_label("warning", HEADER_ICON_SIZE, self), 0, Qt.AlignmentFlag.AlignTop
        )
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(title_label(title, self))
        text.addWidget(
            hint_label(
                arg(
                    self.tr(
                        "%1 (%2) can no longer use Keyward, and every key they own is "
                        "revoked now, with your reason. The keys stay listed for the "
                        "audit trail; reactivating %1 later does not bring them back."
                    ),
                    user.display_name,
                    user.login,
                ),
                "deactivateIntroLabel",
                self,
            )
        )
        header.addLayout(text, 1)
        layout.addLayout(header)

        self._error = Banner.labelled(
            Tone.ERROR, "deactivateErrorLabel", self.tr("Problem deactivating"), self
        )
        layout.addWidget(self._error)

        self._summary = named(QLabel(self), "deactivateSummaryLabel", self.tr("Keys to revoke"))
        self._summary.setWordWrap(True)
        layout.addWidget(self._summary)
        self._list = named(QTreeWidget(self), "deactivateKeysList", self.tr("Keys to revoke"))
        self._list.setColumnCount(3)
        self._list.setHeaderLabels([self.tr("Name"), self.tr("Key id"), self.tr("Last used")])
        self._list.setRootIsDecorated(False)
        self._list.setUniformRowHeights(True)
        self._list.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        self._list.header().setStretchLastSection(False)
        self._list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self._list.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self._list.header().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self._list.setMinimumHeight(120)
        layout.addWidget(self._list, 1)
        self._consequence = Banner.labelled(
            Tone.WARNING, "deactivateConsequenceLabel", self.tr("Consequence"), self
        )
        self._consequence.show_message(
            self.tr("Integrations using these keys stop working at once.")
        )
        layout.addWidget(self._consequence)

        caption = named(
            QLabel(self.tr("&Reason (required, kept in the audit trail)"), self),
            "deactivateReasonCaption",
            self.tr("Reason"),
        )
        self._reason = named(QLineEdit(self), "deactivateReasonField", self.tr("Reason"))
        self._reason.setPlaceholderText(self.tr("e.g. Left the company on 28 Nov"))
        self._reason.setMaxLength(MAX_REASON)
        self._reason.setClearButtonEnabled(True)
        self._reason.textChanged.connect(self._update_button)
        caption.setBuddy(self._reason)
        layout.addWidget(caption)
        layout.addWidget(self._reason)
        self._reason_error = Banner.labelled(
            Tone.ERROR, "deactivateReasonErrorLabel", self.tr("Reason error"), self
        )
        layout.addWidget(self._reason_error)

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        self._busy = busy_bar("deactivateBusyIndicator", self.tr("Working"), self)
        self._busy.setFixedWidth(80)
        self._status = named(QLabel(self), "deactivateStatusLabel", self.tr("Progress"))
        buttons.addWidget(self._busy, 0, Qt.AlignmentFlag.AlignVCenter)
        buttons.addWidget(self._status, 1)
        self._cancel = named(
            QPushButton(self.tr("Cancel"), self), "cancelDeactivateButton", self.tr("Cancel")
        )
        self._cancel.setDefault(True)
        self._cancel.clicked.connect(self.reject)
        # Destructive: styled red by keyward.qss, never the default button.
        self._confirm = named(
            QPushButton(icon("revoke"), self.tr("Deactivate"), self),
            "confirmDeactivateButton",
            self.tr("Deactivate"),
        )
        self._confirm.setAutoDefault(False)
        self._confirm.clicked.connect(self._on_confirm)
        buttons.addWidget(self._cancel)
        buttons.addWidget(self._confirm)
        layout.addLayout(buttons)

        self._set_busy(True, self.tr("Finding the keys that will be revoked…"))
        self._update_button()
        self._tasks.submit(
            partial(services.people.deactivation_preview, user.login),
            self._on_preview,
            self._on_preview_failed,
            owner=self,
        )

    # ------------------------------------------------------------------ state

    @property
    def keys(self) -> tuple[KeyDTO, ...]:
        """The keys the preview listed."""
        return self._keys

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy.setVisible(busy)
        self._status.setText(text if busy else "")

    @Slot()
    def _update_button(self) -> None:
        count = len(self._keys)
        if count == 1:
            text = self.tr("Deactivate and revoke 1 key")
        elif count:
            text = self.tr("Deactivate and revoke %n keys", "", count)
        else:
            text = self.tr("Deactivate")
        self._confirm.setText(text)
        self._confirm.setAccessibleName(text)
        self._confirm.setEnabled(self._loaded and not self._working)
        if self._reason.text().strip():
            self._reason_error.clear()

    # ------------------------------------------------------------------ preview

    @Slot(object)
    def _on_preview(self, keys: tuple[KeyDTO, ...]) -> None:
        self._keys = tuple(keys)
        self._loaded = True
        self._set_busy(False)
        now = self._services.clock()
        self._list.clear()
        for dto in self._keys:
            used = (
                relative_time(dto.last_used_at, now)
                if dto.last_used_at is not None
                else self.tr("Never used")
            )
            item = QTreeWidgetItem([dto.name, dto.key_id, used])
            item.setData(0, Qt.ItemDataRole.UserRole, dto.key_id)
            if dto.last_used_at is not None:
                item.setToolTip(2, exact_utc(dto.last_used_at))
            self._list.addTopLevelItem(item)
        count = len(self._keys)
        name = self._user.display_name
        if count == 1:
            summary = arg(self.tr("This key of %1 will be revoked:"), name)
        elif count:
            summary = arg(self.tr("These %n keys of %1 will be revoked:", "", count), name)
        else:
            summary = arg(self.tr("%1 has no active keys; nothing will be revoked."), name)
        self._summary.setText(summary)
        self._summary.setAccessibleName(summary)
        self._list.setVisible(bool(count))
        self._consequence.setVisible(bool(count))
        self._update_button()
        self._reason.setFocus(Qt.FocusReason.OtherFocusReason)
        self.loaded.emit()

    @Slot(object)
    def _on_preview_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self._error.show_message(describe(error))
        self._tasks.report_if_bug(error)

    # ------------------------------------------------------------------ deactivating

    @Slot()
    def _on_confirm(self) -> None:
        if self._working or not self._loaded:
            return
        reason = self._reason.text().strip()
        if not reason:
            self._reason_error.show_message(
                self.tr("Give a reason: the audit trail keeps it with every revoked key.")
            )
            self._reason.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._working = True
        self._error.clear()
        self._reason.setEnabled(False)
        self._update_button()
        self._set_busy(True, self.tr("Deactivating and revoking…"))
        self._tasks.submit(
            partial(_deactivate, self._services, self._user.login, reason),
            self._on_done,
            self._on_failed,
            owner=self,
        )

    def _on_done(self, result: tuple[UserDTO, int]) -> None:
        user, revoked = result
        self._working = False
        self._set_busy(False)
        self.user_deactivated.emit(user, revoked, tuple(dto.key_id for dto in self._keys))
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self._working = False
        self._set_busy(False)
        self._reason.setEnabled(True)
        self._update_button()
        if isinstance(error, ValidationError) and error.field.value == "reason":
            self._reason_error.show_message(error.message)
        else:
            self._error.show_message(describe(error))
        self._tasks.report_if_bug(error)
