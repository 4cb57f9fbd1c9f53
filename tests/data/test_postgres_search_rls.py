"""PostgreSQL: a person's key search reads the trigram index, and sees only what they may.

Row-level security makes PostgreSQL check a table's policy before any condition that is not
leakproof, and ``LIKE`` is not: a login's search never read ``ix_api_keys_search_trgm`` (the
schema owner's did, so every earlier benchmark looked fine). The definer functions
``kw_search_keys`` / ``kw_search_keys_estimate`` read it with the owner's rights and apply
``api_keys``' reading rule themselves. These tests log in as real PostgreSQL logins, one per
role, and check both halves: the index is read (the server's own statistics say so) and the
rule holds when each login calls the functions straight from SQL, as from ``psql``.
"""

from __future__ import annotations

import contextlib
import os
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from app.data import key_queries, search_schema
from app.data.key_queries import _PG_CANDIDATES, KeyFilter
from app.data.models import ApiKey
from app.domain.hashing import TokenHasher
from app.domain.sorting import SortField
from app.domain.status import KeyStatus
from app.services import open_services
from app.services.dto import KeyQuery
from tests.benchmarks.seed import (
    BENCH_ADMIN,
    SYSTEMS,
    SeedUser,
    analyze,
    insert_keys,
    insert_users,
    user_rows,
)
from tests.data.test_search_index import _indexed as every_page
from tests.data.test_search_plans import _spied
from tests.support import drop_postgres_logins, postgres_index_reads, postgres_index_scans

PASSWORD = "kw-Search-Pw-5678"
KEYS = 2000
NOW = datetime.now(UTC)
INDEX = "ix_api_keys_search_trgm"


@dataclass
class World:
    owner: Engine
    url: str
    logins: dict[str, str]  # who -> login name
    member_keys: dict[str, int]  # name -> id

    def engine(self, who: str) -> Engine:
        url = make_url(self.url).set(username=self.logins[who], password=PASSWORD)
        return sa.create_engine(url, poolclass=NullPool)


@pytest.fixture
def world(fast_hasher: TokenHasher) -> Iterator[World]:
    if not os.environ.get("KEYWARD_TEST_POSTGRES_URL"):
        if os.environ.get("KEYWARD_REQUIRE_SERVERS"):
            pytest.fail("KEYWARD_TEST_POSTGRES_URL is not set, but servers must run")
        pytest.skip("KEYWARD_TEST_POSTGRES_URL is not set")
    from tests.support import fresh_server_database

    databases = fresh_server_database("postgresql")
    url = next(databases)
    suffix = uuid.uuid4().hex[:8]
    logins = {
        who: f"kw_{who}_{suffix}"
        for who in ("admin", "auditor", "member", "verifier", "gone", "stranger")
    }
    owner = sa.create_engine(url, poolclass=NullPool)
    with owner.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for name in logins.values():
            connection.exec_driver_sql(f"CREATE ROLE {name} LOGIN PASSWORD '{PASSWORD}'")
    try:
        services = open_services(url, hasher=fast_hasher, create_schema=True)
        try:
            for who in ("admin", "auditor", "member", "verifier", "gone"):
                role = "admin" if who == "gone" else who
                services.users.add(logins[who], role=role)
            services.users.deactivate(logins["gone"])
            made = [
                services.keys.create(name, "the member's own", owner=logins["member"])
                for name in ("Member Heron Sync", "Member Ledger")
            ]
        finally:
            services.close()
        # A grant a DBA left behind: the deactivated admin may still connect and call.
        database = make_url(url).database
        with owner.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(f'GRANT "{database}_admin" TO {logins["gone"]}')
        rng = random.Random(11)
        people = insert_users(owner, user_rows(30, rng, NOW), rng)
        others = [person for person in people if person.login != BENCH_ADMIN]
        insert_keys(owner, others, KEYS, rng, now=NOW, secret_hash="unused", odd_share=0.25)
        analyze(owner)
        with owner.connect() as connection:
            member_keys = {
                str(name): int(pk)
                for name, pk in connection.execute(
                    sa.text("SELECT name, id FROM api_keys WHERE key_id IN :ids").bindparams(
                        sa.bindparam("ids", expanding=True)
                    ),
                    {"ids": [m.key.key_id for m in made]},
                )
            }
        yield World(owner, url, logins, member_keys)
    finally:
        owner.dispose()
        with contextlib.suppress(StopIteration):
            next(databases)  # drops the database and its group roles
        drop_postgres_logins(list(logins.values()))


