"""Results that arrive after their receiver is gone are dropped, not crashed on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject


def alive(obj: QObject) -> bool:
    """False once Qt has deleted the C++ side of ``obj``."""
    return shiboken6.isValid(obj)


def while_alive(owner: QObject, callback: Callable[..., None]) -> Callable[..., None]:
    """``callback``, but only while ``owner`` still exists.

    A background job can outlive the widget that asked for it (the window closed while a
    page was loading); touching a deleted widget would raise instead of doing nothing.
    """

    def deliver(*args: Any) -> None:
        if alive(owner):
            callback(*args)

    return deliver
