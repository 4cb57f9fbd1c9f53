"""The resident helper that runs commands with the database's libraries loaded already.

Started in the background by a command (:mod:`app.cli.helper`, which says why and how it is
kept to its login) as ``python -P -m app.cli.helper_server SOCKET``. It imports what a
command reads the database with and runs a few commands on a scratch file (what a first run
builds for the whole process is then built once), then waits on ``SOCKET``. For each
command it forks a process that takes over the caller's standard descriptors, working
folder, umask and environment and runs :func:`app.cli.main.main` — a fresh process each
time, so no command sees another's state — and reports its exit status to the caller when
it ends (watched through a pidfd: Linux 5.3 or later).

It leaves after ``IDLE_SECONDS`` without a command, and when a command finds that a file of
its code, or a folder of its libraries, has changed since it started (an upgrade; an edit
to a checkout): that command runs in its caller, which starts a current helper afterwards;
commands already running are still waited for.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import select
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable

from app.cli import helper

IDLE_SECONDS = 600
#: The command groups' modules, loaded once here instead of in every command.
COMMAND_MODULES = (
    "app.cli.keys",
    "app.cli.users",
    "app.cli.audit",
    "app.cli.policy",
    "app.cli.reviews",
    "app.cli.bulk",
    "app.cli.attention",
)
_MAGIC = b"keyward-cli 1"
_LONGEST_REQUEST = 16 * 1024 * 1024


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        sys.stderr.write("usage: python -m app.cli.helper_server SOCKET [IDLE-SECONDS]\n")
        return 2
    path = argv[0]
    idle = float(argv[1]) if len(argv) == 2 else IDLE_SECONDS
    where = os.path.dirname(path)
    if not helper.owned_by_us(where) or not hasattr(os, "pidfd_open"):
        return 1  # pidfd_open: Linux 5.3 and later
    os.chdir("/")  # hold no folder of the caller's
    lock = os.open(path + ".lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        import fcntl

        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return 0  # another helper serves this socket already
    helper.INSIDE = True  # its commands, the warm-up's too, run here
    _preload()
    if threading.active_count() != 1:
        return 1  # forking a process with threads could copy a lock held by one of them
    code = _fingerprint()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    mask = os.umask(0o177)
    try:
        listener.bind(path)
    finally:
        os.umask(mask)
    listener.listen(32)
    ours = os.stat(path).st_ino
    signal.signal(signal.SIGTERM, _leave)
    gc.freeze()  # the loaded modules' objects stay shared with every fork

    def stop_listening() -> None:
        listener.close()
        with contextlib.suppress(OSError):
            if os.stat(path).st_ino == ours:
                os.unlink(path)

    try:
        _serve(listener, code, stop_listening, idle)
    except SystemExit:
        pass
    finally:
        stop_listening()
    return 0


def _preload() -> None:
    """Import what commands use, and do the work every one of them would repeat."""
    from app.cli import main as command_line
    from app.services import preload

    for name in COMMAND_MODULES:
        importlib.import_module(name)
    preload.load()
    command_line.BUILT = command_line.build_parser()
    _warm_up(command_line.main)


#: Commands run once on a scratch file before the helper serves anyone: what a first run
#: builds and keeps process-wide (the ORM's per-class caches, compiled expressions and
#: patterns) is then built once, here; a command's own statements are compiled anew by each.
WARM_UP: tuple[tuple[str, ...], ...] = (
    ("keys", "show", "{id}"),
    ("keys", "list", "--search", "warm"),
    ("keys", "list", "--status", "active", "--owner", "{login}"),
    ("keys", "edit", "{id}", "--description", "warm"),
    ("keys", "disable", "{id}"),
    ("keys", "enable", "{id}"),
    ("keys", "verify"),
    ("keys", "attention"),
    ("users", "list"),
    ("policy", "show"),
    ("audit", "list", "--limit", "20"),
    ("reviews", "list"),
    ("keys", "revoke", "{id}", "--reason", "warm-up", "--yes"),
    ("db", "upgrade"),
)


def _warm_up(command: Callable[[list[str]], int]) -> None:
    """Run :data:`WARM_UP` (and a key's creation) on a scratch SQLite file, then delete it.

    Its output goes nowhere; a command that fails here only warms less. The services act
    as the OS login, as on any SQLite file; the file is this process's alone.
    """
    import io
    import json
    import tempfile
    from contextlib import redirect_stderr, redirect_stdout

    from app.domain.identity import os_login

    with tempfile.TemporaryDirectory(prefix="keyward-helper-") as scratch:
        database = ["--database", "sqlite:///" + os.path.join(scratch, "warm-up.db")]
        secret = os.path.join(scratch, "secret")

        def run(words: list[str], stdin: str = "") -> str:
            printed = io.StringIO()
            sys.stdin = io.StringIO(stdin)
            with redirect_stdout(printed), redirect_stderr(io.StringIO()):
                command([*database, *words])
            return printed.getvalue()

        try:
            created = run(["keys", "create", "--name", "Warm-up", "--output", secret, "--json"])
            with open(secret, encoding="utf-8") as stream:
                token = stream.read()
            values = {"id": json.loads(created)["id"], "login": os_login()}
        except (OSError, ValueError, KeyError):
            return
        finally:
            sys.stdin = sys.__stdin__
        try:
            for words in WARM_UP:
                run([word.format(**values) for word in words], token if "verify" in words else "")
        finally:
            sys.stdin = sys.__stdin__


def _leave(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def _serve(
    listener: socket.socket, code: object, stop_listening: Callable[[], None], idle: float
) -> None:
    """Answer commands until ``idle`` seconds pass with none running or asked for.

    Each command's process is watched through a pidfd; when it ends its exit status goes to
    its caller. A caller that goes away first (its terminal closed, say) ends the command as
    its terminal would have, with SIGHUP.
    """
    running: dict[int, tuple[socket.socket, int]] = {}  # pidfd → (caller, process)
    callers: dict[int, int] = {}  # caller's descriptor → pidfd, while it is watched
    listening = True
    while listening or running:
        watched = [*([listener.fileno()] if listening else []), *running, *callers]
        ready = select.select(watched, [], [], None if running else idle)[0]
        if not ready:
            return
        for descriptor in ready:
            if listening and descriptor == listener.fileno():
                # Code that changed: no new commands; those running still get their status.
                listening = _accept(listener, code, running, callers)
                if not listening:
                    stop_listening()
            elif descriptor in running:
                _report(descriptor, running, callers)
            elif descriptor in callers:
                caller, child = running[callers[descriptor]]
                try:
                    said = caller.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
                except BlockingIOError:
                    continue
                except OSError:
                    said = b""
                if not said:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(child, signal.SIGHUP)
                del callers[descriptor]  # gone, or saying more than a caller does: unwatched


def _accept(
    listener: socket.socket,
    code: object,
    running: dict[int, tuple[socket.socket, int]],
    callers: dict[int, int],
) -> bool:
    """Take one command and start it; False when this helper's code has changed."""
    try:
        caller, _ = listener.accept()
    except OSError:
        return True
    try:
        if helper.peer_uid(caller) != os.getuid():
            raise ValueError("another login")
        caller.settimeout(5)
        request, descriptors = _receive(caller)
    except (OSError, ValueError):
        caller.close()
        return True
    try:
        if _fingerprint() != code:
            with contextlib.suppress(OSError):
                caller.sendall(b"stale\n")  # the caller runs it and starts a current helper
            caller.close()
            for descriptor in descriptors:
                os.close(descriptor)
            return False
        try:
            child = os.fork()
        except OSError:  # no process to be had: the caller, told nothing, runs it itself
            for descriptor in descriptors:
                os.close(descriptor)
            caller.close()
            return True
        if child == 0:
            status = 70
            try:
                listener.close()
                for other, _ in running.values():
                    other.close()
                for pidfd in running:
                    os.close(pidfd)
                caller.close()
                status = _run(request, descriptors)
            finally:
                os._exit(status)
    except BaseException:
        for descriptor in descriptors:
            os.close(descriptor)
        caller.close()
        raise
    del request  # its environment may hold a password: this process keeps none of it
    for descriptor in descriptors:
        os.close(descriptor)
    with contextlib.suppress(OSError):
        caller.sendall(b"pid %d\n" % child)
    try:
        pidfd = os.pidfd_open(child)
    except OSError:  # no descriptor to watch it by (too many open): wait for it here
        _tell_how_it_ended(caller, child)
        return True
    running[pidfd] = (caller, child)
    callers[caller.fileno()] = pidfd
    return True


def _report(
    pidfd: int, running: dict[int, tuple[socket.socket, int]], callers: dict[int, int]
) -> None:
    """A command ended: its exit status (128 + N for signal N) to its caller."""
    caller, child = running.pop(pidfd)
    callers.pop(caller.fileno(), None)
    os.close(pidfd)
    _tell_how_it_ended(caller, child)


def _tell_how_it_ended(caller: socket.socket, child: int) -> None:
    """Wait for the command's process; its exit status (128 + N for signal N) to the caller."""
    _, status = os.waitpid(child, 0)
    code = os.waitstatus_to_exitcode(status)
    with contextlib.suppress(OSError):
        caller.sendall(b"exit %d\n" % (128 - code if code < 0 else code))
    caller.close()


def _fingerprint() -> object:
    """Keyward's loaded files and the folders its libraries are in, with when each last
    changed (installing or removing a library changes its folder)."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(helper.__file__ or ""))) + os.sep
    loaded = (getattr(module, "__file__", None) for module in list(sys.modules.values()))
    files = sorted({path for path in loaded if isinstance(path, str) and path.startswith(package)})
    stamps: list[tuple[str, tuple[int, int, int] | None]] = []
    for path in [*files, *sys.path]:
        try:
            status = os.stat(path or ".")
        except OSError:
            stamps.append((path, None))
            continue
        stamps.append((path, (status.st_mtime_ns, status.st_size, status.st_ino)))
    return stamps


def _receive(connection: socket.socket) -> tuple[list[bytes], list[int]]:
    data, descriptors, _flags, _address = socket.recv_fds(connection, 65536, 3)
    if len(descriptors) != 3:
        for descriptor in descriptors:
            os.close(descriptor)
        raise ValueError("a request without its three standard descriptors")
    try:
        size_text, _, body = data.partition(b"\n")
        size = int(size_text)
        if size > _LONGEST_REQUEST:
            raise ValueError("a request too long")
        while len(body) < size:
            chunk = connection.recv(min(size - len(body), 1 << 20))
            if not chunk:
                raise ValueError("a request cut short")
            body += chunk
        fields = body.split(b"\0")
        if fields[0] != _MAGIC:
            raise ValueError("a request of another version")
    except (OSError, ValueError):
        for descriptor in descriptors:
            os.close(descriptor)
        raise
    return fields[1:], descriptors


def _run(request: list[bytes], descriptors: list[int]) -> int:
    """In the command's own process: become the caller's command and run it."""
    import random

    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGCHLD):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    gc.unfreeze()
    for target, descriptor in enumerate(descriptors):
        os.dup2(descriptor, target)
        os.close(descriptor)
    folder, umask, *rest = request
    streams = [text.decode().rpartition(":") for text in rest[:3]]
    count = int(rest[3])
    arguments = [os.fsdecode(argument) for argument in rest[4 : 4 + count]]
    environment = [entry.partition(b"=") for entry in rest[4 + count :]]
    os.umask(int(umask))
    os.environb.clear()
    os.environb.update({name: value for name, _, value in environment})
    time.tzset()  # the caller's TZ: "today" is the caller's day
    for descriptor, (encoding, _, errors) in enumerate(streams):
        _take_stream(descriptor, encoding, errors)
    sys.argv = ["keyward", *arguments]
    random.seed()  # not the helper's sequence, shared by every fork
    helper.INSIDE = True
    try:
        os.chdir(folder)
    except OSError as problem:
        sys.stderr.write(f"keyward: cannot enter the working folder: {problem.strerror}.\n")
        return 1
    from app.cli.main import main as command

    status = command(arguments)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    return status


def _take_stream(descriptor: int, encoding: str, errors: str) -> None:
    """``sys.stdin``, ``stdout`` or ``stderr`` anew over ``descriptor`` (now the caller's),
    in the caller's encoding, buffered as Python buffers it for such a file."""
    import io

    raw = io.FileIO(descriptor, "r" if descriptor == 0 else "w", closefd=False)
    buffered: io.BufferedReader | io.BufferedWriter = (
        io.BufferedReader(raw) if descriptor == 0 else io.BufferedWriter(raw)
    )
    stream = io.TextIOWrapper(
        buffered,
        encoding=encoding,
        errors=errors,
        line_buffering=descriptor == 2 or (descriptor == 1 and raw.isatty()),
    )
    name = ("stdin", "stdout", "stderr")[descriptor]
    setattr(sys, name, stream)
    setattr(sys, f"__{name}__", stream)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
