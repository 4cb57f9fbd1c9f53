"""MariaDB is the security boundary: views, definer procedures and roles (app.data.server.mariadb).

Runs against the server named by ``KEYWARD_TEST_MARIADB_URL`` (a login with ALL on
``keyward\\_%`` and CREATE USER): a fresh database at revision 0001 gets the enforcement
installed, the owner drives every routine, and throw-away logins with each Keyward role try
everything they must not do, over plain SQL.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from app.data.server import mariadb
from app.domain.audit import AuditRecord, canonical_json, verify_chain

URL_ENV = "KEYWARD_TEST_MARIADB_URL"

pytestmark = pytest.mark.skipif(not os.environ.get(URL_ENV), reason=f"{URL_ENV} is not set")

# Refusals: table/column/routine privilege, database access, SIGNAL from a routine,
# a role that is not granted, and "needs another privilege".
DENIED = {1044, 1142, 1143, 1227, 1370, 1644, 1959, 1045, 1410}
VIEWS = mariadb.TABLES
DATA_TABLES = tuple(f"{name}_data" for name in mariadb.TABLES)
OWNER_TIME = datetime(2026, 3, 1, 12, 0, 0)


# ----------------------------------------------------------------------- encoding v2


def _field(value: str | None) -> str:
    return "-" if value is None else f"{len(value.encode('utf-8'))}:{value}"


def v2_hash(row: dict[str, Any]) -> str:
    """The contract's encoding v2, written out independently of app.domain.audit."""
    fields = [
        row["occurred_at"],
        row["actor"],
        row["action"],
        row["target_type"],
        row["target_id"],
        row["before"],
        row["after"],
        row["reason"],
        row["host"],
    ]
    body = "\n".join(["keyward-audit-2", str(row["seq"]), *map(_field, fields), row["prev_hash"]])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------- fixtures


