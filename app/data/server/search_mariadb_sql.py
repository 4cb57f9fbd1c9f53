"""MariaDB's substring search index (DESIGN §4; migration 0009).

MariaDB has no trigram index of its own (InnoDB FULLTEXT splits words; there is no n-gram
parser as in MySQL), so Keyward builds one from parts it does have:

* ``api_key_search_data`` holds one row per key: its id, its owner and ``grams``, the
  key's searched text turned into words that InnoDB FULLTEXT indexes as they are. Each
  searched column (name, description, owner, key id) is taken apart (migration 0020):
  ``lower()`` of it followed by two unit separators, as UTF-8 bytes; every byte starts one
  word, the column's letter (:data:`KEY_COLUMNS`) and the hex of that byte and the next two
  (``n6b6573`` is "kes" in a name). A term's bytes are then found as a substring of a column
  only in rows that hold that column's words of the term's own 3-byte windows (one group of
  required words per column searched); UTF-8 is self-synchronising, so a byte substring of
  valid text is a character substring. The padding puts every byte at the start of a word,
  so a 1-2 byte term is a prefix search (``n25*`` finds "%" in a name). The index is a
  superset: the plain ``LIKE`` still filters each row. (Before 0020 the four columns were one
  text of ``g`` words, as the audit trail's still are.)
* Triggers on ``api_keys_data`` keep it: the definer routines are the only writers of that
  table, and a trigger runs on every change whoever makes it, so the index cannot fall out
  of step short of the schema owner dropping the triggers.
* Members read it only through the definer view ``api_key_search``, which shows the rows of
  the keys the ``api_keys`` view shows the caller (the owner id is kept in the row for that,
  so the view needs no join with the keys): a member sees only their own keys' words.
* Each row also carries the key's searched text and the values it is sorted by that change
  only with that text (:data:`CARRIED`, migration 0029): InnoDB finds a key by its words at
  ~4.5 µs a key (its row is read whatever the query needs), and reading each candidate
  again from ``api_keys`` to filter and sort it cost ~5 µs more; now one statement finds,
  filters (``LIKE``) and sorts a rare term's keys (``app.data.key_queries``). The view
  shows a member the text of their own keys only, as ``api_keys`` does.
* Each space in a name, description or owner's name with three bytes either side is also a
  word (:data:`PHRASE_TAGS`, migration 0030): a phrase of common words ("tickets to slack",
  "jira alerts") holds only windows that tens of thousands of keys hold, each list read in
  full, where its phrase words are in the few keys that hold those words side by side.

InnoDB applies FULLTEXT changes at commit: a transaction does not find through the index
the keys it has itself changed but not committed yet (Keyward commits every change before
it reads again).
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable, Mapping, Sequence

import sqlalchemy as sa

from app.data.server import checkpoints_sql
from app.domain.key_format import BASE62, ID_LENGTH

TABLE = "api_key_search_data"
VIEW = "api_key_search"
FULLTEXT_INDEX = "ft_api_key_search_grams"
#: Keys per statement when an existing table is indexed (bounds each statement's memory;
#: the FULLTEXT build after them commits, as MariaDB's DDL does).
BACKFILL_BATCH = 50_000
#: Who may read the view: every role that may read ``api_keys`` (not the verifier).
READERS = ("auditor", "member", "manager", "admin")
_TRIGGERS = ("kw_api_keys_search_insert", "kw_api_keys_search_update", "kw_api_keys_search_delete")

_SEPARATOR = "CHAR(31 USING utf8mb4)"
#: The keys' searched columns and the letter that starts each one's words (migration 0020).
KEY_COLUMNS = {"name": "n", "description": "t", "owner_name": "o", "key_id": "k"}
#: The letter that starts each column's phrase words (migration 0030): a space with the three
#: bytes before it and the three after (``m69726120616c65`` is "ira ale" in a name). Words
#: of common words ("jira", "alerts") are each in tens of thousands of keys, and InnoDB reads
#: every list a query names in full; the phrase is in the few that hold both together. A key
#: id holds no space. None of these letters is a hex digit or another column's letter.
PHRASE_TAGS = {"name": "m", "description": "u", "owner_name": "w"}
#: A phrase word's bytes: three, the space, three.
PHRASE_BYTES = 7
#: A key id holds only these (lower-cased), and no more than ID_LENGTH of them.
_KEY_ID_BYTES = frozenset(BASE62.lower().encode("ascii"))


def _word(tag: str) -> str:
    """``<tag>\1\2 `` written without a backslash escape, which sql_mode
    NO_BACKSLASH_ESCAPES reads differently."""
    return f"CONCAT('{tag}', CHAR(92 USING ascii), '1', CHAR(92 USING ascii), '2 ')"


def _words_of(text: str, tag: str) -> str:
    """SQL for the words of ``text`` (SQL for its bytes, separators included): every byte
    that two more follow starts the word ``<tag>`` + the hex of those three bytes."""
    hexed = f"LOWER(HEX(CAST({text} AS BINARY)))"
    return f"REGEXP_REPLACE({hexed}, '([0-9a-f]{{2}})(?=([0-9a-f]{{4}}))', {_word(tag)})"


def _grams_of(fields: list[str]) -> str:
    """SQL for the words of ``fields`` (SQL text expressions), each lower-cased and followed
    by the unit separator, with one more at the end (see the module doc): the audit trail's
    words, and the keys' before migration 0020."""
    text = ", ".join(f"LOWER({field}), {_SEPARATOR}" for field in fields)
    return _words_of(f"CONCAT({text}, {_SEPARATOR})", "g")


