"""Access reviews on every database: an admin starts one, owners answer their own keys, the
unanswered keys are disabled with a bulk change, the review is closed and exported."""

from __future__ import annotations

import json
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from app.domain.audit import AuditAction
from app.domain.errors import NotFound, PermissionDenied, ValidationError
from app.domain.status import KeyStatus
from app.services.choices import BulkAction
from app.services.dto import BulkRequest
from tests.support import Clock, OpenServices, Team, database_state, make_team


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def team(open_as: OpenServices, clock: Clock) -> Team:
    return make_team(open_as, clock)


def _estate(team: Team) -> dict[str, str]:
    admin = team.admin
    keys = {
        "maria_feed": admin.keys.create("Maria's feed", "x", owner="maria").key.key_id,
        "maria_report": admin.keys.create("Maria's report", "x", owner="maria").key.key_id,
        "mike_dash": admin.keys.create("Mike's dashboard", "x", owner="mike").key.key_id,
        "ada_etl": admin.keys.create("Warehouse ETL", "x").key.key_id,
        "old": admin.keys.create("Old pilot", "x").key.key_id,
    }
    admin.keys.revoke(keys["old"], "pilot ended")
    return keys


def test_a_quarterly_review_from_start_to_evidence(
    team: Team, clock: Clock, tmp_path: Path
) -> None:
    keys = _estate(team)
    admin, maria, mike = team.admin, team.member, team.other_member
    review = admin.reviews.start(
        "Q1 key review",
        clock.now + timedelta(days=14),
        instructions="Keep what you use; say where the secret lives.",
    )
    assert (review.total, review.unanswered, review.status) == (4, 4, "open")  # not the revoked

    # Each owner sees only their own keys waiting.
    assert sorted(item.key_name for item in maria.reviews.waiting_on_me()) == [
        "Maria's feed",
        "Maria's report",
    ]
    assert [item.key_name for item in mike.reviews.show(review.id).items] == ["Mike's dashboard"]

    maria.reviews.answer(review.id, keys["maria_feed"], "keep", "secret in Vault at kv/etl")
    mike.reviews.answer(review.id, keys["mike_dash"], "revoke")
    assert mike.keys.get(keys["mike_dash"]).status is KeyStatus.REVOKED
    assert mike.keys.get(keys["mike_dash"]).revoked_reason == (
        f"access review #{review.id}: answered revoke"
    )
    assert [item.key_name for item in maria.reviews.waiting_on_me()] == ["Maria's report"]

    detail = admin.reviews.show(review.id)
    assert {(p.owner_login, p.answered, p.open) for p in detail.progress} == {
        ("maria", 1, 1),
        ("mike", 1, 0),
        (admin.users.me().login, 0, 1),
    }
    # Due date reached: the unanswered keys are disabled in one bulk step, then it closes.
    clock.advance(days=15)
    assert detail.review.overdue(clock.now)
    plan = admin.bulk.plan(BulkRequest(BulkAction.DISABLE), detail.unanswered_keys)
    assert sorted(change.key.key_id for change in plan.changes) == sorted(
        [keys["maria_report"], keys["ada_etl"]]
    )
    assert len(admin.bulk.apply(plan).done) == 2
    closed = admin.reviews.close(review.id)
    assert (closed.status, closed.kept, closed.revoked, closed.unanswered) == ("closed", 1, 1, 2)
    with pytest.raises(ValidationError, match="closed"):
        maria.reviews.answer(review.id, keys["maria_report"], "keep")

    target = tmp_path / "q1-review.csv"
    events_file = admin.reviews.export(review.id, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(events_file.stat().st_mode) == 0o600
    lines = target.read_text().splitlines()
    assert lines[0].startswith("review,key,name,owner,answer")
    assert any("secret in Vault at kv/etl" in line and ",keep," in line for line in lines)
    assert sum(",unanswered," in line for line in lines) == 2
    evidence = json.loads(events_file.read_text())
    assert [event["action"] for event in evidence["events"]] == [
        "review.started",
        "review.answered",
        "review.answered",
        "review.closed",
    ]
    assert all(len(event["hash"]) == 64 for event in evidence["events"])
    assert admin.audit.verify().ok


def test_only_the_owner_answers_and_only_once(team: Team, clock: Clock) -> None:
    keys = _estate(team)
    review = team.admin.reviews.start("Review", clock.now + timedelta(days=7))
    before = database_state(team.admin)
    with pytest.raises(PermissionDenied, match="Only the owner"):
        team.other_member.reviews.answer(review.id, keys["maria_feed"], "revoke")
    with pytest.raises(PermissionDenied, match="Only the owner"):
        team.manager.reviews.answer(review.id, keys["maria_feed"], "keep")
    with pytest.raises(ValidationError, match="keep or revoke"):
        team.member.reviews.answer(review.id, keys["maria_feed"], "maybe")
    with pytest.raises(NotFound, match="not in access review"):
        team.member.reviews.answer(review.id, keys["old"], "keep")
    with pytest.raises(NotFound, match="no access review"):
        team.member.reviews.answer(review.id + 99, keys["maria_feed"], "keep")
    assert database_state(team.admin) == before
    team.member.reviews.answer(review.id, keys["maria_feed"], "keep")
    with pytest.raises(ValidationError, match="already answered"):
        team.member.reviews.answer(review.id, keys["maria_feed"], "revoke")
    assert team.member.keys.get(keys["maria_feed"]).status is KeyStatus.ACTIVE


def test_only_admins_start_and_close(team: Team, clock: Clock) -> None:
    _estate(team)
    due = clock.now + timedelta(days=7)
    for services in (team.manager, team.auditor, team.member):
        with pytest.raises(PermissionDenied, match="start access reviews"):
            services.reviews.start("Review", due)
    review = team.admin.reviews.start("Review", due)
    with pytest.raises(PermissionDenied, match="close access reviews"):
        team.manager.reviews.close(review.id)


def test_scope_and_bad_input(team: Team, clock: Clock) -> None:
    _estate(team)
    admin = team.admin
    due = clock.now + timedelta(days=7)
    of_maria = admin.reviews.start("Maria's keys", due, owner="maria")
    assert of_maria.total == 2 and of_maria.scope == "keys of maria"
    found = admin.reviews.start("Dashboards", due, search="DASHBOARD")
    assert [item.key_name for item in admin.reviews.show(found.id).items] == ["Mike's dashboard"]
    before = database_state(admin)
    with pytest.raises(ValidationError, match="nothing to review"):
        admin.reviews.start("Nothing", due, search="no such thing")
    with pytest.raises(ValidationError, match="future"):
        admin.reviews.start("Late", clock.now - timedelta(days=1))
    with pytest.raises(ValidationError, match="title"):
        admin.reviews.start("  ", due)
    with pytest.raises(NotFound, match="no Keyward user"):
        admin.reviews.start("Ghost", due, owner="ghost")
    assert database_state(admin) == before


def test_every_step_is_in_the_audit_trail(team: Team, clock: Clock) -> None:
    keys = _estate(team)
    review = team.admin.reviews.start("Review", clock.now + timedelta(days=7))
    team.member.reviews.answer(review.id, keys["maria_feed"], "keep", "in Vault")
    team.admin.reviews.close(review.id)
    events = [
        event
        for event in team.admin.audit.recent(limit=100)
        if event.target_type == "review" and event.target_id == str(review.id)
    ]
    assert [event.action for event in reversed(events)] == [
        AuditAction.REVIEW_STARTED,
        AuditAction.REVIEW_ANSWERED,
        AuditAction.REVIEW_CLOSED,
    ]
    answered = events[1]
    assert answered.actor == "maria"
    assert answered.after is not None
    assert (answered.after["key"], answered.after["answer"], answered.after["note"]) == (
        keys["maria_feed"],
        "keep",
        "in Vault",
    )
