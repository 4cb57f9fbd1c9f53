"""The keys table's Actions column: toggle, revoke and delete, clicked in the row."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPushButton, QTableView

from app.domain.roles import Role
from app.domain.status import KeyStatus
from app.services import Services
from app.ui.main_window import MainWindow
from app.ui.models.keys_model import Column
from app.ui.settings import WindowSettings
from app.ui.widgets.key_actions import ACTIONS_WIDTH, KeyControl, control_rects
from tests.ui.support import WAIT_MS, find_top_level, seed_keys, wait_closed, wait_for_top_level

READ_ONLY = "Your role (Auditor) can read keys but not change them"


def table(window: MainWindow) -> QTableView:
    return window.findChild(QTableView, "keysTable")


def control_centre(window: MainWindow, key_id: str, control: KeyControl) -> QPoint:
    view = table(window)
    index = window.keys.model.index_of(key_id, Column.ACTIONS)
    view.scrollTo(index)
    return control_rects(view.visualRect(index))[control].center()


def click(qtbot: Any, window: MainWindow, key_id: str, control: KeyControl) -> None:
    pos = control_centre(window, key_id, control)
    QTest.mouseClick(table(window).viewport(), Qt.MouseButton.LeftButton, pos=pos)


def status_cell(window: MainWindow, key_id: str) -> str:
    return window.keys.model.index_of(key_id, Column.STATUS).data()


def test_the_actions_column_is_last_fixed_and_not_sortable(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    seed_keys(ui_services, 2)
    window = make_window(ui_services)
    view = table(window)
    header = view.horizontalHeader()
    model = window.keys.model
    assert model.headerData(Column.ACTIONS, Qt.Orientation.Horizontal) == "Actions"
    assert header.visualIndex(Column.ACTIONS) == header.count() - 1
    assert not header.isSectionHidden(Column.ACTIONS)
    assert header.sectionSize(Column.ACTIONS) == ACTIONS_WIDTH
    assert header.sectionResizeMode(Column.ACTIONS) == header.ResizeMode.Fixed
    assert Column.ACTIONS.sort_field is None
    index = model.index(0, Column.ACTIONS)
    assert index.data(Qt.ItemDataRole.AccessibleTextRole) == "Actions: Disable, Revoke, Delete"
    assert "context menu" in index.data(Qt.ItemDataRole.AccessibleDescriptionRole)

    before = model.query
    x = header.sectionViewportPosition(Column.ACTIONS) + ACTIONS_WIDTH // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert model.query == before and not model.is_loading
    assert header.sortIndicatorSection() != Column.ACTIONS


def test_clicking_the_toggle_disables_then_enables_the_key(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    key_id = seed_keys(ui_services, 3)[1]
    window = make_window(ui_services)
    delegate = table(window).actions_delegate
    dto = window.keys.model.key_at(window.keys.model.row_of(key_id))
    assert delegate.tooltip(dto, KeyControl.TOGGLE) == (
        "Disable — integrations using this key are refused at once"
    )
    assert delegate.tooltip(dto, KeyControl.REVOKE) == "Revoke…"
    assert delegate.tooltip(dto, KeyControl.DELETE) == "Delete…"

    with qtbot.wait_signal(window.keys.model.dataChanged, timeout=WAIT_MS):
        click(qtbot, window, key_id, KeyControl.TOGGLE)
    qtbot.wait_until(
        lambda: ui_services.keys.get(key_id).status is KeyStatus.DISABLED, timeout=WAIT_MS
    )
    assert status_cell(window, key_id) == "Disabled"
    dto = window.keys.model.key_at(window.keys.model.row_of(key_id))
    assert delegate.tooltip(dto, KeyControl.TOGGLE).startswith("Enable")

    with qtbot.wait_signal(window.keys.model.dataChanged, timeout=WAIT_MS):
        click(qtbot, window, key_id, KeyControl.TOGGLE)
    qtbot.wait_until(
        lambda: ui_services.keys.get(key_id).status is KeyStatus.ACTIVE, timeout=WAIT_MS
    )
    assert status_cell(window, key_id) == "Active"
    # The other keys were not touched.
    assert [key.status for key in ui_services.keys.page().rows] == [KeyStatus.ACTIVE] * 3


def test_clicking_revoke_opens_the_revoke_dialog_for_that_key(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    ids = seed_keys(ui_services, 3)
    window = make_window(ui_services)
    click(qtbot, window, ids[1], KeyControl.REVOKE)
    dialog = wait_for_top_level(qtbot, "revokeKeyDialog")
    headings = [label.text() for label in dialog.findChildren(QLabel)]
    assert "Revoke “Integration 001”?" in headings
    qtbot.mouseClick(
        dialog.findChild(QPushButton, "confirmRevokeButton"), Qt.MouseButton.LeftButton
    )
    wait_closed(qtbot, dialog)
    qtbot.wait_until(lambda: status_cell(window, ids[1]) == "Revoked", timeout=WAIT_MS)
    assert ui_services.keys.get(ids[1]).status is KeyStatus.REVOKED
    assert ui_services.keys.get(ids[0]).status is KeyStatus.ACTIVE

    # A revoked key offers neither the toggle nor revoke: clicking their places does nothing.
    dto = window.keys.model.key_at(window.keys.model.row_of(ids[1]))
    assert window.keys.model.index_of(ids[1], Column.ACTIONS).data(
        Qt.ItemDataRole.AccessibleTextRole
    ) == ("Actions: Delete")
    rect = table(window).visualRect(window.keys.model.index_of(ids[1], Column.ACTIONS))
    delegate = table(window).actions_delegate
    for control in (KeyControl.TOGGLE, KeyControl.REVOKE):
        assert delegate.control_at(rect, control_rects(rect)[control].center(), dto) is None
        click(qtbot, window, ids[1], control)
    assert find_top_level("revokeKeyDialog") is None
    assert ui_services.keys.get(ids[1]).status is KeyStatus.REVOKED


def test_clicking_delete_asks_first_then_removes_the_row(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    ids = seed_keys(ui_services, 3)
    window = make_window(ui_services)
    click(qtbot, window, ids[1], KeyControl.DELETE)
    dialog = wait_for_top_level(qtbot, "deleteKeyDialog")
    assert window.keys.model.row_of(ids[1]) is not None  # nothing happens before the answer
    with qtbot.wait_signal(window.keys.model.rowsRemoved, timeout=WAIT_MS):
        qtbot.mouseClick(
            dialog.findChild(QPushButton, "confirmDeleteButton"), Qt.MouseButton.LeftButton
        )
    assert window.keys.model.row_of(ids[1]) is None
    assert [
        window.keys.model.key_at(row).key_id for row in range(window.keys.model.rowCount())
    ] == [
        ids[2],
        ids[0],
    ]
    actions = [event.action.value for event in ui_services.keys.history(ids[1])]
    assert actions[-1] == "key.deleted"


def test_an_auditor_s_clicks_change_nothing_and_say_why(
    qtbot: Any,
    make_window: Any,
    ui_services: Services,
    open_as: Any,
    accept_confirmations: list[str],
) -> None:
    key_id = seed_keys(ui_services, 2)[0]
    window = make_window(open_as("audrey", Role.AUDITOR))
    delegate = table(window).actions_delegate
    dto = window.keys.model.key_at(window.keys.model.row_of(key_id))
    for control in KeyControl:
        assert not delegate.is_enabled(dto, control)
        assert delegate.tooltip(dto, control) == READ_ONLY
        click(qtbot, window, key_id, control)
    assert find_top_level("revokeKeyDialog") is None
    assert accept_confirmations == []
    assert window.operations.in_flight == set()
    assert ui_services.keys.get(key_id).status is KeyStatus.ACTIVE
    assert window.keys.model.row_of(key_id) is not None
    assert status_cell(window, key_id) == "Active"


def test_the_model_with_the_actions_column_passes_the_model_tester(
    qtbot: Any, qtmodeltester: Any, make_window: Any, ui_services: Services
) -> None:
    ids = seed_keys(ui_services, 4)
    ui_services.keys.revoke(ids[0])
    ui_services.keys.disable(ids[1])
    window = make_window(ui_services)
    qtmodeltester.check(window.keys.model)


def test_a_header_saved_before_the_actions_column_still_shows_it(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    seed_keys(ui_services, 2)
    # An eight-column header, as saved by the console before it had Actions (last stretched).
    old = QTableView()
    old.setModel(QStandardItemModel(0, len(Column) - 1, old))
    old.horizontalHeader().setStretchLastSection(True)
    old.horizontalHeader().resizeSection(Column.NAME, 250)
    settings = WindowSettings()
    settings.save_header(old.horizontalHeader())
    settings.sync()
    old.deleteLater()

    window = make_window(ui_services)
    header = table(window).horizontalHeader()
    assert not header.stretchLastSection()
    assert not header.isSectionHidden(Column.ACTIONS)
    assert header.sectionSize(Column.ACTIONS) == ACTIONS_WIDTH
    assert header.sectionSize(Column.NAME) >= 250  # the saved width (or more, to fill)


def test_toggling_one_key_from_the_table_and_the_panel_at_once_changes_it_once(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    """One in-flight set for both places: the second click is not a spurious conflict."""
    from PySide6.QtWidgets import QCheckBox, QWidget

    key_id = seed_keys(ui_services, 2)[0]
    version = ui_services.keys.get(key_id).version
    window = make_window(ui_services)
    window.keys.table.selectRow(window.keys.model.row_of(key_id))
    panel = window.findChild(QWidget, "keyDetailPanel")
    switch = window.findChild(QCheckBox, "enabledToggle")
    qtbot.wait_until(lambda: panel.isVisible() and switch.isEnabled(), timeout=WAIT_MS)
    errors: list[BaseException] = []
    window.keys.error_occurred.connect(errors.append)

    # Both clicks land before either answer comes back (no event loop turn in between).
    click(qtbot, window, key_id, KeyControl.TOGGLE)
    assert window.operations.is_busy(key_id)
    assert not switch.isEnabled()  # the panel follows the table's change in flight
    dto = window.keys.model.key_at(window.keys.model.row_of(key_id))
    assert window.operations.set_enabled(dto, False) is None  # what the switch would ask

    qtbot.wait_until(lambda: not window.operations.is_busy(key_id), timeout=WAIT_MS)
    stored = ui_services.keys.get(key_id)
    assert stored.status is KeyStatus.DISABLED
    assert stored.version == version + 1
    assert errors == []
    assert not window.findChild(QWidget, "conflictBanner").isVisible()
    assert not window.findChild(QWidget, "errorBanner").isVisible()
    assert status_cell(window, key_id) == "Disabled"
    assert not switch.isChecked() and switch.isEnabled()
