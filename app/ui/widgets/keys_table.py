"""The keys table view: server-side sort from the header, keyboard actions, sane widths.

The Name column takes up the slack when the table is wider than its columns, so the fixed
Actions column sits at the right edge; it gives the slack back (never more) as the table
narrows. Widths the user set stay theirs.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QFontDatabase, QFontMetrics, QKeyEvent, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.domain.status import KeyStatus
from app.ui.models.key_columns import COLUMNS, Column, column_for
from app.ui.models.keys_model import KeyRole, KeysModel, StatusRole
from app.ui.widgets.key_actions import ACTIONS_WIDTH, KeyActionsDelegate, KeyControl
from app.ui.widgets.status_badge import StatusBadgeDelegate, badge_size

#: A masked key as wide as they come (prefix and environment labels vary).
_MASK_SAMPLE = "kw_live_XXXXXXXXXXXX_…XXXX"
CELL_PADDING = 18


class KeysTable(QTableView):
    """A QTableView over :class:`KeysModel`; Enter, Delete and Esc become requests."""

    open_requested = Signal()  # Enter: show (and edit) the current key
    revoke_requested = Signal()  # Delete: revoke the selected keys, after confirmation
    close_requested = Signal()  # Esc: close the details

    def __init__(self, model: KeysModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._keys = model
        self.setObjectName("keysTable")
        self.setAccessibleName(self.tr("API keys"))
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setCornerButtonEnabled(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setItemDelegateForColumn(Column.STATUS, StatusBadgeDelegate(StatusRole, self))
        self.actions_delegate = KeyActionsDelegate(KeyRole, self)
        self.setItemDelegateForColumn(Column.ACTIONS, self.actions_delegate)
        # Hover feedback on the painted controls needs moves without a button held.
        self.setMouseTracking(True)
        #: What the Name column was widened by to fill the table (given back first).
        self._name_fill = 0
        self._fitting = False
        rows = self.verticalHeader()
        rows.hide()
        # Fixed row heights let the view skip measuring rows: scrolling stays cheap at any size.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 16)
        header = self.horizontalHeader()
        header.setObjectName("keysTableHeader")
        header.setSectionsMovable(True)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setHighlightSections(False)
        # The Name column fills the width instead (see _fit_columns): Actions keeps its size.
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setMinimumSectionSize(60)
        self._set_default_widths()
        self.ensure_actions_column()
        self.show_sort_of_model()
        # Sorting is the server's job: the view's own sorting stays off.
        header.sortIndicatorChanged.connect(self._on_sort_indicator_changed)
        header.sectionResized.connect(self._on_section_resized)

    def _set_default_widths(self) -> None:
        header = self.horizontalHeader()
        metrics = self.fontMetrics()
        # Default widths follow the font, not pixels: each column's usual widest text, or its
        # header (in the current language, with room for the sort arrow) when that is wider.
        # Name starts modest because it takes whatever width is left over (see _fit_columns).
        for column, spec in COLUMNS.items():
            if spec.width_sample is not None:
                sample = metrics.horizontalAdvance(spec.width_sample) + CELL_PADDING
                # The header's own need: its text, margins and the sort arrow's room.
                title = header.sectionSizeFromContents(column).width()
                header.resizeSection(column, max(sample, title))
        fixed = QFontMetrics(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        header.resizeSection(Column.KEY, fixed.horizontalAdvance(_MASK_SAMPLE) + CELL_PADDING)
        widest = max(badge_size(status, self.font()).width() for status in KeyStatus)
        header.resizeSection(Column.STATUS, widest + CELL_PADDING)

    def ensure_actions_column(self) -> None:
        """Show the Actions column at its fixed width, whatever a restored header said.

        A header state saved before the column existed (or with the last section stretched)
        must not hide, squeeze or stretch it.
        """
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.showSection(Column.ACTIONS)
        header.setSectionResizeMode(Column.ACTIONS, QHeaderView.ResizeMode.Fixed)
        self._fitting = True
        try:
            header.resizeSection(Column.ACTIONS, ACTIONS_WIDTH)
        finally:
            self._fitting = False
        self._name_fill = 0
        self._fit_columns()

    # ------------------------------------------------------------------ widths

    def _fit_columns(self) -> None:
        """Widen Name into empty space on the right, or give that widening back."""
        header = self.horizontalHeader()
        if self._fitting or header.isSectionHidden(Column.NAME):
            return
        slack = self.viewport().width() - header.length()
        fill = max(0, self._name_fill + slack)
        if fill == self._name_fill:
            return
        self._fitting = True
        try:
            own = header.sectionSize(Column.NAME) - self._name_fill
            header.resizeSection(Column.NAME, own + fill)
        finally:
            self._fitting = False
        self._name_fill = fill

    def drop_fill(self) -> None:
        """Give the Name column its own width back (before saving the header state)."""
        if self._name_fill:
            header = self.horizontalHeader()
            self._fitting = True
            try:
                header.resizeSection(Column.NAME, header.sectionSize(Column.NAME) - self._name_fill)
            finally:
                self._fitting = False
            self._name_fill = 0

    @Slot(int, int, int)
    def _on_section_resized(self, section: int, _old: int, _new: int) -> None:
        if self._fitting:
            return
        if section == Column.NAME:
            self._name_fill = 0  # the user chose this width: it is theirs now
        else:
            self._fit_columns()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    # ------------------------------------------------------------------ hover

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        pos = event.position().toPoint()
        index = self.indexAt(pos)
        control = None
        if index.isValid() and index.column() == Column.ACTIONS:
            control = self.actions_delegate.control_at(
                self.visualRect(index), pos, self._keys.key_at(index.row())
            )
        self._set_hovered(index, control)

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        self._set_hovered(None, None)

    def _set_hovered(self, index: QModelIndex | None, control: KeyControl | None) -> None:
        before = self.actions_delegate.hovered
        if not self.actions_delegate.set_hovered(index, control):
            return
        if before is not None and before[0].isValid():
            old = self._keys.index(before[0].row(), before[0].column())
            self.viewport().update(self.visualRect(old))
        if index is not None and control is not None:
            self.viewport().update(self.visualRect(index))
            dto = self._keys.key_at(index.row())
            if self.actions_delegate.is_enabled(dto, control):
                self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
                return
        self.viewport().unsetCursor()

    # ------------------------------------------------------------------ sorting

    def show_sort_of_model(self) -> None:
        """Put the header's sort indicator where the model's rows are sorted."""
        query = self._keys.query
        order = Qt.SortOrder.DescendingOrder if query.descending else Qt.SortOrder.AscendingOrder
        header = self.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(column_for(query.sort), order)
        header.blockSignals(False)

    def sort_as_header_says(self) -> None:
        """After restoring a saved header: load the rows in the order it shows."""
        header = self.horizontalHeader()
        section = header.sortIndicatorSection()
        if 0 <= section < len(Column) and Column(section).sort_field is not None:
            self._keys.sort(section, header.sortIndicatorOrder())
        self.show_sort_of_model()

    @Slot(int, Qt.SortOrder)
    def _on_sort_indicator_changed(self, section: int, order: Qt.SortOrder) -> None:
        if not 0 <= section < len(Column) or Column(section).sort_field is None:
            # The masked key is not sortable: the indicator goes back to where the data is.
            self.show_sort_of_model()
            return
        self._keys.sort(section, order)

    # ------------------------------------------------------------------ keys

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_requested.emit()
        elif key == Qt.Key.Key_Delete:
            self.revoke_requested.emit()
        elif key == Qt.Key.Key_Escape:
            self.close_requested.emit()
        else:
            super().keyPressEvent(event)
