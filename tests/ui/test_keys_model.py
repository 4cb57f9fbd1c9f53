"""The keys table model: paging, server-side search and sort, fine-grained updates."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt

from app.domain.errors import DatabaseError
from app.domain.roles import Role
from app.domain.sorting import SortField
from app.domain.status import KeyStatus
from app.services import Services
from app.services.dto import KeyQuery
from app.ui.models.audit_model import AuditColumn, AuditModel
from app.ui.models.formatting import relative_time
from app.ui.models.keys_model import (
    CHANGED_ROLES,
    Column,
    KeyRole,
    KeysModel,
    StatusRole,
)
from tests.ui.support import WAIT_MS, seed_keys


@pytest.fixture
def make_model(qtbot: Any, tasks: Any, ui_services: Services) -> Iterator[Any]:
    made: list[KeysModel] = []

    def _make(page_size: int = 100, **options: Any) -> KeysModel:
        model = KeysModel(ui_services, tasks, page_size=page_size, **options)
        made.append(model)
        with qtbot.wait_signal(model.query_loaded, timeout=WAIT_MS):
            model.refresh()
        return model

    yield _make
    tasks.wait_for_done()
    for model in made:
        # Deleted here, on the GUI thread: a garbage collection on a worker thread would
        # destroy its timer from the wrong thread.
        shiboken6.delete(model)


def names(model: KeysModel) -> list[str]:
    return [model.key_at(row).name for row in range(model.rowCount())]


def fetch_all(qtbot: Any, model: KeysModel) -> None:
    while True:
        qtbot.wait_until(lambda: not model.is_fetching, timeout=WAIT_MS)
        if not model.canFetchMore():
            return
        model.fetchMore()


def wait_loaded(qtbot: Any, model: KeysModel) -> None:
    qtbot.wait_until(lambda: not model.is_loading and model.count is not None, timeout=WAIT_MS)


def test_model_passes_the_model_tester_through_pages_inserts_updates_and_removes(
    qtbot: Any, qtmodeltester: Any, make_model: Any, ui_services: Services
) -> None:
    seed_keys(ui_services, 25)
    model = make_model(page_size=10)
    qtmodeltester.check(model)  # stays connected: every later change is checked too

    fetch_all(qtbot, model)
    assert model.rowCount() == 25
    created = ui_services.keys.create("Snowflake ETL").key
    model.insert_key(created)
    model.update_key(ui_services.keys.disable(created.key_id))
    model.remove_key(model.key_at(5).key_id)
    with qtbot.wait_signal(model.query_loaded, timeout=WAIT_MS):
        model.set_search("Integration 01")
    assert model.rowCount() == 10


def test_rows_arrive_a_page_at_a_time_and_the_count_follows_the_first_page(
    qtbot: Any, make_model: Any, ui_services: Services
) -> None:
    seed_keys(ui_services, 55)
    model = make_model(page_size=20)
    assert model.rowCount() == 20
    with qtbot.wait_signal(model.count_changed, timeout=WAIT_MS, check_params_cb=lambda n: n == 55):
        pass
    assert model.count == 55
    assert model.canFetchMore()
    for expected in (40, 55):
        with qtbot.wait_signal(model.rowsInserted, timeout=WAIT_MS):
            model.fetchMore()
        assert model.rowCount() == expected
    assert not model.canFetchMore()
    # Newest first by default, no key twice.
    ids = [model.key_at(row).key_id for row in range(55)]
    assert len(set(ids)) == 55
    assert names(model)[0] == "Integration 054"


def test_a_single_change_emits_data_changed_with_roles_and_never_resets(
    qtbot: Any, make_model: Any, ui_services: Services
) -> None:
    ids = seed_keys(ui_services, 3)
    model = make_model()
    edited = ui_services.keys.edit(ids[1], name="Salesforce Data Sync")
    with (
        qtbot.assert_not_emitted(model.modelReset),
        qtbot.wait_signal(model.dataChanged) as changed,
    ):
        model.update_key(edited)
    top_left, bottom_right, roles = changed.args
    assert top_left.row() == bottom_right.row() == model.row_of(ids[1])
    assert (top_left.column(), bottom_right.column()) == (0, len(Column) - 1)
    assert roles == CHANGED_ROLES
    assert model.index_of(ids[1]).data() == "Salesforce Data Sync"

    created = ui_services.keys.create("HubSpot Sync – Prod").key
    with (
        qtbot.assert_not_emitted(model.modelReset),
        qtbot.wait_signal(model.rowsInserted) as inserted,
    ):
        model.insert_key(created)
    assert inserted.args[1:] == [0, 0]
    assert model.key_at(0).key_id == created.key_id
    assert model.count == 4

    with (
        qtbot.assert_not_emitted(model.modelReset),
        qtbot.wait_signal(model.rowsRemoved),
    ):
        model.remove_key(ids[0])
    assert model.row_of(ids[0]) is None
    assert model.count == 3


def test_display_text_tooltips_and_roles(make_model: Any, ui_services: Services) -> None:
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    key = ui_services.keys.create(
        "Looker Reporting Integration",
        "Dashboards. Owner: Data team.",
        expires="2099-03-31",
    ).key
    model = make_model(clock=lambda: now)
    row = model.row_of(key.key_id)
    assert row is not None

    def cell(column: Column, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return model.index(row, column).data(role)

    assert cell(Column.NAME) == "Looker Reporting Integration"
    assert cell(Column.NAME, Qt.ItemDataRole.ToolTipRole) == "Dashboards. Owner: Data team."
    assert cell(Column.KEY) == key.masked
    assert key.key_id in cell(Column.KEY, Qt.ItemDataRole.ToolTipRole)
    assert cell(Column.STATUS) == "Active"
    # Qt hands a str-based enum back as its str value.
    assert KeyStatus(cell(Column.STATUS, StatusRole)) is KeyStatus.ACTIVE
    assert cell(Column.LAST_USED) == "Never"
    assert cell(Column.EXPIRES) == "31 Mar 2099"
    assert cell(Column.NAME, KeyRole) == key
    # The created column sorts by the key's creation time (the server sorts, not the view).
    assert cell(Column.CREATED, KeyRole).created_at == key.created_at
    assert Column.CREATED.sort_field is SortField.CREATED
    assert model.headerData(Column.KEY, Qt.Orientation.Horizontal) == "Key"
    assert Column.KEY.sort_field is None
    assert Column.LAST_USED.sort_field is SortField.LAST_USED


def test_owner_of_a_deactivated_user_is_marked(
    qtbot: Any, make_model: Any, ui_services: Services, open_as: Any
) -> None:
    dana = open_as("dana", role=Role.MEMBER)
    dana.keys.create("Custom Dashboard API")
    ui_services.users.deactivate("dana")
    model = make_model()
    assert model.index(0, Column.OWNER).data() == "Dana (deactivated)"
    assert model.index(0, Column.STATUS).data() == "Revoked"


def test_sorting_and_searching_happen_on_the_server(
    qtbot: Any, make_model: Any, ui_services: Services
) -> None:
    for name in ("Snowflake ETL", "salesforce data sync", "Airflow Loader", "Zendesk Export"):
        ui_services.keys.create(name)
    model = make_model()
    with qtbot.wait_signal(model.query_loaded, timeout=WAIT_MS):
        model.sort(Column.NAME, Qt.SortOrder.AscendingOrder)
    assert names(model) == [
        "Airflow Loader",
        "salesforce data sync",
        "Snowflake ETL",
        "Zendesk Export",
    ]
    assert model.query.sort is SortField.NAME and not model.query.descending
    # The masked key cannot be sorted: nothing happens.
    with qtbot.assert_not_emitted(model.loading_changed):
        model.sort(Column.KEY, Qt.SortOrder.AscendingOrder)
    with qtbot.wait_signal(model.query_loaded, timeout=WAIT_MS):
        model.set_search("SNOW")
    assert names(model) == ["Snowflake ETL"]
    wait_loaded(qtbot, model)
    assert model.count == 1


def test_only_the_newest_query_is_shown(qtbot: Any, make_model: Any, ui_services: Services) -> None:
    seed_keys(ui_services, 5, stem="Alpha")
    seed_keys(ui_services, 5, stem="Beta")
    model = make_model()
    # Three keystrokes in a row: the answers to the first two are irrelevant.
    model.set_search("Alp")
    model.set_search("Bet")
    with qtbot.wait_signal(model.query_loaded, timeout=WAIT_MS):
        model.set_search("Beta 00")
    qtbot.wait_until(lambda: model.count is not None, timeout=WAIT_MS)
    assert set(names(model)) == {f"Beta {n:03d}" for n in range(5)}


def test_status_filter(qtbot: Any, make_model: Any, ui_services: Services) -> None:
    ids = seed_keys(ui_services, 4)
    ui_services.keys.disable(ids[0])
    ui_services.keys.revoke(ids[1])
    model = make_model()
    for status, expected in (
        (KeyStatus.DISABLED, {ids[0]}),
        (KeyStatus.REVOKED, {ids[1]}),
        (KeyStatus.ACTIVE, {ids[2], ids[3]}),
    ):
        with qtbot.wait_signal(model.query_loaded, timeout=WAIT_MS):
            model.set_status(status)
        assert {model.key_at(row).key_id for row in range(model.rowCount())} == expected


def test_a_failed_page_keeps_the_rows_and_stops_fetching_until_a_refresh(
    qtbot: Any, make_model: Any, ui_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_keys(ui_services, 30)
    model = make_model(page_size=10)
    real_page = ui_services.keys.page

    def unreachable(*args: Any, **kwargs: Any) -> Any:
        raise DatabaseError("The database at x cannot be reached.")

    monkeypatch.setattr(ui_services.keys, "page", unreachable)
    with qtbot.wait_signal(model.load_failed, timeout=WAIT_MS) as failed:
        model.fetchMore()
    assert isinstance(failed.args[0], DatabaseError)
    assert model.rowCount() == 10
    # The view would ask again at once; the model waits for a refresh instead.
    assert not model.canFetchMore()
    with qtbot.wait_signal(model.load_failed, timeout=WAIT_MS):
        model.set_search("Integration")
    assert model.rowCount() == 10 and not model.is_loading

    monkeypatch.setattr(ui_services.keys, "page", real_page)
    with qtbot.wait_signal(model.query_loaded, timeout=WAIT_MS):
        model.refresh()
    assert model.canFetchMore()


def test_audit_model_lists_history_newest_first(
    qtbot: Any, qtmodeltester: Any, ui_services: Services
) -> None:
    key = ui_services.keys.create("Snowflake ETL").key
    ui_services.keys.edit(key.key_id, description="Nightly load into the warehouse.")
    ui_services.keys.disable(key.key_id)
    model = AuditModel()
    qtmodeltester.check(model)
    model.set_events(ui_services.keys.history(key.key_id))
    assert model.rowCount() == 3
    whats = [model.index(row, AuditColumn.WHAT).data() for row in range(3)]
    assert whats[0].startswith("Disabled")
    assert whats[1].startswith("Edited (description:")
    assert whats[2] == "Created"
    assert model.index(0, AuditColumn.WHO).data() == ui_services.users.me().login
    assert "UTC" in model.index(0, AuditColumn.WHEN).data(Qt.ItemDataRole.ToolTipRole)
    model.clear()
    assert model.rowCount() == 0


@pytest.mark.parametrize(
    ("ago", "text"),
    [
        (timedelta(seconds=20), "just now"),
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(minutes=5), "5 minutes ago"),
        (timedelta(hours=2), "2 hours ago"),
        (timedelta(days=1, hours=3), "yesterday"),
        (timedelta(days=3), "3 days ago"),
        (timedelta(days=95), "3 months ago"),
        (timedelta(days=800), "2 years ago"),
        (-timedelta(minutes=1), "just now"),
    ],
)
def test_relative_time(ago: timedelta, text: str, qapp: Any) -> None:
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    assert relative_time(now - ago, now) == text


def test_page_size_is_a_screenful_several_times_over(make_model: Any) -> None:
    assert make_model().query == KeyQuery(limit=100)


def test_a_new_sort_order_reuses_the_count_and_a_refresh_counts_again(
    qtbot: Any, make_model: Any, ui_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_keys(ui_services, 30)
    model = make_model(page_size=10)
    wait_loaded(qtbot, model)
    calls: list[KeyQuery] = []
    real_count = ui_services.keys.count

    def counting(query: KeyQuery) -> int:
        calls.append(query)
        return real_count(query)

    monkeypatch.setattr(ui_services.keys, "count", counting)
    with qtbot.wait_signal(model.query_loaded, timeout=WAIT_MS):
        model.sort(Column.NAME, Qt.SortOrder.AscendingOrder)
    assert model.count == 30 and calls == []
    with qtbot.wait_signal(model.query_loaded, timeout=WAIT_MS):
        model.refresh()
    wait_loaded(qtbot, model)
    assert len(calls) == 1 and model.count == 30
    with qtbot.wait_signal(model.query_loaded, timeout=WAIT_MS):
        model.set_search("Integration 01")
    assert model.count == 10  # one page holds them all: counted without asking
    assert len(calls) == 1


def test_only_the_newest_query_s_answer_is_shown(
    qtbot: Any, make_model: Any, ui_services: Services
) -> None:
    """A search typed quickly: earlier queries' pages and counts are dropped, not shown."""
    seed_keys(ui_services, 3)
    model = make_model(page_size=2)
    loaded: list[str] = []
    model.query_loaded.connect(lambda: loaded.append(model.query.search))
    counts: list[int | None] = []
    model.count_changed.connect(counts.append)
    model.set_search("Integration")  # two pages: this one would be counted
    model.set_search("000")
    model.set_search("001")
    wait_loaded(qtbot, model)
    qtbot.wait_until(lambda: model.is_fetching is False and not model.is_loading)
    assert loaded == ["001"]
    assert names(model) == ["Integration 001"]
    assert counts == [1]


