"""Fixtures shared by every test: databases (SQLite always, servers when configured), keyrings.

Plain helpers (clocks, teams, assertions) are in ``tests/support.py``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator

import pytest

# No command starts the command line's resident helper, in this process or a child: one
# would outlive the test. tests/cli/test_helper.py turns it on where it is the subject.
os.environ["KEYWARD_CLI_HELPER"] = "off"

# Without a display, Qt must not try to open one (pytest would abort).
if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.domain.hashing import FAST_FOR_TESTS, TokenHasher
from app.services import Services, open_services
from tests.support import MemoryKeyring, OpenServices, fresh_server_database


@pytest.fixture(scope="session")
def fast_hasher() -> TokenHasher:
    """argon2id's cheapest profile; the tests that check the real one make their own."""
    return TokenHasher(FAST_FOR_TESTS)


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def database_url(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> Iterator[str]:
    """A new, empty database of each kind (servers only when their URL is set)."""
    if request.param == "sqlite":
        yield f"sqlite:///{os.path.join(tmp_path, 'keyward.db')}"
    else:
        yield from fresh_server_database(request.param)


@pytest.fixture
def sqlite_url(tmp_path: os.PathLike[str]) -> str:
    return f"sqlite:///{os.path.join(tmp_path, 'keyward.db')}"


@pytest.fixture(params=["postgresql", "mariadb"])
def server_url(request: pytest.FixtureRequest) -> Iterator[str]:
    yield from fresh_server_database(request.param)


@pytest.fixture
def open_as(database_url: str, fast_hasher: TokenHasher) -> Iterator[OpenServices]:
    """Open the test database as a given operator login (None: the real OS/database login)."""
    opened: list[Services] = []

    def _open(login: str | None = None, **options: object) -> Services:
        services = open_services(
            database_url,
            hasher=fast_hasher,
            operator_login=login,
            create_schema=True,
            **options,  # type: ignore[arg-type]
        )
        opened.append(services)
        return services

    yield _open
    for services in opened:
        services.close()


@pytest.fixture
def services(open_as: OpenServices) -> Services:
    """Services for the first operator of an empty database (who becomes admin)."""
    return open_as()


# --------------------------------------------------------------------------- keyrings


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    import keyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def _bus_owner_pid(address: str, name: str, timeout: float = 30.0) -> int:
    """The pid that owns ``name`` on the bus, waiting for the name to be taken.

    gnome-keyring-daemon may return before it has claimed org.freedesktop.secrets, so this
    subscribes to NameOwnerChanged first and then asks, instead of asking once.
    """
    from jeepney import DBusAddress, MatchRule, message_bus, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    bus = DBusAddress(
        "/org/freedesktop/DBus", bus_name="org.freedesktop.DBus", interface="org.freedesktop.DBus"
    )
    rule = MatchRule(
        type="signal",
        sender="org.freedesktop.DBus",
        interface="org.freedesktop.DBus",
        member="NameOwnerChanged",
    )
    rule.add_arg_condition(0, name)
    with open_dbus_connection(bus=address) as connection:
        connection.send_and_get_reply(message_bus.AddMatch(rule), timeout=10)
        with connection.filter(rule) as changes:
            has_owner = connection.send_and_get_reply(
                new_method_call(bus, "NameHasOwner", "s", (name,)), timeout=10
            )
            if not has_owner.body[0]:
                connection.recv_until_filtered(changes, timeout=timeout)
        reply = connection.send_and_get_reply(
            new_method_call(bus, "GetConnectionUnixProcessID", "s", (name,)), timeout=10
        )
    return int(reply.body[0])


@pytest.fixture(scope="module")
def secret_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An unlocked gnome-keyring on a private session bus; yields the bus address."""
    for program in ("dbus-daemon", "gnome-keyring-daemon"):
        if shutil.which(program) is None:
            pytest.skip(f"{program} is not installed: no Secret Service to test against")
    home = tmp_path_factory.mktemp("keyring-home")
    runtime = home / "run"
    runtime.mkdir(mode=0o700)
    env = dict(os.environ, XDG_DATA_HOME=str(home / "data"), XDG_RUNTIME_DIR=str(runtime))
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    keyring_pid: int | None = None
    try:
        assert bus.stdout is not None
        address = bus.stdout.readline().strip()
        assert address, "dbus-daemon did not print its address"
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        # Without --foreground the daemon returns once it is serving, and prints its env.
        subprocess.run(
            ["gnome-keyring-daemon", "--unlock", "--components=secrets"],
            input="keyward-test-keyring",
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
            check=True,
        )
        keyring_pid = _bus_owner_pid(address, "org.freedesktop.secrets")
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
            yield address
    finally:
        if keyring_pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(keyring_pid, signal.SIGTERM)
        bus.terminate()
        bus.wait(timeout=30)
        if bus.stdout is not None:
            bus.stdout.close()


@pytest.fixture
def os_keyring(secret_service: str) -> Iterator[object]:
    """The Secret Service as the keyring library's backend, for one test."""
    import keyring
    from keyring.backends import SecretService

    previous = keyring.get_keyring()
    backend = SecretService.Keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
