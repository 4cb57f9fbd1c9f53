"""The keys table paints what its rows hold, however they got there (issue 11, "Smooth").

Repaints ask the model for all of a cell's roles at once (``multiData``), the badges and the
row controls are drawn once per look and copied, and a page that arrives below the visible
rows does not repaint the table: none of that may change what a person sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan, QPoint, Qt
from PySide6.QtGui import QColor, QIcon, QImage
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.services import Services
from app.ui.models.keys_model import Column, KeyRole, KeysModel, StatusRole
from app.ui.resources import style_sheet
from app.ui.widgets.keys_table import KeysTable
from tests.ui.support import WAIT_MS, seed_keys

#: Every relative time reads the same in every model of a test.
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)

ROLES = [
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.DecorationRole,
    Qt.ItemDataRole.EditRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.StatusTipRole,
    Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.CheckStateRole,
    Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.AccessibleDescriptionRole,
    KeyRole,
    StatusRole,
]


@pytest.fixture
def make_model(qtbot: Any, tasks: Any, ui_services: Services) -> Iterator[Any]:
    made: list[KeysModel] = []

    def _make(page_size: int = 100) -> KeysModel:
        model = KeysModel(ui_services, tasks, page_size=page_size, clock=lambda: NOW)
        made.append(model)
        with qtbot.wait_signal(model.query_loaded, timeout=WAIT_MS):
            model.refresh()
        return model

    yield _make
    tasks.wait_for_done()
    for model in made:
        shiboken6.delete(model)


def _varied_keys(services: Services) -> None:
    """Keys that read differently: active, disabled, revoked (dimmed), rotated (an icon)."""
    ids = seed_keys(services, 6)
    services.keys.disable(ids[1])
    services.keys.revoke(ids[2], "leaked")
    services.keys.rotate(ids[3])


def test_every_role_of_every_cell_reads_the_same_asked_one_by_one_or_all_at_once(
    make_model: Any, ui_services: Services
) -> None:
    _varied_keys(ui_services)
    model = make_model()
    assert model.rowCount() == 7
    for row in range(model.rowCount()):
        for column in Column:
            index = model.index(row, column)
            items = [QModelRoleData(int(role)) for role in ROLES]
            for item in items:
                model.multiData(index, QModelRoleDataSpan(item))
            for role, item in zip(ROLES, items, strict=True):
                assert _same(item.data(), index.data(role)), (row, column.name, role)


def _same(one: object, other: object) -> bool:
    if isinstance(one, QIcon) and isinstance(other, QIcon):
        return one.cacheKey() == other.cacheKey()  # a QIcon has no == of its own
    return one == other


def test_a_cell_is_drawn_with_its_text_font_colour_and_icon(
    make_model: Any, ui_services: Services
) -> None:
    _varied_keys(ui_services)
    model = make_model()
    delegate = QStyledItemDelegate()  # asks for its seven roles in one multiData call
    placeholder = QApplication.palette().color(QApplication.palette().ColorRole.PlaceholderText)
    seen = {"dimmed": False, "icon": False, "font": False}
    for row in range(model.rowCount()):
        for column in Column:
            index = model.index(row, column)
            option = QStyleOptionViewItem()
            delegate.initStyleOption(option, index)
            assert option.text == (index.data() or "")
            font = index.data(Qt.ItemDataRole.FontRole)
            if font is not None:
                seen["font"] = True
                assert option.font.family() == font.family()
            icon = index.data(Qt.ItemDataRole.DecorationRole)
            assert option.icon.isNull() == (icon is None)
            seen["icon"] |= icon is not None
            if index.data(Qt.ItemDataRole.ForegroundRole) is not None:
                seen["dimmed"] = True
                assert option.palette.color(option.palette.ColorRole.Text) == placeholder
    assert all(seen.values()), seen  # the keys above exercised every kind of cell


#: The windows the tables of a test sit in (a window dropped by Python takes its table along).
_hosts: list[QWidget] = []


@pytest.fixture(autouse=True)
def _drop_hosts() -> Iterator[None]:
    yield
    _hosts.clear()


def _table(model: KeysModel, size: tuple[int, int], qtbot: Any) -> KeysTable:
    host = QWidget()
    host.resize(*size)
    # Side by side, so that each is wholly on screen: what is compared is what the screen shows
    # (two 600-pixel tables fit CI's 1280-pixel screen).
    host.move(20 + (size[0] + 20) * (len(_hosts) % 2), 20)
    qtbot.addWidget(host)
    _hosts.append(host)
    table = KeysTable(model, host)
    table.resize(*size)
    host.show()
    qtbot.wait_exposed(host)
    return table


def _on_screen(table: KeysTable) -> QImage:
    """What the screen shows of the table's rows (not a fresh rendering of them)."""
    viewport = table.viewport()
    window = viewport.window()
    corner = viewport.mapTo(window, QPoint(0, 0))
    shot = window.screen().grabWindow(
        window.winId(), corner.x(), corner.y(), viewport.width(), viewport.height()
    )
    return shot.toImage()


