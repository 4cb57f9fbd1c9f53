"""Bulk actions: the dry run says exactly what then happens, and Cancel leaves a clean state."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.domain.audit import AuditAction
from app.domain.errors import ValidationError
from app.domain.status import KeyStatus
from app.services.bulk import BulkAction, BulkRequest
from app.services.dto import KeyQuery
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
