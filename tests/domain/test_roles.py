"""Who may do what (DESIGN §3), checked in services; here the rules themselves."""

from __future__ import annotations

import pytest

from app.domain.errors import PermissionDenied, ValidationError
from app.domain.roles import (
    Action,
    Role,
    can,
    can_manage_key,
    parse_role,
    require,
    require_manage_key,
)

A = Action
#: DESIGN §3, written out by hand: auditor reads every key and the audit log and changes
#: nothing; member ("Generate API Key") creates and manages own keys; manager ("Manage All
#: API Keys") reads and manages every key and may create keys for others; admin does
#: everything, plus users and policy; verifier (a service's login) verifies tokens and records
#: their usage, which needs no action here: it may not even list keys.
EXPECTED: dict[Role, set[Action]] = {
    Role.AUDITOR: {A.READ_OWN_KEYS, A.READ_ALL_KEYS, A.READ_AUDIT},
    Role.MEMBER: {A.READ_OWN_KEYS, A.CREATE_OWN_KEY, A.MANAGE_OWN_KEYS},
    Role.MANAGER: {
        A.READ_OWN_KEYS,
        A.READ_ALL_KEYS,
        A.READ_AUDIT,
        A.CREATE_OWN_KEY,
        A.CREATE_FOR_OTHERS,
        A.MANAGE_OWN_KEYS,
        A.MANAGE_ALL_KEYS,
    },
    Role.ADMIN: set(Action),
    Role.VERIFIER: set(),
}


def test_the_matrix_covers_every_role_and_every_action() -> None:
    assert set(EXPECTED) == set(Role)
    assert {action.value for action in Action} == {
        "list keys",
        "read all keys",
        "read the audit log",
        "create keys",
        "create keys for other people",
        "change your keys",
        "change other people's keys",
        "manage users",
        "change the key policy",
    }


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_can_matches_design(role: Role, action: Action) -> None:
    assert can(role, action) is (action in EXPECTED[role])


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_require_refuses_exactly_what_can_refuses(role: Role, action: Action) -> None:
    if action in EXPECTED[role]:
        require(role, action)
        return
    with pytest.raises(PermissionDenied) as refused:
        require(role, action)
    message = str(refused.value)
    assert role.label in message
    assert action.value in message
    assert "ask a Keyward admin" in message


def test_only_admins_manage_users_and_policy() -> None:
    for action in (A.MANAGE_USERS, A.MANAGE_POLICY):
        assert [role for role in Role if can(role, action)] == [Role.ADMIN]


def test_auditors_change_nothing() -> None:
    changes = set(Action) - {A.READ_OWN_KEYS, A.READ_ALL_KEYS, A.READ_AUDIT}
    assert not any(can(Role.AUDITOR, action) for action in changes)


@pytest.mark.parametrize(
    ("role", "own", "other"),
    [
        (Role.AUDITOR, False, False),
        (Role.MEMBER, True, False),
        (Role.MANAGER, True, True),
        (Role.ADMIN, True, True),
        (Role.VERIFIER, False, False),
    ],
)
def test_can_manage_key_own_and_others(role: Role, own: bool, other: bool) -> None:
    assert can_manage_key(role, owns_key=True) is own
    assert can_manage_key(role, owns_key=False) is other
    for owns_key, allowed in ((True, own), (False, other)):
        if allowed:
            require_manage_key(role, owns_key=owns_key)
        else:
            with pytest.raises(PermissionDenied):
                require_manage_key(role, owns_key=owns_key)


def test_member_refused_on_someone_elses_key_is_told_about_other_peoples_keys() -> None:
    with pytest.raises(PermissionDenied) as refused:
        require_manage_key(Role.MEMBER, owns_key=False)
    assert "other people's keys" in str(refused.value)


@pytest.mark.parametrize(
    ("text", "role"),
    [("admin", Role.ADMIN), (" Manager ", Role.MANAGER), ("AUDITOR", Role.AUDITOR)],
)
def test_parse_role(text: str, role: Role) -> None:
    assert parse_role(text) is role


@pytest.mark.parametrize("text", ["", "root", "owner", "admins"])
def test_parse_role_refuses_unknown_roles_and_lists_the_choices(text: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_role(text)
    assert refused.value.field == "role"
    for role in Role:
        assert role.value in str(refused.value)