def _pattern(term: str) -> str:
    return "%" + term.lower() + "%"


def _reference(world: World, term: str) -> set[int]:
    """What the plain LIKE finds, read by the owner (whom no policy binds)."""
    predicate = key_queries.plain_search_predicate("postgresql", term)
    with world.owner.connect() as connection:
        statement = sa.select(sa.column("id")).select_from(sa.table("api_keys")).where(predicate)
        return set(connection.execute(statement).scalars())


def _index_scans(world: World) -> int:
    return postgres_index_scans(world.owner, INDEX)


def test_an_admin_login_s_search_reads_the_trigram_index(world: World) -> None:
    admin = world.engine("admin")
    try:
        for term in ("kestrel", "zebrafinch", "heron"):
            before = _index_scans(world)
            with Session(admin) as session, session.begin():
                session.execute(sa.text("SELECT pg_stat_force_next_flush()"))
                assert key_queries.describe_search_plan(session, term) == "candidates"
                found = every_page(session, term)
            # The admin's backend flushed its statistics when it went idle after COMMIT.
            assert _index_scans(world) > before, f"{term!r} did not read {INDEX}"
            assert found == sorted(_reference(world, term))
        # A term in most keys is walked along the sort index, not fetched whole: the
        # estimate comes from the owner's statistics, not PostgreSQL's default guess.
        with Session(admin) as session, session.begin():
            common = session.execute(
                sa.select(sa.func.kw_search_keys_estimate(_pattern("e")))
            ).scalar_one()
        with world.owner.connect() as connection:
            plan = connection.exec_driver_sql(
                "EXPLAIN (FORMAT JSON) SELECT 1 FROM api_keys WHERE "
                f"{key_queries.PG_SEARCH_EXPRESSION} LIKE '%%e%%'"
            ).scalar_one()
        assert common == plan[0]["Plan"]["Plan Rows"]
        assert common > KEYS / 2
    finally:
        admin.dispose()


def test_each_login_s_search_through_the_services_finds_what_it_may_read(
    world: World, fast_hasher: TokenHasher
) -> None:
    for who in ("admin", "auditor", "member"):
        url = make_url(world.url).set(username=world.logins[who], password=PASSWORD)
        services = open_services(url.render_as_string(hide_password=False), hasher=fast_hasher)
        try:
            for term in ("heron", "ledger", "sync", "no such words"):
                page = services.keys.page(KeyQuery(search=term, limit=1000))
                got = {key.key_id for key in page.rows}
                everyone = _reference(world, term)
                if who == "member":
                    everyone &= set(world.member_keys.values())
                with world.owner.connect() as connection:
                    want = set(
                        connection.execute(
                            sa.text("SELECT key_id FROM api_keys WHERE id IN :ids").bindparams(
                                sa.bindparam("ids", expanding=True)
                            ),
                            {"ids": sorted(everyone) or [-1]},
                        ).scalars()
                    )
                assert got == want, f"{who} searching {term!r}"
                assert services.keys.count(KeyQuery(search=term)) == len(want)
        finally:
            services.close()


def _call(engine: Engine, statement: str, **params: Any) -> list[Any]:
    with engine.begin() as connection:
        return list(connection.execute(sa.text(statement), params).scalars())


