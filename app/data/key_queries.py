"""Listing keys: filters, substring search, sort on any column, keyset paging.

Search plans (DESIGN §4), chosen by probing first:

* SQLite, term of 3+ characters: count the FTS5 trigram matches up to ``RARE_LIMIT``. A
  rare term is answered from those candidates (rowid lookups, then a small sort). A common
  term walks the sort index and filters each row with ``LIKE``, which stops as soon as a
  page is full. Terms of 1-2 characters (too short for trigrams) are common by nature.
* PostgreSQL: the same probe against the ``pg_trgm`` GIN index.
* MariaDB: ``LIKE`` on each column (its collation already ignores case).

Keyset paging treats NULL as the smallest value in every dialect by reading the NULL rows
and the non-NULL rows as two segments, each walked along an ``(column, id)`` index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.data.models import ApiKey
from app.data.search_schema import PG_SEARCH_EXPRESSION
from app.domain.status import KeyState, KeyStatus

#: A term with at most this many matches takes the index-first plan.
RARE_LIMIT = 2000


class SortField(StrEnum):
    NAME = "name"
    OWNER = "owner"
    STATUS = "status"
    LAST_USED = "last_used"
    EXPIRES = "expires"
    CREATED = "created"
    UPDATED = "updated"


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


@dataclass(frozen=True, slots=True)
class _SearchPlan:
    predicate: sa.ColumnElement[bool] | None = None
    candidates: sa.Select[Any] | None = None
    empty: bool = False


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like_any(term: str) -> sa.ColumnElement[bool]:
    pattern = f"%{_escape_like(term)}%"
    table = ApiKey.__table__.c
    columns = (table.name, table.description, table.owner_name, table.key_id)
    return sa.or_(*(column.like(pattern, escape="\\") for column in columns))


def _plan_search(session: Session, term: str) -> _SearchPlan:
    if not term:
        return _SearchPlan()
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        if len(term) < 3 or not term.isascii():
            # Too short for trigrams, or outside the ASCII case folding that LIKE does.
            return _SearchPlan(predicate=_sqlite_fold_like(term))
        match = (
            sa.text("SELECT rowid FROM api_keys_fts WHERE api_keys_fts MATCH :phrase")
            .bindparams(phrase=_fts_phrase(term))
            .columns(sa.column("rowid"))
        )
        probe = sa.select(sa.func.count()).select_from(
            match.subquery().select().limit(RARE_LIMIT + 1).subquery()
        )
        found = session.execute(probe).scalar_one()
        if found == 0:
            return _SearchPlan(empty=True)
        if found <= RARE_LIMIT:
            return _SearchPlan(candidates=sa.select(match.subquery().c.rowid))
        return _SearchPlan(predicate=_like_any(term))
    if dialect == "postgresql":
        expression: sa.ColumnElement[str] = sa.literal_column(PG_SEARCH_EXPRESSION)
        pattern = f"%{_escape_like(term.lower())}%"
        predicate = expression.like(pattern, escape="\\")
        return _SearchPlan(predicate=predicate)
    return _SearchPlan(predicate=_like_any(term))


def _sqlite_fold_like(term: str) -> sa.ColumnElement[bool]:
    if term.isascii():
        return _like_any(term)
    # SQLite's LIKE and lower() fold ASCII only; kw_casefold (registered by the engine
    # factory) folds the rest of Unicode.
    folded = term.casefold()
    pattern = f"%{_escape_like(folded)}%"
    table = ApiKey.__table__.c
    columns = (table.name, table.description, table.owner_name, table.key_id)
    return sa.or_(*(sa.func.kw_casefold(col).like(pattern, escape="\\") for col in columns))


def _status_predicate(status: KeyStatus, now: datetime) -> sa.ColumnElement[bool]:
    table = ApiKey.__table__.c
    not_expired = sa.or_(table.expires_at.is_(None), table.expires_at > now)
    if status is KeyStatus.ACTIVE:
        return sa.and_(table.state == KeyState.ACTIVE.value, not_expired)
    if status is KeyStatus.DISABLED:
        return sa.and_(table.state == KeyState.DISABLED.value, not_expired)
    if status is KeyStatus.EXPIRED:
        return sa.and_(table.state != KeyState.REVOKED.value, table.expires_at <= now)
    return table.state == KeyState.REVOKED.value


def _where(
    session: Session, key_filter: KeyFilter, now: datetime
) -> tuple[list[sa.ColumnElement[bool]], _SearchPlan]:
    table = ApiKey.__table__.c
    clauses: list[sa.ColumnElement[bool]] = []
    if key_filter.status is not None:
        clauses.append(_status_predicate(key_filter.status, now))
    if key_filter.owner_id is not None:
        clauses.append(table.owner_id == key_filter.owner_id)
    plan = _plan_search(session, key_filter.search)
    if plan.predicate is not None:
        clauses.append(plan.predicate)
    if plan.candidates is not None:
        clauses.append(table.id.in_(plan.candidates))
    return clauses, plan


def count_keys(session: Session, key_filter: KeyFilter, now: datetime) -> int:
    clauses, plan = _where(session, key_filter, now)
    if plan.empty:
        return 0
    statement = sa.select(sa.func.count()).select_from(ApiKey.__table__).where(*clauses)
    return int(session.execute(statement).scalar_one())


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
) -> tuple[list[ApiKey], Cursor | None]:
    """One page of keys and the cursor of the next page (None at the end)."""
    clauses, plan = _where(session, key_filter, now)
    if plan.empty:
        return [], None
    column = SORT_COLUMNS[sort]
    table = ApiKey.__table__.c
    rows: list[ApiKey] = []
    segments = _segments(sort, descending)
    if after is not None and sort in NULLABLE_SORTS:
        # Skip the segments the cursor has already passed.
        segments = segments[segments.index(after.value is None) :]
    for null_segment in segments:
        wanted = limit + 1 - len(rows)
        if wanted <= 0:
            break
        segment_clauses = list(clauses)
        if sort in NULLABLE_SORTS:
            segment_clauses.append(column.is_(None) if null_segment else column.is_not(None))
        if after is not None and (after.value is None) == null_segment:
            segment_clauses.append(_after(session, column, after, descending, null_segment))
        order_column = _order_column(session, column, plan)
        if null_segment:
            order = [_dir(_order_column(session, table.id, plan), descending)]
        else:
            order = [
                _dir(order_column, descending),
                _dir(_order_column(session, table.id, plan), descending),
            ]
        statement = sa.select(ApiKey).where(*segment_clauses).order_by(*order).limit(wanted)
        rows.extend(session.execute(statement).scalars())
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        return rows, Cursor(_sort_value(last, sort), last.id)
    return rows, None


def _sort_value(row: ApiKey, sort: SortField) -> Any:
    return getattr(row, str(SORT_COLUMNS[sort].key))


def _dir(column: sa.ColumnElement[Any], descending: bool) -> sa.ColumnElement[Any]:
    return column.desc() if descending else column.asc()


def _order_column(
    session: Session, column: sa.ColumnElement[Any], plan: _SearchPlan
) -> sa.ColumnElement[Any]:
    if plan.candidates is not None and session.get_bind().dialect.name == "sqlite":
        # A unary + keeps SQLite from walking the whole sort index for a rare term: the few
        # candidates are looked up by rowid and sorted instead (the column keeps its collation).
        return sa.literal_column(f"+api_keys.{column.key}")
    return column


def _after(
    session: Session,
    column: sa.ColumnElement[Any],
    after: Cursor,
    descending: bool,
    null_segment: bool,
) -> sa.ColumnElement[bool]:
    pk = ApiKey.__table__.c.id
    if null_segment:
        return pk < after.pk if descending else pk > after.pk
    if session.get_bind().dialect.name in {"sqlite", "postgresql"}:
        # Row values let the database seek straight to the cursor in the (column, id) index.
        here = sa.tuple_(column, pk)
        there = sa.tuple_(sa.literal(after.value, column.type), sa.literal(after.pk))
        return here < there if descending else here > there
    if descending:
        return sa.or_(column < after.value, sa.and_(column == after.value, pk < after.pk))
    return sa.or_(column > after.value, sa.and_(column == after.value, pk > after.pk))


def keys_by_ids(session: Session, ids: Sequence[str]) -> list[ApiKey]:
    statement = sa.select(ApiKey).where(ApiKey.key_id.in_(list(ids)))
    return list(session.execute(statement).scalars())
