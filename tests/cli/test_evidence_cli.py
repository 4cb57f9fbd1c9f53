"""`keys list --as-of`, `keys triage`, `audit evidence` and `audit verify-evidence` (issue 8)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.cli.support import Peek, Run, create
from tests.support import assert_one_sentence


def _created_at(peek: Peek, key_id: str) -> str:
    """When the key's creation was recorded: an as-of instant after it and before any later
    change (events at exactly the instant count)."""
    return str(
        peek.scalar(
            "SELECT occurred_at FROM audit_events WHERE target_id = :key AND action = :action",
            key=key_id,
            action="key.created",
        )
    )


def test_keys_list_as_of_shows_the_key_as_it_was(run: Run, peek: Peek) -> None:
    key_id, _ = create(run, "--name", "Salesforce Data Sync", "--description", "nightly")
    other_id, _ = create(run, "--name", "Snowflake ETL")
    between = _created_at(peek, other_id)
    assert run("keys", "edit", key_id, "--name", "Salesforce Sync").code == 0
    assert run("keys", "revoke", key_id, "--reason", "suspected leak", "--yes").code == 0
    assert run("keys", "delete", other_id, "--yes").code == 0

    past = run("keys", "list", "--as-of", between)
    assert past.code == 0, past.err
    lines = past.out.splitlines()
    assert lines[0].split() == ["Name", "ID", "Owner", "Status", "Expires", "Created", "On"]
    row = next(line for line in lines if key_id in line)
    assert "Salesforce Data Sync" in row and "Active" in row
    assert any(other_id in line for line in lines)
    assert "2 of 2 keys as of" in past.last_line and "audit trail" in past.last_line

    as_json = json.loads(run("keys", "list", "--as-of", between, "--json").out)
    assert {(k["id"], k["name"], k["status"]) for k in as_json} == {
        (key_id, "Salesforce Data Sync", "active"),
        (other_id, "Snowflake ETL", "active"),
    }
    # As of now, the past view is the live table.
    later = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
    past_now = json.loads(run("keys", "list", "--as-of", later, "--json").out)
    live = json.loads(run("keys", "list", "--json").out)
    fields = ("id", "name", "owner", "status", "expires_at", "revoked_at", "description")
    assert sorted(tuple(k[f] for f in fields) for k in past_now) == sorted(
        tuple(k[f] for f in fields) for k in live
    )
    # A date is the start of that day (UTC): before today's keys existed.
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    assert json.loads(run("keys", "list", "--as-of", yesterday, "--json").out) == []
    filtered = run("keys", "list", "--as-of", between, "--search", "snowflake", "--json")
    assert [k["id"] for k in json.loads(filtered.out)] == [other_id]


def test_keys_list_as_of_refuses_bad_input(run: Run) -> None:
    bad = run("keys", "list", "--as-of", "1st of October")
    assert bad.code == 1
    assert_one_sentence(bad.err.removeprefix("keyward: ").strip())
    assert run("keys", "list", "--as-of", "2026-10-01", "--sort", "name").code == 2


def test_keys_triage_finds_and_revokes_leaked_keys(run: Run, peek: Peek) -> None:
    first_id, first = create(run, "--name", "Salesforce Data Sync")
    second_id, second = create(run, "--name", "Snowflake ETL")
    third_id, third = create(run, "--name", "HubSpot")
    corrupted = third[:-1] + ("A" if third[-1] != "A" else "B")
    pasted = (
        f"Hi — the sync log shows API_KEY={first}\nand `Bearer {second}` and a typo "
        f"{corrupted}; the dashboard names {third_id}. Organisation-wide verification failed."
    )
    found = run("keys", "triage", stdin=pasted)
    assert found.code == 0, found.err
    rows = {line.split()[0]: line for line in found.out.splitlines()[2:] if line[:12].strip()}
    assert rows[first_id].rstrip().endswith("yes")
    assert rows[second_id].rstrip().endswith("yes")
    assert "key id" in rows[third_id] and rows[third_id].rstrip().endswith("—")
    assert "--revoke --yes" in found.last_line
    as_json = json.loads(run("keys", "triage", "--json", stdin=pasted).out)
    assert [(m["id"], m["kind"], m["secret_matches"]) for m in as_json["matches"]] == [
        (first_id, "token", True),
        (second_id, "token", True),
        (third_id, "key id", None),
    ]

    unconfirmed = run("keys", "triage", "--revoke", stdin=pasted)
    assert unconfirmed.code == 2 and "--yes" in unconfirmed.err
    revoked = run("keys", "triage", "--revoke", "--yes", stdin=pasted)
    assert revoked.code == 0, revoked.err
    assert f"Revoked 2 keys with the reason “leaked”: {first_id}, {second_id}." in revoked.out
    statuses = {k["id"]: k["status"] for k in json.loads(run("keys", "list", "--json").out)}
    assert statuses == {first_id: "revoked", second_id: "revoked", third_id: "active"}
    events = json.loads(run("audit", "list", "--key", first_id, "--json").out)
    assert [e["reason"] for e in events if e["action"] == "key.revoked"] == ["leaked"]

    # The secrets are nowhere: not in any output, not in the database.
    for token in (first, second, third):
        secret = token.split("_")[3]
        for result in (found, revoked, unconfirmed):
            assert secret not in result.out and secret not in result.err
    with peek.engine.connect() as connection:
        import sqlalchemy as sa

        for table in ("audit_events", "api_keys"):
            dump = repr(connection.execute(sa.text(f"SELECT * FROM {table}")).all())
            for token in (first, second):
                assert token.split("_")[3] not in dump


def test_audit_evidence_pack_is_written_and_verified_offline(run: Run, tmp_path: Path) -> None:
    key_id, _ = create(run, "--name", "Salesforce Data Sync")
    assert run("keys", "revoke", key_id, "--reason", "integration retired", "--yes").code == 0
    today = datetime.now(UTC).date().isoformat()
    pack = tmp_path / "pack"
    written = run("audit", "evidence", "--from", today, "--to", today, "--output", str(pack))
    assert written.code == 0, written.err
    assert f"to {pack}:" in written.out
    checked = run("audit", "verify-evidence", str(pack))
    assert checked.code == 0, checked.err
    assert "intact" in checked.out

    # One changed byte in one file: refused, naming the file.
    data = bytearray((pack / "inventory-end.csv").read_bytes())
    data[-3] = ord("#") if data[-3] != ord("#") else ord("$")
    (pack / "inventory-end.csv").write_bytes(bytes(data))
    refused = run("audit", "verify-evidence", str(pack), "--json")
    assert refused.code == 1
    verdict = json.loads(refused.out)
    assert verdict["ok"] is False
    assert verdict["problem"] == "inventory-end.csv does not match the manifest (it was changed)."

    # An existing, non-empty target is refused in one sentence.
    again = run("audit", "evidence", "--from", today, "--to", today, "--output", str(pack))
    assert again.code == 1
    assert_one_sentence(again.err.removeprefix("keyward: ").strip())

    zipped = run(
        "audit", "evidence", "--from", today, "--to", today, "--output",
        str(tmp_path / "pack2"), "--zip", "--json",
    )  # fmt: skip
    assert zipped.code == 0, zipped.err
    assert json.loads(zipped.out)["output"] == str(tmp_path / "pack2.zip")
    assert run("audit", "verify-evidence", str(tmp_path / "pack2.zip")).code == 0

    backwards = run("audit", "evidence", "--from", today, "--to", "2000-01-01", "--output", "x")
    assert backwards.code == 1 and "ends before it starts" in backwards.err
