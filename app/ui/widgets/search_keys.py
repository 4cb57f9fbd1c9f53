"""Escape and Down in a search field, the same in every view that has one.

Escape clears the field and searches at once (the user's own way of saying "clear it"; with
the field already empty it is left to the window). Down moves into the results. Either
only without modifiers (the keypad's arrow counts), so Shift+Down still selects text.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit


class SearchFieldKeys(QObject):
    """Installed on ``field`` (and owned by it): Escape calls ``clear``, Down ``down``."""

    def __init__(
        self, field: QLineEdit, *, clear: Callable[[], None], down: Callable[[], None]
    ) -> None:
        super().__init__(field)
        self._field = field
        self._clear = clear
        self._down = down
        field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            if event.key() == Qt.Key.Key_Down:
                self._down()
                return True
            if event.key() == Qt.Key.Key_Escape and self._field.text():
                self._clear()
                return True
        return super().eventFilter(watched, event)
