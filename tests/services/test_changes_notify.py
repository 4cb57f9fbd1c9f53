"""PostgreSQL announces every committed change, and members' windows follow the counter too
(on MariaDB through the same definer counter).

Real logins, as ``psql`` would use them: the owner (the console's admin) and a member. A
member may call ``kw_change_seq()`` and ``LISTEN``, learns of changes to their own keys, and
reads nothing new about anyone else's.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from app.domain.errors import KeywardError
from app.domain.hashing import TokenHasher
from app.domain.roles import Role
from app.services import Services, open_services
from tests.support import POSTGRES_ENV, fresh_server_database, wait_until_logged_off

pytestmark = pytest.mark.server

PASSWORD = "kw-Live-Pw-4711"
#: How long a listener is given to hear a change that was committed (a bound, not a pause).
HEARD_S = 5.0
#: How long silence is listened to before "nothing was announced" is believed.
SILENCE_S = 0.5


@dataclass
class World:
    owner: Services
    member: Services
    member_login: str


@pytest.fixture
def world(fast_hasher: TokenHasher) -> Iterator[World]:
    """A PostgreSQL database with its owner (an admin) and a member who logs in as themselves."""
    yield from _member_world("postgresql", fast_hasher)


def _member_world(kind: str, fast_hasher: TokenHasher) -> Iterator[World]:
    """A fresh ``kind`` database, its owner (an admin) and a member under their own login."""
    url_gen = fresh_server_database(kind)
    url = next(url_gen)
    login = f"kw_member_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if kind == "postgresql":
            connection.exec_driver_sql(f"CREATE ROLE {login} LOGIN PASSWORD '{PASSWORD}'")
        else:
            connection.exec_driver_sql(
                f"CREATE USER '{login}'@'127.0.0.1' IDENTIFIED BY '{PASSWORD}'"
            )
    owner = open_services(url, hasher=fast_hasher, create_schema=True)
    member: Services | None = None
    try:
        owner.users.add(login, role=Role.MEMBER, display_name="Maria")
        member_url = make_url(url).set(username=login, password=PASSWORD)
        member = open_services(member_url.render_as_string(hide_password=False), hasher=fast_hasher)
        yield World(owner, member, login)
    finally:
        if member is not None:
            member.close()
        owner.close()
        if kind == "postgresql":
            with admin.connect() as connection:
                wait_until_logged_off(connection, login)
        else:
            with admin.connect() as connection:
                connection.exec_driver_sql(f"DROP USER IF EXISTS '{login}'@'127.0.0.1'")
        admin.dispose()
        for _ in url_gen:  # drops the database (and its grants)
            pass
        if kind == "postgresql":
            cleanup = sa.create_engine(os.environ[POSTGRES_ENV], isolation_level="AUTOCOMMIT")
            with cleanup.connect() as connection:
                connection.exec_driver_sql(f"DROP ROLE IF EXISTS {login}")
            cleanup.dispose()


def test_a_commit_wakes_every_listener_and_a_refusal_wakes_none(world: World) -> None:
    others = world.owner.keys.create("Billing ETL").key
    with world.owner.changes.listen() as admin_ear, world.member.changes.listen() as member_ear:
        assert not admin_ear.wait(SILENCE_S) and not member_ear.wait(SILENCE_S)

        world.member.keys.create("Maria's report")
        assert admin_ear.wait(HEARD_S) and member_ear.wait(HEARD_S)

        with pytest.raises(KeywardError):  # a member may not disable someone else's key
            world.member.keys.disable(others.key_id)
        assert not admin_ear.wait(SILENCE_S) and not member_ear.wait(SILENCE_S)


def test_many_changes_in_one_transaction_are_one_notification(world: World) -> None:
    ids = [world.owner.keys.create(f"Batch {n}").key.key_id for n in range(5)]
    with world.owner.changes.listen() as ear:
        with world.owner.engine.begin() as connection:  # as a script in psql would
            for key_id in ids:
                connection.execute(
                    sa.text("SELECT kw_delete_key(NULL, NULL, 'script', :key_id)"),
                    {"key_id": key_id},
                )
        assert ear.wait(HEARD_S)
        assert not ear.wait(SILENCE_S)


def test_a_member_follows_their_own_keys_and_learns_nothing_of_others(world: World) -> None:
    own = world.member.keys.create("Maria's report").key
    mark = world.member.changes.mark()
    assert mark == world.owner.changes.mark()  # the head's number, not a walk of their events

    world.owner.keys.create("Billing ETL")
    world.owner.keys.disable(own.key_id)

    seen = world.member.changes.since(mark)
    assert seen.keys == [own.key_id]
    assert [event.actor for event in seen.events] == [world.owner.context.login]
    assert seen.seq == world.owner.changes.mark()
    assert not world.member.changes.since(seen.seq).any


def test_every_reading_role_but_the_verifier_may_ask_the_counter(world: World) -> None:
    database = world.owner.engine.url.database
    with world.owner.engine.connect() as connection:
        grantees = connection.execute(
            sa.text(
                "SELECT r.rolname FROM pg_proc p CROSS JOIN LATERAL aclexplode(p.proacl) a"
                " JOIN pg_roles r ON r.oid = a.grantee"
                " WHERE p.proname = 'kw_change_seq' AND a.privilege_type = 'EXECUTE'"
            )
        ).scalars()
        roles = {name.removeprefix(f"{database}_") for name in grantees if name != "keyward_ci"}
    assert roles == {"auditor", "member", "manager", "admin"}


def test_migration_0008_installs_and_removes_the_trigger_and_the_counter(world: World) -> None:
    from alembic import command

    from app.data.schema import _config

    def installed() -> tuple[int, int]:
        with world.owner.engine.connect() as connection:
            triggers = connection.exec_driver_sql(
                "SELECT count(*) FROM pg_trigger WHERE tgname = 'kw_notify_change'"
            ).scalar_one()
            functions = connection.exec_driver_sql(
                "SELECT count(*) FROM pg_proc"
                " WHERE proname IN ('kw_notify_change', 'kw_change_seq')"
            ).scalar_one()
        return triggers, functions

    def migrate(step: Callable[..., None], revision: str) -> None:
        config = _config()
        with world.owner.engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, revision)

    assert installed() == (1, 2)
    migrate(command.downgrade, "0007")
    assert installed() == (0, 0)
    migrate(command.upgrade, "head")
    assert installed() == (1, 2)


def test_a_member_learns_that_an_admin_deleted_their_key(world: World) -> None:
    """The ``key.deleted`` event names a key the member no longer owns (it is gone): the
    database lets them read it by its snapshot, so their window can drop the key."""
    own = world.owner.keys.create("Maria's export", owner=world.member_login).key
    theirs = world.owner.keys.create("Billing ETL").key
    mark = world.member.changes.mark()

    world.owner.keys.delete(own.key_id)
    world.owner.keys.delete(theirs.key_id)

    seen = world.member.changes.since(mark)
    assert seen.deleted_keys == [own.key_id]
    assert seen.keys == [own.key_id]
    assert seen.seq == world.owner.changes.mark()


# --------------------------------------------------------------------------- MariaDB's counter


@pytest.fixture
def mariadb_world(fast_hasher: TokenHasher) -> Iterator[World]:
    """A MariaDB database with its owner (an admin) and a member under their own login."""
    yield from _member_world("mariadb", fast_hasher)


def test_a_mariadb_member_asks_the_counter_and_learns_of_their_deleted_key(
    mariadb_world: World,
) -> None:
    world = mariadb_world
    own = world.owner.keys.create("Maria's export", owner=world.member_login).key
    mark = world.member.changes.mark()
    assert mark == world.owner.changes.mark()  # the head's number, not a walk of their events

    world.owner.keys.create("Billing ETL")  # someone else's: moves the counter only
    assert not world.member.changes.since(mark).events
    world.owner.keys.delete(own.key_id)

    seen = world.member.changes.since(mark)
    assert seen.deleted_keys == [own.key_id]
    assert seen.seq == world.owner.changes.mark()
    assert not world.member.changes.since(seen.seq).any


def test_migration_0011_installs_and_removes_mariadb_s_counter(mariadb_world: World) -> None:
    from alembic import command

    from app.data.schema import _config

    engine = mariadb_world.owner.engine

    def installed() -> int:
        with engine.connect() as connection:
            return int(
                connection.exec_driver_sql(
                    "SELECT count(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA ="
                    " DATABASE() AND ROUTINE_NAME = 'kw_change_seq' AND ROUTINE_TYPE = 'FUNCTION'"
                ).scalar_one()
            )

    def migrate(step: Callable[..., None], revision: str) -> None:
        config = _config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, revision)

    assert installed() == 1
    migrate(command.downgrade, "0010")
    assert installed() == 0
    migrate(command.upgrade, "head")
    assert installed() == 1
    assert mariadb_world.member.changes.mark() == mariadb_world.owner.changes.mark()
