"""Build a Keyward database of realistic size, quickly, for the benchmarks.

    uv run python -m tests.benchmarks.seed --database URL --keys 1000000 [--users 500]

The schema comes from the real migrations (``app.data.schema.upgrade``). Users and keys are
then bulk inserted (SQLAlchemy Core executemany in large batches; PostgreSQL COPY), all
sharing one precomputed cheap argon2 hash: the search and table paths never read it. A
handful of real keys is made through ``KeyService.create`` (cheap argon2 profile) so that
verification can be measured; their tokens go to a 0600 sidecar file and are never printed.

Search structures are dropped during the bulk insert and rebuilt afterwards with
``app.data.search_schema`` (SQLite: FTS5 ``rebuild`` after recreating the table and its
triggers; PostgreSQL: one ``CREATE INDEX`` instead of a million GIN insertions).

Marker words with known frequencies make benchmark terms predictable at any size:
``zebrafinch`` is in exactly one description, ``Project Osprey`` in 0.02 % of them,
``Project Kestrel`` in 0.2 %, ``Project Heron`` in 2 %.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from app.data import search_schema
from app.data.engine import create_engine
from app.data.models import ApiKey, User
from app.data.schema import upgrade
from app.data.server import stored_table
from app.domain.hashing import FAST_FOR_TESTS, TokenHasher
from app.domain.key_format import BASE62, DEFAULT_PREFIX, generate_token, new_key_id
from app.domain.policy import REASON_OWNER_DEACTIVATED
from app.domain.status import KeyState
from app.domain.validation import end_of_day

BENCH_ADMIN = "bench-admin"
BATCH = 20_000

SYSTEMS = (
    "Salesforce", "Snowflake", "HubSpot", "Looker", "Airflow", "Zapier", "Tableau", "BigQuery",
    "Redshift", "Segment", "Marketo", "Zendesk", "Intercom", "Slack", "Jira", "NetSuite",
    "Workday", "Stripe", "Mixpanel", "Amplitude", "Fivetran", "dbt", "Mailchimp", "Gong",
    "Outreach", "Pipedrive", "Metabase", "Power BI", "Okta", "Typeform",
)  # fmt: skip
PURPOSES = (
    "Data Sync", "ETL", "Reporting", "Webhook", "Dashboard", "Integration", "Export",
    "Import", "Enrichment", "Backfill", "Alerts", "Lead Routing", "Forecasting", "Audit Feed",
)  # fmt: skip
ENVIRONMENTS = (("Prod", 0.55), ("Staging", 0.25), ("Dev", 0.20))
OBJECTS = (
    "companies", "contacts", "deals", "opportunities", "invoices", "tickets", "leads",
    "accounts", "events", "orders", "subscriptions", "meetings",
)  # fmt: skip
SENTENCES = (
    "Syncs {obj} to {dst} {freq}",
    "Pulls {obj} from {src} into {dst} {freq}",
    "Pushes changed {obj} to {dst} {freq}",
    "Feeds the {team} dashboard in {dst} {freq}",
    "Receives {src} webhooks for new {obj}",
    "Exports {obj} for {team} reporting {freq}",
    "Enriches {obj} with data from {src} {freq}",
    "Backfills historical {obj} into {dst}",
)
FREQUENCIES = (
    "nightly", "hourly", "every 15 minutes", "in real time", "weekly on Mondays",
    "daily at 06:00 UTC",
)  # fmt: skip
TEAMS = (
    ("Data Team", "data"), ("RevOps", "revops"), ("Finance", "finance"),
    ("Marketing Ops", "mops"), ("Support Engineering", "support"), ("Platform", "platform"),
    ("Sales Ops", "salesops"), ("Security", "security"), ("Growth", "growth"),
)  # fmt: skip
RUNNERS = (
    "Airflow", "Zapier", "Workato", "dbt Cloud", "a cron job on etl-01", "GitHub Actions",
    "AWS Lambda", "Prefect",
)  # fmt: skip
# Text that search must treat literally or fold beyond ASCII.
ODD_SENTENCES = (
    "Covers 100% of active accounts.",
    "Writes to s3://acme-raw/raw_events/.",
    r"Config lives in C:\etl\keys on the runner.",
    "Ask O'Brien before rotating.",
    'Labelled "critical" in the runbook.',
    "Serves the Zürich office.",
    "Mirrors ÄBC GmbH records.",
    "Handles äbc bank feeds.",
    "Used by the ZÜRICH finance desk.",
    "50%_done flag is set by the sync.",
)
ODD_NAMES = (
    "100% Coverage",
    "raw_events Loader",
    r"C:\etl Export",
    "O'Brien Reporting",
    '"Quarterly" Board Pack',
    "Zürich CRM Sync",
    "ÄBC Export",
    "äbc export",
)
FIRST_NAMES = (
    "Alice", "Bob", "Carol", "David", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy",
    "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter",
    "Yasmin", "Priya", "Kenji", "Amara", "Lukas", "Sofia", "Mateo", "Chloe", "Omar",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Johnson", "Garcia", "Miller", "Davis", "Martinez", "Lopez", "Wilson", "Anderson",
    "Thomas", "Taylor", "Moore", "Jackson", "Lee", "Walker", "Young", "King", "Wright",
    "Patel", "Nguyen", "Kim", "Chen", "Novak", "Fischer", "O'Brien",
)  # fmt: skip
ODD_PEOPLE = (("Jürgen", "Müller"), ("Zoë", "Ängström"), ("Renée", "Zürcher"), ("Åsa", "Öberg"))
REVOKE_REASONS = (
    "no longer used",
    "integration retired",
    "rotated",
    "leaked in a support ticket",
    "replaced by a new key",
)
#: (phrase, share of keys); ``zebrafinch`` is placed exactly once.
MARKERS = (
    ("Project Heron", 0.02),
    ("Project Kestrel", 0.002),
    ("Project Osprey", 0.0002),
)
RARE_WORD = "zebrafinch"

KEY_COLUMNS = (
    "key_id", "prefix", "environment", "name", "description", "owner_id", "owner_name",
    "masked", "secret_hash", "state", "created_at", "created_by", "updated_at", "updated_by",
    "last_used_at", "expires_at", "revoked_at", "revoked_reason", "version",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SeedUser:
    id: int
    login: str
    display_name: str
    active: bool
    weight: float


@dataclass(frozen=True, slots=True)
class SeedReport:
    users: int
    keys: int
    real_keys: int
    seconds: float
    tokens_path: Path | None


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def user_rows(count: int, rng: random.Random, now: datetime) -> list[dict[str, Any]]:
    """``count`` people plus the benchmark admin (first), as rows for the users table."""
    rows: list[dict[str, Any]] = [
        {
            "login": BENCH_ADMIN,
            "display_name": "Bench Admin",
            "email": "bench-admin@company.com",
            "role": "admin",
            "active": True,
            "created_at": now - timedelta(days=1200),
            "deactivated_at": None,
        }
    ]
    for n in range(count):
        if rng.random() < 0.04:
            first, last = rng.choice(ODD_PEOPLE)
        else:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        login = f"{_ascii(first)}.{_ascii(last)}{n}"
        active = rng.random() >= 0.02
        created = now - timedelta(days=rng.uniform(30, 1200))
        rows.append(
            {
                "login": login,
                "display_name": f"{first} {last}",
                "email": f"{login}@company.com",
                "role": rng.choices(
                    ("member", "manager", "auditor", "admin"), (0.8, 0.1, 0.05, 0.05)
                )[0],
                "active": active,
                "created_at": created,
                "deactivated_at": None if active else now - timedelta(days=rng.uniform(1, 30)),
            }
        )
    return rows


def insert_users(
    engine: Engine, rows: Sequence[dict[str, Any]], rng: random.Random
) -> list[SeedUser]:
    """Insert the users (skipping logins that exist) and return every one, with a weight."""
    table = cast(sa.Table, User.__table__)
    with engine.begin() as connection:
        existing = set(connection.execute(sa.select(table.c.login)).scalars())
        fresh = [row for row in rows if row["login"] not in existing]
        if fresh:
            # Straight into the stored table (on MariaDB the name is a read-only view).
            connection.execute(stored_table(table, engine.dialect.name).insert(), fresh)
        found = connection.execute(
            sa.select(table.c.id, table.c.login, table.c.display_name, table.c.active).where(
                table.c.login.in_([row["login"] for row in rows])
            )
        ).all()
    # A few owners hold many keys, most hold a few (weights fall off with rank).
    people = sorted(found, key=lambda row: row.id)
    return [
        SeedUser(row.id, row.login, row.display_name, bool(row.active), 1.0 / (rank + 1) ** 0.7)
        for rank, row in enumerate(rng.sample(people, len(people)))
    ]


def _marker_positions(count: int, rng: random.Random) -> dict[int, list[str]]:
    positions: dict[int, list[str]] = {}
    for phrase, share in MARKERS:
        for index in rng.sample(range(count), min(count, round(count * share))):
            positions.setdefault(index, []).append(f"Part of {phrase}.")
    if count:
        positions.setdefault(rng.randrange(count), []).append(
            f"Spotted by the {RARE_WORD} monitor."
        )
    return positions


def key_rows(
    count: int,
    users: Sequence[SeedUser],
    rng: random.Random,
    *,
    now: datetime,
    secret_hash: str,
    odd_share: float = 0.01,
    prefix: str = DEFAULT_PREFIX,
) -> Iterator[dict[str, Any]]:
    """``count`` realistic api_keys rows (no ids), created in ascending time order."""
    start = now - timedelta(days=3 * 365)
    span = (now - start).total_seconds()
    step = span / max(count, 1)
    markers = _marker_positions(count, rng)
    weights = [user.weight for user in users]
    owners = rng.choices(users, weights, k=count)
    env_names = [name for name, _ in ENVIRONMENTS]
    env_weights = [weight for _, weight in ENVIRONMENTS]
    for n in range(count):
        owner = owners[n]
        created = start + timedelta(seconds=n * step + rng.uniform(0, step))
        system = rng.choice(SYSTEMS)
        purpose = rng.choice(PURPOSES)
        env = rng.choices(env_names, env_weights)[0]
        if rng.random() < odd_share:
            name = f"{rng.choice(ODD_NAMES)} {env} {n + 1}"
        else:
            name = f"{system} {purpose} {env} {n + 1}"
        team, mailbox = rng.choice(TEAMS)
        if rng.random() < 0.05:
            description = ""  # the "unknown integration" an audit has to chase
        else:
            sentence = rng.choice(SENTENCES).format(
                obj=rng.choice(OBJECTS),
                src=rng.choice(SYSTEMS),
                dst=system,
                team=team,
                freq=rng.choice(FREQUENCIES),
            )
            description = (
                f"{sentence}. Owner: {team} ({mailbox}@company.com). "
                f"Runs via {rng.choice(RUNNERS)}."
            )
            if rng.random() < odd_share:
                description += " " + rng.choice(ODD_SENTENCES)
        extra = markers.get(n)
        if extra:
            description = " ".join([description, *extra]).strip()
        roll = rng.random()
        if not owner.active:
            state = KeyState.REVOKED.value
        elif roll < 0.85:
            state = KeyState.ACTIVE.value
        elif roll < 0.92:
            state = KeyState.DISABLED.value
        else:
            state = KeyState.REVOKED.value
        revoked_at = revoked_reason = None
        if state == KeyState.REVOKED.value:
            revoked_at = created + (now - created) * rng.random()
            revoked_reason = (
                REASON_OWNER_DEACTIVATED if not owner.active else rng.choice(REVOKE_REASONS)
            )
        last_used = None
        if rng.random() < 0.70:
            until = revoked_at or now
            moment = created + (until - created) * rng.random()
            last_used = max(moment.replace(second=0, microsecond=0), created)
        expires = None
        if rng.random() < 0.25:
            if rng.random() < 0.32:  # about 8 % of all keys have expired
                expires = end_of_day((created + (now - created) * rng.random()).date())
                expires = min(expires, now - timedelta(seconds=1))
            else:
                expires = end_of_day((now + timedelta(days=rng.randint(1, 730))).date())
        updated = created
        if rng.random() < 0.3:
            updated = created + (now - created) * rng.random()
        if revoked_at is not None:
            updated = max(updated, revoked_at)
        key_id = new_key_id()
        environment = "test" if env != "Prod" and rng.random() < 0.5 else "live"
        tail = "".join(rng.choice(BASE62) for _ in range(4))
        editor = owner.login if rng.random() < 0.8 else BENCH_ADMIN
        yield {
            "key_id": key_id,
            "prefix": prefix,
            "environment": environment,
            "name": name,
            "description": description,
            "owner_id": owner.id,
            "owner_name": owner.display_name,
            "masked": f"{prefix}_{environment}_{key_id}_…{tail}",
            "secret_hash": secret_hash,
            "state": state,
            "created_at": created,
            "created_by": editor,
            "updated_at": updated,
            "updated_by": editor,
            "last_used_at": last_used,
            "expires_at": expires,
            "revoked_at": revoked_at,
            "revoked_reason": revoked_reason,
            "version": 1 if updated == created else rng.randint(2, 6),
        }


def cheap_hash() -> str:
    """One argon2id hash (cheapest profile) of a throwaway token, shared by bulk rows."""
    return TokenHasher(FAST_FOR_TESTS).hash(generate_token().token.reveal())


def _batches(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _naive(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC).replace(tzinfo=None)


def _copy_keys(engine: Engine, rows: Iterator[dict[str, Any]]) -> int:
    """PostgreSQL: one COPY (timestamps are stored as naive UTC, as UTCDateTime does)."""
    stamps = {"created_at", "updated_at", "last_used_at", "expires_at", "revoked_at"}
    done = 0
    raw = engine.raw_connection()
    try:
        connection: Any = raw.driver_connection
        with connection.cursor() as cursor:
            statement = f"COPY api_keys ({', '.join(KEY_COLUMNS)}) FROM STDIN"
            with cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row([_naive(row[c]) if c in stamps else row[c] for c in KEY_COLUMNS])
                    done += 1
        connection.commit()
    finally:
        raw.close()
    return done


def insert_keys(
    engine: Engine,
    users: Sequence[SeedUser],
    count: int,
    rng: random.Random,
    *,
    now: datetime,
    secret_hash: str,
    odd_share: float = 0.01,
    rebuild_search: bool = True,
    progress: bool = False,
) -> int:
    """Bulk insert ``count`` keys. With ``rebuild_search`` the search structures are dropped
    first and rebuilt once at the end (much faster than maintaining them row by row)."""
    dialect = engine.dialect.name
    if rebuild_search:
        with engine.begin() as connection:
            search_schema.drop_search_structures(connection)
    rows = key_rows(count, users, rng, now=now, secret_hash=secret_hash, odd_share=odd_share)
    began = time.perf_counter()
    done = 0
    if dialect == "postgresql" and count > 0:
        done = _copy_keys(engine, rows)
    else:
        table = cast(sa.Table, ApiKey.__table__)
        with engine.connect() as connection:
            if dialect == "sqlite":
                # Seeding only: a crash means seeding again, so skip the fsyncs. (Straight to
                # the driver: these pragmas are refused inside the transaction SQLAlchemy
                # would begin.)
                raw: Any = connection.connection.dbapi_connection
                raw.execute("PRAGMA synchronous = OFF")
                raw.execute("PRAGMA cache_size = -1000000")
            for batch in _batches(rows, BATCH):
                with connection.begin():
                    connection.execute(stored_table(table, dialect).insert(), batch)
                done += len(batch)
                if progress:
                    rate = done / (time.perf_counter() - began)
                    print(f"  {done:>9,} keys  ({rate:,.0f}/s)", file=sys.stderr, end="\r")
            if dialect == "sqlite":
                raw.execute("PRAGMA synchronous = NORMAL")
    if progress:
        print(f"  {done:>9,} keys inserted in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    if rebuild_search:
        began = time.perf_counter()
        with engine.begin() as connection:
            if dialect == "postgresql":
                connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '1GB'")
            search_schema.create_search_structures(connection)
        if progress:
            print(f"  search index rebuilt in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    return done


def create_real_keys(url: str, count: int) -> list[str]:
    """``count`` keys made through the services (cheap argon2); returns their tokens."""
    from app.services import open_services

    services = open_services(url, hasher=TokenHasher(FAST_FOR_TESTS), operator_login=BENCH_ADMIN)
    try:
        tokens = []
        for n in range(count):
            created = services.keys.create(
                f"Verify Bench {n + 1:03d}",
                "Token for the verification benchmark. Owner: Platform "
                "(platform@company.com). Runs via the bench script.",
            )
            tokens.append(created.token.reveal())
        return tokens
    finally:
        services.close()


def write_tokens(path: Path, tokens: Sequence[str]) -> None:
    """One token per line in a file only its owner can read (replaced if it exists)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write("".join(f"{token}\n" for token in tokens))


