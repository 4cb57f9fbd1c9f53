"""The side bar between the window's workspaces (Keys, Audit, People, Policy).

One checkable flat button per workspace, icon and text (left-aligned by the style sheet);
in a narrow window (:meth:`NavBar.set_compact`) only the icons remain and the text moves
to the tooltip.
Keyboard: Tab reaches the current item, the arrow keys move between items and Enter or
Space opens one; the window's Ctrl+1…4 shortcuts and View menu do the same.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import QButtonGroup, QFrame, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from app.ui.models.formatting import count_text


class NavBar(QFrame):
    """``add_item(name, object_name, icon, text)``; emits ``activated(name)`` on a choice."""

    activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigationBar")
        self.setAccessibleName(self.tr("Workspaces"))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self._buttons: dict[str, QPushButton] = {}
        self._shortcuts: dict[str, str] = {}
        self._titles: dict[str, str] = {}
        self._badges: dict[str, int] = {}
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._compact = False
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(6, 10, 6, 10)
        self._layout.setSpacing(4)
        self._layout.addStretch(1)

    # ------------------------------------------------------------------ items

    def add_item(
        self, name: str, object_name: str, item_icon: QIcon, text: str, shortcut: str = ""
    ) -> QPushButton:
        button = QPushButton(self)
        button.setObjectName(object_name)
        button.setIcon(item_icon)
        button.setIconSize(QSize(22, 22))
        button.setText(text)
        button.setAccessibleName(text)
        button.setCheckable(True)
        button.setFlat(True)
        button.setAutoDefault(False)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        button.clicked.connect(lambda _checked=False: self.activated.emit(name))
        self._group.addButton(button)
        self._buttons[name] = button
        self._shortcuts[name] = shortcut
        self._titles[name] = text
        self._layout.insertWidget(self._layout.count() - 1, button)
        self._style(name)
        return button

    def button(self, name: str) -> QPushButton:
        return self._buttons[name]

    def names(self) -> list[str]:
        return list(self._buttons)

    def set_item_visible(self, name: str, visible: bool) -> None:
        self._buttons[name].setVisible(visible)

    def set_badge(self, name: str, count: int) -> None:
        """A count beside the item's text (and in its tooltip); 0 hides it."""
        self._badges[name] = max(0, count)
        self._style(name)

    def badge(self, name: str) -> int:
        return self._badges.get(name, 0)

    def set_current(self, name: str) -> None:
        button = self._buttons.get(name)
        if button is not None:
            button.setChecked(True)

    def current(self) -> str | None:
        for name, button in self._buttons.items():
            if button.isChecked():
                return name
        return None

    # ------------------------------------------------------------------ narrow windows

    @property
    def compact(self) -> bool:
        return self._compact

    def set_compact(self, compact: bool) -> None:
        """Icons only (a narrow window) or icons with their text."""
        if compact == self._compact:
            return
        self._compact = compact
        self.setProperty("compact", "true" if compact else "false")
        for name in self._buttons:
            self._style(name)
        self.updateGeometry()

    def _style(self, name: str) -> None:
        button = self._buttons[name]
        shortcut = self._shortcuts.get(name, "")
        title = self._titles[name]
        count = self._badges.get(name, 0)
        if count:
            title = f"{title} ({count_text(count)})"
        button.setToolTip(f"{title} ({shortcut})" if shortcut else title)
        button.setText("" if self._compact else title)
        button.setAccessibleName(title)

    # ------------------------------------------------------------------ keyboard

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self._move_focus(-1 if key == Qt.Key.Key_Up else 1)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = self.focusWidget()
            if isinstance(focused, QPushButton) and focused in self._buttons.values():
                focused.click()
                return
        super().keyPressEvent(event)

    def _move_focus(self, step: int) -> None:
        visible = [button for button in self._buttons.values() if not button.isHidden()]
        if not visible:
            return
        focused = self.focusWidget()
        index = visible.index(focused) if focused in visible else -1
        target = visible[(index + step) % len(visible)]
        target.setFocus(Qt.FocusReason.TabFocusReason)
