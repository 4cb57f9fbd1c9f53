"""`keyward`: the console when no command is given, the command line otherwise.

The one module that knows both front ends. The command line never imports the ui (and so
never loads Qt); the console is imported only when it is asked for.
"""

from __future__ import annotations

import importlib
import sys

from app.cli import helper


def run_console(database_url: str | None) -> int:
    """Open the console for ``database_url`` and run it until its window closes."""
    from app.cli.main import CONSOLE_UNAVAILABLE
    from app.cli.output import error

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
    arguments = sys.argv[1:] if argv is None else argv
    if helper.reads_the_database(arguments):
        # Before the parser is even loaded: the helper parses it as this process would.
        status = helper.delegate(arguments)
        if status is not None:
            return status
    from app.cli.main import main as run_command_line

    return run_command_line(arguments, console=run_console)
