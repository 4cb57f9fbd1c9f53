"""MariaDB: the audit trail's search words are also kept by person

The audit view's free text beside a person on MariaDB walks the person's newest events,
then asks the FULLTEXT index for the term's events and checks each. InnoDB FULLTEXT reads
each word's whole list and cannot be combined with the person's index, so a term beside a
busy person who never meets it ("retired" among the busiest admin's events) read every
event holding the term. Since 0025 the words are also written tagged by the event's action;
they are now written a third time, tagged by its person (``p`` and three digits of the
login's CRC-32: ``search_mariadb_sql.tag``), and a term beside a person (with no action)
asks for those: their lists hold that person's events only. The table is rebuilt with every
event; the downgrade rebuilds it with 0025's words. SQLite and PostgreSQL are unchanged.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
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
    _reinstall(("action", "actor"))


def downgrade() -> None:
    _reinstall(("action",))
