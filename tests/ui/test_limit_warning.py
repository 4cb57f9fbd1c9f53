"""The key-limit warning names every key a create will revoke, and the confirmation revokes all."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWidget

from app.domain.policy import REASON_POLICY_LIMIT
from app.domain.status import KeyStatus
from app.services import Services
from app.services.dto import CreatedKey
from app.ui.dialogs.create_key import CreateKeyDialog
from app.ui.operations import KeyOperations
from app.ui.tasks import TaskRunner
from tests.ui.support import WAIT_MS


def child(widget: QWidget, kind: type, name: str) -> Any:
    found = widget.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name}"
    return found


def open_dialog(qtbot: Any, services: Services, tasks: TaskRunner, host: QWidget) -> Any:
    operations = KeyOperations(services, tasks, host)
    dialog = CreateKeyDialog(services, tasks, host, operations=operations)
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT_MS):
        dialog.open()
    return dialog, operations


def test_with_a_limit_of_2_and_3_active_keys_the_warning_names_both_keys_it_revokes(
    qtbot, ui_services, tasks, host
) -> None:
    first = ui_services.keys.create("Salesforce Sync").key
    second = ui_services.keys.create("HubSpot Sync").key
    newest = ui_services.keys.create("Looker Reporting").key
    ui_services.policy.set_key_limit(2)  # lowering the limit revokes nothing by itself
    assert ui_services.keys.get(first.key_id).status is KeyStatus.ACTIVE

    dialog, operations = open_dialog(qtbot, ui_services, tasks, host)
    changed: list[str] = []
    operations.key_changed.connect(lambda dto: changed.append(dto.key_id))
    warning = child(dialog, QLabel, "policyWarningLabel")
    qtbot.wait_until(lambda: warning.isVisibleTo(dialog), timeout=WAIT_MS)

    text = warning.text()
    assert "will revoke your 2 oldest active keys" in text
    assert f"“Salesforce Sync” ({first.key_id})" in text
    assert f"“HubSpot Sync” ({second.key_id})" in text
    assert "Looker Reporting" not in text and newest.key_id not in text
    assert "at most 2 active keys per user" in text

    qtbot.keyClicks(child(dialog, QLineEdit, "nameField"), "Snowflake ETL")
    qtbot.mouseClick(child(dialog, QPushButton, "createButton"), Qt.MouseButton.LeftButton)
    confirm = child(dialog, QPushButton, "confirmRevokeButton")
    qtbot.wait_until(lambda: confirm.isVisibleTo(dialog), timeout=WAIT_MS)

    # The first click revoked nothing; the confirmation names every key.
    assert confirm.text() == "Revoke 2 keys and create"
    assert dialog.keys_to_revoke == (first.key_id, second.key_id)
    assert f"“Salesforce Sync” ({first.key_id})" in warning.text()
    assert f"“HubSpot Sync” ({second.key_id})" in warning.text()
    assert ui_services.keys.get(first.key_id).status is KeyStatus.ACTIVE
    assert ui_services.keys.get(second.key_id).status is KeyStatus.ACTIVE

    with qtbot.waitSignal(dialog.key_created, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(confirm, Qt.MouseButton.LeftButton)
    created = blocker.args[0]
    assert isinstance(created, CreatedKey)

    for key in (first, second):
        revoked = ui_services.keys.get(key.key_id)
        assert revoked.status is KeyStatus.REVOKED
        assert revoked.revoked_reason == REASON_POLICY_LIMIT
    assert ui_services.keys.get(newest.key_id).status is KeyStatus.ACTIVE
    assert ui_services.keys.get(created.key.key_id).status is KeyStatus.ACTIVE
    # Every screen hears of both revoked keys.
    qtbot.wait_until(lambda: {first.key_id, second.key_id} <= set(changed), timeout=WAIT_MS)


def test_an_owner_under_the_limit_gets_no_warning(qtbot, ui_services, tasks, host) -> None:
    ui_services.keys.create("Salesforce Sync")
    ui_services.policy.set_key_limit(2)
    dialog, _operations = open_dialog(qtbot, ui_services, tasks, host)
    warning = child(dialog, QLabel, "policyWarningLabel")
    qtbot.wait_until(lambda: not dialog._policy_task.active, timeout=WAIT_MS)
    assert not warning.isVisibleTo(dialog)


def test_a_maximum_lifetime_requires_an_expiry_within_it(qtbot, ui_services, tasks, host) -> None:
    ui_services.policy.set_max_lifetime(30)
    dialog, _operations = open_dialog(qtbot, ui_services, tasks, host)
    no_expiry = child(dialog, QWidget, "noExpiryCheck")
    assert not no_expiry.isEnabled() and not no_expiry.isChecked()
    assert not child(dialog, QPushButton, "expiry90Button").isEnabled()
    assert "within 30 days" in child(dialog, QLabel, "expiryTipLabel").text()

    qtbot.keyClicks(child(dialog, QLineEdit, "nameField"), "Contractor Pilot")
    with qtbot.waitSignal(dialog.key_created, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(child(dialog, QPushButton, "createButton"), Qt.MouseButton.LeftButton)
    key = blocker.args[0].key
    today = ui_services.clock().date()
    assert key.expires_at is not None
    assert 0 < (key.expires_at.date() - today).days <= 31
