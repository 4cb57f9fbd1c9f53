"""What each role sees and may do in the window (the services enforce it; the UI follows)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QWidget

from app.domain.roles import Role
from app.domain.status import KeyStatus
from app.services import Services, open_services
from app.ui.main_window import MainWindow
from app.ui.models.keys_model import Column
from app.ui.resources import icon
from app.ui.widgets.empty_state import PICTURE, PICTURE_SIZE, READ_ONLY_PICTURE
from tests.ui.support import WAIT_MS, find_top_level, seed_keys, url_of

READ_ONLY = "Your role (Auditor) can read keys but not change them"


def names(window: MainWindow) -> list[str]:
    return [window.keys.model.key_at(row).name for row in range(window.keys.model.rowCount())]


def test_an_auditor_sees_every_key_and_can_change_none(
    qtbot: Any, make_window: Any, ui_services: Services, open_as: Any
) -> None:
    seed_keys(ui_services, 2)
    open_as("mia", Role.MEMBER).keys.create("Mia's form tool")
    window = make_window(open_as("audrey", Role.AUDITOR))
    assert sorted(names(window)) == ["Integration 000", "Integration 001", "Mia's form tool"]
    assert window.findChild(QLabel, "statusOperator").text() == "audrey · Auditor"

    create = window.findChild(QPushButton, "createKeyButton")
    assert not create.isEnabled()
    assert create.toolTip() == READ_ONLY
    assert not window.create_action.isEnabled()

    window.keys.table.selectRow(0)
    panel = window.findChild(QWidget, "keyDetailPanel")
    qtbot.wait_until(panel.isVisible)
    name = window.findChild(QLineEdit, "nameEdit")
    assert name.isReadOnly() and name.toolTip() == READ_ONLY
    assert window.findChild(QPlainTextEdit, "descriptionEdit").isReadOnly()
    assert not window.findChild(QPushButton, "saveDetailsButton").isVisible()
    for control in ("enabledToggle", "revokeKeyButton", "deleteKeyButton"):
        widget = window.findChild(QWidget, control)
        assert not widget.isEnabled(), control
        assert widget.toolTip() == READ_ONLY, control
    assert window.findChild(QLabel, "enabledHint").text() == READ_ONLY

    menu = window.keys.context_menu(window.keys.model.key_at(0), [window.keys.model.key_at(0)])
    enabled = {action.text(): action.isEnabled() for action in menu.actions() if action.text()}
    assert enabled == {
        "Open details": True,
        "Copy key id": True,
        "Disable": False,
        "Rotate…": False,
        "Revoke…": False,
        "Delete…": False,
    }
    menu.deleteLater()

    # The Delete key does nothing but say why.
    window.keys.table.setFocus()
    qtbot.keyClick(window.keys.table, Qt.Key.Key_Delete)
    assert find_top_level("revokeKeyDialog") is None
    assert "not yours to change" in window.statusBar().currentMessage()
    assert all(key.status is KeyStatus.ACTIVE for key in ui_services.keys.page().rows)


def test_a_login_that_is_no_user_is_told_so_and_nothing_waits_for_ever(
    qtbot: Any, make_window: Any, ui_services: Services, fast_hasher: Any, tasks: Any
) -> None:
    seed_keys(ui_services, 3)
    stranger = open_services(url_of(ui_services), hasher=fast_hasher, operator_login="zoe")
    window = make_window(stranger, wait=False)
    try:
        banner = window.findChild(QLabel, "errorBannerText")
        qtbot.wait_until(lambda: "is not a Keyward user" in banner.text(), timeout=WAIT_MS)
        count = window.findChild(QLabel, "matchCount")
        qtbot.wait_until(lambda: count.text() == "Not loaded", timeout=WAIT_MS)
        header = window.keys.header
        assert header.summary_active.value == "—"
        assert header.summary_verifications.value == "—"
        assert window.keys.model.rowCount() == 0
        assert not window.findChild(QPushButton, "createKeyButton").isEnabled()
        # Every job the window started has answered: none comes later to say "Counting…".
        qtbot.wait_until(lambda: tasks.pending == 0, timeout=WAIT_MS)
        assert count.text() == "Not loaded"
    finally:
        window.discard_and_close()
        stranger.close()
    assert ui_services.keys.count() == 3  # nothing changed


def test_an_auditor_on_an_empty_database_is_not_invited_to_create(
    qtbot: Any, make_window: Any, open_as: Any
) -> None:
    window = make_window(open_as("audrey", Role.AUDITOR))
    empty = window.findChild(QWidget, "emptyState")
    assert empty.isVisible()
    assert not window.findChild(QPushButton, "emptyCreateKeyButton").isVisible()
    assert READ_ONLY in empty.findChild(QLabel, "emptyStateText").text()
    # Nor by the picture: the empty table without the "+" an admin sees.
    shown = empty.findChild(QLabel, "emptyStatePicture").pixmap().toImage()
    assert shown == icon(READ_ONLY_PICTURE).pixmap(PICTURE_SIZE).toImage()
    assert shown != icon(PICTURE).pixmap(PICTURE_SIZE).toImage()


def test_a_member_sees_and_manages_only_their_own_keys(
    qtbot: Any, make_window: Any, ui_services: Services, open_as: Any
) -> None:
    seed_keys(ui_services, 3)  # the admin's keys: not Mia's business
    mia = open_as("mia", Role.MEMBER)
    mine = mia.keys.create("HubSpot Sync – Prod").key
    window = make_window(mia)
    assert names(window) == ["HubSpot Sync – Prod"]
    assert window.findChild(QLabel, "matchCount").text() == "1 key"
    assert window.findChild(QLabel, "statusOperator").text() == "mia · Member"
    assert window.findChild(QPushButton, "createKeyButton").isEnabled()
    assert window.keys.header.summary_active.value == "1"

    window.keys.table.selectRow(0)
    toggle = window.findChild(QCheckBox, "enabledToggle")
    qtbot.wait_until(toggle.isVisible)
    assert toggle.isEnabled()
    assert window.findChild(QPushButton, "deleteKeyButton").isEnabled()
    with qtbot.wait_signal(window.keys.model.dataChanged, timeout=WAIT_MS):
        qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert ui_services.keys.get(mine.key_id).status is KeyStatus.DISABLED
    assert window.keys.model.index(0, Column.STATUS).data() == "Disabled"


def test_a_manager_manages_everyone_s_keys(
    qtbot: Any, make_window: Any, ui_services: Services, open_as: Any
) -> None:
    open_as("mia", Role.MEMBER).keys.create("Mia's form tool")
    window = make_window(open_as("max", Role.MANAGER))
    window.keys.table.selectRow(0)
    qtbot.wait_until(window.findChild(QWidget, "keyDetailPanel").isVisible)
    assert window.findChild(QWidget, "revokeKeyButton").isEnabled()
    assert not window.findChild(QLineEdit, "nameEdit").isReadOnly()


def test_a_display_name_with_a_marker_is_shown_as_it_is(
    qtbot: Any, make_window: Any, ui_services: Services, open_as: Any
) -> None:
    """Chained replace() would have filled the name's own "%2" with the role."""
    ui_services.users.add("ann", role=Role.MANAGER, display_name="Ann %2 Lee")
    window = make_window(open_as("ann"))
    label = window.findChild(QLabel, "statusOperator")
    assert label.text() == f"ann · {Role.MANAGER.label}"
    assert label.toolTip() == f"Signed in as Ann %2 Lee ({Role.MANAGER.label})"
