"""The keys screen: header and summary, toolbar, keys table or empty state, detail panel.

Every change to a key goes through :class:`~app.ui.operations.KeyOperations`; this screen
asks for them (from the table, its context menu and the panel) and follows their signals,
so the table, the panel and the summary show the same key whichever place changed it.
What the user typed — search text, an edit in the detail panel — is never touched by an
error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QMenu, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from app.domain.roles import Action, can, can_manage_key
from app.domain.status import KeyState, KeyStatus
from app.services import Services
from app.services.dto import CreatedKey, KeyDTO, Operator, UsageSummary
from app.ui.models.keys_model import Column, KeysModel
from app.ui.operations import KeyOperations
from app.ui.panels.key_detail import KeyDetailPanel, read_only_reason
from app.ui.settings import WindowSettings
from app.ui.tasks import LatestTask, TaskRunner
from app.ui.text import arg
from app.ui.widgets import confirm
from app.ui.widgets.empty_state import EmptyState
from app.ui.widgets.key_menu import KeyMenuActions, key_menu
from app.ui.widgets.keys_table import KeysTable
from app.ui.widgets.keys_toolbar import KeysToolbar
from app.ui.widgets.page_header import PageHeader

DEFAULT_PANEL_WIDTH = 380
MIN_TABLE_WIDTH = 320


class KeysScreen(QWidget):
    """``KeysScreen(services, tasks, operations, refresh_action, create_action)``."""

    #: A short confirmation for the status bar ("Deleted “Billing”").
    status_message = Signal(str)
    #: A failure for the window's error handling (banner, Retry, bug report).
    error_occurred = Signal(object)
    #: A query's first page arrived (the database answers again).
    loaded = Signal()

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
        # The summary (a count over every key) waits for the first page: rows come first.
        self._summary_requested = False
        self._summary_task = LatestTask(tasks)
        self._panel_width = settings.panel_width(DEFAULT_PANEL_WIDTH)

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
        self.empty_state = EmptyState(self.stack)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_state)
        self.panel = KeyDetailPanel(self._services, self._tasks, self._operations, self.splitter)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.panel.hide()
        return self.splitter

    def _connect(self) -> None:
        self.toolbar.search_changed.connect(self.model.set_search)
        self.toolbar.status_changed.connect(self.model.set_status)
        self.model.query_loaded.connect(self._on_query_loaded)
        self.model.count_changed.connect(self._on_count_changed)
        self.model.loading_changed.connect(self._on_loading_changed)
        self.model.load_failed.connect(self.error_occurred)
        self.model.rowsInserted.connect(self._update_empty_state)
        self.model.rowsRemoved.connect(self._update_empty_state)
        table = self.table
        table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        table.clicked.connect(self._on_row_clicked)
        table.doubleClicked.connect(lambda _index: self.open_details(focus=True))
        table.open_requested.connect(lambda: self.open_details(focus=True))
        table.revoke_requested.connect(lambda: self.revoke_keys(self.selected_keys()))
        table.close_requested.connect(self.close_details)
        table.customContextMenuRequested.connect(self._show_context_menu)
        # The Actions column's controls run the context menu's handlers.
        row_actions = table.actions_delegate
        row_actions.set_busy_test(lambda dto: self._operations.is_busy(dto.key_id))
        row_actions.toggle_clicked.connect(
            lambda dto: self.set_key_enabled(dto, dto.state is not KeyState.ACTIVE)
        )
        row_actions.revoke_clicked.connect(lambda dto: self.revoke_keys([dto]))
        row_actions.delete_clicked.connect(self.delete_key)
        self.empty_state.create_requested.connect(self._create_action.trigger)
        self.empty_state.clear_search_requested.connect(self.toolbar.clear)
        self.panel.revoke_requested.connect(lambda dto: self.revoke_keys([dto]))
        self.panel.delete_requested.connect(self.delete_key)
        self.panel.close_requested.connect(self.close_details)
        self.panel.status_message.connect(self.status_message)
        self.panel.error_occurred.connect(self.error_occurred)
        self.splitter.splitterMoved.connect(self._remember_panel_width)
        ops = self._operations
        ops.key_changed.connect(self._on_key_changed)
        ops.key_removed.connect(self._on_key_removed)
        ops.key_created.connect(self._on_key_created)
        ops.busy_changed.connect(self._repaint_key)

    # ================================================================== layout

    def restore_layout(self, settings: WindowSettings) -> None:
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        restored = settings.restore_header(header)
        header.blockSignals(False)
        self.table.ensure_actions_column()
        if restored:
            # The remembered sort decides the first query, so the first page is sorted so.
            self.table.sort_as_header_says()
        state = settings.splitter_state()
        if state is not None:
            self.splitter.restoreState(state)
        self.panel.hide()  # it opens on selection, whatever the splitter remembered

    def save_layout(self, settings: WindowSettings) -> None:
        self._remember_panel_width()
        self.table.drop_fill()  # save the widths the user chose, not the window's slack
        settings.save_header(self.table.horizontalHeader())
        settings.save_splitter_state(self.splitter.saveState())
        settings.save_panel_width(self._panel_width)

    def close_secrets(self) -> None:
        if self._clipboard is not None:
            self._clipboard.clear_now()  # never leave a secret behind on the clipboard

    def unsaved_key(self) -> KeyDTO | None:
        """The key whose edit in the panel is not saved, if any."""
        shown = self.panel.key
        return shown if shown is not None and self.panel.is_dirty() else None

    # ================================================================== loading

    def refresh(self) -> None:
        """Reload the list, the summary and the open key's history."""
        self.model.refresh()
        self.load_summary()
        if self.panel.isVisible() and self.panel.key is not None and not self.panel.is_dirty():
            self.panel.reload()

    def load_summary(self) -> None:
        self._summary_requested = True
        self._summary_task.submit(
            self._services.keys.usage_summary,
            self._on_summary,
            self.error_occurred.emit,
            owner=self,
        )

    def _on_summary(self, summary: UsageSummary) -> None:
        self.header.set_summary(summary)

    @Slot()
    def _on_query_loaded(self) -> None:
        if not self._summary_requested:
            self.load_summary()
        self.loaded.emit()
        self._update_empty_state()
        self._reselect_panel_key()

    @Slot(bool)
    def _on_loading_changed(self, loading: bool) -> None:
        if loading and self.model.has_loaded:
            self.toolbar.show_loading(searching=bool(self.model.query.search))

    @Slot(object)
    def _on_count_changed(self, count: int | None) -> None:
        query = self.model.query
        self.toolbar.show_count(count, filtered=bool(query.search) or query.status is not None)

    @Slot()
    def _update_empty_state(self) -> None:
        if not self.model.has_loaded or self.model.rowCount() > 0:
            self.stack.setCurrentWidget(self.table)
            return
        query = self.model.query
        if query.search or query.status is not None:
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
        if index.isValid() and self.panel.isHidden():
            self._show_in_panel(self.model.key_at(index.row()))

    def open_details(self, *, focus: bool = False) -> None:
        dto = self.current_key()
        if dto is None:
            return
        self._show_in_panel(dto)
        if focus and self.panel.can_manage:
            self.panel.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)

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
        # After a new query the open key keeps its selection if it is still listed.
        if self.panel.isVisible() and self.panel.key is not None:
            self._select_key(self.panel.key.key_id)

    def _open_panel(self) -> None:
        if not self.panel.isHidden():
            return
        self.panel.show()
        total = max(self.splitter.width(), MIN_TABLE_WIDTH + self._panel_width)
        width = min(self._panel_width, total - MIN_TABLE_WIDTH)
        self.splitter.setSizes([total - width, width])

    @Slot()
    def close_details(self) -> None:
        if self.panel.isHidden():
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
        if self.panel.isVisible() and self.panel.width() > 0:
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
            self.load_summary()

    @Slot(str)
    def _on_key_removed(self, key_id: str) -> None:
        showing = self.panel.key is not None and self.panel.key.key_id == key_id
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
        if not self._can_change(dto):
            return
        text = self.tr(
            "Delete “%1”? It disappears from the list; the audit trail keeps a record. "
            "An active key is revoked first."
        )

        def delete() -> None:
            self._operations.delete(
                dto,
                on_success=lambda deleted: self.status_message.emit(
                    arg(self.tr("Deleted “%1”; the audit trail keeps a record."), deleted.name)
                ),
                on_failure=self.error_occurred.emit,
            )

        confirm.ask(
            self,
            self.tr("Delete key"),
            arg(text, dto.name),
            delete,
            yes_text=self.tr("Delete"),
            destructive=True,
        )

    def set_key_enabled(self, dto: KeyDTO, enabled: bool) -> None:
        if self._can_change(dto):
            self._operations.set_enabled(dto, enabled, on_failure=self.error_occurred.emit)

    def copy_key_id(self, dto: KeyDTO) -> None:
        QGuiApplication.clipboard().setText(dto.key_id)
        self.status_message.emit(arg(self.tr("Copied the key id %1"), dto.key_id))

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

    def context_menu(self, dto: KeyDTO, selected: list[KeyDTO]) -> QMenu:
        actions = KeyMenuActions(
            open_details=lambda: self.open_details(focus=False),
            copy_key_id=self.copy_key_id,
            set_enabled=self.set_key_enabled,
            revoke=self.revoke_keys,
            delete=self.delete_key,
        )
        reason = read_only_reason(self._operator.role) if self._operator else ""
        return key_menu(
            self, dto, selected, actions, can_change=self._can_change(dto), read_only_reason=reason
        )

    # ================================================================== roles

    def set_operator(self, operator: Operator | None) -> None:
        """Show what the operator's role allows; the services enforce it regardless."""
        self._operator = operator
        self.panel.set_operator(operator)
        self.table.actions_delegate.set_permission(
            self._can_change,
            read_only_reason(operator.role) if operator else self.tr("Checking your role…"),
        )
        self.table.viewport().update()
        creator = operator is not None and can(operator.role, Action.CREATE_OWN_KEY)
        button = self.toolbar.create_button
        button.setEnabled(creator)
        if operator is None:
            button.setToolTip(self.tr("Checking your role…"))
            return
        button.setToolTip(
            self.tr("Create a key and see its secret once (Ctrl+N)")
            if creator
            else read_only_reason(operator.role)
        )
        self._update_empty_state()
