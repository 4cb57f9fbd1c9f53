"""Per-dialect structures behind substring search (DESIGN §4).

* SQLite: a contentless FTS5 table with the trigram tokenizer, kept in step by triggers,
  so a rare term is found through the index instead of a scan. Every field is indexed
  followed by two unit separators (:data:`PAD`), so that each place a 1-2 character term
  occurs starts a trigram: the index's vocabulary (an ``fts5vocab`` table) then tells which
  trigrams, if any, hold a short term (:func:`grams_starting_with`, migration 0015).
* PostgreSQL: a ``pg_trgm`` GIN index over one lower-cased expression of the searched columns
  beside the key's owner (:data:`PG_TEXT_INDEX`), one over each column apart
  (:data:`PG_COLUMN_INDEX`), and one of that expression's two-character pieces beside the
  owner (:data:`PG_PAIRS_INDEX`).
* MariaDB: InnoDB FULLTEXT over a table of byte trigrams kept by triggers
  (:mod:`app.data.server.search_mariadb_sql`, migration 0009). It needs the ``<name>_data``
  tables of revision 0002, so migration 0001 makes nothing there.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# Fields are joined with the unit separator, which validation keeps out of every input, so
# a term can never match across two fields.
_PG_SEARCH_TEMPLATE = (
    "lower({row}name || chr(31) || {row}description || chr(31) || {row}owner_name"
    " || chr(31) || {row}key_id)"
)
PG_SEARCH_EXPRESSION = _PG_SEARCH_TEMPLATE.format(row="")

#: Appended to every indexed field: validation keeps the unit separator out of every input,
#: so it only ever follows a field's end, and two of them put a trigram after every character.
PAD = "char(31, 31)"
KEY_FTS = "api_keys_fts"
KEY_FTS_VOCAB = "api_keys_fts_vocab"
_KEY_FTS_COLUMNS = ("name", "description", "owner_name", "key_id")


def _key_fts_values(row: str) -> str:
    return ", ".join(f"{row}.{column} || {PAD}" for column in _KEY_FTS_COLUMNS)


_KEY_FTS_NAMES = ", ".join(_KEY_FTS_COLUMNS)
# Contentless: the indexed values are the padded fields, which no table holds. A trigger
# deletes a row's old values as they were indexed ('delete' needs them exactly).
_SQLITE = [
    f"""CREATE VIRTUAL TABLE {KEY_FTS} USING fts5({_KEY_FTS_NAMES},
        content='', tokenize='trigram')""",
    f"CREATE VIRTUAL TABLE {KEY_FTS_VOCAB} USING fts5vocab({KEY_FTS}, row)",
    f"""CREATE TRIGGER api_keys_fts_insert AFTER INSERT ON api_keys BEGIN
        INSERT INTO {KEY_FTS}(rowid, {_KEY_FTS_NAMES}) VALUES (new.id, {_key_fts_values("new")});
    END""",  # noqa: S608 - fixed text
    f"""CREATE TRIGGER api_keys_fts_delete AFTER DELETE ON api_keys BEGIN
        INSERT INTO {KEY_FTS}({KEY_FTS}, rowid, {_KEY_FTS_NAMES})
        VALUES ('delete', old.id, {_key_fts_values("old")});
    END""",  # noqa: S608 - fixed text
    f"""CREATE TRIGGER api_keys_fts_update AFTER UPDATE OF name, description, owner_name
    ON api_keys BEGIN
        INSERT INTO {KEY_FTS}({KEY_FTS}, rowid, {_KEY_FTS_NAMES})
        VALUES ('delete', old.id, {_key_fts_values("old")});
        INSERT INTO {KEY_FTS}(rowid, {_KEY_FTS_NAMES}) VALUES (new.id, {_key_fts_values("new")});
    END""",  # noqa: S608 - fixed text
    # Every existing key (none in a new database; the seeding scripts insert first).
    f"""INSERT INTO {KEY_FTS}(rowid, {_KEY_FTS_NAMES})
        SELECT id, {_key_fts_values("api_keys")} FROM api_keys""",  # noqa: S608 - fixed text
]


def grams_starting_with(
    session: Session, vocabulary: str, prefix: str, *, most_grams: int, most_rows: int
) -> list[str] | None:
    """The indexed trigrams that start with ``prefix`` (a 1-2 character term as the trigram
    tokenizer folds it: :func:`case_forms`), read from ``vocabulary`` in term order.

    With the fields padded (:data:`PAD`), a row holds the term exactly when it holds one of
    these trigrams, so none means no row holds it. None: more than ``most_grams`` trigrams or
    more than ``most_rows`` rows holding them (a common term, which the caller reads another
    way); the vocabulary counts each trigram's rows as it goes, so that stops early.
    """
    high = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    result = session.execute(
        sa.text(f"SELECT term, doc FROM {vocabulary} WHERE term >= :low AND term < :high"),  # noqa: S608 - fixed names
        {"low": prefix, "high": high},
    )
    grams: list[str] = []
    rows = 0
    for gram, holding in result:
        grams.append(gram)
        rows += holding
        if len(grams) > most_grams or rows > most_rows:
            result.close()
            return None
    return grams


def case_forms(term: str) -> list[str]:
    """The forms SQLite's trigram tokenizer may have folded a 1-2 character ``term`` to, as
    the vocabulary holds them, also where the search compares letters' case: an ASCII
    character lower-cased (as the tokenizer folds it); any other as it is, lower-, upper-
    and title-cased and case-folded, and so again for each of those (the tokenizer folds one
    character to one: "İ" to itself, "ẞ" to "ß"; a form of more characters is left out)."""

    def cased(char: str) -> set[str]:
        forms = {char, char.lower(), char.upper(), char.title(), char.casefold()}
        return {form for form in forms if len(form) == 1}

    choices = []
    for char in term:
        if char.isascii():
            choices.append([char.lower()])
        else:
            choices.append(sorted(set().union(*map(cased, cased(char)))))
    return ["".join(form) for form in itertools.product(*choices)]


def grams_of_forms(
    session: Session, vocabulary: str, term: str, *, most_grams: int, most_rows: int
) -> list[str] | None:
    """:func:`grams_starting_with` for every form of ``term`` (:func:`case_forms`): the
    indexed trigrams a row holding ``term`` holds one of (none: no row holds it); None when
    they run over ``most_grams`` in all or one form's rows over ``most_rows``."""
    grams: list[str] = []
    for form in case_forms(term):
        found = grams_starting_with(
            session,
            vocabulary,
            form,
            most_grams=most_grams - len(grams),
            most_rows=most_rows,
        )
        if found is None:
            return None
        grams += found
    return grams


