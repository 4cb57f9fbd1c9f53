"""The progress runner: a quick job shows nothing, a slow one a dialog whose Cancel stops it."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressBar, QProgressDialog, QPushButton, QWidget

from app.domain.errors import Cancelled, Progress
from app.ui.progress import run_with_progress
from app.ui.tasks import TaskRunner


def _dialog(host: QWidget, name: str = "progressDialog") -> QProgressDialog | None:
    return host.findChild(QProgressDialog, name)


def _counting(stop_at: threading.Event, total: int = 1_000) -> Any:
    """A job that counts to ``total`` slowly and honours Cancel like a service does."""

    def job(report: Progress) -> int:
        for done in range(total + 1):
            if not report(done, total):
                raise Cancelled(done=done, total=total)
            if stop_at.wait(0.005):
                break
        return total

    return job


def test_a_quick_job_answers_without_showing_a_dialog(
    qtbot: Any, host: QWidget, tasks: TaskRunner
) -> None:
    answers: list[int] = []
    shown: list[bool] = []

    def job(report: Progress) -> int:
        report(1, 2)
        return 42

    def done(value: int) -> None:
        dialog = _dialog(host)
        shown.append(dialog is not None and dialog.isVisible())
        answers.append(value)

    run_with_progress(tasks, host, "Checking", job, done)
    qtbot.wait_until(lambda: answers == [42])
    assert shown == [False]
    qtbot.wait_until(lambda: _dialog(host) is None)  # deleted, not merely hidden


def test_a_slow_job_shows_its_progress_and_cancel_stops_it(
    qtbot: Any, host: QWidget, tasks: TaskRunner
) -> None:
    release = threading.Event()
    errors: list[BaseException] = []
    answers: list[int] = []
    run_with_progress(
        tasks, host, "Verifying", _counting(release), answers.append, errors.append,
        label="Verifying the audit trail…", object_name="verifyProgress",
    )  # fmt: skip
    qtbot.wait_until(lambda: (d := _dialog(host, "verifyProgress")) is not None and d.isVisible())
    dialog = _dialog(host, "verifyProgress")
    assert dialog is not None
    assert dialog.windowModality() == Qt.WindowModality.WindowModal
    assert dialog.labelText() == "Verifying the audit trail…"
    bar = dialog.findChild(QProgressBar)
    assert bar is not None
    qtbot.wait_until(lambda: bar.maximum() == 1_000 and bar.value() > 0)
    cancel = dialog.findChild(QPushButton)
    assert cancel is not None
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.wait_until(lambda: bool(errors))
    release.set()
    assert answers == []
    assert isinstance(errors[0], Cancelled)
    assert 0 < errors[0].done < errors[0].total == 1_000
    qtbot.wait_until(lambda: _dialog(host, "verifyProgress") is None)


def test_a_failure_reaches_on_error_and_closes_the_dialog(
    qtbot: Any, host: QWidget, tasks: TaskRunner
) -> None:
    errors: list[BaseException] = []
    go = threading.Event()

    def job(report: Progress) -> None:
        report(0, 10)
        go.wait(10)
        raise ValueError("broken")

    run_with_progress(tasks, host, "Working", job, lambda _: None, errors.append)
    qtbot.wait_until(lambda: (d := _dialog(host)) is not None and d.isVisible())
    go.set()
    qtbot.wait_until(lambda: bool(errors))
    assert isinstance(errors[0], ValueError)
    qtbot.wait_until(lambda: _dialog(host) is None)


def test_without_on_error_a_failure_goes_to_the_presenter(
    qtbot: Any, host: QWidget, tasks: TaskRunner
) -> None:
    unhandled: list[BaseException] = []
    tasks.unhandled_error.connect(unhandled.append)

    def job(report: Progress) -> None:
        raise RuntimeError("a bug")

    run_with_progress(tasks, host, "Working", job, lambda _: None)
    qtbot.wait_until(lambda: bool(unhandled))
    assert isinstance(unhandled[0], RuntimeError)


def test_cancelling_the_handle_stops_the_job_and_closes_the_dialog(
    qtbot: Any, host: QWidget, tasks: TaskRunner
) -> None:
    release = threading.Event()
    stopped: list[int] = []

    def job(report: Progress) -> None:
        done = 0
        while report(done, 100) and not release.wait(0.005):
            done = min(done + 1, 99)
        stopped.append(done)

    delivered: list[object] = []
    handle = run_with_progress(tasks, host, "Working", job, delivered.append, delivered.append)
    qtbot.wait_until(lambda: (d := _dialog(host)) is not None and d.isVisible())
    handle.cancel()
    qtbot.wait_until(lambda: bool(stopped))
    qtbot.wait_until(lambda: tasks.pending == 0)
    release.set()
    qtbot.wait_until(lambda: _dialog(host) is None)
    assert delivered == []


def test_report_is_safe_from_many_threads(qtbot: Any, host: QWidget, tasks: TaskRunner) -> None:
    answers: list[str] = []

    def job(report: Progress) -> str:
        threads = [
            threading.Thread(target=lambda: [report(i, 10_000) for i in range(10_000)])
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return "done"

    run_with_progress(tasks, host, "Working", job, answers.append)
    qtbot.wait_until(lambda: answers == ["done"])


def test_a_job_counted_to_the_end_but_not_finished_shows_a_busy_bar(
    qtbot: Any, host: QWidget, tasks: TaskRunner
) -> None:
    counted, release = threading.Event(), threading.Event()
    answers: list[int] = []

    def job(report: Progress) -> int:
        report(500, 1_000)
        counted.wait(10)
        report(1_000, 1_000)  # everything read; sorting the result takes a while yet
        release.wait(10)
        return 7

    run_with_progress(tasks, host, "Rebuilding", job, answers.append)
    qtbot.wait_until(lambda: (d := _dialog(host)) is not None and d.isVisible())
    dialog = _dialog(host)
    assert dialog is not None
    bar = dialog.findChild(QProgressBar)
    assert bar is not None
    qtbot.wait_until(lambda: (bar.maximum(), bar.value()) == (1_000, 500))
    counted.set()
    qtbot.wait_until(lambda: (bar.minimum(), bar.maximum()) == (0, 0))  # busy, not full
    release.set()
    qtbot.wait_until(lambda: answers == [7])
