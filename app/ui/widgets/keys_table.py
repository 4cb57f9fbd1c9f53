"""The keys table view: server-side sort from the header, keyboard actions, sane widths."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFontDatabase, QFontMetrics, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.domain.status import KeyStatus
from app.ui.models.keys_model import Column, KeysModel, StatusRole, column_for
from app.ui.widgets.status_badge import StatusBadgeDelegate, badge_size

#: The widest text each column usually holds: default widths follow the font, not pixels.
_COLUMN_SAMPLES: dict[Column, str] = {
    Column.NAME: "Looker Reporting Integration",
    Column.OWNER: "Alice Nguyen (deactivated)",
    Column.LAST_USED: "55 minutes ago",
    Column.EXPIRES: "28 Sep 2026",
    Column.CREATED: "28 Sep 2026",
    Column.UPDATED: "Last Updated On",
}
#: A masked key as wide as they come (prefix and environment labels vary).
_MASK_SAMPLE = "kw_live_XXXXXXXXXXXX_…XXXX"
CELL_PADDING = 22


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
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setMinimumSectionSize(60)
        self._set_default_widths()
        self.show_sort_of_model()
        # Sorting is the server's job: the view's own sorting stays off.
        header.sortIndicatorChanged.connect(self._on_sort_indicator_changed)

    def _set_default_widths(self) -> None:
        header = self.horizontalHeader()
        metrics = self.fontMetrics()
        for column, sample in _COLUMN_SAMPLES.items():
            header.resizeSection(column, metrics.horizontalAdvance(sample) + CELL_PADDING)
        fixed = QFontMetrics(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        header.resizeSection(Column.KEY, fixed.horizontalAdvance(_MASK_SAMPLE) + CELL_PADDING)
        widest = max(badge_size(status, self.font()).width() for status in KeyStatus)
        header.resizeSection(Column.STATUS, widest + CELL_PADDING)

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
