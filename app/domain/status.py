"""Key statuses and the transitions between them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


class KeyState(StrEnum):
    """What is stored. Expired is derived from ``expires_at``; deleted rows are gone."""

    ACTIVE = "active"
    DISABLED = "disabled"
    REVOKED = "revoked"


class KeyStatus(StrEnum):
    """What a person sees."""

    ACTIVE = "active"
    DISABLED = "disabled"
    EXPIRED = "expired"
    REVOKED = "revoked"

    @property
    def label(self) -> str:
        return self.value.capitalize()


def derive_status(state: KeyState, expires_at: datetime | None, now: datetime) -> KeyStatus:
    """Revoked wins over expired, which wins over disabled."""
    if state is KeyState.REVOKED:
        return KeyStatus.REVOKED
    if expires_at is not None and expires_at <= now:
        return KeyStatus.EXPIRED
    if state is KeyState.DISABLED:
        return KeyStatus.DISABLED
    return KeyStatus.ACTIVE


class RejectReason(StrEnum):
    """Why a verification failed; the integration sees only this."""

    MALFORMED = "malformed"
    UNKNOWN = "unknown"
    DISABLED = "disabled"
    REVOKED = "revoked"
    EXPIRED = "expired"
