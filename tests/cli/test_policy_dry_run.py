"""`keyward policy set … --dry-run` shows what would change and whom it affects, and changes
nothing; without it, every setting changes together, each audited (every database)."""

from __future__ import annotations

import json

from tests.cli.support import Peek, Run, create


def _settings(peek: Peek) -> list[tuple[object, ...]]:
    with peek.engine.connect() as connection:
        return sorted(
            tuple(row) for row in connection.exec_driver_sql("SELECT name, value FROM settings")
        )


def test_a_dry_run_previews_and_changes_nothing(run: Run, peek: Peek) -> None:
    first, _ = create(run, "--name", "Salesforce Data Sync")
    second, _ = create(run, "--name", "Looker Reporting")
    create(run, "--name", "Snowflake ETL", "--expires", "2099-12-31")
    counts, settings = peek.counts(), _settings(peek)

    dry = run(
        "policy", "set", "--max-active", "1", "--max-lifetime", "90", "--stale-after", "60",
        "--expiry-warnings", "14,7", "--dry-run",
    )  # fmt: skip
    assert dry.code == 0, dry.err
    assert "Dry run: nothing was changed." in dry.out
    assert "Active keys per user: unlimited → 1." in dry.out
    assert "Maximum lifetime of new keys: none → 90 days." in dry.out
    assert "has 3 active keys, 2 over the new limit" in dry.out
    assert first in dry.out and second in dry.out
    assert "3 existing keys would exceed the new maximum lifetime of 90 days" in dry.out
    assert (peek.counts(), _settings(peek)) == (counts, settings)

    as_json = json.loads(run("--json", "policy", "set", "--max-active", "2", "--dry-run").out)
    assert as_json["dry_run"] is True
    assert as_json["after"]["max_active_keys_per_user"] == 2
    [owner] = as_json["over_limit"]
    assert (owner["active"], owner["to_revoke"]) == (3, [first, second])
    assert (peek.counts(), _settings(peek)) == (counts, settings)

    bad = run("policy", "set", "--max-lifetime", "forever", "--dry-run")
    assert bad.code == 1 and "lifetime" in bad.err
    assert (peek.counts(), _settings(peek)) == (counts, settings)

    applied = run(
        "--json", "policy", "set", "--max-active", "1", "--max-lifetime", "90",
        "--stale-after", "60", "--expiry-warnings", "14,7",
    )  # fmt: skip
    assert applied.code == 0, applied.err
    assert json.loads(applied.out) == {
        "max_active_keys_per_user": 1,
        "prefix": "kw",
        "environments": ["live", "test"],
        "max_lifetime_days": 90,
        "stale_after_days": 60,
        "expiry_warning_days": [14, 7],
    }
    # One audit event per changed setting, and nothing revoked by the change itself.
    after = peek.counts()
    assert after[2] == counts[2] + 4
    assert after[:2] == counts[:2]
    shown = run("policy", "show")
    assert "90 days" in shown.out and "14, 7 days before" in shown.out
    # The old option name still works.
    assert run("policy", "set", "--max-active-keys", "unlimited").code == 0
