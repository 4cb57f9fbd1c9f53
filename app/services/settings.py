"""Database-wide settings: token prefix, environments, the key policy and hygiene thresholds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.data.models import ApiKey, Setting, User
from app.domain.audit import AuditAction
from app.domain.errors import Field, ValidationError
from app.domain.key_format import DEFAULT_ENVIRONMENTS, DEFAULT_PREFIX, check_label
from app.domain.policy import (
    DEFAULT_EXPIRY_WARNING_DAYS,
    DEFAULT_STALE_AFTER_DAYS,
    KeyPolicy,
    format_warnings,
    parse_expiry_warnings,
    parse_lifetime,
    parse_limit,
    parse_stale_after,
)
from app.domain.roles import Action, require
from app.domain.status import KeyState
from app.domain.wording import counted
from app.services.context import ServiceContext, WriteTx

if TYPE_CHECKING:
    from app.services.dto import KeyDTO

PREFIX = "token_prefix"
ENVIRONMENTS = "environments"
MAX_ACTIVE = "max_active_keys_per_user"
MAX_LIFETIME = "max_lifetime_days"
STALE_AFTER = "stale_after_days"
EXPIRY_WARNINGS = "expiry_warning_days"

#: Each setting's name in its audit event's before/after (the server routines use the same).
LABELS = {
    MAX_ACTIVE: "limit",
    PREFIX: "prefix",
    ENVIRONMENTS: "environments",
    MAX_LIFETIME: "max_lifetime",
    STALE_AFTER: "stale_after",
    EXPIRY_WARNINGS: "expiry_warnings",
}

#: How many keys a preview lists by name (it counts them all).
PREVIEW_KEYS = 500


@dataclass(frozen=True, slots=True)
class PolicyDTO:
    max_active_keys_per_user: int | None
    prefix: str
    environments: tuple[str, ...]
    max_lifetime_days: int | None = None
    stale_after_days: int = DEFAULT_STALE_AFTER_DAYS
    expiry_warning_days: tuple[int, ...] = DEFAULT_EXPIRY_WARNING_DAYS

    @property
    def key_policy(self) -> KeyPolicy:
        return KeyPolicy(self.max_active_keys_per_user, self.max_lifetime_days)

    def to_json(self) -> dict[str, object]:
        return {
            "max_active_keys_per_user": self.max_active_keys_per_user,
            "prefix": self.prefix,
            "environments": list(self.environments),
            "max_lifetime_days": self.max_lifetime_days,
            "stale_after_days": self.stale_after_days,
            "expiry_warning_days": list(self.expiry_warning_days),
        }


class Unset(Enum):
    """A :class:`PolicyChanges` field left as it is."""

    UNSET = "unset"

    def __repr__(self) -> str:
        return "UNSET"


UNSET = Unset.UNSET


@dataclass(frozen=True)
class PolicyChanges:
    """What to change (``UNSET``: leave it). Values are checked like the ``set_…`` methods'."""

    max_active_keys_per_user: int | str | Unset | None = UNSET
    max_lifetime_days: int | str | Unset | None = UNSET
    prefix: str | Unset = UNSET
    environments: str | Sequence[str] | Unset = UNSET
    stale_after_days: int | str | Unset = UNSET
    expiry_warning_days: str | Sequence[int] | Unset = UNSET


@dataclass(frozen=True, slots=True)
class OverLimit:
    """An owner with more active keys than a new limit, and what their next create revokes."""

    owner_login: str
    owner_name: str
    active: int
    to_revoke: tuple[KeyDTO, ...]


