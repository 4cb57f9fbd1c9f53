"""A key's status as a coloured pill: in the table (a delegate) and in the detail panel.

Colours come in a light and a dark set, picked from the window palette's lightness, so the
badge stays readable with either system theme. The text is always there too: colour is
never the only signal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import (
    Property,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.domain.status import KeyStatus
from app.ui.labels import status_label
from app.ui.text import arg

H_PADDING = 9
V_PADDING = 2
DOT = 6
DOT_GAP = 6


@dataclass(frozen=True, slots=True)
class BadgeColours:
    fill: QColor
    text: QColor


def _tone(name: str) -> Property:
    def get(self: StatusTones) -> QColor:
        return self.colour(name)

    def set_(self: StatusTones, value: QColor) -> None:
        self._colours[name] = QColor(value)

    return Property(QColor, get, set_)


class StatusTones(QWidget):
    """The badge colours, one text colour for a light and one for a dark theme and a fill per
    status, set by the style sheet (``StatusTones`` in resources/style/keyward.qss) like every
    other colour of the console. Never shown: one instance is polished and read."""

    activeText = _tone("activeText")  # noqa: N815 (Qt property)
    activeTextOnDark = _tone("activeTextOnDark")  # noqa: N815 (Qt property)
    activeFill = _tone("activeFill")  # noqa: N815 (Qt property)
    disabledText = _tone("disabledText")  # noqa: N815 (Qt property)
    disabledTextOnDark = _tone("disabledTextOnDark")  # noqa: N815 (Qt property)
    disabledFill = _tone("disabledFill")  # noqa: N815 (Qt property)
    expiredText = _tone("expiredText")  # noqa: N815 (Qt property)
    expiredTextOnDark = _tone("expiredTextOnDark")  # noqa: N815 (Qt property)
    expiredFill = _tone("expiredFill")  # noqa: N815 (Qt property)
    revokedText = _tone("revokedText")  # noqa: N815 (Qt property)
    revokedTextOnDark = _tone("revokedTextOnDark")  # noqa: N815 (Qt property)
    revokedFill = _tone("revokedFill")  # noqa: N815 (Qt property)

    def __init__(self) -> None:
        super().__init__()
        self._colours: dict[str, QColor] = {}

    def colour(self, name: str) -> QColor:
        # Without the style sheet the badges fall back to the palette's text colour.
        return self._colours.get(name, self.palette().color(QPalette.ColorRole.WindowText))


_tones: dict[str, StatusTones] = {}


def _status_tones() -> StatusTones:
    # One polished instance per style sheet: a sheet set later (or changed) is read afresh.
    app = QApplication.instance()
    sheet = app.styleSheet() if isinstance(app, QApplication) else ""
    tones = _tones.get(sheet)
    if tones is None:
        for old in _tones.values():
            old.deleteLater()
        _tones.clear()
        tones = _tones[sheet] = StatusTones()
        tones.ensurePolished()
    return tones


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def badge_colours(status: KeyStatus, palette: QPalette) -> BadgeColours:
    tones = _status_tones()
    dark = is_dark(palette)
    fill = QColor(tones.colour(f"{status.value}Fill"))
    fill.setAlpha(64 if dark else 38)
    return BadgeColours(
        fill=fill,
        text=tones.colour(f"{status.value}{'TextOnDark' if dark else 'Text'}"),
    )


_FONTS: dict[str, tuple[QFont, dict[KeyStatus, QSize]]] = {}


def _badge_font_and_sizes(base: QFont) -> tuple[QFont, dict[KeyStatus, QSize]]:
    # Every visible status cell is painted on each repaint: measure once per font.
    key = base.key()
    cached = _FONTS.get(key)
    if cached is None:
        font = QFont(base)
        font.setWeight(QFont.Weight.DemiBold)
        metrics = QFontMetrics(font)
        sizes = {
            status: QSize(
                H_PADDING * 2 + DOT + DOT_GAP + metrics.horizontalAdvance(status_label(status)),
                metrics.height() + V_PADDING * 2,
            )
            for status in KeyStatus
        }
        cached = _FONTS[key] = (font, sizes)
    return cached


def badge_font(base: QFont) -> QFont:
    return _badge_font_and_sizes(base)[0]


def badge_size(status: KeyStatus, font: QFont) -> QSize:
    return _badge_font_and_sizes(font)[1][status]


def selected_colours(palette: QPalette) -> BadgeColours:
    """On a selected row the tints vanish in the highlight: a light pill in its text colour."""
    text = palette.color(QPalette.ColorRole.HighlightedText)
    fill = QColor(text)
    fill.setAlpha(48)
    return BadgeColours(fill=fill, text=text)


def paint_badge(
    painter: QPainter,
    area: QRect,
    status: KeyStatus,
    palette: QPalette,
    font: QFont,
    *,
    selected: bool = False,
) -> None:
    """Draw the pill for ``status`` left-aligned and vertically centred in ``area``."""
    colours = selected_colours(palette) if selected else badge_colours(status, palette)
    size = badge_size(status, font)
    pill = QRectF(
        area.left(),
        area.top() + (area.height() - size.height()) / 2,
        min(size.width(), area.width()),
        size.height(),
    )
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colours.fill)
    radius = pill.height() / 2
    painter.drawRoundedRect(pill, radius, radius)
    painter.setBrush(colours.text)
    dot_top = pill.top() + (pill.height() - DOT) / 2
    painter.drawEllipse(QRectF(pill.left() + H_PADDING, dot_top, DOT, DOT))
    painter.setPen(colours.text)
    painter.setFont(badge_font(font))
    text_rect = pill.adjusted(H_PADDING + DOT + DOT_GAP, 0, -H_PADDING + 2, 0)
    painter.drawText(
        text_rect,
        int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
        status_label(status),
    )
    painter.restore()


def status_of(value: object) -> KeyStatus | None:
    """The KeyStatus in a model's status role (Qt hands a str-based enum back as a str)."""
    if isinstance(value, KeyStatus):
        return value
    try:
        return KeyStatus(str(value)) if value else None
    except ValueError:
        return None