def any_of(grams: list[str]) -> str:
    """An FTS5 query for the rows holding any of ``grams`` (trigrams)."""
    return " OR ".join('"' + gram.replace('"', '""') + '"' for gram in grams)


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
        create_pg_text_search(connection)
        create_pg_column_search(connection)
        KEY_PAIRS.create(connection)
        create_pg_pairs_search(connection)


#: PostgreSQL: the whole searched text's trigrams, beside the key's owner (migration 0027).
#: A multicolumn GIN index answers a condition on either column alone (an admin's search
#: reads the text's part only) or on both at once: a member's search (their own keys only)
#: is narrowed by owner inside the index, instead of fetching every key in the database
#: whose text holds the term's trigrams and keeping theirs (``etl staging``: 45,304 keys).
PG_TEXT_INDEX = "ix_api_keys_search_trgm"


def create_pg_text_search(connection: sa.Connection) -> None:
    # btree_gin (for owner_id's part) is a trusted extension, as pg_trgm is.
    connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS btree_gin")
    connection.exec_driver_sql(
        f"CREATE INDEX IF NOT EXISTS {PG_TEXT_INDEX} ON api_keys "
        f"USING gin (owner_id, ({PG_SEARCH_EXPRESSION}) gin_trgm_ops)"
    )
    # The planner chooses between this index (few matches) and walking the sort index
    # (many) from ANALYZE's sample of the expression. The default sample cannot tell a
    # term in 0.5 % of a million keys from an absent one; this one can (benchmarked).
    connection.exec_driver_sql(f"ALTER INDEX {PG_TEXT_INDEX} ALTER COLUMN 2 SET STATISTICS 1000")


#: PostgreSQL: every key's two-character pieces of its searched text beside its owner (migration
#: 0028), for the terms ``pg_trgm`` cannot narrow ("7q", "q%", "w_e", "%"): a member's search
#: of their own keys for such a term, which few of them hold, is answered from it
#: (``kw_search_keys_by_pairs``) instead of by reading every one of their keys. The same
#: pieces as the audit trail's (``kw_text_pairs``, :data:`PG_TEXT_PAIRS_FUNCTION`).
PG_PAIRS_INDEX = "ix_api_keys_search_pairs"


