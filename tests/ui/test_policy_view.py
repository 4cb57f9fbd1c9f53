"""The Policy screen: a change is previewed, then applied and audited; bad input saves nothing."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QPushButton, QWidget

from app.domain.audit import AuditAction
from app.domain.roles import Role
from app.services import Services
from app.ui.screens.policy import PolicyScreen
from app.ui.tasks import TaskRunner
from tests.ui.support import WAIT_MS, find_top_level, wait_closed, wait_for_top_level


@pytest.fixture
def make_screen(qtbot: Any, host: QWidget, tasks: TaskRunner, ui_services: Services) -> Any:
    def _make(services: Services | None = None) -> PolicyScreen:
        services = services or ui_services
        screen = PolicyScreen(services, tasks, host)
        screen.resize(1000, 760)
        screen.show()
        screen.set_operator(services.users.me())
        with qtbot.waitSignal(screen.loaded, timeout=WAIT_MS):
            screen.refresh()
        return screen

    return _make


def field(screen: QWidget, name: str) -> QLineEdit:
    found = screen.findChild(QLineEdit, name)
    assert found is not None, name
    return found


def set_text(qtbot: Any, screen: QWidget, name: str, text: str) -> None:
    edit = field(screen, name)
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    assert edit.text() == text


def button(widget: QWidget, name: str) -> QPushButton:
    found = widget.findChild(QPushButton, name)
    assert found is not None, name
    return found


def policy_events(services: Services) -> list[Any]:
    return [
        event
        for event in services.audit.recent(limit=100)
        if event.action is AuditAction.POLICY_CHANGED
    ]


def test_the_form_shows_the_stored_policy(make_screen, ui_services) -> None:
    ui_services.policy.set_key_limit(3)
    screen = make_screen()
    assert field(screen, "limitField").text() == "3"
    assert field(screen, "lifetimeField").text() == "none"
    assert field(screen, "prefixField").text() == "kw"
    assert field(screen, "environmentsField").text() == "live, test"
    assert field(screen, "staleField").text() == "90"
    assert field(screen, "warningsField").text() == "30, 7, 1"


def test_a_change_is_previewed_then_applied_and_audited(qtbot, make_screen, ui_services) -> None:
    ui_services.users.add("maria", role="member", display_name="Maria Rossi")
    oldest = ui_services.keys.create("Salesforce Sync", owner="maria").key
    ui_services.keys.create("HubSpot Sync", owner="maria")
    ui_services.keys.create("Looker Reporting", owner="maria")
    screen = make_screen()
    before = policy_events(ui_services)

    set_text(qtbot, screen, "limitField", "2")
    set_text(qtbot, screen, "lifetimeField", "90")
    qtbot.mouseClick(button(screen, "savePolicyButton"), Qt.MouseButton.LeftButton)
    preview = wait_for_top_level(qtbot, "policyPreview")

    lines = preview.findChild(QListWidget, "policyPreviewLines")
    text = "\n".join(lines.item(n).text() for n in range(lines.count()))
    assert "Active keys per user: unlimited → 2." in text
    assert "Maria Rossi has 3 active keys" in text
    assert f"“Salesforce Sync” ({oldest.key_id})" in text  # revoked at her next create
    assert "HubSpot Sync" in text
    assert "Looker Reporting" not in text.split("Maria Rossi has")[1].split("\n")[0]
    assert "would exceed the new maximum lifetime of 90 days" in text
    # A preview changes nothing.
    assert ui_services.policy.get().max_active_keys_per_user is None
    assert policy_events(ui_services) == before

    with qtbot.waitSignal(screen.policy_changed, timeout=WAIT_MS):
        qtbot.mouseClick(button(preview, "applyPolicyButton"), Qt.MouseButton.LeftButton)
    wait_closed(qtbot, preview)

    policy = ui_services.policy.get()
    assert policy.max_active_keys_per_user == 2
    assert policy.max_lifetime_days == 90
    events = policy_events(ui_services)[: len(policy_events(ui_services)) - len(before)]
    assert len(events) == 2  # one per changed setting, with before and after
    assert {(tuple(e.before.items()), tuple(e.after.items())) for e in events} == {
        ((("limit", None),), (("limit", "2"),)),
        ((("max_lifetime", None),), (("max_lifetime", "90"),)),
    }
    # Nothing was revoked by the change itself.
    assert ui_services.keys.get(oldest.key_id).status.value == "active"
    assert "Saved" in screen.banner.message


def test_cancelling_the_preview_saves_nothing(qtbot, make_screen, ui_services) -> None:
    screen = make_screen()
    set_text(qtbot, screen, "prefixField", "acme")
    qtbot.mouseClick(button(screen, "savePolicyButton"), Qt.MouseButton.LeftButton)
    preview = wait_for_top_level(qtbot, "policyPreview")

    preview.reject()

    assert ui_services.policy.get().prefix == "kw"
    assert policy_events(ui_services) == []
    assert field(screen, "prefixField").text() == "acme"  # what was typed stays


@pytest.mark.parametrize(
    ("name", "text", "sentence"),
    [
        ("staleField", "abc", "“abc” is not a number of days; the stale threshold is e.g. 90."),
        ("limitField", "0", "The active-key limit must be at least 1, or unlimited."),
        ("warningsField", "30, soon", None),
        (
            "environmentsField",
            "live, Prod!",
            "The environment must be 2 to 16 lowercase letters or digits starting with a letter.",
        ),
    ],
)
def test_bad_input_is_named_next_to_its_field_and_nothing_is_saved(
    qtbot, make_screen, ui_services, tasks, name, text, sentence
) -> None:
    screen = make_screen()
    stored = ui_services.policy.get()
    set_text(qtbot, screen, name, text)

    qtbot.mouseClick(button(screen, "savePolicyButton"), Qt.MouseButton.LeftButton)

    error = screen.findChild(QLabel, f"{name}Error")
    assert error is not None and error.isVisibleTo(screen)
    if sentence is not None:
        assert error.text() == sentence
    assert error.text().count(".") >= 1 and "\n" not in error.text()
    assert field(screen, name).hasFocus() or not screen.isActiveWindow()
    assert tasks.pending == 0  # refused before any dry run was asked for
    assert find_top_level("policyPreview") is None
    assert ui_services.policy.get() == stored
    assert policy_events(ui_services) == []


def test_nothing_changed_says_so(qtbot, make_screen) -> None:
    screen = make_screen()
    qtbot.mouseClick(button(screen, "savePolicyButton"), Qt.MouseButton.LeftButton)
    assert screen.banner.message == "Nothing to save: the policy is as shown."


@pytest.mark.parametrize("role", [Role.MANAGER, Role.MEMBER, Role.AUDITOR])
def test_non_admins_see_the_policy_read_only(make_screen, open_as, role) -> None:
    screen = make_screen(open_as("sam", role))

    for name in ("limitField", "lifetimeField", "prefixField", "staleField"):
        edit = field(screen, name)
        assert edit.isReadOnly()
        assert role.label in edit.toolTip()
    save = button(screen, "savePolicyButton")
    assert not save.isEnabled()
    assert "admin" in save.toolTip()
