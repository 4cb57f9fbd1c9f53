"""A narrow window: Name, Status and the row actions stay on screen; other columns give way.

At 800×600 (the smallest screen the console supports well), with the detail panel open or
closed, the table never needs a horizontal scroll to show a key's name, its status and its
controls: the other columns narrow first (their text elides), then step aside.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QHeaderView

from app.services import Services
from app.ui.main_window import MainWindow
from app.ui.models.key_columns import COLUMNS, Column
from app.ui.settings import WindowSettings
from app.ui.widgets.key_actions import ACTIONS_WIDTH
from tests.ui.support import WAIT_MS, seed_keys

KEPT = (Column.NAME, Column.STATUS, Column.ACTIONS)


def on_screen(window: MainWindow, column: Column) -> bool:
    view = window.keys.table
    header = view.horizontalHeader()
    left = header.sectionViewportPosition(column)
    return (
        not header.isSectionHidden(column)
        and header.sectionSize(column) > 0
        and left >= 0
        and left + header.sectionSize(column) <= view.viewport().width()
    )


def settle(qtbot: Any, window: MainWindow, size: QSize) -> None:
    window.resize(size)
    qtbot.wait_until(lambda: window.size() == size, timeout=WAIT_MS)
    view = window.keys.table
    qtbot.wait_until(
        lambda: (
            view.horizontalHeader().length() <= view.viewport().width()
            and view.horizontalScrollBar().maximum() == 0
        ),
        timeout=WAIT_MS,
    )


@pytest.mark.parametrize("panel_open", [False, True], ids=["panel closed", "panel open"])
@pytest.mark.parametrize("size", [QSize(800, 600), QSize(900, 600)], ids=["800", "900"])
def test_name_status_and_actions_stay_visible(
    qtbot: Any, make_window: Any, ui_services: Services, panel_open: bool, size: QSize
) -> None:
    # Enough rows for a vertical scroll bar, which takes its share of the width too.
    seed_keys(ui_services, 30, stem="Salesforce Data Sync for the EMEA sales team")
    window = make_window(ui_services)
    if panel_open:
        window.keys.table.selectRow(0)
        qtbot.wait_until(window.keys.panel.isVisible, timeout=WAIT_MS)
    settle(qtbot, window, size)
    view = window.keys.table
    header = view.horizontalHeader()
    for column in KEPT:
        assert on_screen(window, column), column.name
    assert header.sectionSize(Column.ACTIONS) == ACTIONS_WIDTH
    assert header.sectionSize(Column.NAME) >= 80
    # The status badge is never cut: its column keeps its full width.
    assert header.sectionSize(Column.STATUS) == window.keys.table.default_width(Column.STATUS)
    # A column that gives way narrows (its cells elide) but keeps its header readable.
    for column in Column:
        if not header.isSectionHidden(column):
            needed = header.sectionSizeFromContents(column).width()
            assert header.sectionSize(column) >= needed, column.name


def test_a_wider_window_gives_the_columns_back(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    seed_keys(ui_services, 2)
    window = make_window(ui_services)
    header = window.keys.table.horizontalHeader()
    settle(qtbot, window, QSize(1280, 800))
    wide = {column: header.sectionSize(column) for column in Column}
    hidden = {column for column in Column if header.isSectionHidden(column)}
    assert hidden == {c for c, spec in COLUMNS.items() if spec.hidden_by_default}

    window.keys.table.selectRow(0)
    qtbot.wait_until(window.keys.panel.isVisible, timeout=WAIT_MS)
    settle(qtbot, window, QSize(800, 600))
    assert any(
        header.isSectionHidden(c) or header.sectionSize(c) < wide[c]
        for c in Column
        if c not in KEPT and c not in hidden
    )
    window.keys.close_details()
    settle(qtbot, window, QSize(1280, 800))
    qtbot.wait_until(
        lambda: all(
            header.sectionSize(column) == wide[column]
            for column in Column
            if column not in hidden and column is not Column.NAME
        ),
        timeout=WAIT_MS,
    )
    for column in Column:
        assert header.isSectionHidden(column) == (column in hidden), column.name


def test_a_narrow_window_saves_the_user_s_widths_not_the_squeezed_ones(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    seed_keys(ui_services, 2)
    window = make_window(ui_services)
    header = window.keys.table.horizontalHeader()
    settle(qtbot, window, QSize(1280, 800))
    header.resizeSection(Column.OWNER, 230)  # the user's own width
    window.keys.table.selectRow(0)
    qtbot.wait_until(window.keys.panel.isVisible, timeout=WAIT_MS)
    settle(qtbot, window, QSize(800, 600))
    assert header.sectionSize(Column.OWNER) < 230 or header.isSectionHidden(Column.OWNER)
    shown_narrow = {column: header.sectionSize(column) for column in Column}

    settings = WindowSettings()
    window.keys.save_layout(settings)
    saved = QHeaderView(header.orientation())
    saved.setModel(window.keys.model)
    assert settings.restore_header(saved)
    table = window.keys.table
    for column in Column:
        if column is Column.DESCRIPTION:
            assert saved.isSectionHidden(column)
            continue
        assert not saved.isSectionHidden(column), column.name
        if column is Column.OWNER:
            assert saved.sectionSize(column) == 230
        elif column is not Column.NAME:  # Name's saved width is its own, not its fill
            assert saved.sectionSize(column) == table.default_width(column), column.name
    # The window still shows the narrow layout after saving.
    qtbot.wait_until(
        lambda: {column: header.sectionSize(column) for column in Column} == shown_narrow,
        timeout=WAIT_MS,
    )
    for column in KEPT:
        assert on_screen(window, column), column.name
    saved.deleteLater()


def test_the_filters_row_keeps_the_count_whole_beside_a_long_owner_name(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    """At 800×600 the owner filter is as wide as "Any owner", whoever the people are: sized
    to its longest name it pushed the count until "2,000 matching keys" read "2,000
    matching key", and the date of "As of" off the window's edge."""
    long_name = "Ana Maria de los Santos Fernández-Oyarzábal"
    ui_services.users.add("ana", display_name=long_name)
    seed_keys(ui_services, 3)
    window = make_window(ui_services)
    toolbar = window.keys.toolbar
    qtbot.wait_until(lambda: toolbar.owner_filter.count() > 1, timeout=WAIT_MS)
    window.keys.table.selectRow(0)  # the detail panel open too
    settle(qtbot, window, QSize(800, 600))
    label = toolbar.count_label
    toolbar.show_count(1_234_567, filtered=True)  # as many as a search may match
    assert label.text() == "1,234,567 matching keys"
    qtbot.wait_until(
        lambda: label.width() >= label.fontMetrics().horizontalAdvance(label.text()),
        timeout=WAIT_MS,
    )
    for widget in (label, toolbar.as_of_field, toolbar.owner_filter):
        right = widget.mapTo(window, widget.rect().topRight()).x()
        assert right < window.width(), widget.objectName()
    # The long name is still offered in full in the list that drops down.
    names = [toolbar.owner_filter.itemText(n) for n in range(toolbar.owner_filter.count())]
    assert long_name in names
