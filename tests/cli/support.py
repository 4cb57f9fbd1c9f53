"""Running `keyward` in-process, and looking at what a command left in the database."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from app.cli.main import main


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def last_line(self) -> str:
        return self.out.rstrip("\n").splitlines()[-1]


Run = Callable[..., Result]


def make_runner(
    url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Run:
    def run(*argv: str, stdin: bytes | str | None = None) -> Result:
        data = stdin.encode() if isinstance(stdin, str) else stdin
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data or b"")))
        code = main(["--database", url, *argv])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


class Peek:
    """Raw reads of the database, to check what a refused command left behind."""

    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(url)

    def scalar(self, sql: str, **params: object) -> object:
        with self.engine.connect() as connection:
            return connection.execute(sa.text(sql), params).scalar()

    def execute(self, sql: str, **params: object) -> None:
        with self.engine.begin() as connection:
            connection.execute(sa.text(sql), params)

    def counts(self) -> tuple[object, ...]:
        """Everything a change would touch: keys, their versions, events, users, settings."""
        with self.engine.connect() as connection:
            return tuple(
                connection.execute(sa.text(sql)).scalar()
                for sql in (
                    "SELECT count(*) FROM api_keys",
                    "SELECT coalesce(sum(version), 0) FROM api_keys",
                    "SELECT count(*) FROM audit_events",
                    "SELECT count(*) FROM users",
                    "SELECT count(*) FROM settings",
                )
            )


def create(run: Run, *args: str) -> tuple[str, str]:
    """Create a key; returns (id, token) read the way a script would."""
    result = run("keys", "create", *args)
    assert result.code == 0, result.err
    token = result.last_line
    return token.split("_")[2], token
