"""The search indexes answer exactly what a plain substring scan answers, and MariaDB's
index follows every change and shows a member nothing of other owners' keys.

The reference is the plain predicate every plan filters rows with
(:func:`app.data.key_queries.plain_search_predicate`), run as a scan over every key; the
indexed search must give the same keys for random terms: pieces of the keys' own text in
changed case, and strings of quotes, ``%``, ``_``, backslashes, non-ASCII letters, 1 and 2
characters long.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

import app.services.audit as audit_module
from app.data import key_queries
from app.data.engine import create_engine
from app.data.key_queries import KeyFilter
from app.data.models import ApiKey
from app.data.schema import _config, upgrade
from app.data.search_schema import (
    PG_AUDIT_INDEX,
    PG_AUDIT_PAIRS_INDEX,
    PG_PAIRS_INDEX,
    PG_TEXT_INDEX,
)
from app.data.server import mariadb, search_mariadb_sql
from app.domain.audit import AuditAction
from app.domain.hashing import TokenHasher
from app.domain.sorting import SortField
from app.domain.status import KeyStatus
from app.services import Services, open_services
from app.services.audit import AuditFilter
from app.services.dto import KeyQuery
from tests.benchmarks.seed import BENCH_ADMIN, analyze, insert_keys, insert_users, user_rows
from tests.support import fresh_server_database

KEYS = 1500
NOW = datetime.now(UTC)
ODD = "%_\\'\"üÜäÄßéÉøØİıΣσς日本😀 -.:/"


def _seeded_engine(url: str, seed: int) -> Engine:
    """A database of KEYS keys in the seeder's style (30 % with odd characters)."""
    engine = create_engine(url)
    upgrade(engine)
    rng = random.Random(seed)
    people = insert_users(engine, user_rows(30, rng, NOW), rng)
    owners = [person for person in people if person.login != BENCH_ADMIN]
    insert_keys(engine, owners, KEYS, rng, now=NOW, secret_hash="unused", odd_share=0.3)
    return engine


@pytest.fixture
def seeded(database_url: str) -> Iterator[Engine]:
    engine = _seeded_engine(database_url, 11)
    analyze(engine)
    yield engine
    engine.dispose()


def _random_terms(rows: list[ApiKey], rng: random.Random, count: int) -> list[str]:
    terms: list[str] = []
    for _ in range(count):
        if rng.random() < 0.5:
            row = rng.choice(rows)
            text = rng.choice((row.name, row.description, row.owner_name, row.key_id)) or "x"
            length = rng.choice((1, 2, 2, 3, 4, 6, 9))
            start = rng.randrange(max(1, len(text) - length + 1))
            terms.append(_changed_case(text[start : start + length], rng))
        else:
            length = rng.choice((1, 1, 2, 2, 3, 5))
            terms.append("".join(rng.choice(ODD + "abcxyz019") for _ in range(length)))
    return [term for term in terms if term.strip()]


def _changed_case(piece: str, rng: random.Random) -> str:
    """``piece`` with about a third of its characters upper-cased."""
    return "".join(ch.upper() if rng.random() < 0.3 else ch for ch in piece)


def _paged(
    session: Session, key_filter: KeyFilter, sort: SortField, descending: bool, limit: int = 7
) -> list[int]:
    """Every key ``key_filter`` finds, page after page of ``limit``, in the page order."""
    ids: list[int] = []
    cursor = None
    while True:
        rows, cursor = key_queries.fetch_page(
            session,
            key_filter,
            sort=sort,
            descending=descending,
            limit=limit,
            now=NOW,
            after=cursor,
        )
        ids.extend(row.id for row in rows)
        if cursor is None:
            return ids


def _indexed(session: Session, term: str) -> list[int]:
    return sorted(_paged(session, KeyFilter(search=term), SortField.CREATED, True, 200))


def _plain(session: Session, term: str) -> list[int]:
    dialect = session.get_bind().dialect.name
    predicate = key_queries.plain_search_predicate(dialect, term)
    return sorted(session.execute(sa.select(ApiKey.id).where(predicate)).scalars())


@pytest.mark.timeout(600)  # ~130 terms paged to the end, on a busy 2-CPU box
def test_indexed_search_finds_what_a_plain_scan_finds(seeded: Engine) -> None:
    rng = random.Random(20261203)
    with Session(seeded) as session:
        rows = list(session.execute(sa.select(ApiKey)).scalars())
    terms = [*_random_terms(rows, rng, 120), "q%", "%_%", "o'brien", "ZÜRICH", "ß", "İ", "😀"]
    failures = []
    found_some = 0
    for term in terms:
        with Session(seeded) as session, session.begin():
            want = _plain(session, term)
            got = _indexed(session, term)
            counted = key_queries.count_keys(session, KeyFilter(search=term), NOW)
        found_some += bool(want)
        if got != want or counted != len(want):
            failures.append(f"{term!r}: index {len(got)}, count {counted}, scan {len(want)}")
    assert not failures, "\n".join(failures)
    assert found_some > len(terms) // 3  # the terms really hit keys


# ------------------------------------------------------------------------ SQLite only


def _plan_and_ids(session: Session, term: str) -> tuple[str, list[int]]:
    return key_queries.describe_search_plan(session, term), _indexed(session, term)


def test_sqlite_finds_1_2_character_terms_through_the_index_vocabulary(sqlite_url: str) -> None:
    """A short term that nothing holds is answered without reading a key, a rare one from its
    trigrams' rows: also where it ends a field (the padding's trigrams), and after changes
    the triggers indexed (a rename, a deletion)."""
    engine = create_engine(sqlite_url)
    upgrade(engine)
    rng = random.Random(5)
    people = insert_users(engine, user_rows(10, rng, NOW), rng)
    owners = [person for person in people if person.login != BENCH_ADMIN]
    insert_keys(engine, owners, 400, rng, now=NOW, secret_hash="unused", odd_share=0.3)
    try:
        with Session(engine) as session, session.begin():
            renamed = session.execute(sa.select(ApiKey).order_by(ApiKey.id).limit(1)).scalar_one()
            renamed.name = "Nightly export Q%"  # the rare term ends the field
            session.flush()
            for term in ("q%", "Q%"):
                assert _plan_and_ids(session, term) == ("candidates", [renamed.id])
                assert _plain(session, term) == [renamed.id]
            assert _plan_and_ids(session, "#~") == ("empty", [])
            renamed.name = "Nightly export"
            session.flush()
            assert _plan_and_ids(session, "q%") == ("empty", [])
            session.delete(session.get(ApiKey, renamed.id + 1))
            session.flush()
            for term in ("a", "e", "ab", "%", "1", "'", "Z"):
                assert _indexed(session, term) == _plain(session, term), term
            vocabulary = session.execute(sa.text("SELECT count(*) FROM api_keys_fts_vocab"))
            assert vocabulary.scalar_one() > 100
    finally:
        engine.dispose()


# ----------------------------------------------------------------------- MariaDB only


@pytest.fixture
def maria_url() -> Iterator[str]:
    yield from fresh_server_database("mariadb")