def _refused_to_outsiders(world: World, *statements: str) -> None:
    """Each of ``statements`` is refused ("permission denied") to the verifier, who reads no
    key, and to a login that is no Keyward user (if it may connect at all)."""
    for who in ("verifier", "stranger"):
        engine = world.engine(who)
        try:
            for statement in statements:
                with pytest.raises(exc.ProgrammingError, match="permission denied"):
                    _call(engine, statement)
        except exc.OperationalError:
            assert who == "stranger"  # may not even connect
        finally:
            engine.dispose()


def test_the_search_functions_keep_the_reading_rule_against_direct_calls(world: World) -> None:
    everything = _reference(world, "")
    assert len(everything) == KEYS + 2
    member = world.engine("member")
    try:
        # A member, from psql: only their own keys, whatever the pattern; no estimate of the
        # others' keys either.
        own = set(world.member_keys.values())
        assert set(_call(member, "SELECT kw_search_keys('%')")) == own
        assert _call(member, "SELECT kw_search_keys(:p)", p=_pattern("heron")) == [
            world.member_keys["Member Heron Sync"]
        ]
        assert len(_reference(world, "heron")) > 1  # others' herons exist, unseen
        assert _call(member, "SELECT kw_search_keys_estimate('%')") == [0]
        # The pattern is data, never SQL.
        for attack in ("%' OR true --", "%'; SELECT 1; --", "%\\' OR ''='"):
            assert set(_call(member, "SELECT kw_search_keys(:p)", p=attack)) <= own
        assert _call(member, "SELECT kw_search_keys_estimate(:p)", p="%' OR true --") == [0]
        # Nor may the member reach the helper or the table around the rule.
        with pytest.raises(exc.ProgrammingError):
            _call(member, "SELECT kw_sees_every_key()")
    finally:
        member.dispose()
    gone = world.engine("gone")  # a deactivated admin who kept the admin group's grant
    try:
        assert _call(gone, "SELECT kw_search_keys('%')") == []
        assert _call(gone, "SELECT kw_search_keys_estimate('%')") == [0]
    finally:
        gone.dispose()
    _refused_to_outsiders(
        world, "SELECT kw_search_keys('%')", "SELECT kw_search_keys_estimate('%')"
    )
    auditor = world.engine("auditor")
    try:
        assert set(_call(auditor, "SELECT kw_search_keys('%')")) == everything
    finally:
        auditor.dispose()


def test_a_short_term_no_key_holds_is_answered_from_the_pairs_and_tells_others_nothing(
    world: World, fast_hasher: TokenHasher
) -> None:
    """kw_search_pairs answers "nobody holds it" for an admin's short term; a member, the
    deactivated admin and the verifier learn nothing from it, and nobody but the owner may
    read or change the pairs (a deleted pair would hide keys from searches)."""
    admin = world.engine("admin")
    try:
        with Session(admin) as session:
            assert key_queries.describe_search_plan(session, "#~") == "empty"
            assert key_queries.describe_search_plan(session, "%_%") == "empty"
            assert key_queries.describe_search_plan(session, "%") != "empty"
        assert _call(admin, "SELECT kw_search_may_hold('#~')") == [False]
        assert _call(admin, "SELECT kw_search_may_hold('~')") == [False]
        assert _call(admin, "SELECT kw_search_may_hold('he')") == [True]
        # The pattern is data: quotes and LIKE's wildcards are pieces like any other.
        assert _call(admin, "SELECT kw_search_may_hold(:p)", p="' OR true --") == [False]
    finally:
        admin.dispose()
    # Keys written after the pairs were first filled, and a description edited: the
    # triggers keep them (a change that leaves the text, like a revocation, adds nothing).
    services = open_services(world.url, hasher=fast_hasher)
    try:
        services.keys.create("Nightly #~ export", "", owner=world.logins["member"])
        edited = services.keys.create("Nightly import", "", owner=world.logins["member"])
        services.keys.revoke(edited.key.key_id, reason="moved to ^|")
        assert _call(world.owner, "SELECT count(*) FROM kw_search_pairs WHERE pair = '^|'") == [0]
        services.keys.edit(edited.key.key_id, description="reads ^| files")
    finally:
        services.close()
    admin = world.engine("admin")
    try:
        assert _call(admin, "SELECT kw_search_may_hold('#~')") == [True]
        assert _call(admin, "SELECT kw_search_may_hold('^|')") == [True]
        with Session(admin) as session:
            (found,) = every_page(session, "#~")
        assert found in _reference(world, "#~")
    finally:
        admin.dispose()
    for who in ("member", "gone"):
        engine = world.engine(who)
        try:
            assert _call(engine, "SELECT kw_search_may_hold('~~')") == [True]
            for statement in (
                "SELECT count(*) FROM kw_search_pairs",
                "DELETE FROM kw_search_pairs",
                "INSERT INTO kw_search_pairs VALUES ('zz')",
                "SELECT kw_note_search_pairs()",
            ):
                with pytest.raises(exc.ProgrammingError, match="permission denied"):
                    _call(engine, statement)
        finally:
            engine.dispose()
    verifier = world.engine("verifier")
    try:
        with pytest.raises(exc.ProgrammingError, match="permission denied"):
            _call(verifier, "SELECT kw_search_may_hold('#~')")
    finally:
        verifier.dispose()
    with world.owner.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM kw_search_pairs").scalar_one() > 100