def _with_phrases(words: str, tag: str, phrase_tag: str) -> str:
    """SQL for the words ``words`` (a column's, tagged ``tag``) and, after each word whose
    third next word starts with a space (``20``), the phrase word ``phrase_tag`` + the hex of
    its 7 bytes: that word's three, the space, and the next word's three (migration 0030).
    The tags are not hex digits, so the pattern matches at the start of a word only, and the
    words it steps over are whole ones."""
    hex6 = "[0-9a-f]{6}"
    pattern = f"{tag}({hex6}) (?={tag}{hex6} {tag}{hex6} {tag}20[0-9a-f]{{4}} {tag}({hex6}) )"
    slash = "CHAR(92 USING ascii)"
    # "<tag>\1 <phrase_tag>\120\2 ": MariaDB's back references are one digit.
    again = f"CONCAT('{tag}', {slash}, '1 {phrase_tag}', {slash}, '120', {slash}, '2 ')"
    return f"REGEXP_REPLACE({words}, '{pattern}', {again})"


def grams_sql(row: str, *, phrases: bool = True) -> str:
    """SQL for the ``grams`` of the ``api_keys_data`` row ``row`` (an alias, NEW or OLD): each
    searched column's words apart, tagged by :data:`KEY_COLUMNS` (``n6b6573`` is "kes" in a
    name), every field followed by two unit separators so that each of its bytes starts a
    word. A search can then ask for a term in some of the columns only. With ``phrases``
    (migration 0030), each space in a name, description or owner's name with three bytes
    either side is also a word (:data:`PHRASE_TAGS`)."""
    parts = []
    for column, tag in KEY_COLUMNS.items():
        text = f"CONCAT(LOWER(COALESCE({row}.`{column}`, '')), {_SEPARATOR}, {_SEPARATOR})"
        words = _words_of(text, tag)
        if phrases and column in PHRASE_TAGS:
            words = _with_phrases(words, tag, PHRASE_TAGS[column])
        parts.append(words)
    return f"CONCAT_WS(' ', {', '.join(parts)})"


def whole_text_grams_sql(row: str) -> str:
    """The keys' words before migration 0020 (``g`` words of all four columns' text as one),
    for its downgrade."""
    return _grams_of([f"{row}.`{column}`" for column in KEY_COLUMNS])


def _changed(column: str) -> str:
    return f"NOT (CAST(NEW.`{column}` AS BINARY) <=> CAST(OLD.`{column}` AS BINARY))"


#: The columns of ``api_keys_data`` each row carries since migration 0029 (their definitions
#: as there, ``{cs}`` the tables' collation, so that they compare and sort as the keys' own):
#: the searched text, and the sorts that change only with it (created_at never changes).
CARRIED = {
    "created_at": "DATETIME(6) NOT NULL",
    "key_id": "VARCHAR(16) {cs} NOT NULL",
    "name": "VARCHAR(100) {cs} NOT NULL",
    "description": "VARCHAR(2000) {cs} NOT NULL",
    "owner_name": "VARCHAR(100) {cs} NOT NULL",
}

_CHANGED = " OR ".join(
    _changed(column)
    for column in ("name", "description", "owner_name", "key_id", "owner_id", "created_at")
)


