"""The entry point: exit codes, errors without tracebacks, help, version and the console."""

from __future__ import annotations

import ast
import importlib.metadata
import io
import os
import shutil
import subprocess
import sys
import tomllib
import types
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import _version
from app.cli import keys as cli_keys
from app.cli.main import COMMAND_GROUPS, build_parser, command_groups
from app.domain.hashing import STANDARD
from app.domain.key_format import generate_token
from app.main import main
from app.services.database import default_sqlite_path

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE = "postgresql+psycopg://u:hunter2@127.0.0.1:1/x"
#: What a command that needs no database must not import.
HEAVY = {"sqlalchemy", "alembic", "argon2", "cryptography", "PySide6"}


def keyward(
    *argv: str, stdin: bytes = b"", env: dict[str, str] | None = None, module: bool = False
) -> subprocess.CompletedProcess[bytes]:
    """The installed `keyward` script (or `python -m app`), as a person would run it."""
    script = shutil.which("keyward", path=str(Path(sys.executable).parent))
    command = [sys.executable, "-m", "app"] if module or script is None else [script]
    return subprocess.run(
        [*command, *argv],
        input=stdin,
        capture_output=True,
        env=env if env is not None else {**os.environ, "KEYWARD_ARGON2_PROFILE": "fast-for-tests"},
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_real_entry_point_with_the_default_argon2_profile(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEYWARD_")}
    env["KEYWARD_CLI_HELPER"] = "off"  # no resident helper left behind (test_helper.py)
    url = f"sqlite:///{tmp_path / 'keyward.db'}"
    created = keyward("--database", url, "keys", "create", "--name", "Snowflake ETL", env=env)
    assert created.returncode == 0, created.stderr
    assert created.stderr == b""
    token = created.stdout.decode().splitlines()[-1]
    stored = keyward(
        "--database", url, "audit", "export", "--format", "jsonl", env=env, module=True
    ).stdout
    assert token.encode() not in stored
    assert stat_mode(tmp_path / "keyward.db") == 0o600

    valid = keyward("--database", url, "keys", "verify", stdin=token.encode() + b"\n", env=env)
    assert valid.returncode == 0
    assert valid.stdout.decode().startswith("valid: ")
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        stored_hash = connection.exec_driver_sql("SELECT secret_hash FROM api_keys").scalar_one()
    engine.dispose()
    # The standard profile, not the one the other tests use.
    assert f"m={STANDARD.memory_cost_kib},t={STANDARD.time_cost},p=" in stored_hash


def stat_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_exit_codes_of_the_real_entry_point(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'keyward.db'}"
    usage = keyward("--database", url, "keys", "create")
    assert usage.returncode == 2
    assert b"--name" in usage.stderr

    unknown = keyward("--database", url, "keys", "show", "NoSuchKey123")
    assert unknown.returncode == 1
    assert unknown.stderr.decode() == "keyward: There is no key with the id “NoSuchKey123”.\n"

    unreachable = keyward("--database", UNREACHABLE, "keys", "list", module=True)
    assert unreachable.returncode == 3
    message = unreachable.stderr.decode()
    assert message.startswith("keyward: ") and message.count("\n") == 1
    assert "Traceback" not in message and "hunter2" not in message
    assert unreachable.stdout == b""

    huge = keyward("--database", url, "keys", "verify", stdin=b"x" * 5_000_000)
    assert huge.returncode == 1
    assert huge.stdout == b"rejected: malformed\n"

    assert keyward("--version").stdout.startswith(b"keyward ")


def test_version_is_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with (ROOT / "pyproject.toml").open("rb") as stream:
        expected = tomllib.load(stream)["project"]["version"]
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"keyward {expected}\n"
    shown = keyward("--version")
    assert shown.returncode == 0
    assert shown.stdout == f"keyward {expected}\n".encode()


def test_version_without_metadata_comes_from_pyproject(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    monkeypatch.setattr(_version.sys, "path", [])  # no dist-info folder to read either
    with (ROOT / "pyproject.toml").open("rb") as stream:
        assert _version.version() == tomllib.load(stream)["project"]["version"]


def test_version_is_read_from_the_first_dist_info_as_importlib_finds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The quick read (no importlib.metadata) agrees with importlib.metadata where installed…
    assert _version._from_dist_info() == importlib.metadata.version("keyward")
    # …takes the first folder along sys.path that holds one, as importlib.metadata does…
    first = tmp_path / "first" / "keyward-9.9.9.dist-info"
    first.mkdir(parents=True)
    (first / "METADATA").write_text(
        "Metadata-Version: 2.4\nName: keyward\nVersion: 9.9.9\n\nVersion: 1.0 in the body\n"
    )
    monkeypatch.setattr(_version.sys, "path", [str(tmp_path / "missing"), str(first.parent)])
    assert _version.version() == "9.9.9"
    # …and leaves two in one folder (or a broken one) to importlib.metadata.
    (first.parent / "keyward-1.0.dist-info").mkdir()
    assert _version._from_dist_info() is None
    (first.parent / "keyward-1.0.dist-info").rmdir()
    (first / "METADATA").write_bytes(b"Name: keyward\n\xff\xfe\n")
    assert _version._from_dist_info() is None


@pytest.mark.parametrize(
    "url",
    ["::not a url::", "oracle://scott@tiger/db", "postgresql+nodriver://u@h/d", UNREACHABLE],
)
def test_unusable_database_urls_exit_3(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database", url, "keys", "list"]) == 3
    captured = capsys.readouterr()
    assert captured.err.startswith("keyward: ") and captured.err.count("\n") == 1
    assert "hunter2" not in captured.err


def test_database_url_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KEYWARD_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    assert main(["db", "upgrade"]) == 0
    assert str(tmp_path / "env.db") in capsys.readouterr().out


def test_a_database_of_another_application_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    connection.close()
    assert main(["--database", f"sqlite:///{path}", "keys", "list"]) == 3
    assert "another application" in capsys.readouterr().err


def test_a_bug_is_reported_in_one_line_with_the_traceback_in_a_file(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def broken(*_args: object) -> int:
        raise RuntimeError("something internal")

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(cli_keys, "list_keys", broken)
    assert main(["--database", sqlite_url, "keys", "list"]) == 70
    err = capsys.readouterr().err
    assert err.startswith("keyward: internal error: RuntimeError; please report it (")
    assert "Traceback" not in err and err.count("\n") == 1
    logs = list((tmp_path / "state").rglob("crash-*.log"))
    assert len(logs) == 1 and str(logs[0]) in err
    assert "Traceback" in logs[0].read_text() and "something internal" in logs[0].read_text()
    assert stat_mode(logs[0]) == 0o600


def test_interrupt_exits_130_quietly(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*_args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_keys, "list_keys", interrupted)
    assert main(["--database", sqlite_url, "keys", "list"]) == 130
    assert capsys.readouterr().err == ""


COMMANDS = [
    [],
    ["keys"],
    *[
        ["keys", name]
        for name in (
            "create", "list", "show", "edit", "enable", "disable", "revoke", "delete",
            "rotate", "replace", "verify",
        )
    ],
    ["users"],
    *[["users", name] for name in ("list", "add", "set-role", "deactivate", "reactivate")],
    ["audit"],
    *[["audit", name] for name in ("list", "verify", "export")],
    ["policy"],
    ["policy", "show"],
    ["policy", "set"],
    ["db"],
    ["db", "upgrade"],
]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "keyward")
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: {' '.join(['keyward', *command])}")
    if len(command) == 2:
        assert "--json" in out
    if not command:
        assert 'keyward keys create --name "Snowflake ETL" --keyring keyward' in out


def test_a_group_without_its_action_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys"]) == 2
    assert "keyward: " in capsys.readouterr().err


def test_no_command_opens_the_console(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    opened: list[str | None] = []

    def run_console(database_url: str | None) -> int:
        opened.append(database_url)
        return 0

    ui = types.ModuleType("app.ui")
    ui.run_console = run_console  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "app.ui", ui)
    assert main(["--database", "sqlite:///x.db"]) == 0
    assert main([]) == 0
    assert opened == ["sqlite:///x.db", None]


def test_no_console_in_this_build(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "app.ui", None)  # import fails
    assert main([]) == 1
    assert capsys.readouterr().err == (
        "keyward: The console is not available in this build; use `keyward --help`.\n"
    )


def test_the_command_line_does_not_load_qt() -> None:
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, app.cli.main; print(sorted(m for m in sys.modules if 'PySide6' in m))",
        ],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    assert probe.stdout.strip() == b"[]"


# --------------------------------------------------------------------------- small refusals


@pytest.mark.parametrize(
    "argv",
    [
        ["--database", "", "keys", "list"],
        ["--database=", "keys", "list"],
        ["keys", "list", "--database", ""],
        ["--database", "   ", "keys", "list"],
        ["--database", ""],  # the console too
    ],
)
def test_an_empty_database_option_is_a_usage_error_not_the_default_database(
    argv: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # where the default would go
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setitem(sys.modules, "app.ui", None)  # no console may open either
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "keyward: --database needs a URL such as sqlite:///PATH; leave it out to use the default.\n"
    )
    assert not list(tmp_path.rglob("*.db"))


def _other_applications_file(path: Path) -> bytes:
    """A SQLite file as another program leaves it: its own tables, rollback journal."""
    import sqlite3

    connection = sqlite3.connect(path)
    with connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total TEXT)")
        connection.executemany(
            "INSERT INTO invoices (total) VALUES (?)", [(f"{n}.00",) for n in range(500)]
        )
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    connection.close()
    return path.read_bytes()


@pytest.mark.parametrize(
    "argv",
    [
        ["keys", "list"],
        ["keys", "create", "--name", "Snowflake ETL"],
        ["db", "upgrade"],
        ["audit", "verify"],
        ["keys", "verify"],
    ],
)
def test_another_applications_sqlite_file_is_left_byte_for_byte_unchanged(
    argv: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Well formed: a malformed token is answered without opening the database.
    token = generate_token("kw", "live").token.reveal().encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(token)))
    path = tmp_path / "invoices.db"
    content = _other_applications_file(path)
    stat_before = path.stat()
    assert main(["--database", f"sqlite:///{path}", *argv]) == 3
    captured = capsys.readouterr()
    assert captured.err == (
        "keyward: This database belongs to another application "
        "(it has tables but no Keyward schema).\n"
    )
    assert path.read_bytes() == content
    assert path.stat().st_mode == stat_before.st_mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["invoices.db"]  # no -wal, no -shm


def test_arguments_that_are_not_utf8_are_refused_by_the_real_entry_point(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'keyward.db'}"
    assert keyward("--database", url, "db", "upgrade").returncode == 0
    script = shutil.which("keyward", path=str(Path(sys.executable).parent))
    command = [script] if script else [sys.executable, "-m", "app"]
    refused = subprocess.run(
        [*command, "--database", url, "keys", "create", "--name", b"Snow\xffflake"],
        capture_output=True,
        env={**os.environ, "KEYWARD_ARGON2_PROFILE": "fast-for-tests"},
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 1
    assert refused.stdout == b""
    assert refused.stderr == (
        b"keyward: The value of --name holds bytes that are not valid UTF-8 text; type it again.\n"
    )
    listed = keyward("--database", url, "--json", "keys", "list")
    assert listed.returncode == 0 and listed.stdout.strip() == b"[]"


def test_a_database_url_that_is_not_utf8_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database", "sqlite:///tmp/\udcff.db", "keys", "list"]) == 1
    assert "--database holds bytes that are not valid UTF-8 text" in capsys.readouterr().err


# --------------------------------------------------------------------------- light start-up


def test_the_top_level_help_reads_the_same_with_the_groups_loaded_or_not() -> None:
    """The summaries ``keyward --help`` lists for groups not loaded are the groups' own."""
    assert build_parser(set()).format_help() == build_parser().format_help()
    for group in COMMAND_GROUPS:
        assert build_parser({group}).format_help() == build_parser().format_help()


def test_the_top_level_help_still_names_the_default_database(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--help"]) == 0
    assert str(default_sqlite_path()) in capsys.readouterr().out


def _modules_after(*argv: str, stdin: bytes = b"") -> set[str]:
    """The modules a real ``keyward`` process has imported by the time it exits."""
    return _probed(*argv, stdin=stdin)[1]


def _probed(*argv: str, stdin: bytes = b"") -> tuple[subprocess.CompletedProcess[bytes], set[str]]:
    """A real ``keyward`` process and the modules it had imported by the time it exited."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(sorted(sys.modules), file=sys.stderr))\n"
        "from app.main import main\n"
        f"raise SystemExit(main({list(argv)!r}))\n"
    )
    probe = subprocess.run(
        [sys.executable, "-c", code],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    listing = probe.stderr.decode().strip().splitlines()[-1]
    return probe, set(ast.literal_eval(listing))


@pytest.mark.parametrize("stdin", [b"", b"not a token\n", b"kw_live_ABCDEFGHJKLM_0123456789"])
def test_verify_answers_a_malformed_token_without_opening_the_database(stdin: bytes) -> None:
    # As a service would: no database library is loaded, an unreachable database not tried.
    probe, loaded = _probed("--database", UNREACHABLE, "keys", "verify", stdin=stdin)
    assert (probe.returncode, probe.stdout) == (1, b"rejected: malformed\n")
    assert not {name for name in loaded if name.split(".")[0] in HEAVY}


def test_verify_of_a_well_formed_token_still_asks_the_database() -> None:
    token = generate_token("kw", "live").token.reveal()
    probe, _loaded = _probed("--database", UNREACHABLE, "keys", "verify", stdin=token.encode())
    assert probe.returncode == 3
    assert probe.stdout == b""
    assert token not in probe.stderr.decode()


@pytest.mark.parametrize(
    "argv",
    [
        ["--version"],
        ["--help"],
        ["keys", "--help"],
        ["keys", "attention", "--help"],
        ["keys", "bulk", "--help"],
        ["users", "--help"],
        ["policy", "--help"],
        ["reviews", "--help"],
        ["audit", "--help"],
        ["audit", "evidence", "--help"],
        ["db", "--help"],
    ],
)
def test_help_and_version_load_no_database_library(argv: list[str]) -> None:
    loaded = _modules_after(*argv)
    assert not {name for name in loaded if name.split(".")[0] in HEAVY}, argv


@pytest.mark.parametrize("argv", [["--version"], ["--help"]])
def test_version_and_help_load_only_what_they_print(argv: list[str]) -> None:
    # Each of these cost ``keyward --version`` or ``--help`` more than the interpreter's own
    # start (README, "Start-up and the command line beside their floors").
    loaded = _modules_after(*argv)
    assert not {"importlib.metadata", "dataclasses", "hashlib", "app.domain.key_format"} & loaded


def test_the_keys_help_loads_no_dtos() -> None:
    # The attention groups, bulk actions and secret file formats it lists live in
    # app.services.choices; the secret's destination is a plain class.
    loaded = _modules_after("keys", "--help")
    assert "app.services.choices" in loaded
    heavy = {"app.services.dto", "app.services.vault", "dataclasses", "pathlib"}
    assert not {*heavy, "hashlib", "app.domain.key_format"} & loaded


@pytest.mark.parametrize("argv", [["--version"], ["keys", "--help"], ["audit", "--help"]])
def test_building_the_parsers_does_not_load_shutil(argv: list[str]) -> None:
    # argparse asks shutil for the terminal's width, and shutil loads bz2 and lzma.
    assert not {"shutil", "bz2", "lzma"} & _modules_after(*argv)


def test_the_help_wraps_to_the_terminal_width_as_argparse_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.cli.main import terminal_width

    for columns in ("60", "133"):
        monkeypatch.setenv("COLUMNS", columns)
        assert terminal_width() == shutil.get_terminal_size().columns == int(columns)
    narrow = {**os.environ, "COLUMNS": "60"}
    lines = keyward("keys", "--help", env=narrow).stdout.decode().splitlines()
    assert max(map(len, lines)) <= 58 < max(map(len, keyward("keys", "--help").stdout.splitlines()))


def test_listing_keys_loads_no_key_format_nor_hashing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    assert keyward("--database", url, "keys", "list").returncode == 0
    loaded = _modules_after("--database", url, "keys", "list")
    assert "app.services.first_page" in loaded  # the file was read without the services
    assert not {"hashlib", "app.domain.key_format"} & loaded


def test_a_command_loads_only_its_own_group(tmp_path: Path) -> None:
    loaded = _modules_after("--database", f"sqlite:///{tmp_path / 'k.db'}", "keys", "list")
    assert "app.cli.keys" in loaded
    assert not {"app.cli.audit", "app.cli.users", "app.cli.reviews"} & loaded
    # Signing checkpoints (cryptography) and exporting evidence are not on this path.
    assert "cryptography" not in loaded
    assert "app.services.evidence" not in loaded


def test_command_groups_are_found_wherever_the_words_are() -> None:
    assert command_groups(["--json", "keys", "list"]) == {"keys"}
    assert command_groups(["--database", "sqlite:///x.db", "users", "list"]) == {"users"}
    assert command_groups(["--help"]) == set()
    assert command_groups(["bogus"]) == set()
