"""access reviews and needs attention

Two tables — ``reviews`` and ``review_items`` — for access reviews that key owners answer, and
the indexes that make the Needs-attention groups and the People view fast at 1,000,000 keys
(tests/benchmarks/bench_hygiene.py).
On PostgreSQL and MariaDB only the definer routines of ``app.data.server.reviews_sql`` write
them; on MariaDB they are ``<name>_data`` behind definer views ``<name>``, like every other
table there.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 09:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.data.types import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MARIADB = {"mysql", "mariadb"}


KEY_INDEXES = (
    (
        "ix_api_keys_state_last_used_at_created_at",
        ["state", "last_used_at", "created_at", "id", "expires_at"],
    ),
    ("ix_api_keys_created_at_id_state", ["created_at", "id", "state"]),
    (
        "ix_api_keys_owner_id_state_expires_at_last_used_at",
        ["owner_id", "state", "expires_at", "last_used_at"],
    ),
)
#: Partial: only where the database has partial indexes (not MariaDB).
UNDOCUMENTED = ("ix_api_keys_undocumented_name_id", ["name", "id", "state", "description"])


def _names(connection: sa.Connection) -> tuple[str, str, bool]:
    """(reviews table, items table, behind views) as stored on this dialect."""
    if connection.dialect.name in _MARIADB and "users_data" in set(
        sa.inspect(connection).get_table_names()
    ):
        return "reviews_data", "review_items_data", True
    return "reviews", "review_items", False


def upgrade() -> None:
    connection = op.get_bind()
    reviews, items, _views = _names(connection)
    op.create_table(
        reviews,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("instructions", sa.String(length=2000), nullable=False),
        sa.Column("scope_owner", sa.String(length=64), nullable=True),
        sa.Column("scope_search", sa.String(length=200), nullable=True),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("started_by", sa.String(length=64), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    op.create_table(
        items,
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("key_name", sa.String(length=100), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("owner_login", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("answered_by", sa.String(length=64), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["review_id"],
            [f"{reviews}.id"],
            name=op.f("fk_review_items_review_id_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("review_id", "key_id", name=op.f("pk_review_items")),
    )
    with op.batch_alter_table(items, schema=None) as batch_op:
        batch_op.create_index(
            "ix_review_items_owner_id_review_id", ["owner_id", "review_id"], unique=False
        )

    keys = "api_keys_data" if _views else "api_keys"
    for name, columns in KEY_INDEXES:
        op.create_index(name, keys, columns, unique=False)
    if connection.dialect.name in {"sqlite", "postgresql"}:
        name, columns = UNDOCUMENTED
        where = sa.text("description = ''")
        op.create_index(
            name, keys, columns, unique=False, sqlite_where=where, postgresql_where=where
        )

    from app.data.server import reviews_sql

    if connection.dialect.name == "postgresql":
        reviews_sql.apply(connection, reviews_sql.POSTGRESQL)
    elif _views:
        reviews_sql.apply(connection, reviews_sql.MARIADB)


def downgrade() -> None:
    connection = op.get_bind()
    reviews, items, views = _names(connection)
    from app.data.server import reviews_sql

    if connection.dialect.name == "postgresql":
        reviews_sql.apply(connection, reviews_sql.POSTGRESQL_DOWN)
    elif views:
        reviews_sql.apply(connection, reviews_sql.MARIADB_DOWN)
    with op.batch_alter_table(items, schema=None) as batch_op:
        batch_op.drop_index("ix_review_items_owner_id_review_id")
    op.drop_table(items)
    op.drop_table(reviews)
    keys = "api_keys_data" if views else "api_keys"
    if connection.dialect.name in {"sqlite", "postgresql"}:
        op.drop_index(UNDOCUMENTED[0], table_name=keys)
    for name, _columns in reversed(KEY_INDEXES):
        op.drop_index(name, table_name=keys)