@dataclass(frozen=True)
class PolicyPreview:
    before: PolicyDTO
    after: PolicyDTO
    #: Owners over a new active-key limit (nothing is revoked by the change itself).
    over_limit: tuple[OverLimit, ...] = ()
    #: Usable keys a new maximum lifetime would not allow today (never expiring, or expiring
    #: after now + N days); they keep working unchanged. At most PREVIEW_KEYS are listed.
    over_lifetime: tuple[KeyDTO, ...] = ()
    #: How many keys exceed the new maximum lifetime in all (``over_lifetime`` may be cut).
    over_lifetime_total: int = field(default=0)

    @property
    def changed(self) -> tuple[str, ...]:
        """The names of the settings that change (as in ``PolicyDTO``)."""
        return tuple(
            name
            for name in (
                "max_active_keys_per_user",
                "max_lifetime_days",
                "prefix",
                "environments",
                "stale_after_days",
                "expiry_warning_days",
            )
            if getattr(self.before, name) != getattr(self.after, name)
        )

    def lines(self) -> list[str]:
        """The preview as sentences for a person (English)."""
        before, after = self.before, self.after
        if not self.changed:
            return ["Nothing changes."]
        lines: list[str] = []
        if "max_active_keys_per_user" in self.changed:
            lines.append(
                f"Active keys per user: {_limit(before.max_active_keys_per_user)} → "
                f"{_limit(after.max_active_keys_per_user)}."
            )
        if "max_lifetime_days" in self.changed:
            lines.append(
                f"Maximum lifetime of new keys: {_lifetime(before.max_lifetime_days)} → "
                f"{_lifetime(after.max_lifetime_days)}."
            )
        if "prefix" in self.changed:
            lines.append(
                f"Token prefix for new keys: {before.prefix} → {after.prefix} "
                "(existing keys keep working)."
            )
        if "environments" in self.changed:
            lines.append(
                f"Environments: {', '.join(before.environments)} → "
                f"{', '.join(after.environments)} (existing keys keep working)."
            )
        if "stale_after_days" in self.changed:
            lines.append(
                f"Stale after: {before.stale_after_days} → "
                f"{counted(after.stale_after_days, 'day')} without use."
            )
        if "expiry_warning_days" in self.changed:
            lines.append(
                f"Expiry warnings: {_days(before.expiry_warning_days)} → "
                f"{_days(after.expiry_warning_days)} days before."
            )
        limit = after.max_active_keys_per_user
        if "max_active_keys_per_user" in self.changed and limit is not None:
            if not self.over_limit:
                lines.append(f"No one has more than {limit} active {_keys(limit)}.")
            for owner in self.over_limit:
                names = _and([f"“{key.name}” ({key.key_id})" for key in owner.to_revoke])
                lines.append(
                    f"{owner.owner_name} has {owner.active} active keys, "
                    f"{owner.active - limit} over the new limit; nothing is revoked now, but "
                    f"their next new key will revoke {names}."
                )
        days = after.max_lifetime_days
        if "max_lifetime_days" in self.changed and days is not None:
            total = self.over_lifetime_total
            if not total:
                lines.append(f"Every usable key already ends within {counted(days, 'day')}.")
            else:
                shown = _and([f"“{key.name}” ({key.key_id})" for key in self.over_lifetime[:5]])
                more = f" and {total - 5} more" if total > 5 else ""
                lines.append(
                    f"{total} existing {_keys(total)} would exceed the new maximum lifetime of "
                    f"{counted(days, 'day')}: {shown}{more}; they keep working unchanged, but "
                    "are flagged."
                )
        return lines


def _limit(value: int | None) -> str:
    return "unlimited" if value is None else str(value)


def _lifetime(value: int | None) -> str:
    return "none" if value is None else counted(value, "day")


def _days(values: Sequence[int]) -> str:
    return ", ".join(str(value) for value in values)


def _keys(count: int) -> str:
    return "key" if count == 1 else "keys"


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


class SettingsStore:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    @staticmethod
    def _get(session: Session, name: str) -> str | None:
        return session.execute(
            sa.select(Setting.value).where(Setting.name == name)
        ).scalar_one_or_none()

    def _read(self, name: str) -> str | None:
        with self._context.read() as session:
            return self._get(session, name)

    def prefix(self) -> str:
        return self._read(PREFIX) or DEFAULT_PREFIX

    def environments(self) -> tuple[str, ...]:
        text = self._read(ENVIRONMENTS)
        return tuple(text.split(",")) if text else DEFAULT_ENVIRONMENTS

    def policy_in(self, session: Session) -> KeyPolicy:
        return self.snapshot_in(session).key_policy

    @classmethod
    def snapshot_in(cls, session: Session) -> PolicyDTO:
        values = dict(
            session.execute(
                sa.select(Setting.name, Setting.value).where(Setting.name.in_(list(LABELS)))
            ).all()
        )
        envs = values.get(ENVIRONMENTS)
        warnings = values.get(EXPIRY_WARNINGS)
        return PolicyDTO(
            max_active_keys_per_user=_int(values.get(MAX_ACTIVE)),
            prefix=values.get(PREFIX) or DEFAULT_PREFIX,
            environments=tuple(envs.split(",")) if envs else DEFAULT_ENVIRONMENTS,
            max_lifetime_days=_int(values.get(MAX_LIFETIME)),
            stale_after_days=_int(values.get(STALE_AFTER)) or DEFAULT_STALE_AFTER_DAYS,
            expiry_warning_days=(
                tuple(int(day) for day in warnings.split(",") if day.isdigit())
                if warnings
                else DEFAULT_EXPIRY_WARNING_DAYS
            )
            or DEFAULT_EXPIRY_WARNING_DAYS,
        )

    def snapshot(self) -> PolicyDTO:
        with self._context.read() as session:
            return self.snapshot_in(session)


