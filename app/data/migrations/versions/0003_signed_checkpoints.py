"""signed checkpoints

The database gets an identity (a random UUID in ``settings.database_id``, named in every
checkpoint signed for it), a table of registered signing keys and one of stored checkpoints.
On PostgreSQL and MariaDB only the definer routines of ``app.data.server.checkpoints_sql``
write them; on MariaDB the tables are ``<name>_data`` behind definer views ``<name>``, like
every other table there.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 08:10:00
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.data.types import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MARIADB = {"mysql", "mariadb"}


def _names(connection: sa.Connection) -> tuple[str, str, str]:
    """(signing keys table, checkpoints table, settings table) as stored on this dialect."""
    if connection.dialect.name in _MARIADB and "settings_data" in set(
        sa.inspect(connection).get_table_names()
    ):
        return "signing_keys_data", "audit_checkpoints_data", "settings_data"
    return "signing_keys", "audit_checkpoints", "settings"


def upgrade() -> None:
    connection = op.get_bind()
    keys, checkpoints, settings = _names(connection)
    op.create_table(
        keys,
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("registered_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("fingerprint", name=op.f(f"pk_{keys}")),
    )
    op.create_table(
        checkpoints,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("signed_at", sa.String(length=32), nullable=False),
        sa.Column("database_id", sa.String(length=36), nullable=False),
        sa.Column("signer", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("stored_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{checkpoints}")),
    )
    with op.batch_alter_table(checkpoints, schema=None) as batch_op:
        batch_op.create_index("ix_audit_checkpoints_seq", ["seq"], unique=False)

    exists = connection.execute(
        sa.text(f"SELECT count(*) FROM {settings} WHERE name = 'database_id'")
    ).scalar_one()
    if not exists:
        op.bulk_insert(
            sa.table(settings, sa.column("name"), sa.column("value")),
            [{"name": "database_id", "value": str(uuid.uuid4())}],
        )

    from app.data.server import checkpoints_sql

    if connection.dialect.name == "postgresql":
        checkpoints_sql.apply(connection, checkpoints_sql.POSTGRESQL)
    elif connection.dialect.name in _MARIADB and checkpoints.endswith("_data"):
        checkpoints_sql.apply(connection, checkpoints_sql.MARIADB)


def downgrade() -> None:
    connection = op.get_bind()
    keys, checkpoints, settings = _names(connection)
    from app.data.server import checkpoints_sql

    if connection.dialect.name == "postgresql":
        checkpoints_sql.apply(connection, checkpoints_sql.POSTGRESQL_DOWN)
    elif connection.dialect.name in _MARIADB and checkpoints.endswith("_data"):
        checkpoints_sql.apply(connection, checkpoints_sql.MARIADB_DOWN)
    with op.batch_alter_table(checkpoints, schema=None) as batch_op:
        batch_op.drop_index("ix_audit_checkpoints_seq")
    op.drop_table(checkpoints)
    op.drop_table(keys)
    connection.execute(sa.text(f"DELETE FROM {settings} WHERE name = 'database_id'"))
