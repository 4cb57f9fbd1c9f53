"""The key policy: unlimited by default, "1 active key per user" when an admin says so."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest

from app.domain.audit import AuditAction
from app.domain.errors import PermissionDenied, PolicyConfirmationRequired, ValidationError
from app.domain.key_format import parse_token
from app.domain.policy import REASON_POLICY_LIMIT
from app.domain.status import KeyStatus, RejectReason
from app.services import Services
from app.services.dto import KeyQuery
from tests.support import Clock, Team, database_state, make_team


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def team(open_as: Callable[..., Services], clock: Clock) -> Team:
    return make_team(open_as, clock)


def test_keys_are_unlimited_by_default(team: Team) -> None:
    policy = team.member.policy.get()
    assert policy.max_active_keys_per_user is None
    assert (policy.prefix, policy.environments) == ("kw", ("live", "test"))
    for n in range(5):
        team.member.keys.create(f"Integration {n}")
    assert team.member.keys.count(KeyQuery(status=KeyStatus.ACTIVE)) == 5


def test_at_the_limit_creating_asks_for_confirmation_naming_the_key_and_changes_nothing(
    team: Team, clock: Clock
) -> None:
    team.admin.policy.set_key_limit(1)
    first = team.member.keys.create("Salesforce Data Sync").key
    clock.advance(days=1)
    before = database_state(team.admin)

    with pytest.raises(PolicyConfirmationRequired) as asked:
        team.member.keys.create("Data Warehouse ETL", "Nightly Snowflake load.")

    assert asked.value.key_to_revoke == first.key_id
    assert asked.value.key_name == "Salesforce Data Sync"
    message = asked.value.message
    assert "Salesforce Data Sync" in message
    assert first.key_id in message
    assert "revoke" in message
    assert "limit is 1" in message
    assert database_state(team.admin) == before


def test_confirmed_create_at_the_limit_revokes_the_oldest_with_an_audited_reason(
    team: Team, clock: Clock
) -> None:
    team.admin.policy.set_key_limit(1)
    first = team.member.keys.create("Salesforce Data Sync")
    clock.advance(days=1)
    second = team.member.keys.create("Data Warehouse ETL", replace_oldest=True)

    assert second.key.status is KeyStatus.ACTIVE
    assert second.revoked_under_policy is not None
    assert second.revoked_under_policy.key_id == first.key.key_id
    assert second.revoked_under_policy.status is KeyStatus.REVOKED
    old = team.member.keys.get(first.key.key_id)
    assert (old.status, old.revoked_reason, old.revoked_at) == (
        KeyStatus.REVOKED,
        REASON_POLICY_LIMIT,
        clock.now,
    )
    event = team.member.keys.history(first.key.key_id)[-1]
    assert (event.action, event.reason, event.actor) == (
        AuditAction.KEY_REVOKED,
        REASON_POLICY_LIMIT,
        "maria",
    )
    verifier = team.admin.verifier()
    assert verifier.verify(first.token.reveal()).reason is RejectReason.REVOKED
    assert verifier.verify(second.token.reveal()).valid
    assert team.member.keys.count(KeyQuery(status=KeyStatus.ACTIVE)) == 1


def test_with_a_limit_of_two_the_oldest_of_the_two_is_named(team: Team, clock: Clock) -> None:
    team.admin.policy.set_key_limit("2")
    oldest = team.member.keys.create("Salesforce Data Sync").key
    clock.advance(hours=1)
    team.member.keys.create("Looker Reporting")
    clock.advance(hours=1)
    with pytest.raises(PolicyConfirmationRequired) as asked:
        team.member.keys.create("Snowflake ETL")
    assert asked.value.key_to_revoke == oldest.key_id
    assert "limit is 2" in asked.value.message


def test_replace_oldest_under_the_limit_revokes_nothing(team: Team) -> None:
    team.admin.policy.set_key_limit(2)
    first = team.member.keys.create("Salesforce Data Sync")
    second = team.member.keys.create("Looker", replace_oldest=True)
    assert second.revoked_under_policy is None
    assert team.member.keys.get(first.key.key_id).status is KeyStatus.ACTIVE


def test_only_active_keys_count_toward_the_limit(team: Team, clock: Clock) -> None:
    team.admin.policy.set_key_limit(1)
    keys = team.member.keys
    keys.disable(keys.create("Paused").key.key_id)
    keys.revoke(keys.create("Retired", replace_oldest=True).key.key_id)
    keys.create("Pilot", expires="2026-03-02")
    clock.advance(days=1)  # the pilot has expired
    created = keys.create("Salesforce Data Sync")
    assert created.revoked_under_policy is None


def test_rotation_at_the_limit_needs_no_confirmation_and_revokes_only_the_rotated_key(
    team: Team, clock: Clock
) -> None:
    team.admin.policy.set_key_limit(1)
    old = team.member.keys.create("Salesforce Data Sync")
    clock.advance(days=30)
    rotated = team.member.keys.rotate(old.key.key_id)
    assert rotated.revoked_under_policy is None
    retired = team.member.keys.get(old.key.key_id)
    assert retired.status is KeyStatus.REVOKED
    assert retired.revoked_reason == f"rotated to {rotated.key.key_id}"
    assert team.member.keys.count(KeyQuery(status=KeyStatus.ACTIVE)) == 1
    verifier = team.admin.verifier()
    assert verifier.verify(rotated.token.reveal()).valid
    assert verifier.verify(old.token.reveal()).reason is RejectReason.REVOKED


def test_the_limit_is_per_owner_and_applies_to_keys_made_for_others(team: Team) -> None:
    team.admin.policy.set_key_limit(1)
    marias = team.member.keys.create("Salesforce Data Sync").key
    team.other_member.keys.create("Looker Reporting")  # Mike's own limit is separate
    before = database_state(team.admin)
    with pytest.raises(PolicyConfirmationRequired) as asked:
        team.manager.keys.create("Snowflake ETL", owner="maria")
    assert asked.value.key_to_revoke == marias.key_id
    assert "Maria Lopez" in asked.value.message
    assert database_state(team.admin) == before


def test_setting_the_limit_is_audited_and_can_be_lifted(team: Team) -> None:
    assert team.admin.policy.set_key_limit(1).max_active_keys_per_user == 1
    event = team.admin.audit.recent()[0]
    assert event.action is AuditAction.POLICY_CHANGED
    assert (event.before, event.after) == ({"limit": None}, {"limit": "1"})

    before = database_state(team.admin)
    team.admin.policy.set_key_limit("1")  # the same value writes nothing
    assert database_state(team.admin) == before

    assert team.admin.policy.set_key_limit("unlimited").max_active_keys_per_user is None
    assert team.admin.audit.recent()[0].after == {"limit": None}
    team.member.keys.create("One")
    team.member.keys.create("Two")


def test_only_an_admin_sets_the_policy(team: Team) -> None:
    before = database_state(team.admin)
    for services in (team.manager, team.member, team.auditor):
        policy = services.policy
        for attempt in (
            partial(policy.set_key_limit, 1),
            partial(policy.set_key_limit, None),
            partial(policy.set_prefix, "acme"),
            partial(policy.set_environments, "live,dev"),
        ):
            with pytest.raises(PermissionDenied) as refused:
                attempt()
            assert "policy" in refused.value.message
        assert services.policy.get().max_active_keys_per_user is None
    assert database_state(team.admin) == before


def test_a_bad_limit_is_refused_and_changes_nothing(team: Team) -> None:
    team.admin.policy.set_key_limit(2)
    before = database_state(team.admin)
    for bad in ("0", "-1", "two", 0):
        with pytest.raises(ValidationError):
            team.admin.policy.set_key_limit(bad)
    assert database_state(team.admin) == before


def test_a_configured_environment_label_can_be_used_and_an_unknown_one_cannot(
    team: Team,
) -> None:
    policy = team.admin.policy.set_environments(" live , test, DEV,dev ")
    assert policy.environments == ("live", "test", "dev")
    created = team.member.keys.create("Dev sandbox", environment="dev")
    assert parse_token(created.token.reveal()).environment == "dev"
    assert team.admin.verifier().verify(created.token.reveal()).valid

    before = database_state(team.admin)
    with pytest.raises(ValidationError) as refused:
        team.member.keys.create("Prod", environment="prod")
    assert refused.value.field == "environment"
    assert "live, test, dev" in refused.value.message
    for bad in ("", " , ", "Pro d", "x"):
        with pytest.raises(ValidationError):
            team.admin.policy.set_environments(bad)
    assert database_state(team.admin) == before


def test_a_new_prefix_applies_to_new_keys_and_old_keys_keep_working(team: Team) -> None:
    old = team.member.keys.create("Before the change")
    assert team.admin.policy.set_prefix("acme").prefix == "acme"
    new = team.member.keys.create("After the change")
    assert new.token.reveal().startswith("acme_live_")
    assert new.key.masked.startswith("acme_live_")
    verifier = team.admin.verifier()
    assert verifier.verify(old.token.reveal()).valid
    assert verifier.verify(new.token.reveal()).valid
    before = database_state(team.admin)
    for bad in ("", "A", "acme corp", "x" * 17):
        with pytest.raises(ValidationError):
            team.admin.policy.set_prefix(bad)
    assert database_state(team.admin) == before
