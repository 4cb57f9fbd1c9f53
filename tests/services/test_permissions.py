"""What each role may and may not do, checked through the services (DESIGN §3)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from app.domain.errors import NotFound, PermissionDenied
from app.domain.roles import Role
from app.domain.status import KeyStatus
from app.services import Services
from app.services.dto import CreatedKey, KeyQuery
from tests.support import Clock, Team, database_state, make_team

Attempt = Callable[[Services], object]


@dataclass
class Keys:
    """A key of each person's, made by themselves."""

    maria: CreatedKey
    mike: CreatedKey
    manny: CreatedKey
    ada: CreatedKey


@pytest.fixture
def team(open_as: Callable[..., Services]) -> Team:
    return make_team(open_as, Clock())


@pytest.fixture
def keys(team: Team) -> Keys:
    return Keys(
        maria=team.member.keys.create("Salesforce Data Sync"),
        mike=team.other_member.keys.create("Looker Reporting"),
        manny=team.manager.keys.create("Snowflake ETL"),
        ada=team.admin.keys.create("Custom Dashboard API"),
    )


def key_changes(key_id: str) -> dict[str, Attempt]:
    """Every change a person can ask for on one existing key."""
    return {
        "edit": lambda s: s.keys.edit(key_id, name="Renamed", description="changed"),
        "disable": lambda s: s.keys.disable(key_id),
        "enable": lambda s: s.keys.enable(key_id),
        "revoke": lambda s: s.keys.revoke(key_id, "because"),
        "revoke many": lambda s: s.keys.revoke_many([key_id]),
        "delete": lambda s: s.keys.delete(key_id),
        "rotate": lambda s: s.keys.rotate(key_id),
        "replace": lambda s: s.keys.replace(key_id),
    }


def changes_to(created: CreatedKey) -> dict[str, Attempt]:
    owner = created.key.owner_login
    return {f"{label} {owner}'s key": a for label, a in key_changes(created.key.key_id).items()}


def user_and_policy_changes() -> dict[str, Attempt]:
    return {
        "add user": lambda s: s.users.add("jane", role="admin"),
        "set role": lambda s: s.users.set_role("mike", "admin"),
        "deactivate": lambda s: s.users.deactivate("mike"),
        "reactivate": lambda s: s.users.reactivate("mike"),
        "set key limit": lambda s: s.policy.set_key_limit(1),
        "set prefix": lambda s: s.policy.set_prefix("acme"),
        "set environments": lambda s: s.policy.set_environments("live,test,dev"),
    }


def assert_refused_and_unchanged(
    services: Services, witness: Services, attempts: dict[str, Attempt], error: type[Exception]
) -> None:
    before = database_state(witness)
    for label, attempt in attempts.items():
        with pytest.raises(error) as refused:
            attempt(services)
        assert str(refused.value).endswith("."), label
        assert database_state(witness) == before, f"{label} changed the database"


# ---------------------------------------------------------------------------- auditor


def test_auditor_reads_every_key_and_the_audit_log(team: Team, keys: Keys) -> None:
    auditor = team.auditor
    assert auditor.users.me().role is Role.AUDITOR
    all_ids = {k.key.key_id for k in (keys.maria, keys.mike, keys.manny, keys.ada)}
    assert {row.key_id for row in auditor.keys.page().rows} == all_ids
    assert auditor.keys.count() == 4
    assert auditor.keys.count(KeyQuery(owner="maria")) == 1
    assert auditor.keys.get(keys.mike.key.key_id).owner_name == "Mike Chen"
    assert auditor.keys.history(keys.mike.key.key_id)[0].actor == "mike"
    assert auditor.keys.usage_by_day(keys.maria.key.key_id, days=1)[0][1] == 0
    assert auditor.keys.usage_summary().active_keys == 4
    assert len(auditor.audit.recent()) == len(team.admin.audit.recent())
    assert auditor.audit.verify().ok
    assert auditor.audit.export(io.StringIO(), "jsonl") == len(team.admin.audit.recent())
    assert auditor.policy.get().max_active_keys_per_user is None
    assert {user.login for user in auditor.users.all()} >= {"ada", "maria", "audrey"}


def test_auditor_changes_nothing(team: Team, keys: Keys) -> None:
    attempts: dict[str, Attempt] = {
        "create own key": lambda s: s.keys.create("Audit helper"),
        "create for others": lambda s: s.keys.create("Audit helper", owner="maria"),
        **user_and_policy_changes(),
    }
    for key in (keys.maria, keys.ada):
        attempts.update(changes_to(key))
    assert_refused_and_unchanged(team.auditor, team.admin, attempts, PermissionDenied)


# ---------------------------------------------------------------------------- member


