"""The engine factory: one place that knows how each database is opened."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from app.domain.errors import DatabaseError, DatabaseErrorKind
from app.domain.locations import default_sqlite_path
from app.domain.validation import has_surrogates

SQLITE_BUSY_TIMEOUT_MS = 15_000
#: Tables every Keyward SQLite file has; a file with other tables but not these is foreign.
_KEYWARD_TABLES = frozenset({"alembic_version", "api_keys"})


def default_database_url() -> str:
    return os.environ.get("KEYWARD_DATABASE_URL") or f"sqlite:///{default_sqlite_path()}"


def parse_url(text: str) -> URL:
    if not text.strip():
        raise DatabaseError(
            "The database URL is empty; use sqlite:///PATH, "
            "postgresql+psycopg://USER@HOST/DB or mysql+pymysql://USER@HOST/DB.",
            DatabaseErrorKind.URL,
        )
    if has_surrogates(text):
        raise DatabaseError(
            "The database URL holds bytes that are not valid UTF-8 text.", DatabaseErrorKind.URL
        )
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        raise DatabaseError(
            "The database URL is malformed; use sqlite:///PATH, "
            "postgresql+psycopg://USER@HOST/DB or mysql+pymysql://USER@HOST/DB.",
            DatabaseErrorKind.URL,
        ) from None
    backend = url.get_backend_name()
    if backend not in {"sqlite", "postgresql", "mysql", "mariadb"}:
        raise DatabaseError(
            f"Keyward does not support {backend!r} databases; use SQLite, PostgreSQL or MariaDB.",
            DatabaseErrorKind.URL,
        )
    return url


def safe_url(url: URL | str) -> str:
    """The URL with its password hidden, for messages and titles."""
    if isinstance(url, str):
        try:
            url = make_url(url)
        except (ArgumentError, ValueError):
            return "(malformed URL)"
    return url.render_as_string(hide_password=True)


def _prepare_sqlite_file(url: URL) -> None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database).expanduser()
    if path.exists():
        if path.is_dir():
            raise DatabaseError(
                f"{path} is a folder, not a database file.", DatabaseErrorKind.UNREACHABLE
            )
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # The file is the security boundary on SQLite: only its owner may read it.
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except OSError as error:
        raise DatabaseError(
            f"Cannot create the database file {path}: {error.strerror or error}.",
            DatabaseErrorKind.UNREACHABLE,
        ) from None


def _casefold(text: str | None) -> str | None:
    return None if text is None else text.casefold()


def _is_keyward_file(cursor: Any) -> bool:
    """Whether a SQLite file is Keyward's own (or still empty), so that it may be changed.

    The journal mode is stored in the file itself: switching another application's file to
    WAL would change it before Keyward had even said that the file is not its own.
    """
    tables = {
        row[0] for row in cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    return not tables or tables >= _KEYWARD_TABLES


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (SQLAlchemy's recipe
        # for pysqlite's legacy transaction handling).
        dbapi_connection.isolation_level = None
        # Unicode case folding for search terms that SQLite's ASCII-only LIKE cannot fold.
        dbapi_connection.create_function("kw_casefold", 1, _casefold, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal" and _is_keyward_file(cursor):
            # A read-only file stays in its mode; writing to it is refused later, clearly.
            with contextlib.suppress(Exception):
                cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # Writers take the lock up front (IMMEDIATE) so two writers never deadlock on upgrade.
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def _activate_mariadb_role(engine: Engine, database: str) -> None:
    """MariaDB grants a role without switching it on: switch on this database's Keyward role."""
    from app.data.server.mariadb import activate_role

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        activate_role(dbapi_connection, database)


def create_engine(url_text: str, **options: Any) -> Engine:
    """An engine for a Keyward database, set up for its dialect."""
    url = parse_url(url_text)
    backend = url.get_backend_name()
    # A failing statement's exception (and any log) never shows its parameters: a search
    # or a lookup must not carry a secret into a traceback or a server's log.
    options["hide_parameters"] = True
    try:
        if backend == "sqlite":
            _prepare_sqlite_file(url)
            engine = sa.create_engine(
                url,
                connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
                **options,
            )
            _sqlite_events(engine)
            return engine
        if backend in {"mysql", "mariadb"}:
            if "charset" not in url.query:
                url = url.update_query_dict({"charset": "utf8mb4"})
            engine = sa.create_engine(
                url, pool_pre_ping=True, isolation_level="READ COMMITTED", **options
            )
            _activate_mariadb_role(engine, url.database or "")
            return engine
        return sa.create_engine(url, pool_pre_ping=True, **options)
    except (NoSuchModuleError, ModuleNotFoundError):
        raise DatabaseError(
            f"No driver for {url.drivername!r}; use postgresql+psycopg or mysql+pymysql.",
            DatabaseErrorKind.URL,
        ) from None
    except ArgumentError as error:
        raise DatabaseError(
            f"The database URL is not usable: {error}.", DatabaseErrorKind.URL
        ) from None


def writer(engine: Engine) -> Engine:
    """The same engine, beginning write transactions the way this dialect needs."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(sqlite_begin="IMMEDIATE")
    return engine
