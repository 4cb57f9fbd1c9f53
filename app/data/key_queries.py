"""Listing keys: filters, substring search, sort on any column, keyset paging.

Search (DESIGN §4) finds the term as a substring of the name, description, owner or key id,
case-insensitively (accents count). At 1,000,000 keys no single plan is fast for every
term: reading the matches through a trigram index costs time per match, walking the sort
index and filtering costs time per row skipped. So a cheap probe first tells a rare term
from a common one, and one of these plans answers:

* **empty**: nothing matches, so no page query runs at all.
* **candidates**: at most ``RARE_LIMIT`` keys match. Fetch exactly those and sort them.
* **walk**: more match. Walk the sort column's index in order, filtering each row, and stop
  when the page is full. Matches may all sit far along the order (a person's name sorted
  by owner), so a walk reads at most ``WALK_LIMIT`` rows and takes the rest of the page
  from the candidates.

The limits sit where the plans cost about the same (tests/benchmarks/RESULTS.md).

Per dialect:

* SQLite, term of 3+ characters: the probe reads up to ``RARE_LIMIT + 1`` FTS5 trigram
  matches (of trigrams that cover the term: cheaper than the phrase, a few extra rows that
  LIKE drops) and keeps their ids, in SQLite, for the candidates. A walk that gives up
  finishes from the exact phrase's matches, which also count the keys.
* SQLite, term of 1-2 characters (too short for trigrams): the probe reads the table in
  storage order until ``SHORT_PROBE_LIMIT + 1`` matches turn up; fewer are the candidates.
  Letters and digits are common at any size (random key ids hold every such pair in
  ~0.3 % of keys or more); a rare short term (punctuation) costs one scan of the table.
* PostgreSQL: the probe is the planner's own estimate of the matches (EXPLAIN), from the
  sample ANALYZE keeps of the ``pg_trgm`` index's expression (search_schema enlarges it).
  Counting matches through the GIN index instead would build a common term's whole bitmap.
  Near the candidates' limit its histogram steps are too coarse (1,000 keys at 1,000,000),
  so for those who see every key a term it puts in few enough keys is measured again on a
  sample of the keys' text (``_TextSample``, PG_SAMPLE_KEYS).
  Row-level security keeps a login's ``LIKE`` from reading that index (LIKE is not
  leakproof, so the policy is checked first, row by row), so the estimate and the
  candidates come from the definer functions ``kw_search_keys_estimate`` and
  ``kw_search_keys``, which apply the policy's rule themselves (app.data.server.postgresql).
  Each plan's planner settings are pinned (``SET LOCAL``): candidates looked up by id, a
  walk along the sort index. pg_trgm indexes words of letters and digits only, so a term
  without a word of 3+ characters is walked, and finished by a scan.
* Sorted by owner or name (SQLite, PostgreSQL), a term that column holds in most of its
  matches puts them together far along the order: the keys holding it there are read along
  the sort's own index, and the other columns are searched on their own (SQLite: FTS5's
  column filter; PostgreSQL: ``kw_search_key_columns``, an index of each column apart).
* MariaDB: rows are filtered by the collation's ``LIKE`` (which ignores accents), then
  ``lower()`` compared in binary. The index is InnoDB FULLTEXT over byte trigrams
  (``app.data.server.search_mariadb_sql``), read through a view that shows a member only
  their own keys. InnoDB reads every posting list a query names in full, cannot stop at a
  limit and does not stop at ``max_statement_time`` either (a common trigram costs seconds
  at 1,000,000 keys), and keeps no count of a word's keys. So the probe is a sample of the
  keys the caller sees (``_WordSample``: 2,000 keys in runs spread over the ids, read once
  per engine every ten minutes), which tells about how many keys hold each of the term's
  3-byte windows. A term whose rarest window few keys hold asks the index for its rarest
  words alone and takes the keys it gives as candidates (none: nothing matches); any other
  term is walked first, and only a walk that gives up asks the index for words covering
  the term. The index's rows carry each key's searched text and creation time (migration
  0029): with no other filter, sorted by creation, name or owner, one statement finds a
  rare term's candidates, filters them with ``LIKE`` and sorts them (``_search_rows_ids``)
  instead of reading every candidate again from ``api_keys``. A phrase of common words is
  asked for its phrase words (a space and three bytes either side, migration 0030), which
  few keys hold where each of its windows is in tens of thousands.

Case: ASCII letters fold as LIKE folds them. Other letters fold one character at a time
(``É`` = ``é``), as FTS5 and PostgreSQL's ``lower()`` do; SQLite's LIKE cannot, so it is
given each case variant, or ``kw_casefold`` when there would be too many.

Keyset paging treats NULL as the smallest value in every dialect by reading the NULL rows
and the non-NULL rows as two segments, each walked along an ``(column, id)`` index.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import re
import string
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import ClauseAdapter

from app.data.models import ApiKey, User
from app.data.search_schema import (
    KEY_FTS,
    KEY_FTS_VOCAB,
    PG_SEARCH_EXPRESSION,
    any_of,
    grams_of_forms,
)
from app.data.server import search_mariadb_sql
from app.domain.sorting import SortField
from app.domain.status import KeyState, KeyStatus

#: A term with at most this many matches is answered from its candidates, else walked.
RARE_LIMIT = 6_000
#: SQLite: a 1-2 character term with at most this many matches is answered from the probe.
SHORT_PROBE_LIMIT = 50
#: SQLite: a 1-2 ASCII character term is common (walked) when more than SHORT_PROBE_LIMIT of
#: the first this many keys hold it…
SHORT_SAMPLE = 2_000
#: …and read as one when it starts more trigrams than this.
SHORT_GRAMS_LIMIT = 200
#: A walk reads at most this many rows of the sort order before it takes the rest of the
#: page from the candidates.
WALK_LIMIT = 12_000
#: The same for a term the index cannot help, whose "candidates" are a scan of the table.
SHORT_WALK_LIMIT = 100_000
#: SQLite: a walk tries at most this many case variants of a non-ASCII term per column.
MAX_CASE_VARIANTS = 8
#: MariaDB: a search asks the index for at most this many of a rare term's rarest words…
MOST_WORDS = 3
#: …or for the rarest alone when at least this many sampled keys hold it and each of them
#: holds the whole term: another list (~0.3-0.7 µs a posting) would cut only keys the sample
#: says are not there (`zürich`'s 3,093 keys: 28 → 25.5 ms for the index's statement).
SURE_HOLDERS = 3
#: …and reads its candidates from the index first when a sample of the keys
#: (``_WordSample``) says that fewer than this share of them hold the term, or its rarest
#: word (where a walk of WALK_LIMIT rows expects 48 matches, most of a page, and is cheaper:
#: at 1,000,000 keys 4,500 candidates took 71 ms, a walk 36 ms), unless the index then gives
#: more than MOST_CANDIDATES.
WALK_FILLS_AT = 1 / 250
MOST_CANDIDATES = 2 * RARE_LIMIT
#: MariaDB: a common term's walk reads as many rows as the sample says hold WALK_EXPECTS
#: matches (four pages), at least SHORTEST_WALK and at most WALK_LIMIT.
WALK_EXPECTS = 200
SHORTEST_WALK = 250
#: A caller who sees at most this many keys (a member, say) walks them: the index's lists
#: are the whole table's, and a walk that reads them all costs less (at 1,000,000 keys, a
#: member's 1,331 keys walked in 6-7 ms; asking the index for "tickets to slack" 43 ms).
WALK_ALL_UP_TO = 5_000
#: PostgreSQL: a member with more keys walks the sort order for a term at least this share of
#: a sample of their keys holds (a walk passes everyone else's keys too: at 24,495 of
#: 1,000,000, 1,333 of theirs are 54,000 rows; at 0.25 `sync` and `hu` read all their keys,
#: 75 and 115 ms, where the walk takes 16).
MEMBER_WALKS_AT = 0.15
#: ... judged from this many of their keys (read by owner: 2-3 ms).
MEMBER_SAMPLE = 500
#: SQLite, sorted by owner: the most distinct owner names read one by one for a search.
OWNER_NAMES_LIMIT = 5_000
#: SQLite, sorted by name: how far past a walk that fell short the name index is read for
#: names that hold the term. Finding the bound and reading the names costs ~0.9 µs a row
#: (18 ms on a slow day), a third of what the fallback costs at the least (6,000 candidates).
NAME_WALK_LIMIT = 20_000
#: How many of the probe's matches tell whether names hold most of them (~1 ms).
NAME_SAMPLE = 200
#: When they do, how far the name index is read before the walk: at most what the fallback
#: (12,000 rows walked, then 6,000 candidates or more) costs at the least, ~100 ms that day.
NAME_FIRST_LIMIT = 100_000
#: The first step of that reading (then ten times what was read, up to the reach).
NAME_FIRST_STEP = 2_000
#: For any other term, the words asked for are those whose cost is least by the sample (the
#: candidates of a phrase of common words, or a walk's fallback): InnoDB reads every list
#: a boolean query names (about POSTING_COST µs a key), and each key it returns costs about
#: MATCH_COST µs (measured at 1,000,000 keys with the index in the buffer pool: ``+' sl'``,
#: 31,560 keys, 128 ms; ``+' sl' +cke``, 101,000 keys read and 2,285 returned, 43 ms; the six
#: words covering "tickets to slack", 1,040,000 read and 1,049 returned, 404 ms).
POSTING_COST = 0.3
MATCH_COST = 4.0
#: The sample: SAMPLE_RUNS runs of SAMPLE_RUN consecutive ids, read again after SAMPLE_AGE
#: seconds, used once it holds SAMPLE_MIN keys, each of its reads stopped after SAMPLE_TIME_S.
SAMPLE_RUNS = 20
SAMPLE_RUN = 100
SAMPLE_AGE = 600.0
SAMPLE_MIN = 200
SAMPLE_TIME_S = 0.25
#: PostgreSQL, for those who see every key: about this many keys' searched text, taken
#: with ``TABLESAMPLE SYSTEM`` and read again after SAMPLE_AGE seconds, tell a term's
#: matches from the candidates' limit. ANALYZE's 1,001 histogram bounds are 1,000 keys
#: apart at 1,000,000: a term near the limit was put on either side of it by one ANALYZE in
#: three (``müller``, 7,570 keys: 5,005-12,013; ``kestrel``, 2,000: 2,002-6,007), and a
#: wrong side cost 52-63 ms where the right one takes 15-26. 20,000 keys put 7,570 at
#: 7,570 ± 600 (read in 45-70 ms at 1,000,000 keys; counted in about 2 ms a search).
PG_SAMPLE_KEYS = 20_000
#: …and a term that sample puts in more keys than ``sqrt(PG_CROSSOVER × keys)`` (and than
#: RARE_LIMIT) is walked: candidates cost about 10 µs each (4,542 of them 45-54 ms at
#: 1,000,000 keys), a walk 2.4 µs a row for the 50 × keys / matches rows that hold a page
#: (that term's 27 ms), so the two meet where matches² = 50 × 2.4 / 10 × keys (3,464 at
#: 1,000,000 keys; 155 at 2,000, where both take no time). The walk reads until it expects
#: PG_WALK_EXPECTS matches, WALK_LIMIT rows at the least and PG_LONGEST_WALK at the most.
PG_CROSSOVER = 12.0
#: The sample is asked (about 2 ms at 1,000,000 keys) only of a term the planner puts in at
#: most this many keys: its estimate is off by a few of its histogram's steps (1,000 keys
#: each at 1,000,000), never by the 20 that would put a term near the crossover above this.
PG_SAMPLED_UP_TO = 4 * RARE_LIMIT
PG_WALK_EXPECTS = 100
PG_LONGEST_WALK = 24_000


SORT_COLUMNS: dict[SortField, sa.ColumnElement[Any]] = {
    SortField.NAME: ApiKey.__table__.c.name,
    SortField.OWNER: ApiKey.__table__.c.owner_name,
    SortField.STATUS: ApiKey.__table__.c.state,
    SortField.LAST_USED: ApiKey.__table__.c.last_used_at,
    SortField.EXPIRES: ApiKey.__table__.c.expires_at,
    SortField.CREATED: ApiKey.__table__.c.created_at,
    SortField.UPDATED: ApiKey.__table__.c.updated_at,
}
NULLABLE_SORTS = frozenset({SortField.LAST_USED, SortField.EXPIRES})
#: SQLAlchemy's names for a MariaDB server (``mysql+pymysql://`` URLs keep ``mysql``).
MARIADB_DIALECTS = frozenset({"mysql", "mariadb"})


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the previous page ended: its last row's sort value and id."""

    value: Any
    pk: int


