"""The auditor's workspace behind the console (issue 8): the whole trail paged and filtered
in the database, integrity with progress and Cancel, checkpoints listed, and who reads what.

SQLite always; PostgreSQL and MariaDB when their test URLs are set. Tampering is SQL on the
stored rows, as the database's owner would do it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.data.models import AuditEvent
from app.data.server import stored_table
from app.domain.audit import AuditAction
from app.domain.errors import Cancelled, PermissionDenied, ValidationError
from app.domain.hashing import TokenHasher
from app.services import Services, open_services
from app.services.audit import AuditEntry, AuditFilter, AuditPage, IntegrityReport
from tests.support import Clock, MemoryKeyring, OpenServices, Team, make_team

EVENTS = AuditEvent.__table__
LONG = "Pulls the nightly opportunity snapshot from Salesforce into the warehouse"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def team(open_as: OpenServices, clock: Clock) -> Team:
    return make_team(open_as, clock)


class Story:
    """A small trail with known people, keys, days and reasons."""

    def __init__(self, team: Team) -> None:
        clock = team.clock
        admin, manager = team.admin, team.manager
        clock.advance(days=1)  # 2026-03-03
        self.salesforce = manager.keys.create(
            "Salesforce Data Sync", LONG + " at 02:00", owner="maria"
        ).key
        self.snowflake = admin.keys.create("Snowflake ETL", "Loads events").key
        clock.advance(days=1)  # 2026-03-04
        manager.keys.edit(self.salesforce.key_id, description=LONG + " at 03:00")
        self.mikes = admin.keys.create("Looker Dashboard", owner="mike").key
        clock.advance(days=1)  # 2026-03-05
        self.day3 = clock.now
        manager.keys.revoke(self.salesforce.key_id, reason="leaked in a support ticket")
        admin.keys.delete(self.snowflake.key_id)
        clock.advance(hours=2)
        team.member.keys.create("Maria's own key")


@pytest.fixture
def story(team: Team) -> Story:
    return Story(team)


def everything(services: Services, wanted: AuditFilter | None = None, limit: int = 3) -> list:
    """Every matching entry, page by page (small pages, to exercise the paging)."""
    entries: list[AuditEntry] = []
    after = None
    while True:
        page = services.audit.page(wanted or AuditFilter(), after=after, limit=limit)
        entries += page.entries
        if page.next_after is None:
            return entries
        assert page.entries, "a page that promises more is never empty"
        after = page.next_after


def seqs(entries: list[AuditEntry]) -> list[int]:
    return [entry.event.seq for entry in entries]


# --------------------------------------------------------------------------- paging and filters


def test_pages_run_newest_first_without_duplicates_or_gaps(team: Team, story: Story) -> None:
    whole = team.auditor.audit.page(limit=1000)
    assert whole.next_after is None
    assert seqs(list(whole.entries)) == sorted(seqs(list(whole.entries)), reverse=True)
    for size in (1, 2, 3, 7):
        paged = everything(team.auditor, limit=size)
        assert seqs(paged) == seqs(list(whole.entries))
    newest = whole.entries[0].event.seq
    assert seqs(list(whole.entries)) == list(range(newest, 0, -1))


def test_a_page_names_the_people_and_the_key_also_when_it_is_deleted(
    team: Team, story: Story
) -> None:
    entries = everything(team.auditor)
    deleted = [e for e in entries if e.event.action is AuditAction.KEY_DELETED]
    [gone] = deleted
    assert gone.event.target_id == story.snowflake.key_id
    assert gone.target_name == "Snowflake ETL"
    assert gone.actor_name == "ada"  # the first operator's display name is the login
    revoked = next(
        e
        for e in entries
        if e.event.action is AuditAction.KEY_REVOKED
        and e.event.target_id == story.salesforce.key_id
    )
    assert revoked.actor_name == "Manny Ortiz"
    assert revoked.target_name == "Salesforce Data Sync"
    added = next(
        e
        for e in entries
        if e.event.action is AuditAction.USER_ADDED and e.event.target_id == "mike"
    )
    assert added.target_name == "Mike Chen"


def test_each_filter_narrows_the_trail_to_what_it_names(team: Team, story: Story) -> None:
    audit = team.auditor
    every = everything(audit)

    by_manny = everything(audit, AuditFilter(actor="manny"))
    assert by_manny and all(e.event.actor == "manny" for e in by_manny)
    assert seqs(by_manny) == [s for s in seqs(every) if s in set(seqs(by_manny))]
    assert len(by_manny) == sum(1 for e in every if e.event.actor == "manny")

    edits = everything(audit, AuditFilter(action=AuditAction.KEY_EDITED))
    assert [e.event.target_id for e in edits] == [story.salesforce.key_id]

    both = everything(audit, AuditFilter(actor="ada", action=AuditAction.KEY_CREATED))
    assert {e.target_name for e in both} == {"Snowflake ETL", "Looker Dashboard"}

    about_key = everything(audit, AuditFilter(text=story.salesforce.key_id))
    assert [e.event.action for e in about_key] == [
        AuditAction.KEY_REVOKED,
        AuditAction.KEY_EDITED,
        AuditAction.KEY_CREATED,
    ]

    by_name = everything(audit, AuditFilter(text="salesforce"))  # any case
    assert {e.event.target_id for e in by_name} == {story.salesforce.key_id}
    assert len(by_name) == 3

    by_reason = everything(audit, AuditFilter(text="support ticket"))
    assert [e.event.target_id for e in by_reason] == [story.salesforce.key_id]

    # A user's events are found by the name in their snapshot too.
    assert [e.event.target_id for e in everything(audit, AuditFilter(text="Mike Chen"))] == ["mike"]
    # LIKE's wildcards are taken literally.
    assert everything(audit, AuditFilter(text="%")) == []
    assert everything(audit, AuditFilter(text="nothing like this")) == []
    assert everything(audit, AuditFilter(text="support\x00ticket")) == []
    assert len(everything(audit, AuditFilter(text="  \x00support ticket "))) == 1


def test_a_pasted_token_finds_its_key_and_its_secret_never_reaches_a_query(
    team: Team, story: Story
) -> None:
    created = team.admin.keys.create("Tableau Export")
    token = created.token.reveal()
    statements: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(f"{statement} {parameters!r}")

    sa.event.listen(team.auditor.engine, "before_cursor_execute", note)
    try:
        found = everything(team.auditor, AuditFilter(text=f"  {token}\n"))
        # The same token with a wrong checksum (mistyped): still only its id is used.
        mistyped = everything(team.auditor, AuditFilter(text=token[:-1] + "0"))
    finally:
        sa.event.remove(team.auditor.engine, "before_cursor_execute", note)
    assert [e.event.target_id for e in found] == [created.key.key_id]
    assert [e.event.target_id for e in mistyped] == [created.key.key_id]
    secret = token.split("_")[3]
    assert statements and not any(secret[:20] in statement for statement in statements)


def test_a_date_range_keeps_events_from_the_start_up_to_the_end(team: Team, story: Story) -> None:
    audit = team.auditor
    every = everything(audit)
    day2 = datetime(2026, 3, 4, tzinfo=UTC)
    day3 = datetime(2026, 3, 5, tzinfo=UTC)
    on_day2 = everything(audit, AuditFilter(since=day2, until=day3))
    assert on_day2
    assert {e.event.occurred_at.date() for e in on_day2} == {day2.date()}
    assert len(on_day2) == sum(1 for e in every if e.event.occurred_at.date() == day2.date())
    since3 = everything(audit, AuditFilter(since=story.day3))  # inclusive, to the microsecond
    assert since3 and min(e.event.occurred_at for e in since3) == story.day3
    assert len(since3) == sum(1 for e in every if e.event.occurred_at >= story.day3)
    until3 = everything(audit, AuditFilter(until=story.day3))  # exclusive
    assert len(until3) + len(since3) == len(every)
    assert everything(audit, AuditFilter(since=day3, until=day2)) == []
    # A time with microseconds at both ends, and a naive time read as UTC.
    # Stored as "…:00Z", the whole second sorts after "…:00.000001" as text: still left out.
    moment = story.day3 + timedelta(microseconds=1)
    after_moment = everything(audit, AuditFilter(since=moment))
    assert len(after_moment) == sum(1 for e in every if e.event.occurred_at >= moment)
    assert len(after_moment) < len(since3)
    before_moment = everything(audit, AuditFilter(until=moment))
    assert len(before_moment) == len(until3) + (len(since3) - len(after_moment))
    naive = everything(audit, AuditFilter(since=day2.replace(tzinfo=None), until=day3))
    assert seqs(naive) == seqs(on_day2)


def test_filters_combine_with_paging(team: Team, story: Story) -> None:
    wanted = AuditFilter(actor="ada", since=datetime(2026, 3, 3, tzinfo=UTC))
    assert seqs(everything(team.auditor, wanted, limit=1)) == seqs(
        everything(team.auditor, wanted, limit=100)
    )


def test_the_actor_list_names_everyone_who_acted(team: Team, story: Story) -> None:
    actors = team.auditor.audit.actors()
    assert ("manny", "Manny Ortiz") in actors
    assert ("ada", "ada") in actors
    assert ("maria", "Maria Lopez") in actors
    assert [name.casefold() for _, name in actors] == sorted(n.casefold() for _, n in actors)
    assert "mike" not in {login for login, _ in actors}  # never acted


def test_a_page_limit_out_of_range_is_refused(team: Team) -> None:
    with pytest.raises(ValidationError):
        team.auditor.audit.page(limit=0)
    with pytest.raises(ValidationError):
        team.auditor.audit.page(limit=100_000)


# --------------------------------------------------------------------------- roles


def test_a_member_sees_only_the_events_of_their_own_keys_and_user(team: Team, story: Story) -> None:
    mine = everything(team.member)
    assert mine
    targets = {(e.event.target_type, e.event.target_id) for e in mine}
    own_keys = {k.key_id for k in team.member.keys.page().rows}
    assert targets <= {("user", "maria")} | {("key", key_id) for key_id in own_keys}
    assert ("key", story.salesforce.key_id) in targets  # made for her by the manager
    assert ("user", "maria") in targets
    assert all(e.event.target_id != story.mikes.key_id for e in mine)
    assert all(e.event.target_id != story.snowflake.key_id for e in mine)
    # Filters narrow within what she may see; another's key id finds nothing.
    assert everything(team.member, AuditFilter(text=story.mikes.key_id)) == []
    assert everything(team.member, AuditFilter(text="Looker")) == []
    assert {login for login, _ in team.member.audit.actors()} <= {"ada", "manny", "maria"}
    # Mike sees none of hers.
    theirs = everything(team.other_member)
    assert all(e.event.target_id not in {story.salesforce.key_id, "maria"} for e in theirs)
    assert {e.event.target_id for e in theirs} >= {story.mikes.key_id, "mike"}


def test_auditors_managers_and_admins_read_every_event(team: Team, story: Story) -> None:
    counts = {
        len(everything(services, limit=100))
        for services in (team.auditor, team.manager, team.admin)
    }
    assert len(counts) == 1


# --------------------------------------------------------------------------- integrity


def _tamper(services: Services, seq: int, **values: object) -> None:
    stored = stored_table(EVENTS, services.engine.dialect.name)
    with services.engine.begin() as connection:
        result = connection.execute(sa.update(stored).where(stored.c.seq == seq).values(values))
        assert result.rowcount == 1


def test_an_intact_trail_is_reported_with_its_count_and_progress(team: Team, story: Story) -> None:
    calls: list[tuple[int, int]] = []
    report = team.auditor.audit.check_integrity(
        lambda done, total: calls.append((done, total)) or True
    )
    count = len(everything(team.auditor, limit=100))
    assert isinstance(report, IntegrityReport)
    assert report.intact and report.first_bad_seq is None and report.problem is None
    assert report.events == count
    assert calls and calls[-1] == (count, count)
    assert report.newest_checkpoint is None
    assert f"{count} events" in report.sentence() and "intact" in report.sentence()


def test_a_reason_changed_by_sql_is_named_as_the_first_bad_event(team: Team, story: Story) -> None:
    revoked = everything(team.auditor, AuditFilter(action=AuditAction.KEY_REVOKED))[0].event
    _tamper(team.admin, revoked.seq, reason="routine cleanup")
    report = team.auditor.audit.check_integrity()
    assert not report.intact
    assert report.first_bad_seq == revoked.seq
    assert report.problem and f"#{revoked.seq}" in report.problem
    assert f"#{revoked.seq}" in report.sentence() and "tampered" in report.sentence()


def test_cancel_mid_walk_raises_cancelled(
    team: Team, story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.services.integrity_walk as walk_module

    monkeypatch.setattr(walk_module, "IN_PROCESS_BATCH", 2)
    monkeypatch.setattr(walk_module, "PROGRESS_EVERY", 0)
    calls: list[int] = []

    def cancel_after_two(done: int, total: int) -> bool:
        calls.append(done)
        return len(calls) < 2

    with pytest.raises(Cancelled) as cancelled:
        team.auditor.audit.check_integrity(cancel_after_two)
    assert cancelled.value.done == 4
    assert cancelled.value.total >= 10
    assert calls == [2, 4]


def test_members_may_not_check_integrity(team: Team, story: Story) -> None:
    with pytest.raises(PermissionDenied):
        team.member.audit.check_integrity()


# --------------------------------------------------------------------------- checkpoints


@pytest.fixture
def keyring(memory_keyring: MemoryKeyring) -> MemoryKeyring:
    return memory_keyring


def test_checkpoints_are_listed_newest_first_with_signer_and_validity(
    team: Team, story: Story, keyring: MemoryKeyring
) -> None:
    first = team.auditor.checkpoints.sign()
    team.clock.advance(minutes=5)
    second = team.admin.checkpoints.sign()
    listed = team.auditor.checkpoints.list()
    assert [c.seq for c in listed] == [second.checkpoint.seq, first.checkpoint.seq]
    assert [c.signer for c in listed] == ["ada", "audrey"]
    assert all(c.valid is True for c in listed)
    assert listed[0].fingerprint == second.checkpoint.fingerprint
    assert listed[0].signed_at == team.clock.now
    assert listed[0].signed_at.tzinfo is not None
    assert team.auditor.checkpoints.may_sign() and team.admin.checkpoints.may_sign()
    assert not team.manager.checkpoints.may_sign() and not team.member.checkpoints.may_sign()
    with pytest.raises(PermissionDenied):
        team.manager.checkpoints.sign()

    report = team.auditor.audit.check_integrity()
    assert report.intact
    assert report.newest_checkpoint is not None
    assert report.newest_checkpoint.seq == second.checkpoint.seq
    assert report.newest_checkpoint.valid is True
    assert f"#{second.checkpoint.seq}" in report.sentence()


def test_a_rewritten_history_fails_its_checkpoint(
    team: Team, story: Story, keyring: MemoryKeyring
) -> None:
    from tests.support import Raw

    signed = team.auditor.checkpoints.sign()
    Raw(team.admin).rewrite_from(3, "rewritten")  # every hash recomputed, head too
    report = team.auditor.audit.check_integrity()
    assert not report.intact
    assert report.first_bad_seq == signed.checkpoint.seq
    assert report.newest_checkpoint is not None and report.newest_checkpoint.valid is False
    assert "rewritten" in (report.problem or "")


def test_an_altered_checkpoint_row_is_listed_as_invalid(
    team: Team, story: Story, keyring: MemoryKeyring
) -> None:
    from app.data.checkpoint_models import CheckpointRow

    team.auditor.checkpoints.sign()
    table = stored_table(CheckpointRow.__table__, team.admin.engine.dialect.name)
    with team.admin.engine.begin() as connection:
        connection.execute(sa.update(table).values(signer="ada"))
    [listed] = team.auditor.checkpoints.list()
    assert listed.valid is False
    assert not team.auditor.audit.check_integrity().intact


# --------------------------------------------------------------------------- real server logins

PASSWORD = "kw-AuditTrail-Pw-1234"


@pytest.fixture
def member_login(
    server_url: str, fast_hasher: TokenHasher, clock: Clock
) -> Iterator[tuple[Services, Services, str]]:
    """(owner as admin, a real member login's Services, the key id of the member's key)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    owner_services = open_services(
        server_url, hasher=fast_hasher, operator_login="ada", create_schema=True, clock=clock
    )
    mariadb = owner_services.engine.dialect.name != "postgresql"
    name = f"kw_atm_{uuid.uuid4().hex[:8]}"
    owner = sa.create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    member: Services | None = None
    try:
        with owner.connect() as connection:
            connection.exec_driver_sql(
                f"CREATE USER '{name}'@'127.0.0.1' IDENTIFIED BY '{PASSWORD}'"
                if mariadb
                else f"CREATE ROLE {name} LOGIN PASSWORD '{PASSWORD}'"
            )
        owner_services.users.add(name, role="member", display_name="Real Member")
        owner_services.users.add("other", role="member", display_name="Other Member")
        url = make_url(server_url).set(username=name, password=PASSWORD)
        if mariadb:
            bare = url._replace(database=None)
            login = sa.create_engine(bare, poolclass=NullPool)
            with login.connect() as connection:
                database = str(make_url(server_url).database).lower()
                connection.exec_driver_sql(f"SET DEFAULT ROLE `{database}_member`")
            login.dispose()
        mine = owner_services.keys.create("Real Member Key", owner=name).key
        owner_services.keys.create("Someone Else's Key", owner="other")
        owner_services.keys.edit(mine.key_id, description="edited by the admin")
        member = open_services(url.render_as_string(hide_password=False), hasher=fast_hasher)
        yield owner_services, member, mine.key_id
    finally:
        if member is not None:
            member.close()
        owner_services.close()
        with owner.connect() as connection:
            connection.exec_driver_sql(
                f"DROP USER IF EXISTS '{name}'@'127.0.0.1'"
                if mariadb
                else f"DROP ROLE IF EXISTS {name}"
            )
        owner.dispose()


