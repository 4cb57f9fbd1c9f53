"""The key inventory as it was at any instant, rebuilt from the audit trail (issue 8).

Every change to a key is an audit event whose ``after`` snapshot (``keys.snapshot()`` on
SQLite, ``kw_key_json`` on the servers) holds the key as the change left it, and a deletion
is a ``key.deleted`` event. So the keys that existed at an instant, with the name, owner,
state and expiry they had then, are the newest snapshot of every key whose events up to that
instant do not end in a deletion. Events are streamed in chain order (``seq``) in batches,
each with the eight snapshot fields a row shows read out by the database as one short JSON
array (:func:`_snapshot_fields`); only the newest event of each key is kept, and its array
parsed once at the end. On a SQLite file a long trail is rebuilt in parts, by key, in
worker processes and this one (:func:`inventories`, :mod:`app.services.inventory_worker`).

The event times are ISO 8601 UTC text; they are compared in Python on one canonical form
(whole seconds get ``.000000``), never with a database collation (SQLite's own comparison,
code point order, is Python's: :data:`COMPARABLE_SQL`).
"""

from __future__ import annotations

import dataclasses
import marshal
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.data.models import AuditEvent, User
from app.domain.audit import AuditAction
from app.domain.errors import Cancelled, Progress
from app.domain.key_format import BASE62
from app.domain.roles import Action, can, require
from app.services.context import ServiceContext
from app.services.dto import Operator
from app.services.integrity_walk import (
    shareable,
    start_worker,
    stop_worker,
    worker_died,
    worker_failure,
)
from app.services.inventory_worker import (
    CHANGED,
    COMPARABLE_SQL,
    CREATED,
    CSV_COLUMNS,
    DELETED,
    EVERY_KEY,
    NOT_A_KEY,
    SNAPSHOT_FIELDS,
    IdRange,
    InventoryFiles,
    InventoryRow,
    Latest,
    PartCancelled,
    PartRequest,
    Values,
    Written,
    collector_paused,
    comparable,
    instant_text,
    order,
    part_values,
    period_parameters,
    period_sql,
    replay,
    rows_from_values,
    rows_of,
    tolerant_fields,
    values_of,
    worker_main,
    write_file,
)
from app.services.walk_worker import PROGRESS_EVERY

if TYPE_CHECKING:
    # Loaded where the worker processes start: the console does without until then.
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

__all__ = [
    "COMPARABLE_SQL",
    "CSV_COLUMNS",
    "InventoryFiles",
    "InventoryRow",
    "InventoryService",
    "PeriodScan",
    "Values",
    "Written",
    "comparable",
    "instant_text",
    "inventories",
    "inventories_writing_first",
    "owner_names",
    "visible_owner",
    "write_file",
]

_BATCH = 20_000
#: Report progress after this many events (a few times a second at the measured speed).
_REPORT_EVERY = 50_000
#: A trail of up to this many events is rebuilt in the caller's process alone (a worker
#: takes ~0.2 s to start); a longer one on a SQLite file in parts, one per CPU (at most
#: :data:`MAX_PARTS`), the caller building one of them.
IN_PROCESS_UP_TO = 200_000
MAX_PARTS = min(4, os.cpu_count() or 1)
#: The caller's part is this much larger than a worker's: a worker starts later (~0.3 s) and
#: sends its rows over a pipe, which the caller then reads.
OWN_PART_WEIGHT = 1.45


#: Whose worker, in a failure's sentence.
_WHOSE = "The inventory's"


def part_ranges(parts: int) -> list[IdRange]:
    """The keys each part reads, by id, the caller's first: the key id alphabet cut by the
    parts' weights (ids are random in it; an id outside it still falls in one part)."""
    weights = [OWN_PART_WEIGHT, *([1.0] * (parts - 1))]
    alphabet = sorted(BASE62)
    cuts = [
        alphabet[round(len(alphabet) * sum(weights[:n]) / sum(weights))] for n in range(1, parts)
    ]
    return list(zip([EVERY_KEY[0], *cuts], [*cuts, EVERY_KEY[1]], strict=True))


