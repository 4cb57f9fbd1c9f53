"""Signed checkpoints (DESIGN §6): what is signed, the file format, and the chain check."""

from __future__ import annotations

import dataclasses
import json
import pickle
from datetime import UTC, datetime
from typing import Any

import pytest

from app.domain.audit import (
    GENESIS_HASH,
    AuditAction,
    AuditRecord,
    canonical_json,
    record_hash,
    verify_chain,
)
from app.domain.checkpoint import (
    Checkpoint,
    CheckpointError,
    KnownKey,
    SigningKey,
    check_checkpoints,
    fingerprint_of,
    parse_file,
    sign,
    signature_problem,
    to_file_text,
    verify_with_checkpoints,
)

DATABASE = "3f2b8c1e-7d4a-4f6b-9a0e-2c5d8e1f4a7b"
OTHER_DATABASE = "00000000-0000-4000-8000-000000000000"
WHEN = datetime(2031, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)


def _link(seq: int, previous: str, **changes: Any) -> AuditRecord:
    fields: dict[str, Any] = {
        "seq": seq,
        "occurred_at": f"2031-03-02T09:{seq % 60:02d}:00Z",
        "actor": "ada",
        "action": AuditAction.KEY_EDITED.value,
        "target_type": "key",
        "target_id": f"key{seq:09d}",
        "before": canonical_json({"name": f"Old {seq}"}),
        "after": canonical_json({"name": f"New {seq}"}),
        "reason": None,
        "host": "workstation-1",
        "prev_hash": previous,
        "hash": "",
        **changes,
    }
    draft = AuditRecord(**fields)
    return dataclasses.replace(draft, hash=record_hash(draft))


def chain(length: int = 10) -> list[AuditRecord]:
    records: list[AuditRecord] = []
    previous = GENESIS_HASH
    for seq in range(1, length + 1):
        records.append(_link(seq, previous))
        previous = records[-1].hash
    return records


def rewrite(records: list[AuditRecord], seq: int, **changes: Any) -> list[AuditRecord]:
    """What the database's superuser can do: change one event, recompute every later hash."""
    out = records[: seq - 1]
    previous = out[-1].hash if out else GENESIS_HASH
    for record in records[seq - 1 :]:
        fields = {**record.as_dict(), **(changes if record.seq == seq else {})}
        fields.pop("hash")
        fields["prev_hash"] = previous
        out.append(_link(**fields, previous=fields.pop("prev_hash")))
        previous = out[-1].hash
    return out


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture(scope="module")
def known(key: SigningKey) -> dict[str, KnownKey]:
    return {key.fingerprint: KnownKey(key.fingerprint, "ada", key.public_key)}


def checkpoint_at(key: SigningKey, record: AuditRecord, signer: str = "ada") -> Checkpoint:
    return sign(
        key, seq=record.seq, hash=record.hash, signed_at=WHEN, database_id=DATABASE, signer=signer
    )


# --------------------------------------------------------------------------- signing


def test_a_checkpoint_signs_its_fields_and_verifies_with_the_registered_key(
    key: SigningKey, known: dict[str, KnownKey]
) -> None:
    records = chain(3)
    checkpoint = checkpoint_at(key, records[-1])

    assert checkpoint.seq == 3
    assert checkpoint.hash == records[-1].hash
    assert checkpoint.signed_at == "2031-03-04T05:06:07.890123Z"
    assert checkpoint.fingerprint == key.fingerprint == fingerprint_of(key.public_key)
    assert len(checkpoint.signature) == 128
    assert signature_problem(checkpoint, known[key.fingerprint]) is None
    # The signed bytes name every field but the signature, in a fixed layout.
    assert (
        checkpoint.signed_bytes()
        == (
            f"keyward-checkpoint-1\n3\n{records[-1].hash}\n27:2031-03-04T05:06:07.890123Z\n"
            f"36:{DATABASE}\n3:ada\n{key.fingerprint}"
        ).encode()
    )


def test_whole_seconds_are_signed_without_a_fraction(key: SigningKey) -> None:
    checkpoint = sign(
        key,
        seq=1,
        hash="a" * 64,
        signed_at=WHEN.replace(microsecond=0),
        database_id=DATABASE,
        signer="ada",
    )
    assert checkpoint.signed_at == "2031-03-04T05:06:07Z"


@pytest.mark.parametrize(
    "change",
    [
        {"seq": 2},
        {"hash": "b" * 64},
        {"signed_at": "2031-03-04T05:06:08Z"},
        {"database_id": OTHER_DATABASE},
        {"signer": "eve"},
    ],
    ids=lambda change: next(iter(change)),
)
def test_any_changed_field_breaks_the_signature(key: SigningKey, change: dict[str, Any]) -> None:
    checkpoint = checkpoint_at(key, chain(3)[-1])
    altered = dataclasses.replace(checkpoint, **change)
    registered = KnownKey(key.fingerprint, altered.signer, key.public_key)
    assert "altered after signing" in (signature_problem(altered, registered) or "")


