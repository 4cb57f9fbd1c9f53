"""Keyward: a desktop admin console for the API keys an organisation's integrations use."""

from __future__ import annotations

import sys

__version__ = "0.1.0"

if "shibokensupport.feature" in sys.modules:  # PySide6 came first: see app.pyside_hook
    from app.pyside_hook import scan_sources_lightly

    scan_sources_lightly()
