"""PostgreSQL holds the line by itself (DESIGN §3): each role's own login, used from plain SQL
the way an attacker with ``psql`` would, can do no more than Keyward allows it, and whatever
it is allowed leaves a trace under that login."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.engine import make_url

from app.domain.audit import AuditRecord, verify_chain
from app.domain.hashing import TokenHasher
from app.domain.roles import Role
from app.services import Services, open_services
from tests.support import drop_postgres_logins

PASSWORD = "kw-Attack-Pw-1234"
TABLES = ("users", "api_keys", "audit_events", "audit_head", "daily_usage", "settings")


@dataclass
class Login:
    name: str
    url: str
    engine: sa.Engine

    def sql(self, statement: str, **params: Any) -> list[tuple[Any, ...]]:
        with self.engine.begin() as connection:
            result = connection.execute(sa.text(statement), params)
            return [tuple(row) for row in result] if result.returns_rows else []


@pytest.fixture
def postgres_url() -> Iterator[str]:
    base = os.environ.get("KEYWARD_TEST_POSTGRES_URL")
    if not base:
        if os.environ.get("KEYWARD_REQUIRE_SERVERS"):
            pytest.fail("KEYWARD_TEST_POSTGRES_URL is not set, but servers must run")
        pytest.skip("KEYWARD_TEST_POSTGRES_URL is not set")
    from tests.support import fresh_server_database

    yield from fresh_server_database("postgresql")


@pytest.fixture
def world(postgres_url: str, fast_hasher: TokenHasher) -> Iterator[dict[str, Any]]:
    """An owner (ada) with a key, and one real login per Keyward role."""
    admin_engine = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    suffix = uuid.uuid4().hex[:8]
    names = {role: f"kw_{role.value}_{suffix}" for role in Role}
    with admin_engine.connect() as connection:
        for name in names.values():
            connection.exec_driver_sql(f"CREATE ROLE {name} LOGIN PASSWORD '{PASSWORD}'")
    owner = open_services(postgres_url, hasher=fast_hasher, create_schema=True)
    logins: dict[Role, Login] = {}
    try:
        admin_key = owner.keys.create("Billing ETL", "Nightly billing export.")
        for role, name in names.items():
            owner.users.add(name, role=role)
        for role, name in names.items():
            url = make_url(postgres_url).set(username=name, password=PASSWORD)
            text = url.render_as_string(hide_password=False)
            logins[role] = Login(name, text, sa.create_engine(text))
        yield {"owner": owner, "logins": logins, "admin_key": admin_key, "url": postgres_url}
    finally:
        for login in logins.values():
            login.engine.dispose()
        owner.close()
        admin_engine.dispose()
        drop_postgres_logins(list(names.values()), postgres_url)


def state(owner: Services) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, read as the owner."""
    with owner.engine.connect() as connection:
        return {
            table: sorted(
                (tuple(row) for row in connection.exec_driver_sql(f"SELECT * FROM {table}")),
                key=repr,
            )
            for table in TABLES
        }


def refused(login: Login, statement: str, **params: Any) -> None:
    with pytest.raises(exc.DBAPIError) as error:
        login.sql(statement, **params)
    text = str(error.value.orig).lower()
    assert "permission denied" in text or "denied" in text or "not allowed" in text, text


def chain_ok(owner: Services) -> bool:
    return owner.audit.verify().ok


def test_every_role_is_refused_direct_writes_and_the_hash_swap(world: dict[str, Any]) -> None:
    owner: Services = world["owner"]
    key_id = world["admin_key"].key.key_id
    before = state(owner)
    for login in world["logins"].values():
        for table in TABLES:
            refused(login, f"DELETE FROM {table}")
            refused(login, f"UPDATE {table} SET {_some_column(table)} = {_some_column(table)}")
        refused(
            login,
            "UPDATE api_keys SET secret_hash = :forged WHERE key_id = :id",
            forged="$argon2id$v=19$m=8,t=1,p=1$forged$forged",
            id=key_id,
        )
        refused(login, "UPDATE api_keys SET state = 'active', revoked_at = NULL")
        refused(
            login,
            "INSERT INTO audit_events (seq, occurred_at, actor, action, target_type, target_id,"
            " host, prev_hash, hash) VALUES (999, 'x', 'x', 'user.role_changed', 'user', 'x',"
            " 'x', 'x', 'x')",
        )
        refused(
            login,
            "INSERT INTO users (login, display_name, role, active, created_at)"
            " VALUES ('mallory', 'Mallory', 'admin', true, now())",
        )
        refused(login, "SELECT secret_hash FROM api_keys")
        refused(login, "TRUNCATE audit_events")
    assert state(owner) == before
    assert chain_ok(owner)


