"""The key inventory as it was at any instant, rebuilt from the audit trail (issue 8).

Every change to a key is an audit event whose ``after`` snapshot (``keys.snapshot()`` on
SQLite, ``kw_key_json`` on the servers) holds the key as the change left it, and a deletion
is a ``key.deleted`` event. So the keys that existed at an instant, with the name, owner,
state and expiry they had then, are the newest snapshot of every key whose events up to that
instant do not end in a deletion. Events are streamed in chain order (``seq``) in batches,
each with the eight snapshot fields a row shows read out by the database as one short JSON
array (:func:`_snapshot_fields`); only the newest event of each key is kept, and its array
parsed once at the end.

The event times are ISO 8601 UTC text; they are compared here, in Python, on one canonical
form (whole seconds get ``.000000``), never with a database collation. A database query only
narrows the scan to key events.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from app.data.models import AuditEvent, User
from app.domain.audit import AuditAction
from app.domain.clock import isoformat_utc
from app.domain.errors import Cancelled, Progress
from app.domain.roles import Action, can, require
from app.domain.status import KeyState, derive_status
from app.services.context import ServiceContext
from app.services.dto import Operator

_BATCH = 20_000
#: Field arrays parsed by one ``json.loads`` (as one JSON array of them).
_PARSE_BATCH = 10_000
#: Report progress after this many events (a few times a second at the measured speed).
_REPORT_EVERY = 50_000

INVENTORY_FIELDS = (
    "key_id",
    "name",
    "owner_login",
    "owner_name",
    "status",
    "environment",
    "created_at",
    "expires_at",
    "revoked_at",
    "description",
)


def instant_text(moment: datetime) -> str:
    """``moment`` in the canonical, comparable form of an event time (microseconds always)."""
    if moment.tzinfo is None:
        raise ValueError("an instant must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def comparable(occurred_at: str) -> str:
    """An event's stored time in the form :func:`instant_text` gives (``…SS`` → ``…SS.000000``)."""
    if len(occurred_at) == 20:  # YYYY-MM-DDTHH:MM:SSZ
        return occurred_at[:19] + ".000000Z"
    return occurred_at


def _moment(text: Any) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(str(text))  # Python 3.11 reads the "Z" itself
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


class InventoryRow(NamedTuple):
    """One key as it was at the instant asked for. Never a secret, never a hash.

    An immutable named tuple rather than a frozen dataclass: an inventory makes a million
    of them at once, and a frozen dataclass took 2.6 s to build them, a tuple 0.4 s.
    """

    key_id: str
    name: str
    owner_login: str
    owner_name: str
    status: str
    environment: str
    created_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    description: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.key_id,
            "name": self.name,
            "owner": self.owner_login,
            "owner_name": self.owner_name,
            "status": self.status,
            "environment": self.environment,
            "created_at": isoformat_utc(self.created_at),
            "expires_at": isoformat_utc(self.expires_at),
            "revoked_at": isoformat_utc(self.revoked_at),
            "description": self.description,
        }

    def csv_row(self) -> list[str]:
        data = self.to_json()
        return ["" if data[name] is None else str(data[name]) for name in CSV_COLUMNS]


#: The CSV header (the JSON names).
CSV_COLUMNS = (
    "id",
    "name",
    "owner",
    "owner_name",
    "status",
    "environment",
    "created_at",
    "expires_at",
    "revoked_at",
    "description",
)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a million acyclic objects are made.

    Each collection walks every object made so far, so with it a rebuild of 1M keys
    spends seconds collecting nothing. Turned back on only if it was on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parsed(texts: list[str]) -> list[Any]:
    """``[json.loads(text) for text in texts]``, in one call when every text is one value."""
    try:
        values = json.loads("[" + ",".join(texts) + "]")
    except (TypeError, ValueError):
        values = None
    if not isinstance(values, list) or len(values) != len(texts):
        values = [json.loads(text) for text in texts]
    return values


