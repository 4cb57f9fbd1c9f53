"""The task runner: results come back on the GUI thread, newest per channel, owners respected."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject

from app.ui.tasks import TaskRunner


def test_results_arrive_on_the_gui_thread(qtbot, tasks: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[int, bool]] = []
    tasks.submit(lambda: 41 + 1, lambda value: seen.append((value, _on_main_thread())))
    qtbot.wait_until(lambda: bool(seen))
    assert seen == [(42, True)]


def test_a_superseded_job_on_a_channel_is_not_delivered(qtbot, tasks: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    release = threading.Event()
    delivered: list[str] = []
    tasks.submit(lambda: release.wait(10) and "old", delivered.append, channel="search")
    tasks.submit(lambda: "new", delivered.append, channel="search")
    release.set()
    qtbot.wait_until(lambda: tasks.pending == 0)
    assert delivered == ["new"]


def test_an_answer_for_a_deleted_owner_is_dropped(qtbot, tasks: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    release = threading.Event()
    owner = QObject()
    delivered: list[object] = []
    tasks.submit(lambda: release.wait(10), delivered.append, delivered.append, owner=owner)
    owner.deleteLater()
    qtbot.wait_until(lambda: not _alive(owner))
    release.set()
    qtbot.wait_until(lambda: tasks.pending == 0)
    assert delivered == []


def _on_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _alive(obj: QObject) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)