def _some_column(table: str) -> str:
    return {
        "users": "role",
        "api_keys": "state",
        "audit_events": "hash",
        "audit_head": "hash",
        "daily_usage": "count",
        "settings": "value",
    }[table]


def test_reads_follow_the_roles(world: dict[str, Any]) -> None:
    owner: Services = world["owner"]
    logins: dict[Role, Login] = world["logins"]
    member = logins[Role.MEMBER]
    admin_key = world["admin_key"].key.key_id
    own = member.sql(
        "SELECT * FROM kw_create_key(NULL, NULL, 'psql', 'AbCdEfGh1234', 'kw', 'live',"
        " 'Member key', '', NULL, 'kw_live_AbCdEfGh1234_…abcd', 'forged-hash', NULL, false,"
        " NULL, NULL)"
    )
    assert own is not None
    total = len(owner.keys.page().rows)
    for role in (Role.AUDITOR, Role.MANAGER, Role.ADMIN):
        keys = {row[0] for row in logins[role].sql("SELECT key_id FROM api_keys")}
        assert len(keys) == total
        assert logins[role].sql("SELECT count(*) FROM audit_events")[0][0] > 0
    assert {row[0] for row in member.sql("SELECT key_id FROM api_keys")} == {"AbCdEfGh1234"}
    seen = {row[0] for row in member.sql("SELECT target_id FROM audit_events")}
    assert admin_key not in seen and "AbCdEfGh1234" in seen
    verifier = logins[Role.VERIFIER]
    refused(verifier, "SELECT key_id FROM api_keys")
    refused(verifier, "SELECT * FROM audit_events")
    assert [row[0] for row in verifier.sql("SELECT login FROM users")] == [verifier.name]
    # The verifier's one path: the verification function and usage.
    found = verifier.sql("SELECT * FROM kw_lookup_key(:id)", id=admin_key)
    assert len(found) == 1 and found[0][6].startswith("$argon2")
    refused(
        verifier,
        "SELECT * FROM kw_update_key(NULL, NULL, 'psql', :id, NULL, NULL, NULL,"
        " 'disabled', false, NULL, NULL)",
        id=admin_key,
    )


def test_a_member_reads_only_its_own_users_row(world: dict[str, Any]) -> None:
    """Issue 9, item 6: from psql a member cannot list the other people, their emails or
    their roles, whatever query it tries; auditors, managers and admins read every row."""
    owner: Services = world["owner"]
    logins: dict[Role, Login] = world["logins"]
    member = logins[Role.MEMBER]
    everyone = {user.login for user in owner.users.all()}
    assert len(everyone) > 2
    assert [row[0] for row in member.sql("SELECT login FROM users")] == [member.name]
    assert member.sql("SELECT count(*) FROM users")[0][0] == 1
    assert member.sql("SELECT count(*) FROM users WHERE role = 'admin'")[0][0] == 0
    joined = member.sql("SELECT u.login FROM api_keys k JOIN users u ON u.id = k.owner_id")
    assert {row[0] for row in joined} <= {member.name}
    # Turning row security off for the session makes the read fail, not widen.
    with member.engine.begin() as connection:
        connection.exec_driver_sql("SET LOCAL row_security = off")
        with pytest.raises(exc.DBAPIError, match="row-level security"):
            connection.exec_driver_sql("SELECT login FROM users")
    for role in (Role.AUDITOR, Role.MANAGER, Role.ADMIN):
        assert {row[0] for row in logins[role].sql("SELECT login FROM users")} == everyone


