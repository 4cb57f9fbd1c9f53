"""The detail panel: inline editing, conflicts, the enable switch, revoke, history, usage."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QToolButton,
    QWidget,
)

from app.domain.status import KeyStatus
from app.services import Services
from app.ui.main_window import MainWindow
from app.ui.models.keys_model import Column, StatusRole
from tests.ui.support import WAIT_MS, activate, wait_closed, wait_for_top_level


@pytest.fixture
def key_id(ui_services: Services) -> str:
    ui_services.keys.create("Salesforce Data Sync", "Syncs companies to Salesforce nightly.")
    return ui_services.keys.create(
        "Snowflake ETL", "Pulls opportunity data into Snowflake. Managed by Data team."
    ).key.key_id


@pytest.fixture
def opened(qtbot: Any, make_window: Any, ui_services: Services, key_id: str) -> MainWindow:
    """The window with ``key_id`` selected and its details (and history) loaded."""
    window = make_window(ui_services)
    window.keys.table.selectRow(window.keys.model.row_of(key_id))
    panel = window.findChild(QWidget, "keyDetailPanel")
    qtbot.wait_until(lambda: panel.isVisible() and panel.history_model.rowCount() > 0)
    return window


def child(window: MainWindow, kind: type, name: str) -> Any:
    found = window.findChild(kind, name)
    assert found is not None, name
    return found


def row_name(window: MainWindow, key_id: str) -> str:
    return window.keys.model.index_of(key_id, Column.NAME).data()


def history_whats(window: MainWindow) -> list[str]:
    view = child(window, QTableView, "historyView")
    return [view.model().index(row, 2).data() for row in range(view.model().rowCount())]


def test_panel_shows_the_facts_of_the_selected_key(
    opened: MainWindow, ui_services: Services, key_id: str
) -> None:
    key = ui_services.keys.get(key_id)
    assert child(opened, QLineEdit, "nameEdit").text() == "Snowflake ETL"
    assert child(opened, QPlainTextEdit, "descriptionEdit").toPlainText().startswith("Pulls")
    assert child(opened, QLabel, "maskedKeyLabel").text() == key.masked
    me = ui_services.users.me().login
    assert child(opened, QLabel, "ownerLabel").text() == f"{me} ({me})"
    assert child(opened, QLabel, "environmentLabel").text() == "live"
    assert child(opened, QLabel, "lastUsedLabel").text() == "Never"
    assert child(opened, QLabel, "expiresLabel").text() == "Never"
    assert child(opened, QLabel, "updatedLabel").text().endswith(f"· {me}")
    assert not child(opened, QLabel, "revokedLabel").isVisible()
    assert child(opened, QCheckBox, "enabledToggle").isChecked()
    assert history_whats(opened) == ["Created"]
    # Nothing typed yet: nothing to save or cancel.
    assert not child(opened, QPushButton, "saveDetailsButton").isEnabled()
    assert not child(opened, QPushButton, "cancelDetailsButton").isEnabled()


def test_copy_key_id_copies_the_public_id_only(opened: MainWindow, key_id: str) -> None:
    child(opened, QToolButton, "copyKeyIdButton").click()
    assert QApplication.clipboard().text() == key_id


def test_edit_and_save_updates_the_row_the_database_and_the_history(
    qtbot: Any, opened: MainWindow, ui_services: Services, key_id: str
) -> None:
    name = child(opened, QLineEdit, "nameEdit")
    description = child(opened, QPlainTextEdit, "descriptionEdit")
    name.selectAll()
    qtbot.keyClicks(name, "Snowflake ETL - nightly")
    description.setPlainText(
        "Loads opportunities into Snowflake. Owner: Data Team (data@company.com). "
        "Runs nightly via Airflow."
    )
    save = child(opened, QPushButton, "saveDetailsButton")
    assert save.isEnabled()
    with (
        qtbot.assert_not_emitted(opened.keys.model.modelReset),
        qtbot.wait_signal(opened.keys.model.dataChanged, timeout=WAIT_MS),
    ):
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert row_name(opened, key_id) == "Snowflake ETL - nightly"
    stored = ui_services.keys.get(key_id)
    assert stored.name == "Snowflake ETL - nightly"
    assert stored.description.endswith("Runs nightly via Airflow.")
    assert child(opened, QLabel, "keyTitle").text() == "Snowflake ETL - nightly"
    qtbot.wait_until(lambda: len(history_whats(opened)) == 2, timeout=WAIT_MS)
    assert history_whats(opened)[0].startswith("Edited (description: Pulls opportunity data")
    assert "name: Snowflake ETL → Snowflake ETL - nightly" in history_whats(opened)[0]
    assert not save.isEnabled()


def test_enter_in_the_name_saves_and_escape_cancels(
    qtbot: Any, opened: MainWindow, ui_services: Services, key_id: str
) -> None:
    activate(qtbot, opened)
    name = child(opened, QLineEdit, "nameEdit")
    name.setFocus()
    name.selectAll()
    qtbot.keyClicks(name, "Snowflake Reverse ETL")
    with qtbot.wait_signal(opened.keys.model.dataChanged, timeout=WAIT_MS):
        qtbot.keyClick(name, Qt.Key.Key_Return)
    assert ui_services.keys.get(key_id).name == "Snowflake Reverse ETL"

    name.selectAll()
    qtbot.keyClicks(name, "typo")
    assert child(opened, QPushButton, "cancelDetailsButton").isEnabled()
    qtbot.keyClick(name, Qt.Key.Key_Escape)
    assert name.text() == "Snowflake Reverse ETL"
    assert not child(opened, QPushButton, "saveDetailsButton").isEnabled()


def test_validation_is_inline_and_nothing_is_saved(
    qtbot: Any, opened: MainWindow, ui_services: Services, key_id: str
) -> None:
    name = child(opened, QLineEdit, "nameEdit")
    name.selectAll()
    qtbot.keyClick(name, Qt.Key.Key_Delete)
    error = child(opened, QLabel, "nameError")
    assert error.isVisible()
    assert error.text() == "Enter a name for the key, such as “Snowflake ETL”."
    assert not child(opened, QPushButton, "saveDetailsButton").isEnabled()
    child(opened, QPlainTextEdit, "descriptionEdit").setPlainText("x" * 2001)
    assert "2001 characters" in child(opened, QLabel, "descriptionError").text()
    assert child(opened, QLabel, "descriptionCounter").text() == "2001 / 2000"
    assert ui_services.keys.get(key_id).name == "Snowflake ETL"


def test_a_refusal_from_the_service_is_shown_next_to_the_field(
    qtbot: Any, opened: MainWindow, ui_services: Services, key_id: str
) -> None:
    name = child(opened, QLineEdit, "nameEdit")
    name.selectAll()
    qtbot.keyClicks(name, "salesforce data sync")  # the other key's name, in other case
    qtbot.mouseClick(child(opened, QPushButton, "saveDetailsButton"), Qt.MouseButton.LeftButton)
    error = child(opened, QLabel, "nameError")
    qtbot.wait_until(error.isVisible, timeout=WAIT_MS)
    assert "already has a key named “salesforce data sync”" in error.text()
    assert name.text() == "salesforce data sync"
    assert ui_services.keys.get(key_id).name == "Snowflake ETL"


def test_a_conflicting_edit_says_who_and_when_keeps_the_text_and_reload_works(
    qtbot: Any, opened: MainWindow, ui_services: Services, open_as: Any, key_id: str
) -> None:
    bob = open_as("bob")
    theirs = bob.keys.edit(key_id, description="Bob's description.")
    name = child(opened, QLineEdit, "nameEdit")
    name.selectAll()
    qtbot.keyClicks(name, "Snowflake ETL (prod)")
    qtbot.mouseClick(child(opened, QPushButton, "saveDetailsButton"), Qt.MouseButton.LeftButton)
    banner = child(opened, QWidget, "conflictBanner")
    qtbot.wait_until(banner.isVisible, timeout=WAIT_MS)
    text = child(opened, QLabel, "conflictBannerText").text()
    when = theirs.updated_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    assert text.startswith(f"Changed by bob at {when} since you opened it.")
    # What the user typed is still there, and nothing was overwritten.
    assert name.text() == "Snowflake ETL (prod)"
    stored = ui_services.keys.get(key_id)
    assert (stored.name, stored.description) == ("Snowflake ETL", "Bob's description.")

    reload = child(opened, QPushButton, "conflictBannerAction")
    assert reload.text() == "Reload"
    qtbot.mouseClick(reload, Qt.MouseButton.LeftButton)
    description = child(opened, QPlainTextEdit, "descriptionEdit")
    qtbot.wait_until(lambda: description.toPlainText() == "Bob's description.", timeout=WAIT_MS)
    assert name.text() == "Snowflake ETL"
    assert not banner.isVisible()
    # Now the edit goes through against the reloaded version.
    name.selectAll()
    qtbot.keyClicks(name, "Snowflake ETL (prod)")
    with qtbot.wait_signal(opened.keys.model.dataChanged, timeout=WAIT_MS):
        qtbot.mouseClick(child(opened, QPushButton, "saveDetailsButton"), Qt.MouseButton.LeftButton)
    stored = ui_services.keys.get(key_id)
    assert (stored.name, stored.description) == ("Snowflake ETL (prod)", "Bob's description.")


def test_the_enabled_switch_takes_effect_at_once(
    qtbot: Any, opened: MainWindow, ui_services: Services, key_id: str
) -> None:
    toggle = child(opened, QCheckBox, "enabledToggle")
    status = opened.keys.model.index_of(key_id, Column.STATUS)
    with qtbot.wait_signal(opened.keys.model.dataChanged, timeout=WAIT_MS):
        qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert ui_services.keys.get(key_id).status is KeyStatus.DISABLED
    assert status.data() == "Disabled"
    assert KeyStatus(status.data(StatusRole)) is KeyStatus.DISABLED
    assert not toggle.isChecked()
    qtbot.wait_until(lambda: history_whats(opened)[0] == "Disabled (state: active → disabled)")
    qtbot.wait_until(toggle.isEnabled, timeout=WAIT_MS)  # the first change has finished
    with qtbot.wait_signal(opened.keys.model.dataChanged, timeout=WAIT_MS):
        qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    qtbot.wait_until(
        lambda: ui_services.keys.get(key_id).status is KeyStatus.ACTIVE, timeout=WAIT_MS
    )
    assert status.data() == "Active"
    qtbot.wait_until(lambda: opened.keys.header.summary_active.value == "2", timeout=WAIT_MS)


def test_a_switch_change_refused_by_the_service_goes_back(
    qtbot: Any, opened: MainWindow, open_as: Any, key_id: str
) -> None:
    open_as("bob").keys.revoke(key_id, "leaked")  # behind this console's back
    toggle = child(opened, QCheckBox, "enabledToggle")
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    banner = child(opened, QWidget, "errorBanner")
    qtbot.wait_until(banner.isVisible, timeout=WAIT_MS)
    assert "is revoked" in child(opened, QLabel, "errorBannerText").text()
    assert toggle.isChecked()


def test_revoke_from_the_panel_keeps_the_row_listed_as_revoked(
    qtbot: Any, opened: MainWindow, ui_services: Services, key_id: str
) -> None:
    qtbot.mouseClick(child(opened, QPushButton, "revokeKeyButton"), Qt.MouseButton.LeftButton)
    dialog = wait_for_top_level(qtbot, "revokeKeyDialog")
    dialog.findChild(QComboBox, "revokeReasonField").setEditText("Integration is no longer needed")
    qtbot.mouseClick(
        dialog.findChild(QPushButton, "confirmRevokeButton"), Qt.MouseButton.LeftButton
    )
    status = opened.keys.model.index_of(key_id, Column.STATUS)
    qtbot.wait_until(lambda: status.data() == "Revoked", timeout=WAIT_MS)
    assert opened.keys.model.rowCount() == 2
    stored = ui_services.keys.get(key_id)
    assert stored.status is KeyStatus.REVOKED
    assert stored.revoked_reason == "Integration is no longer needed"
    assert child(opened, QLabel, "revokedLabel").isVisible()
    assert "Integration is no longer needed" in child(opened, QLabel, "revokedLabel").text()
    toggle = child(opened, QCheckBox, "enabledToggle")
    assert not toggle.isEnabled() and not toggle.isChecked()
    assert "stays revoked" in toggle.toolTip()
    assert not child(opened, QPushButton, "revokeKeyButton").isEnabled()
    qtbot.wait_until(
        lambda: history_whats(opened)[0].endswith("— Integration is no longer needed"),
        timeout=WAIT_MS,
    )


def test_switching_keys_with_unsaved_text_asks_first(
    qtbot: Any, opened: MainWindow, ui_services: Services, key_id: str
) -> None:
    name = child(opened, QLineEdit, "nameEdit")
    name.selectAll()
    qtbot.keyClicks(name, "half-typed")
    other = next(k for k in opened.keys.model.loaded_keys() if k.key_id != key_id)
    opened.keys.table.selectRow(opened.keys.model.row_of(other.key_id))
    box = wait_for_top_level(qtbot, "confirmDialog")
    assert box.text() == "Discard your changes to “Snowflake ETL”?"
    qtbot.mouseClick(box.findChild(QPushButton, "confirmNoButton"), Qt.MouseButton.LeftButton)
    wait_closed(qtbot, box)
    assert name.text() == "half-typed"
    assert opened.keys.current_key().key_id == key_id

    opened.keys.table.selectRow(opened.keys.model.row_of(other.key_id))
    box = wait_for_top_level(qtbot, "confirmDialog")
    qtbot.mouseClick(box.findChild(QPushButton, "confirmYesButton"), Qt.MouseButton.LeftButton)
    qtbot.wait_until(lambda: name.text() == "Salesforce Data Sync")
    assert ui_services.keys.get(key_id).name == "Snowflake ETL"


def test_usage_of_the_last_30_days_is_drawn(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    created = ui_services.keys.create("Looker Reporting Integration")
    verifier = ui_services.verifier(flush_interval=0)
    for _ in range(3):
        assert verifier.verify(created.token.reveal()).valid
    verifier.flush()
    window = make_window(ui_services)
    window.keys.table.selectRow(0)
    total = child(window, QLabel, "usageTotal")
    qtbot.wait_until(lambda: total.text() == "3 verifications", timeout=WAIT_MS)
    chart = child(window, QWidget, "usageChart")
    assert chart.total == 3
    assert "3 verifications in 30 days" in chart.accessibleDescription()
    # Uses are recorded to the minute: a use seconds ago may have been filed a minute early.
    recent = {"just now", "1 minute ago"}
    assert child(window, QLabel, "lastUsedLabel").text() in recent
    assert window.keys.model.index(0, Column.LAST_USED).data() in recent


def test_a_search_that_hides_the_open_key_closes_the_panel_not_the_typing(
    qtbot: Any, opened: MainWindow
) -> None:
    panel = child(opened, QWidget, "keyDetailPanel")
    search = child(opened, QLineEdit, "searchField")
    activate(qtbot, opened)
    search.setFocus()
    qtbot.keyClicks(search, "salesforce")
    qtbot.wait_until(lambda: opened.keys.model.rowCount() == 1, timeout=WAIT_MS)
    qtbot.wait_until(lambda: not panel.isVisible(), timeout=WAIT_MS)
    assert search.hasFocus() and search.text() == "salesforce"


def test_a_search_that_hides_a_key_being_edited_keeps_the_edit(
    qtbot: Any, opened: MainWindow, ui_services: Services, key_id: str
) -> None:
    panel = child(opened, QWidget, "keyDetailPanel")
    name = child(opened, QLineEdit, "nameEdit")
    name.selectAll()
    qtbot.keyClicks(name, "Snowflake ETL v2")
    search = child(opened, QLineEdit, "searchField")
    qtbot.keyClicks(search, "salesforce")
    qtbot.wait_until(lambda: opened.keys.model.rowCount() == 1, timeout=WAIT_MS)
    qtbot.wait(300)  # the query has been applied; the panel must still be there
    assert panel.isVisible() and name.text() == "Snowflake ETL v2"
    assert ui_services.keys.get(key_id).name == "Snowflake ETL"
