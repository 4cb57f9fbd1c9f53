"""Keyward's version, from the package metadata (wheel, ``uv sync`` and the bundle alike).

The PyInstaller bundle carries the ``keyward`` distribution's metadata (the spec copies it);
a checkout that was never installed falls back to ``pyproject.toml``.
"""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

UNKNOWN = "unknown"


def version() -> str:
    """``0.1.0`` and the like; ``unknown`` if neither the metadata nor pyproject says."""
    try:
        return metadata.version("keyward")
    except metadata.PackageNotFoundError:
        pass
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    try:
        with pyproject.open("rb") as stream:
            found = tomllib.load(stream).get("project", {}).get("version")
    except (OSError, tomllib.TOMLDecodeError):
        return UNKNOWN
    return found if isinstance(found, str) else UNKNOWN
