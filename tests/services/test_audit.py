"""The audit trail (DESIGN §6): one event per change, in the change's transaction, tamper-evident.

Tampering is done the way an attacker with database access would: SQL straight on
``audit_events``, past the services.
"""

from __future__ import annotations

import csv
import io
import json
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.data.models import AuditEvent, AuditHead
from app.data.server import stored_table
from app.domain.audit import AuditRecord, event_hash, verify_chain
from app.domain.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    PolicyConfirmationRequired,
    ValidationError,
)
from app.domain.roles import Role
from app.services import Services
from app.services.audit import read_export
from app.services.dto import AuditEventDTO
from tests.support import OpenServices

EVENTS = AuditEvent.__table__
NOW = datetime(2031, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = NOW) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: int = 1) -> None:
        self.now += timedelta(seconds=seconds)


def all_events(services: Services) -> list[AuditEventDTO]:
    return list(reversed(services.audit.recent(limit=100_000)))


def event_count(services: Services) -> int:
    with services.engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(EVENTS)).scalar_one())


class Trail:
    """What a change appended to the trail."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._seen = len(all_events(services))

    def new(self) -> list[AuditEventDTO]:
        events = all_events(self._services)
        fresh, self._seen = events[self._seen :], len(events)
        return fresh


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def admin(open_as: OpenServices, clock: Clock) -> Services:
    services = open_as("alice", clock=clock)
    services.users.add("bob", role=Role.MEMBER, display_name="Bob Builder")
    return services


def _only(events: list[AuditEventDTO]) -> AuditEventDTO:
    assert len(events) == 1, [(e.seq, e.action.value) for e in events]
    return events[0]


def _common(event: AuditEventDTO, *, actor: str, action: str, target: tuple[str, str]) -> None:
    assert event.actor == actor
    assert event.action.value == action
    assert (event.target_type, event.target_id) == target
    assert event.occurred_at == NOW or event.occurred_at > NOW
    assert event.occurred_at.utcoffset() == timedelta(0)
    assert event.record.occurred_at.endswith("Z")
    assert event.host == socket.gethostname()


# --------------------------------------------------------------------------- one event each


def test_every_key_change_appends_exactly_one_event_with_who_what_and_when(
    admin: Services, clock: Clock
) -> None:
    trail = Trail(admin)

    created = admin.keys.create("Salesforce Data Sync", "Nightly CRM sync", expires="2031-12-31")
    key_id = created.key.key_id
    event = _only(trail.new())
    _common(event, actor="alice", action="key.created", target=("key", key_id))
    assert event.occurred_at == NOW
    assert event.record.occurred_at == "2031-03-04T05:06:07.890123Z"
    assert event.before is None
    assert event.after is not None
    assert event.after["name"] == "Salesforce Data Sync"
    assert event.after["description"] == "Nightly CRM sync"
    assert event.after["owner"] == "alice"
    assert event.after["state"] == "active"
    assert event.after["masked"] == created.key.masked
    assert event.after["expires_at"] == "2032-01-01T00:00:00Z"
    assert event.reason is None

    clock.tick()
    admin.keys.edit(key_id, name="Salesforce Sync", description="Hourly CRM sync")
    event = _only(trail.new())
    _common(event, actor="alice", action="key.edited", target=("key", key_id))
    assert event.occurred_at == NOW + timedelta(seconds=1)
    assert event.changes["name"] == ("Salesforce Data Sync", "Salesforce Sync")
    assert event.changes["description"] == ("Nightly CRM sync", "Hourly CRM sync")

    admin.keys.disable(key_id)
    event = _only(trail.new())
    _common(event, actor="alice", action="key.disabled", target=("key", key_id))
    assert event.changes["state"] == ("active", "disabled")

    admin.keys.enable(key_id)
    event = _only(trail.new())
    _common(event, actor="alice", action="key.enabled", target=("key", key_id))
    assert event.changes["state"] == ("disabled", "active")

    admin.keys.revoke(key_id, "left in a public repository")
    event = _only(trail.new())
    _common(event, actor="alice", action="key.revoked", target=("key", key_id))
    assert event.changes["state"] == ("active", "revoked")
    assert event.reason == "left in a public repository"
    assert event.after is not None and event.after["revoked_reason"] == event.reason

    # A revoked key is deleted with one event, which keeps a snapshot of what was deleted.
    admin.keys.delete(key_id)
    event = _only(trail.new())
    _common(event, actor="alice", action="key.deleted", target=("key", key_id))
    assert event.before is not None and event.before["name"] == "Salesforce Sync"
    assert event.after is None
    with pytest.raises(NotFound):
        admin.keys.get(key_id)
    # The deleted key's history stays readable.
    assert [e.action.value for e in admin.keys.history(key_id)] == [
        "key.created",
        "key.edited",
        "key.disabled",
        "key.enabled",
        "key.revoked",
        "key.deleted",
    ]
    assert admin.audit.verify().ok


def test_deleting_an_active_key_revokes_it_and_deletes_it_two_events(admin: Services) -> None:
    key_id = admin.keys.create("Typeform intake").key.key_id
    trail = Trail(admin)

    admin.keys.delete(key_id)

    revoked, deleted = trail.new()
    _common(revoked, actor="alice", action="key.revoked", target=("key", key_id))
    assert revoked.changes["state"] == ("active", "revoked")
    _common(deleted, actor="alice", action="key.deleted", target=("key", key_id))
    assert deleted.before is not None and deleted.before["state"] == "revoked"


def test_a_change_that_changes_nothing_appends_nothing(admin: Services) -> None:
    key = admin.keys.create("Mailchimp", "Newsletter").key
    trail = Trail(admin)

    admin.keys.edit(key.key_id, name="Mailchimp", description="Newsletter")
    admin.keys.enable(key.key_id)
    admin.users.set_role("bob", Role.MEMBER)
    admin.policy.set_key_limit(None)

    assert trail.new() == []
    assert admin.keys.get(key.key_id).version == key.version


def test_every_user_change_appends_its_events(admin: Services) -> None:
    trail = Trail(admin)

    admin.users.add("carol", role="manager", display_name="Carol Danvers", email="c@example.org")
    event = _only(trail.new())
    _common(event, actor="alice", action="user.added", target=("user", "carol"))
    assert event.before is None
    assert event.after == {
        "login": "carol",
        "name": "Carol Danvers",
        "email": "c@example.org",
        "role": "manager",
        "active": True,
    }

    admin.users.set_role("carol", Role.AUDITOR)
    event = _only(trail.new())
    _common(event, actor="alice", action="user.role_changed", target=("user", "carol"))
    assert event.changes == {"role": ("manager", "auditor")}

    # Deactivation: one revocation per active or disabled key, then the user.
    first = admin.keys.create("Carol ETL", owner="carol").key.key_id
    second = admin.keys.create("Carol BI", owner="carol").key.key_id
    admin.keys.disable(second)
    gone = admin.keys.create("Carol old", owner="carol").key.key_id
    admin.keys.revoke(gone)
    trail.new()

    _user, revoked = admin.users.deactivate("carol")
    assert revoked == 2
    events = trail.new()
    assert [(e.action.value, e.target_id) for e in events] == [
        ("key.revoked", first),
        ("key.revoked", second),
        ("user.deactivated", "carol"),
    ]
    for event in events[:2]:
        assert event.reason == "owner deactivated"
        assert event.actor == "alice"
    assert events[2].changes == {"active": (True, False)}
    assert events[2].reason == "2 keys revoked"

    admin.users.reactivate("carol")
    event = _only(trail.new())
    _common(event, actor="alice", action="user.reactivated", target=("user", "carol"))
    assert event.changes == {"active": (False, True)}
    # Reactivation brings no key back.
    assert admin.keys.get(first).status.value == "revoked"


def test_every_policy_change_appends_one_event(admin: Services) -> None:
    trail = Trail(admin)

    admin.policy.set_key_limit(1)
    event = _only(trail.new())
    _common(event, actor="alice", action="policy.changed", target=("policy", event.target_id))
    assert event.before == {"limit": None}
    assert event.after == {"limit": "1"}

    admin.policy.set_key_limit("unlimited")
    event = _only(trail.new())
    assert (event.before, event.after) == ({"limit": "1"}, {"limit": None})

    admin.policy.set_prefix("acme")
    assert _only(trail.new()).after == {"prefix": "acme"}
    admin.policy.set_environments("live,test,stage")
    assert _only(trail.new()).after == {"environments": "live,test,stage"}


def test_replacing_the_oldest_key_under_the_limit_audits_the_revocation_with_its_reason(
    admin: Services,
) -> None:
    admin.policy.set_key_limit(1)
    old = admin.keys.create("HubSpot").key.key_id
    trail = Trail(admin)

    created = admin.keys.create("HubSpot v2", replace_oldest=True)

    revoked, new = trail.new()
    _common(revoked, actor="alice", action="key.revoked", target=("key", old))
    assert revoked.reason == "replaced under the active-key limit"
    _common(new, actor="alice", action="key.created", target=("key", created.key.key_id))


# --------------------------------------------------------------------------- same transaction


def _unchanged(services: Services, attempt: Callable[[], object], error: type[Exception]) -> None:
    """The refused attempt leaves neither an event nor a change behind."""
    events = event_count(services)
    keys = [(k.key_id, k.name, k.description, k.status, k.version) for k in _keys(services)]
    users = services.users.all()
    with pytest.raises(error):
        attempt()
    assert event_count(services) == events
    assert [(k.key_id, k.name, k.description, k.status, k.version) for k in _keys(services)] == keys
    assert services.users.all() == users
    assert services.audit.verify().ok


def _keys(services: Services) -> list:
    return list(services.keys.page().rows)


def test_refused_changes_leave_no_event_and_no_change(
    admin: Services, open_as: OpenServices
) -> None:
    key = admin.keys.create("Zapier", "Forms to CRM").key
    bob = open_as("bob")
    bob.keys.create("Bob's own")
    bobs = bob.keys.create("Bob's other").key
    admin.policy.set_key_limit(1)

    _unchanged(admin, lambda: admin.keys.create("Zapier 2"), PolicyConfirmationRequired)
    admin.keys.edit(key.key_id, description="changed by alice")
    _unchanged(
        admin,
        lambda: admin.keys.edit(key.key_id, description="stale", expected_version=key.version),
        ConflictError,
    )
    _unchanged(
        admin,
        lambda: admin.keys.disable(key.key_id, expected_version=key.version),
        ConflictError,
    )
    _unchanged(admin, lambda: admin.keys.edit(bobs.key_id, name="bob's OWN"), ValidationError)
    _unchanged(admin, lambda: bob.keys.revoke(key.key_id), NotFound)
    _unchanged(admin, lambda: bob.users.add("mallory", role="admin"), PermissionDenied)
    _unchanged(admin, lambda: bob.policy.set_key_limit(5), PermissionDenied)
    _unchanged(admin, lambda: admin.users.deactivate("alice"), ValidationError)


def test_a_change_refused_after_its_first_event_was_written_leaves_nothing(
    admin: Services,
) -> None:
    """revoke_many writes one event per key; a bad id later in the list undoes all of it."""
    first = admin.keys.create("Segment").key.key_id
    second = admin.keys.create("Amplitude").key.key_id

    _unchanged(
        admin, lambda: admin.keys.revoke_many([first, second, "nosuchkey123"], "audit"), NotFound
    )
    assert admin.keys.get(first).status.value == "active"
    assert admin.keys.get(second).status.value == "active"


# --------------------------------------------------------------------------- tampering


@pytest.fixture
def busy_trail(admin: Services, clock: Clock) -> Services:
    """A trail of a dozen or so events from several kinds of change."""
    for n in range(4):
        clock.tick()
        key_id = admin.keys.create(f"Integration {n}", f"Description {n}").key.key_id
        admin.keys.edit(key_id, description=f"Edited {n}")
    admin.keys.disable(key_id)
    admin.policy.set_key_limit(10)
    report = admin.audit.verify()
    assert report.ok, report.message
    assert report.events_checked == event_count(admin) >= 12
    return admin


def _stored(services: Services) -> sa.TableClause:
    """Where the events are stored: the owner tampers with the rows themselves."""
    return stored_table(EVENTS, services.engine.dialect.name)


def _tamper(services: Services, statement: sa.Executable) -> None:
    with services.engine.begin() as connection:
        result = connection.execute(statement)
        assert getattr(result, "rowcount", 1) != 0


def _row(services: Services, seq: int) -> dict:
    with services.engine.connect() as connection:
        return dict(connection.execute(sa.select(EVENTS).where(EVENTS.c.seq == seq)).one()._mapping)


def _assert_caught(services: Services, seq: int) -> None:
    report = services.audit.verify()
    assert report.ok is False
    assert report.first_bad_seq == seq
    assert f"#{seq}" in report.message
    assert "tampered" in report.message


def test_a_modified_field_is_caught_at_that_event(busy_trail: Services) -> None:
    _tamper(busy_trail, sa.update(EVENTS).where(EVENTS.c.seq == 5).values(actor="mallory"))
    _assert_caught(busy_trail, 5)
    assert "modified" in busy_trail.audit.verify().message


@pytest.mark.parametrize(
    "field, value",
    [
        ("occurred_at", "2020-01-01T00:00:00.000000Z"),
        ("action", "key.enabled"),
        ("target_id", "AAAAAAAAAAAA"),
        ("after", '{"name":"innocent"}'),
        ("reason", "routine"),
        ("host", "elsewhere"),
    ],
)
def test_any_modified_field_is_caught(busy_trail: Services, field: str, value: str) -> None:
    _tamper(busy_trail, sa.update(EVENTS).where(EVENTS.c.seq == 7).values({field: value}))
    _assert_caught(busy_trail, 7)


def test_a_deleted_middle_event_is_caught(busy_trail: Services) -> None:
    _tamper(busy_trail, sa.delete(_stored(busy_trail)).where(_stored(busy_trail).c.seq == 4))
    _assert_caught(busy_trail, 4)


def test_deleting_the_newest_event_is_caught_against_the_chain_head(busy_trail: Services) -> None:
    newest = event_count(busy_trail)
    _tamper(busy_trail, sa.delete(_stored(busy_trail)).where(_stored(busy_trail).c.seq == newest))
    _assert_caught(busy_trail, newest)


def test_deleting_the_newest_event_and_rewinding_the_head_is_still_caught(
    busy_trail: Services,
) -> None:
    """Rewinding the head's seq without its hash leaves the head naming the wrong event."""
    newest = event_count(busy_trail)
    _tamper(busy_trail, sa.delete(_stored(busy_trail)).where(_stored(busy_trail).c.seq == newest))
    _tamper(busy_trail, sa.update(AuditHead.__table__).values(seq=newest - 1))
    _assert_caught(busy_trail, newest - 1)


