"""The Audit view, driven through its widgets on a real SQLite database."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTreeWidget,
    QWidget,
)

from app.domain.audit import AuditAction
from app.domain.roles import Role
from app.services import Services
from app.ui.main_window import MainWindow
from app.ui.models.audit_trail_model import AuditColumn
from app.ui.screens.audit import AuditScreen
from app.ui.widgets.change_view import ChangeView
from tests.support import MemoryKeyring
from tests.ui.support import WAIT_MS, activate, seed_keys

LONG_BEFORE = (
    "Pulls opportunity data from Salesforce into the Snowflake warehouse every night at two, "
    "for the revenue dashboards of the sales team in Berlin."
)
LONG_AFTER = (
    "Pulls opportunity data from Salesforce into the Snowflake warehouse every night at two, "
    "for the revenue dashboards of the sales team in Munich and Vienna."
)


def child(window: QWidget, kind: type, name: str) -> Any:
    found = window.findChild(kind, name)
    assert found is not None, name
    return found


def open_audit(qtbot: Any, window: MainWindow) -> AuditScreen:
    qtbot.mouseClick(child(window, QWidget, "navAudit"), Qt.MouseButton.LeftButton)
    screen = window.audit
    assert screen.isVisible()
    settle(qtbot, screen)
    return screen


def settle(qtbot: Any, screen: AuditScreen) -> None:
    model = screen.model
    qtbot.wait_until(
        lambda: model.has_loaded and not model.is_loading and not model.is_fetching,
        timeout=WAIT_MS,
    )


def column(screen: AuditScreen, index: int) -> list[str]:
    model = screen.model
    return [model.index(row, index).data() for row in range(model.rowCount())]


def wait_for_rows(qtbot: Any, screen: AuditScreen, test: Any) -> None:
    qtbot.wait_until(lambda: not screen.model.is_loading and test(), timeout=WAIT_MS)


@pytest.fixture
def story(ui_services: Services, open_as: Any) -> dict[str, str]:
    """Keys made, edited and revoked by two people."""
    keys = ui_services.keys
    salesforce = keys.create("Salesforce Data Sync", "Syncs companies nightly.").key.key_id
    snowflake = keys.create("Snowflake ETL", LONG_BEFORE).key.key_id
    keys.edit(snowflake, description=LONG_AFTER)
    dana = open_as("dana", Role.MANAGER)
    dana.keys.revoke(salesforce, reason="Integration retired")
    return {"salesforce": salesforce, "snowflake": snowflake}


def test_events_newest_first_with_who_action_target_and_exact_time(
    qtbot: Any, qtmodeltester: Any, window: MainWindow, story: dict[str, str]
) -> None:
    screen = open_audit(qtbot, window)
    table = child(window, QTableView, "auditTable")
    assert table.model() is screen.model
    wait_for_rows(qtbot, screen, lambda: screen.model.rowCount() >= 4)
    seqs = [screen.model.entry_at(row).event.seq for row in range(screen.model.rowCount())]
    assert seqs == sorted(seqs, reverse=True)
    newest = screen.model.entry_at(0)
    assert newest.event.action is AuditAction.KEY_REVOKED
    assert column(screen, 1)[0] == "Dana (dana)"
    assert column(screen, 2)[0] == "Revoked"
    assert column(screen, 3)[0] == f"Salesforce Data Sync ({story['salesforce']})"
    assert column(screen, 4)[0] == "Integration retired"
    assert column(screen, 5)[0] == newest.event.host
    tooltip = screen.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "UTC" in tooltip and newest.event.occurred_at.isoformat()[:19] in tooltip
    qtmodeltester.check(screen.model, force_py=True)


def test_a_review_and_a_checkpoint_are_named_not_numbered(
    qtbot: Any, window: MainWindow, ui_services: Services, memory_keyring: MemoryKeyring
) -> None:
    # The Target column read "1" for an access review's events (and an answer showed the
    # key's name beside the review's number, as if it were the key's id).
    key = ui_services.keys.create("Warehouse ETL", "Loads orders.").key
    review = ui_services.reviews.start(
        "Q4 access review", ui_services.clock() + timedelta(days=7)
    ).id
    ui_services.reviews.answer(review, key.key_id, "keep")
    signed = ui_services.checkpoints.sign()
    screen = open_audit(qtbot, window)
    wait_for_rows(qtbot, screen, lambda: screen.model.rowCount() >= 4)
    actions, targets = column(screen, AuditColumn.ACTION), column(screen, AuditColumn.TARGET)
    target_of = dict(zip(actions, targets, strict=True))
    assert target_of["Access review started"] == f"Q4 access review (review {review})"
    assert target_of["Access review answered"] == f"Review {review}"
    assert target_of["Checkpoint signed"] == f"Checkpoint #{signed.checkpoint.seq}"
    # The longest action reads whole (it was cut to "Access review …").
    table = child(window, QTableView, "auditTable")
    longest = table.fontMetrics().horizontalAdvance("Access review answered")
    assert table.horizontalHeader().sectionSize(AuditColumn.ACTION) > longest


def test_filters_narrow_the_events(qtbot: Any, window: MainWindow, story: dict[str, str]) -> None:
    screen = open_audit(qtbot, window)
    everything = screen.model.rowCount()
    assert everything >= 4

    actor = child(window, QComboBox, "auditActorFilter")
    qtbot.wait_until(lambda: actor.findData("dana") >= 0, timeout=WAIT_MS)
    assert actor.itemText(0) == "Anyone"
    actor.setCurrentIndex(actor.findData("dana"))
    wait_for_rows(qtbot, screen, lambda: screen.model.rowCount() == 1)
    assert column(screen, 2) == ["Revoked"]
    actor.setCurrentIndex(0)
    wait_for_rows(qtbot, screen, lambda: screen.model.rowCount() == everything)

    action = child(window, QComboBox, "auditActionFilter")
    assert action.itemText(0) == "Any action"
    action.setCurrentIndex(action.findData(AuditAction.KEY_EDITED.value))
    wait_for_rows(qtbot, screen, lambda: screen.model.rowCount() == 1)
    assert column(screen, 3) == [f"Snowflake ETL ({story['snowflake']})"]
    action.setCurrentIndex(0)

    search = child(window, QLineEdit, "auditSearchField")
    qtbot.keyClicks(search, story["salesforce"])
    wait_for_rows(
        qtbot,
        screen,
        lambda: screen.model.filter.text == story["salesforce"] and screen.model.rowCount() == 2,
    )
    assert {entry for entry in column(screen, 2)} == {"Created", "Revoked"}
    search.clear()

    start = child(window, QDateEdit, "auditFromField")
    end = child(window, QDateEdit, "auditToField")
    assert start.text() == "No date" and end.text() == "No date"
    today = date.today()
    start.set_day(today + timedelta(days=1))
    wait_for_rows(qtbot, screen, lambda: screen.model.rowCount() == 0)
    assert child(window, QLabel, "auditMatchLabel").text() == "No events match"
    start.set_day(today - timedelta(days=1))
    end.set_day(today)
    wait_for_rows(qtbot, screen, lambda: screen.model.rowCount() == everything)
    end.set_day(today - timedelta(days=1))
    wait_for_rows(qtbot, screen, lambda: screen.model.rowCount() == 0)
    qtbot.mouseClick(
        child(window, QPushButton, "auditClearFiltersButton"), Qt.MouseButton.LeftButton
    )
    wait_for_rows(qtbot, screen, lambda: screen.model.rowCount() == everything)
    assert end.text() == "No date"


def test_escape_clears_the_search_and_down_moves_into_the_events(
    qtbot: Any, window: MainWindow, story: dict[str, str]
) -> None:
    screen = open_audit(qtbot, window)
    everything = screen.model.rowCount()
    action = child(window, QComboBox, "auditActionFilter")
    action.setCurrentIndex(action.findData(AuditAction.KEY_CREATED.value))
    wait_for_rows(qtbot, screen, lambda: screen.model.rowCount() == 2)
    search = child(window, QLineEdit, "auditSearchField")
    activate(qtbot, window)
    search.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(search, "Snowflake")
    wait_for_rows(qtbot, screen, lambda: screen.model.rowCount() == 1)

    # Escape: the text goes at once, the action filter stays, focus stays in the field.
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    assert search.text() == ""
    wait_for_rows(
        qtbot, screen, lambda: screen.model.filter.text == "" and screen.model.rowCount() == 2
    )
    assert action.currentData() == AuditAction.KEY_CREATED.value
    assert search.hasFocus()

    # Down, right after typing (before the pause): the results of the text, first row current.
    qtbot.keyClicks(search, "Salesforce")
    qtbot.keyClick(search, Qt.Key.Key_Down)
    table = child(window, QTableView, "auditTable")
    assert table.hasFocus()
    assert screen.model.filter.text == "Salesforce"
    wait_for_rows(qtbot, screen, lambda: screen.model.rowCount() == 1)
    qtbot.wait_until(lambda: table.selectionModel().hasSelection(), timeout=WAIT_MS)
    assert screen.model.entry_at(table.currentIndex().row()).event.target_id == story["salesforce"]
    assert everything > 2


def test_selecting_an_edit_shows_both_long_descriptions_whole(
    qtbot: Any, window: MainWindow, story: dict[str, str]
) -> None:
    screen = open_audit(qtbot, window)
    action = child(window, QComboBox, "auditActionFilter")
    action.setCurrentIndex(action.findData(AuditAction.KEY_EDITED.value))
    wait_for_rows(qtbot, screen, lambda: screen.model.rowCount() == 1)
    table = child(window, QTableView, "auditTable")
    table.selectRow(0)
    detail = child(window, QWidget, "auditEventDetail")
    assert detail.isVisible()
    changes = child(detail, ChangeView, "changeView")
    shown = {field: (before, after) for field, before, after in changes.value_texts()}
    assert shown["Description"] == (LONG_BEFORE, LONG_AFTER)
    changed = [row.property("changed") for row in changes.findChildren(QWidget, "changeRow")]
    assert "true" in changed
    assert child(detail, QLabel, "auditEventWho").text().endswith(window.operator.login)


def test_a_long_reason_is_shown_on_every_line_it_needs(
    qtbot: Any, window: MainWindow, ui_services: Services
) -> None:
    reason = "The secret was printed in a public CI log and copied into two chat channels."
    key_id = ui_services.keys.create("Leaked CI Key").key.key_id
    ui_services.keys.revoke(key_id, reason=reason)
    screen = open_audit(qtbot, window)
    child(window, QTableView, "auditTable").selectRow(0)
    label = child(window, QLabel, "auditEventReason")
    assert label.text() == reason
    qtbot.wait_until(lambda: label.height() >= label.heightForWidth(label.width()), timeout=WAIT_MS)
    assert label.heightForWidth(label.width()) > label.fontMetrics().height()  # it wraps
    assert label.width() > screen.detail.width() // 2  # the row's width, not a narrow hint


def test_verify_an_intact_trail(qtbot: Any, window: MainWindow, story: dict[str, str]) -> None:
    screen = open_audit(qtbot, window)
    label = child(window, QLabel, "chainStatusLabel")
    assert not label.isVisible()
    qtbot.mouseClick(child(window, QPushButton, "verifyChainButton"), Qt.MouseButton.LeftButton)
    qtbot.wait_until(label.isVisible, timeout=WAIT_MS)
    events = window.audit.model.rowCount()
    assert label.text().startswith(f"Intact: {events} events checked")
    assert "no checkpoint has been signed yet" in label.text()
    assert screen.verify_button.isEnabled()


def test_a_row_changed_by_sql_is_named_and_selected(
    qtbot: Any, window: MainWindow, ui_services: Services
) -> None:
    seed_keys(ui_services, 160)  # more events than one page: the bad one is further down
    screen = open_audit(qtbot, window)
    assert not screen.model.complete
    bad = 3
    path = ui_services.engine.url.database
    with sqlite3.connect(path) as connection:
        connection.execute(
            "UPDATE audit_events SET reason = 'routine cleanup' WHERE seq = ?", (bad,)
        )
    qtbot.mouseClick(child(window, QPushButton, "verifyChainButton"), Qt.MouseButton.LeftButton)
    label = child(window, QLabel, "chainStatusLabel")
    qtbot.wait_until(label.isVisible, timeout=WAIT_MS)
    assert label.text().startswith(f"Tampered: event #{bad} — ")
    qtbot.wait_until(
        lambda: screen.selected_entry() is not None and screen.selected_entry().event.seq == bad,
        timeout=WAIT_MS,
    )
    table = child(window, QTableView, "auditTable")
    assert screen.model.entry_at(table.currentIndex().row()).event.seq == bad
    assert child(window, QLabel, "auditEventEvent").text() == f"#{bad}"


def test_showing_an_event_survives_a_refresh_in_between(
    qtbot: Any, window: MainWindow, ui_services: Services
) -> None:
    """Live updates may refresh the trail while it is still loading pages down to the event
    to show (a bad one, found by Verify): the event is still selected afterwards."""
    seed_keys(ui_services, 160)
    screen = open_audit(qtbot, window)
    assert not screen.model.complete
    screen.show_event(3)
    screen.model.refresh()  # what trail_changed does when the live feed sees new events
    qtbot.wait_until(
        lambda: screen.selected_entry() is not None and screen.selected_entry().event.seq == 3,
        timeout=WAIT_MS,
    )


def test_signing_a_checkpoint_lists_it_and_verify_names_it(
    qtbot: Any, window: MainWindow, story: dict[str, str], memory_keyring: MemoryKeyring
) -> None:
    screen = open_audit(qtbot, window)
    listing = child(window, QTreeWidget, "checkpointsList")
    assert listing.topLevelItemCount() == 0
    sign = child(window, QPushButton, "signCheckpointButton")
    assert sign.isVisible()
    qtbot.mouseClick(sign, Qt.MouseButton.LeftButton)
    qtbot.wait_until(lambda: listing.topLevelItemCount() == 1, timeout=WAIT_MS)
    assert listing.isVisible()
    item = listing.topLevelItem(0)
    seq, signer = item.text(0), item.text(1)
    assert seq.startswith("#") and signer == window.operator.login
    qtbot.mouseClick(child(window, QPushButton, "verifyChainButton"), Qt.MouseButton.LeftButton)
    label = child(window, QLabel, "chainStatusLabel")
    qtbot.wait_until(label.isVisible, timeout=WAIT_MS)
    assert (
        "Intact:" in label.text() and f"newest checkpoint {seq} signed by {signer}" in label.text()
    )
    settle(qtbot, screen)


def test_show_in_audit_log_from_a_key_panel(
    qtbot: Any, window: MainWindow, ui_services: Services, story: dict[str, str]
) -> None:
    window.keys.model.refresh()
    qtbot.wait_until(lambda: window.keys.model.row_of(story["snowflake"]) is not None)
    window.keys.table.selectRow(window.keys.model.row_of(story["snowflake"]))
    panel = window.keys.panel
    qtbot.wait_until(lambda: panel.isVisible() and panel.history_model.rowCount() == 2)
    # The panel's own history compares the edit whole, too.
    compare = child(panel, ChangeView, "historyChanges")
    qtbot.wait_until(lambda: bool(compare.value_texts()), timeout=WAIT_MS)
    shown = {field: (before, after) for field, before, after in compare.value_texts()}
    assert shown["Description"] == (LONG_BEFORE, LONG_AFTER)
    summary = panel.history_model.index(0, 2).data()
    assert "Munich" in summary  # shortened around the difference, not cut before it
    button = child(panel, QPushButton, "showInAuditLogButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    screen = window.audit
    assert window.stack.currentWidget() is screen
    assert child(window, QLineEdit, "auditSearchField").text() == story["snowflake"]
    wait_for_rows(
        qtbot,
        screen,
        lambda: screen.model.filter.text == story["snowflake"] and screen.model.rowCount() == 2,
    )
    assert {screen.model.entry_at(row).event.target_id for row in range(2)} == {story["snowflake"]}


def test_a_bad_event_far_down_starts_the_table_there(
    qtbot: Any, window: MainWindow, ui_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ui.models import audit_trail_model

    monkeypatch.setattr(audit_trail_model, "SEEK_LIMIT", 20)
    monkeypatch.setattr(audit_trail_model, "SEEK_PAGE_SIZE", 10)
    seed_keys(ui_services, 160)
    screen = open_audit(qtbot, window)
    bad = 5
    with sqlite3.connect(ui_services.engine.url.database) as connection:
        connection.execute("DELETE FROM audit_events WHERE seq = ?", (bad + 1,))
    qtbot.mouseClick(child(window, QPushButton, "verifyChainButton"), Qt.MouseButton.LeftButton)
    qtbot.wait_until(
        lambda: screen.selected_entry() is not None and screen.model.start_after is not None,
        timeout=WAIT_MS,
    )
    label = child(window, QLabel, "chainStatusLabel")
    assert label.text().startswith(f"Tampered: event #{bad + 1} — ")
    # The deleted event is gone: its newer neighbour, where the chain breaks, is selected,
    # and the table starts there instead of loading every page above it.
    assert screen.selected_entry().event.seq == bad + 2
    assert screen.model.entry_at(0).event.seq == bad + 2
    assert screen.model.entry_at(1).event.seq == bad
    assert "back" in child(window, QLabel, "auditMatchLabel").text()
    # Clearing the filters shows the newest events again.
    qtbot.mouseClick(
        child(window, QPushButton, "auditClearFiltersButton"), Qt.MouseButton.LeftButton
    )
    wait_for_rows(qtbot, screen, lambda: screen.model.start_after is None)


def test_cancelling_the_check_says_how_far_it_got(
    qtbot: Any, window: MainWindow, story: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.domain.errors import Cancelled

    def cancelled(progress: Any = None) -> Any:
        progress(40, 100)
        raise Cancelled(done=40, total=100)

    monkeypatch.setattr(window.audit._services.audit, "check_integrity", cancelled)
    open_audit(qtbot, window)
    qtbot.mouseClick(child(window, QPushButton, "verifyChainButton"), Qt.MouseButton.LeftButton)
    label = child(window, QLabel, "chainStatusLabel")
    qtbot.wait_until(label.isVisible, timeout=WAIT_MS)
    assert label.text() == "Cancelled after 40 of 100 events; nothing was concluded."
    assert child(window, QPushButton, "verifyChainButton").isEnabled()


def test_an_auditor_reads_everything_and_may_sign(
    qtbot: Any, make_window: Any, open_as: Any, story: dict[str, str]
) -> None:
    auditor = open_as("ada", Role.AUDITOR)
    window = make_window(auditor)
    screen = open_audit(qtbot, window)
    assert screen.model.rowCount() >= 5
    for name in ("verifyChainButton", "signCheckpointButton", "exportEvidenceButton"):
        assert child(window, QPushButton, name).isVisible(), name


def test_find_leaked_keys_and_export_evidence_open_their_dialogs(
    qtbot: Any, window: MainWindow
) -> None:
    from PySide6.QtWidgets import QDialog

    action = window.leak_action
    assert action.objectName() == "findLeakedKeysAction"
    assert action.shortcut().toString() == "Ctrl+Shift+L"
    action.trigger()
    qtbot.wait_until(
        lambda: (d := window.findChild(QDialog, "leakTriageDialog")) is not None and d.isVisible(),
        timeout=WAIT_MS,
    )
    window.findChild(QDialog, "leakTriageDialog").reject()
    open_audit(qtbot, window)
    before = set(window.findChildren(QDialog))
    qtbot.mouseClick(child(window, QPushButton, "exportEvidenceButton"), Qt.MouseButton.LeftButton)
    qtbot.wait_until(
        lambda: any(d.isVisible() for d in set(window.findChildren(QDialog)) - before),
        timeout=WAIT_MS,
    )
    for dialog in set(window.findChildren(QDialog)) - before:
        dialog.reject()


def test_new_events_appear_at_the_top_or_wait_behind_a_button(
    qtbot: Any, window: MainWindow, ui_services: Services, story: dict[str, str]
) -> None:
    screen = open_audit(qtbot, window)
    rows = screen.model.rowCount()
    ui_services.keys.disable(story["snowflake"])
    screen.trail_changed()  # what the live feed (or a change made here) calls
    wait_for_rows(qtbot, screen, lambda: screen.model.rowCount() == rows + 1)
    assert column(screen, 2)[0] == "Disabled"
    child(window, QTableView, "auditTable").selectRow(1)  # someone is reading an event
    ui_services.keys.enable(story["snowflake"])
    screen.trail_changed()
    button = child(window, QPushButton, "auditNewEventsButton")
    assert button.isVisible() and screen.model.rowCount() == rows + 1
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_for_rows(qtbot, screen, lambda: screen.model.rowCount() == rows + 2)
    assert not button.isVisible()


def test_a_row_whose_stored_text_is_not_a_snapshot_is_listed_and_shown_whole(
    qtbot: Any, window: MainWindow, ui_services: Services
) -> None:
    """Someone with write access put text that is not JSON (and a time that is not a time)
    into one event: the trail still lists it, Verify names it, and its detail shows the text."""
    seed_keys(ui_services, 5)
    bad = 3
    with sqlite3.connect(ui_services.engine.url.database) as connection:
        connection.execute(
            "UPDATE audit_events SET after = 'rotated by hand {', occurred_at = 'last week'"
            " WHERE seq = ?",
            (bad,),
        )
    screen = open_audit(qtbot, window)
    qtbot.mouseClick(child(window, QPushButton, "verifyChainButton"), Qt.MouseButton.LeftButton)
    label = child(window, QLabel, "chainStatusLabel")
    qtbot.wait_until(label.isVisible, timeout=WAIT_MS)
    assert label.text().startswith(f"Tampered: event #{bad} — ")
    qtbot.wait_until(
        lambda: screen.selected_entry() is not None and screen.selected_entry().event.seq == bad,
        timeout=WAIT_MS,
    )
    detail = child(window, QWidget, "auditEventDetail")

    def shown() -> list[str]:
        return [label.text() for label in detail.findChildren(QLabel) if label.isVisible()]

    qtbot.wait_until(lambda: "rotated by hand {" in shown(), timeout=WAIT_MS)
    assert "Stored text (not a snapshot)" in shown()


def _whole_on_screen(table: QTableView, index: int) -> bool:
    header = table.horizontalHeader()
    left = header.sectionViewportPosition(index)
    return left >= 0 and left + header.sectionSize(index) <= table.viewport().width()


@pytest.mark.parametrize(
    ("size", "beside"),
    [(QSize(800, 600), False), (QSize(1024, 700), False), (QSize(1280, 800), True)],
    ids=["800x600", "1024x700", "1280x800"],
)
def test_who_did_what_to_which_key_is_on_screen_in_any_window(
    qtbot: Any, window: MainWindow, story: dict[str, str], size: QSize, beside: bool
) -> None:
    # At 800x600 the event panel beside the table left it when, who and what: the key an
    # event touched (the target) needed a sideways scroll. A narrow window puts the panel
    # under the events instead.
    window.resize(size)
    qtbot.wait_until(lambda: window.size() == size, timeout=WAIT_MS)
    screen = open_audit(qtbot, window)
    table = child(window, QTableView, "auditTable")
    side = child(window, QWidget, "auditSidePanel")
    wait_for_rows(qtbot, screen, lambda: screen.model.rowCount() >= 4)
    whole = [AuditColumn.WHEN, AuditColumn.WHO, AuditColumn.ACTION, AuditColumn.TARGET]
    qtbot.wait_until(lambda: all(_whole_on_screen(table, column) for column in whole))
    assert table.horizontalScrollBar().value() == 0
    if beside:
        assert side.x() >= table.x() + table.width()
    else:
        assert side.y() >= table.y() + table.height()
    # The selected event still shows in the panel, whole in its width.
    table.selectRow(0)
    detail = child(window, QWidget, "auditEventDetail")
    qtbot.wait_until(detail.isVisible)
    title = child(detail, QLabel, "auditEventTitle")
    assert story["salesforce"] in title.text()
    assert side.width() >= 260 if beside else side.height() >= 160
