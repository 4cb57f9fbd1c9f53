"""The console's first page of keys, read with :mod:`sqlite3` before the rest has loaded.

``keyward`` shows its window and the first keys while SQLAlchemy and the services are still
being imported (DESIGN §10: start-up near the floor of a bare table over ``sqlite3``). This
module imports only the standard library, the domain, the DTOs and the schema revision
(:mod:`app.data.revision`). It reads a local SQLite file as ``KeysService.page`` reads an
unfiltered query: the same rows, in the same order, as the operator may see them (a member
their own keys, a verifier none; tests hold the two together for every sort).
``keyward keys list`` without a filter reads a current file the same way, with the count.

It answers only what it is sure of. A server database, a missing file, a schema it does not
know, an operator who is not an active Keyward user: :func:`open_first_page` gives None and
the console starts the usual way, which says why where there is something to say. Nothing is
ever written: the first page is read in one read transaction and the connection is closed.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.data.revision import SCHEMA_REVISION
from app.domain.clock import utc_now
from app.domain.errors import DatabaseError, DatabaseErrorKind
from app.domain.identity import os_login
from app.domain.locations import default_sqlite_path
from app.domain.roles import Action, Role, can
from app.domain.sorting import SortField
from app.domain.status import KeyState, derive_status
from app.services.dto import KeyDTO, KeyPage, KeyQuery, PageCursor

#: How long a read waits for another process's write (ms). Short: a busy file is no reason
#: to hold up the start; the console starts the usual way instead.
BUSY_TIMEOUT_MS = 200

#: The sort column behind each sort field (``key_queries.SORT_COLUMNS``).
_SORT_COLUMNS = {
    SortField.NAME: "name",
    SortField.OWNER: "owner_name",
    SortField.STATUS: "state",
    SortField.LAST_USED: "last_used_at",
    SortField.EXPIRES: "expires_at",
    SortField.CREATED: "created_at",
    SortField.UPDATED: "updated_at",
}
_NULLABLE = frozenset({SortField.LAST_USED, SortField.EXPIRES})

_ALL = KeyQuery()

#: A page's columns, as ``key_queries.PAGE_COLUMNS`` reads them on SQLite: the owner's login
#: and whether they are active, and the newest key that replaced this one, are correlated
#: look-ups that leave the page's own plan (a walk along the sort index) as it is.
_PAGE = """
    SELECT k.key_id, k.name, k.description,
           (SELECT u.login FROM users AS u WHERE u.id = k.owner_id),
           k.owner_name,
           (SELECT u.active FROM users AS u WHERE u.id = k.owner_id),
           k.state, k.environment, k.masked, k.created_at, k.created_by, k.updated_at,
           k.updated_by, k.last_used_at, k.expires_at, k.revoked_at, k.revoked_reason,
           k.version, k.replaces_key_id,
           (SELECT s.key_id FROM api_keys AS s WHERE s.replaces_key_id = k.key_id
            ORDER BY s.created_at DESC, s.id DESC LIMIT 1)
    FROM api_keys AS k
"""


def sqlite_file(database_url: str | None, environ: dict[str, str] | None = None) -> str | None:
    """The file of a plain ``sqlite:///PATH`` URL (None: the default, as the services pick
    it); None for anything else (a server, options, an in-memory database).

    A plain string, and no :mod:`pathlib` or :mod:`urllib` here: ``keyward keys list``'s
    start is held to 3× a bare interpreter's, and those two imports cost a tenth of it."""
    if database_url is None:
        database_url = (environ if environ is not None else os.environ).get(
            "KEYWARD_DATABASE_URL"
        ) or None
    if database_url is None:
        return str(default_sqlite_path())
    prefix = "sqlite:///"
    if not database_url.startswith(prefix) or "?" in database_url:
        return None
    path = database_url[len(prefix) :]
    if "%" in path:
        from urllib.parse import unquote

        path = unquote(path)
    return path if path and path != ":memory:" else None


def _when(text: Any) -> datetime | None:
    # Stored as naive UTC text (app.data.types.UTCDateTime); read back timezone-aware.
    return None if text is None else _stamp(text)


