"""The issue's done-when scenario, on SQLite, PostgreSQL and MariaDB, plus the JSON shapes."""

from __future__ import annotations

import json
import re

from tests.cli.support import Peek, Run, create

KEY_FIELDS = {
    "id",
    "name",
    "description",
    "owner",
    "status",
    "environment",
    "masked",
    "created_at",
    "updated_at",
    "last_used_at",
    "expires_at",
    "revoked_at",
}
ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
TIMES = ("created_at", "updated_at", "last_used_at", "expires_at", "revoked_at")


def assert_key_json(data: dict[str, object]) -> None:
    assert set(data) >= KEY_FIELDS
    for name in TIMES:
        value = data[name]
        assert value is None or (isinstance(value, str) and ISO_UTC.fullmatch(value)), name


def test_create_verify_revoke_verify_list(run: Run, peek: Peek) -> None:
    created = run("keys", "create", "--name", "Snowflake ETL")
    assert created.code == 0
    assert created.err == ""
    token = created.last_line
    key_id = token.split("_")[2]
    assert token.startswith(f"kw_live_{key_id}_")
    assert "Snowflake ETL" in created.out
    assert "Active" in created.out
    assert created.out.count(token) == 1

    valid = run("keys", "verify", stdin=token + "\n")
    assert valid.code == 0
    assert valid.out.startswith(f"valid: {key_id} (Snowflake ETL, owner ")
    assert valid.out.rstrip().endswith(", live)")

    revoked = run("keys", "revoke", key_id, "--reason", "integration retired", "--yes")
    assert revoked.code == 0, revoked.err
    assert peek.scalar("SELECT state FROM api_keys WHERE key_id = :k", k=key_id) == "revoked"

    rejected = run("keys", "verify", stdin=token + "\n")
    assert rejected.code == 1
    assert rejected.out.strip() == "rejected: revoked"
    assert rejected.err == ""

    listed = run("keys", "list")
    assert listed.code == 0
    row = next(line for line in listed.out.splitlines() if line.startswith("Snowflake ETL"))
    assert "Revoked" in row
    assert listed.out.rstrip().endswith("1 of 1 key")

    as_json = json.loads(run("keys", "list", "--json").out)
    assert [(key["id"], key["status"]) for key in as_json] == [(key_id, "revoked")]
    # Last used was recorded by the valid verification and froze at the revocation.
    assert as_json[0]["last_used_at"] is not None


def test_json_shapes_of_create_list_show_verify(run: Run) -> None:
    created = run(
        "--json", "keys", "create", "--name", "Looker Reporting", "--expires", "2099-01-31"
    )
    assert created.code == 0
    data = json.loads(created.out)
    assert_key_json(data)
    assert data["status"] == "active"
    assert data["environment"] == "live"
    assert data["expires_at"] == "2099-02-01T00:00:00Z"  # works through the 31st, UTC
    secret = data["secret"]
    assert isinstance(secret, str) and secret.startswith(f"kw_live_{data['id']}_")
    assert data["masked"].endswith(secret[-4:]) and secret not in data["masked"]

    # --json is accepted after the command as well as before it.
    listed = json.loads(run("keys", "list", "--json").out)
    assert isinstance(listed, list) and len(listed) == 1
    assert_key_json(listed[0])
    assert "secret" not in listed[0]

    shown = json.loads(run("keys", "show", data["id"], "--json").out)
    assert_key_json(shown)
    assert shown["id"] == data["id"] and shown["name"] == "Looker Reporting"

    verified = json.loads(run("--json", "keys", "verify", stdin=secret).out)
    assert verified == {
        "valid": True,
        "reason": None,
        "key": {
            "id": data["id"],
            "name": "Looker Reporting",
            "owner": data["owner"],
            "environment": "live",
        },
    }
    rejected = run("--json", "keys", "verify", stdin="kw_live_nonsense")
    assert rejected.code == 1
    assert json.loads(rejected.out) == {"valid": False, "reason": "malformed", "key": None}


def test_tampered_audit_trail_names_the_event(run: Run, peek: Peek) -> None:
    create(run, "--name", "Salesforce Data Sync")
    assert run("audit", "verify").code == 0
    peek.execute("UPDATE audit_events SET reason = 'nothing to see' WHERE seq = 2")
    report = run("audit", "verify")
    assert report.code == 1
    assert "event #2" in report.out
    assert report.err == ""
    as_json = json.loads(run("audit", "verify", "--json").out)
    assert as_json["ok"] is False and as_json["first_bad_seq"] == 2
