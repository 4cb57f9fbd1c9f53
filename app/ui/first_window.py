"""The first page of keys, on screen while the rest of the console loads.

``keyward`` on a local SQLite file shows this window a fraction of a second after it
starts, with the console's own keys table (columns, widths, sort and look as the user left
them) over the first page read with :mod:`sqlite3` (:mod:`app.services.first_page`). It
takes no input: the console proper opens in its place, at the same place and size, once its
own first page has arrived. Closing it meanwhile closes Keyward.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QVBoxLayout, QWidget

from app.services.first_page import FirstPage, open_first_page
from app.ui.models.keys_model import KeysModel
from app.ui.resources import icon
from app.ui.settings import WindowSettings
from app.ui.tasks import TaskRunner
from app.ui.widgets.keys_table import KeysTable
from app.ui.widgets.nav_bar import NavBar

#: The main window's size when nothing was remembered (``main_window.DEFAULT_SIZE``).
DEFAULT_WIDTH, DEFAULT_HEIGHT = 1280, 800
#: The workspace whose first page this is (``main_window.KEYS``).
KEYS_WORKSPACE = "keys"
#: The longest wait for the rows before the window shows without them (ms).
ROWS_WAIT_MS = 1_000


class FirstWindow(QMainWindow):
    """The keys table's first page, read-only, until the console replaces it."""

    #: The first page has arrived (or could not be read): the window may be shown.
    ready = Signal()

    def __init__(self, source: FirstPage, settings: WindowSettings | None = None) -> None:
        super().__init__()
        self.setObjectName("firstWindow")
        self.setWindowTitle(self.tr("Keyward"))
        #: The person closed it before the console was ready: Keyward ends.
        self.closed_early = False
        #: Whether the file it shows is of this version's schema (read with its first page).
        self.current_schema = source.current
        self._handed_over = False
        self._was_ready = False
        self._tasks = TaskRunner(parent=self)
        self.model = KeysModel(source, self._tasks, parent=self)
        self.table = KeysTable(self.model)
        # Nothing here acts yet: no focus, no selection, no controls to click.
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setSelectionMode(KeysTable.SelectionMode.NoSelection)
        self.table.viewport().installEventFilter(_SwallowInput(self))
        self.setCursor(Qt.CursorShape.BusyCursor)
        title = QLabel(self.tr("API Keys"))
        title.setObjectName("pageTitle")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setWeight(QFont.Weight.DemiBold)
        title.setFont(font)
        self.status = QLabel(self.tr("Opening the console…"))
        self.status.setObjectName("firstWindowStatus")
        self.status.setEnabled(False)  # muted secondary text, as the page subtitle
        # The console's frame (``MainWindow``): the side bar, then the workspace's column.
        central = QWidget(self)
        central.setObjectName("centralArea")
        nav = NavBar(central)
        nav.add_item(KEYS_WORKSPACE, "navKeys", icon("key"), self.tr("Keys"))
        nav.set_current(KEYS_WORKSPACE)
        nav.setEnabled(False)
        content = QWidget(central)
        content.setObjectName("workspaceArea")
        column = QVBoxLayout(content)
        column.setContentsMargins(18, 14, 18, 6)
        column.setSpacing(8)
        column.addWidget(title)
        column.addWidget(self.status)
        column.addWidget(self.table, 1)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(nav)
        layout.addWidget(content, 1)
        self.setCentralWidget(central)
        settings = settings or WindowSettings()
        settings.restore_geometry(self, QSize(DEFAULT_WIDTH, DEFAULT_HEIGHT))
        self._restore_table(settings)
        # Ready once: the rows are there, could not be read, or took too long.
        self._waiting = QTimer(self)
        self._waiting.setSingleShot(True)
        self._waiting.timeout.connect(self._on_ready)
        self._waiting.start(ROWS_WAIT_MS)
        self.model.query_loaded.connect(self._on_ready)
        self.model.load_failed.connect(self._on_ready)

    def _on_ready(self, *_: object) -> None:
        if self._was_ready:
            return
        self._was_ready = True
        self._waiting.stop()
        self.ready.emit()

    def _restore_table(self, settings: WindowSettings) -> None:
        """The columns and the sort as the console remembers them (``KeysView``)."""
        self.table.restore_columns(settings)
        if not self.model.is_loading:
            self.model.refresh()

    def hand_over(self, window: QWidget) -> None:
        """Show ``window`` where this one is, then close this one."""
        self._handed_over = True
        if self.isMaximized():
            window.showMaximized()
        else:
            window.setGeometry(self.geometry())
            window.show()
        # The focus goes to the console, not to wherever the window manager puts it next.
        window.raise_()
        window.activateWindow()
        self.close()
        self.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._handed_over:
            self.closed_early = True
        self._tasks.shutdown()
        super().closeEvent(event)


class _SwallowInput(QObject):
    """The table paints its rows but takes no clicks: its controls do nothing yet."""

    _INPUT = frozenset(
        {
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseButtonRelease,
            QEvent.Type.MouseButtonDblClick,
            QEvent.Type.ContextMenu,
        }
    )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        return event.type() in self._INPUT


def open_first_window(database_url: str | None) -> FirstWindow | None:
    """The first page's window for ``database_url``, not yet shown; None where the console
    has to start the usual way (not a local SQLite file, another workspace was open last,
    an operator the database does not let in)."""
    settings = WindowSettings()
    if settings.workspace(KEYS_WORKSPACE) != KEYS_WORKSPACE:
        return None
    source = open_first_page(database_url)
    if source is None:
        return None
    return FirstWindow(source, settings)
