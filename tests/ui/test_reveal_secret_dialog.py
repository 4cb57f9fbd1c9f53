"""The reveal dialog: the secret shown once, stored safely, then gone from every widget."""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from app.services import Services
from app.services.dto import CreatedKey
from app.services.vault import DEFAULT_KEYRING_SERVICE
from app.ui.dialogs import reveal_secret
from app.ui.dialogs.reveal_secret import RevealSecretDialog
from app.ui.secret_clipboard import SecretClipboard
from app.ui.tasks import TaskRunner

OpenDialog = Callable[..., RevealSecretDialog]


@pytest.fixture
def clipboard(host: QWidget) -> Iterator[SecretClipboard]:
    secret_clipboard = SecretClipboard(host, clear_after_seconds=2)
    yield secret_clipboard
    secret_clipboard.clear_now()


@pytest.fixture
def created(ui_services: Services) -> CreatedKey:
    return ui_services.keys.create(
        "Salesforce Data Sync", "Syncs companies to Salesforce nightly. Owner: RevOps."
    )


@pytest.fixture
def open_dialog(host: QWidget, clipboard: SecretClipboard, tasks: TaskRunner) -> OpenDialog:
    def _open(key: CreatedKey) -> RevealSecretDialog:
        dialog = RevealSecretDialog(key, clipboard, tasks, host)
        dialog.open()
        return dialog

    return _open


def child(dialog: QWidget, kind: type, name: str):  # type: ignore[no-untyped-def]
    found = dialog.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name}"
    return found