def test_a_minute_on_only_rows_whose_relative_times_moved_are_repainted(
    qtbot: Any, make_model: Any, ui_services: Services
) -> None:
    ids = seed_keys(ui_services, 3)
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    clock = [now]
    model = make_model(clock=lambda: clock[0])
    recent, idle, old = (model.key_at(model.row_of(key_id)) for key_id in ids)
    model.update_key(dataclasses.replace(recent, last_used_at=now - timedelta(minutes=3)))
    model.update_key(dataclasses.replace(old, last_used_at=now - timedelta(days=143)))
    for row in range(model.rowCount()):  # painted once: their cells are worked out
        for column in Column:
            model.index(row, column).data()
    assert model.index_of(recent.key_id, Column.LAST_USED).data() == "3 minutes ago"
    changed: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda top, bottom, _roles: changed.append(
            (top.row(), bottom.row(), top.column(), bottom.column())
        )
    )

    clock[0] = now + timedelta(minutes=1)
    model._tick()
    row = model.row_of(recent.key_id)
    assert changed == [(row, row, Column.LAST_USED, Column.EXPIRES)]
    assert model.index_of(recent.key_id, Column.LAST_USED).data() == "4 minutes ago"
    assert model.index_of(old.key_id, Column.LAST_USED).data() == "4 months ago"
    assert model.index_of(idle.key_id, Column.LAST_USED).data() == "Never"

    changed.clear()
    model._tick()  # the same minute: nothing reads differently, nothing is repainted
    assert changed == []


