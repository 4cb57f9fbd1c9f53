"""Results that arrive after their receiver is gone are dropped, not crashed on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QEventLoop, QObject
from PySide6.QtWidgets import QDialog


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


def wait_until_finished(dialog: QDialog) -> int:
    """Open ``dialog`` and wait for its answer, before the application's event loop runs.

    Only for start-up (the database password, a reason the console cannot start): no window
    exists yet, so a local event loop runs while the dialog is open. The dialog itself is
    opened with ``open()`` like every other one.
    """
    results: list[int] = []
    loop = QEventLoop()

    def finished(result: int) -> None:
        results.append(result)
        loop.quit()

    dialog.finished.connect(finished)
    dialog.open()
    if not results:
        loop.exec()
    return results[0] if results else int(QDialog.DialogCode.Rejected.value)
