"""The choices the command line's parsers list (attention groups, bulk actions, the formats
of a secret's file).

Light on purpose: ``keyward keys --help`` builds its parsers from these without loading the
DTOs' dataclasses, let alone SQLAlchemy.
"""

from __future__ import annotations

from enum import StrEnum


class AttentionGroup(StrEnum):
    """Why a key needs attention (``AttentionService``)."""

    EXPIRING = "expiring"
    STALE = "stale"
    ORPHANED = "owner_deactivated"
    UNDOCUMENTED = "no_description"
    OVER_LIFETIME = "over_lifetime"

    @property
    def label(self) -> str:
        return _ATTENTION_LABELS[self]


_ATTENTION_LABELS = {
    AttentionGroup.EXPIRING: "Expiring soon",
    AttentionGroup.STALE: "Not used lately",
    AttentionGroup.ORPHANED: "Owner deactivated",
    AttentionGroup.UNDOCUMENTED: "No description",
    AttentionGroup.OVER_LIFETIME: "Older than the maximum lifetime",
}


class BulkAction(StrEnum):
    """A change made to many keys at once (``BulkService``)."""

    DISABLE = "disable"
    ENABLE = "enable"
    REVOKE = "revoke"
    SET_EXPIRY = "set-expiry"
    EXTEND_EXPIRY = "extend-expiry"
    ADD_NOTE = "add-note"

    @property
    def label(self) -> str:
        return _BULK_LABELS[self]


_BULK_LABELS = {
    BulkAction.DISABLE: "Disable",
    BulkAction.ENABLE: "Enable",
    BulkAction.REVOKE: "Revoke",
    BulkAction.SET_EXPIRY: "Set expiry",
    BulkAction.EXTEND_EXPIRY: "Extend expiry",
    BulkAction.ADD_NOTE: "Add a note",
}


class SecretFileFormat(StrEnum):
    """How a secret file holds the token (``app.services.vault.write_secret_file``)."""

    TEXT = "text"  # the token alone on one line
    DOTENV = "env"  # NAME=token, for a .env file
