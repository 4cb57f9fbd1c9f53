"""change notifications

On PostgreSQL a trigger on ``audit_events`` sends ``NOTIFY keyward_changes`` when a change
commits, so an open console shows it at once instead of at its next poll, and
``kw_change_seq()`` lets every reading role (members too) ask the chain head's number in one
cheap call; see ``app.data.server.notify_sql``. SQLite and MariaDB have no notifications:
their consoles poll the change counter and need nothing here.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        from app.data.server import notify_sql

        notify_sql.install(connection)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        from app.data.server import notify_sql

        notify_sql.remove(connection)