def _install_statements(grams: Callable[[str], str], *, carry: bool) -> list[str]:
    """The table, triggers, view and grants, the words made by ``grams``; with ``carry``,
    rows that carry the key's :data:`CARRIED` columns too (migration 0029)."""
    carried = list(CARRIED) if carry else []
    columns = ", ".join(f"`{name}`" for name in ["key_ref", "owner_id", "grams", *carried])
    values = ", ".join(
        ["NEW.`id`", "NEW.`owner_id`", grams("NEW"), *(f"NEW.`{c}`" for c in carried)]
    )
    updates = ", ".join(f"`{c}` = VALUES(`{c}`)" for c in ["owner_id", "grams", *carried])
    upsert = f"""INSERT INTO `{TABLE}` ({columns})
    VALUES ({values})
    ON DUPLICATE KEY UPDATE {updates}"""  # noqa: S608
    definitions = "".join(f"\n    `{name}` {CARRIED[name]}," for name in carried)
    shown = "".join(f", s.`{name}`" for name in carried)
    return [
        f"""CREATE TABLE IF NOT EXISTS `{TABLE}` (
    `key_ref` INT NOT NULL,
    `owner_id` INT NOT NULL,
    `grams` MEDIUMTEXT CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,{definitions}
    PRIMARY KEY (`key_ref`)
) ENGINE=InnoDB""",
        f"""CREATE OR REPLACE TRIGGER `{_TRIGGERS[0]}` AFTER INSERT ON `api_keys_data`
FOR EACH ROW {upsert}""",
        # Usage recording updates last_used_at many times a second: only the searched text and
        # the owner rewrite the row.
        f"""CREATE OR REPLACE TRIGGER `{_TRIGGERS[1]}` AFTER UPDATE ON `api_keys_data`
FOR EACH ROW BEGIN
  IF {_CHANGED} THEN
    {upsert};
  END IF;
END""",
        f"""CREATE OR REPLACE TRIGGER `{_TRIGGERS[2]}` AFTER DELETE ON `api_keys_data`
FOR EACH ROW DELETE FROM `{TABLE}` WHERE `key_ref` = OLD.`id`""",  # noqa: S608
        f"""CREATE OR REPLACE ALGORITHM=MERGE SQL SECURITY DEFINER VIEW `{VIEW}` AS
SELECT s.`key_ref`, s.`grams`{shown}
  FROM `{TABLE}` s LEFT JOIN `users_data` me ON {checkpoints_sql._ME}
 WHERE {checkpoints_sql._IS_OWNER}
    OR me.`role` IN ('auditor', 'manager', 'admin')
    OR (me.`role` = 'member' AND s.`owner_id` = me.`id`)""",  # noqa: S608
        *[f"GRANT SELECT ON {{db_q}}.`{VIEW}` TO `{{db}}_{role}`" for role in READERS],
    ]


def _backfill(grams: Callable[[str], str], *, carry: bool) -> str:
    """Keys in ``(:after, :upto]`` not indexed yet (the triggers may have been first)."""
    carried = list(CARRIED) if carry else []
    columns = ", ".join(f"`{name}`" for name in ["key_ref", "owner_id", "grams", *carried])
    values = "".join(f", k.`{name}`" for name in carried)
    return f"""INSERT IGNORE INTO `{TABLE}` ({columns})
SELECT k.`id`, k.`owner_id`, {grams("k")}{values}
  FROM `api_keys_data` k WHERE k.`id` > :after AND k.`id` <= :upto"""  # noqa: S608


#: Added after the backfill: one sorted build is much faster than a million insertions.
ADD_FULLTEXT = f"ALTER TABLE `{TABLE}` ADD FULLTEXT INDEX `{FULLTEXT_INDEX}` (`grams`)"

UNINSTALL: list[str] = [
    f"DROP VIEW IF EXISTS `{VIEW}`",
    *[f"DROP TRIGGER IF EXISTS `{name}`" for name in _TRIGGERS],
    f"DROP TABLE IF EXISTS `{TABLE}`",
]


