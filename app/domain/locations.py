"""Where Keyward keeps its files by default (no database library, no Qt)."""

from __future__ import annotations

from pathlib import Path


def default_sqlite_path() -> Path:
    """``keyward.db`` in the platform's data directory."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("keyward", appauthor=False)) / "keyward.db"
