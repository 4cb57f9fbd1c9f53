"""MariaDB: an index of the audit trail's (actor, action, seq)

The audit view's free text beside a person and an action walks their newest events first.
Read through the definer view ``audit_events``, MariaDB answered both filters by
intersecting the person's and the action's indexes and sorting the result (400 ms for the
busiest person's edits at 1,000,000 events), and walked the person's index past the walk's
end (1 s). With this index (and index-merge intersection switched off for the statement
that finds where the walk ends) the two take 25 and 34 ms. SQLite and PostgreSQL, which
pick their indexes for these statements well, are unchanged.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MARIADB = {"mysql", "mariadb"}
INDEX = "ix_audit_events_actor_action_seq"


def upgrade() -> None:
    if op.get_bind().dialect.name in _MARIADB:
        op.execute(f"CREATE INDEX `{INDEX}` ON `audit_events_data` (`actor`, `action`, `seq`)")


def downgrade() -> None:
    if op.get_bind().dialect.name in _MARIADB:
        op.execute(f"DROP INDEX `{INDEX}` ON `audit_events_data`")