def _shows_the_same(qtbot: Any, table: KeysTable, reference: KeysTable) -> None:
    qtbot.wait_until(lambda: _on_screen(table) == _on_screen(reference), timeout=WAIT_MS)


def _shown(table: KeysTable) -> QImage:
    QApplication.processEvents()
    return table.viewport().grab().toImage()


def _fetch_all(qtbot: Any, model: KeysModel) -> None:
    while True:
        qtbot.wait_until(lambda: not model.is_fetching, timeout=WAIT_MS)
        if not model.canFetchMore():
            return
        model.fetchMore()


def test_rows_of_a_page_fetched_below_the_visible_ones_show_when_scrolled_to(
    qtbot: Any, make_model: Any, ui_services: Services
) -> None:
    seed_keys(ui_services, 30)
    paged = make_model(page_size=10)
    table = _table(paged, (600, 240), qtbot)
    assert table.rowAt(table.viewport().height() - 1) < 9  # page one overflows the view
    for rows in (20, 30):
        table.scrollToBottom()  # the view asks for the next page
        qtbot.wait_until(lambda rows=rows: paged.rowCount() == rows, timeout=WAIT_MS)
        qtbot.wait_until(lambda: not paged.is_fetching, timeout=WAIT_MS)
        row_height = table.rowHeight(0)
        # The view lays the new rows out on a later turn of the event loop: a page read
        # ahead arrives within scrollToBottom() itself, before any turn.
        bottom = rows * row_height - table.viewport().height()
        qtbot.wait_until(lambda b=bottom: table.verticalScrollBar().maximum() == b, timeout=WAIT_MS)
        assert table.verticalScrollBar().maximum() == bottom
    table.scrollToBottom()
    assert table.indexAt(QPoint(5, table.viewport().height() - 2)).row() == 29

    # The same rows loaded at once and shown at the same place look the same.
    whole = make_model(page_size=100)
    reference = _table(whole, (600, 240), qtbot)
    reference.horizontalHeader().restoreState(table.horizontalHeader().saveState())
    reference.verticalScrollBar().setValue(table.verticalScrollBar().value())
    for value in (table.verticalScrollBar().value(), 9 * row_height, 15 * row_height):
        table.verticalScrollBar().setValue(value)
        reference.verticalScrollBar().setValue(value)
        _shows_the_same(qtbot, table, reference)


def test_rows_appended_inside_a_view_that_is_not_yet_full_are_painted_at_once(
    qtbot: Any, make_model: Any, ui_services: Services
) -> None:
    seed_keys(ui_services, 12)
    paged = make_model(page_size=3)
    table = _table(paged, (600, 700), qtbot)  # taller than twelve rows
    _fetch_all(qtbot, paged)  # the view asks for pages itself until it is full
    assert paged.rowCount() == 12
    whole = make_model(page_size=100)
    reference = _table(whole, (600, 700), qtbot)
    reference.horizontalHeader().restoreState(table.horizontalHeader().saveState())
    _shows_the_same(qtbot, table, reference)


def _has_colour(image: QImage, colour: QColor, area: tuple[int, int, int, int]) -> bool:
    left, top, width, height = area
    return any(
        image.pixelColor(x, y).rgb() == colour.rgb()
        for x in range(left, left + width)
        for y in range(top, top + height)
    )


def test_a_new_style_sheet_repaints_the_badges_in_its_colours(
    qtbot: Any, qapp: Any, make_model: Any, ui_services: Services
) -> None:
    seed_keys(ui_services, 3)
    model = make_model()
    table = _table(model, (900, 300), qtbot)
    rect = table.visualRect(model.index(0, Column.STATUS))
    area = (rect.left(), rect.top(), rect.width(), rect.height())
    previous = qapp.styleSheet()
    try:
        for text in ("#ff0000", "#0000ff"):
            qapp.setStyleSheet(style_sheet() + f"\nStatusTones {{ qproperty-activeText: {text}; }}")
            image = _shown(table)
            assert _has_colour(image, QColor(text), area), text  # the dot and the label
        assert not _has_colour(image, QColor("#ff0000"), area)  # nothing left of the old one
    finally:
        qapp.setStyleSheet(previous)
