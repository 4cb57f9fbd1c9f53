"""Moving between the window's workspaces: side bar, View menu, Ctrl+1…4, roles, memory."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QFrame, QMenu, QPushButton, QStackedWidget, QWidget

from app.domain.roles import Role
from app.services import Services
from app.ui.errors import ErrorPresenter
from app.ui.main_window import MainWindow
from tests.ui.support import WAIT_MS, activate, seed_keys


def nav_item(window: MainWindow, name: str) -> QPushButton:
    found = window.findChild(QPushButton, name)
    assert found is not None, name
    return found


def current_page(window: MainWindow) -> str:
    stack = window.findChild(QStackedWidget, "workspaceStack")
    assert stack is not None
    return stack.currentWidget().objectName()


def test_the_side_bar_switches_workspaces_and_keeps_the_banner_shared(
    qtbot: Any, window: MainWindow
) -> None:
    bar = window.findChild(QFrame, "navigationBar")
    assert bar is not None and bar.isVisible()
    assert current_page(window) == "keysScreen"
    assert nav_item(window, "navKeys").isChecked()
    qtbot.mouseClick(nav_item(window, "navAudit"), Qt.MouseButton.LeftButton)
    assert current_page(window) == "auditView"
    assert nav_item(window, "navAudit").isChecked() and not nav_item(window, "navKeys").isChecked()
    # The one banner lives outside the pages: an error on the Audit page shows in it.
    banner = window.findChild(QWidget, "errorBanner")
    assert banner is not None and not window.findChild(QWidget, "auditView").isAncestorOf(banner)
    qtbot.mouseClick(nav_item(window, "navKeys"), Qt.MouseButton.LeftButton)
    assert current_page(window) == "keysScreen"


def test_shortcuts_and_the_view_menu_switch_too(qtbot: Any, window: MainWindow) -> None:
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait_until(lambda: current_page(window) == "auditView", timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait_until(lambda: current_page(window) == "keysScreen", timeout=WAIT_MS)
    menu = window.findChild(QMenu, "viewMenu")
    assert menu is not None
    titles = [action.text() for action in menu.actions() if action.isVisible()]
    assert titles[:2] == ["Keys", "Audit"]
    audit = next(action for action in menu.actions() if action.text() == "Audit")
    assert audit.shortcut().toString() == "Ctrl+2"
    audit.trigger()
    assert current_page(window) == "auditView"


def test_keyboard_only_the_arrow_keys_walk_the_side_bar(qtbot: Any, window: MainWindow) -> None:
    activate(qtbot, window)
    keys = nav_item(window, "navKeys")
    keys.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.wait_until(keys.hasFocus, timeout=WAIT_MS)
    qtbot.keyClick(keys, Qt.Key.Key_Down)
    audit = nav_item(window, "navAudit")
    qtbot.wait_until(audit.hasFocus, timeout=WAIT_MS)
    qtbot.keyClick(audit, Qt.Key.Key_Space)
    qtbot.wait_until(lambda: current_page(window) == "auditView", timeout=WAIT_MS)


def test_the_open_workspace_is_remembered_between_runs(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    first = make_window(ui_services)
    assert first.switch_to("audit")
    first.discard_and_close()
    second = make_window(ui_services)
    qtbot.wait_until(lambda: current_page(second) == "auditView", timeout=WAIT_MS)
    assert nav_item(second, "navAudit").isChecked()


def test_a_side_bar_count_is_grouped_as_every_other_count(window: MainWindow) -> None:
    window.nav.set_badge("attention", 629_577)
    button = nav_item(window, "navAttention")
    assert button.text() == "Needs attention (629,577)"
    assert button.accessibleName() == "Needs attention (629,577)"
    window.nav.set_badge("attention", 0)
    assert button.text() == "Needs attention"


def test_a_narrow_window_keeps_the_side_bar_as_icons(qtbot: Any, window: MainWindow) -> None:
    window.resize(800, 600)
    qtbot.wait_until(lambda: window.nav.compact, timeout=WAIT_MS)
    item = nav_item(window, "navAudit")
    assert item.text() == "" and item.accessibleName() == "Audit"
    assert "Ctrl+2" in item.toolTip()
    qtbot.wait_until(lambda: window.nav.width() < 80, timeout=WAIT_MS)
    window.resize(1280, 800)
    qtbot.wait_until(lambda: not window.nav.compact, timeout=WAIT_MS)
    assert item.text() == "Audit"


def test_people_and_policy_are_there_for_people_of_the_console(window: MainWindow) -> None:
    for name in ("navPeople", "navPolicy"):
        item = window.findChild(QPushButton, name)
        if item is None:  # issue 9's screens are not in this tree yet
            continue
        assert item.isVisible()


def test_a_member_sees_audit_with_their_own_keys_only(
    qtbot: Any, make_window: Any, ui_services: Services, open_as: Any
) -> None:
    seed_keys(ui_services, 2, stem="Admin key")
    member = open_as("mia", Role.MEMBER)
    member.keys.create("Mia's form sync", "Sends form entries to the CRM.")
    window = make_window(member)
    assert nav_item(window, "navAudit").isVisible()
    assert window.switch_to("audit")
    model = window.audit.model
    qtbot.wait_until(lambda: model.has_loaded and not model.is_loading, timeout=WAIT_MS)
    targets = {model.entry_at(row).target_name for row in range(model.rowCount())}
    assert "Mia's form sync" in targets
    assert not any(name and name.startswith("Admin key") for name in targets)
    assert not window.findChild(QWidget, "verifyChainButton").isVisible()
    assert not window.findChild(QWidget, "signCheckpointButton").isVisible()


class _FirstPaint(QObject):
    """Notes what was built when ``window`` first painted."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.built_then: dict[str, bool] | None = None
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.built_then is None:
            self.built_then = {
                "panel": self.window.keys.panel_built,
                **{
                    name: space.built is not None
                    for name, space in self.window.workspaces.items()
                    if name != "keys"
                },
            }
        return False


