"""The audit view's free text through MariaDB's FULLTEXT index of byte trigrams (migration 0017).

The same events, in the same order, as reading every event, on every page (the walk of the
newest events and the index's candidates both shrunk, so that every path runs); the index
answers for the events below that walk; it follows the trail (new events, rows changed or
deleted by hand, events that existed before the upgrade); and, logged in as real MariaDB
logins, an auditor reads it while a member finds only their own events and neither a member
nor the verifier may read the index's view or table.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

import app.services.audit as audit_module
from app.data.schema import _config
from app.data.server import search_mariadb_sql
from app.domain.audit import AuditAction
from app.domain.hashing import TokenHasher
from app.services import Services, open_services
from app.services.audit import AuditFilter
from tests.services.test_audit_free_text import (
    assert_the_index_finds_what_a_scan_finds,
    scanned,
    trail,
)
from tests.services.test_audit_trail import everything, seqs
from tests.services.test_integrity_walk import _insert_chain
from tests.support import Team, fresh_server_database

__all__ = ["trail"]  # the fixture, shared with SQLite's tests

PASSWORD = "kw-Audit-My-Pw-2468"
TABLE = search_mariadb_sql.EVENT_TABLE
VIEW = search_mariadb_sql.EVENT_VIEW


@pytest.fixture
def database_url() -> Iterator[str]:
    yield from fresh_server_database("mariadb")


@pytest.fixture
def small_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    """The newest 25 events walked (beside an action, the first 10 alone when none holds
    the term), then 30 candidates from the index, 7 at a time: every path runs."""
    monkeypatch.setattr(audit_module, "MARIADB_WALK", 25)
    monkeypatch.setattr(audit_module, "MARIADB_SCOUT", 10)
    monkeypatch.setattr(audit_module, "MARIADB_CANDIDATES", 30)
    monkeypatch.setattr(audit_module, "MARIADB_CHUNK", 7)


def test_the_index_finds_what_reading_every_event_finds_on_every_page(
    trail: Team, monkeypatch: pytest.MonkeyPatch, small_walk: None
) -> None:
    auditor = trail.auditor
    assert_the_index_finds_what_a_scan_finds(auditor, monkeypatch)
    # Case is folded in every script, accents are not: as on PostgreSQL (MariaDB's own
    # ``_ci`` collation used to find "cafe" for "café").
    assert seqs(everything(auditor, AuditFilter(text="CAFÉ"))) == seqs(
        everything(auditor, AuditFilter(text="café"))
    )
    assert everything(auditor, AuditFilter(text="cafe")) == []
    assert scanned(auditor, AuditFilter(text="cafe"), monkeypatch) == []


def _index_rows(services: Services) -> int:
    with services.engine.connect() as connection:
        return int(connection.exec_driver_sql(f"SELECT COUNT(*) FROM `{TABLE}`").scalar_one())


def _owner_runs(services: Services, statement: str, **params: object) -> None:
    with services.engine.begin() as connection:
        connection.execute(sa.text(statement), params)


def test_the_index_answers_below_the_walk_and_follows_the_trail(
    trail: Team, small_walk: None
) -> None:
    """An old event is found through the index (take its words away and the search no longer
    finds it); events written later, rows changed and deleted by hand are followed."""
    auditor, admin = trail.auditor, trail.admin
    (leaked,) = everything(auditor, AuditFilter(text="support ticket"))
    events = everything(auditor, limit=100)
    assert len([e for e in events if e.event.seq > leaked.event.seq]) > 25  # below the walk
    with Session(auditor.engine) as session:
        words = audit_module._indexed(session, "support ticket", member=False)
        assert words == search_mariadb_sql.match_query("support ticket")
    assert _index_rows(admin) == len(events)

    seq = leaked.event.seq
    _owner_runs(admin, f"UPDATE `{TABLE}` SET grams = 'gffffff' WHERE event_seq = :s", s=seq)
    assert everything(auditor, AuditFilter(text="support ticket")) == []  # the index decided
    _owner_runs(admin, "UPDATE audit_events_data SET reason = :r WHERE seq = :s", r="vault", s=seq)
    assert everything(auditor, AuditFilter(text="support ticket")) == []
    assert seqs(everything(auditor, AuditFilter(text="VAULT"))) == [seq]  # its new text
    _owner_runs(admin, "DELETE FROM audit_events_data WHERE seq = :s", s=seq)
    assert everything(auditor, AuditFilter(text="vault")) == []
    assert _index_rows(admin) == len(events) - 1

    made = admin.keys.create("Nightly Quokka Export", "")
    admin.keys.revoke(made.key.key_id, reason="pasted in chat")
    found = everything(auditor, AuditFilter(text="quokka"))
    assert [entry.event.action for entry in found] == ["key.revoked", "key.created"]


def test_a_term_beside_an_action_is_read_from_that_actions_words(
    trail: Team, small_walk: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beside an action, the index is asked for the words tagged by it (0025): with an old
    event's tagged words taken away, the search beside its action no longer finds it while
    the plain search still does; an action changed by hand is followed (found beside the
    new action, no longer beside the old)."""
    monkeypatch.setattr(audit_module, "MARIADB_WALK", 1)  # the newest revoke; then the index
    auditor, admin = trail.auditor, trail.admin
    (leaked,) = everything(auditor, AuditFilter(text="support ticket"))
    seq = leaked.event.seq
    revoked = AuditFilter(text="support ticket", action=AuditAction.KEY_REVOKED)
    edited = AuditFilter(text="support ticket", action=AuditAction.KEY_EDITED)
    newest_revoke = everything(auditor, AuditFilter(action=AuditAction.KEY_REVOKED), limit=1)
    assert seqs(newest_revoke)[0] > seq  # the leaked event is not the walk's one event
    assert seqs(everything(auditor, revoked)) == [seq]
    assert everything(auditor, edited) == []
    with Session(auditor.engine) as session:
        words = audit_module._indexed(
            session, "support ticket", member=False, narrowed=(AuditAction.KEY_REVOKED, None)
        )
    assert words == search_mariadb_sql.match_query("support ticket", "key.revoked")
    assert words.startswith("+" + search_mariadb_sql.tag("action", "key.revoked"))

    plain_words_only = f"UPDATE `{TABLE}` SET grams = SUBSTRING_INDEX(grams, ' a', 1)"
    _owner_runs(admin, f"{plain_words_only} WHERE event_seq = :s", s=seq)
    assert everything(auditor, revoked) == []  # the tagged words decided
    assert seqs(everything(auditor, AuditFilter(text="support ticket"))) == [seq]

    _owner_runs(admin, "UPDATE audit_events_data SET action = 'key.edited' WHERE seq = :s", s=seq)
    assert seqs(everything(auditor, edited)) == [seq]
    assert everything(auditor, revoked) == []