def _database_order(
    world: World, term: str, sort: SortField, descending: bool, status: KeyStatus | None
) -> list[int]:
    """The matches in the database's own order (its collation), read by the owner."""
    column = key_queries.SORT_COLUMNS[sort]
    clauses = [key_queries.plain_search_predicate("postgresql", term)]
    if status is not None:
        clauses.append(key_queries.status_predicate(status, NOW))
    by = [column.desc(), ApiKey.id.desc()] if descending else [column, ApiKey.id]
    with world.owner.connect() as connection:
        statement = sa.select(ApiKey.id).where(*clauses).order_by(*by)
        return list(connection.execute(statement).scalars())


def _pages(
    session: Session, term: str, sort: SortField, descending: bool, status: KeyStatus | None
) -> list[int]:
    ids: list[int] = []
    cursor = None
    while True:
        rows, cursor = key_queries.fetch_page(
            session,
            KeyFilter(search=term, status=status),
            sort=sort,
            descending=descending,
            limit=9,
            now=NOW,
            after=cursor,
        )
        ids.extend(row.id for row in rows)
        if cursor is None:
            return ids
        assert len(ids) <= KEYS + 2, "the cursors never reach the end"


@pytest.mark.timeout(600)
def test_an_admin_s_pages_sorted_by_owner_or_name_read_that_column_along_its_index(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sorted by owner or name, a term many keys hold: an admin login's pages take the keys
    whose owner (name) holds it along the sort's index and search the other columns apart
    (through ix_api_keys_search_columns, as candidates or a walk), and every page, cursor by
    cursor, both ways, with and without a status filter, is the database's own order of
    what a plain scan finds."""
    with world.owner.connect() as connection:
        busiest = connection.exec_driver_sql(
            "SELECT owner_name FROM api_keys GROUP BY owner_name ORDER BY count(*) DESC LIMIT 1"
        ).scalar_one()
    surname = str(busiest).split()[-1].lower()
    owners_first = _spied(monkeypatch, "_owners_may_hold_most")
    owners = _spied(monkeypatch, "_owner_names_holding")
    named = _spied(monkeypatch, "_by_names_holding")
    names_first = _spied(monkeypatch, "_names_hold_most")
    estimate = key_queries._pg_estimate
    other_columns: list[float] = []

    def estimated(session: Session, term: str, searched: Any = key_queries._SEARCHED) -> float:
        found = estimate(session, term, searched)
        if len(searched) == len(key_queries._SEARCHED) - 1:  # the columns but the sort's
            other_columns.append(found)
            if candidates_apart:
                return min(found, key_queries.RARE_LIMIT)
        return found

    monkeypatch.setattr(key_queries, "_pg_estimate", estimated)
    # Every term walks (few keys here), and gives up after a few rows.
    monkeypatch.setattr(key_queries, "RARE_LIMIT", 0)
    monkeypatch.setattr(key_queries, "WALK_LIMIT", 5)
    monkeypatch.setattr(key_queries, "NAME_FIRST_STEP", 40)
    failures = []
    scans = _index_scans_of(world, search_schema.PG_COLUMN_INDEX)
    admin = world.engine("admin")
    try:
        # The second round: names that must fill the page within 40 rows and at most 3
        # owner names to read, or else the walk and the candidates as before.
        for candidates_apart, reach, owner_names in ((False, KEYS * 2, 5000), (True, 40, 3)):
            monkeypatch.setattr(key_queries, "NAME_FIRST_LIMIT", reach)
            monkeypatch.setattr(key_queries, "NAME_WALK_LIMIT", reach)
            monkeypatch.setattr(key_queries, "OWNER_NAMES_LIMIT", owner_names)
            for term in (surname, "o'brien", "zürich", "export", "sync", "heron"):
                for sort in (SortField.OWNER, SortField.NAME):
                    for status in (None, KeyStatus.ACTIVE):
                        for descending in (False, True):
                            with Session(admin) as session, session.begin():
                                got = _pages(session, term, sort, descending, status)
                            want = _database_order(world, term, sort, descending, status)
                            if got != want:
                                failures.append((candidates_apart, term, sort, status, descending))
    finally:
        admin.dispose()
    assert not failures, failures
    # Each way was taken: owners that hold most of the matches (or not), their names read
    # (or too many), names read first or after a walk, filling the page or not, the other
    # columns planned on their own.
    assert set(owners_first) == {True, False}
    assert set(owners) == {True, False}
    assert set(named) == {True, False}
    assert set(names_first) == {True, False}
    assert other_columns and _index_scans_of(world, search_schema.PG_COLUMN_INDEX) > scans


def _index_scans_of(world: World, index: str) -> int:
    return postgres_index_scans(world.owner, index)


def test_the_column_search_functions_keep_the_reading_rule_against_direct_calls(
    world: World,
) -> None:
    """kw_search_key_columns(_estimate), the search of some columns: an admin gets exactly
    what those columns hold; a member their own keys alone; the deactivated admin nothing;
    the verifier and a stranger may not call them; a column outside the searched four is
    refused, however it is spelled."""
    names = "SELECT kw_search_key_columns(:p, ARRAY['name', 'owner_name'])"
    pattern = _pattern("sync")
    with world.owner.connect() as connection:
        held = set(
            connection.execute(
                sa.text(
                    "SELECT id FROM api_keys WHERE lower(name) LIKE :p OR lower(owner_name) LIKE :p"
                ),
                {"p": pattern},
            ).scalars()
        )
    assert len(held) > 1
    admin = world.engine("admin")
    try:
        assert set(_call(admin, names, p=pattern)) == held
        assert _call(admin, "SELECT kw_search_key_columns(:p, ARRAY[]::text[])", p="%") == []
        assert _call(admin, "SELECT kw_search_key_columns_estimate(:p, ARRAY['name'])", p="%")[0]
        for attack in ("secret_hash", "name) OR true --", "NAME", None):
            for function in ("kw_search_key_columns", "kw_search_key_columns_estimate"):
                with pytest.raises(exc.DatabaseError, match="Unknown search column"):
                    _call(admin, f"SELECT {function}('%', ARRAY[:c]::text[])", c=attack)
        # The pattern is data, never SQL.
        assert _call(admin, names, p="%' OR true --") == []
    finally:
        admin.dispose()
    member = world.engine("member")
    try:
        own = set(world.member_keys.values())
        assert set(_call(member, "SELECT kw_search_key_columns('%', ARRAY['name'])")) == own
        assert _call(member, names, p=pattern) == [world.member_keys["Member Heron Sync"]]
        estimate = "SELECT kw_search_key_columns_estimate('%', ARRAY['name'])"
        assert _call(member, estimate) == [0]
    finally:
        member.dispose()
    gone = world.engine("gone")
    try:
        assert _call(gone, "SELECT kw_search_key_columns('%', ARRAY['name'])") == []
        assert _call(gone, "SELECT kw_search_key_columns_estimate('%', ARRAY['name'])") == [0]
    finally:
        gone.dispose()
    _refused_to_outsiders(
        world,
        "SELECT kw_search_key_columns('%', ARRAY['name'])",
        "SELECT kw_columns_like('%', ARRAY['name'])",
    )


def test_a_member_s_search_reads_their_own_keys_by_owner_or_walks_a_common_term(
    world: World, fast_hasher: TokenHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A member sees only their keys, so PostgreSQL's estimate of every key's matches says
    nothing of theirs: a member with few keys has them read by owner; one with more (the
    limit lowered to 0 here) walks a term their sample says is common, and otherwise goes
    through the function (a term of trigrams) or their keys by owner (a shorter one). Every
    way, the page and the count are exactly the member's matching keys."""
    plans: list[str] = []
    plan = key_queries._plan_pg_member

    def spied(session: Session, term: str, owned: int) -> Any:
        planned = plan(session, term, owned)
        plans.append("anyone's" if planned is None else planned.kind.value)
        return planned

    monkeypatch.setattr(key_queries, "_plan_pg_member", spied)
    url = make_url(world.url).set(username=world.logins["member"], password=PASSWORD)
    services = open_services(url.render_as_string(hide_password=False), hasher=fast_hasher)
    own = {pk: name for name, pk in world.member_keys.items()}
    try:
        for few in (True, False):
            monkeypatch.setattr(key_queries, "WALK_ALL_UP_TO", 5000 if few else 0)
            for term in ("heron", "sync", "ledger", "no such words", "e", "%", "mb"):
                for sort in (SortField.CREATED, SortField.NAME, SortField.OWNER):
                    query = KeyQuery(search=term, sort=sort, limit=1)
                    got = []
                    page = services.keys.page(query)
                    got.extend(row.name for row in page.rows)
                    while page.next_cursor is not None:
                        page = services.keys.page(query, page.next_cursor)
                        got.extend(row.name for row in page.rows)
                    want = {pk for pk in _reference(world, term) if pk in own}
                    assert sorted(got) == sorted(own[pk] for pk in want), (few, term, sort)
                    assert services.keys.count(KeyQuery(search=term)) == len(want)
    finally:
        services.close()
    # Read by owner (few keys; a rare short term), walked (common in their sample), and
    # through the function (a rare term of trigrams).
    assert {"candidates", "walk", "anyone's"} <= set(plans)


def _more_keys_for_the_member(world: World, count: int, *, seed: int) -> set[int]:
    """``count`` more keys owned by the member (analysed); the ids of all of theirs."""
    with world.owner.connect() as connection:
        member_id = connection.execute(
            sa.text("SELECT id FROM users WHERE login = :login"), {"login": world.logins["member"]}
        ).scalar_one()
    member = SeedUser(member_id, world.logins["member"], "Member", True, 1.0)
    insert_keys(world.owner, [member], count, random.Random(seed), now=NOW, secret_hash="unused")
    analyze(world.owner)
    with world.owner.connect() as connection:
        return set(
            connection.execute(
                sa.text("SELECT id FROM api_keys WHERE owner_id = :id"), {"id": member_id}
            ).scalars()
        )


def _candidates_as_member(world: World, statement: str, **params: Any) -> set[int]:
    """``statement``'s ids as the member's login, under the candidates' planner settings
    (as a search runs it); the server's statistics flushed at the commit."""
    engine = world.engine("member")
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.select(*(sa.func.set_config(k, v, True) for k, v in _PG_CANDIDATES.items()))
            )
            connection.execute(sa.text("SELECT pg_stat_force_next_flush()"))
            return set(connection.execute(sa.text(statement), params).scalars())
    finally:
        engine.dispose()


