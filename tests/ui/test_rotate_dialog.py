"""Rotating a key in the console: grace period, the exact end, the link both ways, the reveal."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QRadioButton, QSpinBox, QWidget

from app.domain.roles import Role
from app.domain.status import KeyStatus
from app.services import Services
from app.ui.main_window import MainWindow
from app.ui.models.formatting import expiry_text
from app.ui.models.keys_model import Column
from tests.ui.support import WAIT_MS, wait_closed, wait_for_top_level

#: Thursday 3 December 2026, 09:31 UTC (10:31 in Berlin).
NOW = datetime(2026, 12, 3, 9, 31, tzinfo=UTC)


class Clock:
    """The services' clock, moved by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(autouse=True)
def berlin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is Berlin (UTC+1 in December), so local and UTC differ by an hour."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def clock(ui_services: Services) -> Clock:
    fixed = Clock(NOW)
    ui_services.context.clock = fixed
    return fixed


@pytest.fixture
def warehouse(ui_services: Services, clock: Clock) -> str:
    ui_services.keys.create("Salesforce Data Sync", "Nightly company sync.")
    return ui_services.keys.create("Warehouse ETL", "Loads orders into the warehouse.").key.key_id


def child(parent: QWidget, kind: type, name: str) -> Any:
    found = parent.findChild(kind, name)
    assert found is not None, name
    return found


def select(qtbot: Any, window: MainWindow, key_id: str) -> QWidget:
    window.keys.table.selectRow(window.keys.model.row_of(key_id))
    panel = child(window, QWidget, "keyDetailPanel")
    qtbot.wait_until(lambda: panel.isVisible() and panel.key.key_id == key_id, timeout=WAIT_MS)
    return panel


def finish_reveal(qtbot: Any) -> None:
    secret = wait_for_top_level(qtbot, "secretDialog")
    secret.findChild(QWidget, "storedElsewhereCheck").click()
    qtbot.mouseClick(secret.findChild(QPushButton, "doneButton"), Qt.MouseButton.LeftButton)
    wait_closed(qtbot, secret)


def test_a_24_hour_rotation_links_both_keys_and_shows_the_exact_end(
    qtbot: Any, make_window: Any, ui_services: Services, clock: Clock, warehouse: str
) -> None:
    window = make_window(ui_services)
    panel = select(qtbot, window, warehouse)
    button = child(panel, QPushButton, "rotateKeyButton")
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = wait_for_top_level(qtbot, "rotateKeyDialog")
    sentence = child(dialog, QLabel, "graceSentenceLabel")

    child(dialog, QRadioButton, "graceNone").click()
    assert "revoked at once" in sentence.text()
    child(dialog, QRadioButton, "grace1h").click()
    assert sentence.text() == ("The old key stops working on Thu 3 Dec 2026 at 11:31 (10:31 UTC).")
    child(dialog, QSpinBox, "graceAmountField").setValue(2)  # custom: 2 days
    assert child(dialog, QRadioButton, "graceCustom").isChecked()
    assert sentence.text() == ("The old key stops working on Sat 5 Dec 2026 at 10:31 (09:31 UTC).")
    child(dialog, QRadioButton, "grace24h").click()
    assert sentence.text() == ("The old key stops working on Fri 4 Dec 2026 at 10:31 (09:31 UTC).")
    qtbot.mouseClick(child(dialog, QPushButton, "confirmRotateButton"), Qt.MouseButton.LeftButton)
    finish_reveal(qtbot)
    wait_closed(qtbot, dialog)

    # The database: the old key ends exactly 24 hours from now, and both know each other.
    old = ui_services.keys.get(warehouse)
    assert old.status is KeyStatus.ACTIVE
    assert old.expires_at == NOW + timedelta(hours=24)
    assert old.replaced_by is not None
    new = ui_services.keys.get(old.replaced_by)
    assert new.replaces == warehouse and new.name == "Warehouse ETL"

    # The table: the new key is listed and selected; the old key counts down in Expires.
    model = window.keys.model
    qtbot.wait_until(lambda: model.row_of(new.key_id) is not None, timeout=WAIT_MS)
    qtbot.wait_until(
        lambda: model.key_at(model.row_of(warehouse)).replaced_by is not None, timeout=WAIT_MS
    )
    assert model.index_of(warehouse, Column.EXPIRES).data() == "stops in 24 hours"
    tip = model.index_of(warehouse, Column.NAME).data(Qt.ItemDataRole.ToolTipRole)
    assert (
        f"Replaced by Warehouse ETL ({new.key_id}); stops on Fri 4 Dec 2026 at 10:31 (09:31 UTC)"
        in tip
    )
    assert model.index_of(warehouse, Column.NAME).data(Qt.ItemDataRole.DecorationRole) is not None
    assert model.index_of(new.key_id, Column.NAME).data(Qt.ItemDataRole.DecorationRole) is None
    new_tip = model.index_of(new.key_id, Column.NAME).data(Qt.ItemDataRole.ToolTipRole)
    assert f"Replaces Warehouse ETL ({warehouse})" in new_tip
    assert "Rotated “Warehouse ETL”" in window.statusBar().currentMessage()

    # The details: the new key links to the old one; following the link selects it.
    qtbot.wait_until(lambda: panel.key.key_id == new.key_id, timeout=WAIT_MS)
    replaces = child(panel, QLabel, "replacesLabel")
    qtbot.wait_until(lambda: f"Warehouse ETL ({warehouse})" in replaces.text(), timeout=WAIT_MS)
    assert replaces.isVisible()
    assert not child(panel, QLabel, "replacedByLabel").isVisible()
    replaces.linkActivated.emit(f"key:{warehouse}")
    qtbot.wait_until(lambda: panel.key.key_id == warehouse, timeout=WAIT_MS)
    assert window.keys.current_key().key_id == warehouse
    replaced_by = child(panel, QLabel, "replacedByLabel")
    qtbot.wait_until(lambda: f"Warehouse ETL ({new.key_id})" in replaced_by.text(), timeout=WAIT_MS)
    assert "stops on Fri 4 Dec 2026 at 10:31 (09:31 UTC)" in replaced_by.text()
    assert child(panel, QLabel, "expiresLabel").text() == "4 Dec 2026, 10:31 (in 1 day)"
    assert child(panel, QLabel, "expiresLabel").toolTip() == "2026-12-04 09:31:00 UTC"
    # Rotated once: rotate its successor instead.
    assert not button.isEnabled()
    assert "Already rotated" in button.toolTip()

    # An hour later the countdown has moved on.
    clock.now = NOW + timedelta(hours=1, minutes=5)
    model._tick()
    assert model.index_of(warehouse, Column.EXPIRES).data() == "stops in 22 hours"


