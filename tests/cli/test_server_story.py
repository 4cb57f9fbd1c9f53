"""The story a security reviewer runs by hand on a fresh PostgreSQL and MariaDB (issue 6).

Only real tools, as people would use them: the installed ``keyward`` command for the owner,
the auditor's checkpoint and the verifier service; ``psql`` / ``mariadb`` for the DBA who
creates the logins, for each Keyward login trying its luck directly, and for the database
superuser who rewrites history.

1. The owner (the URL's login) runs ``db upgrade`` and creates a key.
2. The DBA creates three logins; the owner makes them a member, an auditor and a verifier.
3. Each login, with its own password, tries to read keys, hashes and the audit trail, to
   write every table, to swap the owner key's hash for one of its own, to run routines
   above its role and to forge an audit event: every attempt is refused (or sees nothing),
   and the owner's ``audit verify`` and ``keys list`` are unchanged. The member then makes
   a key of its own through the routine, which the audit trail records under its login.
4. The verifier service verifies a token with ``keyward`` and is refused a key listing.
5. The owner signs a checkpoint file; the superuser rewrites an early event, recomputes
   every later hash and the head, and deletes the stored checkpoints: ``audit verify`` is
   fooled, ``audit verify --checkpoint FILE`` is not (exit 1, in text and in JSON).

The boundary tests in ``tests/data`` go through every table and routine over SQLAlchemy;
this one is the end-to-end walk with the clients a person would use. The signing key lives
in the OS keyring (CI runs an unlocked Secret Service); nothing here fakes it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import URL, make_url

from app.domain.audit import GENESIS_HASH, event_hash
from app.domain.hashing import FAST_FOR_TESTS, TokenHasher
from app.domain.key_format import generate_token

ROLES = ("member", "auditor", "verifier")
REWRITTEN_REASON = "nothing happened here"

# A refusal from the server: a privilege it does not have, or a routine saying no.
PG_REFUSED = re.compile(r"^ERROR:\s+(permission denied|denied: |notfound: )", re.MULTILINE)
MARIADB_ERROR = re.compile(r"^ERROR (\d+) \([0-9A-Z]+\)(?: at line \d+)?: (.*)$", re.MULTILINE)
# Table/column/routine privilege, database access, "needs another privilege", a SIGNAL
# from a routine (checked for denied/notfound below), and a role that is not granted.
MARIADB_REFUSED = {1044, 1142, 1143, 1227, 1370, 1644, 1959}
ROLE_MARKER = "kw-role-is-set"


# --------------------------------------------------------------------------- the tools


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"`{name}` is not installed: this story needs the real database clients "
            "(CI installs the postgresql and mariadb-client packages)."
        )
    return path


def _keyward_script() -> str:
    script = shutil.which("keyward", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.fail("the `keyward` entry point is not installed in the venv (run `uv sync`).")
    return script


@dataclass(frozen=True)
class Answer:
    """What a client run printed: exit code, rows (tab-separated fields) and errors."""

    code: int
    rows: list[list[str]]
    err: str
    role_set: bool = False

    def column(self, index: int = 0) -> list[str]:
        return [row[index] for row in self.rows]


@dataclass(frozen=True)
class Login:
    role: str
    name: str
    password: str
    url: str


@dataclass
class Stage:
    """One fresh database, its owner, the people the story adds and the tools they use."""

    kind: str
    owner_url: str
    cwd: Path
    url: URL = field(init=False)
    logins: dict[str, Login] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.url = make_url(self.owner_url)
        self.keyward_script = _keyward_script()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("KEYWARD_")},
            # The cheapest argon2 profile: two shared cores (the entry-point test checks
            # the real default).
            "KEYWARD_ARGON2_PROFILE": "fast-for-tests",
            "KEYWARD_CLI_HELPER": "off",  # its own test (test_helper.py) starts and stops one
        }

    @property
    def database(self) -> str:
        return str(self.url.database)

    @property
    def owner(self) -> str:
        return str(self.url.username)

    # ----------------------------------------------------------------- keyward itself

    def keyward(
        self, *argv: str, url: str | None = None, stdin: str = ""
    ) -> subprocess.CompletedProcess[str]:
        """The installed `keyward` script, as a person types it."""
        return subprocess.run(
            [self.keyward_script, "--database", url or self.owner_url, *argv],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            cwd=self.cwd,
            timeout=120,
            check=False,
        )

    def owner_json(self, *argv: str) -> Any:
        result = self.keyward("--json", *argv)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    # ----------------------------------------------------------------- the clients

    def _run(self, command: Sequence[str], env: dict[str, str]) -> Answer:
        done = subprocess.run(
            list(command),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=env,
            cwd="/",
            timeout=120,
            check=False,
        )
        lines = done.stdout.splitlines()
        rows = [line.split("\t") for line in lines if line != ROLE_MARKER]
        return Answer(done.returncode, rows, done.stderr, ROLE_MARKER in lines)

    def as_login(self, login: Login | None, sql: str) -> Answer:
        """``sql`` from the plain client, as ``login`` (None: the owner, i.e. the DBA)."""
        name = login.name if login else self.owner
        password = login.password if login else str(self.url.password)
        host, port = str(self.url.host), str(self.url.port or "")
        if self.kind == "postgresql":
            command = [_tool("psql"), "-X", "-v", "ON_ERROR_STOP=1", "-q", "-t", "-A"]
            command += ["-F", "\t", "-P", "null=NULL", "-h", host, "-U", name, "-d"]
            command += [self.database, "-c", sql]
            if port:
                command += ["-p", port]
            env = {**os.environ, "PGPASSWORD": password, "PGCLIENTENCODING": "UTF8"}
            return self._run(command, env)
        command = [_tool("mariadb"), "--no-defaults", "--protocol=TCP", "-h", host, "-u", name]
        command += [f"-p{password}", "--default-character-set=utf8mb4", "-N", "-B", "-r"]
        if port:
            command += ["-P", port]
        if login is not None:
            # What mariadb.py's docstring says a plain session does: enable the role first.
            sql = f"SET ROLE `{self.role_name(login.role)}`; SELECT '{ROLE_MARKER}'; {sql}"
        return self._run([*command, self.database, "-e", sql], dict(os.environ))

    def as_superuser(self, sql: str) -> str:
        """PostgreSQL's ``postgres`` over the local socket; MariaDB's root over its socket."""
        if self.kind == "postgresql":
            _tool("psql")
            psql = f"psql -X -v ON_ERROR_STOP=1 -q -t -A -d {self.database}"
            if os.geteuid() == 0:
                command = [_tool("su"), "postgres", "-c", psql]
            else:
                command = [_tool("sudo"), "-n", "-u", "postgres", *psql.split()]
        else:
            mariadb = [_tool("mariadb"), "-N", "-B", "-r", self.database]
            command = mariadb if os.geteuid() == 0 else [_tool("sudo"), "-n", *mariadb]
        done = subprocess.run(
            command, input=sql, capture_output=True, text=True, cwd="/", timeout=120, check=False
        )
        assert done.returncode == 0, f"the superuser's SQL failed: {done.stderr}"
        return done.stdout

    def role_name(self, role: str) -> str:
        return f"{self.database.lower()}_{role}"

    def table(self, name: str) -> str:
        """The base table the superuser writes (MariaDB keeps views in the old names)."""
        return f"{name}_data" if self.kind == "mariadb" else name

    # ----------------------------------------------------------------- the DBA

    def create_login(self, role: str) -> Login:
        name = f"kw_story_{role}_{uuid.uuid4().hex[:8]}"
        password = f"Pw-{uuid.uuid4().hex}"
        if self.kind == "postgresql":
            sql = f"CREATE ROLE {name} LOGIN PASSWORD '{password}'"
        else:
            sql = f"CREATE USER '{name}'@'127.0.0.1' IDENTIFIED BY '{password}'"
        created = self.as_login(None, sql)
        assert created.code == 0, created.err
        url = self.url.set(username=name, password=password)
        login = Login(role, name, password, url.render_as_string(hide_password=False))
        self.logins[role] = login
        return login

    def drop_logins(self) -> None:
        for login in self.logins.values():
            if self.kind == "postgresql":
                sql = f"DROP ROLE IF EXISTS {login.name}"
            else:
                sql = f"DROP USER IF EXISTS '{login.name}'@'127.0.0.1'"
            dropped = self.as_login(None, sql)
            assert dropped.code == 0, dropped.err


@pytest.fixture
def stage(server_url: str, tmp_path: Path) -> Iterator[Stage]:
    kind = "postgresql" if make_url(server_url).get_backend_name() == "postgresql" else "mariadb"
    _tool("psql" if kind == "postgresql" else "mariadb")  # fail now, not halfway through
    the_stage = Stage(kind, server_url, tmp_path)
    try:
        yield the_stage
    finally:
        the_stage.drop_logins()


# --------------------------------------------------------------------------- checks


def refused(stage: Stage, login: Login, sql: str) -> None:
    """The server said no to ``login``, for lack of a privilege or by a routine's rule."""
    answer = stage.as_login(login, sql)
    context = f"{login.role} {login.name} was not refused: {sql}\n{answer}"
    assert answer.code != 0, context
    if stage.kind == "postgresql":
        assert PG_REFUSED.search(answer.err), context
        return
    # The role was set (the marker printed), so it is the attempt that failed.
    assert answer.role_set, context
    match = MARIADB_ERROR.search(answer.err)
    assert match, context
    number, message = int(match[1]), match[2]
    assert number in MARIADB_REFUSED, context
    if number == 1644:
        assert message.startswith(("denied: ", "notfound: ")), context


