"""Where a freshly created secret goes: the OS keyring or a 0600 file (never a log)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.errors import KeyringError
from app.services.choices import SecretFileFormat
from app.services.files import write_private_file

if TYPE_CHECKING:  # an annotation only: `keys list` need not load the key format
    from app.domain.key_format import SecretToken

DEFAULT_KEYRING_SERVICE = "keyward"


@dataclass(frozen=True, slots=True)
class SecretFile:
    """A secret written to a file readable by its owner only."""

    path: Path

    def to_json(self) -> dict[str, str]:
        return {"type": "file", "path": str(self.path)}


@dataclass(frozen=True, slots=True)
class KeyringEntry:
    """A secret saved in the OS keyring, under a service and a user name."""

    service: str
    username: str
    backend: str

    def to_json(self) -> dict[str, str]:
        return {
            "type": "keyring",
            "service": self.service,
            "username": self.username,
            "backend": self.backend,
        }


#: Where a freshly created secret was stored.
StoredSecret = SecretFile | KeyringEntry


def env_variable_name(key_name: str) -> str:
    """``Salesforce Data Sync`` → ``SALESFORCE_DATA_SYNC_API_KEY``."""
    words = "".join(ch if ch.isascii() and ch.isalnum() else " " for ch in key_name).split()
    stem = "_".join(words).upper() or "KEYWARD"
    if stem[0].isdigit():
        stem = "KEY_" + stem
    return f"{stem}_API_KEY"


def default_keyring_user(key_name: str, key_id: str) -> str:
    return f"{key_name} ({key_id})"


def store_in_keyring(service: str, username: str, token: SecretToken) -> str:
    """Save the token in the OS keyring and read it back; returns the backend's name."""
    service, username = service.strip(), username.strip()
    if not service or not username:
        raise KeyringError("Give both a keyring service and a user name for the secret.")
    try:
        import keyring
        from keyring.errors import KeyringError as BackendError
        from keyring.errors import KeyringLocked, NoKeyringError
    except ImportError:  # pragma: no cover - keyring is a dependency
        raise KeyringError("No OS keyring library is installed.") from None
    backend = keyring.get_keyring()
    try:
        keyring.set_password(service, username, token.reveal())
        stored = keyring.get_password(service, username)
    except NoKeyringError:
        raise KeyringError(
            "No OS keyring is available on this machine; download the secret or copy it instead."
        ) from None
    except KeyringLocked:
        raise KeyringError("The OS keyring is locked; unlock it and try again.") from None
    except BackendError as error:
        raise KeyringError(f"The OS keyring refused the secret: {type(error).__name__}.") from None
    except Exception as error:  # noqa: BLE001 - D-Bus and platform errors vary widely
        raise KeyringError(
            f"The OS keyring could not be used ({type(error).__name__}); "
            "download the secret or copy it instead."
        ) from None
    if stored != token.reveal():
        raise KeyringError("The OS keyring did not keep the secret; store it another way.")
    return type(backend).__name__


def secret_file_text(token: SecretToken, fmt: SecretFileFormat, key_name: str) -> str:
    if fmt is SecretFileFormat.DOTENV:
        return f"{env_variable_name(key_name)}={token.reveal()}\n"
    return token.reveal() + "\n"


def write_secret_file(
    path: str | os.PathLike[str],
    token: SecretToken,
    *,
    fmt: SecretFileFormat = SecretFileFormat.TEXT,
    key_name: str = "",
    overwrite: bool = False,
) -> Path:
    """Write the secret atomically to a new file readable by its owner only (0600)."""
    target = Path(path).expanduser()
    write_private_file(
        target,
        lambda stream: stream.write(secret_file_text(token, fmt, key_name)),
        what="the secret",
        overwrite=overwrite,
    )
    return target
