"""Live updates: what someone else changes reaches an open console without a key press.

The "someone else" is a second Services on the same database file under another login, as a
second window or the command line would be.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.domain.roles import Role
from app.domain.status import KeyStatus
from app.services import Services
from app.ui.live import LiveUpdates

WAIT_MS = 5_000


def _live(ui_services: Services, tasks: Any, qtbot: Any) -> LiveUpdates:
    live = LiveUpdates(ui_services, tasks, interval_ms=50)
    live.start()
    qtbot.wait_until(lambda: live._seq is not None, timeout=WAIT_MS)
    return live


def test_another_admins_changes_arrive(
    qtbot: Any, tasks: Any, ui_services: Services, open_as: Callable[..., Services]
) -> None:
    mine = ui_services.keys.create("Warehouse sync").key
    live = _live(ui_services, tasks, qtbot)
    other = open_as("ana")
    changed: list[list[Any]] = []
    removed: list[list[str]] = []
    live.keys_changed.connect(changed.append)
    live.keys_removed.connect(removed.append)

    other.keys.disable(mine.key_id)
    qtbot.wait_until(lambda: bool(changed), timeout=WAIT_MS)
    assert [(dto.key_id, dto.status) for dto in changed[-1]] == [(mine.key_id, KeyStatus.DISABLED)]

    created = other.keys.create("Dashboard").key
    qtbot.wait_until(lambda: created.key_id in {d.key_id for d in changed[-1]}, timeout=WAIT_MS)

    other.keys.delete(created.key_id)
    qtbot.wait_until(lambda: removed == [[created.key_id]], timeout=WAIT_MS)
    live.stop()


def test_people_and_policy_changes_are_announced(
    qtbot: Any, tasks: Any, ui_services: Services, open_as: Callable[..., Services]
) -> None:
    live = _live(ui_services, tasks, qtbot)
    other = open_as("ana", role=Role.ADMIN)
    with qtbot.wait_signal(live.people_changed, timeout=WAIT_MS):
        other.users.add("bob", role="member", display_name="Bob")
    with qtbot.wait_signal(live.policy_changed, timeout=WAIT_MS):
        other.policy.set_key_limit(2)
    live.stop()


def test_polling_never_shows_the_busy_indicator(
    qtbot: Any, tasks: Any, ui_services: Services
) -> None:
    busy: list[bool] = []
    tasks.busy_changed.connect(busy.append)
    live = _live(ui_services, tasks, qtbot)
    qtbot.wait(300)  # several idle polls
    live.stop()
    assert busy == []


def test_nothing_changed_emits_nothing(qtbot: Any, tasks: Any, ui_services: Services) -> None:
    live = _live(ui_services, tasks, qtbot)
    seen: list[object] = []
    live.changes_seen.connect(seen.append)
    qtbot.wait(300)
    live.stop()
    assert seen == []


def test_the_window_shows_another_admins_changes_by_itself(
    qtbot: Any, make_window: Any, ui_services: Services, open_as: Callable[..., Services]
) -> None:
    from app.ui.models.key_columns import Column

    mine = ui_services.keys.create("Warehouse sync").key
    window = make_window(ui_services)
    window.live._timer.setInterval(50)
    model = window.keys.model
    other = open_as("ana")
    window.keys.toolbar.focus_search()
    qtbot.wait_until(lambda: window.live._seq is not None, timeout=WAIT_MS)

    created = other.keys.create("Dashboard").key
    qtbot.wait_until(lambda: model.row_of(created.key_id) == 0, timeout=WAIT_MS)
    other.keys.disable(mine.key_id)

    def shows_disabled() -> bool:
        row = model.row_of(mine.key_id)
        return row is not None and model.key_at(row).status is KeyStatus.DISABLED

    qtbot.wait_until(shows_disabled, timeout=WAIT_MS)
    other.keys.delete(created.key_id)
    qtbot.wait_until(lambda: model.row_of(created.key_id) is None, timeout=WAIT_MS)
    assert model.index(0, Column.NAME).data() == "Warehouse sync"
