"""A checkbox drawn as an on/off switch: the RecordsKeeper-style "Enabled" toggle.

It stays a QCheckBox underneath, so keyboard (Space), accessibility (a checkable control
with a name) and tests treat it like any other checkbox.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QCheckBox, QStyle, QStyleOptionFocusRect, QWidget

TRACK_WIDTH = 34
TRACK_HEIGHT = 18
GAP = 8


class Switch(QCheckBox):
    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        width = TRACK_WIDTH + GAP + metrics.horizontalAdvance(self.text()) + 4
        return QSize(width, max(TRACK_HEIGHT + 4, metrics.height() + 4))

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def hitButton(self, pos: QPoint) -> bool:
        # The whole widget (track and label) is the click target, not only the indicator.
        return self.rect().contains(pos)

    def paintEvent(self, event: QPaintEvent) -> None:
        palette = self.palette()
        enabled = self.isEnabled()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        track = QRectF(1, (self.height() - TRACK_HEIGHT) / 2, TRACK_WIDTH, TRACK_HEIGHT)
        if self.isChecked():
            fill = palette.color(QPalette.ColorRole.Highlight)
        else:
            fill = QColor(palette.color(QPalette.ColorRole.PlaceholderText))
        if not enabled:
            fill.setAlpha(90)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(track, TRACK_HEIGHT / 2, TRACK_HEIGHT / 2)
        knob = TRACK_HEIGHT - 4
        left = track.right() - knob - 2 if self.isChecked() else track.left() + 2
        painter.setBrush(QColor("#ffffff") if enabled else palette.color(QPalette.ColorRole.Window))
        painter.drawEllipse(QRectF(left, track.top() + 2, knob, knob))
        group = QPalette.ColorGroup.Active if enabled else QPalette.ColorGroup.Disabled
        painter.setPen(palette.color(group, QPalette.ColorRole.WindowText))
        text_rect = self.rect().adjusted(TRACK_WIDTH + GAP + 1, 0, 0, 0)
        painter.drawText(
            text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), self.text()
        )
        if self.hasFocus():
            option = QStyleOptionFocusRect()
            option.initFrom(self)
            option.rect = track.toAlignedRect().adjusted(-2, -2, 2, 2)
            self.style().drawPrimitive(
                QStyle.PrimitiveElement.PE_FrameFocusRect, option, painter, self
            )
        painter.end()
