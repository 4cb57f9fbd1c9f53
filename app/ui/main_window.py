"""The console's main window: header, toolbar, keys table, detail panel, banner, status bar.

Every database call goes through the TaskRunner; this module wires results to widgets.
Known errors land in the non-blocking banner (with Retry when the database went away);
what the user typed — search text, an edit in the detail panel — is never touched by an
error.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, QSize, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.data.engine import safe_url
from app.domain.errors import DatabaseError
from app.domain.roles import Action, can, can_manage_key
from app.domain.status import KeyState, KeyStatus
from app.services import Services
from app.services.dto import CreatedKey, KeyDTO, Operator, UsageSummary
from app.ui.errors import ErrorPresenter
from app.ui.models.keys_model import Column, KeysModel
from app.ui.panels.key_detail import KeyDetailPanel, read_only_reason
from app.ui.resources import icon
from app.ui.settings import WindowSettings, fit_to_screen
from app.ui.tasks import TaskRunner
from app.ui.widgets import confirm
from app.ui.widgets.banner import Banner
from app.ui.widgets.empty_state import EmptyState
from app.ui.widgets.key_menu import KeyMenuActions, key_menu
from app.ui.widgets.keys_table import KeysTable
from app.ui.widgets.keys_toolbar import SEARCH_DEBOUNCE_MS, KeysToolbar
from app.ui.widgets.page_header import PageHeader

__all__ = ["SEARCH_DEBOUNCE_MS", "MainWindow", "database_label"]

DEFAULT_SIZE = QSize(1280, 800)
DEFAULT_PANEL_WIDTH = 380
MIN_TABLE_WIDTH = 320


def database_label(services: Services) -> str:
    """A short name for the database, for the window title: the file, or db on host."""
    url = services.engine.url
    if url.get_backend_name() == "sqlite":
        return Path(url.database or "memory").name or "memory"
    return f"{url.database} on {url.host}" if url.host else str(url.database)


class MainWindow(QMainWindow):
    """``MainWindow(services, tasks, presenter)``; loads everything in the background."""

    #: The window closed for good (settings saved, background work finished).
    closed = Signal()
    #: The operator (login and role) is known and the controls follow the role.
    operator_loaded = Signal(object)
    #: The usage summary in the header was refreshed.
    summary_loaded = Signal(object)

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        presenter: ErrorPresenter,
        *,
        settings: WindowSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setAccessibleName(self.tr("Keyward"))
        self._services = services
        self._tasks = tasks
        self._presenter = presenter
        self._settings = settings or WindowSettings()
        self._operator: Operator | None = None
        self._clipboard: Any = None  # the SecretClipboard, made on the first reveal
        self._offline = False
        self._closing_confirmed = False
        self._is_closed = False
        self._fitted = False
        self._following_selection = True
        # The summary (a count over every key) waits for the first page: rows come first.
        self._summary_requested = False
        self._panel_width = self._settings.panel_width(DEFAULT_PANEL_WIDTH)
        #: Keys whose enable/disable is on its way (a second click must not race it).
        self._toggling: set[str] = set()
        presenter.set_window(self)

        self.model = KeysModel(services, tasks, parent=self)
        self._build()
        self._connect()
        self._restore_layout()
        self._apply_operator(None)
        self.model.refresh()
        self.load_operator()

    # ================================================================== building

    def _build(self) -> None:
        self.setWindowTitle(self.tr("Keyward — %1").replace("%1", database_label(self._services)))
        self.setWindowIcon(icon("keyward"))
        self.setMinimumSize(680, 480)
        self._build_actions()
        central = QWidget(self)
        central.setObjectName("centralArea")
        self.header = PageHeader(central)
        self.toolbar = KeysToolbar(self.refresh_action, self.create_action, central)
        self.banner = Banner("errorBanner", parent=central)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(18, 14, 18, 6)
        layout.setSpacing(10)
        layout.addWidget(self.header)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.banner)
        layout.addWidget(self._build_splitter(), 1)
        self.setCentralWidget(central)
        self._build_status_bar()
        # The names tests, the benchmark and assistive technology look for.
        self.summary_active = self.header.summary_active
        self.summary_verifications = self.header.summary_verifications
        self.search_field = self.toolbar.search_field
        self.status_filter = self.toolbar.status_filter
        self.count_label = self.toolbar.count_label
        self.create_button = self.toolbar.create_button

    def _build_actions(self) -> None:
        self.create_action = self._action("add", self.tr("&Create API Key…"), "createKeyAction")
        self.create_action.setShortcut(QKeySequence.StandardKey.New)
        self.create_action.triggered.connect(self.create_key)
        self.refresh_action = self._action("refresh", self.tr("&Refresh"), "refreshAction")
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_action.triggered.connect(self.refresh)
        find = self._action("search", self.tr("&Find…"), "findAction")
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.focus_search)
        quit_action = self._action("", self.tr("&Quit"), "quitAction")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        about = self._action("keyward", self.tr("&About Keyward"), "aboutAction")
        about.setMenuRole(QAction.MenuRole.AboutRole)
        about.triggered.connect(self._show_about)
        keys_menu = self.menuBar().addMenu(self.tr("&Keys"))
        for action in (self.create_action, find, self.refresh_action):
            keys_menu.addAction(action)
        keys_menu.addSeparator()
        keys_menu.addAction(quit_action)
        self.menuBar().addMenu(self.tr("&Help")).addAction(about)

    def _action(self, icon_name: str, text: str, object_name: str) -> QAction:
        action = QAction(icon(icon_name), text, self) if icon_name else QAction(text, self)
        action.setObjectName(object_name)
        return action

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
        self.panel = KeyDetailPanel(self._services, self._tasks, self.splitter)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.panel.hide()
        return self.splitter

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        self.busy_label = QLabel(self.tr("Loading…"), self)
        self.busy_label.setObjectName("busyIndicator")
        self.busy_label.hide()
        self.database_label = QLabel(safe_url(self._services.engine.url), self)
        self.database_label.setObjectName("statusDatabase")
        self.database_label.setAccessibleName(self.tr("Database"))
        self.database_label.setToolTip(self.tr("The database this console is connected to"))
        self.operator_label = QLabel(self)
        self.operator_label.setObjectName("statusOperator")
        self.operator_label.setAccessibleName(self.tr("Signed in as"))
        for label in (self.busy_label, self.database_label, self.operator_label):
            bar.addPermanentWidget(label)

    def _connect(self) -> None:
        self.toolbar.search_changed.connect(self.model.set_search)
        self.toolbar.status_changed.connect(self.model.set_status)
        self.model.query_loaded.connect(self._on_query_loaded)
        self.model.count_changed.connect(self._on_count_changed)
        self.model.loading_changed.connect(self._on_loading_changed)
        self.model.load_failed.connect(self.report_error)
        self.model.rowsInserted.connect(self._update_empty_state)
        self.model.rowsRemoved.connect(self._update_empty_state)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.table.clicked.connect(self._on_row_clicked)
        self.table.doubleClicked.connect(lambda _index: self.open_details(focus=True))
        self.table.open_requested.connect(lambda: self.open_details(focus=True))
        self.table.revoke_requested.connect(lambda: self.revoke_keys(self.selected_keys()))
        self.table.close_requested.connect(self.close_details)
        self.table.customContextMenuRequested.connect(self._show_context_menu)
        # The Actions column's controls run the context menu's handlers.
        row_actions = self.table.actions_delegate
        row_actions.set_busy_test(lambda dto: dto.key_id in self._toggling)
        row_actions.toggle_clicked.connect(
            lambda dto: self.set_key_enabled(dto, dto.state is not KeyState.ACTIVE)
        )
        row_actions.revoke_clicked.connect(lambda dto: self.revoke_keys([dto]))
        row_actions.delete_clicked.connect(self.delete_key)
        self.empty_state.create_requested.connect(self.create_action.trigger)
        self.empty_state.clear_search_requested.connect(self.clear_search)
        self.panel.key_changed.connect(self._on_key_changed)
        self.panel.key_vanished.connect(self._on_key_vanished)
        self.panel.revoke_requested.connect(lambda dto: self.revoke_keys([dto]))
        self.panel.delete_requested.connect(self.delete_key)
        self.panel.close_requested.connect(self.close_details)
        self.panel.status_message.connect(self.show_status)
        self.panel.error_occurred.connect(self.report_error)
        self.splitter.splitterMoved.connect(self._remember_panel_width)
        self._presenter.message.connect(self.banner.show_text)
        self._tasks.busy_changed.connect(self.busy_label.setVisible)
        # Errors no callback handled (a dialog's bug, say) still reach a person.
        self._tasks.unhandled_error.connect(self.report_error)

    def _restore_layout(self) -> None:
        self._settings.restore_geometry(self, DEFAULT_SIZE)
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        restored = self._settings.restore_header(header)
        header.blockSignals(False)
        self.table.ensure_actions_column()
        if restored:
            # The remembered sort decides the first query, so the first page is sorted so.
            self.table.sort_as_header_says()
        state = self._settings.splitter_state()
        if state is not None:
            self.splitter.restoreState(state)
        self.panel.hide()  # it opens on selection, whatever the splitter remembered

    # ================================================================== loading

    @Slot()
    def refresh(self) -> None:
        """F5: reload the list, the summary and the open key's history."""
        self.model.refresh()
        self.load_summary()
        if self._operator is None:
            self.load_operator()
        if self.panel.isVisible() and self.panel.key is not None and not self.panel.is_dirty():
            self.panel.reload()

    @Slot()
    def retry(self) -> None:
        self.banner.dismiss()
        self.refresh()

    def load_operator(self) -> None:
        self._tasks.submit(
            self._services.users.me,
            self._apply_operator,
            self.report_error,
            owner=self,
        )

    def load_summary(self) -> None:
        self._summary_requested = True
        self._tasks.submit(
            self._services.keys.usage_summary,
            self._on_summary,
            self.report_error,
            channel=f"summary-{id(self)}",
            owner=self,
        )

    def _on_summary(self, summary: UsageSummary) -> None:
        self.header.set_summary(summary)
        self.summary_loaded.emit(summary)

    @Slot(object)
    def report_error(self, error: BaseException) -> None:
        """A failure from any background job: the banner for known errors, a report for bugs."""
        if isinstance(error, DatabaseError):
            self._offline = True
            self.banner.arm_action(self.tr("Retry"), self.retry)
        else:
            self.banner.disarm()
        self._presenter.present(error)

    @Slot()
    def _on_query_loaded(self) -> None:
        if not self._summary_requested:
            self.load_summary()
        if self._offline:
            self._offline = False
            self.banner.dismiss()
            self.show_status(self.tr("Connected to the database again"))
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

    @Slot()
    def focus_search(self) -> None:
        self.toolbar.focus_search()

    @Slot()
    def clear_search(self) -> None:
        self.toolbar.clear()

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
        shown = self.panel.key
        if shown is not None and shown.key_id != dto.key_id and self.panel.is_dirty():
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
            self.tr("Discard your changes to “%1”?").replace("%1", shown.name),
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
        shown = self.panel.key
        if shown is not None and self.panel.is_dirty():
            confirm.ask(
                self,
                self.tr("Unsaved changes"),
                self.tr("Discard your changes to “%1”?").replace("%1", shown.name),
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

    # ================================================================== key changes

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
        if self.panel.key is not None and self.panel.key.key_id == dto.key_id:
            self.panel.show_key(dto)
        if before is None or before.status is not dto.status:
            self.load_summary()

    @Slot(str)
    def _on_key_vanished(self, key_id: str) -> None:
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

    @Slot()
    def create_key(self) -> None:
        if self._operator is None or not can(self._operator.role, Action.CREATE_OWN_KEY):
            return
        from app.ui.dialogs.create_key import CreateKeyDialog

        dialog = CreateKeyDialog(self._services, self._tasks, self)
        dialog.key_created.connect(self._on_key_created)
        dialog.open()

    @Slot(object)
    def _on_key_created(self, created: CreatedKey) -> None:
        self.model.insert_key(created.key)
        if created.revoked_under_policy is not None:
            self._on_keys_revoked([created.revoked_under_policy])
        self.stack.setCurrentWidget(self.table)
        self._select_key(created.key.key_id)
        self._show_in_panel(created.key)
        self.load_summary()
        self.show_status(self.tr("Created “%1”").replace("%1", created.key.name))
        from app.ui.dialogs.reveal_secret import RevealSecretDialog

        RevealSecretDialog(created, self.secret_clipboard(), self._tasks, self).open()

    def secret_clipboard(self) -> Any:
        """The window's one SecretClipboard (cleared when the window closes)."""
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
                self.show_status(
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
        self.model.update_keys(revoked)
        shown = self.panel.key
        for dto in revoked:
            if shown is not None and dto.key_id == shown.key_id:
                self.panel.show_key(dto)
        self.load_summary()
        if len(revoked) == 1:
            self.show_status(self.tr("Revoked “%1”").replace("%1", revoked[0].name))
        elif revoked:
            self.show_status(self.tr("Revoked %1 keys").replace("%1", str(len(revoked))))

    @Slot(object)
    def delete_key(self, dto: KeyDTO) -> None:
        if not self._can_change(dto):
            return
        confirm.ask(
            self,
            self.tr("Delete key"),
            self.tr(
                "Delete “%1”? It disappears from the list; the audit trail keeps a record. "
                "An active key is revoked first."
            ).replace("%1", dto.name),
            lambda: self._delete(dto),
            yes_text=self.tr("Delete"),
            destructive=True,
        )

    def _delete(self, dto: KeyDTO) -> None:
        key_id = dto.key_id
        self._tasks.submit(
            lambda: self._services.keys.delete(key_id),
            self._on_deleted,
            self.report_error,
            owner=self,
        )

    def _on_deleted(self, dto: KeyDTO) -> None:
        self._on_key_vanished(dto.key_id)
        self.load_summary()
        self.show_status(
            self.tr("Deleted “%1”; the audit trail keeps a record.").replace("%1", dto.name)
        )

    def set_key_enabled(self, dto: KeyDTO, enabled: bool) -> None:
        if not self._can_change(dto) or dto.key_id in self._toggling:
            return
        keys = self._services.keys
        key_id = dto.key_id

        def change() -> KeyDTO:
            if enabled:
                return keys.enable(key_id, expected_version=dto.version)
            return keys.disable(key_id, expected_version=dto.version)

        def done(changed: KeyDTO) -> None:
            self._toggling.discard(key_id)
            self._on_key_changed(changed)

        def failed(error: BaseException) -> None:
            self._toggling.discard(key_id)
            self._repaint_key(key_id)
            self.report_error(error)

        self._toggling.add(key_id)
        self._repaint_key(key_id)
        self._tasks.submit(change, done, failed, owner=self)

    def _repaint_key(self, key_id: str) -> None:
        index = self.model.index_of(key_id, Column.ACTIONS)
        if index.isValid():
            self.table.viewport().update(self.table.visualRect(index))

    def copy_key_id(self, dto: KeyDTO) -> None:
        QGuiApplication.clipboard().setText(dto.key_id)
        self.show_status(self.tr("Copied the key id %1").replace("%1", dto.key_id))

    # ================================================================== context menu

    @Slot(QPoint)
    def _show_context_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        if not index.isValid():
            return
        if not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            self.table.selectRow(index.row())
        menu = self._context_menu(self.model.key_at(index.row()), self.selected_keys())
        menu.popup(self.table.viewport().mapToGlobal(position))

    def _context_menu(self, dto: KeyDTO, selected: list[KeyDTO]) -> QMenu:
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

    def _apply_operator(self, operator: Operator | None) -> None:
        """Show what the operator's role allows; the services enforce it regardless."""
        self._operator = operator
        self.panel.set_operator(operator)
        self.table.actions_delegate.set_permission(
            self._can_change,
            read_only_reason(operator.role) if operator else self.tr("Checking your role…"),
        )
        self.table.viewport().update()
        creator = operator is not None and can(operator.role, Action.CREATE_OWN_KEY)
        self.create_action.setEnabled(creator)
        self.create_button.setEnabled(creator)
        if operator is None:
            self.operator_label.setText("")
            self.create_button.setToolTip(self.tr("Checking your role…"))
            return
        self.create_button.setToolTip(
            self.tr("Create a key and see its secret once (Ctrl+N)")
            if creator
            else read_only_reason(operator.role)
        )
        self.operator_label.setText(
            self.tr("%1 · %2").replace("%1", operator.login).replace("%2", operator.role.label)
        )
        self.operator_label.setToolTip(
            self.tr("Signed in as %1 (%2)")
            .replace("%1", operator.display_name)
            .replace("%2", operator.role.label)
        )
        self._update_empty_state()
        self.operator_loaded.emit(operator)

    @property
    def operator(self) -> Operator | None:
        return self._operator

    # ================================================================== misc

    @Slot(str)
    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    @Slot()
    def _show_about(self) -> None:
        box = QMessageBox(self)
        box.setObjectName("aboutDialog")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setIconPixmap(icon("keyward").pixmap(QSize(48, 48)))
        box.setWindowTitle(self.tr("About Keyward"))
        box.setText(self.tr("Keyward"))
        box.setInformativeText(
            self.tr("Create, store, manage and audit the API keys your integrations use.")
        )
        box.open()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted:
            # Only now is the window frame known: fit the restored geometry, frame included.
            self._fitted = True
            fit_to_screen(self)

    # ================================================================== closing

    def discard_and_close(self) -> None:
        """Close without asking about unsaved edits (for tests and a forced quit)."""
        self._closing_confirmed = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._is_closed:
            event.accept()
            return
        shown = self.panel.key
        if shown is not None and self.panel.is_dirty() and not self._closing_confirmed:
            event.ignore()
            confirm.ask(
                self,
                self.tr("Unsaved changes"),
                self.tr("Discard your changes to “%1” and quit?").replace("%1", shown.name),
                self.discard_and_close,
                yes_text=self.tr("Discard and quit"),
            )
            return
        self._save_layout()
        if self._clipboard is not None:
            self._clipboard.clear_now()  # never leave a secret behind on the clipboard
        self._tasks.wait_for_done()
        self._is_closed = True
        event.accept()
        self.closed.emit()

    def _save_layout(self) -> None:
        self._remember_panel_width()
        self._settings.save_geometry(self)
        self.table.drop_fill()  # save the widths the user chose, not the window's slack
        self._settings.save_header(self.table.horizontalHeader())
        self._settings.save_splitter_state(self.splitter.saveState())
        self._settings.save_panel_width(self._panel_width)
        self._settings.sync()
