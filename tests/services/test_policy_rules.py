"""Issue 9's policy rules: the exact key limit, a maximum lifetime, hygiene thresholds, a
previewed and audited policy change, and a deactivation with a reason (every database)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from app.domain.audit import AuditAction
from app.domain.errors import PermissionDenied, PolicyConfirmationRequired, ValidationError
from app.domain.policy import REASON_OWNER_DEACTIVATED, REASON_POLICY_LIMIT
from app.domain.status import KeyStatus
from app.services import Services
from app.services.dto import KeyQuery
from app.services.settings import UNSET, PolicyChanges
from tests.support import START, Clock, Team, database_state, make_team


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def team(open_as: Callable[..., Services], clock: Clock) -> Team:
    return make_team(open_as, clock)


def _three_keys(team: Team, clock: Clock) -> list[str]:
    ids = []
    for name in ("Salesforce Data Sync", "Looker Reporting", "Snowflake ETL"):
        ids.append(team.member.keys.create(name).key.key_id)
        clock.advance(hours=1)
    return ids


# --------------------------------------------------------------------------- the key limit


def test_with_a_limit_of_two_and_three_keys_a_create_names_and_revokes_two(
    team: Team, clock: Clock
) -> None:
    first, second, third = _three_keys(team, clock)
    team.admin.policy.set_key_limit(2)  # lowering the limit revokes nothing by itself
    assert team.member.keys.count(KeyQuery(status=KeyStatus.ACTIVE)) == 3
    before = database_state(team.admin)

    with pytest.raises(PolicyConfirmationRequired) as asked:
        team.member.keys.create("HubSpot Sync")
    refusal = asked.value
    assert [key.key_id for key in refusal.keys_to_revoke] == [first, second]
    assert (refusal.key_to_revoke, refusal.key_name) == (first, "Salesforce Data Sync")
    for key_id, name in ((first, "Salesforce Data Sync"), (second, "Looker Reporting")):
        assert key_id in refusal.message and name in refusal.message
    assert third not in refusal.message
    assert "the 2 oldest" in refusal.message and "limit is 2" in refusal.message
    assert database_state(team.admin) == before
    # The early check (before any hashing) names the same keys.
    with pytest.raises(PolicyConfirmationRequired) as early:
        team.member.keys.check_create()
    assert [key.key_id for key in early.value.keys_to_revoke] == [first, second]

    created = team.member.keys.create("HubSpot Sync", replace_oldest=True)
    assert [key.key_id for key in created.revoked_keys] == [first, second]
    assert created.revoked_under_policy is not None
    assert created.revoked_under_policy.key_id == first
    for key_id in (first, second):
        gone = team.member.keys.get(key_id)
        assert (gone.status, gone.revoked_reason) == (KeyStatus.REVOKED, REASON_POLICY_LIMIT)
        assert team.member.keys.history(key_id)[-1].reason == REASON_POLICY_LIMIT
    active = team.member.keys.page(KeyQuery(status=KeyStatus.ACTIVE)).rows
    assert {key.key_id for key in active} == {third, created.key.key_id}
    assert team.admin.audit.verify().ok


def test_rotation_under_a_lowered_limit_revokes_what_it_takes(team: Team, clock: Clock) -> None:
    first, second, third = _three_keys(team, clock)
    team.admin.policy.set_key_limit(1)
    with pytest.raises(PolicyConfirmationRequired) as asked:
        team.member.keys.rotate(third)
    # The rotated key does not count; the two others must go for the new one to fit.
    assert [key.key_id for key in asked.value.keys_to_revoke] == [first, second]


# --------------------------------------------------------------------------- maximum lifetime


def test_a_maximum_lifetime_requires_an_expiry_within_it(team: Team, clock: Clock) -> None:
    assert team.admin.policy.set_max_lifetime("90").max_lifetime_days == 90
    event = team.admin.audit.recent()[0]
    assert (event.action, event.target_id) == (AuditAction.POLICY_CHANGED, "max_lifetime_days")
    assert (event.before, event.after) == ({"max_lifetime": None}, {"max_lifetime": "90"})
    before = database_state(team.admin)
    with pytest.raises(ValidationError) as missing:
        team.member.keys.create("No expiry")
    assert missing.value.field == "expires"
    assert "90 days" in missing.value.message and "2026-05-31" in missing.value.message
    with pytest.raises(ValidationError) as too_far:
        team.member.keys.create("Too long", expires="2026-06-01")
    assert "2026-05-31" in too_far.value.message
    assert database_state(team.admin) == before

    ok = team.member.keys.create("Within", expires="2026-05-31").key
    assert ok.expires_on == "2026-05-31"
    # Rotation keeps the old expiry when the policy allows it.
    assert team.member.keys.rotate(ok.key_id).key.expires_on == "2026-05-31"
    # An old key without expiry is rotated into the longest the policy allows.
    team.admin.policy.set_max_lifetime(None)
    forever = team.member.keys.create("Forever").key
    team.admin.policy.set_max_lifetime(30)
    assert team.member.keys.rotate(forever.key_id).key.expires_on == "2026-04-01"
    # A replacement gets the longest allowed by default.
    doomed = team.member.keys.create("Doomed", expires="2026-03-10").key
    team.member.keys.revoke(doomed.key_id)
    assert team.member.keys.replace(doomed.key_id).key.expires_on == "2026-04-01"


@pytest.mark.parametrize("bad", ["0", "-3", "ninety", "3651"])
def test_bad_thresholds_are_refused_and_change_nothing(team: Team, bad: str) -> None:
    before = database_state(team.admin)
    for attempt in (
        lambda: team.admin.policy.set_max_lifetime(bad),
        lambda: team.admin.policy.set_stale_after(bad),
        lambda: team.admin.policy.set_expiry_warnings(f"30,{bad}"),
    ):
        with pytest.raises(ValidationError):
            attempt()
    assert database_state(team.admin) == before


def test_hygiene_thresholds_have_defaults_and_are_audited(team: Team) -> None:
    policy = team.member.policy.get()
    assert (policy.max_lifetime_days, policy.stale_after_days, policy.expiry_warning_days) == (
        None,
        90,
        (30, 7, 1),
    )
    assert team.admin.policy.set_stale_after("60").stale_after_days == 60
    assert team.admin.policy.set_expiry_warnings("1, 14,7,14").expiry_warning_days == (14, 7, 1)
    assert team.admin.policy.set_expiry_warnings((3,)).expiry_warning_days == (3,)
    events = team.admin.audit.recent()[:3]
    assert [(e.target_id, e.after) for e in events] == [
        ("expiry_warning_days", {"expiry_warnings": "3"}),
        ("expiry_warning_days", {"expiry_warnings": "14,7,1"}),
        ("stale_after_days", {"stale_after": "60"}),
    ]
    assert team.member.policy.get().stale_after_days == 60
    for services in (team.manager, team.member, team.auditor):
        with pytest.raises(PermissionDenied):
            services.policy.set_stale_after(10)
        with pytest.raises(PermissionDenied):
            services.policy.preview(PolicyChanges(stale_after_days=10))


# --------------------------------------------------------------------------- preview and apply


def test_a_policy_change_is_previewed_then_applied_with_one_event_per_setting(
    team: Team, clock: Clock
) -> None:
    first, second, third = _three_keys(team, clock)
    short = team.other_member.keys.create("Short", expires="2026-03-20").key
    team.admin.keys.create("Admin forever")
    changes = PolicyChanges(
        max_active_keys_per_user=1,
        max_lifetime_days="30",
        stale_after_days=UNSET,
        expiry_warning_days="14,3",
    )
    before = database_state(team.admin)
    preview = team.admin.policy.preview(changes)
    assert database_state(team.admin) == before  # a preview writes nothing

    assert preview.before.max_active_keys_per_user is None
    assert (preview.after.max_active_keys_per_user, preview.after.max_lifetime_days) == (1, 30)
    assert preview.changed == (
        "max_active_keys_per_user",
        "max_lifetime_days",
        "expiry_warning_days",
    )
    [maria] = preview.over_limit
    assert (maria.owner_login, maria.owner_name, maria.active) == ("maria", "Maria Lopez", 3)
    # At her next create she goes back to the limit: all three go.
    assert [key.key_id for key in maria.to_revoke] == [first, second, third]
    exceeding = {key.key_id for key in preview.over_lifetime}
    assert short.key_id not in exceeding and {first, second, third} <= exceeding
    assert preview.over_lifetime_total == 4
    text = "\n".join(preview.lines())
    assert "unlimited → 1" in text
    assert "Maria Lopez has 3 active keys" in text and "nothing is revoked now" in text
    assert "4 existing keys would exceed the new maximum lifetime of 30 days" in text
    with pytest.raises(PermissionDenied):
        team.manager.policy.preview(changes)

    seq = team.admin.audit.recent()[0].seq
    after = team.admin.policy.apply(changes)
    assert after == preview.after
    events = [e for e in team.admin.audit.recent() if e.seq > seq]
    assert sorted((e.target_id, e.before, e.after) for e in events) == [
        ("expiry_warning_days", {"expiry_warnings": None}, {"expiry_warnings": "14,3"}),
        ("max_active_keys_per_user", {"limit": None}, {"limit": "1"}),
        ("max_lifetime_days", {"max_lifetime": None}, {"max_lifetime": "30"}),
    ]
    assert all(e.action is AuditAction.POLICY_CHANGED and e.actor == "ada" for e in events)
    # Nothing was revoked or changed by the policy itself.
    assert team.member.keys.count(KeyQuery(status=KeyStatus.ACTIVE)) == 3
    assert team.admin.policy.preview(changes).lines() == ["Nothing changes."]


def test_a_bad_value_in_a_change_leaves_every_setting_as_it_was(team: Team) -> None:
    before = database_state(team.admin)
    with pytest.raises(ValidationError):
        team.admin.policy.apply(PolicyChanges(max_active_keys_per_user=2, prefix="NO!"))
    with pytest.raises(ValidationError):
        team.admin.policy.preview(PolicyChanges(max_lifetime_days="forever"))
    assert database_state(team.admin) == before


# --------------------------------------------------------------------------- deactivation


def test_a_deactivation_reason_is_recorded_on_the_event_and_every_revoked_key(
    team: Team,
) -> None:
    one = team.member.keys.create("Custom Dashboard API").key
    two = team.member.keys.create("Looker Reporting").key
    user, revoked = team.admin.users.deactivate("maria", "left the company")
    assert (user.active, revoked) == (False, 2)
    for key in (one, two):
        gone = team.admin.keys.get(key.key_id)
        assert gone.status is KeyStatus.REVOKED
        assert gone.revoked_reason == f"{REASON_OWNER_DEACTIVATED}: left the company"
        assert team.admin.keys.history(key.key_id)[-1].reason == gone.revoked_reason
    event = team.admin.audit.recent()[0]
    assert (event.action, event.target_id) == (AuditAction.USER_DEACTIVATED, "maria")
    assert event.reason == "left the company (2 keys revoked)"
    # Without a reason, as before.
    three = team.other_member.keys.create("Mike's").key
    team.admin.users.deactivate("mike")
    assert team.admin.keys.get(three.key_id).revoked_reason == REASON_OWNER_DEACTIVATED
    assert team.admin.audit.recent()[0].reason == "1 key revoked"
    assert team.admin.audit.verify().ok


def test_the_grace_period_is_bounded(team: Team) -> None:
    key = team.member.keys.create("Snowflake ETL").key
    before = database_state(team.admin)
    with pytest.raises(ValidationError) as refused:
        team.member.keys.rotate(key.key_id, timedelta(days=366))
    assert refused.value.field == "grace"
    assert database_state(team.admin) == before


def test_an_expiry_is_brought_forward_freely_but_extended_only_within_the_lifetime(
    team: Team, clock: Clock
) -> None:
    key = team.member.keys.create("Snowflake ETL", expires="2026-04-30").key
    team.admin.policy.set_max_lifetime(30)
    earlier = START + timedelta(days=10)
    changed = team.member.keys.set_expiry(key.key_id, earlier, expected_version=key.version)
    assert changed.expires_at == earlier
    assert team.member.keys.history(key.key_id)[-1].action is AuditAction.KEY_EXPIRY_CHANGED
    before = database_state(team.admin)
    for later in (None, START + timedelta(days=40)):
        with pytest.raises(ValidationError):
            team.member.keys.set_expiry(key.key_id, later)
    assert database_state(team.admin) == before
    within = START + timedelta(days=20)
    assert team.member.keys.set_expiry(key.key_id, within).expires_at == within
