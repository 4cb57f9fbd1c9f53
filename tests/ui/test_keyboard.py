"""The keys view under the keyboard: Enter, Delete, typing, the search field, Tab, row controls.

Every path is driven by real key (or mouse) events on a real window; no key press may
change a key without a confirmation the user can see.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from app.domain.status import KeyStatus
from app.services import Services
from app.ui.main_window import MainWindow
from app.ui.models.keys_model import Column
from app.ui.widgets.key_actions import KeyControl, control_rects
from tests.ui.support import (
    WAIT_MS,
    activate,
    find_top_level,
    seed_keys,
    wait_closed,
    wait_for_top_level,
)

IMPACT = "Revocation is immediate. Any integration using this key will stop working instantly."


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def select_by_keyboard(qtbot: Any, window: MainWindow, row: int) -> None:
    """Focus the table and walk to ``row`` with Home and Down."""
    view = window.keys.table
    activate(qtbot, window)
    view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.wait_until(view.hasFocus, timeout=WAIT_MS)
    qtbot.keyClick(view, Qt.Key.Key_Home)
    for _ in range(row):
        qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == row


def panel_key_id(window: MainWindow) -> str | None:
    key = window.keys.panel.key
    return key.key_id if key is not None and window.keys.panel.isVisible() else None


def selected_ids(window: MainWindow) -> list[str]:
    return [dto.key_id for dto in window.keys.selected_keys()]


def not_a_text_field(widget: QWidget | None) -> bool:
    return not isinstance(widget, QLineEdit | QPlainTextEdit)


# --------------------------------------------------------------------------- Enter


def test_enter_opens_the_details_and_keeps_focus_on_the_table(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    ids = seed_keys(ui_services, 3)
    window = make_window(ui_services)
    view = window.keys.table
    select_by_keyboard(qtbot, window, 1)
    window.keys.close_details()
    assert not window.keys.panel.isVisible()

    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.wait_until(window.keys.panel.isVisible, timeout=WAIT_MS)
    assert panel_key_id(window) == window.keys.model.key_at(1).key_id
    assert focused() is view
    assert not_a_text_field(focused())
    # Enter again (panel already open) changes nothing either.
    qtbot.keyClick(view, Qt.Key.Key_Enter)
    assert focused() is view
    assert {ui_services.keys.get(key_id).name for key_id in ids} == {
        "Integration 000",
        "Integration 001",
        "Integration 002",
    }


def test_enter_then_delete_asks_to_revoke_and_changes_nothing_yet(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    seed_keys(ui_services, 3)
    window = make_window(ui_services)
    view = window.keys.table
    select_by_keyboard(qtbot, window, 0)
    key = window.keys.model.key_at(0)

    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.keyClick(focused(), Qt.Key.Key_Delete)
    dialog = wait_for_top_level(qtbot, "revokeKeyDialog")
    headings = [label.text() for label in dialog.findChildren(QLabel)]
    assert f"Revoke “{key.name}”?" in headings
    assert window.findChild(QLineEdit, "nameEdit").text() == key.name
    stored = ui_services.keys.get(key.key_id)
    assert (stored.name, stored.status, stored.version) == (key.name, key.status, key.version)
    # Escape in the dialog cancels (Cancel is its default button): still nothing changed.
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    wait_closed(qtbot, dialog)
    assert ui_services.keys.get(key.key_id).status is KeyStatus.ACTIVE


def test_letters_typed_after_enter_do_not_change_the_key(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    seed_keys(ui_services, 3)
    window = make_window(ui_services)
    view = window.keys.table
    select_by_keyboard(qtbot, window, 2)
    key = window.keys.model.key_at(2)

    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.wait_until(window.keys.panel.isVisible, timeout=WAIT_MS)
    qtbot.keyClicks(focused(), "oops")
    qtbot.keyClick(focused(), Qt.Key.Key_Backspace)
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # would save an edited name
    assert window.findChild(QLineEdit, "nameEdit").text() == window.keys.panel.key.name
    assert not window.keys.panel.is_dirty()
    assert window.operations.in_flight == set()
    stored = ui_services.keys.get(key.key_id)
    assert (stored.name, stored.version) == (key.name, key.version)


# --------------------------------------------------------------------------- selection


def _click_control(window: MainWindow, key_id: str, control: KeyControl) -> None:
    view = window.keys.table
    index = window.keys.model.index_of(key_id, Column.ACTIONS)
    view.scrollTo(index)
    pos: QPoint = control_rects(view.visualRect(index))[control].center()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def _open_menu() -> list[str]:
    """The texts of the context menu now shown, which is then closed."""
    menu = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible())
    texts = [action.text() for action in menu.actions()]
    menu.close()
    return texts


@pytest.mark.parametrize("how", ["menu key", "shift+f10"])
def test_the_keyboard_menu_opens_on_the_selection_not_on_the_next_row(
    qtbot: Any, make_window: Any, ui_services: Services, how: str
) -> None:
    seed_keys(ui_services, 5)
    window = make_window(ui_services)
    view = window.keys.table
    select_by_keyboard(qtbot, window, 0)
    for _ in range(2):
        qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    chosen = selected_ids(window)
    assert len(chosen) == 3

    if how == "menu key":
        # As Qt sends it for the Menu key: to the table, at the current cell in its own
        # coordinates (QTest's key events do not make one).
        at = view.viewport().mapTo(view, view.visualRect(view.currentIndex()).center())
        QApplication.sendEvent(
            view, QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, at, view.mapToGlobal(at))
        )
    else:
        qtbot.keyClick(view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    assert "Change 3 keys…" in _open_menu()
    assert selected_ids(window) == chosen  # the menu's row did not take the selection's place

    # A right click on a row outside the selection is about that row alone.
    row = view.visualRect(window.keys.model.index(4, 0)).center()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.RightButton, pos=row)
    QApplication.sendEvent(
        view.viewport(),
        QContextMenuEvent(QContextMenuEvent.Reason.Mouse, row, view.viewport().mapToGlobal(row)),
    )
    assert "Change 3 keys…" not in _open_menu()
    assert selected_ids(window) == [window.keys.model.key_at(4).key_id]


def test_the_row_toggle_selects_its_row_and_the_panel_shows_it(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    seed_keys(ui_services, 3)
    window = make_window(ui_services)
    first, other = window.keys.model.key_at(0), window.keys.model.key_at(2)
    window.keys.table.selectRow(0)
    qtbot.wait_until(lambda: panel_key_id(window) == first.key_id, timeout=WAIT_MS)

    _click_control(window, other.key_id, KeyControl.TOGGLE)
    assert selected_ids(window) == [other.key_id]
    assert window.keys.current_key().key_id == other.key_id
    assert panel_key_id(window) == other.key_id
    qtbot.wait_until(
        lambda: ui_services.keys.get(other.key_id).status is KeyStatus.DISABLED, timeout=WAIT_MS
    )
    assert ui_services.keys.get(first.key_id).status is KeyStatus.ACTIVE
    qtbot.wait_until(lambda: not window.operations.in_flight, timeout=WAIT_MS)


def test_the_row_revoke_and_delete_select_their_row_first(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    seed_keys(ui_services, 3)
    window = make_window(ui_services)
    window.keys.table.selectRow(0)
    for row, control, dialog_name in (
        (1, KeyControl.REVOKE, "revokeKeyDialog"),
        (2, KeyControl.DELETE, "deleteKeyDialog"),
    ):
        key = window.keys.model.key_at(row)
        _click_control(window, key.key_id, control)
        assert selected_ids(window) == [key.key_id]
        assert panel_key_id(window) == key.key_id
        dialog = wait_for_top_level(qtbot, dialog_name)
        dialog.reject()
        wait_closed(qtbot, dialog)


# --------------------------------------------------------------------------- the search field


def test_down_from_the_search_field_moves_into_the_results(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    seed_keys(ui_services, 3)
    seed_keys(ui_services, 2, stem="Snowflake")
    window = make_window(ui_services)
    search = window.findChild(QLineEdit, "searchField")
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait_until(search.hasFocus, timeout=WAIT_MS)
    qtbot.keyClicks(search, "snow")
    # Straight away, before the typing pause has run the search: the results it finds.
    qtbot.keyClick(search, Qt.Key.Key_Down)
    view = window.keys.table
    qtbot.wait_until(lambda: view.hasFocus() and view.currentIndex().row() == 0, timeout=WAIT_MS)
    qtbot.wait_until(lambda: window.keys.model.rowCount() == 2, timeout=WAIT_MS)
    qtbot.wait_until(lambda: len(selected_ids(window)) == 1, timeout=WAIT_MS)
    first = window.keys.model.key_at(0)
    assert first.name.startswith("Snowflake")
    assert selected_ids(window) == [first.key_id]
    qtbot.wait_until(lambda: panel_key_id(window) == first.key_id, timeout=WAIT_MS)
    assert search.text() == "snow"  # the user's text stays
    assert view.hasFocus()


def test_escape_in_the_search_field_clears_it(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    seed_keys(ui_services, 3)
    seed_keys(ui_services, 1, stem="Snowflake")
    window = make_window(ui_services)
    search = window.findChild(QLineEdit, "searchField")
    activate(qtbot, window)
    search.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(search, "snow")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.wait_until(lambda: window.keys.model.rowCount() == 1, timeout=WAIT_MS)
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    assert search.text() == ""
    assert search.hasFocus()
    qtbot.wait_until(lambda: window.keys.model.rowCount() == 4, timeout=WAIT_MS)
    assert window.keys.model.query.search == ""


# --------------------------------------------------------------------------- Tab order


def _tab_walk(qtbot: Any, start: QWidget, limit: int = 60) -> list[QWidget]:
    """The widgets Tab visits from ``start``, in order, until it comes back around."""
    seen: list[QWidget] = [start]
    for _ in range(limit):
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        widget = focused()
        if widget is None or widget is start:
            break
        seen.append(widget)
    return seen


def _position(walk: list[QWidget], widget: QWidget) -> int:
    for place, visited in enumerate(walk):
        if visited is widget or widget.isAncestorOf(visited):
            return place
    names = [visited.objectName() or type(visited).__name__ for visited in walk]
    raise AssertionError(f"Tab never reached {widget.objectName()}: {names}")


def test_tab_goes_search_filters_table_then_the_panel(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    seed_keys(ui_services, 2)
    window = make_window(ui_services)
    window.keys.table.selectRow(0)
    panel = window.keys.panel
    # With its history loaded: a table of rows Tab must pass through, not walk.
    qtbot.wait_until(
        lambda: panel.isVisible() and panel.history_model.rowCount() > 0, timeout=WAIT_MS
    )
    activate(qtbot, window)
    search = window.findChild(QLineEdit, "searchField")
    search.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.wait_until(search.hasFocus, timeout=WAIT_MS)
    walk = _tab_walk(qtbot, search)
    names = [widget.objectName() for widget in walk]
    order = [
        _position(walk, window.findChild(QWidget, name))
        for name in (
            "searchField",
            "statusFilter",
            "ownerFilter",
            "environmentFilter",
            "keysTable",
            "keyDetailPanel",
        )
    ]
    assert order == sorted(order), names
    assert order[4] < _position(walk, window.findChild(QWidget, "closeDetailsButton")), names
    # The filters come straight after the search field, the table straight after the toolbar.
    assert order[1:4] == [1, 2, 3], names
    toolbar = window.findChild(QWidget, "keysToolbar")
    assert toolbar.isAncestorOf(walk[order[4] - 1]), names
    # Inside the panel: the editor, the switch, then the key's buttons.
    panel_order = [
        _position(walk, window.findChild(QWidget, name))
        for name in ("nameEdit", "saveDetailsButton", "enabledToggle", "revokeKeyButton")
        if window.findChild(QWidget, name).isEnabled()
    ]
    assert panel_order == sorted(panel_order), names
    # Shift+Tab from the table goes back into the toolbar, not into the panel.
    view = window.keys.table
    view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(view, Qt.Key.Key_Backtab)
    assert toolbar.isAncestorOf(focused())


@pytest.mark.parametrize(
    ("item", "page"),
    [
        ("navKeys", "keysScreen"),
        ("navAudit", "auditView"),
        ("navPeople", "peopleView"),
        ("navPolicy", "policyView"),
        ("navAttention", "attentionView"),
        ("navReviews", "reviewsView"),
    ],
)
def test_each_view_opens_from_the_side_bar_and_tab_walks_through_it(
    qtbot: Any, make_window: Any, ui_services: Services, tasks: Any, item: str, page: str
) -> None:
    seed_keys(ui_services, 2)
    window = make_window(ui_services)
    activate(qtbot, window)
    if item != "navKeys":
        window.keys.table.selectRow(0)  # the panel open too, for the Keys view's return
    button = window.findChild(QWidget, item)
    assert button is not None and button.isVisible(), item
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    current = window.stack.currentWidget()
    assert current.objectName() == page
    qtbot.wait_until(lambda: current.isAncestorOf(focused()), timeout=WAIT_MS)
    # The page's first load done (a table with rows is what can trap Tab).
    qtbot.wait_until(lambda: tasks.pending == 0, timeout=WAIT_MS)
    walk = _tab_walk(qtbot, focused(), limit=40)
    names = [widget.objectName() for widget in walk]
    # Each press moves on: no control keeps Tab for itself (cells, date sections).
    assert all(a is not b for a, b in itertools.pairwise(walk)), " ".join(map(str, names))
    assert len(walk) < 40, names  # Tab leaves the page and comes back around
    assert any(not current.isAncestorOf(widget) for widget in walk), names


# --------------------------------------------------------------------------- delete


def test_delete_asks_what_revoke_asks_and_records_the_reason(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    ids = seed_keys(ui_services, 2)
    window = make_window(ui_services)
    window.keys.table.selectRow(window.keys.model.row_of(ids[1]))
    qtbot.wait_until(window.keys.panel.isVisible, timeout=WAIT_MS)
    qtbot.mouseClick(window.findChild(QPushButton, "deleteKeyButton"), Qt.MouseButton.LeftButton)
    dialog = wait_for_top_level(qtbot, "deleteKeyDialog")
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert "Delete “Integration 001”?" in texts
    assert IMPACT in texts  # the revoke dialog's own warning, word for word
    assert dialog.findChild(QLabel, "revokeKeyMasked").text() == window.keys.panel.key.masked
    confirm = dialog.findChild(QPushButton, "confirmDeleteButton")
    assert not confirm.isDefault() and not confirm.autoDefault()
    reason = dialog.findChild(QComboBox, "revokeReasonField")
    reason.setFocus()
    qtbot.keyClicks(reason.lineEdit(), "Moved to the new CRM")
    qtbot.keyClick(reason.lineEdit(), Qt.Key.Key_Return)  # never the default button
    assert dialog.isVisible()
    assert ui_services.keys.get(ids[1]).status is KeyStatus.ACTIVE

    with qtbot.wait_signal(window.keys.model.rowsRemoved, timeout=WAIT_MS):
        qtbot.mouseClick(confirm, Qt.MouseButton.LeftButton)
    wait_closed(qtbot, dialog)
    assert window.keys.model.row_of(ids[1]) is None
    assert not window.keys.panel.isVisible()
    events = ui_services.keys.history(ids[1])
    assert [event.action.value for event in events] == [
        "key.created",
        "key.revoked",
        "key.deleted",
    ]
    assert events[1].reason == "Moved to the new CRM"
    assert ui_services.keys.get(ids[0]).status is KeyStatus.ACTIVE


def test_deleting_a_revoked_key_says_so_and_asks_no_reason(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    ids = seed_keys(ui_services, 2)
    ui_services.keys.revoke(ids[0], "Done with it")
    window = make_window(ui_services)
    window.keys.delete_key(window.keys.model.key_at(window.keys.model.row_of(ids[0])))
    dialog = wait_for_top_level(qtbot, "deleteKeyDialog")
    texts = [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]
    assert IMPACT not in texts
    assert not dialog.findChild(QComboBox, "revokeReasonField").isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Cancel: nothing happens
    wait_closed(qtbot, dialog)
    assert window.keys.model.row_of(ids[0]) is not None
    assert find_top_level("deleteKeyDialog") is None
