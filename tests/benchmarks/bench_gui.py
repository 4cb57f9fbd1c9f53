"""Console timings on a seeded database (DESIGN §10): a script, not a test.

    uv run python -m tests.benchmarks.bench_gui --database URL [--repeat 5]

(or set ``KEYWARD_BENCH_DATABASE`` instead of ``--database``).

Measures, in one process, the console the way a person meets it:

* process start → first page visible (from the kernel's process start time, so the
  interpreter and imports count too; "visible" is the table's first paint with rows);
* a search keystroke → the first page refreshed and painted (the 200 ms typing debounce is
  reported separately: it is a deliberate pause, not work);
* a click on a column header → the first page sorted on the server and painted;
* a scroll page: reaching the bottom → the next page inserted and painted;
* the GUI thread's worst stall: a 10 ms timer measures how late it fires while the
  event loop runs (a frozen window shows up here however the freeze came about);
* peak resident memory.

Seed first with ``tests.benchmarks.seed`` (its operator is ``bench-admin``).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: Taken as early as possible: everything before it counts as interpreter start-up.
_IMPORTED_AT = time.perf_counter()


def _process_age_s() -> float:
    """Seconds since the kernel started this process (Linux); 0 where unknown."""
    try:
        stat = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started_ticks = int(stat[19])  # field 22 of proc(5), counted after "pid (comm)"
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return uptime - started_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


_AGE_AT_IMPORT = _process_age_s()

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QEvent, QEventLoop, QObject, QPoint, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from app.domain.hashing import FAST_FOR_TESTS, TokenHasher  # noqa: E402
from app.ui import open_console  # noqa: E402
from app.ui.main_window import SEARCH_DEBOUNCE_MS, MainWindow  # noqa: E402
from app.ui.models.keys_model import Column  # noqa: E402

#: The seeded database when ``--database`` is not given (the seeder's variable too).
DATABASE_ENV = "KEYWARD_BENCH_DATABASE"
BENCH_ADMIN = "bench-admin"
SEARCH_TERMS = ("prod", "sync", "heron", "kestrel", "zebrafinch", "qwertzuiop", "hu", "müller")
SORT_COLUMNS = (Column.NAME, Column.OWNER, Column.LAST_USED, Column.EXPIRES, Column.UPDATED)
WAIT_S = 30.0


# --------------------------------------------------------------------------- probes


class LagProbe(QObject):
    """A 10 ms timer that notes how late it fires: the GUI thread's stalls."""

    INTERVAL_MS = 10

    def __init__(self) -> None:
        super().__init__()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(self.INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        self._last: float | None = None
        self.worst_ms = 0.0
        self.samples = 0

    def resume(self) -> None:
        # Only time spent inside the event loop counts: the script's own pauses do not.
        self._last = time.perf_counter()
        self._timer.start()

    def pause(self) -> None:
        self._timer.stop()
        self._last = None

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            late = (now - self._last) * 1000 - self.INTERVAL_MS
            self.worst_ms = max(self.worst_ms, late)
            self.samples += 1
        self._last = now


class Waker:
    """Ends the event loop a measurement waits in as soon as something relevant happens.

    Waiting is event-driven, not polled: a script that woke up every millisecond to look
    would itself compete with the console for the GIL and skew every figure.
    """

    def __init__(self) -> None:
        self.loop: QEventLoop | None = None

    def poke(self, *_: object) -> None:
        if self.loop is not None:
            self.loop.quit()


WAKER = Waker()


class PaintWatch(QObject):
    """Counts paints of the keys area (the table, or the "no matches" page instead of it)."""

    def __init__(self, *widgets: QObject) -> None:
        super().__init__()
        self.paints = 0
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
            # After the paint has been done, not before: queue the wake-up.
            QTimer.singleShot(0, WAKER.poke)
        return False


@dataclass
class Bench:
    window: MainWindow
    probe: LagProbe
    paints: PaintWatch
    figures: list[tuple[str, list[float], float | None, str]] = field(default_factory=list)

    def run_until(self, done: Callable[[], bool], timeout_s: float = WAIT_S) -> None:
        """Run the event loop until ``done()``, re-checked whenever the console did something."""
        loop = QEventLoop()
        fallback = QTimer()
        fallback.setInterval(50)  # for conditions no signal announces (the clock)
        fallback.timeout.connect(loop.quit)
        deadline = time.perf_counter() + timeout_s
        WAKER.loop = loop
        fallback.start()
        try:
            while not done():
                if time.perf_counter() > deadline:
                    raise TimeoutError("the console did not answer in time")
                loop.exec()
        finally:
            WAKER.loop = None
            fallback.stop()

    def timed(self, action: Callable[[], None], ready: Callable[[], bool]) -> tuple[float, float]:
        """Milliseconds from ``action`` until ``ready()``, and until the table has painted."""
        timer = QElapsedTimer()
        timer.start()
        action()
        self.run_until(ready)
        rows_ready = timer.nsecsElapsed() / 1e6
        before = self.paints.paints
        self.window.keys.table.viewport().update()
        self.window.keys.empty_state.update()
        self.run_until(lambda: self.paints.paints > before)
        return rows_ready, timer.nsecsElapsed() / 1e6

    def new_rows_after(self, action: Callable[[], None]) -> tuple[float, float]:
        """``timed`` for an action that loads a new first page (search, sort)."""
        loaded: list[bool] = []
        model = self.window.keys.model
        connection = model.query_loaded.connect(lambda: loaded.append(True))
        try:
            return self.timed(action, lambda: bool(loaded) and not model.is_loading)
        finally:
            model.query_loaded.disconnect(connection)

    def add(self, name: str, values: list[float], budget: float | None, note: str = "") -> None:
        self.figures.append((name, values, budget, note))

    def add_pair(
        self, name: str, pairs: list[tuple[float, float]], budget: float, note: str
    ) -> None:
        self.add(f"{name} → rows in the table", [ready for ready, _ in pairs], budget, note)
        self.add(f"{name} → painted", [painted for _, painted in pairs], None, note)


# --------------------------------------------------------------------------- cases


def first_page(database: str) -> tuple[Bench, float, float]:
    started = time.perf_counter()
    window = open_console(database, hasher=TokenHasher(FAST_FOR_TESTS), operator_login=BENCH_ADMIN)
    window.resize(1400, 860)
    paints = PaintWatch(window.keys.table.viewport(), window.keys.empty_state)
    bench = Bench(window, LagProbe(), paints)
    for signal in (
        window.keys.model.query_loaded,
        window.keys.model.rowsInserted,
        window.keys.model.count_changed,
        window.keys.model.load_failed,
    ):
        signal.connect(WAKER.poke)
    window.show()
    bench.run_until(lambda: window.keys.model.rowCount() > 0 and bench.paints.paints > 0)
    visible = time.perf_counter()
    # Start-up (fonts, first layout) is in the figure above; from here on the GUI thread
    # must never stall.
    bench.probe.resume()
    since_process_start = (_AGE_AT_IMPORT + visible - _IMPORTED_AT) * 1000
    since_open_console = (visible - started) * 1000
    return bench, since_process_start, since_open_console


def search_keystrokes(bench: Bench, repeat: int) -> None:
    window = bench.window
    results: list[tuple[float, float]] = []
    for _ in range(repeat):
        for term in SEARCH_TERMS:
            window.keys.toolbar.search_field.setText(term[:-1])
            bench.run_until(
                lambda: not window.keys.model.is_loading and window.keys.model.has_loaded
            )
            idle(bench, (SEARCH_DEBOUNCE_MS + 50) / 1000)  # that query is done and shown
            ready, painted = bench.new_rows_after(
                lambda term=term: QTest.keyClicks(window.keys.toolbar.search_field, term[-1])
            )
            # The debounce is a pause by design, not work: it is taken off the figures.
            results.append((ready - SEARCH_DEBOUNCE_MS, painted - SEARCH_DEBOUNCE_MS))
    bench.add_pair("search keystroke", results, 50, f"{len(SEARCH_TERMS)} terms")
    window.keys.toolbar.search_field.clear()
    idle(bench, (SEARCH_DEBOUNCE_MS + 50) / 1000)
    bench.run_until(lambda: not window.keys.model.is_loading)


def header_sorts(bench: Bench, repeat: int) -> None:
    window = bench.window
    header = window.keys.table.horizontalHeader()
    results: list[tuple[float, float]] = []
    for _ in range(repeat):
        for column in SORT_COLUMNS:
            x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
            if x < 0 or x > header.viewport().width():
                window.keys.table.scrollTo(window.keys.model.index(0, column))
                x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
            results.append(
                bench.new_rows_after(
                    lambda x=x: QTest.mouseClick(
                        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5)
                    )
                )
            )
    bench.add_pair("header click", results, 20, f"{len(SORT_COLUMNS)} columns")


