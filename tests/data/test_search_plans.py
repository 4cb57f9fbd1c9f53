"""Every search plan returns exactly the keys a plain Python filter finds, in sort order.

A few thousand keys are bulk inserted with the benchmark seeder (a quarter of them carry
%, _, quotes, backslashes and non-ASCII text), then each plan is forced in turn: the
trigram candidates, the walk along the sort index, a walk cut short that finishes from the
candidates and, for 1-2 character terms, the short probe's outcomes (through the module's
limits; MariaDB always walks, so there its "candidates" run is a second walk). For every
sort field in both directions the pages are followed cursor by cursor to the end, and the
whole sequence of ids must equal a Python sort of the Python filter's result: NULLs
smallest, ties broken by id.
"""

from __future__ import annotations

import contextlib
import random
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.data import key_queries
from app.data.engine import create_engine
from app.data.key_queries import KeyFilter
from app.data.models import ApiKey
from app.data.schema import upgrade
from app.data.server import search_mariadb_sql
from app.domain.sorting import SortField
from app.domain.status import KeyState, KeyStatus, derive_status
from tests.benchmarks.seed import BENCH_ADMIN, analyze, insert_keys, insert_users, user_rows
from tests.support import fresh_server_database

KEYS = 3000
TERMS = (
    "sync",  # common
    "heron",  # a few dozen
    "kestrel",  # a handful
    "zebrafinch",  # one
    "no such words here",  # none
    "100%",
    "w_e",
    "%_d",
    "o'brien",
    '"critical"',
    r"c:\etl",
    "zürich",
    "ZÜRICH",
    "ÄBC",
    "äbc",
    # too short for trigrams
    "%",
    "_",
    "\\",
    "'",
    "ü",
    "%_",
    "Äb",
    "q%",
)
NOW = datetime.now(UTC)


@pytest.fixture
def seeded(database_url: str) -> Iterator[Engine]:
    engine = create_engine(database_url)
    upgrade(engine)
    rng = random.Random(7)
    now = datetime.now(UTC)
    people = insert_users(engine, user_rows(40, rng, now), rng)
    owners = [person for person in people if person.login != BENCH_ADMIN]
    insert_keys(engine, owners, KEYS, rng, now=now, secret_hash="unused", odd_share=0.25)
    analyze(engine)
    yield engine
    engine.dispose()


def _dialect(engine: Engine) -> str:
    name = engine.dialect.name
    return "mariadb" if name in {"mysql", "mariadb"} else name


def _fold(dialect: str) -> Callable[[str], str]:
    """Case-insensitive, accents significant, everywhere (for this data: no ß, no ligatures)."""
    return str.lower


def _text_key(engine: Engine) -> Callable[[str], Any] | None:
    """How the database orders names and owners, or None when Python cannot mimic it."""
    dialect = _dialect(engine)
    if dialect == "sqlite":
        ascii_lower = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
        return lambda text: text.translate(ascii_lower)  # NOCASE folds ASCII only
    with engine.connect() as connection:
        if dialect == "postgresql":
            collation = connection.exec_driver_sql(
                "SELECT coalesce(c.collation_name, d.datcollate) "
                "FROM information_schema.columns c, pg_database d "
                "WHERE c.table_name = 'api_keys' AND c.column_name = 'name' "
                "AND d.datname = current_database()"
            ).scalar_one()
            return (lambda text: text) if collation in {"C", "POSIX", "C.UTF-8"} else None
        collation = connection.exec_driver_sql(
            "SELECT collation_name FROM information_schema.columns WHERE "
            "table_schema = DATABASE() AND table_name = 'api_keys' AND column_name = 'name'"
        ).scalar_one()
    if collation == "utf8mb4_general_ci":

        def general_ci(text: str) -> str:
            decomposed = unicodedata.normalize("NFD", text)
            return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()

        return general_ci
    return None


