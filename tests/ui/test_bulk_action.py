"""The bulk change dialog: a long dry run is listed whole, and refusals are listed after."""

from __future__ import annotations

from typing import Any, TypeVar

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QLineEdit, QListView, QPushButton

from app.domain.status import KeyStatus
from app.services import Services
from app.services.bulk import BulkResult
from app.services.choices import BulkAction
from app.ui.dialogs.bulk_action import BulkActionDialog

WAIT_MS = 15_000


T = TypeVar("T", bound=QObject)


def _child(dialog: BulkActionDialog, kind: type[T], name: str) -> T:
    found = dialog.findChild(kind, name)
    assert found is not None, name
    return found


def _texts(preview: QListView) -> list[str]:
    lines = preview.model()
    return [lines.index(row, 0).data() for row in range(lines.rowCount())]


def test_a_dry_run_is_listed_whole_and_in_order(
    qtbot: Any, tasks: Any, ui_services: Services, host: Any
) -> None:
    keys = [ui_services.keys.create(f"Feed {n}", "x").key for n in range(6)]
    ui_services.keys.revoke(keys[2].key_id, "ended")
    ids = [key.key_id for key in keys] + ["nosuchkey0000000"]
    dialog = BulkActionDialog(ui_services, tasks, ids, action=BulkAction.REVOKE, parent=host)
    dialog.open()
    _child(dialog, QLineEdit, "bulkReasonField").setText("clean-up")
    preview = _child(dialog, QListView, "bulkPreviewList")
    apply = _child(dialog, QPushButton, "bulkApplyButton")
    qtbot.wait_until(lambda: preview.model().rowCount() == 7 and apply.isEnabled(), timeout=WAIT_MS)
    assert _texts(preview) == [
        *(f"{key.name} ({key.key_id}): Active → Revoked" for key in keys if key != keys[2]),
        f"Feed 2 ({keys[2].key_id}): skipped, already revoked",
        "nosuchkey0000000: skipped, no such key (or not visible to you)",
    ]
    assert apply.text() == "Revoke: 5 keys"


def test_a_key_refused_when_applied_is_listed_with_why_and_left_alone(
    qtbot: Any, tasks: Any, ui_services: Services, host: Any
) -> None:
    keys = [ui_services.keys.create(f"Feed {n}", "x").key for n in range(3)]
    results: list[BulkResult] = []
    dialog = BulkActionDialog(
        ui_services, tasks, [key.key_id for key in keys], action=BulkAction.DISABLE, parent=host
    )
    dialog.applied.connect(results.append)
    dialog.open()
    preview = _child(dialog, QListView, "bulkPreviewList")
    apply = _child(dialog, QPushButton, "bulkApplyButton")
    qtbot.wait_until(lambda: preview.model().rowCount() == 3 and apply.isEnabled(), timeout=WAIT_MS)
    refused = keys[1]
    ui_services.keys.revoke(refused.key_id, "compromised")  # after the dry run

    apply.click()
    qtbot.wait_until(lambda: bool(results), timeout=WAIT_MS)
    assert dialog.isVisible()  # stays open so the refusal can be read
    qtbot.wait_until(lambda: preview.model().rowCount() == 1, timeout=WAIT_MS)
    (line,) = _texts(preview)
    assert line.startswith(f"Feed 1 ({refused.key_id}): not changed, ")
    assert "revoked" in line
    banner = _child(dialog, QLabel, "bulkResultLabel")
    assert banner.text().startswith("Changed: 2; not changed: 1.")
    assert [key.key_id for key in results[0].done] == [keys[0].key_id, keys[2].key_id]
    after = ui_services.keys.get(refused.key_id)
    assert (after.status, after.revoked_reason) == (KeyStatus.REVOKED, "compromised")
    assert [ui_services.keys.get(key.key_id).status for key in keys] == [
        KeyStatus.DISABLED,
        KeyStatus.REVOKED,
        KeyStatus.DISABLED,
    ]


def test_the_dialog_holds_the_windows_counts_until_it_goes(
    qtbot: Any, tasks: Any, ui_services: Services, host: Any
) -> None:
    """Its change's counts wait while it is open; closed, or deleted without being closed
    (its window gone under it), it lets them run — a hold left behind would stop them all."""
    from PySide6.QtWidgets import QWidget

    from app.ui.tasks import refreshes_held

    key_id = ui_services.keys.create("Feed", "x").key.key_id
    dialog = BulkActionDialog(ui_services, tasks, [key_id], action=BulkAction.REVOKE, parent=host)
    dialog.open()
    assert refreshes_held.holding
    dialog.reject()
    qtbot.wait_until(lambda: not refreshes_held.holding, timeout=WAIT_MS)

    parent = QWidget()
    orphan = BulkActionDialog(ui_services, tasks, [key_id], action=BulkAction.REVOKE, parent=parent)
    orphan.open()
    assert refreshes_held.holding
    gone: list[object] = []
    orphan.destroyed.connect(lambda *_: gone.append(True))
    parent.deleteLater()
    qtbot.wait_until(lambda: bool(gone), timeout=WAIT_MS)
    assert not refreshes_held.holding
