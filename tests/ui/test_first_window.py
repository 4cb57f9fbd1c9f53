"""``keyward`` shows the first page of keys before the console has loaded, then the console.

Driven through ``app.ui.start.run_console`` as the ``keyward`` script runs it, on a real
SQLite file and a real X server: the first window's rows are the console's first rows, in
the order the user left the table, and the console opens in its place.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from PySide6.QtCore import QCoreApplication, QEvent, QRect, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from app import main as keyward_main
from app.cli.main import CONSOLE_UNAVAILABLE
from app.data.schema import SCHEMA_REVISION, _config
from app.services import Services
from app.ui import app as console_app
from app.ui import first_window, schema_update, start
from app.ui.application import ensure_application
from app.ui.first_window import FirstWindow, open_first_window
from app.ui.models.keys_model import Column
from app.ui.schema_update import SchemaUpdateWindow
from app.ui.settings import WindowSettings
from tests.support import services_modules_loaded_by
from tests.ui.support import WAIT_MS, seed_keys, url_of


def _names(model: Any) -> list[str]:
    return [model.key_at(row).name for row in range(model.rowCount())]


def _top_level(object_name: str) -> Any:
    """The visible top-level window with this object name, or None."""
    shown = (w for w in QApplication.topLevelWidgets() if w.isVisible())
    return next((w for w in shown if w.objectName() == object_name), None)


@pytest.fixture
def fast_argon(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEYWARD_ARGON2_PROFILE", "fast-for-tests")


def test_keyward_shows_the_first_page_then_the_console_in_its_place(
    qtbot: Any,
    ui_services: Services,
    monkeypatch: pytest.MonkeyPatch,
    fast_argon: None,
) -> None:
    seed_keys(ui_services, 30, stem="Zulu")
    seed_keys(ui_services, 30, stem="Alpha")
    # Last time, the user left the table sorted by name (the console saved its header).
    ensure_application()  # the settings file is named after the application, as keyward's
    _remember_sort_by_name(ui_services)
    seen: dict[str, Any] = {}
    hand_over = FirstWindow.hand_over

    def watched_hand_over(first: FirstWindow, window: Any) -> None:
        seen["first_visible"] = first.isVisible()
        seen["first_rows"] = _names(first.model)
        seen["first_geometry"] = QRect(first.geometry())
        seen["console_rows"] = _names(window.keys.model)
        qtbot.addWidget(window)  # deleted at the end of the test, as every test's window
        hand_over(first, window)
        seen["console_geometry"] = QRect(window.geometry())
        seen["first_after"] = first.isVisible()

    monkeypatch.setattr(FirstWindow, "hand_over", watched_hand_over)
    # On a loaded machine neither window may give up waiting for its rows (they would show
    # without them, as intended for a slow file): this test compares the rows.
    monkeypatch.setattr(first_window, "ROWS_WAIT_MS", WAIT_MS)
    monkeypatch.setattr(console_app, "TAKE_OVER_WAIT_MS", WAIT_MS)

    def on_console(window: Any) -> None:
        seen["console_visible"] = True

    assert _run_until_the_console_shows(url_of(ui_services), on_console) == 0
    assert seen["first_visible"] and seen["console_visible"]
    # The first page is the console's first page, sorted as the user left it.
    assert seen["first_rows"][:5] == [
        "Alpha 000",
        "Alpha 001",
        "Alpha 002",
        "Alpha 003",
        "Alpha 004",
    ]
    assert seen["first_rows"] == seen["console_rows"][: len(seen["first_rows"])]
    assert seen["console_geometry"] == seen["first_geometry"]
    assert seen["first_after"] is False


def _run_until_the_console_shows(url: str, on_console: Callable[[Any], None]) -> int:
    """``keyward`` for ``url``, as its script runs it; once the console shows with its rows,
    ``on_console(window)``, then the console closes. The exit code."""

    def close_when_shown() -> None:
        window = _top_level("mainWindow")
        if window is not None and window.isVisible() and window.keys.model.has_loaded:
            on_console(window)
            window.discard_and_close()
        else:
            QTimer.singleShot(20, close_when_shown)

    QTimer.singleShot(20, close_when_shown)
    # A bound, not a pause: a console that never shows fails the test instead of hanging it.
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(QApplication.quit)
    deadline.start(3 * WAIT_MS)
    try:
        return start.run_console(url)
    finally:
        deadline.stop()  # it must not end a later test's event loop
        QApplication.instance().setStyleSheet("")
        if (console := _top_level("mainWindow")) is not None:
            console.discard_and_close()  # a failure must not leave the console open


def _remember_sort_by_name(services: Services) -> None:
    """Save a keys-table header sorted by name, ascending, as the console saves its own."""
    from app.ui.models.keys_model import KeysModel
    from app.ui.tasks import TaskRunner
    from app.ui.widgets.keys_table import KeysTable

    holder = QWidget()  # owns everything below: deleted here, on this thread
    tasks = TaskRunner(holder)
    table = KeysTable(KeysModel(services, tasks, parent=holder), holder)
    header = table.horizontalHeader()
    header.blockSignals(True)  # only the header's state is wanted, no query
    header.setSortIndicator(Column.NAME, Qt.SortOrder.AscendingOrder)  # as a click sets it
    header.blockSignals(False)
    settings = WindowSettings()
    settings.save_header(header)
    settings.sync()
    tasks.wait_for_done()
    holder.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_the_first_window_takes_no_clicks_and_no_focus(qtbot: Any, ui_services: Services) -> None:
    seed_keys(ui_services, 3)
    first = open_first_window(url_of(ui_services))
    assert first is not None
    qtbot.addWidget(first)
    qtbot.wait_until(lambda: first.model.rowCount() == 3)
    first.show()
    qtbot.wait_exposed(first)
    assert first.status.text() == "Opening the console…"
    assert first.table.focusPolicy() == Qt.FocusPolicy.NoFocus
    rect = first.table.visualRect(first.model.index(0, Column.NAME))
    qtbot.mouseClick(first.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert not first.table.selectionModel().hasSelection()
    first.close()


def test_no_first_window_when_another_workspace_was_open_last(ui_services: Services) -> None:
    seed_keys(ui_services, 2)
    settings = WindowSettings()
    settings.save_workspace("audit")
    settings.sync()
    assert open_first_window(url_of(ui_services)) is None


def test_no_first_window_on_a_server_or_a_file_that_is_not_there(tmp_path: Path) -> None:
    assert open_first_window("postgresql+psycopg://ada@db.example/keys") is None
    missing = tmp_path / "missing.db"
    assert open_first_window(f"sqlite:///{missing}") is None
    assert not missing.exists()


def test_closing_the_first_window_before_the_console_is_ready_ends_keyward(
    qtbot: Any, ui_services: Services, monkeypatch: pytest.MonkeyPatch, fast_argon: None
) -> None:
    seed_keys(ui_services, 2)

    def closed_while_loading(name: str) -> Any:
        first = _top_level("firstWindow")
        assert first is not None
        first.close()  # the person closes it while the console still loads
        return importlib.import_module(name)

    monkeypatch.setattr(start, "import_behind", closed_while_loading)
    assert start.run_console(url_of(ui_services)) == 0
    QApplication.instance().setStyleSheet("")
    assert _top_level("mainWindow") is None  # the console never opened


def test_a_build_without_the_console_says_so_and_leaves_no_window(
    qtbot: Any,
    ui_services: Services,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed_keys(ui_services, 2)
    # As a build that left out the console's parts (SQLAlchemy, the screens) would fail.
    monkeypatch.setattr(start, "CONSOLE_MODULE", "app.ui.no_such_console")
    shown: list[bool] = []
    show = FirstWindow.show
    monkeypatch.setattr(FirstWindow, "show", lambda first: (shown.append(True), show(first)))
    assert keyward_main.run_console(url_of(ui_services)) == 1
    QApplication.instance().setStyleSheet("")
    err = capsys.readouterr().err
    assert shown == [True]  # the first page was up when the import failed
    assert err.strip() == f"keyward: {CONSOLE_UNAVAILABLE}"
    assert "Traceback" not in err
    assert _top_level("firstWindow") is None
    assert _top_level("mainWindow") is None


def test_a_background_import_gives_the_module_or_its_error(qtbot: Any) -> None:
    module = start.import_behind("json.tool")
    assert module.__name__ == "json.tool"
    with pytest.raises(ModuleNotFoundError):
        start.import_behind("app.ui.no_such_module")


def test_the_application_set_up_again_repolishes_nothing(qtbot: Any) -> None:
    # keyward sets the application up three times on its way to the console; a style sheet
    # set again re-polished every widget shown and repainted the first page's window.
    app = ensure_application()
    shown = QWidget()
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    changes: list[QEvent.Type] = []

    class Watch(QWidget):
        def eventFilter(self, watched: Any, event: QEvent) -> bool:
            if event.type() in (QEvent.Type.StyleChange, QEvent.Type.Polish):
                changes.append(event.type())
            return False

    watch = Watch()
    shown.installEventFilter(watch)
    try:
        sheet = app.styleSheet()
        assert sheet  # the application's own style sheet is in place
        ensure_application()
        ensure_application()
        QCoreApplication.processEvents()
        assert changes == []
        assert app.styleSheet() == sheet
        # A sheet someone cleared is set again.
        app.setStyleSheet("")
        changes.clear()
        ensure_application()
        QCoreApplication.processEvents()
        assert app.styleSheet() == sheet
        assert changes  # re-polished once, as it must be
    finally:
        shown.removeEventFilter(watch)
        app.setStyleSheet("")


def test_the_start_loads_neither_sqlalchemy_nor_the_services() -> None:
    loaded = services_modules_loaded_by("app.ui.start", Path(os.getcwd()))
    assert loaded == ["app.services.dto", "app.services.first_page"]


def test_an_older_file_is_updated_behind_a_window_then_the_console_opens(
    qtbot: Any, ui_services: Services, monkeypatch: pytest.MonkeyPatch, fast_argon: None
) -> None:
    seed_keys(ui_services, 12, stem="Alpha")
    url = url_of(ui_services)
    config = _config()
    with ui_services.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0014")  # as an earlier Keyward left the file
    monkeypatch.setattr(schema_update, "SHOW_AFTER_MS", 0)  # the update here takes no time
    monkeypatch.setattr(first_window, "ROWS_WAIT_MS", WAIT_MS)
    monkeypatch.setattr(console_app, "TAKE_OVER_WAIT_MS", WAIT_MS)
    seen: dict[str, Any] = {}
    show = SchemaUpdateWindow.show

    def watched_show(window: SchemaUpdateWindow) -> None:
        show(window)
        first = _top_level("firstWindow")
        seen["update"] = (window.isVisible(), window.message.text())
        seen["first_rows"] = None if first is None else _names(first.model)
        seen["first_status"] = None if first is None else first.status.text()
        qtbot.keyClick(window, Qt.Key.Key_Escape)  # a person trying to get rid of it
        seen["after_escape"] = window.isVisible()

    monkeypatch.setattr(SchemaUpdateWindow, "show", watched_show)

    def on_console(window: Any) -> None:
        qtbot.addWidget(window)  # deleted at the end of the test: no window left for the next
        seen["console_rows"] = _names(window.keys.model)
        seen["update_after"] = _top_level("schemaUpdateDialog")

    assert _run_until_the_console_shows(url, on_console) == 0
    visible, message = seen["update"]
    assert visible and "earlier version of Keyward" in message
    assert seen["after_escape"] is True  # the update cannot be walked away from halfway
    # The first page stayed on screen under it, and the console opened on the updated file.
    assert seen["first_rows"] is not None and len(seen["first_rows"]) == 12
    assert seen["first_status"] == "Updating the database…"
    assert sorted(seen["console_rows"]) == [f"Alpha {n:03d}" for n in range(12)]
    assert seen["update_after"] is None
    with ui_services.engine.connect() as connection:
        revision = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    assert revision == SCHEMA_REVISION
