"""Calling the routines a server database enforces Keyward's rules with.

PostgreSQL functions are called with ``SELECT``, MariaDB procedures with ``CALL``; both raise
errors whose message starts with a kind (``denied: …``), turned here into Keyward's own errors
so the services and the people reading them never see a driver's text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc

from app.domain.errors import (
    ConflictError,
    Field,
    KeywardError,
    NotFound,
    PermissionDenied,
    PolicyConfirmationRequired,
    UnknownOperator,
    ValidationError,
)

#: PostgreSQL's SQLSTATE for Keyward's own refusals; MariaDB uses the generic 45000.
POSTGRES_STATE = "KW001"
MARIADB_STATE = "45000"
_ROUTINE = re.compile(r"kw_[a-z_]+")


def _naive_utc(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not passed to the database")
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def routine_error(error: exc.DBAPIError) -> KeywardError | None:
    """The Keyward error a routine raised, or None for any other database error."""
    orig = error.orig
    if orig is None:
        return None
    state = getattr(orig, "sqlstate", None)  # psycopg
    text: str | None = None
    if state == POSTGRES_STATE:
        diag = getattr(orig, "diag", None)
        text = getattr(diag, "message_primary", None) or str(orig)
    elif getattr(orig, "args", None) and len(orig.args) >= 2 and orig.args[0] == 1644:
        # pymysql: (1644, 'kind: message') for SIGNAL SQLSTATE '45000'.
        text = str(orig.args[1])
    if text is None or ": " not in text:
        return None
    kind, message = text.split(": ", 1)
    message = message.replace('"', "“", 1).replace('"', "”", 1) if '"' in message else message
    match kind:
        case "denied":
            return PermissionDenied(message)
        case "notfound":
            return NotFound(message)
        case "conflict":
            return ConflictError(message, changed_by=None, changed_at=None)
        case "invalid":
            return ValidationError(Field.STATE, message)
        case "limit":
            return PolicyConfirmationRequired(message, key_to_revoke="", key_name="")
        case "unknown":
            return UnknownOperator(message)
    return None


class ServerCalls:
    """The routines of one server database, over one connection (inside its transaction)."""

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection
        self._postgres = connection.dialect.name == "postgresql"

    def call(self, routine: str, args: Sequence[Any]) -> list[tuple[Any, ...]]:
        if not _ROUTINE.fullmatch(routine):
            raise ValueError(f"not a Keyward routine: {routine!r}")
        names = [f"a{n}" for n in range(len(args))]
        params = {name: _naive_utc(value) for name, value in zip(names, args, strict=True)}
        placeholders = ", ".join(f":{name}" for name in names)
        if self._postgres:
            statement = f"SELECT * FROM {routine}({placeholders})"  # noqa: S608 (name checked)
        else:
            statement = f"CALL {routine}({placeholders})"
        try:
            result = self._connection.execute(sa.text(statement), params)
            rows = [tuple(row) for row in result] if result.returns_rows else []
        except exc.DBAPIError as error:
            known = routine_error(error)
            if known is not None:
                raise known from None
            raise
        return rows
