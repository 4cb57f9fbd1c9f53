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

from app.domain.errors import DatabaseError

SQLITE_BUSY_TIMEOUT_MS = 15_000


def default_sqlite_path() -> Path:
    """``keyward.db`` in the platform's data directory."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("keyward", appauthor=False)) / "keyward.db"


def default_database_url() -> str:
    return os.environ.get("KEYWARD_DATABASE_URL") or f"sqlite:///{default_sqlite_path()}"


def parse_url(text: str) -> URL:
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        raise DatabaseError(
            "The database URL is malformed; use sqlite:///PATH, "
            "postgresql+psycopg://USER@HOST/DB or mysql+pymysql://USER@HOST/DB."
        ) from None
    backend = url.get_backend_name()
    if backend not in {"sqlite", "postgresql", "mysql", "mariadb"}:
        raise DatabaseError(
            f"Keyward does not support {backend!r} databases; use SQLite, PostgreSQL or MariaDB."
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
            raise DatabaseError(f"{path} is a folder, not a database file.")
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # The file is the security boundary on SQLite: only its owner may read it.
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except OSError as error:
        raise DatabaseError(
            f"Cannot create the database file {path}: {error.strerror or error}."
        ) from None


def _casefold(text: str | None) -> str | None:
    return None if text is None else text.casefold()


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
        if mode != "wal":
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


def create_engine(url_text: str, **options: Any) -> Engine:
    """An engine for a Keyward database, set up for its dialect."""
    url = parse_url(url_text)
    backend = url.get_backend_name()
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
            return sa.create_engine(
                url, pool_pre_ping=True, isolation_level="READ COMMITTED", **options
            )
        return sa.create_engine(url, pool_pre_ping=True, **options)
    except (NoSuchModuleError, ModuleNotFoundError):
        raise DatabaseError(
            f"No driver for {url.drivername!r}; use postgresql+psycopg or mysql+pymysql."
        ) from None
    except ArgumentError as error:
        raise DatabaseError(f"The database URL is not usable: {error}.") from None


def writer(engine: Engine) -> Engine:
    """The same engine, beginning write transactions the way this dialect needs."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(sqlite_begin="IMMEDIATE")
    return engine
