"""Key use cases: create, edit, enable, disable, revoke, delete, rotate, replace, list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.data import key_queries
from app.data.key_queries import KeyFilter
from app.data.models import ApiKey, DailyUsage, User
from app.domain.audit import AuditAction
from app.domain.clock import isoformat_utc
from app.domain.errors import (
    ConflictError,
    Field,
    NotFound,
    PolicyConfirmationRequired,
    ValidationError,
)
from app.domain.hashing import TokenHasher
from app.domain.key_format import (
    GeneratedToken,
    check_label,
    could_be_key_id,
    generate_token,
    key_id_of,
)
from app.domain.policy import MAX_GRACE, REASON_POLICY_LIMIT, KeyPolicy
from app.domain.roles import Action, Role, can, require, require_manage_key
from app.domain.status import KeyState, KeyStatus, derive_status
from app.domain.validation import (
    clean_description,
    clean_name,
    clean_reason,
    clean_search,
    parse_expiry,
)
from app.domain.wording import counted
from app.services.audit import AuditService
from app.services.context import ServiceContext, WriteTx
from app.services.dto import (
    AuditEventDTO,
    CreatedKey,
    KeyDTO,
    KeyPage,
    KeyQuery,
    Operator,
    PageCursor,
    UsageSummary,
)
from app.services.settings import SettingsStore

_ALL = KeyQuery()


@dataclass(frozen=True, slots=True)
class _KeyDraft:
    """A key checked and hashed, ready to be written (no transaction is open yet)."""

    name: str
    description: str
    expires_at: datetime | None
    environment: str
    prefix: str
    owner: str | None
    replace_oldest: bool
    policy: KeyPolicy
    generated: GeneratedToken = field(repr=False)
    secret_hash: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class _Succession:
    """The key a new one takes the place of: rotated (retired by the rotation) or replaced."""

    key_id: str
    rotation: bool
    #: A rotation's grace period (None: the old key is revoked at once).
    grace: timedelta | None = None

    @property
    def reason(self) -> str:
        """The audit reason of the new key's creation (the server routines read it too)."""
        return f"{'rotation' if self.rotation else 'replacement'} of {self.key_id}"


def _no_such_key(key_id: str) -> NotFound:
    shown = key_id_of(key_id)
    if not could_be_key_id(shown):  # never echo a pasted token's secret
        return NotFound("There is no key with that id; a key id is 12 letters and digits.")
    return NotFound(f"There is no key with the id “{shown}”.")


def _conflict(row: ApiKey, advice: str) -> ConflictError:
    return ConflictError(
        f"“{row.name}” was changed by {row.updated_by} at "
        f"{row.updated_at:%Y-%m-%d %H:%M} UTC after you opened it; {advice}",
        changed_by=row.updated_by,
        changed_at=row.updated_at,
    )


def _to_dto(row: ApiKey, owner: User, now: datetime, replaced_by: str | None) -> KeyDTO:
    return _dto_of(row, owner.login, owner.active, now, replaced_by)


def _dto_of(
    row: ApiKey | sa.Row[Any],
    owner_login: str,
    owner_active: bool,
    now: datetime,
    replaced_by: str | None,
) -> KeyDTO:
    """A key (an ORM row, or a plain row of a page with the same column names) as a KeyDTO."""
    state = KeyState(row.state)
    return KeyDTO(
        key_id=row.key_id,
        name=row.name,
        description=row.description,
        owner_login=owner_login,
        owner_name=row.owner_name,
        owner_active=bool(owner_active),
        status=derive_status(state, row.expires_at, now),
        state=state,
        environment=row.environment,
        masked=row.masked,
        created_at=row.created_at,
        created_by=row.created_by,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        last_used_at=row.last_used_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        revoked_reason=row.revoked_reason,
        version=row.version,
        replaces=row.replaces_key_id,
        replaced_by=replaced_by,
    )


@dataclass(frozen=True, slots=True)
class _PageLinks:
    """A page's owners (login, active) and successors, read in two queries (servers)."""

    owners: dict[int, tuple[str, bool]]
    successors: dict[str, str]

    @classmethod
    def of(cls, session: Session, rows: Sequence[sa.Row[Any]]) -> _PageLinks:
        users = User.__table__.c
        owners = session.execute(
            sa.select(users.id, users.login, users.active).where(
                users.id.in_({row.owner_id for row in rows})
            )
        )
        return cls(
            {owner.id: (owner.login, owner.active) for owner in owners},
            _successors(session, [row.key_id for row in rows]),
        )


def _page_dto(row: sa.Row[Any], now: datetime, links: _PageLinks | None) -> KeyDTO:
    """A row of a page (``key_queries.PAGE_COLUMNS``: the key, its owner's login and whether
    they are active, the key that replaced it) as a KeyDTO; the same as :func:`_to_dto`.
    ``links``: the owners and successors, where the row does not hold them (servers)."""
    if links is None:
        return _dto_of(row, row.owner_login, row.owner_active, now, row.replaced_by)
    owner_login, owner_active = links.owners[row.owner_id]
    return _dto_of(row, owner_login, owner_active, now, links.successors.get(row.key_id))