class _Latest:
    """The newest event of every key not deleted by an event up to one bound.

    ``snapshots`` maps a key id to the raw event row (see :func:`_key_events`) whose fields
    describe the key as that event left it; ``created`` to the time of its creation.
    """

    __slots__ = ("bound", "created", "snapshots")

    def __init__(self, bound: str) -> None:
        self.bound = bound
        self.snapshots: dict[str, tuple[Any, ...]] = {}
        self.created: dict[str, str] = {}


_DELETED = AuditAction.KEY_DELETED.value
_CREATED = AuditAction.KEY_CREATED.value
#: The snapshot fields an inventory row needs, in the order :func:`_key_events` returns them.
_SNAPSHOT_FIELDS = (
    "id",
    "name",
    "owner",
    "environment",
    "state",
    "expires_at",
    "revoked_at",
    "description",
)


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
    paths = [f"$.{name}" for name in _SNAPSHOT_FIELDS]
    fields: sa.ColumnElement[Any]
    if dialect == "postgresql":
        document = sa.cast(snapshot, postgresql.JSONB)
        fields = sa.cast(
            sa.func.jsonb_build_array(*(document[name] for name in _SNAPSHOT_FIELDS)), sa.Text
        )
    elif dialect in ("mysql", "mariadb"):
        # JSON_EXTRACT with several paths leaves missing ones out; JSON_VALUE keeps places.
        fields = sa.func.json_array(*(sa.func.json_value(snapshot, path) for path in paths))
    else:
        return sa.func.json_extract(snapshot, *paths)
    return sa.case((snapshot.is_(None), None), else_=fields)


