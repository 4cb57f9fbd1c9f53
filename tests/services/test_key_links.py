"""Rotation and replacement link the old and the new key both ways; a rotation's grace period
is the old key's expiry, to the second (every database)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from app.domain.audit import AuditAction
from app.domain.errors import NotFound, ValidationError
from app.domain.policy import REASON_OWNER_DEACTIVATED
from app.domain.sorting import SortField
from app.domain.status import KeyStatus, RejectReason
from app.services import Services
from app.services.dto import KeyQuery
from tests.support import START, Clock, Team, database_state, make_team


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def team(open_as: Callable[..., Services], clock: Clock) -> Team:
    return make_team(open_as, clock)


def test_rotation_with_a_day_of_grace_links_both_keys_and_ends_the_old_one_exactly(
    team: Team, clock: Clock
) -> None:
    clock.now = START.replace(minute=31, second=7)
    old = team.member.keys.create("Warehouse loader", "Nightly load.")
    rotated = team.member.keys.rotate(old.key.key_id, grace=timedelta(hours=24))
    new = rotated.key
    assert new.replaces == old.key.key_id and new.replaced_by is None
    before = team.member.keys.get(old.key.key_id)
    assert before.replaced_by == new.key_id and before.replaces is None
    # The end of the grace period is the old key's expiry, to the second.
    assert before.expires_at == clock.now + timedelta(hours=24)
    assert before.status is KeyStatus.ACTIVE
    assert before.to_json()["replaced_by"] == new.key_id
    assert new.to_json()["replaces"] == old.key.key_id
    # Lists and sorts see it too.
    rows = {
        row.key_id: row
        for row in team.member.keys.page(KeyQuery(sort=SortField.EXPIRES, descending=False)).rows
    }
    assert rows[old.key.key_id].expires_at == before.expires_at
    assert rows[old.key.key_id].replaced_by == new.key_id
    assert rows[new.key_id].replaces == old.key.key_id
    assert team.admin.keys.get(new.key_id).replaces == old.key.key_id

    verifier = team.admin.verifier()
    clock.advance(hours=23, minutes=59)
    assert verifier.verify(old.token.reveal()).valid
    clock.advance(minutes=1)
    assert verifier.verify(old.token.reveal()).reason is RejectReason.EXPIRED
    assert verifier.verify(rotated.token.reveal()).valid
    assert team.member.keys.get(old.key.key_id).replaced_by == new.key_id


def test_rotation_without_grace_revokes_at_once_and_links(team: Team) -> None:
    old = team.member.keys.create("Salesforce Data Sync").key
    new = team.member.keys.rotate(old.key_id).key
    gone = team.member.keys.get(old.key_id)
    assert (gone.status, gone.revoked_reason) == (KeyStatus.REVOKED, f"rotated to {new.key_id}")
    assert (gone.replaced_by, new.replaces) == (new.key_id, old.key_id)
    assert team.member.keys.history(new.key_id)[0].reason == f"rotation of {old.key_id}"


def test_a_key_is_rotated_once(team: Team) -> None:
    old = team.member.keys.create("Snowflake ETL").key
    first = team.member.keys.rotate(old.key_id, grace=timedelta(days=7)).key
    before = database_state(team.admin)
    with pytest.raises(ValidationError) as refused:
        team.member.keys.rotate(old.key_id, grace=timedelta(days=7))
    assert first.key_id in refused.value.message
    assert database_state(team.admin) == before
    # The new key rotates on.
    second = team.member.keys.rotate(first.key_id).key
    assert team.member.keys.get(first.key_id).replaced_by == second.key_id


def test_replacing_a_departed_owners_key_links_it_and_records_what_it_replaces(
    team: Team,
) -> None:
    old = team.member.keys.create("Custom Dashboard API", "Built by the analyst team.").key
    team.admin.users.deactivate("maria", "left the company")

    created = team.admin.keys.replace(old.key_id, owner="mike")
    new = created.key
    assert (new.name, new.owner_login, new.replaces) == (
        "Custom Dashboard API",
        "mike",
        old.key_id,
    )
    assert new.description.startswith(f"Replaces {old.key_id} (“Custom Dashboard API”")
    assert "Maria Lopez" in new.description and "Built by the analyst team." in new.description
    assert REASON_OWNER_DEACTIVATED in new.description
    kept = team.admin.keys.get(old.key_id)
    assert (kept.status, kept.replaced_by) == (KeyStatus.REVOKED, new.key_id)
    event = team.admin.keys.history(new.key_id)[0]
    assert (event.action, event.reason) == (AuditAction.KEY_CREATED, f"replacement of {old.key_id}")
    assert team.admin.verifier().verify(created.token.reveal()).valid

    # Name and description as the admin edited them.
    again = team.admin.keys.replace(
        old.key_id, owner="manny", name="Dashboard API", description="Restored for finance."
    ).key
    assert (again.name, again.description, again.replaces) == (
        "Dashboard API",
        "Restored for finance.",
        old.key_id,
    )
    assert team.admin.keys.get(old.key_id).replaced_by == again.key_id  # the newest


def test_only_a_revoked_key_is_replaced_and_only_by_who_may_change_it(team: Team) -> None:
    live = team.member.keys.create("Looker Reporting").key
    before = database_state(team.admin)
    with pytest.raises(ValidationError) as refused:
        team.admin.keys.replace(live.key_id, owner="mike")
    assert "rotate it instead" in refused.value.message
    team.member.keys.revoke(live.key_id)
    with pytest.raises(NotFound):
        team.other_member.keys.replace(live.key_id)
    with pytest.raises(NotFound):
        team.other_member.keys.rotate(live.key_id)
    # The member who owns it may replace it for themself.
    mine = team.member.keys.replace(live.key_id).key
    assert (mine.owner_login, mine.replaces) == ("maria", live.key_id)
    assert database_state(team.admin) != before