def test_the_console_paints_its_first_page_before_it_builds_the_other_pages(
    qtbot: Any, tasks: Any, ui_services: Services
) -> None:
    """At start the console is shown once its first page has arrived (in the first
    window's place): building the keys' detail panel first held back its first paint."""
    seed_keys(ui_services, 3)
    presenter = ErrorPresenter()
    window = MainWindow(ui_services, tasks, presenter)
    presenter.setParent(window)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.keys.model.query_loaded, timeout=WAIT_MS):
        pass
    qtbot.wait(50)  # a turn or two of the event loop, as the start's hand-over takes
    first = _FirstPaint(window)
    window.show()
    qtbot.wait_until(lambda: first.built_then is not None, timeout=WAIT_MS)
    assert first.built_then is not None and not any(first.built_then.values())
    qtbot.wait_until(lambda: window.pages_built, timeout=WAIT_MS)
    window.discard_and_close()


def test_a_window_never_shown_builds_its_pages_all_the_same(
    qtbot: Any, tasks: Any, ui_services: Services
) -> None:
    presenter = ErrorPresenter()
    window = MainWindow(ui_services, tasks, presenter)
    presenter.setParent(window)
    qtbot.addWidget(window)
    qtbot.wait_until(lambda: window.pages_built, timeout=WAIT_MS)
    assert not window.isVisible()
    assert window.findChild(QWidget, "keyDetailPanel") is not None
    window.discard_and_close()


def test_the_other_pages_are_built_after_the_first_page_or_at_once_when_asked_for(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    """Only the keys page is built with the window (issue 11: the start must not stall);
    the rest follow by themselves after the first page, and a page asked for sooner is
    built on the spot and works (its badge, its role, its contents)."""
    seed_keys(ui_services, 3)
    window = make_window(ui_services, wait=False)
    pages = {name: workspace.built for name, workspace in window.workspaces.items()}
    assert pages["keys"] is not None
    assert [name for name, page in pages.items() if page is None] == [
        "audit",
        "people",
        "policy",
        "attention",
        "reviews",
    ]
    assert window.findChild(QWidget, "keyDetailPanel") is None
    # Asked for before its turn (no event has run yet): built on the spot, in the window.
    policy = window.workspaces["policy"].widget
    assert window.workspaces["policy"].built is policy
    assert window.findChild(QWidget, "policyView") is policy
    # The others arrive with no user action, the detail panel too.
    qtbot.wait_until(lambda: window.pages_built and window.operator is not None, timeout=WAIT_MS)
    assert window.findChild(QWidget, "keyDetailPanel") is not None
    assert nav_item(window, "navAttention").isVisible()
    for name, page in (("audit", "auditView"), ("people", "peopleView"), ("policy", "policyView")):
        assert window.switch_to(name)
        assert current_page(window) == page
    # The panel built behind the first page opens on a row like any other.
    window.switch_to("keys")
    window.keys.table.selectRow(0)
    qtbot.wait_until(window.keys.panel.isVisible, timeout=WAIT_MS)