def create_pg_pairs_search(connection: sa.Connection) -> None:
    """The pieces' index over the existing keys (at 1,000,000 keys: 174 MB, ~4.5 minutes)."""
    connection.exec_driver_sql(PG_TEXT_PAIRS_FUNCTION)
    connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS btree_gin")
    connection.exec_driver_sql(
        f"CREATE INDEX IF NOT EXISTS {PG_PAIRS_INDEX} ON api_keys "
        f"USING gin (owner_id, kw_text_pairs({PG_SEARCH_EXPRESSION}))"
    )
    # No statistics of the pieces: working them out for ANALYZE's sample took 38 of its 46 s
    # at 1,000,000 keys, and a member's short terms are as fast without them (measured).
    connection.exec_driver_sql(f"ALTER INDEX {PG_PAIRS_INDEX} ALTER COLUMN 2 SET STATISTICS 0")


#: PostgreSQL: the searched columns one by one, in one multicolumn GIN index (migration
#: 0018), so that a search can leave one out: sorted by owner or name, the keys whose owner
#: (name) holds the term are read along the sort's own index, and only the other columns are
#: searched. PostgreSQL reads each column's part of the index for itself (a BitmapOr).
PG_COLUMN_INDEX = "ix_api_keys_search_columns"


def create_pg_column_search(connection: sa.Connection) -> None:
    columns = ", ".join(f"lower({column}) gin_trgm_ops" for column in _KEY_FTS_COLUMNS)
    connection.exec_driver_sql(
        f"CREATE INDEX IF NOT EXISTS {PG_COLUMN_INDEX} ON api_keys USING gin ({columns})"
    )
    # As for the whole text's index: an estimate that tells a rare term from a common one.
    for number in range(1, len(_KEY_FTS_COLUMNS) + 1):
        connection.exec_driver_sql(
            f"ALTER INDEX {PG_COLUMN_INDEX} ALTER COLUMN {number} SET STATISTICS 1000"
        )


#: PostgreSQL: every two-character piece of every key's searched text (lower case), kept by a
#: trigger as keys are written (migration 0016); the same for the audit trail's free text
#: (:data:`PG_EVENT_PAIRS`). pg_trgm makes trigrams of letters and digits only, so a term
#: without a word of 3 of them ("q%", "%_%", "7q") cannot use its index: a term one of whose
#: pairs no key (event) has ever held matches nothing, and is answered at once
#: (``kw_search_may_hold``, ``kw_events_may_hold``). Pairs are never removed: after a key is
#: deleted or renamed the table is a superset, which only sends a search the usual way.
#: Nobody but the schema owner reads them; the pairs are inserted in order, so two writers
#: never wait on each other in a circle.
PG_SEARCH_PAIRS = "kw_search_pairs"
PG_EVENT_PAIRS = "kw_event_search_pairs"


@dataclass(frozen=True, slots=True)
class SearchPairs:
    table: str
    trigger: str
    source: str
    #: The searched columns: a change to one of them (rare) notes the row's pairs again.
    columns: tuple[str, ...]
    #: The searched text, ``{row}`` before each column.
    template: str

    def statements(self) -> list[str]:
        row = self.template.format(row="NEW.")
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in self.columns)
        return [
            f'CREATE TABLE IF NOT EXISTS {self.table} (pair text COLLATE "C" PRIMARY KEY)',
            f"REVOKE ALL ON {self.table} FROM PUBLIC",
            f"""CREATE OR REPLACE FUNCTION {self.trigger}() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
  -- Nearly every piece is known: looking each up first costs half of letting ON CONFLICT
  -- find it (0.07 against 0.15 ms an event, measured).
  INSERT INTO {self.table} (pair)
  SELECT p.pair
    FROM (SELECT DISTINCT substr(t.text, i, 2) COLLATE "C" AS pair
            FROM (SELECT {row} AS text) t, generate_series(1, length(t.text) - 1) i) p
   WHERE NOT EXISTS (SELECT 1 FROM {self.table} k WHERE k.pair = p.pair)
   ORDER BY p.pair
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$""",  # noqa: S608 - fixed text
            f"REVOKE ALL ON FUNCTION {self.trigger}() FROM PUBLIC",
            f"""CREATE OR REPLACE TRIGGER {self.trigger} AFTER INSERT ON {self.source}
FOR EACH ROW EXECUTE FUNCTION {self.trigger}()""",
            # Only when the text changed: most updates (usage, state, hashes) leave it.
            f"""CREATE OR REPLACE TRIGGER {self.trigger}_changed
AFTER UPDATE OF {", ".join(self.columns)} ON {self.source}
FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {self.trigger}()""",
        ]

    def create(self, connection: sa.Connection) -> None:
        """The table and its trigger, filled from the rows already there (none in a new
        database; the seeding scripts insert first); PostgreSQL only.

        The first filling reads the rows' text and collects the pairs here: at 1,000,000
        keys PostgreSQL's own ``SELECT DISTINCT substr(…)`` over a hundred million pieces
        took five minutes. The texts are joined per batch by the unit separator, which adds
        a few pairs around it that no term without it asks for.
        """
        if connection.dialect.name != "postgresql":
            return
        for statement in self.statements():
            connection.exec_driver_sql(statement.replace("%", "%%"))
        pairs: set[str] = set()
        texts = connection.exec_driver_sql(
            f"SELECT {self.template.format(row='')} FROM {self.source}",  # noqa: S608 - fixed text
            execution_options={"stream_results": True},
        )
        for batch in texts.partitions(_PG_PAIRS_BATCH):
            joined = "\x1f".join(text for (text,) in batch if text)
            pairs.update(map(str.__add__, joined, joined[1:]))
        connection.execute(
            sa.text(
                f"INSERT INTO {self.table} (pair) SELECT unnest(CAST(:pairs AS text[]))"
                " ON CONFLICT DO NOTHING"
            ),
            {"pairs": sorted(pairs)},
        )

    def drop(self, connection: sa.Connection) -> None:
        if connection.dialect.name != "postgresql":
            return
        for trigger in (self.trigger, f"{self.trigger}_changed"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger} ON {self.source}")
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {self.trigger}()")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {self.table}")


