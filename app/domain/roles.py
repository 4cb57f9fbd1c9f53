"""Roles and what each may do. Checked in services; the UI only hides what a role cannot do."""

from __future__ import annotations

from enum import StrEnum

from app.domain.errors import Field, PermissionDenied


class Role(StrEnum):
    AUDITOR = "auditor"  # reads every key and the audit log, changes nothing
    MEMBER = "member"  # "Generate API Key": creates and manages own keys
    MANAGER = "manager"  # "Manage All API Keys"
    ADMIN = "admin"  # Enterprise Admin: everything, plus users and policy
    VERIFIER = "verifier"  # a service login: verifies tokens and records usage, nothing else

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Action(StrEnum):
    READ_OWN_KEYS = "list keys"
    READ_ALL_KEYS = "read all keys"
    READ_AUDIT = "read the audit log"
    CREATE_OWN_KEY = "create keys"
    CREATE_FOR_OTHERS = "create keys for other people"
    MANAGE_OWN_KEYS = "change your keys"
    MANAGE_ALL_KEYS = "change other people's keys"
    MANAGE_USERS = "manage users"
    MANAGE_POLICY = "change the key policy"


_GRANTS: dict[Role, frozenset[Action]] = {
    Role.AUDITOR: frozenset({Action.READ_OWN_KEYS, Action.READ_ALL_KEYS, Action.READ_AUDIT}),
    Role.MEMBER: frozenset({Action.READ_OWN_KEYS, Action.CREATE_OWN_KEY, Action.MANAGE_OWN_KEYS}),
    Role.MANAGER: frozenset(
        {
            Action.READ_OWN_KEYS,
            Action.READ_ALL_KEYS,
            Action.READ_AUDIT,
            Action.CREATE_OWN_KEY,
            Action.CREATE_FOR_OTHERS,
            Action.MANAGE_OWN_KEYS,
            Action.MANAGE_ALL_KEYS,
        }
    ),
    Role.ADMIN: frozenset(Action),
    Role.VERIFIER: frozenset(),
}


def can(role: Role, action: Action) -> bool:
    return action in _GRANTS[role]


def require(role: Role, action: Action) -> None:
    if not can(role, action):
        raise PermissionDenied(
            f"Your role ({role.label}) does not allow you to {action.value}; "
            "ask a Keyward admin to change your role."
        )


def can_manage_key(role: Role, *, owns_key: bool) -> bool:
    if can(role, Action.MANAGE_ALL_KEYS):
        return True
    return owns_key and can(role, Action.MANAGE_OWN_KEYS)


def require_manage_key(role: Role, *, owns_key: bool) -> None:
    if not can_manage_key(role, owns_key=owns_key):
        action = Action.MANAGE_ALL_KEYS if not owns_key else Action.MANAGE_OWN_KEYS
        require(role, action)


def parse_role(text: str) -> Role:
    from app.domain.errors import ValidationError

    try:
        return Role(text.strip().lower())
    except ValueError:
        names = ", ".join(role.value for role in Role)
        raise ValidationError(
            Field.ROLE, f"Unknown role {text!r}; choose one of {names}."
        ) from None
