"""Verifications per day as small bars: "is this key still in use?" at a glance."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QPoint, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from app.ui.models.formatting import count_text
from app.ui.text import arg

BAR_GAP = 2
MIN_BAR = 2.0


class UsageChart(QWidget):
    """One bar per day, oldest on the left; hover a bar for its date and count."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("usageChart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._days: list[tuple[date, int]] = []
        self.setAccessibleName(self.tr("Verifications per day"))

    @property
    def total(self) -> int:
        return sum(count for _day, count in self._days)

    def set_days(self, days: Sequence[tuple[date, int]]) -> None:
        self._days = list(days)
        busiest = max((count for _day, count in self._days), default=0)
        self.setAccessibleDescription(
            arg(
                self.tr("%1 verifications in %2 days; at most %3 on one day."),
                count_text(self.total),
                str(len(self._days)),
                count_text(busiest),
            )
        )
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(240, 48)

    def minimumSizeHint(self) -> QSize:
        return QSize(120, 48)

    def _bar_rects(self) -> list[QRectF]:
        if not self._days:
            return []
        area = QRectF(self.rect()).adjusted(0, 4, 0, -1)
        width = (area.width() - BAR_GAP * (len(self._days) - 1)) / len(self._days)
        busiest = max(count for _day, count in self._days) or 1
        rects = []
        for n, (_day, count) in enumerate(self._days):
            height = MIN_BAR if count == 0 else max(MIN_BAR + 1, area.height() * count / busiest)
            left = area.left() + n * (width + BAR_GAP)
            rects.append(QRectF(left, area.bottom() - height, width, height))
        return rects

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        accent = self.palette().color(QPalette.ColorRole.Highlight)
        idle = QColor(self.palette().color(QPalette.ColorRole.PlaceholderText))
        idle.setAlpha(90)
        painter.setPen(Qt.PenStyle.NoPen)
        for rect, (_day, count) in zip(self._bar_rects(), self._days, strict=True):
            painter.setBrush(accent if count else idle)
            painter.drawRoundedRect(rect, 1.5, 1.5)
        if self._days and not self.total:
            # A row of empty bars reads as a broken chart; say it instead.
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.rect().adjusted(0, 0, 0, -8),
                int(Qt.AlignmentFlag.AlignCenter),
                self.tr("No verifications in the last 30 days"),
            )
        painter.end()

    def _day_at(self, point: QPoint) -> tuple[date, int] | None:
        for rect, day in zip(self._bar_rects(), self._days, strict=True):
            if rect.left() <= point.x() <= rect.right() + BAR_GAP:
                return day
        return None

    def event(self, event: object) -> bool:
        if isinstance(event, QHelpEvent) and event.type() == QHelpEvent.Type.ToolTip:
            found = self._day_at(event.pos())
            if found is None:
                QToolTip.hideText()
            else:
                day, count = found
                QToolTip.showText(
                    event.globalPos(),
                    arg(self.tr("%1: %2 verifications"), day.isoformat(), count_text(count)),
                    self,
                )
            return True
        return super().event(event)  # type: ignore[arg-type]
