"""members read only their own users row

On a server database a member's login could read every ``users`` row (logins, names, emails,
roles) with ``psql`` or ``mysql``, while the console showed members their own row only. Now
the database says the same: PostgreSQL's ``kw_read`` policy on ``users`` and MariaDB's
``users`` view let a member (and the verifier) read their own row alone. Auditors, managers
and admins keep every row: "who owns which key" is the auditor's first question, and the
console's People view shows auditors their own row only by the services' rule.

The routines, views, policies and grants are installed again (they are idempotent); SQLite
has no logins and needs nothing.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _reinstall(connection: sa.Connection) -> None:
    database = connection.engine.url.database or ""
    if connection.dialect.name == "postgresql":
        from app.data.server import postgresql

        postgresql.apply(connection, database)
    elif connection.dialect.name in {"mysql", "mariadb"} and "api_keys_data" in set(
        sa.inspect(connection).get_table_names()
    ):
        from app.data.server import mariadb

        owner = str(connection.exec_driver_sql("SELECT USER()").scalar_one()).rsplit("@", 1)[0]
        mariadb.apply(connection, database, owner)


def upgrade() -> None:
    _reinstall(op.get_bind())


def downgrade() -> None:
    # The wider reading rule of 0006 is not restored: re-opening everyone's row to every
    # member is not a change a downgrade should make behind an admin's back.
    pass