def install(
    connection: sa.Connection,
    batch: int = BACKFILL_BATCH,
    *,
    whole_text: bool = False,
    carry: bool = True,
    phrases: bool = True,
) -> None:
    """Create the table, triggers, view and grants, index every key, then add FULLTEXT.

    Run by the schema owner on a database whose tables are ``<name>_data`` (revision 0002+).
    The triggers come first, so a key changed while the backfill runs is indexed by them.
    ``whole_text``: the words before migration 0020 (its downgrade); ``carry=False``: rows
    without the key's own columns, as before migration 0029; ``phrases=False``: no phrase
    words, as before migration 0030.
    """
    grams: Callable[[str], str] = whole_text_grams_sql
    if not whole_text:
        grams = functools.partial(grams_sql, phrases=phrases)
    top = "SELECT MAX(`id`) FROM `api_keys_data`"
    statements = _install_statements(grams, carry=carry)
    _install(connection, statements, _backfill(grams, carry=carry), top, batch)
    connection.exec_driver_sql(ADD_FULLTEXT)


def _install(
    connection: sa.Connection, statements: list[str], backfill: str, top: str, batch: int
) -> None:
    checkpoints_sql.apply(connection, statements)
    upto = int(connection.exec_driver_sql(top).scalar() or 0)
    statement = sa.text(backfill.replace("%", "%%"))
    for after in range(0, upto, batch):
        connection.execute(statement, {"after": after, "upto": min(after + batch, upto)})


def uninstall(connection: sa.Connection) -> None:
    checkpoints_sql.apply(connection, UNINSTALL)


# --------------------------------------------------------------------------- owners' names
#
# Sorted by owner, the keys of an owner whose name holds the term lie together, often far
# along the order ("Alice O'Brien"): the search reads the owners' distinct names first and
# their keys straight from the owner index (``app.data.key_queries``). MariaDB reads the
# distinct names of an index in one loose scan (``Using index for group-by``: 2 ms for 359
# names among 1,000,000 keys), but not through the ``api_keys`` view, whose join with the
# caller's own row stops it (a recursive seek through the view: 17 s). This definer view
# (migration 0021) gives those who read every key the distinct names straight from the
# table; the caller's role is a condition on no column of it (a subquery run once), so the
# scan stays loose. A member reads no row of it (their search walks their own keys).
# Names equal in the column's collation (``_ci``: case and accents) are one row: the search
# asks the collation's LIKE of each (a superset), and re-checks each key's own name.

OWNER_NAMES_VIEW = "api_key_owner_names"

OWNER_NAMES_INSTALL: list[str] = [
    f"""CREATE OR REPLACE SQL SECURITY DEFINER VIEW `{OWNER_NAMES_VIEW}` AS
SELECT DISTINCT k.`owner_name` AS `name`
  FROM `api_keys_data` k
 WHERE {checkpoints_sql._IS_OWNER}
    OR EXISTS (SELECT 1 FROM `users_data` me
                WHERE {checkpoints_sql._ME} AND me.`role` IN ('auditor', 'manager', 'admin'))""",  # noqa: S608
    *[
        f"GRANT SELECT ON {{db_q}}.`{OWNER_NAMES_VIEW}` TO `{{db}}_{role}`"
        for role in READERS  # a member reads no row: their search asks the keys instead
    ],
]
OWNER_NAMES_UNINSTALL: list[str] = [f"DROP VIEW IF EXISTS `{OWNER_NAMES_VIEW}`"]


def install_owner_names(connection: sa.Connection) -> None:
    checkpoints_sql.apply(connection, OWNER_NAMES_INSTALL)


def uninstall_owner_names(connection: sa.Connection) -> None:
    checkpoints_sql.apply(connection, OWNER_NAMES_UNINSTALL)


# --------------------------------------------------------------------------- the audit trail
#
# The audit view's free text (an event's target id, its reason and the key's name in either
# snapshot: what ``app.services.audit`` searches) as the same words, one row per event
# (migration 0017). Triggers on ``audit_events_data`` keep it; the trail is append-only, and
# the update and delete triggers keep the index true to a row someone changed by hand (the
# integrity check is what tells them, and the search must still find the changed row).
# Only those who read every event may read it, through the definer view; a member's own
# events are found by reading them, as on PostgreSQL.
#
# Since migration 0025 every word is there twice: as a ``g`` word, and tagged by the event's
# action (:func:`tag`: ``a`` and three digits of the action's CRC-32, ``a3546c6561`` is "lea"
# in an edit); since 0026 a third time, tagged by its person (``p`` and three digits of the
# login's CRC-32). InnoDB FULLTEXT cannot be combined with another index and reads each
# word's whole list, so a term beside an action or a busy person it never meets (``leaked``
# among the edits) read the term's every event and the filter's every event; the tagged
# words' lists hold only that action's, or that person's, events (PostgreSQL's index leads
# with them for the same reason). Two actions or persons sharing a tag only widen a list:
# the statement still checks every event.

