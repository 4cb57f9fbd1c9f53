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

from app.data import key_queries
from app.domain.hashing import TokenHasher
from app.services import open_services
from app.services.dto import KeyQuery
from tests.benchmarks.seed import BENCH_ADMIN, analyze, insert_keys, insert_users, user_rows
from tests.data.test_search_index import _indexed as every_page
from tests.support import drop_postgres_logins, postgres_index_scans

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
    for who in ("verifier", "stranger"):
        engine = world.engine(who)
        try:
            for statement in (
                "SELECT kw_search_keys('%')",
                "SELECT kw_search_keys_estimate('%')",
            ):
                with pytest.raises(exc.ProgrammingError, match="permission denied"):
                    _call(engine, statement)
        except exc.OperationalError:
            assert who == "stranger"  # may not even connect
        finally:
            engine.dispose()
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
