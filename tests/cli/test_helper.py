"""The command line's resident helper (app.cli.helper, app.cli.helper_server): a real helper
process on a real socket, real commands, compared with the same commands run in their own
process; a second login that tries to reach it; signals, a stale helper, a broken one."""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import pwd
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Iterator
from pathlib import Path
from subprocess import Popen

import pytest

from app.cli import helper
from app.cli.main import main
from tests.support import child_processes, helper_processes

ROOT = Path(__file__).resolve().parents[2]


def _wait_for(condition: object, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting for {what}")
        time.sleep(0.05)


class Helper:
    """A runtime folder of the test's own, and the helpers started in it (stopped after)."""

    def __init__(self, runtime: Path) -> None:
        self.runtime = runtime
        self.env = {
            **{k: v for k, v in os.environ.items() if k != helper.ENV},
            "XDG_RUNTIME_DIR": str(runtime),
            "KEYWARD_ARGON2_PROFILE": "fast-for-tests",
        }
        self.env.pop("KEYWARD_DATABASE_URL", None)
        self.folder = str(runtime / "keyward")
        self.socket = helper.socket_path(self.folder)
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, *extra: str, env: dict[str, str] | None = None) -> None:
        """Start a helper as a command would, and wait until it answers."""
        os.makedirs(self.folder, mode=0o700, exist_ok=True)
        self.started.append(
            subprocess.Popen(
                [sys.executable, "-P", "-m", "app.cli.helper_server", self.socket, *extra],
                env=env or self.env,
                cwd="/",
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        _wait_for(lambda: os.path.exists(self.socket), "the helper's socket")

    def keyward(
        self, *argv: str, stdin: bytes = b"", cwd: Path | None = None, **env: str
    ) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "app", *argv],
            input=stdin,
            capture_output=True,
            env={**self.env, **env},
            cwd=cwd or ROOT,
            timeout=120,
            check=False,
        )

    def stop(self) -> None:
        for pid in helper_processes(self.socket):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for process in self.started:
            process.wait(timeout=30)
        _wait_for(lambda: not helper_processes(self.socket), "the helpers to leave", 30)


@pytest.fixture
def resident(monkeypatch: pytest.MonkeyPatch) -> Iterator[Helper]:
    # A short folder of its own: a Unix socket's path holds at most 107 bytes.
    runtime = Path(tempfile.mkdtemp(prefix="kw-run-", dir="/tmp"))
    made = Helper(runtime)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv("KEYWARD_ARGON2_PROFILE", "fast-for-tests")
    monkeypatch.delenv(helper.ENV)
    monkeypatch.delenv("KEYWARD_DATABASE_URL", raising=False)
    try:
        yield made
    finally:
        made.stop()
        monkeypatch.setattr(helper, "_start_after", False)
        shutil.rmtree(runtime, ignore_errors=True)


#: A command's exit status, output and errors.
Answer = tuple[int, str, str]


def _local(argv: list[str], capfd: pytest.CaptureFixture[str], stdin: str = "") -> Answer:
    """``argv`` run in this process: its exit status, output and errors."""
    capfd.readouterr()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(helper.ENV, "off")
        patch.setattr(sys, "stdin", io.StringIO(stdin))
        status = main(argv)
    done = capfd.readouterr()
    return status, done.out, done.err


def _delegated(argv: list[str], capfd: pytest.CaptureFixture[str]) -> Answer:
    """``argv`` run by the helper (over this process's descriptors 0, 1 and 2)."""
    capfd.readouterr()
    status = helper.delegate(argv)
    assert status is not None, "the helper did not take the command"
    done = capfd.readouterr()
    return status, done.out, done.err


def test_words_that_go_to_the_helper_before_the_parser_is_loaded() -> None:
    goes = helper.reads_the_database
    assert goes(["keys", "show", "ABC"])
    assert goes(["--database", "sqlite:///x.db", "users", "list"])
    assert goes(["db", "upgrade"])
    assert goes(["reviews", "list"])
    assert not goes([])  # the console
    assert not goes(["--database", "sqlite:///x.db"])  # the console on a file
    assert not goes(["--version"])
    assert not goes(["keys", "show", "--help"])
    assert not goes(["-h"])
    assert goes(["keys", "list"])  # a running helper lists quicker than the file read alone


