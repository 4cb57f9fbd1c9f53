"""`keyward keys attention`: a report that exits 0, and a scheduled job's --fail-on-findings."""

from __future__ import annotations

import json

from tests.cli.support import Run


def test_an_empty_estate_needs_nothing(sqlite_run: Run) -> None:
    result = sqlite_run("keys", "attention")
    assert result.code == 0
    assert result.last_line == "Nothing needs attention."
    assert sqlite_run("keys", "attention", "--fail-on-findings").code == 0


def test_findings_are_reported_with_why_and_fail_only_when_asked(sqlite_run: Run) -> None:
    assert sqlite_run("keys", "create", "--name", "Mystery key").code == 0
    report = sqlite_run("keys", "attention")
    assert report.code == 0
    assert "No description (1)" in report.out
    assert "Mystery key" in report.out
    assert "nobody can tell what it is for" in report.out
    assert report.last_line.startswith("1 finding (stale after 90 days")

    failing = sqlite_run("keys", "attention", "--fail-on-findings")
    assert failing.code == 1
    assert "Mystery key" in failing.out


def test_json_lists_every_group(sqlite_run: Run) -> None:
    sqlite_run("keys", "create", "--name", "Mystery key")
    data = json.loads(sqlite_run("--json", "keys", "attention").out)
    assert set(data) == {
        "expiring",
        "stale",
        "owner_deactivated",
        "no_description",
        "over_lifetime",
    }
    (key,) = data["no_description"]["keys"]
    assert key["name"] == "Mystery key" and key["group"] == "no_description"
    assert data["no_description"]["count"] == 1 and data["stale"]["count"] == 0


def test_one_group_and_a_bad_group(sqlite_run: Run) -> None:
    sqlite_run("keys", "create", "--name", "Mystery key")
    only = sqlite_run("keys", "attention", "--group", "stale")
    assert only.code == 0 and "Mystery key" not in only.out
    bad = sqlite_run("keys", "attention", "--group", "bogus")
    assert bad.code == 2
    assert "Traceback" not in bad.err
