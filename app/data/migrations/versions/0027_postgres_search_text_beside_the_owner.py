"""PostgreSQL: the searched text's trigram index also holds each key's owner

A member sees their own keys only. Their search for a rarer term asked the trigram index of
every key's text, which handed back every key in the database holding the term's trigrams,
and only then kept theirs (``BitmapAnd`` with the owner index): for a member who owns 2.5 %
of 1,000,000 keys, ``etl staging`` read 45,304 keys' entries to keep a few hundred (86 ms).
``ix_api_keys_search_trgm`` is built again as a multicolumn GIN index on ``owner_id`` (through
the trusted ``btree_gin`` extension) and the same expression: the owner narrows the search
inside the index, and a search of every key (an admin's, an auditor's) reads the text's part
as before. It is about the same size (232 MB against 227 at 1,000,000 keys) and is built
again from the keys already there (50 s at 1,000,000); ``app.data.schema.upgrade`` then
analyses the table in a transaction of its own, so that the planner's estimate of a term has
its sample again. SQLite and MariaDB are unchanged.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 02:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from app.data.search_schema import PG_SEARCH_EXPRESSION, PG_TEXT_INDEX, create_pg_text_search

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    op.execute(f"DROP INDEX IF EXISTS {PG_TEXT_INDEX}")
    create_pg_text_search(connection)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    op.execute(f"DROP INDEX IF EXISTS {PG_TEXT_INDEX}")
    op.execute(
        f"CREATE INDEX {PG_TEXT_INDEX} ON api_keys USING gin (({PG_SEARCH_EXPRESSION}) gin_trgm_ops)"
    )
    op.execute(f"ALTER INDEX {PG_TEXT_INDEX} ALTER COLUMN 1 SET STATISTICS 1000")
