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


def paint_switch(
    painter: QPainter,
    track: QRectF,
    palette: QPalette,
    *,
    on: bool,
    enabled: bool,
    hovered: bool = False,
    selected: bool = False,
) -> None:
    """The one on/off switch painter: the panel's Switch and the table's Actions cell.

    Colours come from ``palette``: the highlight when on, the placeholder grey when off; in
    a selected table row (where the highlight would swallow the track) the highlighted-text
    colour instead.
    """
    knob_colour = palette.color(QPalette.ColorRole.HighlightedText)
    if selected:
        fill = QColor(palette.color(QPalette.ColorRole.HighlightedText))
        fill.setAlpha(230 if on else 110)
        if on:
            knob_colour = palette.color(QPalette.ColorRole.Highlight)
    else:
        role = QPalette.ColorRole.Highlight if on else QPalette.ColorRole.PlaceholderText
        fill = QColor(palette.color(role))
    if not enabled:
        fill.setAlpha(85)
        knob_colour = palette.color(QPalette.ColorRole.Window)
    elif hovered and not selected:
        fill = fill.darker(115)
    radius = track.height() / 2
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    painter.drawRoundedRect(track, radius, radius)
    knob = track.height() - 4
    left = track.right() - knob - 2 if on else track.left() + 2
    knob_rect = QRectF(left, track.top() + 2, knob, knob)
    if hovered and enabled:
        halo = QColor(fill)
        halo.setAlpha(60)
        painter.setBrush(halo)
        painter.drawEllipse(knob_rect.adjusted(-4, -4, 4, 4))
    painter.setBrush(knob_colour)
    painter.drawEllipse(knob_rect)
    painter.restore()


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
        paint_switch(painter, track, palette, on=self.isChecked(), enabled=enabled)
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
