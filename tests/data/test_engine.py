"""Opening a database (DESIGN §4, §9): SQLite's file settings, and one clear sentence for
every database that cannot be used, never a traceback and never the password."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from app.data.engine import SQLITE_BUSY_TIMEOUT_MS, create_engine, parse_url, safe_url
from app.domain.errors import DatabaseError, DatabaseErrorKind
from app.domain.hashing import TokenHasher
from app.services import Services, open_services
from tests.support import MARIADB_ENV, PASSWORD, POSTGRES_ENV, assert_clean_refusal


def refusal(url: str, hasher: TokenHasher, **options: object) -> DatabaseError:
    with pytest.raises(DatabaseError) as refused:
        services = open_services(url, hasher=hasher, **options)  # type: ignore[arg-type]
        services.close()
    assert_clean_refusal(refused.value.message)
    assert refused.value.exit_code == 3
    return refused.value


@pytest.fixture
def umask_zero() -> Iterator[None]:
    """The database must be private whatever the user's umask says."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def sqlite_services(sqlite_url: str, fast_hasher: TokenHasher) -> Iterator[Services]:
    services = open_services(sqlite_url, hasher=fast_hasher)
    yield services
    services.close()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --------------------------------------------------------------------------- SQLite settings


def test_a_new_sqlite_database_is_private_to_its_owner(
    tmp_path: Path, fast_hasher: TokenHasher, umask_zero: None
) -> None:
    path = tmp_path / "nested" / "folders" / "keyward.db"
    services = open_services(f"sqlite:///{path}", hasher=fast_hasher)
    try:
        services.keys.create("Salesforce Data Sync")
        assert _mode(path) == 0o600
        # The write-ahead log holds recent rows: it must be as private as the file.
        for companion in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            assert companion.exists()
            assert _mode(companion) & 0o077 == 0, oct(_mode(companion))
    finally:
        services.close()
    assert _mode(path) == 0o600


def test_an_existing_sqlite_file_keeps_its_permissions(
    tmp_path: Path, fast_hasher: TokenHasher
) -> None:
    path = tmp_path / "keyward.db"
    open_services(f"sqlite:///{path}", hasher=fast_hasher).close()
    path.chmod(0o640)  # the owner chose to share it with a group
    open_services(f"sqlite:///{path}", hasher=fast_hasher).close()
    assert _mode(path) == 0o640


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(
    sqlite_url: str, sqlite_services: Services
) -> None:
    with sqlite_services.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS
    # Foreign keys are enforced, not just declared.
    with pytest.raises(sa.exc.IntegrityError), sqlite_services.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO daily_usage (key_pk, day, count) VALUES (424242, '2030-01-01', 1)"
        )
    # WAL is a property of the file: a plain sqlite3 connection sees it too.
    path = make_url(sqlite_url).database
    assert path
    plain = sqlite3.connect(path)
    try:
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        plain.close()


# --------------------------------------------------------------------------- refusals


def _server(env: str) -> str:
    url = os.environ.get(env)
    if not url:
        pytest.skip(f"{env} is not set")
    return url


def _with_password(url: str, password: str = PASSWORD, **parts: object) -> str:
    return make_url(url).set(password=password, **parts).render_as_string(hide_password=False)


