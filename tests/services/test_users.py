"""People: the first admin, adding, roles, deactivation (revoking keys) and reactivation."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.domain.audit import AuditAction
from app.domain.errors import NotFound, PermissionDenied, UnknownOperator, ValidationError
from app.domain.policy import REASON_OWNER_DEACTIVATED
from app.domain.roles import Role
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


def test_the_first_operator_of_an_empty_database_becomes_admin(
    open_as: Callable[..., Services],
) -> None:
    first = open_as("ada")
    assert first.users.me().role is Role.ADMIN
    [user] = first.users.all()
    assert (user.login, user.role, user.active) == ("ada", Role.ADMIN, True)
    [event] = first.audit.recent()
    assert (event.action, event.target_id) == (AuditAction.USER_ADDED, "ada")
    assert event.reason == "first operator of an empty database"

    # Whoever opens it next is not made anything: they must be added.
    second = open_as("bob")
    with pytest.raises(UnknownOperator):
        second.users.me()
    assert [user.login for user in first.users.all()] == ["ada"]


def test_the_first_operator_is_the_real_login_when_none_is_given(
    open_as: Callable[..., Services], database_url: str
) -> None:
    services = open_as()
    me = services.users.me()
    assert me.role is Role.ADMIN
    if not database_url.startswith("sqlite"):
        # On a server the operator is the database login, never typed into a form.
        assert me.login == services.engine.url.username


def test_a_login_that_is_not_a_user_is_refused_everywhere_and_told_who_to_ask(
    open_as: Callable[..., Services],
) -> None:
    admin = open_as("ada")
    created = admin.keys.create("Salesforce Data Sync")
    before = database_state(admin)
    nobody = open_as("nobody")
    attempts: dict[str, Callable[[], object]] = {
        "me": nobody.users.me,
        "list users": nobody.users.all,
        "list keys": nobody.keys.page,
        "count keys": nobody.keys.count,
        "show key": lambda: nobody.keys.get(created.key.key_id),
        "create key": lambda: nobody.keys.create("Looker"),
        "edit key": lambda: nobody.keys.edit(created.key.key_id, name="Mine now"),
        "revoke key": lambda: nobody.keys.revoke(created.key.key_id),
        "delete key": lambda: nobody.keys.delete(created.key.key_id),
        "usage": nobody.keys.usage_summary,
        "audit": nobody.audit.recent,
        "audit verify": nobody.audit.verify,
        "policy": nobody.policy.get,
        "set policy": lambda: nobody.policy.set_key_limit(1),
        "add user": lambda: nobody.users.add("nobody", role="admin"),
    }
    for label, attempt in attempts.items():
        with pytest.raises(UnknownOperator) as refused:
            attempt()
        message = refused.value.message
        assert "nobody" in message, label
        assert "ask a Keyward admin" in message, label
        assert message.endswith("."), label
    assert database_state(admin) == before


def test_add_a_user_with_role_name_and_email(team: Team) -> None:
    added = team.admin.users.add(
        "jane", role="manager", display_name="Jane Doe", email="jane@company.com"
    )
    assert (added.login, added.display_name) == ("jane", "Jane Doe")
    assert added.email == "jane@company.com"
    assert (added.role, added.active) == (Role.MANAGER, True)
    assert added.created_at == team.clock.now
    assert added in team.admin.users.all()
    event = team.admin.audit.recent()[0]
    assert (event.action, event.actor, event.target_id) == (AuditAction.USER_ADDED, "ada", "jane")
    assert event.after is not None
    assert event.after["role"] == "manager"

    # Without a role or a name: a member, named by their login.
    plain = team.admin.users.add("jsmith")
    assert (plain.role, plain.display_name, plain.email) == (Role.MEMBER, "jsmith", None)


def test_adding_a_bad_or_existing_user_is_refused_and_changes_nothing(team: Team) -> None:
    before = database_state(team.admin)
    attempts: dict[str, Callable[[], object]] = {
        "existing login": lambda: team.admin.users.add("maria"),
        "empty login": lambda: team.admin.users.add("   "),
        "login with a space": lambda: team.admin.users.add("jane doe"),
        "65-character login": lambda: team.admin.users.add("j" * 65),
        "unknown role": lambda: team.admin.users.add("jane", role="owner"),
        "bad e-mail": lambda: team.admin.users.add("jane", email="jane@"),
        "101-character name": lambda: team.admin.users.add("jane", display_name="J" * 101),
        "bidi in name": lambda: team.admin.users.add("jane", display_name="Jane \u202eeoD"),
    }
    for label, attempt in attempts.items():
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.message.endswith("."), label
    assert database_state(team.admin) == before


def test_set_role_takes_effect_on_the_users_next_call_and_is_audited(team: Team) -> None:
    mikes = team.other_member.keys.create("Dashboard").key
    with pytest.raises(NotFound):
        team.member.keys.get(mikes.key_id)

    changed = team.admin.users.set_role("maria", "manager")
    assert changed.role is Role.MANAGER
    assert team.member.users.me().role is Role.MANAGER
    assert team.member.keys.get(mikes.key_id).owner_name == "Mike Chen"
    event = team.admin.audit.recent()[0]
    assert event.action is AuditAction.USER_ROLE_CHANGED
    assert event.changes["role"] == ("member", "manager")


def test_set_role_to_the_same_role_writes_nothing_and_a_bad_one_is_refused(team: Team) -> None:
    before = database_state(team.admin)
    assert team.admin.users.set_role("maria", Role.MEMBER).role is Role.MEMBER
    with pytest.raises(ValidationError):
        team.admin.users.set_role("maria", "superuser")
    with pytest.raises(NotFound):
        team.admin.users.set_role("nobody", "manager")
    assert database_state(team.admin) == before


def test_deactivating_a_user_revokes_their_keys_and_keeps_their_name_on_them(
    team: Team, clock: Clock
) -> None:
    active = team.member.keys.create("Salesforce Data Sync")
    disabled = team.member.keys.create("Looker Reporting")
    team.member.keys.disable(disabled.key.key_id)
    already = team.member.keys.revoke(team.member.keys.create("Old ETL").key.key_id, "unused")
    mikes = team.other_member.keys.create("Mike's sync")
    verifier = team.admin.verifier()
    assert verifier.verify(active.token.reveal()).valid

    clock.advance(days=1)
    user, revoked = team.admin.users.deactivate("maria")
    assert revoked == 2
    assert (user.active, user.deactivated_at) == (False, clock.now)

    for created in (active, disabled):
        key = team.admin.keys.get(created.key.key_id)
        assert key.status is KeyStatus.REVOKED
        assert key.revoked_reason == REASON_OWNER_DEACTIVATED
        assert key.revoked_at == clock.now
        assert (key.owner_login, key.owner_name, key.owner_active) == (
            "maria",
            "Maria Lopez",
            False,
        )
        assert verifier.verify(created.token.reveal()).reason is RejectReason.REVOKED
        event = team.admin.keys.history(created.key.key_id)[-1]
        assert (event.action, event.reason) == (AuditAction.KEY_REVOKED, REASON_OWNER_DEACTIVATED)
    # A key revoked earlier keeps its own reason and time.
    earlier = team.admin.keys.get(already.key_id)
    assert (earlier.revoked_at, earlier.revoked_reason, earlier.version) == (
        already.revoked_at,
        "unused",
        already.version,
    )
    # Other people's keys are untouched.
    assert team.admin.keys.get(mikes.key.key_id).status is KeyStatus.ACTIVE
    assert verifier.verify(mikes.token.reveal()).valid

    # The owner column still shows the name, and owner search still finds the keys.
    assert team.admin.keys.count(KeyQuery(search="Maria Lopez")) == 3
    assert team.admin.keys.count(KeyQuery(owner="maria", status=KeyStatus.REVOKED)) == 3
    user_event = team.admin.audit.recent()[0]
    assert (user_event.action, user_event.target_id) == (AuditAction.USER_DEACTIVATED, "maria")
    assert user_event.reason == "2 keys revoked"

    # A deactivated user can no longer operate, and is told why...
    with pytest.raises(UnknownOperator) as refused:
        team.member.keys.page()
    assert "deactivated" in refused.value.message
    assert "admin" in refused.value.message
    # ...nor be given a new key.
    before = database_state(team.admin)
    with pytest.raises(ValidationError) as refused_key:
        team.admin.keys.create("Salesforce Data Sync", owner="maria")
    assert "deactivated" in refused_key.value.message
    assert database_state(team.admin) == before


def test_reactivating_a_user_does_not_bring_their_keys_back(team: Team, clock: Clock) -> None:
    created = team.member.keys.create("Salesforce Data Sync")
    team.admin.users.deactivate("maria")
    clock.advance(days=1)
    user = team.admin.users.reactivate("maria")
    assert (user.active, user.deactivated_at) == (True, None)
    assert team.admin.audit.recent()[0].action is AuditAction.USER_REACTIVATED

    key = team.member.keys.get(created.key.key_id)
    assert key.status is KeyStatus.REVOKED
    assert team.admin.verifier().verify(created.token.reveal()).reason is RejectReason.REVOKED
    with pytest.raises(ValidationError):
        team.member.keys.enable(created.key.key_id)
    # They create a new key instead (Affinity's option B).
    assert team.member.keys.create("Salesforce Data Sync").key.status is KeyStatus.ACTIVE


def test_deactivate_and_reactivate_refuse_repeats_and_unknown_users(team: Team) -> None:
    team.admin.users.deactivate("mike")
    before = database_state(team.admin)
    with pytest.raises(ValidationError):
        team.admin.users.deactivate("mike")
    with pytest.raises(ValidationError):
        team.admin.users.reactivate("maria")
    with pytest.raises(NotFound):
        team.admin.users.deactivate("nobody")
    with pytest.raises(NotFound):
        team.admin.users.reactivate("nobody")
    assert database_state(team.admin) == before


def test_the_last_admin_can_be_neither_demoted_nor_deactivated(team: Team) -> None:
    before = database_state(team.admin)
    for attempt in (
        lambda: team.admin.users.set_role("ada", "manager"),
        lambda: team.admin.users.deactivate("ada"),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert "last admin" in refused.value.message
    assert database_state(team.admin) == before
    assert team.admin.users.me().role is Role.ADMIN

    # A deactivated admin is no other admin.
    team.admin.users.set_role("manny", "admin")
    team.admin.users.deactivate("manny")
    before = database_state(team.admin)
    with pytest.raises(ValidationError):
        team.admin.users.set_role("ada", "member")
    assert database_state(team.admin) == before


def test_with_a_second_admin_the_first_may_step_down(team: Team) -> None:
    team.admin.users.set_role("manny", "admin")
    assert team.admin.users.set_role("ada", "member").role is Role.MEMBER
    # Now manny is the last admin.
    with pytest.raises(ValidationError):
        team.manager.users.deactivate("manny")
    team.manager.users.deactivate("ada")
    with pytest.raises(UnknownOperator):
        team.admin.users.me()


def test_members_list_only_themselves_and_everyone_else_lists_everyone(team: Team) -> None:
    """The rule the server databases enforce for a member's own login (issue 9, item 6);
    auditors read every user, since every key's owner is part of the audit."""
    everyone = ["ada", "audrey", "manny", "maria", "mike"]
    assert [user.login for user in team.member.users.all()] == ["maria"]
    for services in (team.admin, team.manager, team.auditor):
        assert [user.login for user in services.users.all()] == everyone


def test_a_member_asking_for_another_owners_keys_is_refused_not_told_no_such_user(
    team: Team,
) -> None:
    with pytest.raises(PermissionDenied):
        team.member.keys.page(KeyQuery(owner="mike"))
    with pytest.raises(PermissionDenied):
        team.member.keys.page(KeyQuery(owner="nobody-at-all"))
    assert team.member.keys.page(KeyQuery(owner="maria")).rows == ()