def _tolerant_fields(text: str | None) -> str | None:
    """:func:`_snapshot_fields` in Python, for a snapshot text the database could not read as
    JSON (written by hand): empty fields (the key is still listed, by its id) instead of an
    error that would stop the whole inventory; valid JSON gives the same array as SQL."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        value = {}
    return json.dumps([value.get(name) for name in _SNAPSHOT_FIELDS])


class _Batches:
    """Keyset batches of one statement through the driver's own cursor (plain tuples)."""

    def __init__(self, connection: sa.Connection, fields: Any) -> None:
        statement = (
            sa.select(
                AuditEvent.seq,
                AuditEvent.occurred_at,
                AuditEvent.action,
                AuditEvent.target_type,
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


def _key_events(session: Session, progress: Progress | None) -> Iterator[list[tuple[Any, ...]]]:
    """Every event in chain order, in batches of raw tuples; reports and honours cancel.

    The scan follows the primary key: filtering on ``target_type`` in SQL would let a
    database pick the target index and sort every remaining key event for each batch. The
    batches are read with the driver's own cursor (plain tuples, no SQLAlchemy rows): the
    columns are integers and text, which every driver returns as such.

    A snapshot that is not JSON (a row written by hand, which the chain check names) makes
    SQLite's and PostgreSQL's JSON functions fail the statement: from that batch on the raw
    texts are read and their fields taken out in Python (:func:`_tolerant_fields`), the same
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
        return [(*row[:5], _tolerant_fields(row[5])) for row in cursor.fetchall()]

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
) -> list[_Latest]:
    """One pass over the key events; the newest event of each key as of each bound (inclusive).

    ``observe`` sees every batch of events first (seq, occurred_at, action, target_type,
    target_id, snapshot fields), so that a caller needs no second pass of its own.
    """
    states = [_Latest(instant_text(bound)) for bound in bounds]
    with _collector_paused():
        _rebuild(states, _key_events(session, progress), observe)
    return states


def _rebuild(
    states: list[_Latest],
    batches: Iterator[list[tuple[Any, ...]]],
    observe: Callable[[list[tuple[Any, ...]]], None] | None,
) -> None:
    if len(states) == 1:
        _rebuild_one(states[0], batches, observe)
        return
    pairs = [(state.bound, state.snapshots, state.created) for state in states]
    for rows in batches:
        if observe is not None:
            observe(rows)
        for row in rows:
            _seq, occurred, action, target_type, key_id, fields = row
            if target_type != "key":
                continue
            if len(occurred) == 20:  # whole seconds: YYYY-MM-DDTHH:MM:SSZ
                occurred = occurred[:19] + ".000000Z"
            for bound, snapshots, created in pairs:
                if occurred > bound:
                    continue
                if action == _DELETED:
                    snapshots.pop(key_id, None)
                    created.pop(key_id, None)
                    continue
                if fields is not None:
                    snapshots[key_id] = row
                if action == _CREATED:
                    created[key_id] = occurred


def _rebuild_one(
    state: _Latest,
    batches: Iterator[list[tuple[Any, ...]]],
    observe: Callable[[list[tuple[Any, ...]]], None] | None,
) -> None:
    """:func:`rebuild`'s loop for one bound (the same steps, without the loop over bounds)."""
    bound, snapshots, created = state.bound, state.snapshots, state.created
    forget, unborn = snapshots.pop, created.pop
    for rows in batches:
        if observe is not None:
            observe(rows)
        for row in rows:
            _seq, occurred, action, target_type, key_id, fields = row
            if target_type != "key":
                continue
            if len(occurred) == 20:  # whole seconds: YYYY-MM-DDTHH:MM:SSZ
                occurred = occurred[:19] + ".000000Z"
            if occurred > bound:
                continue
            if action == _DELETED:
                forget(key_id, None)
                unborn(key_id, None)
                continue
            if fields is not None:
                snapshots[key_id] = row
            if action == _CREATED:
                created[key_id] = occurred


_STATES = {state.value: state for state in KeyState}


def rows_of(
    state: _Latest, instant: datetime, owner_names: dict[str, str], only_owner: str | None
) -> list[InventoryRow]:
    """The inventory rows of one rebuilt state, sorted by name (any case), then key id."""
    result: list[InventoryRow] = []
    append = result.append
    moments: dict[Any, datetime | None] = {None: None, "": None}
    #: (stored state, expiry text) -> (status, expiry): few distinct pairs in practice.
    judged: dict[tuple[Any, Any], tuple[str, datetime | None]] = {}
    created = state.created.get
    names = owner_names.get
    # tuple.__new__ takes the fields as they are (a third faster than the named tuple's own).
    new, row = tuple.__new__, InventoryRow

    def moment(text: Any) -> datetime | None:
        try:
            return moments[text]
        except KeyError:
            value = moments[text] = _moment(text)
            return value

    with _collector_paused():
        items = list(state.snapshots.items())
        for start in range(0, len(items), _PARSE_BATCH):
            chunk = items[start : start + _PARSE_BATCH]
            parsed = _parsed([event[5] for _key_id, event in chunk])
            for (key_id, _event), fields in zip(chunk, parsed, strict=True):
                the_id, name, owner, environment, stored, expires, revoked, text = fields
                owner = str(owner or "")
                if only_owner is not None and owner != only_owner:
                    continue
                try:
                    status, expires_at = judged[stored, expires]
                except KeyError:
                    expires_at = moment(expires)
                    status = derive_status(
                        _STATES.get(stored or "", KeyState.ACTIVE), expires_at, instant
                    ).value
                    judged[stored, expires] = status, expires_at
                append(
                    new(
                        row,
                        (
                            str(the_id or key_id),
                            str(name or ""),
                            owner,
                            names(owner, owner),
                            status,
                            str(environment or ""),
                            _moment(created(key_id)),
                            expires_at,
                            moment(revoked),
                            str(text or ""),
                        ),
                    )
                )
        # One string per row compares faster than a tuple (names hold no control characters).
        result.sort(key=lambda row: f"{row.name.casefold()}\x00{row.key_id}")
    return result


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
            [state] = rebuild(session, [instant], progress)
            return rows_of(state, instant, owner_names(session), only)
