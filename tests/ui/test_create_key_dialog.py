"""The create dialog, driven by object names against a real SQLite database."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)

from app.domain.hashing import TokenHasher
from app.domain.policy import REASON_POLICY_LIMIT
from app.domain.status import KeyStatus
from app.services import Services, open_services
from app.services.dto import CreatedKey
from app.ui.dialogs.create_key import CreateKeyDialog
from app.ui.tasks import TaskRunner

OpenDialog = Callable[..., CreateKeyDialog]


@pytest.fixture
def open_dialog(qtbot, host: QWidget, tasks: TaskRunner, ui_services: Services) -> OpenDialog:  # type: ignore[no-untyped-def]
    def _open(services: Services | None = None, *, wait_loaded: bool = True) -> CreateKeyDialog:
        dialog = CreateKeyDialog(services or ui_services, tasks, host)
        if wait_loaded:
            with qtbot.waitSignal(dialog.loaded, timeout=10_000):
                dialog.open()
        else:
            dialog.open()
        return dialog

    return _open


@pytest.fixture
def open_as(ui_services: Services, fast_hasher: TokenHasher) -> Iterator[Callable[[str], Services]]:
    """Services on the same database for another Keyward user."""
    opened: list[Services] = []
    url = ui_services.engine.url.render_as_string(hide_password=False)

    def _open(login: str) -> Services:
        services = open_services(url, hasher=fast_hasher, operator_login=login)
        opened.append(services)
        return services

    yield _open
    for services in opened:
        services.close()


def child(dialog: QWidget, kind: type, name: str):  # type: ignore[no-untyped-def]
    found = dialog.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name}"
    return found


def click(qtbot, dialog: QWidget, name: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(child(dialog, QPushButton, name), Qt.MouseButton.LeftButton)


def type_text(widget: QWidget, text: str) -> None:
    """Key events one character at a time (qtbot.keyClicks aborts on non-ASCII text)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def error_text(dialog: QWidget, field: str) -> str | None:
    label = child(dialog, QLabel, f"{field}ErrorLabel")
    return label.text() if label.isVisibleTo(dialog) else None


def create(qtbot, dialog: CreateKeyDialog, button: str = "createButton") -> CreatedKey:  # type: ignore[no-untyped-def]
    with (
        qtbot.waitSignal(dialog.accepted, timeout=10_000),
        qtbot.waitSignal(dialog.key_created, timeout=10_000) as blocker,
    ):
        click(qtbot, dialog, button)
    created = blocker.args[0]
    assert isinstance(created, CreatedKey)
    return created


def key_count(services: Services) -> int:
    return len(services.keys.page().rows)


def test_creates_the_key_and_hands_over_the_secret(qtbot, open_dialog, ui_services) -> None:
    dialog = open_dialog()
    qtbot.keyClicks(child(dialog, QLineEdit, "nameField"), "Salesforce Data Sync")
    qtbot.keyClicks(
        child(dialog, QPlainTextEdit, "descriptionField"),
        "Syncs companies to Salesforce nightly. Owner: RevOps.",
    )

    created = create(qtbot, dialog)

    rows = ui_services.keys.page().rows
    assert [row.key_id for row in rows] == [created.key.key_id]
    assert rows[0].name == "Salesforce Data Sync"
    assert rows[0].description == "Syncs companies to Salesforce nightly. Owner: RevOps."
    assert rows[0].status is KeyStatus.ACTIVE
    assert rows[0].environment == "live"
    assert rows[0].expires_at is None
    assert created.token.reveal().startswith(f"kw_live_{created.key.key_id}_")


