"""Who is running this process, as the operating system knows it (SQLite's identity).

On SQLite the operator is the OS account of the process's user id. That must come from the
operating system itself, never from ``LOGNAME``, ``USER`` or ``USERNAME``: any process can set
those (``LOGNAME=alice keyward …``), and the audit trail would then name someone else
(:func:`getpass.getuser` reads exactly those variables first, so it is not used here).
"""

from __future__ import annotations

import os
import sys

from app.domain.errors import UnknownOperator

_UNKNOWN = "The operating system cannot name the account this program runs as."


def os_login() -> str:
    """The login of the account this process runs as, asked of the operating system."""
    if sys.platform == "win32":
        return _windows_login()
    return _posix_login()


def _posix_login() -> str:
    import pwd

    uid = os.getuid()
    try:
        name = pwd.getpwuid(uid).pw_name
    except KeyError:  # a uid with no passwd entry (some containers)
        raise UnknownOperator(
            f"The account with user id {uid} has no name on this system, so it cannot be "
            "recorded as the operator."
        ) from None
    if not name:
        raise UnknownOperator(_UNKNOWN)
    return name


def _windows_login() -> str:  # pragma: no cover - exercised on Windows only
    import ctypes
    from ctypes import wintypes

    windll = getattr(ctypes, "windll", None)
    if windll is None:
        raise UnknownOperator(_UNKNOWN)
    get_user_name = windll.advapi32.GetUserNameW
    get_user_name.argtypes = [wintypes.LPWSTR, ctypes.POINTER(wintypes.DWORD)]
    get_user_name.restype = wintypes.BOOL
    size = wintypes.DWORD(257)  # UNLEN + 1
    buffer = ctypes.create_unicode_buffer(size.value)
    if not get_user_name(buffer, ctypes.byref(size)) or not buffer.value:
        raise UnknownOperator(_UNKNOWN)
    return buffer.value
