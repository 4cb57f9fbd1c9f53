"""A non-blocking message strip above the content, with an optional action button.

It replaces a modal error box: the window keeps working, what the user typed stays where it
is, and the action (Retry, Reload) is one click away.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from PySide6.QtCore import QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from app.ui.resources import icon
from app.ui.widgets.status_badge import is_dark


class Tone(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


# (RGB, icon name)
_TONES: dict[Tone, tuple[tuple[int, int, int], str]] = {
    Tone.ERROR: ((217, 48, 37), "warning"),
    Tone.WARNING: ((227, 140, 0), "warning"),
    Tone.INFO: ((47, 111, 222), "info"),
}


class Banner(QWidget):
    """``show_message(text, action_text, action)``; hidden until there is something to say."""

    dismissed = Signal()

    def __init__(
        self,
        object_name: str,
        *,
        tone: Tone = Tone.ERROR,
        dismissable: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setAccessibleName(self.tr("Message"))
        self._tone = tone
        self._action: Callable[[], None] | None = None
        self._armed: tuple[str, Callable[[], None]] | None = None

        self._icon = QLabel(self)
        self._icon.setPixmap(icon(_TONES[tone][1]).pixmap(QSize(18, 18)))
        self._icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._text = QLabel(self)
        self._text.setObjectName(f"{object_name}Text")
        self._text.setWordWrap(True)
        self._text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._button = QPushButton(self)
        self._button.setObjectName(f"{object_name}Action")
        self._button.clicked.connect(self._run_action)
        self._close = QToolButton(self)
        self._close.setObjectName(f"{object_name}Dismiss")
        self._close.setIcon(icon("close"))
        self._close.setAutoRaise(True)
        self._close.setToolTip(self.tr("Dismiss"))
        self._close.setAccessibleName(self.tr("Dismiss message"))
        self._close.clicked.connect(self.dismiss)
        self._close.setVisible(dismissable)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        layout.setSpacing(10)
        layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self._text, 1)
        layout.addWidget(self._button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self._close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    # ------------------------------------------------------------------ API

    @property
    def message(self) -> str:
        return "" if self.isHidden() else self._text.text()

    @property
    def action_button(self) -> QPushButton:
        return self._button

    def arm_action(self, text: str, action: Callable[[], None]) -> None:
        """Attach ``action`` to the next message shown through :meth:`show_text`."""
        self._armed = (text, action)

    def disarm(self) -> None:
        self._armed = None

    @Slot(str)
    def show_text(self, text: str) -> None:
        """Show ``text`` with the armed action, if any (a slot for ErrorPresenter.message)."""
        armed, self._armed = self._armed, None
        if armed is None:
            self.show_message(text)
        else:
            self.show_message(text, armed[0], armed[1])

    def show_message(
        self,
        text: str,
        action_text: str | None = None,
        action: Callable[[], None] | None = None,
    ) -> None:
        self._text.setText(text)
        self._action = action
        self._button.setText(action_text or "")
        self._button.setAccessibleName(action_text or "")
        self._button.setVisible(action is not None)
        self.setAccessibleDescription(text)
        self.show()

    @Slot()
    def dismiss(self) -> None:
        self.hide()
        self._action = None
        self.dismissed.emit()

    @Slot()
    def _run_action(self) -> None:
        action = self._action
        self.hide()
        self._action = None
        if action is not None:
            action()

    # ------------------------------------------------------------------ look

    def paintEvent(self, event: QPaintEvent) -> None:
        (red, green, blue), _icon = _TONES[self._tone]
        dark = is_dark(self.palette())
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QColor(red, green, blue, 150 if dark else 120))
        painter.setBrush(QColor(red, green, blue, 48 if dark else 26))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        painter.end()
