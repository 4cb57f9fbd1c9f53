"""Fixtures for the console tests: a real SQLite database, real services, a real clipboard."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from app.domain.hashing import TokenHasher
from app.services import Services, open_services


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