#: The benchmarks' database when ``--database`` is not given.
DATABASE_ENV = "KEYWARD_BENCH_DATABASE"
#: Where the token file of a server database goes (default: ``bench-data`` here).
DATA_DIR_ENV = "KEYWARD_BENCH_DATA"


def add_database_argument(parser: argparse.ArgumentParser) -> None:
    """``--database URL``, defaulting to ``$KEYWARD_BENCH_DATABASE`` (one of them is needed)."""
    default = os.environ.get(DATABASE_ENV) or None
    parser.add_argument(
        "--database",
        default=default,
        required=default is None,
        help=f"sqlite:///PATH or a server URL (default: ${DATABASE_ENV})",
    )


def tokens_path_for(url: str) -> Path:
    """``<db>.tokens`` beside a SQLite file; ``$KEYWARD_BENCH_DATA/<db>.<dialect>.tokens`` else."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return Path(parsed.database + ".tokens")
    folder = Path(os.environ.get(DATA_DIR_ENV) or "bench-data")
    return folder / f"{parsed.database}.{parsed.get_backend_name()}.tokens"


def analyze(engine: Engine) -> None:
    """Planner statistics, as a database in use would have them."""
    dialect = engine.dialect.name
    if dialect == "postgresql":
        # VACUUM too (outside a transaction): the visibility map that autovacuum keeps in a
        # live database lets index-only scans skip the table.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM (ANALYZE) api_keys")
            connection.exec_driver_sql("VACUUM (ANALYZE) users")
        return
    with engine.begin() as connection:
        if dialect == "sqlite":
            connection.exec_driver_sql("ANALYZE")
        else:
            connection.exec_driver_sql("ANALYZE TABLE api_keys, users")


def reset_database(url: str) -> None:
    """Start from nothing: delete the SQLite file, or drop and create a keyward_bench* db."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            for suffix in ("", "-wal", "-shm", ".tokens"):
                Path(parsed.database + suffix).unlink(missing_ok=True)
        return
    name = parsed.database or ""
    if not name.startswith("keyward_bench"):
        raise SystemExit(f"--replace only drops databases named keyward_bench*, not {name!r}")
    # Connected to PostgreSQL's maintenance database, or to no database on MariaDB.
    admin_db = "postgres" if parsed.get_backend_name() == "postgresql" else None
    admin = sa.create_engine(parsed._replace(database=admin_db), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            force = " WITH (FORCE)" if parsed.get_backend_name() == "postgresql" else ""
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}{force}")
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
    finally:
        admin.dispose()


