"""The audit hash chain: an intact trail passes, and each kind of tampering names its event."""

from __future__ import annotations

import dataclasses

import pytest

from app.domain.audit import (
    GENESIS_HASH,
    AuditAction,
    AuditRecord,
    canonical_json,
    record_hash,
    verify_chain,
)


def _chain(length: int = 6) -> list[AuditRecord]:
    records: list[AuditRecord] = []
    previous = GENESIS_HASH
    for seq in range(1, length + 1):
        draft = AuditRecord(
            seq=seq,
            occurred_at=f"2026-03-02T09:{seq:02d}:00Z",
            actor="ada",
            action=AuditAction.KEY_EDITED.value,
            target_type="key",
            target_id=f"key{seq:09d}",
            before=canonical_json({"name": f"Old {seq}"}),
            after=canonical_json({"name": f"New {seq}"}),
            reason=None if seq % 2 else "tidy up",
            host="workstation-1",
            prev_hash=previous,
            hash="",
        )
        record = dataclasses.replace(draft, hash=record_hash(draft))
        records.append(record)
        previous = record.hash
    return records


def _rehashed(record: AuditRecord, **changes: object) -> AuditRecord:
    """What a forger with the code (but no way to touch later events) would write."""
    draft = dataclasses.replace(record, **changes)  # type: ignore[arg-type]
    return dataclasses.replace(draft, hash=record_hash(draft))


def _head(records: list[AuditRecord]) -> dict[str, object]:
    return {"head_seq": records[-1].seq, "head_hash": records[-1].hash}


def test_an_intact_chain_passes_with_and_without_a_head() -> None:
    records = _chain()
    for report in (verify_chain(records), verify_chain(records, **_head(records))):  # type: ignore[arg-type]
        assert report.ok
        assert report.events_checked == 6
        assert report.first_bad_seq is None
        assert report.message == "The audit trail is intact: 6 events, chain unbroken."


def test_a_trail_of_one_event_is_counted_in_the_singular() -> None:
    report = verify_chain(_chain()[:1])
    assert report.message == "The audit trail is intact: 1 event, chain unbroken."


def test_an_empty_trail_is_intact() -> None:
    assert verify_chain([]).ok


def test_the_first_event_follows_the_genesis_hash() -> None:
    records = _chain()
    assert records[0].prev_hash == GENESIS_HASH == "0" * 64


def test_canonical_json_is_stable_and_keeps_unicode() -> None:
    assert canonical_json({"b": 1, "a": "Überweisung"}) == '{"a":"Überweisung","b":1}'
    assert canonical_json(None) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("occurred_at", "2026-03-02T09:03:01Z"),
        ("actor", "mallory"),
        ("action", AuditAction.KEY_CREATED.value),
        ("target_type", "user"),
        ("target_id", "someone-else"),
        ("before", canonical_json({"name": "Forged"})),
        ("after", None),
        ("reason", "nothing to see"),
        ("host", "elsewhere"),
    ],
)
def test_a_modified_field_is_named_at_its_event(field: str, value: object) -> None:
    records = _chain()
    records[2] = dataclasses.replace(records[2], **{field: value})  # type: ignore[arg-type]
    report = verify_chain(records, **_head(records))  # type: ignore[arg-type]
    assert not report.ok
    assert report.first_bad_seq == 3
    assert "modified" in (report.problem or "")
    assert report.message.startswith("The audit trail was tampered with at event #3:")


def test_a_modified_and_rehashed_event_breaks_the_link_to_the_next_one() -> None:
    records = _chain()
    records[2] = _rehashed(records[2], actor="mallory")
    report = verify_chain(records, **_head(records))  # type: ignore[arg-type]
    assert not report.ok
    assert report.first_bad_seq == 4


def test_a_modified_and_rehashed_newest_event_is_caught_by_the_head() -> None:
    records = _chain()
    original_head = _head(records)
    records[-1] = _rehashed(records[-1], reason="forged")
    report = verify_chain(records, **original_head)  # type: ignore[arg-type]
    assert not report.ok
    assert report.first_bad_seq == 6


