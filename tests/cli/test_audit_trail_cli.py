"""`keyward audit list` with the audit view's filters: actor, action, dates, key or text."""

from __future__ import annotations

import json

import sqlalchemy as sa

from tests.cli.support import Run, create


def events(run: Run, *args: str) -> list[dict]:
    result = run("audit", "list", "--json", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_filters_narrow_the_listing(sqlite_run: Run) -> None:
    run = sqlite_run
    salesforce, token = create(run, "--name", "Salesforce Data Sync")
    snowflake, _ = create(run, "--name", "Snowflake ETL")
    assert run("keys", "edit", salesforce, "--description", "Nightly CRM sync").code == 0
    assert run("keys", "revoke", snowflake, "--reason", "leaked in a ticket", "--yes").code == 0
    everything = events(run, "--limit", "100")
    me = everything[0]["actor"]

    assert {e["action"] for e in events(run, "--action", "key.created")} == {"key.created"}
    assert len(events(run, "--action", "key.created")) == 2
    assert len(events(run, "--actor", me)) == len(everything)
    assert events(run, "--actor", "nobody-at-all") == []
    assert {e["target_id"] for e in events(run, "--search", "salesforce")} == {salesforce}
    assert [e["target_id"] for e in events(run, "--search", "leaked")] == [snowflake]
    # A pasted token is reduced to its key id.
    assert {e["target_id"] for e in events(run, "--search", token)} == {salesforce}
    assert len(events(run, "--key", salesforce, "--action", "key.edited")) == 1
    # Dates: a whole UTC day, or nothing before a far past day.
    today = everything[0]["occurred_at"][:10]
    assert len(events(run, "--since", today, "--until", today)) == len(everything)
    assert events(run, "--until", "2000-01-01") == []
    assert len(events(run, "--since", "2000-01-01T00:00:00Z", "--limit", "2")) == 2

    table = run("audit", "list", "--action", "key.revoked")
    assert table.code == 0 and "Revoked" in table.out and "Created" not in table.out
    nothing = run("audit", "list", "--search", "no such words here")
    assert nothing.code == 0 and "No audit events match." in nothing.out


def test_a_bad_date_or_action_is_refused_with_usage(sqlite_run: Run) -> None:
    create(sqlite_run, "--name", "Looker Dashboard")
    assert sqlite_run("audit", "list", "--since", "yesterday").code == 2
    assert sqlite_run("audit", "list", "--action", "key.exploded").code == 2


def test_an_event_written_by_hand_is_listed_and_verify_names_it(
    sqlite_run: Run, sqlite_url: str
) -> None:
    """Text that is not a snapshot and a time that is not a time, put in by SQL, do not stop
    the listing (an auditor must still read the trail around it); verify names the event."""
    run = sqlite_run
    key_id, _ = create(run, "--name", "Salesforce Data Sync")
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as connection:
        seq = connection.execute(
            sa.text("SELECT seq FROM audit_events WHERE target_id = :key_id"), {"key_id": key_id}
        ).scalar_one()
        connection.execute(
            sa.text(
                "UPDATE audit_events SET after = 'renamed by hand {', occurred_at = 'last week'"
                " WHERE seq = :seq"
            ),
            {"seq": seq},
        )
    engine.dispose()

    listed = {e["seq"]: e for e in events(run)}
    assert listed[seq]["after"] == "renamed by hand {"  # the stored text, as stored
    assert listed[seq]["occurred_at"] == "last week"
    table = run("audit", "list")
    assert table.code == 0 and "Created" in table.out and "Traceback" not in table.err
    verdict = run("audit", "verify")
    assert verdict.code == 1 and f"event #{seq}" in verdict.out + verdict.err
