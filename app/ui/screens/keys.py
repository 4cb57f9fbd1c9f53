"""The keys screen: header and summary, toolbar, keys table or empty state, detail panel.

Every change to a key goes through :class:`~app.ui.operations.KeyOperations`; this screen
asks for them (from the table, its context menu and the panel) and follows their signals,
so the table, the panel and the summary show the same key whichever place changed it.
What the user typed — search text, an edit in the detail panel — is never touched by an
error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QMenu, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from app.domain.errors import Cancelled, PermissionDenied
from app.domain.roles import Action, can, can_manage_key
from app.domain.status import KeyState, KeyStatus
from app.services import Services
from app.services.dto import CreatedKey, KeyDTO, Operator, UsageSummary
from app.ui.models.keys_model import Column, KeysModel
from app.ui.operations import KeyOperations
from app.ui.panels.key_detail import KeyDetailPanel, read_only_reason
from app.ui.settings import WindowSettings
from app.ui.tasks import RefreshTask, TaskRunner
from app.ui.text import arg
from app.ui.widgets import confirm
from app.ui.widgets.as_of import PastKeysView
from app.ui.widgets.empty_state import EmptyState
from app.ui.widgets.key_menu import (
    KeyMenuActions,
    columns_menu,
    key_menu,
)
from app.ui.widgets.keys_table import KeysTable
from app.ui.widgets.keys_toolbar import KeysToolbar
from app.ui.widgets.page_header import PageHeader

DEFAULT_PANEL_WIDTH = 380
MIN_TABLE_WIDTH = 320
#: While keys keep changing, the summary (a count over every key) is asked for again at
#: most this long after the last answer.
SUMMARY_SPACING_MS = 3_000
#: The jobs the first page does not need (the filters' choices; the window's reminders)
#: start this long after it arrived. Started beside it, they took the GIL from the GUI
#: thread while it built and showed the console: stalls of 50-80 ms at 1,000,000 keys.
EXTRAS_AFTER_FIRST_PAGE_MS = 250


class KeysScreen(QWidget):
    """``KeysScreen(services, tasks, operations, refresh_action, create_action)``."""

    #: A short confirmation for the status bar ("Deleted “Billing”").
    status_message = Signal(str)
    #: A failure for the window's error handling (banner, Retry, bug report).
    error_occurred = Signal(object)
    #: A query's first page arrived (the database answers again).
    loaded = Signal()
    #: "Show in audit log" from a key's history in the detail panel: the key's id.
    show_in_audit_log = Signal(str)

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        operations: KeyOperations,
        refresh_action: QAction,
        create_action: QAction,
        settings: WindowSettings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("keysScreen")
        self._services = services
        self._tasks = tasks
        self._operations = operations
        self._create_action = create_action
        self._operator: Operator | None = None
        self._clipboard: Any = None  # the SecretClipboard, made on the first reveal
        self._following_selection = True
        #: Down from the search field arrived before its results: select their first row.
        self._first_row_wanted = False
        # The summary (a count over every key) waits for the first page: rows come first.
        self._summary_requested = False
        self._summary_shown = False
        self._summary_task = RefreshTask(tasks, spacing_ms=SUMMARY_SPACING_MS)
        # A burst of changes (a bulk change, live updates) asks for one summary, not one each.
        self._summary_soon = QTimer(self)
        self._summary_soon.setSingleShot(True)
        self._summary_soon.setInterval(200)
        self._summary_soon.timeout.connect(self.load_summary)
        self._panel_width = settings.panel_width(DEFAULT_PANEL_WIDTH)
        #: The detail panel, built the first time a key is shown in it (``panel``).
        self._panel: KeyDetailPanel | None = None
        #: What waits for the first page (``after_first_page``); None once it is shown.
        self._waiting_for_first_page: list[Callable[[], None]] | None = []

        self.model = KeysModel(services, tasks, parent=self)
        self.header = PageHeader(self)
        self.toolbar = KeysToolbar(refresh_action, create_action, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.header)
        layout.addWidget(self.toolbar)
        self._banner_slot = layout.count()
        layout.addWidget(self._build_splitter(), 1)
        self._connect()

    def add_banner(self, banner: QWidget) -> None:
        """Place the window's message strip between the toolbar and the table."""
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(self._banner_slot, banner)

    def _build_splitter(self) -> QSplitter:
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(8)
        self.stack = QStackedWidget(self.splitter)
        self.stack.setObjectName("keysArea")
        self.stack.setMinimumWidth(MIN_TABLE_WIDTH)
        self.table = KeysTable(self.model, self.stack)
        # Scrolling reads the next page ahead: it shows at once when the bottom is reached.
        self.table.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.empty_state = EmptyState(self.stack)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_state)
        # The keys as of a past date, read-only (the toolbar's "As of" field).
        self.past_view = PastKeysView(self._services, self._tasks, self.stack)
        self.stack.addWidget(self.past_view)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(0, 1)
        return self.splitter

    @property
    def panel(self) -> KeyDetailPanel:
        """The detail panel (hidden until a key is shown), built the first time it is needed:
        the window's first page does not wait for a panel nobody has opened yet."""
        if self._panel is None:
            panel = KeyDetailPanel(self._services, self._tasks, self._operations, self.splitter)
            panel.hide()
            self.splitter.addWidget(panel)
            self.splitter.setStretchFactor(1, 0)
            panel.set_operator(self._operator)
            panel.revoke_requested.connect(lambda dto: self.revoke_keys([dto]))
            panel.delete_requested.connect(self.delete_key)
            panel.rotate_requested.connect(self.rotate_key)
            panel.key_link_activated.connect(self.show_key_by_id)
            panel.close_requested.connect(self.close_details)
            panel.status_message.connect(self.status_message)
            panel.error_occurred.connect(self.error_occurred)
            panel.activity.show_in_audit_log.connect(self.show_in_audit_log)
            self._panel = panel
        return self._panel

    @property
    def panel_built(self) -> bool:
        return self._panel is not None

    @property
    def shown_key(self) -> KeyDTO | None:
        """The key the detail panel shows (open or not), if any."""
        return self._panel.key if self._panel is not None else None

    def _panel_closed(self) -> bool:
        return self._panel is None or self._panel.isHidden()

    def _connect(self) -> None:
        self.toolbar.search_changed.connect(self.model.set_search)
        self.toolbar.status_changed.connect(self.model.set_status)
        self.toolbar.owner_changed.connect(self.model.set_owner)
        self.toolbar.environment_changed.connect(self.model.set_environment)
        self.toolbar.export_requested.connect(self.export_keys)
        self.model.query_loaded.connect(self._on_query_loaded)
        self.model.count_changed.connect(self._on_count_changed)
        self.model.loading_changed.connect(self._on_loading_changed)
        self.model.load_failed.connect(self.error_occurred)
        self.model.load_failed.connect(self._on_load_failed)
        self.model.load_failed.connect(self._first_page_over_soon)
        self.model.rowsInserted.connect(self._update_empty_state)
        self.model.rowsRemoved.connect(self._update_empty_state)
        table = self.table
        table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        table.clicked.connect(self._on_row_clicked)
        # Opening the details never moves focus into a text field: the next key pressed
        # still means "this row" (Delete revokes it, letters find a row), never "edit".
        table.doubleClicked.connect(lambda _index: self.open_details())
        table.open_requested.connect(self.open_details)
        table.revoke_requested.connect(lambda: self.revoke_keys(self.selected_keys()))
        table.close_requested.connect(self.close_details)
        table.customContextMenuRequested.connect(self._show_context_menu)
        header = table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(
            lambda pos: columns_menu(self, header).popup(header.mapToGlobal(pos))
        )
        # The Actions column's controls run the context menu's handlers.
        row_actions = table.actions_delegate
        row_actions.set_busy_test(lambda dto: self._operations.is_busy(dto.key_id))
        # A row's control acts on that row: it becomes the selected row first, so the
        # highlight and the panel show the key being changed (see _on_row_control).
        row_actions.toggle_clicked.connect(
            lambda dto: self._on_row_control(
                dto, lambda: self.set_key_enabled(dto, dto.state is not KeyState.ACTIVE)
            )
        )
        row_actions.revoke_clicked.connect(
            lambda dto: self._on_row_control(dto, lambda: self.revoke_keys([dto]))
        )
        row_actions.delete_clicked.connect(
            lambda dto: self._on_row_control(dto, lambda: self.delete_key(dto))
        )
        self.toolbar.results_requested.connect(self._go_to_results)
        self.empty_state.create_requested.connect(self._create_action.trigger)
        self.empty_state.clear_search_requested.connect(self.toolbar.clear)
        self.splitter.splitterMoved.connect(self._remember_panel_width)
        ops = self._operations
        ops.key_changed.connect(self._on_key_changed)
        ops.key_removed.connect(self._on_key_removed)
        ops.key_created.connect(self._on_key_created)
        ops.busy_changed.connect(self._repaint_key)
        as_of = self.toolbar.as_of_field
        as_of.as_of_changed.connect(self._on_as_of_changed)
        self.past_view.loaded.connect(self._enter_past_view)
        self.past_view.failed.connect(self._on_past_view_failed)
        self.past_view.back_requested.connect(as_of.set_today)
        self.toolbar.search_changed.connect(lambda _text: self._filter_past_view())
        self.toolbar.status_changed.connect(lambda _status: self._filter_past_view())
        self.toolbar.owner_changed.connect(lambda _owner: self._filter_past_view())
        self.toolbar.environment_changed.connect(lambda _label: self._filter_past_view())

    # ================================================================== layout

    def restore_layout(self, settings: WindowSettings) -> None:
        self.table.restore_columns(settings)
        state = settings.splitter_state()
        if state is not None:
            self.splitter.restoreState(state)
        if self._panel is not None:
            self._panel.hide()  # it opens on selection, whatever the splitter remembered

    def save_layout(self, settings: WindowSettings) -> None:
        self._remember_panel_width()
        self.table.drop_fill()  # save the widths the user chose, not the window's slack
        settings.save_header(self.table.horizontalHeader())
        self.table.fit_columns()
        settings.save_splitter_state(self.splitter.saveState())
        settings.save_panel_width(self._panel_width)

    def close_secrets(self) -> None:
        if self._clipboard is not None:
            self._clipboard.clear_now()  # never leave a secret behind on the clipboard

    def unsaved_key(self) -> KeyDTO | None:
        """The key whose edit in the panel is not saved, if any."""
        shown = self.shown_key
        return shown if shown is not None and self.panel.is_dirty() else None

    # ================================================================== loading

    def refresh(self) -> None:
        """Reload the list, the summary and the open key's history."""
        self.model.refresh()
        self.load_summary()
        self._load_filter_choices()  # people added or policy changed meanwhile
        if (
            self._panel is not None
            and self.panel.isVisible()
            and self.panel.key is not None
            and (not self.panel.is_dirty() or self.panel.changed_elsewhere)
        ):
            self.panel.reload()

    def load_summary(self) -> None:
        self._summary_requested = True
        self._summary_task.submit(
            self._services.keys.usage_summary,
            self._on_summary,
            self._on_summary_failed,
            owner=self,
        )

    def _on_summary(self, summary: UsageSummary) -> None:
        self._summary_shown = True
        self.header.set_summary(summary)

    def _on_summary_failed(self, error: BaseException) -> None:
        if not self._summary_shown:
            self.header.show_not_loaded()  # else the last figures stay, as the rows do
        self.error_occurred.emit(error)

    @Slot(object)
    def _on_load_failed(self, _error: BaseException) -> None:
        """The rows on screen stay as they were; the count and a summary never read say
        they are not loaded (the banner says why) rather than wait for ever."""
        if not self.past_view.active:
            self.toolbar.show_not_loaded()
        if not self._summary_requested:
            self.header.show_not_loaded()

    def after_first_page(self, start: Callable[[], None]) -> None:
        """Call ``start`` once the first page is on screen (a moment after it arrived, or
        failed to), or now if it is: for jobs the first page does not need."""
        if self._waiting_for_first_page is None:
            start()
        else:
            self._waiting_for_first_page.append(start)

    @Slot()
    def _first_page_over_soon(self) -> None:
        if self._waiting_for_first_page is not None:
            QTimer.singleShot(EXTRAS_AFTER_FIRST_PAGE_MS, self, self._first_page_over)

    @Slot()
    def _first_page_over(self) -> None:
        waiting, self._waiting_for_first_page = self._waiting_for_first_page, None
        for start in waiting or ():
            start()

    @Slot()
    def _on_query_loaded(self) -> None:
        if not self._summary_requested:
            self.load_summary()
        self._first_page_over_soon()
        self.loaded.emit()
        self._update_empty_state()
        if self._first_row_wanted:
            self._select_first_row()
        else:
            self._reselect_panel_key()

    @Slot(bool)
    def _on_loading_changed(self, loading: bool) -> None:
        if loading and self.model.has_loaded and not self.past_view.active:
            self.toolbar.show_loading(searching=bool(self.model.query.search))

    @Slot(object)
    def _on_count_changed(self, count: int | None) -> None:
        if self.past_view.active:
            return
        self.toolbar.show_count(count, filtered=self.model.is_filtered)

    @Slot(int)
    def _on_scrolled(self, _value: int) -> None:
        self.model.read_ahead()

    @Slot()
    def _update_empty_state(self) -> None:
        if self.past_view.active:
            return
        if not self.model.has_loaded or self.model.rowCount() > 0:
            self.stack.setCurrentWidget(self.table)
            return
        query = self.model.query
        if self.model.is_filtered:
            self.empty_state.show_no_matches(query.search)
        else:
            operator = self._operator
            allowed = operator is not None and can(operator.role, Action.CREATE_OWN_KEY)
            reason = read_only_reason(operator.role) if operator else ""
            self.empty_state.show_no_keys(can_create=allowed, reason=reason)
        self.stack.setCurrentWidget(self.empty_state)

    # ================================================================== selection and details

    def current_key(self) -> KeyDTO | None:
        index = self.table.currentIndex()
        return self.model.key_at(index.row()) if index.isValid() else None

    def selected_keys(self) -> list[KeyDTO]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.key_at(row) for row in rows]

    @Slot(QModelIndex, QModelIndex)
    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._following_selection and current.isValid():
            self._show_in_panel(self.model.key_at(current.row()))

    @Slot(QModelIndex)
    def _on_row_clicked(self, index: QModelIndex) -> None:
        # A click on the row already current reopens closed details.
        if index.isValid() and self._panel_closed():
            self._show_in_panel(self.model.key_at(index.row()))

    def open_details(self) -> None:
        """Show the current row's key in the panel; the focus stays where it is."""
        dto = self.current_key()
        if dto is not None:
            self._show_in_panel(dto)

    def _on_row_control(self, dto: KeyDTO, act: Callable[[], None]) -> None:
        """Run a row control's ``act`` once its row is the selected one, shown in the panel."""
        current = self.current_key()
        selected = [key.key_id for key in self.selected_keys()]
        if current is None or current.key_id != dto.key_id or selected != [dto.key_id]:
            self._select_row_of(dto.key_id)  # the panel follows the current row
        shown = self.unsaved_key()
        if shown is not None and shown.key_id != dto.key_id:
            return  # the "discard your changes?" question comes first; nothing is done
        shown = self.shown_key
        if self._panel_closed() or shown is None or shown.key_id != dto.key_id:
            self._show_in_panel(dto)
        act()

    def _select_row_of(self, key_id: str) -> None:
        """Make ``key_id``'s row the current and only selected one (the panel follows)."""
        index = self.model.index_of(key_id)
        if index.isValid():
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def focus_default(self) -> None:
        """Where the keyboard lands when the Keys view opens: the list (or what shows)."""
        shown = self.stack.currentWidget()
        (shown or self.table).setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def _go_to_results(self) -> None:
        """Down in the search field: into the list, on its first row (once it has rows)."""
        if self.past_view.active or self.stack.currentWidget() is not self.table:
            self.focus_default()  # the past view, or the empty page's buttons
            return
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.model.is_loading:
            self._first_row_wanted = True  # the search just applied: its first row
            return
        self._select_first_row()

    def _select_first_row(self) -> None:
        self._first_row_wanted = False
        if self.model.rowCount() > 0:
            self._select_row_of(self.model.key_at(0).key_id)
            self.table.scrollToTop()

    def _show_in_panel(self, dto: KeyDTO) -> None:
        shown = self.unsaved_key()
        if shown is not None and shown.key_id != dto.key_id:
            self._confirm_discard(shown, dto)
            return
        self.panel.show_key(dto)
        self._open_panel()

    def _confirm_discard(self, shown: KeyDTO, wanted: KeyDTO) -> None:
        """The user moved to another key with unsaved text: never drop it silently."""

        def discard() -> None:
            self.panel.cancel()
            self._select_key(wanted.key_id)
            self.panel.show_key(wanted)

        confirm.ask(
            self,
            self.tr("Unsaved changes"),
            arg(self.tr("Discard your changes to “%1”?"), shown.name),
            discard,
            yes_text=self.tr("Discard changes"),
            informative=self.tr("Keep editing to save them first."),
            on_no=lambda: self._select_key(shown.key_id),
        )

    def _select_key(self, key_id: str) -> None:
        """Make ``key_id`` the current row without reopening the panel for it."""
        index = self.model.index_of(key_id)
        self._following_selection = False
        try:
            if index.isValid():
                self.table.selectionModel().setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.table.scrollTo(index)
        finally:
            self._following_selection = True

    def _reselect_panel_key(self) -> None:
        """After a new query the open key keeps its selection if it is still listed.

        If the search or a filter hid it, the panel closes too (it would otherwise show a
        key the table no longer lists), unless it holds an unsaved edit: typed text is never
        thrown away. The focus stays where it is (typically the search field).
        """
        if self._panel is None or not self.panel.isVisible() or self.panel.key is None:
            return
        if self.model.index_of(self.panel.key.key_id).isValid():
            self._select_key(self.panel.key.key_id)
        elif not self.panel.is_dirty():
            self._remember_panel_width()
            self.panel.hide()
            self.panel.clear()

    def _open_panel(self) -> None:
        if not self.panel.isHidden():
            return
        self.panel.show()
        total = max(self.splitter.width(), MIN_TABLE_WIDTH + self._panel_width)
        width = min(self._panel_width, total - MIN_TABLE_WIDTH)
        self.splitter.setSizes([total - width, width])

    @Slot()
    def close_details(self) -> None:
        if self._panel_closed():
            return
        shown = self.unsaved_key()
        if shown is not None:
            confirm.ask(
                self,
                self.tr("Unsaved changes"),
                arg(self.tr("Discard your changes to “%1”?"), shown.name),
                self._hide_panel,
                yes_text=self.tr("Discard changes"),
            )
            return
        self._hide_panel()

    def _hide_panel(self) -> None:
        self.panel.cancel()
        self._remember_panel_width()
        self.panel.hide()
        self.panel.clear()
        self.table.setFocus()

    @Slot()
    def _remember_panel_width(self) -> None:
        if self._panel is not None and self.panel.isVisible() and self.panel.width() > 0:
            self._panel_width = self.panel.width()

    # ================================================================== following changes

    def _can_change(self, dto: KeyDTO) -> bool:
        operator = self._operator
        if operator is None:
            return False
        return can_manage_key(operator.role, owns_key=dto.owner_login == operator.login)

    @Slot(object)
    def _on_key_changed(self, dto: KeyDTO) -> None:
        row = self.model.row_of(dto.key_id)
        before = self.model.key_at(row) if row is not None else None
        self.model.update_key(dto)
        if before is None or before.status is not dto.status:
            self._summary_soon.start()

    @Slot(str)
    def _on_key_removed(self, key_id: str) -> None:
        shown = self.shown_key
        showing = shown is not None and shown.key_id == key_id
        # The selection moves to a neighbour when the row goes; after a delete the panel
        # closes instead of presenting another key to act on.
        self._following_selection = False
        try:
            self.model.remove_key(key_id)
        finally:
            self._following_selection = True
        if showing:
            self.table.selectionModel().clearSelection()
            self._hide_panel()
        self.load_summary()

    @Slot(object)
    def _on_key_created(self, created: CreatedKey) -> None:
        self.model.insert_key(created.key)
        if self.past_view.active:
            return
        self.stack.setCurrentWidget(self.table)
        self._select_key(created.key.key_id)
        self._show_in_panel(created.key)
        self.load_summary()
        self.status_message.emit(arg(self.tr("Created “%1”"), created.key.name))

    @Slot(str)
    def _repaint_key(self, key_id: str) -> None:
        index = self.model.index_of(key_id, Column.ACTIONS)
        if index.isValid():
            self.table.viewport().update(self.table.visualRect(index))

    # ================================================================== asking for changes

    @Slot()
    def create_key(self) -> None:
        if self._operator is None or not can(self._operator.role, Action.CREATE_OWN_KEY):
            return
        if self.past_view.active:
            return  # the past view is read-only
        from app.ui.dialogs.create_key import CreateKeyDialog

        dialog = CreateKeyDialog(self._services, self._tasks, self, operations=self._operations)
        dialog.key_created.connect(self._reveal)
        dialog.open()

    @Slot(object)
    def _reveal(self, created: CreatedKey) -> None:
        # KeyOperations.create has announced the key to every screen already.
        from app.ui.dialogs.reveal_secret import RevealSecretDialog

        RevealSecretDialog(created, self.secret_clipboard(), self._tasks, self).open()

    def secret_clipboard(self) -> Any:
        """The screen's one SecretClipboard (cleared when the window closes)."""
        if self._clipboard is None:
            from app.ui.secret_clipboard import SecretClipboard

            self._clipboard = SecretClipboard(self)
        return self._clipboard

    def revoke_keys(self, keys: Sequence[KeyDTO]) -> None:
        """Revoke ``keys`` (one or several) after the revoke dialog's confirmation."""
        candidates = [
            dto for dto in keys if dto.status is not KeyStatus.REVOKED and self._can_change(dto)
        ]
        if not candidates:
            if keys:
                self.status_message.emit(
                    self.tr(
                        "Nothing to revoke: the selected keys are already revoked or not "
                        "yours to change."
                    )
                )
            return
        from app.ui.dialogs.revoke_key import RevokeKeyDialog

        dialog = RevokeKeyDialog(candidates, self._services, self._tasks, self)
        dialog.keys_revoked.connect(self._on_keys_revoked)
        dialog.open()

    @Slot(list)
    def _on_keys_revoked(self, revoked: list[KeyDTO]) -> None:
        self._operations.announce_changed(revoked)
        if len(revoked) == 1:
            self.status_message.emit(arg(self.tr("Revoked “%1”"), revoked[0].name))
        elif revoked:
            self.status_message.emit(arg(self.tr("Revoked %1 keys"), len(revoked)))

    @Slot(object)
    def delete_key(self, dto: KeyDTO) -> None:
        """Delete ``dto`` after the delete dialog (the revoke dialog's impact text and reason)."""
        if not self._can_change(dto):
            return
        from app.ui.dialogs.revoke_key import DeleteKeyDialog

        dialog = DeleteKeyDialog(dto, self._services, self._tasks, self._operations, self)
        dialog.key_deleted.connect(
            lambda deleted: self.status_message.emit(
                arg(self.tr("Deleted “%1”; the audit trail keeps a record."), deleted.name)
            )
        )
        dialog.open()

    def set_key_enabled(self, dto: KeyDTO, enabled: bool) -> None:
        if self._can_change(dto):
            self._operations.set_enabled(dto, enabled, on_failure=self.error_occurred.emit)

    def copy_key_id(self, dto: KeyDTO) -> None:
        QGuiApplication.clipboard().setText(dto.key_id)
        self.status_message.emit(arg(self.tr("Copied the key id %1"), dto.key_id))

    # ================================================================== rotation, links, export

    @Slot(object)
    def rotate_key(self, dto: KeyDTO) -> None:
        """Ask for a grace period, rotate, then show the new secret once."""
        if not self._can_change(dto) or dto.status is KeyStatus.REVOKED:
            return
        from app.ui.dialogs.rotate_key import RotateKeyDialog

        dialog = RotateKeyDialog(
            dto, self._operations, self._tasks, self._services.clock, parent=self
        )
        dialog.key_rotated.connect(self._on_rotated)
        dialog.open()

    @Slot(object)
    def _on_rotated(self, created: CreatedKey) -> None:
        # KeyOperations.rotate announced both keys (the new one is selected by now).
        self.status_message.emit(
            arg(self.tr("Rotated “%1”: store the new secret now"), created.key.name)
        )
        self._reveal(created)

    @Slot(str)
    def show_key_by_id(self, key_id: str) -> None:
        """Select a key (a link in the details): from the list, or fetched if not listed."""
        row = self.model.row_of(key_id)
        if row is not None:
            dto = self.model.key_at(row)
            if self.unsaved_key() is None:
                self._select_key(key_id)
            self._show_in_panel(dto)
            return

        def fetched(dto: KeyDTO) -> None:
            self._show_in_panel(dto)
            self.status_message.emit(
                arg(self.tr("“%1” is not in the list as filtered; shown in the details"), dto.name)
            )

        self._tasks.submit(
            lambda: self._services.keys.get(key_id), fetched, self.error_occurred.emit, owner=self
        )

    @Slot(str, str)
    def export_keys(self, path: str, fmt: str) -> None:
        """Export exactly what the table shows: its filters, search and sort (every page)."""
        from app.ui.models.formatting import count_text
        from app.ui.progress import run_with_progress

        query, export, target = self.model.query, self._services.key_export.export, Path(path)

        def done(count: int) -> None:
            text = (
                self.tr("Exported %1 keys to %2")
                if count != 1
                else self.tr("Exported %1 key to %2")
            )
            self.status_message.emit(arg(text, count_text(count), path))

        def failed(error: BaseException) -> None:
            if isinstance(error, Cancelled):
                self.status_message.emit(
                    arg(
                        self.tr("Export cancelled after %1 of %2 keys; no file was written."),
                        count_text(error.done or 0),
                        count_text(error.total or 0),
                    )
                )
            else:
                self.error_occurred.emit(error)

        run_with_progress(
            self._tasks,
            self,
            self.tr("Exporting keys"),
            lambda report: export(query, fmt, target, progress=report),
            done,
            failed,
            label=arg(self.tr("Writing %1…"), target.name),
            object_name="exportProgressDialog",
        )

    def _load_filter_choices(self) -> None:
        """The owner and environment filters' choices (everyone's logins; the policy's labels)."""
        operator, services = self._operator, self._services
        if operator is None:
            return

        def job() -> tuple[list[tuple[str, str]], list[str]]:
            try:
                owners = [(user.login, user.display_name) for user in services.users.all()]
            except PermissionDenied:
                owners = [(operator.login, operator.display_name)]
            return owners, list(services.policy.get().environments)

        def arrived(choices: tuple[list[tuple[str, str]], list[str]]) -> None:
            self.toolbar.set_owners(choices[0])
            self.toolbar.set_environments(choices[1])

        self._tasks.submit(job, arrived, self._tasks.report_if_bug, owner=self)

    # ================================================================== context menu

    @Slot(QPoint)
    def _show_context_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        if not index.isValid():
            return
        if not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            self.table.selectRow(index.row())
        menu = self.context_menu(self.model.key_at(index.row()), self.selected_keys())
        menu.popup(self.table.viewport().mapToGlobal(position))

    def announce_many_changed(self, dtos: Sequence[KeyDTO]) -> None:
        """Keys changed by one bulk change: only the listed ones (and the key open in the
        panel) are repainted, then the summary is read once — not 10,000 signals and
        summaries for rows that are not even fetched."""
        shown = self.shown_key
        self._operations.announce_changed(
            dto
            for dto in dtos
            if self.model.row_of(dto.key_id) is not None
            or (shown is not None and dto.key_id == shown.key_id)
        )
        self.load_summary()

    def change_keys(self, keys: Sequence[KeyDTO]) -> None:
        """One change to several keys (disable, enable, revoke, expiry, a note), dry run first."""
        from app.services.bulk import BulkResult
        from app.ui.dialogs.bulk_action import BulkActionDialog

        def applied(result: BulkResult) -> None:
            self.announce_many_changed(result.done)
            self.status_message.emit(result.summary())

        dialog = BulkActionDialog(
            self._services, self._tasks, [key.key_id for key in keys], parent=self
        )
        dialog.applied.connect(applied)
        dialog.open()

    def context_menu(self, dto: KeyDTO, selected: list[KeyDTO]) -> QMenu:
        actions = KeyMenuActions(
            open_details=self.open_details,
            copy_key_id=self.copy_key_id,
            set_enabled=self.set_key_enabled,
            revoke=self.revoke_keys,
            delete=self.delete_key,
            rotate=self.rotate_key,
            bulk=self.change_keys,
        )
        reason = read_only_reason(self._operator.role) if self._operator else ""
        return key_menu(
            self, dto, selected, actions, can_change=self._can_change(dto), read_only_reason=reason
        )

    # ================================================================== roles

    def set_operator(self, operator: Operator | None) -> None:
        """Show what the operator's role allows; the services enforce it regardless."""
        if operator is not None and operator != self._operator:
            self._operator = operator
            self.after_first_page(self._load_filter_choices)
        self._operator = operator
        if self._panel is not None:
            self._panel.set_operator(operator)
        self.table.actions_delegate.set_permission(
            self._can_change,
            read_only_reason(operator.role) if operator else self.tr("Checking your role…"),
        )
        self.table.viewport().update()
        creator = operator is not None and can(operator.role, Action.CREATE_OWN_KEY)
        button = self.toolbar.create_button
        button.setEnabled(creator and not self.past_view.active)
        if self.past_view.active:
            button.setToolTip(self.tr("The past view is read-only: back to today to create keys"))
            return
        if operator is None:
            button.setToolTip(self.tr("Checking your role…"))
            return
        button.setToolTip(
            self.tr("Create a key and see its secret once (Ctrl+N)")
            if creator
            else read_only_reason(operator.role)
        )
        self._update_empty_state()

    # ================================================================== past view

    @Slot(object)
    def _on_as_of_changed(self, day: date | None) -> None:
        """The toolbar's "As of": a past date rebuilds its keys; None is today's live table."""
        if day is None:
            self._leave_past_view()
            return
        shown = self.unsaved_key()
        if shown is not None and not self.past_view.active:
            confirm.ask(
                self,
                self.tr("Unsaved changes"),
                arg(self.tr("Discard your changes to “%1”?"), shown.name),
                lambda: self.past_view.load(day),
                yes_text=self.tr("Discard changes"),
                on_no=lambda: self.toolbar.as_of_field.revert(None),
            )
            return
        self.past_view.load(day)

    @Slot(object)
    def _enter_past_view(self, day: date) -> None:
        if not self._panel_closed():
            self._hide_panel()
        self.past_view.active = True
        self._filter_past_view()
        self.stack.setCurrentWidget(self.past_view)
        self.set_operator(self._operator)  # create is off while the past is shown
        # Export writes today's keys: the past is exported as an evidence pack instead.
        self.toolbar.export_button.setEnabled(False)

    def _leave_past_view(self) -> None:
        self.past_view.clear()
        if not self.past_view.active:
            return
        self.past_view.active = False
        self.toolbar.export_button.setEnabled(True)
        self.set_operator(self._operator)
        self._update_empty_state()
        self._on_count_changed(self.model.count)
        self.table.setFocus()

    @Slot(object)
    def _on_past_view_failed(self, error: BaseException) -> None:
        # Back to what was shown before: the previous past day, or today.
        self.toolbar.as_of_field.revert(self.past_view.day if self.past_view.active else None)
        if isinstance(error, Cancelled):
            self.status_message.emit(self.tr("The past view was cancelled."))
        else:
            self.error_occurred.emit(error)

    def _filter_past_view(self) -> None:
        if not self.past_view.active:
            return
        # What the toolbar shows now (the live query follows once its page arrives).
        toolbar = self.toolbar
        status = toolbar.status_filter.currentData()
        self.past_view.set_filter(
            toolbar.search_field.text(),
            KeyStatus(status) if status else None,
            toolbar.owner_filter.currentData(),
            toolbar.environment_filter.currentData(),
        )
        toolbar.show_count_text(self.past_view.count_text())
