"""MariaDB: the audit trail's search words are also kept by action

The audit view's free text beside an action on MariaDB walks the action's newest events,
then asks the FULLTEXT index for the term's events and checks each. InnoDB FULLTEXT reads
each word's whole list and cannot be combined with the action's index, so a term beside an
action it never meets ("leaked" among the edits) read every event holding the term and
walked the action's (441 ms at 1,000,000 events). Every event's words are now written a
second time, tagged by its action (``a`` and three digits of the action's CRC-32:
``search_mariadb_sql.tag``), and a term beside an action asks for those: their lists
hold that action's events only. The table is rebuilt with every event; the downgrade
rebuilds it with the plain words. SQLite and PostgreSQL are unchanged (their indexes take
the action as a condition: PostgreSQL's lead with it since 0023).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 18:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MARIADB = {"mysql", "mariadb"}


def _reinstall(tagged_by: tuple[str, ...]) -> None:
    connection = op.get_bind()
    if connection.dialect.name not in _MARIADB:
        return
    # Imported here: the migration is loaded by name on every dialect.
    from app.data.server import search_mariadb_sql

    search_mariadb_sql.uninstall_events(connection)
    search_mariadb_sql.install_events(connection, tagged_by=tagged_by)


def upgrade() -> None:
    _reinstall(("action",))


def downgrade() -> None:
    _reinstall(())
