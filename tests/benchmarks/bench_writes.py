"""Per-operation write times and warm verification throughput, for whichever tree is current.

    cd TREE && uv run python PATH/TO/bench_writes.py --label old|new \
        [--postgres URL] [--mariadb URL] [--only sqlite,postgresql,mariadb] [--json OUT]
    uv run python -m tests.benchmarks.bench_writes --compare OLD.json[,OLD2.json…] NEW.json[,…]

``app`` is imported from the current directory's tree, so one copy of this script measures
two checkouts (e.g. a worktree of the last commit and the working tree) in the same session.

Each server run makes a database of its own (``keyward_bench_<hex>``, on the server of the
given URL, whose login must be allowed to create databases, roles and logins) and drops it
afterwards, with the per-database Keyward roles when the tree has them
(``app.data.server.*.drop_roles``). Server URLs come from ``--postgres``/``--mariadb`` or
``KEYWARD_BENCH_POSTGRES_URL``/``KEYWARD_BENCH_MARIADB_URL`` (then the test suite's
``KEYWARD_TEST_POSTGRES_URL``/``KEYWARD_TEST_MARIADB_URL``); a dialect without a URL is
skipped. SQLite uses a file in a temporary directory.

**Writes** go through the public services (``Services.keys.create``, ``edit`` of the
description, ``disable`` then ``enable`` timed as one pair, ``revoke``, and ``revoke_many``
of ``--bulk`` keys), opened as the schema owner with the cheap argon2 profile
(``FAST_FOR_TESTS``), so argon2's cost is not what is measured. The four single-key
operations run in rounds, interleaved (one key per round: create, edit, disable+enable,
revoke), after two unmeasured rounds; each bulk revocation's keys are created (unmeasured)
right before it (inserted directly as the schema owner, in one statement), spread over
the rounds. Between rounds the round-trip floor is sampled:
``SELECT 1`` through a SQLAlchemy connection held for the whole run (the path the services'
statements take). Figures are medians (and p95) in milliseconds, the median expressed in
floor round trips, so that two runs on a noisy machine can be compared, and the number of
statements the services sent per operation (cursor executions, commits and rollbacks),
which no noise changes.

**Verification** is ``Services.verifier().verify`` of one token, again and again after the
first call (argon2 runs once, then the cache answers; the key's row is read every time), in
chunks of 200 for ``--verify-seconds``, alternating with chunks of 200 raw-driver
``SELECT 1`` on a connection of the same login (the floor a verification cannot beat: one
round trip). Reported: verifications per second (total over the window, and at the median
chunk) beside the floor's rate. SQLite uses the STANDARD argon2 profile (its first,
uncached verification is shown); the servers verify as the owner and, where the tree has
the ``verifier`` role, also as a dedicated login (created with ``CREATE ROLE``/``CREATE
USER``, added with ``users.add(login, role="verifier")``, dropped afterwards).

Nothing is asserted about time: the figures are printed as a table and, with ``--json``,
saved for ``--compare``, which prints new/old ratios per operation and dialect.
"""

from __future__ import annotations

import os
import sys

# Measure the tree in the current directory, not the one this file happens to live in.
if os.getcwd() not in sys.path:
    sys.path.insert(0, os.getcwd())
elif sys.path[0] != os.getcwd():
    sys.path.remove(os.getcwd())
    sys.path.insert(0, os.getcwd())

import argparse
import contextlib
import gc
import importlib
import json
import secrets
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import make_url

ENV_URLS = {
    "postgresql": ("KEYWARD_BENCH_POSTGRES_URL", "KEYWARD_TEST_POSTGRES_URL"),
    "mariadb": ("KEYWARD_BENCH_MARIADB_URL", "KEYWARD_TEST_MARIADB_URL"),
}
DIALECTS = ("sqlite", "postgresql", "mariadb")
SERVER_MODULES = {"postgresql": "app.data.server.postgresql", "mariadb": "app.data.server.mariadb"}
CHUNK = 200
PASSWORD = "x"