@dataclass(frozen=True, slots=True)
class KeyFilter:
    search: str = ""
    status: KeyStatus | None = None
    owner_id: int | None = None
    #: An environment label (``live``, ``test``…), exactly as stored; None: every one.
    environment: str | None = None


class PlanKind(StrEnum):
    NONE = "none"  # no search term
    EMPTY = "empty"
    CANDIDATES = "candidates"
    WALK = "walk"


@dataclass(frozen=True, slots=True)
class _SearchPlan:
    kind: PlanKind = PlanKind.NONE
    #: What the page query filters rows with.
    predicate: sa.ColumnElement[bool] | None = None
    #: What a count filters with, when it differs from ``predicate`` (cheaper there).
    count_predicate: sa.ColumnElement[bool] | None = None
    #: A statement that counts every match by itself, for a count with no other filter.
    count_alone: sa.Select[Any] | None = None
    #: Walks: the candidates that finish a page the first ``walk_limit`` rows of the sort
    #: order could not fill.
    fallback: sa.ColumnElement[bool] | None = None
    walk_limit: int = 0
    #: PostgreSQL planner settings for the page query, its fallback and a count.
    pg_page: dict[str, str] = field(default_factory=dict)
    pg_fallback: dict[str, str] = field(default_factory=dict)
    pg_count: dict[str, str] = field(default_factory=dict)
    #: A walk over every searched column (SQLite; PostgreSQL, a term of trigrams): the term,
    #: for a page sorted by owner or name; SQLite: the ids the probe read (a JSON array),
    #: whose first keys are a sample; PostgreSQL: the planner's estimate of the matches.
    term: str = ""
    sample: str = "[]"
    matches: float = 0.0
    #: Candidates read by another index than the sort's, then sorted (MariaDB's always).
    sorted_apart: bool = False
    #: MariaDB: the candidates as the search index's own rows (``_SEARCH_ROWS``) that hold the
    #: term (its words, then LIKE over the text they carry), to be sorted there.
    rows_where: sa.ColumnElement[bool] | None = None


_TABLE = ApiKey.__table__.c
_SEARCHED = (_TABLE.name, _TABLE.description, _TABLE.owner_name, _TABLE.key_id)
_SEARCHED_NAMES = tuple(str(column.key) for column in _SEARCHED)
#: MariaDB: the search index's rows as the caller may read them (a definer view), with the
#: key's own columns they carry since migration 0029, typed as the key's.
_SEARCH_ROWS = sa.table(
    search_mariadb_sql.VIEW,
    sa.column("key_ref", sa.Integer),
    *(sa.column(name, _TABLE[name].type) for name in search_mariadb_sql.CARRIED),
)
#: …and the sorts those rows carry the value of.
_ROW_SORTS = frozenset({"created_at", "name", "owner_name"})


def _page_columns() -> tuple[sa.ColumnElement[Any], ...]:
    """What a page reads of each key, in the one statement that finds the page (SQLite).

    Every column but the hash (on a server database only the verification routine may read
    it), then the owner's login and whether they are active, and the key that replaced this
    one (the newest, if several did): correlated look-ups, one primary-key or index probe
    per row of the page, which leave the page's own plan as it was. Plain rows, not ORM
    objects: a page is read to be shown, never changed.
    """
    users = User.__table__.c
    successor = ApiKey.__table__.alias("successor")
    return (
        *(column for column in ApiKey.__table__.c if column.key != "secret_hash"),
        sa.select(users.login)
        .where(users.id == _TABLE.owner_id)
        .scalar_subquery()
        .label("owner_login"),
        sa.select(users.active)
        .where(users.id == _TABLE.owner_id)
        .scalar_subquery()
        .label("owner_active"),
        sa.select(successor.c.key_id)
        .where(successor.c.replaces_key_id == _TABLE.key_id)
        .order_by(successor.c.created_at.desc(), successor.c.id.desc())
        .limit(1)
        .scalar_subquery()
        .label("replaced_by"),
    )


#: See :func:`_page_columns`; a row of a page also has ``owner_login``, ``owner_active`` and
#: ``replaced_by``.
PAGE_COLUMNS: tuple[sa.ColumnElement[Any], ...] = _page_columns()
#: PostgreSQL and MariaDB: the key's own columns only. There the planner settings a search
#: pins (``_PG_SCAN``: no index scans) would also bind the look-ups, and MariaDB does not
#: answer a look-up correlated through its definer view from the index (0.3 s for a page
#: of 75 among 3,000 keys): the caller reads a page's owners and successors in two more
#: queries (``KeyService.page``).
_KEY_COLUMNS = PAGE_COLUMNS[:-3]


def _page_select(session: Session) -> sa.Select[Any]:
    if session.get_bind().dialect.name == "sqlite":
        return sa.select(*PAGE_COLUMNS)
    return sa.select(*_KEY_COLUMNS)


def escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _fts_query(term: str) -> str:
    """An FTS5 query for the rows that may contain ``term`` (3+ characters).

    Not the phrase itself: matching a phrase checks the positions of every one of its
    trigrams, and a phrase of common words ("tickets to slack") has many common ones. The
    AND of trigrams that just cover the term costs about half and finds a few more rows,
    which the LIKE filter then drops.
    """
    return " AND ".join(_fts_phrase(gram) for gram in _covering_grams(term))


def _covering_grams(term: str) -> list[str]:
    """The trigrams of ``term`` that just cover it (every third, and the last)."""
    grams = [term[start : start + 3] for start in range(len(term) - 2)]
    picked = grams[::3]
    if (len(grams) - 1) % 3:
        picked.append(grams[-1])
    return picked


def _sqlite_columns(
    term: str, columns: tuple[sa.ColumnElement[Any], ...] = _SEARCHED
) -> tuple[sa.ColumnElement[Any], ...]:
    # Key ids are base62, and SQLite's LIKE matches other characters only exactly: a term
    # with any other character cannot be part of one. (MariaDB's accent-insensitive
    # collations do find "ü" in an id with a "u", so they keep every column.)
    if term.isascii() and term.isalnum():
        return columns
    return tuple(column for column in columns if column is not _TABLE.key_id)


def _like_any(term: str, columns: tuple[sa.ColumnElement[Any], ...]) -> sa.ColumnElement[bool]:
    """LIKE on each column (SQLite's LIKE folds ASCII case)."""
    pattern = f"%{escape_like(term)}%"
    return sa.or_(*(column.like(pattern, escape="\\") for column in columns))


def _case_variants(term: str) -> list[str] | None:
    """The spellings of ``term`` that differ in the case of its non-ASCII letters."""
    choices: list[list[str]] = []
    for ch in term:
        if ch.isascii():
            choices.append([ch])  # LIKE folds these itself
            continue
        forms = {ch, ch.lower(), ch.upper(), ch.casefold(), ch.title()}
        choices.append(sorted(form for form in forms if len(form) == 1))
    if math.prod(len(spellings) for spellings in choices) > MAX_CASE_VARIANTS:
        return None
    return ["".join(spelling) for spelling in itertools.product(*choices)]


def _sqlite_filter(
    term: str, searched: tuple[sa.ColumnElement[Any], ...] = _SEARCHED
) -> sa.ColumnElement[bool]:
    """A row filter for walking (or scanning) with ``term`` on SQLite, in ``searched``."""
    columns = _sqlite_columns(term, searched)
    if term.isascii():
        return _like_any(term, columns)
    variants = _case_variants(term)
    if variants is not None:
        return sa.or_(
            *(
                column.like(f"%{escape_like(variant)}%", escape="\\")
                for variant in variants
                for column in columns
            )
        )
    # kw_casefold is registered by the engine factory (SQLite's lower() folds ASCII only);
    # a full case folding may turn the term into ASCII, so key ids are searched too.
    pattern = f"%{escape_like(term.casefold())}%"
    return sa.or_(*(sa.func.kw_casefold(column).like(pattern, escape="\\") for column in searched))


def _probe(session: Session, matches: sa.Select[Any], limit: int) -> tuple[int, str]:
    """How many rows ``matches`` yields (counting to ``limit + 1`` at most) and their ids.

    The ids stay a JSON array inside SQLite and come back as one string, for ``_id_list``:
    thousands of Python objects per keystroke would wake the garbage collector.
    """
    found = matches.limit(limit + 1).subquery()
    statement = sa.select(sa.func.count(), sa.func.json_group_array(found.c[0]))
    count, ids = session.execute(statement).one()
    return int(count), str(ids)


def _id_list(ids: str) -> sa.ColumnElement[bool]:
    """``id IN`` the ids of a JSON array (one parameter, however many ids)."""
    return _TABLE.id.in_(_json_values(ids, sa.Integer))


def _json_values(array: str, kind: type[sa.types.TypeEngine[Any]]) -> sa.Select[Any]:
    """The values of a JSON array, as a one-column select."""
    values = (
        sa.text("SELECT value FROM json_each(:array)")
        .bindparams(array=array)
        .columns(sa.column("value", kind))
        .subquery()
    )
    return sa.select(values.c.value)


def _fts_rowids(query: str) -> sa.Select[Any]:
    """The ids of the keys whose indexed text answers the FTS5 ``query``."""
    found = (
        sa.text(f"SELECT rowid FROM {KEY_FTS} WHERE {KEY_FTS} MATCH :query")  # noqa: S608 - fixed names
        .bindparams(query=query)
        .columns(sa.column("rowid", sa.Integer))
        .subquery()
    )
    return sa.select(found.c.rowid)


