"""The one QApplication: named, styled and speaking the chosen language.

Light on purpose (Qt, the style sheet and the translations): ``keyward`` makes it before
the console's heavy imports, to show the first page of keys while they load.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from app.ui.resources import icon, style_sheet
from app.ui.translations import install_translations

APP_NAME = "Keyward"


def ensure_application() -> QApplication:
    """The QApplication, created once, named, styled and speaking the chosen language.

    Called again on the way to the console (``keyward`` calls it three times before the
    console is shown): what is already so is left alone. Setting even the same style sheet
    again re-polishes every widget and repaints every window shown: the first page's window
    was re-polished twice during a start and repainted (19-29 ms of a 39-47 ms freeze on a
    slow machine). A window icon set again is sent to every window.
    """
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName("keyward")
    if app.windowIcon().isNull():
        app.setWindowIcon(icon("keyward"))
    sheet = style_sheet()
    if app.styleSheet() != sheet:
        app.setStyleSheet(sheet)
    install_translations(app)
    return app
