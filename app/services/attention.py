"""Keys that need attention: the seeds' hygiene advice as five queries.

* **Expiring soon** — still working, and the expiry is within the policy's longest warning
  (30 days by default).
* **Not used lately** — still working, and no use for the policy's stale period (90 days by
  default), or never used that long after it was created.
* **Owner deactivated** — not revoked although its owner was deactivated (deactivation
  revokes them, so this shows a database that says otherwise).
* **No description** — not revoked, and nobody wrote down what it is for.
* **Older than the maximum lifetime** — not revoked, and created longer ago than the policy's
  maximum lifetime (only when one is set).

Each group is a query on the database, walked along an index in a fixed order with keyset
paging, so its first page costs the same at a thousand keys or a million. Members see their
own keys only, as everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.data.models import ApiKey, User
from app.domain.errors import Field, ValidationError
from app.domain.policy import DEFAULT_EXPIRY_WARNING_DAYS, DEFAULT_STALE_AFTER_DAYS
from app.domain.roles import Action, can, require
from app.domain.status import KeyState
from app.domain.wording import counted
from app.services.choices import AttentionGroup
from app.services.context import ServiceContext
from app.services.dto import KeyDTO
from app.services.keys import KeyService
from app.services.settings import PolicyService


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The policy's numbers the groups use (read once per call)."""

    stale_after_days: int = DEFAULT_STALE_AFTER_DAYS
    expiry_warning_days: tuple[int, ...] = DEFAULT_EXPIRY_WARNING_DAYS
    max_lifetime_days: int | None = None

    @property
    def warn_within(self) -> timedelta:
        return timedelta(days=max(self.expiry_warning_days or DEFAULT_EXPIRY_WARNING_DAYS))


@dataclass(frozen=True, slots=True)
class AttentionItem:
    key: KeyDTO
    group: AttentionGroup
    #: Why the key is here, in words: "last used 143 days ago".
    why: str

    def to_json(self) -> dict[str, Any]:
        return {**self.key.to_json(), "group": self.group.value, "why": self.why}


@dataclass(frozen=True, slots=True)
class AttentionCursor:
    """Where a page ended (opaque to callers)."""

    segment: int
    value: Any
    pk: int


@dataclass(frozen=True, slots=True)
class AttentionPage:
    items: tuple[AttentionItem, ...]
    next_after: AttentionCursor | None


_K = ApiKey.__table__.c
_NOT_REVOKED = _K.state != "revoked"
#: The same, as a list an index on (owner_id, state) can take as its condition.
_LIVE_STATES = tuple(state.value for state in KeyState if state is not KeyState.REVOKED)
#: A group expected to hold a few keys at most is read by its members' ids first when it
#: has no more than this many (see ``_Segment.few``).
_FEW = 1000


@dataclass(frozen=True, slots=True)
class _Segment:
    """One walk: rows matching ``where``, in ``(order, id)`` order."""

    where: sa.ColumnElement[bool]
    order: sa.ColumnElement[Any]
    descending: bool = False
    #: Usually (nearly) empty: find the members through an index of ``where`` first and
    #: order only those. Walking ``order``'s index and testing each key reads every key
    #: when there are none, and the planners cannot know (a deactivated owner's keys are
    #: revoked, which no statistics say); with more than ``_FEW`` members, the walk.
    few: bool = False


def _past(
    session: Session, order: sa.ColumnElement[Any], after: AttentionCursor
) -> sa.ColumnElement[bool]:
    """Keys after the cursor in ``(order, id)`` order.

    SQLite and PostgreSQL get a row value, which seeks straight to the cursor in the
    ``(order, id)`` index; SQLite turns the ``OR`` form into two index lookups whose union it
    then sorts (every remaining key of the group: 1.6 s for a next page at 1M keys).
    """
    if session.get_bind().dialect.name in {"sqlite", "postgresql"}:
        here = sa.tuple_(order, _K.id)
        there = sa.tuple_(sa.literal(after.value, order.type), sa.literal(after.pk))
        return here > there
    return sa.or_(order > after.value, sa.and_(order == after.value, _K.id > after.pk))


def _days(delta: timedelta) -> int:
    return max(0, delta.days)


def _at(moment: datetime) -> str:
    # "7 Dec 2026", as the console's tables write a day (no leading zero).
    return f"{moment.day} {moment:%b %Y %H:%M} UTC"


