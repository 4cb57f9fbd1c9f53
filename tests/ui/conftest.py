"""Fixtures for the console tests: a real SQLite database, real services, a real clipboard."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from app.domain.hashing import TokenHasher
from app.domain.roles import Role
from app.services import Services, open_services
from tests.ui.support import url_of, wait_ready


@pytest.fixture
def ui_services(tmp_path: os.PathLike[str], fast_hasher: TokenHasher) -> Iterator[Services]:
    """Services on a fresh SQLite file; the OS login is its admin."""
    services = open_services(
        f"sqlite:///{os.path.join(tmp_path, 'console.db')}", hasher=fast_hasher
    )
    yield services
    services.close()


@pytest.fixture
def tasks(qtbot):  # type: ignore[no-untyped-def]
    from app.ui.tasks import TaskRunner

    runner = TaskRunner()
    yield runner
    runner.wait_for_done()
    qtbot.wait_until(lambda: runner.pending == 0, timeout=10_000)


@pytest.fixture(autouse=True)
def _clear_clipboard(qapp):  # type: ignore[no-untyped-def]
    """Offscreen Qt segfaults at exit if a QMimeData is left on the clipboard."""
    yield
    qapp.clipboard().clear()


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The console speaks English in tests whatever the machine's locale (German: opt in)."""
    monkeypatch.setenv("KEYWARD_LANG", "en")


@pytest.fixture(autouse=True)
def settings_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """QSettings (and anything else that looks at HOME) write under the test's tmp_path."""
    from PySide6.QtCore import QSettings

    folder = tmp_path / "config"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))
    return folder


# --------------------------------------------------------------------------- data


@pytest.fixture
def open_as(ui_services: Services, fast_hasher: TokenHasher) -> Iterator[Callable[..., Services]]:
    """Services on the same database for another login (added with ``role`` if new)."""
    opened: list[Services] = []

    def _open(login: str, role: Role = Role.MANAGER) -> Services:
        if login not in {user.login for user in ui_services.users.all()}:
            ui_services.users.add(login, role=role, display_name=login.capitalize())
        services = open_services(url_of(ui_services), hasher=fast_hasher, operator_login=login)
        opened.append(services)
        return services

    yield _open
    for services in opened:
        services.close()


# --------------------------------------------------------------------------- the window


@pytest.fixture
def make_window(qtbot: Any, tasks: Any) -> Iterator[Callable[..., Any]]:
    """``make_window(services)``: a shown MainWindow with its first page loaded."""
    from app.ui.errors import ErrorPresenter
    from app.ui.main_window import MainWindow
    from app.ui.widgets.lifetime import alive

    windows: list[Any] = []

    def _make(services: Services, *, wait: bool = True) -> Any:
        presenter = ErrorPresenter()
        window = MainWindow(services, tasks, presenter)
        presenter.setParent(window)
        qtbot.addWidget(window)
        windows.append(window)
        window.show()
        if wait:
            wait_ready(qtbot, window)
        return window

    yield _make
    for window in windows:
        if alive(window):
            window.discard_and_close()


@pytest.fixture
def window(make_window: Callable[..., Any], ui_services: Services) -> Any:
    return make_window(ui_services)


@pytest.fixture
def accept_confirmations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Answer every confirm.ask "yes" at once; returns the questions that were asked."""
    from app.ui.widgets import confirm

    asked: list[str] = []

    def yes(parent: Any, title: str, text: str, on_yes: Callable[[], None], **_: Any) -> None:
        asked.append(text)
        on_yes()

    monkeypatch.setattr(confirm, "ask", yes)
    return asked


@pytest.fixture
def host(qtbot) -> QWidget:  # type: ignore[no-untyped-def]
    """Stands in for the main window: dialogs are window-modal children of it."""
    window = QWidget()
    window.setObjectName("hostWindow")
    window.resize(900, 700)
    qtbot.addWidget(window)
    window.show()
    return window
