"""MariaDB: the keys' search index keeps each column's words apart

The index (0009) held the words of a key's four searched columns as one text, so it could
only be asked whether a key held a term somewhere. Sorted by name, the keys whose names hold
a common term lie together far along the order ("… ETL Staging …"): their names are now read
along the name index (fast since 0019), and the keys holding the term elsewhere are what the
index is asked for — which needs words that say which column they come from. Each column's
words now carry its letter (``KEY_COLUMNS``: ``n6b6573`` is "kes" in a name). The table is
rebuilt with every key. SQLite and PostgreSQL are unchanged (their indexes already had each
column apart).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 11:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MARIADB = {"mysql", "mariadb"}


def _reinstall(*, whole_text: bool) -> None:
    connection = op.get_bind()
    if connection.dialect.name not in _MARIADB:
        return
    from app.data.server import search_mariadb_sql

    search_mariadb_sql.uninstall(connection)
    # (0029 adds the key's own columns to each row, 0030 the phrase words.)
    search_mariadb_sql.install(connection, whole_text=whole_text, carry=False, phrases=False)


def upgrade() -> None:
    _reinstall(whole_text=False)


def downgrade() -> None:
    _reinstall(whole_text=True)
