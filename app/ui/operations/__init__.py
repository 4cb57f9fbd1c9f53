"""Key operations the console runs: one place, one signal per result (see ``keys.py``)."""

from __future__ import annotations

from app.ui.operations.keys import KeyOperations

__all__ = ["KeyOperations"]
