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
    """Run ``write`` on a 0600 temporary file beside ``target``, then rename it into place.

    Readers never see half a file, and the content is never readable by others, not even
    for a moment (mkstemp creates the file 0600 before a byte is written). ``what`` names
    the content in refusals ("the secret", "the export").
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
        os.replace(temporary, target)
        temporary = None
    except OSError as error:
        raise OutputError(
            f"Cannot write {what} to {target}: {error.strerror or 'write failed'}."
        ) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    return result
