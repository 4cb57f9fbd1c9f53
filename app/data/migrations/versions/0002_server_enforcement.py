"""audit encoding v2 and server-side enforcement

Re-hashes the existing audit chain with encoding version 2 (which a database can compute in
SQL) after checking it under version 1, and records that it did as an ``audit.reanchored``
event naming the old head; then, on PostgreSQL and MariaDB, installs the database's own
authorization: roles, definer routines that make every change and write its audit event,
and reads that follow the roles (``app.data.server``).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 07:30:00
"""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from app.domain.audit import GENESIS_HASH, event_hash
from app.domain.identity import os_login

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NAMES = (
    "seq",
    "occurred_at",
    "actor",
    "action",
    "target_type",
    "target_id",
    "before",
    "after",
    "reason",
    "host",
    "prev_hash",
    "hash",
)
_EVENTS = sa.table("audit_events", *(sa.column(name) for name in _NAMES))


def _v1_hash(row: sa.Row[tuple[object, ...]]) -> str:
    """Encoding version 1 (sorted-key compact JSON), kept only to check the old chain."""
    body = json.dumps(
        {
            "seq": row.seq,
            "occurred_at": row.occurred_at,
            "actor": row.actor,
            "action": row.action,
            "target_type": row.target_type,
            "target_id": row.target_id,
            "before": row.before,
            "after": row.after,
            "reason": row.reason,
            "host": row.host,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(f"{row.prev_hash}\n{body}".encode()).hexdigest()


def _operator(connection: sa.Connection) -> str:
    dialect = connection.dialect.name
    if dialect == "postgresql":
        return str(connection.exec_driver_sql("SELECT session_user").scalar_one())
    if dialect in {"mysql", "mariadb"}:
        return str(connection.exec_driver_sql("SELECT USER()").scalar_one()).rsplit("@", 1)[0]
    return os_login()


def _reanchor(connection: sa.Connection) -> None:
    # Through a table construct: MariaDB reserves BEFORE, so the columns need quoting.
    rows = list(connection.execute(sa.select(_EVENTS).order_by(_EVENTS.c.seq)))
    if not rows:
        return
    intact = True
    previous_old = GENESIS_HASH
    previous_new = GENESIS_HASH
    update = sa.text("UPDATE audit_events SET prev_hash = :prev, hash = :digest WHERE seq = :at")
    for row in rows:
        intact = intact and row.prev_hash == previous_old and _v1_hash(row) == row.hash
        previous_old = row.hash
        fields = {name: getattr(row, name) for name in _NAMES}
        fields.pop("hash")
        fields["prev_hash"] = previous_new
        previous_new = event_hash(**fields)
        connection.execute(
            update, {"prev": fields["prev_hash"], "digest": previous_new, "at": row.seq}
        )
    seq = rows[-1].seq + 1
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    event = {
        "seq": seq,
        "occurred_at": now,
        "actor": _operator(connection),
        "action": "audit.reanchored",
        "target_type": "audit",
        "target_id": "chain",
        "before": json.dumps(
            {"encoding": 1, "head_seq": rows[-1].seq, "head_hash": previous_old, "intact": intact}
        ),
        "after": json.dumps({"encoding": 2, "head_hash": previous_new}),
        "reason": "audit encoding changed to version 2 (computable by the database itself)",
        "host": socket.gethostname()[:255],
        "prev_hash": previous_new,
    }
    digest = event_hash(**event)
    connection.execute(_EVENTS.insert().values(**event, hash=digest))
    connection.execute(
        sa.text("UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1"),
        {"seq": seq, "hash": digest},
    )


def upgrade() -> None:
    connection = op.get_bind()
    _reanchor(connection)
    dialect = connection.dialect.name
    database = connection.engine.url.database or ""
    if dialect == "postgresql":
        from app.data.server import postgresql

        postgresql.apply(connection, database)
    elif dialect in {"mysql", "mariadb"}:
        from app.data.server import mariadb

        mariadb.apply(connection, database, _operator(connection))


def downgrade() -> None:
    raise NotImplementedError("The audit chain is not re-hashed back to encoding version 1.")
