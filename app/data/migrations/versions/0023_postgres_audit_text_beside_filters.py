"""PostgreSQL: the audit trail's free-text indexes lead with the action and the actor

A term beside an action or a person it seldom or never meets ("leaked" among 450,000 edits)
read the term's newest events until a hundred had been turned away, then every event of the
action: 2.9 s at 1,000,000 events. Both free-text indexes (0014's trigrams, 0022's pieces)
are rebuilt with the action and the actor (lower-cased, so that only the function reads
them there) as their first columns (``btree_gin``, a trusted extension), and the definer function ``kw_search_events_where`` finds the newest events of
an action and/or a person that hold the term from one GIN scan of all of them. The audit
view walks the filter's own newest events first (where that walk stops: the definer function
``kw_nth_event_where``) and asks the function only for the rest. A one-character term, which
was walked along the whole trail, is found through the pieces with it that some event holds
(``kw_search_events_by_pairs``, redefined with the rest by ``postgresql.apply``).
SQLite and MariaDB are unchanged.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from app.data.search_schema import AUDIT_FILTER_COLUMNS, index_pg_audit_filters

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        from app.data.server import postgresql

        index_pg_audit_filters(connection, leading=AUDIT_FILTER_COLUMNS)
        postgresql.apply(connection, connection.engine.url.database or "")


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        for function in (
            "kw_search_events_where(text, text, text, text, text, integer, integer, integer)",
            "kw_nth_event_where(text, text, integer, integer, integer)",
            "kw_where_event(text, text, boolean)",
        ):
            connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function}")
        index_pg_audit_filters(connection, leading=())
        # kw_event_pairs_condition stays: kw_search_events_by_pairs, as 0023 redefined it,
        # asks it (0022's downgrade drops both).
