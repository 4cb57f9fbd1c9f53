"""`keyward keys …` on SQLite: the secret's destinations, refusals, and every key command."""

from __future__ import annotations

import getpass
import io
import json
import os
import stat
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

import pytest

from app.cli import keys as cli_keys
from app.cli.main import main
from app.domain.errors import OutputError
from app.domain.key_format import SECRET_LENGTH, checksum
from app.services import vault
from tests.cli.support import Peek, Result, Run, create
from tests.support import assert_one_sentence


def unwritable_folder(tmp_path: Path) -> Path:
    if os.geteuid() != 0:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o500)
        return folder
    # root writes through permission bits; sysfs refuses new files even to root.
    try:
        descriptor, probe = tempfile.mkstemp(dir="/sys")
    except OSError:
        return Path("/sys")
    os.close(descriptor)
    os.unlink(probe)
    pytest.skip("no folder here refuses root")


# --------------------------------------------------------------------------- create


def test_output_writes_a_0600_file_and_prints_no_secret(
    sqlite_run: Run, sqlite_peek: Peek, tmp_path: Path
) -> None:
    target = tmp_path / "snowflake.key"
    result = sqlite_run("keys", "create", "--name", "Snowflake ETL", "--output", str(target))
    assert result.code == 0, result.err
    token = target.read_text()
    assert token.endswith("\n") and token.count("\n") == 1
    token = token.strip()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    secret = token.split("_")[3]
    assert secret not in result.out and secret not in result.err
    assert str(target) in result.out
    assert sqlite_run("keys", "verify", stdin=token).code == 0
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".keyward-")]


def test_output_as_env_file_and_json(sqlite_run: Run, tmp_path: Path) -> None:
    target = tmp_path / ".env"
    result = sqlite_run(
        "--json", "keys", "create", "--name", "Data Warehouse ETL",
        "--output", str(target), "--format", "env",
    )  # fmt: skip
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["secret"] is None
    assert data["secret_location"] == {"type": "file", "path": str(target)}
    line = target.read_text()
    assert line.startswith("DATA_WAREHOUSE_ETL_API_KEY=kw_live_" + data["id"] + "_")
    assert line.split("=", 1)[1].strip() not in result.out


def test_format_needs_output(sqlite_run: Run) -> None:
    result = sqlite_run("keys", "create", "--name", "X", "--format", "env")
    assert result.code == 2
    assert "--format" in result.err


@pytest.mark.parametrize("case", ["exists", "folder", "missing folder", "unwritable"])
def test_refused_output_path_creates_no_key(
    sqlite_run: Run, sqlite_peek: Peek, tmp_path: Path, case: str
) -> None:
    create(sqlite_run, "--name", "Existing")
    before = sqlite_peek.counts()
    if case == "exists":
        target = tmp_path / "taken.key"
        target.write_text("keep me\n")
    elif case == "folder":
        target = tmp_path
    elif case == "missing folder":
        target = tmp_path / "nowhere" / "x.key"
    else:
        target = unwritable_folder(tmp_path) / "x.key"
    result = sqlite_run("keys", "create", "--name", "Refused", "--output", str(target))
    assert result.code == 1
    assert result.err.startswith("keyward: ") and "Traceback" not in result.err
    assert result.out == ""
    assert sqlite_peek.counts() == before
    if case == "exists":
        assert target.read_text() == "keep me\n"


def test_secret_that_cannot_be_saved_revokes_the_new_key(
    sqlite_run: Run, sqlite_peek: Peek, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*_args: object, **_kwargs: object) -> Path:
        raise OutputError("Cannot write the secret to x: No space left on device.")

    monkeypatch.setattr(vault, "write_secret_file", disk_full)  # where the command finds it
    result = sqlite_run("keys", "create", "--name", "Doomed", "--output", str(tmp_path / "d"))
    assert result.code == 1
    assert "No space left" in result.err and "was revoked" in result.err
    assert "kw_live_" not in result.out + result.err
    reason = sqlite_peek.scalar("SELECT revoked_reason FROM api_keys WHERE name = 'Doomed'")
    assert reason == cli_keys.REASON_UNDELIVERED


