"""The audit view's free text through SQLite's trigram index (migration 0012): the same
events, in the same order, as reading every event, on every page; and the index follows the
trail, including rows changed by hand and events that existed before the upgrade."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.orm import Session

import app.services.audit as audit_module
from app.data.schema import _config
from app.data.search_schema import AUDIT_FTS
from app.domain.audit import AuditAction
from app.services import Services
from app.services.audit import AuditEntry, AuditFilter
from tests.services.test_audit_trail import Story, everything, seqs
from tests.services.test_integrity_walk import START, _insert_chain
from tests.support import Clock, OpenServices, Team, make_team

#: Terms that hit the reasons, names in either snapshot and key ids of the tricky chain and the
#: story, in several cases and scripts, with quotes, and none at all.
TERMS = [
    "café",
    "CAFÉ",  # SQLite's LIKE folds ASCII only: the index offers these rows, the check drops them
    "Café",
    "日本語",
    "😀 and",
    "lines\r\nand",
    "12:34",
    "quote ' and \\",
    'a "quoted" word',
    "salesforce",
    "SUPPORT TICKET",
    "K0000000001",
    "K000000000",  # the first 100 events of the chain, one after another
    "Looker",
    "zebrafinch",
    # Too short for trigrams and not ASCII: SQLite asks its vocabulary for every form its
    # tokenizer may have folded them to (its LIKE compares them exactly: "Ñ" finds no "ñ").
    "ñ",
    "Ñ",
    "é",
    # 1-2 ASCII characters: through the trigrams that start with them (SQLite), or read
    "ca",
    "Lo",
    "Fé",  # PostgreSQL: its pieces, lower-cased by the server, from the index of pieces
    "k0",
    "9",
    "'",
    "qz",  # nobody's
]


MINUTES_5_40 = timedelta(minutes=5, seconds=40)


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def trail(open_as: OpenServices) -> Team:
    team = make_team(open_as, Clock())
    Story(team)
    _insert_chain(team.admin, 400)
    return team


def scanned(services: Services, wanted: AuditFilter, monkeypatch: pytest.MonkeyPatch) -> list:
    """``everything`` as it was read before the index: every event."""
    with monkeypatch.context() as patched:
        patched.setattr(audit_module, "_indexed", lambda *_args, **_kwargs: None)
        return everything(services, wanted, limit=7)


def assert_the_index_finds_what_a_scan_finds(
    auditor: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every term with each kind of other filter, on pages of 1, 7 and 100: the same events,
    in the same order, as reading every event. Small round trips, and a small allowance
    before the walk takes over: every path runs."""
    monkeypatch.setattr(audit_module, "INDEX_CHUNK", 9)
    monkeypatch.setattr(audit_module, "INDEX_CANDIDATES_LIMIT", 40)
    monkeypatch.setattr(audit_module, "PG_INDEX_CANDIDATES_LIMIT", 40)
    # SQLite beside a person or an action with more events than this: the term's events
    # through their indexes (the story's few revokes are walked).
    monkeypatch.setattr(audit_module, "SQLITE_WALK", 10)
    # PostgreSQL beside an action or a person: a short walk, then the index a few at a time.
    monkeypatch.setattr(audit_module, "PG_WALK", 5)
    monkeypatch.setattr(audit_module, "PG_WHERE_BATCH", 3)
    # The chain's times only grow: a date range becomes a range of seqs without the margin.
    monkeypatch.setattr(audit_module, "TIME_SKEW", timedelta(0))
    found_any = 0
    for term in TERMS:
        for wanted in (
            AuditFilter(text=term),
            AuditFilter(text=term, actor="ci"),  # rare beside the term: the walk finishes
            AuditFilter(text=term, actor="ci-ünïcode"),
            # The chain's one action (common), and one it never has (the story's revokes).
            AuditFilter(text=term, action=AuditAction.KEY_EDITED),
            AuditFilter(text=term, action=AuditAction.KEY_REVOKED),
            # Events 40-339 of the chain: the index is read within the range's seqs.
            AuditFilter(text=term, since=START + timedelta(seconds=40), until=START + MINUTES_5_40),
        ):
            expected = scanned(auditor, wanted, monkeypatch)
            for limit in (1, 7, 100):
                assert seqs(everything(auditor, wanted, limit=limit)) == seqs(expected), wanted
            found_any += bool(expected)
    assert found_any >= 20  # the terms do match: the comparison is not of empty lists