def test_a_real_member_login_reads_only_its_own_events_on_a_server(
    member_login: tuple[Services, Services, str],
) -> None:
    owner, member, key_id = member_login
    seen = everything(member, limit=2)
    login = member.context.login
    assert {(e.event.target_type, e.event.target_id) for e in seen} == {
        ("user", login),
        ("key", key_id),
    }
    assert len(everything(owner, limit=100)) > len(seen)
    assert isinstance(member.audit.page(AuditFilter(text="Someone")), AuditPage)
    assert everything(member, AuditFilter(text="Someone")) == []


def test_a_snapshot_written_by_hand_is_listed_searched_and_named(team: Team, story: Story) -> None:
    """Text that is not JSON in one event (written past the routines) neither hides the trail
    nor breaks a search that reaches it: the event is listed with its stored text, a search
    finds the others, and the integrity check names it."""
    edited = everything(team.auditor, AuditFilter(action=AuditAction.KEY_EDITED))[0].event
    _tamper(team.admin, edited.seq, after='{"name": "Salesforce by hand", ')

    every = {entry.event.seq: entry.event for entry in everything(team.auditor, limit=100)}
    assert every[edited.seq].after == {"stored_text": '{"name": "Salesforce by hand", '}
    found = everything(team.auditor, AuditFilter(text="salesforce"))
    assert {e.event.action for e in found} == {
        AuditAction.KEY_CREATED,
        AuditAction.KEY_EDITED,  # by its ``before``, which is intact
        AuditAction.KEY_REVOKED,
    }
    report = team.auditor.audit.check_integrity()
    assert report.first_bad_seq == edited.seq