class AttentionService:
    def __init__(self, context: ServiceContext, keys: KeyService, policy: PolicyService) -> None:
        self._context = context
        self._keys = keys
        self._policy = policy

    # ----------------------------------------------------------------- the rules

    def thresholds(self) -> Thresholds:
        policy = self._policy.get()
        return Thresholds(
            stale_after_days=policy.stale_after_days,
            expiry_warning_days=policy.expiry_warning_days or DEFAULT_EXPIRY_WARNING_DAYS,
            max_lifetime_days=policy.max_lifetime_days,
        )

    def _segments(self, group: AttentionGroup, rules: Thresholds, now: datetime) -> list[_Segment]:
        working = sa.and_(
            _K.state == "active", sa.or_(_K.expires_at.is_(None), _K.expires_at > now)
        )
        if group is AttentionGroup.EXPIRING:
            soon = sa.and_(
                _NOT_REVOKED, _K.expires_at > now, _K.expires_at <= now + rules.warn_within
            )
            return [_Segment(soon, _K.expires_at)]
        if group is AttentionGroup.STALE:
            cutoff = now - timedelta(days=rules.stale_after_days)
            never = sa.and_(working, _K.last_used_at.is_(None), _K.created_at < cutoff)
            long_ago = sa.and_(working, _K.last_used_at < cutoff)
            return [_Segment(never, _K.created_at), _Segment(long_ago, _K.last_used_at)]
        if group is AttentionGroup.ORPHANED:
            departed = sa.select(User.id).where(User.active.is_(False)).scalar_subquery()
            live = _K.state.in_(_LIVE_STATES)
            return [_Segment(sa.and_(live, _K.owner_id.in_(departed)), _K.name, few=True)]
        if group is AttentionGroup.UNDOCUMENTED:
            return [_Segment(sa.and_(_NOT_REVOKED, _K.description == ""), _K.name)]
        if rules.max_lifetime_days is None:
            return []
        born_before = now - timedelta(days=rules.max_lifetime_days)
        return [_Segment(sa.and_(_NOT_REVOKED, _K.created_at < born_before), _K.created_at)]

    def _why(self, group: AttentionGroup, key: KeyDTO, rules: Thresholds, now: datetime) -> str:
        if group is AttentionGroup.EXPIRING and key.expires_at is not None:
            left = key.expires_at - now
            if left < timedelta(days=1):
                hours = max(1, round(left.total_seconds() / 3600))
                return f"expires in {counted(hours, 'hour')}, {_at(key.expires_at)}"
            return f"expires in {counted(left.days, 'day')}, {_at(key.expires_at)}"
        if group is AttentionGroup.STALE:
            if key.last_used_at is None:
                age = _days(now - key.created_at)
                return f"never used in the {counted(age, 'day')} since it was created"
            return f"last used {counted(_days(now - key.last_used_at), 'day')} ago"
        if group is AttentionGroup.ORPHANED:
            return (
                f"its owner {key.owner_name} ({key.owner_login}) is deactivated, "
                f"but the key is {key.status.value}"
            )
        if group is AttentionGroup.UNDOCUMENTED:
            return "no description: nobody can tell what it is for"
        age = _days(now - key.created_at)
        return f"created {counted(age, 'day')} ago; the policy allows {rules.max_lifetime_days}"

    # ----------------------------------------------------------------- reading

    def _owner_filter(self, session: Session) -> sa.ColumnElement[bool] | None:
        operator = self._context.operator_in(session)
        require(operator.role, Action.READ_OWN_KEYS)
        if can(operator.role, Action.READ_ALL_KEYS):
            return None
        own = session.execute(sa.select(User.id).where(User.login == operator.login)).scalar_one()
        return _K.owner_id == own

    def page(
        self,
        group: AttentionGroup,
        after: AttentionCursor | None = None,
        *,
        limit: int = 50,
        rules: Thresholds | None = None,
    ) -> AttentionPage:
        """The next ``limit`` keys of one group, in the group's order."""
        if not 1 <= limit <= 1000:
            raise ValidationError(Field.LIMIT, "The page size must be between 1 and 1000.")
        rules = rules or self.thresholds()
        now = self._context.clock()
        with self._context.read() as session:
            owner = self._owner_filter(session)
            segments = self._segments(group, rules, now)
            rows: list[ApiKey] = []
            cursor: AttentionCursor | None = None
            start = after.segment if after is not None else 0
            for number in range(start, len(segments)):
                segment = segments[number]
                wanted = limit - len(rows)
                found = self._walk(
                    session,
                    segment,
                    owner,
                    after if after is not None and number == after.segment else None,
                    wanted + 1,
                )
                if len(found) > wanted:
                    found = found[:wanted]
                    rows.extend(found)
                    last = found[-1]
                    cursor = AttentionCursor(number, getattr(last, str(segment.order.key)), last.id)
                    break
                rows.extend(found)
                if len(rows) == limit and number + 1 < len(segments):
                    # Full exactly at a segment's end: the next page starts the next segment.
                    cursor = AttentionCursor(number + 1, None, 0)
                    break
            dtos = self._keys._dtos(session, rows, now)  # one owner lookup for the page
        items = tuple(AttentionItem(dto, group, self._why(group, dto, rules, now)) for dto in dtos)
        return AttentionPage(items, cursor)

    @staticmethod
    def _walk(
        session: Session,
        segment: _Segment,
        owner: sa.ColumnElement[bool] | None,
        after: AttentionCursor | None,
        limit: int,
    ) -> Sequence[ApiKey]:
        conditions = [segment.where]
        if owner is not None:
            conditions.append(owner)
        if after is not None and after.value is not None:
            conditions.append(_past(session, segment.order, after))
        if segment.few:
            probe = sa.select(_K.id).where(*conditions).limit(_FEW + 1)
            ids = session.execute(probe).scalars().all()
            if not ids:
                return []
            if len(ids) <= _FEW:
                conditions = [_K.id.in_(ids)]
        statement = sa.select(ApiKey).where(*conditions).order_by(segment.order, _K.id).limit(limit)
        return session.execute(statement).scalars().all()

    def count(self, group: AttentionGroup, *, rules: Thresholds | None = None) -> int:
        rules = rules or self.thresholds()
        now = self._context.clock()
        with self._context.read() as session:
            owner = self._owner_filter(session)
            total = 0
            for segment in self._segments(group, rules, now):
                statement = sa.select(sa.func.count()).select_from(ApiKey).where(segment.where)
                if owner is not None:
                    statement = statement.where(owner)
                total += int(session.execute(statement).scalar_one())
            return total

    def counts(self) -> dict[AttentionGroup, int]:
        """Every group's size (for the navigation badge and the overview)."""
        rules = self.thresholds()
        return {group: self.count(group, rules=rules) for group in AttentionGroup}

    def findings(self, *, limit_per_group: int = 1000) -> dict[AttentionGroup, list[AttentionItem]]:
        """Every group's first ``limit_per_group`` keys (the command line's report)."""
        rules = self.thresholds()
        return {
            group: list(self.page(group, limit=limit_per_group, rules=rules).items)
            for group in AttentionGroup
        }
