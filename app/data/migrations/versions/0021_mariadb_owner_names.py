"""MariaDB: the owners' distinct names for those who read every key

Sorted by owner, the keys of an owner whose name holds the term ("Alice O'Brien") lie
together far along the order: SQLite and PostgreSQL read the distinct owner names from the
owner index one seek at a time and then those owners' keys straight from it. MariaDB could
not: through the ``api_keys`` view (joined with the caller's own row) neither ``min()`` nor
``ORDER BY … LIMIT 1`` seeks, and the walk took 149–431 ms. The definer view
``api_key_owner_names`` gives auditors, managers and admins the distinct names straight
from the table, in one loose scan of the owner index (2 ms for 359 names among 1,000,000
keys); a member reads no row of it. SQLite and PostgreSQL are unchanged.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MARIADB = {"mysql", "mariadb"}


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name in _MARIADB:
        # Imported here: the migration is loaded by name on every dialect.
        from app.data.server import search_mariadb_sql

        search_mariadb_sql.install_owner_names(connection)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name in _MARIADB:
        from app.data.server import search_mariadb_sql

        search_mariadb_sql.uninstall_owner_names(connection)