def test_keyring_absent_is_refused_before_creating(
    sqlite_run: Run, sqlite_peek: Peek, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring
    from keyring.backends import fail

    create(sqlite_run, "--name", "Existing")
    before = sqlite_peek.counts()
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    try:
        result = sqlite_run("keys", "create", "--name", "ETL", "--keyring", "keyward")
    finally:
        keyring.set_keyring(previous)
    assert result.code == 1
    assert "No OS keyring" in result.err
    assert sqlite_peek.counts() == before


def test_keyring_takes_the_secret(sqlite_run: Run) -> None:
    import keyring
    from keyring.backends import fail

    if isinstance(keyring.get_keyring(), fail.Keyring):
        pytest.skip("no OS keyring on this machine (the Secret Service runs in CI)")
    service = f"keyward-test-{uuid.uuid4().hex[:8]}"
    result = sqlite_run("--json", "keys", "create", "--name", "Snowflake ETL", "--keyring", service)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    username = f"Snowflake ETL ({data['id']})"
    assert data["secret"] is None
    assert data["secret_location"]["username"] == username
    token = keyring.get_password(service, username)
    try:
        assert token is not None and token.startswith(f"kw_live_{data['id']}_")
        assert token not in result.out
        assert sqlite_run("keys", "verify", stdin=token).code == 0
    finally:
        keyring.delete_password(service, username)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--name", "   "], "name"),
        (["--name", "x" * 101], "100"),
        (["--name", "evil\u202eexe"], ""),
        (["--name", "tab\there"], ""),
        (["--name", "Late", "--expires", "2001-01-01"], "in the past"),
        (["--name", "Late", "--expires", "next tuesday"], "YYYY-MM-DD"),
        (["--name", "Late", "--expires", "2030-02-30"], "YYYY-MM-DD"),
        (["--name", "Env", "--environment", "prod"], "environment"),
        (["--name", "Owner", "--owner", "nobody"], "nobody"),
        (["--name", "Existing"], "already has a key named"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    sqlite_run: Run, sqlite_peek: Peek, args: list[str], words: str
) -> None:
    create(sqlite_run, "--name", "Existing")
    before = sqlite_peek.counts()
    result = sqlite_run("keys", "create", *args)
    assert result.code == 1
    assert result.err.startswith("keyward: ") and result.err.count("\n") == 1
    assert words in result.err
    assert result.out == ""
    assert sqlite_peek.counts() == before


def test_policy_limit_needs_replace_oldest(sqlite_run: Run, sqlite_peek: Peek) -> None:
    old_id, old_token = create(sqlite_run, "--name", "Custom Dashboard API")
    assert sqlite_run("policy", "set", "--max-active-keys", "1").code == 0
    before = sqlite_peek.counts()
    refused = sqlite_run("keys", "create", "--name", "Dashboard v2")
    assert refused.code == 1
    assert old_id in refused.err
    assert refused.err.rstrip().endswith("Run again with --replace-oldest to confirm.")
    assert sqlite_peek.counts() == before

    confirmed = sqlite_run("--json", "keys", "create", "--name", "Dashboard v2", "--replace-oldest")
    assert confirmed.code == 0, confirmed.err
    data = json.loads(confirmed.out)
    assert data["revoked_under_policy"]["id"] == old_id
    assert data["revoked_under_policy"]["status"] == "revoked"
    assert sqlite_run("keys", "verify", stdin=old_token).out.strip() == "rejected: revoked"
    assert sqlite_run("keys", "verify", stdin=data["secret"]).code == 0


# --------------------------------------------------------------------------- verify


@pytest.mark.parametrize(
    "stdin",
    [b"", b"\n", b"kw_live_short", b"not a token at all", b"\xff\xfe\x00", b"kw_" * 1000],
)
def test_verify_rejects_garbage_as_malformed(sqlite_run: Run, stdin: bytes) -> None:
    result = sqlite_run("keys", "verify", stdin=stdin)
    assert result.code == 1
    assert result.out.strip() == "rejected: malformed"


def test_verify_reads_no_more_than_a_token_could_be(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    megabyte = io.BytesIO(b"k" * 1_048_576)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(megabyte))
    assert main(["--database", sqlite_url, "keys", "verify"]) == 1
    assert capsys.readouterr().out.strip() == "rejected: malformed"
    assert megabyte.tell() == cli_keys.MAX_TOKEN_BYTES + 1


def test_verify_strips_exactly_one_newline(sqlite_run: Run) -> None:
    _key_id, token = create(sqlite_run, "--name", "Existing")
    assert sqlite_run("keys", "verify", stdin=token).code == 0
    assert sqlite_run("keys", "verify", stdin=token + "\r\n").code == 0
    assert sqlite_run("keys", "verify", stdin=token + "\n\n").code == 1
    assert sqlite_run("keys", "verify", stdin=" " + token).code == 1


def test_wrong_secret_and_unknown_id_are_rejected_alike(sqlite_run: Run) -> None:
    key_id, token = create(sqlite_run, "--name", "Existing")
    gone_id, gone = create(sqlite_run, "--name", "Retired")
    assert sqlite_run("keys", "delete", gone_id, "--yes").code == 0
    assert sqlite_run("keys", "verify", stdin=gone).out.strip() == "rejected: unknown"
    # Right id, well-formed, valid checksum, wrong secret.
    body = f"kw_live_{key_id}_{'A' * SECRET_LENGTH}"
    forged = body + checksum(body)
    assert forged != token
    assert sqlite_run("keys", "verify", stdin=forged).out.strip() == "rejected: unknown"
    assert sqlite_run("keys", "verify", stdin=token).code == 0


# --------------------------------------------------------------------------- list and show


def test_list_table_search_filter_sort_and_count(sqlite_run: Run) -> None:
    create(sqlite_run, "--name", "Salesforce Data Sync", "--description", "RevOps nightly")
    looker_id, _ = create(sqlite_run, "--name", "Looker Reporting", "--expires", "2099-12-31")
    create(sqlite_run, "--name", "HubSpot Sync – Prod")
    sqlite_run("keys", "disable", looker_id)

    table = sqlite_run("keys", "list")
    lines = table.out.splitlines()
    assert lines[0].split("  ")[0] == "Name"
    for header in (
        "Key",
        "Owner",
        "Status",
        "Last Used",
        "Expires",
        "Created On",
        "Last Updated On",
    ):
        assert header in lines[0]
    assert lines[-1] == "3 of 3 keys"
    looker = next(line for line in lines if line.startswith("Looker"))
    assert "Disabled" in looker and "Never" in looker and "2099-12-31" in looker
    assert " UTC" in looker

    assert sqlite_run("keys", "list", "--search", "revops").out.splitlines()[-1] == "1 of 1 key"
    assert sqlite_run("keys", "list", "--search", looker_id.lower()).out.endswith("1 of 1 key\n")
    disabled = json.loads(sqlite_run("keys", "list", "--status", "disabled", "--json").out)
    assert [key["id"] for key in disabled] == [looker_id]
    by_name = json.loads(sqlite_run("keys", "list", "--sort", "name", "--json").out)
    assert [key["name"] for key in by_name] == sorted(key["name"] for key in by_name)
    backwards = json.loads(sqlite_run("keys", "list", "--sort", "name", "--desc", "--json").out)
    assert backwards == by_name[::-1]
    assert sqlite_run("keys", "list", "--limit", "2").out.splitlines()[-1] == "2 of 3 keys"
    owned = json.loads(sqlite_run("keys", "list", "--owner", by_name[0]["owner"], "--json").out)
    assert len(owned) == 3


@pytest.mark.parametrize("text", ["%", "_", "'; DROP TABLE api_keys; --", '"', "\\", "50%_off"])
def test_search_text_is_text(sqlite_run: Run, text: str) -> None:
    create(sqlite_run, "--name", "Plain")
    result = sqlite_run("keys", "list", "--search", text)
    assert result.code == 0
    assert result.out.splitlines()[-1] == "0 of 0 keys"
    assert sqlite_run("keys", "list").out.splitlines()[-1] == "1 of 1 key"


def test_long_lists_are_fetched_page_by_page(
    sqlite_run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(5):
        create(sqlite_run, "--name", f"Key {n}")
    monkeypatch.setattr(cli_keys, "PAGE_SIZE", 2)
    # A filter: through the services, which page (an unfiltered list is read in one go).
    listed = json.loads(
        sqlite_run(
            "keys", "list", "--status", "active", "--limit", "4", "--sort", "name", "--json"
        ).out
    )
    assert [key["name"] for key in listed] == ["Key 0", "Key 1", "Key 2", "Key 3"]
    assert sqlite_run("keys", "list", "--limit", "0").code == 1
    assert sqlite_run("keys", "list", "--limit", "many").code == 2


_PLAIN_LISTS = [
    ("keys", "list"),
    ("--json", "keys", "list"),
    ("keys", "list", "--sort", "name", "--limit", "2"),
    ("--json", "keys", "list", "--sort", "expires"),
    ("--json", "keys", "list", "--sort", "last_used", "--desc"),
    ("keys", "list", "--sort", "owner", "--desc"),
    ("keys", "list", "--sort", "status"),
]


def test_a_plain_list_is_read_from_the_file_as_the_services_read_it(
    sqlite_run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no filter, `keys list` reads a local file with sqlite3 alone (the first window's
    reader), not the services: the same lines, JSON and total, for an admin and a member."""
    salesforce, _ = create(sqlite_run, "--name", "Salesforce Data Sync")
    looker, _ = create(sqlite_run, "--name", "Looker Reporting", "--expires", "2099-12-31")
    create(sqlite_run, "--name", "HubSpot Sync")
    assert sqlite_run("keys", "disable", looker).code == 0
    assert sqlite_run("keys", "revoke", salesforce, "--yes").code == 0
    assert sqlite_run("users", "add", "ada", "--role", "admin", "--name", "Ada").code == 0
    create(sqlite_run, "--name", "Ada's dashboard", "--owner", "ada")
    read = cli_keys._listed_from_the_file
    answers: list[bool] = []

    def spied(*args: Any) -> Any:
        listed = read(*args)
        answers.append(listed is not None)
        return listed

    def lists() -> list[Result]:
        return [sqlite_run(*argv) for argv in _PLAIN_LISTS]

    def through_the_services() -> list[Result]:
        with monkeypatch.context() as patch:
            patch.setattr(cli_keys, "_listed_from_the_file", lambda *args: None)
            return lists()

    monkeypatch.setattr(cli_keys, "_listed_from_the_file", spied)
    as_admin = lists()
    assert answers == [True] * len(_PLAIN_LISTS)
    assert as_admin == through_the_services()
    assert as_admin[0].out.splitlines()[-1] == "4 of 4 keys"
    assert [key["name"] for key in json.loads(as_admin[1].out)][-1] == "Salesforce Data Sync"

    # The OS account becomes a member: only its own keys, either way.
    assert sqlite_run("users", "set-role", getpass.getuser(), "member").code == 0
    answers.clear()
    as_member = lists()
    assert answers == [True] * len(_PLAIN_LISTS)
    assert as_member == through_the_services()
    assert as_member[0].out.splitlines()[-1] == "3 of 3 keys"
    assert "Ada's dashboard" not in as_member[0].out
    # A filter still goes through the services.
    answers.clear()
    assert sqlite_run("keys", "list", "--status", "disabled").out.endswith("1 of 1 key\n")
    assert answers == [False]


def test_a_plain_list_of_a_file_loads_no_database_library(tmp_path: Path) -> None:
    """Nor the DTOs a list does not show (people, audit events…: 4-5 ms of dataclasses)."""
    url = f"sqlite:///{tmp_path / 'keyward.db'}"
    assert main(["--database", url, "keys", "create", "--name", "Some key"]) == 0
    code = (
        "import sys\n"
        "from app.main import main\n"
        f"status = main(['--database', {url!r}, 'keys', 'list'])\n"
        "print(status, sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'sqlalchemy', 'alembic', 'argon2'} or m == 'app.services.dto_others'), "
        "file=sys.stderr)\n"
    )
    probe = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        timeout=60,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert probe.stderr.decode().strip().splitlines()[-1] == "0 []"
    assert "Some key" in probe.stdout.decode()


def test_show_prints_details_and_history_never_the_secret(sqlite_run: Run) -> None:
    key_id, token = create(
        sqlite_run, "--name", "Snowflake ETL", "--description", "Nightly.\nOwner: Data team"
    )
    sqlite_run("keys", "edit", key_id, "--description", "Nightly via Airflow.")
    shown = sqlite_run("keys", "show", key_id)
    assert shown.code == 0
    assert "Nightly via Airflow." in shown.out
    assert "Last Used:" in shown.out and "Never" in shown.out
    assert "History:" in shown.out and "Created" in shown.out and "Edited" in shown.out
    assert token.split("_")[3] not in shown.out


def test_unknown_key_is_refused_with_exit_1(sqlite_run: Run) -> None:
    create(sqlite_run, "--name", "Existing")
    for command in ("show", "enable", "disable"):
        result = sqlite_run("keys", command, "NoSuchKey123")
        assert result.code == 1
        assert result.err == "keyward: There is no key with the id “NoSuchKey123”.\n"
    assert sqlite_run("keys", "revoke", "NoSuchKey123", "--yes").code == 1


# --------------------------------------------------------------------------- changes


def test_edit_enable_disable(sqlite_run: Run, sqlite_peek: Peek) -> None:
    key_id, token = create(sqlite_run, "--name", "Custom Dashboard API")
    before = sqlite_peek.counts()
    assert sqlite_run("keys", "edit", key_id).code == 2
    assert sqlite_peek.counts() == before

    edited = json.loads(
        sqlite_run(
            "--json", "keys", "edit", key_id, "--name", "Dashboard API", "--description", "BI"
        ).out
    )
    assert (edited["name"], edited["description"]) == ("Dashboard API", "BI")
    assert sqlite_run("keys", "edit", key_id, "--name", "").code == 1

    assert sqlite_run("keys", "disable", key_id).code == 0
    assert sqlite_run("keys", "verify", stdin=token).out.strip() == "rejected: disabled"
    enabled = sqlite_run("keys", "enable", key_id)
    assert enabled.code == 0 and "Active" in enabled.out
    assert sqlite_run("keys", "verify", stdin=token).code == 0


def test_revoke_and_delete_need_yes(sqlite_run: Run, sqlite_peek: Peek) -> None:
    key_id, token = create(sqlite_run, "--name", "Affinity Professional Services")
    before = sqlite_peek.counts()
    refused = sqlite_run("keys", "revoke", key_id)
    assert refused.code == 2
    assert refused.err == (
        "keyward: Add --yes to confirm: revocation is immediate and cannot be undone.\n"
    )
    deleted = sqlite_run("keys", "delete", key_id)
    assert deleted.code == 2 and "--yes" in deleted.err
    assert sqlite_peek.counts() == before
    assert sqlite_run("keys", "verify", stdin=token).code == 0

    assert sqlite_run("keys", "revoke", key_id, "--yes").code == 0
    again = sqlite_run("keys", "revoke", key_id, "--yes")
    assert again.code == 1 and "already revoked" in again.err
    assert sqlite_run("keys", "enable", key_id).code == 1

    gone = sqlite_run("keys", "delete", key_id, "--yes")
    assert gone.code == 0
    assert sqlite_run("keys", "list").out.splitlines()[-1] == "0 of 0 keys"
    history = json.loads(sqlite_run("audit", "list", "--key", key_id, "--json").out)
    assert [event["action"] for event in history] == ["key.deleted", "key.revoked", "key.created"]


def test_rotate_with_and_without_grace(sqlite_run: Run, sqlite_peek: Peek) -> None:
    key_id, token = create(sqlite_run, "--name", "Salesforce Data Sync")
    before = sqlite_peek.counts()
    for bad in ("soon", "24", "-1h", "999d"):
        result = sqlite_run("keys", "rotate", key_id, f"--grace={bad}")
        assert result.code == 1, bad
    assert sqlite_peek.counts() == before

    graced = sqlite_run("keys", "rotate", key_id, "--grace", "24h")
    assert graced.code == 0, graced.err
    new_token = graced.last_line
    assert new_token.startswith("kw_live_") and new_token != token
    assert "keeps working until" in graced.out
    assert sqlite_run("keys", "verify", stdin=token).code == 0
    assert sqlite_run("keys", "verify", stdin=new_token).code == 0
    old = json.loads(sqlite_run("keys", "show", key_id, "--json").out)
    assert old["expires_at"] is not None and old["status"] == "active"

    new_id = new_token.split("_")[2]
    at_once = sqlite_run("--json", "keys", "rotate", new_id)
    assert at_once.code == 0
    data = json.loads(at_once.out)
    assert data["previous"]["id"] == new_id and data["previous"]["status"] == "revoked"
    assert sqlite_run("keys", "verify", stdin=new_token).out.strip() == "rejected: revoked"
    assert sqlite_run("keys", "verify", stdin=data["secret"]).code == 0


def test_replace_a_deactivated_owners_key(sqlite_run: Run) -> None:
    assert sqlite_run("users", "add", "analyst", "--name", "Former Analyst").code == 0
    key_id, token = create(sqlite_run, "--name", "Custom Dashboard", "--owner", "analyst")
    deactivated = sqlite_run("users", "deactivate", "analyst")
    assert deactivated.code == 0 and "1 key revoked" in deactivated.out
    assert sqlite_run("keys", "verify", stdin=token).out.strip() == "rejected: revoked"
    shown = json.loads(sqlite_run("keys", "show", key_id, "--json").out)
    assert shown["revoked_reason"] == "owner deactivated"
    assert shown["owner_name"] == "Former Analyst"

    replaced = sqlite_run("--json", "keys", "replace", key_id)
    assert replaced.code == 0, replaced.err
    data = json.loads(replaced.out)
    assert data["name"] == "Custom Dashboard" and data["owner"] != "analyst"
    assert "Replaces" in data["description"] and "Former Analyst" in data["description"]
    assert sqlite_run("keys", "verify", stdin=data["secret"]).code == 0

    refused = sqlite_run("keys", "replace", key_id, "--owner", "analyst")
    assert refused.code == 1 and "deactivated" in refused.err


# --------------------------------------------------------------------------- small refusals


def _one_sentence(result: Result) -> str:
    """The refusal on stderr: `keyward: ` and one sentence, nothing on stdout, no traceback."""
    assert result.out == ""
    assert result.err.startswith("keyward: ") and result.err.count("\n") == 1
    message = result.err.removeprefix("keyward: ").rstrip("\n")
    assert_one_sentence(message)
    return message


@pytest.mark.parametrize("day", ["9999-12-31", "9998-01-01", "2500-06-30"])
def test_an_expiry_too_far_ahead_is_refused_in_one_sentence(
    sqlite_run: Run, sqlite_peek: Peek, day: str
) -> None:
    create(sqlite_run, "--name", "Existing")
    before = sqlite_peek.counts()
    result = sqlite_run("keys", "create", "--name", "Forever", "--expires", day)
    assert result.code == 1
    assert "too far ahead" in _one_sentence(result)
    assert sqlite_peek.counts() == before


BAD = "\udcff"  # the byte 0xFF of a command line that was not UTF-8, as Python keeps it

UNDECODABLE_ARGUMENTS = {
    "create --name": ["keys", "create", "--name", f"Snow{BAD}flake"],
    "create --name=": ["keys", "create", f"--name=Snow{BAD}flake"],
    "create --description": ["keys", "create", "--name", "N", "--description", f"d{BAD}"],
    "create --expires": ["keys", "create", "--name", "N", "--expires", f"2027-01-01{BAD}"],
    "create --environment": ["keys", "create", "--name", "N", "--environment", f"live{BAD}"],
    "create --owner": ["keys", "create", "--name", "N", "--owner", f"maria{BAD}"],
    "create --keyring": ["keys", "create", "--name", "N", "--keyring", f"svc{BAD}"],
    "create --output": ["keys", "create", "--name", "N", "--output", f"/tmp/k{BAD}.key"],
    "list --search": ["keys", "list", "--search", f"etl{BAD}"],
    "list --owner": ["keys", "list", "--owner", f"maria{BAD}"],
    "show ID": ["keys", "show", f"AAAAAAAAAAA{BAD}"],
    "edit --name": ["keys", "edit", "AAAAAAAAAAAA", "--name", f"x{BAD}"],
    "revoke --reason": ["keys", "revoke", "AAAAAAAAAAAA", "--reason", f"r{BAD}", "--yes"],
    "users add LOGIN": ["users", "add", f"bob{BAD}"],
    "users add --name": ["users", "add", "bob", "--name", f"Bob{BAD}"],
    "users add --email": ["users", "add", "bob", "--email", f"bob{BAD}@example.com"],
}


@pytest.mark.parametrize("argv", UNDECODABLE_ARGUMENTS.values(), ids=UNDECODABLE_ARGUMENTS)
def test_arguments_that_are_not_utf8_are_refused_in_one_sentence(
    sqlite_run: Run, sqlite_peek: Peek, argv: list[str]
) -> None:
    create(sqlite_run, "--name", "Existing")
    before = sqlite_peek.counts()
    result = sqlite_run(*argv)
    assert result.code == 1
    message = _one_sentence(result)
    assert "not valid UTF-8 text" in message
    assert BAD not in message
    assert sqlite_peek.counts() == before


def test_the_refusal_names_the_option_or_argument(sqlite_run: Run) -> None:
    named = {
        "The value of --name": ["keys", "create", "--name", f"Snow{BAD}flake"],
        "The value of --description": ["keys", "create", "--name", "N", "--description", BAD],
        "The key id": ["keys", "show", BAD],
        "The user login": ["users", "add", BAD],
    }
    for start, argv in named.items():
        assert _one_sentence(sqlite_run(*argv)).startswith(f"{start} holds bytes")


@pytest.mark.parametrize("invisible", ["\u200b", "\u2060", "\ufeff", "\u200d", "\u00ad"])
def test_invisible_characters_in_a_name_are_refused_like_control_characters(
    sqlite_run: Run, sqlite_peek: Peek, invisible: str
) -> None:
    key_id, _token = create(sqlite_run, "--name", "Existing")
    before = sqlite_peek.counts()
    for argv in (
        ["keys", "create", "--name", f"Snow{invisible}flake"],
        ["keys", "edit", key_id, "--name", f"Exist{invisible}ing"],
        ["users", "add", "bob", "--name", f"Bo{invisible}b"],
    ):
        result = sqlite_run(*argv)
        assert result.code == 1, argv
        assert "invisible formatting character" in _one_sentence(result)
    assert sqlite_peek.counts() == before


def test_a_token_pasted_as_an_id_or_a_search_is_read_as_its_key_id(sqlite_run: Run) -> None:
    key_id, token = create(sqlite_run, "--name", "Snowflake ETL")
    create(sqlite_run, "--name", "Another")
    secret = token.split("_")[3]
    shown = sqlite_run("keys", "show", token)
    assert shown.code == 0, shown.err
    assert key_id in shown.out and secret not in shown.out + shown.err
    found = sqlite_run("--json", "keys", "list", "--search", token)
    assert found.code == 0, found.err
    assert [key["id"] for key in json.loads(found.out)] == [key_id]
    disabled = sqlite_run("keys", "disable", f" {token} ")
    assert disabled.code == 0 and key_id in disabled.out


def test_output_never_overwrites_a_file_that_appears_after_the_check(
    sqlite_run: Run, sqlite_peek: Peek, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "secret.key"
    real_check = cli_keys._check_new_file

    def check_then_someone_else_writes(path: Path) -> None:
        real_check(path)  # nothing there yet...
        path.write_text("someone else's file\n")  # ...and then there is

    monkeypatch.setattr(cli_keys, "_check_new_file", check_then_someone_else_writes)
    result = sqlite_run("keys", "create", "--name", "Raced", "--output", str(target))
    assert result.code == 1
    assert result.out == ""
    assert result.err.startswith(f"keyward: {target} already exists; choose a new file name.")
    assert "kw_live_" not in result.err
    assert target.read_text() == "someone else's file\n"
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".keyward-")]
    # Nobody has the new key's secret, so it was revoked at once.
    reason = sqlite_peek.scalar("SELECT revoked_reason FROM api_keys WHERE name = 'Raced'")
    assert reason == cli_keys.REASON_UNDELIVERED


def test_output_never_follows_a_symlink_that_appears_after_the_check(
    sqlite_run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "secret.key"
    elsewhere = tmp_path / "elsewhere.txt"
    real_check = cli_keys._check_new_file

    def check_then_a_link_appears(path: Path) -> None:
        real_check(path)
        path.symlink_to(elsewhere)  # dangling: writing through it would create elsewhere.txt

    monkeypatch.setattr(cli_keys, "_check_new_file", check_then_a_link_appears)
    result = sqlite_run("keys", "create", "--name", "Raced", "--output", str(target))
    assert result.code == 1
    assert "already exists" in result.err
    assert target.is_symlink() and not elsewhere.exists()
