"""Helpers shared by the test modules (no fixtures: those live in the conftest files).

Test modules import from here, never from one another or from a conftest.
"""

from __future__ import annotations

import ast
import contextlib
import os
import re
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

import pytest
import sqlalchemy as sa
from keyring.backend import KeyringBackend
from sqlalchemy.engine import make_url

from app.data.models import ApiKey, AuditEvent, AuditHead, DailyUsage, Setting, User
from app.domain.audit import GENESIS_HASH, event_hash
from app.services import Services

# --------------------------------------------------------------------------- server databases

POSTGRES_ENV = "KEYWARD_TEST_POSTGRES_URL"
MARIADB_ENV = "KEYWARD_TEST_MARIADB_URL"
SERVER_ENVS = {"postgresql": POSTGRES_ENV, "mariadb": MARIADB_ENV}

#: Server kinds whose checkpoint routines exist; the others run on SQLite only.
SERVER_KINDS: tuple[str, ...] = ("postgresql", "mariadb")

#: ``open_as(login=None, **options)``: Services on the test database for a login.
OpenServices = Callable[..., Services]


def fresh_server_database(kind: str) -> Iterator[str]:
    """A new, empty database on the ``kind`` server (skips when its URL is not set)."""
    env = SERVER_ENVS[kind]
    base = os.environ.get(env)
    if not base:
        if os.environ.get("KEYWARD_REQUIRE_SERVERS"):
            pytest.fail(f"{env} is not set, but KEYWARD_REQUIRE_SERVERS says {kind} must run")
        pytest.skip(f"{env} is not set: no {kind} server to test against")
    name = f"keyward_t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            if kind == "postgresql":
                from app.data.server import postgresql

                _drop_postgres_database(connection, name)
                postgresql.drop_roles(connection, name)
            else:
                from app.data.server import mariadb

                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
                mariadb.drop_roles(connection, name)
        admin.dispose()


