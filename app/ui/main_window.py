"""The console's main window: menus, the message banner, the status bar and the workspaces.

The window composes parts and owns what they share — the task runner's results, the key
operations, the operator and the one error banner; the features live in the screens
(``app/ui/screens/``). Known errors land in the non-blocking banner (with Retry when the
database went away); bugs go to the error presenter's report.

Workspaces (Keys, Audit, People, Policy, Needs attention, Reviews) sit in one stack, reached
from the side bar, the View menu and Ctrl+1…6; each is registered once with
:meth:`MainWindow.register_workspace`
(its name, icon, page, shortcut and which operators see it). The one open when the window
closed opens again next time, if the operator's role still shows it.

Only the Keys page (without its detail panel) is built with the window: the panel and the
other pages are built one per event-loop turn once the first page of keys is there (or at
once when something needs one sooner), so neither the first window nor the console freezes
for all of them at start.
"""

from __future__ import annotations

import platform
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from importlib.metadata import PackageNotFoundError, version
from typing import cast

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot, qVersion
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QKeySequence,
    QPaintEvent,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import DatabaseError
from app.domain.roles import Action, Role, can
from app.services import Services
from app.services.dto import Operator
from app.ui.errors import ErrorPresenter
from app.ui.help import close_help, help_page, show_help
from app.ui.labels import role_label
from app.ui.live import LiveUpdates, follow_in_keys
from app.ui.operations import KeyOperations
from app.ui.reminders import Reminders, show_in
from app.ui.resources import icon
from app.ui.screens.attention import AttentionScreen
from app.ui.screens.audit import AuditScreen, sees_audit
from app.ui.screens.keys import KeysScreen
from app.ui.screens.people import PeopleScreen
from app.ui.screens.policy import PolicyScreen
from app.ui.screens.reviews import ReviewsScreen
from app.ui.settings import WindowSettings, fit_to_screen
from app.ui.tasks import TaskRunner
from app.ui.text import arg
from app.ui.widgets import confirm
from app.ui.widgets.banner import Banner, Tone
from app.ui.widgets.keys_toolbar import SEARCH_DEBOUNCE_MS
from app.ui.widgets.nav_bar import NavBar

__all__ = ["SEARCH_DEBOUNCE_MS", "MainWindow", "Workspace"]

DEFAULT_SIZE = QSize(1280, 800)
#: Below this window width the side bar shows its icons only.
COMPACT_NAV_WIDTH = 1000
#: A window not painted this long after its first page (never shown) builds its other
#: pages anyway (ms).
PAGES_WAIT_MS = 1_000
KEYS, AUDIT, PEOPLE, POLICY = "keys", "audit", "people", "policy"
ATTENTION, REVIEWS = "attention", "reviews"


def _everyone(operator: Operator | None) -> bool:
    return True


def _people_of_the_console(operator: Operator | None) -> bool:
    """Everyone who works in the console (a verifier is a service login, not a person)."""
    return operator is not None and operator.role is not Role.VERIFIER


