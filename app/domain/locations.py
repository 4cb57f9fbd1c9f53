"""Where Keyward keeps its files by default (no database library, no Qt).

:mod:`pathlib` is imported when a path is asked for, not with this module: the command
line's start (``keyward keys list`` with ``--database``) never needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


def default_sqlite_path() -> Path:
    """``keyward.db`` in the platform's data directory."""
    from pathlib import Path

    from platformdirs import user_data_dir

    return Path(user_data_dir("keyward", appauthor=False)) / "keyward.db"
