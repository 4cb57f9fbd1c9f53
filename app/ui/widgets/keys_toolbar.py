"""Search, status filter, the number of matching keys, Refresh and "Create API Key".

Typing is debounced: a pause of ``SEARCH_DEBOUNCE_MS`` makes one search, not one per
keystroke. The field's text belongs to the user: nothing here ever rewrites it, and a
search the rules refuse (too long, control characters) is explained next to it instead.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from app.domain.errors import ValidationError
from app.domain.status import KeyStatus
from app.domain.validation import clean_search
from app.ui.labels import status_label
from app.ui.models.formatting import count_text
from app.ui.resources import icon
from app.ui.text import arg
from app.ui.widgets.error_text import mark_error

#: Typing pauses shorter than this are one search, not one per keystroke.
SEARCH_DEBOUNCE_MS = 200


class KeysToolbar(QWidget):
    #: The (trimmed) search text to apply, after a typing pause or Enter.
    search_changed = Signal(str)
    #: The status to show (a KeyStatus), or None for all.
    status_changed = Signal(object)

    def __init__(
        self, refresh_action: QAction, create_action: QAction, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("keysToolbar")
        self.search_field = self._build_search()
        self.status_filter = self._build_filter()
        self.count_label = QLabel(self.tr("Counting…"), self)
        self.count_label.setObjectName("matchCount")
        self.count_label.setAccessibleName(self.tr("Matching keys"))
        self.count_label.setMinimumWidth(120)
        refresh = QToolButton(self)
        refresh.setObjectName("refreshButton")
        refresh.setDefaultAction(refresh_action)
        refresh.setAutoRaise(True)
        refresh.setToolTip(self.tr("Reload the list (F5)"))
        refresh.setAccessibleName(self.tr("Refresh"))
        self.create_button = QPushButton(icon("add"), self.tr("Create API Key"), self)
        self.create_button.setObjectName("createKeyButton")
        self.create_button.setAccessibleName(self.tr("Create API Key"))
        self.create_button.setAutoDefault(False)
        self.create_button.setMinimumHeight(self.search_field.sizeHint().height())
        self.create_button.clicked.connect(create_action.trigger)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.search_field, 1)
        layout.addWidget(self.status_filter)
        layout.addSpacing(6)
        layout.addWidget(self.count_label)
        layout.addStretch(1)
        layout.addWidget(refresh)
        layout.addWidget(self.create_button)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_search)
        self.search_field.textChanged.connect(self._debounce.start)
        self.search_field.returnPressed.connect(self.apply_search)
        self.status_filter.currentIndexChanged.connect(self._on_status_chosen)

    def _build_search(self) -> QLineEdit:
        field = QLineEdit(self)
        field.setObjectName("searchField")
        field.setAccessibleName(self.tr("Search keys"))
        field.setPlaceholderText(self.tr("Search name, description, owner or key id"))
        field.setClearButtonEnabled(True)
        field.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        field.setToolTip(self.tr("Search as you type (Ctrl+F)"))
        field.setMinimumWidth(260)
        field.setMaximumWidth(460)
        field.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return field

    def _build_filter(self) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName("statusFilter")
        combo.setAccessibleName(self.tr("Status filter"))
        combo.setToolTip(self.tr("Show keys with this status only"))
        combo.addItem(self.tr("All statuses"), None)
        for status in KeyStatus:
            combo.addItem(status_label(status), status.value)
        return combo

    # ------------------------------------------------------------------ search and filter

    @Slot()
    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    @Slot()
    def apply_search(self) -> None:
        self._debounce.stop()
        text = self.search_field.text()
        try:
            clean_search(text)
        except ValidationError as error:
            self.count_label.setText(error.message)
            mark_error(self.count_label, True)
            return
        mark_error(self.count_label, False)
        self.search_changed.emit(text.strip())

    @Slot()
    def clear(self) -> None:
        """ "Clear search and filter" (the no-matches page offers it)."""
        self.search_field.clear()
        self.status_filter.setCurrentIndex(0)
        self.apply_search()

    @Slot(int)
    def _on_status_chosen(self, _index: int) -> None:
        value = self.status_filter.currentData()
        self.status_changed.emit(KeyStatus(value) if value else None)

    # ------------------------------------------------------------------ count

    def show_loading(self, searching: bool) -> None:
        self.count_label.setText(self.tr("Searching…") if searching else self.tr("Loading…"))

    def show_count(self, count: int | None, *, filtered: bool) -> None:
        if count is None:
            self.count_label.setText(self.tr("Counting…"))
            return
        if filtered:
            text = self.tr("%1 matching keys") if count != 1 else self.tr("%1 matching key")
        else:
            text = self.tr("%1 keys") if count != 1 else self.tr("%1 key")
        self.count_label.setText(arg(text, count_text(count)))
        mark_error(self.count_label, False)
