"""Verifying tokens that integrations present (DESIGN §5).

Order: format and checksum (offline) → row by id → secret → status and expiry. The row is
read on every call, so a revocation committed anywhere is effective on the very next
verification in every process. Only the argon2 work is cached, keyed by a SHA-256 of the
token and invalidated whenever the stored hash changes.

Nothing about a key is told to a caller who has not shown its secret: for a well-formed
token, an unknown id, a wrong secret, and a wrong secret for a disabled, revoked or expired
key all answer ``unknown`` after exactly one argon2 verification (a dummy one when there is
no hash to check), so they look and take the same. A key's status is reported only once the
secret matched, or for a token already proven in this process (a cache hit), which may hear
``revoked`` at once.

On PostgreSQL and MariaDB the row is read through the database's own verification routine,
``kw_lookup_key``, the only way a login other than the schema's owner may read a hash, and
usage is written through ``kw_record_usage``; on SQLite, where the file is the boundary, both
are plain SQL.

Usage is recorded in memory and written in batches: last-used at minute granularity, only
ever moving forward (and never past a revocation), plus per-key per-day counts.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.engine import Engine

from app.data.engine import writer
from app.data.models import ApiKey, DailyUsage
from app.data.server.calls import routine_error
from app.domain.clock import utc_now
from app.domain.errors import DatabaseError, DatabaseErrorKind, KeywardError
from app.domain.hashing import TokenHasher
from app.domain.key_format import MalformedToken, parse_token
from app.domain.status import KeyState, RejectReason
from app.services.dto import VerifiedKey, VerifyResult

_LOOKUP = (
    "SELECT k.id, k.prefix, k.environment, k.name, k.state, k.expires_at, k.secret_hash, u.login "
    "FROM api_keys k JOIN users u ON u.id = k.owner_id WHERE k.key_id = {p}"
)
_REHASH = "UPDATE api_keys SET secret_hash = {p} WHERE id = {p} AND secret_hash = {p}"
# The server databases' own verification path (app/data/server): same columns, same order.
_SERVER_LOOKUP = {
    "postgresql": "SELECT * FROM kw_lookup_key(%s::text)",
    "mysql": "CALL kw_lookup_key(%s)",
}
_SERVER_USAGE = {
    "postgresql": "SELECT kw_record_usage(CAST(:key_id AS text), CAST(:used_at AS timestamp), "
    "CAST(:count AS integer))",
    "mysql": "CALL kw_record_usage(:key_id, :used_at, :count)",
}
_UNREACHABLE = "The key database cannot be reached, so the token cannot be checked."


def _as_utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands back its stored text
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC)


def _server_kind(engine: Engine) -> str | None:
    """``postgresql`` or ``mysql`` (MariaDB too) for a server database, None for SQLite."""
    name = engine.dialect.name
    if name == "postgresql":
        return "postgresql"
    if name in {"mysql", "mariadb"}:
        return "mysql"
    return None


class _Use:
    """Pending use of one key on one day: the latest minute and how many verifications."""

    __slots__ = ("count", "last")

    def __init__(self, last: datetime) -> None:
        self.last = last
        self.count = 0


class Verifier:
    """Verifies tokens for one process; thread-safe; call :meth:`close` to flush usage."""

    def __init__(
        self,
        engine: Engine,
        hasher: TokenHasher,
        *,
        clock: Callable[[], datetime] = utc_now,
        flush_interval: float = 30.0,
        cache_size: int = 10_000,
    ) -> None:
        self._engine = engine
        self._hasher = hasher
        hasher.prepare()  # every check costs one argon2 verification, the first one too
        self._clock = clock
        self._flush_interval = flush_interval
        self._cache_size = cache_size
        self._cache: OrderedDict[bytes, str] = OrderedDict()
        self._lock = threading.Lock()
        self._connection: Any = None
        self._cursor: Any = None
        # psycopg: a server-side prepared statement skips planning the join on every call.
        self._execute_options = {"prepare": True} if engine.dialect.name == "postgresql" else {}
        self._server = _server_kind(engine)
        marker = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        if self._server is None:
            self._lookup_sql = _LOOKUP.format(p=marker)
        else:
            self._lookup_sql = _SERVER_LOOKUP[self._server]
        self._rehash_sql = _REHASH.format(p=marker)
        # (row id, key id, day) → that day's pending use.
        self._pending: dict[tuple[int, str, date], _Use] = {}
        self._last_flush = time.monotonic()

    # ------------------------------------------------------------ connection

    def _dbapi(self) -> Any:
        if self._connection is None:
            pooled = self._engine.raw_connection()
            connection: Any = pooled.driver_connection
            # Our own connection, outside the pool: autocommit, so that every lookup sees
            # what other processes have committed.
            pooled.detach()
            dialect = self._engine.dialect.name
            if dialect == "postgresql":
                connection.autocommit = True
            elif dialect in {"mysql", "mariadb"}:
                connection.autocommit(True)
            self._connection = connection
        return self._connection

    def _fetch(self, key_id: str) -> tuple[Any, ...] | None:
        try:
            if self._cursor is None:
                # One cursor for every lookup (callers hold the lock).
                self._cursor = self._dbapi().cursor()
            self._cursor.execute(self._lookup_sql, (key_id,), **self._execute_options)
            # fetchall, not fetchone: SQLite ends its read transaction (and lets checkpoints
            # pass) only once a statement has run to completion.
            rows = self._cursor.fetchall()
            if self._server == "mysql":
                while self._cursor.nextset():  # CALL's closing status, before the next call
                    pass
            row = rows[0] if rows else None
        except Exception as error:
            self._drop_connection()
            known = _routine_refusal(error)
            if known is not None:  # e.g. a login that is not an active Keyward user
                raise known from None
            raise DatabaseError(_UNREACHABLE, DatabaseErrorKind.UNREACHABLE) from error
        return None if row is None else tuple(row)

    def _drop_connection(self) -> None:
        if self._cursor is not None:
            with contextlib.suppress(Exception):  # its connection may be broken
                self._cursor.close()
            self._cursor = None
        if self._connection is not None:
            with contextlib.suppress(Exception):  # it is already broken
                self._connection.close()
            self._connection = None

    # ------------------------------------------------------------ verification

    def verify(self, token: str) -> VerifyResult:
        try:
            parsed = parse_token(token)
        except MalformedToken:
            return VerifyResult(False, RejectReason.MALFORMED)
        with self._lock:
            row = self._fetch(parsed.key_id)
            if row is None or (row[1], row[2]) != (parsed.prefix, parsed.environment) or not row[6]:
                self._hasher.burn_dummy(token)
                return VerifyResult(False, RejectReason.UNKNOWN)
            pk, _prefix, environment, name, state, expires_raw, secret_hash, owner = row
            fingerprint = hashlib.sha256(token.encode()).digest()
            proven_now = False
            if self._cache.get(fingerprint) == secret_hash:
                self._cache.move_to_end(fingerprint)
            elif self._hasher.verify(secret_hash, token):
                proven_now = True
                self._remember(fingerprint, secret_hash)
            else:
                # Whatever the key's status: without the secret, the caller learns nothing.
                return VerifyResult(False, RejectReason.UNKNOWN)
            now = self._clock()
            reason = _status_reason(state, _as_utc(expires_raw), now)
            if reason is not None:
                return VerifyResult(False, reason)
            if proven_now and self._server is None and self._hasher.needs_rehash(secret_hash):
                self._remember(fingerprint, self._rehash(pk, secret_hash, token))
            self._record_use(pk, parsed.key_id, now)
        self._maybe_flush()
        return VerifyResult(True, None, VerifiedKey(parsed.key_id, name, owner, environment))

    def _remember(self, fingerprint: bytes, secret_hash: str) -> None:
        self._cache[fingerprint] = secret_hash
        self._cache.move_to_end(fingerprint)
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def _rehash(self, pk: int, old_hash: str, token: str) -> str:
        """Store a stronger hash of a token that just matched a weaker one (SQLite only).

        Never on a server database: there the verifier may be any Keyward login, and a hash
        changed by someone other than the schema's owner is exactly the attack the server
        closes (a member swapping an admin key's hash for one of its own); the routines
        give no login that power, and the owner raises parameters with a migration instead.
        """
        new_hash = self._hasher.hash(token)
        cursor = self._dbapi().cursor()
        try:
            cursor.execute(self._rehash_sql, (new_hash, pk, old_hash))
        finally:
            cursor.close()
        return new_hash

    # ------------------------------------------------------------ usage

    def _record_use(self, pk: int, key_id: str, now: datetime) -> None:
        minute = now.replace(second=0, microsecond=0)
        use = self._pending.get((pk, key_id, now.date()))
        if use is None:
            use = self._pending[(pk, key_id, now.date())] = _Use(minute)
        use.last = max(use.last, minute)
        use.count += 1

    def _maybe_flush(self) -> None:
        if time.monotonic() - self._last_flush >= self._flush_interval or len(self._pending) > 5000:
            self.flush()

    def flush(self) -> None:
        """Write the pending last-used times and usage counts."""
        with self._lock:
            pending, self._pending = self._pending, {}
            self._last_flush = time.monotonic()
        if not pending:
            return
        try:
            with writer(self._engine).begin() as connection:
                if self._server is None:
                    _write_usage(connection, pending)
                else:
                    statement = sa.text(_SERVER_USAGE[self._server])
                    for (_pk, key_id, _day), use in pending.items():
                        connection.execute(
                            statement,
                            {
                                "key_id": key_id,
                                "used_at": use.last.astimezone(UTC).replace(tzinfo=None),
                                "count": use.count,
                            },
                        )
        except exc.DBAPIError as error:
            self._keep(pending)  # a later flush tries again
            known = routine_error(error)
            if known is not None:
                raise known from None
            raise DatabaseError(
                "The key database cannot be reached, so key usage was not recorded yet.",
                DatabaseErrorKind.UNREACHABLE,
            ) from None

    def _keep(self, pending: dict[tuple[int, str, date], _Use]) -> None:
        with self._lock:
            for day_key, use in pending.items():
                kept = self._pending.get(day_key)
                if kept is None:
                    self._pending[day_key] = use
                else:
                    kept.last = max(kept.last, use.last)
                    kept.count += use.count

    def close(self) -> None:
        try:
            self.flush()
        finally:
            with self._lock:
                self._drop_connection()
                self._cache.clear()


def _status_reason(state: str, expires_at: datetime | None, now: datetime) -> RejectReason | None:
    """Why a proven token is refused: revoked wins over expired, expired over disabled."""
    if state == KeyState.REVOKED.value:
        return RejectReason.REVOKED
    if expires_at is not None and expires_at <= now:
        return RejectReason.EXPIRED
    if state == KeyState.DISABLED.value:
        return RejectReason.DISABLED
    return None


def _routine_refusal(error: BaseException) -> KeywardError | None:
    """The Keyward refusal a server routine raised through the driver, if that is what it is."""
    return routine_error(exc.DBAPIError(None, None, error))


def _write_usage(connection: sa.Connection, pending: dict[tuple[int, str, date], _Use]) -> None:
    """SQLite: last-used moves forward only (never past a revocation); daily counts add up."""
    table = cast(sa.Table, ApiKey.__table__)
    last_used: dict[int, datetime] = {}
    for (pk, _key_id, _day), use in pending.items():
        last_used[pk] = max(last_used.get(pk, use.last), use.last)
    existing = set(
        connection.execute(sa.select(table.c.id).where(table.c.id.in_(list(last_used)))).scalars()
    )
    for pk, moment in last_used.items():
        if pk not in existing:
            continue
        connection.execute(
            table.update()
            .where(
                table.c.id == pk,
                sa.or_(table.c.last_used_at.is_(None), table.c.last_used_at < moment),
                # Revoked keys' last use freezes at the revocation.
                sa.or_(table.c.revoked_at.is_(None), table.c.revoked_at >= moment),
            )
            .values(last_used_at=moment)
        )
    rows = [
        {"key_pk": pk, "day": day, "count": use.count}
        for (pk, _key_id, day), use in pending.items()
        if pk in existing
    ]
    if rows:
        connection.execute(_upsert_counts(), rows)


def _upsert_counts() -> Any:
    # Imported here: loading a dialect package costs every start-up.
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    table = cast(sa.Table, DailyUsage.__table__)
    statement = sqlite_insert(table)
    return statement.on_conflict_do_update(
        index_elements=["key_pk", "day"],
        set_={"count": table.c.count + statement.excluded.count},
    )
