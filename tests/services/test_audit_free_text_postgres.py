"""The audit view's free text through PostgreSQL's trigram index (migration 0014).

The same events, in the same order, as reading every event, on every page (through the
owner's connection, as ``test_audit_free_text`` checks SQLite's index); and, logged in as real
PostgreSQL logins, an auditor's search reads the index while a member's finds only their own
events, and neither a member nor the verifier can get more by calling ``kw_search_events``
straight from SQL.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

import app.services.audit as audit_module
from app.data.search_schema import PG_AUDIT_INDEX, PG_AUDIT_PAIRS_INDEX
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
from tests.support import (
    Team,
    drop_postgres_logins,
    fresh_server_database,
    postgres_index_scans,
)

__all__ = ["trail"]  # the fixture, shared with SQLite's tests

PASSWORD = "kw-Audit-Pw-2468"


@pytest.fixture
def database_url() -> Iterator[str]:
    yield from fresh_server_database("postgresql")


def test_the_index_finds_what_reading_every_event_finds_on_every_page(
    trail: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    auditor = trail.auditor
    assert_the_index_finds_what_a_scan_finds(auditor, monkeypatch)
    # PostgreSQL folds every letter's case, as ILIKE did before the index.
    assert seqs(everything(auditor, AuditFilter(text="CAFÉ"))) == seqs(
        everything(auditor, AuditFilter(text="café"))
    )


# --------------------------------------------------------------------------- real logins


def _index_scans(owner: sa.Engine, index: str = PG_AUDIT_INDEX) -> int:
    return postgres_index_scans(owner, index)


@pytest.fixture
def logins(database_url: str, fast_hasher: TokenHasher) -> Iterator[dict[str, str]]:
    """A trail with a leaked key and a member's key, and one login per role (name -> URL)."""
    suffix = uuid.uuid4().hex[:8]
    names = {role: f"kw_a{role}_{suffix}" for role in ("auditor", "member", "verifier")}
    owner = sa.create_engine(database_url, poolclass=NullPool)
    with owner.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for name in names.values():
            connection.exec_driver_sql(f"CREATE ROLE {name} LOGIN PASSWORD '{PASSWORD}'")
    try:
        services = open_services(database_url, hasher=fast_hasher, create_schema=True)
        try:
            for role, name in names.items():
                services.users.add(name, role=role)
            leaked = services.keys.create("Quetzal Export", "nightly export")
            services.keys.revoke(leaked.key.key_id, reason="pasted in a support ticket")
            services.keys.create("Member Heron Sync", "the member's own", owner=names["member"])
            # Enough events that the planner prefers the index to reading them all.
            _insert_chain(services, 3000)
        finally:
            services.close()
        with owner.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE audit_events")
        services = open_services(database_url, hasher=fast_hasher)
        try:
            services.keys.create("After The Chain", "a key made after the inserted events")
        finally:
            services.close()
        yield {
            role: make_url(database_url)
            .set(username=name, password=PASSWORD)
            .render_as_string(hide_password=False)
            for role, name in names.items()
        } | {"owner": database_url}
    finally:
        owner.dispose()
        drop_postgres_logins(list(names.values()))


def _open(url: str, fast_hasher: TokenHasher) -> Services:
    return open_services(url, hasher=fast_hasher)


