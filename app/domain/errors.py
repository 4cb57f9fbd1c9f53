"""Errors that carry a message fit for a person.

Every refusal Keyward makes is one of these. Anything else that escapes is a bug and is
reported as such by the command line or the console's error presenter.
"""

from __future__ import annotations

from datetime import datetime


class KeywardError(Exception):
    """A known, expected refusal with one clear sentence for a person."""

    #: Exit code of the command line for this kind of refusal.
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(KeywardError):
    """An input that breaks a rule; ``field`` names the input so a form can show it inline."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class PermissionDenied(KeywardError):
    """The operator's role does not allow the action."""


class NotFound(KeywardError):
    """The key or user asked for does not exist (or is not visible to the operator)."""


class ConflictError(KeywardError):
    """Someone else changed the record since the operator's copy was read."""

    def __init__(
        self, message: str, *, changed_by: str | None, changed_at: datetime | None
    ) -> None:
        super().__init__(message)
        self.changed_by = changed_by
        self.changed_at = changed_at


class PolicyConfirmationRequired(KeywardError):
    """Creating the key would revoke the owner's oldest active key; the caller must confirm."""

    def __init__(self, message: str, *, key_to_revoke: str, key_name: str) -> None:
        super().__init__(message)
        self.key_to_revoke = key_to_revoke
        self.key_name = key_name


class UnknownOperator(KeywardError):
    """The login that opened the database is not a Keyward user."""


class DatabaseError(KeywardError):
    """The database cannot be used: unreachable, malformed URL, read-only, foreign or too new."""

    exit_code = 3


class SchemaOutOfDate(DatabaseError):
    """A server database whose schema is older than this version of Keyward."""


class KeyringError(KeywardError):
    """The OS keyring is locked, absent or refused the secret."""


class OutputError(KeywardError):
    """A file the operator asked Keyward to write could not be written."""
