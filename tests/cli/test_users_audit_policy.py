"""`keyward users|audit|policy|db …`."""

from __future__ import annotations

import getpass
import io
import json
from pathlib import Path

import pytest

from app.domain.audit import verify_chain
from app.services.audit import read_export
from tests.cli.support import Peek, Run, create


def test_users_add_list_set_role_deactivate_reactivate(sqlite_run: Run) -> None:
    added = sqlite_run(
        "users", "add", "jane", "--role", "manager", "--name", "Jane Doe",
        "--email", "jane@company.com",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert "jane (Jane Doe)" in added.out and "Manager" in added.out

    listed = sqlite_run("users", "list")
    jane = next(line for line in listed.out.splitlines() if line.startswith("jane"))
    assert "Jane Doe" in jane and "jane@company.com" in jane and "Active" in jane

    as_json = {
        user["login"]: user for user in json.loads(sqlite_run("users", "list", "--json").out)
    }
    assert as_json[getpass.getuser()]["role"] == "admin"  # the first operator
    assert as_json["jane"]["role"] == "manager" and as_json["jane"]["active"] is True

    assert json.loads(sqlite_run("--json", "users", "set-role", "jane", "auditor").out)["role"] == (
        "auditor"
    )
    gone = json.loads(sqlite_run("--json", "users", "deactivate", "jane").out)
    assert gone["active"] is False and gone["keys_revoked"] == 0
    again = sqlite_run("users", "deactivate", "jane")
    assert again.code == 1 and "already deactivated" in again.err
    assert sqlite_run("users", "reactivate", "jane").code == 0


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["users", "add", "bad login!"], 1),
        (["users", "add", "x", "--email", "not-an-address"], 1),
        (["users", "add", "x", "--role", "overlord"], 2),
        (["users", "set-role", "nobody", "admin"], 1),
        (["users", "set-role", getpass.getuser(), "member"], 1),  # the last admin
        (["users", "deactivate", getpass.getuser()], 1),
    ],
)
def test_user_refusals(sqlite_run: Run, sqlite_peek: Peek, args: list[str], code: int) -> None:
    create(sqlite_run, "--name", "Existing")
    before = sqlite_peek.counts()
    result = sqlite_run(*args)
    assert result.code == code
    assert sqlite_peek.counts() == before


def test_a_role_without_the_permission_is_refused(sqlite_run: Run, sqlite_peek: Peek) -> None:
    me = getpass.getuser()
    key_id, _ = create(sqlite_run, "--name", "Existing")
    assert sqlite_run("users", "add", "second-admin", "--role", "admin").code == 0
    assert sqlite_run("users", "set-role", me, "auditor").code == 0
    before = sqlite_peek.counts()

    refused = sqlite_run("keys", "create", "--name", "Not allowed")
    assert refused.code == 1
    assert refused.err == (
        "keyward: Your role (Auditor) does not allow you to create keys; "
        "ask a Keyward admin to change your role.\n"
    )
    assert sqlite_run("keys", "revoke", key_id, "--yes").code == 1
    assert sqlite_run("users", "add", "someone").code == 1
    assert sqlite_run("policy", "set", "--max-active-keys", "1").code == 1
    assert sqlite_peek.counts() == before
    # Auditors still read keys and the audit trail.
    assert sqlite_run("keys", "list").code == 0
    assert sqlite_run("audit", "verify").code == 0


def test_a_login_that_is_not_a_user_is_told_who_to_ask(sqlite_run: Run, sqlite_peek: Peek) -> None:
    create(sqlite_run, "--name", "Existing")
    sqlite_peek.execute("UPDATE users SET login = 'somebody-else'")
    result = sqlite_run("keys", "list")
    assert result.code == 1
    assert "is not a Keyward user" in result.err and "keyward users add" in result.err


def test_audit_list_and_export(run: Run, tmp_path: Path) -> None:
    key_id, _ = create(run, "--name", "Snowflake ETL")
    run("keys", "edit", key_id, "--description", "Nightly ETL. Owner: Data team.")
    listed = run("audit", "list", "--key", key_id)
    assert listed.code == 0
    assert "Edited" in listed.out and "Created" in listed.out
    events = json.loads(run("audit", "list", "--limit", "2", "--json").out)
    assert [event["action"] for event in events] == ["key.edited", "key.created"]
    assert {"seq", "actor", "hash", "prev_hash"} <= set(events[0])

    exported = run("audit", "export", "--format", "jsonl")
    assert exported.code == 0
    lines = [json.loads(line) for line in exported.out.splitlines()]
    assert [line["seq"] for line in lines] == [1, 2, 3]
    assert verify_chain(read_export(io.StringIO(exported.out), "jsonl")).ok

    exports = tmp_path / "exports"
    exports.mkdir()
    target = exports / "audit.csv"
    saved = run("audit", "export", "--format", "csv", "--output", str(target))
    assert saved.code == 0 and "Exported 3 events" in saved.out
    with target.open(newline="", encoding="utf-8") as stream:
        assert verify_chain(read_export(stream, "csv")).ok
    # An export replaces an older one in one step.
    again = json.loads(
        run("--json", "audit", "export", "--format", "csv", "--output", str(target)).out
    )
    assert again == {"exported": 3, "format": "csv", "output": str(target)}
    assert [path.name for path in exports.iterdir()] == ["audit.csv"]

    assert run("audit", "export", "--format", "xml").code == 2
    nowhere = run("audit", "export", "--format", "csv", "--output", str(tmp_path / "no" / "x"))
    assert nowhere.code == 1 and "does not exist" in nowhere.err


