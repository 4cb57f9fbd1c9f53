"""Issue 9's rules hold on the server databases by themselves (DESIGN §3): a member's or a
manager's own login, over plain SQL, cannot get past the maximum lifetime, the exact key
limit, the rotation rules or the policy; and a database of revision 0004 upgrades to the key
links (every database)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app.data.models import ApiKey, User
from app.data.schema import _config, upgrade
from app.data.server import stored_table
from app.data.server.calls import routine_error
from app.domain.errors import (
    KeywardError,
    NotFound,
    PermissionDenied,
    PolicyConfirmationRequired,
    ValidationError,
)
from app.domain.hashing import TokenHasher
from app.domain.status import KeyStatus
from app.services import Services, open_services

PASSWORD = "kw-Admin-Boundary-Pw-1234"


@dataclass
class Login:
    name: str
    engine: sa.Engine
    postgres: bool

    def call(self, routine: str, *args: Any) -> list[tuple[Any, ...]]:
        names = [f"a{n}" for n in range(len(args))]
        placeholders = ", ".join(f":{name}" for name in names)
        verb = "SELECT * FROM" if self.postgres else "CALL"
        return self.sql(f"{verb} {routine}({placeholders})", **dict(zip(names, args, strict=True)))

    def sql(self, statement: str, **params: Any) -> list[tuple[Any, ...]]:
        with self.engine.begin() as connection:
            result = connection.execute(sa.text(statement), params)
            return [tuple(row) for row in result] if result.returns_rows else []

    def refused(self, kind: type[KeywardError], routine: str, *args: Any) -> KeywardError:
        with pytest.raises(exc.DBAPIError) as caught:
            self.call(routine, *args)
        known = routine_error(caught.value)
        assert isinstance(known, kind), caught.value
        return known


@pytest.fixture
def world(server_url: str, fast_hasher: TokenHasher) -> Iterator[dict[str, Any]]:
    """The schema owner (admin, through the services) and a member's and a manager's login."""
    owner = open_services(server_url, hasher=fast_hasher, create_schema=True)
    postgres = owner.engine.dialect.name == "postgresql"
    database = str(make_url(server_url).database)
    suffix = uuid.uuid4().hex[:8]
    names = {"member": f"kw_adm_m_{suffix}", "manager": f"kw_adm_g_{suffix}"}
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    logins: dict[str, Login] = {}
    try:
        with admin.connect() as connection:
            for name in names.values():
                connection.exec_driver_sql(
                    f"CREATE ROLE {name} LOGIN PASSWORD '{PASSWORD}'"
                    if postgres
                    else f"CREATE USER '{name}'@'127.0.0.1' IDENTIFIED BY '{PASSWORD}'"
                )
        for role, name in names.items():
            owner.users.add(name, role=role, display_name=f"{role.title()} {suffix}")
            url = make_url(server_url).set(username=name, password=PASSWORD)
            if not postgres:
                bare = sa.create_engine(url._replace(database=None), poolclass=NullPool)
                with bare.connect() as connection:
                    connection.exec_driver_sql(f"SET DEFAULT ROLE `{database.lower()}_{role}`")
                bare.dispose()
            logins[role] = Login(name, sa.create_engine(url, poolclass=NullPool), postgres)
        yield {"owner": owner, "logins": logins, "url": server_url}
    finally:
        for login in logins.values():
            login.engine.dispose()
        owner.close()
        with admin.connect() as connection:
            for name in names.values():
                connection.exec_driver_sql(
                    f"DROP ROLE IF EXISTS {name}"
                    if postgres
                    else f"DROP USER IF EXISTS '{name}'@'127.0.0.1'"
                )
        admin.dispose()


def _create_args(
    key_id: str,
    name: str,
    *,
    owner: str | None = None,
    expires: datetime | None = None,
    confirm: bool = False,
    replaces: str | None = None,
    grace: int | None = None,
) -> tuple[Any, ...]:
    return (
        None, None, "psql", key_id, "kw", "live", name, "", owner, f"kw_live_{key_id}_…abcd",
        f"forged-{key_id}", expires, confirm, replaces, grace,
    )  # fmt: skip


def _key_id() -> str:
    return "Z" + uuid.uuid4().hex[:11]


def _state(owner: Services) -> list[tuple[Any, ...]]:
    table = stored_table(ApiKey.__table__, owner.engine.dialect.name)  # type: ignore[arg-type]
    with owner.engine.connect() as connection:
        keys = sorted(tuple(row) for row in connection.execute(sa.select(table)))
        events = connection.execute(
            sa.text("SELECT count(*) FROM audit_events")
        ).scalar_one()  # the owner sees every event through the view too
    return [*keys, ("events", events)]


def _utc(days: float) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(tzinfo=None)


def test_a_member_login_cannot_get_past_the_lifetime_or_the_limit(world: dict[str, Any]) -> None:
    owner: Services = world["owner"]
    member: Login = world["logins"]["member"]
    manager: Login = world["logins"]["manager"]
    owner.policy.set_max_lifetime(30)
    owner.policy.set_key_limit(1)
    before = _state(owner)

    # No expiry, or one beyond the maximum lifetime: refused by the database itself.
    for expires in (None, _utc(45)):
        refusal = member.refused(
            ValidationError, "kw_create_key", *_create_args(_key_id(), "Mine", expires=expires)
        )
        assert "30 days" in refusal.message
    assert _state(owner) == before

    first = _key_id()
    member.call("kw_create_key", *_create_args(first, "First", expires=_utc(10)))
    second = _key_id()
    member.call("kw_create_key", *_create_args(second, "Second", expires=_utc(10), confirm=True))
    keys = {key.key_id: key for key in owner.keys.page().rows}
    assert keys[first].status is KeyStatus.REVOKED and keys[second].status is KeyStatus.ACTIVE
    state = _state(owner)
    # At the limit without confirming: refused, naming the key.
    refusal = member.refused(
        PolicyConfirmationRequired,
        "kw_create_key",
        *_create_args(_key_id(), "Third", expires=_utc(10)),
    )
    assert second in refusal.message

    # The expiry cannot be lifted or pushed past the maximum afterwards; shortening is fine.
    for expires in (None, _utc(90)):
        member.refused(
            ValidationError,
            "kw_update_key",
            None, None, "psql", second, None, None, None, None, True, expires, None,
        )  # fmt: skip
    assert _state(owner) == state
    member.call(
        "kw_update_key", None, None, "psql", second, None, None, None, None, True, _utc(5), None
    )

    # Rotation: same owner, same name, once; the link is written by the database.
    with_other_name = _create_args(
        _key_id(), "Renamed", expires=_utc(5), replaces=second, grace=3600
    )
    member.refused(ValidationError, "kw_create_key", *with_other_name)
    member.refused(
        PermissionDenied,
        "kw_create_key",
        *_create_args(
            _key_id(), "Second", owner=manager.name, expires=_utc(5), replaces=second, grace=3600
        ),
    )
    member.refused(
        ValidationError,
        "kw_create_key",
        *_create_args(_key_id(), "Second", expires=_utc(5), replaces=second, grace=400 * 86400),
    )
    rotated = _key_id()
    member.call(
        "kw_create_key",
        *_create_args(rotated, "Second", expires=_utc(5), replaces=second, grace=3600),
    )
    rows = dict(member.sql("SELECT key_id, replaces_key_id FROM api_keys"))
    assert rows[rotated] == second
    old = owner.keys.get(second)
    assert (old.replaced_by, old.status) == (rotated, KeyStatus.ACTIVE)
    assert old.expires_at is not None
    assert abs(old.expires_at - datetime.now(UTC) - timedelta(hours=1)) < timedelta(minutes=5)
    again = member.refused(
        ValidationError,
        "kw_create_key",
        *_create_args(_key_id(), "Second", expires=_utc(5), replaces=second, grace=60),
    )
    assert rotated in again.message

    # Someone else's key cannot be rotated or replaced by a member.
    managers = _key_id()
    manager.call("kw_create_key", *_create_args(managers, "Manager's", expires=_utc(5)))
    member.refused(
        NotFound,
        "kw_create_key",
        *_create_args(_key_id(), "Manager's", expires=_utc(5), replaces=managers),
    )
    # And no one writes the link, or anything else, directly.
    for statement in (
        "UPDATE api_keys SET replaces_key_id = NULL",
        "UPDATE api_keys SET expires_at = NULL",
        f"INSERT INTO settings (name, value) VALUES ('max_lifetime_days', '{10**6}')",
    ):
        with pytest.raises(exc.DBAPIError):
            member.sql(statement)
    assert owner.audit.verify().ok


def test_only_an_admin_changes_the_new_settings_and_only_to_sound_values(
    world: dict[str, Any],
) -> None:
    owner: Services = world["owner"]
    before = _state(owner)
    for login in world["logins"].values():
        for name, value in (
            ("max_lifetime_days", None),
            ("max_lifetime_days", "3650"),
            ("stale_after_days", "1"),
            ("expiry_warning_days", "1"),
        ):
            login.refused(PermissionDenied, "kw_set_setting", None, None, "psql", name, value)
        login.refused(
            PermissionDenied,
            "kw_set_user_active",
            None, None, "psql", owner.context.login, False, "gone",
        )  # fmt: skip
    engine = sa.create_engine(world["url"], poolclass=NullPool)
    owner_login = Login("owner", engine, owner.engine.dialect.name == "postgresql")
    try:
        for name, value in (
            ("max_lifetime_days", "ninety"),
            ("max_lifetime_days", "0"),
            ("max_active_keys_per_user", "-1"),
            ("stale_after_days", None),
            ("expiry_warning_days", "30,,1"),
            ("no_such_setting", "1"),
        ):
            owner_login.refused(ValidationError, "kw_set_setting", None, None, "psql", name, value)
    finally:
        engine.dispose()
    assert _state(owner) == before


def test_a_database_of_revision_0004_upgrades_to_key_links(
    database_url: str, fast_hasher: TokenHasher
) -> None:
    from alembic import command

    engine = sa.create_engine(database_url)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
    dialect = engine.dialect.name
    users = stored_table(User.__table__, dialect)  # type: ignore[arg-type]
    keys = stored_table(ApiKey.__table__, dialect)  # type: ignore[arg-type]
    when = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            sa.insert(users).values(
                login="ada", display_name="Ada", role="admin", active=True, created_at=when
            )
        )
        ada = connection.execute(sa.select(users.c.id).where(users.c.login == "ada")).scalar()
        connection.execute(
            sa.insert(keys).values(
                key_id="OldKey000001",
                prefix="kw",
                environment="live",
                name="Old",
                description="",
                owner_id=ada,
                owner_name="Ada",
                masked="kw_live_OldKey000001_…",
                secret_hash="x",
                state="active",
                created_at=when,
                created_by="ada",
                updated_at=when,
                updated_by="ada",
                version=1,
            )
        )
    engine.dispose()
    engine = sa.create_engine(database_url)
    upgrade(engine)
    engine.dispose()

    services = open_services(
        database_url, hasher=fast_hasher, operator_login="ada", create_schema=True
    )
    try:
        old = services.keys.get("OldKey000001")
        assert (old.replaces, old.replaced_by) == (None, None)
        new = services.keys.rotate(old.key_id, grace=timedelta(hours=1)).key
        assert new.replaces == old.key_id
        assert services.keys.get(old.key_id).replaced_by == new.key_id
    finally:
        services.close()
