"""A server database that goes away and comes back; the password of a database login.

Real servers (skipped without their URLs, required in CI): PostgreSQL is cut off by
refusing new connections and terminating the console's, then let back in; MariaDB (which,
unlike the CI PostgreSQL, checks passwords) exercises the password dialog and the keyring.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import keyring
import pytest
import sqlalchemy as sa
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWidget
from sqlalchemy.engine import make_url

from app.domain.errors import DatabaseError
from app.domain.hashing import TokenHasher
from app.services import open_services
from app.ui import app as console_app
from app.ui import db_login
from app.ui.db_login import KEYRING_SERVICE, PasswordAnswer
from app.ui.main_window import MainWindow
from tests.support import POSTGRES_ENV
from tests.support import fresh_server_database as _fresh_server_database
from tests.ui.support import WAIT_MS, seed_keys, wait_ready

pytestmark = pytest.mark.server


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from _fresh_server_database("postgresql")


@pytest.fixture
def mariadb_url() -> Iterator[str]:
    yield from _fresh_server_database("mariadb")


@pytest.fixture
def console(qtbot: Any) -> Iterator[Any]:
    """``console(url)``: open_console, shown, first page loaded; closed after the test."""
    windows: list[MainWindow] = []

    def _open(url: str, hasher: TokenHasher) -> MainWindow:
        window = console_app.open_console(url, hasher=hasher)
        qtbot.addWidget(window)
        windows.append(window)
        window.show()
        wait_ready(qtbot, window)
        return window

    yield _open
    for window in windows:
        window.discard_and_close()


def names(window: MainWindow) -> list[str]:
    return [window.keys.model.key_at(row).name for row in range(window.keys.model.rowCount())]


def _set_connections(database: str, allowed: bool) -> None:
    admin = sa.create_engine(os.environ[POSTGRES_ENV], isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            flag = "true" if allowed else "false"
            connection.exec_driver_sql(f"ALTER DATABASE {database} ALLOW_CONNECTIONS {flag}")
            if not allowed:
                connection.exec_driver_sql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    (database,),
                )
    finally:
        admin.dispose()


def test_a_lost_server_shows_retry_keeps_the_search_text_and_recovers(
    qtbot: Any, console: Any, postgres_url: str, fast_hasher: TokenHasher
) -> None:
    setup = open_services(postgres_url, hasher=fast_hasher, create_schema=True)
    seed_keys(setup, 5)
    setup.close()
    window = console(postgres_url, fast_hasher)
    assert window.windowTitle().startswith("Keyward — keyward_t_")
    assert "keyward_ci:***@" in window.findChild(QLabel, "statusDatabase").text()
    search = window.findChild(QLineEdit, "searchField")
    with qtbot.wait_signal(window.keys.model.query_loaded, timeout=WAIT_MS):
        qtbot.keyClicks(search, "Integration 00")
    assert len(names(window)) == 5

    database = make_url(postgres_url).database
    assert database is not None
    _set_connections(database, allowed=False)
    try:
        banner = window.findChild(QWidget, "errorBanner")
        qtbot.keyClicks(search, "1")
        qtbot.wait_until(banner.isVisible, timeout=WAIT_MS)
        assert "cannot be reached" in window.findChild(QLabel, "errorBannerText").text()
        retry = window.findChild(QPushButton, "errorBannerAction")
        assert retry.isVisible() and retry.text() == "Retry"
        # What the user typed and what was on screen are still there; the window responds.
        assert search.text() == "Integration 001"
        assert len(names(window)) == 5
        # The count does not say "Searching…" for ever.
        count = window.findChild(QLabel, "matchCount")
        qtbot.wait_until(lambda: count.text() == "Not loaded", timeout=WAIT_MS)
        qtbot.keyClicks(search, "0")
        assert search.text() == "Integration 0010"
        search.setText("Integration 001")
        qtbot.wait_until(lambda: not window.keys.model.is_loading, timeout=WAIT_MS)
    finally:
        _set_connections(database, allowed=True)

    retry = window.findChild(QPushButton, "errorBannerAction")
    if not retry.isVisible():  # the last keystroke's failure re-armed it; wait for it
        qtbot.wait_until(retry.isVisible, timeout=WAIT_MS)
    with qtbot.wait_signal(window.keys.model.query_loaded, timeout=WAIT_MS):
        qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
    assert names(window) == ["Integration 001"]
    assert not window.findChild(QWidget, "errorBanner").isVisible()
    qtbot.wait_until(lambda: count.text() == "1 matching key", timeout=WAIT_MS)
    assert search.text() == "Integration 001"


# --------------------------------------------------------------------------- passwords


class MemoryKeyring(KeyringBackend):
    """Stands in for the OS keyring here (the Secret Service itself is tested by the vault)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Replaces the password dialog; append PasswordAnswers to answer it."""
    questions: list[Any] = []
    answers: list[PasswordAnswer | None] = []

    def ask(url: Any, reason: str = "") -> PasswordAnswer | None:
        questions.append((url.render_as_string(hide_password=True), reason))
        return answers.pop(0)

    monkeypatch.setattr(db_login, "ask_password", ask)
    questions.append(answers)  # the first item is the answer queue
    return questions


def test_a_database_password_is_asked_once_and_remembered_in_the_keyring(
    qtbot: Any,
    console: Any,
    mariadb_url: str,
    fast_hasher: TokenHasher,
    memory_keyring: MemoryKeyring,
    asked: list[Any],
) -> None:
    open_services(mariadb_url, hasher=fast_hasher, create_schema=True).close()
    full = make_url(mariadb_url)
    password = full.password
    no_password = full._replace(password=None).render_as_string(hide_password=False)
    answers = asked[0]
    answers.append(PasswordAnswer(str(password), remember=True))
    window = console(no_password, fast_hasher)
    assert len(asked) == 2 and asked[1][1] == ""  # asked once, with no complaint
    assert memory_keyring.items == {(KEYRING_SERVICE, no_password): password}
    assert not window.findChild(QWidget, "errorBanner").isVisible()
    window.discard_and_close()

    # Next time the keyring answers; nobody is asked.
    again = console(no_password, fast_hasher)
    assert len(asked) == 2
    again.discard_and_close()

    # A stale password in the keyring: asked once, saying why.
    memory_keyring.items[(KEYRING_SERVICE, no_password)] = "not-the-password"
    answers.append(PasswordAnswer(str(password), remember=False))
    third = console(no_password, fast_hasher)
    assert len(asked) == 3 and "refused the login" in asked[2][1]
    assert memory_keyring.items[(KEYRING_SERVICE, no_password)] == "not-the-password"
    third.discard_and_close()


def test_a_cancelled_or_refused_password_is_a_clear_database_error(
    qtbot: Any,
    mariadb_url: str,
    fast_hasher: TokenHasher,
    memory_keyring: MemoryKeyring,
    asked: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    open_services(mariadb_url, hasher=fast_hasher, create_schema=True).close()
    url = make_url(mariadb_url)
    wrong = url.set(password="wrong").render_as_string(hide_password=False)
    answers = asked[0]
    answers.append(PasswordAnswer("still-wrong"))
    with pytest.raises(DatabaseError, match="refused the login"):
        console_app.open_console(wrong, hasher=fast_hasher)
    assert len(asked) == 2  # asked exactly once
    answers.append(None)  # Cancel
    no_password = url._replace(password=None).render_as_string(hide_password=False)
    shown: list[str] = []
    monkeypatch.setattr(console_app, "show_startup_error", shown.append)
    assert console_app.run_console(no_password) == 3
    assert shown == ["No password was given for keyward_ci; the database was not opened."]
    assert memory_keyring.items == {}


def test_the_password_dialog_never_shows_the_password(qtbot: Any) -> None:
    url = make_url("postgresql+psycopg://alice:secret@db.example.com/keys")
    dialog = db_login.DatabasePasswordDialog(url, "The database refused the login.")
    qtbot.addWidget(dialog)
    field = dialog.findChild(QLineEdit, "databasePasswordField")
    assert field.echoMode() == QLineEdit.EchoMode.Password
    intro = dialog.findChild(QLabel, "databasePasswordIntro").text()
    assert "alice" in intro and "secret" not in intro
    assert db_login.keyring_user(url) == "postgresql+psycopg://alice@db.example.com/keys"
    assert "secret" not in repr(PasswordAnswer("secret"))
