"""Add a person to Keyward: login, name, email and role.

On a server database the service also grants the login its database role; the login itself
is the database administrator's to create, and the dialog says so.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import ValidationError
from app.domain.roles import Role
from app.services import Services
from app.services.dto import UserDTO
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
from app.ui.labels import role_label
from app.ui.resources import icon
from app.ui.tasks import TaskRunner
from app.ui.text import QT_TRANSLATE_NOOP, arg
from app.ui.widgets.banner import Banner, Tone

#: The roles a person may be given here, in the order they are offered (verifier is a
#: service login, not a person).
PERSON_ROLES = (Role.MEMBER, Role.MANAGER, Role.AUDITOR, Role.ADMIN)


_ROLE_HINTS = {
    Role.MEMBER: QT_TRANSLATE_NOOP("Roles", "Creates and manages their own keys."),
    Role.MANAGER: QT_TRANSLATE_NOOP(
        "Roles", "Manages every key and creates keys for others; reads people and the audit trail."
    ),
    Role.AUDITOR: QT_TRANSLATE_NOOP(
        "Roles", "Reads every key and the audit trail; changes nothing."
    ),
    Role.ADMIN: QT_TRANSLATE_NOOP("Roles", "Everything, plus people and the key policy."),
    Role.VERIFIER: QT_TRANSLATE_NOOP(
        "Roles", "A service login: verifies tokens and records their use, nothing else."
    ),
}


def role_hint(role: Role) -> str:
    """One line on what a role may do."""
    return QCoreApplication.translate("Roles", _ROLE_HINTS[role])


def _add(services: Services, login: str, name: str, email: str, role: Role) -> UserDTO:
    return services.users.add(login, role=role, display_name=name or None, email=email or None)


class AddUserDialog(FittingDialog):
    """``addUserDialog``: emits :attr:`user_added` with the new UserDTO and closes."""

    user_added = Signal(object)

    def __init__(
        self, services: Services, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self._working = False
        self._on_server = services.database.is_server

        self.setObjectName("addUserDialog")
        self.setAccessibleName(self.tr("Add a person"))
        self.setWindowTitle(self.tr("Add a person"))
        self.setWindowIcon(icon("add"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(520)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        header = QHBoxLayout()
        header.setSpacing(12)
        header.addWidget(icon_label("add", HEADER_ICON_SIZE, self), 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(title_label(self.tr("Add a person"), self))
        if self._on_server:
            intro = self.tr(
                "They sign in with their own database login of the same name. Keyward "
                "grants that login the role you choose here; the login itself is created by "
                "your database administrator."
            )
        else:
            intro = self.tr(
                "On this database file a person is the operating-system account of the same name."
            )
        text.addWidget(hint_label(intro, "addUserIntroLabel", self))
        header.addLayout(text, 1)
        layout.addLayout(header)

        self._error = Banner.labelled(
            Tone.ERROR, "addUserErrorLabel", self.tr("Problem adding the person"), self
        )
        layout.addWidget(self._error)

        self._errors: dict[str, Banner] = {}
        self._fields: dict[str, QWidget] = {}
        self._login = named(QLineEdit(self), "loginField", self.tr("Login"))
        self._login.setPlaceholderText(self.tr("Required, e.g. maria.rossi"))
        self._name = named(QLineEdit(self), "displayNameField", self.tr("Name"))
        self._name.setPlaceholderText(self.tr("e.g. Maria Rossi (the login if empty)"))
        self._email = named(QLineEdit(self), "emailField", self.tr("Email"))
        self._email.setPlaceholderText(self.tr("Optional, e.g. maria@example.com"))
        self._role = named(QComboBox(self), "newUserRoleField", self.tr("Role"))
        for role in PERSON_ROLES:
            self._role.addItem(role_label(role), role.value)
        self._role_hint = hint_label("", "newUserRoleHint", self)
        self._role.currentIndexChanged.connect(self._update_role_hint)
        self._update_role_hint()
        for field, caption, widget in (
            ("login", self.tr("&Login"), self._login),
            ("display_name", self.tr("&Name"), self._name),
            ("email", self.tr("&Email"), self._email),
            ("role", self.tr("&Role"), self._role),
        ):
            label = QLabel(caption, self)
            label.setBuddy(widget)
            layout.addWidget(label)
            layout.addWidget(widget)
            error = Banner.labelled(
                Tone.ERROR,
                f"{field}ErrorLabel",
                arg(self.tr("%1 error"), widget.accessibleName()),
                self,
            )
            layout.addWidget(error)
            self._errors[field] = error
            self._fields[field] = widget
            if isinstance(widget, QLineEdit):
                widget.textChanged.connect(partial(self._clear_error, field))
        layout.addWidget(self._role_hint)
        layout.addStretch(1)

        buttons = QHBoxLayout()
        self._busy = busy_bar("addUserBusyIndicator", self.tr("Working"), self)
        self._busy.setFixedWidth(80)
        buttons.addWidget(self._busy, 0, Qt.AlignmentFlag.AlignVCenter)
        buttons.addStretch(1)
        cancel = named(
            QPushButton(self.tr("Cancel"), self), "cancelAddUserButton", self.tr("Cancel")
        )
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        self._add_button = named(
            QPushButton(icon("add"), self.tr("Add person"), self),
            "confirmAddUserButton",
            self.tr("Add person"),
        )
        self._add_button.setDefault(True)
        self._add_button.clicked.connect(self._on_add)
        buttons.addWidget(cancel)
        buttons.addWidget(self._add_button)
        layout.addLayout(buttons)
        self._login.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def _update_role_hint(self) -> None:
        role = Role(str(self._role.currentData()))
        self._role_hint.setText(role_hint(role))
        self._role_hint.setAccessibleName(role_hint(role))

    def _clear_error(self, field: str, *_args: object) -> None:
        self._errors[field].clear()

    @Slot()
    def _on_add(self) -> None:
        if self._working:
            return
        self._error.clear()
        for banner in self._errors.values():
            banner.clear()
        if not self._login.text().strip():
            self._show_error("login", self.tr("Enter the person's login."))
            return
        self._working = True
        self._add_button.setEnabled(False)
        self._busy.show()
        self._tasks.submit(
            partial(
                _add,
                self._services,
                self._login.text(),
                self._name.text(),
                self._email.text(),
                Role(str(self._role.currentData())),
            ),
            self._on_added,
            self._on_failed,
            owner=self,
        )

    def _show_error(self, field: str, message: str) -> None:
        self._errors[field].show_message(message)
        self._fields[field].setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_added(self, user: UserDTO) -> None:
        self._working = False
        self._busy.hide()
        self.user_added.emit(user)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self._working = False
        self._busy.hide()
        self._add_button.setEnabled(True)
        if isinstance(error, ValidationError) and error.field.value in self._errors:
            self._show_error(error.field.value, error.message)
            return
        self._error.show_message(describe(error))
        self._tasks.report_if_bug(error)