#: Rows read per round trip when the pairs are first filled.
_PG_PAIRS_BATCH = 20_000
#: The keys' searched text (revision 0016).
KEY_PAIRS = SearchPairs(
    PG_SEARCH_PAIRS,
    "kw_note_search_pairs",
    "api_keys",
    _KEY_FTS_COLUMNS,
    _PG_SEARCH_TEMPLATE,
)


def drop_search_structures(connection: sa.Connection) -> None:
    dialect = connection.dialect.name
    if _mariadb_ready(connection):
        from app.data.server import search_mariadb_sql

        search_mariadb_sql.uninstall(connection)
    if dialect == "sqlite":
        for name in ("api_keys_fts_insert", "api_keys_fts_delete", "api_keys_fts_update"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {KEY_FTS_VOCAB}")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {KEY_FTS}")
    elif dialect == "postgresql":
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {PG_TEXT_INDEX}")
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {PG_PAIRS_INDEX}")
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {PG_COLUMN_INDEX}")
        KEY_PAIRS.drop(connection)


# --------------------------------------------------------------------------- the audit trail

#: SQLite: the audit view's free text (a key id, a reason, a key's name in either snapshot)
#: as one FTS5 trigram column, the fields joined by the unit separator. The table keeps its
#: own copy of that text (a few dozen bytes an event): the names are inside the snapshots'
#: JSON, so no external-content table could point at them. Read newest first and stopped at
#: a page, it finds 100 matches or none in milliseconds at 1,000,000 events.
AUDIT_FTS = "audit_events_fts"

AUDIT_FTS_VOCAB = "audit_events_fts_vocab"

# Padded at the end (:data:`PAD`), as the keys' fields are: each field but the last already
# ends with a separator.
_AUDIT_FTS_BODY = (
    "coalesce({row}.target_id, '') || char(31) || coalesce({row}.reason, '')"
    " || char(31) || coalesce(CASE WHEN json_valid({row}.before)"
    " THEN json_extract({row}.before, '$.name') END, '')"
    " || char(31) || coalesce(CASE WHEN json_valid({row}.after)"
    f" THEN json_extract({{row}}.after, '$.name') END, '') || {PAD}"
)

_AUDIT_SQLITE = [
    f"CREATE VIRTUAL TABLE {AUDIT_FTS} USING fts5(body, tokenize='trigram')",
    f"CREATE VIRTUAL TABLE {AUDIT_FTS_VOCAB} USING fts5vocab({AUDIT_FTS}, row)",
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
_PG_AUDIT_TEMPLATE = (
    "lower(coalesce({row}target_id, '') || chr(31) || coalesce({row}reason, '') || chr(31)"
    " || coalesce(kw_snapshot_field({row}before, 'name'), '') || chr(31)"
    " || coalesce(kw_snapshot_field({row}after, 'name'), ''))"
)
PG_AUDIT_EXPRESSION = _PG_AUDIT_TEMPLATE.format(row="")
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
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {AUDIT_FTS_VOCAB}")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {AUDIT_FTS}")