class Server:
    """One test database plus the logins made for it; the owner's engine does the setup."""

    def __init__(self, base_url: str) -> None:
        self.base = make_url(base_url)
        self.name = f"keyward_t_{uuid.uuid4().hex[:10]}"
        self.owner_login = str(self.base.username)
        admin = sa.create_engine(self.base, poolclass=NullPool)
        with admin.begin() as connection:
            # Plain CREATE DATABASE: the server's default character set, maybe latin1.
            connection.exec_driver_sql(f"CREATE DATABASE `{self.name}`")
        admin.dispose()
        self.owner = sa.create_engine(self.base.set(database=self.name), poolclass=NullPool)
        self.logins: list[str] = []

    def owner_call(self, routine: str, *args: Any) -> list[tuple[Any, ...]]:
        with self.owner.begin() as connection:
            return call(connection, routine, *args)

    def new_login(self) -> str:
        login = f"kw_x_{uuid.uuid4().hex[:12]}"
        with self.owner.begin() as connection:
            connection.exec_driver_sql(
                f"CREATE USER '{login}'@'127.0.0.1' IDENTIFIED BY '{login}-pw'"
            )
        self.logins.append(login)
        return login

    def engine_for(self, login: str, *, activate: bool = True) -> Engine:
        url = self.base.set(username=login, password=f"{login}-pw", database=self.name)
        engine = sa.create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        if activate:
            database = self.name

            @sa.event.listens_for(engine, "connect")
            def _activate(dbapi_connection: Any, _record: Any) -> None:
                mariadb.activate_role(dbapi_connection, database)

        return engine

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, as the owner sees them."""
        with self.owner.connect() as connection:
            return {
                table: [
                    tuple(row)
                    for row in connection.exec_driver_sql(f"SELECT * FROM `{table}` ORDER BY 1")
                ]
                for table in DATA_TABLES
            }

    def events(self) -> list[dict[str, Any]]:
        with self.owner.connect() as connection:
            return [
                dict(row._mapping)
                for row in connection.exec_driver_sql("SELECT * FROM audit_events ORDER BY seq")
            ]

    def close(self) -> None:
        with self.owner.begin() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS `{self.name}`")
            mariadb.drop_roles(connection, self.name)
            for login in self.logins:
                connection.exec_driver_sql(f"DROP USER IF EXISTS '{login}'@'127.0.0.1'")
        self.owner.dispose()


def call(connection: sa.Connection, routine: str, *args: Any) -> list[tuple[Any, ...]]:
    names = [f"a{n}" for n in range(len(args))]
    placeholders = ", ".join(f":{name}" for name in names)
    result = connection.execute(
        sa.text(f"CALL {routine}({placeholders})"), dict(zip(names, args, strict=True))
    )
    return [tuple(row) for row in result] if result.returns_rows else []


def errno(error: exc.DBAPIError) -> int:
    return int(error.orig.args[0]) if error.orig is not None else -1


def refused(run: Callable[[], object]) -> exc.DBAPIError:
    with pytest.raises(exc.DBAPIError) as caught:
        run()
    assert errno(caught.value) in DENIED, caught.value
    return caught.value


def kind_of(error: exc.DBAPIError) -> str:
    assert errno(error) == 1644, error
    return str(error.orig.args[1]).split(": ", 1)[0] if error.orig is not None else ""


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    from alembic import command

    from app.data.schema import _config

    the_server = Server(os.environ[URL_ENV])
    try:
        config = _config()
        with the_server.owner.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0001")
        with the_server.owner.begin() as connection:
            mariadb.apply(connection, the_server.name, the_server.owner_login)
        with the_server.owner.begin() as connection:  # a second time: idempotent
            mariadb.apply(connection, the_server.name, the_server.owner_login)
        the_server.owner_call("kw_bootstrap", None, OWNER_TIME, "test-host")
        yield the_server
    finally:
        the_server.close()


_counter = iter(range(10**6))


def key_id() -> str:
    return f"K{uuid.uuid4().hex[:11]}"


def add_key(server: Server, owner: str, name: str | None = None) -> str:
    new = key_id()
    server.owner_call(
        "kw_create_key", owner, None, "h", new, "kw", "live", name or f"key {next(_counter)}",
        "", owner, "kw_live_…", f"hash-{new}", None, False, None, None,
    )  # fmt: skip
    return new


def add_person(server: Server, role: str) -> str:
    login = server.new_login()
    granted = server.owner_call(
        "kw_add_user", None, None, "h", login, f"{role} {login}", None, role
    )
    assert granted == [(1,)]
    return login


# ----------------------------------------------------------------------- structure


def test_tables_become_definer_views_and_utf8mb4(server: Server) -> None:
    with server.owner.connect() as connection:
        kinds: dict[str, str] = dict(connection.exec_driver_sql("SHOW FULL TABLES").all())
        views = connection.exec_driver_sql(
            "SELECT TABLE_NAME, ALGORITHM, SECURITY_TYPE FROM information_schema.VIEWS"
            " WHERE TABLE_SCHEMA = DATABASE()"
        ).all()
        collations: dict[str, str] = dict(
            connection.exec_driver_sql(
                "SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES"
                " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE '%%\\_data'"
            ).all()
        )
    for name in mariadb.TABLES:
        assert kinds[name] == "VIEW"
        assert kinds[f"{name}_data"] == "BASE TABLE"
        assert collations[f"{name}_data"].startswith("utf8mb4_")
    assert sorted(views) == sorted((name, "MERGE", "DEFINER") for name in mariadb.TABLES)


def test_views_are_merged_and_join_the_caller_once(server: Server) -> None:
    add_key(server, server.owner_login)
    with server.owner.connect() as connection:
        plan = connection.exec_driver_sql(
            "EXPLAIN SELECT id FROM api_keys ORDER BY name, id LIMIT 5"
        ).all()
    tables = {row[2]: (row[3], row[-1] or "") for row in plan}
    assert "k" in tables  # merged: the plan reads the base table, not a derived one
    assert "filesort" not in tables["k"][1]  # key paging keeps walking the sort index
    # The caller's users row is one const lookup (or dropped: the owner needs none).
    assert tables.get("me", ("const", ""))[0] == "const"


# ----------------------------------------------------------------------- the owner


def test_owner_drives_every_routine_and_the_chain_verifies(server: Server) -> None:
    owner = server.owner_login
    admin, member, manager = (f"e2e_{role}_{uuid.uuid4().hex[:6]}" for role in ("a", "m", "g"))
    when = OWNER_TIME + timedelta(days=1)
    seq_before = server.events()[-1]["seq"]
    for login, role in ((admin, "admin"), (member, "member"), (manager, "manager")):
        server.owner_call("kw_add_user", owner, when, "h", login, f"Über {role}", None, role)
    first, second = key_id(), key_id()
    server.owner_call(
        "kw_create_key", member, when, "host ü", first, "kw", "live", "Första", "line 1\nline 2",
        None, "kw_live_…", "hash-1", None, False, None, None,
    )  # fmt: skip
    later = when + timedelta(seconds=1, microseconds=250)
    server.owner_call(
        "kw_update_key", manager, later, "h", first, 1, "första", "edited", "disabled", True,
        datetime(2027, 1, 1), "tidy up",
    )  # fmt: skip
    server.owner_call(
        "kw_update_key", member, later, "h", first, None, None, None, "active", False, None, None
    )
    with server.owner.begin() as connection, pytest.raises(exc.DBAPIError) as stale:
        call(connection, "kw_update_key", member, later, "h", first, 1, "x", None, None,
             False, None, None)  # fmt: skip
    assert kind_of(stale.value) == "conflict"
    server.owner_call("kw_set_setting", admin, later, "h", "max_active_keys_per_user", "1")
    with server.owner.begin() as connection, pytest.raises(exc.DBAPIError) as at_limit:
        call(connection, "kw_create_key", member, later, "h", second, "kw", "live", "Two",
             "", None, "m", "hash-2", None, False, None, None)  # fmt: skip
    assert kind_of(at_limit.value) == "limit"
    assert first in str(at_limit.value.orig)
    server.owner_call(
        "kw_create_key", manager, later, "h", second, "kw", "test", "Two", "", member, "m",
        "hash-2", None, True, None, None,
    )  # fmt: skip
    server.owner_call("kw_set_setting", admin, later, "h", "max_active_keys_per_user", None)
    server.owner_call("kw_set_setting", admin, later, "h", "max_active_keys_per_user", None)
    server.owner_call("kw_set_role", admin, later, "h", manager, "auditor")
    server.owner_call("kw_delete_key", member, later, "h", first)
    revoked = server.owner_call("kw_set_active", admin, later, "h", member, False)
    assert revoked == [(1,)]
    server.owner_call("kw_set_active", admin, later, "h", member, True)
    with server.owner.begin() as connection, pytest.raises(exc.DBAPIError) as denied:
        call(connection, "kw_set_setting", manager, later, "h", "token_prefix", "zz")
    assert kind_of(denied.value) == "denied"
    with server.owner.begin() as connection, pytest.raises(exc.DBAPIError) as unknown:
        call(connection, "kw_set_setting", "nobody-at-all", later, "h", "token_prefix", "zz")
    assert kind_of(unknown.value) == "unknown"

    events = server.events()
    mine = [event for event in events if event["seq"] > seq_before]
    actions = [(event["actor"], event["action"], event["target_id"]) for event in mine]
    assert actions == [
        (owner, "user.added", admin),
        (owner, "user.added", member),
        (owner, "user.added", manager),
        (member, "key.created", first),
        (manager, "key.edited", first),
        (manager, "key.expiry_changed", first),
        (manager, "key.disabled", first),
        (member, "key.enabled", first),
        (admin, "policy.changed", "max_active_keys_per_user"),
        (manager, "key.revoked", first),
        (manager, "key.created", second),
        (admin, "policy.changed", "max_active_keys_per_user"),
        (admin, "user.role_changed", manager),
        (member, "key.deleted", first),
        (admin, "key.revoked", second),
        (admin, "user.deactivated", member),
        (admin, "user.reactivated", member),
    ]
    by_action = {event["action"]: event for event in mine}
    created = json.loads(mine[3]["after"])
    assert created == {
        "id": first, "name": "Första", "description": "line 1\nline 2", "owner": member,
        "environment": "live", "state": "active", "masked": "kw_live_…", "expires_at": None,
        "revoked_at": None, "revoked_reason": None, "version": 1,
    }  # fmt: skip
    assert mine[3]["occurred_at"] == "2026-03-02T12:00:00Z"
    assert mine[3]["host"] == "host ü"
    assert mine[4]["occurred_at"] == "2026-03-02T12:00:01.000250Z"
    expiry = by_action["key.expiry_changed"]
    assert json.loads(expiry["after"])["expires_at"] == "2027-01-01T00:00:00Z"
    assert json.loads(expiry["after"])["version"] == 2  # one version step per call
    assert expiry["reason"] == "tidy up"
    assert json.loads(by_action["key.deleted"]["before"])["state"] == "revoked"
    assert by_action["user.deactivated"]["reason"] == "1 key revoked"
    assert json.loads(by_action["user.deactivated"]["after"]) == {
        "login": member, "name": "Über member", "email": None, "role": "member", "active": False,
    }  # fmt: skip
    assert by_action["policy.changed"]["before"] == '{"limit":"1"}'
    assert by_action["policy.changed"]["after"] == '{"limit":null}'
    for event in events:  # snapshots are Python's canonical JSON, byte for byte
        for side in ("before", "after"):
            if event[side] is not None and event["action"] != "audit.reanchored":
                assert event[side] == canonical_json(json.loads(event[side]))

    previous = "0" * 64
    for event in events:
        assert event["prev_hash"] == previous
        assert v2_hash(event) == event["hash"]
        previous = event["hash"]
    with server.owner.connect() as connection:
        head = connection.exec_driver_sql("SELECT seq, hash FROM audit_head").one()
    assert tuple(head) == (events[-1]["seq"], previous)
    report = verify_chain(
        [AuditRecord(**event) for event in events], head_seq=head[0], head_hash=head[1]
    )
    assert report.ok, report.message


def test_a_failed_routine_changes_nothing(server: Server) -> None:
    key = add_key(server, server.owner_login)
    before = server.snapshot()
    with server.owner.connect() as connection:  # autocommit off: the routine joins the tx
        with pytest.raises(exc.DBAPIError):
            call(connection, "kw_update_key", None, None, "h", key, None, "renamed", None,
                 "bogus", False, None, None)  # fmt: skip
        connection.commit()
    assert server.snapshot() == before


# ----------------------------------------------------------------------- other logins


_SOME_COLUMN = {
    "users": "display_name",
    "api_keys": "name",
    "audit_events": "reason",
    "audit_head": "hash",
    "daily_usage": "count",
    "settings": "value",
}


def _writes(table: str) -> list[str]:
    column = _SOME_COLUMN[table.removesuffix("_data")]
    return [
        f"INSERT INTO `{table}` SELECT * FROM `{table}` LIMIT 1",
        f"UPDATE `{table}` SET `{column}` = `{column}`",
        f"DELETE FROM `{table}`",
    ]


def _forbidden_everywhere(server: Server, login: str, role: str) -> list[str]:
    other_role = "auditor" if role == "admin" else "admin"
    forged = (
        "CALL kw_append_event('x', NOW(6), 'key.created', 'key', 'forged', NULL, NULL, NULL, 'h')"
    )
    statements = [forged]
    for table in VIEWS + DATA_TABLES:
        statements += _writes(table)
    statements += [f"SELECT * FROM `{table}`" for table in DATA_TABLES]
    statements += [
        "UPDATE api_keys_data SET secret_hash = 'swapped'",
        "UPDATE api_keys SET secret_hash = 'swapped'",
        "INSERT INTO audit_events_data (seq, occurred_at, actor, action, target_type, target_id,"
        " host, prev_hash, hash) VALUES (999999, 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x')",
        "UPDATE audit_head SET seq = seq + 1",
        "CALL kw_bootstrap(NULL, NULL, 'h')",
        f"CALL kw_grant('{login}', 'admin', TRUE, @done)",
        f"CALL kw_set_db_role('{login}', 'admin', @done)",
        "CALL kw_revoke_row(1, 'x', NOW(6), 'x', 'h')",
        "CALL kw_caller('x', NULL, TRUE, @a, @b, @c, @d)",
        "CREATE TABLE sneaky (id INT)",
        "CREATE OR REPLACE VIEW users AS SELECT 1",
        "DROP VIEW api_keys",
        f"GRANT SELECT ON `{server.name}`.* TO '{login}'@'127.0.0.1'",
        f"SET ROLE `{mariadb.role_name(server.name, other_role)}`",
        "ALTER TABLE api_keys_data ADD COLUMN x INT",
    ]
    return statements


def _expect_refused(engine: Engine, statements: list[str]) -> None:
    with engine.connect() as connection:
        for statement in statements:
            try:
                connection.exec_driver_sql(statement.replace("%", "%%"))
            except exc.DBAPIError as error:
                assert errno(error) in DENIED, (statement, error)
            else:
                pytest.fail(f"not refused: {statement}")


@pytest.mark.parametrize("role", mariadb.ROLES)
def test_no_role_writes_or_reads_a_table_directly(server: Server, role: str) -> None:
    login = add_person(server, role)
    target = add_key(server, server.owner_login)
    before_rows = server.snapshot()
    engine = server.engine_for(login)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT CURRENT_ROLE()").scalar() == (
                mariadb.role_name(server.name, role)
            )
        forbidden = _forbidden_everywhere(server, login, role)
        # Routines beyond the role: not granted at all, or refused by the routine itself.
        if role != "admin":
            forbidden += [
                "CALL kw_add_user(NULL, NULL, 'h', 'someone', NULL, NULL, 'admin')",
                f"CALL kw_set_role(NULL, NULL, 'h', '{login}', 'admin')",
                "CALL kw_set_setting(NULL, NULL, 'h', 'token_prefix', 'zz')",
                f"CALL kw_set_active(NULL, NULL, 'h', '{server.owner_login}', FALSE)",
            ]
        if role in {"auditor", "verifier", "member"}:
            forbidden += [
                f"CALL kw_update_key(NULL, NULL, 'h', '{target}', NULL, NULL, NULL, 'revoked',"
                " FALSE, NULL, 'x')",
                f"CALL kw_delete_key(NULL, NULL, 'h', '{target}')",
            ]
        if role in {"auditor", "verifier"}:
            forbidden.append(
                "CALL kw_create_key(NULL, NULL, 'h', 'Kzzzzzzzzzzz', 'kw', 'live', 'n', '', NULL,"
                " 'm', 'h', NULL, FALSE, NULL, NULL)"
            )
        if role == "verifier":
            forbidden += [f"SELECT * FROM `{view}`" for view in
                          ("api_keys", "audit_events", "audit_head", "daily_usage")]  # fmt: skip
        _expect_refused(engine, forbidden)
    finally:
        engine.dispose()
    assert server.snapshot() == before_rows


def test_auditor_reads_everything_but_hashes(server: Server) -> None:
    login = add_person(server, "auditor")
    key = add_key(server, server.owner_login)
    engine = server.engine_for(login)
    try:
        with engine.connect() as connection:
            keys = connection.exec_driver_sql("SELECT key_id, secret_hash FROM api_keys").all()
            assert (key, None) in keys
            assert all(secret is None for _, secret in keys)
            assert connection.exec_driver_sql("SELECT COUNT(*) FROM audit_events").scalar() == (
                len(server.events())
            )
            assert connection.exec_driver_sql("SELECT COUNT(*) FROM audit_head").scalar() == 1
            looked_up = call(connection, "kw_lookup_key", key)
            assert looked_up[0][1:] == ("kw", "live", looked_up[0][3], "active", None,
                                        f"hash-{key}", server.owner_login)  # fmt: skip
            with pytest.raises(exc.DBAPIError) as denied:
                call(connection, "kw_update_key", None, None, "h", key, None, "mine", None, None,
                     False, None, None)  # fmt: skip
            assert kind_of(denied.value) == "denied"
    finally:
        engine.dispose()


def test_member_sees_and_changes_only_its_own_keys(server: Server) -> None:
    login = add_person(server, "member")
    others = add_key(server, server.owner_login)
    seq_before = server.events()[-1]["seq"]
    engine = server.engine_for(login)
    mine = key_id()
    try:
        with engine.connect() as connection:
            # p_as and p_now are the owner's privilege: a member's are ignored.
            call(connection, "kw_create_key", server.owner_login, datetime(2000, 1, 1), "laptop",
                 mine, "kw", "live", "Mine", "", None, "m", "hash-mine", None, False, None,
                 None)  # fmt: skip
            keys = connection.exec_driver_sql("SELECT key_id, secret_hash FROM api_keys").all()
            assert keys == [(mine, None)]
            call(connection, "kw_record_usage", mine, datetime(2100, 1, 1), 3)
            usage = connection.exec_driver_sql("SELECT key_pk, day, count FROM daily_usage").all()
            assert [row[2] for row in usage] == [3]
            assert usage[0][1] is not None
            assert usage[0][1] <= datetime.now(UTC).date()  # capped at the server's clock
            seen = connection.exec_driver_sql("SELECT target_id FROM audit_events").scalars()
            assert set(seen) == {login, mine}
            # A member reads its own users row only (issue 9): no other logins, emails or roles.
            users = connection.exec_driver_sql("SELECT login FROM users").scalars().all()
            assert users == [login]
            assert (
                connection.exec_driver_sql(
                    "SELECT COUNT(*) FROM users WHERE role = 'admin'"
                ).scalar_one()
                == 0
            )
            with pytest.raises(exc.DBAPIError) as hidden:
                call(connection, "kw_update_key", None, None, "h", others, None, "x", None, None,
                     False, None, None)  # fmt: skip
            assert kind_of(hidden.value) == "notfound"
            with pytest.raises(exc.DBAPIError) as for_other:
                call(connection, "kw_create_key", None, None, "h", key_id(), "kw", "live", "n", "",
                     server.owner_login, "m", "h", None, False, None, None)  # fmt: skip
            assert kind_of(for_other.value) == "denied"
        with engine.connect() as connection:  # inside a transaction, as Keyward calls it
            connection.exec_driver_sql("START TRANSACTION")
            call(connection, "kw_update_key", None, None, "h", mine, 1, "Mine renamed", None,
                 "disabled", False, None, None)  # fmt: skip
            connection.exec_driver_sql("COMMIT")
    finally:
        engine.dispose()
    events = [event for event in server.events() if event["seq"] > seq_before]
    assert [(e["actor"], e["action"], e["target_id"]) for e in events] == [
        (login, "key.created", mine),
        (login, "key.edited", mine),
        (login, "key.disabled", mine),
    ]
    created = events[0]["occurred_at"]
    assert created.startswith(str(datetime.now(UTC).year))  # the server's clock, not 2000
    assert events[0]["host"] == "laptop"
    assert verify_chain([AuditRecord(**event) for event in server.events()]).ok


def test_manager_and_admin_work_within_their_roles(server: Server) -> None:
    manager = add_person(server, "manager")
    admin = add_person(server, "admin")
    key = add_key(server, server.owner_login)
    engines = {name: server.engine_for(name) for name in (manager, admin)}
    newcomer = f"newcomer_{uuid.uuid4().hex[:6]}"
    try:
        with engines[manager].connect() as connection:
            call(connection, "kw_update_key", None, None, "h", key, None, None, None, "revoked",
                 False, None, "compromised")  # fmt: skip
            with pytest.raises(exc.DBAPIError) as denied:
                call(connection, "kw_add_user", None, None, "h", "x", None, None, "member")
            assert kind_of(denied.value) == "denied"
        with engines[admin].connect() as connection:
            granted = call(connection, "kw_add_user", None, None, "h", newcomer, None, None,
                           "member")  # fmt: skip
            assert granted == [(0,)]  # no such account on the server: nothing to grant
            call(connection, "kw_set_setting", None, None, "h", "environments", "live,test,dev")
            assert (
                connection.exec_driver_sql(
                    "SELECT value FROM settings WHERE name = 'environments'"
                ).scalar()
                == "live,test,dev"
            )
    finally:
        for engine in engines.values():
            engine.dispose()
    tail = server.events()[-3:]
    assert [(e["actor"], e["action"]) for e in tail] == [
        (manager, "key.revoked"),
        (admin, "user.added"),
        (admin, "policy.changed"),
    ]
    assert tail[0]["reason"] == "compromised"


def test_verifier_only_verifies(server: Server) -> None:
    login = add_person(server, "verifier")
    key = add_key(server, server.owner_login)
    engine = server.engine_for(login)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT login FROM users").scalars().all() == [login]
            connection.exec_driver_sql("SELECT name, value FROM settings").all()
            assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            row = call(connection, "kw_lookup_key", key)[0]
            assert row[6] == f"hash-{key}" and row[7] == server.owner_login
            call(connection, "kw_record_usage", key, datetime.now(UTC).replace(tzinfo=None), 2)
            assert call(connection, "kw_whoami") == [(login, 0)]
    finally:
        engine.dispose()
    with server.owner.connect() as connection:
        used = connection.exec_driver_sql(
            "SELECT k.last_used_at, d.count FROM api_keys k JOIN daily_usage d ON d.key_pk = k.id"
            f" WHERE k.key_id = '{key}'"
        ).one()
    assert used[0] is not None and used[1] == 2


def test_a_deactivated_login_reads_nothing(server: Server) -> None:
    login = add_person(server, "manager")
    add_key(server, login)
    engine = server.engine_for(login)
    try:
        with engine.connect() as open_session:
            assert open_session.exec_driver_sql("SELECT COUNT(*) FROM api_keys").scalar()
            server.owner_call("kw_set_active", None, None, "h", login, False)
            # A session that had the role enabled may keep SELECT, but the views see no user.
            for view in VIEWS:
                try:
                    rows = open_session.exec_driver_sql(f"SELECT COUNT(*) FROM `{view}`").scalar()
                except exc.DBAPIError as error:
                    assert errno(error) in DENIED
                else:
                    assert rows == 0, view
            with pytest.raises(exc.DBAPIError) as gone:
                call(open_session, "kw_lookup_key", "whatever")
            assert errno(gone.value) == 1370 or kind_of(gone.value) == "unknown"
        # A new session cannot even open the database any more.
        assert errno(refused(lambda: engine.connect().close())) == 1044
        server.owner_call("kw_set_active", None, None, "h", login, True)
        with engine.connect() as again:
            assert again.exec_driver_sql("SELECT CURRENT_ROLE()").scalar() == (
                mariadb.role_name(server.name, "manager")
            )
    finally:
        engine.dispose()


def test_role_changes_move_the_grant_and_plain_sessions_get_the_default(server: Server) -> None:
    login = add_person(server, "member")
    with server.engine_for(login).connect() as first:  # Keyward's connect hook: default role
        assert first.exec_driver_sql("SELECT CURRENT_ROLE()").scalar() == (
            mariadb.role_name(server.name, "member")
        )
    plain = server.engine_for(login, activate=False)
    try:
        with plain.connect() as connection:
            assert connection.exec_driver_sql("SELECT CURRENT_ROLE()").scalar() == (
                mariadb.role_name(server.name, "member")
            )
        server.owner_call("kw_set_role", None, None, "h", login, "auditor")
        with plain.connect() as connection:  # the old default is gone with the old role
            assert connection.exec_driver_sql("SELECT CURRENT_ROLE()").scalar() is None
        with server.engine_for(login).connect() as connection:
            assert connection.exec_driver_sql("SELECT CURRENT_ROLE()").scalar() == (
                mariadb.role_name(server.name, "auditor")
            )
        with plain.connect() as connection:
            assert connection.exec_driver_sql("SELECT CURRENT_ROLE()").scalar() == (
                mariadb.role_name(server.name, "auditor")
            )
    finally:
        plain.dispose()


def test_every_account_of_a_login_gets_the_role(server: Server) -> None:
    socket = "/run/mysqld/mysqld.sock"
    if not os.path.exists(socket):
        pytest.skip("no local MariaDB socket")
    login = server.new_login()
    with server.owner.begin() as connection:
        connection.exec_driver_sql(f"CREATE USER '{login}'@'localhost' IDENTIFIED BY '{login}-pw'")
    try:
        server.owner_call("kw_add_user", None, None, "h", login, None, None, "auditor")
        url = server.base.set(
            username=login, password=f"{login}-pw", database=server.name, host=None, port=None
        ).update_query_dict({"unix_socket": socket})
        engine = sa.create_engine(url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                mariadb.activate_role(connection.connection.dbapi_connection, server.name)
                assert connection.exec_driver_sql("SELECT CURRENT_USER()").scalar() == (
                    f"{login}@localhost"
                )
                assert connection.exec_driver_sql("SELECT CURRENT_ROLE()").scalar() == (
                    mariadb.role_name(server.name, "auditor")
                )
        finally:
            engine.dispose()
    finally:
        with server.owner.begin() as connection:
            connection.exec_driver_sql(f"DROP USER IF EXISTS '{login}'@'localhost'")


def test_member_keeps_the_history_of_its_key_an_admin_deleted(server: Server) -> None:
    """The member's own login reads the ``key.deleted`` event and the key's earlier events
    after an admin deleted the key; another member's deleted key stays hidden, and a row
    whose snapshot is not JSON does not make the member's reads fail."""
    admin = server.owner_login
    login, other = add_person(server, "member"), add_person(server, "member")
    mine, theirs = add_key(server, login), add_key(server, other)
    server.owner_call("kw_update_key", admin, None, "h", mine, None, None, "By the admin",
                      None, False, None, None)  # fmt: skip
    history = "SELECT action FROM audit_events WHERE target_id = %s ORDER BY seq"
    engine = server.engine_for(login)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql(history, (mine,)).scalars().all() == [
                "key.created",
                "key.edited",
            ]
        server.owner_call("kw_delete_key", admin, None, "h", mine)
        server.owner_call("kw_delete_key", admin, None, "h", theirs)
        # Text that is not JSON (the owner can write anything), one truncated mid-snapshot.
        now = datetime.now(UTC).replace(tzinfo=None)
        for before in ('{"owner": "' + login + '", "name": ', f"{login} is not JSON", "[1, 2"):
            server.owner_call(
                "kw_append_event", admin, now, "key.edited", "key", mine, before, None, None, "f"
            )
        with engine.connect() as connection:
            assert connection.exec_driver_sql(history, (mine,)).scalars().all() == [
                "key.created",
                "key.edited",
                "key.revoked",
                "key.deleted",
            ]
            assert connection.exec_driver_sql(history, (theirs,)).scalars().all() == []
            seen = set(connection.exec_driver_sql("SELECT target_id FROM audit_events").scalars())
            assert seen == {login, mine}
    finally:
        engine.dispose()
    assert [e["action"] for e in server.events() if e["target_id"] == theirs][-1] == "key.deleted"
    assert verify_chain([AuditRecord(**event) for event in server.events()]).ok
