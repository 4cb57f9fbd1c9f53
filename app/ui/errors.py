"""One error presenter: a known error becomes a clear sentence, a bug becomes a report."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app.domain.errors import KeywardError

log = logging.getLogger(__name__)


def describe(error: BaseException) -> str:
    """The sentence a person sees for ``error``."""
    if isinstance(error, KeywardError):
        return error.message
    return f"Something went wrong inside Keyward ({type(error).__name__}). This is a bug."


class ErrorPresenter(QObject):
    """Shows known errors in the window's banner and bugs in a report dialog.

    Installed as ``sys.excepthook`` and ``threading.excepthook`` by the console, so an
    exception nobody caught still reaches a person as a report instead of vanishing.
    """

    #: A known error's sentence, for the main window's non-blocking banner.
    message = Signal(str)
    #: A bug's report text (type, message and traceback), after the dialog was shown.
    bug_reported = Signal(str)
    # Uncaught exceptions may arrive on any thread; this signal carries them to the GUI thread.
    _uncaught = Signal(object, object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._window: QWidget | None = None
        self._previous_hooks: tuple[object, object] | None = None
        self._uncaught.connect(self.report_bug)

    def set_window(self, window: QWidget) -> None:
        self._window = window

    def present(self, error: BaseException) -> None:
        if isinstance(error, KeywardError):
            self.message.emit(error.message)
            return
        self.report_bug(type(error), error, error.__traceback__)

    def report_bug(
        self,
        kind: type[BaseException],
        error: BaseException,
        tb: TracebackType | None,
    ) -> None:
        text = "".join(traceback.format_exception(kind, error, tb))
        log.error("unexpected error\n%s", text)
        box = QMessageBox(self._window)
        box.setObjectName("bugReportDialog")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(self.tr("Keyward ran into a bug"))
        box.setText(describe(error))
        box.setInformativeText(
            self.tr(
                "Your data is safe: the change in progress was not saved. Please send the "
                "details below to whoever looks after Keyward."
            )
        )
        box.setDetailedText(text)
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        box.open()
        self.bug_reported.emit(text)

    def install(self) -> None:
        """Route uncaught exceptions (GUI and worker threads) to :meth:`report_bug`."""
        self._previous_hooks = (sys.excepthook, threading.excepthook)
        sys.excepthook = self._excepthook

        def thread_hook(args: threading.ExceptHookArgs) -> None:
            if args.exc_value is not None:
                self._excepthook(args.exc_type, args.exc_value, args.exc_traceback)

        threading.excepthook = thread_hook

    def uninstall(self) -> None:
        if self._previous_hooks is not None:
            sys.excepthook, threading.excepthook = self._previous_hooks  # type: ignore[assignment]
            self._previous_hooks = None

    def _excepthook(
        self, kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        self._uncaught.emit(kind, error, tb)
