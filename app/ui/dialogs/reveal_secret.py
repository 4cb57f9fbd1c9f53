"""“API Key Created Successfully”: the one and only time a secret is shown.

The secret can be copied (a clipboard marked secret that clears itself), downloaded (a 0600
file, plain or ``.env``) or saved to the OS keyring. "Done" unlocks once one of those worked
or the user confirms they stored it elsewhere; closing any other way without storing it asks
first. When the dialog closes, the secret is wiped from every widget and the reference to it
is dropped: it cannot be shown again.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Slot
from PySide6.QtGui import QFocusEvent, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.key_format import SecretToken
from app.services.choices import SecretFileFormat
from app.services.dto import CreatedKey, KeyDTO
from app.services.vault import (
    DEFAULT_KEYRING_SERVICE,
    default_keyring_user,
    env_variable_name,
    store_in_keyring,
    write_secret_file,
)
from app.ui.dialogs.common import (
    HEADER_ICON_SIZE,
    FittingDialog,
    hint_label,
    icon_label,
    named,
    title_label,
)
from app.ui.errors import describe
from app.ui.help import Topic, add_help_button
from app.ui.models.formatting import expiry_text
from app.ui.resources import icon
from app.ui.secret_clipboard import SecretClipboard, clear_selection_holding
from app.ui.tasks import TaskRunner
from app.ui.text import arg
from app.ui.widgets.banner import Banner, Tone
from app.ui.widgets.lifetime import alive as is_alive
from app.ui.widgets.lifetime import while_alive

_CONTEXT = "RevealSecretDialog"

#: Friendly names of keyring backends, by the module keyring keeps them in.
_KEYRING_BACKENDS = {
    "SecretService": "SecretService",
    "libsecret": "SecretService",
    "kwallet": "KWallet",
    "macOS": "macOS Keychain",
    "Windows": "Windows Credential Manager",
}


def ask_save_path(parent: QWidget | None, suggested: str) -> str | None:
    """Ask where to save the secret; None if the user cancelled. Tests replace this function.

    The chosen filter decides the extension when the user typed none (.txt or .env).
    """
    text_filter = QCoreApplication.translate("RevealSecretDialog", "Text file (*.txt)")
    env_filter = QCoreApplication.translate("RevealSecretDialog", ".env file (*.env)")
    path, chosen = QFileDialog.getSaveFileName(
        parent,
        QCoreApplication.translate("RevealSecretDialog", "Save the API key secret"),
        suggested,
        f"{text_filter};;{env_filter}",
        "",
        # An existing file is refused by write_secret_file rather than silently replaced:
        # it may be a .env full of other secrets.
        QFileDialog.Option.DontConfirmOverwrite,
    )
    if not path:
        return None
    target = Path(path)
    if not target.suffix and target.name != ".env":
        target = target.with_name(target.name + (".env" if chosen == env_filter else ".txt"))
    return str(target)


def secret_file_format(path: str) -> SecretFileFormat:
    """``.env`` files get ``NAME=token``; anything else the token alone."""
    target = Path(path)
    is_env = target.name == ".env" or target.suffix.lower() == ".env"
    return SecretFileFormat.DOTENV if is_env else SecretFileFormat.TEXT


def suggested_file_name(key_name: str) -> str:
    """``Salesforce Data Sync`` → ``salesforce-data-sync.txt``."""
    words = "".join(ch if ch.isascii() and ch.isalnum() else " " for ch in key_name).split()
    return ("-".join(words).lower() or "api-key") + ".txt"


def keyring_backend_label() -> str:
    """The OS keyring in use, as a person knows it (``SecretService``, ``macOS Keychain``)."""
    import keyring

    backend = keyring.get_keyring()
    chained = getattr(backend, "backends", None)
    if chained:  # keyring's ChainerBackend: the first backend is the one that stores
        backend = chained[0]
    module = type(backend).__module__.rsplit(".", 1)[-1]
    return _KEYRING_BACKENDS.get(module, module)


def _store_in_keyring(service: str, user: str, token: SecretToken) -> str:
    """Job: save and read back the secret; returns the backend's friendly name."""
    store_in_keyring(service, user, token)
    return keyring_backend_label()


def _write_file(path: str, token: SecretToken, key_name: str) -> Path:
    """Job: the 0600 file, written atomically; never over an existing file."""
    return write_secret_file(path, token, fmt=secret_file_format(path), key_name=key_name)