def _drop_postgres_database(connection: sa.Connection, name: str, seconds: float = 10) -> None:
    """``DROP DATABASE … WITH (FORCE)``, once a test login's just-closed sessions are gone:
    ending another login's session needs ``pg_signal_backend``, which the test login lacks,
    and a backend outlives its client's close by a few milliseconds."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            return
        except sa.exc.ProgrammingError as error:
            if "pg_signal_backend" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def drop_postgres_logins(names: list[str], url: str | None = None) -> None:
    """Drop the PostgreSQL logins a test created, through ``url`` (default: the test
    server's URL) — logins are cluster-wide, so any database of the server will do."""
    from sqlalchemy.pool import NullPool

    base = sa.create_engine(
        url or os.environ["KEYWARD_TEST_POSTGRES_URL"],
        isolation_level="AUTOCOMMIT",
        poolclass=NullPool,
    )
    try:
        with base.connect() as connection:
            for name in names:
                connection.exec_driver_sql(f"DROP ROLE IF EXISTS {name}")
    finally:
        base.dispose()


def postgres_index_scans(owner: sa.Engine, index: str) -> int:
    """How many scans PostgreSQL's statistics have counted on ``index`` so far (a fresh read:
    this connection's statistics snapshot is cleared first)."""
    return postgres_index_reads(owner, index)[0]


def postgres_index_reads(owner: sa.Engine, index: str) -> tuple[int, int]:
    """The scans of ``index`` and the entries they returned (``idx_tup_read``: for a bitmap
    scan, the rows it handed to the table), as counted so far."""
    with owner.connect() as connection:
        connection.exec_driver_sql("SELECT pg_stat_clear_snapshot()")
        scans, read = connection.execute(
            sa.text(
                "SELECT idx_scan, idx_tup_read FROM pg_stat_user_indexes WHERE indexrelname = :name"
            ),
            {"name": index},
        ).one()
        return int(scans), int(read)


# --------------------------------------------------------------------------- a team and a clock

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand (no sleeps)."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


class Team:
    """One database with one operator of each role, each with their own Services.

    ``admin`` (ada) is the first operator, so admin; the others are opened on first use,
    each like a separate process: ``manager`` (manny, "Manage All API Keys"), ``member``
    (maria, "Generate API Key"), ``other_member`` (mike) and ``auditor`` (audrey).
    """

    def __init__(self, open_as: Callable[..., Services], clock: Clock) -> None:
        self._open_as = open_as
        self.clock = clock
        self.admin = open_as("ada", clock=clock)
        users = self.admin.users
        users.add("manny", role="manager", display_name="Manny Ortiz")
        users.add("maria", role="member", display_name="Maria Lopez", email="maria@example.com")
        users.add("mike", role="member", display_name="Mike Chen")
        users.add("audrey", role="auditor", display_name="Audrey Kim")

    def _open(self, login: str) -> Services:
        return self._open_as(login, clock=self.clock)

    @cached_property
    def manager(self) -> Services:
        return self._open("manny")

    @cached_property
    def member(self) -> Services:
        return self._open("maria")

    @cached_property
    def other_member(self) -> Services:
        return self._open("mike")

    @cached_property
    def auditor(self) -> Services:
        return self._open("audrey")


def wait_until_logged_off(connection: sa.Connection, login: str, *, seconds: float = 10) -> None:
    """Until ``login`` has no PostgreSQL session left: an owner may not end another login's
    sessions, so dropping its role (or the database) while one still winds down — a closed
    window's listening thread takes up to a second — would be refused."""
    deadline = time.monotonic() + seconds
    while (
        time.monotonic() < deadline
        and connection.execute(
            sa.text("SELECT count(*) FROM pg_stat_activity WHERE usename = :login"),
            {"login": login},
        ).scalar_one()
    ):
        time.sleep(0.05)


def make_team(open_as: Callable[..., Services], clock: Clock) -> Team:
    return Team(open_as, clock)


def _rows(connection: sa.Connection, table: sa.Table) -> list[tuple[Any, ...]]:
    return sorted((tuple(row) for row in connection.execute(sa.select(table))), key=repr)


def database_state(services: Services) -> dict[str, Any]:
    """Everything a refused call must leave as it was: keys, users, audit, settings, usage."""
    tables = {
        "keys": ApiKey.__table__,
        "users": User.__table__,
        "audit_events": AuditEvent.__table__,
        "audit_head": AuditHead.__table__,
        "settings": Setting.__table__,
        "usage": DailyUsage.__table__,
    }
    with services.engine.connect() as connection:
        state: dict[str, Any] = {
            name: _rows(connection, table)  # type: ignore[arg-type]
            for name, table in tables.items()
        }
        state["audit_event_count"] = connection.execute(
            sa.select(sa.func.count()).select_from(AuditEvent)
        ).scalar_one()
    return state


# --------------------------------------------------------------------------- refusals

BIDI_CONTROLS = [
    "\u202a",  # LEFT-TO-RIGHT EMBEDDING
    "\u202b",  # RIGHT-TO-LEFT EMBEDDING
    "\u202c",  # POP DIRECTIONAL FORMATTING
    "\u202d",  # LEFT-TO-RIGHT OVERRIDE
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u2066",  # LEFT-TO-RIGHT ISOLATE
    "\u2067",  # RIGHT-TO-LEFT ISOLATE
    "\u2068",  # FIRST STRONG ISOLATE
    "\u2069",  # POP DIRECTIONAL ISOLATE
]
#: Unicode "Cf" (format) characters: invisible, so "Snow\u200bflake" looks like "Snowflake".
INVISIBLE_FORMATS = [
    "\u00ad",  # SOFT HYPHEN
    "\u061c",  # ARABIC LETTER MARK
    "\u200b",  # ZERO WIDTH SPACE
    "\u200c",  # ZERO WIDTH NON-JOINER
    "\u200d",  # ZERO WIDTH JOINER
    "\u200e",  # LEFT-TO-RIGHT MARK
    "\u2060",  # WORD JOINER
    "\u2064",  # INVISIBLE PLUS
    "\ufeff",  # ZERO WIDTH NO-BREAK SPACE (byte-order mark)
    "\U000e0001",  # LANGUAGE TAG
]


def assert_one_sentence(message: str) -> None:
    """One clear sentence: starts like a sentence, ends with a full stop, no second one."""
    assert message, "a refusal must say something"
    assert "\n" not in message
    assert message[0].isupper() or message[0] in "“\"'", message
    assert message.endswith("."), message
    assert re.search(r"[.!?]\s+[A-Z]", message) is None, message


PASSWORD = "S3cret-Pw-4711"

#: What a driver's or Python's own error text looks like; none of it belongs in a message.
NOISE = (
    "Traceback",
    "sqlalche.me",
    "Background on this error",
    "[SQL",
    "sqlite3.",
    "psycopg.",
    "pymysql.err",
    "OperationalError",
    "ProgrammingError",
    "DatabaseError",
    "Errno",
    "errno",
)


def assert_clean_refusal(message: str) -> None:
    """One sentence with no driver noise and no password in it (a database refusal)."""
    assert message, "the refusal says nothing"
    assert message == message.strip()
    assert "\n" not in message, message
    assert message.endswith("."), message
    assert ". " not in message.rstrip("."), f"more than one sentence: {message}"
    for noise in NOISE:
        assert noise not in message, message
    assert PASSWORD not in message, message


# --------------------------------------------------------------------------- keyrings and raw SQL


class MemoryKeyring(KeyringBackend):
    """A keyring that forgets everything when the test ends."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


class Raw:
    """Straight SQL as the database's owner or superuser, past every service and routine."""

    def __init__(self, services: Services) -> None:
        self.engine = services.engine
        mariadb = self.engine.dialect.name in {"mysql", "mariadb"}
        with self.engine.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names())
        self.suffix = "_data" if mariadb and "audit_events_data" in tables else ""

    def t(self, name: str) -> str:
        return name + self.suffix

    def scalar(self, sql: str, **params: object) -> object:
        with self.engine.connect() as connection:
            return connection.execute(sa.text(sql), params).scalar()

    def execute(self, sql: str, **params: object) -> None:
        with self.engine.begin() as connection:
            connection.execute(sa.text(sql), params)

    def events(self) -> list[dict[str, object]]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.text(f"SELECT * FROM {self.t('audit_events')} ORDER BY seq")
            ).mappings()
            return [dict(row) for row in rows]

    def rewrite_from(self, seq: int, reason: str) -> None:
        """Change event ``seq``'s reason; recompute every later hash and the chain head."""
        events = self.events()
        previous = GENESIS_HASH
        with self.engine.begin() as connection:
            for event in events:
                if event["seq"] == seq:
                    event["reason"] = reason
                if event["seq"] >= seq:
                    fields = {k: v for k, v in event.items() if k != "hash"}
                    fields["prev_hash"] = previous
                    event["hash"] = event_hash(**fields)  # type: ignore[arg-type]
                    connection.execute(
                        sa.text(
                            f"UPDATE {self.t('audit_events')} SET reason = :reason,"
                            " prev_hash = :prev, hash = :hash WHERE seq = :seq"
                        ),
                        {
                            "reason": event["reason"],
                            "prev": previous,
                            "hash": event["hash"],
                            "seq": event["seq"],
                        },
                    )
                previous = str(event["hash"])
            connection.execute(
                sa.text(f"UPDATE {self.t('audit_head')} SET seq = :seq, hash = :hash WHERE id = 1"),
                {"seq": events[-1]["seq"], "hash": previous},
            )

    def truncate_after(self, seq: int) -> None:
        with self.engine.begin() as connection:
            hash_ = connection.execute(
                sa.text(f"SELECT hash FROM {self.t('audit_events')} WHERE seq = :seq"),
                {"seq": seq},
            ).scalar_one()
            connection.execute(
                sa.text(f"DELETE FROM {self.t('audit_events')} WHERE seq > :seq"), {"seq": seq}
            )
            connection.execute(
                sa.text(f"UPDATE {self.t('audit_head')} SET seq = :seq, hash = :hash WHERE id = 1"),
                {"seq": seq, "hash": hash_},
            )


