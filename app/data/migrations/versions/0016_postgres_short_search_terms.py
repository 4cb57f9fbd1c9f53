"""PostgreSQL: a search term too short for the trigram index that no key or event holds

``pg_trgm`` makes trigrams of letters and digits only, so a term without a word of three of
them ("q%", "%_%", "7q") reads every key: 1.4 s at 1,000,000 keys for one that matches
nothing. ``kw_search_pairs`` now holds every two-character piece of every key's searched
text, kept by a trigger on ``api_keys`` and filled here from the keys already there; the
definer function ``kw_search_may_hold`` tells those who see every key that a term with a
piece no key ever held matches nothing. The audit view's free text gets the same
(``kw_event_search_pairs``, a trigger on ``audit_events``, ``kw_events_may_hold``): two
characters no event holds read all 1,000,000 events in 4 s. Only the schema owner reads the
tables. SQLite and MariaDB are unchanged.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from app.data.search_schema import EVENT_PAIRS, KEY_PAIRS

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        from app.data.server import postgresql

        KEY_PAIRS.create(connection)
        EVENT_PAIRS.create(connection)
        postgresql.apply(connection, connection.engine.url.database or "")


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        # The console of 0015 does not call them.
        for function in ("kw_search_may_hold(text)", "kw_events_may_hold(text)"):
            connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function}")
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS kw_pairs_may_hold(text, text)")
        EVENT_PAIRS.drop(connection)
        KEY_PAIRS.drop(connection)