def test_scrolling_reads_the_next_page_ahead_so_it_shows_at_once(
    qtbot: Any, make_model: Any, ui_services: Services
) -> None:
    seed_keys(ui_services, 45)
    model = make_model(page_size=10)
    read: list[object] = []
    real_page = ui_services.keys.page

    def page(*args: Any, **kwargs: Any) -> Any:
        read.append(kwargs.get("after"))
        return real_page(*args, **kwargs)

    ui_services.keys.page = page  # type: ignore[method-assign]
    # The table scrolls: the second page is read before the view asks for it.
    model.read_ahead()
    qtbot.wait_until(lambda: len(read) == 1, timeout=WAIT_MS)

    def tasks_idle() -> bool:
        return not model.is_reading_ahead

    qtbot.wait_until(tasks_idle, timeout=WAIT_MS)
    model.fetchMore()
    assert model.rowCount() == 20  # at once: no wait on the database
    # Each page shown reads the next one ahead; the last one reads nothing more.
    for expected in (30, 40, 45):
        qtbot.wait_until(tasks_idle, timeout=WAIT_MS)
        model.fetchMore()
        assert model.rowCount() == expected
    qtbot.wait_until(tasks_idle, timeout=WAIT_MS)
    assert not model.canFetchMore()
    assert len(read) == 4
    ids = [model.key_at(row).key_id for row in range(model.rowCount())]
    assert len(set(ids)) == 45
    assert names(model) == sorted(names(model), reverse=True)  # newest first, in order


