"""Export evidence in the window: the pack is written, checks out offline; Cancel leaves none."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
)

from app.services import Services
from app.services.evidence import MANIFEST, verify_evidence
from app.ui.dialogs import evidence_export
from app.ui.dialogs.evidence_export import (
    EvidenceExportDialog,
    open_evidence_export,
    previous_month,
)
from tests.ui.support import WAIT_MS, find_top_level, wait_for_top_level


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def seed(services: Services) -> None:
    first = services.keys.create("Salesforce Data Sync", "CRM sync.").key
    services.keys.create("Looker Dashboards", "Dashboards.")
    services.keys.edit(first.key_id, name="Salesforce Sync")
    services.keys.revoke(first.key_id, "leaked")


def choose_folder(qtbot: Any, dialog: EvidenceExportDialog, folder: Path) -> None:
    """Click "Choose…" and pick ``folder`` in Qt's folder dialog."""
    qtbot.mouseClick(
        dialog.findChild(QPushButton, "evidenceFolderButton"), Qt.MouseButton.LeftButton
    )
    chooser = wait_for_top_level(qtbot, "evidenceFolderDialog")
    assert isinstance(chooser, QFileDialog)
    assert chooser.testOption(QFileDialog.Option.DontUseNativeDialog)
    chooser.setDirectory(str(folder))
    chooser.selectFile(str(folder))
    chooser.accept()
    qtbot.wait_until(
        lambda: dialog.findChild(QLineEdit, "evidenceFolderField").text() == str(folder),
        timeout=WAIT_MS,
    )


def set_period(dialog: EvidenceExportDialog, start: date, end: date) -> None:
    dialog.findChild(QDateEdit, "evidenceFromField").setDate(qdate(start))
    dialog.findChild(QDateEdit, "evidenceToField").setDate(qdate(end))


def test_the_default_period_is_the_previous_calendar_month(
    qtbot: Any, host: Any, ui_services: Services, tasks: Any
) -> None:
    dialog = open_evidence_export(host, ui_services, tasks)
    start, end = previous_month(ui_services.clock().date())
    assert dialog.period() == (start, end)
    assert start.day == 1 and (end + timedelta(days=1)).day == 1 and end < date.today()
    assert previous_month(date(2026, 1, 15)) == (date(2025, 12, 1), date(2025, 12, 31))
    hint = dialog.findChild(QLabel, "evidencePeriodHint").text()
    assert "UTC" in hint and "previous calendar month" in hint
    dialog.reject()