def _plan_sqlite_short(session: Session, term: str) -> _SearchPlan:
    """A 1-2 character term, too short to be a trigram itself."""
    predicate = _sqlite_filter(term)
    walk = _SearchPlan(
        PlanKind.WALK, predicate=predicate, fallback=predicate, walk_limit=SHORT_WALK_LIMIT
    )
    # A common term shows in the table's first rows: walk (a page fills early). Else the
    # trigrams that start with it (any form the tokenizer may have folded it to), from
    # the index's vocabulary: none (nothing holds it), a few (their rows are the
    # candidates) or too many to read that way.
    edge = sa.select(_TABLE.id).order_by(_TABLE.id).offset(SHORT_SAMPLE - 1).limit(1)
    last = sa.func.coalesce(edge.scalar_subquery(), 2**63 - 1)  # a smaller table: all
    sampled = sa.select(_TABLE.id).where(_TABLE.id <= last, predicate)
    if _probe(session, sampled, SHORT_PROBE_LIMIT)[0] > SHORT_PROBE_LIMIT:
        return walk
    # Compared by full case folding ("ſſ" finds "ß"), no trigram's first letters tell.
    folded = not term.isascii() and _case_variants(term) is None
    grams = None
    if not folded:
        grams = grams_of_forms(
            session, KEY_FTS_VOCAB, term, most_grams=SHORT_GRAMS_LIMIT, most_rows=RARE_LIMIT
        )
    if grams == []:
        return _SearchPlan(PlanKind.EMPTY)
    if grams is not None:
        found, ids = _probe(session, _fts_rowids(any_of(grams)), RARE_LIMIT)
        if not found:
            return _SearchPlan(PlanKind.EMPTY)
        return _SearchPlan(PlanKind.CANDIDATES, predicate=sa.and_(_id_list(ids), predicate))
    # Read the table in storage order until the matches run over the limit (a common term
    # stops early).
    found, ids = _probe(session, sa.select(_TABLE.id).where(predicate), SHORT_PROBE_LIMIT)
    if not found:
        return _SearchPlan(PlanKind.EMPTY)
    if found <= SHORT_PROBE_LIMIT:
        return _SearchPlan(PlanKind.CANDIDATES, predicate=_id_list(ids))
    return walk


def _in_columns(query: str, searched: tuple[sa.ColumnElement[Any], ...]) -> str:
    """An FTS5 ``query`` limited to the index's columns for ``searched``."""
    if searched is _SEARCHED:
        return query
    return "{" + " ".join(str(column.key) for column in searched) + "} : (" + query + ")"


def _probe_columns(
    session: Session, term: str, searched: tuple[sa.ColumnElement[Any], ...]
) -> tuple[int, str]:
    """The probe for ``term`` in ``searched`` (its count to RARE_LIMIT + 1, and the ids).

    Some columns only (the rest of a split search): the index's lists are every column's,
    and the AND of the term's trigrams reads each of them whole when those columns hold
    few of its rows (the names of "ETL Staging" keys fill the lists of "etl staging": 85 ms
    to find that no description holds it). One trigram at a time stops at RARE_LIMIT rows
    where it is common there and reads one list where it is not (that "agi" is in 319
    descriptions: 11 ms); the AND only when each of them is common.
    """
    if searched is not _SEARCHED:
        for gram in _covering_grams(term):
            query = _in_columns(_fts_phrase(gram), searched)
            found, ids = _probe(session, _fts_rowids(query), RARE_LIMIT)
            if found <= RARE_LIMIT:
                return found, ids
    return _probe(session, _fts_rowids(_in_columns(_fts_query(term), searched)), RARE_LIMIT)


def _plan_sqlite(
    session: Session, term: str, searched: tuple[sa.ColumnElement[Any], ...] = _SEARCHED
) -> _SearchPlan:
    if len(term) < 3:  # (only ever asked of every column: see _by_owners_holding)
        return _plan_sqlite_short(session, term)
    # The probe keeps the ids it reads, so that a rare term's page needs no second match.
    found, ids = _probe_columns(session, term, searched)
    if not found:
        return _SearchPlan(PlanKind.EMPTY)
    like = _sqlite_filter(term, searched)
    if found <= RARE_LIMIT:
        return _SearchPlan(PlanKind.CANDIDATES, predicate=sa.and_(_id_list(ids), like))
    # Many matches: the exact phrase, which reads fewer rows than the probe's superset,
    # counts them and finishes any walk that runs out of its WALK_LIMIT.
    phrase = _in_columns(_fts_phrase(term), searched)
    matches = (
        sa.text(f"SELECT rowid FROM {KEY_FTS} WHERE {KEY_FTS} MATCH :phrase")  # noqa: S608
        .bindparams(phrase=phrase)
        .columns(sa.column("rowid", sa.Integer))
        .subquery()
    )
    in_index = _TABLE.id.in_(sa.select(matches.c.rowid))
    counted = (
        sa.text(f"SELECT count(*) AS n FROM {KEY_FTS} WHERE {KEY_FTS} MATCH :phrase")  # noqa: S608
        .bindparams(phrase=phrase)
        .columns(sa.column("n", sa.Integer))
        .subquery()
    )
    return _SearchPlan(
        PlanKind.WALK,
        predicate=like,
        count_predicate=in_index,
        count_alone=sa.select(counted.c.n),
        fallback=in_index,
        walk_limit=WALK_LIMIT,
        term=term if searched is _SEARCHED else "",
        sample=ids if searched is _SEARCHED else "[]",
    )


# PostgreSQL planner settings: the candidates come from a bitmap scan of the GIN index (and
# are sorted), a walk reads the sort index, a scan reads the table in storage order. Every
# search statement is planned for its own term: psycopg prepares a statement it has run
# five times, and PostgreSQL would then reuse one generic plan for every term (a plan made
# under other settings, too, since settings do not invalidate cached plans).
#: No JIT either: a pinned ``enable_seqscan = off`` prices the policies' look-up of the
#: caller in ``users`` (a seq scan of a small table) at 10^10, over ``jit_above_cost``, and
#: compiling it cost 40–90 ms a statement.
_PG_CUSTOM = {"plan_cache_mode": "force_custom_plan", "jit": "off"}
#: The candidates are the ids ``kw_search_keys`` returns, each looked up by primary key.
_PG_CANDIDATES = {
    **_PG_CUSTOM,
    "enable_seqscan": "off",
    "enable_hashjoin": "off",
    "enable_mergejoin": "off",
}
_PG_WALK = {**_PG_CUSTOM, "enable_seqscan": "off", "enable_bitmapscan": "off"}
_PG_SCAN = {**_PG_CUSTOM, "enable_indexscan": "off", "enable_bitmapscan": "off"}
#: A member's own keys, through the owner index.
_PG_OWN = {**_PG_CUSTOM, "enable_seqscan": "off"}
#: A member's walk: the filter on their own keys would have the planner read them all by
#: owner and sort them (95 ms for 24,495 keys, where the walk takes 2).
_PG_MEMBER_WALK = {**_PG_WALK, "enable_sort": "off"}


def _pg_member_keys(session: Session) -> int | None:
    """How many keys a member owns, counted no further than WALK_ALL_UP_TO + 1 (the owner
    index alone); None for anyone else."""
    mine = sa.select(sa.literal(1)).where(_TABLE.owner_id == sa.func.kw_my_user_id())
    counted = sa.select(sa.func.count()).select_from(mine.limit(WALK_ALL_UP_TO + 1).subquery())
    # CASE runs the count only for a member.
    member = sa.func.kw_my_role() == "member"
    owned = session.execute(sa.select(sa.case((member, counted.scalar_subquery())))).scalar()
    return None if owned is None else int(owned)


def _plan_pg_member(session: Session, term: str, owned: int) -> _SearchPlan | None:
    """PostgreSQL, a member (who sees their own keys only, so the planner's estimate of every
    key's matches says nothing of theirs: the function tells them 0).

    Few keys (WALK_ALL_UP_TO): all of them through the owner index, filtered and sorted
    (2 ms for 1,100 keys). More: a sample of their first MEMBER_SAMPLE keys tells a common
    term, walked along the sort (which passes everyone else's keys: only a term that fills a
    page within a few hundred of theirs), from a rarer one, found among their keys inside an
    index that holds each key's owner: its trigrams through ``kw_search_keys``, planned as
    anyone's (None; migration 0027), or, too short for trigrams, its two-character pieces
    through ``kw_search_keys_by_pairs`` (0028; all their keys by owner took 90-130 ms for
    24,495 keys).
    """
    like = _pg_filter(term)
    mine = sa.and_(_TABLE.owner_id == sa.func.kw_my_user_id(type_=sa.Integer), like)
    own = _SearchPlan(
        PlanKind.CANDIDATES, predicate=mine, pg_page=_PG_OWN, pg_count=_PG_OWN, sorted_apart=True
    )
    if owned <= WALK_ALL_UP_TO:
        return own
    held = sa.case((like, 1), else_=0)
    sample = (
        sa.select(held.label("held"))
        .where(_TABLE.owner_id == sa.func.kw_my_user_id())
        .limit(MEMBER_SAMPLE)
        .subquery()
    )
    sampled, holding = session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(sample.c.held), 0))
    ).one()
    share = int(holding) / max(int(sampled), 1)
    trigrams = pg_trgm_can_help(term)
    if trigrams:
        found = sa.func.kw_search_keys(_pg_pattern(term), type_=sa.Integer)
    else:
        found = sa.func.kw_search_keys_by_pairs(term.lower(), _pg_pattern(term), type_=sa.Integer)
    indexed = _TABLE.id.in_(sa.select(found))
    if share < MEMBER_WALKS_AT:
        return None if trigrams else _pg_function_candidates(found)
    return _SearchPlan(
        PlanKind.WALK,
        predicate=like,
        count_predicate=mine,
        # A common short term's pieces are in most of their keys: those by owner instead.
        fallback=indexed if trigrams else mine,
        walk_limit=min(WALK_LIMIT, max(SHORTEST_WALK, math.ceil(WALK_EXPECTS / share))),
        pg_page=_PG_MEMBER_WALK,
        pg_fallback=_PG_CANDIDATES if trigrams else _PG_OWN,
        pg_count=_PG_OWN,
    )


@contextmanager
def _pg_settings(session: Session, settings: dict[str, str]) -> Iterator[None]:
    """Planner settings for the statements inside (PostgreSQL only, transaction-local)."""
    if not settings or session.get_bind().dialect.name != "postgresql":
        yield
        return
    session.execute(sa.select(*(sa.func.set_config(k, v, True) for k, v in settings.items())))
    try:
        yield
    finally:
        # Back to what the session had before (its values at connection time).
        pg_settings = sa.table("pg_settings", sa.column("name"), sa.column("reset_val"))
        session.execute(
            sa.select(sa.func.set_config(pg_settings.c.name, pg_settings.c.reset_val, True)).where(
                pg_settings.c.name.in_(list(settings))
            )
        )


def _pg_pattern(term: str) -> str:
    return f"%{escape_like(term.lower())}%"


def _pg_estimate(
    session: Session, term: str, searched: tuple[sa.ColumnElement[Any], ...] = _SEARCHED
) -> float:
    """The planner's estimate of the matches: ANALYZE's sample of the indexed expression
    tells a rare term from a common one (search_schema raises its size), for the cost of
    planning one statement (0 for a member, who searches only their own keys)."""
    if searched == _SEARCHED:
        estimate = sa.func.kw_search_keys_estimate(_pg_pattern(term), type_=sa.Float)
    else:
        estimate = sa.func.kw_search_key_columns_estimate(
            _pg_pattern(term), _pg_column_names(searched), type_=sa.Float
        )
    return float(session.execute(sa.select(estimate)).scalar_one())