def _environments(labels: str | Sequence[str]) -> tuple[str, ...]:
    parts = labels.split(",") if isinstance(labels, str) else list(labels)
    names = [check_label(label.strip().lower(), Field.ENVIRONMENT) for label in parts]
    names = list(dict.fromkeys(name for name in names if name))
    if not names:
        raise ValidationError(Field.ENVIRONMENT, "Name at least one environment, e.g. live.")
    return tuple(names)


def _stored(policy: PolicyDTO) -> dict[str, str | None]:
    """The settings rows that hold ``policy`` (None: no row, the default)."""
    return {
        MAX_ACTIVE: _text(policy.max_active_keys_per_user),
        MAX_LIFETIME: _text(policy.max_lifetime_days),
        PREFIX: policy.prefix,
        ENVIRONMENTS: ",".join(policy.environments),
        STALE_AFTER: str(policy.stale_after_days),
        EXPIRY_WARNINGS: format_warnings(policy.expiry_warning_days),
    }


def _text(value: int | None) -> str | None:
    return None if value is None else str(value)


class PolicyService:
    """Admin-only settings, each change audited (one event per setting, before and after)."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context
        self._store = SettingsStore(context)

    def get(self) -> PolicyDTO:
        self._context.operator()
        return self._store.snapshot()

    # ----------------------------------------------------------------- changing

    @staticmethod
    def _after(before: PolicyDTO, changes: PolicyChanges) -> PolicyDTO:
        """``before`` with ``changes`` applied, every value checked (nothing is written)."""
        after = before
        if changes.max_active_keys_per_user is not UNSET:
            after = _replace(
                after, max_active_keys_per_user=parse_limit(changes.max_active_keys_per_user)
            )
        if changes.max_lifetime_days is not UNSET:
            after = _replace(after, max_lifetime_days=parse_lifetime(changes.max_lifetime_days))
        if changes.prefix is not UNSET:
            after = _replace(after, prefix=check_label(changes.prefix.strip(), Field.PREFIX))
        if changes.environments is not UNSET:
            after = _replace(after, environments=_environments(changes.environments))
        if changes.stale_after_days is not UNSET:
            after = _replace(after, stale_after_days=parse_stale_after(changes.stale_after_days))
        if changes.expiry_warning_days is not UNSET:
            after = _replace(
                after, expiry_warning_days=parse_expiry_warnings(changes.expiry_warning_days)
            )
        return after

    @staticmethod
    def _write(tx: WriteTx, name: str, value: str | None) -> None:
        """One setting, audited, in ``tx`` (on a server, by the database's routine)."""
        old = SettingsStore._get(tx.session, name)
        if old == value:
            return
        if tx.on_server:
            tx.call("kw_set_setting", name, value)
            return
        row = tx.session.get(Setting, name)
        if value is None:
            if row is not None:
                tx.session.delete(row)
        elif row is None:
            tx.session.add(Setting(name=name, value=value))
        else:
            row.value = value
        label = LABELS[name]
        tx.audit(
            AuditAction.POLICY_CHANGED, "policy", name, before={label: old}, after={label: value}
        )

    def apply(self, changes: PolicyChanges) -> PolicyDTO:
        """Change several settings at once, all or none; one audit event per changed setting.

        Lowering the active-key limit or setting a maximum lifetime never revokes or changes
        an existing key (see :meth:`preview`).
        """
        with self._context.write() as tx:
            require(tx.operator.role, Action.MANAGE_POLICY)
            before = SettingsStore.snapshot_in(tx.session)
            after = self._after(before, changes)
            wanted = _stored(after)
            current = _stored(before)
            for name in LABELS:
                if wanted[name] != current[name]:
                    self._write(tx, name, wanted[name])
        return self._store.snapshot()

    def preview(self, changes: PolicyChanges) -> PolicyPreview:
        """What :meth:`apply` would change and whom it affects; nothing is written."""
        from app.services.keys import key_dtos  # keys imports this module

        with self._context.read() as session:
            operator = self._context.operator_in(session)
            require(operator.role, Action.MANAGE_POLICY)
            before = SettingsStore.snapshot_in(session)
            after = self._after(before, changes)
            now = self._context.clock()
            over_limit: list[OverLimit] = []
            limit = after.max_active_keys_per_user
            if limit is not None and limit != before.max_active_keys_per_user:
                usable = _usable(now)
                counts = session.execute(
                    sa.select(ApiKey.owner_id, sa.func.count())
                    .where(ApiKey.state == KeyState.ACTIVE.value, usable)
                    .group_by(ApiKey.owner_id)
                    .having(sa.func.count() > limit)
                ).all()
                for owner_id, active in counts:
                    rows = list(
                        session.execute(
                            sa.select(ApiKey)
                            .where(
                                ApiKey.owner_id == owner_id,
                                ApiKey.state == KeyState.ACTIVE.value,
                                usable,
                            )
                            .order_by(ApiKey.created_at, ApiKey.id)
                            .limit(int(active) + 1 - limit)
                        ).scalars()
                    )
                    owner = session.get(User, owner_id)
                    assert owner is not None
                    over_limit.append(
                        OverLimit(
                            owner.login,
                            owner.display_name,
                            int(active),
                            tuple(key_dtos(session, rows, now)),
                        )
                    )
                over_limit.sort(key=lambda entry: (entry.owner_name.casefold(), entry.owner_login))
            over_lifetime: list[KeyDTO] = []
            total = 0
            latest = after.key_policy.latest_expiry(now)
            if latest is not None and after.max_lifetime_days != before.max_lifetime_days:
                exceeding = sa.and_(
                    ApiKey.state != KeyState.REVOKED.value,
                    _usable(now),
                    sa.or_(ApiKey.expires_at.is_(None), ApiKey.expires_at > latest),
                )
                total = int(
                    session.execute(
                        sa.select(sa.func.count()).select_from(ApiKey).where(exceeding)
                    ).scalar_one()
                )
                rows = list(
                    session.execute(
                        sa.select(ApiKey)
                        .where(exceeding)
                        .order_by(ApiKey.created_at, ApiKey.id)
                        .limit(PREVIEW_KEYS)
                    ).scalars()
                )
                over_lifetime = key_dtos(session, rows, now)
            return PolicyPreview(
                before=before,
                after=after,
                over_limit=tuple(over_limit),
                over_lifetime=tuple(over_lifetime),
                over_lifetime_total=total,
            )

    def set_key_limit(self, limit: str | int | None) -> PolicyDTO:
        return self.apply(PolicyChanges(max_active_keys_per_user=limit))

    def set_max_lifetime(self, days: str | int | None) -> PolicyDTO:
        return self.apply(PolicyChanges(max_lifetime_days=days))

    def set_stale_after(self, days: str | int) -> PolicyDTO:
        return self.apply(PolicyChanges(stale_after_days=days))

    def set_expiry_warnings(self, days: str | Sequence[int]) -> PolicyDTO:
        return self.apply(PolicyChanges(expiry_warning_days=days))

    def set_prefix(self, prefix: str) -> PolicyDTO:
        return self.apply(PolicyChanges(prefix=prefix))

    def set_environments(self, labels: str) -> PolicyDTO:
        return self.apply(PolicyChanges(environments=labels))


def _usable(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(ApiKey.expires_at.is_(None), ApiKey.expires_at > now)


def _replace(policy: PolicyDTO, **values: object) -> PolicyDTO:
    from dataclasses import replace

    return replace(policy, **values)  # type: ignore[arg-type]