def test_a_key_that_is_not_registered_or_is_someone_elses_is_refused(key: SigningKey) -> None:
    checkpoint = checkpoint_at(key, chain(2)[-1])
    assert "not registered" in (signature_problem(checkpoint, None) or "")
    theirs = KnownKey(key.fingerprint, "bob", key.public_key)
    assert "registered to bob" in (signature_problem(checkpoint, theirs) or "")
    other = SigningKey.generate()
    swapped = KnownKey(key.fingerprint, "ada", other.public_key)
    assert "does not match its fingerprint" in (signature_problem(checkpoint, swapped) or "")


def test_the_private_key_never_shows_in_its_repr_or_a_pickle(key: SigningKey) -> None:
    secret = key.keyring_text().split(":", 1)[1]
    assert secret not in repr(key) and secret not in str(key)
    assert key.fingerprint in repr(key)
    with pytest.raises(TypeError):
        pickle.dumps(key)
    again = SigningKey.from_keyring_text(key.keyring_text())
    assert again.fingerprint == key.fingerprint


@pytest.mark.parametrize(
    "text", ["", "abc", "keyward-ed25519-1:zz", "keyward-ed25519-1:" + "0" * 63]
)
def test_a_keyring_entry_that_is_not_a_signing_key_is_refused(text: str) -> None:
    with pytest.raises(CheckpointError, match="not a Keyward signing key"):
        SigningKey.from_keyring_text(text)


# --------------------------------------------------------------------------- the file


def _file(key: SigningKey, **changes: Any) -> bytes:
    checkpoint = checkpoint_at(key, chain(4)[-1])
    data = json.loads(to_file_text(checkpoint, key.public_key))
    data.update(changes)
    return json.dumps(data).encode()


def test_a_checkpoint_file_round_trips(key: SigningKey) -> None:
    checkpoint = checkpoint_at(key, chain(4)[-1])
    text = to_file_text(checkpoint, key.public_key)
    data = json.loads(text)
    assert data["format"] == "keyward-checkpoint" and data["version"] == 1
    parsed = parse_file(text.encode())
    assert parsed.checkpoint == checkpoint
    assert parsed.public_key == key.public_key


@pytest.mark.parametrize(
    "change, refusal",
    [
        ({"seq": 3}, "altered after it was signed"),
        ({"hash": "c" * 64}, "altered after it was signed"),
        ({"signed_at": "2031-03-04T05:06:07Z"}, "altered after it was signed"),
        ({"signer": "mallory"}, "altered after it was signed"),
        ({"database_id": OTHER_DATABASE}, "altered after it was signed"),
        ({"signature": "0" * 128}, "altered after it was signed"),
        ({"public_key": "1" * 64}, "does not match its fingerprint"),
        ({"fingerprint": "2" * 64}, "does not match its fingerprint"),
        ({"seq": "4"}, "must be a whole number"),
        ({"seq": True}, "must be a whole number"),
        ({"seq": 0}, "from 1 up"),
        ({"seq": 4.0}, "must be a whole number"),
        ({"hash": "C" * 64}, "64 lowercase hexadecimal"),
        ({"signature": "ab"}, "128 hexadecimal"),
        ({"signed_at": "2031-03-04 05:06:07"}, "ISO 8601 UTC"),
        ({"signed_at": "2031-02-30T05:06:07Z"}, "not a real date"),
        ({"database_id": "not-a-uuid"}, "lowercase UUID"),
        ({"signer": ""}, "signer must be a login"),
        ({"signer": "a\u0000b"}, "signer must be a login"),
        ({"format": "something-else"}, "not a Keyward checkpoint"),
        ({"version": 2}, "reads version 1"),
        ({"version": "1"}, "reads version 1"),
        ({"extra": 1}, "unexpected field"),
    ],
)
def test_a_tampered_or_malformed_file_is_refused_with_one_sentence(
    key: SigningKey, change: dict[str, Any], refusal: str
) -> None:
    with pytest.raises(CheckpointError) as refused:
        parse_file(_file(key, **change))
    assert refusal in refused.value.message
    assert refused.value.message.count(". ") == 0 and refused.value.message.endswith(".")


def test_a_missing_field_is_named(key: SigningKey) -> None:
    data = json.loads(_file(key))
    del data["signature"]
    with pytest.raises(CheckpointError, match="lacks “signature”"):
        parse_file(json.dumps(data).encode())


@pytest.mark.parametrize(
    "data, refusal",
    [
        (b"", "not JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[1, 2]", "not a Keyward checkpoint"),
        (b'{"format": "keyward-checkpoint", "format": "keyward-checkpoint"}', "twice"),
        (b'{"format": "keyward-checkpoint", "version": NaN}', "does not allow"),
        (b"[" * 100_000, "too large"),
        (b"[" * 10_000, "not"),
    ],
)
def test_what_is_not_a_checkpoint_file_is_refused(data: bytes, refusal: str) -> None:
    with pytest.raises(CheckpointError, match=refusal):
        parse_file(data)