def test_a_forged_event_appended_with_a_valid_hash_is_caught(busy_trail: Services) -> None:
    last = _row(busy_trail, event_count(busy_trail))
    forged = {
        "seq": last["seq"] + 1,
        "occurred_at": "2031-03-04T06:00:00.000000Z",
        "actor": "alice",
        "action": "key.created",
        "target_type": "key",
        "target_id": "ForgedKey123",
        "before": None,
        "after": '{"name":"backdoor"}',
        "reason": None,
        "host": socket.gethostname(),
        "prev_hash": last["hash"],
    }
    _tamper(busy_trail, sa.insert(_stored(busy_trail)).values(**forged, hash=event_hash(**forged)))
    _assert_caught(busy_trail, forged["seq"])
    assert "inserted" in busy_trail.audit.verify().message


def test_a_forged_event_inserted_in_a_gap_is_caught(busy_trail: Services) -> None:
    victim = _row(busy_trail, 6)
    _tamper(busy_trail, sa.delete(_stored(busy_trail)).where(_stored(busy_trail).c.seq == 6))
    forged = {**victim, "actor": "mallory", "reason": "nothing to see"}
    _tamper(busy_trail, sa.insert(_stored(busy_trail)).values(**forged))
    _assert_caught(busy_trail, 6)