class StatusBadgeDelegate(QStyledItemDelegate):
    """Paints the Status column as a pill; reads the status from ``status_role``.

    Each pill is drawn once per look (status, selection, palette, cell size, pixel ratio)
    and kept as a pixmap: a repaint or a scroll then copies it instead of drawing it anew.
    A new style sheet, palette or font on the view starts the pixmaps afresh.
    """

    def __init__(self, status_role: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._status_role = status_role
        self._pills: dict[tuple[object, ...], QPixmap] = {}
        self._watched: QObject | None = None

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        status = status_of(index.data(self._status_role))
        if status is None:
            super().paint(painter, option, index)
            return
        # The view's option already says all the style needs for the row's look (selection,
        # focus, alternating colour): the cell's other roles are not asked for, the pill is
        # its text (in the view's font).
        opt = option
        widget = opt.widget
        if widget is not self._watched and widget is not None:
            widget.installEventFilter(self)
            self._watched = widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        area = opt.rect.adjusted(6, 3, -4, -3)
        if area.width() <= 0 or area.height() <= 0:
            return
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette = opt.palette
        font = opt.font
        ratio = painter.device().devicePixelRatioF()
        key = (
            status,
            selected,
            palette.cacheKey(),
            palette.currentColorGroup(),
            area.width(),
            area.height(),
            ratio,
        )
        pill = self._pills.get(key)
        if pill is None:
            if len(self._pills) >= _MAX_PILLS:
                self._pills.clear()
            pill = self._pills[key] = rendered(
                area.size(),
                ratio,
                lambda target, rect: paint_badge(
                    target, rect, status, palette, font, selected=selected
                ),
            )
        painter.drawPixmap(area.topLeft(), pill)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in LOOK_CHANGES:
            self._pills.clear()
        return False

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        status = status_of(index.data(self._status_role))
        hint = super().sizeHint(option, index)
        if status is None:
            return hint
        badge = badge_size(status, option.font)
        return QSize(max(hint.width(), badge.width() + 12), max(hint.height(), badge.height() + 6))


#: Pill looks kept at most (a handful are in use: the sizes change only with the font).
_MAX_PILLS = 256
#: What changes how a cell is drawn without a change to its data.
LOOK_CHANGES = frozenset(
    {QEvent.Type.StyleChange, QEvent.Type.PaletteChange, QEvent.Type.FontChange}
)


def rendered(size: QSize, ratio: float, draw: Callable[[QPainter, QRect], None]) -> QPixmap:
    """A transparent pixmap of ``size`` (at ``ratio``) with ``draw(painter, its rect)`` on it."""
    pixmap = QPixmap(round(size.width() * ratio), round(size.height() * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        draw(painter, QRect(QPoint(0, 0), size))
    finally:
        painter.end()
    return pixmap


class StatusBadge(QWidget):
    """The same pill as a widget, for the detail panel's title line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyStatusBadge")
        self._status: KeyStatus | None = None

    @property
    def status(self) -> KeyStatus | None:
        return self._status

    def set_status(self, status: KeyStatus | None) -> None:
        self._status = status
        label = status_label(status) if status is not None else ""
        self.setAccessibleName(arg(self.tr("Status: %1"), label))
        self.setToolTip(label)
        self.updateGeometry()
        self.update()

    def text(self) -> str:
        return status_label(self._status) if self._status is not None else ""

    def sizeHint(self) -> QSize:
        if self._status is None:
            return QSize(0, 0)
        return badge_size(self._status, self.font())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._status is None:
            return
        painter = QPainter(self)
        paint_badge(painter, self.rect(), self._status, self.palette(), self.font())
        painter.end()
