"""the audit view's free text through an index on SQLite

Free text in the audit view (a key id, a reason, a key's name in either snapshot) read every
event: 1.5 s of CPU at 1,000,000 events for a term that matches nothing. SQLite now keeps
that text in an FTS5 trigram table (``audit_events_fts``), filled here from the existing
events and kept by triggers on ``audit_events``; the audit view reads it newest first and
stops at a page. Building it over 1,000,000 existing events takes about ten seconds.

A later migration that rebuilds ``audit_events`` on SQLite (a batch ALTER) must create the
triggers again.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 02:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from app.data.search_schema import create_audit_search, drop_audit_search

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_audit_search(op.get_bind())


def downgrade() -> None:
    drop_audit_search(op.get_bind())
