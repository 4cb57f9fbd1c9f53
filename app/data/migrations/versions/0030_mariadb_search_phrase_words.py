"""MariaDB: each space in a key's name, description or owner's name is also a search word

A term of common words ("tickets to slack", "jira alerts") holds only 3-byte windows that
tens of thousands of keys hold, and InnoDB reads every posting list a FULLTEXT query names
in full: 50-60 ms at 1,000,000 keys before a key is found. Each space with the three bytes
before it and the three after is now a word of its own (``search_mariadb_sql.PHRASE_TAGS``:
"ira ale" in a name is the word ``m69726120616c65``), kept by the same triggers; the
keys that hold the phrase are the few that hold its common words together. The table is
rebuilt with every key (at 1,000,000 keys: minutes). SQLite and PostgreSQL are unchanged.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06 19:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MARIADB = {"mysql", "mariadb"}


def _reinstall(*, phrases: bool) -> None:
    connection = op.get_bind()
    if connection.dialect.name not in _MARIADB:
        return
    # Imported here: the migration is loaded by name on every dialect.
    from app.data.server import search_mariadb_sql

    search_mariadb_sql.uninstall(connection)
    search_mariadb_sql.install(connection, phrases=phrases)


def upgrade() -> None:
    _reinstall(phrases=True)


def downgrade() -> None:
    _reinstall(phrases=False)
