"""`keyward keys bulk`: dry run by default, --yes to act, one clear sentence for bad input."""

from __future__ import annotations

import json

from tests.cli.support import Peek, Run


def _create(run: Run, name: str) -> str:
    result = run("--json", "keys", "create", "--name", name)
    assert result.code == 0, result.err
    return str(json.loads(result.out)["id"])


def test_without_yes_nothing_changes(sqlite_run: Run, sqlite_peek: Peek) -> None:
    first = _create(sqlite_run, "ETL one")
    second = _create(sqlite_run, "ETL two")
    before = sqlite_peek.counts()
    result = sqlite_run("keys", "bulk", "disable", "--search", "etl")
    assert result.code == 0
    assert f"change  ETL one ({first}): Active → Disabled" in result.out
    assert f"change  ETL two ({second}): Active → Disabled" in result.out
    assert result.last_line == "Nothing changed yet: add --yes to make these changes."
    assert sqlite_peek.counts() == before


def test_yes_changes_each_key_and_reports_skips(sqlite_run: Run, sqlite_peek: Peek) -> None:
    first = _create(sqlite_run, "ETL one")
    second = _create(sqlite_run, "ETL two")
    assert sqlite_run("keys", "revoke", second, "--yes").code == 0
    result = sqlite_run(
        "keys", "bulk", "revoke", "--ids", first, second, "--reason", "clean-up", "--yes"
    )
    assert result.code == 0, result.err
    assert f"skip    ETL two ({second}): skipped, already revoked" in result.out
    assert result.last_line == "1 changed."
    state = sqlite_peek.scalar("SELECT state FROM api_keys WHERE key_id = :id", id=first)
    reason = sqlite_peek.scalar("SELECT revoked_reason FROM api_keys WHERE key_id = :id", id=first)
    assert (state, reason) == ("revoked", "clean-up")


def test_json_dry_run(sqlite_run: Run) -> None:
    key = _create(sqlite_run, "Pilot")
    data = json.loads(
        sqlite_run("--json", "keys", "bulk", "extend-expiry", "--days", "30", "--ids", key).out
    )
    assert data["dry_run"] is True
    (change,) = data["changes"]
    assert change["id"] == key and change["before"] == "no expiry"
    assert change["after"].startswith("expires ")


def test_bad_input_is_one_sentence_and_changes_nothing(sqlite_run: Run, sqlite_peek: Peek) -> None:
    key = _create(sqlite_run, "Pilot")
    before = sqlite_peek.counts()
    for argv, expected in [
        (("keys", "bulk", "disable"), "Choose the keys with --ids"),
        (("keys", "bulk", "extend-expiry", "--ids", key), "extend-expiry needs --days"),
        (("keys", "bulk", "set-expiry", "--ids", key, "--expires", "soon"), "is not a date"),
        (("keys", "bulk", "disable", "--ids", key, "--dry-run", "--yes"), "not both"),
    ]:
        result = sqlite_run(*argv)
        assert result.code == 2 or result.code == 1, (argv, result)
        assert expected in result.err, (argv, result.err)
        assert "Traceback" not in result.err
    assert sqlite_peek.counts() == before
