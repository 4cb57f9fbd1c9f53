"""Fixtures for running `keyward` in-process against a fresh database (helpers: support.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.cli.main import main
from tests.cli.support import Peek, Run, make_runner


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2's cheapest profile (the entry-point test checks the real default)."""
    monkeypatch.setenv("KEYWARD_ARGON2_PROFILE", "fast-for-tests")
    monkeypatch.delenv("KEYWARD_DATABASE_URL", raising=False)


@pytest.fixture
def url(database_url: str) -> str:
    """A Keyward database of each kind; servers get their schema from `db upgrade` first."""
    assert main(["--database", database_url, "db", "upgrade"]) == 0
    return database_url


@pytest.fixture
def run(url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    capsys.readouterr()
    return make_runner(url, capsys, monkeypatch)


@pytest.fixture
def sqlite_run(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Run:
    """SQLite only, for behaviour that does not depend on the database kind."""
    return make_runner(sqlite_url, capsys, monkeypatch)


@pytest.fixture
def peek(url: str) -> Iterator[Peek]:
    viewer = Peek(url)
    yield viewer
    viewer.engine.dispose()


@pytest.fixture
def sqlite_peek(sqlite_url: str) -> Iterator[Peek]:
    viewer = Peek(sqlite_url)
    yield viewer
    viewer.engine.dispose()
