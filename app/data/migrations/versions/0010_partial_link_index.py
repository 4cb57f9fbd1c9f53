"""a partial index for key links

``ix_api_keys_replaces_key_id`` (migration 0005) indexed every key, though almost every key
replaces none. Once SQLite's ``ANALYZE`` (or ``PRAGMA optimize``) had run on a large
database, its statistics said each value matched every row, so the planner stopped using the
index and the "replaced by" lookup of every page scanned the whole table: about 3 s a page at
1,000,000 keys. On SQLite and PostgreSQL the index now holds only keys that replace another
(``IN (…)`` implies ``IS NOT NULL``, so the lookup uses it); MariaDB has no partial indexes
and keeps the full one, which its optimizer still uses for an ``IN`` list.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 14:25:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEX = "ix_api_keys_replaces_key_id"
_PARTIAL = {"sqlite", "postgresql"}


def upgrade() -> None:
    if op.get_bind().dialect.name not in _PARTIAL:
        return
    op.drop_index(_INDEX, table_name="api_keys")
    op.create_index(
        _INDEX,
        "api_keys",
        ["replaces_key_id"],
        sqlite_where=sa.text("replaces_key_id IS NOT NULL"),
        postgresql_where=sa.text("replaces_key_id IS NOT NULL"),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name not in _PARTIAL:
        return
    op.drop_index(_INDEX, table_name="api_keys")
    op.create_index(_INDEX, "api_keys", ["replaces_key_id"])
