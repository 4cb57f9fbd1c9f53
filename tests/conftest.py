"""Fixtures shared by every test: databases (SQLite always, servers when configured)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

# Without a display, Qt must not try to open one (pytest would abort).
if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.domain.hashing import FAST_FOR_TESTS, TokenHasher
from app.services import Services, open_services

POSTGRES_ENV = "KEYWARD_TEST_POSTGRES_URL"
MARIADB_ENV = "KEYWARD_TEST_MARIADB_URL"
SERVER_ENVS = {"postgresql": POSTGRES_ENV, "mariadb": MARIADB_ENV}


@pytest.fixture(scope="session")
def fast_hasher() -> TokenHasher:
    """argon2id's cheapest profile; the tests that check the real one make their own."""
    return TokenHasher(FAST_FOR_TESTS)


def _fresh_server_database(kind: str) -> Iterator[str]:
    env = SERVER_ENVS[kind]
    base = os.environ.get(env)
    if not base:
        if os.environ.get("KEYWARD_REQUIRE_SERVERS"):
            pytest.fail(f"{env} is not set, but KEYWARD_REQUIRE_SERVERS says {kind} must run")
        pytest.skip(f"{env} is not set: no {kind} server to test against")
    name = f"keyward_t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            if kind == "postgresql":
                from app.data.server import postgresql

                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                postgresql.drop_roles(connection, name)
            else:
                from app.data.server import mariadb

                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
                mariadb.drop_roles(connection, name)
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def database_url(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> Iterator[str]:
    """A new, empty database of each kind (servers only when their URL is set)."""
    if request.param == "sqlite":
        yield f"sqlite:///{os.path.join(tmp_path, 'keyward.db')}"
    else:
        yield from _fresh_server_database(request.param)


@pytest.fixture
def sqlite_url(tmp_path: os.PathLike[str]) -> str:
    return f"sqlite:///{os.path.join(tmp_path, 'keyward.db')}"


@pytest.fixture(params=["postgresql", "mariadb"])
def server_url(request: pytest.FixtureRequest) -> Iterator[str]:
    yield from _fresh_server_database(request.param)


OpenServices = Callable[..., Services]


@pytest.fixture
def open_as(database_url: str, fast_hasher: TokenHasher) -> Iterator[OpenServices]:
    """Open the test database as a given operator login (None: the real OS/database login)."""
    opened: list[Services] = []

    def _open(login: str | None = None, **options: object) -> Services:
        services = open_services(
            database_url,
            hasher=fast_hasher,
            operator_login=login,
            create_schema=True,
            **options,  # type: ignore[arg-type]
        )
        opened.append(services)
        return services

    yield _open
    for services in opened:
        services.close()


@pytest.fixture
def services(open_as: OpenServices) -> Services:
    """Services for the first operator of an empty database (who becomes admin)."""
    return open_as()