def test_functions_apply_the_role_rules_and_write_the_audit_under_the_login(
    world: dict[str, Any],
) -> None:
    owner: Services = world["owner"]
    logins: dict[Role, Login] = world["logins"]
    admin_key = world["admin_key"].key.key_id
    member, auditor, manager = logins[Role.MEMBER], logins[Role.AUDITOR], logins[Role.MANAGER]
    before = state(owner)

    disable = (
        "SELECT * FROM kw_update_key(:as_login, NULL, 'psql', :id, NULL, NULL, NULL,"
        " 'revoked', false, NULL, 'mine now')"
    )
    # A member cannot touch the admin's key, not even by claiming to be the owner's user.
    with pytest.raises(exc.DBAPIError, match="notfound"):
        member.sql(disable, as_login=owner.users.me().login, id=admin_key)
    with pytest.raises(exc.DBAPIError, match="denied"):
        auditor.sql(disable, as_login=None, id=admin_key)
    with pytest.raises(exc.DBAPIError, match="denied"):
        member.sql(
            "SELECT * FROM kw_set_role(NULL, NULL, 'psql', :login, 'admin')", login=member.name
        )
    with pytest.raises(exc.DBAPIError, match="denied"):
        manager.sql("SELECT * FROM kw_set_setting(NULL, NULL, 'psql', 'token_prefix', 'evil')")
    # SET ROLE to the owner is not possible, and session_user would stay the member anyway.
    with pytest.raises(exc.DBAPIError):
        member.sql(f"SET ROLE {make_url(world['url']).username}")
    assert state(owner) == before

    # What a manager may do works, and the trail names the manager's login and its time.
    manager.sql(disable, as_login="someone-else", id=admin_key)
    event = owner.audit.recent(limit=1)[0]
    assert (event.actor, event.action.value, event.target_id, event.reason) == (
        manager.name,
        "key.revoked",
        admin_key,
        "mine now",
    )
    assert abs((event.occurred_at - datetime.now(UTC)).total_seconds()) < 300
    assert owner.keys.get(admin_key).status.value == "revoked"
    # Revoked stays revoked, even for an admin at the SQL prompt.
    with pytest.raises(exc.DBAPIError, match="invalid"):
        logins[Role.ADMIN].sql(
            "SELECT * FROM kw_update_key(NULL, NULL, 'psql', :id, NULL, NULL, NULL, 'active',"
            " false, NULL, NULL)",
            id=admin_key,
        )
    assert chain_ok(owner)


def test_a_deactivated_login_can_read_and_change_nothing(world: dict[str, Any]) -> None:
    owner: Services = world["owner"]
    member: Login = world["logins"][Role.MEMBER]
    assert member.sql("SELECT count(*) FROM users")[0][0] > 0
    owner.users.deactivate(member.name)
    member.engine.dispose()
    with pytest.raises(exc.DBAPIError):
        member.sql("SELECT count(*) FROM users")


def test_the_owner_rewriting_history_is_caught_by_the_chain(world: dict[str, Any]) -> None:
    """Rewriting one event without recomputing the chain is caught; recomputing everything is
    the checkpoints' job (tests/services/test_checkpoints.py)."""
    owner: Services = world["owner"]
    with owner.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE audit_events SET reason = 'nothing to see' WHERE seq = 2"
        )
    report = owner.audit.verify()
    assert not report.ok and report.first_bad_seq == 2


def test_the_database_computes_the_same_chain_python_checks(world: dict[str, Any]) -> None:
    owner: Services = world["owner"]
    with owner.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT seq, occurred_at, actor, action, target_type, target_id, before, after,"
            " reason, host, prev_hash, hash FROM audit_events ORDER BY seq"
        ).all()
    records = [AuditRecord(*row) for row in rows]
    assert len(records) >= 7  # bootstrap, a key, five users
    assert verify_chain(records).ok


def test_set_role_does_not_borrow_another_login_s_identity(
    world: dict[str, Any], fast_hasher: TokenHasher
) -> None:
    """A member who may ``SET ROLE`` to an admin's login is still recorded as the member."""
    owner: Services = world["owner"]
    logins: dict[Role, Login] = world["logins"]
    member, admin = logins[Role.MEMBER], logins[Role.ADMIN]
    with owner.engine.connect() as connection:
        connection.exec_driver_sql(f"GRANT {admin.name} TO {member.name}")
        connection.commit()
    before = state(owner)
    with member.engine.begin() as connection:
        connection.exec_driver_sql(f"SET ROLE {admin.name}")
        assert connection.exec_driver_sql("SELECT * FROM kw_whoami()").one()[0] == member.name
        with pytest.raises(exc.DBAPIError, match="denied"):
            connection.exec_driver_sql(
                "SELECT * FROM kw_set_role(NULL, NULL, 'psql', %(login)s, 'admin')",
                {"login": member.name},
            )
    assert state(owner) == before

    # Keyward itself, on a connection whose role is set to the admin's from the start.
    url = make_url(member.url).update_query_dict({"options": f"-c role={admin.name}"})
    borrowed = open_services(url.render_as_string(hide_password=False), hasher=fast_hasher)
    try:
        with borrowed.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT current_user").scalar() == admin.name
        assert borrowed.users.me().login == member.name
        assert borrowed.users.me().role is Role.MEMBER
    finally:
        borrowed.close()


