"""The whole-chain walk of the integrity check: fast, and out of the console's process.

Two costs made the walk slow and the console stall (issue 8). Building each event's
version-2 encoding in Python took half of its ~18 µs; here the database builds it in SQL
(the same concatenation its own routines hash, see ``kw_field`` in
:mod:`app.data.server.postgresql` and ``_field`` in :mod:`app.data.server.mariadb`), read
through the driver's cursor in keyset batches, so Python runs one SHA-256 over bytes per
event (:class:`~app.domain.audit.ChainWalk`). And a long chain is walked by worker
processes started with the *spawn* method, one range of seqs each, joined in order (an
event needs only its stored ``prev_hash``): the console's threads never wait on their GIL,
and each CPU walks a part. Progress comes back over pipes; Cancel terminates the workers.

The database URL, password included, is sent to each worker over its pipe, never on a
command line; the worker opens it with :func:`app.data.engine.create_engine` (so MariaDB's
role is switched on as for any connection). The role check stays with the caller.

A short chain (or a SQLite database in memory, which no other process can open) is walked
in the caller's own transaction: a worker takes ~0.3 s to start, longer than such a walk.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from app.domain.audit import ChainWalk

if TYPE_CHECKING:
    # Loaded where a walk starts its workers: a console that never walks does without.
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess
from app.domain.errors import Cancelled, DatabaseError, DatabaseErrorKind, Progress
from app.domain.wording import counted
from app.services.walk_worker import (
    PROGRESS_EVERY,
    WORKER_BATCH,
    WORKER_NICENESS,
    WalkCancelled,
    WalkRequest,
    encoding_sql,
    feed_batches,
    links_sql,
    worker_main,
)

__all__ = ["WORKER_NICENESS", "WalkRequest", "encoding_sql", "links_sql", "walk", "walk_chain"]

#: Chains up to this many events are walked in the caller's process (well under 0.1 s).
IN_PROCESS_UP_TO = 20_000
#: Events per worker at least, and at most one worker per CPU.
WORKER_EVENTS = 100_000
MAX_WORKERS = os.cpu_count() or 1
#: Rows per round trip in the caller's process: short stretches holding the GIL (the
#: console's thread stays responsive). A worker's is ``WORKER_BATCH``.
IN_PROCESS_BATCH = 2_000
#: Seconds a terminated worker gets to exit before it is killed.
STOP_GRACE = 2.0


def walk(
    connection: sa.Connection,
    chain: ChainWalk,
    request: WalkRequest,
    report: Callable[[int], bool],
) -> ChainWalk:
    """Feed ``chain`` the events of ``request``'s range in seq order, from a DB-API connection.

    ``report(done)`` is called at most every 50 ms and after the last batch; when it
    answers False the walk stops there with :class:`Cancelled`.
    """
    dialect = connection.dialect
    statement = links_sql(dialect.name)
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        feed_batches(cursor, statement, chain, request, report, PROGRESS_EVERY)
    except WalkCancelled:
        raise _cancelled(chain.fed, request.hi - request.lo) from None
    except dialect.loaded_dbapi.Error as error:
        # The driver's own cursor (no per-row wrapping) raises the driver's errors: wrapped
        # as SQLAlchemy would, ``translate_errors`` names them for people.
        raise sa.exc.DBAPIError.instance(
            statement,
            None,
            error,
            dialect.loaded_dbapi.Error,
            hide_parameters=True,
            dialect=dialect,
        ) from None
    finally:
        cursor.close()
    return chain


def walk_chain(
    session: Session, up_to: int, wanted: frozenset[int], progress: Progress | None
) -> ChainWalk:
    """Events ``1..up_to``: by worker processes when the chain is long and another process
    can open the database; otherwise here, in ``session``'s transaction."""
    url = session.get_bind().engine.url
    if up_to > IN_PROCESS_UP_TO and shareable(url):
        return run_in_workers(url, up_to, wanted, progress)
    return walk(
        session.connection(),
        ChainWalk(wanted),
        WalkRequest("", 0, up_to, wanted, IN_PROCESS_BATCH),
        lambda done: progress is None or progress(done, max(up_to, done)),
    )


def shareable(url: URL) -> bool:
    """Whether another process can open this database (not a SQLite database in memory)."""
    if url.get_backend_name() != "sqlite":
        return True
    database = url.database or ""
    return bool(database) and database != ":memory:" and not database.startswith("file:")


