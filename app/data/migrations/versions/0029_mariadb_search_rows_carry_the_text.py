"""MariaDB: each search index row carries the key's searched text and its creation time

A rare term's keys were found through the index (InnoDB reads each found row: ~4.5 µs a
key), their ids handed back, and each key read again from ``api_keys`` to filter it with
``LIKE`` and sort it (~5 µs a key more): 2,000-3,000 candidates cost 40-60 ms at 1,000,000
keys. Each row of ``api_key_search_data`` now also holds the key's name, description, owner's
name, key id and creation time (``search_mariadb_sql.CARRIED``, kept by the same triggers), so
one statement finds, filters and sorts them (sorted by creation, name or owner). The view
``api_key_search`` shows a member these columns of their own keys only, as ``api_keys``
does. The table is rebuilt with every key (at 1,000,000 keys: minutes). SQLite and
PostgreSQL are unchanged.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MARIADB = {"mysql", "mariadb"}


def _reinstall(*, carry: bool) -> None:
    connection = op.get_bind()
    if connection.dialect.name not in _MARIADB:
        return
    # Imported here: the migration is loaded by name on every dialect.
    from app.data.server import search_mariadb_sql

    search_mariadb_sql.uninstall(connection)
    # (0030 adds the phrase words.)
    search_mariadb_sql.install(connection, carry=carry, phrases=False)


def upgrade() -> None:
    _reinstall(carry=True)


def downgrade() -> None:
    _reinstall(carry=False)