EVENT_TABLE = "audit_event_search_data"
EVENT_VIEW = "audit_event_search"
EVENT_FULLTEXT_INDEX = "ft_audit_event_search_grams"
EVENT_READERS = ("auditor", "manager", "admin")
_EVENT_TRIGGERS = (
    "kw_audit_events_search_insert",
    "kw_audit_events_search_update",
    "kw_audit_events_search_delete",
)
#: Tags: a letter for the column, then the CRC-32 of its value modulo this, in three digits.
_TAGS = 1000
_TAG_LETTERS = {"action": "a", "actor": "p"}
#: The columns an event's words are also written tagged by: its action (0025), its person
#: (0026).
TAGGED_BY = ("action", "actor")


def _snapshot_name(snapshot: str) -> str:
    # Text that is not JSON (written by hand) gives no name, and never stops a write.
    return f"IF(JSON_VALID({snapshot}), JSON_UNQUOTE(JSON_EXTRACT({snapshot}, '$.name')), NULL)"


def event_grams_sql(row: str) -> str:
    """SQL for the ``g`` words of the ``audit_events_data`` row ``row`` (an alias, NEW or OLD)."""
    fields = [
        f"{row}.`target_id`",
        f"{row}.`reason`",
        _snapshot_name(f"{row}.`before`"),
        _snapshot_name(f"{row}.`after`"),
    ]
    return _grams_of([f"COALESCE({field}, '')" for field in fields])


def tag(column: str, value: str) -> str:
    """The first letters of the words of an event whose ``column`` (``action`` or ``actor``)
    is ``value`` (see above), as :func:`tag_sql` writes them: MariaDB's ``CRC32()`` is
    zlib's, of the value's UTF-8 bytes (the columns are ``utf8mb4``)."""
    return f"{_TAG_LETTERS[column]}{zlib.crc32(value.encode('utf-8')) % _TAGS:03d}"


def tag_sql(row: str, column: str) -> str:
    letter = _TAG_LETTERS[column]
    return f"CONCAT('{letter}', LPAD(CRC32({row}.`{column}`) MOD {_TAGS}, 3, '0'))"


def _event_rows(row: str, source: str, *, tagged_by: Sequence[str]) -> str:
    """SELECT of the (seq, words) of the events ``row`` of ``source`` (a FROM clause, or
    nothing for a trigger's NEW): ``g`` words, then the same words tagged by each column of
    ``tagged_by`` (each ``g`` starts a word: the rest are hex digits and spaces). The words
    are built once per copy: MariaDB merges a derived table into the SELECT, so naming them
    once in one was measured no cheaper (~18 µs an event either way)."""
    words = event_grams_sql(row)
    copies = [words, *(f"REPLACE({words}, 'g', {tag_sql(row, column)})" for column in tagged_by)]
    if len(copies) > 1:
        words = f"CONCAT_WS(' ', {', '.join(copies)})"
    return f"SELECT {row}.`seq`, {words} {source}"


def _event_install(*, tagged_by: Sequence[str]) -> list[str]:
    rows = _event_rows("NEW", "", tagged_by=tagged_by)
    insert = f"INSERT INTO `{EVENT_TABLE}` (`event_seq`, `grams`) {rows}"
    return [
        f"""CREATE TABLE IF NOT EXISTS `{EVENT_TABLE}` (
    `event_seq` INT NOT NULL,
    `grams` MEDIUMTEXT CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
    PRIMARY KEY (`event_seq`)
) ENGINE=InnoDB""",
        f"""CREATE OR REPLACE TRIGGER `{_EVENT_TRIGGERS[0]}` AFTER INSERT ON `audit_events_data`
FOR EACH ROW {insert}""",
        f"""CREATE OR REPLACE TRIGGER `{_EVENT_TRIGGERS[1]}` AFTER UPDATE ON `audit_events_data`
FOR EACH ROW BEGIN
  DELETE FROM `{EVENT_TABLE}` WHERE `event_seq` = OLD.`seq`;
  {insert};
END""",  # noqa: S608
        f"""CREATE OR REPLACE TRIGGER `{_EVENT_TRIGGERS[2]}` AFTER DELETE ON `audit_events_data`
FOR EACH ROW DELETE FROM `{EVENT_TABLE}` WHERE `event_seq` = OLD.`seq`""",  # noqa: S608
        f"""CREATE OR REPLACE ALGORITHM=MERGE SQL SECURITY DEFINER VIEW `{EVENT_VIEW}` AS
SELECT s.`event_seq`, s.`grams`
  FROM `{EVENT_TABLE}` s LEFT JOIN `users_data` me ON {checkpoints_sql._ME}
 WHERE {checkpoints_sql._IS_OWNER} OR me.`role` IN ('auditor', 'manager', 'admin')""",  # noqa: S608
        *[f"GRANT SELECT ON {{db_q}}.`{EVENT_VIEW}` TO `{{db}}_{role}`" for role in EVENT_READERS],
    ]


