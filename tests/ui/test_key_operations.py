"""Key operations: written once, run in the background, announced by one signal."""

from __future__ import annotations

from typing import Any

from app.domain.errors import ConflictError, NotFound
from app.domain.status import KeyState, KeyStatus
from app.services import Services
from app.services.dto import KeyDTO
from app.ui.operations import KeyOperations
from app.ui.tasks import TaskRunner

WAIT_MS = 10_000


def make_key(services: Services, name: str = "Billing sync") -> KeyDTO:
    return services.keys.create(name, "Nightly export to billing.").key


def operations(qtbot: Any, services: Services, tasks: TaskRunner) -> KeyOperations:
    return KeyOperations(services, tasks, parent=tasks)


def test_a_toggle_is_announced_once_and_a_second_click_meanwhile_is_ignored(
    qtbot: Any, ui_services: Services, tasks: TaskRunner
) -> None:
    key = make_key(ui_services)
    ops = operations(qtbot, ui_services, tasks)
    changed: list[KeyDTO] = []
    busy: list[tuple[str, bool]] = []
    unhandled: list[BaseException] = []
    ops.key_changed.connect(changed.append)
    ops.busy_changed.connect(lambda key_id, flag: busy.append((key_id, flag)))
    tasks.unhandled_error.connect(unhandled.append)

    first = ops.set_enabled(key, False)
    assert first is not None
    assert ops.is_busy(key.key_id)
    assert ops.set_enabled(key, False) is None  # the same key from another screen
    qtbot.wait_until(lambda: not ops.is_busy(key.key_id), timeout=WAIT_MS)

    assert [dto.state for dto in changed] == [KeyState.DISABLED]
    assert busy == [(key.key_id, True), (key.key_id, False)]
    assert unhandled == []
    assert ui_services.keys.get(key.key_id).state is KeyState.DISABLED


def test_delete_announces_the_removal(qtbot: Any, ui_services: Services, tasks: TaskRunner) -> None:
    key = make_key(ui_services)
    ops = operations(qtbot, ui_services, tasks)
    with qtbot.wait_signal(ops.key_removed, timeout=WAIT_MS) as removed:
        ops.delete(key)
    assert removed.args == [key.key_id]


def test_edit_reports_to_the_caller_and_the_presenter_only_by_default(
    qtbot: Any, ui_services: Services, tasks: TaskRunner
) -> None:
    key = make_key(ui_services)
    ui_services.keys.edit(key.key_id, name="Changed elsewhere", expected_version=key.version)
    ops = operations(qtbot, ui_services, tasks)
    unhandled: list[BaseException] = []
    mine: list[BaseException] = []
    tasks.unhandled_error.connect(unhandled.append)

    ops.edit(key, name="Mine", description="", on_failure=mine.append)
    qtbot.wait_until(lambda: bool(mine), timeout=WAIT_MS)
    assert isinstance(mine[0], ConflictError)
    assert unhandled == []

    ops.edit(key, name="Mine", description="")
    qtbot.wait_until(lambda: bool(unhandled), timeout=WAIT_MS)
    assert isinstance(unhandled[0], ConflictError)
    assert ui_services.keys.get(key.key_id).name == "Changed elsewhere"


def test_a_key_found_gone_is_removed_everywhere(
    qtbot: Any, ui_services: Services, tasks: TaskRunner
) -> None:
    key = make_key(ui_services)
    ui_services.keys.delete(key.key_id)
    ops = operations(qtbot, ui_services, tasks)
    errors: list[BaseException] = []
    with qtbot.wait_signal(ops.key_removed, timeout=WAIT_MS) as removed:
        ops.reload(key.key_id, on_failure=errors.append)
    assert removed.args == [key.key_id]
    qtbot.wait_until(lambda: bool(errors), timeout=WAIT_MS)
    assert isinstance(errors[0], NotFound)


def test_revoke_announces_every_key(qtbot: Any, ui_services: Services, tasks: TaskRunner) -> None:
    keys = [make_key(ui_services, f"Key {n}") for n in range(2)]
    ops = operations(qtbot, ui_services, tasks)
    changed: list[KeyDTO] = []
    ops.key_changed.connect(changed.append)
    done: list[list[KeyDTO]] = []
    ops.revoke(keys, "Leaked in a log", on_success=done.append)
    qtbot.wait_until(lambda: bool(done), timeout=WAIT_MS)
    assert {dto.key_id for dto in changed} == {dto.key_id for dto in keys}
    assert all(dto.status is KeyStatus.REVOKED for dto in changed)
    assert ops.in_flight == frozenset()


def test_create_hands_the_token_to_the_caller_and_announces_the_key_and_the_revoked_one(
    qtbot: Any, ui_services: Services, tasks: TaskRunner
) -> None:
    oldest = make_key(ui_services, "Old HubSpot sync")
    ui_services.policy.set_key_limit(1)
    ops = operations(qtbot, ui_services, tasks)
    created: list[Any] = []
    changed: list[KeyDTO] = []
    ops.key_created.connect(created.append)
    ops.key_changed.connect(changed.append)
    handed: list[Any] = []

    ops.create(
        "New HubSpot sync",
        "Replaces the old one.",
        expires=None,
        environment="live",
        owner=None,
        replace_oldest=True,
        on_success=handed.append,
    )
    qtbot.wait_until(lambda: bool(handed), timeout=WAIT_MS)

    (result,) = handed
    assert result.token.reveal().startswith("kw_live_")
    assert [item.key.key_id for item in created] == [result.key.key_id]
    assert [dto.key_id for dto in changed] == [oldest.key_id]
    assert changed[0].status is KeyStatus.REVOKED
