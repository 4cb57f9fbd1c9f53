"""The start's first page (``app.services.first_page``): the services' rows, read with sqlite3.

The console shows this page before SQLAlchemy has loaded, so it must be exactly the page
``KeysService.page`` gives, for every sort, as the operator may see it, and never write.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.domain.hashing import TokenHasher
from app.domain.roles import Role
from app.domain.sorting import SortField
from app.domain.status import KeyStatus
from app.services import Services, open_services
from app.services.dto import KeyQuery
from app.services.first_page import open_first_page, sqlite_file
from tests.support import Clock, services_modules_loaded_by

ADMIN, MEMBER, AUDITOR, VERIFIER, GONE = "ada", "mo", "audrey", "vera", "gus"


@pytest.fixture
def populated(tmp_path: Path, fast_hasher: TokenHasher) -> tuple[str, Services]:
    """A SQLite file with keys of every shape: used and unused, expiring and expired,
    disabled, revoked, rotated (a successor), and owners of each role."""
    url = f"sqlite:///{tmp_path / 'keyward.db'}"
    clock = Clock(datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    admin = open_services(url, hasher=fast_hasher, operator_login=ADMIN, clock=clock)
    admin.users.add(MEMBER, role=Role.MEMBER, display_name="Mo Member")
    admin.users.add(AUDITOR, role=Role.AUDITOR, display_name="Audrey")
    admin.users.add(VERIFIER, role=Role.VERIFIER, display_name="Vera")
    admin.users.add(GONE, role=Role.MANAGER, display_name="Gus Gone")
    gone = open_services(url, hasher=fast_hasher, operator_login=GONE, clock=clock)
    verifier = admin.verifier()
    names = ["alpha", "Bravo", "charlie", "Delta", "echo", "Foxtrot", "golf", "Hotel"]
    for number, name in enumerate(names * 3):
        clock.advance(minutes=7)
        owner = (ADMIN, MEMBER, GONE)[number % 3]
        expires = None if number % 4 else (clock.now + timedelta(days=number % 5)).date()
        key = admin.keys.create(f"{name} {number}", "a key", owner=owner, expires=expires)
        if number % 5 == 1:
            assert verifier.verify(key.token.reveal()).valid  # last used (written on flush)
        if number % 6 == 1:
            admin.keys.disable(key.key.key_id)
        if number % 7 == 3:
            admin.keys.revoke(key.key.key_id, "leaked")
        if number % 8 == 4:
            clock.advance(minutes=1)
            admin.keys.rotate(key.key.key_id)
    verifier.close()
    gone.close()
    admin.users.deactivate(GONE)
    clock.advance(days=3)  # some expiries are past now
    return url, admin


def _file_digest(url: str) -> str:
    path = Path(url.removeprefix("sqlite:///"))
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("sort", list(SortField))
def test_the_first_page_is_the_services_page_for_every_sort(
    populated: tuple[str, Services], sort: SortField, descending: bool
) -> None:
    url, admin = populated
    source = open_first_page(url, ADMIN, clock=admin.clock)
    assert source is not None
    rows = source.keys.page(KeyQuery(limit=100)).rows
    # Every shape is there: a used and an unused key, an expiry and none, a successor.
    assert {row.last_used_at is None for row in rows} == {True, False}
    assert {row.expires_at is None for row in rows} == {True, False}
    assert {row.status for row in rows} == set(KeyStatus)
    assert any(row.replaced_by for row in rows) and not all(row.owner_active for row in rows)
    for limit in (5, 100):
        query = KeyQuery(sort=sort, descending=descending, limit=limit)
        assert source.keys.page(query).rows == admin.keys.page(query).rows


def test_a_member_sees_their_own_keys_and_an_auditor_everyones(
    populated: tuple[str, Services], fast_hasher: TokenHasher
) -> None:
    url, admin = populated
    for login in (MEMBER, AUDITOR):
        services = open_services(url, hasher=fast_hasher, operator_login=login, clock=admin.clock)
        try:
            source = open_first_page(url, login, clock=admin.clock)
            assert source is not None
            query = KeyQuery(limit=100)
            rows = source.keys.page(query).rows
            assert rows == services.keys.page(query).rows
            owners = {row.owner_login for row in rows}
            assert owners == ({MEMBER} if login == MEMBER else {ADMIN, MEMBER, GONE})
        finally:
            services.close()


def test_no_first_page_for_whoever_the_services_would_not_list_keys_to(
    populated: tuple[str, Services],
) -> None:
    url, _admin = populated
    # A verifier lists nothing, a deactivated user and a stranger are refused at the start.
    for login in (VERIFIER, GONE, "stranger"):
        assert open_first_page(url, login) is None


def test_reading_the_first_page_writes_nothing(populated: tuple[str, Services]) -> None:
    url, admin = populated
    admin.close()
    before = _file_digest(url)
    source = open_first_page(url, ADMIN)
    assert source is not None
    source.keys.page(KeyQuery(sort=SortField.LAST_USED))
    assert _file_digest(url) == before


def test_no_first_page_where_the_console_must_start_the_usual_way(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    assert open_first_page(f"sqlite:///{missing}", ADMIN) is None
    assert not missing.exists()  # never created
    other = tmp_path / "other.db"
    import sqlite3

    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert open_first_page(f"sqlite:///{other}", ADMIN) is None  # not a Keyward file
    assert open_first_page("postgresql+psycopg://ada@db.example/keys", ADMIN) is None
    assert open_first_page(f"sqlite:///{other}?mode=ro", ADMIN) is None


def test_only_an_unfiltered_first_page_is_answered(populated: tuple[str, Services]) -> None:
    url, _admin = populated
    source = open_first_page(url, ADMIN)
    assert source is not None
    with pytest.raises(ValueError, match="unfiltered first page"):
        source.keys.page(KeyQuery(search="alpha"))
    with pytest.raises(ValueError, match="counts only all the keys"):
        source.keys.count(KeyQuery(status=KeyStatus.ACTIVE))


def test_the_count_is_the_services_count_and_an_older_file_is_not_current(
    populated: tuple[str, Services], fast_hasher: TokenHasher
) -> None:
    url, admin = populated
    member = open_services(url, hasher=fast_hasher, operator_login=MEMBER, clock=admin.clock)
    for login, services in ((ADMIN, admin), (MEMBER, member)):
        source = open_first_page(url, login, clock=admin.clock)
        assert source is not None and source.current
        assert source.count() == services.keys.count(KeyQuery()) > 0
    only_theirs = open_first_page(url, MEMBER)
    assert only_theirs is not None and only_theirs.count() < admin.keys.count(KeyQuery())
    member.close()
    with admin.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0014'")
    older = open_first_page(url, ADMIN)
    assert older is not None and not older.current  # shown by the console, which upgrades


def test_the_file_is_the_one_the_services_open(tmp_path: Path) -> None:
    assert sqlite_file("sqlite:////srv/keys/k.db") == "/srv/keys/k.db"
    assert sqlite_file("sqlite:///relative.db") == "relative.db"
    assert sqlite_file("sqlite:////srv/my%20keys/k.db") == "/srv/my keys/k.db"
    assert sqlite_file("sqlite:///") is None
    assert sqlite_file("mysql+pymysql://u@h/db") is None
    assert sqlite_file(None, {"KEYWARD_DATABASE_URL": "sqlite:////x/y.db"}) == "/x/y.db"
    default = sqlite_file(None, {})
    from app.services.database import default_sqlite_path

    assert default is not None and Path(default) == default_sqlite_path()


def test_a_file_whose_path_holds_uri_characters_is_read_as_the_services_read_it(
    tmp_path: Path, fast_hasher: TokenHasher
) -> None:
    """The page opens the file by a ``file:`` URI: ``?``, ``#`` and ``%`` in its path are
    that file's name, not a query, a fragment or an escape."""
    folder = tmp_path / "odd ?#% folder"
    folder.mkdir()
    # As a URL spells it (the services unquote the path too); "#" needs no escape there.
    url = "sqlite:///" + str(folder / "k%41.db").replace("%", "%25").replace("?", "%3F")
    admin = open_services(url, hasher=fast_hasher, operator_login=ADMIN)
    try:
        admin.keys.create("Odd place", "a key")
        source = open_first_page(url, ADMIN, clock=admin.clock)
        assert source is not None
        assert [row.name for row in source.keys.page(KeyQuery(limit=5)).rows] == ["Odd place"]
        assert source.keys.count() == 1
    finally:
        admin.close()
    assert sorted(os.listdir(folder)) == ["k%41.db"]  # and no other file was made


def test_the_first_page_loads_neither_sqlalchemy_nor_the_services() -> None:
    loaded = services_modules_loaded_by("app.services.first_page", Path(os.getcwd()))
    assert loaded == ["app.services.dto", "app.services.first_page"]


def test_a_file_of_an_older_shape_or_one_that_goes_away_starts_the_usual_way(
    populated: tuple[str, Services],
) -> None:
    import sqlite3

    from app.domain.errors import DatabaseError

    url, admin = populated
    admin.close()
    source = open_first_page(url, ADMIN)
    assert source is not None
    path = Path(url.removeprefix("sqlite:///"))
    moved = path.with_name("moved.db")
    path.rename(moved)
    with pytest.raises(DatabaseError, match="could not be read"):
        source.keys.page(KeyQuery())  # a known error: no bug report, no traceback
    moved.rename(path)
    with sqlite3.connect(path) as connection:
        # As before migration 0005 (rotation links): no successor column.
        connection.execute("DROP INDEX ix_api_keys_replaces_key_id")
        connection.execute("ALTER TABLE api_keys DROP COLUMN replaces_key_id")
    assert open_first_page(url, ADMIN) is None
