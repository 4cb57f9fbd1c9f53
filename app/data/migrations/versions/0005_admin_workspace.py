"""admin workspace

Key links: ``api_keys.replaces_key_id`` names the key a rotated or replacement key took the
place of ("replaced by" is found through its index). The policy's new rules are settings
rows and need no schema.

On the server databases the definer routines and grants are installed again (they are
idempotent): the routines of :mod:`app.data.server` now write the link and apply the new
rules, PostgreSQL grants the new column to the readers, and on MariaDB the ``api_keys`` view
is re-created with it (views are checked when made, so migration 0002 made it without).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 09:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MARIADB = {"mysql", "mariadb"}
_INDEX = "ix_api_keys_replaces_key_id"


def _keys_table(connection: sa.Connection) -> str:
    if connection.dialect.name in _MARIADB and "api_keys_data" in set(
        sa.inspect(connection).get_table_names()
    ):
        return "api_keys_data"
    return "api_keys"


def _owner(connection: sa.Connection) -> str:
    return str(connection.exec_driver_sql("SELECT USER()").scalar_one()).rsplit("@", 1)[0]


def _reinstall(connection: sa.Connection) -> None:
    database = connection.engine.url.database or ""
    if connection.dialect.name == "postgresql":
        from app.data.server import postgresql

        postgresql.apply(connection, database)
    elif connection.dialect.name in _MARIADB and _keys_table(connection) == "api_keys_data":
        from app.data.server import mariadb

        mariadb.apply(connection, database, _owner(connection))


def upgrade() -> None:
    connection = op.get_bind()
    table = _keys_table(connection)
    op.add_column(table, sa.Column("replaces_key_id", sa.String(length=16), nullable=True))
    op.create_index(_INDEX, table, ["replaces_key_id"], unique=False)
    _reinstall(connection)


def downgrade() -> None:
    connection = op.get_bind()
    table = _keys_table(connection)
    op.drop_index(_INDEX, table_name=table)
    with op.batch_alter_table(table) as batch:
        batch.drop_column("replaces_key_id")
    _reinstall(connection)
