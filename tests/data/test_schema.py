"""Schema versions (DESIGN §4, §9): SQLite upgrades itself, a server database is upgraded on
purpose, and a database of another application or a newer Keyward is refused untouched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine, make_url

from app.data.engine import create_engine
from app.data.models import ApiKey, Base
from app.data.schema import SchemaState, head_revision, schema_state, upgrade
from app.data.search_schema import (
    AUDIT_FTS,
    PG_AUDIT_INDEX,
    PG_AUDIT_PAIRS_INDEX,
    PG_COLUMN_INDEX,
    PG_EVENT_PAIRS,
    PG_PAIRS_INDEX,
    PG_SEARCH_PAIRS,
    PG_TEXT_INDEX,
)
from app.data.server import stored_table
from app.domain.errors import DatabaseError, SchemaOutOfDate
from app.domain.hashing import TokenHasher
from app.services import open_services
from tests.support import PASSWORD, OpenServices, assert_clean_refusal

KEYWARD_TABLES = {
    "alembic_version",
    "api_keys",
    "audit_events",
    "audit_head",
    "daily_usage",
    "settings",
    "users",
}


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def server_engine(server_url: str) -> Iterator[Engine]:
    engine = create_engine(server_url)
    yield engine
    engine.dispose()


def tables(engine: Engine) -> set[str]:
    """Table names as a person reading them sees them (on MariaDB Keyward's are views)."""
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        return set(inspector.get_table_names()) | set(inspector.get_view_names())


def version(engine: Engine) -> str:
    with engine.connect() as connection:
        return str(connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar())


def _open(url: str, hasher: TokenHasher, **options: object) -> None:
    open_services(url, hasher=hasher, **options).close()  # type: ignore[arg-type]


# --------------------------------------------------------------------------- SQLite upgrades


@pytest.mark.parametrize("exists", [False, True], ids=["no file", "empty file"])
def test_sqlite_gets_its_schema_on_first_open(
    tmp_path: Path, fast_hasher: TokenHasher, exists: bool
) -> None:
    path = tmp_path / "keyward.db"
    if exists:
        path.touch(mode=0o600)
    url = f"sqlite:///{path}"

    services = open_services(url, hasher=fast_hasher)
    try:
        assert services.users.me().role.value == "admin"
        key = services.keys.create("Salesforce Data Sync").key
        assert services.audit.verify().ok
    finally:
        services.close()

    engine = create_engine(url)
    try:
        assert tables(engine) >= KEYWARD_TABLES
        assert version(engine) == head_revision()
        assert schema_state(engine) is SchemaState.CURRENT
    finally:
        engine.dispose()
    # Opening again keeps everything (no second migration, no second bootstrap).
    services = open_services(url, hasher=fast_hasher)
    try:
        assert [k.key_id for k in services.keys.page().rows] == [key.key_id]
        assert len(services.users.all()) == 1
    finally:
        services.close()


# --------------------------------------------------------------------------- servers


def test_an_empty_server_database_is_refused_until_upgraded(
    server_url: str, server_engine: Engine, fast_hasher: TokenHasher
) -> None:
    with pytest.raises(SchemaOutOfDate) as refused:
        _open(server_url, fast_hasher)
    assert "keyward db upgrade" in refused.value.message
    assert_clean_refusal(refused.value.message)
    assert refused.value.exit_code == 3
    assert tables(server_engine) == set()  # refusing created nothing

    upgrade(server_engine)
    assert tables(server_engine) >= KEYWARD_TABLES
    assert version(server_engine) == head_revision()
    upgrade(server_engine)  # a second upgrade is a no-op
    assert version(server_engine) == head_revision()

    services = open_services(server_url, hasher=fast_hasher)
    try:
        assert services.users.me().role.value == "admin"
        services.keys.create("Snowflake ETL")
        assert services.audit.verify().ok
    finally:
        services.close()


def test_opening_with_create_schema_upgrades_a_server_database(
    server_url: str, server_engine: Engine, fast_hasher: TokenHasher
) -> None:
    _open(server_url, fast_hasher, create_schema=True)
    assert schema_state(server_engine) is SchemaState.CURRENT


# --------------------------------------------------------------------------- refusals


def test_a_database_of_a_newer_keyward_is_refused_untouched(
    database_url: str, open_as: OpenServices, engine: Engine, fast_hasher: TokenHasher
) -> None:
    services = open_as()
    services.keys.create("Looker dashboards")
    services.close()
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'f00dfeed0042'")

    for create_schema in (False, True):
        with pytest.raises(DatabaseError) as refused:
            _open(database_url, fast_hasher, create_schema=create_schema)
        assert not isinstance(refused.value, SchemaOutOfDate)
        assert "newer Keyward" in refused.value.message
        assert_clean_refusal(refused.value.message)
    with pytest.raises(DatabaseError, match="newer Keyward"):
        upgrade(engine)

    assert version(engine) == "f00dfeed0042"
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM api_keys").scalar() == 1


@pytest.mark.parametrize("with_alembic", [False, True], ids=["plain", "own alembic"])
def test_a_database_of_another_application_is_refused_untouched(
    database_url: str, engine: Engine, fast_hasher: TokenHasher, with_alembic: bool
) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        connection.exec_driver_sql("INSERT INTO customers (id, name) VALUES (1, 'ACME')")
        if with_alembic:
            # Another application that also uses Alembic.
            connection.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32))")
            connection.exec_driver_sql("INSERT INTO alembic_version VALUES ('9c1e5ab1d0aa')")
    before = tables(engine)

    for create_schema in (False, True):
        with pytest.raises(DatabaseError) as refused:
            _open(database_url, fast_hasher, create_schema=create_schema)
        assert not isinstance(refused.value, SchemaOutOfDate)
        assert "another application" in refused.value.message
        assert_clean_refusal(refused.value.message)

    assert tables(engine) == before
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT name FROM customers").scalar() == "ACME"


