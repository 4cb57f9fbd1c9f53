"""Reminders: a notice for reviews waiting on me and my keys expiring soon, dismissed until
what it says changes (and remembered across runs)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from app.services import Services
from app.ui.reminders import Reminders

WAIT_MS = 10_000


def _reminders(ui_services: Services, tasks: Any, path: Path) -> Reminders:
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    return Reminders(ui_services, tasks, settings)


def test_a_notice_for_my_expiring_key_and_my_review(
    qtbot: Any,
    tasks: Any,
    ui_services: Services,
    open_as: Callable[..., Services],
    tmp_path: Path,
) -> None:
    today = ui_services.clock().date()
    ui_services.keys.create("Contractor feed", "x", expires=today + timedelta(days=5))
    open_as("mona")
    ui_services.keys.create("Mona's feed", "x", owner="mona", expires=today + timedelta(days=3))
    reminders = _reminders(ui_services, tasks, tmp_path / "r.ini")
    seen: list[str] = []
    reminders.notice.connect(lambda _notice, text: seen.append(text))
    reminders.check_now()
    qtbot.wait_until(lambda: bool(seen), timeout=WAIT_MS)
    # Only my key (not Mona's), with when it expires.
    assert seen[-1].startswith("1 of your keys expires soon (“Contractor feed”, expires in ")

    ui_services.reviews.start("Q1 review", ui_services.clock() + timedelta(days=7))
    reminders.check_now()
    qtbot.wait_until(lambda: len(seen) == 2, timeout=WAIT_MS)
    assert seen[-1].startswith("1 of your keys waits for your answer in an access review; ")


def test_dismissed_stays_dismissed_until_it_changes(
    qtbot: Any, tasks: Any, ui_services: Services, tmp_path: Path
) -> None:
    today = ui_services.clock().date()
    ui_services.keys.create("Contractor feed", "x", expires=today + timedelta(days=5))
    path = tmp_path / "r.ini"
    reminders = _reminders(ui_services, tasks, path)
    seen: list[str] = []
    reminders.notice.connect(lambda _notice, text: seen.append(text))
    reminders.check_now()
    qtbot.wait_until(lambda: len(seen) == 1, timeout=WAIT_MS)
    reminders.dismiss()

    # A new window (a new run) with the same settings: nothing to say.
    again = _reminders(ui_services, tasks, path)
    checked: list[object] = []
    again.notice.connect(lambda notice, _text: checked.append(notice))
    again.check_now()
    qtbot.wait_until(lambda: again.current is not None, timeout=WAIT_MS)
    assert checked == []
    # Something changed: it speaks again.
    ui_services.keys.create("Pilot", "x", expires=today + timedelta(days=2))
    again.check_now()
    qtbot.wait_until(lambda: bool(checked), timeout=WAIT_MS)


def test_nothing_waiting_clears_the_notice(qtbot: Any, tasks: Any, ui_services: Services) -> None:
    reminders = Reminders(ui_services, tasks, QSettings())
    with qtbot.wait_signal(reminders.cleared, timeout=WAIT_MS):
        reminders.check_now()