def test_two_swapped_events_are_caught_at_the_first(busy_trail: Services) -> None:
    third, fourth = _row(busy_trail, 3), _row(busy_trail, 4)
    swap_3 = {k: v for k, v in fourth.items() if k != "seq"}
    swap_4 = {k: v for k, v in third.items() if k != "seq"}
    _tamper(busy_trail, sa.update(EVENTS).where(EVENTS.c.seq == 3).values(**swap_3))
    _tamper(busy_trail, sa.update(EVENTS).where(EVENTS.c.seq == 4).values(**swap_4))
    _assert_caught(busy_trail, 3)


def test_the_audit_trail_of_an_untouched_database_stays_intact(busy_trail: Services) -> None:
    report = busy_trail.audit.verify()
    assert report.ok
    assert "intact" in report.message


# --------------------------------------------------------------------------- exports


def _export(services: Services, fmt: str) -> str:
    stream = io.StringIO(newline="")
    count = services.audit.export(stream, fmt)
    assert count == event_count(services)
    return stream.getvalue()


@pytest.fixture
def awkward_trail(busy_trail: Services) -> Services:
    """Text that export formats get wrong: quotes, commas, newlines, non-ASCII, empty fields."""
    key_id = busy_trail.keys.create(
        'Zoë\'s "CRM", sync',
        'Line one, with "quotes"\nLine two — naïve café 🙂\n\nLine four\\path',
    ).key.key_id
    busy_trail.keys.revoke(key_id, 'reason with, comma and "quotes"\nand a newline')
    return busy_trail


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_an_export_re_verifies_offline(awkward_trail: Services, fmt: str) -> None:
    text = _export(awkward_trail, fmt)

    records = list(read_export(io.StringIO(text, newline=""), fmt))
    report = verify_chain(records)

    assert report.ok, report.message
    assert report.events_checked == event_count(awkward_trail)
    stored = [event.record for event in all_events(awkward_trail)]
    assert records == stored


