"""Errors that carry a message fit for a person.

Every refusal Keyward makes is one of these. Anything else that escapes is a bug and is
reported as such by the command line or the console's error presenter.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any


class KeywardError(Exception):
    """A known, expected refusal with one clear sentence for a person."""

    #: Exit code of the command line for this kind of refusal.
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class Field(StrEnum):
    """The input a ``ValidationError`` is about, so that a form can show it next to it.

    A ``StrEnum``: it compares equal to its value (``Field.NAME == "name"``).
    """

    NAME = "name"
    NEW_NAME = "new_name"
    DESCRIPTION = "description"
    REASON = "reason"
    SEARCH = "search"
    EXPIRES = "expires"
    OWNER = "owner"
    ENVIRONMENT = "environment"
    PREFIX = "prefix"
    STATE = "state"
    LIMIT = "limit"
    FORMAT = "format"
    GRACE = "grace"
    LOGIN = "login"
    DISPLAY_NAME = "display_name"
    EMAIL = "email"
    ROLE = "role"
    LIFETIME = "lifetime"
    STALE_AFTER = "stale_after"
    EXPIRY_WARNINGS = "expiry_warnings"
    #: A command-line argument that no other field names (the message says which).
    ARGUMENT = "argument"


class ValidationError(KeywardError):
    """An input that breaks a rule; ``field`` names the input so a form can show it inline."""

    def __init__(self, field: Field, message: str) -> None:
        super().__init__(message)
        self.field = Field(field)


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
    """Creating the key would revoke the owner's oldest active keys; the caller must confirm.

    ``keys_to_revoke`` holds every key that will be revoked (the services' ``KeyDTO``s,
    oldest first); ``key_to_revoke``/``key_name`` name the first of them.
    """

    def __init__(
        self,
        message: str,
        *,
        key_to_revoke: str,
        key_name: str,
        keys_to_revoke: tuple[Any, ...] = (),
    ) -> None:
        super().__init__(message)
        self.key_to_revoke = key_to_revoke
        self.key_name = key_name
        self.keys_to_revoke = keys_to_revoke


class Cancelled(KeywardError):
    """A long job (a chain check, an export, a bulk change) stopped because a person asked.

    ``done`` of ``total`` steps were finished; what was done stays done.
    """

    def __init__(self, message: str = "Cancelled.", *, done: int = 0, total: int = 0) -> None:
        super().__init__(message)
        self.done = done
        self.total = total


#: A long job's progress callback: ``report(done, total)``; it returns False once a person
#: pressed Cancel, and the job then raises :class:`Cancelled` at its next safe point.
Progress = Callable[[int, int], bool]


class UnknownOperator(KeywardError):
    """The login that opened the database is not a Keyward user."""


class DatabaseErrorKind(StrEnum):
    """Why the database cannot be used, read from the driver's codes, never from its text."""

    #: The URL is empty, malformed, names an unsupported database or has no driver.
    URL = "url"
    #: The server or the file cannot be reached or opened.
    UNREACHABLE = "unreachable"
    #: The server refused the login (wrong or missing password, unknown user).
    AUTHENTICATION = "authentication"
    #: The login was accepted but has no grant to use Keyward's database or tables.
    PERMISSION = "permission"
    #: The schema is missing or older than this Keyward (``keyward db upgrade`` fixes it).
    SCHEMA = "schema"
    #: The database (or the file) cannot be written.
    READ_ONLY = "read_only"
    #: The database, or the file, belongs to another application.
    FOREIGN = "foreign"
    #: A newer Keyward upgraded the schema.
    NEWER = "newer"
    #: Another writer held a lock for too long.
    BUSY = "busy"
    #: The database named in the URL does not exist.
    NOT_FOUND = "not_found"
    #: The database failed in a way the others do not describe.
    OTHER = "other"


class DatabaseError(KeywardError):
    """The database cannot be used: unreachable, malformed URL, read-only, foreign or too new.

    ``kind`` says why, so that a caller branches on it and never on the sentence.
    """

    exit_code = 3

    def __init__(self, message: str, kind: DatabaseErrorKind = DatabaseErrorKind.OTHER) -> None:
        super().__init__(message)
        self.kind = kind


class SchemaOutOfDate(DatabaseError):
    """A server database whose schema is older than this version of Keyward."""

    def __init__(self, message: str) -> None:
        super().__init__(message, DatabaseErrorKind.SCHEMA)


class KeyringError(KeywardError):
    """The OS keyring is locked, absent or refused the secret."""


class OutputError(KeywardError):
    """A file the operator asked Keyward to write could not be written."""
