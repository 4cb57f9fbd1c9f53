"""Translated strings are filled in one pass: a value is never filled in again."""

from __future__ import annotations

from app.ui.text import arg


def test_markers_are_filled_in_order_and_translators_may_reorder_them() -> None:
    assert arg("%1 · %2", "ann", "Manager") == "ann · Manager"
    assert arg("%2, by %1", "ann", "today") == "today, by ann"


def test_a_value_containing_a_marker_is_inserted_as_it_is() -> None:
    assert arg("Signed in as %1 (%2)", "Ann %2 Lee", "Manager") == (
        "Signed in as Ann %2 Lee (Manager)"
    )
    assert arg("Deleted “%1”", "50%1 off") == "Deleted “50%1 off”"


def test_a_marker_without_a_value_stays() -> None:
    assert arg("%1 of %2", "3") == "3 of %2"
