"""The inventory's rebuild from the trail, in pieces a spawned worker process can run.

:mod:`app.services.inventory` rebuilds the keys as they were at an instant from the audit
trail. At 1,000,000 keys that is ~9 s of one core: SQLite reading each event's snapshot
fields (``json_extract``), then Python keeping the newest event of each key, parsing the
fields and sorting the rows. On a SQLite file it is split by key (a range of ids,
:data:`IdRange`, :func:`partition_sql`) between the caller and worker processes, each
reading only its own keys' events and building their rows, sorted; the caller then merges
the sorted parts.

Like :mod:`app.services.walk_worker`, this module imports only the standard library and the
domain (and the walk worker's SQLite opening), so a worker starts without SQLAlchemy. A
worker's rows come back as tuples of text (:data:`Values`, the times as
:func:`~app.domain.clock.isoformat_utc` writes them) through :mod:`marshal`, which reads
half a million rows in a third of the time ``pickle`` takes.
"""

from __future__ import annotations

import csv
import functools
import gc
import hashlib
import io
import json
import marshal
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from app.domain.audit import AuditAction
from app.domain.clock import isoformat_utc
from app.domain.errors import DatabaseError
from app.domain.status import KeyState, derive_status
from app.services.walk_worker import (
    PROGRESS_EVERY,
    WORKER_NICENESS,
    described,
    open_sqlite_file,
    translated,
)

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

#: Events per round trip.
BATCH = 20_000
#: Field arrays parsed by one ``json.loads`` (as one JSON array of them).
_PARSE_BATCH = 10_000


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


#: :func:`comparable` in SQLite (whose text comparison is Python's: code point order).
COMPARABLE_SQL = (
    "CASE WHEN length(occurred_at) = 20 THEN substr(occurred_at, 1, 19) || '.000000Z' "
    "ELSE occurred_at END"
)


def _moment(text: Any) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(str(text))  # Python 3.11 reads the "Z" itself
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


def _iso(text: Any) -> str | None:
    """A stored time as :func:`isoformat_utc` writes the moment it names."""
    return isoformat_utc(_moment(text))


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


#: An inventory row as text: the fields of :class:`InventoryRow` in order, the three times as
#: :func:`isoformat_utc` writes them (what an evidence pack's files hold).
Values = tuple[str, str, str, str, str, str, str | None, str | None, str | None, str]

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


def order(row: tuple[Any, ...]) -> str:
    """The sort key of a row or its values: name (any case), then key id. One string per
    row compares faster than a tuple (names hold no control characters)."""
    return f"{row[1].casefold()}\x00{row[0]}"


@contextmanager
def collector_paused(keep_made: bool = False) -> Iterator[None]:
    """No cyclic garbage collection while a million acyclic objects are made.

    Each collection walks every object made so far, so with it a rebuild of 1M keys
    spends seconds collecting nothing. Turned back on only if it was on.

    ``keep_made``: the caller keeps what was made (an inventory's million rows, which the
    window shows): once done, every object there is is moved out of the collector's sight
    (:func:`gc.freeze`). Otherwise the first collection after this walks them all (~1 s
    at 1,000,000 rows, holding the GIL: the window stalls), and every full one again. The
    rows hold no cycles and are freed by their reference counts as usual; what else is
    frozen with them is only never searched for cycles (a few short-lived objects of the
    moment, such as a progress dialog, may then keep their memory).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    except BaseException:
        if was_enabled:
            gc.enable()
        raise
    if was_enabled:
        if keep_made:
            gc.freeze()
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


class Latest:
    """The newest snapshot of every key not deleted by an event up to one bound.

    ``snapshots`` maps a key id to the snapshot fields (a JSON array text, see
    :data:`SNAPSHOT_FIELDS`) of its newest event that has them; ``created`` to the time of
    its creation.
    """

    __slots__ = ("bound", "created", "snapshots")

    def __init__(self, bound: str) -> None:
        self.bound = bound
        self.snapshots: dict[str, str] = {}
        self.created: dict[str, str] = {}


_DELETED = AuditAction.KEY_DELETED.value
_CREATED = AuditAction.KEY_CREATED.value
#: The snapshot fields an inventory row needs, in the order the statements return them.
SNAPSHOT_FIELDS = (
    "id",
    "name",
    "owner",
    "environment",
    "state",
    "expires_at",
    "revoked_at",
    "description",
)


def tolerant_fields(text: str | None) -> str | None:
    """The snapshot fields in Python, for a snapshot text the database could not read as
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
    return json.dumps([value.get(name) for name in SNAPSHOT_FIELDS])


