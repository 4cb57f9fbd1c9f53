"""Needs attention and bulk changes at 1,000,000 keys (issue 10's speed targets).

    uv run python -m tests.benchmarks.bench_hygiene [--only sqlite,postgresql] [--keys 1000000]
        [--repeat 15] [--bulk 10000] [--applies 2] [--window 1] [--window-keys N] [--after 6]
        [--stall-stacks] [--sqlite PATH] [--reuse] [--keep] [--explain] [--indexes] [--json OUT]

Seeds its own database per dialect: SQLite in a temporary folder (or ``--sqlite PATH``,
which ``--reuse`` keeps between runs), PostgreSQL as a new ``keyward_bench_<hex>`` database on
the server of ``--postgres`` / ``KEYWARD_BENCH_POSTGRES_URL`` / ``KEYWARD_TEST_POSTGRES_URL``
(whose login may create databases and roles), dropped afterwards with its per-database roles
unless ``--keep`` (then its URL is printed and ``--postgres-db NAME --reuse`` uses it again).
A dialect without a URL is skipped. The rows come from ``tests.benchmarks.seed`` (the same
names, descriptions, owners and states as the search benchmark) with the hygiene columns
re-drawn: expiries for 40 % of keys spread evenly over ±2 years around now, last use 0–400
days ago for 80 % (never for the rest), 10 % empty descriptions, 2 % of the people
deactivated (their keys revoked, except 25 that the database "forgot": the Owner deactivated
group). The policy's maximum lifetime is 365 days (set through the policy service where the
tree has it, else given to the attention service as its thresholds), stale after 90 days,
warnings at 30/7/1 days.

Measured warm, through the services the console uses, as the seed's ``bench-admin`` (role
admin): ``Services.attention.page(group)`` (50 rows) and the next page, ``attention.count
(group)``; ``Services.bulk.plan`` (revoke) over ``--bulk`` key ids drawn at random (about
8 % already revoked, so skipped); ``Services.bulk.apply`` of such a plan (revoke) with a
progress callback, ``--applies`` times on fresh key sets. Each case runs twice unmeasured
(once for the dry run) and then ``--repeat`` times (counts and dry runs fewer); figures are
medians with the worst run, and each median as a ratio to a floor measured in the same run on
the same database through the raw driver: ``SELECT id FROM api_keys ORDER BY id LIMIT 50``
for pages, ``SELECT count(*) FROM api_keys`` for counts, the bulk keys' ids read by key id
in chunks of 500 for the dry run (its ratio; the same with whole rows is printed beside it),
and one single-row ``UPDATE … ; COMMIT`` per key for the apply. The CPU column is the
measuring thread's own CPU time (``time.thread_time``), median of the same runs: on this
shared 2-core machine wall time mostly measures the load, CPU time the work.
The apply is timed whole, with the gaps between progress callbacks (the GUI's
progress bar moves at each) and a thread beside it asking for 5 ms sleeps and noting how
late it wakes (what a GUI thread would feel of the GIL; the real apply runs off the GUI
thread), beside the same thread's lateness on an idle process for the machine's own noise.

``--window`` times (default 1, needs ``DISPLAY``, e.g. Xvfb) a bulk revoke of ``--window-keys``
(default ``--bulk``) further keys the way a person runs it: the console from ``open_console``,
shown at 1400×900 with its first page loaded, the Keys screen's "Change N keys…" dialog
(``KeysScreen.change_keys``) set to Revoke with a reason, its dry run listed, Apply clicked,
then ``--after`` seconds more. A 10 ms precise QTimer on the GUI thread notes how late each
tick comes (the method of ``bench_gui``'s LagProbe): median and worst per phase (idle window
first, for the machine's own noise; dry run; apply; after). ``--stall-stacks`` adds a thread
that records the GUI thread's Python stack whenever a tick is over 40 ms late — how the
stalls were traced; leave it off for the figures.

``--explain`` prints each group's page and count statements with the database's plan
(``EXPLAIN QUERY PLAN``; PostgreSQL ``EXPLAIN (ANALYZE, BUFFERS)``). ``--indexes`` measures the
attention groups again after creating the indexes proposed in ``PROPOSED_INDEXES`` (a
prototype of what the migration would add), so both sets of figures come from one run.

Nothing is asserted: the figures are printed as a table (✗ marks a median over its budget)
and, with ``--json``, saved.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import json
import os
import random
import secrets
import statistics
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from app.data import search_schema
from app.data.engine import create_engine
from app.data.models import ApiKey
from app.data.schema import upgrade
from app.data.server import stored_table
from app.domain.hashing import FAST_FOR_TESTS, TokenHasher
from app.domain.policy import REASON_OWNER_DEACTIVATED
from app.domain.validation import end_of_day
from app.services import Services, open_services
from app.services.attention import AttentionCursor, Thresholds
from app.services.choices import AttentionGroup, BulkAction
from app.services.dto import BulkRequest
from tests.benchmarks import seed as seeding
from tests.benchmarks.seed import BENCH_ADMIN

PAGE_BUDGET_MS = 50.0
COUNT_BUDGET_MS = 500.0
PLAN_BUDGET_MS = 2000.0
STALL_BUDGET_MS = 50.0
MAX_LIFETIME_DAYS = 365
ORPHANS = 25
RANDOM_SEED = 20261203
ENV_URLS = ("KEYWARD_BENCH_POSTGRES_URL", "KEYWARD_TEST_POSTGRES_URL")

#: Indexes ``--indexes`` tries: one statement for every dialect, as the migration would make
#: them (``description`` costs nothing in the partial index, where it is always ''; with it
#: SQLite counts the group from the index alone).
PROPOSED_INDEXES: dict[str, str] = {
    # Not used lately: both walks (never used, by created_at; used long ago, by last_used_at)
    # and both counts, without reading the table.
    "ix_api_keys_state_last_used_at_created_at": "CREATE INDEX "
    "ix_api_keys_state_last_used_at_created_at ON api_keys "
    "(state, last_used_at, created_at, id, expires_at)",
    # No description: only the undocumented keys, in name order (SQLite and PostgreSQL).
    "ix_api_keys_undocumented_name_id": "CREATE INDEX ix_api_keys_undocumented_name_id "
    "ON api_keys (name, id, state, description) WHERE description = ''",
    # Older than the maximum lifetime: counted from the index alone (would replace
    # ix_api_keys_created_at_id, whose columns lead it).
    "ix_api_keys_created_at_id_state": "CREATE INDEX ix_api_keys_created_at_id_state "
    "ON api_keys (created_at, id, state)",
}


# ----------------------------------------------------------------------- figures


@dataclass
class Figure:
    dialect: str
    group: str  # "floor", "page", "next page", "count", "plan", "apply"
    case: str
    median_ms: float
    worst_ms: float
    runs: int
    budget_ms: float | None = None
    floor_ms: float | None = None
    rows: int = 0
    note: str = ""
    cpu_ms: float = field(default_factory=lambda: last_cpu_ms)  # this thread's median CPU ms

    @property
    def ratio(self) -> float | None:
        return self.median_ms / self.floor_ms if self.floor_ms else None

    @property
    def verdict(self) -> str:
        if self.budget_ms is None:
            return ""
        return "ok" if self.median_ms <= self.budget_ms else "MISS"


@dataclass
class Apply:
    dialect: str
    keys: int
    done: int
    failed: int
    seconds: float
    per_key_ms: float
    cpu_per_key_ms: float  # this thread's CPU time per key
    floor_per_key_ms: float
    progress_calls: int
    gap_median_ms: float
    gap_p99_ms: float
    gap_longest_ms: float
    sleeper_late_p99_ms: float
    sleeper_late_worst_ms: float
    idle_sleeper_late_p99_ms: float
    idle_sleeper_late_worst_ms: float
    #: Python's garbage collector during the apply (it holds the GIL while it runs).
    gc_longest_ms: float = 0.0
    gc_full_collections: int = 0


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)
    applies: list[Apply] = field(default_factory=list)
    windows: list[WindowApply] = field(default_factory=list)
    seeding: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


#: The median CPU ms of this thread in the last ``measure`` (read right after it).
last_cpu_ms = 0.0


def measure(run: Callable[[], int], repeat: int, warm: int = 2) -> tuple[float, float, int]:
    """(median ms, worst ms, rows of the last run) after ``warm`` unmeasured runs."""
    global last_cpu_ms
    rows = 0
    for _ in range(warm):
        rows = run()
    samples = []
    cpu = []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.thread_time()
        rows = run()
        samples.append((time.perf_counter() - began) * 1000)
        cpu.append((time.thread_time() - began_cpu) * 1000)
    last_cpu_ms = statistics.median(cpu)
    return statistics.median(samples), max(samples), rows


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values) or [0.0]
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Sleeper:
    """A thread asking for 5 ms sleeps and noting how late it wakes (as a GUI thread would
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


# ----------------------------------------------------------------------- databases


def server_url(given: str | None) -> str | None:
    if given:
        return given
    for name in ENV_URLS:
        if os.environ.get(name):
            return os.environ[name]
    return None


@contextlib.contextmanager
def sqlite_database(path: str | None) -> Iterator[str]:
    if path:
        yield f"sqlite:///{Path(path).resolve()}"
        return
    with tempfile.TemporaryDirectory(prefix="keyward-bench-hygiene-") as folder:
        yield f"sqlite:///{Path(folder) / 'keyward.db'}"


@contextlib.contextmanager
def postgres_database(base: str, name: str | None, keep: bool) -> Iterator[str]:
    """A database of our own on the server of ``base`` (made unless ``name`` is given)."""
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    name = name or f"keyward_bench_{secrets.token_hex(5)}"
    with admin.connect() as connection:
        exists = connection.exec_driver_sql(
            "SELECT 1 FROM pg_database WHERE datname = %(name)s", {"name": name}
        ).first()
        if exists is None:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        if keep:
            print(f"kept PostgreSQL database {name} (--postgres-db {name} --reuse)", flush=True)
        else:
            from app.data.server import postgresql

            with admin.connect() as connection:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                postgresql.drop_roles(connection, name)
        admin.dispose()


# ----------------------------------------------------------------------- seeding


def hygiene_rows(
    count: int,
    users: Sequence[seeding.SeedUser],
    rng: random.Random,
    now: datetime,
    secret_hash: str,
) -> Iterator[dict[str, Any]]:
    """The seed's rows with expiries, last use, descriptions and orphans re-drawn."""
    orphans = 0
    for row in seeding.key_rows(count, users, rng, now=now, secret_hash=secret_hash):
        created: datetime = row["created_at"]
        if rng.random() < 0.40:
            expires = end_of_day((now + timedelta(days=rng.uniform(-730, 730))).date())
            row["expires_at"] = max(expires, end_of_day(created.date()))
        else:
            row["expires_at"] = None
        if rng.random() < 0.80:
            used = now - timedelta(days=rng.uniform(0, 400))
            if used < created:
                used = created + (now - created) * rng.random()
            if row["revoked_at"] is not None:
                used = min(used, row["revoked_at"])
            row["last_used_at"] = max(used.replace(second=0, microsecond=0), created)
        else:
            row["last_used_at"] = None
        if rng.random() < 0.053:  # the seed leaves 5 % empty: about 10 % in all
            row["description"] = ""
        if (
            orphans < ORPHANS
            and row["revoked_reason"] == REASON_OWNER_DEACTIVATED
            and rng.random() < 0.02
        ):
            orphans += 1
            row.update(state="active", revoked_at=None, revoked_reason=None)
        yield row


def seed(url: str, keys: int, users: int) -> float:
    """Seed ``keys`` keys (schema from the migrations); seconds spent."""
    began = time.perf_counter()
    rng = random.Random(RANDOM_SEED)
    engine = create_engine(url)
    dialect = engine.dialect.name
    try:
        upgrade(engine)
        now = datetime.now(UTC)
        people = seeding.insert_users(engine, seeding.user_rows(users, rng, now), rng)
        owners = [user for user in people if user.login != BENCH_ADMIN]
        with engine.begin() as connection:
            search_schema.drop_search_structures(connection)
        rows = hygiene_rows(keys, owners, rng, now, seeding.cheap_hash())
        if dialect == "postgresql":
            seeding._copy_keys(engine, rows)
        else:
            table = cast(sa.Table, ApiKey.__table__)
            with engine.connect() as connection:
                raw: Any = connection.connection.dbapi_connection
                raw.execute("PRAGMA synchronous = OFF")
                raw.execute("PRAGMA cache_size = -1000000")
                done = 0
                for batch in seeding._batches(rows, seeding.BATCH):
                    with connection.begin():
                        connection.execute(stored_table(table, dialect).insert(), batch)
                    done += len(batch)
                    print(f"  {done:>9,} keys", end="\r", flush=True)
                raw.execute("PRAGMA synchronous = NORMAL")
        print(f"  keys inserted in {time.perf_counter() - began:.0f} s", flush=True)
        with engine.begin() as connection:
            if dialect == "postgresql":
                connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '1GB'")
            search_schema.create_search_structures(connection)
        seeding.analyze(engine)
        if dialect == "sqlite":
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return time.perf_counter() - began


def key_count(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("api_keys"):
                return 0
            return int(connection.exec_driver_sql("SELECT count(*) FROM api_keys").scalar_one())
    finally:
        engine.dispose()


# ----------------------------------------------------------------------- the raw floors


class Raw:
    """The driver's own connection on the same database (the floor's path)."""

    def __init__(self, services: Services) -> None:
        self.dialect = services.engine.dialect.name
        self._connection = services.engine.raw_connection()
        self.mark = "?" if self.dialect == "sqlite" else "%s"

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        cursor = self._connection.cursor()
        try:
            cursor.execute(sql, tuple(params))
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def write(self, sql: str, params: Sequence[Any]) -> None:
        cursor = self._connection.cursor()
        try:
            cursor.execute(sql, tuple(params))
        finally:
            cursor.close()
        self._connection.commit()

    def end(self) -> None:
        """Close the read transaction the driver opened (PostgreSQL), so nothing waits on it."""
        self._connection.commit()

    def close(self) -> None:
        self._connection.close()


# ----------------------------------------------------------------------- the attention groups


def with_lifetime(services: Services) -> str:
    """Make the policy's maximum lifetime 365 days (through the policy where it can be)."""
    setter = getattr(services.policy, "set_max_lifetime", None)
    if setter is not None:
        setter(MAX_LIFETIME_DAYS)
        return "policy.set_max_lifetime(365)"
    attention = services.attention
    read = attention.thresholds

    def thresholds() -> Thresholds:
        rules = read()  # the policy is still read on every call, as the console's call would
        if rules.max_lifetime_days is None:
            rules = dataclasses.replace(rules, max_lifetime_days=MAX_LIFETIME_DAYS)
        return rules

    attention.thresholds = thresholds  # type: ignore[method-assign]
    return "this tree's policy has no maximum lifetime: thresholds() given 365 days"


def measure_attention(services: Services, raw: Raw, repeat: int, label: str = "") -> list[Figure]:
    dialect = raw.dialect
    page_floor, page_floor_worst, _ = measure(
        lambda: len(raw.rows("SELECT id FROM api_keys ORDER BY id LIMIT 50")), repeat
    )
    page_floor_cpu = last_cpu_ms
    count_floor, count_floor_worst, total = measure(
        lambda: int(raw.rows("SELECT count(*) FROM api_keys")[0][0]), max(5, repeat // 2)
    )
    raw.end()
    figures = [
        Figure(dialect, "floor", f"SELECT id … ORDER BY id LIMIT 50{label}", page_floor,
               page_floor_worst, repeat, rows=50, cpu_ms=page_floor_cpu),
        Figure(dialect, "floor", f"SELECT count(*) FROM api_keys{label}", count_floor,
               count_floor_worst, max(5, repeat // 2), rows=total),
    ]  # fmt: skip
    attention = services.attention
    for group in AttentionGroup:

        def first(g: AttentionGroup = group) -> int:
            return len(attention.page(g).items)

        def how_many(g: AttentionGroup = group) -> int:
            return attention.count(g)

        median, worst, rows = measure(first, repeat)
        figures.append(
            Figure(dialect, "page", f"{group.value}{label}", median, worst, repeat,
                   PAGE_BUDGET_MS, page_floor, rows)
        )  # fmt: skip
        after = attention.page(group).next_after
        if after is not None:

            def following(g: AttentionGroup = group, cursor: AttentionCursor = after) -> int:
                return len(attention.page(g, cursor).items)

            median, worst, rows = measure(following, repeat)
            figures.append(
                Figure(dialect, "next page", f"{group.value}{label}", median, worst, repeat,
                       PAGE_BUDGET_MS, page_floor, rows)
            )  # fmt: skip
        runs = max(5, repeat // 2)
        median, worst, rows = measure(how_many, runs)
        figures.append(
            Figure(dialect, "count", f"{group.value}{label}", median, worst, runs,
                   COUNT_BUDGET_MS, count_floor, rows)
        )  # fmt: skip
        for figure in figures[-3:]:
            if figure.case == f"{group.value}{label}":
                print(
                    f"  {dialect:<10} {figure.group:<9} {figure.case:<40} "
                    f"{figure.median_ms:9.2f} ms  ({figure.rows:,} rows)",
                    flush=True,
                )
    return figures


def statements(services: Services, group: AttentionGroup) -> list[tuple[str, sa.Select[Any]]]:
    """The statements ``page`` (first page) and ``count`` send for ``group`` (an admin)."""
    attention: Any = services.attention
    rules = attention.thresholds()
    now = services.context.clock()
    found: list[tuple[str, sa.Select[Any]]] = []
    table = cast(sa.Table, ApiKey.__table__)
    for number, segment in enumerate(attention._segments(group, rules, now)):
        page = sa.select(table).where(segment.where).order_by(segment.order, table.c.id).limit(51)
        count = sa.select(sa.func.count()).select_from(table).where(segment.where)
        if getattr(segment, "few", False):  # the page finds the members' ids first
            page = sa.select(table.c.id).where(segment.where).limit(1001)
        found.append((f"{group.value} segment {number}: page", page))
        found.append((f"{group.value} segment {number}: count", count))
    return found


def explain(services: Services) -> None:
    engine = services.engine
    dialect = engine.dialect.name
    prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    for group in AttentionGroup:
        for title, statement in statements(services, group):
            compiled = statement.compile(
                dialect=engine.dialect, compile_kwargs={"render_postcompile": True}
            )
            sql = str(compiled)
            processors: Any = compiled._bind_processors
            values = {
                name: processors[name](value) if name in processors else value
                for name, value in compiled.params.items()
            }
            params: Any = (
                tuple(values[name] for name in compiled.positiontup or ())
                if dialect == "sqlite"
                else values
            )
            with engine.connect() as connection:
                began = time.perf_counter()
                plan = connection.exec_driver_sql(prefix + sql, params).all()
                took = (time.perf_counter() - began) * 1000
            print(f"\n--- {dialect}: {title} ({took:.1f} ms)\n{' '.join(sql.split())}")
            for line in plan:
                print("   ", " | ".join(str(part) for part in line))


def create_indexes(services: Services) -> list[str]:
    engine = services.engine
    dialect = engine.dialect.name
    made = []
    with engine.begin() as connection:
        if dialect == "postgresql":
            connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
        for name, statement in PROPOSED_INDEXES.items():
            began = time.perf_counter()
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
            connection.exec_driver_sql(statement)
            made.append(f"{name} built in {time.perf_counter() - began:.1f} s")
    seeding.analyze(engine)
    return made


def drop_indexes(services: Services) -> None:
    with services.engine.begin() as connection:
        for name in PROPOSED_INDEXES:
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    seeding.analyze(services.engine)


# ----------------------------------------------------------------------- bulk


def bulk_ids(raw: Raw, count: int, sets: int, rng: random.Random) -> list[list[str]]:
    """``sets`` disjoint random sets of ``count`` key ids (first: any state, for the dry
    run; the rest: not revoked, for the applies)."""
    every = [(row[0], row[1]) for row in raw.rows("SELECT key_id, state FROM api_keys")]
    raw.end()
    rng.shuffle(every)
    chosen = [[key_id for key_id, _ in every[:count]]]
    left = iter(key_id for key_id, state in every[count:] if state != "revoked")
    for _ in range(sets - 1):
        chosen.append([next(left) for _ in range(count)])
    return chosen


def measure_plan(services: Services, raw: Raw, ids: list[str], repeat: int) -> list[Figure]:
    dialect = raw.dialect
    request = BulkRequest(BulkAction.REVOKE, reason="hygiene benchmark")

    def bare(columns: str) -> Callable[[], int]:
        def run() -> int:
            found = 0
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join([raw.mark] * len(chunk))
                sql = f"SELECT {columns} FROM api_keys WHERE key_id IN ({marks})"
                found += len(raw.rows(sql, chunk))
            raw.end()
            return found

        return run

    floor, floor_worst, found = measure(bare("key_id"), repeat, warm=1)
    floor_cpu = last_cpu_ms
    whole, whole_worst, _ = measure(bare("*"), repeat, warm=1)
    whole_cpu = last_cpu_ms
    plan = services.bulk.plan(request, ids)
    note = f"{len(plan.changes):,} change, {len(plan.skipped):,} skipped"
    median, worst, _ = measure(lambda: len(services.bulk.plan(request, ids).changes), repeat, 1)
    print(f"  {dialect:<10} dry run {len(ids):,} keys {median:9.1f} ms ({note})", flush=True)
    return [
        Figure(dialect, "floor", f"{len(ids):,} ids by key id, chunks of 500", floor,
               floor_worst, repeat, rows=found, cpu_ms=floor_cpu),
        Figure(dialect, "floor", f"{len(ids):,} whole rows by key id, chunks of 500", whole,
               whole_worst, repeat, rows=found, cpu_ms=whole_cpu),
        Figure(dialect, "plan", f"revoke, {len(ids):,} key ids", median, worst, repeat,
               PLAN_BUDGET_MS, floor, len(ids), note),
    ]  # fmt: skip


def write_floor(raw: Raw, ids: list[str], runs: int = 300) -> float:
    """Median ms of one single-row write transaction through the driver (a no-op UPDATE)."""
    samples = []
    sql = f"UPDATE api_keys SET version = version WHERE key_id = {raw.mark}"
    for key_id in ids[:runs]:
        began = time.perf_counter()
        raw.write(sql, (key_id,))
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


def measure_apply(services: Services, raw: Raw, ids: list[str], floor_ids: list[str]) -> Apply:
    dialect = raw.dialect
    request = BulkRequest(BulkAction.REVOKE, reason="hygiene benchmark")
    plan = services.bulk.plan(request, ids)
    floor = write_floor(raw, floor_ids)
    calls: list[float] = []

    def progress(done: int, total: int) -> bool:
        calls.append(time.perf_counter())
        return True

    pauses: list[tuple[int, float]] = []
    started: list[float] = []

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            pauses.append((info["generation"], (time.perf_counter() - started.pop()) * 1000))

    with Sleeper() as idle:
        time.sleep(3)
    gc.callbacks.append(on_gc)
    with Sleeper() as busy:
        began, began_cpu = time.perf_counter(), time.thread_time()
        result = services.bulk.apply(plan, progress)
        seconds, cpu = time.perf_counter() - began, time.thread_time() - began_cpu
    gc.callbacks.remove(on_gc)
    gaps = [(b - a) * 1000 for a, b in pairwise([began, *calls])]
    figure = Apply(
        dialect,
        len(plan.changes),
        len(result.done),
        len(result.failed),
        seconds,
        seconds * 1000 / max(1, len(plan.changes)),
        cpu * 1000 / max(1, len(plan.changes)),
        floor,
        len(calls),
        statistics.median(gaps),
        percentile(gaps, 0.99),
        max(gaps),
        percentile(busy.late, 0.99),
        max(busy.late, default=0.0),
        percentile(idle.late, 0.99),
        max(idle.late, default=0.0),
        max((ms for _, ms in pauses), default=0.0),
        sum(1 for generation, _ in pauses if generation == 2),
    )
    print(
        f"  {dialect:<10} apply {figure.keys:,} revokes in {seconds:.1f} s "
        f"({figure.per_key_ms:.2f} ms/key, floor {floor:.2f}); gaps median "
        f"{figure.gap_median_ms:.1f} / p99 {figure.gap_p99_ms:.1f} / longest "
        f"{figure.gap_longest_ms:.1f} ms; sleeper late p99 {figure.sleeper_late_p99_ms:.1f} / "
        f"worst {figure.sleeper_late_worst_ms:.1f} ms (idle {figure.idle_sleeper_late_p99_ms:.1f}"
        f" / {figure.idle_sleeper_late_worst_ms:.1f}); longest GC pause "
        f"{figure.gc_longest_ms:.1f} ms ({figure.gc_full_collections} full)",
        flush=True,
    )
    return figure


# ----------------------------------------------------------------------- the window


@dataclass
class WindowApply:
    """A bulk revoke run from the real window's dialog, with the GUI thread's lateness."""

    dialect: str
    keys: int
    done: int
    failed: int
    seconds: float
    #: ``phase -> (median, worst, samples)`` of the 10 ms timer's lateness in ms.
    late: dict[str, tuple[float, float, int]] = field(default_factory=dict)
    #: The same timer on the idle window just before (the machine's own noise).
    idle: tuple[float, float, int] = (0.0, 0.0, 0)
    #: And from the first page until the start's background work has all been answered
    #: (counts, summary, reminders: issue 11's start-up stall, not this budget's).
    start: tuple[float, float, int] = (0.0, 0.0, 0)
    #: Seconds that work took after the first page.
    start_s: float = 0.0
    #: With ``--stall-stacks``: where the GUI thread was during its stalls (stack, count).
    stalls: list[tuple[str, int]] = field(default_factory=list)
    note: str = ""


class Lateness:
    """A 10 ms precise timer on the GUI thread noting how late each tick comes, by phase."""

    INTERVAL_MS = 10

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(self.INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        self.phase = "idle"
        self.samples: dict[str, list[float]] = {}
        self.last_tick = time.perf_counter()
        self._last_cpu = time.thread_time()
        self._phase_began = self.last_tick
        #: (phase, seconds into it, ms late, ms of GUI-thread CPU since the tick before) of
        #: every tick over 40 ms late: CPU near the lateness is work on the GUI thread, CPU
        #: near nothing is waiting (for the GIL, or for a core).
        self.stalls: list[tuple[str, float, float, float]] = []

    def start(self) -> None:
        self.last_tick = time.perf_counter()
        self._last_cpu = time.thread_time()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def enter(self, phase: str) -> None:
        self.phase = phase
        self.samples.setdefault(phase, [])
        self._phase_began = time.perf_counter()

    def _tick(self) -> None:
        now = time.perf_counter()
        cpu = time.thread_time()
        late = (now - self.last_tick) * 1000 - self.INTERVAL_MS
        self.samples.setdefault(self.phase, []).append(max(0.0, late))
        if late > 40:
            busy = (cpu - self._last_cpu) * 1000
            self.stalls.append((self.phase, now - self._phase_began, late, busy))
        self.last_tick = now
        self._last_cpu = cpu

    def figures(self, phase: str) -> tuple[float, float, int]:
        values = self.samples.get(phase) or [0.0]
        return statistics.median(values), max(values), len(self.samples.get(phase, []))


class StallStacks:
    """``--stall-stacks``: a thread that notes the GUI thread's Python stack whenever the
    10 ms timer is over 40 ms late (to find what holds it; off for the figures)."""

    def __init__(self, lateness: Lateness) -> None:
        self._lateness = lateness
        self._main = threading.main_thread().ident
        self._stop = threading.Event()
        self.seen: dict[str, int] = {}
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import sys
        import traceback

        noted_for = 0.0
        while not self._stop.wait(0.01):
            last = self._lateness.last_tick
            if time.perf_counter() - last < 0.04 or last == noted_for:
                continue
            noted_for = last
            frames = sys._current_frames()
            frame = frames.get(self._main or 0)
            if frame is None:
                continue
            lines = [
                f"{Path(f.filename).name}:{f.lineno} {f.name}"
                for f in traceback.extract_stack(frame)
                if "/app/" in f.filename or "bench_hygiene" in f.filename
            ][-6:]
            key = " < ".join(reversed(lines)) or "(event loop / waiting for the GIL)"
            # The other threads as this one found them: one of them may have held the GIL
            # (this thread runs only once it is free, so a holder shows where it let go).
            for ident, other in frames.items():
                if ident in (self._main, threading.get_ident()):
                    continue
                stack = traceback.extract_stack(other)
                where = [
                    f"{Path(f.filename).name}:{f.lineno} {f.name}"
                    for f in [*(f for f in stack[:-1] if "/app/" in f.filename), *stack[-1:]]
                ][-6:]
                key += "\n          beside: " + " < ".join(reversed(where))
            self.seen[key] = self.seen.get(key, 0) + 1

    def __enter__(self) -> StallStacks:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_events_until(done: Callable[[], bool], timeout_s: float) -> bool:
    """Run the Qt event loop until ``done()`` (checked every 20 ms) or the timeout."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    check = QTimer()
    check.setInterval(20)
    deadline = time.perf_counter() + timeout_s
    check.timeout.connect(
        lambda: loop.quit() if done() or time.perf_counter() >= deadline else None
    )
    check.start()
    try:
        while not done() and time.perf_counter() < deadline:
            loop.exec()
    finally:
        check.stop()
    return done()


def measure_window_apply(
    url: str, ids: list[str], *, after_s: float, stall_stacks: bool
) -> WindowApply:
    """Revoke ``ids`` through the Keys screen's "Change N keys…" dialog in a shown window.

    Phases of the 10 ms timer's lateness: ``start`` (from the first page until the start's
    background work — counts, summary, reminders — has all been answered; a user selecting
    10,000 keys takes longer), ``idle`` (the loaded window, 3 s), ``open`` (the
    dialog made, shown and its first dry run started, 0.5 s), ``dry run`` (Revoke chosen:
    its dry run arriving and being listed), ``apply`` (Apply clicked → the result
    signal), ``after`` (``after_s`` more seconds: the screens taking the 10,000 changed keys
    in and the live feed's next polls).
    """
    from types import SimpleNamespace

    from PySide6.QtWidgets import QApplication, QPushButton

    from app.services.bulk import BulkResult
    from app.ui import open_console
    from app.ui.dialogs.bulk_action import BulkActionDialog
    from app.ui.tasks import favour_the_window

    dialect = make_url(url).get_backend_name()
    window = open_console(url, hasher=TokenHasher(FAST_FOR_TESTS), operator_login=BENCH_ADMIN)
    window.resize(1400, 900)
    window.show()
    favour_the_window()  # as run_console does
    keys = window.keys
    ready = run_events_until(
        lambda: keys.model.has_loaded and not keys.model.is_loading and window.operator is not None,
        120,
    )
    if not ready:
        raise TimeoutError("the window's first page did not arrive")
    # The selection, as the table hands it over: made before the timer starts (the table
    # already holds its rows; making 10,000 objects here would count into a tick).
    selection = [cast(Any, SimpleNamespace(key_id=key_id)) for key_id in ids]
    lateness = Lateness()
    lateness.start()
    stacks = StallStacks(lateness) if stall_stacks else contextlib.nullcontext()
    # (phase, generation, ms, what the full collections walked: count and commonest types)
    collections: list[tuple[str, int, float, str]] = []
    collecting: list[Any] = []

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            walked = ""
            if info["generation"] == 2:
                objects = gc.get_objects(2)
                kinds = Counter(type(o).__qualname__ for o in objects)
                sizes = sorted(
                    ((len(gc.get_referents(o)), type(o).__qualname__) for o in objects),
                    reverse=True,
                )[:4]
                walked = (
                    f"{len(objects):,} objects: "
                    + ", ".join(f"{kind} {n:,}" for kind, n in kinds.most_common(6))
                    + "; largest: "
                    + ", ".join(f"{kind} of {n:,}" for n, kind in sizes)
                )
                del objects
            collecting[:] = [time.perf_counter(), walked, time.thread_time()]
        elif collecting:
            took = (time.perf_counter() - collecting[0]) * 1000
            if took > 20:
                cpu = (time.thread_time() - collecting[2]) * 1000
                walked = f"{cpu:.1f} ms CPU, {info['collected']:,} collected" + (
                    f"; {collecting[1]}" if collecting[1] else ""
                )
                collections.append((lateness.phase, info["generation"], took, walked))

    if stall_stacks:
        gc.callbacks.append(on_gc)
    # (done, failed): the window keeps nothing of a finished change, nor does this.
    results: list[tuple[int, int]] = []

    def applied(result: BulkResult) -> None:
        results.append((len(result.done), len(result.failed)))

    with stacks:
        lateness.enter("start")
        began = time.perf_counter()
        run_events_until(lambda: window._tasks.pending == 0, 120)
        started = time.perf_counter() - began
        lateness.enter("idle")
        run_events_until(lambda: False, 3)
        lateness.enter("open")
        began = time.perf_counter()
        keys.change_keys(selection)
        del selection
        dialog = next(
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, BulkActionDialog) and w.isVisible()
        )
        run_events_until(lambda: False, 0.5)  # the user reads it, then chooses Revoke
        lateness.enter("dry run")
        dialog.applied.connect(applied)
        field_ = dialog._action
        field_.setCurrentIndex(field_.findData(BulkAction.REVOKE.value))
        dialog._reason.setText("hygiene benchmark")
        # The dry run starts as the user's choice starts it: once the form has been quiet
        # for PREVIEW_DELAY_MS (a call to preview() here would start it in the same turn
        # as the form's new layout, which no user can do).
        apply = dialog.findChild(QPushButton, "bulkApplyButton")
        assert apply is not None
        if not run_events_until(apply.isEnabled, 120):
            raise TimeoutError("the dry run did not arrive")
        planned = time.perf_counter() - began
        lateness.enter("apply")
        began = time.perf_counter()
        apply.click()
        del dialog, field_, apply  # as the window, which drops it once it has closed
        if not run_events_until(lambda: bool(results), 3600):
            raise TimeoutError("the bulk revoke did not end")
        seconds = time.perf_counter() - began
        lateness.enter("after")
        run_events_until(lambda: False, after_s)
    lateness.stop()
    done, failed = results[0]
    figure = WindowApply(
        dialect,
        len(ids),
        done,
        failed,
        seconds,
        {phase: lateness.figures(phase) for phase in ("open", "dry run", "apply", "after")},
        lateness.figures("idle"),
        lateness.figures("start"),
        started,
        sorted(getattr(stacks, "seen", {}).items(), key=lambda item: -item[1])[:12],
        f"dry run listed in {planned:.1f} s",
    )
    window.discard_and_close()
    print(
        f"  {dialect:<10} window revoke {figure.done:,} in {seconds:.0f} s; GUI timer late "
        + "; ".join(
            f"{phase} median {m:.1f} / worst {w:.1f} ms ({n:,} ticks)"
            for phase, (m, w, n) in {
                f"start ({started:.1f} s)": figure.start,
                "idle": figure.idle,
                **figure.late,
            }.items()
        ),
        flush=True,
    )
    for stack, count in figure.stalls:
        print(f"      {count:>4} × {stack}", flush=True)
    if stall_stacks:
        gc.callbacks.remove(on_gc)
        for phase, into, late, busy in lateness.stalls:
            print(
                f"      {late:6.1f} ms late, {into:6.2f} s into {phase} "
                f"({busy:.1f} ms of GUI-thread CPU)",
                flush=True,
            )
        for phase, generation, took, walked in collections:
            print(
                f"      {took:6.1f} ms garbage collection (generation {generation}) in {phase}"
                + (f"; {walked}" if walked else "")
            )
    return figure


# ----------------------------------------------------------------------- one dialect


def run_dialect(url: str, args: argparse.Namespace, report: Report) -> None:
    dialect = make_url(url).get_backend_name()
    have = key_count(url) if args.reuse else 0
    if have >= args.keys:
        print(f"{dialect}: reusing {have:,} keys", flush=True)
    else:
        print(f"{dialect}: seeding {args.keys:,} keys", flush=True)
        report.seeding[dialect] = seed(url, args.keys, args.users)
        print(f"{dialect}: seeded in {report.seeding[dialect]:.0f} s", flush=True)
    if args.seed_only:
        return
    services = open_services(url, hasher=TokenHasher(FAST_FOR_TESTS), operator_login=BENCH_ADMIN)
    raw = Raw(services)
    try:
        report.notes.append(f"{dialect}: {with_lifetime(services)}")
        if args.explain:
            explain(services)
        if not args.skip_attention:
            report.figures += measure_attention(services, raw, args.repeat)
        if args.indexes:
            report.notes += [f"{dialect}: {line}" for line in create_indexes(services)]
            if args.explain:
                explain(services)
            report.figures += measure_attention(services, raw, args.repeat, " +indexes")
            if not args.keep_indexes:
                drop_indexes(services)
        if args.applies >= 0 and args.bulk:
            rng = random.Random(RANDOM_SEED + 1)
            sets = bulk_ids(raw, args.bulk, 2 + args.applies + args.window, rng)
            report.figures += measure_plan(services, raw, sets[0], max(3, args.repeat // 3))
            for ids in sets[2 : 2 + args.applies]:
                report.applies.append(measure_apply(services, raw, ids, sets[1]))
            windowed = sets[2 + args.applies :]
        else:
            windowed = []
    finally:
        raw.close()
        services.close()
    if windowed and not os.environ.get("DISPLAY"):
        print(f"{dialect}: no DISPLAY, the window's bulk revoke was skipped", flush=True)
        windowed = []
    for ids in windowed:
        report.windows.append(
            measure_window_apply(
                url,
                ids[: args.window_keys or None],
                after_s=args.after,
                stall_stacks=args.stall_stacks,
            )
        )


# ----------------------------------------------------------------------- output


def print_report(report: Report) -> None:
    load = os.getloadavg()
    print(f"\nload average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} CPUs")
    for note in report.notes:
        print(f"note: {note}")
    print(
        f"\n{'dialect':<10} {'what':<9} {'case':<44} {'budget':>7} {'median':>10} "
        f"{'worst':>10} {'CPU':>9} {'×floor':>8} {'rows':>9}"
    )
    for f in report.figures:
        budget = "" if f.budget_ms is None else f"{f.budget_ms:g}"
        ratio = "" if f.ratio is None else f"{f.ratio:.1f}"
        miss = "  ✗" if f.verdict == "MISS" else ""
        print(
            f"{f.dialect:<10} {f.group:<9} {f.case:<44} {budget:>7} {f.median_ms:8.2f}ms "
            f"{f.worst_ms:8.2f}ms {f.cpu_ms:7.2f}ms {ratio:>8} {f.rows:>9,}{miss}"
            + (f"  {f.note}" if f.note else "")
        )
    for a in report.applies:
        print(
            f"{a.dialect:<10} apply     revoke {a.keys:,}: {a.seconds:.1f} s, "
            f"{a.per_key_ms:.2f} ms/key (CPU {a.cpu_per_key_ms:.2f}) = "
            f"{a.per_key_ms / a.floor_per_key_ms:.1f}× a bare "
            f"single-row write ({a.floor_per_key_ms:.2f} ms); {a.done:,} done, {a.failed} failed; "
            f"{a.progress_calls:,} progress calls, gap median {a.gap_median_ms:.1f} / p99 "
            f"{a.gap_p99_ms:.1f} / longest {a.gap_longest_ms:.1f} ms; 5 ms sleeper late p99 "
            f"{a.sleeper_late_p99_ms:.1f} / worst {a.sleeper_late_worst_ms:.1f} ms (idle "
            f"{a.idle_sleeper_late_p99_ms:.1f} / {a.idle_sleeper_late_worst_ms:.1f}); longest GC "
            f"pause {a.gc_longest_ms:.1f} ms ({a.gc_full_collections} full collections)"
        )


def print_windows(report: Report) -> None:
    for w in report.windows:
        phases = "; ".join(
            f"{phase} {m:.1f} / {worst:.1f} ms ({n:,})" for phase, (m, worst, n) in w.late.items()
        )
        miss = "  ✗" if max(worst for _, worst, _ in w.late.values()) > STALL_BUDGET_MS else ""
        print(
            f"{w.dialect:<10} window    revoke {w.keys:,} from the dialog: {w.done:,} done, "
            f"{w.failed} failed, {w.seconds:.0f} s ({w.note}); 10 ms timer late median / worst "
            f"(ticks): start's work ({w.start_s:.1f} s) {w.start[0]:.1f} / {w.start[1]:.1f} ms; "
            f"idle {w.idle[0]:.1f} / {w.idle[1]:.1f} ms; {phases}{miss}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="sqlite,postgresql", help="dialects, comma-separated")
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--bulk", type=int, default=10_000, help="keys per dry run and apply")
    parser.add_argument("--applies", type=int, default=2, help="bulk revokes measured")
    parser.add_argument(
        "--window", type=int, default=1, help="bulk revokes run from a shown window (needs X)"
    )
    parser.add_argument(
        "--window-keys", type=int, default=0, help="keys the window revokes (default: --bulk)"
    )
    parser.add_argument("--after", type=float, default=6.0, help="seconds watched after one")
    parser.add_argument(
        "--stall-stacks", action="store_true", help="note the GUI thread's stack in stalls"
    )
    parser.add_argument("--sqlite", help="SQLite file to use (kept; default: a temp file)")
    parser.add_argument("--postgres", help="server URL (default: $KEYWARD_BENCH_POSTGRES_URL)")
    parser.add_argument("--postgres-db", help="this database (made if missing; with --reuse)")
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    parser.add_argument("--keep", action="store_true", help="do not drop the PostgreSQL db")
    parser.add_argument("--explain", action="store_true", help="print the groups' plans")
    parser.add_argument("--indexes", action="store_true", help="again with PROPOSED_INDEXES")
    parser.add_argument("--keep-indexes", action="store_true", help="leave them in place")
    parser.add_argument("--skip-attention", action="store_true", help="bulk figures only")
    parser.add_argument("--seed-only", action="store_true", help="seed, measure nothing")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    report = Report()
    began = datetime.now(UTC)
    if "sqlite" in wanted:
        with sqlite_database(args.sqlite) as url:
            run_dialect(url, args, report)
    if "postgresql" in wanted:
        base = server_url(args.postgres)
        if base is None:
            print("postgresql: no server URL, skipped")
        else:
            with postgres_database(base, args.postgres_db, args.keep) as url:
                run_dialect(url, args, report)
    print_report(report)
    print_windows(report)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "began": began.isoformat(),
                    "ended": datetime.now(UTC).isoformat(),
                    "load": os.getloadavg(),
                    "notes": report.notes,
                    "seeding_seconds": report.seeding,
                    "figures": [
                        {**asdict(f), "ratio": f.ratio, "verdict": f.verdict}
                        for f in report.figures
                    ],
                    "applies": [asdict(a) for a in report.applies],
                    "windows": [asdict(w) for w in report.windows],
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
