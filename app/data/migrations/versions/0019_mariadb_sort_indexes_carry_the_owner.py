"""MariaDB: the keys' sort indexes carry ``owner_id``, so a login's walk reads the index alone

A login reads the keys through the definer view ``api_keys``, whose reading rule names the
key's ``owner_id``; an index of ``(column, id)`` did not hold it, so every step along a sort
order read the key's whole row (about 4 µs a row at 1,000,000 keys): finding where a walk
of 12,000 rows ends cost 48 ms, and reaching the first "… ETL Staging" name 84 ms, where
the owner reading the table itself took 1.3. The sort indexes now end in ``owner_id``
(InnoDB keeps the primary key in every index anyway): the same reads through the view take
1.5 and 4.0 ms. PostgreSQL did the same for its name and owner indexes in 0018 (``INCLUDE``);
SQLite has no reading rule. SQLite and PostgreSQL are unchanged.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MARIADB = {"mysql", "mariadb"}

#: The sort indexes of ``api_keys_data``: (name, the columns before ``owner_id``).
SORT_INDEXES = (
    ("ix_api_keys_name_id", "`name`, `id`"),
    ("ix_api_keys_owner_name_id", "`owner_name`, `id`"),
    ("ix_api_keys_state_id", "`state`, `id`"),
    ("ix_api_keys_last_used_at_id", "`last_used_at`, `id`"),
    ("ix_api_keys_expires_at_id", "`expires_at`, `id`"),
    ("ix_api_keys_created_at_id", "`created_at`, `id`"),
    ("ix_api_keys_updated_at_id", "`updated_at`, `id`"),
    ("ix_api_keys_created_at_id_state", "`created_at`, `id`, `state`"),
)


def _rebuild(owner: str) -> None:
    # One statement: InnoDB builds the new indexes in one pass, and the table is never
    # without one of them.
    changes = ", ".join(
        f"DROP INDEX `{index}`, ADD INDEX `{index}` ({columns}{owner})"
        for index, columns in SORT_INDEXES
    )
    op.execute(f"ALTER TABLE `api_keys_data` {changes}")


def upgrade() -> None:
    if op.get_bind().dialect.name in _MARIADB:
        _rebuild(", `owner_id`")


def downgrade() -> None:
    if op.get_bind().dialect.name in _MARIADB:
        _rebuild("")
