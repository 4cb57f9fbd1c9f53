"""The help shipped with Keyward: ``resources/help/index.html`` in a help window.

F1 opens the window at the top; a dialog's Help button opens it at the dialog's section
(:class:`Topic`). One window serves the whole console. It has no parent on purpose: a
window-modal dialog blocks its parent window and everything parented to that, and help
must stay usable while the dialog that asked for it is open. The module owns it and the
main window closes it on quit (:func:`close_help`).
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QLocale, Qt, QUrl
from PySide6.QtGui import QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app.ui.resources import icon, resources_dir
from app.ui.widgets.lifetime import alive


class Topic(StrEnum):
    """The help page's sections, by their anchors."""

    CREATE = "create-key"
    STORING = "store-secret"
    REVOKE = "revoke"
    DEACTIVATED_OWNERS = "deactivated-owners"
    ROTATION = "rotation"
    AUDIT = "audit"


def help_page() -> QUrl:
    """The help page in the current language (``index_de.html``), else the English one."""
    folder = resources_dir() / "help"
    language = QLocale().name().split("_")[0]
    page = folder / f"index_{language}.html"
    if not page.is_file():
        page = folder / "index.html"
    return QUrl.fromLocalFile(str(page))


class HelpWindow(QWidget):
    """The help page in a browser with links; external links open in the default browser."""

    def __init__(self) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setObjectName("helpWindow")
        self.setWindowTitle(self.tr("Keyward Help"))
        self.setWindowIcon(icon("keyward"))
        # Help never keeps the application running once the console has closed.
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self.resize(760, 720)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("helpBrowser")
        self.browser.setAccessibleName(self.tr("Help"))
        self.browser.setOpenExternalLinks(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.setObjectName("helpButtonBox")
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self, self.close)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)

    def open_topic(self, topic: Topic | None = None) -> None:
        page = help_page()
        if self.browser.source().toLocalFile() != page.toLocalFile():
            self.browser.setSource(page)
        if topic is None:
            self.browser.home()
        else:
            self.browser.scrollToAnchor(topic.value)
        self.browser.setProperty("topic", topic.value if topic else "")
        self.show()
        # Activating brings an open help window to the front (raise_() too, but the
        # offscreen platform of the tests warns about it).
        self.activateWindow()

    @property
    def topic(self) -> str:
        """The section last opened ("" for the top of the page)."""
        return str(self.browser.property("topic") or "")


_window: HelpWindow | None = None


def show_help(topic: Topic | None = None) -> HelpWindow:
    """Open the help window at ``topic`` (the top of the page for None)."""
    global _window
    if _window is None or not alive(_window):
        _window = HelpWindow()
    _window.open_topic(topic)
    return _window


def close_help() -> None:
    global _window
    if _window is not None and alive(_window):
        _window.close()
        _window.deleteLater()
    _window = None


def add_help_button(box: QDialogButtonBox, topic: Topic) -> None:
    """A dialog's Help button (``helpButton``), opening the help at ``topic``."""
    button = box.addButton(QDialogButtonBox.StandardButton.Help)
    button.setObjectName("helpButton")
    # The style's help icon is missing from most icon themes (a broken image): text only.
    button.setIcon(QIcon())
    button.setAccessibleName(button.text().replace("&", ""))
    button.setAutoDefault(False)
    box.helpRequested.connect(lambda: show_help(topic))
    # F1 in the dialog too: the main window's F1 is blocked while a modal dialog is open.
    QShortcut(QKeySequence.StandardKey.HelpContents, box.window(), lambda: show_help(topic))