def _pg_column_names(searched: tuple[sa.ColumnElement[Any], ...]) -> sa.BindParameter[Any]:
    return sa.bindparam(None, [str(column.key) for column in searched], type_=sa.ARRAY(sa.Text))


def _pg_filter(
    term: str, searched: tuple[sa.ColumnElement[Any], ...] = _SEARCHED
) -> sa.ColumnElement[bool]:
    """PostgreSQL: the rows whose ``searched`` columns hold ``term`` (all of them: the one
    expression of the whole text's index; some: each column as its part of the index of
    each column apart, search_schema.PG_COLUMN_INDEX)."""
    pattern = _pg_pattern(term)
    like: sa.ColumnElement[bool]
    if searched == _SEARCHED:
        expression: sa.ColumnElement[str] = sa.literal_column(PG_SEARCH_EXPRESSION)
        like = expression.like(pattern, escape="\\")
    else:
        like = sa.or_(*(sa.func.lower(column).like(pattern, escape="\\") for column in searched))
    mark = _rare_mark(term)
    if mark is None:
        return like
    # A row without the mark in any column cannot match: tested first (CASE keeps the order),
    # it spares most rows of a walk the lower() of their whole text (w_e: 1.25 → 0.3 µs a row).
    # (Every column by its bare name, as the whole text's expression names them.)
    named = [sa.literal_column(str(c.key)) for c in searched] if searched == _SEARCHED else searched
    marked = sa.or_(*(sa.func.strpos(column, mark) > 0 for column in named))
    return sa.case((marked, like), else_=sa.false())


#: Punctuation that most keys' text holds (a description's "(data@company.com)."), no use as
#: a first test.
_COMMON_MARKS = frozenset(".,:;-/@() ")


def _rare_mark(term: str) -> str | None:
    """An ASCII punctuation character of ``term`` that few keys' text holds, or None.
    ``lower()`` leaves it as it is and turns no other character into it, so a key whose
    columns do not hold it as they are cannot hold the term."""
    return next(
        (char for char in term if char in string.punctuation and char not in _COMMON_MARKS),
        None,
    )


def plain_search_predicate(dialect: str, term: str) -> sa.ColumnElement[bool]:
    """The row filter of a search on ``dialect``: what every plan's result equals (a scan
    with it is the reference the index plans are tested against)."""
    if dialect == "sqlite":
        return _sqlite_filter(term)
    if dialect == "postgresql":
        return _pg_filter(term)
    return _mariadb_like(term)


def pg_trgm_can_help(term: str) -> bool:
    """Whether a ``pg_trgm`` index narrows a search for ``term``: it makes trigrams of words
    (letters and digits) only, so without a word of 3+ characters it matches nearly every
    row."""
    return any(len(word) >= 3 for word in re.findall(r"[^\W_]+", term))


def _plan_postgresql(
    session: Session, term: str, searched: tuple[sa.ColumnElement[Any], ...] = _SEARCHED
) -> _SearchPlan:
    predicate = _pg_filter(term, searched)
    whole = searched == _SEARCHED
    member = False
    if whole:
        owned = _pg_member_keys(session)
        member = owned is not None
        planned = None if owned is None else _plan_pg_member(session, term, owned)
        if planned is not None:
            return planned
    if not pg_trgm_can_help(term):  # (only ever asked of every column: see _by_owners_holding)
        # A term none of whose pairs any key holds matches nothing; else walk (a common
        # term fills a page early), and scan the table when a rare one does not.
        if not session.execute(sa.select(sa.func.kw_search_may_hold(term.lower()))).scalar():
            return _SearchPlan(PlanKind.EMPTY)
        return _SearchPlan(
            PlanKind.WALK,
            predicate=predicate,
            fallback=predicate,
            walk_limit=SHORT_WALK_LIMIT,
            pg_page=_PG_WALK,
            pg_fallback=_PG_SCAN,
            pg_count=_PG_SCAN,
        )
    # The keys the caller may see whose searched text holds the term, through the index.
    pattern = _pg_pattern(term)
    if whole:
        found = sa.func.kw_search_keys(pattern, type_=sa.Integer)
    else:  # a search of the other columns than a sort's (pages only, never counted)
        found = sa.func.kw_search_key_columns(pattern, _pg_column_names(searched), type_=sa.Integer)
    candidates = _pg_function_candidates(found)
    estimate = _pg_estimate(session, term, searched)
    # (A member's sample would be their keys, scaled as if they were everyone's.)
    asks = whole and not member and estimate <= PG_SAMPLED_UP_TO
    sample = _pg_text_sample(session) if asks else None
    walk_limit = WALK_LIMIT
    if sample is None:
        if estimate <= RARE_LIMIT:
            return candidates
    else:
        matches = sample.matches(term)
        if matches <= min(RARE_LIMIT, math.sqrt(PG_CROSSOVER * sample.total)):
            return candidates
        share = matches / sample.total
        # Far enough to meet PG_WALK_EXPECTS matches by the sample: a term it puts a little
        # above the line is still walked to a full page rather than given up on.
        expected = math.ceil(PG_WALK_EXPECTS / share)
        walk_limit = min(PG_LONGEST_WALK, max(WALK_LIMIT, expected))
    # With other filters, a common term is counted by reading the keys with both.
    return _SearchPlan(
        PlanKind.WALK,
        predicate=predicate,
        count_alone=candidates.count_alone,
        fallback=candidates.predicate,
        walk_limit=walk_limit,
        pg_page=_PG_WALK,
        pg_fallback=_PG_CANDIDATES,
        pg_count=_PG_CUSTOM,
        term=term if whole else "",
        matches=estimate if whole else 0.0,
    )


@dataclass(frozen=True, slots=True)
class _TextSample:
    """PostgreSQL: the searched text (``PG_SEARCH_EXPRESSION``) of a sample of every key,
    one per line, and how many keys the table holds per sampled key."""

    text: str
    keys: int
    scale: float
    taken: float

    @property
    def total(self) -> float:
        return self.keys * self.scale

    def matches(self, term: str) -> float:
        """About how many keys hold ``term`` (counting its places in the sample: a key
        that holds a rare term twice is rare)."""
        return self.text.count(term.lower()) * self.scale


_PG_SAMPLES: weakref.WeakKeyDictionary[sa.Engine, _TextSample] = weakref.WeakKeyDictionary()


def _pg_text_sample(session: Session) -> _TextSample | None:
    """The sample of the keys' text, read again once SAMPLE_AGE seconds old (asked only for
    someone who sees every key: the rows are those row-level security lets the caller
    read); None while the table is too small to need one, or has not been analysed (its
    size is unknown)."""
    return _fresh_sample(session, _PG_SAMPLES, _read_pg_text_sample)


def _read_pg_text_sample(session: Session, now: float) -> _TextSample:
    size = sa.text("SELECT reltuples FROM pg_class WHERE oid = 'api_keys'::regclass")
    keys = float(session.execute(size).scalar() or -1)
    if keys < SAMPLE_MIN:
        return _TextSample("", 0, 0.0, now)
    share = min(100.0, 100.0 * PG_SAMPLE_KEYS / keys)
    # The unit separator between fields is kept: a term never holds one (validation).
    sampled = ApiKey.__table__.tablesample(sa.func.system(share), name="sampled")
    texts = session.execute(
        sa.select(sa.literal_column(PG_SEARCH_EXPRESSION, sa.Text)).select_from(sampled)
    ).scalars()
    lines = [text.replace("\n", " ") for text in texts]
    scale = keys / len(lines) if lines else 0.0
    return _TextSample("\n".join(lines), len(lines), scale, now)


def _pg_function_candidates(found: sa.FunctionElement[Any]) -> _SearchPlan:
    """The keys among the ids a definer search function returns (``found``), each looked up
    by primary key. The function applies the reading rule itself: with no other filter,
    counting its rows is the count (a common term's ids, joined back to the keys, cost three
    times as much)."""
    return _SearchPlan(
        PlanKind.CANDIDATES,
        predicate=_TABLE.id.in_(sa.select(found)),
        count_alone=sa.select(sa.func.count()).select_from(found.alias("found")),
        pg_page=_PG_CANDIDATES,
        pg_count=_PG_CUSTOM,
    )


def _plan_search(session: Session, term: str, *, in_rows: bool = False) -> _SearchPlan:
    """The plan for ``term``; ``in_rows``: MariaDB may hand a rare term's candidates to the
    page query as the index's rows (:func:`_plan_mariadb`)."""
    if not term:
        return _SearchPlan()
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return _plan_sqlite(session, term)
    if dialect == "postgresql":
        return _plan_postgresql(session, term)
    return _plan_mariadb(session, term, in_rows=in_rows)


def _plan_mariadb(
    session: Session,
    term: str,
    searched: tuple[sa.ColumnElement[Any], ...] = _SEARCHED,
    *,
    in_rows: bool = False,
) -> _SearchPlan:
    """The plan for ``term`` in the ``searched`` columns (each column's words are apart in
    the index since migration 0020).

    ``in_rows`` (a page with no other filter, sorted by a column the index's rows carry): a
    rare term's candidates are not read here but left to the page query, which finds,
    filters and sorts them in one statement over those rows (:func:`_search_rows_ids`).
    The sample that called the term rare bounds how many they are."""
    columns = search_mariadb_sql.key_columns_for(term, [str(column.key) for column in searched])
    if not columns:
        return _SearchPlan(PlanKind.EMPTY)  # only a key id was searched, and it cannot be one
    like = _mariadb_like(term, searched)
    data = term.lower().encode("utf-8")
    # A 1-2 byte term is its own piece: the sample counts the keys holding it, the index
    # finds it as the start of words (every byte of a field starts one). A phrase word (a
    # space and three bytes either side) is often far rarer than any window of its words.
    windows = search_mariadb_sql.windows(term) + search_mariadb_sql.phrases(term) or [data]
    # A set that covers the whole term, in every column.
    chosen = dict.fromkeys(columns, search_mariadb_sql.key_pieces(term))
    full = _word_sample(session)
    sample = full
    if full is not None and len(searched) < len(_SEARCHED):
        sample = full.only(tuple(_SEARCHED.index(column) for column in searched))
    walk_limit = WALK_LIMIT
    if full is not None and sample is not None and sample.total > WALK_ALL_UP_TO:
        ranked = sorted(windows, key=sample.keys_holding)
        walk_fills = sample.total * WALK_FILLS_AT
        holding_term = sample.keys_holding(data)
        rare = sample.keys_holding(ranked[0]) <= min(RARE_LIMIT, walk_fills)
        # Each column's own words: a window common in descriptions may be rare in names
        # ("a a" of "Jira Alerts"), and one a column never holds costs nothing there.
        apart = {column: full.only((_SEARCHED_NAMES.index(column),)) for column in columns}
        if rare and len(data) >= 3:
            # Its rarest words: the sample cannot tell how few keys hold them all, and a
            # second or third short list often leaves none.
            chosen = {column: _rarest_words(part, windows, data) for column, part in apart.items()}
        elif len(data) >= 3:
            cheapest = sample.cheapest_words(ranked)
            # A phrase of common words that few keys hold: a walk would find too few of it.
            rare = (
                holding_term <= walk_fills and sample.keys_holding_all(cheapest) <= MOST_CANDIDATES
            )
            chosen = {
                column: part.cheapest_words(sorted(windows, key=part.keys_holding))
                for column, part in apart.items()
            }
        if rare and in_rows:
            rows = _SEARCH_ROWS.c
            found = sa.and_(
                _holds(chosen),
                _mariadb_like(term, tuple(rows[str(c.key)] for c in searched)),
            )
            predicate = sa.and_(_TABLE.id.in_(_mariadb_matches(chosen)), like)
            return _SearchPlan(PlanKind.CANDIDATES, predicate=predicate, rows_where=found)
        if rare:
            # Read the keys holding those words rather than walk the sort order first.
            held_by = _mariadb_matches(chosen).limit(MOST_CANDIDATES + 1).subquery("held")
            # One row, the ids in order joined by commas: thousands of one-id rows cost the
            # driver several ms to read and a JSON array as many to bind again.
            listed = sa.literal_column("GROUP_CONCAT(held.key_ref ORDER BY held.key_ref)", sa.Text)
            count, top, ids = session.execute(
                sa.select(sa.func.count(), sa.func.max(held_by.c.key_ref), listed)
            ).one()
            if not count:
                return _SearchPlan(PlanKind.EMPTY)  # no key holds all those words
            if count <= MOST_CANDIDATES:
                if ids.count(",") + 1 != count or ids.rpartition(",")[2] != str(top):
                    # Cut short by the server's group_concat_max_len: read them one by one.
                    ids = ",".join(str(row[0]) for row in session.execute(sa.select(held_by)))
                found = _mariadb_ids(f"[{ids}]")
                return _SearchPlan(PlanKind.CANDIDATES, predicate=sa.and_(found, like))
        # The walk stops where it expects a page several times over: finding its last row
        # walks the sort order, which for a member passes everyone else's keys too.
        expected = WALK_EXPECTS / (holding_term / sample.total)
        walk_limit = min(WALK_LIMIT, max(SHORTEST_WALK, math.ceil(expected)))
    # A common term fills a page early along the sort order; a walk that gives up asks the
    # index for the same words.
    indexed = sa.and_(_TABLE.id.in_(_mariadb_matches(chosen)), like)
    # Every column searched: the term, for a page sorted by name (see _segment_rows).
    whole = term if len(searched) == len(_SEARCHED) else ""
    return _SearchPlan(
        PlanKind.WALK, predicate=like, fallback=indexed, walk_limit=walk_limit, term=whole
    )


