"""What the console remembers between runs: window geometry, splitter, table columns.

Only layout lives here. No key data, no secret and no database password is ever written to
this file (passwords go to the OS keyring, see ``db_login``).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QCoreApplication, QRect, QSettings, QSize
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QHeaderView, QWidget

_GEOMETRY = "window/geometry"
_PANEL_WIDTH = "window/detailPanelWidth"
_SPLITTER = "window/splitterState"
_HEADER = "keysTable/headerState"
_WORKSPACE = "window/workspace"


def open_settings() -> QSettings:
    """The user's settings file (an INI file everywhere, so tests can redirect it)."""
    organization = QCoreApplication.organizationName() or "Keyward"
    application = QCoreApplication.applicationName() or "Keyward"
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, organization, application
    )


def clamp_to_screen(rect: QRect, available: QRect) -> QRect:
    """``rect`` resized and moved so that it lies inside ``available`` (a screen's work area).

    Restoring the geometry saved on a bigger or another monitor must not put the window
    off-screen or beyond the edges of a laptop's display.
    """
    width = min(rect.width(), available.width())
    height = min(rect.height(), available.height())
    left = min(max(rect.left(), available.left()), available.right() - width + 1)
    top = min(max(rect.top(), available.top()), available.bottom() - height + 1)
    return QRect(left, top, width, height)


def _screen_for(widget: QWidget) -> QScreen | None:
    center = widget.frameGeometry().center()
    return QGuiApplication.screenAt(center) or widget.screen() or QGuiApplication.primaryScreen()


def fit_to_screen(window: QWidget) -> None:
    """Move and shrink ``window`` (frame included) into its screen's work area."""
    screen = _screen_for(window)
    if screen is None or window.isMaximized() or window.isFullScreen():
        return
    frame, inner = window.frameGeometry(), window.geometry()
    wanted = clamp_to_screen(frame, screen.availableGeometry())
    if wanted == frame:
        return
    # The frame (title bar, borders) is not part of geometry(): keep its margins outside.
    window.setGeometry(
        wanted.adjusted(
            inner.left() - frame.left(),
            inner.top() - frame.top(),
            inner.right() - frame.right(),
            inner.bottom() - frame.bottom(),
        )
    )


class WindowSettings:
    """Saves and restores the main window's layout in :class:`QSettings`."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings or open_settings()

    @property
    def file_name(self) -> str:
        return self._settings.fileName()

    @property
    def store(self) -> QSettings:
        """The settings themselves, for parts that keep a value of their own (reminders)."""
        return self._settings

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._settings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    # ------------------------------------------------------------------ window

    def restore_geometry(self, window: QWidget, default: QSize) -> None:
        saved = self._bytes(_GEOMETRY)
        if saved is None or not window.restoreGeometry(saved):
            window.resize(default)
        fit_to_screen(window)

    def save_geometry(self, window: QWidget) -> None:
        self._settings.setValue(_GEOMETRY, window.saveGeometry())

    # ------------------------------------------------------------------ splitter

    def panel_width(self, default: int) -> int:
        value = self._settings.value(_PANEL_WIDTH, default)
        try:
            return max(int(str(value)), 0)
        except ValueError:
            return default

    def save_panel_width(self, width: int) -> None:
        self._settings.setValue(_PANEL_WIDTH, int(width))

    def splitter_state(self) -> QByteArray | None:
        return self._bytes(_SPLITTER)

    def save_splitter_state(self, state: QByteArray) -> None:
        self._settings.setValue(_SPLITTER, state)

    # ------------------------------------------------------------------ table

    def restore_header(self, header: QHeaderView) -> bool:
        saved = self._bytes(_HEADER)
        return saved is not None and header.restoreState(saved)

    def save_header(self, header: QHeaderView) -> None:
        self._settings.setValue(_HEADER, header.saveState())

    # ------------------------------------------------------------------ workspace

    def workspace(self, default: str) -> str:
        """The workspace (``keys``, ``audit``…) open when the window last closed."""
        value = self._settings.value(_WORKSPACE, default)
        return value if isinstance(value, str) and value else default

    def save_workspace(self, name: str) -> None:
        self._settings.setValue(_WORKSPACE, name)

    def sync(self) -> None:
        self._settings.sync()