@dataclass(eq=False)
class Workspace:
    """One page of the window: its side-bar item, its View-menu action, who sees it.

    ``widget`` is the page, built by ``make`` the first time it is asked for; ``built`` is
    it, or None while it has not been.
    """

    name: str
    title: str
    action: QAction
    visible: Callable[[Operator | None], bool]
    make: Callable[[], QWidget]
    started: bool = False
    built: QWidget | None = None

    @property
    def widget(self) -> QWidget:
        if self.built is None:
            self.built = self.make()
        return self.built


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
        self._painted = False
        self._pages_wanted = False
        self._pages_started = False
        presenter.set_window(self)

        self.operations = KeyOperations(services, tasks, self)
        self.workspaces: dict[str, Workspace] = {}
        #: The workspace to open once the operator's role is known (remembered from last run).
        self._wanted_workspace: str | None = self._settings.workspace(KEYS)
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
        self.nav = NavBar(central)
        self.nav.activated.connect(self.switch_to)
        content = QWidget(central)
        content.setObjectName("workspaceArea")
        self.banner = Banner("errorBanner", parent=content)
        self.stack = QStackedWidget(content)
        self.stack.setObjectName("workspaceStack")
        column = QVBoxLayout(content)
        column.setContentsMargins(18, 14, 18, 6)
        column.setSpacing(8)
        column.addWidget(self.banner)
        column.addWidget(self.stack, 1)
        self._content_column = column
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(content, 1)
        self.setCentralWidget(central)
        self.live = LiveUpdates(self._services, self._tasks, self)
        self._build_workspaces()
        self._build_live()
        self._build_status_bar()

    def _build_workspaces(self) -> None:
        self.keys = KeysScreen(
            self._services,
            self._tasks,
            self.operations,
            self.refresh_action,
            self.create_action,
            self._settings,
            self.stack,
        )
        self.register_workspace(
            KEYS, self.tr("Keys"), "key", self.keys, "Ctrl+1", _everyone, started=True
        )
        self.keys.show_in_audit_log.connect(self.show_audit_for_key)
        self.register_workspace(
            AUDIT, self.tr("Audit"), "audit", self._make_audit, "Ctrl+2", sees_audit
        )
        self.register_workspace(
            PEOPLE,
            self.tr("People"),
            "user",
            lambda: PeopleScreen(self._services, self._tasks, self.operations, self.stack),
            "Ctrl+3",
            _people_of_the_console,
        )
        self.register_workspace(
            POLICY,
            self.tr("Policy"),
            "policy",
            lambda: PolicyScreen(self._services, self._tasks, self.stack),
            "Ctrl+4",
            _people_of_the_console,
        )
        self.register_workspace(
            ATTENTION,
            self.tr("Needs attention"),
            "warning",
            self._make_attention,
            "Ctrl+5",
            _people_of_the_console,
        )
        self.register_workspace(
            REVIEWS,
            self.tr("Reviews"),
            "enable",
            self._make_reviews,
            "Ctrl+6",
            _people_of_the_console,
        )
        # The other pages once the first page of keys is there (or could not be read).
        self.keys.model.query_loaded.connect(self._build_pages_soon)
        self.keys.model.load_failed.connect(self._build_pages_soon)

    def _make_audit(self) -> AuditScreen:
        audit = AuditScreen(self._services, self._tasks, self.stack)
        # Changes made in this window add events; the live feed brings everyone else's.
        for signal in (
            self.operations.key_changed,
            self.operations.key_created,
            self.operations.key_removed,
            self.live.changes_seen,
        ):
            signal.connect(audit.trail_changed)
        return audit

    def _make_attention(self) -> AttentionScreen:
        attention = AttentionScreen(self._services, self._tasks, self.stack)
        attention.count_changed.connect(lambda count: self.nav.set_badge(ATTENTION, count))
        attention.keys_changed.connect(self.keys.announce_many_changed)
        self.live.changes_seen.connect(lambda _changes: attention.refresh_counts())
        self._count_for_badge(attention.refresh_counts)
        return attention

    def _make_reviews(self) -> ReviewsScreen:
        reviews = ReviewsScreen(self._services, self._tasks, self.stack)
        reviews.waiting_changed.connect(lambda count: self.nav.set_badge(REVIEWS, count))
        reviews.keys_changed.connect(lambda _ids: self.live.poll())
        self._count_for_badge(reviews.refresh)
        return reviews

    def _count_for_badge(self, count: Callable[[], None]) -> None:
        """A side-bar badge's count: read once a person (not a verifier) is known to be at
        the console, now if they already are, and again whenever the operator is loaded."""

        def start(operator: Operator) -> None:
            if operator.role is not Role.VERIFIER and not self._is_closed:
                count()

        if self._operator is not None:
            start(self._operator)
        self.operator_loaded.connect(start)

    @property
    def audit(self) -> AuditScreen:
        return cast(AuditScreen, self.workspaces[AUDIT].widget)

    @property
    def attention(self) -> AttentionScreen:
        return cast(AttentionScreen, self.workspaces[ATTENTION].widget)

    @property
    def reviews(self) -> ReviewsScreen:
        return cast(ReviewsScreen, self.workspaces[REVIEWS].widget)

    @property
    def pages_built(self) -> bool:
        """Every workspace's page and the keys' detail panel have been built (they are, one
        per event-loop turn, soon after the first page)."""
        return self.keys.panel_built and all(
            workspace.built is not None for workspace in self.workspaces.values()
        )

    @Slot()
    def _build_pages_soon(self) -> None:
        """Build the other pages once the window has been painted with the first page: the
        first one (the keys' detail panel, ~20 ms) ran before the console's first paint at
        start, which waited for it. A window never shown builds them after PAGES_WAIT_MS."""
        if self._pages_wanted:
            return
        self._pages_wanted = True
        if self._painted:
            self._start_pages()
        else:
            QTimer.singleShot(PAGES_WAIT_MS, self, self._start_pages)

    @Slot()
    def _start_pages(self) -> None:
        if not self._pages_started:
            self._pages_started = True
            QTimer.singleShot(0, self, self._build_next_page)

    @Slot()
    def _build_next_page(self) -> None:
        """Build one page not built yet, then come back on the next turn for another."""
        if self._is_closed:
            return
        waiting = [space for space in self.workspaces.values() if space.built is None]
        # Asking for a page (or the panel) builds it.
        if not self.keys.panel_built:
            self.keys.panel  # noqa: B018
        elif waiting:
            waiting[0].widget  # noqa: B018
        else:
            return
        QTimer.singleShot(0, self, self._build_next_page)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            # Every widget paints in this same pass: a zero timer fires after it is shown.
            self._painted = True
            if self._pages_wanted:
                self._start_pages()

    def _build_live(self) -> None:
        """Others' changes appear by themselves; reminders say what waits on the operator."""
        follow_in_keys(self.live, self.keys, self.operations)
        self.live.people_changed.connect(self._refresh_started(PEOPLE))
        self.reminder_banner = Banner(
            "reminderBanner", tone=Tone.INFO, accessible_name=self.tr("Reminder"), parent=self
        )
        self._content_column.insertWidget(1, self.reminder_banner)
        self.reminders = Reminders(self._services, self._tasks, self._settings.store, self)
        show_in(
            self.reminders,
            self.reminder_banner,
            self,
            open_reviews=lambda: self.switch_to(REVIEWS),
            open_attention=lambda: self.switch_to(ATTENTION),
        )

    def _refresh_started(self, name: str) -> Callable[[], None]:
        def refresh() -> None:
            workspace = self.workspaces.get(name)
            refresh_page = getattr(workspace.widget, "refresh", None) if workspace else None
            if workspace is not None and workspace.started and refresh_page is not None:
                refresh_page()

        return refresh

    def register_workspace(
        self,
        name: str,
        title: str,
        icon_name: str,
        page: QWidget | Callable[[], QWidget],
        shortcut: str,
        visible: Callable[[Operator | None], bool],
        *,
        started: bool = False,
    ) -> Workspace:
        """Add a workspace: a side-bar item ``nav<Name>``, a View-menu action, a shortcut.

        ``page`` is the widget, or what builds it when it is first needed (see the module's
        notes). ``visible(operator)`` says who sees it (None while the role is being read).
        The page's ``set_operator``, ``status_message`` and ``error_occurred`` are used when
        it has them; the first time it is shown its ``activate()`` (or ``refresh()``) runs.
        """
        object_name = "nav" + name[:1].upper() + name[1:]
        self.nav.add_item(name, object_name, icon(icon_name), title, shortcut)
        action = QAction(icon(icon_name), title, self)
        action.setObjectName(f"show{name[:1].upper()}{name[1:]}Action")
        action.setCheckable(True)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: self.switch_to(name))
        self._view_group.addAction(action)
        self._view_menu.addAction(action)
        build = page if not isinstance(page, QWidget) else (lambda: page)
        workspace = Workspace(name, title, action, visible, lambda: self._adopt(build()), started)
        self.workspaces[name] = workspace
        if isinstance(page, QWidget):
            workspace.widget  # noqa: B018 - asking for it adopts it now
        if self.stack.count() == 1 and workspace.built is not None:
            self._show_workspace(workspace)
        self._apply_visibility(workspace)
        return workspace

    def _adopt(self, widget: QWidget) -> QWidget:
        """A workspace's page joins the stack and the window's messages, errors and role."""
        self.stack.addWidget(widget)
        status_message = getattr(widget, "status_message", None)
        if status_message is not None:
            status_message.connect(self.show_status)
        error_occurred = getattr(widget, "error_occurred", None)
        if error_occurred is not None and widget is not self.keys:
            error_occurred.connect(self.report_error)
        set_operator = getattr(widget, "set_operator", None)
        if set_operator is not None and widget is not self.keys:
            set_operator(self._operator)
        return widget

    def _build_actions(self) -> None:
        self.create_action = self._action("add", self.tr("&Create API Key…"), "createKeyAction")
        self.create_action.setShortcut(QKeySequence.StandardKey.New)
        self.refresh_action = self._action("refresh", self.tr("&Refresh"), "refreshAction")
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_action.triggered.connect(self.refresh)
        find = self._action("search", self.tr("&Find…"), "findAction")
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self._find)
        self.leak_action = self._action(
            "warning", self.tr("Find &Leaked Keys…"), "findLeakedKeysAction"
        )
        self.leak_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.leak_action.setToolTip(
            self.tr("Paste text (a log, a chat message) and find the Keyward keys in it")
        )
        self.leak_action.triggered.connect(self.find_leaked_keys)
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
        keys_menu.addAction(self.leak_action)
        keys_menu.addSeparator()
        keys_menu.addAction(quit_action)
        self._view_menu: QMenu = self.menuBar().addMenu(self.tr("&View"))
        self._view_menu.setObjectName("viewMenu")
        self._view_group = QActionGroup(self)
        self._view_group.setExclusive(True)
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
        """F5: reload the list, the summary and the open key's history (and the open page)."""
        self.keys.refresh()
        current = self.current_workspace()
        if current is not None and current.widget is not self.keys and current.started:
            refresh = getattr(current.widget, "refresh", None)
            if refresh is not None:
                refresh()
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
        for workspace in self.workspaces.values():
            # A page not built yet is given the operator when it is.
            set_operator = getattr(workspace.built, "set_operator", None)
            if workspace.built is not self.keys and set_operator is not None:
                set_operator(operator)
        for workspace in self.workspaces.values():
            self._apply_visibility(workspace)
        self._open_wanted_workspace()
        self.create_action.setEnabled(
            operator is not None and can(operator.role, Action.CREATE_OWN_KEY)
        )
        self.leak_action.setEnabled(
            operator is not None and can(operator.role, Action.READ_OWN_KEYS)
        )
        if operator is None:
            self._operator_label.setText("")
            return
        if operator.role is not Role.VERIFIER and not self._is_closed:
            self.live.start()
            self.keys.after_first_page(self._start_reminders)
        self._operator_label.setText(
            arg(self.tr("%1 · %2"), operator.login, role_label(operator.role))
        )
        self._operator_label.setToolTip(
            arg(self.tr("Signed in as %1 (%2)"), operator.display_name, role_label(operator.role))
        )
        self.operator_loaded.emit(operator)

    def _start_reminders(self) -> None:
        operator = self._operator
        if operator is not None and operator.role is not Role.VERIFIER and not self._is_closed:
            self.reminders.start()

    @property
    def operator(self) -> Operator | None:
        return self._operator

    # ================================================================== workspaces

    def current_workspace(self) -> Workspace | None:
        widget = self.stack.currentWidget()
        for workspace in self.workspaces.values():
            if workspace.built is widget:
                return workspace
        return None

    def is_workspace_visible(self, name: str) -> bool:
        workspace = self.workspaces.get(name)
        return workspace is not None and workspace.visible(self._operator)

    @Slot(str)
    def switch_to(self, name: str) -> bool:
        """Open workspace ``name`` if the operator's role shows it; whether it is open."""
        workspace = self.workspaces.get(name)
        if workspace is None or not workspace.visible(self._operator):
            current = self.current_workspace()
            if current is not None:
                self.nav.set_current(current.name)  # undo a click on a hidden item
            return False
        self._wanted_workspace = None  # the user chose: the remembered one no longer counts
        self._show_workspace(workspace)
        self._focus_workspace(workspace)
        return True

    def _show_workspace(self, workspace: Workspace) -> None:
        self.stack.setCurrentWidget(workspace.widget)
        self.nav.set_current(workspace.name)
        workspace.action.setChecked(True)
        if not workspace.started:
            workspace.started = True
            start = getattr(workspace.widget, "activate", None) or getattr(
                workspace.widget, "refresh", None
            )
            if start is not None:
                start()

    @staticmethod
    def _focus_workspace(workspace: Workspace) -> None:
        """Keyboard users land inside the page they opened, not on the side bar."""
        widget = workspace.widget
        focus = getattr(widget, "focus_default", None)
        if focus is not None:
            focus()
            return
        for child in widget.findChildren(QWidget):
            if (
                child.isVisibleTo(widget)
                and child.isEnabled()
                and child.focusPolicy() & Qt.FocusPolicy.TabFocus
            ):
                child.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return

    def _apply_visibility(self, workspace: Workspace) -> None:
        visible = workspace.visible(self._operator)
        self.nav.set_item_visible(workspace.name, visible)
        workspace.action.setVisible(visible)
        workspace.action.setEnabled(visible)
        current = self.current_workspace()
        if current is workspace and not visible and self._operator is not None:
            self._show_workspace(self.workspaces[KEYS])

    def _open_wanted_workspace(self) -> None:
        wanted = self._wanted_workspace
        if self._operator is None or wanted is None:
            return
        self._wanted_workspace = None
        workspace = self.workspaces.get(wanted)
        if workspace is not None and workspace.visible(self._operator):
            self._show_workspace(workspace)

    @Slot(str)
    def show_audit_for_key(self, key_id: str) -> None:
        """ "Show in audit log" from a key's panel: the Audit view, filtered to that key."""
        if self.switch_to(AUDIT):
            self.audit.show_key(key_id)

    @Slot()
    def _find(self) -> None:
        current = self.current_workspace()
        if current is not None and current.name == AUDIT:
            self.audit.focus_search()
        else:
            self.switch_to(KEYS)
            self.keys.toolbar.focus_search()

    @Slot()
    def find_leaked_keys(self) -> None:
        """Keys › Find Leaked Keys…: the triage dialog (built by issue 8's evidence work)."""
        if not self.leak_action.isEnabled():
            return
        try:
            from app.ui.dialogs.leak_triage import LeakTriageDialog
        except ImportError:
            self.show_status(self.tr("Finding leaked keys is not available in this version."))
            return
        LeakTriageDialog(self._services, self._tasks, self.operations, self).open()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.nav.set_compact(self.width() < COMPACT_NAV_WIDTH)

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
        current = self.current_workspace()
        if current is not None:
            self._settings.save_workspace(
                self._wanted_workspace if self._wanted_workspace else current.name
            )
        self.keys.save_layout(self._settings)
        self._settings.sync()
        self.keys.close_secrets()
        close_help()
        self.live.stop()
        self.reminders.stop()
        # Answers still on their way are dropped; a stuck job never holds the window open.
        self._tasks.shutdown()
        self._is_closed = True
        event.accept()
        self.closed.emit()
