"""Plain frozen values that cross from services to the command line and the console."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from app.domain.audit_diff import shorten_pair
from app.domain.clock import isoformat_utc
from app.domain.roles import Role
from app.domain.sorting import SortField
from app.domain.status import KeyState, KeyStatus, RejectReason
from app.domain.validation import expiry_day

if TYPE_CHECKING:
    # Annotations only: the console's first page need not wait for SQLAlchemy, nor a command
    # for ``hashlib`` and the key format.
    from app.data.key_queries import Cursor
    from app.domain.audit import AuditAction, AuditRecord
    from app.domain.key_format import SecretToken
    from app.services.choices import BulkAction


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
class KeyDTO:
    """A key as a person sees it. There is no secret and no hash in here."""

    key_id: str
    name: str
    description: str
    owner_login: str
    owner_name: str
    owner_active: bool
    status: KeyStatus
    state: KeyState
    environment: str
    masked: str
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    revoked_reason: str | None
    version: int
    #: The key this one took the place of (rotation or replacement), by key id.
    replaces: str | None = None
    #: The key that took this one's place, by key id (the newest, if several did).
    replaced_by: str | None = None

    @property
    def expires_on(self) -> str | None:
        day = expiry_day(self.expires_at)
        return day.isoformat() if day else None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.key_id,
            "name": self.name,
            "description": self.description,
            "owner": self.owner_login,
            "owner_name": self.owner_name,
            "status": self.status.value,
            "environment": self.environment,
            "masked": self.masked,
            "created_at": isoformat_utc(self.created_at),
            "created_by": self.created_by,
            "updated_at": isoformat_utc(self.updated_at),
            "updated_by": self.updated_by,
            "last_used_at": isoformat_utc(self.last_used_at),
            "expires_at": isoformat_utc(self.expires_at),
            "revoked_at": isoformat_utc(self.revoked_at),
            "revoked_reason": self.revoked_reason,
            "version": self.version,
            "replaces": self.replaces,
            "replaced_by": self.replaced_by,
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
class KeyQuery:
    search: str = ""
    status: KeyStatus | None = None
    owner: str | None = None
    sort: SortField = SortField.CREATED
    descending: bool = True
    limit: int = 50
    #: Only keys of this environment label (``live``, ``test``…); None: every environment.
    environment: str | None = None


@dataclass(frozen=True, slots=True)
class PageCursor:
    """Where a page of keys ended: hand it back to ``KeyService.page(after=…)`` as it is.

    Opaque to the command line and the console; only the services read what is inside.
    """

    _position: Cursor = field(repr=False)


@dataclass(frozen=True, slots=True)
class KeyPage:
    rows: tuple[KeyDTO, ...]
    next_cursor: PageCursor | None


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


def _short(value: Any) -> str:
    """One value cut to 40 characters (a pair of values: ``shorten_pair``, which keeps the
    place where they differ visible)."""
    return shorten_pair(_text(value), "")[0]


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