def test_the_first_command_starts_the_helper_and_the_next_ones_run_in_it(
    resident: Helper, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'keyward.db'}"
    created = resident.keyward(
        "--database", url, "keys", "create", "--name", "Snowflake ETL", "--json",
        "--output", str(tmp_path / "etl.key"),
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    key_id = json.loads(created.stdout)["id"]
    # It ran by itself (there was no helper) and left one starting for the next command.
    _wait_for(lambda: os.path.exists(resident.socket), "the helper started by the command")
    assert stat.S_IMODE(os.stat(resident.folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(resident.socket).st_mode) == 0o600
    (server,) = helper_processes(resident.socket)

    # A command waiting on its standard input: it is the helper's child, reading our pipe.
    reader, writer = os.pipe()
    command = subprocess.Popen(
        [sys.executable, "-m", "app", "--database", url, "keys", "verify"],
        stdin=reader,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=resident.env,
        cwd=ROOT,
    )
    os.close(reader)
    ours = os.fstat(writer).st_ino

    _wait_for(lambda: child_processes(server, stdin_inode=ours), "the command in the helper")
    os.write(writer, (tmp_path / "etl.key").read_bytes())
    os.close(writer)
    out, err = command.communicate(timeout=60)
    assert command.returncode == 0, err
    assert out.decode().startswith(f"valid: {key_id} (Snowflake ETL")
    assert helper_processes(resident.socket) == [server]  # still there for the next one

    # What a person sees is what the command in its own process shows.
    through = resident.keyward("--database", url, "keys", "show", key_id)
    alone = resident.keyward("--database", url, "keys", "show", key_id, KEYWARD_CLI_HELPER="off")
    assert through.returncode == alone.returncode == 0
    assert through.stdout == alone.stdout
    assert b"Snowflake ETL" in through.stdout
    assert through.stderr == alone.stderr == b""


def test_commands_in_the_helper_answer_exactly_as_in_their_own_process(
    resident: Helper, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    database = ["--database", f"sqlite:///{tmp_path / 'keyward.db'}"]
    status, out, _ = _local([*database, "keys", "create", "--name", "Jira Alerts", "--json",
                             "--output", str(tmp_path / "jira.key")], capfd)  # fmt: skip
    assert status == 0
    key_id = json.loads(out)["id"]
    resident.start()
    for argv in (
        ["keys", "show", key_id],
        ["keys", "show", key_id, "--json"],
        ["keys", "show", "NoSuchKey123"],  # refused: exit 1, one sentence
        ["keys", "show"],  # usage: exit 2
        ["keys", "list", "--search", "jira"],
        ["users", "list"],
        ["policy", "show"],
        ["audit", "list", "--limit", "5"],
        ["audit", "verify"],
        ["keys", "rotate", "--help"],
    ):
        assert _delegated([*database, *argv], capfd) == _local([*database, *argv], capfd), argv


def _only_key(database: list[str], capfd: pytest.CaptureFixture[str]) -> str:
    status, out, _ = _local([*database, "keys", "list", "--json"], capfd)
    assert status == 0
    (key,) = json.loads(out)
    return str(key["id"])


def test_a_refused_change_in_the_helper_changes_nothing(
    resident: Helper, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    database = ["--database", f"sqlite:///{tmp_path / 'keyward.db'}"]
    _local([*database, "keys", "create", "--name", "HubSpot Sync", "--output",
            str(tmp_path / "hub.key")], capfd)  # fmt: skip
    key_id = _only_key(database, capfd)
    before = _local([*database, "keys", "show", key_id, "--json"], capfd)
    resident.start()
    status, out, err = _delegated([*database, "keys", "edit", key_id, "--name", " "], capfd)
    assert status == 1
    assert out == ""
    assert err.startswith("keyward: ") and err.count("\n") == 1  # one sentence
    assert _local([*database, "keys", "show", key_id, "--json"], capfd) == before
    status, _, err = _delegated([*database, "keys", "revoke", key_id], capfd)  # no --yes
    assert status != 0 and "--yes" in err
    assert _local([*database, "keys", "show", key_id, "--json"], capfd) == before


def test_the_command_gets_the_callers_folder_umask_and_environment(
    resident: Helper, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    resident.start()
    work = tmp_path / "work folder"
    work.mkdir()
    url = f"sqlite:///{tmp_path / 'from-env.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(work)
        patch.setenv("KEYWARD_DATABASE_URL", url)  # after the helper started: the caller's
        previous = os.umask(0o027)
        try:
            status, out, err = _delegated(
                ["keys", "create", "--name", "Relative", "--output", "relative.key"], capfd
            )
        finally:
            os.umask(previous)
    assert status == 0, err
    secret = work / "relative.key"
    assert secret.read_text().startswith("kw_live_")
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert secret.read_text().strip() not in out + err  # the secret went to the file only
    assert (tmp_path / "from-env.db").exists()


@contextlib.contextmanager
def _waiting_command(resident: Helper, tmp_path: Path) -> Iterator[tuple[Popen[bytes], int, int]]:
    """``keys verify`` through a helper, waiting on a pipe the test holds open: the calling
    process, the command's process in the helper, and the helper's."""
    resident.start()
    (server,) = helper_processes(resident.socket)
    reader, writer = os.pipe()
    command = subprocess.Popen(
        [sys.executable, "-m", "app", "--database", f"sqlite:///{tmp_path / 'k.db'}",
         "keys", "verify"],
        stdin=reader, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=resident.env, cwd=ROOT,
    )  # fmt: skip
    os.close(reader)
    try:
        _wait_for(lambda: child_processes(server), "the command in the helper")
        (child,) = child_processes(server)
        yield command, child, server
    finally:
        os.close(writer)
        command.wait(timeout=60)


def test_ctrl_c_reaches_the_command_and_the_helper_stays(resident: Helper, tmp_path: Path) -> None:
    with _waiting_command(resident, tmp_path) as (command, child, server):
        command.send_signal(signal.SIGINT)
        assert command.wait(timeout=60) == 130  # as when interrupted in its own process
        _wait_for(lambda: not Path(f"/proc/{child}").exists(), "the interrupted command")
        assert helper_processes(resident.socket) == [server]


def _state(pid: int) -> str:
    """The process's state letter in /proc (T: stopped)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def test_ctrl_z_stops_the_command_with_its_caller_and_fg_continues_both(
    resident: Helper, tmp_path: Path
) -> None:
    """The terminal's Ctrl-Z stops only the caller's process group: the command in the
    helper must stop with it (a command left running while its job shows "Stopped" would
    go on writing to the terminal), and continue when the shell continues the job."""
    with _waiting_command(resident, tmp_path) as (command, child, server):
        assert _state(child) != "T"
        command.send_signal(signal.SIGTSTP)
        _wait_for(lambda: _state(command.pid) == "T", "the caller to stop")
        _wait_for(lambda: _state(child) == "T", "the command to stop with it")
        command.send_signal(signal.SIGCONT)  # fg
        _wait_for(lambda: _state(command.pid) != "T", "the caller to continue")
        _wait_for(lambda: _state(child) != "T", "the command to continue with it")
        command.send_signal(signal.SIGINT)  # and it still answers as a running command
        assert command.wait(timeout=60) == 130
        assert helper_processes(resident.socket) == [server]


def test_a_command_started_in_the_background_on_a_terminal_stops_to_read_it(
    resident: Helper, tmp_path: Path
) -> None:
    """``keyward keys verify &`` at a shell: run by the helper, the command would read what
    the person types at the shell; run alone, as a job of that terminal, reading it stops
    the job (SIGTTIN) and the shell says so."""
    resident.start()
    command = shlex.join(
        [sys.executable, "-m", "app", "--database", f"sqlite:///{tmp_path / 'k.db'}",
         "keys", "verify"]
    )  # fmt: skip
    script = (
        f"set -m; {command} & "
        "for i in $(seq 300); do jobs -l | grep -q Stopped && break; sleep 0.1; done; "
        "jobs -l; kill -KILL %1; wait"
    )
    controller, terminal = os.openpty()

    def own_terminal() -> None:  # the shell's session gets the terminal as its own
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    shell = subprocess.Popen(
        ["bash", "--norc", "--noprofile", "-c", script],
        stdin=terminal, stdout=terminal, stderr=terminal, env=resident.env, cwd=ROOT,
        start_new_session=True, preexec_fn=own_terminal,
    )  # fmt: skip
    os.close(terminal)
    shown = b""
    with contextlib.suppress(OSError):  # EIO once the shell has left
        while chunk := os.read(controller, 4096):
            shown += chunk
    os.close(controller)
    shell.wait(timeout=60)
    assert b"Stopped" in shown, shown.decode(errors="replace")
    assert not child_processes(helper_processes(resident.socket)[0])


def test_a_command_whose_caller_is_killed_ends_too(resident: Helper, tmp_path: Path) -> None:
    """The caller killed outright (no signal to pass on): the helper sees its end of the
    socket close and hangs up on the command, as a closed terminal would."""
    with _waiting_command(resident, tmp_path) as (command, child, server):
        command.kill()
        command.wait(timeout=30)
        _wait_for(lambda: not Path(f"/proc/{child}").exists(), "the command to end with it")
        assert helper_processes(resident.socket) == [server]


def test_a_helper_whose_code_changed_leaves_and_the_command_runs_anyway(
    resident: Helper, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "libraries"
    library.mkdir()
    env = {**resident.env, "PYTHONPATH": os.pathsep.join([str(library), str(ROOT)])}
    resident.start(env=env)
    database = ["--database", f"sqlite:///{tmp_path / 'keyward.db'}"]
    assert _delegated([*database, "users", "list"], capfd)[0] == 0
    (library / "installed.dist-info").mkdir()  # an upgrade: its folder changed
    capfd.readouterr()
    assert helper.delegate([*database, "users", "list"]) is None  # run it here instead
    _wait_for(lambda: not helper_processes(resident.socket), "the stale helper to leave")
    assert not os.path.exists(resident.socket)


def test_it_leaves_when_idle(resident: Helper) -> None:
    resident.start("1")
    _wait_for(lambda: not helper_processes(resident.socket), "the idle helper to leave", 60)
    assert not os.path.exists(resident.socket)


def test_no_helper_where_the_runtime_folder_is_not_ours_alone(
    resident: Helper, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    resident.start()
    database = ["--database", f"sqlite:///{tmp_path / 'keyward.db'}"]
    os.chmod(resident.folder, 0o755)  # another login could now reach the socket
    try:
        capfd.readouterr()
        helper._start_after = True  # as a command that found no helper would have left it
        assert helper.delegate([*database, "users", "list"]) is None
        assert helper._start_after is False  # nor would one be started there
        assert len(helper_processes(resident.socket)) == 1
    finally:
        os.chmod(resident.folder, 0o700)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(helper.ENV, "off")
        assert helper.delegate([*database, "users", "list"]) is None
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_RUNTIME_DIR", "relative/run")
        assert helper.delegate([*database, "users", "list"]) is None


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as a second login")
def test_another_login_cannot_run_commands_through_the_helper(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A second login on the machine tries the socket — first as it is, then with every
    folder on the way and the socket itself opened to all (a careless chmod): the helper
    still runs nothing for it, since it checks who is at the other end."""
    runtime = Path(tempfile.mkdtemp(prefix="kw-run-", dir="/tmp"))
    made = Helper(runtime)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    nobody = pwd.getpwnam("nobody").pw_uid
    target = runtime / "made-by-nobody.db"
    try:
        made.start()
        assert _as_login(nobody, made.socket, target) == "refused"
        for folder in (runtime, Path(made.folder)):
            os.chmod(folder, 0o711)
        os.chmod(made.socket, 0o666)
        assert _as_login(nobody, made.socket, target) == "no answer"
        assert not target.exists()
        assert helper_processes(made.socket)  # and it still serves its own login
    finally:
        made.stop()
        shutil.rmtree(runtime)


def _as_login(uid: int, path: str, target: Path) -> str:
    """In a child process that is ``uid``: connect to ``path`` and ask for a command that
    would create ``target``; what happened."""
    reply_read, reply_write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        outcome = "no answer"
        try:
            os.setgid(uid)
            os.setuid(uid)
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as attacker:
                attacker.connect(path)
                argv = ["--database", f"sqlite:///{target}", "users", "list"]
                helper._send(attacker, helper._request(argv))
                if attacker.recv(64):
                    outcome = "answered"
        except PermissionError:
            outcome = "refused"
        except (BrokenPipeError, ConnectionResetError):
            outcome = "no answer"  # it hung up
        except OSError as other:
            outcome = type(other).__name__
        os.write(reply_write, outcome.encode())
        os._exit(0)
    os.close(reply_write)
    os.waitpid(child, 0)
    with os.fdopen(reply_read, "rb") as reading:
        return reading.read().decode()


def test_a_broken_helper_costs_nothing_but_time(
    resident: Helper, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A socket that accepts and hangs up (a helper that crashed mid-way): the command
    runs in its own process, once."""
    os.makedirs(resident.folder, mode=0o700)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as fake:
        fake.bind(resident.socket)
        fake.listen(1)
        database = ["--database", f"sqlite:///{tmp_path / 'keyward.db'}"]

        def hang_up() -> None:
            connection, _ = fake.accept()
            connection.close()

        import threading

        answering = threading.Thread(target=hang_up)
        answering.start()
        capfd.readouterr()
        assert helper.delegate([*database, "users", "list"]) is None
        answering.join(timeout=30)
    done = resident.keyward(
        *database, "keys", "create", "--name", "Once", "--output", str(tmp_path / "o.key")
    )
    assert done.returncode == 0, done.stderr
    listed = resident.keyward(*database, "keys", "list", "--json", KEYWARD_CLI_HELPER="off")
    assert [key["name"] for key in json.loads(listed.stdout)] == ["Once"]


def test_a_secret_goes_from_the_helper_into_the_callers_os_keyring(
    secret_service: str,
    os_keyring: object,
    resident: Helper,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """The real Secret Service, reached from the command's process with the caller's
    session bus (the helper was started without one)."""
    import keyring

    resident.start(env={k: v for k, v in resident.env.items() if k != "DBUS_SESSION_BUS_ADDRESS"})
    database = ["--database", f"sqlite:///{tmp_path / 'keyward.db'}"]
    status, out, err = _delegated(
        [*database, "keys", "create", "--name", "Looker", "--keyring", "keyward-helper", "--json"],
        capfd,
    )
    assert status == 0, err
    key_id = json.loads(out)["id"]
    secret = keyring.get_password("keyward-helper", f"Looker ({key_id})")
    assert secret is not None and secret.startswith(f"kw_live_{key_id}_")
    assert secret not in out + err


def test_commands_on_a_server_database_through_the_helper(
    resident: Helper, server_url: str, capfd: pytest.CaptureFixture[str]
) -> None:
    """PostgreSQL and MariaDB over TCP: the helper loaded their drivers; each command logs
    in afresh, as the caller's login."""
    database = ["--database", server_url]
    assert _local([*database, "db", "upgrade"], capfd)[0] == 0
    resident.start()
    status, out, err = _delegated(
        [*database, "keys", "create", "--name", "Kafka Bridge", "--output",
         str(resident.runtime / "kafka.key"), "--json"],
        capfd,
    )  # fmt: skip
    assert status == 0, err
    key_id = json.loads(out)["id"]
    for argv in (["keys", "show", key_id], ["users", "list"], ["audit", "verify"]):
        assert _delegated([*database, *argv], capfd) == _local([*database, *argv], capfd), argv


def test_commands_at_the_same_time_each_get_their_own_answer(
    resident: Helper, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'keyward.db'}"
    assert (
        resident.keyward("--database", url, "db", "upgrade", KEYWARD_CLI_HELPER="off").returncode
        == 0
    )
    resident.start()
    names = [f"Parallel {n}" for n in range(4)]
    commands = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app",
                "--database",
                url,
                "keys",
                "create",
                "--name",
                name,
                "--output",
                str(tmp_path / f"{n}.key"),
                "--json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=resident.env,
            cwd=ROOT,
        )
        for n, name in enumerate(names)
    ]
    answers = [command.communicate(timeout=120) for command in commands]
    assert [command.returncode for command in commands] == [0, 0, 0, 0], answers
    assert [json.loads(out)["name"] for out, _ in answers] == names  # each its own output
    listed = resident.keyward("--database", url, "keys", "list", "--json", KEYWARD_CLI_HELPER="off")
    assert sorted(key["name"] for key in json.loads(listed.stdout)) == names


def test_a_helper_that_cannot_fork_hangs_up_and_keeps_nothing_open(
    resident: Helper, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No process to be had (fork fails): the caller hears nothing before the hang-up, so it
    runs the command itself; the helper closes the caller's descriptors it was given."""
    from app.cli import helper_server

    os.makedirs(resident.folder, mode=0o700)
    path = os.path.join(resident.folder, "in-process.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(path)
        listener.listen(1)
        open_before = len(os.listdir("/proc/self/fd"))
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as caller:
            caller.connect(path)
            helper._send(caller, helper._request(["users", "list"]))

            def no_fork() -> int:
                raise BlockingIOError(11, "Resource temporarily unavailable")

            monkeypatch.setattr(os, "fork", no_fork)
            running: dict[int, tuple[socket.socket, int]] = {}
            code = helper_server._fingerprint()
            assert helper_server._accept(listener, code, running, {}) is True
            assert running == {}
            assert caller.recv(64) == b""  # hung up: no "pid", so the caller runs it
        assert len(os.listdir("/proc/self/fd")) == open_before