def test_a_member_s_search_reads_only_their_own_entries_of_the_trigram_index(
    world: World,
) -> None:
    """The searched text's trigram index also holds each key's owner (migration 0027): a
    member's search through ``kw_search_keys`` is narrowed to their keys inside the index,
    which hands the table only their keys that hold the term's trigrams, where it handed
    every such key in the database, to be ANDed with theirs. The member finds exactly their
    own matches."""
    mine = _more_keys_for_the_member(world, 1500, seed=27)
    # A system some of theirs and many of everyone else's name.
    term, want, others = next(
        (term, found & mine, found - mine)
        for term in (system.lower() for system in SYSTEMS)
        for found in [_reference(world, term)]
        if 20 <= len(found & mine) <= 150 and len(found - mine) >= 50
    )
    before = postgres_index_reads(world.owner, INDEX)
    got = _candidates_as_member(
        world, "SELECT * FROM kw_search_keys(:pattern)", pattern=_pattern(term)
    )
    assert got == want
    scans, read = postgres_index_reads(world.owner, INDEX)
    assert scans > before[0], f"{term!r} did not read {INDEX}"
    # Their keys holding the term (and any holding its trigrams apart), not everyone's.
    assert len(want) <= read - before[1] < len(want) + len(others)


def test_the_pieces_search_function_keeps_the_reading_rule_against_direct_calls(
    world: World,
) -> None:
    """kw_search_keys_by_pairs, a short term through each key's pieces (migration 0028): an
    auditor gets exactly what the plain LIKE finds; a member their own keys alone, whatever
    the term; the deactivated admin nothing; the verifier and a stranger may not call it; an
    empty term (which every key's pieces would hold) is refused; the term is data."""

    def by_pairs(engine: Engine, term: str) -> set[int]:
        found = _call(
            engine,
            "SELECT kw_search_keys_by_pairs(:term, :pattern)",
            term=term.lower(),
            pattern=key_queries._pg_pattern(term),
        )
        return set(found)

    terms = ("mb", "e", "%", "7q", "w_e", "'", "%_%", "q%", "He", "#~")
    auditor = world.engine("auditor")
    try:
        for term in terms:
            assert by_pairs(auditor, term) == _reference(world, term), term
        assert by_pairs(auditor, "mb")  # not all empty
    finally:
        auditor.dispose()
    own = set(world.member_keys.values())
    member = world.engine("member")
    try:
        for term in terms:
            assert by_pairs(member, term) == _reference(world, term) & own, term
        assert by_pairs(member, "le") == {world.member_keys["Member Ledger"]}
        assert len(_reference(world, "le")) > 1  # others' keys hold it, unseen
        for attack in ("' OR true --", "'); SELECT 1; --"):
            assert by_pairs(member, attack) <= own
        with pytest.raises(exc.DatabaseError, match="A search term is needed"):
            by_pairs(member, "")
        # Nor may the member reach the helpers that read the pieces' table.
        for statement in (
            "SELECT kw_pairs_condition('kw_search_pairs', 'name', 'mb')",
            "SELECT count(*) FROM kw_search_pairs",
        ):
            with pytest.raises(exc.ProgrammingError, match="permission denied"):
                _call(member, statement)
    finally:
        member.dispose()
    gone = world.engine("gone")
    try:
        assert by_pairs(gone, "e") == set()
    finally:
        gone.dispose()
    _refused_to_outsiders(world, "SELECT kw_search_keys_by_pairs('e', '%e%')")