def allowed(stage: Stage, login: Login, sql: str) -> list[list[str]]:
    answer = stage.as_login(login, sql)
    assert answer.code == 0, f"{login.role} {login.name}: {sql}\n{answer.err}"
    return answer.rows


def refused_or_empty(stage: Stage, login: Login, sql: str) -> None:
    answer = stage.as_login(login, sql)
    if answer.code == 0:
        assert answer.rows == [], f"{login.role} sees rows it must not: {sql}: {answer.rows}"
    else:
        refused(stage, login, sql)


def no_secret_hash(stage: Stage, login: Login, sql: str) -> None:
    """``secret_hash`` is refused (PostgreSQL) or reads as NULL (MariaDB's views)."""
    answer = stage.as_login(login, sql)
    if answer.code != 0:
        refused(stage, login, sql)
        return
    assert stage.kind == "mariadb", f"{login.role} read secret_hash: {answer.rows}"
    assert all(row == ["NULL"] for row in answer.rows), answer.rows


def one_sentence(text: str) -> None:
    line = text.strip()
    assert line.startswith("keyward: ") and "\n" not in line and line.endswith("."), text
    assert "Traceback" not in text


# --------------------------------------------------------------------------- attempts


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def forbidden_everywhere(stage: Stage, login: Login, owner_key: str, swap_hash: str) -> list[str]:
    """What no Keyward login may do by hand, whatever its role."""
    me, owner = _lit(login.name), _lit(stage.owner)
    key = _lit(owner_key)
    forged_before = _lit(json.dumps({"role": login.role}))
    forged_after = _lit(json.dumps({"role": "admin"}))
    zero = _lit(GENESIS_HASH)
    tables = ["api_keys", "users", "audit_events", "audit_head", "settings", "daily_usage"]
    tables += ["signing_keys", "audit_checkpoints"]
    targets = tables + [f"{name}_data" for name in tables] if stage.kind == "mariadb" else tables
    attempts = []
    for table in targets:
        attempts.append(f"DELETE FROM {table}")
    for suffix in ("", "_data") if stage.kind == "mariadb" else ("",):
        attempts += [
            # The hash swap: the owner's key would then accept a token this login made.
            f"UPDATE api_keys{suffix} SET secret_hash = {_lit(swap_hash)} WHERE key_id = {key}",
            f"UPDATE api_keys{suffix} SET state = 'revoked' WHERE key_id = {key}",
            f"UPDATE users{suffix} SET role = 'admin' WHERE login = {me}",
            f"INSERT INTO users{suffix} (login, display_name, role, active, created_at)"
            " VALUES ('mallory', 'Mallory', 'admin', TRUE, '2026-01-01 00:00:00')",
            f"UPDATE audit_events{suffix} SET reason = 'nothing to see' WHERE seq = 1",
            # A forged "role changed → admin", in the owner's name, straight into the trail.
            f"INSERT INTO audit_events{suffix} (seq, occurred_at, actor, action, target_type,"
            " target_id, `before`, `after`, reason, host, prev_hash, hash) VALUES (999,"
            f" '2026-01-01T00:00:00Z', {owner}, 'user.role_changed', 'user', {me},"
            f" {forged_before}, {forged_after}, NULL, 'h', {zero}, {zero})",
            f"UPDATE audit_head{suffix} SET seq = seq + 1",
            f"INSERT INTO settings{suffix} (name, value)"
            " VALUES ('max_active_keys_per_user', '1000')",
        ]
    if stage.kind == "postgresql":
        attempts = [attempt.replace("`", '"') for attempt in attempts]
        call, host = "SELECT", "'psql'"
        attempts += [
            "SELECT * FROM api_keys",
            "TRUNCATE audit_events",
            f"SET ROLE {stage.role_name('admin')}",
            f"SELECT kw_give_role({me}, 'admin')",
            f"SELECT kw_bootstrap({me}, NULL, 'psql')",
        ]
    else:
        call, host = "CALL", "'mariadb'"
        attempts += [
            "SELECT * FROM api_keys_data",
            "SELECT * FROM audit_events_data",
            "SELECT * FROM users_data",
            "TRUNCATE audit_events_data",
            f"SET ROLE `{stage.role_name('admin')}`",
            f"SET DEFAULT ROLE `{stage.role_name('admin')}`",
            f"CALL kw_grant({me}, 'admin', TRUE, @done)",
            f"CALL kw_set_db_role({me}, 'admin', @done)",
            f"CALL kw_bootstrap({me}, NULL, 'mariadb')",
        ]
    attempts += [
        # The same forgery through the routine that appends events.
        f"{call} kw_append_event({owner}, '2026-01-01 00:00:00', 'user.role_changed', 'user',"
        f" {me}, {forged_before}, {forged_after}, NULL, {host})",
        # Routines above the role, also while claiming to be the owner (p_as).
        f"{call} kw_set_role({owner}, NULL, {host}, {me}, 'admin')",
        f"{call} kw_add_user(NULL, NULL, {host}, 'mallory', NULL, NULL, 'admin')",
        f"{call} kw_set_setting(NULL, NULL, {host}, 'max_active_keys_per_user', '1000')",
        f"{call} kw_set_active(NULL, NULL, {host}, {owner}, FALSE)",
        f"{call} kw_update_key(NULL, NULL, {host}, {key}, NULL, NULL, NULL, 'revoked', FALSE,"
        " NULL, 'gone')",
        f"{call} kw_update_key({owner}, NULL, {host}, {key}, NULL, 'pwned', NULL, NULL, FALSE,"
        " NULL, NULL)",
        f"{call} kw_delete_key(NULL, NULL, {host}, {key})",
    ]
    return attempts