def test_a_changed_hash_value_is_named() -> None:
    records = _chain()
    records[1] = dataclasses.replace(records[1], hash="f" * 64)
    report = verify_chain(records)
    assert report.first_bad_seq == 2


@pytest.mark.parametrize("deleted", [1, 3, 5])
def test_a_deleted_event_is_named(deleted: int) -> None:
    records = _chain()
    head = _head(records)
    del records[deleted - 1]
    report = verify_chain(records, **head)  # type: ignore[arg-type]
    assert not report.ok
    assert report.first_bad_seq == deleted
    assert "missing" in (report.problem or "")


def test_a_deleted_event_with_the_later_ones_renumbered_is_named() -> None:
    records = _chain()
    head = _head(records)
    del records[2]
    records = [
        dataclasses.replace(record, seq=index) for index, record in enumerate(records, start=1)
    ]
    report = verify_chain(records, **head)  # type: ignore[arg-type]
    assert not report.ok
    assert report.first_bad_seq == 3


def test_an_inserted_forged_event_breaks_the_chain_right_after_it() -> None:
    records = _chain()
    head = _head(records)
    forged = _rehashed(
        records[2],
        seq=4,
        prev_hash=records[2].hash,
        actor="mallory",
        action=AuditAction.KEY_DELETED.value,
    )
    later = [dataclasses.replace(record, seq=record.seq + 1) for record in records[3:]]
    tampered = [*records[:3], forged, *later]
    report = verify_chain(tampered, **head)  # type: ignore[arg-type]
    assert not report.ok
    # The forgery itself links to #3; the old #4, now #5, no longer follows it.
    assert report.first_bad_seq == 5


def test_an_inserted_event_with_a_repeated_seq_is_named() -> None:
    records = _chain()
    tampered = [*records[:3], records[2], *records[3:]]
    report = verify_chain(tampered)
    assert not report.ok
    assert report.first_bad_seq == 3
    assert "inserted or reordered" in (report.problem or "")


def test_an_event_appended_after_the_head_is_named() -> None:
    records = _chain()
    head = _head(records)
    extra = _rehashed(records[-1], seq=7, prev_hash=records[-1].hash, actor="mallory")
    report = verify_chain([*records, extra], **head)  # type: ignore[arg-type]
    assert not report.ok
    assert report.first_bad_seq == 7
    assert "inserted" in (report.problem or "")


def test_two_events_swapped_in_place_are_named_at_the_first() -> None:
    # In the database the order is the seq; swapping contents keeps the seq numbers.
    records = _chain()
    head = _head(records)
    third, fourth = records[2], records[3]
    records[2] = dataclasses.replace(fourth, seq=3)
    records[3] = dataclasses.replace(third, seq=4)
    report = verify_chain(records, **head)  # type: ignore[arg-type]
    assert not report.ok
    assert report.first_bad_seq == 3


def test_two_lines_swapped_in_an_export_are_named_at_the_first() -> None:
    records = _chain()
    records[2], records[3] = records[3], records[2]
    report = verify_chain(records)
    assert not report.ok
    assert report.first_bad_seq == 3


@pytest.mark.parametrize("removed", [1, 2, 5])
def test_a_truncated_tail_is_caught_against_the_head(removed: int) -> None:
    records = _chain()
    head = _head(records)
    kept = records[:-removed]
    # On its own the shorter trail is a valid chain; only the head tells the difference.
    assert verify_chain(kept).ok
    report = verify_chain(kept, **head)  # type: ignore[arg-type]
    assert not report.ok
    assert report.first_bad_seq == 6 - removed + 1
    assert "missing" in (report.problem or "")


def test_a_head_that_does_not_match_the_newest_event_is_named() -> None:
    records = _chain()
    report = verify_chain(records, head_seq=6, head_hash="a" * 64)
    assert not report.ok
    assert report.first_bad_seq == 6


def test_a_record_as_a_dict_has_every_field_as_stored() -> None:
    for record in _chain(3):
        assert record.as_dict() == dataclasses.asdict(record)
        assert list(record.as_dict()) == [field.name for field in dataclasses.fields(record)]
