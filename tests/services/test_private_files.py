"""Files Keyward writes: 0600, whole or not at all, and a new file is never an old one."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO

import pytest

from app.domain.errors import OutputError
from app.services.files import write_private_file


def _leftovers(folder: Path) -> list[str]:
    return [name for name in os.listdir(folder) if name.startswith(".keyward-")]


def test_a_new_file_is_written_whole_and_private(tmp_path: Path) -> None:
    target = tmp_path / "secret.key"
    assert write_private_file(target, lambda s: s.write("token\n"), what="x", overwrite=False)
    assert target.read_text() == "token\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _leftovers(tmp_path) == []


def test_a_file_that_appears_while_writing_is_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "secret.key"

    def write(stream: IO[str]) -> None:
        stream.write("token\n")
        target.write_text("someone else's\n")  # appears after every check

    with pytest.raises(OutputError) as refused:
        write_private_file(target, write, what="the secret", overwrite=False)
    assert refused.value.message == f"{target} already exists; choose a new file name."
    assert target.read_text() == "someone else's\n"
    assert _leftovers(tmp_path) == []


def test_a_symlink_that_appears_while_writing_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "secret.key"
    elsewhere = tmp_path / "elsewhere"

    def write(stream: IO[str]) -> None:
        stream.write("token\n")
        target.symlink_to(elsewhere)

    with pytest.raises(OutputError):
        write_private_file(target, write, what="the secret", overwrite=False)
    assert target.is_symlink() and not elsewhere.exists()
    assert _leftovers(tmp_path) == []


def test_without_hard_links_the_file_is_still_created_exclusively(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "secret.key"
    write_private_file(target, lambda s: s.write("token\n"), what="x", overwrite=False)
    assert target.read_text() == "token\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _leftovers(tmp_path) == []

    late = tmp_path / "late.key"

    def write(stream: IO[str]) -> None:
        stream.write("token\n")
        late.write_text("someone else's\n")

    with pytest.raises(OutputError, match="already exists"):
        write_private_file(late, write, what="x", overwrite=False)
    assert late.read_text() == "someone else's\n"
    assert _leftovers(tmp_path) == []


def test_overwrite_replaces_an_existing_file_as_before(tmp_path: Path) -> None:
    target = tmp_path / "export.csv"
    target.write_text("old\n")
    write_private_file(target, lambda s: s.write("new\n"), what="x", overwrite=True)
    assert target.read_text() == "new\n"
    assert _leftovers(tmp_path) == []