# --------------------------------------------------------------------------- the chain


def test_an_intact_chain_passes_through_every_checkpoint(
    key: SigningKey, known: dict[str, KnownKey]
) -> None:
    records = chain(10)
    checkpoints = [
        ("first", checkpoint_at(key, records[3])),
        ("second", checkpoint_at(key, records[9])),
    ]
    verdict = verify_with_checkpoints(
        records,
        checkpoints,
        keys=known,
        database_id=DATABASE,
        head_seq=10,
        head_hash=records[-1].hash,
    )
    assert verdict.ok
    assert [report.ok for report in verdict.checkpoints] == [True, True]
    assert "2 signed checkpoints hold" in verdict.message


def test_a_rewrite_with_every_hash_recomputed_is_caught_by_a_later_checkpoint(
    key: SigningKey, known: dict[str, KnownKey]
) -> None:
    records = chain(10)
    early, late = checkpoint_at(key, records[2]), checkpoint_at(key, records[7])
    forged = rewrite(records, 5, reason="nothing to see")
    # The chain itself is self-consistent again: only a checkpoint can tell.
    assert verify_chain(forged, head_seq=10, head_hash=forged[-1].hash).ok

    verdict = verify_with_checkpoints(
        forged,
        [("checkpoint 1", early), ("checkpoint file cp.json", late)],
        keys=known,
        database_id=DATABASE,
        head_seq=10,
        head_hash=forged[-1].hash,
    )
    assert verdict.chain.ok and not verdict.ok
    held, failed = verdict.checkpoints
    assert held.ok
    assert not failed.ok and failed.source == "checkpoint file cp.json"
    assert failed.first_bad_seq == 8
    assert failed.intact_through == 3
    assert "event #8 no longer has the hash that was signed" in failed.message
    assert "after event #3" in failed.message
    assert failed.message.startswith("Checkpoint file cp.json (event #8, signed by ada")
    assert verdict.message == failed.message


def test_a_truncated_history_is_caught_even_with_the_head_recomputed(
    key: SigningKey, known: dict[str, KnownKey]
) -> None:
    records = chain(10)
    checkpoint = checkpoint_at(key, records[8])
    truncated = records[:6]
    reports = check_checkpoints(
        truncated, [("checkpoint 1", checkpoint)], keys=known, database_id=DATABASE
    )
    [report] = reports
    assert not report.ok
    assert report.first_bad_seq == 7
    assert "event #9 no longer exists (the trail now ends at event #6)" in (report.problem or "")


def test_a_rewrite_after_the_checkpoint_leaves_it_holding(
    key: SigningKey, known: dict[str, KnownKey]
) -> None:
    records = chain(10)
    checkpoint = checkpoint_at(key, records[4])
    forged = rewrite(records, 7, reason="later change")
    [report] = check_checkpoints(forged, [("c", checkpoint)], keys=known, database_id=DATABASE)
    assert report.ok


def test_a_checkpoint_of_another_database_or_unknown_key_fails(
    key: SigningKey, known: dict[str, KnownKey]
) -> None:
    records = chain(4)
    checkpoint = checkpoint_at(key, records[-1])
    [other_db] = check_checkpoints(
        records, [("c", checkpoint)], keys=known, database_id=OTHER_DATABASE
    )
    assert not other_db.ok and "another database" in (other_db.problem or "")
    [unknown] = check_checkpoints(records, [("c", checkpoint)], keys={}, database_id=DATABASE)
    assert not unknown.ok and "not registered" in (unknown.problem or "")


def test_a_stored_checkpoint_altered_into_garbage_fails_instead_of_crashing(
    key: SigningKey, known: dict[str, KnownKey]
) -> None:
    records = chain(4)
    garbage = dataclasses.replace(checkpoint_at(key, records[-1]), signature="not hex")
    [report] = check_checkpoints(records, [("c", garbage)], keys=known, database_id=DATABASE)
    assert not report.ok and report.problem
    broken_key = {key.fingerprint: KnownKey(key.fingerprint, "ada", "zz")}
    [report] = check_checkpoints(
        records, [("c", checkpoint_at(key, records[-1]))], keys=broken_key, database_id=DATABASE
    )
    assert not report.ok


def test_a_broken_chain_is_reported_before_the_checkpoints(
    key: SigningKey, known: dict[str, KnownKey]
) -> None:
    records = chain(6)
    checkpoint = checkpoint_at(key, records[-1])
    tampered = [*records[:2], dataclasses.replace(records[2], reason="edited"), *records[3:]]
    verdict = verify_with_checkpoints(
        tampered, [("c", checkpoint)], keys=known, database_id=DATABASE
    )
    assert not verdict.ok
    assert verdict.chain.first_bad_seq == 3
    assert verdict.message == verdict.chain.message
    # The rest of the chain was still read, so the checkpoint's own verdict is exact.
    assert verdict.checkpoints[0].ok