def services_modules_loaded_by(module: str, cwd: os.PathLike[str]) -> list[str]:
    """The SQLAlchemy and ``app.services.*`` modules a fresh interpreter has loaded after
    importing ``module`` (what a spawned worker pays for before its first row)."""
    import subprocess
    import sys
    from pathlib import Path

    probe = (
        f"import sys, {module}; "
        "print(sorted(m for m in sys.modules if m.startswith(('sqlalchemy', 'app.services.'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    ).stdout.strip()
    return list(ast.literal_eval(loaded))


# --------------------------------------------------------------------------- processes


def helper_processes(socket: str) -> list[int]:
    """The command line's helper processes (``app.cli.helper_server``) whose socket is
    ``socket`` or lies under it (a runtime folder)."""
    from pathlib import Path

    prefix = os.fsencode(socket)
    found = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            words = (entry / "cmdline").read_bytes().split(b"\0")
            if b"app.cli.helper_server" in words and any(w.startswith(prefix) for w in words):
                found.append(int(entry.name))
    return found


def child_processes(pid: int, *, stdin_inode: int | None = None) -> list[int]:
    """The processes whose parent is ``pid`` (those reading the pipe ``stdin_inode`` only,
    if given)."""
    from pathlib import Path

    found = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, ValueError, IndexError):
            status = (entry / "status").read_text()
            if int(status.split("PPid:")[1].split()[0]) != pid:
                continue
            if stdin_inode is None or os.stat(entry / "fd" / "0").st_ino == stdin_inode:
                found.append(int(entry.name))
    return found