@dataclass
class Figure:
    dialect: str
    group: str  # "write", "floor" or "verify"
    case: str
    median_ms: float = 0.0
    p95_ms: float = 0.0
    runs: int = 0
    floor_ms: float | None = None  # the same run's round-trip floor, for the ratio
    per_second: float | None = None  # verification: overall rate over the window
    median_per_second: float | None = None  # verification: rate at the median chunk
    note: str = ""
    statements: float | None = None  # write: statements sent per operation (median)

    @property
    def in_round_trips(self) -> float | None:
        if self.floor_ms is None or not self.floor_ms or self.group != "write":
            return None
        return self.median_ms / self.floor_ms


@dataclass
class Samples:
    times: dict[str, list[float]] = field(default_factory=dict)
    statements: dict[str, list[int]] = field(default_factory=dict)

    def add(self, case: str, ms: float, statements: int) -> None:
        self.times.setdefault(case, []).append(ms)
        self.statements.setdefault(case, []).append(statements)


def median_p95(times: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[
        min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))
    ]


def timed(action: Callable[[], Any]) -> float:
    began = time.perf_counter()
    action()
    return (time.perf_counter() - began) * 1000


# ----------------------------------------------------------------------- databases


def server_url(dialect: str, given: str | None) -> str | None:
    if given:
        return given
    for name in ENV_URLS[dialect]:
        if os.environ.get(name):
            return os.environ[name]
    return None


@contextlib.contextmanager
def fresh_database(dialect: str, base: str | None) -> Iterator[tuple[str, Callable[..., Any]]]:
    """A new empty database's URL, and a function to run admin SQL on its server."""
    if dialect == "sqlite":
        with tempfile.TemporaryDirectory(prefix="keyward-bench-") as directory:

            def no_admin(*_statements: str) -> None:
                raise RuntimeError("no server")

            yield f"sqlite:///{Path(directory) / 'keyward.db'}", no_admin
        return
    assert base is not None
    name = f"keyward_bench_{secrets.token_hex(5)}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)

    def run_admin(*statements: str) -> None:
        with admin.connect() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)

    run_admin(f"CREATE DATABASE {name}")
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False), run_admin
    finally:
        with admin.connect() as connection:
            if dialect == "postgresql":
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            else:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
            try:
                module: Any = importlib.import_module(SERVER_MODULES[dialect])
            except ImportError:
                module = None  # a tree without server-side enforcement has no roles to drop
            if module is not None and hasattr(module, "drop_roles"):
                module.drop_roles(connection, name)
        admin.dispose()


# ----------------------------------------------------------------------- writes


def insert_keys(services: Any, count: int, name: str) -> list[str]:
    """``count`` active keys of the operator, inserted directly as the schema owner.

    Faster than ``count`` calls of ``keys.create`` (the same for both trees, and not what is
    measured); no audit events are written for them. Where the tree keeps its tables under
    definer views (MariaDB: ``api_keys_data``), the table itself is written.
    """
    from app.data.models import ApiKey, User
    from app.domain.key_format import new_key_id

    engine = services.engine
    table = cast(sa.Table, ApiKey.__table__)
    if "api_keys_data" in sa.inspect(engine).get_table_names():
        table = table.to_metadata(sa.MetaData(), name="api_keys_data")
    users = cast(sa.Table, User.__table__)
    if "users_data" in sa.inspect(engine).get_table_names():
        users = users.to_metadata(sa.MetaData(), name="users_data")
    now = services.context.clock()
    login = services.context.login
    digest = services.hasher.hash("kw_live_not_a_real_token")
    ids = [new_key_id() for _ in range(count)]
    with engine.begin() as connection:
        owner = connection.execute(
            sa.select(users.c.id, users.c.display_name).where(users.c.login == login)
        ).one()
        connection.execute(
            table.insert(),
            [
                {
                    "key_id": key_id,
                    "prefix": "kw",
                    "environment": "live",
                    "name": f"{name} {n}",
                    "description": "bulk",
                    "owner_id": owner.id,
                    "owner_name": owner.display_name,
                    "masked": f"kw_live_{key_id}_…",
                    "secret_hash": digest,
                    "state": "active",
                    "created_at": now,
                    "created_by": login,
                    "updated_at": now,
                    "updated_by": login,
                    "version": 1,
                }
                for n, key_id in enumerate(ids)
            ],
        )
    return ids