def _successors(session: Session, key_ids: Sequence[str]) -> dict[str, str]:
    """For each of ``key_ids`` that a later key replaces, the newest such key's id.

    Only keys the session may read are found (a member's login reads its own keys).
    """
    found: dict[str, str] = {}
    wanted = sorted(set(key_ids))
    for start in range(0, len(wanted), 500):
        rows = session.execute(
            sa.select(ApiKey.replaces_key_id, ApiKey.key_id)
            .where(ApiKey.replaces_key_id.in_(wanted[start : start + 500]))
            .order_by(ApiKey.created_at, ApiKey.id)
        ).all()
        for old, new in rows:
            if old is not None:
                found[old] = new  # the newest wins
    return found


def _may_read(operator: Operator, owner_login: str) -> bool:
    """Whether the operator reads a key of ``owner_login`` (their own, or everyone's)."""
    return owner_login == operator.login or can(operator.role, Action.READ_ALL_KEYS)


def key_dtos(session: Session, rows: Sequence[ApiKey], now: datetime) -> list[KeyDTO]:
    """Rows as KeyDTOs, with owners and "replaced by" links read in two queries."""
    if not rows:
        return []
    owner_ids = {row.owner_id for row in rows}
    owners = {
        user.id: user
        for user in session.execute(sa.select(User).where(User.id.in_(owner_ids))).scalars()
    }
    successors = _successors(session, [row.key_id for row in rows])
    return [_to_dto(row, owners[row.owner_id], now, successors.get(row.key_id)) for row in rows]


def snapshot(row: ApiKey, owner_login: str) -> dict[str, Any]:
    """What the audit trail keeps of a key: everything but the hash."""
    return {
        "id": row.key_id,
        "name": row.name,
        "description": row.description,
        "owner": owner_login,
        "environment": row.environment,
        "state": row.state,
        "masked": row.masked,
        "expires_at": isoformat_utc(row.expires_at),
        "revoked_at": isoformat_utc(row.revoked_at),
        "revoked_reason": row.revoked_reason,
        "version": row.version,
    }


def change_locally(
    tx: WriteTx,
    row: ApiKey,
    owner_login: str,
    action: AuditAction,
    *,
    reason: str | None = None,
    **values: Any,
) -> None:
    """Set ``values`` on one key row and append its audit event with before and after.

    For the embedded database only: on PostgreSQL and MariaDB the database's own routines
    change the row and write the event (``WriteTx.on_server``).
    """
    before = snapshot(row, owner_login)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = tx.now
    row.updated_by = tx.operator.login
    row.version += 1
    tx.audit(
        action,
        "key",
        row.key_id,
        before=before,
        after=snapshot(row, owner_login),
        reason=reason,
    )


def revoke_locally(tx: WriteTx, row: ApiKey, owner_login: str, reason: str | None) -> None:
    """Revoke one key row on the embedded database (see :func:`change_locally`)."""
    change_locally(
        tx,
        row,
        owner_login,
        AuditAction.KEY_REVOKED,
        reason=reason,
        state=KeyState.REVOKED.value,
        revoked_at=tx.now,
        revoked_reason=reason,
    )


