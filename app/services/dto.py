"""Plain frozen values that cross from services to the command line and the console.

The values a listing of keys needs are defined here; the others (people, audit events,
verification, a created key, a bulk request) in :mod:`app.services.dto_others`, imported on
first use through this module's names: a command that lists keys starts 4-5 ms sooner
without their dataclasses (README, "Start-up and the command line beside their floors").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.domain.clock import isoformat_utc
from app.domain.sorting import SortField
from app.domain.status import KeyState, KeyStatus
from app.domain.validation import expiry_day

if TYPE_CHECKING:
    # Annotations only: the console's first page need not wait for SQLAlchemy.
    from app.data.key_queries import Cursor
    from app.services.dto_others import UNREADABLE_SNAPSHOT as UNREADABLE_SNAPSHOT
    from app.services.dto_others import AuditEventDTO as AuditEventDTO
    from app.services.dto_others import BulkRequest as BulkRequest
    from app.services.dto_others import CreatedKey as CreatedKey
    from app.services.dto_others import Operator as Operator
    from app.services.dto_others import UsageSummary as UsageSummary
    from app.services.dto_others import UserDTO as UserDTO
    from app.services.dto_others import VerifiedKey as VerifiedKey
    from app.services.dto_others import VerifyResult as VerifyResult
    from app.services.dto_others import snapshot_json as snapshot_json

#: The names :mod:`app.services.dto_others` defines.
_OTHERS = frozenset(
    {
        "UNREADABLE_SNAPSHOT",
        "AuditEventDTO",
        "BulkRequest",
        "CreatedKey",
        "Operator",
        "UsageSummary",
        "UserDTO",
        "VerifiedKey",
        "VerifyResult",
        "snapshot_json",
    }
)


def __getattr__(name: str) -> Any:
    if name in _OTHERS:
        from app.services import dto_others

        return getattr(dto_others, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
