"""Keyward's version, from the package metadata (wheel, ``uv sync`` and the bundle alike).

The PyInstaller bundle carries the ``keyward`` distribution's metadata (the spec copies it);
a checkout that was never installed falls back to ``pyproject.toml``.
"""

from __future__ import annotations

import os
import sys

UNKNOWN = "unknown"


def version() -> str:
    """``0.1.0`` and the like; ``unknown`` if neither the metadata nor pyproject says."""
    found = _from_dist_info()
    if found is not None:
        return found
    # Only when that found nothing certain: importing ``importlib.metadata`` (``email``,
    # ``zipfile``…) costs ``keyward --version`` about as much as the rest of its start.
    from importlib import metadata

    try:
        return metadata.version("keyward")
    except metadata.PackageNotFoundError:
        pass
    return _from_pyproject()


def _from_dist_info() -> str | None:
    """The ``Version:`` of the first ``keyward-*.dist-info`` along ``sys.path``, as
    ``importlib.metadata`` finds it; None if there is none, or two in one folder."""
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as listing:
                found = [
                    item.path
                    for item in listing
                    if item.name.startswith("keyward-") and item.name.endswith(".dist-info")
                ]
        except OSError:
            continue
        if len(found) > 1:
            return None
        if found:
            return _version_line(os.path.join(found[0], "METADATA"))
    return None


def _version_line(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as stream:
            for line in stream:
                if not line.strip():
                    break  # the headers end at the first empty line
                if line.startswith("Version:"):
                    return line.partition(":")[2].strip() or None
    except (OSError, UnicodeDecodeError):
        return None
    return None


def _from_pyproject() -> str:
    import tomllib
    from pathlib import Path

    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    try:
        with pyproject.open("rb") as stream:
            found = tomllib.load(stream).get("project", {}).get("version")
    except (OSError, tomllib.TOMLDecodeError):
        return UNKNOWN
    return found if isinstance(found, str) else UNKNOWN
