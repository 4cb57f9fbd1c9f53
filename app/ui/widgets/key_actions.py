"""The keys table's Actions column: a toggle, a revoke and a delete button, painted per row.

The controls are painted by a delegate rather than made of widgets (``setIndexWidget``): a
table may hold many thousands of keys, and a painted cell costs nothing until it is on
screen. The delegate only reports clicks (``toggle_clicked``, ``revoke_clicked``,
``delete_clicked``); the window runs them through the same handlers as the context menu.
Keyboard users have the context menu and the Delete key for the same actions.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QHelpEvent, QIcon, QMouseEvent, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
)

from app.domain.status import KeyState, KeyStatus
from app.services.dto import KeyDTO
from app.ui.resources import icon
from app.ui.widgets.status_badge import LOOK_CHANGES, rendered
from app.ui.widgets.switch import paint_switch

H_PADDING = 8
TOGGLE_SIZE = QSize(30, 16)
TOGGLE_GAP = 8
BUTTON_SIZE = 24
BUTTON_GAP = 2
ICON_SIZE = 16
#: The column's fixed width: padding, toggle, two buttons, padding.
ACTIONS_WIDTH = H_PADDING * 2 + TOGGLE_SIZE.width() + TOGGLE_GAP + BUTTON_SIZE * 2 + BUTTON_GAP

AnyIndex = QModelIndex | QPersistentModelIndex
#: Cell looks kept at most (a handful are in use: the sizes change only with the font).
_MAX_CELLS = 256


class KeyControl(Enum):
    TOGGLE = "toggle"
    REVOKE = "revoke"
    DELETE = "delete"


def control_rects(rect: QRect) -> dict[KeyControl, QRect]:
    """Where each control sits in a cell ``rect`` (whether or not the row shows it).

    Slots stay put when a control is hidden, so the trash icons line up down the column.
    """
    middle = rect.top() + rect.height() // 2
    left = rect.left() + H_PADDING
    toggle = QRect(QPoint(left, middle - TOGGLE_SIZE.height() // 2), TOGGLE_SIZE)
    # The toggle's click target is taller than its track: easier to hit.
    toggle_target = toggle.adjusted(-2, -4, 2, 4)
    revoke_left = toggle.right() + 1 + TOGGLE_GAP
    revoke = QRect(revoke_left, middle - BUTTON_SIZE // 2, BUTTON_SIZE, BUTTON_SIZE)
    delete = revoke.translated(BUTTON_SIZE + BUTTON_GAP, 0)
    return {KeyControl.TOGGLE: toggle_target, KeyControl.REVOKE: revoke, KeyControl.DELETE: delete}


def shown_controls(dto: KeyDTO) -> tuple[KeyControl, ...]:
    """A revoked key can only be deleted: it cannot be enabled or revoked again."""
    if dto.status is KeyStatus.REVOKED:
        return (KeyControl.DELETE,)
    return (KeyControl.TOGGLE, KeyControl.REVOKE, KeyControl.DELETE)


_TINTED: dict[tuple[str, int, float], QPixmap] = {}


def _tinted(name: str, colour: QColor, ratio: float) -> QPixmap:
    """The icon ``name`` as a silhouette in ``colour`` (made once per colour and scale)."""
    key = (name, colour.rgba(), ratio)
    pixmap = _TINTED.get(key)
    if pixmap is None:
        side = round(ICON_SIZE * ratio)
        pixmap = icon(name).pixmap(side, side)
        pixmap.setDevicePixelRatio(ratio)
        tint = QPainter(pixmap)
        tint.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        tint.fillRect(pixmap.rect(), colour)
        tint.end()
        _TINTED[key] = pixmap
    return pixmap


def _never(_dto: KeyDTO) -> bool:
    return False


class KeyActionsDelegate(QStyledItemDelegate):
    """Paints the Actions cell and turns clicks on its controls into signals."""

    toggle_clicked = Signal(object)  # KeyDTO: enable it if disabled, disable it if active
    revoke_clicked = Signal(object)  # KeyDTO
    delete_clicked = Signal(object)  # KeyDTO

    def __init__(self, key_role: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._key_role = key_role
        self._can_change: Callable[[KeyDTO], bool] = _never
        self._is_busy: Callable[[KeyDTO], bool] = _never
        self._read_only_reason = self.tr("Checking your role…")
        self._hovered: tuple[QPersistentModelIndex, KeyControl] | None = None
        self._pressed: tuple[QPersistentModelIndex, KeyControl] | None = None
        #: The painted controls of each look a cell can have (see paint).
        self._cells: dict[tuple[object, ...], QPixmap] = {}
        self._watched: QObject | None = None

    # ------------------------------------------------------------------ policy

    def set_permission(self, can_change: Callable[[KeyDTO], bool], read_only_reason: str) -> None:
        """Who may change which key; the reason is the tooltip on greyed-out controls."""
        self._can_change = can_change
        self._read_only_reason = read_only_reason

    def set_busy_test(self, is_busy: Callable[[KeyDTO], bool]) -> None:
        """A key whose toggle is on its way shows it greyed out and ignores more clicks."""
        self._is_busy = is_busy

    def is_enabled(self, dto: KeyDTO, control: KeyControl) -> bool:
        if not self._can_change(dto):
            return False
        return not (control is KeyControl.TOGGLE and self._is_busy(dto))

    def tooltip(self, dto: KeyDTO, control: KeyControl) -> str:
        if not self._can_change(dto):
            return self._read_only_reason
        if control is KeyControl.TOGGLE:
            if self._is_busy(dto):
                return self.tr("Changing…")
            if dto.state is KeyState.ACTIVE:
                return self.tr("Disable — integrations using this key are refused at once")
            return self.tr("Enable — integrations using this key are accepted at once")
        if control is KeyControl.REVOKE:
            return self.tr("Revoke…")
        return self.tr("Delete…")

    # ------------------------------------------------------------------ hit testing

    def _key(self, index: AnyIndex) -> KeyDTO | None:
        value = index.data(self._key_role)
        return value if isinstance(value, KeyDTO) else None

    def control_at(self, rect: QRect, pos: QPoint, dto: KeyDTO) -> KeyControl | None:
        """The control of ``dto``'s row under ``pos`` in a cell at ``rect``, if any."""
        rects = control_rects(rect)
        return next((c for c in shown_controls(dto) if rects[c].contains(pos)), None)

    def set_hovered(self, index: AnyIndex | None, control: KeyControl | None) -> bool:
        """Track the control under the mouse; True if that changed (the cell needs a repaint)."""
        hovered = None
        if index is not None and index.isValid() and control is not None:
            hovered = (QPersistentModelIndex(index), control)
        if hovered == self._hovered:
            return False
        self._hovered = hovered
        return True

    @property
    def hovered(self) -> tuple[QPersistentModelIndex, KeyControl] | None:
        return self._hovered

    def _is_hovered(self, index: AnyIndex, control: KeyControl) -> bool:
        hovered = self._hovered
        return hovered is not None and hovered[1] is control and hovered[0] == index

    # ------------------------------------------------------------------ painting

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        dto = self._key(index)
        # The cell has no text or icon of its own (the model gives it none to paint): the
        # view's option already says all the style needs for the row's look (selection,
        # focus, alternating colour, hover), so the cell's roles are not asked for.
        opt = option
        widget = opt.widget
        if widget is not self._watched and widget is not None:
            widget.installEventFilter(self)
            self._watched = widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        if dto is None:
            return
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        # The view marks the hovered cell (State_MouseOver); the table tells which control.
        cell_hovered = bool(opt.state & QStyle.StateFlag.State_MouseOver) or (
            self._hovered is not None and self._hovered[0] == index
        )
        controls = shown_controls(dto)
        enabled = tuple(self.is_enabled(dto, control) for control in controls)
        hovered = None
        if cell_hovered:
            hovered = next(
                (
                    control
                    for control, can in zip(controls, enabled, strict=True)
                    if can and self._is_hovered(index, control)
                ),
                None,
            )
        on = dto.state is KeyState.ACTIVE
        rect = opt.rect
        palette = opt.palette
        ratio = painter.device().devicePixelRatioF()
        # The cell's controls are drawn once per look and kept: a repaint copies a pixmap.
        key = (
            controls,
            enabled,
            on,
            hovered,
            selected,
            palette.cacheKey(),
            palette.currentColorGroup(),
            rect.width(),
            rect.height(),
            ratio,
        )
        cell = self._cells.get(key)
        if cell is None:
            if len(self._cells) >= _MAX_CELLS:
                self._cells.clear()
            cell = self._cells[key] = rendered(
                rect.size(),
                ratio,
                lambda target, area: self._paint_controls(
                    target, area, palette, controls, enabled, on, hovered, selected
                ),
            )
        painter.drawPixmap(rect.topLeft(), cell)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in LOOK_CHANGES:
            self._cells.clear()
        return False

    def _paint_controls(
        self,
        painter: QPainter,
        cell: QRect,
        palette: QPalette,
        controls: tuple[KeyControl, ...],
        enabled: tuple[bool, ...],
        on: bool,
        hovered: KeyControl | None,
        selected: bool,
    ) -> None:
        rects = control_rects(cell)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for control, can in zip(controls, enabled, strict=True):
            if control is KeyControl.TOGGLE:
                track = QRectF(rects[control].adjusted(2, 4, -2, -4))
                paint_switch(
                    painter,
                    track,
                    palette,
                    on=on,
                    enabled=can,
                    hovered=hovered is control,
                    selected=selected,
                )
            else:
                name = "revoke" if control is KeyControl.REVOKE else "delete"
                self._paint_button(
                    painter, rects[control], name, palette, can, hovered is control, selected
                )

    @staticmethod
    def _paint_button(
        painter: QPainter,
        rect: QRect,
        name: str,
        palette: QPalette,
        enabled: bool,
        hovered: bool,
        selected: bool,
    ) -> None:
        if hovered:
            role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            backdrop = QColor(palette.color(role))
            backdrop.setAlpha(40 if selected else 26)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(backdrop)
            painter.drawRoundedRect(QRectF(rect), 5, 5)
        inset = (BUTTON_SIZE - ICON_SIZE) // 2
        target = rect.adjusted(inset, inset, -inset, -inset)
        if selected:
            # The grey glyphs vanish in the highlight: draw them in its text colour.
            colour = QColor(palette.color(QPalette.ColorRole.HighlightedText))
            if not enabled:
                colour.setAlpha(110)
            painter.drawPixmap(target, _tinted(name, colour, painter.device().devicePixelRatioF()))
            return
        mode = QIcon.Mode.Normal if enabled else QIcon.Mode.Disabled
        icon(name).paint(painter, target, Qt.AlignmentFlag.AlignCenter, mode)

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(ACTIONS_WIDTH, max(hint.height(), BUTTON_SIZE + 4))

    # ------------------------------------------------------------------ events

    def editorEvent(
        self,
        event: QEvent,
        model: QAbstractItemModel,
        option: QStyleOptionViewItem,
        index: AnyIndex,
    ) -> bool:
        kind = event.type()
        if kind not in (
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseButtonRelease,
            QEvent.Type.MouseButtonDblClick,
        ) or not isinstance(event, QMouseEvent):
            return super().editorEvent(event, model, option, index)
        dto = self._key(index)
        control = None
        if dto is not None and event.button() == Qt.MouseButton.LeftButton:
            control = self.control_at(option.rect, event.position().toPoint(), dto)
        if control is None or dto is None:
            self._pressed = None
            return False  # the row itself was clicked: select it as usual
        if kind == QEvent.Type.MouseButtonPress:
            self._pressed = (QPersistentModelIndex(index), control)
        elif kind == QEvent.Type.MouseButtonRelease:
            pressed, self._pressed = self._pressed, None
            # Act on a full click (press and release on the same control), like a button.
            if pressed == (QPersistentModelIndex(index), control) and self.is_enabled(dto, control):
                self._emit(control, dto)
        # A double click on a control is two clicks on it, not "open the details".
        return True

    def _emit(self, control: KeyControl, dto: KeyDTO) -> None:
        if control is KeyControl.TOGGLE:
            self.toggle_clicked.emit(dto)
        elif control is KeyControl.REVOKE:
            self.revoke_clicked.emit(dto)
        else:
            self.delete_clicked.emit(dto)

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: AnyIndex,
    ) -> bool:
        if event.type() != QEvent.Type.ToolTip:
            return super().helpEvent(event, view, option, index)
        dto = self._key(index)
        control = self.control_at(option.rect, event.pos(), dto) if dto is not None else None
        if dto is None or control is None:
            QToolTip.hideText()
            event.ignore()
            return True
        rect = control_rects(option.rect)[control]
        QToolTip.showText(event.globalPos(), self.tooltip(dto, control), view.viewport(), rect)
        return True
