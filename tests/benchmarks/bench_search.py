"""Search, sort, paging, count and verification timings on an already seeded database.

    uv run python -m tests.benchmarks.bench_search --database URL [--repeat 30] [--json OUT]

Everything is measured warm, through the public services API the console uses
(``Services.keys.page``, ``Services.keys.count``, ``Services.verifier().verify``), in one
process: each case runs a few times unmeasured, then ``--repeat`` times measured; the
median and the 95th percentile are reported (wall time: the work is in the database
server). Every search figure is also given as a ratio to a floor measured in the same run,
the bare ``SELECT id, key_id, name FROM api_keys ORDER BY id LIMIT 50`` over the same
connection pool (``--floor-repeat`` times, before and after the searches; the larger median
counts, as the machine is shared). For comparison the plain ``LIKE '%term%'`` over the four
searched columns (``ILIKE`` on PostgreSQL, where ``LIKE`` is case-sensitive) runs as raw SQL
for the same terms, fewer times (it is slow by design; ``--like-repeat 0`` skips it).

Seed first with ``tests.benchmarks.seed``; the operator is its ``bench-admin``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from app.data import key_queries
from app.domain.hashing import FAST_FOR_TESTS, TokenHasher
from app.domain.sorting import SortField
from app.services import Services, open_services
from app.services.dto import KeyQuery
from tests.benchmarks.seed import BENCH_ADMIN, add_database_argument, tokens_path_for

SEARCH_BUDGET_MS = 50
#: (kind, term): the seeder gives these terms the same share of keys at any size.
SEARCH_TERMS: tuple[tuple[str, str], ...] = (
    ("common", "prod"),
    ("common", "sync"),
    ("common", "jira"),
    ("common", "heron"),
    ("common, 2 words", "etl staging"),
    ("common, 2 words", "alerts dev"),
    ("near the limit", "müller"),
    ("rare", "kestrel"),
    ("rare, 3 words", "tickets to slack"),
    ("rare", "osprey"),
    ("rare (1 key)", "zebrafinch"),
    ("absent", "qwertzuiop"),
    ("1 char", "a"),
    ("1 char, rare", "%"),
    ("2 chars", "hu"),
    ("2 chars", "7q"),
    ("2 chars, absent", "q%"),
    ("% and _", "100%"),
    ("% and _", "w_e"),
    ("% and _, absent", "%_%"),
    ("quote", "o'brien"),
    ("non-ASCII", "zürich"),
    ("non-ASCII, case", "ÄBC"),
)
#: A search whose matches all sit far along one sort order (a person's name sorted by
#: owner, a name prefix sorted by name): the walk gives up and reads the candidates.
CLUSTERED: tuple[tuple[SortField, bool, str], ...] = (
    (SortField.OWNER, False, "müller"),
    (SortField.OWNER, False, "o'brien"),
    (SortField.NAME, False, "etl staging"),
    (SortField.NAME, False, "jira alerts"),
)
SORT_BUDGET_MS = 20
DEEP_PAGES = 200
DEEP_BUDGET_MS = 16


@dataclass
class Figure:
    group: str
    case: str
    median_ms: float
    p95_ms: float
    runs: int
    budget_ms: float | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.budget_ms is None:
            return ""
        return "ok" if self.p95_ms <= self.budget_ms else "MISS"


def measure(action: Callable[[], Any], repeat: int, warmup: int = 3) -> tuple[float, float]:
    """Median and 95th percentile of ``action``'s wall time, in milliseconds."""
    for _ in range(warmup):
        action()
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95


def plain_like_sql(dialect: str) -> str:
    """The scan the search plans replace: LIKE over every searched column, newest first."""
    op = "ILIKE" if dialect == "postgresql" else "LIKE"
    # MariaDB reads a backslash in a string literal as an escape; the others do not.
    escape = "'\\\\'" if dialect in {"mysql", "mariadb"} else "'\\'"
    columns = ("name", "description", "owner_name", "key_id")
    where = " OR ".join(f"{column} {op} :pattern ESCAPE {escape}" for column in columns)
    return (
        f"SELECT id, key_id, name FROM api_keys WHERE {where} "
        "ORDER BY created_at DESC, id DESC LIMIT 50"
    )


