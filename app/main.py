"""`keyward`: the console when no command is given, the command line otherwise.

The one module that knows both front ends. The command line never imports the ui (and so
never loads Qt); the console is imported only when it is asked for.
"""

from __future__ import annotations

import importlib

from app.cli.main import CONSOLE_UNAVAILABLE
from app.cli.main import main as run_command_line
from app.cli.output import error


def run_console(database_url: str | None) -> int:
    """Open the console for ``database_url`` and run it until its window closes."""
    try:
        # By name, at run time: a build without the ui (or without Qt) still runs commands.
        ui = importlib.import_module("app.ui")
        console = ui.run_console
    except (ImportError, AttributeError):
        error(CONSOLE_UNAVAILABLE)
        return 1
    try:
        return int(console(database_url))
    except ImportError:
        # The console proper is imported behind its first window (app.ui.start).
        error(CONSOLE_UNAVAILABLE)
        return 1


def main(argv: list[str] | None = None) -> int:
    """Run ``keyward`` with ``argv`` (default: the process's); returns the exit status."""
    return run_command_line(argv, console=run_console)
