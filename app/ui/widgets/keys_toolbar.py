"""Search, status filter, the number of matching keys, Refresh and "Create API Key".

Typing is debounced: a pause of ``SEARCH_DEBOUNCE_MS`` makes one search, not one per
keystroke. The field's text belongs to the user: nothing here ever rewrites it, and a
search the rules refuse (too long, control characters) is explained next to it instead —
except Escape, the user's own way of saying "clear it". Down in the field asks for the
results (``results_requested``): the screen moves into the list.

Tab goes search, the three filters, "As of", Refresh, Export, Create, whichever row the
filters are laid out on: what a keyboard user narrows the list with first.
"""

from __future__ import annotations

import itertools
from collections import Counter

from PySide6.QtCore import QDir, QStandardPaths, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import ValidationError
from app.domain.status import KeyStatus
from app.domain.validation import clean_search
from app.ui.labels import status_label
from app.ui.models.formatting import count_text
from app.ui.resources import icon
from app.ui.text import arg
from app.ui.widgets.as_of import AsOfField
from app.ui.widgets.error_text import mark_error
from app.ui.widgets.search_keys import SearchFieldKeys

#: Typing pauses shorter than this are one search, not one per keystroke.
SEARCH_DEBOUNCE_MS = 200
#: The platform's own file dialog where there is one; tests drive Qt's (set it False).
NATIVE_FILE_DIALOG = True
#: The count's least width (a longer count widens it: it is never cut short).
COUNT_MIN_WIDTH = 120


