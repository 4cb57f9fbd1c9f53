"""The values that cross from services to the command line and the console other than a
listing of keys' (:mod:`app.services.dto`, which imports this module on first use of one of
its names)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from app.domain.audit_diff import shorten_pair
from app.domain.clock import isoformat_utc
from app.domain.roles import Role
from app.domain.status import RejectReason

if TYPE_CHECKING:
    from app.domain.audit import AuditAction, AuditRecord
    from app.domain.key_format import SecretToken
    from app.services.choices import BulkAction
    from app.services.dto import KeyDTO


@dataclass(frozen=True, slots=True)
class UserDTO:
    login: str
    display_name: str
    email: str | None
    role: Role
    active: bool
    created_at: datetime
    deactivated_at: datetime | None
    #: On a server database, whether a database login of that name exists and was granted
    #: its role (None on SQLite, or when not asked).
    database_login: bool | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "login": self.login,
            "name": self.display_name,
            "email": self.email,
            "role": self.role.value,
            "active": self.active,
            "created_at": isoformat_utc(self.created_at),
            "deactivated_at": isoformat_utc(self.deactivated_at),
        }


@dataclass(frozen=True, slots=True)
class CreatedKey:
    """The one place a full token leaves the services: the create call's return value."""

    key: KeyDTO
    token: SecretToken
    #: The first key revoked under the active-key limit by this create (see revoked_keys).
    revoked_under_policy: KeyDTO | None = None
    #: Every key this create revoked under the active-key limit, oldest first.
    revoked_keys: tuple[KeyDTO, ...] = ()


@dataclass(frozen=True, slots=True)
class AuditEventDTO:
    seq: int
    occurred_at: datetime
    actor: str
    action: AuditAction
    target_type: str
    target_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None
    host: str
    record: AuditRecord = field(repr=False)

    @property
    def changes(self) -> dict[str, tuple[Any, Any]]:
        """Fields whose value differs between before and after."""
        before = self.before or {}
        after = self.after or {}
        return {
            name: (before.get(name), after.get(name))
            for name in sorted(set(before) | set(after))
            if before.get(name) != after.get(name)
        }

    def summary(self) -> str:
        """One line for a person: what changed."""
        parts = []
        for name, (old, new) in self.changes.items():
            if name in {"version", "updated_at"}:
                continue
            if self.before is None or self.after is None:
                break
            shown_old, shown_new = shorten_pair(_text(old), _text(new))
            parts.append(f"{name}: {shown_old} → {shown_new}")
        text = self.action.label
        if parts:
            text += " (" + "; ".join(parts) + ")"
        if self.reason:
            text += f" — {self.reason}"
        return text

    def to_json(self) -> dict[str, Any]:
        return self.record.as_dict()


def _text(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


@dataclass(frozen=True, slots=True)
class UsageSummary:
    active_keys: int
    verifications_30d: int


@dataclass(frozen=True, slots=True)
class VerifiedKey:
    key_id: str
    name: str
    owner_login: str
    environment: str


@dataclass(frozen=True, slots=True)
class VerifyResult:
    valid: bool
    reason: RejectReason | None = None
    key: VerifiedKey | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "reason": self.reason.value if self.reason else None,
            "key": None
            if self.key is None
            else {
                "id": self.key.key_id,
                "name": self.key.name,
                "owner": self.key.owner_login,
                "environment": self.key.environment,
            },
        }


@dataclass(frozen=True, slots=True)
class Operator:
    login: str
    display_name: str
    role: Role


#: The one field of a snapshot whose stored text is not a JSON object (written by hand: the
#: chain check names that event as modified; the trail still lists it, showing the text).
UNREADABLE_SNAPSHOT = "stored_text"


def snapshot_json(text: str | None) -> dict[str, Any] | None:
    """An event's stored before/after as fields; text that is not a JSON object is kept whole
    as the one field :data:`UNREADABLE_SNAPSHOT`, so a tampered row is shown, not fatal."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    return value if isinstance(value, dict) else {UNREADABLE_SNAPSHOT: text}


@dataclass(frozen=True, slots=True)
class BulkRequest:
    action: BulkAction
    #: Revoke: the reason every revoked key records.
    reason: str | None = None
    #: Set expiry: the new last day (None: never expires).
    expires: date | None = None
    #: Extend expiry: days added to each key's current expiry.
    extend_days: int | None = None
    #: Add a note: text appended to each key's description.
    note: str | None = None
