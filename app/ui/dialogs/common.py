"""Pieces the create, reveal and revoke dialogs share: names, headings, busy bars, sizing."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QProgressBar,
    QWidget,
)

from app.ui.resources import icon

W = TypeVar("W", bound=QWidget)

#: Icons in dialog headers, in device-independent pixels.
HEADER_ICON_SIZE = 32


def named(widget: W, object_name: str, accessible_name: str) -> W:
    """Give ``widget`` the object name tests find it by and the name assistive tech reads."""
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible_name)
    return widget


def hint_label(text: str, object_name: str, parent: QWidget | None = None) -> QLabel:
    """A secondary line under a field: wrapped, in the palette's placeholder colour."""
    label = named(QLabel(text, parent), object_name, text)
    label.setWordWrap(True)
    # The palette's placeholder role dims the text on light and dark themes alike.
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def title_label(text: str, parent: QWidget | None = None) -> QLabel:
    """A dialog's heading: bold through keyward.qss (``#sectionTitle``), a little larger."""
    label = named(QLabel(text, parent), "sectionTitle", text)
    font = label.font()
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * 1.25)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def icon_label(name: str, size: int, parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setPixmap(icon(name).pixmap(size, size))
    label.setFixedSize(size, size)
    # Decorative: the text next to it says the same, so assistive tech skips it.
    label.setObjectName("decorativeIcon")
    label.setAccessibleName("")
    return label


class FittingDialog(QDialog):
    """A dialog that grows when its content needs more height (a banner or error appears).

    Qt sizes a window from its widgets' unwrapped size hints; wrapped labels then either
    leave blank gaps or, when a message appears, get squeezed and clipped. Growing to the
    layout's height-for-width keeps every line visible without fixing heights by hand.
    """

    def sizeHint(self) -> QSize:
        # Qt fits the height at the hinted width, then widens to the minimum width: wrapped
        # text then needs fewer lines than counted and leaves a gap. Count at the real width.
        hint = super().sizeHint()
        width = max(hint.width(), self.minimumWidth())
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            return QSize(width, layout.totalHeightForWidth(width))
        return QSize(width, hint.height())

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:
            self.grow_to_fit()
        return handled

    def grow_to_fit(self) -> None:
        layout = self.layout()
        if layout is None or not self.isVisible():
            return
        if layout.hasHeightForWidth():
            needed = layout.totalHeightForWidth(self.width())
        else:
            needed = layout.totalSizeHint().height()
        if needed > self.height():
            self.resize(self.width(), needed)


def busy_bar(object_name: str, accessible_name: str, parent: QWidget | None = None) -> QProgressBar:
    """An indeterminate progress bar: the work has no steps to count (one call, one hash)."""
    bar = named(QProgressBar(parent), object_name, accessible_name)
    bar.setRange(0, 0)
    bar.setTextVisible(False)
    bar.setMaximumHeight(6)
    bar.hide()
    return bar
