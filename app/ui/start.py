"""``keyward`` without a command: the window and its first page first, the rest behind it.

Importing the console (SQLAlchemy, the services, every screen) takes most of a second or
more; a bare table over :mod:`sqlite3` is on screen in a fifth of that. So on a local SQLite
file the first page of keys is shown first (:mod:`app.ui.first_window`), the console is
imported on a background thread while that window stays live (it repaints, moves and
closes), and the console proper then opens in its place. Anywhere else (a server database,
another workspace open last, an operator the file does not let in) the console starts the
usual way.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from types import ModuleType
from typing import TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal

from app.ui.application import ensure_application
from app.ui.first_window import FirstWindow, open_first_window
from app.ui.tasks import favour_the_window

T = TypeVar("T")

#: The console proper: everything the first window does without.
CONSOLE_MODULE = "app.ui.app"


def run_console(database_url: str | None = None) -> int:
    """Run the console for ``database_url`` until its window closes; the exit code."""
    ensure_application()
    first = open_first_window(database_url)
    if first is None:
        console = importlib.import_module(CONSOLE_MODULE)
        return int(console.run_console(database_url))
    # The first window answers while the console is imported and built behind it: the
    # GIL's short switch interval from now on, not only once the console is shown.
    favour_the_window()
    _show_when_ready(first)
    try:
        console = import_behind(CONSOLE_MODULE)
    except ImportError:
        # A build without the console's parts: the caller says so in one sentence, and
        # no window may stay behind it.
        first.close()
        first.deleteLater()
        raise
    favour_the_window()  # the modules just imported leave the full collections too
    if first.closed_early:
        first.deleteLater()
        return 0
    return int(console.run_console(database_url, first=first))


def _show_when_ready(first: FirstWindow) -> None:
    """Show ``first`` once its rows are there (or the wait is over), then paint it."""
    loop = QEventLoop()
    first.ready.connect(loop.quit)
    loop.exec()
    first.ready.disconnect(loop.quit)
    first.show()


class _Finished(QObject):
    """Tells the waiting event loop, from the importing thread, that it is done."""

    done = Signal()


def import_behind(name: str) -> ModuleType:
    """Import ``name`` on a background thread while this thread's event loop runs."""
    return run_behind(lambda: importlib.import_module(name))


def run_behind(work: Callable[[], T]) -> T:
    """Run ``work`` on a background thread while this thread's event loop runs; its result.

    Windows already shown stay live meanwhile. What ``work`` raises is raised here, on this
    thread.
    """
    finished = _Finished()
    loop = QEventLoop()
    # Queued across threads: delivered once the loop below runs, however soon it comes.
    finished.done.connect(loop.quit, Qt.ConnectionType.QueuedConnection)
    outcome: list[T] = []
    failure: list[BaseException] = []

    def body() -> None:
        try:
            outcome.append(work())
        except BaseException as error:  # noqa: BLE001 - raised again on the caller's thread
            failure.append(error)
        finally:
            finished.done.emit()

    worker = threading.Thread(target=body, name="keyward-behind-the-window", daemon=True)
    worker.start()
    loop.exec()
    worker.join()
    if failure:
        raise failure[0]
    return outcome[0]