def create_key_call(stage: Stage, key_id: str, masked: str, secret_hash: str, owner: str) -> str:
    call, host = ("SELECT", "'psql'") if stage.kind == "postgresql" else ("CALL", "'mariadb'")
    return (
        f"{call} kw_create_key(NULL, NULL, {host}, {_lit(key_id)}, 'kw', 'live',"
        f" 'Made by hand', 'created with the plain client', {owner}, {_lit(masked)},"
        f" {_lit(secret_hash)}, NULL, FALSE, NULL, NULL)"
    )


# --------------------------------------------------------------------------- superuser


def read_events(stage: Stage) -> list[dict[str, Any]]:
    """Every event, as the superuser reads it with the plain client."""
    columns = ["seq", "occurred_at", "actor", "action", "target_type", "target_id"]
    columns += ["before", "after", "reason", "host", "prev_hash", "hash"]
    if stage.kind == "postgresql":
        sql = "SELECT json_agg(e ORDER BY seq)::text FROM audit_events e;"
    else:
        pairs = ", ".join(f"'{name}', `{name}`" for name in columns)
        sql = f"SELECT JSON_ARRAYAGG(JSON_OBJECT({pairs}) ORDER BY `seq`) FROM `audit_events_data`;"
    events: list[dict[str, Any]] = json.loads(stage.as_superuser(sql))
    assert [sorted(event) for event in events] == [sorted(columns)] * len(events)
    return events