class SecretField(QLineEdit):
    """Read-only, monospace; selects everything on focus so one copy takes the whole token."""

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        # Deferred: the mouse press that gave focus would otherwise reset the selection.
        QTimer.singleShot(0, self, self.selectAll)


class RevealSecretDialog(FittingDialog):
    """Shows a new key's secret once, with ways to store it safely."""

    def __init__(
        self,
        created: CreatedKey,
        clipboard: SecretClipboard,
        tasks: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        # Only the token and the public DTO are kept, never the CreatedKey; both secret
        # holders (this attribute and the field's text) are wiped in done().
        self._token: SecretToken | None = created.token
        self._key: KeyDTO = created.key
        self._clipboard = clipboard
        self._tasks = tasks
        #: How the secret was stored: "copy", "download", "keyring", "elsewhere".
        self._stored: set[str] = set()
        self._discard_confirmed = False
        self._clipboard_connected = False
        self._clipboard_superseded = False
        self._discard_box: QMessageBox | None = None

        self.setObjectName("secretDialog")
        self.setAccessibleName(self.tr("API Key Created Successfully"))
        self.setWindowTitle(self.tr("API Key Created Successfully"))
        self.setWindowIcon(icon("key"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(660)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addLayout(self._build_header())
        revoked = created.revoked_keys or (
            (created.revoked_under_policy,) if created.revoked_under_policy is not None else ()
        )
        if revoked:
            layout.addWidget(self._build_policy_note(revoked))
        warning = Banner.labelled(Tone.ERROR, "secretWarningLabel", self.tr("Shown once"), self)
        warning.show_message(
            self.tr(
                "Copy the secret now: it will only be shown once. If you lose it, you cannot "
                "retrieve it — create a new key."
            )
        )
        layout.addWidget(warning)
        layout.addLayout(self._build_secret_row())
        layout.addWidget(self._build_keyring_group())
        layout.addWidget(self._build_tips())
        self._elsewhere = named(
            QCheckBox(
                self.tr("I stored the secret &elsewhere (password manager, secrets manager)"),
                self,
            ),
            "storedElsewhereCheck",
            self.tr("I stored the secret elsewhere"),
        )
        self._elsewhere.toggled.connect(self._on_elsewhere_toggled)
        layout.addWidget(self._elsewhere)
        layout.addSpacing(6)
        layout.addLayout(self._build_buttons())
        self._update_done()
        self._copy_button.setFocus(Qt.FocusReason.OtherFocusReason)

    # ----------------------------------------------------------------- layout

    def _build_header(self) -> QHBoxLayout:
        header = QHBoxLayout()
        header.setSpacing(12)
        header.addWidget(icon_label("key", HEADER_ICON_SIZE, self), 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout()
        column.setSpacing(6)
        column.addWidget(title_label(self.tr("API Key Created Successfully"), self))
        details = QFormLayout()
        details.setContentsMargins(0, 0, 0, 0)
        details.setHorizontalSpacing(12)
        details.setVerticalSpacing(2)
        key = self._key
        expires = expiry_text(key.expires_at) or self.tr("Never")
        rows = (
            (self.tr("Name"), key.name, "keyNameLabel"),
            (self.tr("Key ID"), key.key_id, "keyIdLabel"),
            (self.tr("Environment"), key.environment, "keyEnvironmentLabel"),
            (self.tr("Owner"), key.owner_name, "keyOwnerLabel"),
            (self.tr("Expires"), expires, "keyExpiresLabel"),
        )
        for caption, value, name in rows:
            value_label = named(QLabel(value, self), name, f"{caption}: {value}")
            value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value_label.setTextFormat(Qt.TextFormat.PlainText)
            caption_label = hint_label(caption, f"{name}Caption", self)
            caption_label.setWordWrap(False)
            details.addRow(caption_label, value_label)
        column.addLayout(details)
        header.addLayout(column, 1)
        return header

    def _build_policy_note(self, revoked: Sequence[KeyDTO]) -> Banner:
        """Names every key the create revoked to stay within the active-key limit."""
        if len(revoked) == 1:
            title = self.tr("Previous key revoked")
            text = self.tr(
                "“%1” (%2), %3's previous key, is now revoked under the active-key "
                "limit. Update any integration that still uses it with this new secret."
            )
            message = arg(text, revoked[0].name, revoked[0].key_id, revoked[0].owner_name)
        else:
            title = self.tr("Previous keys revoked")
            names = ", ".join(f"“{dto.name}” ({dto.key_id})" for dto in revoked)
            text = self.tr(
                "%1 of %2's keys are now revoked under the active-key limit: %3. Update "
                "any integration that still uses them with this new secret."
            )
            message = arg(text, str(len(revoked)), revoked[0].owner_name, names)
        note = Banner.labelled(Tone.INFO, "revokedUnderPolicyLabel", title, self)
        note.show_message(message)
        return note

    def _build_secret_row(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(6)
        self._secret_field = named(SecretField(self), "secretField", self.tr("Secret key"))
        self._secret_field.setReadOnly(True)
        self._secret_field.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        assert self._token is not None
        self._secret_field.setText(self._token.reveal())
        self._secret_field.setCursorPosition(0)
        self._secret_field.ensurePolished()
        # Wide enough to show the whole token without scrolling (style sheet font included).
        width = self._secret_field.fontMetrics().horizontalAdvance(self._token.reveal())
        self._secret_field.setMinimumWidth(width + 32)
        caption = named(
            QLabel(self.tr("&Secret key"), self), "secretCaption", self.tr("Secret key")
        )
        caption.setBuddy(self._secret_field)
        column.addWidget(caption)
        column.addWidget(self._secret_field)

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        self._copy_button = named(
            QPushButton(icon("copy"), self.tr("Copy Secret Key"), self),
            "copySecretButton",
            self.tr("Copy Secret Key"),
        )
        self._copy_button.setAutoDefault(False)
        self._fit_copy_button()
        self._copy_button.clicked.connect(self._copy)
        self._download_button = named(
            QPushButton(icon("download"), self.tr("Download Key…"), self),
            "downloadSecretButton",
            self.tr("Download Key"),
        )
        self._download_button.setAutoDefault(False)
        self._download_button.clicked.connect(self._download)
        buttons.addWidget(self._copy_button)
        buttons.addWidget(self._download_button)
        self._copy_status = hint_label("", "copyStatusLabel", self)
        buttons.addWidget(self._copy_status, 1)
        column.addLayout(buttons)

        self._download_saved = Banner.labelled(
            Tone.INFO,
            "downloadSavedLabel",
            self.tr("Download result"),
            self,
            icon_name="enable",
        )
        self._download_error = Banner.labelled(
            Tone.ERROR, "downloadErrorLabel", self.tr("Download problem"), self
        )
        column.addWidget(self._download_saved)
        column.addWidget(self._download_error)
        return column

    def _fit_copy_button(self) -> None:
        """Room for the longest countdown text, so the row does not jump every second."""
        seconds = max(self._clipboard.clear_after_seconds, 10)
        texts = (
            self.tr("Copy Secret Key"),
            self.tr("Copy Again"),
            arg(self.tr("Copied — clears in %1 s"), seconds),
        )
        metrics = self._copy_button.fontMetrics()
        widest = max(metrics.horizontalAdvance(text) for text in texts)
        self._copy_button.setMinimumWidth(widest + self._copy_button.iconSize().width() + 40)

    def _build_keyring_group(self) -> QGroupBox:
        group = named(
            QGroupBox(self.tr("Save to the OS keyring"), self),
            "keyringGroup",
            self.tr("Save to the OS keyring"),
        )
        layout = QVBoxLayout(group)
        layout.setSpacing(6)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._service_field = named(
            QLineEdit(DEFAULT_KEYRING_SERVICE, group), "keyringServiceField", self.tr("Service")
        )
        self._user_field = named(
            QLineEdit(default_keyring_user(self._key.name, self._key.key_id), group),
            "keyringUserField",
            self.tr("User name"),
        )
        self._user_field.setCursorPosition(0)
        form.addRow(self._buddy(self.tr("Ser&vice"), self._service_field), self._service_field)
        form.addRow(self._buddy(self.tr("&User name"), self._user_field), self._user_field)
        layout.addLayout(form)

        row = QHBoxLayout()
        hint = hint_label(
            self.tr("Programs on this computer read it back by this service and user name."),
            "keyringHintLabel",
            group,
        )
        row.addWidget(hint, 1)
        self._keyring_button = named(
            QPushButton(icon("keyring"), self.tr("Save to Keyring"), group),
            "saveToKeyringButton",
            self.tr("Save to Keyring"),
        )
        self._keyring_button.setAutoDefault(False)
        self._keyring_button.clicked.connect(self._save_to_keyring)
        row.addWidget(self._keyring_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)

        self._keyring_saved = Banner.labelled(
            Tone.INFO,
            "keyringSavedLabel",
            self.tr("Keyring result"),
            group,
            icon_name="enable",
        )
        self._keyring_error = Banner.labelled(
            Tone.ERROR, "keyringErrorLabel", self.tr("Keyring problem"), group
        )
        layout.addWidget(self._keyring_saved)
        layout.addWidget(self._keyring_error)
        return group

    def _buddy(self, text: str, field: QWidget) -> QLabel:
        label = named(QLabel(text, self), f"{field.objectName()}Caption", text.replace("&", ""))
        label.setBuddy(field)
        return label

    def _build_tips(self) -> QLabel:
        tips = "\n".join(
            (
                self.tr("Keep it safe:"),
                "•  "
                + self.tr(
                    "In a password manager (1Password, LastPass) or a secrets manager (AWS "
                    "Secrets Manager, HashiCorp Vault), or an environment variable where the "
                    "integration runs."
                ),
                "•  " + self.tr("Never in code repositories, Slack or other chat, or email."),
                "•  "
                + self.tr(
                    "Write where you stored it in the key's description, so the next admin "
                    "can find it."
                ),
            )
        )
        label = hint_label(tips, "storageTipsLabel", self)
        label.setTextFormat(Qt.TextFormat.PlainText)
        return label

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self._done_hint = hint_label(
            self.tr(
                "Done unlocks once the secret is copied, downloaded or saved, or the box is ticked."
            ),
            "doneHintLabel",
            self,
        )
        row.addWidget(self._done_hint, 1)
        box = named(QDialogButtonBox(self), "secretButtonBox", self.tr("Dialog buttons"))
        self._done_button = named(QPushButton(self.tr("Done"), self), "doneButton", self.tr("Done"))
        self._done_button.setDefault(True)
        box.addButton(self._done_button, QDialogButtonBox.ButtonRole.AcceptRole)
        add_help_button(box, Topic.STORING)
        self._done_button.clicked.connect(self.accept)
        row.addWidget(box)
        return row

    # ----------------------------------------------------------------- storing

    def _mark_stored(self, how: str) -> None:
        self._stored.add(how)
        self._update_done()

    def _update_done(self) -> None:
        stored = bool(self._stored)
        self._done_button.setEnabled(stored)
        self._done_hint.setVisible(not stored)
        self._done_button.setToolTip(
            ""
            if stored
            else self.tr(
                "Copy, download or save the secret first, or tick the box if you stored it "
                "elsewhere."
            )
        )

    @Slot(bool)
    def _on_elsewhere_toggled(self, checked: bool) -> None:
        if checked:
            self._stored.add("elsewhere")
        else:
            self._stored.discard("elsewhere")
        self._update_done()

    @Slot()
    def _copy(self) -> None:
        if self._token is None:
            return
        self._connect_clipboard()
        self._clipboard_superseded = False
        self._copy_status.clear()
        self._clipboard.copy_secret(self._token)
        self._mark_stored("copy")

    def _connect_clipboard(self) -> None:
        # Connected on the first copy only: the shared clipboard may still be counting down
        # another dialog's secret, which this dialog must not report as its own.
        if self._clipboard_connected:
            return
        self._clipboard.countdown.connect(self._on_countdown)
        self._clipboard.superseded.connect(self._on_superseded)
        self._clipboard.cleared.connect(self._on_cleared)
        self._clipboard_connected = True

    def _disconnect_clipboard(self) -> None:
        if not self._clipboard_connected:
            return
        self._clipboard.countdown.disconnect(self._on_countdown)
        self._clipboard.superseded.disconnect(self._on_superseded)
        self._clipboard.cleared.disconnect(self._on_cleared)
        self._clipboard_connected = False

    @Slot(int)
    def _on_countdown(self, seconds: int) -> None:
        text = arg(self.tr("Copied — clears in %1 s"), seconds)
        self._copy_button.setText(text)
        self._copy_button.setAccessibleName(text)

    @Slot()
    def _on_superseded(self) -> None:
        self._clipboard_superseded = True

    @Slot()
    def _on_cleared(self) -> None:
        self._copy_button.setText(self.tr("Copy Again"))
        self._copy_button.setAccessibleName(self.tr("Copy Again"))
        if self._clipboard_superseded:
            text = self.tr("You copied something else, so Keyward left the clipboard alone.")
        else:
            text = self.tr("Keyward cleared the secret from the clipboard.")
        self._copy_status.setText(text)
        self._copy_status.setAccessibleName(text)

    @Slot()
    def _download(self) -> None:
        if self._token is None:
            return
        suggested = str(Path.home() / suggested_file_name(self._key.name))
        path = ask_save_path(self, suggested)
        if not path:
            return
        self._download_saved.clear()
        self._download_error.clear()
        self._download_button.setEnabled(False)
        self._download_button.setText(self.tr("Saving…"))
        self._tasks.submit(
            partial(_write_file, path, self._token, self._key.name),
            self._on_downloaded,
            self._on_download_failed,
            owner=self,
        )

    def _end_download(self) -> None:
        self._download_button.setEnabled(True)
        self._download_button.setText(self.tr("Download Key…"))

    @Slot(object)
    def _on_downloaded(self, path: Path) -> None:
        self._end_download()
        only_you = sys.platform != "win32"
        if secret_file_format(str(path)) is SecretFileFormat.DOTENV:
            text = arg(self.tr("Saved to %1 as %2."), path, env_variable_name(self._key.name))
        else:
            text = arg(self.tr("Saved to %1."), path)
        if only_you:
            text += " " + self.tr("Only you can read the file.")
        self._download_saved.show_message(text)
        self._mark_stored("download")

    @Slot(object)
    def _on_download_failed(self, error: BaseException) -> None:
        self._end_download()
        self._download_error.show_message(describe(error))
        self._tasks.report_if_bug(error)

    @Slot()
    def _save_to_keyring(self) -> None:
        if self._token is None:
            return
        service, user = self._service_field.text().strip(), self._user_field.text().strip()
        self._keyring_saved.clear()
        self._keyring_error.clear()
        self._set_keyring_busy(True)
        self._tasks.submit(
            partial(_store_in_keyring, service, user, self._token),
            partial(self._on_keyring_saved, service=service, user=user),
            self._on_keyring_failed,
            owner=self,
        )

    def _set_keyring_busy(self, busy: bool) -> None:
        for widget in (self._service_field, self._user_field, self._keyring_button):
            widget.setEnabled(not busy)
        self._keyring_button.setText(self.tr("Saving…") if busy else self.tr("Save to Keyring"))

    def _on_keyring_saved(self, backend: str, *, service: str, user: str) -> None:
        self._set_keyring_busy(False)
        self._keyring_saved.show_message(
            arg(self.tr("Saved to the OS keyring (%1) as %2 / %3."), backend, service, user)
        )
        self._mark_stored("keyring")

    @Slot(object)
    def _on_keyring_failed(self, error: BaseException) -> None:
        self._set_keyring_busy(False)
        self._keyring_error.show_message(describe(error))
        self._tasks.report_if_bug(error)

    # ----------------------------------------------------------------- closing

    def reject(self) -> None:
        """Esc, the window's close button: ask first unless the secret was stored."""
        if self._stored or self._discard_confirmed or self._token is None:
            super().reject()
        else:
            self._ask_discard()

    def _ask_discard(self) -> None:
        if self._discard_box is not None and is_alive(self._discard_box):
            self._discard_box.raise_()  # already asking
            return
        box = named(
            QMessageBox(self), "discardSecretBox", self.tr("Close without storing the secret?")
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Close without storing the secret?"))
        box.setText(self.tr("Close without storing the secret?"))
        box.setInformativeText(
            arg(
                self.tr(
                    "The secret of “%1” can never be shown again. Without it, the key is "
                    "useless and you will have to create a new one."
                ),
                self._key.name,
            )
        )
        discard = named(
            box.addButton(self.tr("Close and Lose Secret"), QMessageBox.ButtonRole.DestructiveRole),
            "discardSecretButton",
            self.tr("Close and lose the secret"),
        )
        keep = named(
            box.addButton(self.tr("Go Back"), QMessageBox.ButtonRole.RejectRole),
            "keepSecretButton",
            self.tr("Go back to the secret"),
        )
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.buttonClicked.connect(
            while_alive(self, partial(self._on_discard_answer, discard_button=discard))
        )
        # Closed by its window button, the box emits no buttonClicked; finished always comes.
        box.finished.connect(while_alive(self, self._forget_discard_box))
        self._discard_box = box
        box.open()

    @Slot(int)
    def _forget_discard_box(self, _result: int) -> None:
        self._discard_box = None

    def _on_discard_answer(self, clicked: QAbstractButton, *, discard_button: QPushButton) -> None:
        if clicked is discard_button:
            self._discard_confirmed = True
            self.reject()

    def done(self, result: int) -> None:
        self._wipe()
        super().done(result)

    def _wipe(self) -> None:
        """Forget the secret: the field's text, the token, the X11 selection if it holds it."""
        if self._token is not None:
            clear_selection_holding(self._token)
        self._secret_field.setText("")
        self._token = None
        self._disconnect_clipboard()