def _event_backfill(*, tagged_by: Sequence[str]) -> str:
    """Events in ``(:after, :upto]`` not indexed yet (the triggers may have been first)."""
    source = "FROM `audit_events_data` e WHERE e.`seq` > :after AND e.`seq` <= :upto"
    rows = _event_rows("e", source, tagged_by=tagged_by)
    return f"INSERT IGNORE INTO `{EVENT_TABLE}` (`event_seq`, `grams`) {rows}"


EVENT_UNINSTALL: list[str] = [
    f"DROP VIEW IF EXISTS `{EVENT_VIEW}`",
    *[f"DROP TRIGGER IF EXISTS `{name}`" for name in _EVENT_TRIGGERS],
    f"DROP TABLE IF EXISTS `{EVENT_TABLE}`",
]


def install_events(
    connection: sa.Connection,
    batch: int = BACKFILL_BATCH,
    *,
    tagged_by: Sequence[str] = TAGGED_BY,
) -> None:
    """The audit trail's table, triggers, view and grants; every event indexed, then FULLTEXT
    added (as :func:`install` does for the keys). ``tagged_by``: the columns the words are
    also tagged by (fewer: the words of an earlier migration, for its downgrade)."""
    top = "SELECT MAX(`seq`) FROM `audit_events_data`"
    statements = _event_install(tagged_by=tagged_by)
    _install(connection, statements, _event_backfill(tagged_by=tagged_by), top, batch)
    connection.exec_driver_sql(
        f"ALTER TABLE `{EVENT_TABLE}` ADD FULLTEXT INDEX `{EVENT_FULLTEXT_INDEX}` (`grams`)"
    )


def uninstall_events(connection: sa.Connection) -> None:
    checkpoints_sql.apply(connection, EVENT_UNINSTALL)


def events_holding(query: str) -> sa.TextClause:
    """Newest first, the seqs in ``(:above, :below)`` of the events whose words match the
    boolean-mode ``query`` (:func:`match_query`), up to ``:n`` (InnoDB reads every list the
    query names in full, whatever the limit)."""
    return sa.text(
        f"SELECT `event_seq` FROM `{EVENT_VIEW}`"  # noqa: S608 - fixed names
        " WHERE MATCH (`grams`) AGAINST (:words IN BOOLEAN MODE)"
        " AND `event_seq` > :above AND `event_seq` < :below"
        " ORDER BY `event_seq` DESC LIMIT :n"
    ).bindparams(words=query)


def _word_of(tag: str, piece: bytes) -> str:
    """The FULLTEXT word of a 3-byte window (``kes`` in a name: ``n6b6573``) or of a phrase
    (``tag`` the phrase's), or the prefix of the words a 1-2 byte piece starts (``n25*``)."""
    return f"{tag}{piece.hex()}{'*' if len(piece) < 3 else ''}"


def match_query(term: str, action: str | None = None, actor: str | None = None) -> str:
    """The boolean-mode FULLTEXT query for the events (or the ``g`` words of keys before
    0020) that may contain ``term``; with ``action``, the events of that action only (their
    tagged words, migration 0025), else with ``actor``, that person's only (0026).

    A term of 3+ bytes gives the words of a set of its 3-byte windows that covers it (every
    third one and the last: each word read costs its whole posting list, and a few extra
    candidates are dropped by LIKE); a shorter one gives a prefix of a word.
    """
    if action is not None:
        prefix = tag("action", action)
    elif actor is not None:
        prefix = tag("actor", actor)
    else:
        prefix = "g"
    return all_of([_word_of(prefix, piece) for piece in key_pieces(term)])