def test_policy_show_and_set(sqlite_run: Run, sqlite_peek: Peek) -> None:
    shown = sqlite_run("policy", "show")
    assert "unlimited" in shown.out
    assert json.loads(sqlite_run("policy", "show", "--json").out) == {
        "max_active_keys_per_user": None,
        "prefix": "kw",
        "environments": ["live", "test"],
        "max_lifetime_days": None,
        "stale_after_days": 90,
        "expiry_warning_days": [30, 7, 1],
    }
    assert sqlite_run("policy", "set").code == 2

    before = sqlite_peek.counts()
    bad = sqlite_run("policy", "set", "--max-active-keys", "2", "--prefix", "NO!")
    assert bad.code == 1 and "prefix" in bad.err
    assert sqlite_run("policy", "set", "--max-active-keys", "zero").code == 1
    assert sqlite_peek.counts() == before

    changed = sqlite_run(
        "--json", "policy", "set", "--max-active-keys", "3", "--environments", "live,test,dev",
        "--prefix", "acme",
    )  # fmt: skip
    assert json.loads(changed.out) == {
        "max_active_keys_per_user": 3,
        "prefix": "acme",
        "environments": ["live", "test", "dev"],
        "max_lifetime_days": None,
        "stale_after_days": 90,
        "expiry_warning_days": [30, 7, 1],
    }
    key_id, token = create(sqlite_run, "--name", "Dev key", "--environment", "dev")
    assert token.startswith(f"acme_dev_{key_id}_")
    assert sqlite_run("keys", "verify", stdin=token).code == 0
    unlimited = sqlite_run("policy", "set", "--max-active-keys", "unlimited")
    assert "unlimited" in unlimited.out


def test_server_database_needs_db_upgrade_first(
    server_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli.main import main

    assert main(["--database", server_url, "keys", "list"]) == 3
    err = capsys.readouterr().err
    assert "keyward db upgrade" in err and "Traceback" not in err
    assert main(["--database", server_url, "db", "upgrade"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert main(["--database", server_url, "db", "upgrade"]) == 0  # idempotent
    assert main(["--database", server_url, "keys", "list"]) == 0


def test_db_upgrade_says_first_when_it_brings_an_older_schema_up_to_date(
    server_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Upgrading a large database takes minutes (0020 rebuilt MariaDB's search index of
    1,000,000 keys in 1 min 43 s): ``db upgrade`` says so before it starts, on stderr, and
    only when there is something to do."""
    import sqlalchemy as sa
    from alembic import command
    from sqlalchemy.pool import NullPool

    from app.cli.context import UPGRADING
    from app.cli.main import main
    from app.data.schema import SCHEMA_REVISION, _config

    assert main(["--database", server_url, "db", "upgrade"]) == 0
    assert UPGRADING not in capsys.readouterr().err  # a new database: made, not updated
    engine = sa.create_engine(server_url, poolclass=NullPool)
    try:
        config = _config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0018")
        assert main(["--database", server_url, "db", "upgrade"]) == 0
        out, err = capsys.readouterr()
        assert err == f"keyward: {UPGRADING}\n"
        assert f"up to date (schema {SCHEMA_REVISION})" in out
        with engine.connect() as connection:
            revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            assert revision.scalar() == SCHEMA_REVISION
    finally:
        engine.dispose()
    assert main(["--database", server_url, "db", "upgrade"]) == 0
    assert UPGRADING not in capsys.readouterr().err  # current: not a word


def test_an_older_sqlite_file_is_updated_first_and_the_command_says_so(
    sqlite_run: Run, sqlite_url: str
) -> None:
    import sqlalchemy as sa
    from alembic import command

    from app.cli.context import UPGRADING
    from app.data.schema import SCHEMA_REVISION, _config

    create(sqlite_run, "--name", "Old file key")
    quiet = sqlite_run("keys", "list")
    assert UPGRADING not in quiet.err  # a current file is opened without a word
    engine = sa.create_engine(sqlite_url)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0014")
    listed = sqlite_run("--json", "keys", "list")
    assert listed.code == 0, listed.err
    assert listed.err == f"keyward: {UPGRADING}\n"  # on stderr: stdout is the JSON alone
    assert [key["name"] for key in json.loads(listed.out)] == ["Old file key"]
    with engine.connect() as connection:
        revision = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    assert revision == SCHEMA_REVISION
    assert UPGRADING not in sqlite_run("keys", "list").err


def test_a_one_day_policy_is_worded_in_the_singular(sqlite_run: Run, sqlite_peek: Peek) -> None:
    empty = sqlite_run("policy", "set", "--max-lifetime", "1", "--dry-run").out
    assert "Every usable key already ends within 1 day." in empty, empty
    key_id, _ = create(sqlite_run, "--name", "Snowflake ETL")
    dry = sqlite_run(
        "policy", "set", "--max-lifetime", "1", "--stale-after", "1", "--dry-run"
    )  # fmt: skip
    assert "Maximum lifetime of new keys: none → 1 day." in dry.out, dry.out
    assert "Stale after: 90 → 1 day without use." in dry.out, dry.out
    assert (
        f"1 existing key would exceed the new maximum lifetime of 1 day: “Snowflake ETL” ({key_id})"
        in dry.out
    )
    assert " 1 days" not in dry.out

    assert sqlite_run("policy", "set", "--max-lifetime", "1", "--stale-after", "1").code == 0
    shown = sqlite_run("policy", "show").out
    assert (
        "Maximum lifetime:     1 day\n" in shown and "Stale after:          1 day without" in shown
    )
    before = sqlite_peek.counts()
    refused = sqlite_run("keys", "create", "--name", "Too long", "--expires", "2099-12-31")
    assert refused.code == 1 and "The policy limits keys to 1 day; pick" in refused.err
    assert sqlite_peek.counts() == before
    attention = sqlite_run("keys", "attention").out
    assert "(stale after 1 day, expiry warnings at 30, 7, 1 days)" in attention, attention
