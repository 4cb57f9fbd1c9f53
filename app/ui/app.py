"""The composition root: application → services → task runner → error presenter → window.

Nothing else in Keyward constructs services for the console. ``open_console`` builds it all
without starting an event loop (the tests drive it); ``run_console`` is what ``keyward``
runs without a command.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain.errors import DatabaseError, DatabaseErrorKind, KeywardError
from app.domain.hashing import TokenHasher
from app.services import Services, open_services
from app.services.database import DatabaseAddress, default_database_url, parse_address
from app.services.facade import older_local_database
from app.ui import db_login
from app.ui.application import ensure_application
from app.ui.errors import ErrorPresenter
from app.ui.first_window import FirstWindow
from app.ui.main_window import MainWindow
from app.ui.schema_update import update_behind_window
from app.ui.start import run_behind
from app.ui.tasks import WORKER_NICENESS, TaskRunner, favour_the_window
from app.ui.widgets.lifetime import wait_until_finished

#: The longest the first page's window waits for the console's own first page (ms).
TAKE_OVER_WAIT_MS = 2_000


def open_console(
    database_url: str | None = None,
    *,
    hasher: TokenHasher | None = None,
    operator_login: str | None = None,
    clock: Callable[[], datetime] | None = None,
    behind: bool = False,
) -> MainWindow:
    """Build the console for ``database_url`` (default: the local SQLite file); not shown.

    ``behind``: open the database on a background thread while the windows already shown
    stay live (the first window), unless a password has to be asked for.
    """
    ensure_application()
    options: dict[str, Any] = {"hasher": hasher, "operator_login": operator_login}
    if clock is not None:
        options["clock"] = clock
    services, notice = _connect(
        default_database_url() if database_url is None else database_url, options, behind
    )
    embedded = services.engine.dialect.name == "sqlite"
    tasks = TaskRunner(niceness=WORKER_NICENESS if embedded else 0)
    presenter = ErrorPresenter()
    presenter.install()
    try:
        window = MainWindow(services, tasks, presenter)
    except BaseException:
        presenter.uninstall()
        services.close()
        raise
    # The window owns the runner and the presenter from here on; closing it releases all.
    tasks.setParent(window)
    presenter.setParent(window)

    def release() -> None:
        presenter.uninstall()
        services.close()

    window.closed.connect(release)
    if notice:
        window.banner.show_message(notice)
    return window


def _connect(
    url_text: str, options: dict[str, Any], behind: bool = False
) -> tuple[Services, str | None]:
    """Open the services, asking for a server login's password at most once.

    Returns the services and, if remembering the password failed, a sentence to show.
    """
    url = parse_address(url_text)
    if not url.needs_login:
        if behind:
            return run_behind(lambda: open_services(url_text, **options)), None
        return open_services(url_text, **options), None
    password = url.password
    asked: db_login.PasswordAnswer | None = None
    if password is None:
        password = db_login.saved_password(url)
    if password is None:
        asked = _ask(url, "")
        password = asked.password
    while True:
        try:
            services = open_services(_with_password(url, password), **options)
        except DatabaseError as error:
            if asked is not None or error.kind is not DatabaseErrorKind.AUTHENTICATION:
                raise
            asked = _ask(url, error.message)
            password = asked.password
            continue
        notice = None
        if asked is not None and asked.remember:
            notice = db_login.save_password(url, password)
        return services, notice


def _ask(url: DatabaseAddress, reason: str) -> db_login.PasswordAnswer:
    answer = db_login.ask_password(url, reason)
    if answer is None:
        raise DatabaseError(
            f"No password was given for {url.username}; the database was not opened."
        )
    return answer


def _with_password(url: DatabaseAddress, password: str | None) -> str:
    return url.with_password(password).render_as_string(hide_password=False)


def show_startup_error(text: str) -> None:
    """Say why the console cannot start, and wait until it was read (no window exists yet)."""
    box = QMessageBox()
    box.setObjectName("startupErrorDialog")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QApplication.translate("Console", "Keyward cannot start"))
    box.setText(text)
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    wait_until_finished(box)


def run_console(database_url: str | None = None, *, first: FirstWindow | None = None) -> int:
    """Open the console, run it until its window closes, and return the exit code.

    0 when closed normally; a refused start says why in a box and returns the error's exit
    code (3 when the database cannot be used). ``first``: the first page's window on screen
    meanwhile (``app.ui.start``), replaced by the console once its own first page is there.
    """
    app = ensure_application()
    try:
        # The first window read the file's schema version with its page: asking again
        # would open an engine and inspect the schema on the GUI thread for nothing.
        if (first is None or not first.current_schema) and older_local_database(database_url):
            if first is not None:
                first.status.setText(QApplication.translate("Console", "Updating the database…"))
            update_behind_window(database_url, first)
            if first is not None and first.closed_early:
                first.deleteLater()  # closed while the database was being updated
                return 0
        window = open_console(database_url, behind=first is not None)
    except KeywardError as error:
        if first is not None:
            first.close()
        show_startup_error(error.message)
        return error.exit_code
    _quit_on_interrupt(window)
    if first is None:
        window.show()
    else:
        _take_over(first, window)
    favour_the_window()
    return app.exec()


def _take_over(first: FirstWindow, window: MainWindow) -> None:
    """Put ``window`` in ``first``'s place once its keys table holds rows (no blank flash)."""
    model = window.keys.model
    if model.has_loaded:
        first.hand_over(window)
        return
    loop = QEventLoop()
    model.query_loaded.connect(loop.quit)
    model.load_failed.connect(loop.quit)
    QTimer.singleShot(TAKE_OVER_WAIT_MS, loop.quit)
    loop.exec()
    model.query_loaded.disconnect(loop.quit)
    model.load_failed.disconnect(loop.quit)
    first.hand_over(window)


def _quit_on_interrupt(window: MainWindow) -> None:
    """Ctrl+C in the terminal closes the window properly (saving layout, clearing secrets)."""
    signal.signal(signal.SIGINT, lambda *_: window.close())
    # Python runs signal handlers only between bytecodes: wake the interpreter now and then.
    waker = QTimer(window)
    waker.timeout.connect(lambda: None)
    waker.start(250)
