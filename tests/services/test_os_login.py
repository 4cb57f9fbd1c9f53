"""SQLite's identity is the OS account of the process's user id, never an environment variable."""

from __future__ import annotations

import os
import sys

import pytest

from app.domain import identity
from app.domain.errors import UnknownOperator
from app.domain.identity import os_login

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX accounts")


@posix_only
def test_os_login_is_the_account_of_the_process_user_id() -> None:
    import pwd

    assert os_login() == pwd.getpwuid(os.getuid()).pw_name


@posix_only
@pytest.mark.parametrize("variable", ["LOGNAME", "USER", "LNAME", "USERNAME"])
def test_os_login_ignores_login_variables(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    import pwd

    real = pwd.getpwuid(os.getuid()).pw_name
    impostor = "alice" if real != "alice" else "mallory"
    monkeypatch.setenv(variable, impostor)
    assert os_login() == real


@posix_only
def test_os_login_ignores_every_login_variable_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import getpass

    real = os_login()
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "alice-borrowed")
    assert getpass.getuser() == "alice-borrowed"  # what the old code would have recorded
    assert os_login() == real


@posix_only
def test_a_user_id_without_an_account_is_refused_in_one_sentence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pwd

    def no_entry(uid: int) -> pwd.struct_passwd:
        raise KeyError(uid)

    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    monkeypatch.setenv("LOGNAME", "alice")
    with pytest.raises(UnknownOperator) as refusal:
        identity.os_login()
    assert "alice" not in refusal.value.message
    assert refusal.value.message.count(".") == 1