def test_an_evidence_pack_exported_in_the_window_checks_out_offline(
    qtbot: Any, host: Any, ui_services: Services, tasks: Any, tmp_path: Path
) -> None:
    seed(ui_services)
    folder = tmp_path / "handover"
    folder.mkdir()
    dialog = open_evidence_export(host, ui_services, tasks)
    today = ui_services.clock().date()
    set_period(dialog, today - timedelta(days=7), today)
    choose_folder(qtbot, dialog, folder)

    qtbot.mouseClick(
        dialog.findChild(QPushButton, "evidenceExportButton"), Qt.MouseButton.LeftButton
    )
    result = dialog.findChild(QLabel, "evidenceResultLabel")
    qtbot.wait_until(lambda: result.isVisible(), timeout=WAIT_MS)
    assert dialog.exported is not None
    pack = dialog.exported.directory
    assert pack.parent == folder and pack.is_dir()
    assert pack.name == f"keyward-evidence-{(today - timedelta(days=7)).isoformat()}_{today}"
    assert str(pack) in result.text()
    exported = dialog.exported

    def counted(count: int, noun: str) -> str:
        return f"1 {noun}" if count == 1 else f"{count} {noun}s"

    events, keys = counted(exported.events, "event"), counted(exported.keys, "key")
    assert result.text().startswith(f"Exported {events} and the inventory of {keys} to ")
    assert (pack / MANIFEST).is_file()
    assert all(path.stat().st_mode & 0o077 == 0 for path in pack.iterdir())
    assert verify_evidence(pack).ok

    # "Verify pack" says so in the dialog.
    assert dialog.findChild(QPushButton, "openEvidenceFolderButton").isVisible()
    assert dialog.pack_folder() == pack
    qtbot.mouseClick(
        dialog.findChild(QPushButton, "verifyEvidenceButton"), Qt.MouseButton.LeftButton
    )
    verdict = dialog.findChild(QLabel, "evidenceVerifyLabel")
    qtbot.wait_until(lambda: verdict.text().startswith("Intact"), timeout=WAIT_MS)

    # A second export, zipped, does not collide with the first.
    dialog.findChild(QCheckBox, "evidenceZipCheck").setChecked(True)
    qtbot.mouseClick(
        dialog.findChild(QPushButton, "evidenceExportButton"), Qt.MouseButton.LeftButton
    )
    qtbot.wait_until(
        lambda: dialog.exported is not None and dialog.exported.directory.suffix == ".zip",
        timeout=WAIT_MS,
    )
    archive = dialog.exported.directory
    assert archive.parent == folder and archive.is_file()
    assert verify_evidence(archive).ok

    # One byte changed in one file: the window's check names the problem.
    events = pack / "events.jsonl"
    data = bytearray(events.read_bytes())
    data[10] = ord("X") if data[10] != ord("X") else ord("Y")
    events.write_bytes(bytes(data))
    dialog._result = dataclasses.replace(dialog.exported, directory=pack)
    qtbot.mouseClick(
        dialog.findChild(QPushButton, "verifyEvidenceButton"), Qt.MouseButton.LeftButton
    )
    qtbot.wait_until(lambda: verdict.text().startswith("Not intact"), timeout=WAIT_MS)
    assert verdict.property("error") is True
    dialog.reject()


def test_cancel_leaves_no_pack_behind(
    qtbot: Any,
    host: Any,
    ui_services: Services,
    tasks: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seed(ui_services)
    folder = tmp_path / "handover"
    folder.mkdir()
    # The export waits at its first progress report until Cancel has been pressed, so the
    # progress dialog is certainly on screen to press it (a small trail exports too fast).
    pressed = threading.Event()
    real = evidence_export.run_with_progress

    def held(tasks: Any, parent: Any, title: str, job: Callable[..., Any], *rest: Any, **kw: Any):  # type: ignore[no-untyped-def]
        def slow_job(report: Callable[[int, int], bool]) -> Any:
            def waiting(done: int, total: int) -> bool:
                pressed.wait(WAIT_MS / 1000)
                return report(done, total)

            return job(waiting)

        return real(tasks, parent, title, slow_job, *rest, **kw)

    monkeypatch.setattr(evidence_export, "run_with_progress", held)
    dialog = open_evidence_export(host, ui_services, tasks)
    today = ui_services.clock().date()
    set_period(dialog, today - timedelta(days=30), today)
    choose_folder(qtbot, dialog, folder)
    qtbot.mouseClick(
        dialog.findChild(QPushButton, "evidenceExportButton"), Qt.MouseButton.LeftButton
    )
    progress = wait_for_top_level(qtbot, "evidenceProgressDialog")
    assert isinstance(progress, QProgressDialog)
    qtbot.mouseClick(progress.findChild(QPushButton), Qt.MouseButton.LeftButton)
    pressed.set()
    error = dialog.findChild(QLabel, "evidenceErrorLabel")
    qtbot.wait_until(lambda: error.isVisible(), timeout=WAIT_MS)
    assert error.text() == "Cancelled: no evidence pack was written."
    assert find_top_level("evidenceProgressDialog") is None
    assert list(folder.iterdir()) == []  # no pack, no half-written temporary folder
    assert dialog.exported is None
    assert dialog.findChild(QPushButton, "evidenceExportButton").isEnabled()
    dialog.reject()
