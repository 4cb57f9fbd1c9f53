"""The tamper-evident audit trail: a SHA-256 hash chain over canonically encoded events.

Each event's hash covers the previous event's hash and every stored field, so changing,
deleting, inserting or reordering an event breaks the chain at that event, and deleting the
newest events is caught against the chain head kept beside it.

The encoding (version 2) is chosen so that a database can compute it with nothing but string
concatenation and its own SHA-256 (PostgreSQL ``sha256()``, MariaDB ``SHA2()``): each field is
written as its length in UTF-8 bytes, a colon and the text, or ``-`` for NULL, one per line,
after a version line and the sequence number, followed by the previous hash. Snapshots
(``before``/``after``) are covered as the exact JSON text stored, whoever wrote it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

GENESIS_HASH = "0" * 64


class AuditAction(StrEnum):
    KEY_CREATED = "key.created"
    KEY_EDITED = "key.edited"
    KEY_ENABLED = "key.enabled"
    KEY_DISABLED = "key.disabled"
    KEY_REVOKED = "key.revoked"
    KEY_DELETED = "key.deleted"
    KEY_EXPIRY_CHANGED = "key.expiry_changed"
    USER_ADDED = "user.added"
    USER_ROLE_CHANGED = "user.role_changed"
    USER_DEACTIVATED = "user.deactivated"
    USER_REACTIVATED = "user.reactivated"
    POLICY_CHANGED = "policy.changed"
    AUDIT_REANCHORED = "audit.reanchored"
    SIGNING_KEY_REGISTERED = "signing_key.registered"
    AUDIT_CHECKPOINT = "audit.checkpoint"
    REVIEW_STARTED = "review.started"
    REVIEW_ANSWERED = "review.answered"
    REVIEW_CLOSED = "review.closed"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    AuditAction.KEY_CREATED: "Created",
    AuditAction.KEY_EDITED: "Edited",
    AuditAction.KEY_ENABLED: "Enabled",
    AuditAction.KEY_DISABLED: "Disabled",
    AuditAction.KEY_REVOKED: "Revoked",
    AuditAction.KEY_DELETED: "Deleted",
    AuditAction.KEY_EXPIRY_CHANGED: "Expiry changed",
    AuditAction.USER_ADDED: "User added",
    AuditAction.USER_ROLE_CHANGED: "Role changed",
    AuditAction.USER_DEACTIVATED: "User deactivated",
    AuditAction.USER_REACTIVATED: "User reactivated",
    AuditAction.POLICY_CHANGED: "Policy changed",
    AuditAction.AUDIT_REANCHORED: "Chain re-anchored",
    AuditAction.SIGNING_KEY_REGISTERED: "Signing key registered",
    AuditAction.AUDIT_CHECKPOINT: "Checkpoint signed",
    AuditAction.REVIEW_STARTED: "Access review started",
    AuditAction.REVIEW_ANSWERED: "Access review answered",
    AuditAction.REVIEW_CLOSED: "Access review closed",
}


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One event exactly as stored; ``before``/``after`` are canonical JSON text or None."""

    seq: int
    occurred_at: str
    actor: str
    action: str
    target_type: str
    target_id: str
    before: str | None
    after: str | None
    reason: str | None
    host: str
    prev_hash: str
    hash: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def canonical_json(value: Mapping[str, Any] | None) -> str | None:
    """The one encoding of a snapshot: sorted keys, no spaces, UTF-8 kept as is."""
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


ENCODING_VERSION = "keyward-audit-2"


def _field(value: str | None) -> str:
    return "-" if value is None else f"{len(value.encode())}:{value}"


def event_hash(
    *,
    seq: int,
    occurred_at: str,
    actor: str,
    action: str,
    target_type: str,
    target_id: str,
    before: str | None,
    after: str | None,
    reason: str | None,
    host: str,
    prev_hash: str,
) -> str:
    """SHA-256 (hex) of the version-2 encoding; the databases compute the same in SQL."""
    fields = (occurred_at, actor, action, target_type, target_id, before, after, reason, host)
    return _hash(seq, fields, prev_hash)


def _hash(seq: int, fields: tuple[str | None, ...], prev_hash: str) -> str:
    # ``_field`` inlined: the whole-chain check runs this once per event.
    encoded = ["-" if value is None else f"{len(value.encode())}:{value}" for value in fields]
    body = "\n".join([ENCODING_VERSION, str(seq), *encoded, prev_hash])
    return hashlib.sha256(body.encode()).hexdigest()


def record_hash(record: AuditRecord) -> str:
    fields = (
        record.occurred_at,
        record.actor,
        record.action,
        record.target_type,
        record.target_id,
        record.before,
        record.after,
        record.reason,
        record.host,
    )
    return _hash(record.seq, fields, record.prev_hash)


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    events_checked: int
    first_bad_seq: int | None = None
    problem: str | None = None

    @property
    def message(self) -> str:
        if self.ok:
            return f"The audit trail is intact: {self.events_checked} events, chain unbroken."
        return f"The audit trail was tampered with at event #{self.first_bad_seq}: {self.problem}"


def verify_chain(
    records: Iterable[AuditRecord], *, head_seq: int | None = None, head_hash: str | None = None
) -> ChainReport:
    """Walk the events in stored order and name the first one that breaks the chain.

    ``head_seq``/``head_hash`` describe the newest event as the chain head remembers it; an
    export checked offline has no head and is checked against itself alone.
    """
    expected_seq = 1
    previous = GENESIS_HASH
    count = 0
    for record in records:
        count += 1
        if record.seq != expected_seq:
            if record.seq > expected_seq:
                problem = (
                    f"events #{expected_seq} to #{record.seq - 1} are missing here "
                    "(deleted, or moved out of order)."
                )
                return ChainReport(False, count, expected_seq, problem)
            problem = f"it repeats or precedes event #{expected_seq - 1} (inserted or reordered)."
            return ChainReport(False, count, record.seq, problem)
        if record.prev_hash != previous:
            problem = "it does not follow the event before it (inserted, deleted or reordered)."
            return ChainReport(False, count, record.seq, problem)
        if record_hash(record) != record.hash:
            return ChainReport(False, count, record.seq, "its contents were modified.")
        previous = record.hash
        expected_seq += 1
    last_seq = expected_seq - 1
    if head_seq is not None and head_seq != last_seq:
        if head_seq > last_seq:
            problem = f"the newest events up to #{head_seq} are missing (deleted)."
            return ChainReport(False, count, last_seq + 1, problem)
        problem = "there are events after the recorded head of the chain (inserted)."
        return ChainReport(False, count, head_seq + 1, problem)
    if head_hash is not None and head_seq == last_seq and head_hash != previous:
        return ChainReport(False, count, last_seq, "it does not match the recorded chain head.")
    return ChainReport(True, count)
