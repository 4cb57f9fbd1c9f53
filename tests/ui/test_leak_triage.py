"""Find leaked keys: paste a paragraph, see our keys in it, revoke them, and forget the text."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit, QPushButton, QTableView

from app.domain.key_format import checksum, encode_base62, new_key_id
from app.domain.roles import Role
from app.domain.status import KeyStatus
from app.services import Services
from app.services.dto import CreatedKey, KeyDTO
from app.ui.dialogs.leak_triage import Column, LeakTriageDialog, TriageResultsModel
from app.ui.operations import KeyOperations
from tests.ui.support import WAIT_MS, wait_closed
from tests.ui.test_no_secret_left import database_bytes, everything_on_screen


def forged(key_id: str) -> str:
    """A token for ``key_id`` with a made-up secret and a valid checksum: shaped right, not real."""
    body = f"kw_live_{key_id}_{encode_base62(12345678901234567890, 27)}"
    return body + checksum(body)


def paragraph(first: CreatedKey, second: CreatedKey, bare: KeyDTO, *others: str) -> str:
    return (
        "Hi team, I found these in the #deploys channel this morning:\n"
        f"  SALESFORCE_TOKEN={first.token.reveal()}\n"
        f"and in a stack trace: Authorization: Bearer {second.token.reveal()} (HTTP 401)\n"
        f"Also the old key {bare.key_id} is mentioned in the runbook, and someone pasted "
        f"{' and '.join(others)} which I do not recognise. Garbage: kw_live_abc_def.\n"
    )


def open_dialog(qtbot: Any, host: Any, services: Services, tasks: Any) -> LeakTriageDialog:
    operations = KeyOperations(services, tasks, host)
    dialog = LeakTriageDialog(services, tasks, operations, host)
    dialog.open()
    qtbot.wait_until(lambda: dialog._operator is not None, timeout=WAIT_MS)
    return dialog


def paste(qtbot: Any, dialog: LeakTriageDialog, text: str) -> None:
    """Paste ``text`` the way a person does: through the clipboard, then wait for the search."""
    field = dialog.findChild(QPlainTextEdit, "triageTextField")
    QApplication.clipboard().setText(text)
    field.setFocus()
    field.paste()
    QApplication.clipboard().clear()


def results(dialog: LeakTriageDialog) -> dict[str, dict[str, str]]:
    table = dialog.findChild(QTableView, "triageResultsTable")
    model = table.model()
    assert isinstance(model, TriageResultsModel)
    return {
        model.index(row, Column.KEY_ID).data(): {
            column.name: model.index(row, column).data() for column in Column
        }
        for row in range(model.rowCount())
    }


def test_triage_finds_two_tokens_in_a_paragraph_and_revokes_them(
    qtbot: Any, host: Any, ui_services: Services, tasks: Any, accept_confirmations: list[str]
) -> None:
    first = ui_services.keys.create("Salesforce Data Sync", "CRM sync.")
    second = ui_services.keys.create("Looker Dashboards", "Dashboards.")
    bare = ui_services.keys.create("Snowflake ETL", "Nightly.").key
    untouched = ui_services.keys.create("Gong Call Sync", "Calls.").key
    wrong_id = ui_services.keys.create("Zapier Forms", "Forms.").key.key_id
    ghost_id = new_key_id()
    dialog = open_dialog(qtbot, host, ui_services, tasks)
    field = dialog.findChild(QPlainTextEdit, "triageTextField")
    assert field.placeholderText() == "Paste a log excerpt, chat message or config file…"

    paste(qtbot, dialog, paragraph(first, second, bare, forged(wrong_id), forged(ghost_id)))
    qtbot.wait_until(lambda: len(results(dialog)) == 5, timeout=WAIT_MS)  # find-as-you-paste
    found = results(dialog)
    assert found[first.key.key_id]["NAME"] == "Salesforce Data Sync"
    assert found[first.key.key_id]["SECRET"] == "Yes"
    assert found[first.key.key_id]["KIND"] == "Token"
    assert found[first.key.key_id]["STATUS"] == "Active"
    assert found[second.key.key_id]["SECRET"] == "Yes"
    assert found[bare.key_id]["SECRET"] == "—"
    assert found[bare.key_id]["KIND"] == "Key id"
    assert found[wrong_id]["SECRET"] == "No"  # our key's id, but not its secret
    assert found[ghost_id]["NAME"] == "Not a key in this database"
    assert found[ghost_id]["SECRET"] == "—"
    assert untouched.key_id not in found
    summary = dialog.findChild(QLabel, "triageSummaryLabel").text()
    assert summary == (
        "Found 4 Keyward tokens and 1 bare key id: 2 real secrets (leaked), 1 wrong secret, "
        "1 not a key here."
    )
    # The two real leaks are selected, ready to revoke.
    selected = {match.key_id for match in dialog.selected_matches()}
    assert selected == {first.key.key_id, second.key.key_id}

    operations = dialog._operations
    announced: list[KeyDTO] = []
    operations.key_changed.connect(announced.append)
    revoke = dialog.findChild(QPushButton, "revokeFoundButton")
    assert revoke.text() == "Revoke selected…" and revoke.isEnabled()
    qtbot.mouseClick(revoke, Qt.MouseButton.LeftButton)
    assert len(accept_confirmations) == 1
    assert "“Salesforce Data Sync”" in accept_confirmations[0]
    assert "“Looker Dashboards”" in accept_confirmations[0]
    qtbot.wait_until(lambda: len(announced) == 2, timeout=WAIT_MS)  # every screen hears it

    for key_id in (first.key.key_id, second.key.key_id):
        stored = ui_services.keys.get(key_id)
        assert stored.status is KeyStatus.REVOKED and stored.revoked_reason == "leaked"
    for key_id in (bare.key_id, untouched.key_id, wrong_id):
        assert ui_services.keys.get(key_id).status is KeyStatus.ACTIVE
    assert results(dialog)[first.key.key_id]["STATUS"] == "Revoked"
    message = dialog.findChild(QLabel, "triageMessageLabel")
    assert message.text() == "Revoked 2 keys with the reason “leaked”."
    assert not revoke.isEnabled()  # nothing revocable is selected any more

    qtbot.mouseClick(dialog.findChild(QPushButton, "closeButton"), Qt.MouseButton.LeftButton)
    wait_closed(qtbot, dialog)


def test_an_auditor_sees_the_keys_found_but_cannot_revoke_them(
    qtbot: Any, host: Any, ui_services: Services, open_as: Any, tasks: Any
) -> None:
    created = ui_services.keys.create("Salesforce Data Sync", "CRM sync.")
    auditor = open_as("audrey", Role.AUDITOR)
    dialog = open_dialog(qtbot, host, auditor, tasks)
    paste(qtbot, dialog, f"token: {created.token.reveal()}")
    qtbot.wait_until(lambda: len(results(dialog)) == 1, timeout=WAIT_MS)
    assert results(dialog)[created.key.key_id]["SECRET"] == "Yes"
    revoke = dialog.findChild(QPushButton, "revokeFoundButton")
    assert not revoke.isEnabled()
    assert revoke.toolTip() == (
        "Your role (Auditor) can read keys but not change them: ask a manager or an admin "
        "to revoke the keys found."
    )
    dialog.reject()
    wait_closed(qtbot, dialog)


def test_a_member_may_revoke_own_keys_only(
    qtbot: Any, host: Any, ui_services: Services, open_as: Any, tasks: Any
) -> None:
    theirs = ui_services.keys.create("Admin's key", "")
    member = open_as("maria", Role.MEMBER)
    own = member.keys.create("Maria's key", "")
    dialog = open_dialog(qtbot, host, member, tasks)
    paste(qtbot, dialog, f"{theirs.token.reveal()} {own.token.reveal()}")
    # A member sees only their own keys: the admin's token is "not a key here" for them.
    qtbot.wait_until(lambda: len(results(dialog)) == 2, timeout=WAIT_MS)
    assert results(dialog)[theirs.key.key_id]["NAME"] == "Not a key in this database"
    assert {match.key_id for match in dialog.selected_matches()} == {own.key.key_id}
    revoke = dialog.findChild(QPushButton, "revokeFoundButton")
    assert revoke.isEnabled()
    dialog.table.selectRow(0)  # the admin's key alone: nothing of theirs to revoke
    assert not revoke.isEnabled()
    dialog.reject()
    wait_closed(qtbot, dialog)


def test_no_pasted_secret_is_left_anywhere_afterwards(
    qtbot: Any,
    make_window: Any,
    ui_services: Services,
    settings_dir: Path,
    accept_confirmations: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    first = ui_services.keys.create("Salesforce Data Sync", "CRM sync.")
    second = ui_services.keys.create("Looker Dashboards", "Dashboards.")
    tokens = [first.token.reveal(), second.token.reveal()]
    secrets = [token.split("_")[3] for token in tokens]
    window = make_window(ui_services)
    dialog = LeakTriageDialog(ui_services, window._tasks, window.operations, window)
    dialog.open()
    text = f"leaked: {tokens[0]}\nand {tokens[1]}\n"
    paste(qtbot, dialog, text)
    qtbot.wait_until(lambda: len(results(dialog)) == 2, timeout=WAIT_MS)
    field = dialog.findChild(QPlainTextEdit, "triageTextField")
    assert tokens[0] in everything_on_screen()  # in the field, while the dialog is open
    assert not field.document().isUndoAvailable()  # no undo stack keeps a copy
    qtbot.wait_until(
        lambda: dialog.findChild(QPushButton, "revokeFoundButton").isEnabled(), timeout=WAIT_MS
    )
    dialog.findChild(QPushButton, "revokeFoundButton").click()
    # The main window's table shows the revocation too (KeyOperations announced it).
    model = window.keys.model
    qtbot.wait_until(
        lambda: all(
            model.key_at(model.row_of(created.key.key_id)).status is KeyStatus.REVOKED
            for created in (first, second)
        ),
        timeout=WAIT_MS,
    )
    dialog.findChild(QPushButton, "closeButton").click()
    wait_closed(qtbot, dialog)

    on_screen = everything_on_screen()
    for secret in (*tokens, *secrets):
        assert secret not in on_screen
    assert first.key.masked in on_screen  # the table is there, it just holds no secret
    window.discard_and_close()
    for path in settings_dir.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert not any(secret.encode() in content for secret in secrets), path
    stored = database_bytes(ui_services)
    assert first.key.key_id.encode() in stored  # the right file
    assert b"leaked" in stored  # the revocation's reason, in the audit trail
    assert not any(secret.encode() in stored for secret in secrets)
    logged = "\n".join(record.getMessage() for record in caplog.records) + caplog.text
    assert not any(secret in logged for secret in secrets)
