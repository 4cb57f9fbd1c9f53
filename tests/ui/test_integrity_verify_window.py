"""Verify integrity over a sizeable trail: the window keeps answering while worker processes
walk the chain, and Cancel ends them (issue 8)."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QProgressDialog, QPushButton
from sqlalchemy.engine import URL

import app.services.integrity_walk as walk_module
from app.domain.errors import Progress
from app.services import Services
from app.ui.main_window import MainWindow
from tests.services.test_integrity_walk import _insert_chain, _walk_workers
from tests.ui.test_audit_view import child, open_audit

EVENTS = 30_000  # more than IN_PROCESS_UP_TO: walked by a worker process
SLOW_WAIT_MS = 120_000  # a worker starts in seconds on a loaded machine


@pytest.fixture
def long_trail(ui_services: Services, monkeypatch: pytest.MonkeyPatch) -> Services:
    _insert_chain(ui_services, EVENTS)
    # Small round trips: the walk lasts long enough to be watched and cancelled.
    monkeypatch.setattr(walk_module, "WORKER_BATCH", 1)
    return ui_services


class HeldWalk:
    """Holds the walk's worker processes still (SIGSTOP) each time they report progress, so
    the walk stays part-way however fast this machine reads (30,000 events take a quarter of
    a second on an idle one); :meth:`step` lets it go on to its next report."""

    def __init__(self) -> None:
        #: The progress the workers are held at, once they have reported any.
        self.at = 0
        self.pids: list[int] = []

    def hold(self, done: int) -> None:
        self.pids = _walk_workers()
        self._signal(signal.SIGSTOP)
        self.at = done

    def step(self) -> None:
        self._signal(signal.SIGCONT)

    def release(self) -> None:
        """Let the workers run (and be ended) as they would without the test."""
        self.at = -1
        self._signal(signal.SIGCONT)

    def _signal(self, number: int) -> None:
        for pid in self.pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, number)


@pytest.fixture
def held_walk(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldWalk]:
    held = HeldWalk()
    run_in_workers = walk_module.run_in_workers

    def run_held(url: URL, up_to: int, wanted: frozenset[int], progress: Progress | None) -> Any:
        def report(done: int, total: int) -> bool:
            # On the collecting thread, as soon as a worker's progress arrives.
            if 0 <= held.at < done:
                held.hold(done)
            going_on = progress is None or progress(done, total)
            if not going_on:
                held.release()
            return going_on

        return run_in_workers(url, up_to, wanted, report)

    monkeypatch.setattr(walk_module, "run_in_workers", run_held)
    yield held
    held.release()


@pytest.mark.timeout(300)
def test_the_window_answers_during_a_verify_and_cancel_ends_the_worker(
    qtbot: Any, make_window: Any, long_trail: Services, held_walk: HeldWalk
) -> None:
    window: MainWindow = make_window(long_trail)
    open_audit(qtbot, window)
    ticks: list[int] = []
    timer = QTimer(window)
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()

    qtbot.mouseClick(child(window, QPushButton, "verifyChainButton"), Qt.MouseButton.LeftButton)
    dialog = child(window, QProgressDialog, "verifyProgress")
    bar = child(dialog, QProgressBar, "verifyProgressBar")
    # The worker has walked part of the chain and says so…
    qtbot.wait_until(lambda: dialog.isVisible() and bar.value() > 0, timeout=SLOW_WAIT_MS)
    assert held_walk.pids == _walk_workers() != []
    walked, ticked = bar.value(), len(ticks)
    assert walked == held_walk.at < EVENTS + 1
    # …while the window's own timer keeps firing…
    qtbot.wait_until(lambda: len(ticks) >= ticked + 20, timeout=SLOW_WAIT_MS)
    assert dialog.isVisible()
    # …and the walk goes on.
    held_walk.step()
    qtbot.wait_until(lambda: bar.value() > walked, timeout=SLOW_WAIT_MS)
    assert bar.value() == held_walk.at < EVENTS + 1

    qtbot.mouseClick(child(dialog, QPushButton, ""), Qt.MouseButton.LeftButton)

    label = child(window, QLabel, "chainStatusLabel")
    qtbot.wait_until(label.isVisible, timeout=SLOW_WAIT_MS)
    assert label.text().startswith("Cancelled after ")
    assert label.text().endswith("events; nothing was concluded.")
    assert _walk_workers() == []
    assert child(window, QPushButton, "verifyChainButton").isEnabled()
    timer.stop()


@pytest.mark.timeout(300)
def test_a_verify_by_the_worker_reports_the_whole_trail_intact(
    qtbot: Any, make_window: Any, long_trail: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(walk_module, "WORKER_BATCH", 5_000)
    window: MainWindow = make_window(long_trail)
    open_audit(qtbot, window)

    qtbot.mouseClick(child(window, QPushButton, "verifyChainButton"), Qt.MouseButton.LeftButton)

    label = child(window, QLabel, "chainStatusLabel")
    qtbot.wait_until(label.isVisible, timeout=SLOW_WAIT_MS)
    assert label.text().startswith("Intact: ")
    assert str(EVENTS + 1) in label.text().replace(",", "")
    assert _walk_workers() == []
