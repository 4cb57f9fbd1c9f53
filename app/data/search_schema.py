"""Per-dialect structures behind substring search (DESIGN §4).

* SQLite: an external-content FTS5 table with the trigram tokenizer, kept in step by
  triggers, so a rare term is found through the index instead of a scan.
* PostgreSQL: a ``pg_trgm`` GIN index over one lower-cased expression of the searched columns.
* MariaDB: InnoDB FULLTEXT over a table of byte trigrams kept by triggers
  (:mod:`app.data.server.search_mariadb_sql`, migration 0009). It needs the ``<name>_data``
  tables of revision 0002, so migration 0001 makes nothing there.
"""

from __future__ import annotations

import sqlalchemy as sa

# Fields are joined with the unit separator, which validation keeps out of every input, so
# a term can never match across two fields.
PG_SEARCH_EXPRESSION = (
    "lower(name || chr(31) || description || chr(31) || owner_name || chr(31) || key_id)"
)

_SQLITE = [
    """CREATE VIRTUAL TABLE api_keys_fts USING fts5(
        name, description, owner_name, key_id,
        content='api_keys', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER api_keys_fts_insert AFTER INSERT ON api_keys BEGIN
        INSERT INTO api_keys_fts(rowid, name, description, owner_name, key_id)
        VALUES (new.id, new.name, new.description, new.owner_name, new.key_id);
    END""",
    """CREATE TRIGGER api_keys_fts_delete AFTER DELETE ON api_keys BEGIN
        INSERT INTO api_keys_fts(api_keys_fts, rowid, name, description, owner_name, key_id)
        VALUES ('delete', old.id, old.name, old.description, old.owner_name, old.key_id);
    END""",
    """CREATE TRIGGER api_keys_fts_update AFTER UPDATE OF name, description, owner_name
    ON api_keys BEGIN
        INSERT INTO api_keys_fts(api_keys_fts, rowid, name, description, owner_name, key_id)
        VALUES ('delete', old.id, old.name, old.description, old.owner_name, old.key_id);
        INSERT INTO api_keys_fts(rowid, name, description, owner_name, key_id)
        VALUES (new.id, new.name, new.description, new.owner_name, new.key_id);
    END""",
]


def _mariadb_ready(connection: sa.Connection) -> bool:
    """MariaDB at revision 0002 or later (the keys are in ``api_keys_data``)."""
    return connection.dialect.name in {"mysql", "mariadb"} and bool(
        connection.exec_driver_sql(
            "SELECT COUNT(*) FROM information_schema.TABLES"
            " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'api_keys_data'"
        ).scalar_one()
    )


def create_search_structures(connection: sa.Connection) -> None:
    dialect = connection.dialect.name
    if _mariadb_ready(connection):
        from app.data.server import search_mariadb_sql

        search_mariadb_sql.install(connection)
    if dialect == "sqlite":
        for statement in _SQLITE:
            connection.exec_driver_sql(statement)
    elif dialect == "postgresql":
        # pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it.
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        connection.exec_driver_sql(
            "CREATE INDEX ix_api_keys_search_trgm ON api_keys "
            f"USING gin (({PG_SEARCH_EXPRESSION}) gin_trgm_ops)"
        )
        # The planner chooses between this index (few matches) and walking the sort index
        # (many) from ANALYZE's sample of the expression. The default sample cannot tell a
        # term in 0.5 % of a million keys from an absent one; this one can (benchmarked).
        connection.exec_driver_sql(
            "ALTER INDEX ix_api_keys_search_trgm ALTER COLUMN 1 SET STATISTICS 1000"
        )