def scroll_pages(bench: Bench, pages: int) -> None:
    window = bench.window
    view = window.keys.table
    results: list[tuple[float, float]] = []
    for _ in range(pages):
        rows = window.keys.model.rowCount()
        results.append(
            bench.timed(view.scrollToBottom, lambda rows=rows: window.keys.model.rowCount() > rows)
        )
    bench.add_pair("scroll to the bottom", results, 16, f"{pages} pages of 100")


def idle(bench: Bench, seconds: float) -> None:
    end = time.perf_counter() + seconds
    bench.run_until(lambda: time.perf_counter() > end)


# --------------------------------------------------------------------------- report


def report(bench: Bench, start_ms: float, open_ms: float) -> None:
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows: list[tuple[str, str, str, str, str]] = [
        (
            "process start → first page visible",
            f"{start_ms:.0f}",
            "",
            "500",
            _verdict(start_ms, 500),
        ),
        ("  of which open_console → painted", f"{open_ms:.0f}", "", "", ""),
    ]
    for name, values, budget, note in bench.figures:
        median = statistics.median(values)
        worst = max(values)
        rows.append(
            (
                f"{name} ({note})" if note else name,
                f"{median:.1f}",
                f"{worst:.1f}",
                "" if budget is None else f"{budget}",
                "" if budget is None else _verdict(median, budget),
            )
        )
    rows.append(
        (
            f"GUI thread worst stall ({bench.probe.samples} timer ticks)",
            "",
            f"{bench.probe.worst_ms:.1f}",
            "50",
            _verdict(bench.probe.worst_ms, 50),
        )
    )
    rows.append(("peak resident memory (MiB)", "", f"{rss_mib:.0f}", "150", _verdict(rss_mib, 150)))
    widths = [max(len(row[n]) for row in [*rows, HEADINGS]) for n in range(5)]
    for row in (HEADINGS, *rows):
        print(
            "  ".join(
                cell.ljust(widths[n]) if n == 0 else cell.rjust(widths[n])
                for n, cell in enumerate(row)
            )
        )
    print(f"\n(search figures exclude the deliberate {SEARCH_DEBOUNCE_MS} ms typing debounce)")


HEADINGS = ("case", "median ms", "max ms", "budget", "verdict")


def _verdict(value: float, budget: float) -> str:
    return "ok" if value <= budget else "OVER"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        default=os.environ.get(DATABASE_ENV) or None,
        help=f"sqlite:///PATH or a server URL (default: ${DATABASE_ENV})",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args(argv)
    database = args.database
    if database is None:
        print(
            f"give --database URL or set ${DATABASE_ENV} (seed one with tests.benchmarks.seed)",
            file=sys.stderr,
        )
        return 2
    bench, start_ms, open_ms = first_page(database)
    visible = bench.window.keys.model.count or "…"
    print(f"database: {database}; {visible} keys visible to {BENCH_ADMIN}")
    idle(bench, 1.0)  # the count and the summary finish in the background
    search_keystrokes(bench, args.repeat)
    header_sorts(bench, args.repeat)
    scroll_pages(bench, args.pages)
    idle(bench, 0.5)
    print()
    report(bench, start_ms, open_ms)
    bench.probe.pause()
    bench.window.discard_and_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