def test_a_page_read_ahead_never_shows_a_key_as_it_was(
    qtbot: Any, make_model: Any, ui_services: Services
) -> None:
    seed_keys(ui_services, 25)
    model = make_model(page_size=10)
    model.read_ahead()
    qtbot.wait_until(lambda: not model.is_reading_ahead, timeout=WAIT_MS)
    # A key on the page read ahead (newest first: 024-015 shown, 014-005 read ahead) is
    # disabled, here or elsewhere and seen by the live feed: that page is read again when
    # the view asks for it.
    (waiting,) = ui_services.keys.page(KeyQuery(search="Integration 011")).rows
    assert model.row_of(waiting.key_id) is None
    disabled = ui_services.keys.disable(waiting.key_id)
    model.update_key(disabled)  # not listed yet: no row to repaint
    with qtbot.wait_signal(model.rowsInserted, timeout=WAIT_MS):
        model.fetchMore()
    assert model.key_at(model.row_of(waiting.key_id)).status is KeyStatus.DISABLED
    # A new search never shows the old query's page read ahead.
    model.read_ahead()
    qtbot.wait_until(lambda: not model.is_reading_ahead, timeout=WAIT_MS)
    with qtbot.wait_signal(model.query_loaded, timeout=WAIT_MS):
        model.set_search("Integration 01")
    assert all("Integration 01" in name for name in names(model))
    assert not model.canFetchMore()