def click(qtbot, dialog: QWidget, name: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(child(dialog, QPushButton, name), Qt.MouseButton.LeftButton)


def shown(dialog: QWidget, label: str) -> str | None:
    widget = child(dialog, QLabel, label)
    return widget.text() if widget.isVisibleTo(dialog) else None


def widget_texts(widgets: list[QWidget]) -> list[str]:
    texts = []
    for widget in widgets:
        if isinstance(widget, QLineEdit | QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            texts.append(widget.toPlainText())
        texts += [widget.toolTip(), widget.accessibleName(), widget.accessibleDescription()]
    return texts


def test_shows_the_secret_once_with_the_critical_warning(open_dialog, created) -> None:
    dialog = open_dialog(created)

    assert dialog.windowTitle() == "API Key Created Successfully"
    field = child(dialog, QLineEdit, "secretField")
    assert field.text() == created.token.reveal()
    assert field.isReadOnly()
    assert created.token.reveal() not in field.accessibleName()
    warning = child(dialog, QLabel, "secretWarningLabel").text()
    assert "it will only be shown once" in warning
    assert "you cannot retrieve it — create a new key" in warning
    assert child(dialog, QLabel, "keyNameLabel").text() == "Salesforce Data Sync"
    assert child(dialog, QLabel, "keyIdLabel").text() == created.key.key_id
    assert "Never in code repositories, Slack" in child(dialog, QLabel, "storageTipsLabel").text()
    assert not child(dialog, QPushButton, "doneButton").isEnabled()
    assert child(dialog, QLineEdit, "keyringServiceField").text() == DEFAULT_KEYRING_SERVICE
    assert child(dialog, QLineEdit, "keyringUserField").text() == (
        f"Salesforce Data Sync ({created.key.key_id})"
    )


def test_copy_marks_the_clipboard_counts_down_and_clears_it(
    qapp, qtbot, open_dialog, created, clipboard
) -> None:
    dialog = open_dialog(created)
    copy = child(dialog, QPushButton, "copySecretButton")

    with qtbot.waitSignal(clipboard.cleared, timeout=5_000):
        click(qtbot, dialog, "copySecretButton")
        mime = qapp.clipboard().mimeData()
        assert mime.text() == created.token.reveal()
        for marker in (
            "x-kde-passwordManagerHint",
            "application/x-nspasteboard-concealed-type",
            "ExcludeClipboardContentFromMonitorProcessing",
        ):
            assert mime.hasFormat(marker), marker
        assert copy.text() == "Copied — clears in 2 s"
        assert child(dialog, QPushButton, "doneButton").isEnabled()
        qtbot.waitUntil(lambda: copy.text() == "Copied — clears in 1 s", timeout=3_000)

    assert qapp.clipboard().text() == ""
    assert copy.text() == "Copy Again"
    assert shown(dialog, "copyStatusLabel") == "Keyward cleared the secret from the clipboard."


def test_the_clipboard_is_left_alone_once_the_user_copied_something_else(
    qapp, qtbot, open_dialog, created, clipboard
) -> None:
    dialog = open_dialog(created)
    click(qtbot, dialog, "copySecretButton")

    with qtbot.waitSignal(clipboard.cleared, timeout=5_000):
        qapp.clipboard().setText("my own notes")

    assert qapp.clipboard().text() == "my own notes"
    assert "left the clipboard alone" in (shown(dialog, "copyStatusLabel") or "")


@pytest.mark.parametrize(
    ("file_name", "expected"),
    [
        ("salesforce.txt", "{token}\n"),
        ("salesforce.env", "SALESFORCE_DATA_SYNC_API_KEY={token}\n"),
        (".env", "SALESFORCE_DATA_SYNC_API_KEY={token}\n"),
    ],
)
def test_download_writes_a_file_only_the_owner_can_read(
    qtbot, open_dialog, created, tmp_path, monkeypatch, file_name, expected
) -> None:
    target = tmp_path / file_name
    asked: list[str] = []

    def fake_ask(parent: QWidget, suggested: str) -> str:
        asked.append(suggested)
        return str(target)

    monkeypatch.setattr(reveal_secret, "ask_save_path", fake_ask)
    dialog = open_dialog(created)

    click(qtbot, dialog, "downloadSecretButton")

    qtbot.waitUntil(lambda: shown(dialog, "downloadSavedLabel") is not None, timeout=10_000)
    assert str(target) in (shown(dialog, "downloadSavedLabel") or "")
    assert Path(asked[0]).name == "salesforce-data-sync.txt"
    assert target.read_text(encoding="utf-8") == expected.format(token=created.token.reveal())
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert child(dialog, QPushButton, "doneButton").isEnabled()


def test_a_download_that_cannot_be_written_says_why_and_keeps_done_locked(
    qtbot, open_dialog, created, tmp_path, monkeypatch
) -> None:
    missing = tmp_path / "no-such-folder" / "key.txt"
    monkeypatch.setattr(reveal_secret, "ask_save_path", lambda parent, suggested: str(missing))
    dialog = open_dialog(created)

    click(qtbot, dialog, "downloadSecretButton")

    qtbot.waitUntil(lambda: shown(dialog, "downloadErrorLabel") is not None, timeout=10_000)
    assert "does not exist" in (shown(dialog, "downloadErrorLabel") or "")
    assert not missing.exists()
    assert not child(dialog, QPushButton, "doneButton").isEnabled()
    assert child(dialog, QPushButton, "downloadSecretButton").isEnabled()


def test_a_download_never_replaces_an_existing_file(
    qtbot, open_dialog, created, tmp_path, monkeypatch
) -> None:
    existing = tmp_path / ".env"
    existing.write_text("DATABASE_URL=postgres://example\n", encoding="utf-8")
    monkeypatch.setattr(reveal_secret, "ask_save_path", lambda parent, suggested: str(existing))
    dialog = open_dialog(created)

    click(qtbot, dialog, "downloadSecretButton")

    qtbot.waitUntil(lambda: shown(dialog, "downloadErrorLabel") is not None, timeout=10_000)
    assert "already exists" in (shown(dialog, "downloadErrorLabel") or "")
    assert existing.read_text(encoding="utf-8") == "DATABASE_URL=postgres://example\n"


def test_a_cancelled_save_dialog_changes_nothing(qtbot, open_dialog, created, monkeypatch) -> None:
    monkeypatch.setattr(reveal_secret, "ask_save_path", lambda parent, suggested: None)
    dialog = open_dialog(created)

    click(qtbot, dialog, "downloadSecretButton")

    assert shown(dialog, "downloadSavedLabel") is None
    assert shown(dialog, "downloadErrorLabel") is None
    assert not child(dialog, QPushButton, "doneButton").isEnabled()


def _real_keyring_available() -> bool:
    import keyring

    backend = keyring.get_keyring()
    return type(backend).__module__ not in {"keyring.backends.fail", "keyring.backends.null"}


@pytest.mark.skipif(
    not _real_keyring_available(),
    reason="no OS keyring here (the fail/null backend); CI runs an unlocked Secret Service",
)
def test_save_to_keyring_stores_the_secret_in_the_os_keyring(qtbot, open_dialog, created) -> None:
    import keyring

    service = f"keyward-test-{uuid.uuid4().hex[:8]}"
    dialog = open_dialog(created)
    child(dialog, QLineEdit, "keyringServiceField").setText(service)
    user = child(dialog, QLineEdit, "keyringUserField").text()
    try:
        click(qtbot, dialog, "saveToKeyringButton")

        qtbot.waitUntil(lambda: shown(dialog, "keyringSavedLabel") is not None, timeout=20_000)
        assert keyring.get_password(service, user) == created.token.reveal()
        message = shown(dialog, "keyringSavedLabel") or ""
        assert message.startswith("Saved to the OS keyring (")
        assert f"as {service} / {user}" in message
        assert child(dialog, QPushButton, "doneButton").isEnabled()
    finally:
        if keyring.get_password(service, user) is not None:
            keyring.delete_password(service, user)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """A machine without an OS keyring (the real one is exercised in the test above)."""
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_a_keyring_failure_is_one_sentence_in_the_dialog(
    qtbot, open_dialog, created, no_keyring
) -> None:
    dialog = open_dialog(created)

    click(qtbot, dialog, "saveToKeyringButton")

    qtbot.waitUntil(lambda: shown(dialog, "keyringErrorLabel") is not None, timeout=10_000)
    assert "No OS keyring is available" in (shown(dialog, "keyringErrorLabel") or "")
    assert not child(dialog, QPushButton, "doneButton").isEnabled()
    assert child(dialog, QPushButton, "saveToKeyringButton").isEnabled()


def test_keyring_names_must_not_be_empty(qtbot, open_dialog, created) -> None:
    dialog = open_dialog(created)
    child(dialog, QLineEdit, "keyringServiceField").clear()

    click(qtbot, dialog, "saveToKeyringButton")

    qtbot.waitUntil(lambda: shown(dialog, "keyringErrorLabel") is not None, timeout=10_000)
    assert "Give both a keyring service and a user name" in (
        shown(dialog, "keyringErrorLabel") or ""
    )


def test_done_unlocks_when_the_user_says_they_stored_it_elsewhere(
    qtbot, open_dialog, created
) -> None:
    dialog = open_dialog(created)
    done = child(dialog, QPushButton, "doneButton")
    elsewhere = child(dialog, QCheckBox, "storedElsewhereCheck")
    assert not done.isEnabled()

    elsewhere.setChecked(True)
    assert done.isEnabled()
    elsewhere.setChecked(False)
    assert not done.isEnabled()
    elsewhere.setChecked(True)

    with qtbot.waitSignal(dialog.accepted):
        click(qtbot, dialog, "doneButton")


def find_discard_box(dialog: QWidget) -> QMessageBox | None:
    box = dialog.findChild(QMessageBox, "discardSecretBox")
    return box if box is not None and box.isVisible() else None


def test_closing_without_storing_asks_for_confirmation_first(qtbot, open_dialog, created) -> None:
    dialog = open_dialog(created)

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    qtbot.waitUntil(lambda: find_discard_box(dialog) is not None)
    box = find_discard_box(dialog)
    assert box is not None
    assert "can never be shown again" in box.informativeText()
    assert dialog.isVisible()
    qtbot.mouseClick(box.findChild(QPushButton, "keepSecretButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: find_discard_box(dialog) is None)
    assert dialog.isVisible()
    assert child(dialog, QLineEdit, "secretField").text() == created.token.reveal()

    dialog.close()  # the window's close button asks too
    qtbot.waitUntil(lambda: find_discard_box(dialog) is not None)
    box = find_discard_box(dialog)
    assert box is not None
    with qtbot.waitSignal(dialog.rejected):
        qtbot.mouseClick(
            box.findChild(QPushButton, "discardSecretButton"), Qt.MouseButton.LeftButton
        )


def test_asking_again_after_the_question_was_closed_by_its_window_button(
    qtbot, open_dialog, created
) -> None:
    dialog = open_dialog(created)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: find_discard_box(dialog) is not None)
    box = find_discard_box(dialog)
    assert box is not None
    box.close()  # the title bar's close button: same as "Go Back"
    qtbot.waitUntil(lambda: find_discard_box(dialog) is None)
    assert dialog.isVisible()

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    qtbot.waitUntil(lambda: find_discard_box(dialog) is not None)


def test_the_secret_field_selects_the_whole_token_on_focus(qtbot, open_dialog, created) -> None:
    dialog = open_dialog(created)
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    field = child(dialog, QLineEdit, "secretField")

    field.setFocus(Qt.FocusReason.MouseFocusReason)

    qtbot.waitUntil(lambda: field.selectedText() == created.token.reveal())


def test_once_stored_the_dialog_closes_without_asking(qtbot, open_dialog, created) -> None:
    dialog = open_dialog(created)
    click(qtbot, dialog, "copySecretButton")

    with qtbot.waitSignal(dialog.rejected):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)


def test_after_closing_no_widget_holds_the_secret(qtbot, open_dialog, created) -> None:
    token = created.token.reveal()
    dialog = open_dialog(created)
    widgets = dialog.findChildren(QWidget)
    assert token in widget_texts(widgets)  # it was there, in the secret field
    seen_at_close: list[str] = []
    dialog.finished.connect(lambda _result: seen_at_close.extend(widget_texts(widgets)))
    child(dialog, QCheckBox, "storedElsewhereCheck").setChecked(True)

    with qtbot.waitSignal(dialog.finished):
        click(qtbot, dialog, "doneButton")

    assert seen_at_close, "the finished signal carried no widget texts"
    assert not any(token in text for text in seen_at_close)
    assert getattr(dialog, "_token", None) is None
    assert not any(token in text for text in widget_texts(QApplication.allWidgets()))


def test_after_discarding_no_widget_holds_the_secret(qtbot, open_dialog, created) -> None:
    token = created.token.reveal()
    dialog = open_dialog(created)
    widgets = dialog.findChildren(QWidget)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: find_discard_box(dialog) is not None)
    box = find_discard_box(dialog)
    assert box is not None

    with qtbot.waitSignal(dialog.finished):
        qtbot.mouseClick(
            box.findChild(QPushButton, "discardSecretButton"), Qt.MouseButton.LeftButton
        )

    assert not any(token in text for text in widget_texts(widgets))
    assert not any(token in text for text in widget_texts(QApplication.allWidgets()))


def test_a_key_that_replaced_one_under_the_limit_says_so(qtbot, open_dialog, ui_services) -> None:
    ui_services.policy.set_key_limit(1)
    old = ui_services.keys.create("Old Dashboard").key
    new = ui_services.keys.create("New Dashboard", replace_oldest=True)

    dialog = open_dialog(new)

    note = shown(dialog, "revokedUnderPolicyLabel") or ""
    assert "“Old Dashboard”" in note and old.key_id in note and "now revoked" in note


def test_a_create_that_revoked_several_keys_names_every_one(
    qtbot, open_dialog, ui_services
) -> None:
    first = ui_services.keys.create("ETL Nightly").key
    second = ui_services.keys.create("ETL Hourly").key
    ui_services.policy.set_key_limit(1)  # lowering the limit revokes nothing by itself
    new = ui_services.keys.create("ETL Single", replace_oldest=True)

    dialog = open_dialog(new)

    note = shown(dialog, "revokedUnderPolicyLabel") or ""
    for old in (first, second):
        assert f"“{old.name}” ({old.key_id})" in note
    assert "2 of" in note and "now revoked" in note


def test_every_control_has_an_object_and_accessible_name(open_dialog, created) -> None:
    dialog = open_dialog(created)
    for kind in (QLineEdit, QCheckBox, QPushButton):
        for widget in dialog.findChildren(kind):
            assert widget.objectName(), widget
            assert widget.accessibleName(), widget.objectName()
    assert dialog.objectName() == "secretDialog"
    assert dialog.windowModality() is Qt.WindowModality.WindowModal
    assert dialog.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