#: What :func:`replay` needs of an event's action: not a key's event, a key's creation or
#: deletion, or another change to a key (small integers: no string made per event).
NOT_A_KEY, CHANGED, CREATED, DELETED = -1, 0, 1, 2


def replay(
    states: list[Latest],
    batches: Iterable[list[tuple[Any, ...]]],
    observe: Callable[[list[tuple[Any, ...]]], None] | None = None,
) -> None:
    """Keep, for each state, the newest snapshot fields of each key up to its bound
    (inclusive). A batch's rows are (seq, time in :func:`comparable` form, what
    (:data:`CHANGED`...), key id, snapshot fields or None), in seq order.

    ``observe`` sees every batch first, so that a caller needs no second pass of its own.
    """
    if len(states) == 1:
        _replay_one(states[0], batches, observe)
        return
    pairs = [(state.bound, state.snapshots, state.created) for state in states]
    for rows in batches:
        if observe is not None:
            observe(rows)
        for _seq, occurred, what, key_id, fields in rows:
            if what < 0:
                continue
            for bound, snapshots, created in pairs:
                if occurred > bound:
                    continue
                if what == DELETED:
                    snapshots.pop(key_id, None)
                    created.pop(key_id, None)
                    continue
                if fields is not None:
                    snapshots[key_id] = fields
                if what == CREATED:
                    created[key_id] = occurred


def _replay_one(
    state: Latest,
    batches: Iterable[list[tuple[Any, ...]]],
    observe: Callable[[list[tuple[Any, ...]]], None] | None,
) -> None:
    """:func:`replay`'s loop for one bound (the same steps, without the loop over bounds)."""
    bound, snapshots, created = state.bound, state.snapshots, state.created
    forget, unborn = snapshots.pop, created.pop
    for rows in batches:
        if observe is not None:
            observe(rows)
        for _seq, occurred, what, key_id, fields in rows:
            if what < 0 or occurred > bound:
                continue
            if what == DELETED:
                forget(key_id, None)
                unborn(key_id, None)
                continue
            if fields is not None:
                snapshots[key_id] = fields
            if what == CREATED:
                created[key_id] = occurred


_STATES = {state.value: state for state in KeyState}


def rows_of(
    states: list[Latest],
    instants: Sequence[datetime],
    owner_names: dict[str, str],
    only_owner: str | None,
    *,
    sort: bool = True,
) -> list[list[InventoryRow]]:
    """The inventory rows of each rebuilt state, at its instant, sorted by :func:`order`
    (unless not ``sort``: for a caller that sorts them with other parts)."""
    return _built_each(states, instants, owner_names, only_owner, InventoryRow, _moment, sort)


def values_of(
    states: list[Latest],
    instants: Sequence[datetime],
    owner_names: dict[str, str],
    only_owner: str | None,
    as_text: bool = True,
) -> list[list[Values]]:
    """:func:`rows_of` as text (:data:`Values`), sorted the same way. Without ``as_text`` the
    times are left as stored (for :func:`rows_from_values`, which reads them)."""
    time_of = _iso if as_text else _stored
    return _built_each(states, instants, owner_names, only_owner, tuple, time_of)


def _stored(text: Any) -> Any:
    return text