def _snapshot_fields(dialect: str) -> Any:
    """The snapshot fields a row needs, as one JSON array text read by the database.

    The snapshot is the key as the event left it (``after``, or a deletion's ``before``,
    which is never read); NULL when the event has none. At 1,000,000 keys on SQLite,
    parsing the whole snapshots with ``json.loads`` took 7.4 s of CPU, parsing these arrays
    1.5 s, for 2 s more spent reading (on the servers that work is the database's). SQLite
    reads all eight in one ``json_extract`` (one parse of the text; eight calls cost 2.7 s
    more). JSON ``null`` and a missing field both become ``null``, which a row shows as
    empty, as before.
    """
    snapshot = sa.func.coalesce(AuditEvent.after, AuditEvent.before)
    paths = [f"$.{name}" for name in SNAPSHOT_FIELDS]
    fields: sa.ColumnElement[Any]
    if dialect == "postgresql":
        # Here, not at the top: the console on SQLite does without the dialect (4 MiB).
        from sqlalchemy.dialects import postgresql

        document = sa.cast(snapshot, postgresql.JSONB)
        fields = sa.cast(
            sa.func.jsonb_build_array(*(document[name] for name in SNAPSHOT_FIELDS)), sa.Text
        )
    elif dialect in ("mysql", "mariadb"):
        # JSON_EXTRACT with several paths leaves missing ones out; JSON_VALUE keeps places.
        fields = sa.func.json_array(*(sa.func.json_value(snapshot, path) for path in paths))
    else:
        return sa.func.json_extract(snapshot, *paths)
    return sa.case((snapshot.is_(None), None), else_=fields)


class _Batches:
    """Keyset batches of one statement through the driver's own cursor (plain tuples), in
    :func:`~app.services.inventory_worker.replay`'s shape."""

    def __init__(self, connection: sa.Connection, fields: Any) -> None:
        statement = (
            sa.select(
                AuditEvent.seq,
                _comparable_time(connection.dialect.name),
                sa.case(
                    (AuditEvent.target_type != "key", NOT_A_KEY),
                    (AuditEvent.action == AuditAction.KEY_CREATED.value, CREATED),
                    (AuditEvent.action == AuditAction.KEY_DELETED.value, DELETED),
                    else_=CHANGED,
                ),
                AuditEvent.target_id,
                fields,
            )
            .where(AuditEvent.seq > sa.bindparam("after_seq", type_=sa.Integer))
            .order_by(AuditEvent.seq)
            .limit(_BATCH)
        )
        self._compiled = statement.compile(dialect=connection.dialect)
        self.sql = str(self._compiled)

    def parameters(self, after: int) -> Any:
        compiled = self._compiled
        values = compiled.construct_params({"after_seq": after})
        if not compiled.positional:
            return values
        return tuple(values[name] for name in compiled.positiontup or ())


def _comparable_time(dialect: str) -> Any:
    """:func:`comparable` in SQL (it only makes text: every comparison is Python's)."""
    occurred = AuditEvent.occurred_at
    length = sa.func.length if dialect == "sqlite" else sa.func.char_length
    whole_seconds = sa.func.substr(occurred, 1, 19, type_=sa.String).concat(".000000Z")
    return sa.case((length(occurred) == 20, whole_seconds), else_=occurred)