def bench_writes(
    dialect: str, services: Any, repeat: int, bulk: int, bulk_repeat: int, label: str
) -> list[Figure]:
    keys = services.keys
    samples = Samples()
    floor: list[float] = []
    # The bulk revocations, spread evenly over the rounds.
    bulk_rounds = [
        min(repeat - 1, (2 * n + 1) * repeat // (2 * bulk_repeat)) for n in range(bulk_repeat)
    ]
    made = 0
    # Statements the services send (cursor executions, commits and rollbacks): the round
    # trips behind each figure, which no machine's noise changes.
    sent = [0]

    def count(*_args: Any) -> None:
        sent[0] += 1

    for event in ("before_cursor_execute", "commit", "rollback"):
        sa.event.listen(services.engine, event, count)

    def record(case: str, action: Callable[[], Any], measured: bool = True) -> None:
        before = sent[0]
        ms = timed(action)
        if measured:
            samples.add(case, ms, sent[0] - before)

    def one_round(number: int, measured: bool) -> None:
        nonlocal made
        made += 1
        name = f"Bench {label} {made}"
        created: list[Any] = []
        record("create", lambda: created.append(keys.create(name, "first description")), measured)
        key_id = created[0].key.key_id
        record(
            "edit (description)",
            lambda: keys.edit(key_id, description=f"round {number}"),
            measured,
        )
        record("disable + enable", lambda: (keys.disable(key_id), keys.enable(key_id)), measured)
        record("revoke", lambda: keys.revoke(key_id, "benchmark"), measured)

    def bulk_revoke() -> None:
        nonlocal made
        made += 1
        ids = insert_keys(services, bulk, f"Bench {label} bulk {made}")
        gc.collect()
        record(f"revoke_many ({bulk:,} keys)", lambda: keys.revoke_many(ids, "benchmark"))

    with services.engine.connect() as connection:

        def floor_sample(count: int) -> None:
            for _ in range(count):
                began = time.perf_counter()
                connection.exec_driver_sql("SELECT 1").all()
                floor.append((time.perf_counter() - began) * 1000)

        floor_sample(50)
        floor.clear()
        for number in range(2):
            one_round(-number, measured=False)
        for number in range(repeat):
            one_round(number, measured=True)
            floor_sample(40)
            for _ in range(bulk_rounds.count(number)):
                bulk_revoke()
                floor_sample(40)

    floor_median, floor_p95 = median_p95(floor)
    figures = [
        Figure(
            dialect,
            "floor",
            "SELECT 1 round trip (SQLAlchemy)",
            floor_median,
            floor_p95,
            len(floor),
            floor_median,
            1000 / floor_median,
        )
    ]
    for case, times in samples.times.items():
        median, p95 = median_p95(times)
        note = f"{median / bulk * 1000:.0f} µs per key" if case.startswith("revoke_many") else ""
        figures.append(
            Figure(
                dialect,
                "write",
                case,
                median,
                p95,
                len(times),
                floor_median,
                note=note,
                statements=statistics.median(samples.statements[case]),
            )
        )
    return figures


# ----------------------------------------------------------------------- verification


def bench_verify(dialect: str, services: Any, token: str, seconds: float, who: str) -> list[Figure]:
    """Warm verification of one token, alternating with raw ``SELECT 1`` on the same login."""
    verifier = services.verifier()
    began = time.perf_counter()
    result = verifier.verify(token)
    first_ms = (time.perf_counter() - began) * 1000
    if not result.valid:
        raise RuntimeError(f"the benchmark token does not verify as {who}: {result}")
    pooled = services.engine.raw_connection()
    cursor = pooled.cursor()
    prepare = {"prepare": True} if services.engine.dialect.name == "postgresql" else {}
    for _ in range(50):
        verifier.verify(token)
        cursor.execute("SELECT 1", **prepare)
        cursor.fetchall()
    verify_chunks: list[float] = []
    floor_chunks: list[float] = []
    verified = 0
    verify_time = 0.0
    gc.collect()
    try:
        window = time.perf_counter()
        while time.perf_counter() - window < seconds:
            start = time.perf_counter()
            for _ in range(CHUNK):
                verifier.verify(token)
            spent = time.perf_counter() - start
            verify_chunks.append(spent)
            verify_time += spent
            verified += CHUNK
            start = time.perf_counter()
            for _ in range(CHUNK):
                cursor.execute("SELECT 1", **prepare)
                cursor.fetchall()
            floor_chunks.append(time.perf_counter() - start)
        last = verifier.verify(token)
        if not last.valid:
            raise RuntimeError(f"the benchmark token stopped verifying as {who}: {last}")
    finally:
        cursor.close()
        pooled.close()
    verify_median = statistics.median(verify_chunks)
    floor_median = statistics.median(floor_chunks)
    floor_ms = floor_median * 1000 / CHUNK
    return [
        Figure(
            dialect,
            "verify",
            f"warm verify, {who}",
            verify_median * 1000 / CHUNK,
            median_p95([c * 1000 / CHUNK for c in verify_chunks])[1],
            verified,
            floor_ms,
            verified / verify_time,
            CHUNK / verify_median,
            f"first (uncached) verify {first_ms:.1f} ms; floor (raw SELECT 1, same login) "
            f"{1000 / floor_ms:,.0f}/s",
        )
    ]


def make_verifier_login(dialect: str, run_admin: Callable[..., Any]) -> tuple[str, str]:
    login = f"kw_bench_svc_{secrets.token_hex(4)}"
    if dialect == "postgresql":
        run_admin(f"CREATE ROLE {login} LOGIN PASSWORD '{PASSWORD}'")
        return login, f"DROP ROLE IF EXISTS {login}"
    run_admin(f"CREATE USER '{login}'@'127.0.0.1' IDENTIFIED BY '{PASSWORD}'")
    return login, f"DROP USER IF EXISTS '{login}'@'127.0.0.1'"


def bench_verifier_login(dialect: str, url: str, login: str, seconds: float) -> list[Figure]:
    """Add ``login`` as a verifier (as the owner), then verify a token over its own connection."""
    from app.domain.hashing import FAST_FOR_TESTS, TokenHasher
    from app.services import open_services

    owner = open_services(url, hasher=TokenHasher(FAST_FOR_TESTS))
    try:
        owner.users.add(login, role="verifier")
        token = owner.keys.create("Bench verify svc", "verified").token.reveal()
    finally:
        owner.close()
    login_url = make_url(url).set(username=login, password=PASSWORD)
    services = open_services(
        login_url.render_as_string(hide_password=False), hasher=TokenHasher(FAST_FOR_TESTS)
    )
    try:
        return bench_verify(dialect, services, token, seconds, "verifier login")
    finally:
        services.close()


def has_verifier_role() -> bool:
    from app.domain.roles import Role

    return any(role.value == "verifier" for role in Role)


# ----------------------------------------------------------------------- one dialect


def bench_dialect(dialect: str, base: str | None, args: argparse.Namespace) -> list[Figure]:
    from app.domain.hashing import FAST_FOR_TESTS, STANDARD, TokenHasher
    from app.services import open_services

    figures: list[Figure] = []
    with fresh_database(dialect, base) as (url, run_admin):
        services = open_services(url, hasher=TokenHasher(FAST_FOR_TESTS), create_schema=True)
        try:
            figures += bench_writes(
                dialect, services, args.repeat, args.bulk, args.bulk_repeat, args.label
            )
            if dialect != "sqlite":
                token = services.keys.create("Bench verify", "verified").token.reveal()
                figures += bench_verify(
                    dialect, services, token, args.verify_seconds, "owner login"
                )
        finally:
            services.close()
        if dialect == "sqlite":
            # A second file, hashed with the STANDARD profile: the hasher a person's runs get.
            standard_url = url.replace("keyward.db", "keyward-standard.db")
            services = open_services(standard_url, hasher=TokenHasher(STANDARD), create_schema=True)
            try:
                token = services.keys.create("Bench verify", "verified").token.reveal()
                figures += bench_verify(
                    dialect, services, token, args.verify_seconds, "OS login, STANDARD argon2"
                )
            finally:
                services.close()
        elif has_verifier_role():
            login, drop = make_verifier_login(dialect, run_admin)
            try:
                figures += bench_verifier_login(dialect, url, login, args.verify_seconds)
            finally:
                try:
                    run_admin(drop)
                except Exception as error:
                    print(f"could not drop the login {login}: {error}", file=sys.stderr)
    return figures


# ----------------------------------------------------------------------- output


def print_figures(figures: Sequence[Figure]) -> None:
    print(
        f"{'dialect':<10} {'case':<40} {'median':>9} {'p95':>9} {'n':>6} {'×floor':>7}"
        f" {'stmts':>6}  note",
        flush=True,
    )
    for figure in figures:
        if figure.group == "verify":
            print(
                f"{figure.dialect:<10} {figure.case:<40} {figure.median_ms:9.4f} "
                f"{figure.p95_ms:9.4f} {figure.runs:>6} {'':>7} {'':>6}  "
                f"{figure.per_second:,.0f}/s overall, {figure.median_per_second:,.0f}/s at the "
                f"median chunk; {figure.note}",
                flush=True,
            )
            continue
        ratio = figure.in_round_trips
        rate = f"{figure.per_second:,.0f}/s" if figure.group == "floor" else ""
        stmts = "" if figure.statements is None else f"{figure.statements:g}"
        print(
            f"{figure.dialect:<10} {figure.case:<40} {figure.median_ms:9.3f} {figure.p95_ms:9.3f} "
            f"{figure.runs:>6} {'' if ratio is None else f'{ratio:7.1f}':>7} {stmts:>6}"
            f"  {rate}{figure.note}",
            flush=True,
        )


def tree_description() -> dict[str, str]:
    import app

    root = Path(app.__file__).resolve().parent.parent
    info = {"app": str(Path(app.__file__).resolve().parent)}
    with contextlib.suppress(Exception):
        info["commit"] = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "app"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        info["app_changes"] = "uncommitted changes under app/" if dirty else "clean"
    return info


def load(paths: str) -> list[dict[str, Any]]:
    return [json.loads(Path(path).read_text(encoding="utf-8")) for path in paths.split(",") if path]


def pooled(runs: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, float]]:
    """Per (dialect, case): the median over runs of each run's median, rate and floor ratio."""
    values: dict[tuple[str, str], dict[str, list[float]]] = {}
    for run in runs:
        for figure in run["figures"]:
            slot = values.setdefault((figure["dialect"], figure["case"]), {})
            slot.setdefault("median_ms", []).append(figure["median_ms"])
            if figure.get("in_round_trips") is not None:
                slot.setdefault("round_trips", []).append(figure["in_round_trips"])
            if figure.get("per_second") is not None:
                slot.setdefault("per_second", []).append(figure["per_second"])
            if figure.get("floor_ms"):
                slot.setdefault("floor_ms", []).append(figure["floor_ms"])
    return {
        key: {name: statistics.median(series) for name, series in slot.items()}
        for key, slot in values.items()
    }