def rewrite_history(stage: Stage, seq: int, reason: str) -> None:
    """Change event ``seq``'s reason, recompute every later hash and the head (v2 encoding),
    and delete the stored checkpoints: a perfect rewrite, one transaction."""
    events = read_events(stage)
    previous = GENESIS_HASH
    statements = ["START TRANSACTION;" if stage.kind == "mariadb" else "BEGIN;"]
    events_table, head_table = stage.table("audit_events"), stage.table("audit_head")
    for event in events:
        fields = {name: value for name, value in event.items() if name != "hash"}
        assert event_hash(**fields) == event["hash"], "the superuser misread an event"
        if event["seq"] == seq:
            event["reason"] = reason
        if event["seq"] >= seq:
            event["prev_hash"] = previous
            event["hash"] = event_hash(**{k: v for k, v in event.items() if k != "hash"})
            statements.append(
                f"UPDATE {events_table} SET reason = {_lit(str(event['reason']))},"
                f" prev_hash = '{previous}', hash = '{event['hash']}' WHERE seq = {event['seq']};"
                if event["seq"] == seq
                else f"UPDATE {events_table} SET prev_hash = '{previous}',"
                f" hash = '{event['hash']}' WHERE seq = {event['seq']};"
            )
        previous = event["hash"]
    statements += [
        f"UPDATE {head_table} SET seq = {events[-1]['seq']}, hash = '{previous}' WHERE id = 1;",
        f"DELETE FROM {stage.table('audit_checkpoints')};",
        "COMMIT;",
    ]
    stage.as_superuser("\n".join(statements))


