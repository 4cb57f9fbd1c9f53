"""PostgreSQL: a search sorted by owner or name reads that column along its own index

Sorted by owner or name, the keys that hold a term in that column lie together along the
order, often far from its start ("… O'Brien", "… ETL Staging …"): the walk along the sort
gave up and the fallback fetched every match (40,750 for ``o'brien``, 410 ms at 1,000,000
keys). The searched columns now also have a multicolumn ``pg_trgm`` index, one part per
column (``ix_api_keys_search_columns``), read through the definer functions
``kw_search_key_columns`` and ``kw_search_key_columns_estimate`` (a search of some columns,
under ``api_keys``' reading rule); and the name and owner sort indexes carry ``owner_id``, the
one column the reading rule needs, so that a login's walk along them reads the index alone.
SQLite and MariaDB are unchanged.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 07:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from app.data.search_schema import PG_COLUMN_INDEX, create_pg_column_search

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The sort indexes a search walks by a text column: (name, column).
_SORT_INDEXES = (("ix_api_keys_name_id", "name"), ("ix_api_keys_owner_name_id", "owner_name"))


def _sort_indexes(include: str) -> None:
    for index, column in _SORT_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {index}")
        op.execute(f"CREATE INDEX {index} ON api_keys ({column}, id){include}")


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    from app.data.server import postgresql

    create_pg_column_search(connection)
    _sort_indexes(" INCLUDE (owner_id)")
    postgresql.apply(connection, connection.engine.url.database or "")


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    for function in (
        "kw_search_key_columns(text, text[])",
        "kw_search_key_columns_estimate(text, text[])",
        "kw_columns_like(text, text[])",
    ):
        op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.execute(f"DROP INDEX IF EXISTS {PG_COLUMN_INDEX}")
    _sort_indexes("")
