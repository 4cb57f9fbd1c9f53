"""The console's main window: menus, the message banner, the status bar and the screens.

The window composes parts and owns what they share — the task runner's results, the key
operations, the operator and the one error banner; the features live in the screens
(``app/ui/screens/``). Known errors land in the non-blocking banner (with Retry when the
database went away); bugs go to the error presenter's report.
"""

from __future__ import annotations

import platform
from html import escape
from importlib.metadata import PackageNotFoundError, version

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QSize, Qt, Signal, Slot, qVersion
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QVBoxLayout, QWidget

from app.domain.errors import DatabaseError
from app.domain.roles import Action, can
from app.services import Services
from app.services.dto import Operator
from app.ui.errors import ErrorPresenter
from app.ui.help import close_help, help_page, show_help
from app.ui.labels import role_label
from app.ui.operations import KeyOperations
from app.ui.resources import icon
from app.ui.screens.keys import KeysScreen
from app.ui.settings import WindowSettings, fit_to_screen
from app.ui.tasks import TaskRunner
from app.ui.text import arg
from app.ui.widgets import confirm
from app.ui.widgets.banner import Banner
from app.ui.widgets.keys_toolbar import SEARCH_DEBOUNCE_MS

__all__ = ["SEARCH_DEBOUNCE_MS", "MainWindow"]

DEFAULT_SIZE = QSize(1280, 800)


def keyward_version() -> str:
    """The installed package's version (a bundle carries its metadata too)."""
    try:
        return version("keyward")
    except PackageNotFoundError:
        return "unknown"