def rows_from_values(values: list[Values]) -> list[InventoryRow]:
    """:data:`Values` (times as text or as stored) back into rows (the expiry and
    revocation times read once each).

    Written out in one comprehension: for the 400,000 rows a worker sends, a call per
    field cost 0.3 s more. A creation time is read by ``fromisoformat`` itself (the
    stored form ends in ``Z``, which it reads as UTC); any other offset as :func:`_moment`
    reads it.
    """
    moments: dict[Any, datetime | None] = {None: None}
    new, row, read, utc = tuple.__new__, InventoryRow, datetime.fromisoformat, UTC

    def moment(text: str | None) -> datetime | None:
        value = moments[text] = _moment(text)
        return value

    with collector_paused():
        return [
            new(
                row,
                (
                    key_id,
                    name,
                    owner,
                    owner_name,
                    status,
                    environment,
                    None
                    if not created
                    else at
                    if (at := read(created)).tzinfo is utc
                    else _moment(created),
                    moments[expires] if expires in moments else moment(expires),
                    moments[revoked] if revoked in moments else moment(revoked),
                    description,
                ),
            )
            for (
                key_id,
                name,
                owner,
                owner_name,
                status,
                environment,
                created,
                expires,
                revoked,
                description,
            ) in values
        ]


def _built_each(
    states: list[Latest],
    instants: Sequence[datetime],
    owner_names: dict[str, str],
    only_owner: str | None,
    kind: type,
    time_of: Callable[[Any], Any],
    sort: bool = True,
) -> list[list[Any]]:
    """Each state's rows (sorted by :func:`order` if ``sort``). A key whose snapshot and
    creation are the very ones it had in the state before (the same objects: the replay
    shares them), and whose expiry does not fall between the two instants, keeps that
    state's row: an evidence pack's two inventories share most of their keys, and are then
    built about once."""
    lists: list[list[Any]] = []
    earlier: tuple[Latest, datetime, dict[str, Any]] | None = None
    moments: dict[Any, datetime | None] = {None: None}
    for state, instant in zip(states, instants, strict=True):
        items = list(state.snapshots.items())
        kept: list[tuple[str, Any]] = []
        if earlier is not None:
            before, then, made = earlier
            snapshot_then, created_then, created = (
                before.snapshots.get,
                before.created.get,
                state.created.get,
            )
            todo = []
            for item in items:
                key_id, fields = item
                row = made.get(key_id)
                if (
                    row is not None
                    and snapshot_then(key_id) is fields
                    and created_then(key_id) is created(key_id)
                    and _same_side(moments, row[7], then, instant)
                ):
                    kept.append((key_id, row))
                else:
                    todo.append(item)
            items = todo
        rows = _built(items, state, instant, owner_names, only_owner, kind, time_of)
        with collector_paused():
            if len(lists) + 1 < len(states):
                made = dict(kept)
                made.update(
                    (key_id, row) for (key_id, _), row in zip(items, rows, strict=True) if row
                )
                earlier = (state, instant, made)
            if only_owner is not None:
                rows = [row for row in rows if row is not None]
            rows += (row for _, row in kept)
            if sort:
                rows.sort(key=order)
        lists.append(rows)
    return lists


def _same_side(
    moments: dict[Any, datetime | None], expiry: Any, one: datetime, other: datetime
) -> bool:
    """Whether a row's expiry (a time, a text or None) is past at both instants or at
    neither (so its status is the same at both)."""
    try:
        moment = moments[expiry]
    except KeyError:
        moment = moments[expiry] = expiry if isinstance(expiry, datetime) else _moment(expiry)
    return moment is None or (moment <= one) == (moment <= other)