def _key_events(session: Session, progress: Progress | None) -> Iterator[list[tuple[Any, ...]]]:
    """Every event in chain order, in batches of raw tuples; reports and honours cancel.

    The scan follows the primary key: filtering on ``target_type`` in SQL would let a
    database pick the target index and sort every remaining key event for each batch. The
    batches are read with the driver's own cursor (plain tuples, no SQLAlchemy rows): the
    columns are integers and text, which every driver returns as such.

    A snapshot that is not JSON (a row written by hand, which the chain check names) makes
    SQLite's and PostgreSQL's JSON functions fail the statement: from that batch on the raw
    texts are read and their fields taken out in Python (:func:`tolerant_fields`), the same
    arrays for every valid snapshot. PostgreSQL reads each batch in a savepoint for that.
    """
    total = int(session.execute(sa.select(sa.func.max(AuditEvent.seq))).scalar() or 0)
    if progress is not None and not progress(0, total):
        raise Cancelled(done=0, total=total)
    connection = session.connection()
    dialect = connection.dialect
    fast = _Batches(connection, _snapshot_fields(dialect.name))
    raw = _Batches(connection, sa.func.coalesce(AuditEvent.after, AuditEvent.before))
    savepoints = dialect.name == "postgresql"
    tolerant = False

    def batch(after: int) -> list[tuple[Any, ...]]:
        nonlocal tolerant
        if not tolerant:
            if savepoints:
                cursor.execute("SAVEPOINT kw_inventory")
            try:
                cursor.execute(fast.sql, fast.parameters(after))
                rows: list[tuple[Any, ...]] = list(cursor.fetchall())
            except dialect.loaded_dbapi.Error as error:
                if "json" not in str(error).casefold():
                    raise
                if savepoints:
                    cursor.execute("ROLLBACK TO SAVEPOINT kw_inventory")
                tolerant = True
            else:
                if savepoints:
                    cursor.execute("RELEASE SAVEPOINT kw_inventory")
                return rows
        cursor.execute(raw.sql, raw.parameters(after))
        return [(*row[:4], tolerant_fields(row[4])) for row in cursor.fetchall()]

    last = 0
    reported = 0
    cursor = connection.connection.cursor()
    try:
        while True:
            rows = batch(last)
            if not rows:
                break
            yield rows
            last = rows[-1][0]
            if progress is not None and last - reported >= _REPORT_EVERY:
                reported = last
                if not progress(last, total):
                    raise Cancelled(done=last, total=total)
    finally:
        cursor.close()
    if progress is not None:
        progress(total, total)


def rebuild(
    session: Session,
    bounds: Sequence[datetime],
    progress: Progress | None = None,
    observe: Callable[[list[tuple[Any, ...]]], None] | None = None,
) -> list[Latest]:
    """One pass over the key events in this process; the newest event of each key as of
    each bound (inclusive).

    ``observe`` sees every batch of events first (seq, occurred_at, action, target_type,
    target_id, snapshot fields), so that a caller needs no second pass of its own.
    """
    states = [Latest(instant_text(bound)) for bound in bounds]
    with collector_paused():
        replay(states, _key_events(session, progress), observe)
    return states


@dataclass(slots=True)
class PeriodScan:
    """Where a period lies in the trail: its first and last event, the last event before
    it, and the newest event (seqs)."""

    low: str
    high: str
    first: int | None = None
    last: int | None = None
    before: int | None = None
    head: int = 0

    def observe(self, rows: list[tuple[Any, ...]]) -> None:
        """Note the first and last event whose time falls in [low, high), and the last
        before (rows in seq order, their times already in :func:`comparable` form)."""
        low, high = self.low, self.high
        for row in rows:
            seq, occurred = row[0], row[1]
            if low <= occurred < high:
                if self.first is None:
                    self.first = seq
                self.last = seq
            elif occurred < low:
                self.before = seq
            self.head = seq


def inventories(
    session: Session,
    instants: Sequence[datetime],
    only_owner: str | None,
    progress: Progress | None = None,
    *,
    as_values: bool = False,
    period: PeriodScan | None = None,
) -> list[list[Any]]:
    """The keys as they were at each instant: :class:`InventoryRow` lists (or, with
    ``as_values``, :data:`Values`), each sorted by name then id. ``only_owner``: that
    owner's keys alone. ``period`` is filled in on the way.

    A long trail on a SQLite file is rebuilt in parts by worker processes and this one
    (:mod:`app.services.inventory_worker`); anything else in one pass here. Raises
    :class:`Cancelled` when ``progress`` answers False (no worker is left running).
    """
    # Also while a worker's rows arrive: no full collections; the rows are kept.
    with collector_paused(keep_made=True):
        return _inventories(session, instants, only_owner, progress, as_values, period, None)


def inventories_writing_first(
    session: Session,
    instants: Sequence[datetime],
    files: InventoryFiles,
    meanwhile: Callable[[list[list[Values]]], None],
    progress: Progress | None = None,
    period: PeriodScan | None = None,
) -> Written:
    """:func:`inventories` as :data:`Values` for an evidence pack: the first instant's
    inventory is written to ``files`` (by a worker, when there are parts) while
    ``meanwhile`` gets the other instants' values here. The keys and the files' digests."""
    written: list[Written] = []
    with collector_paused():
        _inventories(
            session, instants, None, progress, True, period, (files, meanwhile, written.append)
        )
    return written[0]