def test_the_index_finds_what_reading_every_event_finds_on_every_page(
    trail: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    auditor = trail.auditor
    assert_the_index_finds_what_a_scan_finds(auditor, monkeypatch)
    assert everything(auditor, AuditFilter(text="CAFÉ")) == []
    assert len(everything(auditor, AuditFilter(text="SUPPORT TICKET"))) == 1


def test_a_member_finds_only_their_own_events_through_the_index(trail: Team) -> None:
    assert everything(trail.member, AuditFilter(text="Looker")) == []
    own = everything(trail.member, AuditFilter(text="Maria's own"))
    assert [entry.target_name for entry in own] == ["Maria's own key"]


def _reason_changed_by_hand(auditor: Services, reason: str) -> AuditEntry:
    """The leaked key's revocation, its reason then changed by SQL (as someone with the file
    might): the triggers keep the index true to the row."""
    (leaked,) = everything(auditor, AuditFilter(text="support ticket"))
    with auditor.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE audit_events SET reason = :reason WHERE seq = :seq"),
            {"reason": reason, "seq": leaked.event.seq},
        )
    return leaked


def test_a_short_term_is_answered_from_the_index_vocabulary(trail: Team) -> None:
    """Nobody's 1-2 characters read no event; rare ones, also at a field's end, are found
    through their trigrams, and a change by hand is followed."""
    auditor = trail.auditor
    leaked = _reason_changed_by_hand(auditor, "moved to Q%")
    with Session(auditor.engine) as session:
        assert audit_module._indexed(session, "#~", member=False) == audit_module.NOTHING
        assert audit_module._indexed(session, "q%", member=False) not in (None, "")
    assert everything(auditor, AuditFilter(text="#~")) == []
    for term in ("q%", "Q%"):
        assert seqs(everything(auditor, AuditFilter(text=term))) == [leaked.event.seq]


def test_a_row_changed_by_hand_is_found_by_its_new_text_only(trail: Team) -> None:
    auditor = trail.auditor
    leaked = _reason_changed_by_hand(auditor, "moved to the vault")
    assert everything(auditor, AuditFilter(text="support ticket")) == []
    assert seqs(everything(auditor, AuditFilter(text="to the vault"))) == [leaked.event.seq]
    with auditor.engine.begin() as connection:
        connection.execute(
            sa.text("DELETE FROM audit_events WHERE seq = :seq"), {"seq": leaked.event.seq}
        )
    assert everything(auditor, AuditFilter(text="to the vault")) == []


def test_the_upgrade_indexes_the_events_already_there(open_as: OpenServices, trail: Team) -> None:
    auditor = trail.auditor
    before = seqs(everything(auditor, AuditFilter(text="café")))
    assert len(before) > 20  # an eighth of the 400 events, two in three with it as reason
    config = _config()
    with auditor.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")
        assert AUDIT_FTS not in sa.inspect(connection).get_table_names()
    # Opening the file upgrades it, as the console does: the index is built from the trail.
    reopened = open_as("audrey")
    assert seqs(everything(reopened, AuditFilter(text="café"))) == before
    with reopened.engine.connect() as connection:
        indexed = connection.execute(sa.text(f"SELECT count(*) FROM {AUDIT_FTS}")).scalar()
        events = connection.execute(sa.text("SELECT count(*) FROM audit_events")).scalar()
    assert indexed == events > 400
