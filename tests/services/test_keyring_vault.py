"""Where a new secret goes (DESIGN §7): the OS keyring or a private file, atomically.

The keyring tests use a real Secret Service: a private D-Bus session bus with an unlocked
gnome-keyring, started for this module and torn down after it (CI-NOTES: without
``--unlock``, ``set_password`` blocks on a prompt; a fresh ``XDG_DATA_HOME`` avoids an old
``login.keyring`` with another password).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain.errors import KeyringError, OutputError
from app.domain.key_format import SecretToken, generate_token
from app.services import Services
from app.services.choices import SecretFileFormat
from app.services.vault import (
    default_keyring_user,
    env_variable_name,
    store_in_keyring,
    write_secret_file,
)


@pytest.fixture
def sqlite_services(sqlite_url: str, fast_hasher: object) -> Iterator[Services]:
    from app.services import open_services

    services = open_services(sqlite_url, hasher=fast_hasher)  # type: ignore[arg-type]
    yield services
    services.close()


@pytest.fixture
def token() -> SecretToken:
    return generate_token().token


# --------------------------------------------------------------------------- the OS keyring


def test_a_new_secret_is_saved_in_the_os_keyring_and_reads_back(
    os_keyring: object, sqlite_services: Services
) -> None:
    import keyring

    created = sqlite_services.keys.create("Salesforce Data Sync")
    user = default_keyring_user(created.key.name, created.key.key_id)

    backend = store_in_keyring("keyward", user, created.token)

    assert backend == type(os_keyring).__name__
    assert keyring.get_password("keyward", user) == created.token.reveal()
    # The integration reads it back and it verifies.
    verifier = sqlite_services.verifier()
    assert verifier.verify(keyring.get_password("keyward", user) or "").valid


def test_saving_again_under_the_same_name_replaces_the_secret(
    os_keyring: object, token: SecretToken
) -> None:
    import keyring

    store_in_keyring("keyward-replace", "ETL (id)", generate_token().token)
    store_in_keyring("keyward-replace", "ETL (id)", token)
    assert keyring.get_password("keyward-replace", "ETL (id)") == token.reveal()


def test_service_and_user_names_are_trimmed(os_keyring: object, token: SecretToken) -> None:
    import keyring

    store_in_keyring("  keyward-trim ", "  Looker  ", token)
    assert keyring.get_password("keyward-trim", "Looker") == token.reveal()


@pytest.mark.parametrize("service, user", [("", "user"), ("keyward", "  "), ("   ", "")])
def test_a_blank_service_or_user_is_refused(
    os_keyring: object, token: SecretToken, service: str, user: str
) -> None:
    import keyring

    with pytest.raises(KeyringError, match="service and a user name"):
        store_in_keyring(service, user, token)
    assert keyring.get_password(service.strip() or "keyward", user.strip() or "user") is None


def test_without_any_keyring_the_refusal_says_what_to_do_instead(token: SecretToken) -> None:
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(KeyringError) as refused:
            store_in_keyring("keyward", "someone", token)
    finally:
        keyring.set_keyring(previous)
    message = refused.value.message
    assert "No OS keyring" in message
    assert "download" in message
    assert token.reveal() not in message


# --------------------------------------------------------------------------- files


@pytest.fixture
def umask_zero() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def _leftovers(folder: Path) -> list[str]:
    return [path.name for path in folder.iterdir() if path.name.startswith(".keyward-")]


def test_a_downloaded_secret_is_private_and_complete(
    tmp_path: Path, token: SecretToken, umask_zero: None
) -> None:
    target = write_secret_file(tmp_path / "salesforce.key", token)

    assert target == tmp_path / "salesforce.key"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8") == token.reveal() + "\n"
    assert _leftovers(tmp_path) == []


def test_a_secret_can_be_downloaded_as_a_dotenv_line(tmp_path: Path, token: SecretToken) -> None:
    target = write_secret_file(
        tmp_path / ".env", token, fmt=SecretFileFormat.DOTENV, key_name="Salesforce Data Sync"
    )
    assert target.read_text(encoding="utf-8") == (
        f"SALESFORCE_DATA_SYNC_API_KEY={token.reveal()}\n"
    )
    assert env_variable_name("2024 ETL — Zoë") == "KEY_2024_ETL_ZO_API_KEY"
    assert env_variable_name("—") == "KEYWARD_API_KEY"


def test_an_existing_file_is_not_overwritten_unless_asked(
    tmp_path: Path, token: SecretToken
) -> None:
    target = tmp_path / "secret.txt"
    target.write_text("someone else's notes\n", encoding="utf-8")

    with pytest.raises(OutputError, match="already exists"):
        write_secret_file(target, token)
    assert target.read_text(encoding="utf-8") == "someone else's notes\n"

    write_secret_file(target, token, overwrite=True)
    assert target.read_text(encoding="utf-8") == token.reveal() + "\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "where, expected",
    [
        (lambda tmp: tmp, "is a folder"),
        (lambda tmp: tmp / "missing" / "secret.txt", "does not exist"),
        (lambda _tmp: Path("/proc/self/keyward-secret.txt"), "Cannot write"),
        (lambda _tmp: Path("/sys/keyward-secret.txt"), "Cannot write"),
    ],
    ids=["a folder", "a missing folder", "not writable (procfs)", "not writable (sysfs)"],
)
def test_a_path_that_cannot_take_the_secret_is_refused_clearly(
    tmp_path: Path, token: SecretToken, where: object, expected: str
) -> None:
    path = where(tmp_path)  # type: ignore[operator]
    with pytest.raises(OutputError) as refused:
        write_secret_file(path, token)
    message = refused.value.message
    assert expected in message
    assert "\n" not in message and message.endswith(".")
    assert token.reveal() not in message
    assert _leftovers(tmp_path) == []
