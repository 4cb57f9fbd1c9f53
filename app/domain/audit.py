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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.domain.wording import counted

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
        # Every field is an int, a str or None: the shallow dict ``asdict`` would make, made
        # ten times faster (an evidence pack writes one per event).
        return {
            "seq": self.seq,
            "occurred_at": self.occurred_at,
            "actor": self.actor,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
            "host": self.host,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


def canonical_json(value: Mapping[str, Any] | None) -> str | None:
    """The one encoding of a snapshot: sorted keys, no spaces, UTF-8 kept as is."""
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


ENCODING_VERSION = "keyward-audit-2"

#: The event's fields that its hash covers, in the encoding's order (between seq and prev_hash).
HASHED_FIELDS = (
    "occurred_at",
    "actor",
    "action",
    "target_type",
    "target_id",
    "before",
    "after",
    "reason",
    "host",
)
#: Every stored field of an event, in :class:`AuditRecord`'s order (exports, evidence).
EVENT_FIELDS = ("seq", *HASHED_FIELDS, "prev_hash", "hash")


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
            events = counted(self.events_checked, "event")
            return f"The audit trail is intact: {events}, chain unbroken."
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
            return _out_of_order(record.seq, expected_seq, count)
        if record.prev_hash != previous:
            return _unlinked(record.seq, count)
        if record_hash(record) != record.hash:
            return ChainReport(False, count, record.seq, _MODIFIED)
        previous = record.hash
        expected_seq += 1
    return _against_head(count, expected_seq - 1, previous, head_seq, head_hash)


_MODIFIED = "its contents were modified."


def _out_of_order(seq: int, expected_seq: int, count: int) -> ChainReport:
    if seq > expected_seq:
        problem = (
            f"events #{expected_seq} to #{seq - 1} are missing here "
            "(deleted, or moved out of order)."
        )
        return ChainReport(False, count, expected_seq, problem)
    problem = f"it repeats or precedes event #{expected_seq - 1} (inserted or reordered)."
    return ChainReport(False, count, seq, problem)


def _unlinked(seq: int, count: int) -> ChainReport:
    problem = "it does not follow the event before it (inserted, deleted or reordered)."
    return ChainReport(False, count, seq, problem)


def _against_head(
    count: int, last_seq: int, last_hash: str, head_seq: int | None, head_hash: str | None
) -> ChainReport:
    """The end of an unbroken walk, held against the chain head."""
    if head_seq is not None and head_seq != last_seq:
        if head_seq > last_seq:
            problem = f"the newest events up to #{head_seq} are missing (deleted)."
            return ChainReport(False, count, last_seq + 1, problem)
        problem = "there are events after the recorded head of the chain (inserted)."
        return ChainReport(False, count, head_seq + 1, problem)
    if head_hash is not None and head_seq == last_seq and head_hash != last_hash:
        return ChainReport(False, count, last_seq, "it does not match the recorded chain head.")
    return ChainReport(True, count)


#: One event as the fast walk reads it: (seq, prev_hash, hash, its version-2 encoding in
#: UTF-8), the encoding built by the database (see ``app.services.integrity_walk``).
Link = tuple[int, str, str, bytes]


class ChainWalk:
    """:func:`verify_chain` fed in batches of :data:`Link` (the same verdicts, word for word).

    Each event needs only its stored ``prev_hash`` and the hash before it, so the per-event
    work is one SHA-256 over bytes the database already encoded, and a long chain can be
    walked in ranges at once: a walk made with ``joinable=True`` takes its first event's seq
    and ``prev_hash`` as given, and :meth:`then` checks them when the walks are joined in
    order. Links after a break are still counted (and their hashes noted): a checkpoint's
    verdict needs them.
    """

    def __init__(self, wanted: Iterable[int] = (), *, joinable: bool = False) -> None:
        self._expected_seq = 1
        self._previous = GENESIS_HASH
        self._joinable = joinable
        #: (seq, prev_hash) of the first link of a joinable walk, once fed.
        self._first: tuple[int, str] | None = None
        self._wanted = frozenset(wanted)
        self.failure: ChainReport | None = None
        #: The stored hash of each wanted seq met, and the highest seq met.
        self.hashes: dict[int, str] = {}
        self.last_seq = 0
        #: Every link fed, also after a break.
        self.fed = 0

    def feed(self, links: Sequence[Link]) -> None:
        if not links:
            return
        if self._joinable and self._first is None:
            seq, prev_hash = links[0][0], links[0][1]
            self._first = (seq, prev_hash)
            self._expected_seq, self._previous = seq, prev_hash
        self.fed += len(links)
        self.last_seq = max(self.last_seq, links[-1][0])
        if self._wanted:
            for seq, _, stored, _ in links:
                if seq in self._wanted:
                    self.hashes.setdefault(seq, stored)
        if self.failure is None:
            self._check(links)

    def _check(self, links: Sequence[Link]) -> None:
        expected_seq = self._expected_seq
        previous = self._previous
        sha256 = hashlib.sha256
        for seq, prev_hash, stored, body in links:
            if seq != expected_seq or prev_hash != previous or sha256(body).hexdigest() != stored:
                # Every link before this one held, and this one is counted too.
                if seq != expected_seq:
                    self.failure = _out_of_order(seq, expected_seq, expected_seq)
                elif prev_hash != previous:
                    self.failure = _unlinked(seq, expected_seq)
                else:
                    self.failure = ChainReport(False, expected_seq, seq, _MODIFIED)
                return
            previous = stored
            expected_seq += 1
        self._expected_seq = expected_seq
        self._previous = previous

    def then(self, later: ChainWalk) -> None:
        """Continue this walk with a joinable walk of the range right after this one."""
        self.fed += later.fed
        self.last_seq = max(self.last_seq, later.last_seq)
        for seq, stored in later.hashes.items():
            self.hashes.setdefault(seq, stored)
        if self.failure is not None or later._first is None:
            return
        seq, prev_hash = later._first
        if seq != self._expected_seq:
            self.failure = _out_of_order(seq, self._expected_seq, self._expected_seq)
        elif prev_hash != self._previous:
            self.failure = _unlinked(seq, self._expected_seq)
        else:
            # Its seqs are absolute, so its counts and verdict are the whole walk's from here.
            self.failure = later.failure
            self._expected_seq, self._previous = later._expected_seq, later._previous

    def report(self, *, head_seq: int | None = None, head_hash: str | None = None) -> ChainReport:
        if self.failure is not None:
            return self.failure
        last_seq = self._expected_seq - 1
        return _against_head(last_seq, last_seq, self._previous, head_seq, head_hash)