# --------------------------------------------------------------------------- the story


# Some 260 real client processes: minutes on a busy two-core machine, not the default 120 s.
@pytest.mark.timeout(900)
def test_a_reviewer_s_story_with_the_real_clients(stage: Stage) -> None:
    # 1. The owner sets the database up and makes a key.
    upgraded = stage.keyward("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    created = stage.keyward("keys", "create", "--name", "Billing ETL")
    assert created.returncode == 0, created.stderr
    owner_token = created.stdout.rstrip("\n").splitlines()[-1]
    owner_key = owner_token.split("_")[2]

    # 2. The DBA creates the logins; 3. the owner gives them their Keyward roles.
    for role in ROLES:
        login = stage.create_login(role)
        added = stage.keyward("users", "add", login.name, "--role", role)
        assert added.returncode == 0, added.stderr
    member, auditor, verifier = (stage.logins[role] for role in ROLES)

    # 4. Each login tries its luck with the plain client.
    keys_before = stage.owner_json("keys", "list")
    events_before = stage.owner_json("audit", "list", "--limit", "1000")
    assert [key["id"] for key in keys_before] == [owner_key]
    made_by_member = generate_token()
    member_hash = TokenHasher(FAST_FOR_TESTS).hash(made_by_member.token.reveal())

    for login in (member, auditor, verifier):
        # It really is connected as itself, with its role.
        if stage.kind == "postgresql":
            assert allowed(stage, login, "SELECT session_user") == [[login.name]]
        else:
            assert allowed(stage, login, "SELECT CURRENT_ROLE()") == [[stage.role_name(login.role)]]
        for attempt in forbidden_everywhere(stage, login, owner_key, member_hash):
            refused(stage, login, attempt)
        no_secret_hash(stage, login, "SELECT secret_hash FROM api_keys")

    # What each role may read, and nothing more.
    assert allowed(stage, member, "SELECT key_id FROM api_keys") == []
    refused_or_empty(stage, member, "SELECT seq, hash FROM audit_head")
    refused_or_empty(stage, member, "SELECT key_pk FROM daily_usage")
    refused_or_empty(stage, member, "SELECT seq FROM audit_checkpoints")
    own_events = allowed(stage, member, "SELECT target_type, target_id FROM audit_events")
    assert own_events and all(row == ["user", member.name] for row in own_events), own_events
    refused(
        stage, member, create_key_call(stage, "Kforownerkey1", "m", member_hash, _lit(stage.owner))
    )
    for role in ("auditor", "verifier"):
        refused(
            stage,
            stage.logins[role],
            create_key_call(stage, "Knotallowed01", "m", member_hash, "NULL"),
        )

    assert allowed(stage, auditor, "SELECT key_id FROM api_keys") == [[owner_key]]
    [[seen]] = allowed(stage, auditor, "SELECT count(*) FROM audit_events")
    assert int(seen) == len(events_before)

    for table in ("api_keys", "audit_events", "audit_head", "daily_usage", "audit_checkpoints"):
        refused(stage, verifier, f"SELECT * FROM {table}")
    assert allowed(stage, verifier, "SELECT login FROM users") == [[verifier.name]]

    # Nothing changed, and nothing was written behind the trail's back.
    verified = stage.keyward("audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "The audit trail is intact" in verified.stdout
    assert stage.owner_json("keys", "list") == keys_before
    assert stage.owner_json("audit", "list", "--limit", "1000") == events_before

    # The member makes a key of its own through the routine: allowed, and on the record.
    allowed(
        stage,
        member,
        create_key_call(stage, made_by_member.key_id, made_by_member.masked, member_hash, "NULL"),
    )
    assert allowed(stage, member, "SELECT key_id FROM api_keys") == [[made_by_member.key_id]]
    no_secret_hash(stage, member, "SELECT secret_hash FROM api_keys")
    [event] = [
        event
        for event in stage.owner_json("audit", "list", "--limit", "1000")
        if event["target_id"] == made_by_member.key_id
    ]
    assert event["action"] == "key.created" and event["actor"] == member.name
    assert event["host"] == ("psql" if stage.kind == "postgresql" else "mariadb")
    assert stage.keyward("audit", "verify").returncode == 0

    # 5. The verifier service: verifies tokens (the member's hand-made one too), lists nothing.
    for token, key_id in ((owner_token, owner_key), (made_by_member.token.reveal(), None)):
        checked = stage.keyward("keys", "verify", url=verifier.url, stdin=token + "\n")
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert checked.stdout.startswith("valid: "), checked.stdout
        if key_id:
            assert key_id in checked.stdout
    for command in (("keys", "list"), ("audit", "list"), ("audit", "verify")):
        listing = stage.keyward(*command, url=verifier.url)
        assert listing.returncode == 1, listing.stdout + listing.stderr
        assert listing.stdout == ""
        one_sentence(listing.stderr)
    # Its use left a trace on the key.
    [used] = [key for key in stage.owner_json("keys", "list") if key["id"] == owner_key]
    assert used["last_used_at"] is not None

    # 6. The owner signs a checkpoint, kept as a file outside the database.
    path = stage.cwd / "checkpoint-before-the-rewrite.json"
    signed = stage.keyward("audit", "checkpoint", "--output", str(path))
    assert signed.returncode == 0, (
        "signing needs the OS keyring (an unlocked Secret Service, as in .ci/run): "
        + signed.stdout
        + signed.stderr
    )
    checkpoint = json.loads(path.read_text(encoding="utf-8"))
    holds = stage.keyward("audit", "verify", "--checkpoint", str(path))
    assert holds.returncode == 0, holds.stdout + holds.stderr

    # 7. The superuser rewrites an early event perfectly and removes the stored checkpoints.
    rewrite_history(stage, 1, REWRITTEN_REASON)
    fooled = stage.keyward("audit", "verify")
    assert fooled.returncode == 0, fooled.stdout + fooled.stderr
    assert "The audit trail is intact" in fooled.stdout
    [first] = [e for e in stage.owner_json("audit", "list", "--limit", "1000") if e["seq"] == 1]
    assert first["reason"] == REWRITTEN_REASON

    caught = stage.keyward("audit", "verify", "--checkpoint", str(path))
    assert caught.returncode == 1, caught.stdout + caught.stderr
    assert f"Checkpoint file {path} (event #{checkpoint['seq']}" in caught.stdout
    assert f"event #{checkpoint['seq']} no longer has the hash that was signed" in caught.stdout

    as_json = stage.keyward("--json", "audit", "verify", "--checkpoint", str(path))
    assert as_json.returncode == 1, as_json.stderr
    fields = json.loads(as_json.stdout)
    assert fields["ok"] is False and fields["chain_ok"] is True
    assert fields["checkpoint"] == f"checkpoint file {path}"
    assert fields["first_bad_seq"] == checkpoint["seq"]
    assert "no longer has the hash" in fields["problem"]
    [report] = fields["checkpoints"]
    assert report["ok"] is False and report["seq"] == checkpoint["seq"]