def test_an_auditor_login_reads_the_index_and_a_member_only_their_own_events(
    logins: dict[str, str], fast_hasher: TokenHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = sa.create_engine(logins["owner"], poolclass=NullPool)
    auditor = _open(logins["auditor"], fast_hasher)
    member = _open(logins["member"], fast_hasher)
    try:
        before = _index_scans(owner)
        found = everything(auditor, AuditFilter(text="support ticket"))
        assert [entry.event.action for entry in found] == ["key.revoked"]
        assert [entry.target_name for entry in found] == ["Quetzal Export"]
        auditor.engine.dispose()  # the backends flush their statistics as they close
        assert _wait_for_scans(owner, before)
        quetzal = everything(auditor, AuditFilter(text="quetzal"))
        assert seqs(quetzal) == seqs(scanned(auditor, AuditFilter(text="quetzal"), monkeypatch))
        assert len(quetzal) == 2  # created, revoked
        assert everything(member, AuditFilter(text="quetzal")) == []
        assert everything(member, AuditFilter(text="support ticket")) == []
        own = everything(member, AuditFilter(text="heron sync"))
        assert [entry.target_name for entry in own] == ["Member Heron Sync"]
    finally:
        auditor.close()
        member.close()
        owner.dispose()


def _wait_for_scans(owner: sa.Engine, before: int, index: str = PG_AUDIT_INDEX) -> bool:
    """The closed backends' statistics reach shared memory as they exit: a short wait."""
    for _ in range(100):
        if _index_scans(owner, index) > before:
            return True
        with owner.connect() as connection:
            connection.exec_driver_sql("SELECT pg_sleep(0.05)")
    return False


def _two_events_with_a_short_term(logins: dict[str, str], fast_hasher: TokenHasher) -> None:
    """A key whose name holds "#~" (no word of three letters or digits), revoked with a
    reason that holds it: two events."""
    owner = _open(logins["owner"], fast_hasher)
    try:
        made = owner.keys.create("Nightly #~ report", "")
        owner.keys.revoke(made.key.key_id, reason="moved to the #~ vault")
    finally:
        owner.close()


def _call(url: str, statement: str, **params: Any) -> list[Any]:
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            return list(connection.execute(sa.text(statement), params).scalars())
    finally:
        engine.dispose()


def test_kw_search_events_keeps_the_reading_rule_against_direct_calls(
    logins: dict[str, str],
) -> None:
    every = "SELECT kw_search_events('%', '%', -1, 2147483647, 1000)"
    all_seqs = _call(logins["owner"], "SELECT seq FROM audit_events ORDER BY seq DESC")
    assert _call(logins["auditor"], every) == all_seqs[:1000]  # newest first, up to the limit
    # A member's own events are read through the policy, never through the function.
    assert _call(logins["member"], every) == []
    quetzal = "SELECT kw_search_events('%quetzal%', '%quetzal%', -1, 99999, 9)"
    assert len(_call(logins["auditor"], quetzal)) == 2  # created, revoked
    assert _call(logins["member"], quetzal) == []
    for attack in ("%' OR true --", "%'; DELETE FROM audit_events; --"):
        found = _call(logins["auditor"], "SELECT kw_search_events(:p, :p, -1, 99999, 9)", p=attack)
        assert found == []
    with pytest.raises(exc.ProgrammingError, match="permission denied"):
        _call(logins["verifier"], every)
    assert _call(logins["owner"], "SELECT seq FROM audit_events ORDER BY seq DESC") == all_seqs


def test_short_terms_no_event_holds_are_answered_from_the_pairs_and_tell_others_nothing(
    logins: dict[str, str], fast_hasher: TokenHasher
) -> None:
    """A 1-2 character term (or one without a word of 3 letters or digits) no event holds
    finds nothing at once for an auditor; a member learns nothing from the pieces, and only
    the owner may read or change them; an event written later adds its pieces."""
    auditor = _open(logins["auditor"], fast_hasher)
    try:
        with Session(auditor.engine) as session:
            assert audit_module._indexed(session, "#~", member=False) == audit_module.NOTHING
            assert audit_module._indexed(session, "%#~", member=False) == audit_module.NOTHING
            # Held: read through the index of each event's pieces (0022).
            assert audit_module._indexed(session, "qu", member=False) == "qu"
        assert everything(auditor, AuditFilter(text="#~")) == []
        assert len(everything(auditor, AuditFilter(text="Qu"))) >= 2  # Quetzal's events
    finally:
        auditor.close()
    _two_events_with_a_short_term(logins, fast_hasher)
    auditor = _open(logins["auditor"], fast_hasher)
    try:
        found = everything(auditor, AuditFilter(text="#~"))
        assert [entry.event.action for entry in found] == ["key.revoked", "key.created"]
    finally:
        auditor.close()
    assert _call(logins["auditor"], "SELECT kw_events_may_hold('~^')") == [False]
    assert _call(logins["member"], "SELECT kw_events_may_hold('~^')") == [True]
    for statement in (
        "SELECT count(*) FROM kw_event_search_pairs",
        "DELETE FROM kw_event_search_pairs",
        "SELECT kw_pairs_may_hold('kw_event_search_pairs', '~^')",
        "SELECT kw_pairs_may_hold('users', 'ad')",
    ):
        for who in ("member", "auditor"):
            with pytest.raises(exc.ProgrammingError, match="permission denied"):
                _call(logins[who], statement)
    with pytest.raises(exc.ProgrammingError, match="permission denied"):
        _call(logins["verifier"], "SELECT kw_events_may_hold('~^')")


def test_a_short_term_few_events_hold_is_read_from_the_index_of_pieces(
    logins: dict[str, str], fast_hasher: TokenHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migration 0022: a term without a word of three letters or digits that two events of
    3,000 hold is read from the index of each event's two-character pieces (its scans
    counted), the same events as reading them all, and since 0023 one character too;
    ``kw_search_events_by_pairs`` keeps the reading rule against direct calls (a member gets
    nothing, the verifier is refused, the term and patterns stay text)."""
    _two_events_with_a_short_term(logins, fast_hasher)
    owner = sa.create_engine(logins["owner"], poolclass=NullPool)
    auditor = _open(logins["auditor"], fast_hasher)
    try:
        for term in ("#~", "~"):  # one character (0023): the pieces with it that events hold
            before = _index_scans(owner, PG_AUDIT_PAIRS_INDEX)
            found = everything(auditor, AuditFilter(text=term))
            assert [entry.event.action for entry in found] == ["key.revoked", "key.created"]
            assert seqs(found) == seqs(scanned(auditor, AuditFilter(text=term), monkeypatch))
            auditor.engine.dispose()
            assert _wait_for_scans(owner, before, PG_AUDIT_PAIRS_INDEX), term
        rows = _call(logins["owner"], "SELECT count(*) FROM audit_events")
    finally:
        auditor.close()
    pairs = "SELECT kw_search_events_by_pairs(:t, :p, :p, -1, 2147483647, 100)"
    assert len(_call(logins["auditor"], pairs, t="#~", p="%#~%")) == 2
    assert len(_call(logins["auditor"], pairs, t="~", p="%~%")) == 2
    assert _call(logins["member"], pairs, t="~", p="%~%") == []
    assert _call(logins["member"], pairs, t="#~", p="%#~%") == []
    assert _call(logins["member"], pairs, t="", p="%") == []
    with pytest.raises(exc.ProgrammingError, match="permission denied"):
        _call(logins["verifier"], pairs, t="#~", p="%#~%")
    for attack in ("'; DELETE FROM audit_events; --", "%' OR true --", "{}'::text[] OR true --"):
        assert _call(logins["auditor"], pairs, t=attack, p=attack) == []
    assert _call(logins["owner"], "SELECT count(*) FROM audit_events") == rows
    owner.dispose()


def test_a_term_beside_an_action_it_never_meets_is_read_from_the_index_that_leads_with_both(
    logins: dict[str, str], fast_hasher: TokenHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migration 0023: after a walk of the action's newest events (shortened here), a term
    none of them holds is looked for through ``kw_search_events_where``, from the indexes
    that lead with the action and the person (each one's scans counted), and the answer is
    what reading every event gives; the function keeps the reading rule against direct calls
    (a member gets nothing, the verifier is refused, quotes in any argument stay text)."""
    _two_events_with_a_short_term(logins, fast_hasher)
    monkeypatch.setattr(audit_module, "PG_WALK", 50)
    owner = sa.create_engine(logins["owner"], poolclass=NullPool)
    edited = AuditAction.KEY_EDITED  # the 3,000 inserted events' action
    try:
        for term, index in (("quetzal", PG_AUDIT_INDEX), ("#~", PG_AUDIT_PAIRS_INDEX)):
            auditor = _open(logins["auditor"], fast_hasher)
            try:
                before = _index_scans(owner, index)
                assert everything(auditor, AuditFilter(text=term, action=edited)) == []
                assert everything(auditor, AuditFilter(text=term, actor="ci")) == []
                auditor.engine.dispose()
                assert _wait_for_scans(owner, before, index), term
                for wanted, held in (
                    (AuditFilter(text=term, action=AuditAction.KEY_REVOKED), 1),
                    (AuditFilter(text=term, action=edited, actor="ci"), 0),
                    # The oldest 100 of the chain, far below the walk: from the index.
                    (AuditFilter(text="k000000000", action=edited), 100),
                    (AuditFilter(text="K000000000", actor="ci-ünïcode"), 66),
                ):
                    found = everything(auditor, wanted)
                    assert seqs(found) == seqs(scanned(auditor, wanted, monkeypatch)), wanted
                    assert len(found) == held, wanted
            finally:
                auditor.close()
        rows = _call(logins["owner"], "SELECT count(*) FROM audit_events")
    finally:
        owner.dispose()
    where = "SELECT kw_search_events_where(:a, :u, :t, :p, :p, -1, 2147483647, 100)"
    revoked = {"a": "key.revoked", "u": None, "t": None, "p": "%quetzal%"}
    assert len(_call(logins["auditor"], where, **revoked)) == 1
    assert len(_call(logins["auditor"], where, **(revoked | {"t": "#~", "p": "%#~%"}))) == 1
    assert _call(logins["auditor"], where, **(revoked | {"a": "key.edited"})) == []
    assert _call(logins["member"], where, **revoked) == []
    with pytest.raises(exc.ProgrammingError, match="permission denied"):
        _call(logins["verifier"], where, **revoked)
    for attack in ("'; DELETE FROM audit_events; --", "x' OR true --", "{}'::text[] OR true --"):
        for argument in ("a", "u", "t"):
            assert _call(logins["auditor"], where, **(revoked | {argument: attack})) == []
    # Where a walk ends: for those who read every event only, quotes kept as text.
    nth = "SELECT kw_nth_event_where(:a, :u, -1, 2147483647, 1)"
    assert _call(logins["auditor"], nth, a="key.revoked", u=None) != [None]
    assert _call(logins["member"], nth, a="key.revoked", u=None) == [None]
    assert _call(logins["auditor"], nth, a="x' OR true --", u=None) == [None]
    with pytest.raises(exc.ProgrammingError, match="permission denied"):
        _call(logins["verifier"], nth, a="key.revoked", u=None)
    # The helpers that build those statements run only inside them.
    for helper in ("SELECT kw_where_event('a', 'b', true)", "SELECT kw_event_pairs_condition('a')"):
        for who in ("member", "auditor"):
            with pytest.raises(exc.ProgrammingError, match="permission denied"):
                _call(logins[who], helper)
    assert _call(logins["owner"], "SELECT count(*) FROM audit_events") == rows
