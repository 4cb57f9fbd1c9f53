"""Keyward: a desktop admin console for the API keys an organisation's integrations use."""

from __future__ import annotations

__version__ = "0.1.0"
