"""The password of a server database: asked once, optionally kept in the OS keyring.

Every admin connects with their own database login (DESIGN §3), so a server URL usually
carries a user but no password. The password is read from the OS keyring (service
``keyward-database``, user name = the URL without its password); failing that, a small
dialog asks for it once, offering to remember it in the keyring. It is never written to
the settings file or anywhere else.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.services.database import Address, DatabaseAddress
from app.ui.resources import icon
from app.ui.text import arg
from app.ui.widgets.error_text import mark_error
from app.ui.widgets.lifetime import wait_until_finished

log = logging.getLogger(__name__)

KEYRING_SERVICE = "keyward-database"


@dataclass(frozen=True, slots=True)
class PasswordAnswer:
    password: str = ""
    remember: bool = False

    def __repr__(self) -> str:
        return f"PasswordAnswer(password='********', remember={self.remember})"


def keyring_user(url: Address) -> str:
    """The keyring's user name for ``url``: the URL itself, without any password."""
    return DatabaseAddress.of(url).without_password().render_as_string(hide_password=False)


def saved_password(url: Address) -> str | None:
    """The password remembered for ``url``, or None (also when the keyring is unusable)."""
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, keyring_user(url))
    except Exception as error:  # noqa: BLE001 - D-Bus and platform backends fail in many ways
        log.warning("cannot read the database password from the OS keyring: %s", type(error))
        return None


def save_password(url: Address, password: str) -> str | None:
    """Remember ``password`` for ``url``; returns a sentence for the user if that failed."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, keyring_user(url), password)
    except Exception as error:  # noqa: BLE001 - D-Bus and platform backends fail in many ways
        log.warning("cannot save the database password in the OS keyring: %s", type(error))
        return arg(
            QCoreApplication.translate(
                "DatabaseLogin",
                "The database password was not saved in the OS keyring (%1); Keyward will ask "
                "again next time.",
            ),
            type(error).__name__,
        )
    return None


class DatabasePasswordDialog(QDialog):
    """Asks for one database login's password; shown before the main window exists."""

    def __init__(self, url: Address, reason: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        address = DatabaseAddress.of(url)
        self.setObjectName("databasePasswordDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("Database password"))
        self.setWindowIcon(icon("keyring"))
        self.setAccessibleName(self.tr("Database password"))
        self.setMinimumWidth(440)
        intro = QLabel(
            arg(
                self.tr("Keyward needs the password of <b>%1</b> for %2."),
                _escape(address.username or ""),
                _escape(address.safe),
            ),
            self,
        )
        intro.setWordWrap(True)
        intro.setObjectName("databasePasswordIntro")
        problem = QLabel(reason, self)
        problem.setObjectName("databasePasswordProblem")
        problem.setWordWrap(True)
        mark_error(problem, True)  # red through keyward.qss
        problem.setVisible(bool(reason))
        self.password_field = QLineEdit(self)
        self.password_field.setObjectName("databasePasswordField")
        self.password_field.setAccessibleName(self.tr("Password"))
        self.password_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember_check = QCheckBox(self.tr("Remember in the OS keyring"), self)
        self.remember_check.setObjectName("rememberPasswordCheck")
        self.remember_check.setAccessibleName(self.tr("Remember in the OS keyring"))
        self.remember_check.setToolTip(
            self.tr("Kept by your operating system's keyring, never in Keyward's settings")
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        connect = buttons.button(QDialogButtonBox.StandardButton.Ok)
        connect.setText(self.tr("Connect"))
        connect.setObjectName("connectButton")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("&Password"), self.password_field)
        form.addRow("", self.remember_check)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addWidget(problem)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def answer(self) -> PasswordAnswer:
        return PasswordAnswer(self.password_field.text(), self.remember_check.isChecked())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def ask_password(url: Address, reason: str = "") -> PasswordAnswer | None:
    """Show the dialog and wait for it (no main window or event loop exists yet).

    The dialog is opened with ``open()`` and a local event loop waits for it to finish; tests
    replace this function.
    """
    dialog = DatabasePasswordDialog(url, reason)
    answers: list[PasswordAnswer | None] = []
    # Read the answer as the dialog finishes, while it still exists (it deletes on close).
    dialog.finished.connect(
        lambda result: answers.append(
            dialog.answer() if result == QDialog.DialogCode.Accepted else None
        )
    )
    wait_until_finished(dialog)
    return answers[0] if answers else None