def _modify_exported(text: str, fmt: str, seq: int) -> str:
    if fmt == "jsonl":
        lines = text.splitlines(keepends=True)
        record = json.loads(lines[seq - 1])
        assert record["seq"] == seq
        record["actor"] = "mallory"
        lines[seq - 1] = json.dumps(record) + "\n"
        return "".join(lines)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows[seq - 1]["seq"] == str(seq)
    rows[seq - 1]["actor"] = "mallory"
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_modified_export_is_caught_offline(awkward_trail: Services, fmt: str) -> None:
    text = _modify_exported(_export(awkward_trail, fmt), fmt, 5)

    report = verify_chain(read_export(io.StringIO(text, newline=""), fmt))

    assert report.ok is False
    assert report.first_bad_seq == 5


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_an_export_with_a_line_removed_is_caught_offline(awkward_trail: Services, fmt: str) -> None:
    records = list(read_export(io.StringIO(_export(awkward_trail, fmt), newline=""), fmt))
    del records[7]

    report = verify_chain(records)

    assert report.ok is False
    assert report.first_bad_seq == 8


def test_export_rejects_an_unknown_format(busy_trail: Services) -> None:
    with pytest.raises(ValidationError, match="csv or jsonl"):
        busy_trail.audit.export(io.StringIO(), "xml")


def test_an_exported_record_is_the_stored_record(busy_trail: Services) -> None:
    text = _export(busy_trail, "jsonl")
    first = AuditRecord(**json.loads(text.splitlines()[0]))
    assert first.seq == 1
    assert first.prev_hash == "0" * 64
    assert first.action == "user.added"
