"""What changed since a moment: the cheap question an open window asks every second or two.

Every change Keyward makes — in this window, another window, the command line or a definer
routine called from ``psql`` — appends one audit event in the same transaction, so the
chain's sequence number is a change counter that all three databases keep for free. A poll
reads one row (the chain head; on PostgreSQL and MariaDB through ``kw_change_seq()``, which
members may call too, rather than walk back to the newest event they may see); only when it
moved does a second query ask which keys, people or settings the new events name — as the
operator may see them, so a member learns nothing new about others' keys, but does learn of
the deletion of their own (the events of a key whose snapshot names them as its owner).
Reading usage (``last used``) is not a change of this kind: it writes no event.

PostgreSQL also says *when* to ask: :meth:`ChangeFeed.listen` opens a connection of its own
that waits for the ``NOTIFY`` the database sends from its own change path
(:mod:`app.data.server.notify_sql`), so a window asks at once instead of at its next poll.

SQLite's ``PRAGMA data_version`` was weighed against the counter and not taken: on a held
``sqlite3`` connection it costs the same as reading the head's ``seq`` (about 5 µs each), it
answers per connection (one more connection held for the window's life), and it moves on
every commit, usage batches too. What an idle poll costs is SQLAlchemy's, not SQLite's: read
through an ORM session it took 0.74 ms of CPU, on a plain connection 0.28 ms, so
:meth:`ChangeFeed._newest` uses a plain connection (2,000 idle calls, warm; the whole
window's idle cost is in tests/benchmarks/bench_live.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any

import sqlalchemy as sa

from app.data.models import AuditEvent, AuditHead
from app.data.server.notify_sql import CHANNEL
from app.domain.audit import AuditAction
from app.domain.errors import DatabaseError, DatabaseErrorKind
from app.services.context import AUDIT_HEAD_ID, ServiceContext, translate_errors

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


_CHANGE_SEQ = sa.text("SELECT kw_change_seq()")
_HEAD_SEQ = sa.select(AuditHead.seq).where(AuditHead.id == AUDIT_HEAD_ID)
#: The databases with a ``kw_change_seq()`` (``app.data.server.notify_sql``).
_COUNTER_DIALECTS = frozenset({"postgresql", "mysql", "mariadb"})


class ChangeListener:
    """A PostgreSQL connection of its own, listening for the database's change notifications.

    ``wait(timeout)`` blocks one thread until a change commits (True) or the time is up
    (False); a lost connection raises :class:`DatabaseError`, and the caller opens a new one.
    Several notifications may wake it for one change: each is only a cue to ask the feed.
    """

    def __init__(self, connection: Any) -> None:
        self._connection = connection  # a psycopg.Connection in autocommit mode

    def wait(self, timeout: float) -> bool:
        import psycopg

        try:
            for _notify in self._connection.notifies(timeout=timeout, stop_after=1):
                return True
        except (psycopg.Error, OSError):
            raise DatabaseError(
                "The connection that listens for changes was lost.",
                DatabaseErrorKind.UNREACHABLE,
            ) from None
        if self._connection.closed:  # psycopg ends the generator quietly on a closed link
            raise DatabaseError(
                "The connection that listens for changes was lost.",
                DatabaseErrorKind.UNREACHABLE,
            )
        return False

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> ChangeListener:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.close()


class ChangeFeed:
    """``mark()`` now, then ``since(mark)`` every poll; both are one cheap query when idle."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    @property
    def can_listen(self) -> bool:
        """Whether the database announces changes (PostgreSQL), so polls may be rare."""
        return self._context.engine.dialect.name == "postgresql"

    def listen(self) -> ChangeListener:
        """A new connection listening for changes; raises :class:`DatabaseError` if none.

        It comes through the engine (its connect events and password) but is detached from
        the pool: it stays open for the window's life and must not count against the pool.
        """
        import psycopg  # only PostgreSQL listens; SQLite and MariaDB never load the driver

        assert self.can_listen, "only PostgreSQL announces changes"
        engine = self._context.engine
        with translate_errors(engine):
            pooled = engine.raw_connection()
        connection: Any = pooled.driver_connection
        pooled.detach()
        try:
            connection.rollback()  # the pool's liveness ping may have begun a transaction
            connection.autocommit = True
            connection.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error:
            connection.close()
            raise DatabaseError(
                "Cannot listen for changes on this database.", DatabaseErrorKind.UNREACHABLE
            ) from None
        return ChangeListener(connection)

    def _newest(self) -> int:
        """The newest change's number: one one-row statement on a plain connection (an ORM
        session would triple the idle poll's CPU time, for nothing it needs)."""
        engine = self._context.engine
        with translate_errors(engine), engine.connect() as connection:
            if engine.dialect.name in _COUNTER_DIALECTS:
                # A member may not read the head itself; the definer function tells them.
                return int(connection.execute(_CHANGE_SEQ).scalar_one() or 0)
            return int(connection.execute(_HEAD_SEQ).scalar_one_or_none() or 0)

    def mark(self) -> int:
        """The newest change now (0 for an empty trail)."""
        return self._newest()

    def since(self, seq: int) -> Changes:
        """The changes after ``seq`` (none, and the same ``seq``, when nothing happened)."""
        newest = self._newest()
        if newest <= seq:
            return Changes(seq=seq)
        with self._context.read() as session:
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
