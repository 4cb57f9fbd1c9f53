"""audit trail queries

Indexes for the console's audit view, which pages newest first (by ``seq``) with its filters
as conditions in the database: one actor's events, one action's events, and the positions in
the chain of a time range (``occurred_at`` is ISO 8601 UTC text, so it sorts as time). On
MariaDB the events live in ``audit_events_data`` behind the definer view ``audit_events``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 09:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MARIADB = {"mysql", "mariadb"}
INDEXES = (
    ("ix_audit_events_actor_seq", ["actor", "seq"]),
    ("ix_audit_events_action_seq", ["action", "seq"]),
    ("ix_audit_events_occurred_at_seq", ["occurred_at", "seq"]),
)


def _events_table(connection: sa.Connection) -> str:
    if connection.dialect.name in _MARIADB and "audit_events_data" in set(
        sa.inspect(connection).get_table_names()
    ):
        return "audit_events_data"
    return "audit_events"


def upgrade() -> None:
    table = _events_table(op.get_bind())
    with op.batch_alter_table(table, schema=None) as batch_op:
        for name, columns in INDEXES:
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    table = _events_table(op.get_bind())
    with op.batch_alter_table(table, schema=None) as batch_op:
        for name, _columns in reversed(INDEXES):
            batch_op.drop_index(name)