def _rarest_words(sample: _WordSample, windows: list[bytes], term: bytes) -> list[bytes]:
    """The rarest MOST_WORDS of ``windows`` (of ``term``) by ``sample`` that at most
    RARE_LIMIT keys hold (the rarest one at least); the rarest alone where the sample says
    the others cut nothing (SURE_HOLDERS)."""
    ranked = sorted(windows, key=sample.keys_holding)
    if sample.all_hold(ranked[0], term):
        return ranked[:1]
    held = [window for window in ranked if sample.keys_holding(window) <= RARE_LIMIT]
    return (held or ranked)[:MOST_WORDS]


def _mariadb_ids(ids: str) -> sa.ColumnElement[bool]:
    """``api_keys.id`` among ``ids``, one JSON array of them (MariaDB 10.6+): bound one by
    one, a few thousand of them cost SQLAlchemy and the driver 4-10 ms a statement."""
    listed = (
        sa.text("SELECT j.id FROM JSON_TABLE(:ids, '$[*]' COLUMNS (id INT PATH '$')) AS j")
        .bindparams(ids=ids)
        .columns(sa.column("id", sa.Integer))
    )
    return _TABLE.id.in_(listed)


def _holds(chosen: dict[str, list[bytes]]) -> sa.TextClause:
    """The index's rows that hold, in one of the columns ``chosen`` names, all the pieces it
    gives that column (3-byte windows, or a 1-2 byte piece), by their words."""
    return sa.text("MATCH (grams) AGAINST (:words IN BOOLEAN MODE)").bindparams(
        words=search_mariadb_sql.key_query_by_column(chosen)
    )


def _mariadb_matches(chosen: dict[str, list[bytes]]) -> sa.Select[Any]:
    """The ids of the keys the caller may see that hold ``chosen`` (as :func:`_holds`)."""
    return sa.select(_SEARCH_ROWS.c.key_ref).where(_holds(chosen))


def _search_rows_ids(
    session: Session,
    found: sa.ColumnElement[bool],
    order: _Order,
    start: Cursor | None,
    wanted: int,
) -> list[int]:
    """MariaDB: the first ``wanted`` keys past ``start`` in ``order`` among the index's rows
    ``found`` (a plan's ``rows_where``), in one statement: InnoDB reads each row its words
    find anyway (~4.5 µs a key), and the text and sort value it carries cost nothing more,
    where reading each candidate again from ``api_keys`` cost ~5 µs a key (2,000 candidates
    of ``kestrel``: 23 ms in all, against 39)."""
    rows = _SEARCH_ROWS.c
    column, pk = rows[str(order.column.key)], rows.key_ref
    clauses = [found]
    if start is not None:
        clauses.append(_after(session, column, start, order.descending, False, pk=pk))
    by = [_dir(column, order.descending), _dir(pk, order.descending)]
    return list(session.scalars(sa.select(pk).where(*clauses).order_by(*by).limit(wanted)))


@dataclass(frozen=True, slots=True)
class _WordSample:
    """MariaDB: how many keys of a sample hold each 3-byte window (index word) or 1-2 byte
    piece, and how many keys the caller sees per sampled key. InnoDB's FULLTEXT keeps no
    such figure itself."""

    #: Each window's keys, counted once (None: counted as asked, through ``bits``).
    held: Counter[bytes] | None
    #: The sampled keys' searched text, for a 1-2 byte piece (counted when asked).
    texts: tuple[bytes, ...]
    scale: float
    taken: float
    #: Each window's holders among the sampled keys (``_holders``), filled as asked.
    bits: dict[bytes, int] = field(default_factory=dict)
    #: The same keys' text of some columns only (``only``), made once each.
    parts: dict[tuple[int, ...], _WordSample] = field(default_factory=dict)
    #: How many sampled keys hold each other piece asked about (a whole term), counted once:
    #: every search asks again for its term (2,000 texts read: ~0.5 ms on a slow machine).
    pieces: dict[bytes, int] = field(default_factory=dict)

    @property
    def keys(self) -> int:
        return len(self.texts)

    @property
    def total(self) -> float:
        """About how many keys the caller sees."""
        return self.keys * self.scale

    def keys_holding(self, piece: bytes) -> float:
        """About how many keys hold ``piece`` (a 3-byte window, or any other text); one no
        sampled key holds counts half a key."""
        if len(piece) != 3:
            held = self.pieces.get(piece, -1)
            if held < 0:
                held = self.pieces[piece] = sum(piece in text for text in self.texts)
        elif self.held is not None:
            held = self.held[piece]
        else:
            held = self._holders(piece).bit_count()
        return max(held, 0.5) * self.scale

    def only(self, columns: tuple[int, ...]) -> _WordSample:
        """The same keys, their text of ``columns`` (places in ``_SEARCHED``) alone."""
        part = self.parts.get(columns)
        if part is None:
            fields = (text.split(b"\x1f") for text in self.texts)
            texts = tuple(b"\x1f".join(each[n] for n in columns) + b"\x1f\x1f" for each in fields)
            part = self.parts[columns] = _WordSample(None, texts, self.scale, self.taken)
        return part

    def share_in(self, term: str, column: int) -> float:
        """Of the sampled keys that hold ``term``, the share holding it in ``column`` (a
        place in ``_SEARCHED``); 0 when none holds it."""
        data = term.lower().encode("utf-8")
        holding = [text for text in self.texts if data in text]
        if not holding:
            return 0.0
        inside = sum(data in text.split(b"\x1f")[column] for text in holding)
        return inside / len(holding)

    def all_hold(self, piece: bytes, term: bytes) -> bool:
        """Whether SURE_HOLDERS or more sampled keys hold ``piece`` and each of them holds
        ``term`` too."""
        holders = self._holders(piece)
        return holders.bit_count() >= SURE_HOLDERS and not holders & ~self._holders(term)

    def keys_holding_all(self, windows: list[bytes]) -> float:
        """About how many keys hold every one of ``windows`` (as :meth:`keys_holding`)."""
        together = -1
        for window in windows:
            together &= self._holders(window)
        return max(together.bit_count() if windows else self.keys, 0.5) * self.scale

    def cheapest_words(self, ranked: list[bytes]) -> list[bytes]:
        """The windows (of ``ranked``, rarest first) whose boolean query costs least by
        POSTING_COST and MATCH_COST: from the rarest, while another one lowers the cost."""
        chosen = [ranked[0]]
        read = self.keys_holding(ranked[0])
        together = self._holders(ranked[0])
        cost = POSTING_COST * read + MATCH_COST * self._scaled(together)
        while together:  # no sampled key holds them all: another word cannot help
            best = None
            for window in ranked:
                more = POSTING_COST * (read + self.keys_holding(window))
                if more >= cost:
                    break  # this list alone costs more, and the rest are longer
                if window in chosen:
                    continue
                both = together & self._holders(window)
                if (option := more + MATCH_COST * self._scaled(both)) < cost:
                    best, cost, best_together = window, option, both
            if best is None:
                return chosen
            chosen.append(best)
            read += self.keys_holding(best)
            together = best_together
        return chosen

    def _holders(self, window: bytes) -> int:
        """The sampled keys holding ``window``, as the bits of an int (built once)."""
        try:
            return self.bits[window]
        except KeyError:
            bits = sum(1 << n for n, text in enumerate(self.texts) if window in text)
            self.bits[window] = bits
            return bits

    def _scaled(self, bits: int) -> float:
        return max(bits.bit_count(), 0.5) * self.scale


#: The last sample read through each engine (one login's view of one database).
_SAMPLES: weakref.WeakKeyDictionary[sa.Engine, _WordSample] = weakref.WeakKeyDictionary()


def _word_sample(session: Session) -> _WordSample | None:
    """The caller's sample, read again once it is SAMPLE_AGE seconds old; None while it
    holds fewer than SAMPLE_MIN keys (a few keys are walked in no time)."""
    return _fresh_sample(session, _SAMPLES, _read_sample)


class _Sample(Protocol):
    @property
    def keys(self) -> int: ...

    @property
    def taken(self) -> float: ...


_S = TypeVar("_S", bound=_Sample)


def _fresh_sample(
    session: Session,
    samples: weakref.WeakKeyDictionary[sa.Engine, _S],
    read: Callable[[Session, float], _S],
) -> _S | None:
    """The sample ``samples`` keeps for the session's engine, ``read`` again once it is
    SAMPLE_AGE seconds old; None while it holds fewer than SAMPLE_MIN keys."""
    engine = session.get_bind().engine
    now = time.monotonic()
    sample = samples.get(engine)
    if sample is None or now - sample.taken > SAMPLE_AGE:
        sample = read(session, now)
        samples[engine] = sample
    return sample if sample.keys >= SAMPLE_MIN else None


