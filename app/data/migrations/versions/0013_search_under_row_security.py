"""PostgreSQL: a person's key search reads the trigram index again

Row-level security makes PostgreSQL apply a table's policy before any condition that is not
leakproof, and ``LIKE`` is not: the ``pg_trgm`` index of revision 0001 served only the
schema owner, whom the policies do not bind. Every other login's search read each key it may
see, one by one (0.1–0.5 s at 200,000 keys, seconds at 1,000,000). ``kw_search_keys`` and
``kw_search_keys_estimate`` read the index with the owner's rights and apply ``api_keys``'
reading rule themselves (every key for auditors, managers and admins; their own for a member;
none for the verifier or a deactivated login). The routines and grants are installed again
(idempotent). SQLite and MariaDB are unchanged (MariaDB reads through definer views).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 13:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        from app.data.server import postgresql

        postgresql.apply(connection, connection.engine.url.database or "")


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        # The console of 0012 does not call them.
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS kw_search_keys_estimate(text)")
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS kw_search_keys(text)")
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS kw_sees_every_key()")
