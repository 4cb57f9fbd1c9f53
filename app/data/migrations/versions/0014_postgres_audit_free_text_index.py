"""PostgreSQL: the audit view's free text through a trigram index

Free text in the audit view (a key id, a reason, a key's name in either snapshot) read every
event on PostgreSQL. The same text is now one lower-cased expression under a ``pg_trgm`` GIN
index (``ix_audit_events_text_trgm``), read newest first through the definer function
``kw_search_events`` (row-level security would keep a login's LIKE from the index; the
function applies ``audit_events``' reading rule itself: every event for the owner, a
superuser and an active auditor, manager or admin, nothing for anyone else, so a member's
search reads their own events as before). Building the index reads every event once.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 14:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from app.data.search_schema import create_pg_audit_search, drop_pg_audit_search

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        from app.data.server import postgresql

        create_pg_audit_search(connection)
        postgresql.apply(connection, connection.engine.url.database or "")


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "DROP FUNCTION IF EXISTS kw_search_events(text, text, integer, integer, integer)"
        )
        drop_pg_audit_search(connection)