BAD_URLS: dict[str, tuple[Callable[[Path], str], str]] = {
    "not a URL": (lambda _tmp: "just some words", "malformed"),
    "no scheme": (lambda _tmp: f"//keyward:{PASSWORD}@127.0.0.1/keys", "malformed"),
    "port not a number": (
        lambda _tmp: f"postgresql+psycopg://keyward:{PASSWORD}@127.0.0.1:fivefourthree/keys",
        "malformed",
    ),
    "Oracle": (lambda _tmp: f"oracle://scott:{PASSWORD}@127.0.0.1/orcl", "does not support"),
    "SQL Server": (
        lambda _tmp: f"mssql+pyodbc://sa:{PASSWORD}@127.0.0.1/keys",
        "does not support",
    ),
    "a driver that is not installed": (
        lambda _tmp: f"postgresql+asyncpg://keyward:{PASSWORD}@127.0.0.1/keys",
        "No driver",
    ),
    "another MySQL driver": (
        lambda _tmp: f"mysql+mysqldb://keyward:{PASSWORD}@127.0.0.1/keys",
        "No driver",
    ),
    "PostgreSQL not listening": (
        lambda _tmp: f"postgresql+psycopg://keyward:{PASSWORD}@127.0.0.1:1/keys",
        "cannot be reached",
    ),
    "MariaDB not listening": (
        lambda _tmp: f"mysql+pymysql://keyward:{PASSWORD}@127.0.0.1:1/keys",
        "cannot be reached",
    ),
    "a folder": (lambda tmp: f"sqlite:///{tmp}", "folder"),
    "blank": (lambda _tmp: "   ", "empty"),
    "not UTF-8": (lambda tmp: f"sqlite:///{tmp}/\udcff.db", "not valid UTF-8"),
    "a folder that cannot be created": (
        lambda _tmp: "sqlite:////proc/keyward-cannot-be-here/keyward.db",
        "Cannot create",
    ),
}


@pytest.mark.parametrize("case", list(BAD_URLS))
def test_an_unusable_url_is_refused_in_one_sentence_without_the_password(
    case: str, tmp_path: Path, fast_hasher: TokenHasher
) -> None:
    make, expected = BAD_URLS[case]
    error = refusal(make(tmp_path), fast_hasher)
    assert expected.lower() in error.message.lower()


def test_a_file_that_is_not_a_sqlite_database_is_refused_and_left_alone(
    tmp_path: Path, fast_hasher: TokenHasher
) -> None:
    path = tmp_path / "notes.db"
    content = b"Quarterly notes, definitely not SQLite.\n" * 200
    path.write_bytes(content)

    error = refusal(f"sqlite:///{path}", fast_hasher)

    assert "not a SQLite database" in error.message
    assert path.read_bytes() == content


@pytest.mark.parametrize("env", [POSTGRES_ENV, MARIADB_ENV])
def test_a_server_database_that_does_not_exist_is_refused(
    env: str, fast_hasher: TokenHasher
) -> None:
    url = _with_password(_server(env), database="keyward_no_such_database_x")
    error = refusal(url, fast_hasher)
    assert "keyward_no_such_database_x" in error.message


def test_a_wrong_password_is_refused_without_repeating_it(fast_hasher: TokenHasher) -> None:
    # MariaDB checks passwords here; PostgreSQL on this machine class trusts local logins.
    url = _with_password(_server(MARIADB_ENV))
    error = refusal(url, fast_hasher)
    assert "refused the login" in error.message


def test_safe_url_hides_the_password() -> None:
    url = f"postgresql+psycopg://keyward:{PASSWORD}@db.example.org/keys"
    assert PASSWORD not in safe_url(url)
    assert PASSWORD not in safe_url(parse_url(url))
    assert "db.example.org" in safe_url(url)
    assert PASSWORD not in safe_url(f"::not a url:{PASSWORD}")


def test_the_engine_factory_refuses_like_open_services() -> None:
    with pytest.raises(DatabaseError) as refused:
        create_engine(f"sybase://sa:{PASSWORD}@127.0.0.1/keys")
    assert_clean_refusal(refused.value.message)


# --------------------------------------------------------------------------- read-only


@pytest.fixture
def populated(sqlite_url: str, fast_hasher: TokenHasher) -> tuple[str, str]:
    """A SQLite database with one key, closed; returns its path and that key's id."""
    services = open_services(sqlite_url, hasher=fast_hasher)
    key_id = services.keys.create("Looker dashboards").key.key_id
    services.close()
    path = make_url(sqlite_url).database
    assert path
    return path, key_id


def _counts(path: str) -> tuple[int, int]:
    plain = sqlite3.connect(path)
    try:
        keys = plain.execute("SELECT count(*) FROM api_keys").fetchone()[0]
        events = plain.execute("SELECT count(*) FROM audit_events").fetchone()[0]
    finally:
        plain.close()
    return keys, events