def create_pg_audit_search(connection: sa.Connection) -> None:
    """PostgreSQL's audit free-text index (revision 0014), built over the existing events."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        _create_pg_audit_index(connection, PG_AUDIT_INDEX, f"({PG_AUDIT_EXPRESSION}) gin_trgm_ops")


def _create_pg_audit_index(
    connection: sa.Connection, name: str, column: str, *, leading: tuple[str, ...] = ()
) -> None:
    """A GIN index of the events over ``column`` (an expression and its operator class),
    after the plain ``leading`` columns, and as for the keys' index a sample of it that tells
    a rare term from a common one (the planner then reads the index for the one and walks
    along ``seq`` for the other)."""
    columns = ", ".join((*leading, column))
    connection.exec_driver_sql(
        f"CREATE INDEX IF NOT EXISTS {name} ON audit_events USING gin ({columns})"
    )
    expression = len(leading) + 1
    connection.exec_driver_sql(f"ALTER INDEX {name} ALTER COLUMN {expression} SET STATISTICS 1000")
    connection.exec_driver_sql("ANALYZE audit_events")


def drop_pg_audit_search(connection: sa.Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {PG_AUDIT_INDEX}")


#: PostgreSQL: each event's two-character pieces of that text, as an array under a GIN index
#: (migration 0022). pg_trgm makes trigrams of words of letters and digits only, so a term
#: without such a word of three ("7q", "q%", "a-b") could only be walked along the trail,
#: which for a term few events hold means every event (4 s at 1,000,000). Every event holding
#: the term holds all its pieces: ``kw_text_pairs(text) @> kw_text_pairs(term)`` finds them
#: from the pieces' lists, and the same ``LIKE`` as ever keeps the true ones. Read only
#: through the definer function ``kw_search_events_by_pairs``.
PG_TEXT_PAIRS_FUNCTION = """CREATE OR REPLACE FUNCTION kw_text_pairs(p_text text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(p_text, i, 2) COLLATE "C"), '{}')
    FROM generate_series(1, length(p_text) - 1) AS i
$$"""
PG_AUDIT_PAIRS_INDEX = "ix_audit_events_text_pairs"
PG_AUDIT_PAIRS_EXPRESSION = f"kw_text_pairs({PG_AUDIT_EXPRESSION})"


def create_pg_audit_pairs(connection: sa.Connection) -> None:
    """The pieces' function and index (PostgreSQL), built over the existing events."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(PG_TEXT_PAIRS_FUNCTION)
        _create_pg_audit_index(connection, PG_AUDIT_PAIRS_INDEX, f"({PG_AUDIT_PAIRS_EXPRESSION})")


def drop_pg_audit_pairs(connection: sa.Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {PG_AUDIT_PAIRS_INDEX}")
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS kw_text_pairs(text)")


#: Migration 0023: both indexes lead with the event's action and actor (``btree_gin``), so a
#: term beside a person or an action it seldom meets ("leaked" among 450,000 edits) is found
#: from one GIN scan of all three, not by reading the events of one and testing the other.
#: Lower-cased, so only ``kw_search_events_where`` asks them (with the exact test beside):
#: the planner would take them for the plain columns' btree indexes and read every edit.
AUDIT_FILTER_COLUMNS = ("lower(action)", "lower(actor)")


def index_pg_audit_filters(connection: sa.Connection, *, leading: tuple[str, ...]) -> None:
    """The two free-text indexes of the events rebuilt with ``leading`` plain columns first:
    ``AUDIT_FILTER_COLUMNS`` (0023, which needs ``btree_gin``) or none (as 0014 and 0022 made
    them)."""
    if connection.dialect.name != "postgresql":
        return
    if leading:
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS btree_gin")
    for name in (PG_AUDIT_INDEX, PG_AUDIT_PAIRS_INDEX):
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    trigrams = f"({PG_AUDIT_EXPRESSION}) gin_trgm_ops"
    _create_pg_audit_index(connection, PG_AUDIT_INDEX, trigrams, leading=leading)
    pairs = f"({PG_AUDIT_PAIRS_EXPRESSION})"
    _create_pg_audit_index(connection, PG_AUDIT_PAIRS_INDEX, pairs, leading=leading)


#: The audit trail's free text (revision 0016).
EVENT_PAIRS = SearchPairs(
    PG_EVENT_PAIRS,
    "kw_note_event_search_pairs",
    "audit_events",
    # Events are only inserted; a row changed by hand must still be found by its new text.
    ("target_id", "reason", "before", "after"),
    _PG_AUDIT_TEMPLATE,
)
