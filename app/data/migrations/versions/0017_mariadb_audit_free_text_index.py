"""the audit view's free text through an index on MariaDB

Free text in the audit view read every event on MariaDB (3.4 s at 1,000,000 events for a
term that one event holds). MariaDB now keeps each event's searched text (its key id, its
reason and the key's name in either snapshot) as the byte-trigram words of the keys' search
index (migration 0009) in ``audit_event_search_data``, filled here from the existing events
and kept by triggers on ``audit_events_data``, under InnoDB FULLTEXT; those who read every
event read it through the definer view ``audit_event_search``
(``app.data.server.search_mariadb_sql``). SQLite and PostgreSQL are unchanged.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 01:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MARIADB = {"mysql", "mariadb"}


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name not in _MARIADB:
        return
    # Imported here: the migration is loaded by name on every dialect.
    from app.data.server import search_mariadb_sql

    search_mariadb_sql.install_events(connection)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name not in _MARIADB:
        return
    from app.data.server import search_mariadb_sql

    search_mariadb_sql.uninstall_events(connection)