def compare(old_paths: str, new_paths: str) -> int:
    old, new = pooled(load(old_paths)), pooled(load(new_paths))
    print(
        f"{'dialect':<10} {'case':<40} {'old':>10} {'new':>10} {'new/old':>8}"
        f" {'old RT':>7} {'new RT':>7} {'new/old':>8}"
    )
    for key in [*old, *(k for k in new if k not in old)]:
        dialect, case = key
        before, after = old.get(key), new.get(key)
        if before is None or after is None:
            present = after if after is not None else before
            assert present is not None
            which = "new" if after is not None else "old"
            value = (
                f"{present['per_second']:,.0f}/s"
                if "verify" in case
                else f"{present['median_ms']:.3f} ms"
            )
            print(f"{dialect:<10} {case:<40} only in {which}: {value}")
            continue
        if "verify" in case:
            ratio = after["per_second"] / before["per_second"]
            print(
                f"{dialect:<10} {case:<40} {before['per_second']:>8,.0f}/s "
                f"{after['per_second']:>8,.0f}/s {ratio:8.2f}"
                f"   (floor {1000 / before['floor_ms']:,.0f}/s → {1000 / after['floor_ms']:,.0f}/s)"
            )
            continue
        ratio = after["median_ms"] / before["median_ms"]
        trips = ""
        if "round_trips" in before and "round_trips" in after:
            trips = (
                f" {before['round_trips']:7.1f} {after['round_trips']:7.1f}"
                f" {after['round_trips'] / before['round_trips']:8.2f}"
            )
        print(
            f"{dialect:<10} {case:<40} {before['median_ms']:8.3f}ms {after['median_ms']:8.3f}ms"
            f" {ratio:8.2f}{trips}"
        )
    print("ms: median per operation (median over runs); RT: the same in SELECT 1 round trips")
    print("verify: verifications per second; new/old > 1 is faster")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--label", default="", help="names this run in the output (old, new)")
    parser.add_argument(
        "--postgres",
        help="PostgreSQL server URL (a login that may create "
        "databases and roles); default $KEYWARD_BENCH_POSTGRES_URL",
    )
    parser.add_argument(
        "--mariadb",
        help="MariaDB server URL (a login that may create "
        "databases and users); default $KEYWARD_BENCH_MARIADB_URL",
    )
    parser.add_argument(
        "--only",
        default=",".join(DIALECTS),
        help="comma-separated dialects to run (default: all with a URL)",
    )
    parser.add_argument("--repeat", type=int, default=25, help="measured rounds per dialect")
    parser.add_argument("--bulk", type=int, default=1000, help="keys per revoke_many")
    parser.add_argument("--bulk-repeat", type=int, default=3, help="revoke_many runs")
    parser.add_argument(
        "--verify-seconds", type=float, default=2.0, help="each verification window"
    )
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    parser.add_argument(
        "--compare",
        nargs=2,
        metavar=("OLD", "NEW"),
        help="print new/old ratios of saved runs (comma-separated files each)",
    )
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.compare)

    tree = tree_description()
    print(f"tree: {tree}", flush=True)
    wanted = [name.strip() for name in args.only.split(",") if name.strip()]
    figures: list[Figure] = []
    for dialect in wanted:
        if dialect not in DIALECTS:
            parser.error(f"unknown dialect {dialect!r}")
        base = (
            None
            if dialect == "sqlite"
            else server_url(
                dialect, getattr(args, "postgres" if dialect == "postgresql" else "mariadb")
            )
        )
        if dialect != "sqlite" and base is None:
            print(
                f"{dialect}: no server URL (--{dialect if dialect == 'mariadb' else 'postgres'} "
                f"or ${ENV_URLS[dialect][0]}); skipped",
                file=sys.stderr,
            )
            continue
        began = time.perf_counter()
        found = bench_dialect(dialect, base, args)
        print_figures(found)
        print(f"({dialect}: {time.perf_counter() - began:.0f} s)", flush=True)
        figures += found
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "label": args.label,
                    "tree": tree,
                    "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
                    "settings": {
                        "repeat": args.repeat,
                        "bulk": args.bulk,
                        "bulk_repeat": args.bulk_repeat,
                        "verify_seconds": args.verify_seconds,
                    },
                    "figures": [
                        asdict(figure) | {"in_round_trips": figure.in_round_trips}
                        for figure in figures
                    ],
                },
                indent=1,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
