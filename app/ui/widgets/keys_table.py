"""The keys table view: server-side sort from the header, keyboard actions, sane widths.

The Name column takes up the slack when the table is wider than its columns, so the fixed
Actions column sits at the right edge. When the table is narrower than its columns, they
give way in their :attr:`ColumnSpec.give_way` order: first they narrow (their cells elide,
down to the width their header needs), then they step aside, so Name, Status and the
Actions stay on screen down to 800×600 with the detail panel open. Widths the user set
stay theirs: they come back as the table widens, and they, not the squeezed ones, are what
the header's saved state holds.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import (
    QContextMenuEvent,
    QFocusEvent,
    QFontDatabase,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.domain.status import KeyStatus
from app.ui.models.key_columns import COLUMNS, Column, column_for
from app.ui.models.keys_model import KeyRole, KeysModel, StatusRole
from app.ui.settings import WindowSettings
from app.ui.widgets.column_fit import narrow_in_turn, resize_sections
from app.ui.widgets.key_actions import ACTIONS_WIDTH, KeyActionsDelegate, KeyControl
from app.ui.widgets.key_menu import settle_optional_columns
from app.ui.widgets.status_badge import StatusBadgeDelegate, badge_size

#: A masked key as wide as they come (prefix and environment labels vary).
_MASK_SAMPLE = "kw_live_XXXXXXXXXXXX_…XXXX"
CELL_PADDING = 18


class KeysTable(QTableView):
    """A QTableView over :class:`KeysModel`; Enter, Delete and Esc become requests."""

    open_requested = Signal()  # Enter: show the current key (the focus stays here)
    revoke_requested = Signal()  # Delete: revoke the selected keys, after confirmation
    close_requested = Signal()  # Esc: close the details

    def __init__(self, model: KeysModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._keys = model
        #: Rows were only appended below the last visible one since the last layout.
        self._appended_out_of_sight = False
        self.setObjectName("keysTable")
        self.setAccessibleName(self.tr("API keys"))
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Tab leaves the table for the next control (the panel); arrows walk the rows.
        self.setTabKeyNavigation(False)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setCornerButtonEnabled(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Its own contextMenuEvent emits customContextMenuRequested (viewport coordinates).
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
        self.setItemDelegateForColumn(Column.STATUS, StatusBadgeDelegate(StatusRole, self))
        self.actions_delegate = KeyActionsDelegate(KeyRole, self)
        self.setItemDelegateForColumn(Column.ACTIONS, self.actions_delegate)
        # Hover feedback on the painted controls needs moves without a button held.
        self.setMouseTracking(True)
        #: Each column's own width: its default, or what the user dragged it to.
        self._own: dict[int, int] = {}
        #: Columns stepped aside because the table is too narrow (not the user's choice).
        self._stepped_aside: set[int] = set()
        #: The column the user resized last gives way last (it must not snap back).
        self._last_resized: int | None = None
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
        # The Name column fills the width instead (see fit_columns): Actions keeps its size.
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setMinimumSectionSize(60)
        self._set_default_widths()
        self.ensure_actions_column()
        self.show_sort_of_model()
        # Sorting is the server's job: the view's own sorting stays off.
        header.sortIndicatorChanged.connect(self._on_sort_indicator_changed)
        header.sectionResized.connect(self._on_section_resized)
        model.rowsAboutToBeInserted.connect(self._on_rows_about_to_be_inserted)
        for change in (
            model.modelAboutToBeReset,
            model.layoutAboutToBeChanged,
            model.rowsAboutToBeRemoved,
            model.rowsAboutToBeMoved,
            model.columnsAboutToBeInserted,
            model.columnsAboutToBeRemoved,
            model.columnsAboutToBeMoved,
        ):
            change.connect(self._on_layout_change)

    # ------------------------------------------------------------------ layout

    @Slot(QModelIndex, int, int)
    def _on_rows_about_to_be_inserted(self, parent: QModelIndex, first: int, _last: int) -> None:
        # A further page arrives while the view shows rows above it: nothing on screen moves.
        bottom = self.rowAt(self.viewport().height() - 1)
        appended = not parent.isValid() and first == self._keys.rowCount()
        self._appended_out_of_sight = appended and 0 <= bottom < first

    @Slot()
    def _on_layout_change(self) -> None:
        self._appended_out_of_sight = False

    def doItemsLayout(self) -> None:
        if self._appended_out_of_sight:
            # Only rows below the visible ones were added: the scroll bar grows, what is on
            # screen stays as it is, so the table is not repainted (Qt would repaint it all,
            # for every page fetched while scrolling).
            self._appended_out_of_sight = False
            self.updateGeometries()
            return
        super().doItemsLayout()

    def _set_default_widths(self) -> None:
        header = self.horizontalHeader()
        metrics = self.fontMetrics()
        # Default widths follow the font, not pixels: each column's usual widest text, or its
        # header (in the current language, with room for the sort arrow) when that is wider.
        # Name starts modest because it takes whatever width is left over (see fit_columns).
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
        header.resizeSection(Column.ACTIONS, ACTIONS_WIDTH)
        self._defaults = {int(column): header.sectionSize(column) for column in Column}
        self._own = dict(self._defaults)

    def default_width(self, column: Column) -> int:
        """The width the column starts with (its font-measured sample, or its header)."""
        return self._defaults[int(column)]

    def ensure_actions_column(self) -> None:
        """Show the Actions column at its fixed width, whatever a restored header said.

        A header state saved before the column existed (or with the last section stretched)
        must not hide, squeeze or stretch it.
        """
        header = self.horizontalHeader()
        self._fitting = True
        try:
            header.setStretchLastSection(False)
            header.showSection(Column.ACTIONS)
            header.setSectionResizeMode(Column.ACTIONS, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(Column.ACTIONS, ACTIONS_WIDTH)
        finally:
            self._fitting = False
        # The header's state (restored or default) says what is hidden and how wide each
        # column is: nothing is stepped aside any more, the widths shown are the own ones.
        self._stepped_aside = set()
        for column in Column:
            if not header.isSectionHidden(column) and header.sectionSize(column) > 0:
                self._own[int(column)] = header.sectionSize(column)
        self.fit_columns()

    # ------------------------------------------------------------------ widths

    def fit_columns(self) -> None:
        """Lay the columns out in the table's width: fill it with Name, or give way."""
        header = self.horizontalHeader()
        available = self.viewport().width()
        # Not before the table is shown: its width means nothing yet.
        if self._fitting or not self.isVisible() or available <= 0:
            return
        shown = [
            int(column)
            for column in Column
            if not header.isSectionHidden(column) or column in self._stepped_aside
        ]
        giving = sorted(
            (column for column in shown if COLUMNS[Column(column)].give_way is not None),
            key=lambda column: (column == self._last_resized, COLUMNS[Column(column)].give_way),
        )

        def least(column: int) -> int:
            # The cells elide, the header never: a column narrower than its title (and sort
            # arrow) steps aside instead.
            spec = COLUMNS[Column(column)]
            if spec.give_way is None:
                return self._own[column]
            title = header.sectionSizeFromContents(column).width()
            narrowest = max(spec.min_width, header.minimumSectionSize(), title)
            return min(self._own[column], narrowest)

        def need(columns: list[int]) -> int:
            # What the columns take at their narrowest, Name at its own width: columns step
            # aside before Name narrows (it is the one a person reads).
            return sum(
                self._own[column] if COLUMNS[Column(column)].keep_visible else least(column)
                for column in columns
            )

        # Step aside (lowest first) while even the narrowest widths do not fit.
        visible = list(shown)
        aside: set[int] = set()
        for column in giving:
            if need(visible) <= available:
                break
            if not COLUMNS[Column(column)].keep_visible:
                visible.remove(column)
                aside.add(column)
        # Narrow (lowest first) what is too wide; fill with Name what is left over.
        widths = {column: self._own[column] for column in visible}
        excess = narrow_in_turn(
            widths,
            sum(widths.values()) - available,
            ((column, least(column)) for column in giving if column in widths),
        )
        if Column.NAME in widths:
            if excess > 0:
                # The kept columns alone are too wide (the narrowest table beside the panel):
                # Name goes below its usual least, never below the header's minimum.
                excess = min(excess, widths[Column.NAME] - header.minimumSectionSize())
            widths[Column.NAME] -= excess  # (a negative excess is slack: Name fills it)
        self._apply(widths, aside)

    def _apply(self, widths: dict[int, int], aside: set[int]) -> None:
        header = self.horizontalHeader()
        self._fitting = True
        try:
            for column in aside - self._stepped_aside:
                header.hideSection(column)
            for column in self._stepped_aside - aside:
                header.showSection(column)
            resize_sections(header, widths)
        finally:
            self._fitting = False
        self._stepped_aside = aside

    def drop_fill(self) -> None:
        """Show the columns' own widths (before saving the header state); refit after."""
        header = self.horizontalHeader()
        self._fitting = True
        try:
            for column in self._stepped_aside:
                header.showSection(column)
            for column in Column:
                if not header.isSectionHidden(column):
                    header.resizeSection(column, self._own[int(column)])
        finally:
            self._fitting = False
        self._stepped_aside = set()

    @Slot(int, int, int)
    def _on_section_resized(self, section: int, old: int, new: int) -> None:
        if self._fitting:
            return
        if old > 0 and new > 0:
            self._own[section] = new  # the user chose this width: it is theirs now
            self._last_resized = section
        elif new > 0:
            # Shown from the columns menu: it is the user's again, if there is room for it.
            self._stepped_aside.discard(section)
        # Shown or hidden (the columns menu), or resized: the others make room or fill.
        self.fit_columns()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.fit_columns()

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

    def restore_columns(self, settings: WindowSettings) -> None:
        """The columns (order, widths, shown) and the sort the user left, from ``settings``;
        the remembered sort decides the first query, so the first page is sorted so."""
        header = self.horizontalHeader()
        self.drop_fill()  # nothing stepped aside for the width while restoring
        header.blockSignals(True)
        restored = settings.restore_header(header)
        header.blockSignals(False)
        settle_optional_columns(header, restored=restored)
        self.ensure_actions_column()
        if restored:
            self.sort_as_header_says()

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

    def select_current_row(self) -> None:
        """Select the current row if no row is selected (what Enter and Delete act on).

        Qt makes the first row current, unselected, when the table takes the focus: the
        panel follows the current row, so the highlight must be on it too.
        """
        current = self.currentIndex()
        selection = self.selectionModel()
        if current.isValid() and not selection.hasSelection():
            selection.select(
                current,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.select_current_row()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Delete):
            self.select_current_row()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_requested.emit()
        elif key == Qt.Key.Key_Delete:
            self.revoke_requested.emit()
        elif key == Qt.Key.Key_Escape:
            self.close_requested.emit()
        elif key == Qt.Key.Key_F10 and event.modifiers() == Qt.KeyboardModifier.ShiftModifier:
            self._menu_at_current_row()  # the other keyboard menu key (Qt sends no event)
        else:
            super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """A right click asks for the menu where it was (the viewport's coordinates, as the
        click arrives through it); the Menu key, on the current row."""
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            self._menu_at_current_row()
        else:
            self.customContextMenuRequested.emit(event.pos())

    def _menu_at_current_row(self) -> None:
        """The keyboard's context menu opens on the current row, and a multi-selection that
        holds it stays. Qt puts it at the current cell's rectangle in the table's own
        coordinates, a header lower than the viewport's: on the next row, which then took
        the selection's place alone (a keyboard user never reached "Change 3 keys…")."""
        current = self.currentIndex()
        if current.isValid():
            self.scrollTo(current)
            self.customContextMenuRequested.emit(self.visualRect(current).center())