def test_a_member_s_short_term_reads_only_their_own_entries_of_the_pieces_index(
    world: World,
) -> None:
    """A member's term too short for trigrams, which few of their keys hold, is found inside
    the index of every key's pieces beside its owner (migration 0028): it hands the table
    only their keys holding the term's pieces, where before every one of their keys was read.
    Through the services, the member's page and count are exactly their matching keys."""
    mine = _more_keys_for_the_member(world, 1500, seed=28)
    # Two digits some of theirs and many of everyone else's names end with.
    term, want = next(
        (term, found & mine)
        for term in (f"{n}7" for n in range(10, 100))
        for found in [_reference(world, term)]
        if 5 <= len(found & mine) <= 60 and len(found - mine) >= 5
    )
    before = postgres_index_reads(world.owner, search_schema.PG_PAIRS_INDEX)
    got = _candidates_as_member(
        world,
        "SELECT * FROM kw_search_keys_by_pairs(:term, :pattern)",
        term=term,
        pattern=_pattern(term),
    )
    assert got == want
    scans, read = postgres_index_reads(world.owner, search_schema.PG_PAIRS_INDEX)
    assert scans > before[0], f"{term!r} did not read {search_schema.PG_PAIRS_INDEX}"
    assert len(want) <= read - before[1] < len(mine)
    url = make_url(world.url).set(username=world.logins["member"], password=PASSWORD)
    services = open_services(url.render_as_string(hide_password=False))
    try:
        query = KeyQuery(search=term, limit=1000)
        with world.owner.connect() as connection:
            names = set(
                connection.execute(
                    sa.text("SELECT key_id FROM api_keys WHERE id IN :ids").bindparams(
                        sa.bindparam("ids", expanding=True)
                    ),
                    {"ids": sorted(want)},
                ).scalars()
            )
        assert {row.key_id for row in services.keys.page(query).rows} == names
        assert services.keys.count(KeyQuery(search=term)) == len(want)
    finally:
        services.close()


