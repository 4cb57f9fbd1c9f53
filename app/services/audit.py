"""Reading, verifying and exporting the audit trail."""

from __future__ import annotations

import csv
import json
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import starmap
from typing import IO, TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from app.data.key_queries import MARIADB_DIALECTS, escape_like, pg_trgm_can_help
from app.data.models import ApiKey, AuditEvent, AuditHead, User
from app.data.search_schema import AUDIT_FTS, AUDIT_FTS_VOCAB, any_of, grams_of_forms
from app.data.server import search_mariadb_sql
from app.domain.audit import EVENT_FIELDS, AuditAction, AuditRecord, ChainReport
from app.domain.errors import Cancelled, Field, Progress, ValidationError
from app.domain.key_format import could_be_key_id, key_id_of, looks_like_key_id
from app.domain.roles import Action, Role, can, require
from app.domain.wording import counted
from app.services.context import AUDIT_HEAD_ID, ServiceContext
from app.services.dto import AuditEventDTO, Operator, snapshot_json
from app.services.integrity_walk import walk_chain

if TYPE_CHECKING:
    from app.services.checkpoints import CheckpointInfo

#: The columns of ``keyward audit export`` (CSV and JSON), in order.
EXPORT_FIELDS = EVENT_FIELDS


def to_record(row: AuditEvent) -> AuditRecord:
    return AuditRecord(
        seq=row.seq,
        occurred_at=row.occurred_at,
        actor=row.actor,
        action=row.action,
        target_type=row.target_type,
        target_id=row.target_id,
        before=row.before,
        after=row.after,
        reason=row.reason,
        host=row.host,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def to_dto(record: AuditRecord) -> AuditEventDTO:
    try:
        action = AuditAction(record.action)
    except ValueError:
        action = AuditAction.KEY_EDITED
    return AuditEventDTO(
        seq=record.seq,
        occurred_at=_occurred_at(record.occurred_at),
        actor=record.actor,
        action=action,
        target_type=record.target_type,
        target_id=record.target_id,
        before=snapshot_json(record.before),
        after=snapshot_json(record.after),
        reason=record.reason,
        host=record.host,
        record=record,
    )


#: When an event whose stored time is not a time (written by hand) is shown to have happened.
UNREADABLE_TIME = datetime(1970, 1, 1, tzinfo=UTC)


def _occurred_at(text: str) -> datetime:
    """The stored ISO 8601 UTC time; the epoch for text that is not one (the chain check
    names such an event as modified; the trail still lists it)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return UNREADABLE_TIME
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


EVENTS = AuditEvent.__table__
#: The table's columns in ``AuditRecord``'s field order, read as plain rows (no ORM objects).
_RECORD_COLUMNS = tuple(EVENTS.c[name] for name in AuditRecord.__slots__)
#: Rows read per round trip when walking the whole chain: small enough that no single call
#: into the driver holds the GIL for long (the console's thread stays responsive).
_WALK_BATCH = 2_000
#: Seconds between two progress reports (and Cancel checks) of the walk.
_PROGRESS_EVERY = 0.05


def stored_records(
    session: Session,
    *,
    up_to: int | None = None,
    progress: Progress | None = None,
    total: int = 0,
    batch: int | None = None,
) -> Iterator[AuditRecord]:
    """Every event in stored order (by the physical key), in batches, so memory stays flat.

    ``up_to`` stops after that seq (events appended meanwhile are not walked). With
    ``progress``, ``progress(done, total)`` is called after a batch at most every 50 ms and
    after the last one; when it answers False the walk stops there with :class:`Cancelled`.
    """
    last = 0
    done = 0
    reported = time.monotonic()
    statement = sa.select(*_RECORD_COLUMNS).order_by(EVENTS.c.seq).limit(batch or _WALK_BATCH)
    if up_to is not None:
        statement = statement.where(EVENTS.c.seq <= up_to)
    while True:
        rows = session.execute(statement.where(EVENTS.c.seq > last)).all()
        if not rows:
            if progress is not None and done:
                progress(done, max(total, done))
            return
        yield from starmap(AuditRecord, rows)
        last = rows[-1][0]
        done += len(rows)
        if progress is None or time.monotonic() - reported < _PROGRESS_EVERY:
            continue
        reported = time.monotonic()
        if not progress(done, max(total, done)):
            raise Cancelled(
                f"Cancelled after {done} of {max(total, done)} events.",
                done=done,
                total=max(total, done),
            )


# --------------------------------------------------------------------------- the audit view


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What the audit view shows; every field is a condition in the database."""

    actor: str | None = None  # login
    action: AuditAction | None = None
    #: A key id, a pasted token (reduced to its id: its secret never reaches a query), or
    #: free text matched against the target id, the target's name in the snapshots and the
    #: reason (free text goes through each database's trigram index; a key id uses the
    #: target index).
    text: str = ""
    since: datetime | None = None  # inclusive, aware UTC (naive is taken as UTC)
    until: datetime | None = None  # exclusive


@dataclass(frozen=True, slots=True)
class _Query:
    conditions: list[Any]
    free_text: str  # "" when the filter has none
    #: The free text's condition (one of ``conditions``), None when the filter has none.
    text_condition: Any
    #: ``above < seq < below`` from a date range (None: open).
    seq_range: tuple[int | None, int | None]
    #: The action and the person asked for (None: any).
    narrowed: tuple[str | None, str | None] = (None, None)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    event: AuditEventDTO
    actor_name: str | None  # display name of the actor's login, if a user
    #: The key's name then (from the event's own snapshots, so also for deleted keys) or the
    #: user's display name.
    target_name: str | None


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: tuple[AuditEntry, ...]
    next_after: int | None  # pass as ``after=`` for the next (older) page


@dataclass(frozen=True, slots=True)
class IntegrityReport:
    intact: bool
    events: int
    first_bad_seq: int | None
    newest_checkpoint: CheckpointInfo | None
    problem: str | None  # one sentence naming the first problem

    def sentence(self) -> str:
        """One sentence for a person (English; the console may build its own translation)."""
        count = counted(self.events, "event")
        if not self.intact:
            where = f" at event #{self.first_bad_seq}" if self.first_bad_seq is not None else ""
            return f"The audit trail was tampered with{where}: {self.problem or 'unknown.'}"
        newest = self.newest_checkpoint
        if newest is None:
            return f"The audit trail is intact: {count}, chain unbroken; no signed checkpoint yet."
        when = newest.signed_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
        return (
            f"The audit trail is intact: {count}, chain unbroken; the newest checkpoint "
            f"(event #{newest.seq}, signed by {newest.signer} on {when} UTC) holds."
        )


#: Events are written in chain order with the writer's clock, so ``occurred_at`` follows
#: ``seq`` up to small skews (concurrent writers, owner-supplied times). A time range is
#: narrowed to a range of seq found through the time index, widened by this much.
TIME_SKEW = timedelta(minutes=10)
#: Anything shaped like a token, even with a wrong checksum: only its id part is used.
_TOKEN_SHAPED = re.compile(
    r"[a-z][a-z0-9]{1,15}_[a-z][a-z0-9]{1,15}_(?P<id>[0-9A-Za-z]{12})_[0-9A-Za-z]{8,}"
)
MAX_TEXT = 200
MAX_PAGE = 1000
#: SQLite: a 1-2 character term that starts more trigrams than this, or more events hold
#: them, reads the events instead (a common term fills a page from the newest few).
SHORT_GRAMS_LIMIT = 200
SHORT_ROWS_LIMIT = 100_000
#: :func:`_indexed`'s answer when the index says that no event holds the term.
NOTHING = ""
#: SQLite: free-text candidates read from the trigram index per round trip, newest first.
INDEX_CHUNK = 500
#: …and how many candidates the other filters may reject before the rest of the page is
#: found by walking the events instead (a rare person or action with a common word).
INDEX_CANDIDATES_LIMIT = 2_000
#: …unless that action or person has at least this many events left to walk: then the
#: rest of the term's events are checked against them through their indexes.
SQLITE_WALK = 5_000
_INDEX_PROBE = sa.text(
    f"SELECT rowid FROM {AUDIT_FTS} WHERE {AUDIT_FTS} MATCH :phrase"  # noqa: S608 - fixed text
    " AND rowid < :below AND rowid > :above ORDER BY rowid DESC LIMIT :n"
)
#: PostgreSQL: the same through the ``pg_trgm`` index (app.data.server.postgresql).
_PG_INDEX_PROBE = sa.text("SELECT kw_search_events(:pattern, :json_pattern, :above, :below, :n)")
#: The same for a term pg_trgm cannot index, through its two-character pieces (0022).
_PG_PAIRS_PROBE = sa.text(
    "SELECT kw_search_events_by_pairs(:term, :pattern, :json_pattern, :above, :below, :n)"
)
#: …and the rejected candidates after which the statement walks the events by itself.
PG_INDEX_CANDIDATES_LIMIT = 100
#: …and among the events of one action or person (0023): the index that leads with both.
_PG_WHERE_PROBE = sa.text(
    "SELECT kw_search_events_where(:action, :actor, :term, :pattern, :json_pattern,"
    " :above, :below, :n)"
)
#: …and where a walk of the newest events of an action and/or a person stops.
_PG_NTH_PROBE = sa.text("SELECT kw_nth_event_where(:action, :actor, :above, :below, :count)")
#: PostgreSQL, a term beside an action or a person: the newest events of theirs walked
#: first, and how many candidates a call of ``kw_search_events_where`` returns (a page's
#: worth of a term they seldom meet).
PG_WALK = 1_000
PG_WHERE_BATCH = 1_000
#: MariaDB: the newest events a free-text search reads before it asks the index (a common
#: term fills a page there, and InnoDB's FULLTEXT reads each word's whole list whatever the
#: limit), the candidates it then takes from the index, newest first (all of them, short of
#: a very common term, whose page the walk below them fills), checked a chunk at a time.
MARIADB_WALK = 5_000
MARIADB_CANDIDATES = 50_000
MARIADB_CHUNK = 2_000
#: …and how much further a term found often enough in them that it would fill the page
#: within that many more is walked before the index is asked.
MARIADB_WALK_ON = 20_000
#: Beside an action, whose tagged words' lists (0025) hold its events only, the walk stops
#: at its newest this many when none of them holds the term: the index is cheaper then.
MARIADB_SCOUT = 1_000
#: Prefixed to the statement that finds where that walk ends.
_MARIADB_NO_INTERSECTION = "SET STATEMENT optimizer_switch='index_merge_intersection=off' FOR"


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _second(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS``: a prefix of every stored time within that second."""
    return _utc(moment).strftime("%Y-%m-%dT%H:%M:%S")


def _at_or_after(column: Any, moment: datetime) -> Any:
    """``occurred_at >= moment`` on the stored text (``…SSZ`` or ``…SS.ffffffZ``)."""
    moment = _utc(moment)
    second = _second(moment)
    if not moment.microsecond:
        return column >= second
    # "…SSZ" sorts after "…SS.ffffff" but is the whole second, before the moment.
    return sa.and_(column >= f"{second}.{moment.microsecond:06d}", column != f"{second}Z")


def _before(column: Any, moment: datetime) -> Any:
    """``occurred_at < moment`` on the stored text."""
    moment = _utc(moment)
    second = _second(moment)
    if not moment.microsecond:
        return column < second
    return sa.or_(column < f"{second}.{moment.microsecond:06d}", column == f"{second}Z")


def key_id_in(text: str) -> str | None:
    """The key id a search names: a token (or token-shaped text) reduced to its id."""
    stripped = text.strip()
    reduced = key_id_of(stripped)
    if reduced != stripped:
        return reduced
    match = _TOKEN_SHAPED.search(stripped)
    if match is not None:
        return match["id"]
    return None


class AuditService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    # ----------------------------------------------------------------------- the audit view

    def page(
        self, filter: AuditFilter = AuditFilter(), after: int | None = None, limit: int = 100
    ) -> AuditPage:
        """Events matching ``filter``, newest first, with ``seq < after``; keyset paging.

        Auditors, managers and admins read every event; members the events of their own
        keys (and keys they acted on) and of their own user, as the server databases do.
        """
        if not 1 <= limit <= MAX_PAGE:
            raise ValidationError(Field.LIMIT, f"The limit must be between 1 and {MAX_PAGE}.")
        with self._context.read() as session:
            operator = self._reader(session)
            query = self._conditions(session, filter)
            if query is None:
                return AuditPage((), None)
            conditions = query.conditions
            if operator.role is Role.MEMBER:
                conditions.append(_member_events(operator.login))
            if after is not None:
                conditions.append(EVENTS.c.seq < after)
            statement = sa.select(*_RECORD_COLUMNS).where(*conditions).order_by(EVENTS.c.seq.desc())
            member = operator.role is Role.MEMBER
            indexed = _indexed(session, query.free_text, member=member, narrowed=query.narrowed)
            if indexed == NOTHING:
                rows = []
            elif indexed is None:
                rows = list(session.execute(statement.limit(limit + 1)).all())
            else:
                above, below = query.seq_range
                if after is not None:
                    below = after if below is None else min(below, after)
                others = [c for c in conditions if c is not query.text_condition]
                rows = _through_the_index(
                    session,
                    statement,
                    indexed,
                    (above, below),
                    limit + 1,
                    others,
                    narrowed=query.narrowed,
                )
            more = len(rows) > limit
            events = [to_dto(AuditRecord(*row)) for row in rows[:limit]]
            names = _Names(session)
            names.prefetch(
                [e.actor for e in events] + [e.target_id for e in events if e.target_type == "user"]
            )
            entries = tuple(
                AuditEntry(event, names.of(event.actor), _target_name(event, names))
                for event in events
            )
            return AuditPage(entries, events[-1].seq if more and events else None)

    def actors(self) -> list[tuple[str, str]]:
        """Everyone who appears as an actor, as (login, display name), sorted by name."""
        with self._context.read() as session:
            operator = self._reader(session)
            if operator.role is Role.MEMBER:
                logins = list(
                    session.execute(
                        sa.select(EVENTS.c.actor).where(_member_events(operator.login)).distinct()
                    ).scalars()
                )
            else:
                logins = _distinct_actors(session)
            names = _Names(session)
            pairs = [(login, names.of(login) or login) for login in logins]
        return sorted(pairs, key=lambda pair: (pair[1].casefold(), pair[0]))

    def _reader(self, session: Session) -> Operator:
        operator = self._context.operator_in(session)
        if not can(operator.role, Action.READ_AUDIT) and operator.role is not Role.MEMBER:
            require(operator.role, Action.READ_AUDIT)
        return operator

    def _conditions(self, session: Session, filter: AuditFilter) -> _Query | None:
        """The filter as conditions; None when nothing can match."""
        c = EVENTS.c
        conditions: list[Any] = []
        actor = filter.actor.strip() if filter.actor else None
        action = None if filter.action is None else AuditAction(filter.action).value
        if actor:
            conditions.append(c.actor == actor)
        if action is not None:
            conditions.append(c.action == action)
        if (
            filter.since is not None
            and filter.until is not None
            and _utc(filter.since) >= _utc(filter.until)
        ):
            return None
        above, below = _seq_bounds(session, filter)
        occurred_at: Any = c.occurred_at
        if session.get_bind().dialect.name == "postgresql" and (above, below) != (None, None):
            # PostgreSQL takes the times and the seqs for independent ranges (they are one),
            # gathers a whole month from the time index and sorts it; within the seqs' range
            # the exact times are only tested, on a value the time index does not hold.
            occurred_at = c.occurred_at.concat(sa.literal_column("''", sa.String))
        if filter.since is not None:
            conditions.append(_at_or_after(occurred_at, filter.since))
        if filter.until is not None:
            conditions.append(_before(occurred_at, filter.until))
        if above is not None:
            conditions.append(c.seq > above)
        if below is not None:
            conditions.append(c.seq < below)
        text = filter.text.replace("\x00", "").strip()  # PostgreSQL refuses a NUL in a query
        free_text, text_condition = "", None
        if text:
            key_id = key_id_in(text)
            if key_id is None and looks_like_key_id(text) and _names_a_key(session, text):
                key_id = text
            if key_id is not None:
                if not could_be_key_id(key_id):
                    return None
                conditions += [c.target_type == "key", c.target_id == key_id]
            else:
                free_text = text[:MAX_TEXT]
                text_condition = _free_text(session, free_text)
                conditions.append(text_condition)
        return _Query(conditions, free_text, text_condition, (above, below), (action, actor))

    # ----------------------------------------------------------------------- older readers
    def recent(self, *, key_id: str | None = None, limit: int = 100) -> list[AuditEventDTO]:
        """The newest ``limit`` events, newest first."""
        if not 1 <= limit <= 100_000:
            raise ValidationError(Field.LIMIT, "The limit must be between 1 and 100000.")
        with self._context.read() as session:
            require(self._context.operator_in(session).role, Action.READ_AUDIT)
            statement = sa.select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit)
            if key_id:
                key_id = key_id_of(key_id)  # a pasted token's secret never reaches a query
                if not could_be_key_id(key_id):
                    return []
                statement = statement.where(
                    AuditEvent.target_type == "key", AuditEvent.target_id == key_id
                )
            return [to_dto(to_record(row)) for row in session.execute(statement).scalars()]

    def events_for(
        self, target_type: str, target_id: str, *, member: str | None = None
    ) -> list[AuditEventDTO]:
        """Every event about one target, oldest first (permission checked by the caller);
        with ``member``, only those that member's login may read."""
        with self._context.read() as session:
            statement = (
                sa.select(AuditEvent)
                .where(AuditEvent.target_type == target_type, AuditEvent.target_id == target_id)
                .order_by(AuditEvent.seq)
            )
            if member is not None:
                statement = statement.where(_member_events(member))
            return [to_dto(to_record(row)) for row in session.execute(statement).scalars()]

    @staticmethod
    def _records(session: Session) -> Iterator[AuditRecord]:
        return stored_records(session)

    def verify(self) -> ChainReport:
        """The chain alone, every stored event (also any after the head) against the head."""
        with self._context.read() as session:
            require(self._context.operator_in(session).role, Action.READ_AUDIT)
            head = session.get(AuditHead, AUDIT_HEAD_ID)
            newest = session.execute(sa.select(sa.func.max(EVENTS.c.seq))).scalar() or 0
            return walk_chain(session, newest, frozenset(), None).report(
                head_seq=head.seq if head else None,
                head_hash=head.hash if head else None,
            )

    def check_integrity(self, progress: Progress | None = None) -> IntegrityReport:
        """Walk the whole chain and check every stored checkpoint against it.

        Calls ``progress(done, total)`` at most every 50 ms and once at the end; raises
        :class:`Cancelled` when it answers False. A long chain is walked by worker
        processes (see :mod:`app.services.integrity_walk`), so the caller's process stays
        free; the role is checked here, before any of it.
        """
        from app.services.checkpoints import integrity_in

        with self._context.read() as session:
            require(self._context.operator_in(session).role, Action.READ_AUDIT)
            return integrity_in(session, progress)

    def export(self, stream: IO[str], fmt: str) -> int:
        """Write every event with its chain fields as CSV or JSON Lines; returns the count."""
        fmt = fmt.strip().lower()
        if fmt not in {"csv", "jsonl"}:
            raise ValidationError(Field.FORMAT, "Export as csv or jsonl.")
        count = 0
        with self._context.read() as session:
            require(self._context.operator_in(session).role, Action.READ_AUDIT)
            writer = csv.DictWriter(stream, EXPORT_FIELDS) if fmt == "csv" else None
            if writer is not None:
                writer.writeheader()
            for record in self._records(session):
                row = record.as_dict()
                if writer is not None:
                    writer.writerow({k: "" if row[k] is None else row[k] for k in EXPORT_FIELDS})
                else:
                    stream.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
        return count


class _NamesOwner(FunctionElement[bool]):
    """``_NamesOwner(text, login)``: the key snapshot ``text`` (an event's before/after)
    names ``login`` as the key's ``owner``. Never an error, whatever text a row holds, on each
    dialect in its own words; a cheap "does the text contain the login at all" test first
    spares the JSON parse on most rows (a login is ``[A-Za-z0-9_.@-]``, which JSON writes as
    is)."""

    type = sa.Boolean()
    inherit_cache = True


def _arguments(element: _NamesOwner, compiler: Any, **kw: Any) -> tuple[str, str]:
    text, login = (compiler.process(clause, **kw) for clause in element.clauses)
    return text, login


@compiles(_NamesOwner, "sqlite")
def _names_owner_sqlite(element: _NamesOwner, compiler: Any, **kw: Any) -> str:
    # json_extract raises on text that is not JSON; CASE evaluates it only on valid JSON.
    text, login = _arguments(element, compiler, **kw)
    return (
        f"(instr({text}, {login}) > 0 AND CASE WHEN json_valid({text})"
        f" THEN json_extract({text}, '$.owner') END = {login})"
    )


@compiles(_NamesOwner, "postgresql")
def _names_owner_postgresql(element: _NamesOwner, compiler: Any, **kw: Any) -> str:
    # The policy's own helper (app.data.server.postgresql), which every reading role may run.
    text, login = _arguments(element, compiler, **kw)
    return f"(strpos({text}, {login}) > 0 AND kw_snapshot_field({text}, 'owner') = {login})"


@compiles(_NamesOwner, "mysql")
@compiles(_NamesOwner, "mariadb")
def _names_owner_mariadb(element: _NamesOwner, compiler: Any, **kw: Any) -> str:
    # JSON_VALUE reads truncated text loosely: JSON_VALID first, as the view does.
    text, login = _arguments(element, compiler, **kw)
    return (
        f"(LOCATE(CAST({login} AS BINARY), CAST({text} AS BINARY)) > 0 AND JSON_VALID({text})"
        f" AND CAST(JSON_VALUE({text}, '$.owner') AS BINARY) = CAST({login} AS BINARY))"
    )


def _member_events(login: str) -> Any:
    """The events a member may read: as the server databases' policies (PostgreSQL
    ``kw_read`` on ``audit_events``, MariaDB's ``audit_events`` view) say — their own user's,
    and those of keys they own now, acted on, or that a snapshot names them the owner of (a
    key deleted or moved to someone else keeps its history for them)."""
    c = EVENTS.c
    mine = sa.select(ApiKey.key_id).where(
        ApiKey.owner_id == sa.select(User.id).where(User.login == login).scalar_subquery()
    )
    return sa.or_(
        sa.and_(c.target_type == "user", c.target_id == login),
        sa.and_(
            c.target_type == "key",
            sa.or_(
                c.actor == login,
                c.target_id.in_(mine),
                _NamesOwner(c.before, sa.literal(login, sa.String())),
                _NamesOwner(c.after, sa.literal(login, sa.String())),
            ),
        ),
    )


def _seq_bounds(session: Session, filter: AuditFilter) -> tuple[int | None, int | None]:
    """A time range as a range of seq, ``above < seq < below``, found with one probe of the
    time index per end.

    The exact time conditions stay as well; these only let the database walk the events of
    the range (and no newer or older ones) newest first.
    """
    c = EVENTS.c
    older = newer = None
    if filter.since is not None:
        older = session.execute(
            sa.select(c.seq)
            .where(c.occurred_at < _second(_utc(filter.since) - TIME_SKEW))
            .order_by(c.occurred_at.desc(), c.seq.desc())
            .limit(1)
        ).scalar()
    if filter.until is not None:
        newer = session.execute(
            sa.select(c.seq)
            .where(c.occurred_at >= _second(_utc(filter.until) + TIME_SKEW))
            .order_by(c.occurred_at, c.seq)
            .limit(1)
        ).scalar()
    return older, newer


def _names_a_key(session: Session, key_id: str) -> bool:
    c = EVENTS.c
    return (
        session.execute(
            sa.select(c.seq).where(c.target_type == "key", c.target_id == key_id).limit(1)
        ).scalar()
        is not None
    )


def _contains(session: Session, column: Any, text: str) -> Any:
    dialect = session.get_bind().dialect.name
    # SQLite's LIKE ignores ASCII case by itself (and lower() would cost a call per row).
    if dialect == "sqlite":
        return column.contains(text, autoescape=True)
    if dialect in MARIADB_DIALECTS:
        # Case but not accents ignored, as on the other databases (a ``_ci`` collation
        # also finds "Zürich" for "zurich"): lower-cased text compared byte for byte, as
        # the index's words hold it.
        exact = (
            sa.func.lower(column)
            .collate("utf8mb4_bin")
            .like(f"%{escape_like(text.lower())}%", escape="\\")
        )
        if not isinstance(column, sa.Column):
            return exact  # a snapshot's name: JSON text compares byte for byte
        # The column's own LIKE first: cheap, and it lets few rows through to lower().
        return sa.and_(column.like(f"%{escape_like(text)}%", escape="\\"), exact)
    return column.icontains(text, autoescape=True)


def _snapshot_name(session: Session, column: Any) -> Any:
    """The snapshot's name; NULL, never an error, for text that is not JSON (a row written
    by hand must not stop a search of the whole trail)."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return sa.case(
            (sa.func.json_valid(column), sa.func.json_extract(column, "$.name")), else_=None
        )
    if dialect == "postgresql":
        # The policies' helper (app.data.server.postgresql), which every reading role may run.
        return sa.func.kw_snapshot_field(column, "name", type_=sa.Text)
    return sa.func.json_unquote(sa.func.json_extract(column, "$.name"))


def _indexed(
    session: Session,
    free_text: str,
    *,
    member: bool,
    narrowed: tuple[str | None, str | None] = (None, None),
) -> str | None:
    """How to ask the trigram index for ``free_text``, if it can answer: SQLite's FTS5
    query, or PostgreSQL's text; ``NOTHING`` when the index says no event holds it.

    SQLite's FTS5 table takes a phrase of 3+ characters, and a 1-2 character ASCII term
    through the trigrams that start with it (its vocabulary: none, or a few); PostgreSQL's
    ``pg_trgm`` index is read through ``kw_search_events``, which serves those who read
    every event (a member's own events are found the plain way), for a term with a word of
    3 letters or digits; any other term (one character too, since 0023) is first looked up
    among the two-character pieces the events hold (``kw_events_may_hold``), then read
    through the index of each event's pieces (``kw_search_events_by_pairs``). MariaDB's
    FULLTEXT index of byte trigrams is read through the definer view ``audit_event_search``
    by the same readers, with the boolean query of the term's words, tagged by the action
    or else the person asked for (``narrowed``; 0025, 0026: those words' lists hold that
    action's or person's events only; the other dialects' indexes take them as a
    condition). A term with the unit separator, which joins the indexed fields, reads the
    events.
    """
    dialect = session.get_bind().dialect.name
    indexed = {"sqlite", "postgresql", *MARIADB_DIALECTS}
    if dialect not in indexed or not free_text or "\x1f" in free_text:
        return None
    if dialect in MARIADB_DIALECTS:
        return None if member else search_mariadb_sql.match_query(free_text, *narrowed)
    if dialect == "postgresql":
        if member:
            return None
        if not pg_trgm_can_help(free_text):
            # Nothing when no event holds one of its pieces.
            held = sa.select(sa.func.kw_events_may_hold(free_text.lower()))
            if not session.execute(held).scalar():
                return NOTHING
        return free_text
    if len(free_text) >= 3:
        return '"' + free_text.replace('"', '""') + '"'
    grams = grams_of_forms(
        session,
        AUDIT_FTS_VOCAB,
        free_text,
        most_grams=SHORT_GRAMS_LIMIT,
        most_rows=SHORT_ROWS_LIMIT,
    )
    if grams is None:
        return None
    return any_of(grams) if grams else NOTHING


def _through_the_index(
    session: Session,
    statement: sa.Select[Any],
    text: str,
    seq_range: tuple[int | None, int | None],
    wanted: int,
    others: list[Any],
    *,
    narrowed: tuple[str | None, str | None] = (None, None),
) -> list[Any]:
    """The first ``wanted`` rows of ``statement`` (newest first, free-text conditions and all)
    among the events the index finds for ``text`` (:func:`_indexed`'s answer: SQLite's FTS5
    query, PostgreSQL's term, MariaDB's FULLTEXT query), ``above < seq < below``; ``others``
    are the statement's conditions but the free text's, ``narrowed`` its action and person.

    The trigram index gives candidates newest first, a chunk at a time, and the statement
    checks each chunk exactly (the index folds more cases than SQLite's LIKE, so it may offer
    a few extra rows, never miss one). When the other filters reject candidate after
    candidate, the rest is found by the statement alone, walking the events.

    SQLite reads ``INDEX_CHUNK`` ids a round trip from its FTS5 table. PostgreSQL's function
    walks the events itself when a term is common, so its cost grows with the chunk: the
    first asks for one page, the next four times as many, up to ``INDEX_CHUNK``, and the
    statement takes over after ``PG_INDEX_CANDIDATES_LIMIT`` rejected candidates. Beside an
    action or a person, PostgreSQL starts from their side (:func:`_filter_first`), as
    MariaDB always does.
    """
    above, below = seq_range
    dialect = session.get_bind().dialect.name
    if dialect in MARIADB_DIALECTS:
        return _mariadb_through_the_index(
            session, statement, text, seq_range, wanted, others, narrowed
        )
    postgresql = dialect == "postgresql"
    if postgresql:
        pairs = not pg_trgm_can_help(text)
        probe: dict[str, Any] = {
            "pattern": "%" + escape_like(text) + "%",
            "json_pattern": "%" + escape_like(_as_json(text)) + "%",
            "above": -1 if above is None else above,
        }
        if any(narrowed):
            action, actor = narrowed
            where = {**probe, "action": action, "actor": actor, "term": text if pairs else None}
            top = 2**31 - 1 if below is None else below

            def nth(count: int, under: int | None) -> int | None:
                asked = {**where, "below": top if under is None else under, "count": count}
                return session.execute(_PG_NTH_PROBE, asked).scalar()

            def candidates(under: int, n: int, lowest: int | None) -> list[int]:
                asked = {**where, "below": under, "n": n}
                if lowest is not None:
                    asked["above"] = max(asked["above"], lowest - 1)
                return list(session.execute(_PG_WHERE_PROBE, asked).scalars())

            walk = _Walk(PG_WALK, 0, PG_WHERE_BATCH, PG_WHERE_BATCH, ask_again=True, window=True)
            return _filter_first(session, statement, wanted, walk, nth, candidates)
        index_probe = _PG_PAIRS_PROBE if pairs else _PG_INDEX_PROBE
        if pairs:
            probe["term"] = text
        below = 2**31 - 1 if below is None else below  # seq is a 32-bit integer there
        chunk, give_up = min(wanted, INDEX_CHUNK), PG_INDEX_CANDIDATES_LIMIT
    else:
        index_probe = _INDEX_PROBE
        probe = {"phrase": text, "above": -1 if above is None else above}
        below = 2**63 - 1 if below is None else below
        chunk, give_up = INDEX_CHUNK, INDEX_CANDIDATES_LIMIT
    rows: list[Any] = []
    read = 0
    while len(rows) < wanted:
        ids = session.execute(index_probe, {**probe, "below": below, "n": chunk}).scalars().all()
        if ids:
            checked = statement.where(EVENTS.c.seq.in_(ids)).limit(wanted - len(rows))
            rows += session.execute(checked).all()
        if len(ids) < chunk:
            break
        below, read = ids[-1], read + len(ids)
        if read >= give_up and len(rows) < wanted:
            rest = statement.where(EVENTS.c.seq < below)
            if not postgresql and _busy(session, narrowed, below):
                # Many events of that action or person, seldom with the term: the term's
                # other events, kept by the filters' (column, seq) indexes, not a walk.
                held = _held_beside(text, narrowed, probe["above"], below)
                rest = rest.where(EVENTS.c.seq.in_(held))
            rows += session.execute(rest.limit(wanted - len(rows))).all()
            break
        if postgresql:
            chunk = min(chunk * 4, INDEX_CHUNK)
    return rows


def _busy(session: Session, narrowed: tuple[str | None, str | None], below: int) -> bool:
    """Whether the person asked for (or else the action) has ``SQLITE_WALK`` events below
    ``below``: one probe of the (actor, seq) or (action, seq) index."""
    action, actor = narrowed
    if actor is None and action is None:
        return False
    column, value = (EVENTS.c.actor, actor) if actor is not None else (EVENTS.c.action, action)
    nth = _nth_newest(SQLITE_WALK, column == value, EVENTS.c.seq < below)
    return session.execute(nth).scalar() is not None


def _nth_newest(count: int, *conditions: Any) -> sa.Select[Any]:
    """The seq of the ``count``-th newest event that meets ``conditions``."""
    seq = EVENTS.c.seq
    return sa.select(seq).where(*conditions).order_by(seq.desc()).offset(count - 1).limit(1)


def _held_beside(
    phrase: str, narrowed: tuple[str | None, str | None], above: int, below: int
) -> Any:
    """SQLite: the events ``above < seq < below`` that SQLite's FTS5 table finds for
    ``phrase``, kept to the action and the person asked for (``narrowed``) by probing the
    (action, seq) and (actor, seq) indexes with each: a term that seldom meets a busy filter
    costs its own events, not the filter's."""
    found: Any = (
        sa.text(
            f"SELECT rowid FROM {AUDIT_FTS} WHERE {AUDIT_FTS} MATCH :phrase"  # noqa: S608 - fixed text
            " AND rowid < :below AND rowid > :above"
        )
        .bindparams(phrase=phrase, below=below, above=above)
        .columns(sa.column("rowid", sa.Integer))
    )
    action, actor = narrowed
    for name, value in (("actor", actor), ("action", action)):
        if value is not None:
            events = EVENTS.alias()
            found = sa.select(events.c.seq).where(events.c[name] == value, events.c.seq.in_(found))
    return found


@dataclass(frozen=True, slots=True)
class _Walk:
    """How :func:`_filter_first` reads: the newest ``first`` events past the other filters,
    ``on`` more when the term was found often enough in them, then candidates from the
    index ``batch`` at a time, checked ``check`` at a time; after a whole batch that did not
    fill the page, the index is asked again below it (``ask_again``) or the events below it
    are walked. With ``window``, the index is first asked only as far down as the term's
    rate in the walk says the page is filled, twice over, then for the rest. With
    ``scout``, the walk stops after that many events when none of them held the term."""

    first: int
    on: int
    batch: int
    check: int
    ask_again: bool
    window: bool = False
    scout: int = 0


def _filter_first(
    session: Session,
    statement: sa.Select[Any],
    wanted: int,
    walk: _Walk,
    nth: Callable[[int, int | None], int | None],
    candidates: Callable[[int, int, int | None], Sequence[int]],
) -> list[Any]:
    """The first ``wanted`` rows of ``statement`` from the other filters' side: their newest
    ``walk.first`` events are read first (all of them when there are no more: a rare person,
    a day), and ``walk.on`` more when the term was found often enough there to fill the page
    within them; the rest comes from ``candidates(below, n, lowest)``, the index's newest
    ``n`` events below ``below`` (and from ``lowest`` up, if not None) that may hold the
    term. ``nth(count, below)`` is the seq of the ``count``-th newest event past the other
    filters (and below ``below``), or None."""
    seq = EVENTS.c.seq
    rows: list[Any] = []
    bound: int | None = None
    for count in (walk.scout, walk.first - walk.scout) if walk.scout else (walk.first,):
        under = [] if bound is None else [seq < bound]
        end = nth(count, bound)
        if end is None:  # few (more) events pass the other filters: read them
            return rows + list(session.execute(statement.where(*under).limit(wanted - len(rows))))
        rows += session.execute(statement.where(*under, seq >= end).limit(wanted - len(rows)))
        bound = end
        if len(rows) == wanted:
            return rows
        if not rows:  # none among the newest: the index, from here
            break
    assert bound is not None  # the walk above ended at an event
    if rows and (wanted - len(rows)) * walk.first / len(rows) <= walk.on:
        # Common enough to fill the page a little further on: cheaper than the index.
        further = nth(walk.on, bound)
        stretch = statement.where(seq < bound, *([] if further is None else [seq >= further]))
        rows += session.execute(stretch.limit(wanted - len(rows))).all()
        if len(rows) == wanted or further is None:
            return rows
        bound = further
    lowest = None
    if walk.window and rows:  # the page's events are about as far apart below as above
        lowest = nth(math.ceil(2 * (wanted - len(rows)) * walk.first / len(rows)), bound)
    while True:
        ids = candidates(bound, walk.batch, lowest)
        for start in range(0, len(ids), walk.check):
            chunk = ids[start : start + walk.check]
            rows += session.execute(statement.where(seq.in_(chunk)).limit(wanted - len(rows))).all()
            if len(rows) == wanted:
                return rows
        if len(ids) < walk.batch:
            if lowest is None:
                return rows
            bound, lowest = lowest, None  # the window read: now the rest below it
            continue
        if walk.ask_again:
            bound = ids[-1]
            continue
        rest = statement.where(seq < ids[-1]).limit(wanted - len(rows))
        return rows + list(session.execute(rest).all())


def _mariadb_through_the_index(
    session: Session,
    statement: sa.Select[Any],
    words: str,
    seq_range: tuple[int | None, int | None],
    wanted: int,
    others: list[Any],
    narrowed: tuple[str | None, str | None],
) -> list[Any]:
    """MariaDB's :func:`_through_the_index`, ``words`` the FULLTEXT query, always from the
    other filters' side (:func:`_filter_first`): InnoDB's FULLTEXT reads each word's whole
    list whatever the limit, so the newest ``MARIADB_WALK`` events are read first (a common
    term fills a page there) and ``MARIADB_WALK_ON`` more for a term found often enough in
    them; then the index's newest ``MARIADB_CANDIDATES`` candidates below them, checked
    ``MARIADB_CHUNK`` at a time (all of them, short of a very common term, whose page the
    walk below them fills). Beside an action or a person, ``words`` are their tagged words
    (0025, 0026), whose lists hold only their events: when none of the newest
    ``MARIADB_SCOUT`` events holds the term, the index is asked from there (a term an action
    never meets: 441 -> ~25 ms)."""
    above, _ = seq_range
    query = search_mariadb_sql.events_holding(words)
    seq = EVENTS.c.seq

    def nth(count: int, below: int | None) -> int | None:
        under = [] if below is None else [seq < below]
        compiled = _nth_newest(count, *others, *under).compile(session.get_bind())
        # Through the definer view, MariaDB would intersect the person's and the action's
        # indexes and sort every event of both rather than walk their index (0024).
        prefixed = f"{_MARIADB_NO_INTERSECTION} {compiled}"
        return session.connection().exec_driver_sql(prefixed, compiled.params).scalar()

    def candidates(below: int, n: int, _lowest: int | None) -> list[int]:
        probe = {"above": -1 if above is None else above, "below": below, "n": n}
        return list(session.execute(query, probe).scalars())

    scout = MARIADB_SCOUT if any(narrowed) and MARIADB_SCOUT < MARIADB_WALK else 0
    walk = _Walk(
        MARIADB_WALK, MARIADB_WALK_ON, MARIADB_CANDIDATES, MARIADB_CHUNK, False, scout=scout
    )
    return _filter_first(session, statement, wanted, walk, nth, candidates)


def _as_json(text: str) -> str:
    """``text`` as it is written inside a snapshot's JSON string."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def _free_text(session: Session, text: str) -> Any:
    """Target id, reason, or the name in either snapshot contains ``text``: a scan."""
    c = EVENTS.c
    as_json = _as_json(text)
    in_name = [
        # The cheap text match first; the JSON is only parsed for rows that may match.
        sa.and_(_contains(session, column, as_json), _contains(session, name, text))
        for column in (c.after, c.before)
        for name in [_snapshot_name(session, column)]
    ]
    return sa.or_(
        _contains(session, c.target_id, text), _contains(session, c.reason, text), *in_name
    )


def _distinct_actors(session: Session) -> list[str]:
    """Distinct actors by skipping through the actor index (a few probes per actor)."""
    c = EVENTS.c
    found: list[str] = []
    current = session.execute(sa.select(sa.func.min(c.actor))).scalar()
    while current is not None and len(found) < 10_000:
        found.append(current)
        current = session.execute(sa.select(sa.func.min(c.actor)).where(c.actor > current)).scalar()
    return found


class _Names:
    """Display names of logins, looked up once per call."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._known: dict[str, str | None] = {}

    def of(self, login: str) -> str | None:
        if login not in self._known:
            self._known[login] = self._session.execute(
                sa.select(User.display_name).where(User.login == login)
            ).scalar()
        return self._known[login]

    def prefetch(self, logins: Iterable[str]) -> None:
        wanted = {login for login in logins if login not in self._known}
        if not wanted:
            return
        rows = self._session.execute(
            sa.select(User.login, User.display_name).where(User.login.in_(wanted))
        ).all()
        self._known.update(dict.fromkeys(wanted))
        self._known.update({login: name for login, name in rows})


def _target_name(event: AuditEventDTO, names: _Names) -> str | None:
    if event.target_type == "review":
        # Its title, where the event has it (an answer's "name" is the key's, not the
        # review's).
        title = (event.after or {}).get("title")
        return title if isinstance(title, str) and title else None
    if event.target_type == "checkpoint":
        # The event it signs, as the checkpoints list names it (the target is a row id).
        seq = (event.after or {}).get("seq")
        return f"#{seq}" if isinstance(seq, int) else None
    for snapshot in (event.after, event.before):
        if snapshot and isinstance(snapshot.get("name"), str) and snapshot["name"]:
            return str(snapshot["name"])
    if event.target_type == "user":
        return names.of(event.target_id)
    return None


def read_export(stream: IO[str], fmt: str) -> Iterator[AuditRecord]:
    """Records from an export, for verifying it offline with :func:`verify_chain`."""
    if fmt == "csv":
        for row in csv.DictReader(stream):
            fields: dict[str, Any] = {
                k: (v if v != "" or k not in _NULLABLE else None) for k, v in row.items()
            }
            fields["seq"] = int(fields["seq"])
            yield AuditRecord(**fields)
    else:
        for line in stream:
            if line.strip():
                yield AuditRecord(**json.loads(line))


_NULLABLE = {"before", "after", "reason"}
