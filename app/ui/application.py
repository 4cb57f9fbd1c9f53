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
    """The QApplication, created once, named, styled and speaking the chosen language."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName("keyward")
    app.setWindowIcon(icon("keyward"))
    app.setStyleSheet(style_sheet())
    install_translations(app)
    return app
