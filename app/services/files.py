"""Files Keyward writes for a person: whole or not at all, readable by their owner only."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TypeVar

from app.domain.errors import OutputError

T = TypeVar("T")


def write_private_file(
    target: Path,
    write: Callable[[IO[str]], T],
    *,
    what: str,
    overwrite: bool,
    newline: str | None = None,
) -> T:
    """Run ``write`` on a 0600 temporary file beside ``target``, then publish it as ``target``.

    Readers never see half a file, and the content is never readable by others, not even
    for a moment (mkstemp creates the file 0600 before a byte is written). ``what`` names
    the content in refusals ("the secret", "the export").

    Without ``overwrite`` the file is published with a hard link, which fails if ``target``
    exists at that very moment: a file (or symlink) that appears after the first check is
    never replaced. Where hard links are not supported the file is created exclusively
    (``O_EXCL``) and the content copied into it.
    """
    if target.is_dir():
        raise OutputError(f"{target} is a folder; give a file name for {what}.")
    if target.exists() and not overwrite:
        raise OutputError(f"{target} already exists; choose a new file name.")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"The folder {folder} does not exist.")
    temporary: str | None = None
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=".keyward-", dir=folder)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline=newline) as stream:
            result = write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o600)
        if overwrite:
            os.replace(temporary, target)
            temporary = None
        else:
            _publish_new(temporary, target)  # the temporary name is removed below
    except FileExistsError:
        raise OutputError(f"{target} already exists; choose a new file name.") from None
    except OSError as error:
        raise OutputError(
            f"Cannot write {what} to {target}: {error.strerror or 'write failed'}."
        ) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    return result


def _publish_new(temporary: str, target: Path) -> None:
    """Make ``temporary`` appear as ``target`` only if nothing is there (FileExistsError)."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError:
        # No hard links here (some network and FAT file systems): create the target
        # exclusively, so a file that appeared in the meantime is still never replaced.
        _copy_exclusively(temporary, target)


def _copy_exclusively(temporary: str, target: Path) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_BINARY", 0)
    descriptor = os.open(target, flags, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as stream, open(temporary, "rb") as source:
            while chunk := source.read(1 << 16):
                stream.write(chunk)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(target)  # ours, created above: never half a file
        raise
