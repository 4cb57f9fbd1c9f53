"""The environment filter (page and count, keyset paging) and the key list export: every
matching key in the view's order, CSV or JSON, atomic, 0600, cancellable, masked only."""

from __future__ import annotations

import csv
import json
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.domain.errors import Cancelled, OutputError, ValidationError
from app.domain.hashing import TokenHasher
from app.domain.sorting import SortField
from app.domain.status import KeyStatus
from app.services import Services, open_services
from app.services import key_export as key_export_module
from app.services.dto import KeyDTO, KeyQuery
from app.services.key_export import COLUMNS, csv_cell
from tests.support import Clock, Team, make_team


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A folder of its own for the exports (the SQLite database lives in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def team(open_as: Callable[..., Services], clock: Clock) -> Team:
    return make_team(open_as, clock)


@pytest.fixture
def sqlite_team(sqlite_url: str, fast_hasher: TokenHasher, clock: Clock) -> Iterator[Team]:
    """The same team on SQLite only, for what does not depend on the database kind."""
    opened: list[Services] = []

    def open_as(login: str | None = None, **options: Any) -> Services:
        services = open_services(
            sqlite_url, hasher=fast_hasher, operator_login=login, create_schema=True, **options
        )
        opened.append(services)
        return services

    yield make_team(open_as, clock)
    for services in opened:
        services.close()


def _all_pages(services: Services, query: KeyQuery) -> list[KeyDTO]:
    rows: list[KeyDTO] = []
    page = services.keys.page(query)
    rows.extend(page.rows)
    while page.next_cursor is not None:
        page = services.keys.page(query, page.next_cursor)
        rows.extend(page.rows)
    return rows


def _seed(team: Team, clock: Clock) -> list[str]:
    """Keys of maria and manny in live and test, created a minute apart; returns tokens."""
    tokens = []
    for number in range(9):
        services = team.member if number % 3 else team.manager
        environment = "test" if number % 2 else "live"
        created = services.keys.create(
            f"Sync {number}",
            f"Integration {number}",
            environment=environment,
        )
        tokens.append(created.token.reveal())
        clock.advance(minutes=1)
    return tokens


# --------------------------------------------------------------------------- environment filter


def test_the_environment_filter_pages_and_counts(team: Team, clock: Clock) -> None:
    _seed(team, clock)
    admin = team.admin
    every = _all_pages(admin, KeyQuery(limit=100))
    for sort in (SortField.CREATED, SortField.NAME, SortField.EXPIRES):
        for descending in (True, False):
            query = KeyQuery(environment="test", sort=sort, descending=descending, limit=2)
            paged = _all_pages(admin, query)
            expected = _all_pages(admin, KeyQuery(sort=sort, descending=descending, limit=100))
            assert [key.key_id for key in paged] == [
                key.key_id for key in expected if key.environment == "test"
            ]
            assert admin.keys.count(query) == len(paged) == 4
    assert len(every) == 9
    # With the other filters and a search; spelled loosely.
    query = KeyQuery(environment=" LIVE ", owner="maria", search="sync", limit=1)
    found = _all_pages(admin, query)
    assert {(key.environment, key.owner_login) for key in found} == {("live", "maria")}
    assert admin.keys.count(query) == len(found) == 3
    assert admin.keys.count(KeyQuery(environment="dev")) == 0
    assert admin.keys.count(KeyQuery(environment="")) == 9
    # A member's view stays their own.
    mine = _all_pages(team.member, KeyQuery(environment="test", limit=1))
    assert {key.owner_login for key in mine} == {"maria"}
    assert [key.environment for key in mine] == ["test"] * len(mine)
    with pytest.raises(ValidationError):
        admin.keys.count(KeyQuery(environment="no such!"))
    revoked = team.member.keys.revoke(mine[0].key_id)
    query = KeyQuery(environment="test", status=KeyStatus.REVOKED)
    assert [key.key_id for key in admin.keys.page(query).rows] == [revoked.key_id]


# --------------------------------------------------------------------------- export


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of 2, so that a handful of keys takes several pages."""
    monkeypatch.setattr(key_export_module, "_PAGE", 2)


def test_the_export_is_every_row_page_returns_in_order(
    team: Team, clock: Clock, out: Path, small_pages: None
) -> None:
    tokens = _seed(team, clock)
    team.member.keys.create('=HYPERLINK("http://x")', "-starts with a dash", environment="test")
    query = KeyQuery(environment="test", sort=SortField.NAME, descending=False, search="")
    expected = _all_pages(team.admin, query)
    assert len(expected) == 5

    target = out / "keys.json"
    assert team.admin.key_export.export(query, "json", target) == 5
    assert json.loads(target.read_text(encoding="utf-8")) == [key.to_json() for key in expected]

    target = out / "keys.csv"
    assert team.admin.key_export.export(query, "CSV", target) == 5
    with target.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == list(expected[0].to_json())
    assert tuple(rows[0]) == COLUMNS  # what an empty export's header says too
    assert rows[1:] == [[csv_cell(value) for value in key.to_json().values()] for key in expected]
    # A spreadsheet keeps a formula-like name as text.
    assert '\'=HYPERLINK("http://x")' in {row[1] for row in rows}

    text = target.read_text(encoding="utf-8") + (out / "keys.json").read_text("utf-8")
    for token in tokens:
        secret = token.rsplit("_", 1)[1]
        assert token not in text
        assert secret not in text
    assert all("…" in key.masked for key in expected)

    for name in ("keys.json", "keys.csv"):
        assert stat.S_IMODE(os.stat(out / name).st_mode) == 0o600
    assert sorted(os.listdir(out)) == ["keys.csv", "keys.json"]


def test_an_empty_export_has_a_header_or_an_empty_array(sqlite_team: Team, out: Path) -> None:
    team = sqlite_team
    query = KeyQuery(environment="test")
    assert team.admin.key_export.export(query, "csv", out / "none.csv") == 0
    assert (out / "none.csv").read_text().splitlines() == [",".join(COLUMNS)]
    assert team.admin.key_export.export(query, "json", out / "none.json") == 0
    assert json.loads((out / "none.json").read_text()) == []


def test_a_member_exports_their_own_keys_only(team: Team, clock: Clock, out: Path) -> None:
    _seed(team, clock)
    target = out / "mine.json"
    count = team.member.key_export.export(KeyQuery(), "json", target)
    exported = json.loads(target.read_text())
    assert count == len(exported) == 6
    assert {row["owner"] for row in exported} == {"maria"}


def test_progress_is_reported_and_cancel_leaves_no_file(
    sqlite_team: Team, clock: Clock, out: Path, small_pages: None
) -> None:
    team = sqlite_team
    _seed(team, clock)
    reports: list[tuple[int, int]] = []

    def watch(done: int, total: int) -> bool:
        reports.append((done, total))
        return True

    assert team.admin.key_export.export(KeyQuery(), "csv", out / "all.csv", watch) == 9
    assert reports[0] == (0, 9)
    assert reports[-1] == (9, 9)
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)

    def cancel_after_first_page(done: int, total: int) -> bool:
        return done == 0

    for fmt in ("csv", "json"):
        target = out / f"cancelled.{fmt}"
        with pytest.raises(Cancelled) as cancelled:
            team.admin.key_export.export(KeyQuery(), fmt, target, cancel_after_first_page)
        assert (cancelled.value.done, cancelled.value.total) == (2, 9)
        assert "no file was written" in cancelled.value.message
        assert not target.exists()

    # Cancelled before the first row: nothing is made either.
    with pytest.raises(Cancelled):
        team.admin.key_export.export(KeyQuery(), "csv", out / "x.csv", lambda d, t: False)

    # A file that was there stays as it was.
    existing = out / "all.csv"
    before = existing.read_bytes()
    with pytest.raises(Cancelled):
        team.admin.key_export.export(KeyQuery(), "json", existing, cancel_after_first_page)
    assert existing.read_bytes() == before
    assert sorted(os.listdir(out)) == ["all.csv"]


def test_bad_requests_are_refused_before_any_file(sqlite_team: Team, out: Path) -> None:
    team = sqlite_team
    export = team.admin.key_export.export
    with pytest.raises(ValidationError, match="csv or json"):
        export(KeyQuery(), "xlsx", out / "keys.xlsx")
    with pytest.raises(OutputError, match="folder"):
        export(KeyQuery(), "csv", out)
    with pytest.raises(OutputError, match="does not exist"):
        export(KeyQuery(), "csv", out / "missing" / "keys.csv")
    with pytest.raises(ValidationError):
        export(KeyQuery(environment="Bad label!"), "csv", out / "keys.csv")
    assert os.listdir(out) == []