def test_no_overlap_revokes_the_old_key_at_once(
    qtbot: Any, make_window: Any, ui_services: Services, warehouse: str
) -> None:
    window = make_window(ui_services)
    dto = window.keys.model.key_at(window.keys.model.row_of(warehouse))
    menu = window.keys.context_menu(dto, [dto])
    rotate = next(a for a in menu.actions() if a.objectName() == "rotateKeyAction")
    assert rotate.text() == "Rotate…" and rotate.isEnabled()
    rotate.trigger()
    menu.close()
    dialog = wait_for_top_level(qtbot, "rotateKeyDialog")
    child(dialog, QRadioButton, "graceNone").click()
    qtbot.mouseClick(child(dialog, QPushButton, "confirmRotateButton"), Qt.MouseButton.LeftButton)
    finish_reveal(qtbot)

    model = window.keys.model
    qtbot.wait_until(
        lambda: model.key_at(model.row_of(warehouse)).status is KeyStatus.REVOKED, timeout=WAIT_MS
    )
    old = ui_services.keys.get(warehouse)
    assert old.replaced_by is not None and old.revoked_at == NOW

    # A revoked key cannot be rotated: the panel's button and the menu say so.
    panel = select(qtbot, window, warehouse)
    button = child(panel, QPushButton, "rotateKeyButton")
    assert not button.isEnabled()
    assert "revoked" in button.toolTip()
    revoked = model.key_at(model.row_of(warehouse))
    menu = window.keys.context_menu(revoked, [revoked])
    rotate = next(a for a in menu.actions() if a.objectName() == "rotateKeyAction")
    assert not rotate.isEnabled()
    menu.close()


def test_the_grace_period_ends_at_the_key_s_own_expiry_if_that_comes_first(
    qtbot: Any, host: QWidget, ui_services: Services, clock: Clock, tasks: Any
) -> None:
    from app.ui.dialogs.rotate_key import RotateKeyDialog
    from app.ui.operations import KeyOperations

    key = ui_services.keys.create("Short lived", expires=(NOW + timedelta(days=3)).date()).key
    operations = KeyOperations(ui_services, tasks, host)
    dialog = RotateKeyDialog(key, operations, tasks, clock, host)
    qtbot.addWidget(dialog)
    dialog.show()
    child(dialog, QRadioButton, "grace7d").click()
    sentence = child(dialog, QLabel, "graceSentenceLabel").text()
    assert sentence.startswith("The old key stops working on Mon 7 Dec 2026 at 01:00 (00:00 UTC)")
    assert "its own expiry" in sentence


def test_an_auditor_cannot_rotate(
    qtbot: Any, make_window: Any, open_as: Any, warehouse: str
) -> None:
    window = make_window(open_as("audrey", Role.AUDITOR))
    panel = select(qtbot, window, warehouse)
    button = child(panel, QPushButton, "rotateKeyButton")
    assert not button.isEnabled()
    assert button.toolTip() == "Your role (Auditor) can read keys but not change them"
    dto = window.keys.model.key_at(window.keys.model.row_of(warehouse))
    menu = window.keys.context_menu(dto, [dto])
    rotate = next(a for a in menu.actions() if a.objectName() == "rotateKeyAction")
    assert not rotate.isEnabled()
    menu.close()


def test_an_expiry_inside_a_day_shows_its_time(berlin: None) -> None:
    assert expiry_text(datetime(2026, 12, 10, 5, 31, tzinfo=UTC)) == "10 Dec 2026, 06:31"
    # An expiry date ends at midnight UTC: the last day it works, no time.
    assert expiry_text(datetime(2026, 12, 11, 0, 0, tzinfo=UTC)) == "10 Dec 2026"


def test_a_link_to_a_key_filtered_out_of_the_list_still_shows_it(
    qtbot: Any, make_window: Any, ui_services: Services, warehouse: str
) -> None:
    new = ui_services.keys.rotate(warehouse, timedelta(hours=24)).key
    window = make_window(ui_services)
    window.keys.model.set_search(new.key_id)  # the list shows the new key only
    qtbot.wait_until(
        lambda: window.keys.model.rowCount() == 1 and not window.keys.model.is_loading,
        timeout=WAIT_MS,
    )
    panel = select(qtbot, window, new.key_id)
    child(panel, QLabel, "replacesLabel").linkActivated.emit(f"key:{warehouse}")
    qtbot.wait_until(lambda: panel.key.key_id == warehouse, timeout=WAIT_MS)
    assert "not in the list as filtered" in window.statusBar().currentMessage()
    assert "stops on Fri 4 Dec 2026 at 10:31 (09:31 UTC)" in (
        child(panel, QLabel, "replacedByLabel").text()
    )
