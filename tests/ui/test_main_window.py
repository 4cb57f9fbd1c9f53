"""The main window, driven through its widgets by object name, against a real database."""

from __future__ import annotations

import time
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from app.domain.errors import DatabaseError, ValidationError
from app.domain.hashing import TokenHasher
from app.domain.status import KeyStatus
from app.services import Services
from app.ui import app as console_app
from app.ui.main_window import MainWindow
from app.ui.models.keys_model import Column, StatusRole
from app.ui.resources import icon
from app.ui.settings import WindowSettings, clamp_to_screen
from app.ui.widgets import confirm
from app.ui.widgets.empty_state import PICTURE, PICTURE_SIZE, READ_ONLY_PICTURE
from tests.ui.support import (
    WAIT_MS,
    activate,
    seed_keys,
    url_of,
    wait_closed,
    wait_for_top_level,
    wait_ready,
)


def table(window: MainWindow) -> QTableView:
    return window.findChild(QTableView, "keysTable")


def visible_names(window: MainWindow) -> list[str]:
    view = table(window)
    return [view.model().index(row, Column.NAME).data() for row in range(view.model().rowCount())]


def click_header(qtbot: Any, window: MainWindow, column: Column) -> None:
    header: QHeaderView = table(window).horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


# --------------------------------------------------------------------------- showing keys


