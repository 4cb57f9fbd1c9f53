"""The audit view and the integrity check at 1,000,000 events (issue 8's speed targets).

    uv run python -m tests.benchmarks.bench_audit [--database sqlite:///PATH] [--events 1000000]
        [--repeat 15] [--walks 3] [--floors 3] [--walk-only] [--pages-only] [--reuse] [--json OUT]

Seeds a database with ``--events`` events on a real hash chain (straight SQL, executemany in
one transaction per batch, the chain computed with ``app.domain.audit.event_hash``), after a
bootstrap through the services, so ``check_integrity`` finds it intact. Without ``--database``
a SQLite file in a temporary folder is used and removed. ``--reuse`` keeps an existing seeded
database (the seed is checked by count).

Measured warm, through the services the console uses (``Services.audit.page`` and
``check_integrity``): each case runs twice unmeasured, then ``--repeat`` times; the median and
the worst are reported, and each median against a floor measured in the same run: the bare
``SELECT * FROM audit_events ORDER BY seq DESC LIMIT 100`` through the driver (sqlite3 on
SQLite). The integrity walk is timed whole (``--walks`` times, median), in wall time and in
CPU time of this process and of its reaped worker processes, with a thread beside it that
asks for 10 ms sleeps and records how late it wakes (what the console's GUI thread would
feel from the GIL; the same thread without a walk gives the machine's own lateness). Its
floors, measured in the same run: a bare ``SELECT *`` of every event through the driver,
and SHA-256 alone over every event's encoding (as the database builds it); the walk as it
was (every record built and encoded in Python, in this process) is timed once beside it.

The seeded trail: 200 users (one busy "bench-admin" with ~30 % of events, a few rare ones),
~150,000 keys created, edited (descriptions of ~120 characters), disabled/enabled, revoked
with reasons and deleted, a few user events; one event every ~60 s on average from
2024-01-01, so 1,000,000 events span about two years. Marker: the rare actor
``rare-auditor`` acts 20 times; the reason ``zebrafinch`` appears once; the reason
``filed under #7`` 20 times (the only "#7" and "#": short terms pg_trgm cannot index); the
busy person never revokes a key as ``integration retired`` (a common term it never meets).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from app.data.models import AuditEvent, AuditHead, User
from app.data.server import stored_table
from app.domain.audit import AuditAction, ChainWalk, canonical_json, event_hash, verify_chain
from app.domain.errors import Progress
from app.domain.hashing import FAST_FOR_TESTS, TokenHasher
from app.domain.key_format import BASE62
from app.services import Services, integrity_walk, open_services
from app.services.audit import AuditFilter, stored_records
from app.services.context import AUDIT_HEAD_ID

BENCH_ADMIN = "bench-admin"
RARE_ACTOR = "rare-auditor"
RARE_REASON = "zebrafinch"
#: A reason 20 events give, the only text with the piece "#7" (a term pg_trgm cannot index).
RARE_PIECES_REASON = "filed under #7"
BATCH = 50_000
START = datetime(2024, 1, 1, tzinfo=UTC)
PAGE_BUDGET_MS = 50
WALK_TARGET = 200_000  # events/s

SYSTEMS = ("Salesforce", "Snowflake", "HubSpot", "Looker", "Airflow", "Zapier", "Tableau",
           "BigQuery", "Stripe", "Okta", "Jira", "Slack", "Segment", "Workday")  # fmt: skip
PURPOSES = ("Data Sync", "ETL", "Reporting", "Webhook", "Export", "Backfill", "Alerts")
REASONS = ("no longer used", "integration retired", "rotated", "leaked in a support ticket")
#: A reason ~1.8 % of events give, never the busy person's.
NEVER_BUSY_REASON = "integration retired"


def _key_id(rng: random.Random) -> str:
    return "".join(rng.choice(BASE62) for _ in range(12))


def _description(rng: random.Random, name: str) -> str:
    return (
        f"{name}: pulls the nightly snapshot into the warehouse, owned by the data team; "
        f"runs on etl-{rng.randrange(1, 40):02d} (ticket OPS-{rng.randrange(1000, 99999)})."
    )


def event_rows(
    count: int, first_seq: int, prev_hash: str, logins: list[str], rng: random.Random
) -> Iterator[tuple[Any, ...]]:
    """``count`` events after ``first_seq - 1`` whose hashes chain from ``prev_hash``."""
    keys: list[dict[str, Any]] = []
    weights = [30.0] + [70.0 / (len(logins) - 2)] * (len(logins) - 2) + [0.0]
    moment = START
    rare_every = max(1, count // 20)
    for n in range(count):
        seq = first_seq + n
        moment += timedelta(seconds=rng.expovariate(1 / 60), microseconds=rng.randrange(1, 999_999))
        actor = RARE_ACTOR if n % rare_every == rare_every - 1 else rng.choices(logins, weights)[0]
        roll = rng.random()
        reason = None
        before: dict[str, Any] | None
        after: dict[str, Any] | None
        if not keys or roll < 0.18:
            name = f"{rng.choice(SYSTEMS)} {rng.choice(PURPOSES)} {rng.randrange(1, 999)}"
            snap: dict[str, Any] = {
                "id": _key_id(rng), "name": name, "description": _description(rng, name),
                "owner": rng.choice(logins), "environment": rng.choice(("live", "test")),
                "state": "active", "masked": "kw_live_…abcd", "expires_at": None,
                "revoked_at": None, "revoked_reason": None, "version": 1,
            }  # fmt: skip
            keys.append(snap)
            action, target_type, target_id = AuditAction.KEY_CREATED, "key", snap["id"]
            before, after = None, snap
        elif roll < 0.995:
            index = rng.randrange(len(keys))
            snap = keys[index]
            before = dict(snap)
            after = dict(snap, version=snap["version"] + 1)
            target_type, target_id = "key", snap["id"]
            kind = rng.random()
            if kind < 0.55:
                action = AuditAction.KEY_EDITED
                after["description"] = _description(rng, snap["name"])
            elif kind < 0.80:
                action = (
                    AuditAction.KEY_DISABLED
                    if snap["state"] == "active"
                    else AuditAction.KEY_ENABLED
                )
                after["state"] = "disabled" if snap["state"] == "active" else "active"
            elif kind < 0.93:
                action = AuditAction.KEY_REVOKED
                reason = rng.choice(REASONS)
                if actor == BENCH_ADMIN and reason == NEVER_BUSY_REASON:
                    reason = "rotated"  # a common term the busy person never meets
                after.update(state="revoked", revoked_at=moment.isoformat(), revoked_reason=reason)
            else:
                action, after = AuditAction.KEY_DELETED, None
                keys[index] = keys[-1]
                keys.pop()
            if after is not None:
                keys[index] = after
        else:
            login = rng.choice(logins)
            action, target_type, target_id = AuditAction.USER_ROLE_CHANGED, "user", login
            before = {"login": login, "name": login.title(), "role": "member", "active": True}
            after = dict(before, role="manager")
        if n == count // 3:
            reason = RARE_REASON
        elif n % rare_every == rare_every // 2:
            reason = RARE_PIECES_REASON
        fields: dict[str, Any] = {
            "seq": seq,
            "occurred_at": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor": actor,
            "action": action.value,
            "target_type": target_type,
            "target_id": target_id,
            "before": canonical_json(before),
            "after": canonical_json(after),
            "reason": reason,
            "host": "bench-host",
            "prev_hash": prev_hash,
        }
        prev_hash = event_hash(**fields)
        yield (*fields.values(), prev_hash)


def seed(url: str, count: int, *, reuse: bool) -> tuple[int, float]:
    """(events in the database, seconds spent seeding)."""
    services = open_services(url, hasher=TokenHasher(FAST_FOR_TESTS), operator_login=BENCH_ADMIN)
    engine = services.engine
    dialect = engine.dialect.name
    with engine.connect() as connection:
        existing = int(
            connection.execute(sa.text("SELECT count(*) FROM audit_events")).scalar_one()
        )
    if reuse and existing >= count:
        services.close()
        return existing, 0.0
    began = time.perf_counter()
    logins = [BENCH_ADMIN] + [f"user{n:03d}" for n in range(198)] + [RARE_ACTOR]
    users = stored_table(User.__table__, dialect)
    with engine.begin() as connection:
        connection.execute(
            users.insert(),
            [
                {
                    "login": login,
                    "display_name": f"Bench {login.title()}",
                    "email": None,
                    "role": "auditor" if login == RARE_ACTOR else "member",
                    "active": True,
                    "created_at": START,
                }
                for login in logins[1:]
            ],
        )
    head_table = stored_table(AuditHead.__table__, dialect)
    with engine.connect() as connection:
        head_seq, head_hash = connection.execute(
            sa.select(head_table.c.seq, head_table.c.hash)
        ).one()
    events = stored_table(AuditEvent.__table__, dialect)
    quote = engine.dialect.identifier_preparer.quote  # MariaDB reserves `before`
    columns = ", ".join(quote(column.name) for column in events.columns)
    marks = ", ".join(["?" if dialect == "sqlite" else "%s"] * len(events.columns))
    insert = f"INSERT INTO {events.name} ({columns}) VALUES ({marks})"
    rng = random.Random(8)
    rows = event_rows(count, head_seq + 1, head_hash, logins, rng)
    last: tuple[Any, ...] = ()
    done = 0
    with engine.connect() as connection:
        if dialect == "sqlite":
            raw: Any = connection.connection.dbapi_connection
            raw.execute("PRAGMA synchronous = OFF")
            raw.execute("PRAGMA cache_size = -1000000")
        while True:
            batch = [row for _, row in zip(range(BATCH), rows, strict=False)]
            if not batch:
                break
            with connection.begin():
                connection.exec_driver_sql(insert, batch)
            last = batch[-1]
            done += len(batch)
            print(f"  {done:>9,} events", end="\r", flush=True)
        with connection.begin():
            connection.execute(head_table.update().values(seq=last[0], hash=last[-1]))
            if dialect == "sqlite":
                connection.exec_driver_sql("ANALYZE")
            elif dialect == "postgresql":
                pass
            else:
                connection.exec_driver_sql(f"ANALYZE TABLE {events.name}")
    if dialect == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM (ANALYZE) audit_events")
    services.close()
    return head_seq + done, time.perf_counter() - began


@dataclass
class Timing:
    case: str
    median_ms: float
    worst_ms: float
    cpu_ms: float  # median CPU time of this thread: the wall time on an idle machine, roughly
    rows: int
    floor_ratio: float = 0.0


def timed(run: Callable[[], int], repeat: int) -> tuple[float, float, float, int]:
    """(median wall ms, worst wall ms, median CPU ms of this thread, rows)."""
    for _ in range(2):
        rows = run()
    samples = []
    cpu = []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.thread_time()
        rows = run()
        samples.append((time.perf_counter() - began) * 1000)
        cpu.append((time.thread_time() - began_cpu) * 1000)
    return statistics.median(samples), max(samples), statistics.median(cpu), rows


def floor_run(url: str, services: Services) -> Callable[[], int]:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        import sqlite3

        connection = sqlite3.connect(str(parsed.database))

        def bare() -> int:
            rows = connection.execute(
                "SELECT * FROM audit_events ORDER BY seq DESC LIMIT 100"
            ).fetchall()
            return len(rows)

        return bare
    engine = services.engine

    def through_driver() -> int:
        with engine.connect() as connection:
            cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            cursor.execute("SELECT * FROM audit_events ORDER BY seq DESC LIMIT 100")
            return len(cursor.fetchall())

    return through_driver


def cases(services: Services) -> list[tuple[str, AuditFilter, bool]]:
    """(name, filter, second page too)."""
    with services.engine.connect() as connection:
        key_id = connection.execute(
            sa.text(
                "SELECT target_id FROM audit_events WHERE target_type = 'key' "
                "ORDER BY seq DESC LIMIT 1 OFFSET 5000"
            )
        ).scalar_one()
        newest = connection.execute(sa.text("SELECT max(occurred_at) FROM audit_events")).scalar()
    end = datetime.fromisoformat(str(newest).replace("Z", "+00:00"))
    mid = START + (end - START) / 2
    day = (START + timedelta(days=3), START + timedelta(days=4))
    actions = AuditAction
    return [
        ("first page, no filter", AuditFilter(), True),
        ("actor: busy (30 %)", AuditFilter(actor=BENCH_ADMIN), True),
        ("actor: ordinary (0.35 %)", AuditFilter(actor="user042"), True),
        ("actor: rare (20 events)", AuditFilter(actor=RARE_ACTOR), False),
        ("action: key.edited (~45 %)", AuditFilter(action=actions.KEY_EDITED), True),
        ("action: key.deleted (~5 %)", AuditFilter(action=actions.KEY_DELETED), True),
        ("action: user.role_changed (0.5 %)", AuditFilter(action=actions.USER_ROLE_CHANGED), True),
        ("action: audit.checkpoint (none)", AuditFilter(action=actions.AUDIT_CHECKPOINT), False),
        ("dates: one month mid-trail", AuditFilter(since=mid, until=mid + timedelta(30)), True),
        ("dates: one day, first week", AuditFilter(since=day[0], until=day[1]), True),
        ("dates: since a week ago", AuditFilter(since=end - timedelta(days=7)), True),
        ("actor + action", AuditFilter(actor="user042", action=actions.KEY_REVOKED), True),
        (
            "actor busy + one day early",
            AuditFilter(actor=BENCH_ADMIN, since=day[0], until=day[1]),
            False,
        ),
        ("key id", AuditFilter(text=key_id), False),
        ("free text: common name 'Salesforce'", AuditFilter(text="Salesforce"), True),
        ("free text: reason 'leaked'", AuditFilter(text="leaked"), True),
        (f"free text: rare '{RARE_REASON}' (1 event)", AuditFilter(text=RARE_REASON), False),
        ("free text: absent term", AuditFilter(text="nosuchthingqq"), False),
        ("free text: 'leaked' + rare actor", AuditFilter(text="leaked", actor=RARE_ACTOR), False),
        (
            "free text: 'leaked' + one day early",
            AuditFilter(text="leaked", since=day[0], until=day[1]),
            False,
        ),
        (
            "free text: 'leaked' + key.edited (none)",
            AuditFilter(text="leaked", action=actions.KEY_EDITED),
            False,
        ),
        (
            "free text: 'retired' + busy actor (none)",
            AuditFilter(text="retired", actor=BENCH_ADMIN),
            False,
        ),
        # A term beside a filter it meets now and then: too far apart for a short walk.
        ("free text: 'leaked' + busy actor", AuditFilter(text="leaked", actor=BENCH_ADMIN), True),
        (
            "free text: 'Salesforce' + key.deleted",
            AuditFilter(text="Salesforce", action=actions.KEY_DELETED),
            True,
        ),
        (
            "free text: 'leaked' + key.edited + busy actor",
            AuditFilter(text="leaked", action=actions.KEY_EDITED, actor=BENCH_ADMIN),
            False,
        ),
        # 1-2 characters: SQLite asks its index's vocabulary, PostgreSQL its pairs, MariaDB
        # the index's words that start with them.
        ("free text: 2 characters absent 'q%'", AuditFilter(text="q%"), False),
        ("free text: 2 characters common 'le'", AuditFilter(text="le"), False),
        ("free text: 2 characters rare '#7' (20 events)", AuditFilter(text="#7"), False),
        ("free text: 1 character rare '#' (20 events)", AuditFilter(text="#"), False),
        ("free text: 1 character common 'e'", AuditFilter(text="e"), False),
        ("free text: 1 character not ASCII 'ñ' (none)", AuditFilter(text="ñ"), False),
        (
            "free text: '#7' + key.edited",
            AuditFilter(text="#7", action=actions.KEY_EDITED),
            False,
        ),
    ]


def measure_pages(url: str, services: Services, repeat: int) -> list[Timing]:
    floor = floor_run(url, services)
    floor_ms, floor_worst, floor_cpu, floor_rows = timed(floor, repeat)
    floor_name = "floor: bare SELECT … ORDER BY seq DESC LIMIT 100"
    results = [Timing(floor_name, floor_ms, floor_worst, floor_cpu, floor_rows, 1.0)]
    audit = services.audit
    for name, wanted, second in cases(services):
        scans = "characters" in name or ("free text" in name and "+" in name)
        times = max(3, repeat // 5) if scans else repeat

        def first(wanted: AuditFilter = wanted) -> int:
            return len(audit.page(wanted, limit=100).entries)

        median, worst, cpu, rows = timed(first, times)
        results.append(Timing(name, median, worst, cpu, rows, median / floor_ms))
        if second:
            after = audit.page(wanted, limit=100).next_after
            if after is not None:

                def following(wanted: AuditFilter = wanted, after: int = after) -> int:
                    return len(audit.page(wanted, after=after, limit=100).entries)

                median, worst, cpu, rows = timed(following, times)
                results.append(Timing("  … next page", median, worst, cpu, rows, median / floor_ms))
        print(f"  {results[-1].case:<45} {results[-1].median_ms:8.2f} ms", flush=True)
    return results


@dataclass
class Walk:
    name: str
    events: int
    seconds: float
    per_second: float
    cpu_seconds: float  # this process (every thread) plus its reaped worker processes
    per_cpu_second: float
    progress_calls: int
    longest_gap_between_progress_ms: float
    sleeper_late_ms_p99: float
    sleeper_late_ms_worst: float
    intact: bool


class Sleeper:
    """A thread that asks for 10 ms sleeps and notes how late it wakes (as a GUI thread's
    10 ms timer would, from the GIL and the machine's load)."""

    def __init__(self, interval: float = 0.010) -> None:
        self._interval = interval
        self._stop = threading.Event()
        self.late: list[float] = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            began = time.perf_counter()
            time.sleep(self._interval)
            self.late.append((time.perf_counter() - began - self._interval) * 1000)

    def __enter__(self) -> Sleeper:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def p99(self) -> float:
        ordered = sorted(self.late) or [0.0]
        return ordered[int(len(ordered) * 0.99) - 1 if len(ordered) > 1 else 0]


def _cpu() -> float:
    """CPU seconds of this process and of its children that have been reaped."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed_walk(name: str, run: Callable[[Progress], tuple[int, bool]]) -> Walk:
    calls: list[float] = []

    def progress(done: int, total: int) -> bool:
        calls.append(time.perf_counter())
        return True

    with Sleeper() as busy:
        began, began_cpu = time.perf_counter(), _cpu()
        events, intact = run(progress)
        seconds, cpu = time.perf_counter() - began, _cpu() - began_cpu
    gaps = [(b - a) * 1000 for a, b in pairwise([began, *calls])]
    return Walk(
        name,
        events,
        seconds,
        events / seconds,
        cpu,
        events / cpu,
        len(calls),
        max(gaps, default=0.0),
        busy.p99(),
        max(busy.late, default=0.0),
        intact,
    )


def check_integrity(services: Services) -> Callable[[Progress], tuple[int, bool]]:
    def run(progress: Progress) -> tuple[int, bool]:
        report = services.audit.check_integrity(progress)
        return report.events, report.intact

    return run


def in_process_fast(services: Services) -> Callable[[Progress], tuple[int, bool]]:
    """The new walk, in this process (as for a chain under ``IN_PROCESS_UP_TO``)."""

    def run(progress: Progress) -> tuple[int, bool]:
        with services.context.read() as session:
            head = session.get(AuditHead, AUDIT_HEAD_ID)
            assert head is not None
            walked = walk_chain_here(session, head.seq, progress)
            return walked.fed, walked.report(head_seq=head.seq, head_hash=head.hash).ok

    return run


def walk_chain_here(session: Any, up_to: int, progress: Progress) -> ChainWalk:
    saved = integrity_walk.IN_PROCESS_UP_TO
    integrity_walk.IN_PROCESS_UP_TO = up_to
    try:
        return integrity_walk.walk_chain(session, up_to, frozenset(), progress)
    finally:
        integrity_walk.IN_PROCESS_UP_TO = saved


def as_before(services: Services) -> Callable[[Progress], tuple[int, bool]]:
    """The walk as it was: every record read, built and encoded in Python, in this process."""

    def run(progress: Progress) -> tuple[int, bool]:
        with services.context.read() as session:
            head = session.get(AuditHead, AUDIT_HEAD_ID)
            assert head is not None
            count = 0

            def counted(done: int, total: int) -> bool:
                nonlocal count
                count = done
                return progress(done, total)

            records = stored_records(session, up_to=head.seq, progress=counted, total=head.seq)
            report = verify_chain(records, head_seq=head.seq, head_hash=head.hash)
            return count, report.ok

    return run


@dataclass
class Floor:
    name: str
    seconds: float
    cpu_seconds: float
    per_second: float
    per_cpu_second: float


def floors(services: Services) -> list[Floor]:
    """A bare read of every event through the driver, and SHA-256 alone over every
    event's encoding, in this process."""
    engine = services.engine
    dialect = engine.dialect.name
    found = []
    with engine.connect() as connection:
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        began, began_cpu = time.perf_counter(), time.process_time()
        cursor.execute("SELECT * FROM audit_events ORDER BY seq")
        count = 0
        while rows := cursor.fetchmany(20_000):
            count += len(rows)
        found.append(_floor("floor: bare SELECT * of every event", began, began_cpu, count))
        cursor.execute(
            f"SELECT {integrity_walk.encoding_sql(dialect)} FROM audit_events ORDER BY seq"
        )
        sha256 = hashlib.sha256
        seconds = cpu = 0.0
        count = 0
        while rows := cursor.fetchmany(20_000):
            bodies = [bytes(row[0]) for row in rows]
            began, began_cpu = time.perf_counter(), time.process_time()
            for body in bodies:
                sha256(body).hexdigest()
            seconds += time.perf_counter() - began
            cpu += time.process_time() - began_cpu
            count += len(bodies)
        cursor.close()
    found.append(
        Floor("floor: SHA-256 alone over the encodings", seconds, cpu, count / seconds, count / cpu)
    )
    return found


def _floor(name: str, began: float, began_cpu: float, count: int) -> Floor:
    seconds, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    return Floor(name, seconds, cpu, count / seconds, count / cpu)


def idle_lateness(seconds: float = 3.0) -> tuple[float, float]:
    """(p99, worst) lateness of the 10 ms sleeper with no walk running: the machine's own."""
    with Sleeper() as idle:
        time.sleep(seconds)
    return idle.p99(), max(idle.late, default=0.0)


def median_walk(walks: list[Walk]) -> Walk:
    ordered = sorted(walks, key=lambda walk: walk.seconds)
    return ordered[len(ordered) // 2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="sqlite:///PATH or a server URL (default: a temp file)")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--walks", type=int, default=3)
    parser.add_argument("--floors", type=int, default=3, help="runs of the floors, in-process")
    parser.add_argument("--walk-only", action="store_true", help="skip the audit view's pages")
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="skip the old in-process walk (with --walks 0 --floors 0: the audit view only)",
    )
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--reader",
        help="measure as this login (a server URL; default: --database's own login, which on "
        "PostgreSQL is the schema owner that row-level security does not bind)",
    )
    args = parser.parse_args(argv)
    folder = None
    url = args.database
    if url is None:
        folder = tempfile.TemporaryDirectory(prefix="kw-bench-audit-")
        url = f"sqlite:///{folder.name}/audit.db"
    try:
        events, seeded = seed(url, args.events, reuse=args.reuse)
        print(f"\n{events:,} events in the trail (seeded in {seeded:.1f} s)")
        reader = args.reader or url
        services = open_services(
            reader,
            hasher=TokenHasher(FAST_FOR_TESTS),
            operator_login=None if args.reader else BENCH_ADMIN,
        )
        try:
            pages = [] if args.walk_only else measure_pages(reader, services, args.repeat)
            idle = idle_lateness()
            floor_runs = [floors(services) for _ in range(args.floors)]
            walks = [
                timed_walk("check_integrity (worker processes)", check_integrity(services))
                for _ in range(args.walks)
            ]
            here = [
                timed_walk("new walk in this process", in_process_fast(services))
                for _ in range(args.floors)
            ]
            before = [
                timed_walk("the walk as it was (in this process)", as_before(services))
                for _ in range(0 if args.pages_only else 1)
            ]
        finally:
            services.close()
    finally:
        if folder is not None:
            folder.cleanup()
    load = os.getloadavg()
    print(f"\nload average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'case':<48} {'median':>9} {'worst':>9} {'CPU':>8} {'rows':>5} {'×floor':>7}")
    for t in pages:
        flag = "" if t.median_ms <= PAGE_BUDGET_MS else "  over 50 ms"
        print(
            f"{t.case:<48} {t.median_ms:7.2f}ms {t.worst_ms:7.2f}ms {t.cpu_ms:6.2f}ms "
            f"{t.rows:>5} {t.floor_ratio:7.1f}{flag}"
        )
    print(
        f"\n10 ms sleeper with no walk: late p99/worst {idle[0]:.1f}/{idle[1]:.1f} ms; "
        f"medians of {args.walks} worker walks, {args.floors} floor and in-process runs, "
        "one run of the old walk"
    )
    header = f"{'walk':<44} {'events/s':>10} {'/CPU-s':>10} {'×floor':>7} {'late p99':>9}"
    print(f"{header} {'worst':>7}")
    floor_wall = 0.0
    for name, index in (("bare SELECT *", 0), ("SHA-256 alone", 1)) if floor_runs else ():
        runs = [run[index] for run in floor_runs]
        wall = statistics.median(run.per_second for run in runs)
        cpu = statistics.median(run.per_cpu_second for run in runs)
        floor_wall = floor_wall or wall
        print(f"{'floor: ' + name:<44} {wall:>10,.0f} {cpu:>10,.0f}")
    for group in (walks, here, before):
        if not group:
            continue
        w = median_walk(group)
        print(
            f"{w.name:<44} {w.per_second:>10,.0f} {w.per_cpu_second:>10,.0f} "
            f"{(floor_wall / w.per_second if floor_wall else 0):>7.2f} "
            f"{w.sleeper_late_ms_p99:>8.1f}ms "
            f"{w.sleeper_late_ms_worst:>5.1f}ms  ({w.events:,} events, intact={w.intact}, "
            f"{w.progress_calls} progress calls, longest gap "
            f"{w.longest_gap_between_progress_ms:.0f} ms)"
        )
    print(f"target {WALK_TARGET:,} events/s wall; ×floor = the bare SELECT's rate / the walk's")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "events": events,
                    "load": os.getloadavg(),
                    "pages": [asdict(t) for t in pages],
                    "idle_sleeper_late_ms": idle,
                    "floors": [[asdict(f) for f in run] for run in floor_runs],
                    "walks": [asdict(w) for w in walks + here + before],
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
