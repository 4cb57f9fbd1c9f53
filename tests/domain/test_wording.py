"""Counted nouns in the command line's English sentences."""

from __future__ import annotations

from app.domain.wording import counted


def test_one_is_singular_and_every_other_count_plural() -> None:
    assert counted(1, "day") == "1 day"
    assert [counted(n, "key") for n in (0, 2, 10)] == ["0 keys", "2 keys", "10 keys"]
    assert counted(2, "person", "people") == "2 people"
    assert counted(1, "person", "people") == "1 person"