def _stamp(text: Any) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class FirstPage:
    """The first page of keys of one SQLite file, for one operator.

    Shaped as the keys table's source (``keys.page``, ``clock``), so the console's own
    table and model show it. There is no further page: the console proper takes over.
    """

    path: str
    #: The operator's users.id when they see only their own keys (a member), else None.
    only_owner: int | None
    clock: Callable[[], datetime] = utc_now
    #: Whether the file is of this version's schema (an older one still shows its first
    #: page: the console upgrades it next; a command answers only from a current one).
    current: bool = True

    @property
    def keys(self) -> FirstPage:
        return self

    def page(self, query: KeyQuery = _ALL, after: PageCursor | None = None) -> KeyPage:
        if after is not None or query.search or query.status or query.owner or query.environment:
            raise ValueError("the first page answers only an unfiltered first page")
        try:
            rows = read_first_rows(
                self.path, self.only_owner, query.sort, query.descending, query.limit
            )
        except sqlite3.Error:
            # The file changed under us (moved, locked): the console proper will say why.
            raise DatabaseError(
                "The first page of keys could not be read.", DatabaseErrorKind.UNREACHABLE
            ) from None
        now = self.clock()
        return KeyPage(tuple(_dto(row, now) for row in rows), None)

    def count(self, query: KeyQuery = _ALL) -> int:
        """How many keys the operator sees, as ``KeysService.count`` counts an unfiltered
        query (``keyward keys list``'s total)."""
        if query.search or query.status or query.owner or query.environment:
            raise ValueError("the first page counts only all the keys one may see")
        owner = "" if self.only_owner is None else " WHERE owner_id = ?"
        parameters = () if self.only_owner is None else (self.only_owner,)
        connection = _connect(self.path)
        try:
            return int(
                connection.execute(
                    f"SELECT count(*) FROM api_keys{owner}",  # noqa: S608 - no input in it
                    parameters,
                ).fetchone()[0]
            )
        except sqlite3.Error:
            raise DatabaseError(
                "The keys could not be counted.", DatabaseErrorKind.UNREACHABLE
            ) from None
        finally:
            connection.close()


def _connect(path: str) -> sqlite3.Connection:
    # mode=rw: the file must exist (never create one, nor choose its permissions). In a
    # URI's path only these three characters mean something to SQLite: escape them.
    escaped = os.path.abspath(path).replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    address = f"file:{escaped}?mode=rw"
    connection = sqlite3.connect(address, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    connection.isolation_level = None
    return connection


def open_first_page(
    database_url: str | None, login: str | None = None, clock: Callable[[], datetime] = utc_now
) -> FirstPage | None:
    """The first page's source for ``database_url`` as ``login`` (default: the OS login)
    sees it, or None when the console has to start the usual way."""
    path = sqlite_file(database_url)
    if path is None or not os.path.isfile(path):
        return None
    try:
        connection = _connect(path)
    except sqlite3.Error:
        return None
    try:
        found = connection.execute(
            "SELECT id, role, active FROM users WHERE login = ?", (login or os_login(),)
        ).fetchone()
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None  # not a Keyward database yet, busy, or one of another shape
    finally:
        connection.close()
    if found is None or not found[2]:
        return None
    try:
        role = Role(found[1])
    except ValueError:
        return None
    if not can(role, Action.READ_OWN_KEYS):
        return None
    only_owner = None if can(role, Action.READ_ALL_KEYS) else found[0]
    try:
        # The page's statement itself, once: a file of an older schema starts the usual way
        # (the console proper upgrades it or says why) instead of showing an empty table.
        read_first_rows(path, only_owner, SortField.CREATED, True, 1)
    except sqlite3.Error:
        return None
    return FirstPage(path, only_owner, clock, revision == (SCHEMA_REVISION,))


def read_first_rows(
    path: str, only_owner: int | None, sort: SortField, descending: bool, limit: int
) -> list[Any]:
    """The first ``limit`` keys in ``sort`` order, as ``key_queries.fetch_page`` walks it:
    by ``(column, id)``; for a column that may be empty, NULL counts as the smallest value
    and its rows come by id alone."""
    column = _SORT_COLUMNS[sort]
    way = "DESC" if descending else "ASC"
    owner = "k.owner_id = ?" if only_owner is not None else "1"
    parameters: tuple[object, ...] = () if only_owner is None else (only_owner,)
    if sort in _NULLABLE:
        filled = (f"k.{column} IS NOT NULL", f"k.{column} {way}, k.id {way}")
        empty = (f"k.{column} IS NULL", f"k.id {way}")
        segments = [filled, empty] if descending else [empty, filled]
    else:
        segments = [("1", f"k.{column} {way}, k.id {way}")]
    connection = _connect(path)
    try:
        connection.execute("BEGIN")
        rows: list[Any] = []
        for where, order in segments:
            if len(rows) >= limit:
                break
            rows.extend(
                connection.execute(
                    f"{_PAGE} WHERE {owner} AND {where} ORDER BY {order} LIMIT ?",
                    (*parameters, limit - len(rows)),
                )
            )
        connection.execute("COMMIT")
        return rows
    finally:
        connection.close()


def _dto(row: Any, now: datetime) -> KeyDTO:
    (key_id, name, description, login, owner_name, active, state, environment, masked,
     created_at, created_by, updated_at, updated_by, last_used_at, expires_at, revoked_at,
     revoked_reason, version, replaces, replaced_by) = row  # fmt: skip
    key_state = KeyState(state)
    expires = _when(expires_at)
    return KeyDTO(
        key_id=key_id,
        name=name,
        description=description,
        owner_login=login,
        owner_name=owner_name,
        owner_active=bool(active),
        status=derive_status(key_state, expires, now),
        state=key_state,
        environment=environment,
        masked=masked,
        created_at=_stamp(created_at),
        created_by=created_by,
        updated_at=_stamp(updated_at),
        updated_by=updated_by,
        last_used_at=_when(last_used_at),
        expires_at=expires,
        revoked_at=_when(revoked_at),
        revoked_reason=revoked_reason,
        version=version,
        replaces=replaces,
        replaced_by=replaced_by,
    )
