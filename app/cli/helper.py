"""A command's way to a resident helper that has the database's libraries loaded already.

A command that reads the database spends most of its start importing SQLAlchemy and a
driver (about 16 times the start of ``python -c "import sqlite3"``). So the first such
command starts a helper in the background (:mod:`app.cli.helper_server`, one per login and
installation, gone after ten idle minutes), and the next ones hand it their arguments,
environment, working folder and umask, and their own standard input, output and error (the
descriptors themselves, over a Unix socket): a fresh process forked from the helper runs the
command exactly as ``keyward`` would, writing to this terminal and reading from it, and its
exit status becomes this process's. Ctrl-C and the other ending signals are passed on,
and Ctrl-Z stops the command with its job; a job started in the background on a terminal
runs here, where reading the terminal stops it as the shell expects.

Nothing here is a privilege: the helper runs as the same login and serves only it. The
socket lives in ``$XDG_RUNTIME_DIR/keyward`` (the login's own, 0700), and both ends check
the other's user id (``SO_PEERCRED``) — so no other login's program can run commands as
this one, nor pose as the helper to read a command's environment. Anything unusual (no
runtime folder, one not ours, a helper that is not there or is of other code) and the
command simply runs in this process, as before. ``KEYWARD_CLI_HELPER=off`` turns it off.

Only the standard library's cheapest modules are imported here: this runs in every command.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # as typing's (which mypy reads as True); `typing` itself costs 14 ms
if TYPE_CHECKING:
    import _socket

#: ``off`` (or ``0``, ``no``, ``false``): run every command in its own process, start no helper.
ENV = "KEYWARD_CLI_HELPER"
#: Set in the helper's command processes, which must not hand their command on again.
INSIDE = False
#: The longest path a Unix socket may have (``sun_path``, less its terminating NUL).
_MAX_SOCKET_PATH = 107
#: A command was run here although a helper could have served it: start one when it is done.
_start_after = False


#: The words that name a command group, and the ones after which no command runs.
_GROUPS = frozenset({"keys", "users", "audit", "policy", "reviews", "db"})
_NOT_A_COMMAND = frozenset({"-h", "--help", "--version"})


def reads_the_database(arguments: list[str]) -> bool:
    """Whether ``arguments`` look like a command that reads the database, told from the
    words alone (the parser is not loaded yet): a group named, and no help or version asked
    for. A wrong guess costs only time: the helper parses them exactly as this process
    would."""
    words = set(arguments)
    return not words & _NOT_A_COMMAND and bool(words & _GROUPS)


def _enabled() -> bool:
    if INSIDE or os.environ.get(ENV, "").strip().lower() in ("off", "0", "no", "false"):
        return False
    # The bundle has no `python -m` to start the helper with; and no fork, no helper.
    return not getattr(sys, "frozen", False) and hasattr(os, "fork") and hasattr(os, "posix_spawn")


def folder() -> str | None:
    """``$XDG_RUNTIME_DIR/keyward``, or None when there is no runtime folder to trust."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    return os.path.join(runtime, "keyward") if os.path.isabs(runtime) else None


def socket_path(where: str) -> str:
    """The helper's socket for this interpreter and this copy of Keyward."""
    from binascii import crc32

    here = f"{sys.executable}\0{_package_parent()}"
    return os.path.join(where, f"cli-{crc32(os.fsencode(here)):08x}.sock")


def _package_parent() -> str:
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def owned_by_us(path: str) -> bool:
    """``path`` is a real folder (no link) of this login that nobody else may enter."""
    import stat

    try:
        status = os.lstat(path)
    except OSError:
        return False
    return (
        stat.S_ISDIR(status.st_mode) and status.st_uid == os.getuid() and not status.st_mode & 0o077
    )


def peer_uid(connection: _socket.socket) -> int | None:
    """The user id at the other end of a Unix socket (Linux's ``SO_PEERCRED``)."""
    import _socket
    from _struct import calcsize, unpack

    option = getattr(_socket, "SO_PEERCRED", None)
    if option is None:
        return None
    credentials = connection.getsockopt(_socket.SOL_SOCKET, option, calcsize("3i"))
    _pid, uid, _gid = unpack("3i", credentials)
    return int(uid)


def _in_the_background() -> bool:
    """Standard input is this process's terminal, and another process group is in its
    foreground: a job started with ``&``. Run here, reading the terminal stops the command
    (SIGTTIN) as the shell expects; the helper's process, in no job of this terminal, would
    read what the person types at the shell."""
    try:
        return os.tcgetpgrp(0) != os.getpgrp()
    except OSError:
        return False  # not a terminal, or not this process's


def delegate(arguments: list[str]) -> int | None:
    """Run the command ``arguments`` in the helper; its exit status, or None: run it here."""
    global _start_after
    if not _enabled() or _in_the_background():
        return None
    where = folder()
    if where is None:
        return None
    path = socket_path(where)
    if len(os.fsencode(path)) > _MAX_SOCKET_PATH:
        return None
    if not owned_by_us(where):
        _start_after = not os.path.lexists(where)
        return None
    # The C modules themselves: `socket` and `signal` would load `enum` and `selectors`,
    # 10 ms — most of what a command through the helper spends before the helper has it.
    import _socket

    connection = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        try:
            connection.connect(path)
        except OSError:
            _start_after = True
            return None
        try:
            if peer_uid(connection) != os.getuid():
                return None
            _send(connection, _request(arguments))
            replies = _Replies(connection)
            # No time limit: a helper that is slow to answer may still run the command, and
            # running it here as well could make two keys. Ctrl-C ends the wait (and, once
            # the helper sees this end close, the command it may have started).
            first = replies.line()
        except (OSError, ValueError):
            return None
        except KeyboardInterrupt:
            return 130  # as an interrupted command exits
        if first is None or first == "stale" or not first.startswith("pid "):
            _start_after = first == "stale"  # that helper has left: start a current one
            return None
        return _wait(replies, int(first[4:]))
    finally:
        connection.close()