#: What :func:`inventories_writing_first` asks of a rebuild: the files, the work meanwhile
#: and where what was written goes.
_Writing = tuple[InventoryFiles, Callable[[list[list[Values]]], None], Callable[[Written], None]]


def _inventories(
    session: Session,
    instants: Sequence[datetime],
    only_owner: str | None,
    progress: Progress | None,
    as_values: bool,
    period: PeriodScan | None,
    writing: _Writing | None,
) -> list[list[Any]]:
    names = owner_names(session)
    url = session.get_bind().engine.url
    up_to = int(session.execute(sa.select(sa.func.max(AuditEvent.seq))).scalar() or 0)
    if (
        MAX_PARTS > 1
        and up_to > IN_PROCESS_UP_TO
        and url.get_backend_name() == "sqlite"
        and shareable(url)
    ):
        request = PartRequest(
            url.render_as_string(hide_password=False),
            str(url.database),
            up_to,
            EVERY_KEY,
            tuple(instants),
            names,
            only_owner,
            as_values,
        )
        return _in_parts(session, request, progress, period, writing)
    observe = None if period is None else period.observe
    states = rebuild(session, instants, progress, observe)
    if not as_values:
        return rows_of(states, instants, names, only_owner)
    lists = values_of(states, instants, names, only_owner)
    if writing is not None:
        files, meanwhile, written = writing
        first, *others = lists
        written(files.write(first))
        meanwhile(others)
    return lists


def _in_parts(
    session: Session,
    request: PartRequest,
    progress: Progress | None,
    period: PeriodScan | None,
    writing: _Writing | None,
) -> list[list[Any]]:
    """Part 0 here, the others in spawned workers; the parts merged in order. With
    ``writing``, the first worker writes the first instant's inventory (see
    :func:`inventories_writing_first`)."""
    ranges = part_ranges(MAX_PARTS)
    total = request.up_to * len(ranges)
    reached = [0] * len(ranges)
    answers: list[list[list[Values]] | None] = [None] * len(ranges)
    workers: list[tuple[Connection, BaseProcess]] = []
    #: Set once this process's part is read: progress stays at the end from then on.
    finishing: list[bool] = []
    if progress is not None and not progress(0, total):
        raise Cancelled(done=0, total=total)
    try:
        for part in range(1, len(ranges)):
            ours, worker = start_worker(worker_main, "keyward-inventory")
            workers.append((ours, worker))
            files = writing[0] if writing is not None and part == 1 else None
            ours.send(dataclasses.replace(request, ids=ranges[part], files=files))

        def report(seq: int) -> bool:
            reached[0] = seq
            _read_messages(workers, reached, answers, request.up_to, block=False)
            if progress is None:
                return True
            if seq >= request.up_to:
                # This part is read (the workers' parts are sized to end about now): what
                # is left is building and merging the rows, shown as busy, not as a number.
                finishing.append(True)
            return progress(total if finishing else sum(reached), total)

        # Rows merged here are sorted once, with the workers' (each row's sort key made once).
        own = _own_part(
            session,
            dataclasses.replace(request, ids=ranges[0]),
            report,
            sort=writing is not None,
        )
        if period is not None:
            _scan_period(session, period, request.up_to)
        while None in answers[1:]:
            _read_messages(workers, reached, answers, request.up_to, block=True)
            done = total if finishing else sum(reached)
            if progress is not None and not progress(done, total):
                raise Cancelled(done=done, total=total)
        if progress is not None:
            progress(total, total)
        if writing is None:
            return _merged(own, answers[1:], request.as_text)
        # The first worker kept its part of the first instant: it is sent the others.
        firsts = [own[0], *(answer[0] for answer in answers[2:] if answer is not None)]
        workers[0][0].send_bytes(marshal.dumps(("parts", firsts)))
        del firsts
        own[0] = []
        for answer in answers[2:]:
            if answer is not None:
                answer[0] = []
        answers[1] = [[], *(answers[1] or [])]
        files, meanwhile, written = writing
        merged = _merged(own, answers[1:], True)
        meanwhile(merged[1:])
        written(_written(*workers[0], files))
        return merged
    except PartCancelled:
        raise Cancelled(done=sum(reached), total=total) from None
    finally:
        for pipe, process in workers:
            pipe.close()
            stop_worker(process)