def _read_but_not_write(url: str, key_id: str, hasher: TokenHasher) -> None:
    services = open_services(url, hasher=hasher)
    try:
        assert [key.key_id for key in services.keys.page().rows] == [key_id]
        assert services.audit.verify().ok
        with pytest.raises(DatabaseError) as refused:
            services.keys.create("Amplitude")
        assert_clean_refusal(refused.value.message)
        assert "read-only" in refused.value.message
        with pytest.raises(DatabaseError):
            services.keys.revoke(key_id)
        assert services.keys.get(key_id).status.value == "active"
    finally:
        services.close()


def test_a_read_only_database_can_be_read_and_refuses_changes_clearly(
    populated: tuple[str, str], fast_hasher: TokenHasher
) -> None:
    path, key_id = populated
    before = _counts(path)

    _read_but_not_write(f"sqlite:///file:{path}?mode=ro&uri=true", key_id, fast_hasher)

    assert _counts(path) == before


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes to a 0400 file anyway"
)
def test_a_read_only_file_can_be_read_and_refuses_changes_clearly(
    populated: tuple[str, str], fast_hasher: TokenHasher
) -> None:  # pragma: no cover - CI runs as root
    path, key_id = populated
    before = _counts(path)
    os.chmod(path, 0o400)
    try:
        _read_but_not_write(f"sqlite:///{path}", key_id, fast_hasher)
    finally:
        os.chmod(path, 0o600)
    assert _counts(path) == before


# --------------------------------------------------------------------------- foreign files


def _foreign_file(path: Path, *tables: str) -> bytes:
    connection = sqlite3.connect(path)
    with connection:
        for table in tables:
            connection.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, note TEXT)")
            connection.executemany(
                f"INSERT INTO {table} (note) VALUES (?)", [(f"row {n}",) for n in range(300)]
            )
    connection.close()
    return path.read_bytes()


@pytest.mark.parametrize(
    "tables",
    [("invoices",), ("alembic_version", "invoices")],
    ids=["own tables", "another Alembic application"],
)
def test_opening_another_applications_file_leaves_it_byte_for_byte_unchanged(
    tmp_path: Path, fast_hasher: TokenHasher, tables: tuple[str, ...]
) -> None:
    path = tmp_path / "other.db"
    content = _foreign_file(path, *tables)
    error = refusal(f"sqlite:///{path}", fast_hasher)
    assert "another application" in error.message
    assert path.read_bytes() == content  # still in its own journal mode, not WAL
    plain = sqlite3.connect(path)
    try:
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        plain.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_an_empty_file_becomes_a_keyward_database_in_wal_mode(
    tmp_path: Path, fast_hasher: TokenHasher
) -> None:
    path = tmp_path / "empty.db"
    path.touch(mode=0o600)
    open_services(f"sqlite:///{path}", hasher=fast_hasher).close()
    plain = sqlite3.connect(path)
    try:
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        plain.close()


def test_every_engine_hides_statement_parameters(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url, hide_parameters=False)  # not even on request
    try:
        assert engine.hide_parameters
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- kinds


def test_each_refusal_carries_its_kind_from_the_driver_s_code(
    tmp_path: Path, populated: tuple[str, str], fast_hasher: TokenHasher
) -> None:
    """Callers branch on ``DatabaseError.kind``, never on the sentence."""
    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_bytes(b"Quarterly notes, definitely not SQLite.\n" * 200)
    kinds = {
        "   ": DatabaseErrorKind.URL,
        f"oracle://scott:{PASSWORD}@127.0.0.1/orcl": DatabaseErrorKind.URL,
        f"postgresql+psycopg://keyward:{PASSWORD}@127.0.0.1:1/keys": DatabaseErrorKind.UNREACHABLE,
        f"mysql+pymysql://keyward:{PASSWORD}@127.0.0.1:1/keys": DatabaseErrorKind.UNREACHABLE,
        f"sqlite:///{not_sqlite}": DatabaseErrorKind.FOREIGN,
    }
    for url, kind in kinds.items():
        assert refusal(url, fast_hasher).kind is kind, url

    path, _key_id = populated
    services = open_services(f"sqlite:///file:{path}?mode=ro&uri=true", hasher=fast_hasher)
    try:
        with pytest.raises(DatabaseError) as refused:
            services.keys.create("Amplitude")
        assert refused.value.kind is DatabaseErrorKind.READ_ONLY
    finally:
        services.close()