def _read_sample(session: Session, now: float) -> _WordSample:
    """SAMPLE_RUNS runs of SAMPLE_RUN consecutive ids spread evenly over the caller's keys,
    read by primary key. Where those hold fewer than SAMPLE_MIN of the caller's keys (a
    member, whose own keys are a small share of a large table), the caller's first
    SAMPLE_RUNS × SAMPLE_RUN keys by id instead, scaled by how many the caller sees. A read
    the server stops (SAMPLE_TIME_S) leaves an empty sample."""
    empty = _WordSample(Counter(), (), 0.0, now)
    before = session.execute(sa.text("SELECT @@SESSION.max_statement_time")).scalar_one()
    session.execute(sa.text("SET SESSION max_statement_time = :s"), {"s": SAMPLE_TIME_S})
    try:
        low, high = session.execute(sa.select(sa.func.min(_TABLE.id), sa.func.max(_TABLE.id))).one()
        if low is None:
            return empty
        step = max(SAMPLE_RUN, (high - low + 1) // SAMPLE_RUNS)
        starts = range(low, high + 1, step)
        runs = [_TABLE.id.between(start, start + SAMPLE_RUN - 1) for start in starts]
        rows = session.execute(sa.select(*_SEARCHED).where(sa.or_(*runs))).all()
        spanned = sum(min(SAMPLE_RUN, high + 1 - start) for start in starts)
        seen = (high - low + 1) * len(rows) / spanned
        if len(rows) < SAMPLE_MIN:
            first = sa.select(*_SEARCHED).order_by(_TABLE.id).limit(SAMPLE_RUNS * SAMPLE_RUN)
            rows = session.execute(first).all()
            seen = session.execute(sa.select(sa.func.count(_TABLE.id))).scalar_one()
    except sa.exc.OperationalError:
        return empty
    finally:
        session.execute(sa.text("SET SESSION max_statement_time = :s"), {"s": before})
    texts = tuple(search_mariadb_sql.searched_bytes(*row) for row in rows)
    held: Counter[bytes] = Counter()
    for text in texts:
        held.update(search_mariadb_sql.searched_windows(text))
    scale = seen / len(rows) if rows else 0.0
    return _WordSample(held, texts, scale, now)


def _mariadb_like(
    term: str, searched: tuple[sa.ColumnElement[Any], ...] = _SEARCHED
) -> sa.ColumnElement[bool]:
    """LIKE that ignores case but not accents, as on SQLite and PostgreSQL: MariaDB's
    ``_ci`` collations would also find "Zürich" for "zurich", so lower-cased text is
    compared byte for byte."""
    loose = f"%{escape_like(term)}%"
    exact = f"%{escape_like(term.lower())}%"
    return sa.or_(
        *(
            # The collation's LIKE first: it is cheap and lets few rows through to lower().
            sa.and_(
                column.like(loose, escape="\\"),
                sa.func.lower(column).collate("utf8mb4_bin").like(exact, escape="\\"),
            )
            for column in searched
        )
    )


def describe_search_plan(session: Session, term: str) -> str:
    """The plan a search for ``term`` takes now (for benchmarks and diagnostics)."""
    return _plan_search(session, term).kind.value


def status_predicate(status: KeyStatus, now: datetime) -> sa.ColumnElement[bool]:
    """The rows whose derived status is ``status`` at ``now`` (what the status filter uses)."""
    return _status_predicate(status, now)


def _status_predicate(status: KeyStatus, now: datetime) -> sa.ColumnElement[bool]:
    not_expired = sa.or_(_TABLE.expires_at.is_(None), _TABLE.expires_at > now)
    if status is KeyStatus.ACTIVE:
        return sa.and_(_TABLE.state == KeyState.ACTIVE.value, not_expired)
    if status is KeyStatus.DISABLED:
        return sa.and_(_TABLE.state == KeyState.DISABLED.value, not_expired)
    if status is KeyStatus.EXPIRED:
        return sa.and_(_TABLE.state != KeyState.REVOKED.value, _TABLE.expires_at <= now)
    return _TABLE.state == KeyState.REVOKED.value


def _filters(key_filter: KeyFilter, now: datetime) -> list[sa.ColumnElement[bool]]:
    clauses: list[sa.ColumnElement[bool]] = []
    if key_filter.status is not None:
        clauses.append(_status_predicate(key_filter.status, now))
    if key_filter.owner_id is not None:
        clauses.append(_TABLE.owner_id == key_filter.owner_id)
    if key_filter.environment is not None:
        clauses.append(_TABLE.environment == key_filter.environment)
    return clauses


def count_keys(session: Session, key_filter: KeyFilter, now: datetime) -> int:
    plan = _plan_search(session, key_filter.search)
    if plan.kind is PlanKind.EMPTY:
        return 0
    if (
        plan.kind is PlanKind.NONE
        and key_filter.status in _NOT_EXPIRED_STATES
        and session.get_bind().dialect.name == "sqlite"
    ):
        return _count_not_expired(session, key_filter, now)
    clauses = _filters(key_filter, now)
    if not clauses and plan.count_alone is not None:
        return int(session.execute(plan.count_alone).scalar_one())
    search = plan.count_predicate if plan.count_predicate is not None else plan.predicate
    if search is not None:
        clauses.append(search)
    statement = sa.select(sa.func.count()).select_from(ApiKey.__table__).where(*clauses)
    with _pg_settings(session, plan.pg_count):
        return int(session.execute(statement).scalar_one())


#: The statuses of keys in a state whose expiry has not passed, by that state.
_NOT_EXPIRED_STATES = {KeyStatus.ACTIVE: KeyState.ACTIVE, KeyStatus.DISABLED: KeyState.DISABLED}


def _count_not_expired(session: Session, key_filter: KeyFilter, now: datetime) -> int:
    """SQLite: the active (or disabled) keys, counted as every key in that state less those
    whose expiry has passed.

    The status's own ``expires_at IS NULL OR expires_at > now`` makes SQLite collect the row
    ids of both halves of the OR in memory before it counts them (12 MiB and 1.3 s for the
    console's summary at 1,000,000 keys); two counts along covering indexes take a tenth of
    that and no memory. One read transaction: both counts see the same keys.
    """
    assert key_filter.status is not None
    state = _NOT_EXPIRED_STATES[key_filter.status].value
    clauses = [
        _TABLE.state == state,
        *_filters(dataclasses.replace(key_filter, status=None), now),
    ]

    def count(*where: sa.ColumnElement[bool]) -> int:
        statement = sa.select(sa.func.count()).select_from(ApiKey.__table__).where(*where)
        return int(session.execute(statement).scalar_one())

    return count(*clauses) - count(*clauses, _TABLE.expires_at <= now)


def _segments(sort: SortField, descending: bool) -> list[bool]:
    """Segments to read in order; True is the NULL segment (NULL sorts smallest)."""
    if sort not in NULLABLE_SORTS:
        return [False]
    return [False, True] if descending else [True, False]


def fetch_page(
    session: Session,
    key_filter: KeyFilter,
    *,
    sort: SortField,
    descending: bool,
    limit: int,
    now: datetime,
    after: Cursor | None = None,
) -> tuple[list[sa.Row[Any]], Cursor | None]:
    """One page of keys (rows of :data:`PAGE_COLUMNS`; on a server database the key's own
    columns only) and the next page's cursor (None at the end)."""
    filters = _filters(key_filter, now)
    column = SORT_COLUMNS[sort]
    in_rows = not filters and column.key in _ROW_SORTS
    plan = _plan_search(session, key_filter.search, in_rows=in_rows)
    if plan.kind is PlanKind.EMPTY:
        return [], None
    rows: list[sa.Row[Any]] = []
    segments = _segments(sort, descending)
    if after is not None and sort in NULLABLE_SORTS:
        # Skip the segments the cursor has already passed.
        segments = segments[segments.index(after.value is None) :]
    for null_segment in segments:
        wanted = limit + 1 - len(rows)
        if wanted <= 0:
            break
        order = _Order(session, column, descending, null_segment)
        where = list(filters)
        if sort in NULLABLE_SORTS:
            where.append(column.is_(None) if null_segment else column.is_not(None))
        start = after if after is not None and (after.value is None) == null_segment else None
        rows.extend(_segment_rows(session, plan, order, where, start, wanted))
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        return rows, Cursor(_sort_value(last, sort), last.id)
    return rows, None


@dataclass(frozen=True, slots=True)
class _Order:
    """One segment's order: by (column, id), or by id alone in the NULL segment."""

    session: Session
    column: sa.ColumnElement[Any]
    descending: bool
    null_segment: bool

    @property
    def sqlite(self) -> bool:
        return self.session.get_bind().dialect.name == "sqlite"

    def keys(self, *, indexed: bool = True) -> list[sa.ColumnElement[Any]]:
        keys: list[sa.ColumnElement[Any]] = [self.column, _TABLE.id]
        if self.null_segment:
            keys = [_TABLE.id]
        if indexed:
            return keys
        dialect = self.session.get_bind().dialect.name
        return [_unindexed(key, dialect) for key in keys]

    def by(self, *, indexed: bool = True) -> list[sa.ColumnElement[Any]]:
        return [_dir(key, self.descending) for key in self.keys(indexed=indexed)]

    def value_of(self, row: Any) -> Cursor:
        return Cursor(None if self.null_segment else row[0], row[-1])

    def up_to(self, cursor: Cursor) -> sa.ColumnElement[bool]:
        """Rows up to ``cursor`` (included) in this order, as a range an index can serve."""
        if self.null_segment:
            return _TABLE.id >= cursor.pk if self.descending else _TABLE.id <= cursor.pk
        value = sa.literal(cursor.value, self.column.type)
        if self.session.get_bind().dialect.name not in {"sqlite", "postgresql"}:
            # MariaDB makes no range of a row-value comparison (it would walk to the end).
            if self.descending:
                return sa.or_(
                    self.column > value, sa.and_(self.column == value, _TABLE.id >= cursor.pk)
                )
            return sa.or_(
                self.column < value, sa.and_(self.column == value, _TABLE.id <= cursor.pk)
            )
        here = sa.tuple_(self.column, _TABLE.id)
        there = sa.tuple_(value, sa.literal(cursor.pk))
        return here >= there if self.descending else here <= there

    def past(self, cursor: Cursor, *, indexed: bool = True) -> sa.ColumnElement[bool]:
        """Rows strictly past ``cursor`` in this order."""
        return _after(
            self.session,
            self.column,
            cursor,
            self.descending,
            self.null_segment,
            indexed=indexed,
        )


def _segment_rows(
    session: Session,
    plan: _SearchPlan,
    order: _Order,
    where: list[sa.ColumnElement[bool]],
    start: Cursor | None,
    wanted: int,
) -> list[sa.Row[Any]]:
    if plan.kind is PlanKind.CANDIDATES and order.sqlite:
        assert plan.predicate is not None
        return _sorted_candidates(session, order, [*where, plan.predicate], start, wanted)
    if plan.term and order.column is _TABLE.owner_name and _owners_may_hold_most(session, plan):
        found = _by_owners_holding(session, plan.term, order, where, start, wanted)
        if found is not None:
            return found
    names_first = plan.term and order.column is _TABLE.name and _names_hold_most(session, plan)
    if names_first:
        found = _by_names_holding(session, plan.term, order, where, start, wanted, NAME_FIRST_LIMIT)
        if found is not None:
            return found
    first = _mariadb_candidate_ids(session, plan, order, where, start, wanted)
    if first is not None:
        return _first_of(session, order, first, wanted)
    if plan.kind is PlanKind.CANDIDATES and plan.sorted_apart:
        # The candidates by primary key (or owner), then sorted: given an index in the
        # sort's order, PostgreSQL would walk it for a LIMIT, testing every key.
        clauses = _candidates_past(plan, order, where, start)
        statement = (
            _page_select(session).where(*clauses).order_by(*order.by(indexed=False)).limit(wanted)
        )
        with _pg_settings(session, plan.pg_page):
            return list(session.execute(statement))
    clauses = list(where)
    if start is not None:
        clauses.append(order.past(start))
    if plan.predicate is not None:
        clauses.append(plan.predicate)
    with _pg_settings(session, plan.pg_page):
        bound = None
        if plan.fallback is not None and session.get_bind().dialect.name == "postgresql":
            rows, bound = _pg_walk(session, plan, order, where, start, wanted)
        else:
            if plan.fallback is not None:
                # Walk no further than walk_limit rows of the order (cheap to find in its
                # index).
                bounded = [*where, order.past(start)] if start is not None else list(where)
                nth = sa.select(*order.keys()).where(*bounded).order_by(*order.by())
                last = session.execute(nth.limit(1).offset(plan.walk_limit - 1)).first()
                if last is not None:
                    bound = order.value_of(last)
                    clauses.append(order.up_to(bound))
            statement = _page_select(session).where(*clauses).order_by(*order.by())
            rows = list(session.execute(statement.limit(wanted)))
    if bound is None or len(rows) == wanted:
        return rows
    # The walk found too few matches that far along: the rest come from the candidates.
    assert plan.fallback is not None
    if plan.term and order.column is _TABLE.name and not names_first:
        short = wanted - len(rows)
        named = _by_names_holding(session, plan.term, order, where, bound, short, NAME_WALK_LIMIT)
        if named is not None:
            return rows + named
    rest = [*where, plan.fallback]
    if order.sqlite:
        return rows + _sorted_candidates(session, order, rest, bound, wanted - len(rows))
    statement = (
        _page_select(session)
        .where(*rest, order.past(bound))
        .order_by(*order.by())
        .limit(wanted - len(rows))
    )
    with _pg_settings(session, plan.pg_fallback):
        return rows + list(session.execute(statement))


def _segment_ids(
    session: Session,
    plan: _SearchPlan,
    order: _Order,
    where: list[sa.ColumnElement[bool]],
    start: Cursor | None,
    wanted: int,
) -> list[int]:
    """The ids of :func:`_segment_rows`'s keys, for a page merged from two searches, whose
    rows are read once: MariaDB's candidates without reading their rows (~3-5 ms)."""
    found = _mariadb_candidate_ids(session, plan, order, where, start, wanted)
    if found is None:
        found = [row.id for row in _segment_rows(session, plan, order, where, start, wanted)]
    return found


def _mariadb_candidate_ids(
    session: Session,
    plan: _SearchPlan,
    order: _Order,
    where: list[sa.ColumnElement[bool]],
    start: Cursor | None,
    wanted: int,
) -> list[int] | None:
    """MariaDB, a plan of candidates: the ids of its first ``wanted`` keys past ``start`` in
    ``order`` (None: another dialect or plan). The page's ids first, its rows after: sorting
    thousands of whole rows cost MariaDB 5-10 ms more than sorting their ids (`zürich`, 3,093
    candidates), and a page merged from two searches reads its rows once."""
    if plan.kind is not PlanKind.CANDIDATES:
        return None
    if plan.rows_where is not None and not where and order.column.key in _ROW_SORTS:
        return _search_rows_ids(session, plan.rows_where, order, start, wanted)
    if session.get_bind().dialect.name not in MARIADB_DIALECTS:
        return None
    # The candidates by primary key, then sorted: given an index in the sort's order,
    # MariaDB would walk it for a LIMIT, testing every key.
    clauses = _candidates_past(plan, order, where, start)
    ids = sa.select(_TABLE.id).where(*clauses).order_by(*order.by(indexed=False))
    return list(session.scalars(ids.limit(wanted)))


def _candidates_past(
    plan: _SearchPlan, order: _Order, where: list[sa.ColumnElement[bool]], start: Cursor | None
) -> list[sa.ColumnElement[bool]]:
    """The clauses of a plan's candidates past ``start``, to be sorted rather than walked."""
    assert plan.predicate is not None
    clauses = [*where, plan.predicate]
    if start is not None:
        clauses.append(order.past(start, indexed=False))
    return clauses


def _pg_walk(
    session: Session,
    plan: _SearchPlan,
    order: _Order,
    where: list[sa.ColumnElement[bool]],
    start: Cursor | None,
    wanted: int,
) -> tuple[list[sa.Row[Any]], Cursor | None]:
    """PostgreSQL: the matches among the first ``walk_limit`` rows of the order past
    ``start``, up to ``wanted``, and the last of those rows when they fill no page (None:
    the order ends there, or the page is full).

    The rows are a subquery's LIMIT, so the walk stops where the page fills. Finding the
    walk's end first cost more than most walks: under row-level security the sort index is
    read with every key's row (2 ms for 12,000 rows, 18 for 100,000), now only for a walk
    that falls short.
    """
    bounded = [*where, order.past(start)] if start is not None else list(where)
    ahead = _page_select(session).where(*bounded).order_by(*order.by())
    assert plan.predicate is not None
    statement = _on_window(ahead, plan.walk_limit, order, plan.predicate).limit(wanted)
    rows = list(session.execute(statement))
    if len(rows) == wanted:
        return rows, None
    nth = sa.select(*order.keys()).where(*bounded).order_by(*order.by())
    last = session.execute(nth.limit(1).offset(plan.walk_limit - 1)).first()
    return rows, None if last is None else order.value_of(last)


def _on_window(
    ahead: sa.Select[Any], size: int, order: _Order, predicate: sa.ColumnElement[bool]
) -> sa.Select[Any]:
    """PostgreSQL: the rows of ``predicate`` among the first ``size`` of ``ahead`` (a select
    in ``order``), in that order. The window is a subquery's LIMIT, so a LIMIT on the result
    stops the read where it is met, and the read never goes past the window."""
    window = ahead.limit(size).subquery()
    adapt = ClauseAdapter(window).traverse
    return (
        sa.select(*window.c).where(adapt(predicate)).order_by(*(adapt(key) for key in order.by()))
    )


def _by_owners_holding(
    session: Session,
    term: str,
    order: _Order,
    where: list[sa.ColumnElement[bool]],
    start: Cursor | None,
    wanted: int,
) -> list[sa.Row[Any]] | None:
    """Sorted by owner, a term many keys hold (None: no owner's name holds it).

    The keys of an owner whose name holds the term lie together along the order, often far
    from its start ("Alice O'Brien"), where a walk gives up and the candidates are read
    whole. Owners are few: their names are read from the sort's index one distinct name at
    a time, and the keys of the ones that hold the term straight from it, in order. The keys
    that hold the term elsewhere are a search of the other columns, planned as any other;
    the page is the first of both.
    """
    names = _owner_names_holding(session, term)
    if names is None:
        return None
    others = _searched_but(_TABLE.owner_name)
    past = [order.past(start)] if start is not None else []
    if order.sqlite:
        clauses = [*where, *past, _TABLE.owner_name.in_(_json_values(json.dumps(names), sa.String))]
        owned = sa.select(_TABLE.id).where(*clauses).order_by(*order.by()).limit(wanted)
        ids = list(session.scalars(owned))
        elsewhere = _plan_sqlite(session, term, others)
    else:
        # PostgreSQL 15 sorts every key of a list of owners (an index scan on ``= ANY`` keeps
        # no order), MariaDB seeks each one: one owner at a time, in the index's order.
        mariadb = session.get_bind().dialect.name in MARIADB_DIALECTS
        # MariaDB's names are one per name the collation holds equal ("Zoe"/"Zoë"): each
        # key's own name is asked (from the index, which holds it).
        exact = [_mariadb_like(term, (_TABLE.owner_name,))] if mariadb else []
        ids = []
        with _pg_settings(session, _PG_WALK):
            for name in reversed(names) if order.descending else names:
                clauses = [*where, *past, _TABLE.owner_name == name, *exact]
                owned = sa.select(_TABLE.id).where(*clauses).order_by(*order.by())
                ids.extend(session.scalars(owned.limit(wanted - len(ids))))
                if len(ids) == wanted:
                    break
        if mariadb:
            elsewhere = _plan_mariadb(session, term, others, in_rows=not where)
        else:
            elsewhere = _plan_postgresql(session, term, others)
    if elsewhere.kind is not PlanKind.EMPTY:
        ids.extend(_segment_ids(session, elsewhere, order, where, start, wanted))
    return _first_of(session, order, ids, wanted)


def _searched_but(column: sa.ColumnElement[Any]) -> tuple[sa.ColumnElement[Any], ...]:
    return tuple(searched for searched in _SEARCHED if searched is not column)


def _first_of(session: Session, order: _Order, ids: list[int], wanted: int) -> list[sa.Row[Any]]:
    """The first ``wanted`` of the keys ``ids`` in ``order``, as page rows."""
    if not ids:
        return []
    statement = (
        _page_select(session)
        .where(_TABLE.id.in_(ids))
        .order_by(*order.by(indexed=False))
        .limit(wanted)
    )
    return list(session.execute(statement))


def _by_names_holding(
    session: Session,
    term: str,
    order: _Order,
    where: list[sa.ColumnElement[bool]],
    start: Cursor | None,
    wanted: int,
    reach: int,
) -> list[sa.Row[Any]] | None:
    """Sorted by name: the keys whose names hold the term, when they fill the page within
    ``reach`` rows of the order (None when they do not), with the keys that hold it
    elsewhere up to the last of them. Asked before the walk (NAME_FIRST_LIMIT rows) when
    names hold most matches (:func:`_names_hold_most`), else once the walk has found too
    few (NAME_WALK_LIMIT rows past it).

    Names that hold a term lie together along the order ("… ETL Staging …" after every
    "Airflow …"), and the name index tells where without reading a key: under 1 µs a row
    where the walk, which reads every key for its description, costs 5 on SQLite (2.3 on
    PostgreSQL, whose name index carries the owner, all a login's reading rule needs). The
    keys that hold the term in another column are, on SQLite, walked when the names fill
    the page within WALK_LIMIT rows, else searched in those columns, planned as any other;
    on PostgreSQL always searched (its column index answers a rare term at once).
    """
    past = [order.past(start)] if start is not None else []
    found: list[sa.Row[Any]] = []
    here, read = start, 0
    # In steps growing tenfold: a page that fills early (a common name) must not pay for
    # the whole reach.
    with _pg_settings(session, _PG_WALK):
        while True:
            step = min(max(NAME_FIRST_STEP, 10 * read), reach - read)
            rows, last = _names_step(session, term, order, where, here, step, wanted - len(found))
            found.extend(rows)
            if len(found) == wanted or last is None:
                break  # a full page, or the end of the order
            here, read = order.value_of(last), read + step
            if read >= reach:
                return None
    ids = [row[-1] for row in found]
    others = _searched_but(_TABLE.name)
    within = list(where)
    if len(found) == wanted:
        within.append(order.up_to(order.value_of(found[-1])))
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        elsewhere = _plan_postgresql(session, term, others)
    elif dialect in MARIADB_DIALECTS:
        elsewhere = _plan_mariadb(session, term, others, in_rows=not within)
    elif len(found) == wanted and _rows_within(session, [*past, within[-1]], WALK_LIMIT):
        elsewhere = _SearchPlan(PlanKind.WALK, predicate=_sqlite_filter(term, others))
    else:
        elsewhere = _plan_sqlite(session, term, others)
    if elsewhere.kind is not PlanKind.EMPTY:
        ids.extend(_segment_ids(session, elsewhere, order, within, start, wanted))
    return _first_of(session, order, ids, wanted)


def _names_step(
    session: Session,
    term: str,
    order: _Order,
    where: list[sa.ColumnElement[bool]],
    here: Cursor | None,
    step: int,
    wanted: int,
) -> tuple[list[sa.Row[Any]], sa.Row[Any] | None]:
    """Sorted by name: up to ``wanted`` keys past ``here`` within ``step`` rows of the order
    whose names hold ``term`` (as rows of the order's keys), and the step's last row when the
    page is not full (None: the order ends within the step)."""
    beyond = [order.past(here)] if here is not None else []
    ahead = sa.select(*order.keys()).where(*beyond).order_by(*order.by())
    if session.get_bind().dialect.name != "postgresql":
        # Finding the step's end costs SQLite as much as reading the step (MariaDB reads
        # both from the name index alone, which carries the owner since 0019).
        last = session.execute(ahead.offset(step - 1).limit(1)).first()
        clauses = [*where, *beyond, _name_holds(session, term, _TABLE.name)]
        if last is not None:
            clauses.append(order.up_to(order.value_of(last)))
        named = sa.select(*order.keys()).where(*clauses).order_by(*order.by())
        return list(session.execute(named.limit(wanted))), last
    # PostgreSQL reads the step from the index alone (it holds the reading rule's owner)
    # and stops where the page fills; the step's end only when it does not.
    named = _on_window(ahead, step, order, _name_holds(session, term, _TABLE.name))
    if where:
        # The other filters need the keys: every name of the step that holds the term,
        # then the filters on those keys.
        ids = [row[-1] for row in session.execute(named)]
        kept = sa.select(*order.keys()).where(
            *where, _TABLE.id == sa.any_(sa.bindparam(None, ids, sa.ARRAY(sa.Integer)))
        )
        kept = kept.order_by(*order.by(indexed=False)).limit(wanted)
        rows = list(session.execute(kept)) if ids else []
    else:
        rows = list(session.execute(named.limit(wanted)))
    if len(rows) == wanted:
        return rows, None
    return rows, session.execute(ahead.offset(step - 1).limit(1)).first()


def _rows_within(session: Session, where: list[sa.ColumnElement[bool]], most: int) -> bool:
    """Whether at most ``most`` keys meet ``where`` (counted no further)."""
    span = sa.select(sa.literal(1)).where(*where).limit(most + 1)
    counted = sa.select(sa.func.count()).select_from(span.subquery())
    return int(session.execute(counted).scalar_one()) <= most


def _owners_may_hold_most(session: Session, plan: _SearchPlan) -> bool:
    """Whether owners' names may hold most of the term's matches (then their keys lie
    together along the owner order: read the owners' names first). SQLite always asks
    the owner index (2.5 ms); PostgreSQL, whose loose scan costs 4–6 ms, asks the planner's
    estimates first (owners against every column: under 1 ms); MariaDB its word sample."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return True
    if dialect in MARIADB_DIALECTS:
        sample = _word_sample(session)
        place = _SEARCHED.index(_TABLE.owner_name)
        return sample is not None and 2 * sample.share_in(plan.term, place) > 1
    owners = _pg_estimate(session, plan.term, (_TABLE.owner_name,))
    return plan.matches > 0 and 2 * owners > plan.matches


def _names_hold_most(session: Session, plan: _SearchPlan) -> bool:
    """Whether names hold most of the term's matches (their keys then lie together along the
    name order: ask the name index first). SQLite: the names of the probe's first
    NAME_SAMPLE matches; PostgreSQL: the planner's estimates, names against every column;
    MariaDB: the keys of its word sample that hold the term."""
    if session.get_bind().dialect.name in MARIADB_DIALECTS:
        sample = _word_sample(session)
        return sample is not None and 2 * sample.share_in(plan.term, 0) > 1
    if session.get_bind().dialect.name != "sqlite":
        names = _pg_estimate(session, plan.term, (_TABLE.name,))
        return plan.matches > 0 and 2 * names > plan.matches
    first = (
        sa.text("SELECT value FROM json_each(:ids) LIMIT :most")
        .bindparams(ids=plan.sample, most=NAME_SAMPLE)
        .columns(sa.column("value", sa.Integer))
        .subquery()
    )

    def holding(predicate: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
        return sa.func.coalesce(sa.func.sum(sa.case((predicate, 1), else_=0)), 0)

    statement = sa.select(
        holding(_sqlite_filter(plan.term, (_TABLE.name,))), holding(_sqlite_filter(plan.term))
    ).where(_TABLE.id.in_(sa.select(first.c.value)))
    by_name, matches = session.execute(statement).one()
    return bool(matches) and 2 * int(by_name) > int(matches)


def _owner_names_holding(session: Session, term: str) -> list[str] | None:
    """The distinct owner names that hold ``term``, in the owner index's order; None when
    none does or when the keys have more than OWNER_NAMES_LIMIT owner names (too many to
    read one by one).

    A loose scan of the owner index: each step seeks the next name (2.5 ms for 501 owners at
    1,000,000 keys on SQLite, 4–6 ms on PostgreSQL); MariaDB reads the names of those who
    read every key from a definer view (migration 0021: none for a member).
    """
    dialect = session.get_bind().dialect.name
    if dialect in MARIADB_DIALECTS:
        view = sa.table(search_mariadb_sql.OWNER_NAMES_VIEW, sa.column("name", sa.String))
        # The collation's LIKE (case and accents ignored): a name it holds equal to one
        # holding the term holds it too; each key's own name is asked afterwards.
        loose = view.c.name.like(f"%{escape_like(term)}%", escape="\\")
        listed = sa.select(view.c.name, loose).order_by(view.c.name)
        rows = session.execute(listed.limit(OWNER_NAMES_LIMIT + 1)).all()
    else:
        scan = _owner_names_scan(dialect)
        holds = _name_holds(session, term, scan.c.name)
        rows = session.execute(sa.select(scan.c.name, holds).order_by(scan.c.n)).all()
    names = [str(value) for value, held in rows if held]
    if len(rows) > OWNER_NAMES_LIMIT or not names:
        return None
    return names


def _owner_names_scan(dialect: str) -> sa.Subquery:
    """The loose scan of the owner index (SQLite, PostgreSQL): ``name`` and its place ``n``,
    no more than OWNER_NAMES_LIMIT + 1 of them."""
    # SQLite stops the recursion at its LIMIT; PostgreSQL makes the rows as the outer LIMIT
    # reads them (and allows none in the recursion).
    limits = (" LIMIT :most", "") if dialect == "sqlite" else ("", " LIMIT :most")
    distinct = sa.text(
        "WITH RECURSIVE owner_names(name, n) AS ("  # noqa: S608 - fixed text
        " SELECT min(owner_name), 1 FROM api_keys"
        " UNION ALL"
        " SELECT (SELECT min(owner_name) FROM api_keys WHERE owner_name > owner_names.name),"
        f" n + 1 FROM owner_names WHERE owner_names.name IS NOT NULL{limits[0]}"
        f") SELECT name, n FROM owner_names WHERE name IS NOT NULL{limits[1]}"
    )
    return (
        distinct.bindparams(most=OWNER_NAMES_LIMIT + 1)
        .columns(sa.column("name", sa.String), sa.column("n", sa.Integer))
        .subquery()
    )


def _name_holds(
    session: Session, term: str, column: sa.ColumnElement[Any]
) -> sa.ColumnElement[bool]:
    """``column`` (a name) holds ``term``, as the dialect's search compares."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return _sqlite_filter(term, (column,))
    if dialect in MARIADB_DIALECTS:
        return _mariadb_like(term, (column,))
    return sa.func.lower(column).like(_pg_pattern(term), escape="\\")


