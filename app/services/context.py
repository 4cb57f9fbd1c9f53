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
from app.domain.errors import DatabaseError, DatabaseErrorKind, KeywardError, UnknownOperator
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
    kind = error_kind(error)
    if isinstance(error, exc.OperationalError | exc.InterfaceError):
        return DatabaseError(_describe(engine, kind), kind or DatabaseErrorKind.UNREACHABLE)
    if isinstance(error, exc.ProgrammingError):
        if kind in {DatabaseErrorKind.SCHEMA, DatabaseErrorKind.PERMISSION}:
            return DatabaseError(_describe(engine, kind), kind)
        return None
    if isinstance(error, exc.DatabaseError) and kind is DatabaseErrorKind.FOREIGN:
        # SQLite reports a file that is not a database as a plain DatabaseError.
        return DatabaseError(_describe(engine, kind), kind)
    return None


#: SQLite primary result codes (https://sqlite.org/rescode.html).
_SQLITE_CODES = {
    3: DatabaseErrorKind.PERMISSION,  # SQLITE_PERM
    5: DatabaseErrorKind.BUSY,  # SQLITE_BUSY
    6: DatabaseErrorKind.BUSY,  # SQLITE_LOCKED
    8: DatabaseErrorKind.READ_ONLY,  # SQLITE_READONLY
    14: DatabaseErrorKind.UNREACHABLE,  # SQLITE_CANTOPEN
    23: DatabaseErrorKind.PERMISSION,  # SQLITE_AUTH
    26: DatabaseErrorKind.FOREIGN,  # SQLITE_NOTADB
}
#: PostgreSQL SQLSTATEs, by class (two characters) or in full.
_SQLSTATE_CLASSES = {
    "08": DatabaseErrorKind.UNREACHABLE,  # connection exception
    "28": DatabaseErrorKind.AUTHENTICATION,  # invalid authorization specification
    "53": DatabaseErrorKind.UNREACHABLE,  # insufficient resources (too many connections)
    "57": DatabaseErrorKind.UNREACHABLE,  # operator intervention (shutdown, cannot connect now)
}
_SQLSTATES = {
    "42501": DatabaseErrorKind.PERMISSION,  # insufficient_privilege
    "42P01": DatabaseErrorKind.SCHEMA,  # undefined_table
    "42703": DatabaseErrorKind.SCHEMA,  # undefined_column
    "42883": DatabaseErrorKind.SCHEMA,  # undefined_function
    "3F000": DatabaseErrorKind.SCHEMA,  # invalid_schema_name
    "3D000": DatabaseErrorKind.NOT_FOUND,  # invalid_catalog_name (no such database)
    "25006": DatabaseErrorKind.READ_ONLY,  # read_only_sql_transaction
    "55P03": DatabaseErrorKind.BUSY,  # lock_not_available
    "40P01": DatabaseErrorKind.BUSY,  # deadlock_detected
    "57014": DatabaseErrorKind.BUSY,  # query_canceled (lock or statement timeout)
}
#: MariaDB/MySQL error numbers (pymysql's ``args[0]``).
_MYSQL_ERRORS = {
    1044: DatabaseErrorKind.PERMISSION,  # ER_DBACCESS_DENIED_ERROR: no grant on the database
    1045: DatabaseErrorKind.AUTHENTICATION,  # ER_ACCESS_DENIED_ERROR
    1698: DatabaseErrorKind.AUTHENTICATION,  # ER_ACCESS_DENIED_NO_PASSWORD_ERROR
    1142: DatabaseErrorKind.PERMISSION,  # ER_TABLEACCESS_DENIED_ERROR
    1143: DatabaseErrorKind.PERMISSION,  # ER_COLUMNACCESS_DENIED_ERROR
    1227: DatabaseErrorKind.PERMISSION,  # ER_SPECIFIC_ACCESS_DENIED_ERROR
    1370: DatabaseErrorKind.PERMISSION,  # ER_PROCACCESS_DENIED_ERROR
    1049: DatabaseErrorKind.NOT_FOUND,  # ER_BAD_DB_ERROR
    1146: DatabaseErrorKind.SCHEMA,  # ER_NO_SUCH_TABLE
    1305: DatabaseErrorKind.SCHEMA,  # ER_SP_DOES_NOT_EXIST
    1054: DatabaseErrorKind.SCHEMA,  # ER_BAD_FIELD_ERROR
    1205: DatabaseErrorKind.BUSY,  # ER_LOCK_WAIT_TIMEOUT
    1213: DatabaseErrorKind.BUSY,  # ER_LOCK_DEADLOCK
    1290: DatabaseErrorKind.READ_ONLY,  # ER_OPTION_PREVENTS_STATEMENT (--read-only)
    1792: DatabaseErrorKind.READ_ONLY,  # ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
    1040: DatabaseErrorKind.UNREACHABLE,  # ER_CON_COUNT_ERROR
    2002: DatabaseErrorKind.UNREACHABLE,  # CR_CONNECTION_ERROR
    2003: DatabaseErrorKind.UNREACHABLE,  # CR_CONN_HOST_ERROR
    2005: DatabaseErrorKind.UNREACHABLE,  # CR_UNKNOWN_HOST
    2006: DatabaseErrorKind.UNREACHABLE,  # CR_SERVER_GONE_ERROR
    2013: DatabaseErrorKind.UNREACHABLE,  # CR_SERVER_LOST
}
#: libpq fails a connection before any statement ran, so psycopg's error carries no SQLSTATE
#: (there is no result to read it from); the server's primary message is all there is.
_PG_CONNECT_MESSAGES = (
    ("password authentication failed", DatabaseErrorKind.AUTHENTICATION),
    ("no password supplied", DatabaseErrorKind.AUTHENTICATION),
    ('role "', DatabaseErrorKind.AUTHENTICATION),  # role "x" does not exist
    # Before 'database "': the refusal reads 'permission denied for database "x"'.
    ("permission denied", DatabaseErrorKind.PERMISSION),  # no CONNECT privilege
    # 'database "x" does not exist' (and not '… is not currently accepting connections').
    ('" does not exist', DatabaseErrorKind.NOT_FOUND),
)


