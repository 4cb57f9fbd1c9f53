"""The audit view and the integrity check at 1,000,000 events (issue 8's speed targets).

    uv run python -m tests.benchmarks.bench_audit [--database sqlite:///PATH] [--events 1000000]
        [--repeat 15] [--reuse] [--json OUT]

Seeds a database with ``--events`` events on a real hash chain (straight SQL, executemany in
one transaction per batch, the chain computed with ``app.domain.audit.event_hash``), after a
bootstrap through the services, so ``check_integrity`` finds it intact. Without ``--database``
a SQLite file in a temporary folder is used and removed. ``--reuse`` keeps an existing seeded
database (the seed is checked by count).

Measured warm, through the services the console uses (``Services.audit.page`` and
``check_integrity``): each case runs twice unmeasured, then ``--repeat`` times; the median and
the worst are reported, and each median against a floor measured in the same run: the bare
``SELECT * FROM audit_events ORDER BY seq DESC LIMIT 100`` through the driver (sqlite3 on
SQLite). The integrity walk is timed whole, with a thread beside it that asks for 5 ms
sleeps and records how late it wakes (what a GUI thread would feel from the GIL).

The seeded trail: 200 users (one busy "bench-admin" with ~30 % of events, a few rare ones),
~150,000 keys created, edited (descriptions of ~120 characters), disabled/enabled, revoked
with reasons and deleted, a few user events; one event every ~60 s on average from
2024-01-01, so 1,000,000 events span about two years. Marker: the rare actor
``rare-auditor`` acts 20 times; the reason ``zebrafinch`` appears once.
"""

from __future__ import annotations

import argparse
import json
import os
import random
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
from app.domain.audit import AuditAction, canonical_json, event_hash
from app.domain.hashing import FAST_FOR_TESTS, TokenHasher
from app.domain.key_format import BASE62
from app.services import Services, open_services
from app.services.audit import AuditFilter

BENCH_ADMIN = "bench-admin"
RARE_ACTOR = "rare-auditor"
RARE_REASON = "zebrafinch"
BATCH = 50_000
START = datetime(2024, 1, 1, tzinfo=UTC)
PAGE_BUDGET_MS = 50
WALK_TARGET = 200_000  # events/s

SYSTEMS = ("Salesforce", "Snowflake", "HubSpot", "Looker", "Airflow", "Zapier", "Tableau",
           "BigQuery", "Stripe", "Okta", "Jira", "Slack", "Segment", "Workday")  # fmt: skip
PURPOSES = ("Data Sync", "ETL", "Reporting", "Webhook", "Export", "Backfill", "Alerts")
REASONS = ("no longer used", "integration retired", "rotated", "leaked in a support ticket")


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
            snap = {
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
        fields = {
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
    columns = ", ".join(column.name for column in events.columns)
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
        (f"free text: rare '{RARE_REASON}' (1 event, scans)", AuditFilter(text=RARE_REASON), False),
        ("free text: absent term (scans all)", AuditFilter(text="nosuchthingqq"), False),
    ]


def measure_pages(url: str, services: Services, repeat: int) -> list[Timing]:
    floor = floor_run(url, services)
    floor_ms, floor_worst, floor_cpu, floor_rows = timed(floor, repeat)
    floor_name = "floor: bare SELECT … ORDER BY seq DESC LIMIT 100"
    results = [Timing(floor_name, floor_ms, floor_worst, floor_cpu, floor_rows, 1.0)]
    audit = services.audit
    for name, wanted, second in cases(services):
        scans = name.startswith("free text") and "key id" not in name
        times = max(3, repeat // 5) if scans and ("absent" in name or "rare" in name) else repeat

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
    events: int
    seconds: float
    per_second: float
    cpu_seconds: float
    per_cpu_second: float
    progress_calls: int
    longest_gap_between_progress_ms: float
    sleeper_late_ms_p99: float
    sleeper_late_ms_worst: float
    idle_sleeper_late_ms_p99: float  # the same thread, without a walk: what the machine adds
    idle_sleeper_late_ms_worst: float
    intact: bool


class Sleeper:
    """A thread that asks for 5 ms sleeps and notes how late it wakes (as a GUI thread would
    feel the GIL and the machine's load)."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self.late: list[float] = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            began = time.perf_counter()
            time.sleep(0.005)
            self.late.append((time.perf_counter() - began) * 1000 - 5)

    def __enter__(self) -> Sleeper:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def p99(self) -> float:
        ordered = sorted(self.late) or [0.0]
        return ordered[int(len(ordered) * 0.99) - 1 if len(ordered) > 1 else 0]


def measure_walk(services: Services) -> Walk:
    calls: list[float] = []

    def progress(done: int, total: int) -> bool:
        calls.append(time.perf_counter())
        return True

    with Sleeper() as idle:
        time.sleep(3)
    with Sleeper() as busy:
        began, began_cpu = time.perf_counter(), time.thread_time()
        report = services.audit.check_integrity(progress)
        seconds, cpu = time.perf_counter() - began, time.thread_time() - began_cpu
    marks = [began, *calls]
    gaps = [(b - a) * 1000 for a, b in pairwise(marks)]
    return Walk(
        report.events,
        seconds,
        report.events / seconds,
        cpu,
        report.events / cpu,
        len(calls),
        max(gaps, default=0.0),
        busy.p99(),
        max(busy.late, default=0.0),
        idle.p99(),
        max(idle.late, default=0.0),
        report.intact,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="sqlite:///PATH or a server URL (default: a temp file)")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--walks", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    folder = None
    url = args.database
    if url is None:
        folder = tempfile.TemporaryDirectory(prefix="kw-bench-audit-")
        url = f"sqlite:///{folder.name}/audit.db"
    try:
        events, seeded = seed(url, args.events, reuse=args.reuse)
        print(f"\n{events:,} events in the trail (seeded in {seeded:.1f} s)")
        services = open_services(
            url, hasher=TokenHasher(FAST_FOR_TESTS), operator_login=BENCH_ADMIN
        )
        try:
            pages = measure_pages(url, services, args.repeat)
            walks = [measure_walk(services) for _ in range(args.walks)]
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
    for w in walks:
        print(
            f"check_integrity: {w.events:,} events in {w.seconds:.2f} s = {w.per_second:,.0f}/s "
            f"wall, {w.per_cpu_second:,.0f}/s of CPU (target {WALK_TARGET:,}); "
            f"intact={w.intact}; {w.progress_calls} progress calls, longest gap "
            f"{w.longest_gap_between_progress_ms:.0f} ms; 5 ms sleeper late p99/worst "
            f"{w.sleeper_late_ms_p99:.1f}/{w.sleeper_late_ms_worst:.1f} ms "
            f"(idle: {w.idle_sleeper_late_ms_p99:.1f}/{w.idle_sleeper_late_ms_worst:.1f} ms)"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "events": events,
                    "load": os.getloadavg(),
                    "pages": [asdict(t) for t in pages],
                    "walks": [asdict(w) for w in walks],
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