def _send(connection: _socket.socket, request: bytes) -> None:
    """The request, with descriptors 0, 1 and 2 passed along (``SCM_RIGHTS``)."""
    import _socket
    from _struct import pack

    standard = _standard_descriptors()
    try:
        rights = (_socket.SOL_SOCKET, _socket.SCM_RIGHTS, pack("3i", *standard))
        sent = connection.sendmsg([request], [rights])
        connection.sendall(request[sent:])
    finally:
        for descriptor in standard:
            if descriptor > 2:
                os.close(descriptor)


def _request(arguments: list[str]) -> bytes:
    """The command as the helper reads it: NUL-separated fields, after their length."""
    umask = os.umask(0o077)
    os.umask(umask)
    streams = [
        f"{getattr(stream, 'encoding', None) or 'utf-8'}:"
        f"{getattr(stream, 'errors', None) or 'strict'}"
        for stream in (sys.stdin, sys.stdout, sys.stderr)
    ]
    fields = [
        b"keyward-cli 1",
        os.fsencode(os.getcwd()),
        b"%d" % umask,
        *(stream.encode() for stream in streams),
        b"%d" % len(arguments),
        *(os.fsencode(argument) for argument in arguments),
        *(name + b"=" + value for name, value in os.environb.items()),
    ]
    body = b"\0".join(fields)
    return b"%d\n" % len(body) + body


def _standard_descriptors() -> list[int]:
    """Descriptors 0, 1 and 2 (a closed one stands in as the null device)."""
    standard = []
    for descriptor in (0, 1, 2):
        try:
            os.fstat(descriptor)
        except OSError:
            descriptor = os.open(os.devnull, os.O_RDWR)
        standard.append(descriptor)
    return standard


class _Replies:
    """The helper's replies: one line each (``pid N``, then ``exit N``; or ``stale``)."""

    def __init__(self, connection: _socket.socket) -> None:
        self._connection = connection
        self._buffer = b""

    def line(self) -> str | None:
        while b"\n" not in self._buffer:
            chunk = self._connection.recv(64)
            if not chunk:
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.decode("ascii", "replace")


def _wait(replies: _Replies, pid: int) -> int:
    """The command's exit status; meanwhile Ctrl-C and the ending signals go to it, and
    Ctrl-Z (then ``fg`` or ``bg``) stops and continues it with this process."""
    import _signal  # type: ignore[import-not-found]  # `signal` is `_signal` and an enum

    def forward(signum: int, _frame: object) -> None:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            return  # it has just ended: its status is on its way

    def suspend(_signum: int, _frame: object) -> None:
        # SIGSTOP, not the terminal's SIGTSTP: the command's process group (the helper's,
        # whose parent has left) is orphaned, and the kernel drops SIGTSTP sent to one.
        forward(_signal.SIGSTOP, None)
        os.kill(os.getpid(), _signal.SIGSTOP)  # as the shell expects of a job: stopped
        forward(_signal.SIGCONT, None)  # continued (fg or bg): so is the command

    caught = (_signal.SIGINT, _signal.SIGTERM, _signal.SIGHUP, _signal.SIGQUIT)
    previous = {signum: _signal.signal(signum, forward) for signum in caught}
    previous[_signal.SIGTSTP] = _signal.signal(_signal.SIGTSTP, suspend)
    try:
        try:
            last = replies.line()
        except OSError:
            last = None
    finally:
        for signum, handler in previous.items():
            _signal.signal(signum, handler)
    if last is None or not last.startswith("exit "):
        sys.stderr.write(
            "keyward: the helper process running this command stopped before it ended; "
            "run it again (or with KEYWARD_CLI_HELPER=off).\n"
        )
        return 70
    return int(last[5:])


def start_if_wanted() -> None:
    """Start the helper for the next command, when this one could have used one."""
    global _start_after
    if not _start_after or not _enabled():
        return
    _start_after = False
    where = folder()
    if where is None:
        return
    try:
        os.mkdir(where, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return
    if not owned_by_us(where):
        return
    environment = dict(os.environ)
    # Its own copy of Keyward, found where this one was (a checkout run by path included).
    environment["PYTHONPATH"] = os.pathsep.join(
        part for part in (_package_parent(), environment.get("PYTHONPATH", "")) if part
    )
    quiet = [
        (os.POSIX_SPAWN_OPEN, descriptor, os.devnull, os.O_RDWR, 0) for descriptor in (0, 1, 2)
    ]
    from contextlib import suppress

    # -P: not the working folder first on its path (a stray module there would be run).
    command = [sys.executable, "-P", "-m", "app.cli.helper_server", socket_path(where)]
    with suppress(OSError):
        os.posix_spawn(sys.executable, command, environment, file_actions=quiet, setsid=True)