def _indexed_keys(url: str, term: str) -> list[str]:
    """The key ids the MariaDB index itself gives for ``term`` (as the schema owner)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                sa.text(
                    f"SELECT COALESCE(k.key_id, '(deleted)') FROM `{search_mariadb_sql.VIEW}` s"
                    " LEFT JOIN api_keys k ON k.id = s.key_ref"
                    " WHERE MATCH (s.grams) AGAINST (:q IN BOOLEAN MODE) ORDER BY s.key_ref"
                ),
                {"q": search_mariadb_sql.key_match_query(term)},
            ).scalars()
            return [str(key_id) for key_id in found]
    finally:
        engine.dispose()


def test_mariadb_asks_its_index_for_a_term_s_rarest_words_first(
    maria_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A term whose rarest word few keys hold is answered from its candidates (no walk), as
    is a phrase of common words that few keys hold (through the words whose lists cost
    least), one whose words no key holds together (or a 1-2 byte one no key holds) from the
    index alone, a common one by walking; each gives what a plain scan gives. (Limits shrunk
    to this table's 1,500 keys.)"""
    engine = _seeded_engine(maria_url, 12)
    monkeypatch.setattr(key_queries, "RARE_LIMIT", 20)
    monkeypatch.setattr(key_queries, "MOST_CANDIDATES", 40)
    monkeypatch.setattr(key_queries, "WALK_ALL_UP_TO", 1_000)
    try:
        with Session(engine) as session:
            absent_short = next(t for t in ("q~", "~q", "~~") if not _plain(session, t))
            phrase = "tickets to slack"
            terms = ("zebrafinch", "ebrafinc", "qwertzuiop", "prod", "Zürich", "%", absent_short)
            plans = {term: key_queries.describe_search_plan(session, term) for term in terms}
            sample = key_queries._word_sample(session)
            assert sample is not None
            common = [w for w in search_mariadb_sql.windows(phrase) if sample.held[w] > 20]
            assert len(common) >= 10  # most of its words: a walk would come first before
            plans[phrase] = key_queries.describe_search_plan(session, phrase)
            # A common term's walk stops where the sample expects a few pages.
            assert key_queries._plan_search(session, "prod").walk_limit < key_queries.WALK_LIMIT
        assert plans["zebrafinch"] == plans["ebrafinc"] == plans[phrase] == "candidates"
        assert plans["qwertzuiop"] == plans[absent_short] == "empty"  # 1-2 bytes too
        assert plans["prod"] == "walk"
        for term in plans:
            with Session(engine) as session, session.begin():
                want = _plain(session, term)
                assert _indexed(session, term) == want, term
                assert key_queries.count_keys(session, KeyFilter(search=term), NOW) == len(want)
                assert term != "zebrafinch" or len(want) == 1
        # The candidates come back as one list of ids; a server that cuts such lists short
        # (group_concat_max_len, 4 bytes at the least) still gives every candidate.
        with Session(engine) as session, session.begin():
            session.execute(sa.text("SET SESSION group_concat_max_len = 4"))
            for term in ("zebrafinch", phrase):
                cut = session.execute(sa.text("SELECT GROUP_CONCAT(id) FROM api_keys")).scalar()
                assert len(cut) == 4  # (the cut this test is about)
                assert key_queries.describe_search_plan(session, term) == "candidates", term
                assert _indexed(session, term) == _plain(session, term), term
            assert len(_plain(session, phrase)) > 1  # (its ids did not fit in four bytes)
    finally:
        engine.dispose()


def test_a_rare_term_asks_for_its_rarest_word_alone_only_where_the_sample_holds_nothing_else() -> (
    None
):
    """MariaDB: each list a query names is read in full, so a rare term is asked for its
    rarest word alone when every sampled key holding that word holds the whole term (a
    second list could cut nothing the sample knows of); where some of them do not, or too
    few keys hold it to tell, its rarest words are asked together."""
    texts = [b"quokka sync\x1f\x1f"] * 4 + [b"abcx\x1f\x1f", b"xbcd\x1f\x1f"] * 4
    texts += [b"abcd\x1f\x1f"] * 3 + [b"lynx sync\x1f\x1f"] * 5
    sample = key_queries._WordSample(None, tuple(texts), 1.0, 0.0)

    def asked(term: str) -> list[bytes]:
        data = term.encode()
        pieces = search_mariadb_sql.windows(term) + search_mariadb_sql.phrases(term)
        return key_queries._rarest_words(sample, pieces, data)

    assert len(asked("quokka sync")) == 1  # its 4 keys alone hold its rarest word
    assert sorted(asked("abcd")) == [b"abc", b"bcd"]  # 7 keys hold each, 3 the term
    assert sorted(asked("qqabcd")) == [b"abc", b"qab", b"qqa"]  # none holds it


def _phrase_terms(rows: list[ApiKey], rng: random.Random, count: int) -> list[str]:
    """Pieces of the keys' own text around a space, three to eight characters either side of
    it, in changed case: each holds at least one phrase word (0030)."""
    terms: list[str] = []
    while len(terms) < count:
        row = rng.choice(rows)
        text = rng.choice((row.name, row.description or "", row.owner_name))
        spaces = [at for at in range(3, len(text) - 3) if text[at] == " "]
        if not spaces:
            continue
        at = rng.choice(spaces)
        piece = text[max(0, at - rng.randint(3, 8)) : at + 1 + rng.randint(3, 8)]
        terms.append(_changed_case(piece, rng))
    return terms


def _holding_words(engine: Engine, query: str) -> list[int]:
    """The keys whose words match the boolean-mode ``query``, asked of the index itself."""
    with engine.connect() as connection:
        found = connection.execute(
            sa.text(
                f"SELECT key_ref FROM `{search_mariadb_sql.VIEW}`"
                " WHERE MATCH (grams) AGAINST (:q IN BOOLEAN MODE) ORDER BY key_ref"
            ),
            {"q": query},
        ).scalars()
        return list(found)