def drop_search_structures(connection: sa.Connection) -> None:
    dialect = connection.dialect.name
    if _mariadb_ready(connection):
        from app.data.server import search_mariadb_sql

        search_mariadb_sql.uninstall(connection)
    if dialect == "sqlite":
        for name in ("api_keys_fts_insert", "api_keys_fts_delete", "api_keys_fts_update"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        connection.exec_driver_sql("DROP TABLE IF EXISTS api_keys_fts")
    elif dialect == "postgresql":
        connection.exec_driver_sql("DROP INDEX IF EXISTS ix_api_keys_search_trgm")


# --------------------------------------------------------------------------- the audit trail

#: SQLite: the audit view's free text (a key id, a reason, a key's name in either snapshot)
#: as one FTS5 trigram column, the fields joined by the unit separator. The table keeps its
#: own copy of that text (a few dozen bytes an event): the names are inside the snapshots'
#: JSON, so no external-content table could point at them. Read newest first and stopped at
#: a page, it finds 100 matches or none in milliseconds at 1,000,000 events.
AUDIT_FTS = "audit_events_fts"

_AUDIT_FTS_BODY = (
    "coalesce({row}.target_id, '') || char(31) || coalesce({row}.reason, '')"
    " || char(31) || coalesce(CASE WHEN json_valid({row}.before)"
    " THEN json_extract({row}.before, '$.name') END, '')"
    " || char(31) || coalesce(CASE WHEN json_valid({row}.after)"
    " THEN json_extract({row}.after, '$.name') END, '')"
)

_AUDIT_SQLITE = [
    f"CREATE VIRTUAL TABLE {AUDIT_FTS} USING fts5(body, tokenize='trigram')",
    f"""CREATE TRIGGER {AUDIT_FTS}_insert AFTER INSERT ON audit_events BEGIN
        INSERT INTO {AUDIT_FTS}(rowid, body) VALUES (new.seq, {_AUDIT_FTS_BODY.format(row="new")});
    END""",  # noqa: S608 - fixed text
    # The trail is append-only; these keep the index true to a file someone changed by hand
    # (the integrity check is what tells them, and it must still find the changed rows).
    f"""CREATE TRIGGER {AUDIT_FTS}_delete AFTER DELETE ON audit_events BEGIN
        DELETE FROM {AUDIT_FTS} WHERE rowid = old.seq;
    END""",  # noqa: S608 - fixed text
    f"""CREATE TRIGGER {AUDIT_FTS}_update AFTER UPDATE ON audit_events BEGIN
        DELETE FROM {AUDIT_FTS} WHERE rowid = old.seq;
        INSERT INTO {AUDIT_FTS}(rowid, body) VALUES (new.seq, {_AUDIT_FTS_BODY.format(row="new")});
    END""",  # noqa: S608 - fixed text
    f"""INSERT INTO {AUDIT_FTS}(rowid, body)
        SELECT seq, {_AUDIT_FTS_BODY.format(row="audit_events")} FROM audit_events""",  # noqa: S608 - fixed text
]


#: PostgreSQL: the same text as one lower-cased expression, under a ``pg_trgm`` GIN index
#: (migration 0014). ``kw_snapshot_field`` (app.data.server.postgresql) is IMMUTABLE and
#: answers NULL for text that is not JSON. People read it through the definer function
#: ``kw_search_events``: row-level security would keep their LIKE from the index.
PG_AUDIT_EXPRESSION = (
    "lower(coalesce(target_id, '') || chr(31) || coalesce(reason, '') || chr(31)"
    " || coalesce(kw_snapshot_field(before, 'name'), '') || chr(31)"
    " || coalesce(kw_snapshot_field(after, 'name'), ''))"
)
PG_AUDIT_INDEX = "ix_audit_events_text_trgm"


def create_audit_search(connection: sa.Connection) -> None:
    """The audit trail's free-text index on SQLite (revision 0012), filled from the events."""
    if connection.dialect.name == "sqlite":
        for statement in _AUDIT_SQLITE:
            connection.exec_driver_sql(statement)


def drop_audit_search(connection: sa.Connection) -> None:
    if connection.dialect.name == "sqlite":
        for suffix in ("insert", "delete", "update"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {AUDIT_FTS}_{suffix}")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {AUDIT_FTS}")


def create_pg_audit_search(connection: sa.Connection) -> None:
    """PostgreSQL's audit free-text index (revision 0014), built over the existing events."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        connection.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS {PG_AUDIT_INDEX} ON audit_events"
            f" USING gin (({PG_AUDIT_EXPRESSION}) gin_trgm_ops)"
        )
        # As for the keys' index: a sample that tells a rare term from a common one.
        connection.exec_driver_sql(
            f"ALTER INDEX {PG_AUDIT_INDEX} ALTER COLUMN 1 SET STATISTICS 1000"
        )
        connection.exec_driver_sql("ANALYZE audit_events")


def drop_pg_audit_search(connection: sa.Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {PG_AUDIT_INDEX}")
