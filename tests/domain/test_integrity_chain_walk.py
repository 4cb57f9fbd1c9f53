"""``ChainWalk`` gives ``verify_chain``'s verdicts word for word, however the chain is split
into ranges and joined (issue 8)."""

from __future__ import annotations

import dataclasses
import random
from itertools import pairwise

import pytest

from app.domain.audit import (
    ENCODING_VERSION,
    GENESIS_HASH,
    AuditRecord,
    ChainWalk,
    Link,
    event_hash,
    record_hash,
    verify_chain,
)


def _chain(count: int) -> list[AuditRecord]:
    records = []
    previous = GENESIS_HASH
    for seq in range(1, count + 1):
        fields = {
            "seq": seq,
            "occurred_at": f"2026-03-02T09:00:{seq % 60:02d}Z",
            "actor": "ada",
            "action": "key.edited",
            "target_type": "key",
            "target_id": f"K{seq:011d}",
            "before": None if seq % 3 else '{"name":"café"}',
            "after": '{"name":"日本"}',
            "reason": "two\nlines" if seq % 2 else None,
            "host": "h",
            "prev_hash": previous,
        }
        previous = event_hash(**fields)  # type: ignore[arg-type]
        records.append(AuditRecord(**fields, hash=previous))  # type: ignore[arg-type]
    return records


def _link(record: AuditRecord) -> Link:
    fields = (
        record.occurred_at,
        record.actor,
        record.action,
        record.target_type,
        record.target_id,
        record.before,
        record.after,
        record.reason,
        record.host,
    )
    encoded = ["-" if v is None else f"{len(v.encode())}:{v}" for v in fields]
    body = "\n".join([ENCODING_VERSION, str(record.seq), *encoded, record.prev_hash])
    return (record.seq, record.prev_hash, record.hash, body.encode())


def _walked(records: list[AuditRecord], cuts: list[int]) -> ChainWalk:
    """Walk ``records`` in ranges split before the given seqs, then join them in order."""
    bounds = [0, *cuts, 10**9]
    walks = []
    for lo, hi in pairwise(bounds):
        walk = ChainWalk({3, 20}, joinable=lo > 0)
        walk.feed([_link(r) for r in records if lo < r.seq <= hi])
        walks.append(walk)
    chain, *later = walks
    for walk in later:
        chain.then(walk)
    return chain


def _tampered(records: list[AuditRecord], kind: str, seq: int) -> list[AuditRecord]:
    index = seq - 1
    changed = list(records)
    if kind == "edit":
        changed[index] = dataclasses.replace(changed[index], target_id="tampered")
    elif kind == "delete":
        del changed[index]
    elif kind == "swap":
        a, b = changed[index], changed[index + 1]
        changed[index] = dataclasses.replace(b, seq=a.seq)
        changed[index + 1] = dataclasses.replace(a, seq=b.seq)
    elif kind == "relink":
        changed[index] = dataclasses.replace(changed[index], prev_hash="f" * 64)
    return changed


def test_the_encoding_is_what_event_hash_hashes() -> None:
    import hashlib

    for record in _chain(12):
        assert hashlib.sha256(_link(record)[3]).hexdigest() == record_hash(record) == record.hash


@pytest.mark.parametrize("kind", ["edit", "delete", "swap", "relink", "none"])
def test_any_split_gives_the_verdict_of_one_walk(kind: str) -> None:
    rng = random.Random(8)
    records = _chain(40)
    head = records[-1]
    for seq in [1, 2, 19, 20, 21, 39] + [rng.randrange(1, 40) for _ in range(10)]:
        changed = records if kind == "none" else _tampered(records, kind, seq)
        expected = verify_chain(changed, head_seq=head.seq, head_hash=head.hash)
        for cuts in ([], [20], [seq - 1, seq], [seq], [10, 20, 30], [1, 2, 3]):
            cuts = sorted({c for c in cuts if 0 < c < 40})
            walked = _walked(changed, cuts)
            assert walked.report(head_seq=head.seq, head_hash=head.hash) == expected, (seq, cuts)
            assert walked.fed == len(changed)
            assert walked.hashes == {r.seq: r.hash for r in changed if r.seq in {3, 20}}


def test_a_missing_tail_and_a_moved_head_are_reported_as_before() -> None:
    records = _chain(30)
    for head in (records[-1], records[10]):
        for kept in (records[:25], records):
            expected = verify_chain(kept, head_seq=head.seq, head_hash=head.hash)
            walked = _walked(kept, [12, 24])
            assert walked.report(head_seq=head.seq, head_hash=head.hash) == expected
