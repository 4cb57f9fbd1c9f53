"""Printing for the command line: JSON for scripts, aligned text for people."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Any

from app.domain.validation import expiry_day

if TYPE_CHECKING:
    from app.services.dto import KeyDTO

NEVER = "Never"
NO_DATE = "—"

# Text that came from the database is shown as data, never as terminal control sequences.
_HIDDEN = frozenset({"Cc", "Zl", "Zp"})
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def echo(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def emit_json(data: Any) -> None:
    import json  # only where JSON is asked for: every command's start pays for this module

    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def note(text: str) -> None:
    """A sentence about what is happening, on stderr (stdout carries only the result)."""
    sys.stderr.write(f"keyward: {text}\n")
    sys.stderr.flush()


def error(text: str) -> None:
    """One sentence on stderr, prefixed so it is clear which program said it."""
    sys.stderr.write(f"keyward: {text}\n")


def clean(text: str | None) -> str:
    """One line of printable text: control characters and line breaks become spaces."""
    if not text:
        return ""
    return "".join(
        " " if unicodedata.category(ch) in _HIDDEN or ch in _BIDI_CONTROLS else ch for ch in text
    )


def when(moment: datetime | None, *, empty: str = NO_DATE) -> str:
    """``YYYY-MM-DD HH:MM UTC``."""
    if moment is None:
        return empty
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def expires(moment: datetime | None) -> str:
    """A day-granular expiry reads as its last day; a grace-period deadline as a time."""
    if moment is None:
        return NO_DATE
    if moment.astimezone(UTC).time() == time(0, 0):
        day = expiry_day(moment)
        return f"{day.isoformat()} (end of day UTC)" if day else NO_DATE
    return when(moment)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, limit: int) -> str:
    text = clean(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, limit: int = 48) -> None:
    """Columns padded to their widest cell; long cells are cut with an ellipsis."""
    cells = [[_fit(cell, limit) for cell in row] for row in rows]
    widths = [_width(header) for header in headers]
    for row in cells:
        widths = [max(width, _width(cell)) for width, cell in zip(widths, row, strict=True)]

    def line(values: Sequence[str]) -> str:
        padded = [
            value + " " * (width - _width(value))
            for value, width in zip(values, widths, strict=True)
        ]
        return "  ".join(padded).rstrip()

    echo(line(headers))
    echo(line(["-" * width for width in widths]))
    for row in cells:
        echo(line(row))


def fields(pairs: Sequence[tuple[str, str]]) -> None:
    """``Label:  value`` lines with the values aligned; a multi-line value stays indented."""
    width = max(len(label) for label, _ in pairs) + 2
    for label, value in pairs:
        lines = [clean(line) for line in value.splitlines()] or [""]
        echo(f"{label + ':':<{width}}{lines[0]}".rstrip())
        for line in lines[1:]:
            echo((" " * width + line).rstrip())


def key_fields(key: KeyDTO) -> list[tuple[str, str]]:
    return [
        ("Name", clean(key.name)),
        ("ID", key.key_id),
        ("Key", key.masked),
        ("Owner", owner(key)),
        ("Status", key.status.label),
    ]


def owner(key: KeyDTO) -> str:
    name = clean(key.owner_name)
    shown = name if name == key.owner_login else f"{name} ({key.owner_login})"
    return shown if key.owner_active else f"{shown}, deactivated"


def key_row(key: KeyDTO) -> list[str]:
    return [
        key.name,
        key.masked,
        clean(key.owner_name),
        key.status.label,
        when(key.last_used_at, empty=NEVER),
        expires(key.expires_at).removesuffix(" (end of day UTC)"),
        when(key.created_at),
        when(key.updated_at),
    ]


KEY_HEADERS = (
    "Name",
    "Key",
    "Owner",
    "Status",
    "Last Used",
    "Expires",
    "Created On",
    "Last Updated On",
)
