"""PostgreSQL: the audit trail's short terms from an index of each event's two-character pieces

``pg_trgm`` makes trigrams of words of three letters or digits, so the audit view's free text
walked the trail for any other term ("7q", "q%", "a-b"): one that few events hold read every
event (4 s at 1,000,000); 0016 answers at once only a term no event holds. Each event's
pieces of that text are now an array (``kw_text_pairs``) under a GIN index, read through the
definer function ``kw_search_events_by_pairs`` by those who read every event: the events
holding every piece of the term, newest first, then the same ``LIKE``. SQLite (its FTS5
vocabulary) and MariaDB (its byte-trigram words) are unchanged.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 14:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from app.data.search_schema import create_pg_audit_pairs, drop_pg_audit_pairs

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        from app.data.server import postgresql

        create_pg_audit_pairs(connection)
        postgresql.apply(connection, connection.engine.url.database or "")


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "DROP FUNCTION IF EXISTS"
            " kw_search_events_by_pairs(text, text, text, integer, integer, integer)"
        )
        # Asked by that function since 0023.
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS kw_event_pairs_condition(text)")
        drop_pg_audit_pairs(connection)
