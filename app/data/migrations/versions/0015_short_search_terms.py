"""1-2 character search terms through SQLite's trigram indexes

A term too short for a trigram read every key (or every event): a term that matches nothing
took 0.3 s at 1,000,000 keys. SQLite's two FTS5 tables are built again with every field
followed by two unit separators, so that each place a 1-2 character term occurs starts a
trigram, and each gets an ``fts5vocab`` table: the trigrams that start with a short term,
read from the vocabulary in a millisecond, say whether any key or event holds it and find
the few that do (``app.data.search_schema.grams_starting_with``). The keys' table becomes
contentless (its values are the padded fields, which no table holds). Building both over
1,000,000 keys and events takes a minute or two. PostgreSQL and MariaDB are unchanged.

Downgrading leaves the padded tables: they answer the earlier revision's searches alike
(its terms never hold the separator).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from app.data.search_schema import (
    create_audit_search,
    create_search_structures,
    drop_audit_search,
    drop_search_structures,
)

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    drop_search_structures(connection)
    create_search_structures(connection)
    drop_audit_search(connection)
    create_audit_search(connection)


def downgrade() -> None:
    """Nothing to undo (see the module's note)."""