def _sorted_candidates(
    session: Session,
    order: _Order,
    where: list[sa.ColumnElement[bool]],
    start: Cursor | None,
    wanted: int,
) -> list[sa.Row[Any]]:
    """SQLite: the first ``wanted`` matches after ``start``, found by id and then sorted.

    Unary + keeps SQLite from walking a whole sort index for a few candidates (collations
    are kept); only the ids are sorted, and the wanted rows are read afterwards.
    """
    clauses = list(where)
    if start is not None:
        clauses.append(order.past(start, indexed=False))
    by = order.by(indexed=False)
    ids = sa.select(_TABLE.id).where(*clauses).order_by(*by).limit(wanted)
    statement = _page_select(session).where(_TABLE.id.in_(ids)).order_by(*by)
    return list(session.execute(statement))


def _sort_value(row: sa.Row[Any], sort: SortField) -> Any:
    return row._mapping[str(SORT_COLUMNS[sort].key)]


def _dir(column: sa.ColumnElement[Any], descending: bool) -> sa.ColumnElement[Any]:
    return column.desc() if descending else column.asc()


def _unindexed(column: sa.ColumnElement[Any], dialect: str) -> sa.ColumnElement[Any]:
    """``column`` as no index can serve (SQLite: unary +, which keeps the collation; MariaDB,
    whose parser drops a unary +: ``COALESCE``, which keeps the type and collation too)."""
    if dialect == "sqlite":
        return sa.literal_column(f"+api_keys.{column.key}")
    return sa.func.coalesce(column, type_=column.type)


