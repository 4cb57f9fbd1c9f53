"""Fitting a table's columns into its width: narrow some in turn, then apply the widths.

Each table decides which columns give way, in which order and how far (the keys table by
its column specs and the user's widths, the others by a few constants); the arithmetic and
the resizing are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from typing import TypeVar

from PySide6.QtWidgets import QHeaderView

#: A column: its section number (an int, or an IntEnum of a table's columns).
C = TypeVar("C", bound=int)


def narrow_in_turn(
    widths: MutableMapping[C, int], excess: int, leasts: Iterable[tuple[C, int]]
) -> int:
    """Take ``excess`` pixels from the columns of ``leasts`` (column, least width), in that
    order, none below its least; the excess still left (over 0: even those do not fit)."""
    for column, least in leasts:
        if excess <= 0:
            break
        take = min(excess, widths[column] - least)
        if take > 0:
            widths[column] -= take
            excess -= take
    return excess


def resize_sections(header: QHeaderView, widths: Mapping[C, int]) -> None:
    """Give each section its width (those already so are left alone: no relayout)."""
    for column, width in widths.items():
        if header.sectionSize(column) != width:
            header.resizeSection(column, width)