def test_ctrl_enter_in_the_description_creates_the_key(qtbot, open_dialog, ui_services) -> None:
    # Enter in the description starts a new line; Ctrl+Enter creates, as Enter does from the
    # name field, and adds no line to the description.
    dialog = open_dialog()
    qtbot.keyClicks(child(dialog, QLineEdit, "nameField"), "Snowflake ETL")
    description = child(dialog, QPlainTextEdit, "descriptionField")
    qtbot.keyClicks(description, "Loads the warehouse nightly.")
    qtbot.keyClick(description, Qt.Key.Key_Return)
    qtbot.keyClicks(description, "Owner: Data team.")
    assert key_count(ui_services) == 0  # Enter alone created nothing
    with (
        qtbot.waitSignal(dialog.accepted, timeout=10_000),
        qtbot.waitSignal(dialog.key_created, timeout=10_000),
    ):
        qtbot.keyClick(description, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    (row,) = ui_services.keys.page().rows
    assert row.name == "Snowflake ETL"
    assert row.description == "Loads the warehouse nightly.\nOwner: Data team."


def test_ctrl_enter_never_takes_the_revoking_second_step(
    qtbot, open_dialog, ui_services, tasks
) -> None:
    ui_services.policy.set_key_limit(1)
    old = ui_services.keys.create("Old Dashboard").key
    dialog = open_dialog()
    name = child(dialog, QLineEdit, "nameField")
    qtbot.keyClicks(name, "New Dashboard")
    qtbot.keyClick(name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    confirm = child(dialog, QPushButton, "confirmRevokeButton")
    qtbot.waitUntil(lambda: confirm.isVisibleTo(dialog), timeout=10_000)
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        qtbot.keyClick(name, key, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(name, key)
    # A click on either button starts its job at once: none was started, none is running.
    qtbot.waitUntil(lambda: tasks.pending == 0, timeout=10_000)
    assert ui_services.keys.get(old.key_id).status is KeyStatus.ACTIVE
    assert key_count(ui_services) == 1
    assert dialog.isVisible()


def test_a_name_with_non_ascii_characters_is_kept_as_typed(qtbot, open_dialog) -> None:
    dialog = open_dialog()
    type_text(child(dialog, QLineEdit, "nameField"), "HubSpot Sync – Prod")

    created = create(qtbot, dialog)

    assert created.key.name == "HubSpot Sync – Prod"


def test_quick_expiry_and_environment_choices(qtbot, open_dialog, ui_services) -> None:
    dialog = open_dialog()
    qtbot.keyClicks(child(dialog, QLineEdit, "nameField"), "Contractor Pilot")
    environment = child(dialog, QComboBox, "environmentField")
    assert environment.currentText() == "live"
    assert [environment.itemText(i) for i in range(environment.count())] == ["live", "test"]
    environment.setCurrentIndex(environment.findText("test"))
    assert child(dialog, QCheckBox, "noExpiryCheck").isChecked()

    click(qtbot, dialog, "expiry30Button")

    today = ui_services.context.clock().date()
    assert not child(dialog, QCheckBox, "noExpiryCheck").isChecked()
    assert child(dialog, QDateEdit, "expiryField").date().toPython() == today + timedelta(30)
    assert "30 days from today" in child(dialog, QLabel, "expirySummaryLabel").text()
    created = create(qtbot, dialog)
    assert created.key.environment == "test"
    assert created.key.expires_on == (today + timedelta(30)).isoformat()


def test_none_quick_choice_means_no_expiry(qtbot, open_dialog) -> None:
    dialog = open_dialog()
    click(qtbot, dialog, "expiry90Button")
    assert child(dialog, QDateEdit, "expiryField").isEnabled()

    click(qtbot, dialog, "expiryNoneButton")

    assert child(dialog, QCheckBox, "noExpiryCheck").isChecked()
    assert not child(dialog, QDateEdit, "expiryField").isEnabled()
    assert "never expires" in child(dialog, QLabel, "expirySummaryLabel").text()


def test_an_empty_name_is_refused_inline(qtbot, open_dialog, ui_services) -> None:
    dialog = open_dialog()
    qtbot.keyClicks(child(dialog, QPlainTextEdit, "descriptionField"), "Pulls data nightly.")

    click(qtbot, dialog, "createButton")

    assert "Enter a name" in (error_text(dialog, "name") or "")
    assert dialog.focusWidget() is child(dialog, QLineEdit, "nameField")
    assert dialog.isVisible()
    assert key_count(ui_services) == 0
    # Nothing typed is lost, and the message goes once the name is there.
    assert child(dialog, QPlainTextEdit, "descriptionField").toPlainText() == "Pulls data nightly."
    qtbot.keyClicks(child(dialog, QLineEdit, "nameField"), "Snowflake ETL")
    assert error_text(dialog, "name") is None


def test_a_name_over_100_characters_is_flagged_while_typing(
    qtbot, open_dialog, ui_services
) -> None:
    dialog = open_dialog()
    name_field = child(dialog, QLineEdit, "nameField")

    qtbot.keyClicks(name_field, "a" * 101)

    assert "101 characters" in (error_text(dialog, "name") or "")
    click(qtbot, dialog, "createButton")
    assert key_count(ui_services) == 0
    assert name_field.text() == "a" * 101
    name_field.backspace()
    assert error_text(dialog, "name") is None


def test_the_description_counts_characters_up_to_2000(qtbot, open_dialog, ui_services) -> None:
    dialog = open_dialog()
    counter = child(dialog, QLabel, "descriptionCounter")
    assert counter.text() == "0 / 2000"
    qtbot.keyClicks(child(dialog, QLineEdit, "nameField"), "Looker Reporting Integration")

    child(dialog, QPlainTextEdit, "descriptionField").setPlainText("x" * 2001)

    assert counter.text() == "2001 / 2000"
    assert "2001 characters" in (error_text(dialog, "description") or "")
    click(qtbot, dialog, "createButton")
    assert key_count(ui_services) == 0


def test_a_past_expiry_date_is_refused(qtbot, open_dialog, ui_services) -> None:
    dialog = open_dialog()
    expiry = child(dialog, QDateEdit, "expiryField")
    today = ui_services.context.clock().date()
    yesterday = QDate(today - timedelta(days=1))
    child(dialog, QCheckBox, "noExpiryCheck").setChecked(False)
    expiry.setDate(yesterday)
    assert expiry.date().toPython() == today  # the picker offers no day before today

    # The dialog stayed open past midnight: the day it offered is now in the past.
    expiry.setMinimumDate(yesterday)
    expiry.setDate(yesterday)
    qtbot.keyClicks(child(dialog, QLineEdit, "nameField"), "Custom Dashboard API")
    click(qtbot, dialog, "createButton")

    assert "in the past" in (error_text(dialog, "expires") or "")
    assert dialog.focusWidget() is expiry
    assert key_count(ui_services) == 0


def test_the_services_refusal_is_shown_under_its_field(qtbot, open_dialog, ui_services) -> None:
    ui_services.keys.create("Snowflake ETL")
    dialog = open_dialog()
    qtbot.keyClicks(child(dialog, QLineEdit, "nameField"), "snowflake etl")
    qtbot.keyClicks(child(dialog, QPlainTextEdit, "descriptionField"), "Nightly ETL.")

    click(qtbot, dialog, "createButton")

    qtbot.waitUntil(lambda: error_text(dialog, "name") is not None, timeout=10_000)
    assert "already has a key named" in (error_text(dialog, "name") or "")
    assert child(dialog, QLineEdit, "nameField").text() == "snowflake etl"
    assert child(dialog, QPlainTextEdit, "descriptionField").toPlainText() == "Nightly ETL."
    assert child(dialog, QPushButton, "createButton").isEnabled()
    assert key_count(ui_services) == 1


def test_at_the_key_limit_the_oldest_key_is_revoked_only_after_a_second_click(
    qtbot, open_dialog, ui_services
) -> None:
    ui_services.policy.set_key_limit(1)
    old = ui_services.keys.create("Old Dashboard").key
    dialog = open_dialog()
    warning = child(dialog, QLabel, "policyWarningLabel")

    # Warned up front, before any click.
    qtbot.waitUntil(lambda: warning.isVisibleTo(dialog), timeout=10_000)
    assert "will revoke your existing key “Old Dashboard”" in warning.text()
    assert old.key_id in warning.text()

    qtbot.keyClicks(child(dialog, QLineEdit, "nameField"), "New Dashboard")
    click(qtbot, dialog, "createButton")
    confirm = child(dialog, QPushButton, "confirmRevokeButton")
    qtbot.waitUntil(lambda: confirm.isVisibleTo(dialog), timeout=10_000)

    # The first click changed nothing but the button.
    assert confirm.text() == "Revoke “Old Dashboard” and create"
    assert not child(dialog, QPushButton, "createButton").isVisibleTo(dialog)
    assert not confirm.isDefault() and not confirm.autoDefault()
    assert ui_services.keys.get(old.key_id).status is KeyStatus.ACTIVE
    assert key_count(ui_services) == 1

    created = create(qtbot, dialog, "confirmRevokeButton")

    revoked = ui_services.keys.get(old.key_id)
    assert revoked.status is KeyStatus.REVOKED
    assert revoked.revoked_reason == REASON_POLICY_LIMIT
    assert created.revoked_under_policy is not None
    assert created.revoked_under_policy.key_id == old.key_id
    assert ui_services.keys.get(created.key.key_id).status is KeyStatus.ACTIVE


def test_the_owner_choice_is_hidden_from_a_member(qtbot, open_dialog, ui_services, open_as) -> None:
    ui_services.users.add("maria", role="member", display_name="Maria Rossi")
    dialog = open_dialog(open_as("maria"))

    assert not child(dialog, QComboBox, "ownerField").isVisibleTo(dialog)
    qtbot.keyClicks(child(dialog, QLineEdit, "nameField"), "Maria's Sync")
    created = create(qtbot, dialog)
    assert created.key.owner_login == "maria"


def test_an_admin_may_create_a_key_for_another_active_user(qtbot, open_dialog, ui_services) -> None:
    me = ui_services.users.me().login
    ui_services.users.add("maria", role="member", display_name="Maria Rossi")
    ui_services.users.add("olaf", role="member", display_name="Olaf Left")
    ui_services.users.deactivate("olaf")
    dialog = open_dialog()
    owner = child(dialog, QComboBox, "ownerField")

    assert owner.isVisibleTo(dialog)
    assert {owner.itemData(i) for i in range(owner.count())} == {me, "maria"}
    assert owner.currentData() == me
    owner.setCurrentIndex(owner.findData("maria"))
    qtbot.keyClicks(child(dialog, QLineEdit, "nameField"), "Looker Reporting Integration")

    created = create(qtbot, dialog)

    assert created.key.owner_login == "maria"
    assert created.key.created_by == me


def test_the_policy_warning_names_the_chosen_owners_key(qtbot, open_dialog, ui_services) -> None:
    ui_services.users.add("maria", role="member", display_name="Maria Rossi")
    ui_services.policy.set_key_limit(1)
    ui_services.keys.create("Maria's Old Key", owner="maria")
    dialog = open_dialog()
    warning = child(dialog, QLabel, "policyWarningLabel")
    assert not warning.isVisibleTo(dialog)

    owner = child(dialog, QComboBox, "ownerField")
    owner.setCurrentIndex(owner.findData("maria"))

    qtbot.waitUntil(lambda: warning.isVisibleTo(dialog), timeout=10_000)
    assert "Maria Rossi's existing key “Maria's Old Key”" in warning.text()


def test_an_auditor_is_told_up_front_that_they_cannot_create_keys(
    qtbot, open_dialog, ui_services, open_as
) -> None:
    ui_services.users.add("audrey", role="auditor")
    dialog = open_dialog(open_as("audrey"), wait_loaded=False)
    banner = child(dialog, QLabel, "createErrorLabel")

    qtbot.waitUntil(lambda: banner.isVisibleTo(dialog), timeout=10_000)

    assert "does not allow you to create keys" in banner.text()
    assert not child(dialog, QPushButton, "createButton").isEnabled()


def test_creating_shows_progress_and_survives_cancel(
    qtbot, open_dialog, ui_services, monkeypatch
) -> None:
    gate = threading.Event()
    real_create = ui_services.keys.create

    def slow_create(*args, **kwargs):  # type: ignore[no-untyped-def]
        assert gate.wait(10), "the test never opened the gate"
        return real_create(*args, **kwargs)

    monkeypatch.setattr(ui_services.keys, "create", slow_create)
    dialog = open_dialog()
    qtbot.keyClicks(child(dialog, QLineEdit, "nameField"), "Data Warehouse ETL")
    try:
        click(qtbot, dialog, "createButton")
        button = child(dialog, QPushButton, "createButton")
        assert not button.isEnabled()
        assert button.text() == "Creating…"
        assert child(dialog, QProgressBar, "createBusyIndicator").isVisibleTo(dialog)
        cancel = child(dialog, QPushButton, "cancelButton")
        assert cancel.isEnabled()

        with qtbot.waitSignal(dialog.rejected):
            qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        assert not dialog.isVisible()
    finally:
        gate.set()

    # The key exists, so its one-time secret is still handed over.
    with qtbot.waitSignal(dialog.key_created, timeout=10_000) as blocker:
        pass
    created = blocker.args[0]
    assert [row.key_id for row in ui_services.keys.page().rows] == [created.key.key_id]


def test_every_control_has_an_object_and_accessible_name(open_dialog) -> None:
    dialog = open_dialog()
    for kind in (QLineEdit, QPlainTextEdit, QComboBox, QDateEdit, QCheckBox, QPushButton):
        for widget in dialog.findChildren(kind):
            if widget.parent() is not None and isinstance(widget.parent(), QDateEdit | QComboBox):
                continue  # Qt's own inner line edits
            assert widget.objectName(), widget
            assert widget.accessibleName(), widget.objectName()
    assert dialog.windowModality() is Qt.WindowModality.WindowModal
    assert dialog.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    assert (
        date.today() - timedelta(days=1)
        < child(dialog, QDateEdit, "expiryField").minimumDate().toPython()
    )
