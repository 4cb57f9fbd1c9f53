"""Who is operating (DESIGN §3): never typed into a form.

On SQLite it is the OS login; on a server it is the database login, so each admin connects
with their own credentials. A login that is not a Keyward user is told whom to ask.
"""

from __future__ import annotations

import getpass
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from app.domain.errors import DatabaseError, DatabaseErrorKind, PermissionDenied, UnknownOperator
from app.domain.hashing import TokenHasher
from app.domain.roles import Role
from app.services import open_services
from tests.support import OpenServices, assert_clean_refusal

OTHER_PASSWORD = "kw-other-Pw-1234"


def test_on_sqlite_the_operator_is_the_os_login(sqlite_url: str, fast_hasher: TokenHasher) -> None:
    services = open_services(sqlite_url, hasher=fast_hasher)
    try:
        me = services.users.me()
        assert me.login == getpass.getuser()
        assert me.role is Role.ADMIN  # the first operator of an empty database
        key = services.keys.create("Salesforce Data Sync").key
        assert key.created_by == getpass.getuser()
        assert services.audit.recent(limit=1)[0].actor == getpass.getuser()
    finally:
        services.close()


def test_on_a_server_the_operator_is_the_database_login(
    server_url: str, fast_hasher: TokenHasher
) -> None:
    login = make_url(server_url).username
    services = open_services(server_url, hasher=fast_hasher, create_schema=True)
    try:
        me = services.users.me()
        assert me.login == login
        assert me.role is Role.ADMIN
        key = services.keys.create("Snowflake ETL").key
        assert key.created_by == login
        assert services.audit.recent(limit=1)[0].actor == login
    finally:
        services.close()


def _admin_engine(server_url: str) -> sa.Engine:
    return sa.create_engine(server_url, isolation_level="AUTOCOMMIT")


@pytest.fixture
def other_login(server_url: str) -> Iterator[tuple[str, str]]:
    """A second database login with access to the test database; dropped afterwards."""
    url = make_url(server_url)
    name = f"kw_other_{uuid.uuid4().hex[:8]}"
    database = url.database
    engine = _admin_engine(server_url)
    postgres = url.get_backend_name() == "postgresql"
    try:
        with engine.connect() as connection:
            if postgres:
                connection.exec_driver_sql(f"CREATE ROLE {name} LOGIN PASSWORD '{OTHER_PASSWORD}'")
            else:
                connection.exec_driver_sql(
                    f"CREATE USER '{name}'@'127.0.0.1' IDENTIFIED BY '{OTHER_PASSWORD}'"
                )
        other = url.set(username=name, password=OTHER_PASSWORD)
        yield name, other.render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            if postgres:
                for statement in (
                    f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {name}",
                    f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {name}",
                    f'REVOKE ALL ON DATABASE "{database}" FROM {name}',
                ):
                    connection.exec_driver_sql(statement)
                connection.exec_driver_sql(f"DROP ROLE IF EXISTS {name}")
            else:
                connection.exec_driver_sql(f"DROP USER IF EXISTS '{name}'@'127.0.0.1'")
        engine.dispose()


def test_a_login_the_database_has_not_granted_access_is_told_whom_to_ask(
    server_url: str, fast_hasher: TokenHasher, other_login: tuple[str, str]
) -> None:
    _name, other_url = other_login
    open_services(server_url, hasher=fast_hasher, create_schema=True).close()

    with pytest.raises(DatabaseError) as refused:
        open_services(other_url, hasher=fast_hasher).close()

    assert_clean_refusal(refused.value.message)
    assert "ask a Keyward admin" in refused.value.message
    assert OTHER_PASSWORD not in refused.value.message
    assert refused.value.kind is DatabaseErrorKind.PERMISSION


def test_an_auditor_login_reads_everything_and_its_changes_are_refused(
    server_url: str, fast_hasher: TokenHasher, other_login: tuple[str, str]
) -> None:
    name, other_url = other_login
    admin = open_services(server_url, hasher=fast_hasher, create_schema=True)
    try:
        key = admin.keys.create("Looker dashboards").key
        admin.users.add(name, role=Role.AUDITOR)
        events = len(admin.audit.recent(limit=1000))

        reader = open_services(other_url, hasher=fast_hasher)
        try:
            assert reader.users.me().login == name
            assert [k.key_id for k in reader.keys.page().rows] == [key.key_id]
            assert reader.audit.verify().ok
            for attempt in (
                lambda: reader.keys.create("Amplitude"),
                lambda: reader.keys.revoke(key.key_id),
                lambda: reader.users.add("someone_else"),
            ):
                with pytest.raises(PermissionDenied) as refused:
                    attempt()
                assert_clean_refusal(refused.value.message)
        finally:
            reader.close()
        assert admin.keys.get(key.key_id).status.value == "active"
        assert admin.keys.count() == 1
        assert len(admin.audit.recent(limit=1000)) == events
    finally:
        admin.close()


def test_a_database_login_that_is_not_a_keyward_user_is_refused_until_added(
    server_url: str, fast_hasher: TokenHasher, other_login: tuple[str, str]
) -> None:
    name, other_url = other_login
    admin = open_services(server_url, hasher=fast_hasher, create_schema=True)
    try:
        existing = admin.keys.create("Looker dashboards").key
        with pytest.raises(DatabaseError) as refused:
            open_services(other_url, hasher=fast_hasher).close()
        assert "ask a Keyward admin" in refused.value.message
        # Nothing was done in the stranger's name.
        assert admin.keys.count() == 1
        assert all(event.actor != name for event in admin.audit.recent(limit=1000))

        granted = admin.users.add(name, role=Role.MEMBER, display_name="Other Admin")
        assert granted.login == name

        stranger = open_services(other_url, hasher=fast_hasher)
        try:
            me = stranger.users.me()
            assert (me.login, me.role) == (name, Role.MEMBER)
            own = stranger.keys.create("Other's integration").key
            assert own.owner_login == name
            assert own.created_by == name
            assert [key.key_id for key in stranger.keys.page().rows] == [own.key_id]
            with pytest.raises(PermissionDenied):
                stranger.users.add("someone_else")

            admin.users.set_role(name, Role.MANAGER)
            assert stranger.users.me().role is Role.MANAGER
            assert stranger.keys.count() == 2
            assert stranger.keys.get(existing.key_id).status.value == "active"

            admin.users.deactivate(name)
            with pytest.raises((UnknownOperator, DatabaseError)):
                stranger.users.me()
        finally:
            stranger.close()
        with pytest.raises(DatabaseError):
            open_services(other_url, hasher=fast_hasher).close()
        actors = {event.actor for event in admin.audit.recent(limit=1000)}
        assert name in actors
        assert admin.audit.verify().ok
    finally:
        admin.close()


def test_a_test_operator_login_overrides_detection(open_as: OpenServices) -> None:
    """``operator_login`` is for tests only; people never choose who they are."""
    services = open_as("alice")
    assert services.users.me().login == "alice"
