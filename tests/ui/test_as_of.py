"""The Keys screen "as of" a past date: the keys as they were, read-only, then back to today."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QCheckBox, QDateEdit, QLabel, QPushButton, QTableView, QWidget

from app.domain.hashing import TokenHasher
from app.domain.status import KeyStatus
from app.services import Services, open_services
from app.services.evidence import period_bounds
from app.ui.main_window import MainWindow
from app.ui.models.inventory_model import Column, InventoryModel
from app.ui.widgets.as_of import as_of_instant
from tests.support import Clock
from tests.ui.support import WAIT_MS, find_top_level

#: The review date; the key is renamed and revoked after it.
REVIEW_DAY = date(2026, 10, 1)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 9, 15, 10, 0, tzinfo=UTC))


@pytest.fixture
def dated_services(
    tmp_path: os.PathLike[str], fast_hasher: TokenHasher, clock: Clock
) -> Iterator[Services]:
    services = open_services(
        f"sqlite:///{os.path.join(tmp_path, 'as_of.db')}", hasher=fast_hasher, clock=clock
    )
    yield services
    services.close()


def seed_history(services: Services, clock: Clock) -> tuple[str, str]:
    """A key renamed and revoked after the review day, and one created after it."""
    sync = services.keys.create("Salesforce Data Sync", "Syncs accounts.").key.key_id
    clock.now = datetime(2026, 9, 20, 9, 0, tzinfo=UTC)
    services.keys.create("Snowflake ETL", "Nightly load.")
    clock.now = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)
    services.keys.edit(sync, name="Salesforce Sync (old)")
    clock.now = datetime(2026, 10, 10, 8, 0, tzinfo=UTC)
    services.keys.revoke(sync, "leaked")
    later = services.keys.create("Looker Dashboards", "Hourly.").key.key_id
    # "Now" is today on the machine (the date field offers no day after it).
    clock.now = datetime.now(UTC).replace(microsecond=0)
    return sync, later


def as_of_widgets(window: MainWindow) -> tuple[QCheckBox, QDateEdit]:
    field = window.findChild(QWidget, "asOfField")
    assert field is not None and field.isVisible()
    return field.findChild(QCheckBox, "asOfToggle"), field.findChild(QDateEdit, "asOfDateEdit")


def past_rows(window: MainWindow) -> dict[str, tuple[str, str]]:
    """key id → (Name, Status) as the past table shows them."""
    table = window.findChild(QTableView, "pastKeysTable")
    model = table.model()
    assert isinstance(model, InventoryModel)
    return {
        model.row_at(row).key_id: (
            model.index(row, Column.NAME).data(),
            model.index(row, Column.STATUS).data(),
        )
        for row in range(model.rowCount())
    }


def wait_past_view(qtbot: Any, window: MainWindow, day: date) -> None:
    screen = window.keys
    qtbot.wait_until(
        lambda: (
            screen.past_view.active
            and screen.past_view.day == day
            and screen.stack.currentWidget() is screen.past_view
        ),
        timeout=WAIT_MS,
    )


def test_the_past_view_shows_the_old_name_and_status_read_only_then_back_to_today(
    qtbot: Any, make_window: Any, dated_services: Services, clock: Clock
) -> None:
    sync, later = seed_history(dated_services, clock)
    window = make_window(dated_services)
    screen = window.keys
    toggle, date_edit = as_of_widgets(window)
    assert not toggle.isChecked() and not date_edit.isEnabled()
    assert date_edit.text() == "Today"
    # A key selected in the live table has its details open: the past view closes them.
    screen.table.selectRow(screen.model.row_of(sync))
    qtbot.wait_until(lambda: screen.panel.isVisible(), timeout=WAIT_MS)

    toggle.click()  # on: today's date first …
    wait_past_view(qtbot, window, date.today())
    date_edit.setDate(QDate(REVIEW_DAY.year, REVIEW_DAY.month, REVIEW_DAY.day))
    qtbot.keyClick(date_edit, Qt.Key.Key_Return)  # … then the review day
    wait_past_view(qtbot, window, REVIEW_DAY)

    rows = past_rows(window)
    assert rows[sync] == ("Salesforce Data Sync", "Active")
    assert later not in rows  # created after the review day
    assert {name for name, _ in rows.values()} == {"Salesforce Data Sync", "Snowflake ETL"}
    banner = window.findChild(QLabel, "pastViewLabel")
    assert banner.isVisible()
    assert banner.text() == "Past view: keys as of 1 Oct 2026 — read-only"
    assert window.findChild(QLabel, "matchCount").text() == "2 keys then"

    # Read-only: no details, no create, no row actions, nothing to edit.
    assert screen.panel.isHidden()
    create = window.findChild(QPushButton, "createKeyButton")
    assert not create.isEnabled()
    assert "read-only" in create.toolTip()
    window.create_action.trigger()
    assert find_top_level("createKeyDialog") is None
    past_table = window.findChild(QTableView, "pastKeysTable")
    assert past_table.editTriggers() == QTableView.EditTrigger.NoEditTriggers
    assert past_table.contextMenuPolicy() != Qt.ContextMenuPolicy.CustomContextMenu

    # The toolbar's search narrows the past rows too.
    search = window.findChild(QWidget, "searchField")
    qtbot.keyClicks(search, "snow")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.wait_until(lambda: len(past_rows(window)) == 1, timeout=WAIT_MS)
    assert window.findChild(QLabel, "matchCount").text() == "1 of 2 keys then"
    search.clear()
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.wait_until(lambda: len(past_rows(window)) == 2, timeout=WAIT_MS)

    # Back to today: the live table with the new name and the revocation.
    qtbot.mouseClick(
        window.findChild(QPushButton, "pastViewBannerAction"), Qt.MouseButton.LeftButton
    )
    qtbot.wait_until(lambda: screen.stack.currentWidget() is screen.table, timeout=WAIT_MS)
    assert not screen.past_view.active and not toggle.isChecked()
    assert date_edit.text() == "Today"
    assert not banner.isVisible()
    assert create.isEnabled()
    live = screen.model.key_at(screen.model.row_of(sync))
    assert (live.name, live.status) == ("Salesforce Sync (old)", KeyStatus.REVOKED)
    qtbot.wait_until(
        lambda: window.findChild(QLabel, "matchCount").text() == "3 keys", timeout=WAIT_MS
    )


def test_the_past_view_as_of_today_matches_the_live_table(
    qtbot: Any, make_window: Any, dated_services: Services, clock: Clock
) -> None:
    seed_history(dated_services, clock)
    window = make_window(dated_services)
    live = {
        dto.key_id: (dto.name, dto.owner_name, dto.status.label, dto.environment)
        for dto in window.keys.model.loaded_keys()
    }
    toggle, _date_edit = as_of_widgets(window)
    toggle.click()
    wait_past_view(qtbot, window, date.today())
    model = window.keys.past_view.model
    past = {
        model.row_at(row).key_id: tuple(
            model.index(row, column).data()
            for column in (Column.NAME, Column.OWNER, Column.STATUS, Column.ENVIRONMENT)
        )
        for row in range(model.rowCount())
    }
    assert past == live
    toggle.click()  # off: today's live keys again
    qtbot.wait_until(
        lambda: window.keys.stack.currentWidget() is window.keys.table, timeout=WAIT_MS
    )


def test_the_inventory_model_passes_the_model_tester_and_sorts(
    qtmodeltester: Any, dated_services: Services, clock: Clock
) -> None:
    seed_history(dated_services, clock)
    rows = dated_services.inventory.as_of(as_of_instant(REVIEW_DAY))
    model = InventoryModel()
    model.set_rows(rows)
    qtmodeltester.check(model)
    model.sort(Column.NAME, Qt.SortOrder.DescendingOrder)
    assert [model.row_at(n).name for n in range(2)] == ["Snowflake ETL", "Salesforce Data Sync"]
    model.sort(Column.EXPIRES, Qt.SortOrder.AscendingOrder)
    model.sort(Column.NAME, Qt.SortOrder.AscendingOrder)  # the services' order: by name
    assert list(model.rows()) == sorted(rows, key=lambda row: (row.name.casefold(), row.key_id))
    model.set_filter("", KeyStatus.ACTIVE)
    assert model.rowCount() == 2 and model.filtered
    model.set_filter("sales", None)
    assert [model.row_at(n).name for n in range(model.rowCount())] == ["Salesforce Data Sync"]
    owner = rows[0].owner_login
    model.set_filter("", None, owner, "live")
    assert model.rowCount() == 2
    model.set_filter("", None, "nobody", None)
    assert model.rowCount() == 0 and model.total == 2


def test_a_date_means_its_start_in_utc_as_the_command_line_and_evidence_packs_say() -> None:
    from app.cli.keys import parse_as_of

    instant = as_of_instant(REVIEW_DAY)
    assert instant == datetime(2026, 10, 1, 0, 0, tzinfo=UTC)
    assert instant == parse_as_of("2026-10-01")  # keyward keys list --as-of 2026-10-01
    period_start, _end = period_bounds(REVIEW_DAY, date(2026, 10, 31))
    assert instant == period_start  # the pack's inventory-start is just before it
