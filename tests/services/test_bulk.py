"""Bulk actions: the dry run says exactly what then happens, and Cancel leaves a clean state."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.data.models import ApiKey
from app.domain.audit import AuditAction
from app.domain.errors import ValidationError
from app.domain.status import KeyStatus
from app.services import Services
from app.services.choices import BulkAction
from app.services.dto import BulkRequest, KeyDTO, KeyQuery
from tests.support import Clock, OpenServices, Team, database_state, make_team


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def team(open_as: OpenServices, clock: Clock) -> Team:
    return make_team(open_as, clock)


def _events(team: Team, action: AuditAction) -> list[str]:
    return [
        event.target_id for event in team.admin.audit.recent(limit=1000) if event.action is action
    ]


def test_a_dry_run_names_what_changes_and_what_is_skipped(team: Team) -> None:
    admin = team.admin
    one = admin.keys.create("Feed one", "x").key
    two = admin.keys.create("Feed two", "x").key
    gone = admin.keys.create("Old pilot", "x").key
    admin.keys.revoke(gone.key_id, "pilot ended")
    before = database_state(admin)

    plan = admin.bulk.plan(
        BulkRequest(BulkAction.REVOKE, reason="quarterly clean-up"),
        [one.key_id, two.key_id, gone.key_id, "nosuchkey0000000"],
    )
    assert [change.key.key_id for change in plan.changes] == [one.key_id, two.key_id]
    assert [change.line for change in plan.changes] == [
        f"Feed one ({one.key_id}): Active → Revoked",
        f"Feed two ({two.key_id}): Active → Revoked",
    ]
    assert [(skip.key_id, skip.why) for skip in plan.skipped] == [
        (gone.key_id, "already revoked"),
        ("nosuchkey0000000", "no such key (or not visible to you)"),
    ]
    assert database_state(admin) == before  # a dry run changes nothing

    result = admin.bulk.apply(plan)
    assert [key.key_id for key in result.done] == [one.key_id, two.key_id]
    assert all(key.status is KeyStatus.REVOKED for key in result.done)
    assert all(key.revoked_reason == "quarterly clean-up" for key in result.done)
    # One audit event per key changed, none for the skipped one.
    assert sorted(_events(team, AuditAction.KEY_REVOKED)) == sorted(
        [one.key_id, two.key_id, gone.key_id]
    )


def test_roles_decide_what_a_bulk_action_may_touch(team: Team) -> None:
    mine = team.member.keys.create("Maria's feed", "x").key
    theirs = team.admin.keys.create("Admin's feed", "x").key
    member_plan = team.member.bulk.plan(
        BulkRequest(BulkAction.DISABLE), [mine.key_id, theirs.key_id]
    )
    assert [c.key.key_id for c in member_plan.changes] == [mine.key_id]
    assert member_plan.skipped[0].key_id == theirs.key_id
    auditor_plan = team.auditor.bulk.plan(BulkRequest(BulkAction.DISABLE), [mine.key_id])
    assert auditor_plan.changes == ()
    assert auditor_plan.skipped[0].why == "not yours to manage"


def test_extending_three_contractor_keys(team: Team, clock: Clock) -> None:
    admin = team.admin
    today = clock.now.date()
    keys = [
        admin.keys.create(f"Contractor {n}", "x", expires=today + timedelta(days=n)).key
        for n in (5, 6, 7)
    ]
    plan = admin.bulk.plan(
        BulkRequest(BulkAction.EXTEND_EXPIRY, extend_days=30), [key.key_id for key in keys]
    )
    assert [(c.before, c.after) for c in plan.changes] == [
        (f"expires {today + timedelta(days=n)}", f"expires {today + timedelta(days=n + 30)}")
        for n in (5, 6, 7)
    ]
    result = admin.bulk.apply(plan)
    assert [key.expires_on for key in result.done] == [
        (today + timedelta(days=n + 30)).isoformat() for n in (5, 6, 7)
    ]
    assert len(_events(team, AuditAction.KEY_EXPIRY_CHANGED)) == 3


def test_set_expiry_and_add_a_note(team: Team, clock: Clock) -> None:
    admin = team.admin
    key = admin.keys.create("Pilot", "Trial with Acme").key
    day = clock.now.date() + timedelta(days=14)
    plan = admin.bulk.plan(BulkRequest(BulkAction.SET_EXPIRY, expires=day), [key.key_id])
    (done,) = admin.bulk.apply(plan).done
    assert done.expires_on == day.isoformat()
    again = admin.bulk.plan(BulkRequest(BulkAction.SET_EXPIRY, expires=day), [key.key_id])
    assert again.changes == () and again.skipped[0].why == f"already expires {day}"

    noted = admin.bulk.apply(
        admin.bulk.plan(BulkRequest(BulkAction.ADD_NOTE, note="verify usage"), [key.key_id])
    )
    assert noted.done[0].description == (
        f"Trial with Acme\n\n[{clock.now.date().isoformat()}] verify usage"
    )


def test_cancel_midway_keeps_what_was_done_and_nothing_else(team: Team) -> None:
    admin = team.admin
    ids = [admin.keys.create(f"Batch {n}", "x").key.key_id for n in range(5)]
    plan = admin.bulk.plan(BulkRequest(BulkAction.DISABLE), ids)
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return done < 2  # Cancel pressed after two keys

    result = admin.bulk.apply(plan, progress)
    assert result.cancelled
    assert [key.key_id for key in result.done] == ids[:2]
    assert result.not_done == tuple(ids[2:])
    statuses = {key_id: admin.keys.get(key_id).status for key_id in ids}
    assert [statuses[key_id] for key_id in ids] == [KeyStatus.DISABLED] * 2 + [KeyStatus.ACTIVE] * 3
    assert sorted(_events(team, AuditAction.KEY_DISABLED)) == sorted(ids[:2])
    assert result.summary() == "2 changed, 3 left as they were (cancelled)."


def test_a_key_changed_after_the_dry_run_is_left_alone(team: Team) -> None:
    admin = team.admin
    key = admin.keys.create("Feed", "x").key
    plan = admin.bulk.plan(BulkRequest(BulkAction.DISABLE), [key.key_id])
    team.manager.keys.edit(key.key_id, description="changed meanwhile")
    result = admin.bulk.apply(plan)
    assert result.done == ()
    assert "manny" in result.failed[0].why
    assert admin.keys.get(key.key_id).status is KeyStatus.ACTIVE


def test_a_filter_chooses_the_keys(team: Team) -> None:
    admin = team.admin
    for n in range(3):
        admin.keys.create(f"ETL {n}", "x")
    admin.keys.create("Dashboard", "x")
    ids = admin.bulk.ids_matching(KeyQuery(search="etl"))
    assert len(ids) == 3


def test_bad_requests_are_refused_before_anything(team: Team) -> None:
    admin = team.admin
    key = admin.keys.create("Feed", "x").key
    before = database_state(admin)
    with pytest.raises(ValidationError, match="1 to 3650 days"):
        admin.bulk.plan(BulkRequest(BulkAction.EXTEND_EXPIRY, extend_days=0), [key.key_id])
    with pytest.raises(ValidationError, match="in the past"):
        admin.bulk.plan(BulkRequest(BulkAction.SET_EXPIRY, expires=date(2020, 1, 1)), [key.key_id])
    with pytest.raises(ValidationError, match="note"):
        admin.bulk.plan(BulkRequest(BulkAction.ADD_NOTE, note="  "), [key.key_id])
    with pytest.raises(ValidationError, match="at least one key"):
        admin.bulk.plan(BulkRequest(BulkAction.DISABLE), [])
    assert database_state(admin) == before


def test_the_dry_run_lists_every_key_and_reason_for_each_action(team: Team, clock: Clock) -> None:
    """The lines and reasons a person reads before confirming, one case of each kind."""
    admin = team.admin
    today = clock.now.date()
    feed = admin.keys.create("Feed", "Nightly sync").key
    paused = admin.keys.create("Paused", "").key
    admin.keys.disable(paused.key_id)
    trial = admin.keys.create("Trial", "x", expires=today + timedelta(days=1)).key
    gone = admin.keys.create("Gone", "x").key
    admin.keys.revoke(gone.key_id, "ended")
    theirs = team.member.keys.create("Maria's feed", "x").key
    clock.advance(days=3)  # the trial has expired
    later = today + timedelta(days=3)
    ids = [feed.key_id, paused.key_id, trial.key_id, gone.key_id, theirs.key_id, "nosuchkey0000000"]

    def lines(operator: Services, request: BulkRequest) -> list[str]:
        plan = operator.bulk.plan(request, ids)
        return [change.line for change in plan.changes] + [skip.line for skip in plan.skipped]

    def named(key: KeyDTO, text: str) -> str:
        return f"{key.name} ({key.key_id}): {text}"

    revoked = named(gone, "skipped, already revoked")
    missing = "nosuchkey0000000: skipped, no such key (or not visible to you)"
    assert lines(admin, BulkRequest(BulkAction.DISABLE)) == [
        named(feed, "Active → Disabled"),
        named(trial, "Expired → Disabled"),
        named(theirs, "Active → Disabled"),
        named(paused, "skipped, already disabled"),
        revoked,
        missing,
    ]
    assert lines(admin, BulkRequest(BulkAction.ENABLE)) == [
        named(paused, "Disabled → Active"),
        named(feed, "skipped, already enabled"),
        named(trial, "skipped, already enabled"),
        revoked,
        named(theirs, "skipped, already enabled"),
        missing,
    ]
    assert lines(admin, BulkRequest(BulkAction.REVOKE, reason="clean-up")) == [
        named(feed, "Active → Revoked"),
        named(paused, "Disabled → Revoked"),
        named(trial, "Expired → Revoked"),
        named(theirs, "Active → Revoked"),
        revoked,
        missing,
    ]
    assert lines(admin, BulkRequest(BulkAction.EXTEND_EXPIRY, extend_days=10))[:2] == [
        named(feed, f"no expiry → expires {later + timedelta(days=10)}"),
        named(paused, f"no expiry → expires {later + timedelta(days=10)}"),
    ]
    assert lines(admin, BulkRequest(BulkAction.SET_EXPIRY, expires=later))[2] == named(
        trial, f"expires {today + timedelta(days=1)} → expires {later}"
    )
    noted = admin.bulk.plan(BulkRequest(BulkAction.ADD_NOTE, note="check"), ids).changes
    assert [(change.key.key_id, change.description) for change in noted] == [
        (feed.key_id, f"Nightly sync\n\n[{later}] check"),
        (paused.key_id, f"[{later}] check"),
        (trial.key_id, f"x\n\n[{later}] check"),
        (theirs.key_id, f"x\n\n[{later}] check"),
    ]
    # A member sees only their own keys: the others are "not visible", not "not yours".
    assert lines(team.member, BulkRequest(BulkAction.DISABLE)) == [
        named(theirs, "Active → Disabled"),
        *(
            f"{key_id}: skipped, no such key (or not visible to you)"
            for key_id in ids
            if key_id != theirs.key_id
        ),
    ]


def test_a_key_refused_when_applied_is_left_exactly_as_it_was(team: Team) -> None:
    admin = team.admin
    ids = [admin.keys.create(f"Feed {n}", "x").key.key_id for n in range(3)]
    plan = admin.bulk.plan(BulkRequest(BulkAction.DISABLE), ids)
    team.manager.keys.revoke(ids[1], "compromised")  # after the dry run
    refused_before = _key_row(admin, ids[1])
    events_before = _events(team, AuditAction.KEY_DISABLED)

    result = admin.bulk.apply(plan)
    assert [key.key_id for key in result.done] == [ids[0], ids[2]]
    assert [(skip.key_id, skip.name) for skip in result.failed] == [(ids[1], "Feed 1")]
    assert "revoked" in result.failed[0].why
    assert result.summary() == "2 changed, 1 not changed."
    assert _key_row(admin, ids[1]) == refused_before
    assert sorted(_events(team, AuditAction.KEY_DISABLED)) == sorted(
        [*events_before, ids[0], ids[2]]
    )


def test_a_bulk_revoke_of_a_key_edited_after_the_dry_run_refuses_it_alone(team: Team) -> None:
    admin = team.admin
    ids = [admin.keys.create(f"Feed {n}", "x").key.key_id for n in range(3)]
    plan = admin.bulk.plan(BulkRequest(BulkAction.REVOKE, reason="clean-up"), ids)
    team.manager.keys.edit(ids[0], description="still in use")
    edited = _key_row(admin, ids[0])

    result = admin.bulk.apply(plan)
    assert [key.key_id for key in result.done] == ids[1:]
    assert result.failed[0].key_id == ids[0]
    assert "was changed by manny after the dry run" in result.failed[0].why
    assert _key_row(admin, ids[0]) == edited
    assert sorted(_events(team, AuditAction.KEY_REVOKED)) == sorted(ids[1:])


def test_a_role_taken_away_before_the_apply_changes_nothing(team: Team) -> None:
    admin = team.admin
    ids = [admin.keys.create(f"Feed {n}", "x").key.key_id for n in range(2)]
    manager = team.manager
    plan = manager.bulk.plan(BulkRequest(BulkAction.DISABLE), ids)
    assert len(plan.changes) == 2
    admin.users.set_role("manny", "member")
    before = database_state(admin)

    result = manager.bulk.apply(plan)
    assert result.done == () and [skip.key_id for skip in result.failed] == ids
    assert database_state(admin) == before


def _key_row(services: Services, key_id: str) -> tuple[object, ...]:
    with services.engine.connect() as connection:
        return tuple(
            connection.execute(
                sa.select(ApiKey.__table__).where(ApiKey.__table__.c.key_id == key_id)
            ).one()
        )