def seed(
    url: str,
    *,
    keys: int,
    users: int = 500,
    real_keys: int = 100,
    random_seed: int = 20261122,
    odd_share: float = 0.01,
    tokens_path: Path | None = None,
    progress: bool = False,
) -> SeedReport:
    began = time.perf_counter()
    rng = random.Random(random_seed)
    engine = create_engine(url)
    try:
        upgrade(engine)
        now = datetime.now(UTC)
        people = insert_users(engine, user_rows(users, rng, now), rng)
        owners = [user for user in people if user.login != BENCH_ADMIN]
        inserted = insert_keys(
            engine,
            owners or people,
            keys,
            rng,
            now=now,
            secret_hash=cheap_hash(),
            odd_share=odd_share,
            progress=progress,
        )
    finally:
        engine.dispose()
    path = None
    if real_keys:
        tokens = create_real_keys(url, real_keys)
        path = tokens_path or tokens_path_for(url)
        write_tokens(path, tokens)
    engine = create_engine(url)
    try:
        analyze(engine)
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return SeedReport(len(people), inserted, real_keys, time.perf_counter() - began, path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_argument(parser)
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--real-keys", type=int, default=100, help="keys made via the services")
    parser.add_argument("--seed", type=int, default=20261122, help="random seed")
    parser.add_argument("--tokens", type=Path, help="where the real tokens go (0600)")
    parser.add_argument(
        "--replace", action="store_true", help="delete the SQLite file / recreate keyward_bench*"
    )
    args = parser.parse_args(argv)
    if args.replace:
        reset_database(args.database)
    report = seed(
        args.database,
        keys=args.keys,
        users=args.users,
        real_keys=args.real_keys,
        random_seed=args.seed,
        tokens_path=args.tokens,
        progress=True,
    )
    print(
        f"seeded {report.keys:,} keys (+{report.real_keys} real) for {report.users} users "
        f"in {report.seconds:.1f} s"
        + (f"; tokens in {report.tokens_path} (0600)" if report.tokens_path else "")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