def _built(
    items: list[tuple[str, str]],
    state: Latest,
    instant: datetime,
    owner_names: dict[str, str],
    only_owner: str | None,
    kind: type,
    time_of: Callable[[Any], Any],
) -> list[Any]:
    """The rows of ``items`` (key id, snapshot fields) in their order; None for a key of
    another owner than ``only_owner``."""
    times: dict[Any, Any] = {None: None, "": None}
    #: expiry text -> stored state -> (status, expiry): few distinct pairs in practice.
    judged: dict[Any, dict[Any, tuple[str, Any]]] = {}
    created = state.created.get
    names = owner_names.get
    # One string per owner and environment, not one per row (~110 MB at 1,000,000 keys).
    shared = _Shared()
    # tuple.__new__ takes the fields as they are (a third faster than the named tuple's own).
    new = tuple.__new__

    def time_once(text: Any) -> Any:
        try:
            return times[text]
        except KeyError:
            value = times[text] = time_of(text)
            return value

    def judge(stored: Any, expires: Any) -> tuple[str, Any]:
        known = judged.setdefault(expires, {})
        state = _STATES.get(stored or "", KeyState.ACTIVE)
        answer = known[stored] = (
            derive_status(state, _moment(expires), instant).value,
            time_once(expires),
        )
        return answer

    creations = _creations(created, time_of)
    nothing = _NOTHING
    result: list[Any] = []
    with collector_paused():
        for start in range(0, len(items), _PARSE_BATCH):
            chunk = items[start : start + _PARSE_BATCH]
            keys = [key_id for key_id, _ in chunk]
            parsed = _parsed([fields for _, fields in chunk])
            # The owner, and the status and expiry (judged once per pair), are named by
            # assignments in the condition: with nested one-item loops for them, and a call
            # per key for its creation, 594,000 rows took 1.64 s instead of 1.40.
            result += [
                new(
                    kind,
                    (
                        str(the_id or key_id),
                        str(name or ""),
                        owner,
                        names(owner, owner),
                        pair[0],
                        shared[str(environment or "")],
                        born,
                        pair[1],
                        None if revoked is None else time_once(revoked),
                        str(text or ""),
                    ),
                )
                if only_owner is None or owner == only_owner
                else None
                for key_id, born, (
                    the_id,
                    name,
                    login,
                    environment,
                    stored,
                    expires,
                    revoked,
                    text,
                ) in zip(keys, creations(keys), parsed, strict=True)
                if (owner := shared[str(login or "")]) is not None
                and (pair := judged.get(expires, nothing).get(stored) or judge(stored, expires))
            ]
    return result


def _creations(
    created: Callable[[str], str | None], time_of: Callable[[Any], Any]
) -> Callable[[list[str]], list[Any]]:
    """The creation times of a list of keys, as ``time_of`` gives them; for :func:`_moment`,
    read by ``fromisoformat`` itself in one comprehension (the stored form ends in ``Z``,
    which it reads as UTC; any other offset as :func:`_moment` reads it) rather than by a
    call per key."""
    if time_of is not _moment:
        return lambda keys: list(map(time_of, map(created, keys)))
    read, utc = datetime.fromisoformat, UTC

    def creations(keys: list[str]) -> list[Any]:
        return [
            None if not text else at if (at := read(text)).tzinfo is utc else _moment(text)
            for text in map(created, keys)
        ]

    return creations


_NOTHING: dict[Any, Any] = {}


class _Shared(dict[str, str]):
    """``shared[text]`` is the first string equal to ``text`` it was given (a look-up in C
    once it is known): rows that repeat an owner or environment hold one string for it."""

    def __missing__(self, text: str) -> str:
        self[text] = text
        return text


# --------------------------------------------------------------------------- the files


class _Hashed(io.RawIOBase):
    """A file's writes, each also given to SHA-256: an evidence pack's manifest needs no
    second reading of its half a gigabyte (0.35 s), and a worker hashes what it wrote."""

    def __init__(self, descriptor: int) -> None:
        super().__init__()
        self._file = io.FileIO(descriptor, "w")
        self.sha256 = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        written = self._file.write(data) or 0
        self.sha256.update(memoryview(data)[:written])
        return written

    def fileno(self) -> int:
        return self._file.fileno()

    def close(self) -> None:
        if not self.closed:
            self._file.close()
        super().close()


def write_file(folder: Path, name: str, write: Callable[[IO[str]], Any]) -> str:
    """A new 0600 file in a (private, temporary) folder, flushed to disk; the SHA-256 (hex)
    of its bytes, taken as they were written."""
    descriptor = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    hashed = _Hashed(descriptor)
    buffered = io.BufferedWriter(hashed, 1 << 16)
    with io.TextIOWrapper(buffered, encoding="utf-8", newline="") as stream:
        write(stream)
        stream.flush()
        os.fsync(hashed.fileno())
    return hashed.sha256.hexdigest()


