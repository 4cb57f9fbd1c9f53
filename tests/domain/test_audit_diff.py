"""An event's before/after as a person compares them: whole values, readable labels and times,
and one-line summaries that never hide a change behind a shared beginning."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.domain.audit import AuditAction, AuditRecord
from app.domain.audit_diff import FieldChange, field_changes, shorten_pair
from app.services.dto import AuditEventDTO

KEY = {
    "id": "AbCdEfGhIjKl",
    "name": "Salesforce Data Sync",
    "description": "Nightly CRM sync",
    "owner": "maria",
    "environment": "live",
    "state": "active",
    "masked": "kw_live_AbCdEfGhIjKl_…wxyz",
    "expires_at": "2031-12-31T23:59:59Z",
    "revoked_at": None,
    "revoked_reason": None,
    "version": 3,
}
OPENING = "Pulls the nightly opportunity snapshot from Salesforce into the warehouse, "
LONG_BEFORE = OPENING + "owned by the data team; runs on etl-01 at 02:00 UTC every night."
LONG_AFTER = OPENING + "owned by the data team; runs on etl-02 at 03:00 UTC every night."


def by_field(changes: list[FieldChange]) -> dict[str, FieldChange]:
    return {change.field: change for change in changes}


def test_an_edit_shows_every_field_with_the_changed_ones_marked() -> None:
    after = dict(KEY, description=LONG_AFTER, version=4)
    changes = by_field(field_changes(dict(KEY, description=LONG_BEFORE), after))
    description = changes["description"]
    assert description.changed
    assert description.label == "Description"
    assert (description.before, description.after) == (LONG_BEFORE, LONG_AFTER)  # whole
    assert not changes["name"].changed and changes["name"].before == "Salesforce Data Sync"
    assert [c.field for c in field_changes(KEY, after) if c.changed] == ["description"]
    assert "version" not in changes  # bookkeeping
    assert by_field(field_changes(KEY, after, all_fields=True))["version"].changed


def test_labels_are_readable_and_the_order_is_a_persons() -> None:
    changes = field_changes(None, KEY)
    labels = [change.label for change in changes]
    assert labels[:2] == ["Name", "Key id"]
    for label in ("Description", "Owner", "Environment", "Status", "Expires", "Revoked"):
        assert label in labels
    assert by_field(changes)["revoked_reason"].label == "Revocation reason"


def test_times_read_as_utc_and_nothing_as_empty() -> None:
    changes = by_field(field_changes(KEY, dict(KEY, expires_at="2032-01-31T08:15:00.250000Z")))
    assert changes["expires_at"].before == "2031-12-31 23:59:59 UTC"
    assert changes["expires_at"].after == "2032-01-31 08:15:00.250000 UTC"
    revoked = by_field(field_changes(KEY, dict(KEY, state="revoked", revoked_reason="leaked")))
    assert revoked["revoked_reason"].before == "" and revoked["revoked_reason"].after == "leaked"
    user = by_field(field_changes({"active": True}, {"active": False}))
    assert (user["active"].before, user["active"].after) == ("yes", "no")


def test_a_created_event_shows_every_field_as_new_and_a_deleted_one_as_gone() -> None:
    created = field_changes(None, KEY)
    assert created and all(c.changed and c.before == "" for c in created)
    assert by_field(created)["name"].after == "Salesforce Data Sync"
    deleted = field_changes(KEY, None)
    assert deleted and all(c.changed and c.after == "" for c in deleted)
    assert by_field(deleted)["name"].before == "Salesforce Data Sync"
    assert field_changes(None, None) == []


def test_an_unknown_field_still_gets_a_label_and_its_whole_value() -> None:
    [change] = field_changes({"max_active_keys": 5}, {"max_active_keys": [1, 2]})
    assert change.label == "Max active keys"
    assert (change.before, change.after) == ("5", "[1, 2]")


def test_shortening_a_pair_keeps_where_they_differ() -> None:
    old, new = shorten_pair(LONG_BEFORE, LONG_AFTER)
    assert old != new
    assert len(old) <= 41 and len(new) <= 41
    assert "etl-01" in old and "etl-02" in new
    assert old.startswith("…")
    # Short values stay whole; a value that only grows shows its new end.
    assert shorten_pair("a", "b") == ("a", "b")
    grown_old, grown_new = shorten_pair(LONG_BEFORE, LONG_BEFORE + " Also on Sundays.")
    assert grown_old != grown_new


def _event(before: dict[str, Any] | None, after: dict[str, Any] | None) -> AuditEventDTO:
    record = AuditRecord(1, "2031-01-01T00:00:00Z", "alice", "key.edited", "key", "x", None,
                         None, None, "host", "0" * 64, "0" * 64)  # fmt: skip
    return AuditEventDTO(
        seq=1,
        occurred_at=datetime(2031, 1, 1, tzinfo=UTC),
        actor="alice",
        action=AuditAction.KEY_EDITED,
        target_type="key",
        target_id="x",
        before=before,
        after=after,
        reason=None,
        host="host",
        record=record,
    )


def test_the_summary_shows_a_difference_beyond_the_first_forty_characters() -> None:
    summary = _event(dict(KEY, description=LONG_BEFORE), dict(KEY, description=LONG_AFTER))
    line = summary.summary()
    assert "etl-01" in line and "etl-02" in line
    left, right = line.split(" → ")
    assert left != right
    short = _event(dict(KEY, name="A"), dict(KEY, name="B")).summary()
    assert short == "Edited (name: A → B)"