def error_kind(error: exc.DBAPIError) -> DatabaseErrorKind | None:
    """Why a driver failed, from its own error code; None when the code says nothing known."""
    orig = error.orig
    if orig is None:
        return None
    sqlite_code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(sqlite_code, int):
        kind = _SQLITE_CODES.get(sqlite_code & 0xFF)
        # SQLITE_ERROR is SQLite's only code for a missing table: its message tells.
        if kind is None and str(orig).startswith("no such table"):
            return DatabaseErrorKind.SCHEMA
        return kind
    args = getattr(orig, "args", ())
    # pymysql first: its errors carry an (empty) ``sqlstate`` attribute too.
    if args and isinstance(args[0], int):  # pymysql: (errno, message)
        return _MYSQL_ERRORS.get(args[0])
    if hasattr(orig, "sqlstate"):  # psycopg
        state = orig.sqlstate
        if isinstance(state, str) and state:
            return _SQLSTATES.get(state) or _SQLSTATE_CLASSES.get(state[:2])
        text = str(orig)
        return next((kind for part, kind in _PG_CONNECT_MESSAGES if part in text), None)
    return None


def _describe(engine: Engine, kind: DatabaseErrorKind | None) -> str:
    where = safe_url(engine.url)
    sqlite = engine.dialect.name == "sqlite"
    match kind:
        case DatabaseErrorKind.READ_ONLY:
            return f"The database at {where} is read-only; Keyward needs to write to it."
        case DatabaseErrorKind.UNREACHABLE if sqlite:
            return f"The database file at {where} cannot be opened; check the path and permissions."
        case DatabaseErrorKind.FOREIGN:
            return f"{where} is not a SQLite database."
        case DatabaseErrorKind.SCHEMA:
            return f"The database at {where} is not a usable Keyward database."
        case DatabaseErrorKind.PERMISSION:
            return (
                f"The database at {where} does not let this login use Keyward; "
                "ask a Keyward admin to add you with `keyward users add`."
            )
        case DatabaseErrorKind.AUTHENTICATION:
            return f"The database at {where} refused the login; check the user name and password."
        case DatabaseErrorKind.BUSY:
            return "The database stayed busy with another writer for too long; try again."
        case DatabaseErrorKind.NOT_FOUND:
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
        # The routine changes rows behind the ORM's back: whoever reads them afterwards asks
        # for them afresh (``populate_existing``), rather than every loaded row being expired.
        return self.server.call(routine, (self.acting_as, self.now, self.host, *args))

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
