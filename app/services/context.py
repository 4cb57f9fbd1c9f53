"""Units of work, the operator's identity and the audit append, shared by every service."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.data.engine import safe_url, writer
from app.data.models import AuditEvent, AuditHead, User
from app.data.server.calls import ServerCalls, routine_error
from app.domain.audit import AuditAction, canonical_json, event_hash
from app.domain.clock import isoformat_utc, utc_now
from app.domain.errors import DatabaseError, KeywardError, UnknownOperator
from app.domain.identity import os_login
from app.domain.roles import Role
from app.services.dto import Operator

AUDIT_HEAD_ID = 1


def detect_login(engine: Engine) -> str:
    """Who is operating: the OS account on SQLite, the authenticated login on a server.

    Never the current role (``SET ROLE`` and definer contexts change it) and never an
    environment variable such as ``LOGNAME``.
    """
    dialect = engine.dialect.name
    if dialect == "sqlite":
        return os_login()
    query = "SELECT session_user" if dialect == "postgresql" else "SELECT USER()"
    with translate_errors(engine), engine.connect() as connection:
        login = str(connection.exec_driver_sql(query).scalar_one())
    # MariaDB answers user@host; the account is the part before the host.
    return login.rsplit("@", 1)[0] if dialect != "postgresql" else login


@contextmanager
def translate_errors(engine: Engine) -> Iterator[None]:
    """Database driver failures become one sentence a person can act on."""
    try:
        yield
    except KeywardError:
        raise
    except exc.DBAPIError as error:
        translated = routine_error(error) or _translated(engine, error)
        if translated is None:
            raise
        raise translated from None


def _translated(engine: Engine, error: exc.DBAPIError) -> KeywardError | None:
    if isinstance(error, exc.OperationalError | exc.InterfaceError):
        return DatabaseError(_describe(engine, error))
    if isinstance(error, exc.ProgrammingError):
        if _looks_like_missing_table(error):
            return DatabaseError(
                f"The database at {safe_url(engine.url)} is not a usable Keyward database."
            )
        if _looks_like_missing_grant(error):
            return DatabaseError(_describe(engine, error))
        return None
    if isinstance(error, exc.DatabaseError):
        # SQLite reports a file that is not a database as a plain DatabaseError.
        text = str(error.orig).lower()
        if "not a database" in text or "file is encrypted" in text:
            return DatabaseError(_describe(engine, error))
    return None


def _looks_like_missing_table(error: exc.DBAPIError) -> bool:
    text = str(error.orig).lower()
    return "no such table" in text or "does not exist" in text or "doesn't exist" in text


def _looks_like_missing_grant(error: exc.DBAPIError) -> bool:
    # PostgreSQL: "permission denied for table …"; MariaDB: "INSERT command denied to user …"
    # and "Access denied for user … to database …" (a login the database has no grant for).
    text = str(error.orig).lower()
    return (
        "permission denied" in text
        or "command denied" in text
        or ("access denied" in text and "to database" in text)
    )


def _describe(engine: Engine, error: exc.DBAPIError) -> str:
    where = safe_url(engine.url)
    text = str(error.orig).lower() if error.orig is not None else str(error).lower()
    if "readonly" in text or "read-only" in text or "read only" in text:
        return f"The database at {where} is read-only; Keyward needs to write to it."
    if "unable to open" in text:
        return f"The database file at {where} cannot be opened; check the path and permissions."
    if "not a database" in text or "file is encrypted" in text:
        return f"{where} is not a SQLite database."
    if _looks_like_missing_grant(error):
        return (
            f"The database at {where} does not let this login use Keyward; "
            "ask a Keyward admin to add you with `keyward users add`."
        )
    if "password authentication failed" in text or "access denied" in text:
        return f"The database at {where} refused the login; check the user name and password."
    if "locked" in text or "lock wait timeout" in text:
        return "The database stayed busy with another writer for too long; try again."
    if "does not exist" in text or "unknown database" in text:
        return f"The database named in {where} does not exist."
    return f"The database at {where} cannot be reached; check that it is running and reachable."


@dataclass
class WriteTx:
    """An open write transaction.

    On SQLite it holds the audit chain head and the services change rows and append events
    themselves. On a server database (``server`` set) every change is a call to one of the
    database's own routines, which checks the operator's role again, makes the change and
    writes its audit event: the Python checks before it are for clear messages only.
    """

    session: Session
    operator: Operator
    head: AuditHead | None
    now: datetime
    host: str
    server: ServerCalls | None = None
    acting_as: str | None = None

    @property
    def on_server(self) -> bool:
        return self.server is not None

    def call(self, routine: str, *args: Any) -> list[tuple[Any, ...]]:
        """Run a server routine as this operator, at this time; see ``app.data.server``."""
        assert self.server is not None, "routines exist on server databases only"
        rows = self.server.call(routine, (self.acting_as, self.now, self.host, *args))
        # The routine changed rows behind the ORM's back: read them afresh.
        self.session.expire_all()
        return rows

    def audit(
        self,
        action: AuditAction,
        target_type: str,
        target_id: str,
        *,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        reason: str | None = None,
    ) -> None:
        """Append one event to the chain, in this transaction (SQLite only)."""
        assert self.head is not None, "on a server database the database writes the events"
        seq = self.head.seq + 1
        fields: dict[str, Any] = {
            "seq": seq,
            "occurred_at": isoformat_utc(self.now) or "",
            "actor": self.operator.login,
            "action": action.value,
            "target_type": target_type,
            "target_id": target_id,
            "before": canonical_json(before),
            "after": canonical_json(after),
            "reason": reason,
            "host": self.host,
            "prev_hash": self.head.hash,
        }
        digest = event_hash(**fields)
        self.session.add(AuditEvent(**fields, hash=digest))
        self.head.seq = seq
        self.head.hash = digest
        # Flush now so that two events in one transaction keep their order.
        self.session.flush()


class ServiceContext:
    """What every service needs: sessions, the clock, and who is operating."""

    def __init__(
        self,
        engine: Engine,
        *,
        operator_login: str | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.host = socket.gethostname()[:255]
        self._reads = sessionmaker(engine, expire_on_commit=False)
        self._writes = sessionmaker(writer(engine), expire_on_commit=False)
        self.on_server = engine.dialect.name != "sqlite"
        self.login = operator_login or detect_login(engine)
        # Only honoured by the database when the schema owner connects (see app.data.server).
        self._acting_as = operator_login

    @contextmanager
    def read(self) -> Iterator[Session]:
        with translate_errors(self.engine), self._reads() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[WriteTx]:
        """One write transaction; taking the chain head's lock first serialises all writers."""
        with translate_errors(self.engine), self._writes() as session, session.begin():
            if self.on_server:
                operator = self.operator_in(session)
                server = ServerCalls(session.connection())
                yield WriteTx(
                    session, operator, None, self.clock(), self.host, server, self._acting_as
                )
                return
            head = session.execute(
                sa.select(AuditHead).where(AuditHead.id == AUDIT_HEAD_ID).with_for_update()
            ).scalar_one()
            operator = self.operator_in(session)
            yield WriteTx(session, operator, head, self.clock(), self.host)

    def operator_in(self, session: Session) -> Operator:
        user = session.execute(sa.select(User).where(User.login == self.login)).scalar_one_or_none()
        if user is None:
            raise UnknownOperator(
                f"The login “{self.login}” is not a Keyward user; "
                "ask a Keyward admin to add you with `keyward users add`."
            )
        if not user.active:
            raise UnknownOperator(
                f"The Keyward user “{self.login}” is deactivated; ask a Keyward admin to "
                "reactivate you."
            )
        return Operator(user.login, user.display_name, Role(user.role))

    def operator(self) -> Operator:
        with self.read() as session:
            return self.operator_in(session)

    def bootstrap(self) -> None:
        """The first operator of an empty database becomes its admin."""
        with self.read() as session:
            if session.execute(sa.select(sa.func.count()).select_from(User)).scalar_one():
                return
        if self.on_server:
            self._bootstrap_on_server()
            return
        with translate_errors(self.engine), self._writes() as session, session.begin():
            head = session.execute(
                sa.select(AuditHead).where(AuditHead.id == AUDIT_HEAD_ID).with_for_update()
            ).scalar_one()
            if session.execute(sa.select(sa.func.count()).select_from(User)).scalar_one():
                return
            now = self.clock()
            session.add(
                User(
                    login=self.login,
                    display_name=self.login,
                    email=None,
                    role=Role.ADMIN.value,
                    active=True,
                    created_at=now,
                )
            )
            tx = WriteTx(
                session, Operator(self.login, self.login, Role.ADMIN), head, now, self.host
            )
            tx.audit(
                AuditAction.USER_ADDED,
                "user",
                self.login,
                after={"login": self.login, "role": Role.ADMIN.value, "active": True},
                reason="first operator of an empty database",
            )

    def _bootstrap_on_server(self) -> None:
        # Only the schema owner may start an empty server database; anyone else is told
        # they are not a user yet when they first act.
        with translate_errors(self.engine), self._writes() as session, session.begin():
            server = ServerCalls(session.connection())
            if not server.call("kw_whoami", ())[0][1]:
                return
            server.call("kw_bootstrap", (self._acting_as, self.clock(), self.host))