class KeyService:
    def __init__(self, context: ServiceContext, hasher: TokenHasher, audit: AuditService) -> None:
        self._context = context
        self._hasher = hasher
        self._audit = audit

    # ----------------------------------------------------------------- reading

    def _to_dto(
        self, row: ApiKey, owner: User, now: datetime, replaced_by: str | None = None
    ) -> KeyDTO:
        return _to_dto(row, owner, now, replaced_by)

    def _dto_in(self, session: Session, row: ApiKey, owner: User, now: datetime) -> KeyDTO:
        """One key with its "replaced by" link looked up."""
        return _to_dto(row, owner, now, _successors(session, [row.key_id]).get(row.key_id))

    def _dtos(self, session: Session, rows: Sequence[ApiKey], now: datetime) -> list[KeyDTO]:
        return key_dtos(session, rows, now)

    def _visible_filter(self, session: Session, operator: Operator, query: KeyQuery) -> KeyFilter:
        require(operator.role, Action.READ_OWN_KEYS)  # a verifier's login lists nothing
        owner_id: int | None = None
        if not can(operator.role, Action.READ_ALL_KEYS):
            # Members see their own keys only. Another owner is refused before any lookup:
            # on a server database a member cannot read other users' rows at all, so the
            # lookup would say "no such user" where the truth is "not allowed".
            if query.owner and query.owner.strip() != operator.login:
                require(operator.role, Action.READ_ALL_KEYS)
            owner_id = self._user(session, operator.login).id
        elif query.owner:
            owner_id = self._user(session, query.owner).id
        environment = (query.environment or "").strip().lower() or None
        if environment is not None:
            check_label(environment, Field.ENVIRONMENT)
        return KeyFilter(
            search=clean_search(query.search),
            status=query.status,
            owner_id=owner_id,
            environment=environment,
        )

    def page(self, query: KeyQuery = _ALL, after: PageCursor | None = None) -> KeyPage:
        if not 1 <= query.limit <= 1000:
            raise ValidationError(Field.LIMIT, "The page size must be between 1 and 1000.")
        with self._context.read() as session:
            operator = self._context.operator_in(session)
            key_filter = self._visible_filter(session, operator, query)
            now = self._context.clock()
            rows, cursor = key_queries.fetch_page(
                session,
                key_filter,
                sort=query.sort,
                descending=query.descending,
                limit=query.limit,
                now=now,
                after=None if after is None else after._position,
            )
            links = None
            if rows and "replaced_by" not in rows[0]._fields:  # a server database: fetch_page
                links = _PageLinks.of(session, rows)
            return KeyPage(
                tuple(_page_dto(row, now, links) for row in rows),
                None if cursor is None else PageCursor(cursor),
            )

    def count(self, query: KeyQuery = _ALL) -> int:
        with self._context.read() as session:
            operator = self._context.operator_in(session)
            key_filter = self._visible_filter(session, operator, query)
            return key_queries.count_keys(session, key_filter, self._context.clock())

    def get(self, key_id: str) -> KeyDTO:
        with self._context.read() as session:
            operator = self._context.operator_in(session)
            row, owner = self._visible_row(session, operator, key_id)
            return self._dto_in(session, row, owner, self._context.clock())

    def get_many(self, key_ids: Sequence[str]) -> tuple[list[KeyDTO], list[str]]:
        """The keys as they are now, in one read: ``(present, gone)``.

        ``gone`` holds the ids :meth:`get` would refuse: deleted, never there, or not this
        operator's to read (a member's key moved to another owner). The live feed asks this
        for every key changed since its last poll — a bulk revoke elsewhere changes a hundred
        a second, and one read each kept a core busy.
        """
        wanted = list(dict.fromkeys(key_ids))
        with self._context.read() as session:
            operator = self._context.operator_in(session)
            if not can(operator.role, Action.READ_OWN_KEYS):
                return [], wanted
            readable = [key_id for key_id in wanted if could_be_key_id(key_id)]
            rows: list[ApiKey] = []
            for start in range(0, len(readable), 500):
                rows += session.execute(
                    sa.select(ApiKey).where(ApiKey.key_id.in_(readable[start : start + 500]))
                ).scalars()
            found = {
                dto.key_id: dto
                for dto in self._dtos(session, rows, self._context.clock())
                if _may_read(operator, dto.owner_login)
            }
        present = [found[key_id] for key_id in wanted if key_id in found]
        return present, [key_id for key_id in wanted if key_id not in found]

    def history(self, key_id: str) -> list[AuditEventDTO]:
        """The key's own audit events, oldest first (kept even after it is deleted)."""
        key_id = key_id_of(key_id)
        with self._context.read() as session:
            operator = self._context.operator_in(session)
            row = self._find(session, key_id)
            member = None
            if row is not None:
                owner = session.get(User, row.owner_id)
                assert owner is not None
                if owner.login != operator.login:
                    require(operator.role, Action.READ_ALL_KEYS)
            elif operator.role is Role.MEMBER:
                # A deleted key: a member reads its trail if it was theirs (as in the audit
                # view and the server databases' own rules); anyone else's is "no such key".
                member = operator.login
            else:
                require(operator.role, Action.READ_AUDIT)
        events = (
            self._audit.events_for("key", key_id, member=member) if could_be_key_id(key_id) else []
        )
        if not events:
            # Neither a key nor a deleted one's trail: an unknown id gets a clear refusal.
            raise _no_such_key(key_id)
        return events

    def usage_summary(self) -> UsageSummary:
        with self._context.read() as session:
            operator = self._context.operator_in(session)
            now = self._context.clock()
            key_filter = self._visible_filter(session, operator, KeyQuery(status=KeyStatus.ACTIVE))
            active = key_queries.count_keys(session, key_filter, now)
            since = (now - timedelta(days=29)).date()
            usage = sa.select(sa.func.coalesce(sa.func.sum(DailyUsage.count), 0)).where(
                DailyUsage.day >= since
            )
            if key_filter.owner_id is not None:
                usage = usage.join(ApiKey, ApiKey.id == DailyUsage.key_pk).where(
                    ApiKey.owner_id == key_filter.owner_id
                )
            return UsageSummary(active, int(session.execute(usage).scalar_one()))

    def usage_by_day(self, key_id: str, days: int = 30) -> list[tuple[date, int]]:
        """Verifications per day for the last ``days`` days, oldest first, zeros included."""
        with self._context.read() as session:
            operator = self._context.operator_in(session)
            row, _owner = self._visible_row(session, operator, key_id)
            today = self._context.clock().date()
            first = today - timedelta(days=days - 1)
            counts = dict(
                session.execute(
                    sa.select(DailyUsage.day, DailyUsage.count).where(
                        DailyUsage.key_pk == row.id, DailyUsage.day >= first
                    )
                ).all()
            )
            return [
                (first + timedelta(days=n), int(counts.get(first + timedelta(days=n), 0)))
                for n in range(days)
            ]

    # ----------------------------------------------------------------- helpers

    def _find(self, session: Session, key_id: str, *, fresh: bool = False) -> ApiKey | None:
        """The key's row; ``fresh`` reads it again over the session's copy (after a routine)."""
        key_id = key_id_of(key_id)  # a pasted token's secret never reaches a query
        if not could_be_key_id(key_id):
            return None
        statement = sa.select(ApiKey).where(ApiKey.key_id == key_id)
        if fresh:
            statement = statement.execution_options(populate_existing=True)
        return session.execute(statement).scalar_one_or_none()

    def _visible_row(
        self, session: Session, operator: Operator, key_id: str
    ) -> tuple[ApiKey, User]:
        require(operator.role, Action.READ_OWN_KEYS)
        row = self._find(session, key_id)
        owner = session.get(User, row.owner_id) if row is not None else None
        visible = row is not None and owner is not None and _may_read(operator, owner.login)
        if not visible or row is None or owner is None:
            raise _no_such_key(key_id)
        return row, owner

    def _user(self, session: Session, login: str) -> User:
        user = (
            session.execute(sa.select(User).where(User.login == login.strip())).scalar_one_or_none()
            if "\x00" not in login  # no login holds a NUL, and PostgreSQL refuses one
            else None
        )
        if user is None:
            raise NotFound(f"There is no Keyward user “{login.strip()[:64]}”.")
        return user

    def _managed_row(self, tx: WriteTx, key_id: str) -> tuple[ApiKey, User]:
        row, owner = self._visible_row(tx.session, tx.operator, key_id)
        require_manage_key(tx.operator.role, owns_key=owner.login == tx.operator.login)
        return row, owner

    def _check_unique_name(
        self, session: Session, owner: User, name: str, *, except_pk: int | None = None
    ) -> None:
        if session.get_bind().dialect.name == "sqlite":
            # SQLite's lower() folds ASCII only; kw_casefold (registered by the engine
            # factory) folds the rest of Unicode, so "Über" and "über" are one name there too.
            same_name = sa.func.kw_casefold(ApiKey.name) == name.casefold()
        else:
            same_name = sa.func.lower(ApiKey.name) == name.lower()
        statement = sa.select(ApiKey.key_id).where(
            ApiKey.owner_id == owner.id,
            ApiKey.state != KeyState.REVOKED.value,
            same_name,
        )
        if except_pk is not None:
            statement = statement.where(ApiKey.id != except_pk)
        clash = session.execute(statement.limit(1)).scalar_one_or_none()
        if clash is not None:
            raise ValidationError(
                Field.NAME,
                f"{owner.display_name} already has a key named “{name}” ({clash}); "
                "choose another name or revoke that key first.",
            )

    def _reload(self, tx: WriteTx, key_id: str) -> ApiKey:
        """The row as a server routine left it."""
        row = self._find(tx.session, key_id, fresh=True)
        assert row is not None
        return row

    def _update_on_server(
        self,
        tx: WriteTx,
        row: ApiKey,
        *,
        expected_version: int | None = None,
        name: str | None = None,
        description: str | None = None,
        state: KeyState | None = None,
        expires_at: datetime | None = None,
        set_expiry: bool = False,
        reason: str | None = None,
    ) -> ApiKey:
        key_id = row.key_id
        try:
            tx.call(
                "kw_update_key",
                key_id,
                expected_version,
                name,
                description,
                state.value if state is not None else None,
                set_expiry,
                expires_at,
                reason,
            )
        except ConflictError:
            # Someone committed a change after our read: name them, from a fresh read.
            with self._context.read() as session:
                current = self._find(session, key_id)
            if current is None:
                raise _no_such_key(key_id) from None
            advice = (
                "reload first."
                if state is not None
                else ("reload to see their change, then edit again.")
            )
            raise _conflict(current, advice) from None
        return self._reload(tx, key_id)

    def _revoke_row(self, tx: WriteTx, row: ApiKey, owner: User, reason: str | None) -> None:
        if tx.on_server:
            self._update_on_server(tx, row, state=KeyState.REVOKED, reason=reason)
            return
        revoke_locally(tx, row, owner.login, reason)

    def _active_keys_of(self, session: Session, owner: User, now: datetime) -> list[ApiKey]:
        statement = (
            sa.select(ApiKey)
            .where(
                ApiKey.owner_id == owner.id,
                ApiKey.state == KeyState.ACTIVE.value,
                sa.or_(ApiKey.expires_at.is_(None), ApiKey.expires_at > now),
            )
            .order_by(ApiKey.created_at, ApiKey.id)
        )
        return list(session.execute(statement).scalars())

    # ----------------------------------------------------------------- changes

    def _limit_refusal(
        self, owner: User, active: Sequence[ApiKey], victims: list[KeyDTO], limit: int
    ) -> PolicyConfirmationRequired:
        count = len(active)
        names = [f"“{key.name}” ({key.key_id})" for key in victims]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        which = "the oldest" if len(victims) == 1 else f"the {len(victims)} oldest"
        return PolicyConfirmationRequired(
            f"{owner.display_name} already has {counted(count, 'active key')} "
            f"(the limit is {limit}); creating this key will revoke {which}, {listed}.",
            key_to_revoke=victims[0].key_id,
            key_name=victims[0].name,
            keys_to_revoke=tuple(victims),
        )

    def _limit_victims(
        self,
        session: Session,
        owner: User,
        policy: KeyPolicy,
        now: datetime,
        exclude: str | None,
    ) -> tuple[list[ApiKey], list[ApiKey]]:
        """The owner's active keys (but ``exclude``) and those one more key would revoke."""
        active = [key for key in self._active_keys_of(session, owner, now) if key.key_id != exclude]
        return active, active[: policy.to_revoke(len(active))]

    def check_create(
        self,
        owner: str | None = None,
        *,
        replace_oldest: bool = False,
        rotating: str | None = None,
    ) -> None:
        """Refuse early (before any hashing) when the operator may not create this key.

        At an active-key limit this raises :class:`PolicyConfirmationRequired` naming every
        key that the create would revoke (oldest first), unless ``replace_oldest`` confirms
        it; ``rotating`` names a key being rotated, which does not count.
        """
        with self._context.read() as session:
            operator = self._context.operator_in(session)
            require(operator.role, Action.CREATE_OWN_KEY)
            if owner and owner.strip() != operator.login:
                require(operator.role, Action.CREATE_FOR_OTHERS)
            if replace_oldest:
                return
            policy = SettingsStore(self._context).policy_in(session)
            if policy.max_active_keys_per_user is None:
                return
            owner_user = self._user(session, owner or operator.login)
            now = self._context.clock()
            active, victims = self._limit_victims(session, owner_user, policy, now, rotating)
            if victims:
                raise self._limit_refusal(
                    owner_user,
                    active,
                    self._dtos(session, victims, now),
                    policy.max_active_keys_per_user,
                )

    def create(
        self,
        name: str,
        description: str | None = None,
        *,
        expires: str | date | None = None,
        environment: str = "live",
        owner: str | None = None,
        replace_oldest: bool = False,
    ) -> CreatedKey:
        """Make a key; the returned token is the only copy there will ever be.

        With an active-key limit in force and the owner at it, this raises
        :class:`PolicyConfirmationRequired` (naming every key it would revoke) unless
        ``replace_oldest`` confirms that the owner's oldest active keys are to be revoked —
        as many as it takes for the owner to have exactly the limit afterwards. With a
        maximum lifetime in force, an expiry within it is required.
        """
        draft = self._draft(name, description, expires, environment, owner, replace_oldest)
        with self._context.write() as tx:
            return self._create_in(tx, draft, None)

    def _draft(
        self,
        name: str,
        description: str | None,
        expires: str | date | None,
        environment: str,
        owner: str | None,
        replace_oldest: bool,
        *,
        rotating: str | None = None,
    ) -> _KeyDraft:
        """Check the inputs and make the token and its hash, before any write transaction."""
        name = clean_name(name)
        description = clean_description(description)
        now = self._context.clock()
        expires_at = parse_expiry(expires, today=now.date())
        settings = SettingsStore(self._context)
        policy_dto = settings.snapshot()
        prefix, environments = policy_dto.prefix, policy_dto.environments
        policy = policy_dto.key_policy
        environment = environment.strip().lower()
        if environment not in environments:
            raise ValidationError(
                Field.ENVIRONMENT,
                f"“{environment[:20]}” is not an environment of this database; "
                f"use one of {', '.join(environments)}.",
            )
        policy.check_expiry(expires_at, now)
        self.check_create(owner, replace_oldest=replace_oldest, rotating=rotating)
        generated: GeneratedToken = generate_token(prefix, environment)
        # Hashing happens before the write transaction so no lock is held for it.
        secret_hash = self._hasher.hash(generated.token.reveal())
        return _KeyDraft(
            name=name,
            description=description,
            expires_at=expires_at,
            environment=environment,
            prefix=prefix,
            owner=owner,
            replace_oldest=replace_oldest,
            policy=policy,
            generated=generated,
            secret_hash=secret_hash,
        )

    def _successor_of(self, session: Session, key_id: str) -> str | None:
        return _successors(session, [key_id]).get(key_id)

    def _create_in(self, tx: WriteTx, draft: _KeyDraft, replaces: _Succession | None) -> CreatedKey:
        """Write the drafted key in ``tx``; ``replaces`` names the key it takes the place of.

        A rotation also retires the old key here: revoked at once, or, with a grace period,
        expiring when it ends.
        """
        operator = tx.operator
        require(operator.role, Action.CREATE_OWN_KEY)
        owner_user = self._user(tx.session, draft.owner or operator.login)
        if owner_user.login != operator.login:
            require(operator.role, Action.CREATE_FOR_OTHERS)
        if not owner_user.active:
            raise ValidationError(
                Field.OWNER,
                f"{owner_user.display_name} is deactivated and cannot own new keys.",
            )
        old_row: ApiKey | None = None
        if replaces is not None:
            old_row, old_owner = self._managed_row(tx, replaces.key_id)
            successor = self._successor_of(tx.session, old_row.key_id)
            if replaces.rotation:
                if old_row.state == KeyState.REVOKED.value:
                    raise ValidationError(
                        Field.STATE, f"“{old_row.name}” was revoked meanwhile; replace it instead."
                    )
                if successor is not None:
                    raise ValidationError(
                        Field.STATE, f"“{old_row.name}” was already rotated to {successor}."
                    )
                if old_owner.id != owner_user.id:
                    raise ValidationError(Field.OWNER, "A rotated key keeps its owner.")
            elif old_row.state != KeyState.REVOKED.value:
                raise ValidationError(
                    Field.STATE, f"“{old_row.name}” is not revoked; rotate it instead."
                )
        rotated = replaces.key_id if replaces is not None and replaces.rotation else None
        if rotated is None:
            self._check_unique_name(tx.session, owner_user, draft.name)
        elif old_row is not None and draft.name != old_row.name:
            # A rotated key keeps the old one's name (which the old key holds until it ends).
            raise ValidationError(Field.NAME, "A rotated key keeps its name.")
        policy = SettingsStore(self._context).policy_in(tx.session)
        policy.check_expiry(draft.expires_at, tx.now)
        active, victims = self._limit_victims(tx.session, owner_user, policy, tx.now, rotated)
        if victims and not draft.replace_oldest:
            assert policy.max_active_keys_per_user is not None
            raise self._limit_refusal(
                owner_user,
                active,
                self._dtos(tx.session, victims, tx.now),
                policy.max_active_keys_per_user,
            )
        generated = draft.generated
        revoked: list[KeyDTO] = []
        if tx.on_server:
            # The routine revokes the victims, writes the key and the link, and retires a
            # rotated key, all with their events.
            row = self._create_on_server(tx, draft, owner_user, replaces)
            for victim in victims:
                revoked.append(
                    self._dto_in(tx.session, self._reload(tx, victim.key_id), owner_user, tx.now)
                )
            return CreatedKey(
                self._dto_in(tx.session, row, owner_user, tx.now),
                generated.token,
                revoked[0] if revoked else None,
                tuple(revoked),
            )
        for victim in victims:
            self._revoke_row(tx, victim, owner_user, REASON_POLICY_LIMIT)
            revoked.append(self._dto_in(tx.session, victim, owner_user, tx.now))
        row = ApiKey(
            key_id=generated.key_id,
            prefix=draft.prefix,
            environment=draft.environment,
            name=draft.name,
            description=draft.description,
            owner_id=owner_user.id,
            owner_name=owner_user.display_name,
            masked=generated.masked,
            secret_hash=draft.secret_hash,
            state=KeyState.ACTIVE.value,
            created_at=tx.now,
            created_by=operator.login,
            updated_at=tx.now,
            updated_by=operator.login,
            expires_at=draft.expires_at,
            version=1,
            replaces_key_id=None if replaces is None else replaces.key_id,
        )
        tx.session.add(row)
        tx.session.flush()
        tx.audit(
            AuditAction.KEY_CREATED,
            "key",
            row.key_id,
            after=snapshot(row, owner_user.login),
            reason=None if replaces is None else replaces.reason,
        )
        if replaces is not None and replaces.rotation and old_row is not None:
            self._retire(tx, old_row, owner_user, row.key_id, replaces.grace)
        return CreatedKey(
            self._dto_in(tx.session, row, owner_user, tx.now),
            generated.token,
            revoked[0] if revoked else None,
            tuple(revoked),
        )

    def _retire(
        self, tx: WriteTx, row: ApiKey, owner: User, successor: str, grace: timedelta | None
    ) -> None:
        """A rotated key's end (SQLite; the server's routine does the same)."""
        if grace is None:
            self._revoke_row(tx, row, owner, f"rotated to {successor}")
            return
        deadline = tx.now + grace
        if row.expires_at is None or row.expires_at > deadline:
            change_locally(
                tx,
                row,
                owner.login,
                AuditAction.KEY_EXPIRY_CHANGED,
                reason=f"rotated to {successor}; grace period",
                expires_at=deadline,
            )

    def _create_on_server(
        self, tx: WriteTx, draft: _KeyDraft, owner: User, replaces: _Succession | None
    ) -> ApiKey:
        generated = draft.generated
        grace = None if replaces is None else replaces.grace
        tx.call(
            "kw_create_key",
            generated.key_id,
            draft.prefix,
            draft.environment,
            draft.name,
            draft.description,
            owner.login,
            generated.masked,
            draft.secret_hash,
            draft.expires_at,
            draft.replace_oldest,
            None if replaces is None else replaces.key_id,
            None if grace is None else int(grace.total_seconds()),
        )
        return self._reload(tx, generated.key_id)

    def edit(
        self,
        key_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        expected_version: int | None = None,
    ) -> KeyDTO:
        """Change name and/or description; refused if the key changed since ``expected_version``."""
        new_name = clean_name(name) if name is not None else None
        new_description = clean_description(description) if description is not None else None
        with self._context.write() as tx:
            row, owner = self._managed_row(tx, key_id)
            if expected_version is not None and row.version != expected_version:
                raise _conflict(row, "reload to see their change, then edit again.")
            if tx.on_server:
                if new_name is not None and new_name != row.name and row.state != "revoked":
                    self._check_unique_name(tx.session, owner, new_name, except_pk=row.id)
                row = self._update_on_server(
                    tx,
                    row,
                    expected_version=expected_version,
                    name=new_name,
                    description=new_description,
                )
                return self._dto_in(tx.session, row, owner, tx.now)
            values: dict[str, str] = {}
            if new_name is not None and new_name != row.name:
                if row.state != KeyState.REVOKED.value:
                    self._check_unique_name(tx.session, owner, new_name, except_pk=row.id)
                values["name"] = new_name
            if new_description is not None and new_description != row.description:
                values["description"] = new_description
            if values:
                change_locally(tx, row, owner.login, AuditAction.KEY_EDITED, **values)
            return self._dto_in(tx.session, row, owner, tx.now)

    def _set_state(self, key_id: str, enabled: bool, expected_version: int | None) -> KeyDTO:
        with self._context.write() as tx:
            row, owner = self._managed_row(tx, key_id)
            if row.state == KeyState.REVOKED.value:
                raise ValidationError(
                    Field.STATE,
                    f"“{row.name}” is revoked; a revoked key stays revoked. Create a new key.",
                )
            if expected_version is not None and row.version != expected_version:
                raise _conflict(row, "reload first.")
            wanted = KeyState.ACTIVE if enabled else KeyState.DISABLED
            if tx.on_server:
                row = self._update_on_server(tx, row, state=wanted)
                return self._dto_in(tx.session, row, owner, tx.now)
            if row.state != wanted.value:
                action = AuditAction.KEY_ENABLED if enabled else AuditAction.KEY_DISABLED
                change_locally(tx, row, owner.login, action, state=wanted.value)
            return self._dto_in(tx.session, row, owner, tx.now)

    def set_expiry(
        self,
        key_id: str,
        expires_at: datetime | None,
        *,
        expected_version: int | None = None,
        reason: str | None = None,
    ) -> KeyDTO:
        """Give a key another end (None: never); refused for a revoked key.

        Bringing the end forward is always allowed; anything else must fit the policy's
        maximum lifetime (the server routines check the same).
        """
        reason = clean_reason(reason)
        if expires_at is not None and expires_at.tzinfo is None:
            raise ValueError("expires_at must be an aware UTC datetime")
        with self._context.write() as tx:
            row, owner = self._managed_row(tx, key_id)
            if row.state == KeyState.REVOKED.value:
                raise ValidationError(
                    Field.STATE, f"“{row.name}” is revoked; a revoked key stays revoked."
                )
            if expected_version is not None and row.version != expected_version:
                raise _conflict(row, "reload first.")
            if expires_at == row.expires_at:
                return self._dto_in(tx.session, row, owner, tx.now)
            shortening = (
                expires_at is not None
                and row.expires_at is not None
                and expires_at <= row.expires_at
            )
            if not shortening:
                SettingsStore(self._context).policy_in(tx.session).check_expiry(expires_at, tx.now)
            if tx.on_server:
                row = self._update_on_server(
                    tx,
                    row,
                    expected_version=expected_version,
                    expires_at=expires_at,
                    set_expiry=True,
                    reason=reason,
                )
                return self._dto_in(tx.session, row, owner, tx.now)
            change_locally(
                tx,
                row,
                owner.login,
                AuditAction.KEY_EXPIRY_CHANGED,
                reason=reason,
                expires_at=expires_at,
            )
            return self._dto_in(tx.session, row, owner, tx.now)

    def enable(self, key_id: str, *, expected_version: int | None = None) -> KeyDTO:
        return self._set_state(key_id, True, expected_version)

    def disable(self, key_id: str, *, expected_version: int | None = None) -> KeyDTO:
        return self._set_state(key_id, False, expected_version)

    def revoke(self, key_id: str, reason: str | None = None) -> KeyDTO:
        """Revoke for good: verification fails from the next call on; last-used freezes."""
        reason = clean_reason(reason)
        with self._context.write() as tx:
            row, owner = self._managed_row(tx, key_id)
            if row.state == KeyState.REVOKED.value:
                raise ValidationError(Field.STATE, f"“{row.name}” is already revoked.")
            self._revoke_row(tx, row, owner, reason)
            if tx.on_server:
                row = self._reload(tx, row.key_id)
            return self._dto_in(tx.session, row, owner, tx.now)

    def revoke_many(self, key_ids: Sequence[str], reason: str | None = None) -> list[KeyDTO]:
        """Revoke several keys in one transaction: all of them or none."""
        reason = clean_reason(reason)
        with self._context.write() as tx:
            done = []
            for key_id in key_ids:
                row, owner = self._managed_row(tx, key_id)
                if row.state != KeyState.REVOKED.value:
                    self._revoke_row(tx, row, owner, reason)
                    if tx.on_server:
                        row = self._reload(tx, row.key_id)
                done.append(self._dto_in(tx.session, row, owner, tx.now))
            return done

    def delete(self, key_id: str) -> KeyDTO:
        """Remove the key from the list; an active key is revoked in the same step."""
        with self._context.write() as tx:
            row, owner = self._managed_row(tx, key_id)
            if row.state != KeyState.REVOKED.value:
                self._revoke_row(tx, row, owner, "deleted")
                if tx.on_server:
                    row = self._reload(tx, row.key_id)
            dto = self._dto_in(tx.session, row, owner, tx.now)
            if tx.on_server:
                tx.call("kw_delete_key", row.key_id)
                return dto
            tx.audit(AuditAction.KEY_DELETED, "key", row.key_id, before=snapshot(row, owner.login))
            tx.session.delete(row)
            return dto

    def rotate(self, key_id: str, grace: timedelta | None = None) -> CreatedKey:
        """A new key in the old one's place, in one transaction, linked both ways.

        The old key is revoked at once, or, with a ``grace`` period, expires when it ends
        (that moment becomes its ``expires_at``, so every list shows it) so that the
        integration can switch over first. A rotation does not count against the active-key
        limit. With a maximum lifetime in force, the new key keeps the old expiry if the
        policy allows it, else it gets the longest the policy allows.
        """
        if grace is not None and grace <= timedelta(0):
            grace = None
        if grace is not None and grace > MAX_GRACE:
            raise ValidationError(Field.GRACE, "A grace period is at most 365 days.")
        self.check_create(replace_oldest=True)  # a role that may not, is told so
        old = self.get(key_id)
        if old.status is KeyStatus.REVOKED:
            raise ValidationError(Field.STATE, f"“{old.name}” is revoked; replace it instead.")
        if old.replaced_by is not None:
            raise ValidationError(
                Field.STATE, f"“{old.name}” was already rotated to {old.replaced_by}."
            )
        now = self._context.clock()
        note = f"Rotated from {old.key_id} on {now:%Y-%m-%d}."
        description = f"{old.description}\n\n{note}".strip() if old.description else note
        policy = SettingsStore(self._context).snapshot().key_policy
        expires: str | date | None = (
            old.expires_on if old.expires_at is not None and old.expires_at > now else None
        )
        latest = policy.default_expiry_day(now.date())
        if latest is not None and (expires is None or str(expires) > latest.isoformat()):
            expires = latest
        draft = self._draft(
            old.name,
            description[-2000:],
            expires,
            old.environment,
            old.owner_login,
            False,
            rotating=old.key_id,
        )
        with self._context.write() as tx:
            return self._create_in(tx, draft, _Succession(old.key_id, rotation=True, grace=grace))

    def replace(
        self,
        key_id: str,
        owner: str | None = None,
        name: str | None = None,
        description: str | None = None,
        *,
        expires: str | date | None = None,
        environment: str | None = None,
        replace_oldest: bool = False,
    ) -> CreatedKey:
        """Affinity's "Option A": a new key for an active user in place of a revoked one.

        ``owner`` defaults to the operator, ``name`` to the old key's, ``description`` to a
        sentence recording what it replaces (and the old description). The new key names the
        old one (``replaces``) and the old one shows it as ``replaced_by``. With a maximum
        lifetime in force and no ``expires``, the key gets the longest the policy allows.
        """
        new_owner = owner or self._context.login
        self.check_create(new_owner, replace_oldest=True)  # a role that may not, is told so
        old = self.get(key_id)
        if old.status is not KeyStatus.REVOKED:
            raise ValidationError(Field.STATE, f"“{old.name}” is not revoked; rotate it instead.")
        if description is None:
            description = f"{replacement_note(old)}\n\n{old.description}".strip()
        if expires is None:
            now = self._context.clock()
            expires = (
                SettingsStore(self._context).snapshot().key_policy.default_expiry_day(now.date())
            )
        draft = self._draft(
            old.name if name is None else name,
            description[:2000],
            expires,
            old.environment if environment is None else environment,
            new_owner,
            replace_oldest,
        )
        with self._context.write() as tx:
            return self._create_in(tx, draft, _Succession(old.key_id, rotation=False))


def replacement_note(old: KeyDTO) -> str:
    """The default description line of a key that replaces ``old``."""
    why = f", {old.revoked_reason}" if old.revoked_reason else ""
    return f"Replaces {old.key_id} (“{old.name}”, {old.masked}) of {old.owner_name}, revoked{why}."