def _expected(
    rows: list[ApiKey],
    sort: SortField,
    descending: bool,
    text_key: Callable[[str], Any] | None,
    database_order: dict[SortField, dict[int, int]],
) -> list[int]:
    attribute = str(key_queries.SORT_COLUMNS[sort].key)

    def key(row: ApiKey) -> tuple[int, Any, int]:
        value = getattr(row, attribute)
        if value is None:
            return (0, 0, row.id)  # NULL is the smallest value
        if sort in database_order:
            value = database_order[sort][row.id]
        elif isinstance(value, str) and text_key is not None:
            value = text_key(value)
        return (1, value, row.id)

    return [row.id for row in sorted(rows, key=key, reverse=descending)]


def _all_pages(
    session: Session, key_filter: KeyFilter, sort: SortField, descending: bool, size: int
) -> list[int]:
    ids: list[int] = []
    cursor = None
    while True:
        rows, cursor = key_queries.fetch_page(
            session,
            key_filter,
            sort=sort,
            descending=descending,
            limit=size,
            now=NOW,
            after=cursor,
        )
        ids.extend(row.id for row in rows)
        if cursor is None:
            return ids
        assert len(ids) <= KEYS + 200, "the cursors never reach the end"


@contextmanager
def _forced(plan: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with monkeypatch.context() as patch:
        limit = 10**9 if plan == "candidates" else 0
        patch.setattr(key_queries, "RARE_LIMIT", limit)
        patch.setattr(key_queries, "SHORT_PROBE_LIMIT", limit)
        # PostgreSQL's sample of the keys decides by share too.
        patch.setattr(key_queries, "PG_CROSSOVER", 1e18 if plan == "candidates" else 0.0)
        if plan == "walk+candidates":
            # Walks give up after a few rows and finish from the candidates.
            patch.setattr(key_queries, "WALK_LIMIT", 5)
            patch.setattr(key_queries, "SHORT_WALK_LIMIT", 5)
            patch.setattr(key_queries, "PG_LONGEST_WALK", 5)
        yield


PLANS = ("candidates", "walk", "walk+candidates")


def _diverge(got: list[int], want: list[int]) -> int:
    for index, (a, b) in enumerate(zip(got, want, strict=False)):
        if a != b:
            return index
    return min(len(got), len(want))


def _matches(term: str, row: ApiKey, fold: Callable[[str], str]) -> bool:
    fields = (row.name, row.description, row.owner_name, row.key_id)
    needle = fold(term)
    return any(needle in fold(field) for field in fields)


# Three plans x 23 terms x 14 orders, paged to the end: minutes on MariaDB on a busy 2-CPU box.
@pytest.mark.timeout(900)
def test_every_plan_pages_through_exactly_the_python_result(
    seeded: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialect = _dialect(seeded)
    fold = _fold(dialect)
    text_key = _text_key(seeded)
    with Session(seeded) as session:
        rows = list(session.execute(sa.select(ApiKey)).scalars())
        session.expunge_all()
        database_order = {}
        if text_key is None:  # fall back to the database's own plain ORDER BY
            for sort in (SortField.NAME, SortField.OWNER):
                column = key_queries.SORT_COLUMNS[sort]
                ordered = session.execute(
                    sa.select(ApiKey.id).order_by(column, ApiKey.id)
                ).scalars()
                database_order[sort] = {pk: rank for rank, pk in enumerate(ordered)}
    assert len(rows) == KEYS
    failures: list[str] = []
    for term in TERMS:
        found = [row for row in rows if _matches(term, row, fold)]
        # A few pages per term, whatever its frequency, so that boundaries get crossed.
        size = max(7, len(found) // 2)
        for plan in PLANS:
            with (
                Session(seeded) as session,
                session.begin(),
                _forced(plan, monkeypatch),
            ):
                if dialect == "sqlite" and found:
                    chosen = key_queries.describe_search_plan(session, term)
                    assert plan.startswith(chosen), f"{term!r}: forced {plan}, got {chosen}"
                key_filter = KeyFilter(search=term)
                counted = key_queries.count_keys(session, key_filter, NOW)
                if counted != len(found):
                    failures.append(f"{term!r} {plan}: count {counted} != {len(found)}")
                for sort in SortField:
                    for descending in (False, True):
                        got = _all_pages(session, key_filter, sort, descending, size)
                        want = _expected(found, sort, descending, text_key, database_order)
                        if got != want:
                            way = "desc" if descending else "asc"
                            failures.append(
                                f"{term!r} {plan} {sort.value} {way}: {len(got)} ids, "
                                f"expected {len(want)}, first wrong at {_diverge(got, want)}"
                            )
    assert not failures, "\n".join(failures[:40])
    # Non-trivial data: the odd text really is there.
    assert any(_matches("ÄBC", row, fold) for row in rows)
    assert any(_matches("100%", row, fold) for row in rows)


@pytest.mark.timeout(600)
def test_search_combines_with_status_and_owner_filters(
    seeded: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialect = _dialect(seeded)
    fold = _fold(dialect)
    with Session(seeded) as session:
        rows = list(session.execute(sa.select(ApiKey)).scalars())
        session.expunge_all()
    owners = [row.owner_id for row in rows]
    owner_id = max(set(owners), key=owners.count)  # the owner with most keys
    newest_first = sorted(rows, key=lambda row: (row.created_at, row.id), reverse=True)
    for term in ("sync", "kestrel", "ü", "%"):
        for status in (KeyStatus.ACTIVE, KeyStatus.REVOKED, KeyStatus.EXPIRED):
            key_filter = KeyFilter(search=term, status=status)
            want = [
                row.id
                for row in newest_first
                if _matches(term, row, fold)
                and derive_status(KeyState(row.state), row.expires_at, NOW) is status
            ]
            for plan in PLANS:
                with (
                    Session(seeded) as session,
                    session.begin(),
                    _forced(plan, monkeypatch),
                ):
                    got = _all_pages(session, key_filter, SortField.CREATED, True, 11)
                    assert got == want, (term, status, plan)
                    assert key_queries.count_keys(session, key_filter, NOW) == len(want)
        key_filter = KeyFilter(search=term, owner_id=owner_id)
        want = [
            row.id for row in newest_first if _matches(term, row, fold) and row.owner_id == owner_id
        ]
        for plan in PLANS:
            with (
                Session(seeded) as session,
                session.begin(),
                _forced(plan, monkeypatch),
            ):
                got = _all_pages(session, key_filter, SortField.CREATED, True, 5)
                assert got == want, (term, "owner", plan)
                assert key_queries.count_keys(session, key_filter, NOW) == len(want)


@pytest.fixture(scope="module")
def odd_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, list[ApiKey]]]:
    """A SQLite file of KEYS keys, a quarter of them with odd names and sentences."""
    engine = create_engine(f"sqlite:///{tmp_path_factory.mktemp('split') / 'keyward.db'}")
    upgrade(engine)
    rng = random.Random(11)
    people = insert_users(engine, user_rows(60, rng, NOW), rng)
    owners = [person for person in people if person.login != BENCH_ADMIN]
    insert_keys(engine, owners, KEYS, rng, now=NOW, secret_hash="unused", odd_share=0.25)
    with Session(engine) as session:
        rows = list(session.execute(sa.select(ApiKey)).scalars())
        session.expunge_all()
    yield engine, rows
    engine.dispose()


def _spied(monkeypatch: pytest.MonkeyPatch, name: str) -> list[bool]:
    """Record, for each call of key_queries' ``name``, whether it answered (not None; for a
    question, its answer)."""
    answered: list[bool] = []
    original = getattr(key_queries, name)

    def spy(*args: Any) -> Any:
        result = original(*args)
        answered.append(result if isinstance(result, bool) else result is not None)
        return result

    monkeypatch.setattr(key_queries, name, spy)
    return answered


def _held_in(term: str, row: ApiKey, attributes: tuple[str, ...]) -> bool:
    return any(term.lower() in getattr(row, attribute).lower() for attribute in attributes)


def _paged_as_python(
    engine: Engine, rows: list[ApiKey], term: str, sort: SortField, status: KeyStatus | None
) -> None:
    """Every page of ``term`` sorted by ``sort`` both ways is the Python result."""
    text_key = _text_key(engine)
    kept = [
        row
        for row in rows
        if _matches(term, row, str.lower)
        and (status is None or derive_status(KeyState(row.state), row.expires_at, NOW) is status)
    ]
    for descending in (False, True):
        with Session(engine) as session, session.begin():
            key_filter = KeyFilter(search=term, status=status)
            got = _all_pages(session, key_filter, sort, descending, 9)
        assert got == _expected(kept, sort, descending, text_key, {}), (term, status, descending)


def _names_both_ways(
    engine: Engine, rows: list[ApiKey], terms: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page of each term sorted by name is the Python result, walks forced (and cut
    short), with the name index read far enough to fill a page and not; both ways are taken
    (the names read, or the candidates), and the names are asked first or after the walk."""
    named = _spied(monkeypatch, "_by_names_holding")
    names_first = _spied(monkeypatch, "_names_hold_most")
    monkeypatch.setattr(key_queries, "WALK_LIMIT", 5)
    monkeypatch.setattr(key_queries, "RARE_LIMIT", 0)
    outcomes: set[bool] = set()
    for walk_limit in (KEYS, 40):
        monkeypatch.setattr(key_queries, "NAME_WALK_LIMIT", walk_limit)
        for term in terms:
            for status in (None, KeyStatus.REVOKED):
                named.clear()
                _paged_as_python(engine, rows, term, SortField.NAME, status)
                outcomes.update(named)
                if walk_limit < KEYS and not any(_held_in(term, row, ("name",)) for row in rows):
                    assert not any(named), term  # no name to fill a page: the candidates
    assert outcomes == {True, False}  # both ways were taken
    assert set(names_first) == {True, False}  # names asked first, or after the walk


def _owners_both_ways(
    engine: Engine,
    rows: list[ApiKey],
    terms: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
    fold: Callable[[str], str] = str.lower,
) -> None:
    """Sorted by owner, every page of each term is the Python result, with the keys of the
    owners whose names hold it read from the owner index whenever one does (``fold``: how
    the database's list of names compares), the other columns' search walked, finished from
    the candidates, or candidates alone; with more owner names than the limit, the walk."""
    split = _spied(monkeypatch, "_owner_names_holding")
    monkeypatch.setattr(key_queries, "WALK_LIMIT", 5)
    checked = 0
    for term in terms:
        found = [row for row in rows if _matches(term, row, str.lower)]
        by_owner = any(fold(term) in fold(row.owner_name) for row in rows)
        elsewhere = [row for row in found if _held_in(term, row, ("name", "description", "key_id"))]
        # The whole term walks (more matches than the limit); the other columns' search is
        # candidates alone (limit above their count) or a walk finished from them.
        for rare_limit in {max(len(elsewhere), 1), 0}:
            if len(found) <= rare_limit:
                continue
            monkeypatch.setattr(key_queries, "RARE_LIMIT", rare_limit)
            for status in (None, KeyStatus.ACTIVE):
                split.clear()
                _paged_as_python(engine, rows, term, SortField.OWNER, status)
                assert split and split == [by_owner] * len(split), term
                checked += by_owner
    assert checked >= 8
    # More owner names than the limit: no split, the same pages.
    monkeypatch.setattr(key_queries, "OWNER_NAMES_LIMIT", 10)
    split.clear()
    _paged_as_python(engine, rows, "o'brien", SortField.OWNER, None)
    assert split and not any(split)


@pytest.mark.timeout(300)
def test_sqlite_sorted_by_owner_reads_the_keys_of_owners_holding_the_term_from_the_index(
    odd_sqlite: tuple[Engine, list[ApiKey]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sorted by owner, a term many keys hold whose matches are mostly an owner's name: the
    keys of the owners holding it come straight from the owner index, the rest from a search
    of the other columns, and the pages are the Python result (see _owners_both_ways)."""
    engine, rows = odd_sqlite
    terms = ("o'brien", "müller", "MÜLLER", "jürgen", "smith", "sync")
    _owners_both_ways(engine, rows, terms, monkeypatch)


@pytest.mark.timeout(300)
def test_sqlite_sorted_by_name_finishes_a_short_walk_from_the_name_index(
    odd_sqlite: tuple[Engine, list[ApiKey]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sorted by name, a walk that fell short is finished from the name index when names
    that hold the term fill the page within NAME_WALK_LIMIT rows (and the other columns'
    keys up to the last of them are searched apart); else from the candidates, as before.
    Either way every page is the Python result."""
    engine, rows = odd_sqlite
    terms = ("sync", "o'brien", "zürich", "ÄBC", "äbc", "100%", "kestrel")
    _names_both_ways(engine, rows, terms, monkeypatch)
    # The names fill the page within WALK_LIMIT rows: the other columns are walked up to
    # the last of them (no search of their own), and the pages are still the Python result.
    planned: list[int] = []
    plan = key_queries._plan_sqlite

    def counted(*args: Any) -> Any:
        planned.append(len(args))  # 3: a search of the other columns alone
        return plan(*args)

    monkeypatch.setattr(key_queries, "_plan_sqlite", counted)
    monkeypatch.setattr(key_queries, "WALK_LIMIT", KEYS)
    monkeypatch.setattr(key_queries, "NAME_WALK_LIMIT", KEYS)
    for term in ("äbc", "export", "reporting"):  # held by names in most of their keys
        planned.clear()
        _paged_as_python(engine, rows, term, SortField.NAME, None)
        # Every page plans the term (2 arguments); the other columns get their own plan
        # (3) only on pages past the last name that holds it.
        assert planned.count(2) > 6 and planned.count(3) < planned.count(2) / 2, planned


@pytest.fixture(scope="module")
def odd_mariadb() -> Iterator[tuple[Engine, list[ApiKey]]]:
    """A MariaDB database of KEYS keys, a quarter of them with odd names and sentences."""
    databases = fresh_server_database("mariadb")
    engine = create_engine(next(databases))
    upgrade(engine)
    rng = random.Random(11)
    # Two owners whose names utf8mb4_general_ci holds equal (accents and case ignored).
    alike = [
        {**user_rows(0, rng, NOW)[0], "login": login, "display_name": name, "role": "member"}
        for login, name in (("zoe.angstrom", "Zoe Angstrom"), ("zoe.angstrom2", "ZOË ÄNGSTRÖM"))
    ]
    people = insert_users(engine, [*user_rows(60, rng, NOW), *alike], rng)
    owners = [person for person in people if person.login != BENCH_ADMIN]
    insert_keys(engine, owners, KEYS, rng, now=NOW, secret_hash="unused", odd_share=0.25)
    analyze(engine)
    with Session(engine) as session:
        rows = list(session.execute(sa.select(ApiKey)).scalars())
        session.expunge_all()
    yield engine, rows
    engine.dispose()
    with contextlib.suppress(StopIteration):
        next(databases)


@pytest.mark.timeout(600)
def test_mariadb_sorted_by_name_reads_the_names_along_the_name_index(
    odd_mariadb: tuple[Engine, list[ApiKey]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """MariaDB (migrations 0019, 0020), sorted by name: the names that hold a term are read
    along the name index (first, when the word sample says names hold most of its keys, or
    once a walk fell short), and the keys that hold it in another column are asked of the
    index for those columns alone. Every page is the Python result, both ways were taken,
    and the other columns' search never names the name column's words."""
    engine, rows = odd_mariadb
    asked: list[str] = []
    query = search_mariadb_sql.key_query_by_column

    def noted(chosen: Any) -> str:
        asked.append(",".join(chosen))
        return query(chosen)

    monkeypatch.setattr(search_mariadb_sql, "key_query_by_column", noted)
    terms = ("sync", "export", "reporting", "o'brien", "zürich", "ÄBC", "100%")
    _names_both_ways(engine, rows, terms, monkeypatch)
    # Only the other columns, once the names were read apart.
    assert "description,owner_name,key_id" in asked or "description,owner_name" in asked


@pytest.mark.timeout(600)
def test_mariadb_sorted_by_owner_reads_the_keys_of_owners_holding_the_term_from_the_index(
    odd_mariadb: tuple[Engine, list[ApiKey]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """MariaDB (migration 0021), sorted by owner: the owners' distinct names come from the
    definer view, one per name the collation holds equal ("Zoe Angstrom", "ZOË ÄNGSTRÖM"),
    and each key's own name is asked, so accents still count. Every page is the Python
    result; the word sample sends a term owners hold most of to the owners first."""
    engine, rows = odd_mariadb
    general_ci = _text_key(engine)
    assert general_ci is not None
    asked = _spied(monkeypatch, "_owners_may_hold_most")
    decided: set[bool] = set()
    for term in ("müller", "smith", "sync", "export"):  # the sample's answer against the table
        found = [row for row in rows if _matches(term, row, str.lower)]
        share = sum(_held_in(term, row, ("owner_name",)) for row in found) / len(found)
        if abs(share - 0.5) > 0.2:
            asked.clear()
            _paged_as_python(engine, rows, term, SortField.OWNER, KeyStatus.REVOKED)
            assert asked and set(asked) == {share > 0.5}, (term, share)
            decided.add(share > 0.5)
    assert decided == {True, False}
    monkeypatch.setattr(key_queries, "_owners_may_hold_most", lambda *_: True)
    terms = ("o'brien", "müller", "MÜLLER", "jürgen", "smith", "sync", "ängström", "angstrom")
    _owners_both_ways(engine, rows, terms, monkeypatch, general_ci)
    assert {"Zoe Angstrom", "ZOË ÄNGSTRÖM"} <= {row.owner_name for row in rows}


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from fresh_server_database("postgresql")


def test_postgresql_plans_by_a_sample_of_the_keys_not_the_planners_statistics(
    postgres_url: str,
) -> None:
    """ANALYZE's statistics were taken before three keys in four came to hold "quokka", so
    the planner puts it among a few keys (as its histogram put a term near the candidates'
    limit on either side of it, one ANALYZE in three at 1,000,000 keys). The sample of the
    keys read at the first search says where it is: in most, walked; a term it holds in
    none of them is still found among the candidates."""
    engine = create_engine(postgres_url)
    try:
        upgrade(engine)
        rng = random.Random(11)
        people = insert_users(engine, user_rows(10, rng, NOW), rng)
        owners = [person for person in people if person.login != BENCH_ADMIN]
        insert_keys(engine, owners, 1200, rng, now=NOW, secret_hash="unused")
        analyze(engine)
        with engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE api_keys SET (autovacuum_enabled = false)")
            connection.exec_driver_sql(
                "UPDATE api_keys SET name = left(name, 80) || ' quokka' WHERE mod(id, 4) <> 0"
            )
        with Session(engine) as session, session.begin():
            estimate = key_queries._pg_estimate(session, "quokka")
            assert estimate <= key_queries.RARE_LIMIT  # the statistics' word: rare
            assert key_queries.describe_search_plan(session, "quokka") == "walk"
            assert key_queries.describe_search_plan(session, "zebrafinch") == "candidates"
            found = key_queries.count_keys(session, KeyFilter(search="quokka"), NOW)
            assert found == 900
    finally:
        engine.dispose()
