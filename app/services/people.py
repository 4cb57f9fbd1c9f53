"""People at a glance: each user with their active keys and last activity, and what
deactivating one would revoke (issue 9, the People workspace)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.data.key_queries import status_predicate
from app.data.models import ApiKey, AuditEvent, User
from app.domain.errors import Field, ValidationError
from app.domain.roles import Action, Role, require
from app.domain.sorting import SortField
from app.domain.status import KeyState, KeyStatus
from app.services.context import ServiceContext
from app.services.dto import KeyDTO, KeyQuery, UserDTO
from app.services.keys import KeyService

_PAGE = 1000  # the key service's largest page
#: Roles that see every person; the others see their own row only.
_SEE_EVERYONE = frozenset({Role.ADMIN, Role.MANAGER})


@dataclass(frozen=True, slots=True)
class PersonRow:
    user: UserDTO
    #: Keys whose status is Active now (not disabled, expired or revoked).
    active_keys: int
    #: The later of the last use of any of the user's keys and the user's newest audit
    #: event as actor; None if neither ever happened.
    last_activity: datetime | None


def _user_dto(user: User) -> UserDTO:
    return UserDTO(
        login=user.login,
        display_name=user.display_name,
        email=user.email,
        role=Role(user.role),
        active=user.active,
        created_at=user.created_at,
        deactivated_at=user.deactivated_at,
    )


def _event_time(occurred_at: str | None) -> datetime | None:
    if occurred_at is None:
        return None
    return datetime.fromisoformat(occurred_at.replace("Z", "+00:00"))


def _latest(*moments: datetime | None) -> datetime | None:
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


class PeopleService:
    def __init__(self, context: ServiceContext, keys: KeyService) -> None:
        self._context = context
        self._keys = keys

    def overview(self) -> list[PersonRow]:
        """Every user (admins and managers) or the operator's own row (everyone else who may
        list keys: members and auditors), sorted by login; a verifier login is refused.

        ``last_activity`` is the latest of two moments: the newest ``last_used_at`` of any
        key the user owns (revoked ones too; deleted keys are gone) and the time of the
        newest audit event the user is the actor of (creating, editing, revoking keys,
        managing users and policy, signing checkpoints). Verifications are recorded to the
        minute, so a key used just now may show up to a minute early.

        One statement: the users, joined to their keys grouped by owner and to their newest
        event (the highest sequence number per actor).

        On a server database the database enforces the members' half of this rule too
        (row-level security on PostgreSQL, the ``users`` view on MariaDB): a member's login
        reads its own ``users`` row only. Auditors may read every row there (the audit
        needs every key's owner), so restricting them to their own row here is this
        service's rule. A member's login reads only its
        own keys and the key events it is the actor of, which is exactly what its own row
        is made of, so the numbers are the same whoever reads them.
        """
        with self._context.read() as session:
            operator = self._context.operator_in(session)
            require(operator.role, Action.READ_OWN_KEYS)  # a verifier's login lists nobody
            everyone = operator.role in _SEE_EVERYONE
            now = self._context.clock()
            keys = sa.select(
                ApiKey.owner_id.label("owner_id"),
                sa.func.count(sa.case((status_predicate(KeyStatus.ACTIVE, now), ApiKey.id))).label(
                    "active"
                ),
                sa.func.max(ApiKey.last_used_at).label("last_used"),
            ).group_by(ApiKey.owner_id)
            newest = sa.select(
                AuditEvent.actor.label("actor"), sa.func.max(AuditEvent.seq).label("seq")
            ).group_by(AuditEvent.actor)
            if not everyone:
                # Only the operator's own keys and events are aggregated, not everyone's.
                me = sa.select(User.id).where(User.login == operator.login).scalar_subquery()
                keys = keys.where(ApiKey.owner_id == me)
                newest = newest.where(AuditEvent.actor == operator.login)
            key_stats = keys.subquery("key_stats")
            newest_event = newest.subquery("newest_event")
            statement = (
                sa.select(User, key_stats.c.active, key_stats.c.last_used, AuditEvent.occurred_at)
                .outerjoin(key_stats, key_stats.c.owner_id == User.id)
                .outerjoin(newest_event, newest_event.c.actor == User.login)
                .outerjoin(AuditEvent, AuditEvent.seq == newest_event.c.seq)
                .order_by(User.login)
            )
            if not everyone:
                statement = statement.where(User.login == operator.login)
            return [
                PersonRow(
                    user=_user_dto(user),
                    active_keys=int(active or 0),
                    last_activity=_latest(last_used, _event_time(occurred_at)),
                )
                for user, active, last_used, occurred_at in session.execute(statement)
            ]

    def deactivation_preview(self, login: str) -> tuple[KeyDTO, ...]:
        """The keys ``UserService.deactivate(login)`` would revoke now, oldest first.

        Exactly the rule deactivation applies on SQLite and in both servers' routines: every
        key of the user that is not revoked yet — active, disabled, and expired ones too
        (an expired key is still an active or disabled row whose date has passed). Refused
        like deactivation itself: admins only, an unknown login, a user already
        deactivated, the last admin.
        """
        with self._context.read() as session:
            operator = self._context.operator_in(session)
            require(operator.role, Action.MANAGE_USERS)
            user = (
                session.execute(
                    sa.select(User).where(User.login == login.strip())
                ).scalar_one_or_none()
                if "\x00" not in login  # no login holds a NUL, and PostgreSQL refuses one
                else None
            )
            if user is not None and not user.active:
                raise ValidationError(Field.LOGIN, f"{user.login} is already deactivated.")
            if user is not None and user.role == Role.ADMIN.value:
                others = session.execute(
                    sa.select(sa.func.count())
                    .select_from(User)
                    .where(User.role == Role.ADMIN.value, User.active.is_(True), User.id != user.id)
                ).scalar_one()
                if not others:
                    raise ValidationError(
                        Field.LOGIN,
                        f"{user.login} is the last admin; make someone else admin first.",
                    )
        # The key service builds the keys (unknown logins are refused there): every key of
        # the owner, oldest first, keeping those not revoked.
        query = KeyQuery(owner=login, sort=SortField.CREATED, descending=False, limit=_PAGE)
        found: list[KeyDTO] = []
        page = self._keys.page(query)
        while True:
            found.extend(key for key in page.rows if key.state is not KeyState.REVOKED)
            if page.next_cursor is None:
                return tuple(found)
            page = self._keys.page(query, page.next_cursor)
