"""Counted nouns in the English sentences of the command line, refusals and reports (the
console words its own, translated, through ``app.ui.text.plural``)."""

from __future__ import annotations


def counted(count: int, one: str, many: str | None = None) -> str:
    """``1 day``, ``2 days``: the count and its noun; ``many`` where the plural is not
    ``one`` + s."""
    return f"{count} {one if count == 1 else many or one + 's'}"
