"""Database-wide settings: token prefix, environments and the key policy."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.data.models import Setting
from app.domain.audit import AuditAction
from app.domain.errors import Field, ValidationError
from app.domain.key_format import DEFAULT_ENVIRONMENTS, DEFAULT_PREFIX, check_label
from app.domain.policy import KeyPolicy, parse_limit
from app.domain.roles import Action, require
from app.services.context import ServiceContext

PREFIX = "token_prefix"
ENVIRONMENTS = "environments"
MAX_ACTIVE = "max_active_keys_per_user"


@dataclass(frozen=True, slots=True)
class PolicyDTO:
    max_active_keys_per_user: int | None
    prefix: str
    environments: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "max_active_keys_per_user": self.max_active_keys_per_user,
            "prefix": self.prefix,
            "environments": list(self.environments),
        }


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
        return KeyPolicy(parse_limit(self._get(session, MAX_ACTIVE)))

    def snapshot(self) -> PolicyDTO:
        with self._context.read() as session:
            limit = parse_limit(self._get(session, MAX_ACTIVE))
            prefix = self._get(session, PREFIX) or DEFAULT_PREFIX
            envs = self._get(session, ENVIRONMENTS)
        return PolicyDTO(limit, prefix, tuple(envs.split(",")) if envs else DEFAULT_ENVIRONMENTS)


class PolicyService:
    """Admin-only settings, each change audited."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context
        self._store = SettingsStore(context)

    def get(self) -> PolicyDTO:
        self._context.operator()
        return self._store.snapshot()

    def _set(self, name: str, value: str | None, label: str) -> PolicyDTO:
        with self._context.write() as tx:
            require(tx.operator.role, Action.MANAGE_POLICY)
            old = SettingsStore._get(tx.session, name)
            if old != value and tx.on_server:
                tx.call("kw_set_setting", name, value)
            elif old != value:
                row = tx.session.get(Setting, name)
                if value is None:
                    if row is not None:
                        tx.session.delete(row)
                elif row is None:
                    tx.session.add(Setting(name=name, value=value))
                else:
                    row.value = value
                tx.audit(
                    AuditAction.POLICY_CHANGED,
                    "policy",
                    name,
                    before={label: old},
                    after={label: value},
                )
        return self._store.snapshot()

    def set_key_limit(self, limit: str | int | None) -> PolicyDTO:
        value = parse_limit(limit)
        return self._set(MAX_ACTIVE, None if value is None else str(value), "limit")

    def set_prefix(self, prefix: str) -> PolicyDTO:
        return self._set(PREFIX, check_label(prefix.strip(), Field.PREFIX), "prefix")

    def set_environments(self, labels: str) -> PolicyDTO:
        names = [
            check_label(label.strip().lower(), Field.ENVIRONMENT) for label in labels.split(",")
        ]
        names = list(dict.fromkeys(name for name in names if name))
        if not names:
            raise ValidationError(Field.ENVIRONMENT, "Name at least one environment, e.g. live.")
        return self._set(ENVIRONMENTS, ",".join(names), "environments")