def test_member_sees_only_own_keys(team: Team, keys: Keys) -> None:
    member = team.member
    own = keys.maria.key.key_id
    assert [row.key_id for row in member.keys.page().rows] == [own]
    assert member.keys.count() == 1
    assert member.keys.count(KeyQuery(status=KeyStatus.ACTIVE)) == 1
    assert member.keys.count(KeyQuery(search="Looker")) == 0
    assert member.keys.get(own).name == "Salesforce Data Sync"
    assert member.keys.usage_summary().active_keys == 1
    assert [event.actor for event in member.keys.history(own)] == ["maria"]
    for other in (keys.mike, keys.manny, keys.ada):
        with pytest.raises(NotFound):
            member.keys.get(other.key.key_id)
        with pytest.raises(NotFound):
            member.keys.usage_by_day(other.key.key_id)
        with pytest.raises(PermissionDenied):
            member.keys.history(other.key.key_id)
    with pytest.raises(PermissionDenied):
        member.keys.page(KeyQuery(owner="mike"))
    assert member.keys.count(KeyQuery(owner="maria")) == 1


def test_member_cannot_read_the_audit_log(team: Team, keys: Keys) -> None:
    for attempt in (
        lambda: team.member.audit.recent(),
        lambda: team.member.audit.verify(),
        lambda: team.member.audit.export(io.StringIO(), "csv"),
    ):
        with pytest.raises(PermissionDenied):
            attempt()


def test_member_manages_own_keys(team: Team, keys: Keys) -> None:
    member = team.member
    own = keys.maria.key.key_id
    assert member.keys.edit(own, description="Owned by RevOps.").description == "Owned by RevOps."
    assert member.keys.disable(own).status is KeyStatus.DISABLED
    assert member.keys.enable(own).status is KeyStatus.ACTIVE
    rotated = member.keys.rotate(own)
    assert rotated.key.owner_login == "maria"
    assert member.keys.revoke(rotated.key.key_id).status is KeyStatus.REVOKED
    member.keys.delete(own)
    created = member.keys.create("Looker Reporting")
    assert created.key.owner_login == "maria"
    assert member.keys.create("Explicitly mine", owner="maria").key.owner_login == "maria"


def test_member_cannot_touch_other_peoples_keys_or_create_for_them(team: Team, keys: Keys) -> None:
    attempts: dict[str, Attempt] = {}
    for key in (keys.mike, keys.manny, keys.ada):
        attempts.update(changes_to(key))
    # Someone else's key is invisible to a member: the same answer as a key that does not exist.
    assert_refused_and_unchanged(team.member, team.admin, attempts, NotFound)
    assert_refused_and_unchanged(
        team.member,
        team.admin,
        {
            "create for others": lambda s: s.keys.create("For Mike", owner="mike"),
            **user_and_policy_changes(),
        },
        PermissionDenied,
    )


# ---------------------------------------------------------------------------- manager


def test_manager_manages_every_key_and_creates_for_others(team: Team, keys: Keys) -> None:
    manager = team.manager
    assert manager.keys.count() == 4
    assert len(manager.audit.recent()) > 0
    for key in (keys.maria, keys.ada):
        key_id = key.key.key_id
        edited = manager.keys.edit(key_id, description="Documented by Manny.")
        assert (edited.updated_by, edited.owner_login) == ("manny", key.key.owner_login)
        assert manager.keys.disable(key_id).status is KeyStatus.DISABLED
        assert manager.keys.enable(key_id).status is KeyStatus.ACTIVE
    rotated = manager.keys.rotate(keys.mike.key.key_id)
    assert rotated.key.owner_login == "mike"
    assert manager.keys.revoke(rotated.key.key_id).status is KeyStatus.REVOKED
    manager.keys.delete(keys.ada.key.key_id)
    created = manager.keys.create("Snowflake ETL", owner="maria")
    assert (created.key.owner_login, created.key.created_by) == ("maria", "manny")
    assert created.key.key_id in {row.key_id for row in team.member.keys.page().rows}


def test_manager_cannot_manage_users_or_policy(team: Team, keys: Keys) -> None:
    assert_refused_and_unchanged(
        team.manager, team.admin, user_and_policy_changes(), PermissionDenied
    )


# ---------------------------------------------------------------------------- admin


def test_admin_does_everything(team: Team, keys: Keys) -> None:
    admin = team.admin
    for label, attempt in key_changes(keys.maria.key.key_id).items():
        if label in {"revoke many", "delete", "rotate", "enable"}:
            continue
        attempt(admin)
    admin.keys.delete(keys.mike.key.key_id)
    assert admin.keys.create("For Maria", owner="maria").key.owner_login == "maria"
    assert admin.users.add("jane", role="auditor").role is Role.AUDITOR
    assert admin.users.set_role("mike", "manager").role is Role.MANAGER
    assert admin.users.deactivate("mike")[0].active is False
    assert admin.users.reactivate("mike").active is True
    assert admin.policy.set_key_limit(3).max_active_keys_per_user == 3
    assert admin.policy.set_environments("live,test,dev").environments == ("live", "test", "dev")
    assert admin.policy.set_prefix("acme").prefix == "acme"
    assert admin.audit.verify().ok
