"""What changed since a moment: the cheap question an open window asks every second or two.

Every change Keyward makes — in this window, another window, the command line or a definer
routine called from ``psql`` — appends one audit event in the same transaction, so the
chain's sequence number is a change counter that all three databases keep for free. A poll
reads one row (the chain head, or on a server for a member the newest event they may see);
only when it moved does a second query ask which keys, people or settings the new events
name. Reading usage (``last used``) is not a change of this kind: it writes no event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.data.models import AuditEvent, AuditHead
from app.domain.audit import AuditAction
from app.services.context import AUDIT_HEAD_ID, ServiceContext

#: More new events than this in one poll: the window reloads everything instead.
MAX_EVENTS = 500


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    """Who changed what, when: enough for "changed by ana at 14:02" and nothing more."""

    seq: int
    occurred_at: datetime
    actor: str
    action: AuditAction
    target_type: str
    target_id: str


@dataclass(frozen=True, slots=True)
class Changes:
    #: The newest event looked at: hand it back to :meth:`ChangeFeed.since` next time.
    seq: int
    events: tuple[ChangeEvent, ...] = ()
    #: More happened than :data:`MAX_EVENTS`: reload everything rather than row by row.
    overflow: bool = False

    @property
    def any(self) -> bool:
        return bool(self.events) or self.overflow

    def _ids(self, target_type: str, actions: frozenset[AuditAction] | None = None) -> list[str]:
        seen: dict[str, None] = {}
        for event in self.events:
            if event.target_type == target_type and (actions is None or event.action in actions):
                seen[event.target_id] = None
        return list(seen)

    @property
    def keys(self) -> list[str]:
        """Every key an event names (created, changed, revoked or deleted), oldest first."""
        return self._ids("key")

    @property
    def created_keys(self) -> list[str]:
        return self._ids("key", frozenset({AuditAction.KEY_CREATED}))

    @property
    def deleted_keys(self) -> list[str]:
        return self._ids("key", frozenset({AuditAction.KEY_DELETED}))

    @property
    def people(self) -> bool:
        return any(event.target_type == "user" for event in self.events) or self.overflow

    @property
    def policy(self) -> bool:
        return (
            any(event.action is AuditAction.POLICY_CHANGED for event in self.events)
            or self.overflow
        )

    def last_change_of(self, key_id: str) -> ChangeEvent | None:
        """The newest event about one key, for "changed by … at …"."""
        for event in reversed(self.events):
            if event.target_type == "key" and event.target_id == key_id:
                return event
        return None


def _action(text: str) -> AuditAction | None:
    try:
        return AuditAction(text)
    except ValueError:  # an action a newer Keyward wrote: still a change
        return None


class ChangeFeed:
    """``mark()`` now, then ``since(mark)`` every poll; both are one cheap query when idle."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    @staticmethod
    def _newest(session: Session) -> int:
        head = session.execute(
            sa.select(AuditHead.seq).where(AuditHead.id == AUDIT_HEAD_ID)
        ).scalar_one_or_none()
        if head is not None:
            return int(head)
        # On a server a member may not read the head; the newest event they may see will do.
        newest = session.execute(
            sa.select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)
        ).scalar_one_or_none()
        return int(newest or 0)

    def mark(self) -> int:
        """The newest change now (0 for an empty trail)."""
        with self._context.read() as session:
            return self._newest(session)

    def since(self, seq: int) -> Changes:
        """The changes after ``seq`` (none, and the same ``seq``, when nothing happened)."""
        with self._context.read() as session:
            newest = self._newest(session)
            if newest <= seq:
                return Changes(seq=seq)
            rows = session.execute(
                sa.select(
                    AuditEvent.seq,
                    AuditEvent.occurred_at,
                    AuditEvent.actor,
                    AuditEvent.action,
                    AuditEvent.target_type,
                    AuditEvent.target_id,
                )
                .where(AuditEvent.seq > seq)
                .order_by(AuditEvent.seq)
                .limit(MAX_EVENTS + 1)
            ).all()
        if len(rows) > MAX_EVENTS:
            return Changes(seq=newest, overflow=True)
        events = []
        for row in rows:
            action = _action(row.action)
            if action is None:
                return Changes(seq=newest, overflow=True)
            events.append(
                ChangeEvent(
                    seq=row.seq,
                    occurred_at=datetime.fromisoformat(row.occurred_at.replace("Z", "+00:00")),
                    actor=row.actor,
                    action=action,
                    target_type=row.target_type,
                    target_id=row.target_id,
                )
            )
        return Changes(seq=max(newest, events[-1].seq if events else seq), events=tuple(events))
