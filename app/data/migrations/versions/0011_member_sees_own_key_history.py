"""members keep the history of their own keys after a deletion or a move

A member's login read a key's events only while the key still existed with them as its
owner (or when they had acted on it themselves). Once an admin deleted the key, or it moved
to another owner, its events vanished from the member's view — the ``key.deleted`` event
too, so a member's open window never learned that the key was gone, and the audit view lost
the history of the member's own deleted keys. Now a member also reads a key event whose
``before`` or ``after`` snapshot names them as the key's ``owner``: PostgreSQL's ``kw_read``
policy on ``audit_events`` (through ``kw_snapshot_field``, which answers NULL for text that is
not JSON instead of failing the read) and MariaDB's ``audit_events`` view say so.

The routines, views, policies and grants are installed again (they are idempotent); SQLite
has no logins, and the services apply the same rule there.

MariaDB also gets PostgreSQL's ``kw_change_seq()`` (``app.data.server.notify_sql``): a
member's window asked for the newest event it may see, a walk backwards through everyone's
events on every poll; now it asks the chain head's number in one call, as on PostgreSQL.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 16:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
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
        from app.data.server import mariadb, notify_sql

        owner = str(connection.exec_driver_sql("SELECT USER()").scalar_one()).rsplit("@", 1)[0]
        mariadb.apply(connection, database, owner)
        notify_sql.install_mariadb(connection)


def upgrade() -> None:
    _reinstall(op.get_bind())


def downgrade() -> None:
    # The narrower reading rule of 0010 is not restored: hiding a member's own deleted keys
    # from them again is not a change a downgrade should make behind an admin's back. The
    # counter goes: the console of 0010 does not call it.
    connection = op.get_bind()
    if connection.dialect.name in {"mysql", "mariadb"}:
        from app.data.server import notify_sql

        notify_sql.remove_mariadb(connection)
