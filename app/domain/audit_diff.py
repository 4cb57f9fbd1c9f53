"""An audit event's before/after snapshots, field by field, for people (pure, no Qt).

Values are shown whole (never cut), ISO 8601 UTC times as ``2026-10-01 14:03:07 UTC``,
``None``/absent as an empty string, booleans as ``yes``/``no``. :func:`shorten_pair` is the
one place a one-line summary shortens two values, and it always keeps where they differ.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

#: Readable labels (English; the console translates through its own table).
LABELS: dict[str, str] = {
    "id": "Key id",
    "name": "Name",
    "description": "Description",
    "owner": "Owner",
    "environment": "Environment",
    "state": "Status",
    "status": "Status",
    "expires_at": "Expires",
    "revoked_at": "Revoked",
    "revoked_reason": "Revocation reason",
    "masked": "Key",
    "replaces": "Replaces",
    "replaced_by": "Replaced by",
    "created_at": "Created",
    "created_by": "Created by",
    "last_used_at": "Last used",
    "login": "Login",
    "email": "Email",
    "role": "Role",
    "active": "Active",
    "value": "Value",
    "seq": "Event",
    "hash": "Hash",
    "signed_at": "Signed",
    "signer": "Signer",
    "database_id": "Database",
    "fingerprint": "Fingerprint",
    "public_key": "Public key",
    "signature": "Signature",
    "version": "Version",
    "updated_at": "Updated",
    "updated_by": "Updated by",
    "stored_text": "Stored text (not a snapshot)",
}
#: Bookkeeping that changes with every edit: shown only with ``all_fields``.
BOOKKEEPING = frozenset({"version", "updated_at", "updated_by"})
#: The order a person reads a key (then a user, a checkpoint); anything else follows by name.
_ORDER = (
    "name",
    "id",
    "login",
    "description",
    "owner",
    "environment",
    "state",
    "status",
    "role",
    "active",
    "email",
    "expires_at",
    "revoked_at",
    "revoked_reason",
    "replaces",
    "replaced_by",
    "masked",
    "value",
    "stored_text",
)
_RANK = {name: index for index, name in enumerate(_ORDER)}
_ISO_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|\+00:00)")


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str
    changed: bool


def label(name: str) -> str:
    """``expires_at`` → ``Expires``; unknown fields read as words."""
    return LABELS.get(name) or name.replace("_", " ").capitalize()


def readable_utc(moment: datetime) -> str:
    """``2026-10-01 14:03:07 UTC`` (microseconds kept only when there are any)."""
    moment = moment.astimezone(UTC) if moment.tzinfo else moment
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}"
    return text + " UTC"


def display(value: Any) -> str:
    """One snapshot value, whole, as a person reads it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return readable_utc(value)
    if isinstance(value, str):
        if _ISO_UTC.fullmatch(value):
            try:
                return readable_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
            except ValueError:
                return value
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def field_changes(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    all_fields: bool = False,
) -> list[FieldChange]:
    """Every field of either snapshot, whole, in reading order, ``changed`` marking the changes.

    A created event (``before`` None) or a deleted one (``after`` None) shows each field
    as changed from or to nothing. Bookkeeping (``version``, ``updated_at``…) is left out
    unless ``all_fields``.
    """
    old = before or {}
    new = after or {}
    names = sorted(set(old) | set(new), key=lambda name: (_RANK.get(name, len(_RANK)), name))
    result = []
    for name in names:
        if name in BOOKKEEPING and not all_fields:
            continue
        was, now = old.get(name), new.get(name)
        changed = (name in old) != (name in new) or was != now
        if before is None or after is None:
            changed = True
        result.append(FieldChange(name, label(name), display(was), display(now), changed))
    return result


def shorten_pair(old: str, new: str, width: int = 40) -> tuple[str, str]:
    """Two values cut to about ``width`` characters each, still showing where they differ.

    Unlike cutting both at the same length, two long texts that share their first
    ``width`` characters are shown from a little before their first difference (``…``
    marks each cut).
    """
    if len(old) <= width and len(new) <= width:
        return old, new
    common = 0
    for a, b in zip(old, new, strict=False):
        if a != b:
            break
        common += 1
    context = 12
    start = common - context if common > width - context else 0
    return _window(old, start, width), _window(new, start, width)


def _window(text: str, start: int, width: int) -> str:
    if start <= 0:
        return text if len(text) <= width else text[: width - 1] + "…"
    piece = text[start:]
    head = "…" if start > 0 else ""
    return head + (piece if len(piece) <= width - 1 else piece[: width - 2] + "…")