def test_window_shows_keys_summary_count_and_where_it_is_connected(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    seed_keys(ui_services, 3)
    ui_services.keys.disable(ui_services.keys.page().rows[0].key_id)
    window = make_window(ui_services)
    assert window.objectName() == "mainWindow"
    assert window.windowTitle() == "Keyward — console.db"
    assert visible_names(window) == ["Integration 002", "Integration 001", "Integration 000"]
    assert window.findChild(QLabel, "matchCount").text() == "3 keys"
    active = window.findChild(QWidget, "summaryActive").findChild(QLabel, "summaryValue")
    verifications = window.findChild(QWidget, "summaryVerifications")
    assert active.text() == "2"
    assert verifications.findChild(QLabel, "summaryValue").text() == "0"
    me = ui_services.users.me()
    assert window.findChild(QLabel, "statusOperator").text() == f"{me.login} · Admin"
    database = window.findChild(QLabel, "statusDatabase").text()
    assert database.startswith("sqlite:///") and database.endswith("console.db")
    status = table(window).model().index(0, Column.STATUS)
    assert status.data() == "Disabled"
    assert KeyStatus(status.data(StatusRole)) is KeyStatus.DISABLED
    # Every control a test or a screen reader relies on has an accessible name.
    for name in ("keysTable", "searchField", "statusFilter", "createKeyButton"):
        assert window.findChild(QWidget, name).accessibleName()


def test_a_fresh_database_invites_to_create_the_first_key(qtbot: Any, window: MainWindow) -> None:
    empty = window.findChild(QWidget, "emptyState")
    assert empty.isVisible()
    assert not table(window).isVisible()
    assert "No API keys yet" in empty.findChild(QLabel, "emptyStateTitle").text()
    assert window.findChild(QPushButton, "emptyCreateKeyButton").isVisible()


def test_search_filters_on_the_server_after_a_pause_and_keeps_the_text(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    for name in ("Salesforce Data Sync", "Snowflake ETL", "Looker Reporting Integration"):
        ui_services.keys.create(name)
    ui_services.keys.create("Warehouse loader", "Pulls opportunity data into Snowflake nightly.")
    window = make_window(ui_services)
    search = window.findChild(QLineEdit, "searchField")
    assert search.placeholderText() == "Search name, description, owner or key id"
    with qtbot.wait_signal(window.keys.model.query_loaded, timeout=WAIT_MS):
        qtbot.keyClicks(search, "snowfl")
    assert sorted(visible_names(window)) == ["Snowflake ETL", "Warehouse loader"]
    assert search.text() == "snowfl"
    qtbot.wait_until(lambda: window.findChild(QLabel, "matchCount").text() == "2 matching keys")

    with qtbot.wait_signal(window.keys.model.query_loaded, timeout=WAIT_MS):
        search.setText("no such integration")
    empty = window.findChild(QWidget, "emptyState")
    assert empty.isVisible()
    assert "No keys match" in empty.findChild(QLabel, "emptyStateTitle").text()
    # The empty table without the "+": nothing invites creating a key here.
    shown = empty.findChild(QLabel, "emptyStatePicture").pixmap().toImage()
    assert shown == icon(READ_ONLY_PICTURE).pixmap(PICTURE_SIZE).toImage()
    assert shown != icon(PICTURE).pixmap(PICTURE_SIZE).toImage()
    with qtbot.wait_signal(window.keys.model.query_loaded, timeout=WAIT_MS):
        qtbot.mouseClick(
            window.findChild(QPushButton, "clearSearchButton"), Qt.MouseButton.LeftButton
        )
    assert len(visible_names(window)) == 4 and search.text() == ""


def test_search_text_with_sql_and_wildcards_is_literal(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    ui_services.keys.create("100% uptime probe")
    ui_services.keys.create("Other")
    window = make_window(ui_services)
    with qtbot.wait_signal(window.keys.model.query_loaded, timeout=WAIT_MS):
        window.findChild(QLineEdit, "searchField").setText("100%")
    assert visible_names(window) == ["100% uptime probe"]
    with qtbot.wait_signal(window.keys.model.query_loaded, timeout=WAIT_MS):
        window.findChild(QLineEdit, "searchField").setText("'; DROP TABLE api_keys; --")
    assert visible_names(window) == []
    assert ui_services.keys.count() == 2


def test_an_unusable_search_is_explained_and_the_text_stays(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    seed_keys(ui_services, 2)
    window = make_window(ui_services)
    search = window.findChild(QLineEdit, "searchField")
    search.setText("x" * 201)
    count = window.findChild(QLabel, "matchCount")
    qtbot.wait_until(lambda: "keep it to 200" in count.text(), timeout=WAIT_MS)
    assert search.text() == "x" * 201
    assert len(visible_names(window)) == 2


def test_status_filter(qtbot: Any, make_window: Any, ui_services: Services) -> None:
    ids = seed_keys(ui_services, 4)
    ui_services.keys.revoke(ids[0], "leaked")
    ui_services.keys.disable(ids[1])
    window = make_window(ui_services)
    combo = window.findChild(QComboBox, "statusFilter")
    assert [combo.itemText(n) for n in range(combo.count())] == [
        "All statuses",
        "Active",
        "Disabled",
        "Expired",
        "Revoked",
    ]
    with qtbot.wait_signal(window.keys.model.query_loaded, timeout=WAIT_MS):
        combo.setCurrentIndex(combo.findText("Revoked"))
    assert visible_names(window) == ["Integration 000"]
    with qtbot.wait_signal(window.keys.model.query_loaded, timeout=WAIT_MS):
        combo.setCurrentIndex(combo.findText("Active"))
    assert sorted(visible_names(window)) == ["Integration 002", "Integration 003"]


def test_clicking_a_header_sorts_on_the_server(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    for name in ("Snowflake ETL", "Airflow loader", "Marketo forms", "HubSpot Sync – Prod"):
        ui_services.keys.create(name)
    window = make_window(ui_services)
    assert visible_names(window)[0] == "HubSpot Sync – Prod"  # newest first
    with qtbot.wait_signal(window.keys.model.query_loaded, timeout=WAIT_MS):
        click_header(qtbot, window, Column.NAME)
    ascending = ["Airflow loader", "HubSpot Sync – Prod", "Marketo forms", "Snowflake ETL"]
    assert visible_names(window) == ascending
    with qtbot.wait_signal(window.keys.model.query_loaded, timeout=WAIT_MS):
        click_header(qtbot, window, Column.NAME)
    assert visible_names(window) == ascending[::-1]
    header = table(window).horizontalHeader()
    assert header.sortIndicatorSection() == Column.NAME
    # The masked key column is not sortable: the indicator and the rows stay.
    with qtbot.assert_not_emitted(window.keys.model.loading_changed, wait=100):
        click_header(qtbot, window, Column.KEY)
    assert header.sortIndicatorSection() == Column.NAME
    assert visible_names(window) == ascending[::-1]


def test_rows_arrive_as_the_table_scrolls(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    seed_keys(ui_services, 250)
    window = make_window(ui_services)
    view = table(window)
    assert view.model().rowCount() == 100
    qtbot.wait_until(lambda: window.findChild(QLabel, "matchCount").text() == "250 keys")
    for expected in (200, 250):
        with qtbot.wait_signal(view.model().rowsInserted, timeout=WAIT_MS):
            view.scrollToBottom()
            bar = view.verticalScrollBar()
            bar.setValue(bar.maximum())
        qtbot.wait_until(lambda n=expected: view.model().rowCount() == n, timeout=WAIT_MS)
    assert not view.model().canFetchMore()
    assert len({window.keys.model.key_at(row).key_id for row in range(250)}) == 250


def test_f5_refreshes_and_picks_up_changes_made_elsewhere(
    qtbot: Any, make_window: Any, ui_services: Services, open_as: Any
) -> None:
    window = make_window(ui_services)
    open_as("bob").keys.create("Created by Bob")
    with qtbot.wait_signal(window.keys.model.query_loaded, timeout=WAIT_MS):
        window.refresh_action.trigger()
    assert visible_names(window) == ["Created by Bob"]
    assert window.findChild(QAction, "refreshAction").shortcut().toString() == "F5"


# --------------------------------------------------------------------------- selection


def test_selecting_a_row_opens_the_detail_panel_and_enter_keeps_focus_on_the_table(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    ui_services.keys.create("Snowflake ETL", "Nightly load. Owner: Data team.")
    window = make_window(ui_services)
    panel = window.findChild(QWidget, "keyDetailPanel")
    assert not panel.isVisible()
    view = table(window)
    qtbot.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=view.visualRect(view.model().index(0, 0)).center(),
    )
    qtbot.wait_until(panel.isVisible)
    assert window.findChild(QLineEdit, "nameEdit").text() == "Snowflake ETL"
    activate(qtbot, window)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.wait_until(panel.isVisible)
    # Never into a text field: the next Delete must not edit the name (issue 11).
    assert view.hasFocus() and not window.findChild(QLineEdit, "nameEdit").hasFocus()
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert not panel.isVisible()


def test_context_menu_offers_the_actions_a_row_allows(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    ids = seed_keys(ui_services, 2)
    ui_services.keys.revoke(ids[0])
    window = make_window(ui_services)
    active = window.keys.model.key_at(window.keys.model.row_of(ids[1]))
    revoked = window.keys.model.key_at(window.keys.model.row_of(ids[0]))
    menu = window.keys.context_menu(active, [active])
    labels = {action.text(): action.isEnabled() for action in menu.actions() if action.text()}
    assert labels == {
        "Open details": True,
        "Copy key id": True,
        "Disable": True,
        "Rotate…": True,
        "Revoke…": True,
        "Delete…": True,
    }
    menu.deleteLater()
    menu = window.keys.context_menu(revoked, [revoked])
    labels = {action.text(): action.isEnabled() for action in menu.actions() if action.text()}
    assert labels["Enable"] is False and labels["Revoke…"] is False
    menu.deleteLater()
    window.keys.copy_key_id(active)
    assert QApplication.clipboard().text() == active.key_id


def test_disable_from_the_table(qtbot: Any, make_window: Any, ui_services: Services) -> None:
    key_id = seed_keys(ui_services, 1)[0]
    window = make_window(ui_services)
    with qtbot.wait_signal(window.keys.model.dataChanged, timeout=WAIT_MS):
        window.keys.set_key_enabled(window.keys.model.key_at(0), False)
    assert window.keys.model.index(0, Column.STATUS).data() == "Disabled"
    assert ui_services.keys.get(key_id).status is KeyStatus.DISABLED


# --------------------------------------------------------------------------- revoke, delete


def _revoke_in_dialog(qtbot: Any, reason: str) -> None:
    dialog = wait_for_top_level(qtbot, "revokeKeyDialog")
    reason_field = dialog.findChild(QComboBox, "revokeReasonField")
    reason_field.setEditText(reason)
    qtbot.mouseClick(
        dialog.findChild(QPushButton, "confirmRevokeButton"), Qt.MouseButton.LeftButton
    )
    wait_closed(qtbot, dialog)


def test_delete_key_with_several_rows_selected_revokes_them_together(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    ids = seed_keys(ui_services, 4)
    window = make_window(ui_services)
    view = table(window)
    for key_id in ids[1:]:
        view.selectionModel().select(
            window.keys.model.index_of(key_id),
            view.selectionModel().SelectionFlag.Select | view.selectionModel().SelectionFlag.Rows,
        )
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    _revoke_in_dialog(qtbot, "Security incident or suspected compromise")
    qtbot.wait_until(
        lambda: all(
            window.keys.model.key_at(window.keys.model.row_of(key_id)).status is KeyStatus.REVOKED
            for key_id in ids[1:]
        ),
        timeout=WAIT_MS,
    )
    assert len(visible_names(window)) == 4  # revoked keys stay listed for the audit trail
    assert ui_services.keys.get(ids[0]).status is KeyStatus.ACTIVE
    for key_id in ids[1:]:
        stored = ui_services.keys.get(key_id)
        assert stored.status is KeyStatus.REVOKED
        assert stored.revoked_reason == "Security incident or suspected compromise"
    qtbot.wait_until(lambda: window.keys.header.summary_active.value == "1", timeout=WAIT_MS)


def test_delete_asks_first_then_removes_the_row_and_the_audit_keeps_it(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    key_id = seed_keys(ui_services, 2)[1]
    window = make_window(ui_services)
    window.keys.table.selectRow(window.keys.model.row_of(key_id))
    panel = window.findChild(QWidget, "keyDetailPanel")
    qtbot.wait_until(panel.isVisible)
    qtbot.mouseClick(window.findChild(QPushButton, "deleteKeyButton"), Qt.MouseButton.LeftButton)
    box = wait_for_top_level(qtbot, "deleteKeyDialog")
    # Delete warns as Revoke does: an active key is revoked first.
    assert "Integration 001" in box.windowTitle() + " ".join(
        label.text() for label in box.findChildren(QLabel)
    )
    with qtbot.wait_signal(window.keys.model.rowsRemoved, timeout=WAIT_MS):
        qtbot.mouseClick(
            box.findChild(QPushButton, "confirmDeleteButton"), Qt.MouseButton.LeftButton
        )
    assert visible_names(window) == ["Integration 000"]
    assert not panel.isVisible()
    actions = [event.action.value for event in ui_services.keys.history(key_id)]
    assert actions == ["key.created", "key.revoked", "key.deleted"]


def test_cancelling_the_delete_question_changes_nothing(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    key_id = seed_keys(ui_services, 1)[0]
    window = make_window(ui_services)
    window.keys.delete_key(window.keys.model.key_at(0))
    box = wait_for_top_level(qtbot, "deleteKeyDialog")
    qtbot.mouseClick(box.findChild(QPushButton, "cancelButton"), Qt.MouseButton.LeftButton)
    wait_closed(qtbot, box)
    assert visible_names(window) == ["Integration 000"]
    assert ui_services.keys.get(key_id).status is KeyStatus.ACTIVE


# --------------------------------------------------------------------------- create


def test_create_flow_end_to_end(qtbot: Any, window: MainWindow, ui_services: Services) -> None:
    button = window.findChild(QPushButton, "createKeyButton")
    assert button.text() == "Create API Key" and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = wait_for_top_level(qtbot, "createKeyDialog")
    qtbot.wait_until(
        lambda: dialog.findChild(QPushButton, "createButton").isEnabled(), timeout=WAIT_MS
    )
    qtbot.keyClicks(dialog.findChild(QLineEdit, "nameField"), "Snowflake ETL")
    qtbot.mouseClick(dialog.findChild(QPushButton, "createButton"), Qt.MouseButton.LeftButton)
    secret = wait_for_top_level(qtbot, "secretDialog")
    done = secret.findChild(QPushButton, "doneButton")
    assert not done.isEnabled()
    secret.findChild(QWidget, "storedElsewhereCheck").click()
    assert done.isEnabled()
    qtbot.mouseClick(done, Qt.MouseButton.LeftButton)
    wait_closed(qtbot, secret)

    assert visible_names(window) == ["Snowflake ETL"]
    assert table(window).isVisible()
    stored = ui_services.keys.page().rows
    assert [key.name for key in stored] == ["Snowflake ETL"]
    assert window.findChild(QLineEdit, "nameEdit").text() == "Snowflake ETL"
    qtbot.wait_until(lambda: window.keys.header.summary_active.value == "1", timeout=WAIT_MS)
    assert window.findChild(QLabel, "matchCount").text() == "1 key"


def test_ctrl_n_opens_the_create_dialog(qtbot: Any, window: MainWindow) -> None:
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = wait_for_top_level(qtbot, "createKeyDialog")
    dialog.reject()


def test_ctrl_f_focuses_the_search(qtbot: Any, window: MainWindow) -> None:
    activate(qtbot, window)
    table(window).setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait_until(window.findChild(QLineEdit, "searchField").hasFocus)


# --------------------------------------------------------------------------- errors


def test_known_errors_show_in_the_banner_without_blocking(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    window = make_window(ui_services)
    banner = window.findChild(QWidget, "errorBanner")
    assert not banner.isVisible()
    window.report_error(ValidationError("name", "Enter a name for the key."))
    assert banner.isVisible()
    assert banner.findChild(QLabel, "errorBannerText").text() == "Enter a name for the key."
    assert not banner.findChild(QPushButton, "errorBannerAction").isVisible()
    retry = banner.findChild(QPushButton, "errorBannerAction")
    window.report_error(DatabaseError("The database at x cannot be reached."))
    assert retry.isVisible() and retry.text() == "Retry"
    with qtbot.wait_signal(window.keys.model.query_loaded, timeout=WAIT_MS):
        qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()


# --------------------------------------------------------------------------- layout


def test_layout_is_saved_on_close_and_restored(
    qtbot: Any, make_window: Any, ui_services: Services, settings_dir: Any
) -> None:
    seed_keys(ui_services, 2)
    window = make_window(ui_services)
    window.resize(760, 600)
    header = table(window).horizontalHeader()
    header.resizeSection(Column.NAME, 321)
    header.moveSection(header.visualIndex(Column.OWNER), 1)
    with qtbot.wait_signal(window.keys.model.query_loaded, timeout=WAIT_MS):
        click_header(qtbot, window, Column.NAME)
    window.discard_and_close()
    settings_file = WindowSettings().file_name
    assert settings_file.startswith(str(settings_dir))

    again = make_window(ui_services)
    header = table(again).horizontalHeader()
    assert header.sectionSize(Column.NAME) == 321
    assert header.visualIndex(Column.OWNER) == 1
    assert header.sortIndicatorSection() == Column.NAME
    assert visible_names(again) == ["Integration 000", "Integration 001"]  # sorted by name
    assert again.size() == QSize(760, 600)


def test_a_saved_geometry_bigger_than_the_screen_is_clamped() -> None:
    screen = QRect(0, 0, 1280, 800)
    assert clamp_to_screen(QRect(900, -50, 2000, 1200), screen) == screen
    assert clamp_to_screen(QRect(1200, 700, 400, 300), screen) == QRect(880, 500, 400, 300)
    assert clamp_to_screen(QRect(10, 20, 300, 200), screen) == QRect(10, 20, 300, 200)


def test_restored_window_fits_on_the_screen(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    window = make_window(ui_services)
    window.setGeometry(5000, 5000, 8000, 6000)
    window.discard_and_close()
    again = make_window(ui_services)
    available = again.screen().availableGeometry()
    assert available.contains(again.geometry())


# --------------------------------------------------------------------------- composition root


def test_open_console_builds_the_window_without_an_event_loop(
    qtbot: Any, ui_services: Services, fast_hasher: TokenHasher
) -> None:
    url = url_of(ui_services)
    ui_services.keys.create("Snowflake ETL")
    window = console_app.open_console(url, hasher=fast_hasher)
    qtbot.addWidget(window)
    try:
        app = QApplication.instance()
        assert app.applicationName() == "Keyward" and app.organizationName() == "Keyward"
        assert not app.windowIcon().isNull()
        assert "statusBadge" in app.styleSheet()
        assert not window.isVisible()
        window.show()
        wait_ready(qtbot, window)
        assert visible_names(window) == ["Snowflake ETL"]
    finally:
        window.discard_and_close()
    app.setStyleSheet("")


def test_run_console_says_why_a_database_cannot_be_used_and_returns_3(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(console_app, "show_startup_error", shown.append)
    assert console_app.run_console("oracle://nowhere/keys") == 3
    assert shown == [
        "Keyward does not support 'oracle' databases; use SQLite, PostgreSQL or MariaDB."
    ]
    QApplication.instance().setStyleSheet("")


def test_the_startup_error_box_is_a_real_box_that_closes(qtbot: Any) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    seen: list[str] = []

    def close_it() -> None:
        box = next(
            w for w in QApplication.topLevelWidgets() if w.objectName() == "startupErrorDialog"
        )
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        box.button(QMessageBox.StandardButton.Close).click()

    QTimer.singleShot(50, close_it)
    console_app.show_startup_error("The database at x cannot be reached.")
    assert seen == ["The database at x cannot be reached."]


def test_run_console_runs_until_the_window_closes(
    qtbot: Any, ui_services: Services, monkeypatch: pytest.MonkeyPatch, fast_hasher: TokenHasher
) -> None:
    from PySide6.QtCore import QTimer

    url = url_of(ui_services)
    monkeypatch.setenv("KEYWARD_ARGON2_PROFILE", "fast-for-tests")

    def close_when_loaded() -> None:
        window = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow")
        if window.keys.model.has_loaded and window.isVisible():
            window.discard_and_close()
        else:
            QTimer.singleShot(20, close_when_loaded)

    QTimer.singleShot(20, close_when_loaded)
    assert console_app.run_console(url) == 0
    QApplication.instance().setStyleSheet("")


def test_confirm_asks_with_a_safe_default(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    window = make_window(ui_services)
    answers: list[str] = []
    box = confirm.ask(
        window,
        "Delete key",
        "Delete it?",
        lambda: answers.append("yes"),
        yes_text="Delete",
        destructive=True,
        on_no=lambda: answers.append("no"),
    )
    assert box.defaultButton().objectName() == "confirmNoButton"
    box.reject()
    qtbot.wait_until(lambda: answers == ["no"])


def test_the_first_page_comes_before_the_filters_choices_and_the_reminders(
    qtbot: Any, make_window: Any, ui_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the first page does not need waits for it: read beside it, the owners and the
    reminders took the GUI thread's turns while the console was built and shown."""
    seed_keys(ui_services, 3)
    order: list[str] = []

    def noting(name: str, call: Any, pause: float = 0.0) -> Any:
        def noted(*args: Any, **kwargs: Any) -> Any:
            time.sleep(pause)  # a first page that takes a while, as at 1,000,000 keys
            order.append(name)
            return call(*args, **kwargs)

        return noted

    keys, users, reviews = ui_services.keys, ui_services.users, ui_services.reviews
    monkeypatch.setattr(keys, "page", noting("page", keys.page, pause=0.5))
    monkeypatch.setattr(users, "all", noting("owners", users.all))
    monkeypatch.setattr(reviews, "waiting_on_me", noting("reminders", reviews.waiting_on_me))
    window = make_window(ui_services)
    qtbot.wait_until(lambda: {"owners", "reminders"} <= set(order), timeout=10_000)
    assert order.index("page") < order.index("owners")
    assert order.index("page") < order.index("reminders")
    # And they still arrive: the owner filter offers the people.
    owners = window.findChild(QComboBox, "ownerFilter")
    qtbot.wait_until(lambda: owners.count() > 1, timeout=10_000)
