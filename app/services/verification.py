"""Verifying tokens that integrations present (DESIGN §5).

Order: format and checksum (offline) → row by id → status and expiry → hash. The status row
is read on every call, so a revocation committed anywhere is effective on the very next
verification in every process. Only the argon2 work is cached, keyed by a SHA-256 of the
token and invalidated whenever the stored hash changes. Unknown ids cost a dummy hash, so
they take as long as a wrong secret.

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
from sqlalchemy.engine import Engine

from app.data.engine import writer
from app.data.models import ApiKey, DailyUsage
from app.domain.clock import utc_now
from app.domain.errors import DatabaseError
from app.domain.hashing import TokenHasher
from app.domain.key_format import MalformedToken, parse_token
from app.domain.status import KeyState, RejectReason
from app.services.dto import VerifiedKey, VerifyResult

_LOOKUP = (
    "SELECT k.id, k.prefix, k.environment, k.name, k.state, k.expires_at, k.secret_hash, u.login "
    "FROM api_keys k JOIN users u ON u.id = k.owner_id WHERE k.key_id = {p}"
)
_REHASH = "UPDATE api_keys SET secret_hash = {p} WHERE id = {p} AND secret_hash = {p}"


def _as_utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands back its stored text
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC)


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
        self._clock = clock
        self._flush_interval = flush_interval
        self._cache_size = cache_size
        self._cache: OrderedDict[bytes, str] = OrderedDict()
        self._lock = threading.Lock()
        self._connection: Any = None
        self._cursor: Any = None
        # psycopg: a server-side prepared statement skips planning the join on every call.
        self._execute_options = {"prepare": True} if engine.dialect.name == "postgresql" else {}
        marker = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        self._lookup_sql = _LOOKUP.format(p=marker)
        self._rehash_sql = _REHASH.format(p=marker)
        self._last_used: dict[int, datetime] = {}
        self._counts: dict[tuple[int, date], int] = {}
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
            row = rows[0] if rows else None
        except Exception as error:
            self._drop_connection()
            raise DatabaseError(
                "The key database cannot be reached, so the token cannot be checked."
            ) from error
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
            if row is None or (row[1], row[2]) != (parsed.prefix, parsed.environment):
                self._hasher.burn_dummy(token)
                return VerifyResult(False, RejectReason.UNKNOWN)
            pk, _prefix, environment, name, state, expires_raw, secret_hash, owner = row
            now = self._clock()
            if state == KeyState.REVOKED.value:
                return VerifyResult(False, RejectReason.REVOKED)
            expires_at = _as_utc(expires_raw)
            if expires_at is not None and expires_at <= now:
                return VerifyResult(False, RejectReason.EXPIRED)
            if state == KeyState.DISABLED.value:
                return VerifyResult(False, RejectReason.DISABLED)
            fingerprint = hashlib.sha256(token.encode()).digest()
            if self._cache.get(fingerprint) == secret_hash:
                self._cache.move_to_end(fingerprint)
            else:
                if not self._hasher.verify(secret_hash, token):
                    return VerifyResult(False, RejectReason.UNKNOWN)
                if self._hasher.needs_rehash(secret_hash):
                    secret_hash = self._rehash(pk, secret_hash, token)
                self._cache[fingerprint] = secret_hash
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
            self._record_use(pk, now)
        self._maybe_flush()
        return VerifyResult(True, None, VerifiedKey(parsed.key_id, name, owner, environment))

    def _rehash(self, pk: int, old_hash: str, token: str) -> str:
        new_hash = self._hasher.hash(token)
        cursor = self._dbapi().cursor()
        try:
            cursor.execute(self._rehash_sql, (new_hash, pk, old_hash))
        finally:
            cursor.close()
        return new_hash

    # ------------------------------------------------------------ usage

    def _record_use(self, pk: int, now: datetime) -> None:
        minute = now.replace(second=0, microsecond=0)
        if self._last_used.get(pk, minute) <= minute:
            self._last_used[pk] = minute
        day_key = (pk, now.date())
        self._counts[day_key] = self._counts.get(day_key, 0) + 1

    def _maybe_flush(self) -> None:
        if time.monotonic() - self._last_flush >= self._flush_interval or len(self._counts) > 5000:
            self.flush()

    def flush(self) -> None:
        """Write the pending last-used times and usage counts."""
        with self._lock:
            last_used, counts = self._last_used, self._counts
            self._last_used, self._counts = {}, {}
            self._last_flush = time.monotonic()
        if not last_used and not counts:
            return
        table = cast(sa.Table, ApiKey.__table__)
        with writer(self._engine).begin() as connection:
            existing = set(
                connection.execute(
                    sa.select(table.c.id).where(table.c.id.in_(list(last_used)))
                ).scalars()
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
                {"key_pk": pk, "day": day, "count": count}
                for (pk, day), count in counts.items()
                if pk in existing
            ]
            if rows:
                connection.execute(_upsert_counts(connection.dialect.name), rows)

    def close(self) -> None:
        self.flush()
        with self._lock:
            self._drop_connection()
            self._cache.clear()


def _upsert_counts(dialect: str) -> Any:
    # The dialect packages are imported here: loading all three costs every start-up.
    table = cast(sa.Table, DailyUsage.__table__)
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        statement = sqlite_insert(table)
        return statement.on_conflict_do_update(
            index_elements=["key_pk", "day"],
            set_={"count": table.c.count + statement.excluded.count},
        )
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        pg_statement = pg_insert(table)
        return pg_statement.on_conflict_do_update(
            index_elements=["key_pk", "day"],
            set_={"count": table.c.count + pg_statement.excluded.count},
        )
    from sqlalchemy.dialects.mysql import insert as mysql_insert

    my_statement = mysql_insert(table)
    return my_statement.on_duplicate_key_update(count=table.c.count + my_statement.inserted.count)
