"""The revoke dialog: one key or several, one confirmation, errors kept in the dialog."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QWidget,
)

from app.domain.hashing import TokenHasher
from app.domain.status import KeyStatus
from app.services import Services, open_services
from app.services.dto import KeyDTO
from app.ui.dialogs.revoke_key import RevokeKeyDialog
from app.ui.tasks import TaskRunner

OpenDialog = Callable[[Sequence[KeyDTO]], RevokeKeyDialog]


@pytest.fixture
def open_dialog(host: QWidget, tasks: TaskRunner, ui_services: Services) -> OpenDialog:
    def _open(keys: Sequence[KeyDTO]) -> RevokeKeyDialog:
        dialog = RevokeKeyDialog(keys, ui_services, tasks, host)
        dialog.open()
        return dialog

    return _open


@pytest.fixture
def other_admin(ui_services: Services, fast_hasher: TokenHasher) -> Iterator[Services]:
    """The same database opened a second time, as another admin's console would."""
    url = ui_services.engine.url.render_as_string(hide_password=False)
    services = open_services(url, hasher=fast_hasher)
    yield services
    services.close()


def make_keys(services: Services, *names: str) -> list[KeyDTO]:
    return [services.keys.create(name).key for name in names]


def child(dialog: QWidget, kind: type, name: str):  # type: ignore[no-untyped-def]
    found = dialog.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name}"
    return found


