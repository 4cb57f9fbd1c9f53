"""PostgreSQL: a member's short search terms from an index of each key's pieces

``pg_trgm`` makes trigrams of words of three letters or digits, so a term without one ("7q",
"q%", "w_e", "%") cannot narrow a search through it. For those who see every key a common
one is walked along the sort and an absent one answered from the pieces every key has held
(0016); a member, who sees their own keys only, had a term few of their keys hold answered by
reading every one of them: 90-130 ms for a member who owns 24,495 of 1,000,000 keys. Each
key's searched text is now also indexed as its two-character pieces (``kw_text_pairs``, the
audit trail's since 0022) beside its owner (``btree_gin``): the definer function
``kw_search_keys_by_pairs`` (``kw_search_keys``' reading rule) finds the keys holding every
piece of the term, or for one character any piece with it, and checks them with the same
``LIKE``. The index is 174 MB at 1,000,000 keys and takes minutes to build there. The test of
an event's pieces is now the same function as a key's (``kw_pairs_condition``). SQLite and
MariaDB are unchanged.

Downgrading drops the index and the function; ``kw_pairs_condition`` stays (the audit trail's
functions call it).

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from app.data.search_schema import PG_PAIRS_INDEX, create_pg_pairs_search

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    from app.data.server import postgresql

    # Each key's pieces are sorted in memory before they are written: more of it, fewer
    # passes (this transaction only).
    op.execute("SET LOCAL maintenance_work_mem = '256MB'")
    create_pg_pairs_search(connection)
    postgresql.apply(connection, connection.engine.url.database or "")


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION IF EXISTS kw_search_keys_by_pairs(text, text)")
    op.execute(f"DROP INDEX IF EXISTS {PG_PAIRS_INDEX}")
