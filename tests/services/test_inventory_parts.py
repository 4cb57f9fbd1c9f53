"""The inventory rebuilt in parts by worker processes (a long trail on a SQLite file): the
same rows, in the same order, as one pass in the caller's process, for every instant and
role, around snapshots written by hand, in evidence packs; Cancel and a failing worker leave
no process behind."""

from __future__ import annotations

import dataclasses
import filecmp
import functools
import gc
import multiprocessing
import os
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

import app.services.inventory as inventory_module
from app.data.models import AuditEvent
from app.domain.errors import Cancelled, DatabaseError
from app.domain.key_format import new_key_id
from app.services import Services
from app.services.evidence import PACK_FILES
from app.services.inventory import PeriodScan, comparable, instant_text
from app.services.inventory_worker import EVERY_KEY, PartRequest
from tests.services.test_inventory import _forge_event, _mixed_history, _random_history
from tests.support import (
    Clock,
    MemoryKeyring,
    OpenServices,
    Team,
    make_team,
    services_modules_loaded_by,
)

T = TypeVar("T")


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 9, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def team(open_as: OpenServices, clock: Clock, memory_keyring: MemoryKeyring) -> Team:
    return make_team(open_as, clock)


@pytest.fixture
def in_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every trail rebuilt in three parts (the caller's and two workers')."""
    monkeypatch.setattr(inventory_module, "IN_PROCESS_UP_TO", 0)
    monkeypatch.setattr(inventory_module, "MAX_PARTS", 3)


def _inventory_workers() -> list[str]:
    return [c.name for c in multiprocessing.active_children() if c.name == "keyward-inventory"]


def _in_one_pass(monkeypatch: pytest.MonkeyPatch, read: Callable[[], T]) -> T:
    with monkeypatch.context() as patch:
        patch.setattr(inventory_module, "MAX_PARTS", 1)
        return read()


@pytest.mark.usefixtures("in_parts")
def test_parts_give_the_rows_one_pass_gives(
    team: Team, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(11)
    moments = _random_history(team, clock, rng)
    instants = sorted({*rng.sample(moments, 6), clock.now + timedelta(days=30)})
    spy: list[int] = []
    original = inventory_module._in_parts

    def counted(*args: object, **kwargs: object) -> object:
        spy.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(inventory_module, "_in_parts", counted)
    for instant in instants:
        for services in (team.admin, team.member):
            in_parts = services.inventory.as_of(instant)
            one_pass = _in_one_pass(
                monkeypatch, functools.partial(services.inventory.as_of, instant)
            )
            assert in_parts == one_pass
            assert [row.created_at for row in in_parts] == [row.created_at for row in one_pass]
    assert len(spy) == 2 * len(instants)  # every read above went through the workers
    assert any(team.admin.inventory.as_of(instant) for instant in instants)
    assert _inventory_workers() == []


@pytest.mark.usefixtures("in_parts")
def test_parts_read_snapshots_written_by_hand(
    team: Team, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _mixed_history(team, clock)
    clock.advance(minutes=1)
    _forge_event(team.admin, clock.now, ids["pause"], "key.edited", '{"name": "Paused one"')
    _forge_event(team.admin, clock.now, "Forged000001", "key.created", "not JSON at all")
    _forge_event(team.admin, clock.now, "Forged000002", "key.created", '{"name": "ok"}')
    clock.advance(minutes=1)

    rows = team.admin.inventory.as_of(clock.now)
    assert rows == _in_one_pass(monkeypatch, lambda: team.admin.inventory.as_of(clock.now))
    by_id = {row.key_id: row for row in rows}
    assert by_id["Forged000001"].name == "" and by_id["Forged000002"].name == "ok"


@pytest.mark.parametrize("parts", [2, 3])
def test_an_evidence_pack_is_the_same_from_parts(
    team: Team, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: int
) -> None:
    """The first worker writes the start inventory (with the other parts sent to it)."""
    _mixed_history(team, clock)
    start, end = (clock.now - timedelta(days=14)).date(), clock.now.date()
    team.auditor.evidence.export(start, end, tmp_path / "one-pass")
    monkeypatch.setattr(inventory_module, "IN_PROCESS_UP_TO", 0)
    monkeypatch.setattr(inventory_module, "MAX_PARTS", parts)
    team.auditor.evidence.export(start, end, tmp_path / "parts")

    same, different, missing = filecmp.cmpfiles(
        tmp_path / "one-pass", tmp_path / "parts", [*PACK_FILES, "manifest.json"], shallow=False
    )
    assert (len(same), different, missing) == (len(PACK_FILES) + 1, [], [])
    assert (tmp_path / "parts" / "inventory-start.csv").read_text("utf-8").count("\n") > 3


@pytest.mark.usefixtures("in_parts")
def test_cancel_ends_every_worker(team: Team, clock: Clock) -> None:
    _mixed_history(team, clock)
    seen: list[tuple[int, int]] = []

    def cancel_after_the_start(done: int, total: int) -> bool:
        seen.append((done, total))
        return len(seen) < 2

    with pytest.raises(Cancelled):
        team.admin.inventory.as_of(clock.now, cancel_after_the_start)
    assert _inventory_workers() == []
    assert multiprocessing.active_children() == []
    # Progress counts every part's reading of the trail.
    calls: list[tuple[int, int]] = []

    def note(done: int, total: int) -> bool:
        calls.append((done, total))
        return True

    team.admin.inventory.as_of(clock.now, note)
    assert calls[-1][0] == calls[-1][1] > 0
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


@pytest.mark.usefixtures("in_parts")
def test_the_rows_kept_are_out_of_the_collectors_sight(team: Team, clock: Clock) -> None:
    """The first collection after a rebuild walked every row (~1 s at 1,000,000, holding the
    GIL while the window waits): the rows are frozen instead. A cancelled one freezes nothing."""
    _mixed_history(team, clock)
    assert gc.isenabled()
    before = gc.get_freeze_count()
    with pytest.raises(Cancelled):
        team.admin.inventory.as_of(clock.now, lambda done, total: False)
    assert gc.isenabled() and gc.get_freeze_count() == before
    rows = team.admin.inventory.as_of(clock.now)
    assert len(rows) > 3
    assert gc.isenabled() and gc.get_freeze_count() >= before + len(rows)


@pytest.mark.parametrize("parts", [1, 3])
def test_rows_of_one_owner_share_their_strings(
    team: Team, clock: Clock, monkeypatch: pytest.MonkeyPatch, parts: int
) -> None:
    """At 1,000,000 keys a string per row for the owner and the environment was ~110 MB:
    now one per part (a worker's rows arrive sharing theirs)."""
    _mixed_history(team, clock)
    monkeypatch.setattr(inventory_module, "IN_PROCESS_UP_TO", 0)
    monkeypatch.setattr(inventory_module, "MAX_PARTS", parts)
    rows = team.admin.inventory.as_of(clock.now)
    by_owner: dict[str, set[int]] = {}
    for row in rows:
        by_owner.setdefault(row.owner_login, set()).add(id(row.owner_login))
    assert max(len(row_ids) for row_ids in by_owner.values()) <= parts
    assert len({id(row.environment) for row in rows}) <= parts * len({r.environment for r in rows})
    assert len(rows) > len(by_owner)  # some owner has several keys


def test_a_worker_that_cannot_open_the_file_says_so_and_ends(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inventory_module, "MAX_PARTS", 2)
    services.keys.create("One")
    gone = tmp_path / "moved-away.db"
    with services.context.read() as session:
        up_to = 1
        request = PartRequest(
            f"sqlite:///{gone}", str(gone), up_to, (0, 0), (datetime.now(UTC),), {}, None, False
        )
        with pytest.raises(DatabaseError) as missing:
            inventory_module._in_parts(session, request, None, None, None)
    assert "cannot be opened" in missing.value.message
    assert not gone.exists()
    assert _inventory_workers() == []


def test_a_worker_imports_neither_sqlalchemy_nor_the_services(tmp_path: Path) -> None:
    """What a spawned inventory worker loads before its first row."""
    assert services_modules_loaded_by("app.services.inventory_worker", tmp_path) == [
        "app.services.inventory_worker",
        "app.services.walk_worker",
    ]


def test_the_parts_hold_every_key_once() -> None:
    """Every id falls in exactly one part's range, ids outside the key alphabet too, and the
    caller's part holds the largest share of the alphabet."""
    ids = [new_key_id() for _ in range(2_000)]
    ids += ["", "0", "00", "A", "Zz", "a", "b", "zzzz", "~", "\x00", "é", "ключ", "\U0010ffff"]
    for parts in range(1, 6):
        ranges = inventory_module.part_ranges(parts)
        assert len(ranges) == parts
        assert ranges[0][0] == "" and ranges[-1][1] is None
        for key_id in ids:
            holding = [r for r in ranges if r[0] <= key_id and (r[1] is None or key_id < r[1])]
            assert len(holding) == 1, (parts, key_id)
        share = [sum(low <= i and (high is None or i < high) for i in ids) for low, high in ranges]
        assert share[0] == max(share)
        assert min(share) > 0


def test_a_request_never_shows_its_url() -> None:
    url = "postgresql://u:secret-xyzzy@h/db"
    request = PartRequest(url, "f", 1, EVERY_KEY, (), {}, None, False)
    assert "xyzzy" not in repr(request)
    assert "xyzzy" not in repr(dataclasses.replace(request, ids=("a", "b")))


@pytest.mark.usefixtures("in_parts")
def test_cancel_while_the_worker_writes_leaves_no_pack_and_no_process(
    team: Team, clock: Clock, tmp_path: Path
) -> None:
    """Cancel while the events are written (the worker writing the start inventory)."""
    _mixed_history(team, clock)
    start, end = (clock.now - timedelta(days=14)).date(), clock.now.date()
    out = tmp_path / "out"
    out.mkdir()
    rebuilt: list[bool] = []

    def cancel_when_writing(done: int, total: int) -> bool:
        answer = True not in rebuilt  # Cancel at the first report after the rebuild's 100 %
        rebuilt.append(done >= total)
        return answer

    with pytest.raises(Cancelled):
        team.auditor.evidence.export(start, end, out / "pack", cancel_when_writing)
    assert os.listdir(out) == []  # neither the pack nor its temporary folder
    assert _inventory_workers() == []
    assert multiprocessing.active_children() == []


def test_the_period_read_along_the_time_index_is_the_period_read_event_by_event(
    services: Services,
) -> None:
    """An evidence pack's period on a SQLite file in parts (its first and last event, the
    last before it) is read along the time index: the same seqs as noting every event in
    order (the one-pass path), for stored times in both forms, out of seq order, at the
    bounds' very seconds, and written by hand."""
    seconds = ["2026-03-01T00:00:00", "2026-03-31T23:59:59", "2026-04-01T00:00:00"]
    stored = [
        "2026-02-28T23:59:59Z",
        "2026-02-28T23:59:59.999999Z",
        *(second + "Z" for second in seconds),
        *(second + ".000000Z" for second in seconds),
        *(second + ".500000Z" for second in seconds),
        "2026-03-15T12:00:00.000001Z",
        "2026-03-01T00:00:00+00:00",  # by hand: no Z
        "2026-03-01T00:00:0",  # by hand: cut short
        "2026-03-01T00:00:00é",
        "2026-03-01T00:00:01",
        "not a time",
        "",
    ]
    rng = random.Random(11)
    # The newest: in the period's first second, but before its start (compared whole).
    for occurred in [*(rng.choice(stored) for _ in range(400)), "2026-03-01T00:00:00+00:00"]:
        _forge_event(services, occurred, "Forged000001", "key.edited", None)
    events = AuditEvent.__table__
    with services.engine.connect() as connection:
        everything = connection.execute(
            sa.select(events.c.seq, events.c.occurred_at).order_by(events.c.seq)
        ).all()
    up_to = everything[-1][0]
    periods = [
        (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)),
        (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 1, 0, 0, 0, 500000, tzinfo=UTC)),
        (datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
        (datetime(2020, 1, 1, tzinfo=UTC), datetime(2020, 2, 1, tzinfo=UTC)),
    ]
    seen = []
    for low, high in periods:
        for below in (up_to, up_to - 150):
            expected = PeriodScan(instant_text(low), instant_text(high))
            expected.observe(
                [(seq, comparable(occurred)) for seq, occurred in everything if seq <= below]
            )
            indexed = PeriodScan(instant_text(low), instant_text(high))
            with services.engine.connect() as connection, Session(connection) as session:
                inventory_module._scan_period(session, indexed, below)
            found = (indexed.first, indexed.last, indexed.before, indexed.head)
            assert found == (expected.first, expected.last, expected.before, expected.head)
            seen.append(found)
    # Periods with events and without, with events before them and without.
    assert {first is None for first, *_ in seen} == {True, False}
    assert any(before is not None for _, _, before, _ in seen)
