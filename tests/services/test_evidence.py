"""Evidence packs (issue 8, item 5): exported by the services, checked with no database.

SQLite always; PostgreSQL and MariaDB when their URLs are set.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
import textwrap
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from app.domain.errors import Cancelled, OutputError, PermissionDenied
from app.services.evidence import (
    EVENTS,
    MANIFEST,
    PACK_FILES,
    STDLIB_CHECK,
    EvidenceResult,
    EvidenceVerdict,
    verify_evidence,
)
from tests.support import Clock, MemoryKeyring, OpenServices, Team, make_team

PERIOD = (date(2026, 9, 5), date(2026, 9, 10))


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 9, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def team(open_as: OpenServices, clock: Clock, memory_keyring: MemoryKeyring) -> Team:
    return make_team(open_as, clock)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A folder for the packs (the SQLite database lives in tmp_path itself)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def history(team: Team, clock: Clock) -> dict[str, str]:
    """Keys made before the period, changed in it (with a checkpoint), and after it."""
    admin = team.admin
    ids = {"sync": admin.keys.create("Salesforce Data Sync", owner="maria").key.key_id}
    ids["etl"] = admin.keys.create("Snowflake ETL").key.key_id
    clock.now = datetime(2026, 9, 6, 10, 0, tzinfo=UTC)
    admin.keys.edit(ids["sync"], description="Long text — " + "x" * 300)
    team.manager.keys.revoke(ids["sync"], "suspected leak")
    ids["new"] = admin.keys.create("HubSpot", description="«Ünïcödé»\nsecond line").key.key_id
    team.auditor.checkpoints.sign()
    clock.now = datetime(2026, 9, 8, 10, 0, tzinfo=UTC)
    admin.keys.disable(ids["etl"])
    clock.now = datetime(2026, 9, 12, 10, 0, tzinfo=UTC)
    ids["later"] = admin.keys.create("Later").key.key_id
    team.auditor.checkpoints.sign()  # after the period: the pack runs up to it
    admin.keys.delete(ids["etl"])
    return ids


def export(team: Team, target: Path) -> EvidenceResult:
    return team.auditor.evidence.export(*PERIOD, target)


def lines(pack: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (pack / EVENTS).read_text("utf-8").split("\n") if line]


def rehash_manifest(pack: Path) -> None:
    """What a forger does after changing a file: make the manifest agree again."""
    manifest = json.loads((pack / MANIFEST).read_text("utf-8"))
    for name in manifest["files"]:
        manifest["files"][name] = hashlib.sha256((pack / name).read_bytes()).hexdigest()
    (pack / MANIFEST).write_text(json.dumps(manifest), "utf-8")


def run_stdlib_check(pack: Path) -> subprocess.CompletedProcess[str]:
    readme = (pack / "README.txt").read_text("utf-8")
    block = readme.split("python3 - <<'EOF'\n", 1)[1].split("    EOF\n", 1)[0]
    code = textwrap.dedent(block)
    assert code == STDLIB_CHECK  # the README shows exactly the lines tested here
    return subprocess.run(
        [sys.executable, "-I", "-c", code], cwd=pack, capture_output=True, text=True, check=False
    )


def test_a_pack_holds_the_period_and_is_checked_offline(
    team: Team, clock: Clock, out: Path
) -> None:
    ids = history(team, clock)
    pack = out / "pack"
    result = export(team, pack)
    assert result.directory == pack
    assert set(os.listdir(pack)) == {*PACK_FILES, MANIFEST}
    assert stat.S_IMODE(pack.stat().st_mode) == 0o700
    for name in os.listdir(pack):
        assert stat.S_IMODE((pack / name).stat().st_mode) == 0o600, name
    assert not [name for name in os.listdir(out) if name.startswith(".keyward")]

    verdict = verify_evidence(pack)
    assert verdict.ok, verdict.problem
    assert verdict.events == result.events and verdict.checkpoints == 2
    assert "intact" in verdict.sentence()

    manifest = json.loads((pack / MANIFEST).read_text("utf-8"))
    events = lines(pack)
    seqs = [event["seq"] for event in events]
    assert seqs == list(range(seqs[0], seqs[-1] + 1))
    period = manifest["events"]
    assert seqs[0] == period["period_first_seq"] - 1  # the link into the period
    in_period = [e for e in events if "2026-09-05" <= str(e["occurred_at"]) < "2026-09-11"]
    assert {e["seq"] for e in in_period} == set(
        range(period["period_first_seq"], period["period_last_seq"] + 1)
    )
    assert seqs[-1] > period["period_last_seq"]  # on to the checkpoint after the period
    assert {"reason", "before", "after", "prev_hash", "hash", "host"} <= set(events[0])

    start = json.loads((pack / "inventory-start.json").read_text("utf-8"))
    end = json.loads((pack / "inventory-end.json").read_text("utf-8"))
    assert {key["id"]: key["status"] for key in start["keys"]} == {
        ids["sync"]: "active",
        ids["etl"]: "active",
    }
    assert {key["id"]: key["status"] for key in end["keys"]} == {
        ids["sync"]: "revoked",
        ids["etl"]: "disabled",
        ids["new"]: "active",
    }
    csv_text = (pack / "inventory-end.csv").read_text("utf-8")
    assert csv_text.startswith("id,name,owner,owner_name,status,")
    assert "Salesforce Data Sync" in csv_text

    checked = run_stdlib_check(pack)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip() == "manifest and chain hold"


@pytest.mark.parametrize("name", [*PACK_FILES])
def test_one_changed_byte_in_any_file_is_named(
    team: Team, clock: Clock, out: Path, name: str
) -> None:
    history(team, clock)
    pack = out / "pack"
    export(team, pack)
    data = bytearray((pack / name).read_bytes())
    middle = len(data) // 2
    data[middle] = ord("#") if data[middle] != ord("#") else ord("$")
    (pack / name).write_bytes(bytes(data))
    verdict = verify_evidence(pack)
    assert not verdict.ok
    assert verdict.problem == f"{name} does not match the manifest (it was changed)."
    assert run_stdlib_check(pack).returncode != 0 or name == "README.txt"


def test_a_forged_event_breaks_the_chain_even_with_a_new_manifest(
    team: Team, clock: Clock, out: Path
) -> None:
    history(team, clock)
    pack = out / "pack"
    export(team, pack)
    events = lines(pack)
    target = next(e for e in events if e["action"] == "key.revoked")
    target["reason"] = "routine clean-up"
    (pack / EVENTS).write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), "utf-8"
    )
    rehash_manifest(pack)
    verdict = verify_evidence(pack)
    assert not verdict.ok
    assert verdict.problem == f"event #{target['seq']} was modified: its hash does not match it."
    failed = run_stdlib_check(pack)
    assert failed.returncode != 0 and "AssertionError" in failed.stderr

    # Recomputing the forged event's hash too: the next link no longer follows.
    from app.domain.audit import event_hash

    fields = {k: v for k, v in target.items() if k != "hash"}
    target["hash"] = event_hash(**fields)
    (pack / EVENTS).write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), "utf-8"
    )
    rehash_manifest(pack)
    verdict = verify_evidence(pack)
    assert not verdict.ok
    assert f"event #{int(str(target['seq'])) + 1} does not follow" in str(verdict.problem)
    assert run_stdlib_check(pack).returncode != 0


def test_a_bad_checkpoint_signature_is_named(team: Team, clock: Clock, out: Path) -> None:
    history(team, clock)
    pack = out / "pack"
    export(team, pack)
    data = json.loads((pack / "checkpoints.json").read_text("utf-8"))
    signature = data["checkpoints"][0]["signature"]
    data["checkpoints"][0]["signature"] = ("0" if signature[0] != "0" else "1") + signature[1:]
    (pack / "checkpoints.json").write_text(json.dumps(data), "utf-8")
    rehash_manifest(pack)
    verdict = verify_evidence(pack)
    assert not verdict.ok
    assert verdict.problem is not None
    assert verdict.problem.startswith("the checkpoint at event #")
    assert "signature does not match" in verdict.problem


def test_an_added_or_missing_file_is_named(team: Team, clock: Clock, out: Path) -> None:
    history(team, clock)
    pack = out / "pack"
    export(team, pack)
    (pack / "extra.txt").write_text("hello", "utf-8")
    assert verify_evidence(pack).problem == (
        "extra.txt is not listed in the manifest (it was added)."
    )
    (pack / "extra.txt").unlink()
    (pack / "checkpoints.json").unlink()
    assert verify_evidence(pack).problem == "checkpoints.json is missing."
    assert not verify_evidence(out / "nowhere").ok


def test_a_zip_pack_is_checked_the_same_way(team: Team, clock: Clock, out: Path) -> None:
    history(team, clock)
    target = out / "pack.zip"
    result = export(team, target)
    assert result.directory == target
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with zipfile.ZipFile(target) as archive:
        assert set(archive.namelist()) == {*PACK_FILES, MANIFEST}
    assert verify_evidence(target).ok
    assert [p.name for p in out.iterdir()] == ["pack.zip"]


def test_an_existing_target_is_refused_and_nothing_is_left_behind(
    team: Team, clock: Clock, out: Path
) -> None:
    history(team, clock)
    busy = out / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine", "utf-8")
    with pytest.raises(OutputError) as refused:
        export(team, busy)
    assert refused.value.message == (
        f"The folder {busy} is not empty; choose a new or empty folder for the pack."
    )
    assert os.listdir(busy) == ["notes.txt"]
    empty = out / "empty"
    empty.mkdir()
    assert verify_evidence(export(team, empty).directory).ok

    calls: list[int] = []

    def cancel_later(done: int, total: int) -> bool:
        calls.append(done)
        return len(calls) < 3

    with pytest.raises(Cancelled):
        team.auditor.evidence.export(*PERIOD, out / "cancelled", cancel_later)
    assert sorted(os.listdir(out)) == ["busy", "empty"]


def test_members_may_not_export(team: Team, clock: Clock, out: Path) -> None:
    history(team, clock)
    with pytest.raises(PermissionDenied):
        team.member.evidence.export(*PERIOD, out / "pack")
    assert os.listdir(out) == []


def test_a_period_without_events_still_links_into_the_chain(
    team: Team, clock: Clock, out: Path
) -> None:
    history(team, clock)
    pack = out / "pack"
    team.admin.evidence.export(date(2026, 9, 3), date(2026, 9, 4), pack)
    assert verify_evidence(pack).ok
    events = lines(pack)
    assert events  # the state of the chain when the quiet period began, and on to a checkpoint
    assert all(str(e["occurred_at"]) < "2026-09-03" or e["seq"] > 1 for e in events)
    assert run_stdlib_check(pack).returncode == 0
    end = json.loads((pack / "inventory-end.json").read_text("utf-8"))
    assert len(end["keys"]) == 2
    assert end["as_of"] == "2026-09-05T00:00:00Z"


def test_the_readme_shows_the_lines_the_tests_run() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text("utf-8")
    assert f"```python\n{STDLIB_CHECK}```" in readme


def test_the_verdict_reads_as_a_sentence_for_one_and_for_many() -> None:
    one = EvidenceVerdict(ok=True, problem=None, events=1, checkpoints=1).sentence()
    many = EvidenceVerdict(ok=True, problem=None, events=3, checkpoints=0).sentence()
    assert one.endswith("1 event forms an unbroken chain and 1 signed checkpoint holds.")
    assert many.endswith("3 events form an unbroken chain and 0 signed checkpoints hold.")