def test_only_those_who_see_every_key_read_the_sample_of_the_keys(
    world: World, fast_hasher: TokenHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan measures a term on a sample of the keys (key_queries._pg_text_sample). A
    member's would be their own keys scaled as if they were everyone's (a rare term of theirs
    then walked past everyone else's keys): their searches never read one. An admin's first
    search reads it, the next ones use it."""
    _more_keys_for_the_member(world, 400, seed=5)
    monkeypatch.setattr(key_queries, "WALK_ALL_UP_TO", 100)  # past their keys by owner
    reads: list[str | None] = []
    original = key_queries._read_pg_text_sample

    def spied(session: Session, now: float) -> Any:
        reads.append(session.get_bind().engine.url.username)
        return original(session, now)

    monkeypatch.setattr(key_queries, "_read_pg_text_sample", spied)
    for who in ("member", "admin"):
        url = make_url(world.url).set(username=world.logins[who], password=PASSWORD)
        services = open_services(url.render_as_string(hide_password=False), hasher=fast_hasher)
        try:
            for term in ("zebrafinch", "kestrel", "member ledger"):
                page = services.keys.page(KeyQuery(search=term))
                want = _reference(world, term)
                if who == "member":
                    want &= set(world.member_keys.values()) | _member_ids(world)
                assert len(want) < 50  # one page holds them all
                assert {row.key_id for row in page.rows} == _key_ids(world, want), (who, term)
        finally:
            services.close()
    assert reads == [world.logins["admin"]]


def _member_ids(world: World) -> set[int]:
    with world.owner.connect() as connection:
        return set(
            connection.execute(
                sa.text(
                    "SELECT k.id FROM api_keys k JOIN users u ON u.id = k.owner_id "
                    "WHERE u.login = :login"
                ),
                {"login": world.logins["member"]},
            ).scalars()
        )


def _key_ids(world: World, ids: set[int]) -> set[str]:
    with world.owner.connect() as connection:
        return set(
            connection.execute(
                sa.text("SELECT key_id FROM api_keys WHERE id IN :ids").bindparams(
                    sa.bindparam("ids", expanding=True)
                ),
                {"ids": sorted(ids) or [0]},
            ).scalars()
        )