def all_of(chosen: list[str]) -> str:
    """The boolean-mode FULLTEXT query for the rows that hold every word of ``chosen``."""
    return " ".join(f"+{word}" for word in dict.fromkeys(chosen))


def windows(term: str) -> list[bytes]:
    """Every 3-byte window of ``term`` as the index compares it (lower case, UTF-8), each
    once, in order; none for a term of 1-2 bytes. A key holding ``term`` holds them all."""
    data = term.lower().encode("utf-8")
    return list(dict.fromkeys(data[start : start + 3] for start in range(len(data) - 2)))


def phrases(term: str) -> list[bytes]:
    """Every phrase word's bytes ``term`` holds (lower case, UTF-8), each once, in order: each
    space with three bytes of the term either side of it (migration 0030). A key holding
    ``term`` in a name, description or owner's name holds them all there."""
    data = term.lower().encode("utf-8")
    half = PHRASE_BYTES // 2
    found = (
        data[at - half : at + half + 1]
        for at in range(half, len(data) - half)
        if data[at] == ord(" ")
    )
    return list(dict.fromkeys(found))


def is_phrase(piece: bytes) -> bool:
    """Whether ``piece`` is a phrase word's bytes (:func:`phrases`), not a window's."""
    return len(piece) == PHRASE_BYTES and piece[PHRASE_BYTES // 2] == ord(" ")


def searched_bytes(name: str, description: str | None, owner: str, key_id: str) -> bytes:
    """A key's searched text as ``grams_sql`` turns it into words (Python's ``lower()`` for
    MariaDB's: near enough for counting how common a word is)."""
    text = "\x1f".join((name, description or "", owner, key_id)).lower() + "\x1f\x1f"
    return text.encode("utf-8")


def searched_windows(data: bytes) -> set[bytes]:
    """The 3-byte windows of ``searched_bytes``: the index's words for that key."""
    return {data[start : start + 3] for start in range(len(data) - 2)}


# --------------------------------------------------------------------------- the keys' words
# (migration 0020: per column)


def key_pieces(term: str) -> list[bytes]:
    """Pieces of ``term`` every key holding it holds, in one column: a 3+ byte term's 3-byte
    windows that cover it (every third one and the last: each word read costs its whole
    posting list, and a few extra candidates are dropped by LIKE); a shorter term itself,
    as the start of a word."""
    data = term.lower().encode("utf-8")
    if len(data) < 3:
        return [data]
    starts = list(range(0, len(data) - 2, 3))
    if starts[-1] != len(data) - 3:
        starts.append(len(data) - 3)
    return [data[start : start + 3] for start in starts]


def key_columns_for(term: str, columns: Sequence[str]) -> list[str]:
    """Those of ``columns`` that may hold ``term``: a key id holds only lower-cased letters
    and digits, twelve of them."""
    data = term.lower().encode("utf-8")
    fits_an_id = len(data) <= ID_LENGTH and set(data) <= _KEY_ID_BYTES
    return [column for column in columns if column != "key_id" or fits_an_id]


def key_query(pieces: Sequence[bytes], columns: Sequence[str]) -> str:
    """The boolean-mode FULLTEXT query for the keys that hold every one of ``pieces`` in one
    of ``columns``: a group of required words per column, any group (``(+n… +n…) (+t… +t…)``)."""
    return key_query_by_column(dict.fromkeys(columns, pieces))


def key_query_by_column(chosen: Mapping[str, Sequence[bytes]]) -> str:
    """The same, each column (a key of ``chosen``) asked for its own pieces: a window common
    in one column may be rare in another, and each word read costs its whole list there."""
    groups = []
    for column, pieces in chosen.items():
        words = " ".join(f"+{_key_word(column, piece)}" for piece in dict.fromkeys(pieces))
        groups.append(f"({words})")
    return " ".join(groups)


def _key_word(column: str, piece: bytes) -> str:
    """The word of ``piece`` in ``column``: a phrase's (:func:`phrases`) or a window's."""
    if is_phrase(piece) and column in PHRASE_TAGS:
        return _word_of(PHRASE_TAGS[column], piece)
    return _word_of(KEY_COLUMNS[column], piece)


def key_match_query(term: str, columns: Sequence[str] = tuple(KEY_COLUMNS)) -> str:
    """The query for the keys that may hold ``term`` in one of ``columns``."""
    return key_query(key_pieces(term), key_columns_for(term, columns))