def click(qtbot, dialog: QWidget, name: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(child(dialog, QPushButton, name), Qt.MouseButton.LeftButton)


def revoke(qtbot, dialog: RevokeKeyDialog) -> list[KeyDTO]:  # type: ignore[no-untyped-def]
    with (
        qtbot.waitSignal(dialog.accepted, timeout=10_000),
        qtbot.waitSignal(dialog.keys_revoked, timeout=10_000) as blocker,
    ):
        click(qtbot, dialog, "confirmRevokeButton")
    return list(blocker.args[0])


def test_one_key_shows_what_is_at_stake_with_cancel_as_default(open_dialog, ui_services) -> None:
    (key,) = make_keys(ui_services, "Salesforce Data Sync")
    dialog = open_dialog([key])

    assert dialog.windowTitle() == "Revoke API Key"
    assert "Revoke “Salesforce Data Sync”?" in child(dialog, QLabel, "sectionTitle").text()
    assert child(dialog, QLabel, "revokeKeyMasked").text() == key.masked
    assert child(dialog, QLabel, "revokeKeyOwner").text() == key.owner_name
    assert child(dialog, QLabel, "revokeKeyLastUsed").text() == "Never used"
    assert child(dialog, QLabel, "revokeWarningLabel").text() == (
        "Revocation is immediate. Any integration using this key will stop working instantly."
    )
    cancel = child(dialog, QPushButton, "cancelButton")
    confirm = child(dialog, QPushButton, "confirmRevokeButton")
    assert cancel.isDefault()
    assert confirm.text() == "Revoke key"
    assert not confirm.isDefault() and not confirm.autoDefault()
    reasons = child(dialog, QComboBox, "revokeReasonField")
    assert [reasons.itemText(i) for i in range(reasons.count())] == [
        "Integration is no longer needed",
        "Security incident or suspected compromise",
        "User has left the company",
        "Switching to a different integration approach",
        "Not used in 90+ days",
    ]
    assert reasons.currentText() == ""


def test_last_use_reads_as_a_person_says_it(open_dialog, ui_services) -> None:
    (key,) = make_keys(ui_services, "Looker Reporting Integration")
    used = dataclasses.replace(key, last_used_at=ui_services.context.clock() - timedelta(days=3))

    dialog = open_dialog([used])

    assert child(dialog, QLabel, "revokeKeyLastUsed").text() == "Last used 3 days ago"


def test_revoking_one_key_with_a_suggested_reason(qtbot, open_dialog, ui_services) -> None:
    (key,) = make_keys(ui_services, "Salesforce Data Sync")
    dialog = open_dialog([key])
    child(dialog, QComboBox, "revokeReasonField").setCurrentIndex(1)

    revoked = revoke(qtbot, dialog)

    assert [dto.key_id for dto in revoked] == [key.key_id]
    assert revoked[0].status is KeyStatus.REVOKED
    stored = ui_services.keys.get(key.key_id)
    assert stored.status is KeyStatus.REVOKED
    assert stored.revoked_reason == "Security incident or suspected compromise"


def test_a_typed_reason_is_kept_and_enter_does_not_cancel(qtbot, open_dialog, ui_services) -> None:
    (key,) = make_keys(ui_services, "Affinity Professional Services Key")
    dialog = open_dialog([key])
    reason = child(dialog, QLineEdit, "revokeReasonEdit")

    qtbot.keyClicks(reason, "Engagement ended 3 months ago")
    qtbot.keyClick(reason, Qt.Key.Key_Return)

    assert dialog.isVisible()
    assert ui_services.keys.get(key.key_id).status is KeyStatus.ACTIVE
    revoke(qtbot, dialog)
    assert ui_services.keys.get(key.key_id).revoked_reason == "Engagement ended 3 months ago"


def test_cancel_revokes_nothing(qtbot, open_dialog, ui_services) -> None:
    (key,) = make_keys(ui_services, "Salesforce Data Sync")
    dialog = open_dialog([key])

    with qtbot.assertNotEmitted(dialog.keys_revoked), qtbot.waitSignal(dialog.rejected):
        click(qtbot, dialog, "cancelButton")

    assert ui_services.keys.get(key.key_id).status is KeyStatus.ACTIVE


def test_several_keys_are_revoked_in_one_go(qtbot, open_dialog, ui_services) -> None:
    keys = make_keys(ui_services, "Snowflake ETL", "HubSpot Sync", "Custom Dashboard API")
    dialog = open_dialog(keys)

    assert child(dialog, QLabel, "sectionTitle").text() == "Revoke 3 keys?"
    confirm = child(dialog, QPushButton, "confirmRevokeButton")
    assert confirm.text() == "Revoke 3 keys"
    listing = child(dialog, QListWidget, "revokeKeyList")
    assert [listing.item(i).text().split("  ·  ")[0] for i in range(listing.count())] == [
        "Snowflake ETL",
        "HubSpot Sync",
        "Custom Dashboard API",
    ]
    child(dialog, QComboBox, "revokeReasonField").setCurrentIndex(0)

    revoked = revoke(qtbot, dialog)

    assert sorted(dto.key_id for dto in revoked) == sorted(key.key_id for key in keys)
    for key in keys:
        stored = ui_services.keys.get(key.key_id)
        assert stored.status is KeyStatus.REVOKED
        assert stored.revoked_reason == "Integration is no longer needed"


def test_a_long_list_names_the_first_ten_and_counts_the_rest(open_dialog, ui_services) -> None:
    keys = make_keys(ui_services, *(f"Integration {n:02}" for n in range(12)))

    dialog = open_dialog(keys)

    listing = child(dialog, QListWidget, "revokeKeyList")
    assert listing.count() == 11
    assert listing.item(9).text().startswith("Integration 09")
    assert listing.item(10).text() == "…and 2 more"


def test_progress_shows_while_revoking(qtbot, open_dialog, ui_services, monkeypatch) -> None:
    import threading

    keys = make_keys(ui_services, "Snowflake ETL", "HubSpot Sync")
    gate = threading.Event()
    real = ui_services.keys.revoke_many

    def slow_revoke_many(*args, **kwargs):  # type: ignore[no-untyped-def]
        assert gate.wait(10), "the test never opened the gate"
        return real(*args, **kwargs)

    monkeypatch.setattr(ui_services.keys, "revoke_many", slow_revoke_many)
    dialog = open_dialog(keys)
    try:
        click(qtbot, dialog, "confirmRevokeButton")
        assert child(dialog, QProgressBar, "revokeProgress").isVisibleTo(dialog)
        assert child(dialog, QLabel, "revokeStatusLabel").text() == "Revoking 2 keys…"
        assert not child(dialog, QPushButton, "confirmRevokeButton").isEnabled()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # the answer is on its way: stay
        assert dialog.isVisible()
    finally:
        gate.set()
    with qtbot.waitSignal(dialog.keys_revoked, timeout=10_000):
        pass


def test_a_key_deleted_meanwhile_is_one_sentence_and_the_dialog_stays(
    qtbot, open_dialog, ui_services, other_admin
) -> None:
    (key,) = make_keys(ui_services, "Salesforce Data Sync")
    dialog = open_dialog([key])
    other_admin.keys.delete(key.key_id)

    with qtbot.assertNotEmitted(dialog.keys_revoked):
        click(qtbot, dialog, "confirmRevokeButton")
        error = child(dialog, QLabel, "revokeErrorLabel")
        qtbot.waitUntil(lambda: error.isVisibleTo(dialog), timeout=10_000)

    assert error.text() == f"There is no key with the id “{key.key_id}”."
    assert dialog.isVisible()
    assert child(dialog, QPushButton, "confirmRevokeButton").isEnabled()
    with qtbot.waitSignal(dialog.rejected):
        click(qtbot, dialog, "cancelButton")


def test_several_keys_are_revoked_all_or_none(qtbot, open_dialog, ui_services, other_admin) -> None:
    keys = make_keys(ui_services, "Snowflake ETL", "HubSpot Sync", "Custom Dashboard API")
    dialog = open_dialog(keys)
    other_admin.keys.delete(keys[1].key_id)

    click(qtbot, dialog, "confirmRevokeButton")

    error = child(dialog, QLabel, "revokeErrorLabel")
    qtbot.waitUntil(lambda: error.isVisibleTo(dialog), timeout=10_000)
    assert keys[1].key_id in error.text()
    assert ui_services.keys.get(keys[0].key_id).status is KeyStatus.ACTIVE
    assert ui_services.keys.get(keys[2].key_id).status is KeyStatus.ACTIVE


def test_revoking_an_already_revoked_key_is_refused_in_the_dialog(
    qtbot, open_dialog, ui_services
) -> None:
    (key,) = make_keys(ui_services, "Old Integration")
    ui_services.keys.revoke(key.key_id)
    dialog = open_dialog([key])

    click(qtbot, dialog, "confirmRevokeButton")

    error = child(dialog, QLabel, "revokeErrorLabel")
    qtbot.waitUntil(lambda: error.isVisibleTo(dialog), timeout=10_000)
    assert error.text() == "“Old Integration” is already revoked."


def test_every_control_has_an_object_and_accessible_name(open_dialog, ui_services) -> None:
    dialog = open_dialog(make_keys(ui_services, "A", "B"))
    for kind in (QLineEdit, QComboBox, QPushButton, QListWidget):
        for widget in dialog.findChildren(kind):
            assert widget.objectName(), widget
            assert widget.accessibleName(), widget.objectName()
    assert dialog.objectName() == "revokeKeyDialog"
    assert dialog.windowModality() is Qt.WindowModality.WindowModal
    assert dialog.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