def _after(
    session: Session,
    column: sa.ColumnElement[Any],
    after: Cursor,
    descending: bool,
    null_segment: bool,
    *,
    indexed: bool = True,
    pk: sa.ColumnElement[Any] = _TABLE.id,
) -> sa.ColumnElement[bool]:
    """Rows past the cursor. ``indexed=False`` (SQLite) keeps the comparison off every index:
    with ``id IN (…)`` beside it, SQLite 3.40 answers ``id IN (…) AND id < ?`` wrongly from
    an index that lists ``id`` (``ix_api_keys_expires_at_id (expires_at=? AND id=? AND
    rowid<?)`` ignores the ``rowid<?``), so candidates compare unindexed (``+id``). ``pk``:
    the id beside ``column`` (MariaDB's index rows have their own, ``_search_rows_ids``)."""
    typed = column
    if not indexed:
        dialect = session.get_bind().dialect.name
        column, pk = _unindexed(column, dialect), _unindexed(pk, dialect)
    if null_segment:
        return pk < after.pk if descending else pk > after.pk
    if session.get_bind().dialect.name in {"sqlite", "postgresql"}:
        # Row values let the database seek straight to the cursor in the (column, id) index.
        here = sa.tuple_(column, pk)
        there = sa.tuple_(sa.literal(after.value, typed.type), sa.literal(after.pk))
        return here < there if descending else here > there
    if descending:
        return sa.or_(column < after.value, sa.and_(column == after.value, pk < after.pk))
    return sa.or_(column > after.value, sa.and_(column == after.value, pk > after.pk))
