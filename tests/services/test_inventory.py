"""The inventory as of an instant, rebuilt from the audit trail (issue 8, item 4).

SQLite always; PostgreSQL and MariaDB when their URLs are set (the events there are written
by the databases' own routines, with their own JSON snapshots).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

import app.services.inventory_worker as inventory_worker
from app.data.models import AuditEvent
from app.data.server import stored_table
from app.domain.errors import Cancelled, KeywardError, PermissionDenied
from app.domain.status import KeyState, derive_status
from app.services import Services
from app.services.dto import KeyDTO, KeyQuery
from app.services.inventory import (
    InventoryRow,
    instant_text,
    inventories,
    owner_names,
    visible_owner,
)
from tests.support import Clock, OpenServices, Team, make_team


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 9, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def team(open_as: OpenServices, clock: Clock) -> Team:
    return make_team(open_as, clock)


def live(services: Services) -> list[KeyDTO]:
    return list(services.keys.page(KeyQuery(limit=1000)).rows)


def _live_view(key: KeyDTO) -> tuple[object, ...]:
    return (
        key.key_id,
        key.name,
        key.owner_login,
        key.owner_name,
        key.status.value,
        key.environment,
        key.expires_at,
        key.revoked_at,
        key.description,
    )


def _past_view(row: InventoryRow) -> tuple[object, ...]:
    return (
        row.key_id,
        row.name,
        row.owner_login,
        row.owner_name,
        row.status,
        row.environment,
        row.expires_at,
        row.revoked_at,
        row.description,
    )


def _mixed_history(team: Team, clock: Clock) -> dict[str, str]:
    admin, manager = team.admin, team.manager
    ids = {}
    ids["sync"] = admin.keys.create("Salesforce Data Sync", "nightly", owner="maria").key.key_id
    ids["etl"] = admin.keys.create("Snowflake ETL", expires="2026-09-10").key.key_id
    ids["hub"] = manager.keys.create("HubSpot", owner="mike").key.key_id
    ids["gone"] = admin.keys.create("Temporary").key.key_id
    ids["pause"] = team.member.keys.create("Paused one").key.key_id
    ids["rot"] = admin.keys.create("Rotating").key.key_id
    clock.advance(days=2)
    admin.keys.edit(ids["sync"], name="Salesforce Sync", description="nightly, EU")
    team.member.keys.disable(ids["pause"])
    clock.advance(days=1)
    manager.keys.revoke(ids["sync"], "suspected leak")
    admin.keys.delete(ids["gone"])
    ids["rot2"] = admin.keys.rotate(ids["rot"], timedelta(days=3)).key.key_id
    clock.advance(days=2)
    team.member.keys.enable(ids["pause"])
    team.member.keys.disable(ids["pause"])
    admin.users.deactivate("mike")
    clock.advance(days=10)  # the ETL key and the rotated key's grace period have expired
    return ids


def test_inventory_as_of_now_equals_the_live_table(team: Team, clock: Clock) -> None:
    _mixed_history(team, clock)
    for services in (team.admin, team.auditor, team.manager):
        rows = services.inventory.as_of(clock.now)
        assert sorted(map(_past_view, rows)) == sorted(map(_live_view, live(services)))
    statuses = {row.name: row.status for row in team.admin.inventory.as_of(clock.now)}
    assert statuses["Snowflake ETL"] == "expired"
    assert statuses["Salesforce Sync"] == "revoked"
    assert statuses["HubSpot"] == "revoked"  # owner deactivated
    assert statuses["Paused one"] == "disabled"
    assert "Temporary" not in statuses


def test_inventory_before_a_rename_and_revoke_shows_the_key_as_it_was(
    team: Team, clock: Clock
) -> None:
    start = clock.now
    ids = _mixed_history(team, clock)
    before = {row.key_id: row for row in team.auditor.inventory.as_of(start + timedelta(days=1))}
    sync = before[ids["sync"]]
    assert (sync.name, sync.status, sync.description) == (
        "Salesforce Data Sync",
        "active",
        "nightly",
    )
    assert sync.owner_login == "maria" and sync.owner_name == "Maria Lopez"
    assert sync.revoked_at is None
    assert sync.created_at == start
    assert ids["gone"] in before  # deleted later, but it existed then
    assert ids["rot2"] not in before  # not created yet
    assert before[ids["etl"]].status == "active"  # expires later
    after_revoke = {
        row.key_id: row for row in team.auditor.inventory.as_of(start + timedelta(days=3, hours=1))
    }
    assert after_revoke[ids["sync"]].status == "revoked"
    assert after_revoke[ids["sync"]].name == "Salesforce Sync"
    assert ids["gone"] not in after_revoke
    # Nothing existed before the first key.
    assert team.admin.inventory.as_of(start - timedelta(seconds=1)) == []
    # Sorted by name, then id.
    names = [row.name.casefold() for row in team.admin.inventory.as_of(clock.now)]
    assert names == sorted(names)


def test_members_see_their_own_keys_only(team: Team, clock: Clock) -> None:
    ids = _mixed_history(team, clock)
    mine = team.member.inventory.as_of(clock.now)
    assert {row.key_id for row in mine} == {ids["sync"], ids["pause"]}
    assert {row.owner_login for row in mine} == {"maria"}


def test_progress_is_reported_and_cancel_stops(team: Team, clock: Clock) -> None:
    _mixed_history(team, clock)
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return True

    team.admin.inventory.as_of(clock.now, progress)
    assert calls and calls[-1][0] == calls[-1][1] > 0
    with pytest.raises(Cancelled):
        team.admin.inventory.as_of(clock.now, lambda done, total: False)


def test_naive_instants_and_verifiers_are_refused(open_as: OpenServices) -> None:
    admin = open_as("ada")
    admin.users.add("svc", role="verifier", display_name="Service")
    with pytest.raises(ValueError):
        admin.inventory.as_of(datetime(2026, 1, 1))
    with pytest.raises(PermissionDenied):
        open_as("svc").inventory.as_of(datetime.now(UTC))


def _moment(text: Any) -> datetime | None:
    return datetime.fromisoformat(str(text)).astimezone(UTC) if text else None


def _reference_as_of(services: Services, instant: datetime) -> list[InventoryRow]:
    """The first, plain implementation: every event replayed in Python, every snapshot read."""
    bound = instant_text(instant)
    with services.context.read() as session:
        only = visible_owner(services.context.operator_in(session))
        names = owner_names(session)
        events = session.execute(
            sa.select(
                AuditEvent.occurred_at,
                AuditEvent.action,
                AuditEvent.target_type,
                AuditEvent.target_id,
                sa.func.coalesce(AuditEvent.after, AuditEvent.before),
            ).order_by(AuditEvent.seq)
        ).all()
    snapshots: dict[str, str] = {}
    created: dict[str, str] = {}
    for occurred, action, target_type, key_id, snapshot in events:
        if target_type != "key":
            continue
        if len(occurred) == 20:
            occurred = occurred[:19] + ".000000Z"
        if occurred > bound:
            continue
        if action == "key.deleted":
            snapshots.pop(key_id, None)
            created.pop(key_id, None)
            continue
        if snapshot is not None:
            snapshots[key_id] = snapshot
        if action == "key.created":
            created[key_id] = occurred
    rows = []
    for key_id, text in snapshots.items():
        data = json.loads(text)
        owner = str(data.get("owner") or "")
        if only is not None and owner != only:
            continue
        expires_at = _moment(data.get("expires_at"))
        rows.append(
            InventoryRow(
                key_id=str(data.get("id") or key_id),
                name=str(data.get("name") or ""),
                owner_login=owner,
                owner_name=names.get(owner, owner),
                status=derive_status(
                    KeyState(data.get("state") or "active"), expires_at, instant
                ).value,
                environment=str(data.get("environment") or ""),
                created_at=_moment(created.get(key_id)),
                expires_at=expires_at,
                revoked_at=_moment(data.get("revoked_at")),
                description=str(data.get("description") or ""),
            )
        )
    rows.sort(key=lambda row: (row.name.casefold(), row.key_id))
    return rows


def _random_history(team: Team, clock: Clock, rng: random.Random) -> list[datetime]:
    """Creations, edits, state changes, rotations and deletions at irregular times (whole
    seconds and microseconds, several events in one instant); the instants after each step."""
    admin, member = team.admin, team.member
    ids: list[str] = []
    moments = [clock.now - timedelta(microseconds=1)]
    for step in range(70):
        pause = rng.choice(
            [{}, {"microseconds": rng.randint(1, 999_999)}, {"seconds": 1}, {"hours": 7}]
        )
        if pause:
            clock.advance(**pause)
        choice = rng.random()
        try:
            if choice < 0.3 or not ids:
                who = rng.choice([admin, member])
                expires = rng.choice([None, "2026-09-02", "2026-09-20"])
                owner = None if who is member else rng.choice(["maria", "mike", "ada"])
                ids.append(who.keys.create(f"Key {step}", expires=expires, owner=owner).key.key_id)
            else:
                key_id = rng.choice(ids)
                if choice < 0.45:
                    admin.keys.edit(key_id, name=rng.choice(["alpha", "Beta", f"k{step}"]))
                elif choice < 0.55:
                    admin.keys.disable(key_id)
                elif choice < 0.65:
                    admin.keys.enable(key_id)
                elif choice < 0.75:
                    admin.keys.revoke(key_id, "test")
                elif choice < 0.85:
                    ids.append(admin.keys.rotate(key_id, timedelta(hours=3)).key.key_id)
                else:
                    admin.keys.delete(key_id)
                    ids.remove(key_id)
        except KeywardError:
            pass
        moments.append(clock.now)
    return moments


def test_as_of_matches_a_plain_replay_of_a_random_history(team: Team, clock: Clock) -> None:
    rng = random.Random(8)
    moments = _random_history(team, clock, rng)
    with team.admin.context.read() as session:
        actions = set(session.execute(sa.select(AuditEvent.action).distinct()).scalars())
    assert {"key.created", "key.edited", "key.disabled", "key.revoked", "key.deleted"} <= actions
    instants = set(rng.sample(moments, 25))
    instants |= {m + timedelta(microseconds=d) for m in rng.sample(moments, 10) for d in (-1, 1)}
    instants |= {m.replace(microsecond=0) for m in rng.sample(moments, 10)}
    instants.add(clock.now + timedelta(days=30))  # every expiry passed
    for instant in sorted(instants):
        for services in (team.admin, team.member):
            assert services.inventory.as_of(instant) == _reference_as_of(services, instant)


def _forge_event(
    services: Services, moment: datetime | str, key_id: str, action: str, after: str | None
) -> None:
    """An event written past the services, as the schema owner can (its ``after`` is not
    a JSON snapshot, its time maybe not one): the chain check names it; the inventory must
    still be built."""
    events = AuditEvent.__table__
    with services.engine.begin() as connection:
        newest = connection.execute(sa.select(sa.func.max(events.c.seq))).scalar_one()
        connection.execute(
            sa.insert(stored_table(events, services.engine.dialect.name)).values(
                seq=newest + 1,
                occurred_at=moment if isinstance(moment, str) else instant_text(moment),
                actor="mallory",
                action=action,
                target_type="key",
                target_id=key_id,
                before=None,
                after=after,
                reason=None,
                host="forged",
                prev_hash="0" * 64,
                hash="f" * 64,
            )
        )


def test_a_snapshot_written_by_hand_does_not_stop_the_inventory(team: Team, clock: Clock) -> None:
    ids = _mixed_history(team, clock)
    before = sorted(map(_past_view, team.admin.inventory.as_of(clock.now)))
    clock.advance(minutes=1)
    _forge_event(
        team.admin, clock.now, ids["pause"], "key.edited", '{"name": "Paused one", "owner": '
    )
    _forge_event(team.admin, clock.now, "Forged000001", "key.created", "not JSON at all")
    clock.advance(minutes=1)

    rows = {row.key_id: row for row in team.admin.inventory.as_of(clock.now)}
    # Every other key is as it was; the two keys with unreadable snapshots are listed by id.
    others = sorted(
        _past_view(row) for row in rows.values() if row.key_id not in {ids["pause"], "Forged000001"}
    )
    assert others == [view for view in before if view[0] != ids["pause"]]
    assert ids["pause"] in rows and rows["Forged000001"].name == ""
    # As of before the forgery, nothing changed at all.
    assert (
        sorted(map(_past_view, team.admin.inventory.as_of(clock.now - timedelta(minutes=2))))
        == before
    )


def test_several_instants_at_once_match_each_alone(
    team: Team, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An evidence pack rebuilds two instants in one pass, the later one keeping the earlier
    one's rows where nothing changed: the same rows as each instant alone, also for keys
    whose expiry falls between the two."""
    kept: list[bool] = []
    same_side = inventory_worker._same_side

    def noted(*args: Any) -> bool:
        kept.append(same_side(*args))
        return kept[-1]

    monkeypatch.setattr(inventory_worker, "_same_side", noted)
    rng = random.Random(5)
    moments = _random_history(team, clock, rng)
    pairs = [(min(two), max(two)) for two in (rng.sample(moments, 2) for _ in range(8))]
    pairs.append((moments[-1], moments[-1] + timedelta(hours=3, seconds=1)))  # grace ends
    for services in (team.admin, team.member):
        with services.context.read() as session:
            only = visible_owner(services.context.operator_in(session))
            for first, second in pairs:
                for as_values in (False, True):
                    together = inventories(session, [first, second], only, as_values=as_values)
                    alone = [
                        inventories(session, [instant], only, as_values=as_values)[0]
                        for instant in (first, second)
                    ]
                    assert together == alone
    assert True in kept and False in kept  # rows were kept, and some expired in between
