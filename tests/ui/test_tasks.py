"""The task runner: results on the GUI thread, cancellable handles, newest answer only, owners."""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from collections.abc import Callable

import pytest
from PySide6.QtCore import QObject

from app.ui.tasks import (
    WORKER_NICENESS,
    LatestTask,
    RefreshTask,
    TaskHandle,
    TaskRunner,
    full_collections_postponed,
    refreshes_held,
)


def test_results_arrive_on_the_gui_thread(qtbot, tasks: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[int, bool]] = []
    tasks.submit(lambda: 41 + 1, lambda value: seen.append((value, _on_main_thread())))
    qtbot.wait_until(lambda: bool(seen))
    assert seen == [(42, True)]


def test_a_superseded_job_is_not_delivered(qtbot, tasks: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    release = threading.Event()
    delivered: list[str] = []
    search = LatestTask(tasks)
    old = search.submit(lambda: release.wait(10) and "old", delivered.append)
    search.submit(lambda: "new", delivered.append)
    release.set()
    qtbot.wait_until(lambda: tasks.pending == 0)
    assert delivered == ["new"]
    assert old.cancelled and old.finished


def test_a_cancelled_handle_drops_the_answer_and_the_error(qtbot, tasks: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    release = threading.Event()
    delivered: list[object] = []
    unhandled: list[BaseException] = []
    tasks.unhandled_error.connect(unhandled.append)

    def fail() -> None:
        release.wait(10)
        raise RuntimeError("nobody wants this")

    handles: list[TaskHandle] = [
        tasks.submit(lambda: release.wait(10), delivered.append),
        tasks.submit(fail, delivered.append),
    ]
    assert all(handle.active for handle in handles)
    for handle in handles:
        handle.cancel()
    release.set()
    qtbot.wait_until(lambda: tasks.pending == 0)
    assert delivered == []
    assert unhandled == []
    assert not any(handle.active for handle in handles)


def test_shutdown_drops_answers_and_does_not_wait_for_a_stuck_job(qtbot, tasks: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    release, running = threading.Event(), threading.Event()
    delivered: list[object] = []
    tasks.submit(lambda: running.set() or release.wait(10), delivered.append)
    queued = tasks.submit(lambda: "never needed", delivered.append)
    assert running.wait(10)
    started = time.monotonic()
    assert tasks.shutdown(100) is False  # the job is still running: shutdown gave up waiting
    assert time.monotonic() - started < 5
    release.set()
    qtbot.wait_until(lambda: tasks.pending == 0)
    assert delivered == []
    assert queued.cancelled


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


def test_an_answer_after_the_runner_itself_was_deleted_is_dropped(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A window deleted with its runner (the first page's window, handed over) may still
    have a job's answer on its way: it is dropped, with no error."""
    release = threading.Event()
    runner = TaskRunner()
    delivered: list[object] = []
    runner.submit(lambda: release.wait(10), delivered.append, delivered.append)
    runner.deleteLater()
    qtbot.wait_until(lambda: not _alive(runner))
    release.set()
    qtbot.wait(200)  # a bound for a delivery that must not come (nothing to wait on)
    assert delivered == []


def _on_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _alive(obj: QObject) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
def test_jobs_run_at_a_lower_priority_than_the_gui_thread(qtbot, tasks: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    """On SQLite a job's thread yields the CPU to the GUI thread (a repaint never waits
    behind a count); on a server, where its threads run Python holding the GIL, it does not
    (a lowered thread preempted while holding the GIL would keep the GUI thread waiting)."""

    def own_niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    gui = own_niceness()
    embedded = TaskRunner(niceness=WORKER_NICENESS)
    for runner, expected in ((embedded, min(19, gui + WORKER_NICENESS)), (tasks, gui)):
        results: list[int] = []
        for _ in range(3):  # the pool's threads are reused: lowered once, not once per job
            runner.submit(own_niceness, results.append)
        qtbot.wait_until(lambda results=results: len(results) == 3)
        assert results == [expected] * 3
    assert own_niceness() == gui
    embedded.wait_for_done()


def _jobs_noted_in(running: list[str]) -> Callable[..., Callable[[], str]]:
    """``job(name, hold=None)``: a job that notes its name in ``running`` when it starts,
    waits for ``hold`` (if any) and answers its name."""

    def job(name: str, hold: threading.Event | None = None) -> Callable[[], str]:
        def run() -> str:
            running.append(name)
            if hold is not None:
                hold.wait(10)
            return name

        return run

    return job


def test_a_refresh_runs_one_job_at_a_time_then_the_newest(qtbot, tasks: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    """Changes every second ask for a count each time: one count runs, the newest waits."""
    running: list[str] = []
    delivered: list[str] = []

    job = _jobs_noted_in(running)
    counts = RefreshTask(tasks)
    first = threading.Event()
    counts.submit(job("first", first), delivered.append)
    qtbot.wait_until(lambda: running == ["first"])
    counts.submit(job("second"), delivered.append)
    counts.submit(job("third"), delivered.append)  # replaces "second", which never runs
    assert tasks.pending == 1
    first.set()
    qtbot.wait_until(lambda: tasks.pending == 0 and len(delivered) == 2)
    assert running == ["first", "third"]
    assert delivered == ["first", "third"]  # the first answer was fresh when asked: shown

    late = threading.Event()
    counts.submit(job("late", late), delivered.append)
    counts.submit(job("waiting"), delivered.append)
    counts.cancel()  # drops the running job's answer and the waiting request
    late.set()
    qtbot.wait_until(lambda: tasks.pending == 0)
    assert delivered == ["first", "third"]
    assert "waiting" not in running


def test_a_refresh_dropped_during_its_pause_is_left_alone(qtbot, tasks: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    """A refresh whose pause (spacing) is running when its owner drops it: the pause's end
    finds nothing to resume, and nothing else is called in its place (the timer used to
    call the dropped refresh's method on whatever object took its memory)."""
    running: list[str] = []
    delivered: list[str] = []
    job = _jobs_noted_in(running)
    counts = RefreshTask(tasks, spacing_ms=50)
    first = threading.Event()
    counts.submit(job("first", first), delivered.append)
    qtbot.wait_until(lambda: running == ["first"])
    counts.submit(job("second"), delivered.append)
    first.set()
    qtbot.wait_until(lambda: delivered == ["first"])  # the pause has begun
    del counts
    gc.collect()
    # Objects of its size to take its memory (a freed object's memory goes to the next of
    # its size first): a call meant for it would reach one of these and raise.
    filler = [_SameSize() for _ in range(10_000)]
    qtbot.wait(200)  # the pause ends: an exception here would fail the test
    assert running == ["first"] and delivered == ["first"]
    assert len(filler) == 10_000


class _SameSize:
    """As large as a RefreshTask (as many slots), and not one."""

    __slots__ = ("__weakref__", "a", "b", "c", "d", "e")


def test_refreshes_wait_while_held_and_the_newest_runs_once_at_the_end(
    qtbot, tasks: TaskRunner
) -> None:  # type: ignore[no-untyped-def]
    """A bulk change's live polls ask for the counts again and again: none runs until the
    change's dialog has gone, then the newest runs at once (no spacing pause)."""
    running: list[str] = []
    delivered: list[str] = []
    first = threading.Event()

    job = _jobs_noted_in(running)
    counts = RefreshTask(tasks, spacing_ms=60_000)
    summary = RefreshTask(tasks)
    counts.submit(job("before", first), delivered.append)  # running when the hold begins
    qtbot.wait_until(lambda: running == ["before"])
    with refreshes_held():
        with refreshes_held():  # nests (two dialogs)
            counts.submit(job("poll 1"), delivered.append)
            first.set()
            qtbot.wait_until(lambda: delivered == ["before"])
            summary.submit(job("summary 1"), delivered.append)
            counts.submit(job("poll 2"), delivered.append)
            summary.submit(job("summary 2"), delivered.append)
        qtbot.wait(100)
        assert running == ["before"] and tasks.pending == 0  # all wait
    qtbot.wait_until(lambda: len(delivered) == 3)
    assert running[1:] and sorted(running[1:]) == ["poll 2", "summary 2"]
    qtbot.wait(100)
    assert len(running) == 3 and tasks.pending == 0
    summary.submit(job("after"), delivered.append)  # no hold, nothing running: at once
    qtbot.wait_until(lambda: delivered[-1:] == ["after"])


def test_a_reload_asked_for_while_held_runs_once_when_the_hold_ends() -> None:
    calls: list[str] = []

    def reload() -> None:
        calls.append("reload")

    refreshes_held.when_free(reload)
    assert calls == ["reload"]  # nothing held: at once
    with refreshes_held():
        refreshes_held.when_free(reload)
        with refreshes_held():
            refreshes_held.when_free(reload)
        assert calls == ["reload"]
    assert calls == ["reload", "reload"]


def test_full_collections_wait_while_a_long_job_runs_and_resume_after_the_last(qtbot) -> None:  # type: ignore[no-untyped-def]
    before = gc.get_threshold()
    with full_collections_postponed():
        young, middle, old = gc.get_threshold()
        assert (young, middle) == before[:2] and old > 10**8
        with full_collections_postponed():  # a second job (the dialog and its apply)
            assert gc.get_threshold()[2] == old
        assert gc.get_threshold()[2] == old  # the outer job still runs
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), full_collections_postponed():
        raise RuntimeError("the job failed")
    assert gc.get_threshold() == before