class KeysToolbar(QWidget):
    #: The (trimmed) search text to apply, after a typing pause or Enter.
    search_changed = Signal(str)
    #: The status to show (a KeyStatus), or None for all.
    status_changed = Signal(object)
    #: The owner (a login) whose keys to show, or None for everyone's.
    owner_changed = Signal(object)
    #: The environment label to show, or None for all.
    environment_changed = Signal(object)
    #: The user chose where to export the current view: (path, "csv" or "json").
    export_requested = Signal(str, str)
    #: Down in the search field: move into the results (the search is applied first).
    results_requested = Signal()

    def __init__(
        self, refresh_action: QAction, create_action: QAction, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("keysToolbar")
        self.search_field = self._build_search()
        self.status_filter = self._build_filter()
        self.owner_filter = self._build_choice(
            "ownerFilter",
            self.tr("Owner filter"),
            self.tr("Any owner"),
            self.tr("Show the keys of this person only"),
        )
        self.environment_filter = self._build_choice(
            "environmentFilter",
            self.tr("Environment filter"),
            self.tr("Any environment"),
            self.tr("Show keys of this environment only"),
        )
        self.count_label = QLabel(self.tr("Counting…"), self)
        self.count_label.setObjectName("matchCount")
        self.count_label.setAccessibleName(self.tr("Matching keys"))
        self.count_label.setMinimumWidth(COUNT_MIN_WIDTH)
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
        self.export_button = QToolButton(self)
        self.export_button.setObjectName("exportKeysButton")
        self.export_button.setIcon(icon("download"))
        self.export_button.setText(self.tr("Export…"))
        self.export_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.export_button.setAutoRaise(True)
        self.export_button.setToolTip(
            self.tr("Export the keys shown (filters, search and sort) as CSV or JSON")
        )
        self.export_button.setAccessibleName(self.tr("Export keys"))
        self.export_button.clicked.connect(self.choose_export_file)
        #: "As of" a past date: the keys screen shows them read-only (issue 8).
        self.as_of_field = AsOfField(self)

        # One row when the window is wide; on a narrow one the filters move to a second row
        # (see _arrange) rather than squeezing the search field and clipping the buttons.
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(8)
        layout = self._first_row = QHBoxLayout()
        layout.setSpacing(8)
        layout.addWidget(self.search_field, 1)
        layout.addSpacing(6)
        layout.addWidget(self.count_label)
        layout.addStretch(1)
        layout.addWidget(self.as_of_field)
        layout.addWidget(refresh)
        layout.addWidget(self.export_button)
        layout.addWidget(self.create_button)
        self._second_row = QHBoxLayout()
        self._second_row.setSpacing(8)
        outer.addLayout(layout)
        outer.addLayout(self._second_row)
        self._filters = (self.status_filter, self.owner_filter, self.environment_filter)
        self._one_row: bool | None = None
        self._arrange(one_row=True)
        # Creation order would put the buttons before the filters and "As of" last.
        chain = [
            self.search_field,
            *self._filters,
            self.as_of_field.toggle,
            self.as_of_field.date_edit,
            refresh,
            self.export_button,
            self.create_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        SearchFieldKeys(self.search_field, clear=self._clear_search, down=self._ask_for_results)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_search)
        self.search_field.textChanged.connect(self._debounce.start)
        self.search_field.returnPressed.connect(self.apply_search)
        self.status_filter.currentIndexChanged.connect(self._on_status_chosen)
        self.owner_filter.currentIndexChanged.connect(
            lambda _index: self.owner_changed.emit(self.owner_filter.currentData())
        )
        self.environment_filter.currentIndexChanged.connect(
            lambda _index: self.environment_changed.emit(self.environment_filter.currentData())
        )

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

    def _ask_for_results(self) -> None:
        if self._debounce.isActive():
            self.apply_search()  # the results of what was typed, not the last pause
        self.results_requested.emit()

    def _clear_search(self) -> None:
        self.search_field.clear()
        self.apply_search()

    # ------------------------------------------------------------------ layout

    def _arrange(self, *, one_row: bool) -> None:
        """The filters beside the search field (one row) or on a row of their own."""
        if one_row == self._one_row:
            return
        self._one_row = one_row
        moving = (*self._filters, self.count_label)
        for widget in (*moving, self.as_of_field):
            self._first_row.removeWidget(widget)
            self._second_row.removeWidget(widget)
        if one_row:
            # Search, the filters, a gap, the count (the gap is the layout's item 1).
            for offset, combo in enumerate(self._filters, start=1):
                self._first_row.insertWidget(offset, combo)
            self._first_row.insertWidget(len(self._filters) + 2, self.count_label)
            # "As of" sits after the stretch, before Refresh.
            self._first_row.insertWidget(len(self._filters) + 4, self.as_of_field)
        else:
            for widget in moving:
                self._second_row.addWidget(widget)
            self._second_row.addStretch(1)
            self._second_row.addWidget(self.as_of_field)  # with the filters: what to show
        if one_row:
            # Drop the second row's stretch: an empty row takes no height.
            while self._second_row.count():
                self._second_row.takeAt(0)

    def _one_row_width(self) -> int:
        widgets = [
            self.search_field,
            *self._filters,
            self.count_label,
            self.as_of_field,
            self.export_button,
            self.create_button,
        ]
        refresh = self.findChild(QToolButton, "refreshButton")
        if refresh is not None:
            widgets.append(refresh)
        shown = [widget for widget in widgets if not widget.isHidden()]
        # The search field at its minimum width; the others at their natural width.
        search = self.search_field.minimumWidth()
        others = sum(widget.sizeHint().width() for widget in shown[1:])
        return search + others + self._first_row.spacing() * len(shown) + 6

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(one_row=self.width() >= self._one_row_width())
        super().resizeEvent(event)

    def _build_choice(self, name: str, accessible: str, any_text: str, tip: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setToolTip(tip)
        combo.addItem(any_text, None)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        return combo

    def set_owners(self, owners: list[tuple[str, str]]) -> None:
        """The owner filter's choices: (login, display name), in order; the choice stays.

        Names are short enough for a toolbar; two people of one name show their logins.
        """
        names = Counter(name for _login, name in owners)
        changed = _fill(
            self.owner_filter,
            [(login, name if names[name] == 1 else f"{name} ({login})") for login, name in owners],
        )
        if not changed:
            return
        for index in range(1, self.owner_filter.count()):
            login = self.owner_filter.itemData(index)
            self.owner_filter.setItemData(index, login, Qt.ItemDataRole.ToolTipRole)

    def set_environments(self, environments: list[str]) -> None:
        """The environment filter's choices (the policy's labels); the choice stays."""
        _fill(self.environment_filter, [(label, label) for label in environments])

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
        self.owner_filter.setCurrentIndex(0)
        self.environment_filter.setCurrentIndex(0)
        self.apply_search()

    @Slot(int)
    def _on_status_chosen(self, _index: int) -> None:
        value = self.status_filter.currentData()
        self.status_changed.emit(KeyStatus(value) if value else None)

    # ------------------------------------------------------------------ export

    @Slot()
    def choose_export_file(self) -> None:
        """Ask for a CSV or JSON file (the chosen filter decides), then ``export_requested``."""
        csv_filter = self.tr("CSV spreadsheet (*.csv)")
        json_filter = self.tr("JSON (*.json)")
        dialog = QFileDialog(self.window(), self.tr("Export keys"))
        dialog.setObjectName("exportKeysFileDialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, not NATIVE_FILE_DIALOG)
        dialog.setNameFilters([csv_filter, json_filter])
        dialog.setDefaultSuffix("csv")
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        dialog.setDirectory(documents if QDir(documents).exists() else QDir.homePath())
        dialog.selectFile("keys.csv")

        def filter_chosen(chosen: str) -> None:
            dialog.setDefaultSuffix("json" if chosen == json_filter else "csv")

        def file_chosen(path: str) -> None:
            suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
            if suffix not in ("csv", "json"):
                suffix = "json" if dialog.selectedNameFilter() == json_filter else "csv"
            self.export_requested.emit(path, suffix)

        dialog.filterSelected.connect(filter_chosen)
        dialog.fileSelected.connect(file_chosen)
        dialog.open()

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
        self.show_count_text(arg(text, count_text(count)))

    def show_not_loaded(self) -> None:
        """The keys asked for could not be read (the banner says why): no count to show, and
        "Counting…" or "Searching…" would wait for ever."""
        self.show_count_text(self.tr("Not loaded"))

    def show_count_text(self, text: str) -> None:
        """A count in words (the keys', or the past view's), never cut short: "2,000
        matching key" would say something else."""
        self.count_label.setText(text)
        needed = self.count_label.fontMetrics().horizontalAdvance(text)
        self.count_label.setMinimumWidth(max(COUNT_MIN_WIDTH, needed + 2))
        mark_error(self.count_label, False)


def _fill(combo: QComboBox, choices: list[tuple[str, str]]) -> bool:
    """Replace a filter's choices after its first ("Any …") and keep what was chosen; False
    when they were already these (a reload after every bulk change refilled 500 owners).

    A chosen value no longer offered (a user removed meanwhile) stays as a choice, so the
    filter never changes under the user without a signal.
    """
    chosen = combo.currentData()
    values = {value for value, _text in choices}
    if chosen is not None and chosen not in values:
        choices = [*choices, (chosen, combo.currentText())]
    if [(combo.itemData(i), combo.itemText(i)) for i in range(1, combo.count())] == choices:
        return False
    combo.blockSignals(True)
    try:
        while combo.count() > 1:
            combo.removeItem(1)
        for value, text in choices:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen is not None else 0)
    finally:
        combo.blockSignals(False)
    return True
