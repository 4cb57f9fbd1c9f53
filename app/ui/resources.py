"""Icons and the style sheet shipped in ``resources/`` (also inside a PyInstaller bundle)."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon


@cache
def resources_dir() -> Path:
    """Where ``resources/`` is: in the bundle, next to the installed package, or the checkout."""
    bundle = getattr(sys, "_MEIPASS", None)  # set by PyInstaller's one-folder bundle
    if bundle:
        return Path(bundle) / "resources"
    package = Path(__file__).resolve().parents[1]
    installed = package / "resources"  # a wheel installs it as app/resources
    if installed.is_dir():
        return installed
    return package.parent / "resources"  # the source tree


@cache
def icon(name: str) -> QIcon:
    """``resources/icons/<name>.svg`` as a QIcon (an empty icon if it is missing)."""
    path = resources_dir() / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()


def style_sheet() -> str:
    path = resources_dir() / "style" / "keyward.qss"
    return path.read_text(encoding="utf-8") if path.exists() else ""
