"""substring search index on MariaDB

MariaDB gets what SQLite (FTS5 trigram) and PostgreSQL (pg_trgm) had from 0001: an index
for substring search, so a rare or absent term is not a scan of every key. It is an InnoDB
FULLTEXT index over byte trigrams of each key's searched text, in ``api_key_search_data``,
kept by triggers on ``api_keys_data`` and read by members through the definer view
``api_key_search`` (``app.data.server.search_mariadb_sql``). Existing keys are indexed in
batches. SQLite and PostgreSQL are unchanged.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MARIADB = {"mysql", "mariadb"}


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name not in _MARIADB:
        return
    # Imported here: the migration is loaded by name on every dialect.
    from app.data.server import search_mariadb_sql

    search_mariadb_sql.install(connection)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name not in _MARIADB:
        return
    from app.data.server import search_mariadb_sql

    search_mariadb_sql.uninstall(connection)