@pytest.mark.timeout(600)
def test_mariadb_finds_a_phrase_of_common_words_by_its_phrase_words(
    maria_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each space of a name, description or owner's name with three bytes either side is a
    word of its own (0030), far rarer than its words' windows ("jira" and "alerts" are each
    in many names, "ira ale" in few): a phrase's page asks the index for it, and gives what a
    plain scan gives, sorted by creation or by name, for phrases taken from the keys' own
    text (changed case, odd characters, spaces doubled) and for words no key holds side by
    side. (Limits shrunk to this table's 1,500 keys.)"""
    engine = _seeded_engine(maria_url, 13)
    monkeypatch.setattr(key_queries, "RARE_LIMIT", 20)
    monkeypatch.setattr(key_queries, "MOST_CANDIDATES", 40)
    monkeypatch.setattr(key_queries, "WALK_ALL_UP_TO", 1_000)
    asked: list[str] = []
    query = search_mariadb_sql.key_query_by_column

    def noted(chosen: Any) -> str:
        asked.append(query(chosen))
        return asked[-1]

    monkeypatch.setattr(search_mariadb_sql, "key_query_by_column", noted)
    try:
        with Session(engine) as session:
            rows = list(session.execute(sa.select(ApiKey)).scalars())
        terms = [
            "jira alerts",
            "tickets to slack",
            "JIRA ALERTS DEV",
            "alerts jira",  # both words, never side by side
            "jira  alerts",  # the space doubled
            *_phrase_terms(rows, random.Random(20261206), 60),
        ]
        failures = []
        for term in terms:
            with Session(engine) as session, session.begin():
                want = _plain(session, term)
                by_name = _paged(session, KeyFilter(search=term), SortField.NAME, False)
                if _indexed(session, term) != want or sorted(by_name) != want:
                    failures.append(f"{term!r}: scan {len(want)}")
        assert not failures, "\n".join(failures)
        ira_ale = search_mariadb_sql.key_query_by_column({"name": [b"ira ale"]})
        assert ira_ale == "(+m69726120616c65)"
        assert any(ira_ale[1:-1] in words for words in asked)  # the phrase word was asked
        with Session(engine) as session:
            assert _plain(session, "jira alerts")  # (the seed holds the phrase)
            assert not _plain(session, "alerts jira")
    finally:
        engine.dispose()


def test_mariadb_phrase_words_follow_each_change(maria_url: str, fast_hasher: TokenHasher) -> None:
    """The triggers keep a key's phrase words (0030) with its text: a name's, a description's
    and an owner's phrase are in the index, an edit takes the old one out and puts the new
    one in, a doubled space or a space at a column's edge gives none of them, and a deleted
    key leaves none."""
    services = open_services(maria_url, hasher=fast_hasher, create_schema=True)
    engine = sa.create_engine(maria_url, poolclass=NullPool)

    def holders(column: str, term: str) -> list[int]:
        pieces = search_mariadb_sql.phrases(term)
        assert pieces, term
        return _holding_words(engine, search_mariadb_sql.key_query_by_column({column: pieces}))

    try:
        keys = services.keys
        services.users.add("dana", display_name="Dana Quist")
        key_id = keys.create("Quokka Ledger Sync", "Feeds the wallaby board", owner="dana")
        key_id = key_id.key.key_id
        with Session(engine) as session:
            ref = session.execute(sa.select(ApiKey.id).where(ApiKey.key_id == key_id)).scalar()
        assert holders("name", "kka led") == holders("description", "the wall") == [ref]
        assert holders("owner_name", "Dana Quist") == [ref]
        assert holders("description", "kka led") == []  # the name's phrase, not its text
        keys.edit(key_id, name="Quokka  Ledger", description="Feeds the wombat board")
        assert holders("name", "kka led") == holders("description", "the wall") == []
        assert holders("description", "the wom") == [ref]
        assert holders("name", "kka  le") == [ref]  # the first space and three past it
        keys.delete(key_id)
        assert holders("description", "the wom") == holders("name", "kka  le") == []
    finally:
        engine.dispose()
        services.close()


def test_mariadb_index_follows_changes_made_through_the_services(
    maria_url: str, fast_hasher: TokenHasher
) -> None:
    services = open_services(maria_url, hasher=fast_hasher, create_schema=True)
    try:
        keys = services.keys
        created = keys.create("Quokka Ledger Sync", "Feeds the wallaby board")
        key_id = created.key.key_id
        other = keys.create("Plain key", "nothing to see")

        def found(term: str) -> list[str]:
            return [row.key_id for row in keys.page(KeyQuery(search=term)).rows]

        assert _indexed_keys(maria_url, "quokka") == [key_id]
        assert found("QUOKKA") == [key_id]
        assert found("wallaby") == [key_id]
        assert found(key_id[2:9].lower()) == [key_id]
        keys.edit(key_id, name="Wombat Ledger Sync")
        assert found("quokka") == []
        assert _indexed_keys(maria_url, "quokka") == []  # the index itself forgot it
        assert found("wombat") == [key_id]
        assert keys.count(KeyQuery(search="ledger")) == 1
        keys.delete(key_id)
        assert found("wombat") == []
        assert _indexed_keys(maria_url, "wombat") == []
        assert found("plain") == [other.key.key_id]
    finally:
        services.close()


@pytest.fixture
def read_from_rows(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sort column of each page MariaDB reads from its index's rows (0029), as read."""
    read: list[str] = []
    real = key_queries._search_rows_ids

    def recording(session: Session, *args: Any) -> list[int]:
        read.append(str(args[1].column.key))
        return real(session, *args)

    monkeypatch.setattr(key_queries, "_search_rows_ids", recording)
    return read


def test_mariadb_sorts_a_rare_term_s_keys_among_the_index_rows(
    maria_url: str, monkeypatch: pytest.MonkeyPatch, read_from_rows: list[str]
) -> None:
    """Since 0029 the index's rows carry each key's text and creation time: a rare term's
    keys, sorted by creation, name or owner either way, are found, filtered and sorted in one
    statement over them, page after page, in exactly the order of a plain scan's; beside a
    status filter they are read from the keys as before, and give the same. A key changed
    by hand is found by its new text only. (Limits shrunk to this table's 1,500 keys.)"""
    engine = _seeded_engine(maria_url, 12)
    monkeypatch.setattr(key_queries, "RARE_LIMIT", 20)
    monkeypatch.setattr(key_queries, "MOST_CANDIDATES", 40)
    monkeypatch.setattr(key_queries, "WALK_ALL_UP_TO", 1_000)
    columns = {
        SortField.CREATED: ApiKey.__table__.c.created_at,
        SortField.NAME: ApiKey.__table__.c.name,
        SortField.OWNER: ApiKey.__table__.c.owner_name,
    }

    def scanned(
        session: Session, term: str, column: Any, descending: bool, *where: Any
    ) -> list[int]:
        predicate = key_queries.plain_search_predicate("mysql", term)
        order = [column, ApiKey.__table__.c.id]
        statement = sa.select(ApiKey.id).where(predicate, *where)
        by = [key.desc() for key in order] if descending else order
        return list(session.execute(statement.order_by(*by)).scalars())

    try:
        with Session(engine) as session:
            for term in ("zebrafinch", "tickets to slack", "Zürich", "%"):
                for sort, column in columns.items():
                    for descending in (False, True):
                        read_from_rows.clear()
                        found = _paged(session, KeyFilter(search=term), sort, descending)
                        want = scanned(session, term, column, descending)
                        assert found == want, (term, sort, descending)
                        assert want, term
                        if term in ("zebrafinch", "tickets to slack"):
                            assert read_from_rows, (term, sort)  # (the path this is about)
            read_from_rows.clear()
            found = []
            for status in KeyStatus:
                beside = KeyFilter(search="tickets to slack", status=status)
                some = _paged(session, beside, SortField.CREATED, True)
                still = key_queries.status_predicate(status, NOW)
                assert some == scanned(
                    session, beside.search, ApiKey.__table__.c.created_at, True, still
                )
                found += some
            assert found and not read_from_rows
            # A key changed behind the services' back (as the schema owner): the triggers
            # keep the text its row carries.
            key = session.execute(sa.select(ApiKey).where(ApiKey.id == found[0])).scalar_one()
            session.execute(
                sa.text(
                    "UPDATE api_keys_data SET description = 'quetzal feeder', name = 'Q'"
                    " WHERE id = :id"
                ),
                {"id": key.id},
            )
            session.commit()
            assert _paged(session, KeyFilter(search="QUETZAL"), SortField.NAME, False) == [key.id]
            assert read_from_rows[-1] == "name"
            assert key.id not in _paged(
                session, KeyFilter(search="tickets to slack"), SortField.CREATED, True
            )
    finally:
        engine.dispose()


@contextmanager
def _member_login(maria_url: str) -> Iterator[tuple[str, Callable[[], Engine]]]:
    """A new MariaDB login (dropped afterwards) and what opens an engine as it, its Keyward
    role activated; the caller adds it as a member first."""
    url = make_url(maria_url)
    login = f"kw_s_{uuid.uuid4().hex[:10]}"
    owner = sa.create_engine(url, poolclass=NullPool)
    with owner.begin() as connection:
        connection.exec_driver_sql(f"CREATE USER '{login}'@'127.0.0.1' IDENTIFIED BY 'pw-{login}'")

    def engine() -> Engine:
        member = sa.create_engine(
            url.set(username=login, password=f"pw-{login}"), poolclass=NullPool
        )

        @sa.event.listens_for(member, "connect")
        def _activate(dbapi_connection: object, _record: object) -> None:
            mariadb.activate_role(dbapi_connection, str(url.database))

        return member

    try:
        yield login, engine
    finally:
        with owner.begin() as connection:
            connection.exec_driver_sql(f"DROP USER IF EXISTS '{login}'@'127.0.0.1'")
        owner.dispose()


def test_a_member_reads_only_its_own_keys_words(maria_url: str, fast_hasher: TokenHasher) -> None:
    with _member_login(maria_url) as (login, member_engine):
        services = open_services(maria_url, hasher=fast_hasher, create_schema=True)
        try:
            services.users.add(login, role="member")
            theirs = services.keys.create("Secret Heron Project", "other owner's words")
            mine = services.keys.create("Member Kiwi", "mine", owner=login)
        finally:
            services.close()
        member = member_engine()
        try:
            with member.connect() as connection:
                rows = connection.exec_driver_sql(
                    f"SELECT key_ref FROM `{search_mariadb_sql.VIEW}`"
                ).scalars()
                visible = connection.exec_driver_sql("SELECT id, key_id FROM api_keys").all()
                assert [key_id for _, key_id in visible] == [mine.key.key_id]
                assert list(rows) == [visible[0][0]]
                heron = search_mariadb_sql.key_match_query("heron")
                hits = connection.execute(
                    sa.text(
                        f"SELECT COUNT(*) FROM `{search_mariadb_sql.VIEW}`"
                        " WHERE MATCH (grams) AGAINST (:q IN BOOLEAN MODE)"
                    ),
                    {"q": heron},
                ).scalar_one()
                assert hits == 0
                # The text each row carries (0029): their own keys' only, and read-only.
                carried = connection.exec_driver_sql(
                    f"SELECT name, description, owner_name FROM `{search_mariadb_sql.VIEW}`"
                ).all()
                assert [tuple(row) for row in carried] == [("Member Kiwi", "mine", login)]
                with pytest.raises(exc.DBAPIError):
                    connection.exec_driver_sql(
                        f"UPDATE `{search_mariadb_sql.VIEW}` SET name = 'Kiwi 2'"
                    )
                with pytest.raises(exc.DBAPIError):
                    connection.exec_driver_sql(f"SELECT * FROM `{search_mariadb_sql.TABLE}`")
                with pytest.raises(exc.DBAPIError):
                    connection.exec_driver_sql(
                        f"DELETE FROM `{search_mariadb_sql.TABLE}` WHERE key_ref > 0"
                    )
        finally:
            member.dispose()
        owner = sa.create_engine(maria_url, poolclass=NullPool)
        with owner.connect() as connection:  # the refused DELETE changed nothing
            stored = connection.exec_driver_sql(
                f"SELECT COUNT(*) FROM `{search_mariadb_sql.TABLE}`"
            ).scalar_one()
        owner.dispose()
        assert stored == 2
        assert theirs.key.key_id != mine.key.key_id
        with owner.connect() as connection:  # nor did the refused UPDATE
            names = connection.exec_driver_sql(
                f"SELECT name FROM `{search_mariadb_sql.TABLE}` ORDER BY name"
            ).scalars()
            assert list(names) == ["Member Kiwi", "Secret Heron Project"]
        owner.dispose()


def _migrate(engine: Engine, revision: str) -> None:
    """Upgrade to ``revision`` ("head") or downgrade to it, as the schema owner."""
    from alembic import command

    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        step = command.upgrade if revision == "head" else command.downgrade
        step(config, revision)


def test_migration_0009_round_trips_on_mariadb(maria_url: str, fast_hasher: TokenHasher) -> None:
    services = open_services(maria_url, hasher=fast_hasher, create_schema=True)
    try:
        services.keys.create("Pelican Export", "before the downgrade")
    finally:
        services.close()
    engine = sa.create_engine(maria_url, poolclass=NullPool)

    def objects() -> set[str]:
        with engine.connect() as connection:
            names = connection.exec_driver_sql(
                "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
                " UNION ALL SELECT TRIGGER_NAME FROM information_schema.TRIGGERS"
                " WHERE TRIGGER_SCHEMA = DATABASE()"
            ).scalars()
            return {name for name in map(str, names) if "search" in name and "event" not in name}

    try:
        assert objects() == {
            search_mariadb_sql.TABLE,
            search_mariadb_sql.VIEW,
            "kw_api_keys_search_insert",
            "kw_api_keys_search_update",
            "kw_api_keys_search_delete",
        }
        _migrate(engine, "0008")
        assert objects() == set()
        _migrate(engine, "head")
        assert len(objects()) == 5
    finally:
        engine.dispose()
    # The backfill indexed the key made before the downgrade.
    assert len(_indexed_keys(maria_url, "pelican")) == 1
    services = open_services(maria_url, hasher=fast_hasher)
    try:
        assert [row.name for row in services.keys.page(KeyQuery(search="PELICAN")).rows] == [
            "Pelican Export"
        ]
    finally:
        services.close()


def test_migration_0019_sort_indexes_carry_the_owner_on_mariadb(
    maria_url: str, fast_hasher: TokenHasher
) -> None:
    """A login reads the keys through a view whose reading rule names ``owner_id``: with it
    at the end of every sort index, a walk along the order reads the index alone (``Using
    index``), where it read every key's row. The downgrade restores ``(column, id)``; the
    pages are the same after the way back up."""
    sort_indexes = {
        "ix_api_keys_name_id": ("name", "id"),
        "ix_api_keys_owner_name_id": ("owner_name", "id"),
        "ix_api_keys_state_id": ("state", "id"),
        "ix_api_keys_last_used_at_id": ("last_used_at", "id"),
        "ix_api_keys_expires_at_id": ("expires_at", "id"),
        "ix_api_keys_created_at_id": ("created_at", "id"),
        "ix_api_keys_updated_at_id": ("updated_at", "id"),
        "ix_api_keys_created_at_id_state": ("created_at", "id", "state"),
    }
    services = open_services(maria_url, hasher=fast_hasher, create_schema=True)
    try:
        for n in range(40):
            services.keys.create(f"Pelican Export {n:02}", "sorted by name")
    finally:
        services.close()
    engine = sa.create_engine(maria_url, poolclass=NullPool)

    def columns() -> dict[str, tuple[str, ...]]:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS"
                " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'api_keys_data'"
                " ORDER BY INDEX_NAME, SEQ_IN_INDEX"
            ).all()
        found: dict[str, tuple[str, ...]] = {}
        for index, column in rows:
            found[str(index)] = (*found.get(str(index), ()), str(column))
        return {index: found[index] for index in sort_indexes}

    def walk_plan() -> str:
        with engine.connect() as connection:
            plan = (
                connection.exec_driver_sql(
                    "EXPLAIN SELECT name, id FROM api_keys ORDER BY name, id LIMIT 5 OFFSET 30"
                )
                .mappings()
                .one()
            )
        return f"{plan['key']}: {plan['Extra']}"

    def names() -> list[str]:
        opened = open_services(maria_url, hasher=fast_hasher)
        try:
            query = KeyQuery(search="export 3", sort=SortField.NAME, descending=False, limit=3)
            return [row.name for row in opened.keys.page(query).rows]
        finally:
            opened.close()

    try:
        assert columns() == {index: (*cols, "owner_id") for index, cols in sort_indexes.items()}
        assert walk_plan() == "ix_api_keys_name_id: Using index"
        assert names() == ["Pelican Export 30", "Pelican Export 31", "Pelican Export 32"]
        _migrate(engine, "0018")
        assert columns() == sort_indexes
        assert "Using index" not in walk_plan()  # every key's row read
        _migrate(engine, "head")
        assert columns() == {index: (*cols, "owner_id") for index, cols in sort_indexes.items()}
        assert walk_plan() == "ix_api_keys_name_id: Using index"
        assert names() == ["Pelican Export 30", "Pelican Export 31", "Pelican Export 32"]
    finally:
        engine.dispose()


def _pelican_database(maria_url: str, hasher: TokenHasher) -> tuple[str, Engine]:
    """A new database with one key, "Pelican Export" described as a "nightly kestrel feed"
    (its key id), and an engine as the schema owner."""
    services = open_services(maria_url, hasher=hasher, create_schema=True)
    try:
        key_id = services.keys.create("Pelican Export", "nightly kestrel feed").key.key_id
    finally:
        services.close()
    return key_id, sa.create_engine(maria_url, poolclass=NullPool)


def _each_finds_it_alone(
    maria_url: str, hasher: TokenHasher, key_id: str, terms: tuple[str, ...]
) -> None:
    """Each of ``terms`` finds the key ``key_id`` and no other, through the services."""
    services = open_services(maria_url, hasher=hasher)
    try:
        for term in terms:
            found = services.keys.page(KeyQuery(search=term)).rows
            assert [row.key_id for row in found] == [key_id], term
    finally:
        services.close()


def test_migration_0020_keeps_each_column_s_words_apart_on_mariadb(
    maria_url: str, fast_hasher: TokenHasher
) -> None:
    """Since 0020 a key's words say which column they come from (``n`` a name, ``t`` a
    description, ``o`` an owner, ``k`` a key id), so a term can be asked of some columns
    alone; the downgrade puts back one text of ``g`` words, and the way up again rebuilds
    every key's words. A search finds the same key throughout."""
    key_id, engine = _pelican_database(maria_url, fast_hasher)

    def words() -> set[str]:
        with engine.connect() as connection:
            grams = connection.exec_driver_sql(
                f"SELECT grams FROM `{search_mariadb_sql.TABLE}`"
            ).scalar_one()
        return set(str(grams).split())

    def holding(query: str) -> list[int]:
        with engine.connect() as connection:
            return list(
                connection.execute(
                    sa.text(
                        f"SELECT key_ref FROM `{search_mariadb_sql.VIEW}`"
                        " WHERE MATCH (grams) AGAINST (:q IN BOOLEAN MODE)"
                    ),
                    {"q": query},
                ).scalars()
            )

    kes = b"kes".hex()
    try:
        assert {f"t{kes}", f"n{b'pel'.hex()}"} <= words()
        assert not any(word.startswith("g") for word in words())
        # In the description, not in the name: each column answers for itself.
        assert len(holding(search_mariadb_sql.key_match_query("kestrel", ["description"]))) == 1
        assert holding(search_mariadb_sql.key_match_query("kestrel", ["name"])) == []
        assert holding(search_mariadb_sql.key_match_query("pelican", ["name", "owner_name"]))
        _migrate(engine, "0019")
        assert f"g{kes}" in words() and f"t{kes}" not in words()
        assert len(holding(search_mariadb_sql.match_query("kestrel"))) == 1
        _migrate(engine, "head")
        assert f"t{kes}" in words() and f"g{kes}" not in words()
    finally:
        engine.dispose()
    _each_finds_it_alone(maria_url, fast_hasher, key_id, ("KESTREL", "pelican", key_id.lower()))


def test_migration_0029_puts_each_key_s_text_in_its_search_row_on_mariadb(
    maria_url: str, fast_hasher: TokenHasher
) -> None:
    """Since 0029 each search row carries its key's name, description, owner's name, key id
    and creation time (what a rare term's page is filtered and sorted by); the downgrade
    takes them out again and the way up puts every key's back. A search finds the same key
    throughout."""
    key_id, engine = _pelican_database(maria_url, fast_hasher)

    def shown() -> set[str]:
        with engine.connect() as connection:
            names = connection.execute(
                sa.text(
                    "SELECT COLUMN_NAME FROM information_schema.COLUMNS"
                    " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = :view"
                ),
                {"view": search_mariadb_sql.VIEW},
            ).scalars()
            return set(map(str, names))

    def carried() -> tuple[Any, ...]:
        with engine.connect() as connection:
            row = connection.exec_driver_sql(
                f"SELECT name, description, key_id FROM `{search_mariadb_sql.VIEW}`"
            ).one()
            return tuple(row)

    try:
        assert shown() == {"key_ref", "grams", *search_mariadb_sql.CARRIED}
        assert carried() == ("Pelican Export", "nightly kestrel feed", key_id)
        _migrate(engine, "0028")
        assert shown() == {"key_ref", "grams"}
        _migrate(engine, "head")
        assert carried() == ("Pelican Export", "nightly kestrel feed", key_id)
    finally:
        engine.dispose()
    _each_finds_it_alone(maria_url, fast_hasher, key_id, ("KESTREL", "pelican"))


def test_migration_0030_adds_phrase_words_to_each_key_on_mariadb(
    maria_url: str, fast_hasher: TokenHasher
) -> None:
    """Since 0030 each space with three bytes either side is a word of its own ("ican exp" in
    "Pelican Export"); the downgrade takes them out (the windows' words stay) and the way up
    puts every key's back. A search finds the same key throughout."""
    key_id, engine = _pelican_database(maria_url, fast_hasher)
    name_phrase = "(+m63616e20657870)"  # "can exp" in a name
    windows_only = search_mariadb_sql.key_query_by_column({"name": [b"can", b"exp"]})
    assert search_mariadb_sql.key_query_by_column({"name": [b"can exp"]}) == name_phrase
    try:
        assert len(_holding_words(engine, name_phrase)) == 1
        _migrate(engine, "0029")
        assert _holding_words(engine, name_phrase) == []
        assert len(_holding_words(engine, windows_only)) == 1
        _migrate(engine, "head")
        assert len(_holding_words(engine, name_phrase)) == 1
    finally:
        engine.dispose()
    _each_finds_it_alone(maria_url, fast_hasher, key_id, ("ican exp", "y kestrel f"))


def test_a_member_s_sample_holds_their_own_keys(
    maria_url: str, fast_hasher: TokenHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spread over the whole table, the sample would hold a few of a member's keys (too few
    to use: every search walked, 0.6 s for a member with 24,000 of 1,000,000 keys); it is
    then the member's first keys by id, scaled by how many the member sees, and never holds
    another owner's key."""
    monkeypatch.setattr(key_queries, "SAMPLE_RUN", 5)
    monkeypatch.setattr(key_queries, "SAMPLE_MIN", 25)  # the runs hold about 20
    with _member_login(maria_url) as (login, member_engine):
        services = open_services(maria_url, hasher=fast_hasher, create_schema=True)
        try:
            services.users.add(login, role="member")
            for n in range(150):
                services.keys.create(f"Heron Export {n}", "someone else's")
                if n % 5 == 0:
                    services.keys.create(f"Quokka Sync {n}", "the member's", owner=login)
        finally:
            services.close()
        member = member_engine()
        try:
            with Session(member) as session:
                sample = key_queries._read_sample(session, 0.0)
                assert sample.keys == sample.total == 30  # all of the member's keys
                assert all(b"quokka sync" in text for text in sample.texts)
                assert sample.keys_holding(b"heron") == 0.5  # none: half a key at most
                assert key_queries.describe_search_plan(session, "zebrafinch") == "walk"
        finally:
            member.dispose()


def test_a_member_s_rare_term_read_from_the_index_rows_gives_their_own_keys_only(
    maria_url: str,
    fast_hasher: TokenHasher,
    monkeypatch: pytest.MonkeyPatch,
    read_from_rows: list[str],
) -> None:
    """A member's rare term read from the index's rows (0029), through the definer view with
    the member's own login: their own keys that hold it, in each order, and none of the
    other owner's many keys that hold it too. (Limits shrunk to a member's 40 keys.)"""
    monkeypatch.setattr(key_queries, "SAMPLE_MIN", 10)
    monkeypatch.setattr(key_queries, "WALK_ALL_UP_TO", 5)
    monkeypatch.setattr(key_queries, "WALK_FILLS_AT", 0.5)
    with _member_login(maria_url) as (login, member_engine):
        services = open_services(maria_url, hasher=fast_hasher, create_schema=True)
        try:
            services.users.add(login, role="member")
            for n in range(160):
                services.keys.create(f"Heron Export {n}", "kiwi feed for someone else")
            mine = []
            for n in range(40):
                about = "kiwi feed" if n % 13 == 0 else "plain"
                key = services.keys.create(f"Quokka Sync {n}", about, owner=login).key
                if n % 13 == 0:
                    mine.append(key.key_id)
        finally:
            services.close()
        member = member_engine()
        try:
            with Session(member) as session:
                for sort in (SortField.CREATED, SortField.NAME, SortField.OWNER):
                    for descending in (False, True):
                        read_from_rows.clear()
                        ids = _paged(session, KeyFilter(search="KIWI"), sort, descending, 2)
                        shown = session.execute(
                            sa.select(ApiKey.key_id).where(ApiKey.id.in_(ids))
                        ).scalars()
                        assert sorted(shown) == sorted(mine), (sort, descending)
                        assert read_from_rows, (sort, descending)  # (the path this is about)
        finally:
            member.dispose()


def test_the_owner_names_view_shows_readers_of_every_key_each_name_and_a_member_none(
    maria_url: str, fast_hasher: TokenHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migration 0021: ``api_key_owner_names`` lists every owner's name for an auditor (and
    the schema owner) and no row for a member, who still cannot read the table behind it;
    a member's search sorted by owner, their own name holding the term, walks their own
    keys instead. The view comes with 0021 and goes with its downgrade."""
    monkeypatch.setattr(key_queries, "SAMPLE_RUN", 5)
    monkeypatch.setattr(key_queries, "SAMPLE_MIN", 10)
    view = search_mariadb_sql.OWNER_NAMES_VIEW
    with (
        _member_login(maria_url) as (member, member_engine),
        _member_login(maria_url) as (auditor, auditor_engine),
    ):
        services = open_services(maria_url, hasher=fast_hasher, create_schema=True)
        try:
            services.users.add(member, role="member", display_name="Quinn Quokka")
            services.users.add(auditor, role="auditor", display_name="Ada Auditor")
            for n in range(30):
                services.keys.create(f"Heron Export {n}", "Quokka's neighbour")
                services.keys.create(f"Own Sync {n}", "the member's", owner=member)
            admin = services.users.me().display_name
        finally:
            services.close()

        def names(engine: Engine) -> list[str]:
            try:
                with engine.connect() as connection:
                    read = connection.exec_driver_sql(f"SELECT name FROM `{view}`")
                    return sorted(map(str, read.scalars()))
            finally:
                engine.dispose()

        assert names(auditor_engine()) == sorted([admin, "Quinn Quokka"])
        assert names(sa.create_engine(maria_url, poolclass=NullPool)) == sorted(
            [admin, "Quinn Quokka"]
        )
        assert names(member_engine()) == []
        engine = member_engine()
        split = []
        holding = key_queries._owner_names_holding

        def spied(*args: object) -> list[str] | None:
            split.append(result := holding(*args))  # type: ignore[arg-type]
            return result

        monkeypatch.setattr(key_queries, "_owner_names_holding", spied)
        try:
            with Session(engine) as session:
                with pytest.raises(exc.DBAPIError):
                    session.execute(sa.text("SELECT DISTINCT owner_name FROM api_keys_data"))
                session.rollback()
                rows, _ = key_queries.fetch_page(
                    session,
                    KeyFilter(search="quokka"),
                    sort=SortField.OWNER,
                    descending=False,
                    limit=50,
                    now=datetime.now(UTC),
                )
        finally:
            engine.dispose()
        assert sorted(row.name for row in rows) == sorted(f"Own Sync {n}" for n in range(30))
        assert split == [None]  # asked, and the view gave the member no name

    engine = sa.create_engine(maria_url, poolclass=NullPool)

    def present() -> bool:
        with engine.connect() as connection:
            return bool(
                connection.exec_driver_sql(
                    "SELECT COUNT(*) FROM information_schema.VIEWS"
                    f" WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{view}'"
                ).scalar_one()
            )

    try:
        assert present()
        _migrate(engine, "0020")
        assert not present()
        _migrate(engine, "head")
        assert present()
    finally:
        engine.dispose()


# ----------------------------------------------------------------------- PostgreSQL only


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from fresh_server_database("postgresql")


def test_migration_0018_round_trips_on_postgresql(pg_url: str, fast_hasher: TokenHasher) -> None:
    """The index of each column apart, its two functions and the sort indexes that carry
    the owner come with 0018 and go with its downgrade; a search finds the same either way."""
    url = pg_url
    engine = sa.create_engine(url, poolclass=NullPool)

    def objects() -> set[str]:
        with engine.connect() as connection:
            found = connection.exec_driver_sql(
                "SELECT indexname || ':' || indexdef FROM pg_indexes"
                " WHERE tablename = 'api_keys' AND indexname IN"
                " ('ix_api_keys_search_columns', 'ix_api_keys_name_id',"
                "  'ix_api_keys_owner_name_id')"
                " UNION ALL SELECT proname FROM pg_proc WHERE proname LIKE 'kw_%%column%%'"
            ).scalars()
            return {
                name.split(":")[0] + (" +owner" if "INCLUDE (owner_id)" in name else "")
                for name in map(str, found)
            }

    try:
        services = open_services(url, hasher=fast_hasher, create_schema=True)
        try:
            services.keys.create("Pelican Export", "before the downgrade")
        finally:
            services.close()
        new = {
            "ix_api_keys_search_columns",
            "ix_api_keys_name_id +owner",
            "ix_api_keys_owner_name_id +owner",
            "kw_columns_like",
            "kw_search_key_columns",
            "kw_search_key_columns_estimate",
        }
        assert objects() == new
        _migrate(engine, "0017")
        assert objects() == {"ix_api_keys_name_id", "ix_api_keys_owner_name_id"}
        _migrate(engine, "head")
        assert objects() == new
        services = open_services(url, hasher=fast_hasher)
        try:
            query = KeyQuery(search="PELICAN", sort=SortField.OWNER)
            assert [row.name for row in services.keys.page(query).rows] == ["Pelican Export"]
        finally:
            services.close()
    finally:
        engine.dispose()


def test_migration_0023_round_trips_on_postgresql(
    pg_url: str, fast_hasher: TokenHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit trail's two free-text indexes lead with the action and the actor from 0023
    (with its three functions) and not after its downgrade; a term beside an action is
    found through them again after the upgrade (a walk of one event, then the function)."""
    monkeypatch.setattr(audit_module, "PG_WALK", 1)
    url = pg_url
    engine = sa.create_engine(url, poolclass=NullPool)

    def objects() -> set[str]:
        with engine.connect() as connection:
            found = connection.exec_driver_sql(
                "SELECT indexname || CASE WHEN indexdef LIKE '%%(lower((action)%%'"
                " THEN ' +action' ELSE '' END FROM pg_indexes"
                " WHERE tablename = 'audit_events' AND indexname IN (%(text)s, %(pairs)s)"
                " UNION ALL SELECT proname FROM pg_proc"
                " WHERE proname IN ('kw_search_events_where', 'kw_nth_event_where',"
                " 'kw_where_event')",
                {"text": PG_AUDIT_INDEX, "pairs": PG_AUDIT_PAIRS_INDEX},
            ).scalars()
            return set(map(str, found))

    def revoked_pelican(services: Services) -> list[str]:
        wanted = AuditFilter(text="PELICAN", action=AuditAction.KEY_REVOKED)
        return [entry.event.action for entry in services.audit.page(wanted).entries]

    try:
        services = open_services(url, hasher=fast_hasher, create_schema=True)
        try:
            made = services.keys.create("Pelican Export", "before the downgrade")
            services.keys.revoke(made.key.key_id, reason="rotated")
        finally:
            services.close()
        new = {
            f"{PG_AUDIT_INDEX} +action",
            f"{PG_AUDIT_PAIRS_INDEX} +action",
            "kw_search_events_where",
            "kw_nth_event_where",
            "kw_where_event",
        }
        assert objects() == new
        _migrate(engine, "0022")
        assert objects() == {PG_AUDIT_INDEX, PG_AUDIT_PAIRS_INDEX}
        _migrate(engine, "head")
        assert objects() == new
        services = open_services(url, hasher=fast_hasher)
        try:
            assert revoked_pelican(services) == ["key.revoked"]
        finally:
            services.close()
    finally:
        engine.dispose()


def test_migration_0027_puts_the_owner_in_the_text_index_on_postgresql(
    pg_url: str, fast_hasher: TokenHasher
) -> None:
    """From 0027 the searched text's trigram index also holds each key's owner (not after its
    downgrade); upgrading as Keyward does analyses the table after the migrations' commit, so
    the rebuilt index's expression has its full sample (the statistics target of 1000: more
    bounds than the default 100 gives) and a common term is not mistaken for a rare one."""
    engine = sa.create_engine(pg_url, poolclass=NullPool)

    def shape() -> tuple[str, int | None]:
        with engine.connect() as connection:
            definition = connection.exec_driver_sql(
                "SELECT indexdef FROM pg_indexes WHERE indexname = %(name)s",
                {"name": PG_TEXT_INDEX},
            ).scalar_one()
            bounds = connection.exec_driver_sql(
                "SELECT array_length(histogram_bounds::text::text[], 1) FROM pg_stats"
                " WHERE tablename = %(name)s",
                {"name": PG_TEXT_INDEX},
            ).scalar()
        columns = str(definition).split("USING gin (", 1)[1]
        return ("owner, text" if columns.startswith("owner_id,") else "text"), bounds

    try:
        open_services(pg_url, hasher=fast_hasher, create_schema=True).close()
        rng = random.Random(27)
        people = insert_users(engine, user_rows(12, rng, NOW), rng)
        others = [person for person in people if person.login != BENCH_ADMIN]
        insert_keys(engine, others, 400, rng, now=NOW, secret_hash="unused")
        analyze(engine)
        kind, bounds = shape()
        assert kind == "owner, text" and bounds is not None and bounds > 101
        _migrate(engine, "0026")
        assert shape()[0] == "text"
        upgrade(engine)
        kind, bounds = shape()
        assert kind == "owner, text"
        # All 400 texts differ: the default target would keep 101 bounds, none at all
        # without the ANALYZE after the commit.
        assert bounds is not None and bounds > 101
        services = open_services(pg_url, hasher=fast_hasher)
        try:
            everyone = services.keys.count(KeyQuery())
            assert services.keys.count(KeyQuery(search="e")) > everyone / 2
            term = "zebrafinch-0027"
            services.keys.create(f"Export {term}", "after the upgrade")
            assert [row.name for row in services.keys.page(KeyQuery(search=term)).rows] == [
                f"Export {term}"
            ]
        finally:
            services.close()
    finally:
        engine.dispose()


def test_migration_0028_round_trips_on_postgresql(pg_url: str, fast_hasher: TokenHasher) -> None:
    """The index of each key's pieces beside its owner and its function come with 0028 and
    go with its downgrade, where the audit trail's short terms (which share the pieces' test)
    are still found; after the upgrade a short term is found through them again."""
    engine = sa.create_engine(pg_url, poolclass=NullPool)
    new = {PG_PAIRS_INDEX, "kw_search_keys_by_pairs"}

    def objects() -> set[str]:
        with engine.connect() as connection:
            found = connection.execute(
                sa.text(
                    "SELECT indexname FROM pg_indexes WHERE indexname = :name UNION ALL"
                    " SELECT proname FROM pg_proc WHERE proname = 'kw_search_keys_by_pairs'"
                ),
                {"name": PG_PAIRS_INDEX},
            ).scalars()
            return set(map(str, found))

    def found(statement: str) -> list[int]:
        pattern = "%#7%"
        with engine.connect() as connection:
            return list(connection.execute(sa.text(statement), {"p": pattern}).scalars())

    try:
        services = open_services(pg_url, hasher=fast_hasher, create_schema=True)
        try:
            made = services.keys.create("Pelican #7 Export", "before the downgrade")
            services.keys.revoke(made.key.key_id, reason="moved to the #7 queue")
        finally:
            services.close()
        by_pairs = "SELECT * FROM kw_search_keys_by_pairs('#7', :p)"
        (key,) = found(by_pairs)
        assert objects() == new
        _migrate(engine, "0027")
        assert objects() == set()
        events = "SELECT * FROM kw_search_events_by_pairs('#7', :p, :p, NULL, NULL, 10)"
        assert len(found(events)) == 2  # created (its name) and revoked (its reason)
        upgrade(engine)
        assert objects() == new
        assert found(by_pairs) == [key]
        assert len(found(events)) == 2
        # Analysed after the upgrade, but not the pieces (ANALYZE would spend most of its
        # time working them out).
        with engine.connect() as connection:
            analysed = connection.execute(
                sa.text("SELECT tablename FROM pg_stats WHERE tablename IN (:pairs, :text)"),
                {"pairs": PG_PAIRS_INDEX, "text": PG_TEXT_INDEX},
            ).scalars()
            assert set(analysed) == {PG_TEXT_INDEX}
    finally:
        engine.dispose()


def test_migration_0024_indexes_the_trail_by_actor_and_action_on_mariadb(
    maria_url: str, fast_hasher: TokenHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The (actor, action, seq) index comes with 0024 and goes with its downgrade; a term
    beside a person and an action, read after a walk of one event (where the walk ends is
    asked with index-merge intersection off), finds the same event before and after."""
    monkeypatch.setattr(audit_module, "MARIADB_WALK", 1)
    engine = create_engine(maria_url)

    def indexed() -> bool:
        with engine.connect() as connection:
            found = sa.inspect(connection).get_indexes("audit_events_data")
        return ("actor", "action", "seq") in {tuple(index["column_names"]) for index in found}

    def found(services: Services) -> list[str]:
        wanted = AuditFilter(text="PELICAN", action=AuditAction.KEY_REVOKED, actor="ci-admin")
        return [entry.event.action for entry in services.audit.page(wanted).entries]

    try:
        services = open_services(
            maria_url, hasher=fast_hasher, create_schema=True, operator_login="ci-admin"
        )
        try:
            for name in ("Pelican Export", "Pelican Import"):
                made = services.keys.create(name, "")
                services.keys.revoke(made.key.key_id, reason="rotated")
            assert indexed()
            assert found(services) == ["key.revoked", "key.revoked"]
        finally:
            services.close()
        _migrate(engine, "0023")
        assert not indexed()
        _migrate(engine, "head")
        assert indexed()
        services = open_services(maria_url, hasher=fast_hasher, operator_login="ci-admin")
        try:
            assert found(services) == ["key.revoked", "key.revoked"]
        finally:
            services.close()
    finally:
        engine.dispose()


def test_migration_0025_tags_the_trails_words_by_action_on_mariadb(
    maria_url: str, fast_hasher: TokenHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every event's words are there tagged by its action with 0025 (the events already
    there too) and only the plain words after its downgrade; a term beside an action, read
    through the index after a walk of one event, finds the same events after the round trip."""
    monkeypatch.setattr(audit_module, "MARIADB_WALK", 1)
    engine = create_engine(maria_url)
    revoked_tag = search_mariadb_sql.tag("action", "key.revoked")

    def tagged() -> dict[str, int]:
        """How many revokes hold a word tagged by their action."""
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT e.action, SUM(LOCATE(CONCAT(' ', %s), g.grams) > 0)"
                " FROM audit_events_data e JOIN audit_event_search_data g"
                " ON g.event_seq = e.seq WHERE e.action = 'key.revoked' GROUP BY e.action",
                (revoked_tag,),
            )
            return {str(action): int(count) for action, count in rows}

    def found(services: Services) -> list[str]:
        wanted = AuditFilter(text="PELICAN", action=AuditAction.KEY_REVOKED)
        return [entry.target_name or "" for entry in services.audit.page(wanted).entries]

    try:
        services = open_services(maria_url, hasher=fast_hasher, create_schema=True)
        try:
            for name in ("Pelican Export", "Pelican Import", "Heron Sync"):
                made = services.keys.create(name, "")
                services.keys.revoke(made.key.key_id, reason="rotated")
            assert tagged() == {"key.revoked": 3}
            assert found(services) == ["Pelican Import", "Pelican Export"]
        finally:
            services.close()
        _migrate(engine, "0024")
        assert tagged() == {"key.revoked": 0}
        with engine.connect() as connection:  # the plain words are still there
            holding = connection.exec_driver_sql(
                "SELECT COUNT(*) FROM audit_event_search_data"
                " WHERE MATCH (grams) AGAINST (%s IN BOOLEAN MODE)",
                (search_mariadb_sql.match_query("pelican"),),
            )
            assert holding.scalar() == 4  # each Pelican created and revoked
        _migrate(engine, "head")
        assert tagged() == {"key.revoked": 3}
        services = open_services(maria_url, hasher=fast_hasher)
        try:
            assert found(services) == ["Pelican Import", "Pelican Export"]
        finally:
            services.close()
    finally:
        engine.dispose()


def test_migration_0026_tags_the_trails_words_by_person_on_mariadb(
    maria_url: str, fast_hasher: TokenHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every event's words are there tagged by its person with 0026 (the events already
    there too) and only by its action after the downgrade to 0025; a term beside a person,
    read through the index after a walk of one event, finds the same events after the
    round trip."""
    monkeypatch.setattr(audit_module, "MARIADB_WALK", 1)
    engine = create_engine(maria_url)
    person_tag = search_mariadb_sql.tag("actor", "ci-admin")
    action_tag = search_mariadb_sql.tag("action", "key.revoked")

    def tagged(tag: str) -> int:
        """How many of the person's revokes hold a word tagged ``tag``."""
        with engine.connect() as connection:
            return int(
                connection.exec_driver_sql(
                    "SELECT COALESCE(SUM(LOCATE(CONCAT(' ', %s), g.grams) > 0), 0)"
                    " FROM audit_events_data e JOIN audit_event_search_data g"
                    " ON g.event_seq = e.seq"
                    " WHERE e.action = 'key.revoked' AND e.actor = 'ci-admin'",
                    (tag,),
                ).scalar_one()
            )

    def found(services: Services) -> list[str]:
        wanted = AuditFilter(text="OSPREY", actor="ci-admin")
        return [entry.target_name or "" for entry in services.audit.page(wanted).entries]

    try:
        services = open_services(
            maria_url, hasher=fast_hasher, create_schema=True, operator_login="ci-admin"
        )
        try:
            for name in ("Osprey Export", "Osprey Import", "Heron Sync"):
                made = services.keys.create(name, "")
                services.keys.revoke(made.key.key_id, reason="rotated")
            assert (tagged(person_tag), tagged(action_tag)) == (3, 3)
            expected = ["Osprey Import", "Osprey Import", "Osprey Export", "Osprey Export"]
            assert found(services) == expected
        finally:
            services.close()
        _migrate(engine, "0025")
        assert (tagged(person_tag), tagged(action_tag)) == (0, 3)
        _migrate(engine, "head")
        assert (tagged(person_tag), tagged(action_tag)) == (3, 3)
        services = open_services(maria_url, hasher=fast_hasher, operator_login="ci-admin")
        try:
            assert found(services) == expected
        finally:
            services.close()
    finally:
        engine.dispose()