class MainWindow(QMainWindow):
    """``MainWindow(services, tasks, presenter)``; loads everything in the background."""

    #: The window closed for good (settings saved, background work dropped).
    closed = Signal()
    #: The operator (login and role) is known and the controls follow the role.
    operator_loaded = Signal(object)

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
        self._offline = False
        self._closing_confirmed = False
        self._is_closed = False
        self._fitted = False
        presenter.set_window(self)

        self.operations = KeyOperations(services, tasks, self)
        self._build()
        self._connect()
        self._settings.restore_geometry(self, DEFAULT_SIZE)
        self.keys.restore_layout(self._settings)
        self._apply_operator(None)
        self.keys.model.refresh()
        self.load_operator()

    # ================================================================== building

    def _build(self) -> None:
        self.setWindowTitle(arg(self.tr("Keyward — %1"), self._services.database_label))
        self.setWindowIcon(icon("keyward"))
        self.setMinimumSize(680, 480)
        self._build_actions()
        central = QWidget(self)
        central.setObjectName("centralArea")
        self.keys = KeysScreen(
            self._services,
            self._tasks,
            self.operations,
            self.refresh_action,
            self.create_action,
            self._settings,
            central,
        )
        self.banner = Banner("errorBanner", parent=central)
        self.keys.add_banner(self.banner)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(18, 14, 18, 6)
        layout.addWidget(self.keys, 1)
        self.setCentralWidget(central)
        self._build_status_bar()

    def _build_actions(self) -> None:
        self.create_action = self._action("add", self.tr("&Create API Key…"), "createKeyAction")
        self.create_action.setShortcut(QKeySequence.StandardKey.New)
        self.refresh_action = self._action("refresh", self.tr("&Refresh"), "refreshAction")
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_action.triggered.connect(self.refresh)
        find = self._action("search", self.tr("&Find…"), "findAction")
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(lambda: self.keys.toolbar.focus_search())
        quit_action = self._action("", self.tr("&Quit"), "quitAction")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        help_action = self._action("info", self.tr("Keyward &Help"), "helpAction")
        help_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        help_action.triggered.connect(lambda: show_help())
        about = self._action("keyward", self.tr("&About Keyward"), "aboutAction")
        about.setMenuRole(QAction.MenuRole.AboutRole)
        about.triggered.connect(self._show_about)
        keys_menu = self.menuBar().addMenu(self.tr("&Keys"))
        for action in (self.create_action, find, self.refresh_action):
            keys_menu.addAction(action)
        keys_menu.addSeparator()
        keys_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(help_action)
        help_menu.addSeparator()
        help_menu.addAction(about)

    def _action(self, icon_name: str, text: str, object_name: str) -> QAction:
        action = QAction(icon(icon_name), text, self) if icon_name else QAction(text, self)
        action.setObjectName(object_name)
        return action

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        self._busy_label = QLabel(self.tr("Loading…"), self)
        self._busy_label.setObjectName("busyIndicator")
        self._busy_label.hide()
        database = QLabel(self._services.database_location, self)
        database.setObjectName("statusDatabase")
        database.setAccessibleName(self.tr("Database"))
        database.setToolTip(self.tr("The database this console is connected to"))
        self._operator_label = QLabel(self)
        self._operator_label.setObjectName("statusOperator")
        self._operator_label.setAccessibleName(self.tr("Signed in as"))
        for label in (self._busy_label, database, self._operator_label):
            bar.addPermanentWidget(label)

    def _connect(self) -> None:
        self.create_action.triggered.connect(self.keys.create_key)
        self.keys.status_message.connect(self.show_status)
        self.keys.error_occurred.connect(self.report_error)
        self.keys.loaded.connect(self._on_keys_loaded)
        self._presenter.message.connect(self.banner.show_text)
        self._tasks.busy_changed.connect(self._busy_label.setVisible)
        # Errors no callback handled (an operation's, a dialog's bug) still reach a person.
        self._tasks.unhandled_error.connect(self.report_error)

    # ================================================================== loading and errors

    @Slot()
    def refresh(self) -> None:
        """F5: reload the list, the summary and the open key's history."""
        self.keys.refresh()
        if self._operator is None:
            self.load_operator()

    @Slot()
    def retry(self) -> None:
        self.banner.dismiss()
        self.refresh()

    def load_operator(self) -> None:
        self._tasks.submit(
            self._services.users.me, self._apply_operator, self.report_error, owner=self
        )

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
    def _on_keys_loaded(self) -> None:
        if self._offline:
            self._offline = False
            self.banner.dismiss()
            self.show_status(self.tr("Connected to the database again"))

    # ================================================================== roles

    def _apply_operator(self, operator: Operator | None) -> None:
        """Show what the operator's role allows; the services enforce it regardless."""
        self._operator = operator
        self.keys.set_operator(operator)
        self.create_action.setEnabled(
            operator is not None and can(operator.role, Action.CREATE_OWN_KEY)
        )
        if operator is None:
            self._operator_label.setText("")
            return
        self._operator_label.setText(
            arg(self.tr("%1 · %2"), operator.login, role_label(operator.role))
        )
        self._operator_label.setToolTip(
            arg(self.tr("Signed in as %1 (%2)"), operator.display_name, role_label(operator.role))
        )
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
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(arg(self.tr("<b>Keyward %1</b>"), escape(keyward_version())))
        details = [
            self.tr("Create, store, manage and audit the API keys your integrations use."),
            arg(self.tr("Database: %1"), escape(self._services.database_location)),
            arg(
                self.tr("Qt %1 · PySide6 %2 · Python %3"),
                qVersion(),
                pyside_version,
                platform.python_version(),
            ),
            arg(
                self.tr('<a href="%1">Documentation</a> (F1)'),
                escape(help_page().toString()),
            ),
        ]
        box.setInformativeText("<br>".join(details))
        label = box.findChild(QLabel, "qt_msgbox_informativelabel")
        if label is not None:
            # The documentation link opens the help window, not a file browser.
            label.setOpenExternalLinks(False)
            label.linkActivated.connect(lambda _link: show_help())
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
        unsaved = self.keys.unsaved_key()
        if unsaved is not None and not self._closing_confirmed:
            event.ignore()
            confirm.ask(
                self,
                self.tr("Unsaved changes"),
                arg(self.tr("Discard your changes to “%1” and quit?"), unsaved.name),
                self.discard_and_close,
                yes_text=self.tr("Discard and quit"),
            )
            return
        self._settings.save_geometry(self)
        self.keys.save_layout(self._settings)
        self._settings.sync()
        self.keys.close_secrets()
        close_help()
        # Answers still on their way are dropped; a stuck job never holds the window open.
        self._tasks.shutdown()
        self._is_closed = True
        event.accept()
        self.closed.emit()