def inventory_csv(stream: IO[str], values: list[Values]) -> None:
    """The header, then one line per key (csv writes None as an empty field)."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(values)


#: One key of the JSON inventory, as ``json.dumps(row.to_json(), ensure_ascii=False)``
#: writes it, with the fields filled in already encoded (a third of the time).
_JSON_KEY = "{{" + ", ".join(f'"{name}": {{}}' for name in CSV_COLUMNS) + "}}"


def inventory_json(stream: IO[str], values: list[Values], as_of: str) -> None:
    """One key per line: ``json.dumps`` with ``indent`` falls back to pure Python."""
    head = {
        "as_of": as_of,
        "note": "Keys as they were just before this instant (events before it, not at it).",
    }
    stream.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "keys": [')
    quote = json.encoder.encode_basestring  # what json.dumps writes a str as (in C)
    line = _JSON_KEY.format
    separator = "\n"
    for key_id, name, owner, owner_name, status, environment, *times, description in values:
        created, expires, revoked = ("null" if text is None else quote(text) for text in times)
        fields = map(quote, (key_id, name, owner, owner_name, status, environment))
        stream.write(separator + line(*fields, created, expires, revoked, quote(description)))
        separator = ",\n"
    stream.write("\n]}\n")


@dataclass(frozen=True, slots=True)
class InventoryFiles:
    """Where one inventory is written: a CSV and a JSON file in ``folder``."""

    folder: str
    csv_name: str
    json_name: str
    #: The JSON file's ``as_of`` (ISO 8601).
    as_of: str

    def write(self, values: list[Values]) -> Written:
        """Write both files."""
        folder = Path(self.folder)
        csv_digest = write_file(
            folder, self.csv_name, functools.partial(inventory_csv, values=values)
        )
        json_digest = write_file(
            folder,
            self.json_name,
            functools.partial(inventory_json, values=values, as_of=self.as_of),
        )
        return Written(len(values), {self.csv_name: csv_digest, self.json_name: json_digest})


class Written(NamedTuple):
    """An inventory's files written: its keys, and each file's SHA-256 (hex) by name."""

    keys: int
    digests: dict[str, str]


# --------------------------------------------------------------------------- one part


def snapshot_fields_sql() -> str:
    """The eight snapshot fields as one JSON array, read by SQLite in one ``json_extract``
    (one parse of the text); NULL when the event has no snapshot. The snapshot is the key as
    the event left it (``after``, or a deletion's ``before``, which is never read)."""
    paths = ", ".join(f"'$.{name}'" for name in SNAPSHOT_FIELDS)
    return f"json_extract(coalesce(after, before), {paths})"


#: The keys a part reads: those whose id is at least the first bound and below the second
#: (None: no end), compared as SQLite compares text (code points), so every event of a key
#: falls in one part. One comparison a row: a hash of the id's last two characters cost
#: each part 0.35 s more at 1,100,000 events.
IdRange = tuple[str, str | None]
EVERY_KEY: IdRange = ("", None)

#: :data:`CREATED`, :data:`DELETED` or :data:`CHANGED` from a key event's action.
WHAT_SQL = (
    f"CASE action WHEN '{_CREATED}' THEN {CREATED} WHEN '{_DELETED}' THEN {DELETED} "
    f"ELSE {CHANGED} END"
)


def partition_sql(fields: str, *, bounded: bool = True) -> str:
    """One keyset batch of one part's key events: after seq, up to seq, the part's first
    id and, if ``bounded``, the id it stops before (:data:`IdRange`), limit.

    ``+target_type`` and ``+target_id`` keep SQLite on the primary key: with the target
    index it would sort every key event for each batch.
    """
    below = " AND +target_id < ?" if bounded else ""
    return (
        f"SELECT seq, {COMPARABLE_SQL}, {WHAT_SQL}, target_id, {fields} "  # noqa: S608
        "FROM audit_events WHERE seq > ? AND seq <= ? AND +target_type = 'key' "
        f"AND +target_id >= ?{below} ORDER BY seq LIMIT ?"
    )


def part_batches(
    cursor: Any,
    up_to: int,
    ids: IdRange,
    report: Callable[[int], bool],
    json_error: type[Exception],
) -> Iterator[list[tuple[Any, ...]]]:
    """The events of one part in seq order, through a SQLite DB-API ``cursor``.

    ``report(seq)`` is called after each batch with the last seq read (``up_to`` at the
    end); when it answers False the batches stop with :class:`PartCancelled`. A snapshot
    that is not JSON (a row written by hand) fails ``json_extract``: from that batch on
    the raw texts are read and their fields taken out in Python (:func:`tolerant_fields`).
    """
    low, high = ids
    bounded = high is not None
    fast = partition_sql(snapshot_fields_sql(), bounded=bounded)
    raw = partition_sql("coalesce(after, before)", bounded=bounded)
    bounds = (low, high) if bounded else (low,)
    tolerant = False
    last = 0
    while True:
        rows: list[tuple[Any, ...]] | None = None
        if not tolerant:
            try:
                cursor.execute(fast, (last, up_to, *bounds, BATCH))
                rows = cursor.fetchall()
            except json_error as error:
                if "json" not in str(error).casefold():
                    raise
                tolerant = True
        if rows is None:
            cursor.execute(raw, (last, up_to, *bounds, BATCH))
            rows = [(*row[:4], tolerant_fields(row[4])) for row in cursor.fetchall()]
        if not rows:
            break
        yield rows
        last = rows[-1][0]
        if not report(last):
            raise PartCancelled
    report(up_to)


class PartCancelled(Exception):
    """``report`` answered False."""


def period_sql() -> str:
    """For an evidence pack: the first and last event in [low, high), the last before low,
    and the newest event (each seq or NULL), up to a seq (:func:`period_parameters`).

    Read along the time index rather than every event (0.5 s at 1,100,000): a stored time
    and its :func:`comparable` form share their first 19 characters (to the second), so
    an event in [low, high) has a stored time from low's second up to the one after
    high's; one before low has a stored time before low's second, or in that second
    (checked exactly there). ``+seq`` keeps SQLite on the time index (``INDEXED BY``
    for the last before low: the index of migration 0004).
    """
    time = COMPARABLE_SQL
    events = "FROM audit_events WHERE +seq <= :up_to AND "
    in_period = (
        f"{events}occurred_at >= :low_second AND occurred_at < :after_high_second "
        f"AND {time} >= :low AND {time} < :high"
    )
    # Else SQLite looks for the newest such event from the newest event down, reading
    # every event of the period and after it.
    before = (
        "FROM audit_events INDEXED BY ix_audit_events_occurred_at_seq "
        "WHERE +seq <= :up_to AND occurred_at < :low_second"
    )
    in_low_second = (
        f"{events}occurred_at >= :low_second AND occurred_at < :after_low_second AND {time} < :low"
    )
    return (
        f"SELECT (SELECT min(seq) {in_period}), (SELECT max(seq) {in_period}), "  # noqa: S608
        f"max(coalesce((SELECT max(seq) {before}), -1), "
        f"coalesce((SELECT max(seq) {in_low_second}), -1)), "
        "(SELECT max(seq) FROM audit_events WHERE seq <= :up_to)"
    )


def period_parameters(low: str, high: str, up_to: int) -> dict[str, Any]:
    """:func:`period_sql`'s parameters for [low, high) (:func:`instant_text` forms). The
    texts that start with a second's 19 characters are those from it up to the same with
    its last digit one higher (code point order, SQLite's)."""

    def after(second: str) -> str:
        return second[:-1] + chr(ord(second[-1]) + 1)

    return {
        "low": low,
        "high": high,
        "up_to": up_to,
        "low_second": low[:19],
        "after_low_second": after(low[:19]),
        "after_high_second": after(high[:19]),
    }


# --------------------------------------------------------------------------- the worker


@dataclass(frozen=True, slots=True)
class PartRequest:
    """One part of a rebuild. ``url`` (for error sentences) never shows in a repr."""

    url: str = field(repr=False)
    sqlite_file: str
    #: The newest seq the caller's transaction sees: every part reads the same events.
    up_to: int
    #: The part's keys, by id.
    ids: IdRange
    #: The instants asked for (aware).
    instants: tuple[datetime, ...]
    owner_names: dict[str, str]
    only_owner: str | None
    #: Times as :func:`isoformat_utc` writes them; else as stored (``rows_from_values``).
    as_text: bool
    #: This worker writes the first instant's inventory there: it keeps its own part of
    #: it, is sent the other parts, and writes the merged rows (see :func:`worker_main`).
    files: InventoryFiles | None = None


def part_values(
    cursor: Any,
    request: PartRequest,
    report: Callable[[int], bool],
    json_error: type[Exception],
    as_rows: bool = False,
    sort: bool = True,
) -> list[list[Any]]:
    """One part's :data:`Values` (or, ``as_rows``, :class:`InventoryRow`), per instant,
    each sorted."""
    states = [Latest(instant_text(instant)) for instant in request.instants]
    with collector_paused():
        replay(
            states,
            part_batches(cursor, request.up_to, request.ids, report, json_error),
        )
        report(request.up_to)  # read to the end: what is left is building the rows
        if as_rows:
            return rows_of(
                states, request.instants, request.owner_names, request.only_owner, sort=sort
            )
        return values_of(
            states, request.instants, request.owner_names, request.only_owner, request.as_text
        )


def _write_merged(pipe: Connection, files: InventoryFiles, mine: list[Values]) -> None:
    message = marshal.loads(pipe.recv_bytes())  # noqa: S302 - our own caller's
    with collector_paused():
        for part in message[1]:
            mine.extend(part)
        mine.sort(key=order)  # sorted runs: merged, not sorted anew
    try:
        written = files.write(mine)
    except OSError as error:
        pipe.send_bytes(marshal.dumps(("oserror", error.errno or 0, error.strerror or "")))
    else:
        pipe.send_bytes(marshal.dumps(("written", written.keys, written.digests)))


def worker_main(pipe: Connection) -> None:
    """A worker process: rebuild one part, send progress (seq reached) and its rows back.

    Every message is a :mod:`marshal` tuple: ``("progress", seq)``, ``("done", values)``
    or ``("error", kind or None, sentence)``. With ``request.files`` the first instant's
    values stay here: ``("done", the others)``, then the caller sends ``("parts", the other
    parts of the first instant)`` and this worker writes them merged with its own, answering
    ``("written", keys, digests)`` (:class:`Written`) or ``("oserror", errno, strerror)``.
    """
    import sqlite3

    request: PartRequest = pipe.recv()
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)  # background work: the console goes first
    reported = [time.monotonic()]

    def report(seq: int) -> bool:
        if time.monotonic() - reported[0] >= PROGRESS_EVERY:
            reported[0] = time.monotonic()
            pipe.send_bytes(marshal.dumps(("progress", seq)))
        return True

    statement = partition_sql(snapshot_fields_sql(), bounded=request.ids[1] is not None)
    try:
        connection = open_sqlite_file(request.url, request.sqlite_file, statement)
        try:
            values = part_values(connection.cursor(), request, report, sqlite3.OperationalError)
        except sqlite3.Error as error:
            raise translated(request.url, statement, error, sqlite3.Error) from None
        finally:
            connection.close()
        if request.files is None:
            pipe.send_bytes(marshal.dumps(("done", values)))
        else:
            first, *others = values
            pipe.send_bytes(marshal.dumps(("done", others)))
            _write_merged(pipe, request.files, first)
    except DatabaseError as error:
        pipe.send_bytes(marshal.dumps(("error", error.kind.value, error.message)))
    except Exception as error:  # noqa: BLE001 - sent to the caller, who reports it as a bug
        pipe.send_bytes(marshal.dumps(("error", None, described(error, request.url))))
    finally:
        pipe.close()
