"""The window shown while a local database of an older version is brought up to this one.

Opening a SQLite file that an earlier Keyward wrote upgrades it first; at 1,000,000 keys an
upgrade that rebuilds the search indexes takes a minute or more. The upgrade runs on a
background thread (:func:`app.ui.start.run_behind`) while this window says what is
happening, with a moving bar: there is no figure to show, and no Cancel, since an upgrade
stopped halfway would only be rolled back and started again the next time. A quick upgrade
never shows it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QVBoxLayout, QWidget

from app.services.facade import upgrade_database
from app.ui.start import run_behind

#: An upgrade that ends sooner than this never shows its window (``app.ui.progress``).
SHOW_AFTER_MS = 300


class SchemaUpdateWindow(QDialog):
    """A sentence on what is happening and a busy bar; it cannot be closed while the update
    runs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("schemaUpdateDialog")
        self.setWindowTitle(QCoreApplication.translate("SchemaUpdate", "Updating the database"))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.message = QLabel(
            QCoreApplication.translate(
                "SchemaUpdate",
                "This database was last used by an earlier version of Keyward and is being "
                "brought up to date. On a large file this takes a few minutes; your keys "
                "appear as soon as it is done.",
            )
        )
        self.message.setObjectName("schemaUpdateMessage")
        self.message.setWordWrap(True)
        bar = QProgressBar()
        bar.setObjectName("schemaUpdateBar")
        bar.setRange(0, 0)  # busy: an upgrade has no figure to show
        bar.setTextVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(bar)
        self.setMinimumWidth(420)

    def reject(self) -> None:
        """Escape does nothing: the update finishes (or fails) on its own."""

    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()


def update_behind_window(database_url: str | None, parent: QWidget | None = None) -> None:
    """Upgrade ``database_url`` off the GUI thread, with a window once it takes a while.

    A failure (a busy or unreadable file) is raised here as :func:`upgrade_database` raises it.
    """
    window = SchemaUpdateWindow(parent)
    timer = QTimer(window)
    timer.setSingleShot(True)
    timer.timeout.connect(window.show)
    timer.start(SHOW_AFTER_MS)
    try:
        run_behind(lambda: upgrade_database(database_url))
    finally:
        timer.stop()
        window.hide()
        window.deleteLater()