def _merged(
    own: list[list[Any]], answers: Sequence[list[list[Values]] | None], as_text: bool
) -> list[list[Any]]:
    """Each instant's parts in one list, in order (the workers' parts are sorted runs)."""
    merged = []
    with collector_paused():
        for index, mine in enumerate(own):
            for answer in answers:
                assert answer is not None
                values = answer[index]
                mine.extend(values if as_text else rows_from_values(values))
            mine.sort(key=order)  # the workers' sorted runs are merged, not sorted anew
            merged.append(mine)
    return merged


def _written(pipe: Connection, worker: BaseProcess, files: InventoryFiles) -> Written:
    """The writing worker's answer: what it wrote (its failure raised here)."""
    try:
        message = marshal.loads(pipe.recv_bytes())  # noqa: S302 - our own worker
    except (EOFError, OSError):
        raise worker_died(worker, _WHOSE) from None
    if message[0] == "written":
        return Written(int(message[1]), dict(message[2]))
    if message[0] == "oserror":
        raise OSError(message[1], message[2], str(Path(files.folder) / files.csv_name))
    raise worker_failure(message, _WHOSE)


def _own_part(
    session: Session, request: PartRequest, report: Callable[[int], bool], *, sort: bool
) -> list[list[Any]]:
    connection = session.connection()
    cursor = connection.connection.cursor()
    try:
        error = connection.dialect.loaded_dbapi.Error
        return part_values(cursor, request, report, error, not request.as_text, sort)
    finally:
        cursor.close()


def _scan_period(session: Session, period: PeriodScan, up_to: int) -> None:
    first, last, before, head = session.execute(
        sa.text(period_sql()), period_parameters(period.low, period.high, up_to)
    ).one()
    period.first, period.last, period.head = first, last, head or 0
    period.before = None if before is None or before < 0 else before


def _read_messages(
    workers: list[tuple[Connection, BaseProcess]],
    reached: list[int],
    answers: list[list[list[Values]] | None],
    up_to: int,
    *,
    block: bool,
) -> None:
    """Take the workers' waiting messages (with ``block``, wait up to the progress interval
    for one): progress into ``reached``, rows into ``answers``; a failure raised here."""
    from multiprocessing.connection import Connection, wait

    waiting = [pipe for n, (pipe, _) in enumerate(workers, 1) if answers[n] is None]
    ready = wait(waiting, PROGRESS_EVERY) if block else [p for p in waiting if p.poll()]
    for pipe in ready:
        assert isinstance(pipe, Connection)
        n = next(n for n, (ours, _) in enumerate(workers, 1) if ours is pipe)
        while answers[n] is None and pipe.poll():
            try:
                message = marshal.loads(pipe.recv_bytes())  # noqa: S302 - our own worker
            except (EOFError, OSError):
                raise worker_died(workers[n - 1][1], _WHOSE) from None
            if message[0] == "progress":
                reached[n] = message[1]
            elif message[0] == "done":
                answers[n] = message[1]
                reached[n] = up_to
            else:
                raise worker_failure(message, _WHOSE)


def owner_names(session: Session) -> dict[str, str]:
    """Display names by login (today's names: the trail keeps logins, which never change)."""
    return {
        str(login): str(name)
        for login, name in session.execute(sa.select(User.login, User.display_name))
    }


def visible_owner(operator: Operator) -> str | None:
    """None when the operator reads every key; else the one owner whose keys they see."""
    require(operator.role, Action.READ_OWN_KEYS)
    return None if can(operator.role, Action.READ_ALL_KEYS) else operator.login


class InventoryService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def as_of(self, instant: datetime, progress: Progress | None = None) -> list[InventoryRow]:
        """The keys that existed at ``instant`` (aware), as they were then.

        Events at exactly ``instant`` count. Status is as at that instant: a key whose expiry
        is at or before it is expired. Roles that read all keys see all; members see their
        own. Raises :class:`Cancelled` when ``progress`` returns False.
        """
        if instant.tzinfo is None:
            raise ValueError("as_of needs a timezone-aware instant")
        with self._context.read() as session:
            only = visible_owner(self._context.operator_in(session))
            [rows] = inventories(session, [instant], only, progress)
            return rows
