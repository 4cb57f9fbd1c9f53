"""Needs attention, bulk changes with a dry run, and access reviews — through the widgets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
)

from app.domain.status import KeyStatus
from app.services import Services
from app.services.choices import BulkAction
from app.ui.dialogs.bulk_action import BulkActionDialog
from app.ui.screens.attention import WHY_LEAST_WIDTH, WIDTHS, AttentionScreen
from app.ui.screens.reviews import ReviewsScreen
from tests.ui.support import wait_closed, wait_for_top_level

WAIT_MS = 10_000


def _group_text(screen: AttentionScreen, row: int) -> str:
    return screen.groups.item(row).text()


def test_attention_lists_undocumented_keys_and_a_bulk_note_fixes_them(
    qtbot: Any, tasks: Any, ui_services: Services, host: Any
) -> None:
    bare = [ui_services.keys.create(f"Bare {n}", "").key.key_id for n in range(2)]
    ui_services.keys.create("Documented", "Nightly export to the warehouse")
    screen = AttentionScreen(ui_services, tasks, host)
    screen.set_operator(ui_services.users.me())
    counts: list[int] = []
    screen.count_changed.connect(counts.append)
    screen.refresh()
    qtbot.wait_until(lambda: bool(counts), timeout=WAIT_MS)
    row = next(
        r for r in range(screen.groups.count()) if _group_text(screen, r).startswith("No desc")
    )
    assert _group_text(screen, row) == "No description (2)"
    screen.groups.setCurrentRow(row)
    qtbot.wait_until(lambda: screen.model.rowCount() == 2, timeout=WAIT_MS)
    assert screen.model.index(0, 3).data() == "no description: nobody can tell what it is for"
    note_button = screen.findChild(QPushButton, "attentionNoteButton")
    assert not note_button.isEnabled()  # nothing selected yet
    screen.table.selectAll()
    assert note_button.isEnabled()
    qtbot.mouseClick(note_button, Qt.MouseButton.LeftButton)

    dialog = wait_for_top_level(qtbot, "bulkActionDialog")
    dialog.findChild(QLineEdit, "bulkNoteField").setText("owner to document by Friday")
    preview = dialog.findChild(QListView, "bulkPreviewList")
    apply = dialog.findChild(QPushButton, "bulkApplyButton")
    qtbot.wait_until(lambda: preview.model().rowCount() == 2 and apply.isEnabled(), timeout=WAIT_MS)
    assert apply.text() == "Add a note to the description: 2 keys"
    qtbot.mouseClick(apply, Qt.MouseButton.LeftButton)
    wait_closed(qtbot, dialog)
    for key_id in bare:
        assert ui_services.keys.get(key_id).description.endswith("owner to document by Friday")
    qtbot.wait_until(lambda: _group_text(screen, row) == "No description (0)", timeout=WAIT_MS)


def test_the_dry_run_says_what_is_skipped_and_only_the_rest_changes(
    qtbot: Any, tasks: Any, ui_services: Services, host: Any
) -> None:
    live = ui_services.keys.create("Feed", "x").key
    gone = ui_services.keys.create("Old", "x").key
    ui_services.keys.revoke(gone.key_id, "ended")
    results: list[Any] = []
    dialog = BulkActionDialog(
        ui_services, tasks, [live.key_id, gone.key_id], action=BulkAction.REVOKE, parent=host
    )
    dialog.applied.connect(results.append)
    dialog.open()
    dialog.findChild(QLineEdit, "bulkReasonField").setText("clean-up")
    preview = dialog.findChild(QListView, "bulkPreviewList")
    apply = dialog.findChild(QPushButton, "bulkApplyButton")
    qtbot.wait_until(lambda: preview.model().rowCount() == 2 and apply.isEnabled(), timeout=WAIT_MS)
    texts = [preview.model().index(n, 0).data() for n in range(preview.model().rowCount())]
    assert texts == [
        f"Feed ({live.key_id}): Active → Revoked",
        f"Old ({gone.key_id}): skipped, already revoked",
    ]
    qtbot.mouseClick(apply, Qt.MouseButton.LeftButton)
    qtbot.wait_until(lambda: bool(results), timeout=WAIT_MS)
    assert [key.key_id for key in results[0].done] == [live.key_id]
    assert ui_services.keys.get(live.key_id).revoked_reason == "clean-up"


def test_a_review_started_answered_acted_on_and_closed_in_the_window(
    qtbot: Any,
    tasks: Any,
    ui_services: Services,
    open_as: Callable[..., Services],
    host: Any,
) -> None:
    mine = ui_services.keys.create("Warehouse ETL", "x").key
    other = open_as("mona")
    ui_services.users.set_role("mona", "member")
    silent = ui_services.keys.create("Mona's dashboard", "x", owner="mona").key
    screen = ReviewsScreen(ui_services, tasks, host)
    QVBoxLayout(host).addWidget(screen)
    screen.set_operator(ui_services.users.me())
    screen.refresh()
    start = screen.findChild(QPushButton, "startReviewButton")
    qtbot.wait_until(lambda: start.isVisible() and start.isEnabled(), timeout=WAIT_MS)
    # Before the first review a sentence stands in the tables' place.
    none_yet = screen.findChild(QLabel, "reviewsEmpty")
    qtbot.wait_until(none_yet.isVisible, timeout=WAIT_MS)
    assert none_yet.text().startswith("No access review yet.")
    assert not screen.findChild(QTableWidget, "reviewsTable").isVisible()
    qtbot.mouseClick(start, Qt.MouseButton.LeftButton)
    dialog = wait_for_top_level(qtbot, "reviewDialog")
    dialog.findChild(QLineEdit, "reviewTitleField").setText("Q1 review")
    qtbot.mouseClick(dialog.findChild(QPushButton, "reviewStartButton"), Qt.MouseButton.LeftButton)
    wait_closed(qtbot, dialog)

    reviews = screen.findChild(QTableWidget, "reviewsTable")
    qtbot.wait_until(lambda: reviews.rowCount() == 1, timeout=WAIT_MS)
    assert reviews.item(0, 0).text() == "Q1 review"
    assert reviews.item(0, 1).text() == "all keys"
    assert reviews.isVisible() and not none_yet.isVisible()
    assert reviews.item(0, 4).text() == "0 of 2"
    waiting = screen.findChild(QTableWidget, "myReviewsTable")
    qtbot.wait_until(lambda: waiting.rowCount() == 1, timeout=WAIT_MS)
    assert waiting.item(0, 1).text() == f"Warehouse ETL ({mine.key_id})"
    waiting.selectRow(0)
    screen.findChild(QLineEdit, "reviewNoteField").setText("in Vault")
    qtbot.mouseClick(screen.findChild(QPushButton, "reviewKeepButton"), Qt.MouseButton.LeftButton)
    qtbot.wait_until(lambda: waiting.rowCount() == 0, timeout=WAIT_MS)
    qtbot.wait_until(lambda: reviews.item(0, 4).text() == "1 of 2", timeout=WAIT_MS)

    # The newest review is chosen by itself: its owners' progress shows without a click.
    progress = screen.findChild(QTableWidget, "reviewProgressTable")
    qtbot.wait_until(lambda: progress.rowCount() == 2, timeout=WAIT_MS)
    assert reviews.selectionModel().selectedRows()[0].row() == 0
    disable = screen.findChild(QPushButton, "disableUnansweredButton")
    qtbot.wait_until(disable.isEnabled, timeout=WAIT_MS)
    assert {progress.item(r, 0).text() for r in range(progress.rowCount())} == {
        "mona",
        ui_services.users.me().login,
    }
    qtbot.mouseClick(disable, Qt.MouseButton.LeftButton)
    bulk = wait_for_top_level(qtbot, "bulkActionDialog")
    apply = bulk.findChild(QPushButton, "bulkApplyButton")
    qtbot.wait_until(apply.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(apply, Qt.MouseButton.LeftButton)
    wait_closed(qtbot, bulk)
    assert ui_services.keys.get(silent.key_id).status is KeyStatus.DISABLED
    close = screen.findChild(QPushButton, "closeReviewButton")
    qtbot.wait_until(close.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    qtbot.wait_until(lambda: reviews.item(0, 3).text() == "Closed", timeout=WAIT_MS)
    assert ui_services.reviews.all()[0].kept == 1
    del other


def test_a_member_answers_but_does_not_run_reviews(
    qtbot: Any, tasks: Any, ui_services: Services, open_as: Callable[..., Services], host: Any
) -> None:
    member = open_as("mona")
    ui_services.users.set_role("mona", "member")
    screen = ReviewsScreen(member, tasks, host)
    screen.set_operator(member.users.me())
    screen.refresh()
    assert not screen.findChild(QPushButton, "startReviewButton").isVisibleTo(screen)


def test_the_side_bar_counts_what_needs_attention_and_opens_it(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    ui_services.keys.create("Mystery key", "")
    window = make_window(ui_services)
    button = window.nav.button("attention")
    qtbot.wait_until(lambda: button.text() == "Needs attention (1)", timeout=WAIT_MS)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.current_workspace().name == "attention"
    qtbot.wait_until(lambda: window.attention.model.rowCount() >= 0, timeout=WAIT_MS)
    assert window.switch_to("reviews")
    assert window.current_workspace().widget.objectName() == "reviewsView"


def test_a_multi_selection_in_the_keys_table_offers_a_bulk_change(
    qtbot: Any, make_window: Any, ui_services: Services
) -> None:
    ids = [ui_services.keys.create(f"Contractor {n}", "x").key.key_id for n in range(3)]
    window = make_window(ui_services)
    screen = window.keys
    qtbot.wait_until(lambda: screen.model.rowCount() == 3, timeout=WAIT_MS)
    keys = [screen.model.key_at(row) for row in range(3)]
    menu = screen.context_menu(keys[0], keys)
    action = next(a for a in menu.actions() if a.objectName() == "bulkChangeAction")
    assert action.text() == "Change 3 keys…" and action.isEnabled()
    action.trigger()
    dialog = wait_for_top_level(qtbot, "bulkActionDialog")
    preview = dialog.findChild(QListView, "bulkPreviewList")
    apply = dialog.findChild(QPushButton, "bulkApplyButton")
    qtbot.wait_until(lambda: preview.model().rowCount() == 3 and apply.isEnabled(), timeout=WAIT_MS)
    qtbot.mouseClick(apply, Qt.MouseButton.LeftButton)
    wait_closed(qtbot, dialog)

    def all_disabled() -> bool:
        return all(
            screen.model.key_at(screen.model.row_of(key_id)).status is KeyStatus.DISABLED
            for key_id in ids
        )

    qtbot.wait_until(all_disabled, timeout=WAIT_MS)
    menu.close()


def _shown_screen(
    tasks: Any, ui_services: Services, host: Any, width: int, height: int
) -> AttentionScreen:
    """An AttentionScreen of that size, shown, its counts and first group asked for."""
    screen = AttentionScreen(ui_services, tasks, host)
    screen.set_operator(ui_services.users.me())
    screen.resize(width, height)
    screen.show()
    screen.refresh()
    return screen


def test_why_a_key_is_listed_stays_readable_in_a_narrow_window(
    qtbot: Any, tasks: Any, ui_services: Services, host: Any
) -> None:
    # At 800x600 the table beside the groups showed name, owner and status; the reason a
    # key is listed ("no description: …") needed a sideways scroll.
    ui_services.keys.create("Salesforce Data Sync for the EMEA sales team", "")
    screen = _shown_screen(tasks, ui_services, host, 700, 480)  # an 800x600 window's room
    row = next(
        r for r in range(screen.groups.count()) if _group_text(screen, r).startswith("No desc")
    )
    screen.groups.setCurrentRow(row)
    qtbot.wait_until(lambda: screen.model.rowCount() == 1, timeout=WAIT_MS)
    table = screen.table
    header = table.horizontalHeader()

    def why_on_screen() -> bool:
        left = header.sectionViewportPosition(3)
        return left >= 0 and left + WHY_LEAST_WIDTH <= table.viewport().width()

    qtbot.wait_until(why_on_screen, timeout=WAIT_MS)
    assert table.horizontalScrollBar().maximum() == 0
    assert header.sectionSize(0) < WIDTHS[0]  # the name gave way, and elides
    assert screen.model.index(0, 3).data(Qt.ItemDataRole.ToolTipRole).startswith("no description")
    # A wide window gives the columns their usual widths back.
    screen.resize(1200, 480)
    qtbot.wait_until(lambda: header.sectionSize(0) == WIDTHS[0], timeout=WAIT_MS)
    assert [header.sectionSize(section) for section in range(3)] == list(WIDTHS)
    assert why_on_screen()


def test_a_group_without_keys_says_so_in_the_table_s_place(
    qtbot: Any, tasks: Any, ui_services: Services, host: Any
) -> None:
    # The sentence sat under an empty table, and showed for a moment while a group with
    # keys was still loading ("Every key says what it is for." above the bare keys).
    ui_services.keys.create("Bare", "")
    screen = _shown_screen(tasks, ui_services, host, 900, 500)
    assert _group_text(screen, screen.groups.currentRow()).startswith("Expiring soon")
    qtbot.wait_until(screen.empty.isVisible, timeout=WAIT_MS)
    assert screen.empty.text() == "No key expires within the policy's warning period."
    assert not screen.table.isVisible()
    assert screen.empty.height() > 200  # the table's place, not a line under it

    row = next(
        r for r in range(screen.groups.count()) if _group_text(screen, r).startswith("No desc")
    )
    screen.groups.setCurrentRow(row)
    assert not screen.empty.isVisible()  # loading: no sentence yet
    qtbot.wait_until(lambda: screen.model.rowCount() == 1, timeout=WAIT_MS)
    assert screen.table.isVisible() and not screen.empty.isVisible()
    assert screen.model.index(0, 0).data() == "Bare"