def like_pattern(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


FLOOR_SQL = "SELECT id, key_id, name FROM api_keys ORDER BY id LIMIT 50"


def measure_floor(services: Services, repeat: int) -> float:
    """Median wall time of the bare first page (the floor under any search's page)."""

    def bare() -> None:
        with services.engine.connect() as connection:
            connection.exec_driver_sql(FLOOR_SQL).all()

    return measure(bare, repeat, warmup=5)[0]


def plan_of(services: Services, term: str) -> str:
    describe = getattr(key_queries, "describe_search_plan", None)
    if describe is None:
        return "?"
    with services.context.read() as session:
        return str(describe(session, term))


def bench(
    services: Services,
    repeat: int,
    like_repeat: int,
    tokens: Sequence[str],
    floor_repeat: int = 200,
    only_search: bool = False,
) -> list[Figure]:
    figures: list[Figure] = []
    dialect = services.engine.dialect.name
    keys = services.keys

    def report(figure: Figure) -> None:
        figures.append(figure)
        budget = f"{figure.budget_ms:g}" if figure.budget_ms is not None else "-"
        print(
            f"{figure.group:<14} {figure.case:<42} {figure.median_ms:9.2f} {figure.p95_ms:9.2f}"
            f"  {budget:>6} {figure.verdict:<4} {figure.note}",
            flush=True,
        )

    print(f"{'group':<14} {'case':<42} {'median':>9} {'p95':>9}  budget", flush=True)
    total = keys.count()
    report(Figure("size", f"{total:,} keys", 0, 0, 0))

    # First page of a search, through the services, next to the plain LIKE scan.
    floor_before = measure_floor(services, floor_repeat)
    searched: list[tuple[Figure, str]] = []
    like_sql = sa.text(plain_like_sql(dialect))
    for kind, term in SEARCH_TERMS:
        query = KeyQuery(search=term)
        matches = keys.count(query)
        median, p95 = measure(lambda q=query: keys.page(q), repeat)  # type: ignore[misc]
        note = f"{matches:,} matches ({matches / max(total, 1):.2%}); {plan_of(services, term)}"
        figure = Figure("search", f"{kind}: {term!r}", median, p95, repeat, SEARCH_BUDGET_MS, note)
        report(figure)
        searched.append((figure, plan_of(services, term)))
    for field, descending, term in CLUSTERED:
        query = KeyQuery(search=term, sort=field, descending=descending)
        median, p95 = measure(lambda q=query: keys.page(q), repeat)  # type: ignore[misc]
        way = "desc" if descending else "asc"
        figure = Figure(
            "search",
            f"clustered: {field.value} {way}, {term!r}",
            median,
            p95,
            repeat,
            SEARCH_BUDGET_MS,
            plan_of(services, term),
        )
        report(figure)
        searched.append((figure, plan_of(services, term)))
    floor = max(floor_before, measure_floor(services, floor_repeat))
    report(Figure("floor", FLOOR_SQL, floor, floor, floor_repeat, None, "bare first page"))
    print(f"\n{'search case':<52} {'median':>8} {'floor':>6} {'ratio':>6}  plan", flush=True)
    for figure, plan in searched:
        mark = "  OVER 50 ms" if figure.median_ms > SEARCH_BUDGET_MS else ""
        print(
            f"{figure.case:<52} {figure.median_ms:8.2f} {floor:6.2f} "
            f"{figure.median_ms / floor:6.1f}  {plan}{mark}",
            flush=True,
        )
    print(flush=True)
    for kind, term in SEARCH_TERMS if like_repeat > 0 else ():

        def scan(pattern: str = like_pattern(term)) -> None:
            with services.engine.connect() as connection:
                connection.execute(like_sql, {"pattern": pattern}).all()

        median, p95 = measure(scan, like_repeat, warmup=1)
        report(Figure("plain LIKE", f"{kind}: {term!r}", median, p95, like_repeat))

    if only_search:
        return figures

    # First page sorted by each column, both ways (no search).
    for field in SortField:
        for descending in (False, True):
            query = KeyQuery(sort=field, descending=descending)
            median, p95 = measure(lambda q=query: keys.page(q), repeat)  # type: ignore[misc]
            way = "desc" if descending else "asc"
            report(Figure("sort", f"{field.value} {way}", median, p95, repeat, SORT_BUDGET_MS))
    for field, descending, term in (
        (SortField.NAME, False, "sync"),
        (SortField.LAST_USED, True, "kestrel"),
        (SortField.EXPIRES, False, "zebrafinch"),
        *CLUSTERED,
    ):
        query = KeyQuery(search=term, sort=field, descending=descending)
        median, p95 = measure(lambda q=query: keys.page(q), repeat)  # type: ignore[misc]
        way = "desc" if descending else "asc"
        report(
            Figure(
                "sort+search",
                f"{field.value} {way}, {term!r}",
                median,
                p95,
                repeat,
                SEARCH_BUDGET_MS,
                "clustered" if (field, descending, term) in CLUSTERED else "",
            )
        )

    # A deep keyset page: follow the cursor DEEP_PAGES pages in, then time one page.
    for field, descending in (
        (SortField.CREATED, True),
        (SortField.NAME, False),
        (SortField.LAST_USED, False),
    ):
        query = KeyQuery(sort=field, descending=descending)
        cursor = None
        walk_began = time.perf_counter()
        for _ in range(DEEP_PAGES):
            cursor = keys.page(query, cursor).next_cursor
        walk = time.perf_counter() - walk_began
        median, p95 = measure(lambda q=query, c=cursor: keys.page(q, c), repeat)  # type: ignore[misc]
        way = "desc" if descending else "asc"
        report(
            Figure(
                "deep page",
                f"page {DEEP_PAGES + 1}, {field.value} {way}",
                median,
                p95,
                repeat,
                DEEP_BUDGET_MS,
                f"walking {DEEP_PAGES} pages took {walk:.2f} s",
            )
        )
    query = KeyQuery(search="sync")
    cursor = None
    for _ in range(DEEP_PAGES):
        cursor = keys.page(query, cursor).next_cursor
    median, p95 = measure(lambda c=cursor: keys.page(query, c), repeat)  # type: ignore[misc]
    report(
        Figure("deep page", f"page {DEEP_PAGES + 1}, 'sync'", median, p95, repeat, DEEP_BUDGET_MS)
    )

    # Counts (the console shows them after the first page).
    for term in ("", "sync", "kestrel", "zebrafinch", "a"):
        query = KeyQuery(search=term)
        found = keys.count(query)
        median, p95 = measure(lambda q=query: keys.count(q), max(5, repeat // 3), warmup=1)  # type: ignore[misc]
        label = f"search {term!r}" if term else "all keys"
        report(Figure("count", label, median, p95, max(5, repeat // 3), None, f"{found:,}"))

    # The floor under any database call: one trivial statement's round trip.
    with services.engine.connect() as connection:
        median, p95 = measure(lambda: connection.exec_driver_sql("SELECT 1").all(), 2000, 100)
    report(
        Figure(
            "baseline", "SELECT 1 round trip", median, p95, 2000, None, f"{1000 / median:,.0f}/s"
        )
    )

    # Warm verification: every token verified once (argon2 runs, the cache fills), then the
    # tokens in a loop for a few seconds, timed per pass over all of them. The median pass
    # is the figure (a shared machine stalls now and then); the mean is in the note.
    if tokens:
        verifier = services.verifier(flush_interval=3600)
        began = time.perf_counter()
        for token in tokens:
            assert verifier.verify(token).valid, "a seeded token does not verify"
        cold_ms = (time.perf_counter() - began) * 1000 / len(tokens)
        passes: list[float] = []
        began = time.perf_counter()
        while time.perf_counter() - began < 5.0:
            start = time.perf_counter()
            for token in tokens:
                verifier.verify(token)
            passes.append((time.perf_counter() - start) * 1000 / len(tokens))
        passes.sort()
        median = statistics.median(passes)
        p95 = passes[min(len(passes) - 1, round(0.95 * (len(passes) - 1)))]
        mean = statistics.fmean(passes)
        report(
            Figure(
                "verify",
                f"warm, {len(tokens)} tokens in a loop",
                median,
                p95,
                len(passes) * len(tokens),
                1000 / 20_000,
                f"{1000 / median:,.0f} tokens/s at the median pass, {1000 / mean:,.0f}/s on "
                f"average (first verify of each {cold_ms:.2f} ms, cheap argon2 profile)",
            )
        )
        verifier.close()
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_argument(parser)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--like-repeat", type=int, default=5)
    parser.add_argument("--floor-repeat", type=int, default=200)
    parser.add_argument(
        "--only-search", action="store_true", help="first pages of searches and the floor only"
    )
    parser.add_argument("--tokens", type=Path, help="the seeder's token file")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    parser.add_argument(
        "--operator",
        default=BENCH_ADMIN,
        help=f"the Keyward login the run acts as (default {BENCH_ADMIN}); on a server, the "
        "database login of --database (a member's, say, to measure as that member)",
    )
    args = parser.parse_args(argv)
    path = args.tokens or tokens_path_for(args.database)
    tokens = path.read_text(encoding="ascii").split() if path.exists() else []
    if not tokens:
        print(f"no tokens at {path}: verification is skipped", file=sys.stderr)
    services = open_services(
        args.database, hasher=TokenHasher(FAST_FOR_TESTS), operator_login=args.operator
    )
    try:
        figures = bench(
            services, args.repeat, args.like_repeat, tokens, args.floor_repeat, args.only_search
        )
    finally:
        services.close()
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "database": services.engine.url.render_as_string(hide_password=True),
                    "dialect": services.engine.dialect.name,
                    "figures": [asdict(figure) | {"verdict": figure.verdict} for figure in figures],
                },
                indent=1,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
    misses = [figure for figure in figures if figure.verdict == "MISS"]
    print(f"{len(misses)} figure(s) over budget" if misses else "every figure within budget")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
