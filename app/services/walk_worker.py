"""The integrity walk's worker process: what a spawned worker imports, and nothing more.

A worker started with the *spawn* method imports the module of its entry point before it can
walk. :mod:`app.services.integrity_walk` imports SQLAlchemy, and a worker importing it (with
the engine factory and the services' error translation) spent ~1.2 s before its first row:
a fifth of a whole 1,000,000-event walk. This module imports only the standard library and
:mod:`app.domain.audit`. On SQLite a worker reads through :mod:`sqlite3` itself; a server
database is still opened with :func:`app.data.engine.create_engine` (its driver, and on
MariaDB the role it switches on), and a failure is translated by the services' own rules,
each imported only then.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.domain.audit import ENCODING_VERSION, HASHED_FIELDS, ChainWalk, Link
from app.domain.errors import DatabaseError

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

#: Rows per round trip in a worker: few round trips.
WORKER_BATCH = 20_000
#: Seconds between two progress reports (and Cancel checks).
PROGRESS_EVERY = 0.05
#: How much lower a worker's scheduling priority is than the console's (POSIX ``nice``).
WORKER_NICENESS = 10
#: As :data:`app.data.engine.SQLITE_BUSY_TIMEOUT_MS` (a test keeps the two equal).
SQLITE_BUSY_TIMEOUT_MS = 15_000


@dataclass(frozen=True, slots=True)
class WalkRequest:
    """One range of the walk, ``lo < seq <= hi``; ``url`` holds the password, so it never
    shows in a repr."""

    url: str = field(repr=False)
    lo: int
    hi: int
    #: The seqs whose stored hashes the checkpoints need.
    wanted: frozenset[int]
    #: Rows per round trip.
    batch: int = WORKER_BATCH
    #: The SQLite database's file, read with :mod:`sqlite3` (None: open ``url``).
    sqlite_file: str | None = None


def encoding_sql(dialect: str) -> str:
    """An expression for an event's version-2 encoding as UTF-8 bytes, in ``dialect``.

    Byte for byte what :func:`app.domain.audit.event_hash` hashes: each field as its length
    in UTF-8 bytes, a colon and the text, or ``-`` for NULL, one per line. SQLite's
    ``length()`` counts characters, so a field's bytes are counted as a BLOB.
    """
    if dialect == "sqlite":
        parts = [
            f"CASE WHEN {c} IS NULL THEN '-' ELSE length(CAST({c} AS BLOB)) || ':' || {c} END"
            for c in HASHED_FIELDS
        ]
        body = " || char(10) || ".join([f"'{ENCODING_VERSION}'", "seq", *parts, "prev_hash"])
        return f"CAST({body} AS BLOB)"
    if dialect == "postgresql":
        parts = [
            f"CASE WHEN {c} IS NULL THEN '-' ELSE octet_length({c})::text || ':' || {c} END"
            for c in HASHED_FIELDS
        ]
        body = ", ".join([f"'{ENCODING_VERSION}'", "seq::text", *parts, "prev_hash"])
        return f"convert_to(concat_ws(chr(10), {body}), 'UTF8')"
    parts = [f"IF(`{c}` IS NULL, '-', CONCAT(LENGTH(`{c}`), ':', `{c}`))" for c in HASHED_FIELDS]
    body = ", ".join([f"'{ENCODING_VERSION}'", "`seq`", *parts, "`prev_hash`"])
    return f"CAST(CONCAT_WS(CHAR(10 USING utf8mb4), {body}) AS BINARY)"


def links_sql(dialect: str) -> str:
    """One keyset batch of :data:`~app.domain.audit.Link`: after seq, up to seq, limit."""
    mark = "?" if dialect == "sqlite" else "%s"
    quote = "`" if dialect in {"mysql", "mariadb"} else ""
    columns = ", ".join(
        [*(f"{quote}{c}{quote}" for c in ("seq", "prev_hash", "hash")), encoding_sql(dialect)]
    )
    bounds = f"seq > {mark} AND seq <= {mark} ORDER BY seq LIMIT {mark}"
    return f"SELECT {columns} FROM audit_events WHERE {bounds}"  # noqa: S608 - fixed text


class WalkCancelled(Exception):
    """``report`` answered False."""


def feed_batches(
    cursor: Any,
    statement: str,
    chain: ChainWalk,
    request: WalkRequest,
    report: Callable[[int], bool],
    every: float = PROGRESS_EVERY,
) -> None:
    """Feed ``chain`` the events of ``request``'s range in seq order through a DB-API
    ``cursor``; the driver's own errors pass through.

    ``report(done)`` is called at most every ``every`` seconds and after the last batch;
    when it answers False the walk stops there with :class:`WalkCancelled`.
    """
    last = request.lo
    reported = time.monotonic()
    while True:
        cursor.execute(statement, (last, request.hi, request.batch))
        links: Sequence[Link] = cursor.fetchall()
        if not links:
            break
        chain.feed(links)
        last = links[-1][0]
        if time.monotonic() - reported >= every:
            reported = time.monotonic()
            if not report(chain.fed):
                raise WalkCancelled
    if chain.fed:
        report(chain.fed)


def worker_main(pipe: Connection) -> None:
    """A worker process: read its range, walk it, send progress and its walk back."""
    request: WalkRequest = pipe.recv()
    if hasattr(os, "nice"):
        # Background work: the console (and anything else the person runs) goes first.
        os.nice(WORKER_NICENESS)

    def report(done: int) -> bool:
        pipe.send(("progress", done))
        return True

    try:
        chain = ChainWalk(request.wanted, joinable=request.lo > 0)
        if request.sqlite_file is not None:
            _walk_sqlite_file(request, chain, report)
        else:
            _walk_through_engine(request, chain, report)
        pipe.send(("done", chain))
    except DatabaseError as error:
        pipe.send(("error", error.kind.value, error.message))
    except Exception as error:  # noqa: BLE001 - sent to the caller, who reports it as a bug
        pipe.send(("error", None, described(error, request.url)))
    finally:
        pipe.close()


def open_sqlite_file(url: str, sqlite_file: str, statement: str) -> Any:
    """A :mod:`sqlite3` connection to the caller's file, in one read transaction (every
    batch sees the same trail, as on the servers). A failure is the services' sentence
    (:func:`translated`, naming ``statement``)."""
    import sqlite3
    from pathlib import Path

    # The path as SQLAlchemy's pysqlite dialect opens it (made absolute). mode=rw: this is
    # the file the caller has open; never create one (nor choose its permissions).
    address = f"{Path(os.path.abspath(sqlite_file)).as_uri()}?mode=rw"
    try:
        connection = sqlite3.connect(
            address,
            uri=True,
            timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
        )
    except sqlite3.Error as error:
        raise translated(url, statement, error, sqlite3.Error) from None
    try:
        connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        connection.execute("BEGIN")
    except sqlite3.Error as error:
        connection.close()
        raise translated(url, statement, error, sqlite3.Error) from None
    return connection


def _walk_sqlite_file(
    request: WalkRequest, chain: ChainWalk, report: Callable[[int], bool]
) -> None:
    import sqlite3

    assert request.sqlite_file is not None
    statement = links_sql("sqlite")
    connection = open_sqlite_file(request.url, request.sqlite_file, statement)
    try:
        feed_batches(connection.cursor(), statement, chain, request, report)
    except sqlite3.Error as error:
        raise translated(request.url, statement, error, sqlite3.Error) from None
    finally:
        connection.close()


def _walk_through_engine(
    request: WalkRequest, chain: ChainWalk, report: Callable[[int], bool]
) -> None:
    from app.data.engine import create_engine
    from app.services.context import translate_errors
    from app.services.integrity_walk import walk

    engine = create_engine(request.url)
    try:
        with translate_errors(engine), engine.connect() as connection, connection.begin():
            walk(connection, chain, request, report)
    finally:
        engine.dispose()


def translated(url: str, statement: str, error: Exception, driver_error: type) -> Exception:
    """A driver's error as the services would say it (wrapped as SQLAlchemy would wrap it,
    then :func:`app.services.context.translate_errors`): imported only on this path."""
    import sqlalchemy as sa

    from app.services.context import translate_errors

    # Only its URL and dialect are read, for the sentence: no connection, and unlike
    # ``create_engine`` nothing that would create a missing SQLite file.
    engine = sa.create_engine(url)
    wrapped = sa.exc.DBAPIError.instance(
        statement, None, error, driver_error, hide_parameters=True, dialect=engine.dialect
    )
    try:
        with translate_errors(engine):
            raise wrapped from None
    except Exception as translated:  # noqa: BLE001 - returned for the caller to raise
        return translated
    finally:
        engine.dispose()


def described(error: Exception, url: str) -> str:
    """``Type: message`` with the password masked, should a driver ever have echoed it."""
    text = f"{type(error).__name__}: {error}"
    if url.startswith("sqlite"):
        return text
    from sqlalchemy.engine import make_url

    password = make_url(url).password
    return text.replace(password, "***") if password else text
