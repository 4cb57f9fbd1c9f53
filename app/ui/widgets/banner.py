"""The one message strip: errors, warnings and notes, in the window, the panel and dialogs.

It replaces a modal error box: the window keeps working, what the user typed stays where it
is, and the action (Retry, Reload) is one click away. Its colours come from keyward.qss
through the ``tone`` property (``QFrame[tone="error"]``), never from code.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from PySide6.QtCore import QSize, Qt, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from app.ui.resources import icon

ICON_SIZE = 16


class Tone(StrEnum):
    ERROR = "error"  # red tint: refusals, critical warnings
    WARNING = "warning"  # amber tint: something changed under you
    INFO = "info"  # blue tint: outcomes worth a second look


_ICONS: dict[Tone, str] = {Tone.ERROR: "warning", Tone.WARNING: "warning", Tone.INFO: "info"}


class Banner(QFrame):
    """``show_message(text, action_text, action)``; hidden until there is something to say.

    The text label is ``<object_name>Text`` (or ``text_name``), the action button
    ``<object_name>Action`` and the close button ``<object_name>Dismiss``.
    """

    def __init__(
        self,
        object_name: str,
        *,
        tone: Tone = Tone.ERROR,
        dismissable: bool = True,
        text_name: str | None = None,
        accessible_name: str | None = None,
        icon_name: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setProperty("tone", tone.value)
        self._name = accessible_name or self.tr("Message")
        self.setAccessibleName(self._name)
        self._action: Callable[[], None] | None = None
        self._armed: tuple[str, Callable[[], None]] | None = None

        glyph = QLabel(self)
        glyph.setObjectName("decorativeIcon")
        glyph.setPixmap(icon(icon_name or _ICONS[tone]).pixmap(QSize(ICON_SIZE, ICON_SIZE)))
        glyph.setFixedSize(ICON_SIZE, ICON_SIZE)
        self.label = QLabel(self)
        self.label.setObjectName(text_name or f"{object_name}Text")
        self.label.setAccessibleName(self._name)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._button = QPushButton(self)
        self._button.setObjectName(f"{object_name}Action")
        self._button.setAccessibleName(self.tr("Message action"))
        self._button.clicked.connect(self._run_action)
        self._button.hide()
        self._close = QToolButton(self)
        self._close.setObjectName(f"{object_name}Dismiss")
        self._close.setIcon(icon("close"))
        self._close.setAutoRaise(True)
        self._close.setToolTip(self.tr("Dismiss"))
        self._close.setAccessibleName(self.tr("Dismiss message"))
        self._close.clicked.connect(self.dismiss)
        self._close.setVisible(dismissable)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.setSpacing(8)
        layout.addWidget(glyph, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        layout.addWidget(self._button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self._close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    @classmethod
    def labelled(
        cls,
        tone: Tone,
        text_name: str,
        accessible_name: str,
        parent: QWidget | None = None,
        *,
        icon_name: str | None = None,
    ) -> Banner:
        """A dialog's banner: found by its text label's name, no close button."""
        return cls(
            f"{text_name}Banner",
            tone=tone,
            dismissable=False,
            text_name=text_name,
            accessible_name=accessible_name,
            icon_name=icon_name,
            parent=parent,
        )

    # ------------------------------------------------------------------ API

    @property
    def message(self) -> str:
        return "" if self.isHidden() else self.label.text()

    def text(self) -> str:
        return self.label.text()

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
        self.label.setText(text)
        # Screen readers announce the label's name; keep it the sentence itself.
        self.label.setAccessibleName(text)
        self.setAccessibleDescription(text)
        self._action = action
        self._button.setText(action_text or "")
        self._button.setAccessibleName(action_text or self.tr("Message action"))
        self._button.setVisible(action is not None)
        self.show()

    def clear(self) -> None:
        """Hide and forget the message."""
        self.hide()
        self._action = None
        self.label.clear()
        self.label.setAccessibleName(self._name)

    @Slot()
    def dismiss(self) -> None:
        self.hide()
        self._action = None

    @Slot()
    def _run_action(self) -> None:
        action = self._action
        self.hide()
        self._action = None
        if action is not None:
            action()