def test_a_term_beside_a_person_is_read_from_that_persons_words(
    trail: Team, small_walk: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beside a person and no action, the index is asked for the words tagged by the person
    (0026), whose login's CRC-32 MariaDB and Python agree on (a login not in ASCII): with an
    old event's person-tagged words taken away, the search beside its person no longer
    finds it while the plain search and the search beside its action still do; a person
    changed by hand is followed."""
    monkeypatch.setattr(audit_module, "MARIADB_WALK", 1)  # the person's newest; then the index
    auditor, admin = trail.auditor, trail.admin
    (leaked,) = everything(auditor, AuditFilter(text="support ticket"))
    seq, person = leaked.event.seq, "ci-ünïcode"
    _owner_runs(admin, "UPDATE audit_events_data SET actor = :a WHERE seq = :s", a=person, s=seq)
    theirs = AuditFilter(text="support ticket", actor=person)
    newest = everything(auditor, AuditFilter(actor=person), limit=1)
    assert seqs(newest)[0] > seq  # the leaked event is not the walk's one event
    assert seqs(everything(auditor, theirs)) == [seq]
    assert everything(auditor, AuditFilter(text="support ticket", actor="ci")) == []
    with Session(auditor.engine) as session:
        words = audit_module._indexed(
            session, "support ticket", member=False, narrowed=(None, person)
        )
    assert words == search_mariadb_sql.match_query("support ticket", actor=person)
    assert words.startswith("+" + search_mariadb_sql.tag("actor", person))

    without_persons_words = f"UPDATE `{TABLE}` SET grams = SUBSTRING_INDEX(grams, ' p', 1)"
    _owner_runs(admin, f"{without_persons_words} WHERE event_seq = :s", s=seq)
    assert everything(auditor, theirs) == []  # the person's words decided
    assert seqs(everything(auditor, AuditFilter(text="support ticket"))) == [seq]
    revoked = AuditFilter(text="support ticket", action=AuditAction.KEY_REVOKED, actor=person)
    assert seqs(everything(auditor, revoked)) == [seq]  # beside an action: the action's words

    _owner_runs(admin, "UPDATE audit_events_data SET actor = 'ci' WHERE seq = :s", s=seq)
    assert seqs(everything(auditor, AuditFilter(text="support ticket", actor="ci"))) == [seq]
    assert everything(auditor, theirs) == []


def test_a_snapshot_that_is_not_json_is_indexed_without_its_name(trail: Team) -> None:
    """A row written by hand with text that is not JSON neither stops the write nor the
    search: its other fields are still found."""
    admin, auditor = trail.admin, trail.auditor
    (leaked,) = everything(auditor, AuditFilter(text="support ticket"))
    _owner_runs(
        admin,
        "UPDATE audit_events_data SET `after` = '{\"name\": \"Broken', reason = 'Kiwi' "
        "WHERE seq = :s",
        s=leaked.event.seq,
    )
    assert seqs(everything(auditor, AuditFilter(text="kiwi"))) == [leaked.event.seq]


def test_the_upgrade_indexes_the_events_already_there(trail: Team) -> None:
    admin, auditor = trail.admin, trail.auditor
    before = seqs(everything(auditor, AuditFilter(text="café")))
    assert len(before) > 20
    config = _config()
    with admin.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0016")
        assert TABLE not in sa.inspect(connection).get_table_names()
        assert VIEW not in sa.inspect(connection).get_view_names()
    with admin.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    assert seqs(everything(auditor, AuditFilter(text="café"))) == before
    with admin.engine.connect() as connection:
        events = connection.exec_driver_sql("SELECT COUNT(*) FROM audit_events_data").scalar()
    assert _index_rows(admin) == events


# --------------------------------------------------------------------------- real logins


@pytest.fixture
def logins(database_url: str, fast_hasher: TokenHasher) -> Iterator[dict[str, str]]:
    """A trail with a leaked key and a member's key, and one login per role (name -> URL)."""
    suffix = uuid.uuid4().hex[:8]
    names = {role: f"kw_m{role[:3]}_{suffix}" for role in ("auditor", "member", "verifier")}
    owner = sa.create_engine(database_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    database = str(make_url(database_url).database).lower()
    urls = {
        role: make_url(database_url).set(username=name, password=PASSWORD)
        for role, name in names.items()
    }
    try:
        with owner.connect() as connection:
            for name in names.values():
                connection.exec_driver_sql(
                    f"CREATE USER '{name}'@'127.0.0.1' IDENTIFIED BY '{PASSWORD}'"
                )
        services = open_services(database_url, hasher=fast_hasher, create_schema=True)
        try:
            for role, name in names.items():
                services.users.add(name, role=role)
            leaked = services.keys.create("Quetzal Export", "nightly export")
            services.keys.revoke(leaked.key.key_id, reason="pasted in a support ticket")
            services.keys.create("Member Heron Sync", "the member's own", owner=names["member"])
            _insert_chain(services, 300)
        finally:
            services.close()
        for role, url in urls.items():
            login = sa.create_engine(url._replace(database=None), poolclass=NullPool)
            with login.connect() as connection:
                connection.exec_driver_sql(f"SET DEFAULT ROLE `{database}_{role}`")
            login.dispose()
        yield {role: url.render_as_string(hide_password=False) for role, url in urls.items()} | {
            "owner": database_url
        }
    finally:
        with owner.connect() as connection:
            for name in names.values():
                connection.exec_driver_sql(f"DROP USER IF EXISTS '{name}'@'127.0.0.1'")
        owner.dispose()


def _query(url: str, statement: str) -> list[object]:
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            return list(connection.exec_driver_sql(statement).scalars())
    finally:
        engine.dispose()


def test_an_auditor_login_reads_the_index_and_a_member_only_their_own_events(
    logins: dict[str, str], fast_hasher: TokenHasher, small_walk: None
) -> None:
    auditor = open_services(logins["auditor"], hasher=fast_hasher)
    member = open_services(logins["member"], hasher=fast_hasher)
    try:
        found = everything(auditor, AuditFilter(text="support ticket"))
        assert [entry.event.action for entry in found] == ["key.revoked"]
        assert [entry.target_name for entry in found] == ["Quetzal Export"]
        assert len(everything(auditor, AuditFilter(text="quetzal"))) == 2  # created, revoked
        assert everything(member, AuditFilter(text="quetzal")) == []
        assert everything(member, AuditFilter(text="support ticket")) == []
        own = everything(member, AuditFilter(text="heron sync"))
        assert [entry.target_name for entry in own] == ["Member Heron Sync"]
    finally:
        auditor.close()
        member.close()
    words = search_mariadb_sql.match_query("quetzal")
    holding = (
        f"SELECT event_seq FROM `{VIEW}` WHERE MATCH (grams) AGAINST ('{words}' IN BOOLEAN MODE)"
    )
    assert len(_query(logins["auditor"], holding)) == 2
    for who in ("member", "verifier"):
        for statement in (holding, f"SELECT COUNT(*) FROM `{TABLE}`"):
            with pytest.raises(exc.OperationalError, match="command denied"):
                _query(logins[who], statement)
    for statement in (
        f"DELETE FROM `{VIEW}`",
        f"UPDATE `{TABLE}` SET grams = ''",
        f"INSERT INTO `{TABLE}` (event_seq, grams) VALUES (999999, 'g616263')",
    ):
        with pytest.raises(exc.OperationalError, match="command denied"):
            _query(logins["auditor"], statement)
    every = f"SELECT COUNT(*) FROM `{TABLE}`"
    assert _query(logins["owner"], every) == _query(
        logins["owner"], "SELECT COUNT(*) FROM audit_events_data"
    )