def _forge_event(owner: Services, key_id: str, before: str) -> None:
    """An event the schema's owner writes with a ``before`` text of its choosing (through the
    chain's own routine, so the chain still verifies)."""
    with owner.engine.begin() as connection:
        connection.execute(
            sa.text(
                "SELECT kw_append_event(current_user, (now() AT TIME ZONE 'UTC')::timestamp,"
                " 'key.edited', 'key', :id, :before, NULL, NULL, 'forged')"
            ),
            {"id": key_id, "before": before},
        )


def test_a_member_keeps_the_history_of_its_key_an_admin_deleted(
    world: dict[str, Any], fast_hasher: TokenHasher
) -> None:
    """The member's own login reads the ``key.deleted`` event and the key's earlier events
    after an admin deleted the key; another person's deleted key stays hidden, and a row
    whose snapshot is not JSON does not make the member's reads fail."""
    owner: Services = world["owner"]
    logins: dict[Role, Login] = world["logins"]
    member, manager = logins[Role.MEMBER], logins[Role.MANAGER]
    mine = owner.keys.create("Member export", owner=member.name).key.key_id
    owner.keys.edit(mine, description="Edited by the admin.")
    theirs = owner.keys.create("Manager export", owner=manager.name).key.key_id
    history = "SELECT action FROM audit_events WHERE target_id = :id ORDER BY seq"
    assert member.sql(history, id=mine) == [("key.created",), ("key.edited",)]

    owner.keys.delete(mine)
    owner.keys.delete(theirs)

    assert member.sql(history, id=mine) == [
        ("key.created",),
        ("key.edited",),
        ("key.revoked",),
        ("key.deleted",),
    ]
    assert member.sql(history, id=theirs) == []
    assert manager.sql(history, id=theirs)[-1] == ("key.deleted",)  # it is there to read
    # Text that is not JSON (the owner can write anything): the member's reads still work.
    _forge_event(owner, mine, '{"owner": "' + member.name + '", "name": ')
    _forge_event(owner, mine, member.name + " is not JSON at all")
    _forge_event(owner, theirs, "[1, 2")
    assert member.sql(history, id=mine)[-1] == ("key.deleted",)
    assert member.sql("SELECT count(*) FROM audit_events WHERE before LIKE '%not JSON%'") == [(0,)]
    assert len(manager.sql(history, id=mine)) == 6
    seen = {row[0] for row in member.sql("SELECT target_id FROM audit_events")}
    assert mine in seen and theirs not in seen and world["admin_key"].key.key_id not in seen
    # Keyward itself, as the member: the audit view lists the deleted key's events.
    console = open_services(member.url, hasher=fast_hasher)
    try:
        events = [entry.event for entry in console.audit.page().entries]
    finally:
        console.close()
    assert [e.action.value for e in events if e.target_id == mine] == [
        "key.deleted",
        "key.revoked",
        "key.edited",
        "key.created",
    ]
    assert theirs not in {e.target_id for e in events}
    assert chain_ok(owner)


def test_a_member_keeps_the_history_of_a_key_moved_to_someone_else(
    world: dict[str, Any],
) -> None:
    """A key moved to another owner (here by the schema's owner, as a script would, with its
    event): the member reads its history up to and with the move, and nothing after it."""
    owner: Services = world["owner"]
    logins: dict[Role, Login] = world["logins"]
    member, admin = logins[Role.MEMBER], logins[Role.ADMIN]
    moved = owner.keys.create("Moving key", owner=member.name).key.key_id
    _move(owner, moved, admin.name)
    owner.keys.edit(moved, description="Now the admin's.")
    history = "SELECT action, reason FROM audit_events WHERE target_id = :id ORDER BY seq"
    assert member.sql(history, id=moved) == [("key.created", None), ("key.edited", "moved")]
    assert member.sql("SELECT key_id FROM api_keys WHERE key_id = :id", id=moved) == []
    assert len(admin.sql(history, id=moved)) == 3
    assert chain_ok(owner)


def _move(owner: Services, key_id: str, new_owner: str) -> None:
    with owner.engine.begin() as connection:
        connection.execute(
            sa.text(
                "WITH old AS (SELECT kw_key_json(k) AS before FROM api_keys k WHERE key_id = :id),"
                " moved AS (UPDATE api_keys SET owner_id = (SELECT id FROM users"
                " WHERE login = :login), version = version + 1 WHERE key_id = :id RETURNING *)"
                " SELECT kw_append_event(current_user, (now() AT TIME ZONE 'UTC')::timestamp,"
                " 'key.edited', 'key', :id, (SELECT before FROM old),"
                " (SELECT kw_key_json(moved) FROM moved), 'moved', 'script')"
            ),
            {"id": key_id, "login": new_owner},
        )
