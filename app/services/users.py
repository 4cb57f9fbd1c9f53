"""People: add, change role, deactivate (revoking their keys) and reactivate."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from app.data.models import ApiKey, User
from app.domain.audit import AuditAction
from app.domain.errors import Field, NotFound, ValidationError
from app.domain.policy import REASON_OWNER_DEACTIVATED
from app.domain.roles import Action, Role, can, parse_role, require
from app.domain.status import KeyState
from app.domain.validation import clean_display_name, clean_email, clean_login, clean_reason
from app.domain.wording import counted
from app.services.context import ServiceContext, WriteTx
from app.services.dto import Operator, UserDTO
from app.services.keys import revoke_locally


def _dto(user: User) -> UserDTO:
    return UserDTO(
        login=user.login,
        display_name=user.display_name,
        email=user.email,
        role=Role(user.role),
        active=user.active,
        created_at=user.created_at,
        deactivated_at=user.deactivated_at,
    )


def _user_snapshot(user: User) -> dict[str, Any]:
    return {
        "login": user.login,
        "name": user.display_name,
        "email": user.email,
        "role": user.role,
        "active": user.active,
    }


class UserService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def me(self) -> Operator:
        return self._context.operator()

    def all(self) -> list[UserDTO]:
        """Every user for those who may read every key (auditors need each key's owner);
        a member's (or the verifier's) own row only — what the server databases let
        those logins read themselves."""
        with self._context.read() as session:
            operator = self._context.operator_in(session)
            statement = sa.select(User).order_by(User.login)
            if not can(operator.role, Action.READ_ALL_KEYS):
                statement = statement.where(User.login == operator.login)
            return [_dto(user) for user in session.execute(statement).scalars()]

    def _find(self, tx: WriteTx, login: str) -> User:
        user = (
            tx.session.execute(
                sa.select(User)
                .where(User.login == login.strip())
                # Fresh after a server routine changed the row behind the session.
                .execution_options(populate_existing=True)
            ).scalar_one_or_none()
            if "\x00" not in login  # no login holds a NUL, and PostgreSQL refuses one
            else None
        )
        if user is None:
            raise NotFound(f"There is no Keyward user “{login.strip()[:64]}”.")
        return user

    def _other_admins(self, tx: WriteTx, user: User) -> int:
        return int(
            tx.session.execute(
                sa.select(sa.func.count())
                .select_from(User)
                .where(User.role == Role.ADMIN.value, User.active.is_(True), User.id != user.id)
            ).scalar_one()
        )

    def add(
        self,
        login: str,
        *,
        role: str | Role = Role.MEMBER,
        display_name: str | None = None,
        email: str | None = None,
    ) -> UserDTO:
        login = clean_login(login)
        the_role = role if isinstance(role, Role) else parse_role(role)
        name = clean_display_name(display_name, login)
        mail = clean_email(email)
        with self._context.write() as tx:
            require(tx.operator.role, Action.MANAGE_USERS)
            exists = tx.session.execute(
                sa.select(User.id).where(User.login == login)
            ).scalar_one_or_none()
            if exists is not None:
                raise ValidationError(Field.LOGIN, f"“{login}” is already a Keyward user.")
            if tx.on_server:
                # The database adds the user, grants the login its role and writes the event.
                granted = bool(tx.call("kw_add_user", login, name, mail, the_role.value)[0][0])
                return replace(_dto(self._find(tx, login)), database_login=granted)
            user = User(
                login=login,
                display_name=name,
                email=mail,
                role=the_role.value,
                active=True,
                created_at=tx.now,
            )
            tx.session.add(user)
            tx.session.flush()
            tx.audit(AuditAction.USER_ADDED, "user", login, after=_user_snapshot(user))
            return _dto(user)

    def set_role(self, login: str, role: str | Role) -> UserDTO:
        the_role = role if isinstance(role, Role) else parse_role(role)
        with self._context.write() as tx:
            require(tx.operator.role, Action.MANAGE_USERS)
            user = self._find(tx, login)
            if user.role == the_role.value:
                if tx.on_server:  # records nothing; grants a login created since `users add`
                    tx.call("kw_set_role", user.login, the_role.value)
                return _dto(user)
            if user.role == Role.ADMIN.value and not self._other_admins(tx, user):
                raise ValidationError(
                    Field.ROLE, f"{user.login} is the last admin; make someone else admin first."
                )
            if tx.on_server:
                tx.call("kw_set_role", user.login, the_role.value)
                return _dto(self._find(tx, login))
            before = _user_snapshot(user)
            user.role = the_role.value
            tx.audit(
                AuditAction.USER_ROLE_CHANGED,
                "user",
                user.login,
                before=before,
                after=_user_snapshot(user),
            )
            return _dto(user)

    def deactivate(self, login: str, reason: str | None = None) -> tuple[UserDTO, int]:
        """Deactivate a user and revoke every key they own; returns how many were revoked.

        ``reason`` (e.g. "left the company") is recorded on the deactivation's audit event and
        on each revoked key, after :data:`REASON_OWNER_DEACTIVATED`.
        """
        why = clean_reason(reason)
        key_reason = deactivation_key_reason(why)
        with self._context.write() as tx:
            require(tx.operator.role, Action.MANAGE_USERS)
            user = self._find(tx, login)
            if not user.active:
                raise ValidationError(Field.LOGIN, f"{user.login} is already deactivated.")
            if user.role == Role.ADMIN.value and not self._other_admins(tx, user):
                raise ValidationError(
                    Field.LOGIN, f"{user.login} is the last admin; make someone else admin first."
                )
            if tx.on_server:
                # Revokes every key (one event each), the login's database role, and records
                # the deactivation.
                revoked = int(tx.call("kw_set_user_active", user.login, False, why)[0][0])
                return _dto(self._find(tx, login)), revoked
            before = _user_snapshot(user)
            user.active = False
            user.deactivated_at = tx.now
            keys = tx.session.execute(
                sa.select(ApiKey).where(
                    ApiKey.owner_id == user.id, ApiKey.state != KeyState.REVOKED.value
                )
            ).scalars()
            revoked = 0
            for key in keys:
                revoke_locally(tx, key, user.login, key_reason)
                revoked += 1
            tx.audit(
                AuditAction.USER_DEACTIVATED,
                "user",
                user.login,
                before=before,
                after=_user_snapshot(user),
                reason=deactivation_reason(why, revoked),
            )
            return _dto(user), revoked

    def reactivate(self, login: str) -> UserDTO:
        """Reactivate a user; their revoked keys stay revoked (they create new ones)."""
        with self._context.write() as tx:
            require(tx.operator.role, Action.MANAGE_USERS)
            user = self._find(tx, login)
            if user.active:
                raise ValidationError(Field.LOGIN, f"{user.login} is already active.")
            if tx.on_server:
                tx.call("kw_set_active", user.login, True)
                return _dto(self._find(tx, login))
            before = _user_snapshot(user)
            user.active = True
            user.deactivated_at = None
            tx.audit(
                AuditAction.USER_REACTIVATED,
                "user",
                user.login,
                before=before,
                after=_user_snapshot(user),
            )
            return _dto(user)


def deactivation_key_reason(reason: str | None) -> str:
    """A revoked key's reason when its owner is deactivated (the routines write the same)."""
    if not reason:
        return REASON_OWNER_DEACTIVATED
    return f"{REASON_OWNER_DEACTIVATED}: {reason}"[:500]


def deactivation_reason(reason: str | None, revoked: int) -> str:
    """The deactivation event's reason: the person's reason and how many keys it revoked."""
    count = f"{counted(revoked, 'key')} revoked"
    return count if not reason else f"{reason} ({count})"[:500]
