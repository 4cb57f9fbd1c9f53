"""The desktop console: the only package that imports PySide6.

``open_console`` builds the console for a database URL without starting an event loop;
``run_console`` runs it (the ``keyward`` command without a subcommand).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import PySide6  # noqa: F401 - first, so that its import hook is made light at once

from app.pyside_hook import scan_sources_lightly

if TYPE_CHECKING:
    from app.ui.app import open_console
    from app.ui.start import run_console

__all__ = ["open_console", "run_console"]


def __getattr__(name: str) -> Any:
    # Imported on first use: `import app.ui.tasks` (tests, dialogs) must not build the window
    # module graph, and app.ui.app imports the submodules of this very package.
    if name == "run_console":
        # Light: it shows the first page of keys before the console's heavy imports.
        from app.ui import start

        return start.run_console
    if name in __all__:
        from app.ui import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


scan_sources_lightly()