def _cancelled(done: int, total: int) -> Cancelled:
    total = max(total, done)
    return Cancelled(
        f"Cancelled after {done} of {counted(total, 'event')}.", done=done, total=total
    )


# --------------------------------------------------------------------------- the workers


def ranges(up_to: int, parts: int) -> list[tuple[int, int]]:
    """``(lo, hi]`` ranges of seq covering ``1..up_to`` in order, as even as can be."""
    bounds = [up_to * part // parts for part in range(parts + 1)]
    return list(pairwise(bounds))


def run_in_workers(
    url: URL, up_to: int, wanted: frozenset[int], progress: Progress | None
) -> ChainWalk:
    """Walk ``1..up_to`` in worker processes, one range each, and join their walks in order.

    Cancel (``progress`` answering False) ends every worker; so does any failure.
    """
    parts = max(1, min(MAX_WORKERS, up_to // WORKER_EVENTS))
    text = url.render_as_string(hide_password=False)
    sqlite_file = url.database if url.get_backend_name() == "sqlite" else None
    workers: list[tuple[Connection, BaseProcess]] = []
    try:
        for lo, hi in ranges(up_to, parts):
            ours, worker = start_worker(worker_main, "keyward-integrity-walk")
            workers.append((ours, worker))
            ours.send(WalkRequest(text, lo, hi, wanted, WORKER_BATCH, sqlite_file))
        walks = _collect(workers, up_to, progress)
    finally:
        for pipe, process in workers:
            pipe.close()
            stop_worker(process)
    chain, *later_walks = walks
    for later in later_walks:
        chain.then(later)
    return chain


def _collect(
    workers: list[tuple[Connection, BaseProcess]],
    total: int,
    progress: Progress | None,
) -> list[ChainWalk]:
    """Each worker's walk, in order, passing their summed progress on."""
    from multiprocessing.connection import Connection, wait

    done: list[int] = [0] * len(workers)
    walks: list[ChainWalk | None] = [None] * len(workers)
    index = {id(pipe): n for n, (pipe, _) in enumerate(workers)}
    while None in walks:
        waiting = [pipe for n, (pipe, _) in enumerate(workers) if walks[n] is None]
        # Progress is asked for on this clock too, so Cancel works while the workers start
        # (before they have anything to say).
        for ready in wait(waiting, PROGRESS_EVERY):
            assert isinstance(ready, Connection)
            n = index[id(ready)]
            try:
                message = ready.recv()
            except (EOFError, OSError):
                raise worker_died(workers[n][1]) from None
            if message[0] == "progress":
                done[n] = message[1]
            elif message[0] == "done":
                walks[n] = message[1]
                done[n] = message[1].fed
            else:
                raise worker_failure(message)
        if None not in walks:
            break
        if progress is not None and not progress(sum(done), max(total, sum(done))):
            raise _cancelled(sum(done), total)
    walked = sum(done)
    if progress is not None and walked:
        progress(walked, max(total, walked))
    return [chain for chain in walks if chain is not None]


def start_worker(target: Callable[[Connection], None], name: str) -> tuple[Connection, BaseProcess]:
    """A worker process started with the *spawn* method, running ``target`` with its end of
    a new pipe; our end and the process back (nothing left open when it cannot start)."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    worker = context.Process(target=target, args=(theirs,), name=name, daemon=True)
    try:
        worker.start()
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()
    return ours, worker


def stop_worker(worker: BaseProcess) -> None:
    """End a worker (at once if it is still walking) and reap it: no process left."""
    if worker.is_alive():
        worker.terminate()
        worker.join(STOP_GRACE)
        if worker.is_alive():
            worker.kill()
    worker.join()
    worker.close()


def worker_died(worker: BaseProcess, whose: str = "The integrity check's") -> DatabaseError:
    """A worker that ended without its answer (``whose``: whose worker, for the sentence)."""
    worker.join(STOP_GRACE)
    return DatabaseError(
        f"{whose} worker process stopped unexpectedly (exit code "
        f"{worker.exitcode}); nothing was concluded. Try again.",
        DatabaseErrorKind.OTHER,
    )


def worker_failure(message: tuple[Any, ...], whose: str = "The integrity check's") -> Exception:
    """A failure a worker described (``("error", kind or None, text)``): a known database
    error as such, anything else as the bug it is (for the one error presenter)."""
    _, kind, text = message
    if kind is not None:
        return DatabaseError(text, DatabaseErrorKind(kind))
    return RuntimeError(f"{whose} worker failed: {text}")