def test_a_refused_server_database_never_shows_the_password(
    server_url: str, fast_hasher: TokenHasher
) -> None:
    # PostgreSQL here trusts local logins (schema refusal); MariaDB checks it (login refusal).
    url = make_url(server_url).set(password=PASSWORD).render_as_string(hide_password=False)
    with pytest.raises(DatabaseError) as refused:
        _open(url, fast_hasher)
    assert_clean_refusal(refused.value.message)
    assert PASSWORD not in refused.value.message


# --------------------------------------------------------------------------- shape


def test_the_migrated_schema_matches_the_models(
    database_url: str, open_as: OpenServices, engine: Engine
) -> None:
    open_as().close()
    if engine.dialect.name in {"mysql", "mariadb"}:
        _assert_mariadb_tables_match_the_models(engine)
        return

    def ours(obj: object, name: str | None, type_: str, reflected: bool, _other: object) -> bool:
        # The search structures are made by hand per dialect (app.data.search_schema).
        searched = ("api_keys_fts", AUDIT_FTS, PG_SEARCH_PAIRS, PG_EVENT_PAIRS)
        if type_ == "table" and name is not None and name.startswith(searched):
            return False
        if type_ == "table" and name == "alembic_version":
            return False
        made_by_hand = {
            PG_TEXT_INDEX,
            PG_COLUMN_INDEX,
            PG_PAIRS_INDEX,
            PG_AUDIT_INDEX,
            PG_AUDIT_PAIRS_INDEX,
        }
        return not (type_ == "index" and name in made_by_hand)

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": ours, "compare_type": True}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def _assert_mariadb_tables_match_the_models(engine: Engine) -> None:
    """On MariaDB each model is a view over ``<name>_data`` (app.data.server.mariadb): both
    must carry exactly the model's columns; the migration's DDL itself is compared on SQLite
    and PostgreSQL."""
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        for table in Base.metadata.sorted_tables:
            expected = {column.name for column in table.columns}
            stored = {column["name"] for column in inspector.get_columns(f"{table.name}_data")}
            shown = {column["name"] for column in inspector.get_columns(table.name)}
            assert stored == expected, table.name
            assert shown == expected, table.name


def test_every_sortable_column_leads_an_index(
    database_url: str, open_as: OpenServices, engine: Engine
) -> None:
    open_as().close()
    with engine.connect() as connection:
        indexes = sa.inspect(connection).get_indexes(
            stored_table(ApiKey.__table__, engine.dialect.name).name  # type: ignore[arg-type]
        )
    leading = {tuple(index["column_names"][:2]) for index in indexes}
    for column in (
        "name",
        "owner_name",
        "state",
        "last_used_at",
        "expires_at",
        "created_at",
        "updated_at",
    ):
        # Ending in the primary key lets keyset paging seek instead of sort.
        assert (column, "id") in leading, column
