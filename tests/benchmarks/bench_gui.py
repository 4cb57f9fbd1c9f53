"""Console timings on a seeded database (DESIGN §10): a script, not a test.

    uv run python -m tests.benchmarks.bench_gui --database URL [--repeat 5]

(or set ``KEYWARD_BENCH_DATABASE`` instead of ``--database``).

Measures start-up in fresh processes, each beside its floor in the same run (alternating,
medians; ratios are figure / floor):

* ``keyward`` (the console, through ``app.main`` as the script runs it, as the OS login made
  an admin of the file) from the kernel's process start to a keys table's first paint with
  rows (the first window's, ``app.ui.first_window``), and on to the console proper's own
  first page, beside ``floor_table.py``: a bare PySide6 table over ``sqlite3`` showing the
  same file's first 50 keys;
* every kind of ``keyward`` command beside ``python -c "import sqlite3"``. A command's own
  work is the same call made again in a process that has already run it once (imports
  done, connection and query still made); what is left of the cold figure after that work
  is its start-up, the part DESIGN §10 holds to 3× the floor.

Then, in one process, the console the way a person meets it:

* process start → first page visible (from the kernel's process start time, so the
  interpreter and imports count too; "visible" is the table's first paint with rows;
  the benchmark's own imports come first, so the fresh-process figure above is the one
  to quote);
* a search keystroke → the first page refreshed and painted (the 200 ms typing debounce is
  reported separately: it is a deliberate pause, not work);
* a click on a column header → the first page sorted on the server and painted;
* a scroll page: reaching the bottom → the next page inserted and painted;
* the GUI thread's worst stall: a 10 ms timer measures how late it fires while the
  event loop runs (a frozen window shows up here however the freeze came about);
* peak resident memory.

Beside those, in the same run (a shared, busy machine makes bare milliseconds mean little):

* the GUI thread's CPU time for each case (``time.thread_time``: work, not waiting);
* a paint floor: a bare ``QTableView`` over a plain model with the same texts, the keys
  table's size and column widths, repainted after each case; "÷ floor" is the case's
  painted figure over that repaint;
* a stall floor: a sibling process that only runs a Qt event loop with the same 10 ms timer
  for as long as the cases run (what the machine alone does to a timer);
* a memory floor: ``floor_table.py``'s peak resident memory (a bare PySide6 table).

Seed first with ``tests.benchmarks.seed`` (its operator is ``bench-admin``).
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from tests.benchmarks.process_age import process_age_s

#: Taken as early as possible: everything before it counts as interpreter start-up.
_IMPORTED_AT = time.perf_counter()


_AGE_AT_IMPORT = process_age_s()

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QEvent, QEventLoop, QObject, QPoint, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QStandardItem, QStandardItemModel  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from app.domain.hashing import FAST_FOR_TESTS, TokenHasher  # noqa: E402
from app.domain.identity import os_login  # noqa: E402
from app.domain.roles import Role  # noqa: E402
from app.services import open_services  # noqa: E402
from app.ui import open_console  # noqa: E402
from app.ui.main_window import SEARCH_DEBOUNCE_MS, MainWindow  # noqa: E402
from app.ui.models.keys_model import Column  # noqa: E402
from app.ui.tasks import favour_the_window  # noqa: E402

#: The seeded database when ``--database`` is not given (the seeder's variable too).
DATABASE_ENV = "KEYWARD_BENCH_DATABASE"
BENCH_ADMIN = "bench-admin"
SEARCH_TERMS = ("prod", "sync", "heron", "kestrel", "zebrafinch", "qwertzuiop", "hu", "müller")
SORT_COLUMNS = (Column.NAME, Column.OWNER, Column.LAST_USED, Column.EXPIRES, Column.UPDATED)
WAIT_S = 30.0
ROOT = Path(__file__).resolve().parents[2]
FLOOR_MARK = "floor-first-paint-ms"
FLOOR_MODULE = "tests.benchmarks.floor_table"
START_MARK = "console-first-paint-ms"

#: Run in a fresh interpreter: ``keyward`` as its script runs it (``app.main.main``), with
#: ``open_console`` wrapped only to act as the seeded operator and to note the keys
#: table's first paint with rows. It prints the figure and leaves at once (``os._exit``:
#: nothing saved, no teardown timed).
START_PROBE = """
import os, sys, time
from pathlib import Path
imported_at = time.perf_counter()
stat = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
age = float(Path("/proc/uptime").read_text().split()[0]) - int(stat[19]) / os.sysconf("SC_CLK_TCK")
from app.ui.widgets.keys_table import KeysTable
painted = KeysTable.paintEvent
def ms():
    return round((age + time.perf_counter() - imported_at) * 1000, 1)
from PySide6.QtCore import Qt, QTimer
lag = {"last": None, "worst": 0.0}
def tick():
    now = time.perf_counter()
    if lag["last"] is not None:
        lag["worst"] = max(lag["worst"], (now - lag["last"]) * 1000 - 10)
    lag["last"] = now
probe = QTimer()
probe.setTimerType(Qt.TimerType.PreciseTimer)
probe.setInterval(10)
probe.timeout.connect(tick)
def marked(table, event):
    painted(table, event)
    if table.model().rowCount() == 0:
        return
    if table.window().objectName() == "mainWindow":
        print("READY", ms(), flush=True)
        tick()
        print("STALL", round(lag["worst"], 1), flush=True)
        os._exit(0)
    if not getattr(marked, "done", False):
        marked.done = True
        print("MARK", ms(), flush=True)
        probe.start()
KeysTable.paintEvent = marked
from app.main import main
sys.exit(main(["--database", DATABASE]))
"""

#: Every kind of command: (label, argv after the database option, stdin).
CLI_COMMANDS: tuple[tuple[str, tuple[str, ...], bytes], ...] = (
    ("--version", ("--version",), b""),
    ("--help", ("--help",), b""),
    ("keys --help", ("keys", "--help"), b""),
    ("keys list --limit 50", ("keys", "list", "--limit", "50"), b""),
    ("keys show ID", ("keys", "show", "{key_id}"), b""),
    ("keys verify (malformed token)", ("keys", "verify"), b"not-a-token\n"),
    ("users list", ("users", "list"), b""),
    ("policy show", ("policy", "show"), b""),
    ("audit list --limit 20", ("audit", "list", "--limit", "20"), b""),
    ("reviews list", ("reviews", "list"), b""),
    ("db upgrade (up to date)", ("db", "upgrade"), b""),
)

#: In a fresh interpreter: run the command once (imports, caches), then again, timed in CPU
#: time (the work itself; waiting on a busy machine is not work).
WARM_PROBE = """
import contextlib, io, sys, time
from app.main import main
argv = ARGV
def run():
    sys.stdin = io.TextIOWrapper(io.BytesIO(STDIN))
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        main(argv)
run()
started = time.process_time()
run()
print("MARK", round((time.process_time() - started) * 1000, 2))
"""


#: The stall floor: a sibling process that only runs a Qt event loop with the console's
#: 10 ms timer until its stdin closes, then prints the timer's worst lateness. It says
#: READY at its first tick: its own start (an interpreter and PySide6, half a second of
#: CPU) must be over before the console's cases start, or on a two-core machine it is
#: what the console's probe measures.
IDLE_PROBE = """
import os, sys, threading, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QCoreApplication, Qt, QTimer
app = QCoreApplication(sys.argv[:1])
closed = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), closed.set()), daemon=True).start()
state = {"last": None, "worst": 0.0}
def tick():
    now = time.perf_counter()
    if state["last"] is not None:
        state["worst"] = max(state["worst"], (now - state["last"]) * 1000 - 10)
    else:
        print("READY", flush=True)
    state["last"] = now
    if closed.is_set():
        app.quit()
timer = QTimer()
timer.setTimerType(Qt.TimerType.PreciseTimer)
timer.setInterval(10)
timer.timeout.connect(tick)
timer.start()
app.exec()
print("MARK", round(state["worst"], 1), flush=True)
"""


class IdleFloor:
    """The stall floor (``IDLE_PROBE``), running while the console's cases run."""

    def __init__(self) -> None:
        self._child = subprocess.Popen(
            [sys.executable, "-c", IDLE_PROBE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )

    def wait_ready(self) -> None:
        """Wait until the sibling's event loop runs (its start-up is over)."""
        assert self._child.stdout is not None
        self._child.stdout.readline()

    def worst_ms(self) -> float | None:
        out, _ = self._child.communicate(b"", timeout=30)
        for line in out.decode(errors="replace").splitlines():
            word, _, value = line.partition(" ")
            if word == "MARK":
                return float(value)
        return None


#: ``floor_table.py`` run to its first paint, then its peak memory. From ``VmHWM``: a child's
#: ``ru_maxrss`` also counts the parent it was spawned from (the console's own peak).
FLOOR_MEMORY_PROBE = """
import sys
from tests.benchmarks import floor_table
floor_table.main([PATH])
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        print("MARK", int(line.split()[1]) / 1024)
"""


def floor_peak_mib(database: str) -> float | None:
    """``floor_table.py``'s peak resident memory (MiB): a bare PySide6 table, same file."""
    if not database.startswith("sqlite:///"):
        return None
    probe = FLOOR_MEMORY_PROBE.replace("PATH", repr(sqlite_path(database)))
    return run_child([sys.executable, "-c", probe]).mark


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
        #: What the bench is doing now, and what it was doing at the worst stall.
        self.phase = "start"
        self.worst_phase = ""

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
            if late > self.worst_ms:
                self.worst_ms, self.worst_phase = late, self.phase
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


class FloorTable:
    """A bare ``QTableView`` over a plain model: what repainting a table costs at the least."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self.model = QStandardItemModel()
        self.view = QTableView()
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.verticalHeader().hide()
        self.view.setModel(self.model)
        self.view.show()

    def repaint_ms(self) -> tuple[float, float]:
        """A full repaint of the bare table showing the keys table's rows: (wall, CPU) ms."""
        keys = self._window.keys
        table = keys.table
        model = keys.model
        first = max(0, table.rowAt(0))
        rows = range(first, min(model.rowCount(), first + 60))
        columns = model.columnCount()
        if self.model.rowCount() != len(rows) or self.model.item(0) is None:
            self.model.clear()
            for row in rows:
                self.model.appendRow(
                    [QStandardItem(str(model.index(row, c).data() or "")) for c in range(columns)]
                )
        self.view.resize(table.size())
        for column in range(columns):
            self.view.setColumnWidth(column, table.columnWidth(column))
            self.view.setColumnHidden(column, table.isColumnHidden(column))
        self.view.verticalHeader().setDefaultSectionSize(
            table.verticalHeader().defaultSectionSize()
        )
        QApplication.processEvents()
        wall, cpu = time.perf_counter(), time.thread_time()
        self.view.viewport().repaint()
        return (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000


@dataclass
class Bench:
    window: MainWindow
    probe: LagProbe
    paints: PaintWatch
    figures: list[tuple[str, list[float], float | None, str]] = field(default_factory=list)
    #: Per case: the GUI thread's CPU ms per run, and the paint floor's wall ms per run.
    cpu: dict[str, list[float]] = field(default_factory=dict)
    floors: dict[str, list[float]] = field(default_factory=dict)
    #: The GUI thread's CPU time of the last ``timed`` call (ms).
    last_cpu_ms: float = 0.0

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
        cpu = time.thread_time()
        timer.start()
        action()
        self.run_until(ready)
        rows_ready = timer.nsecsElapsed() / 1e6
        before = self.paints.paints
        self.window.keys.table.viewport().update()
        self.window.keys.empty_state.update()
        self.run_until(lambda: self.paints.paints > before)
        painted = timer.nsecsElapsed() / 1e6
        self.last_cpu_ms = (time.thread_time() - cpu) * 1000
        return rows_ready, painted

    def beside(self, name: str) -> None:
        """Note the last case's GUI-thread CPU time."""
        self.cpu.setdefault(name, []).append(self.last_cpu_ms)

    def measure_floors(self) -> None:
        """The paint floor, as many times as each case ran (after the cases: the bare table's
        own window would otherwise count in the console's peak memory)."""
        floor = FloorTable(self.window)
        for _ in range(max(map(len, self.cpu.values()), default=0)):
            for name, runs in self.cpu.items():
                if len(self.floors.get(name, ())) < len(runs):
                    self.floors.setdefault(name, []).append(floor.repaint_ms()[0])
        floor.view.close()

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
    for notice in (
        window.keys.model.query_loaded,
        window.keys.model.rowsInserted,
        window.keys.model.count_changed,
        window.keys.model.load_failed,
    ):
        notice.connect(WAKER.poke)
    window.show()
    favour_the_window()  # as run_console does once the window is shown
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
                partial(QTest.keyClicks, window.keys.toolbar.search_field, term[-1])
            )
            bench.beside("search keystroke")
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
                    partial(
                        QTest.mouseClick,
                        header.viewport(),
                        Qt.MouseButton.LeftButton,
                        pos=QPoint(x, 5),
                    )
                )
            )
            bench.beside("header click")
    bench.add_pair("header click", results, 20, f"{len(SORT_COLUMNS)} columns")


def _more_rows_than(window: MainWindow, rows: int) -> bool:
    return window.keys.model.rowCount() > rows


def scroll_pages(bench: Bench, pages: int) -> None:
    window = bench.window
    view = window.keys.table
    results: list[tuple[float, float]] = []
    for _ in range(pages):
        rows = window.keys.model.rowCount()
        results.append(bench.timed(view.scrollToBottom, partial(_more_rows_than, window, rows)))
        bench.beside("scroll to the bottom")
    bench.add_pair("scroll to the bottom", results, 16, f"{pages} pages of 100")


# --------------------------------------------------------------------------- fresh processes


@dataclass
class Timed:
    """A child process's wall time and CPU time (user + system), in milliseconds."""

    wall_ms: float
    cpu_ms: float
    mark: float | None = None
    #: The console start: when the console proper painted its own first page.
    ready: float | None = None
    #: The console start: the first window's worst timer lateness until then (ms).
    stall: float | None = None


def run_child(
    command: Sequence[str], stdin: bytes = b"", env: dict[str, str] | None = None
) -> Timed:
    """Run ``command`` to its end; its wall and CPU time, and the figure after ``MARK``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        command, input=stdin, capture_output=True, cwd=ROOT, env=env, timeout=120, check=False
    )
    wall = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    mark = ready = stall = None
    for line in done.stdout.decode(errors="replace").splitlines():
        word, _, value = line.partition(" ")
        if word in ("MARK", FLOOR_MARK):
            mark = float(value)
        elif word == "READY":
            ready = float(value)
        elif word == "STALL":
            stall = float(value)
    return Timed(wall, cpu, mark, ready, stall)


@dataclass
class Beside:
    """A figure and its floor, measured alternately in the same run."""

    name: str
    figure: list[float]
    floor: list[float]
    note: str = ""
    #: The same runs' CPU time (user + system): steadier than wall time on a busy machine.
    figure_cpu: list[float] = field(default_factory=list)
    floor_cpu: list[float] = field(default_factory=list)
    #: The console start only: when the console proper painted its own first page (ms).
    ready: list[float] = field(default_factory=list)
    #: The console start only: the GUI thread's worst stall from the first window's first
    #: page to the console proper's (ms).
    stalls: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return statistics.median(self.figure) / statistics.median(self.floor)

    @property
    def cpu_ratio(self) -> float:
        return statistics.median(self.figure_cpu) / statistics.median(self.floor_cpu)


def sqlite_path(database: str) -> str:
    prefix = "sqlite:///"
    if not database.startswith(prefix):
        raise SystemExit("the start-up figures need a SQLite file (sqlite:///PATH)")
    return database[len(prefix) :]


def console_start(database: str, runs: int) -> Beside:
    """``keyward`` → first page painted, beside the bare table, alternating.

    ``keyward`` runs as the script runs it, as the OS login (made an admin of the file):
    the first page is the first window's (``app.ui.first_window``), and the child leaves
    when the console proper has painted its own first page (``Beside.ready``).
    """
    path = sqlite_path(database)
    allow_os_login(database)
    probe = START_PROBE.replace("DATABASE", repr(database))
    env = {**os.environ, "KEYWARD_ARGON2_PROFILE": ""}
    beside = Beside("keyward → first page painted", [], [], f"{runs} runs each")
    for _ in range(runs):
        for wall, cpu, command in (
            (beside.floor, beside.floor_cpu, [sys.executable, "-m", FLOOR_MODULE, path]),
            (beside.figure, beside.figure_cpu, [sys.executable, "-c", probe]),
        ):
            timed = run_child(command, env=env)
            if timed.mark is None:
                raise SystemExit(f"no first paint reported by {command[:3]}")
            wall.append(timed.mark)
            cpu.append(timed.cpu_ms)
            if timed.ready is not None:
                beside.ready.append(timed.ready)
            if timed.stall is not None:
                beside.stalls.append(timed.stall)
    return beside


def allow_os_login(database: str) -> str:
    """Make the OS login an admin of the seeded database (commands act as it); a key id."""
    services = open_services(
        database, hasher=TokenHasher(FAST_FOR_TESTS), operator_login=BENCH_ADMIN
    )
    try:
        if all(user.login != os_login() for user in services.users.all()):
            services.users.add(os_login(), role=Role.ADMIN)
    finally:
        services.close()
    with sqlite3.connect(f"file:{sqlite_path(database)}?mode=ro", uri=True) as connection:
        (key_id,) = connection.execute(
            "SELECT key_id FROM api_keys ORDER BY created_at DESC, id DESC LIMIT 1"
        ).fetchone()
    return str(key_id)


def command_starts(
    database: str, runs: int, labels: Sequence[str] | None = None, helper: bool = False
) -> list[tuple[Beside, list[float]]]:
    """Each command cold, beside ``import sqlite3``, with its own work (warm).

    Every command in its own process (``KEYWARD_CLI_HELPER=off``), or with ``helper`` as a
    person's second and later commands run: through the resident helper
    (:mod:`app.cli.helper`), started in a runtime folder of the benchmark's own before the
    first timed run and stopped after the last.
    """
    key_id = allow_os_login(database)
    env = {**os.environ, "KEYWARD_ARGON2_PROFILE": "", "KEYWARD_CLI_HELPER": "off"}
    with tempfile.TemporaryDirectory(prefix="kw-bench-run-", dir="/tmp") as runtime:
        if helper:
            env = {**env, "XDG_RUNTIME_DIR": runtime}
            del env["KEYWARD_CLI_HELPER"]
        try:
            return _command_starts(database, runs, labels, env, key_id, helper)
        finally:
            from tests.support import helper_processes  # after the timed runs

            for pid in helper_processes(runtime):
                os.kill(pid, signal.SIGTERM)


def _command_starts(
    database: str,
    runs: int,
    labels: Sequence[str] | None,
    env: dict[str, str],
    key_id: str,
    helper: bool,
) -> list[tuple[Beside, list[float]]]:
    floor_command = [sys.executable, "-c", "import sqlite3"]
    # The `keyward` script the project installs, as a user runs it (`python -m app` would add
    # runpy's imports); -m only where no script was installed beside this interpreter.
    script = Path(sys.executable).with_name("keyward")
    keyward = [sys.executable, str(script)] if script.is_file() else [sys.executable, "-m", "app"]
    results: list[tuple[Beside, list[float]]] = []
    if helper:  # the first command starts it; the timed ones find it ready
        run_child([*keyward, "--database", database, "users", "list"], env=env)
        socket_folder = Path(env["XDG_RUNTIME_DIR"], "keyward")
        deadline = time.monotonic() + 60
        while not any(socket_folder.glob("*.sock")):
            if time.monotonic() > deadline:
                raise SystemExit("the command line's helper did not start")
            time.sleep(0.1)
    warm_env = {**env, "KEYWARD_CLI_HELPER": "off"}
    for label, words, stdin in CLI_COMMANDS:
        if labels and label not in labels:
            continue
        argv = ["--database", database, *(word.format(key_id=key_id) for word in words)]
        beside = Beside(label, [], [], f"{runs} runs")
        own: list[float] = []
        for _ in range(runs):
            floor = run_child(floor_command, env=env)
            cold = run_child([*keyward, *argv], stdin, env)
            beside.floor.append(floor.wall_ms)
            beside.floor_cpu.append(floor.cpu_ms)
            beside.figure.append(cold.wall_ms)
            beside.figure_cpu.append(cold.cpu_ms)
        warm = WARM_PROBE.replace("ARGV", repr(argv)).replace("STDIN", repr(stdin))
        for _ in range(3):
            timed = run_child([sys.executable, "-c", warm], env=warm_env)
            if timed.mark is not None:
                own.append(timed.mark)
        results.append((beside, own))
    return results


def _runs(values: list[float]) -> str:
    return ", ".join(f"{value:.0f}" for value in values)


def report_starts(
    start: Beside | None, commands: list[tuple[Beside, list[float]]], wall: bool = False
) -> None:
    """Medians in ms, the floor beside each, and the ratios DESIGN §10 sets budgets on.

    The commands are compared in CPU time, or with ``wall`` in wall time: through the
    helper the command's CPU time is the helper's, not the timed process's."""
    if start is not None:
        print(
            f"{start.name} ({start.note}), wall: median {statistics.median(start.figure):.0f} ms "
            f"(runs {_runs(start.figure)}); floor {statistics.median(start.floor):.0f} ms "
            f"(runs {_runs(start.floor)}); ratio {start.ratio:.2f}× (budget 2.5×) "
            f"{_verdict(start.ratio, 2.5)}"
        )
        if start.ready:
            ready = statistics.median(start.ready)
            floor = statistics.median(start.floor)
            print(
                f"  the console proper's own first page painted: median {ready:.0f} ms "
                f"(runs {_runs(start.ready)}); {ready / floor:.2f}× the floor"
            )
        if start.stalls:
            worst = max(start.stalls)
            print(
                f"  the GUI thread's worst stall meanwhile (a 10 ms timer from the first page "
                f"on): median {statistics.median(start.stalls):.0f} ms, worst {worst:.0f} "
                f"(runs {_runs(start.stalls)}; budget 50) {_verdict(worst, 50)}"
            )
        print(
            f"  CPU time of the whole start (to the console's own first page): "
            f"{statistics.median(start.figure_cpu):.0f} ms; the floor's "
            f"{statistics.median(start.floor_cpu):.0f} ms"
        )
    if not commands:
        return
    print('\nkeyward commands beside `python -c "import sqlite3"`, medians in ms, ', end="")
    if wall:
        print("wall time, through the resident helper")
        print("(CPU time of the timed process in brackets); own work: the call repeated in a")
        print("warm process (CPU time)")
    else:
        print("CPU time")
        print("(user + system; wall time in brackets); own work: the call repeated in a warm")
        print("process")
    heads = ("command", "cold", "floor", "ratio", "own work", "cold − own", "÷ floor", "≤ 3×")
    rows = [heads]
    for beside, own in commands:
        timed, other = (
            (beside.figure, beside.figure_cpu) if wall else (beside.figure_cpu, beside.figure)
        )
        floors, other_floors = (
            (beside.floor, beside.floor_cpu) if wall else (beside.floor_cpu, beside.floor)
        )
        cold = statistics.median(timed)
        floor = statistics.median(floors)
        work = statistics.median(own) if own else 0.0
        rest = (cold - work) / floor
        rows.append(
            (
                beside.name,
                f"{cold:.0f} [{statistics.median(other):.0f}]",
                f"{floor:.0f} [{statistics.median(other_floors):.0f}]",
                f"{cold / floor:.1f}×",
                f"{work:.0f}",
                f"{cold - work:.0f}",
                f"{rest:.1f}×",
                _verdict(rest, 3),
            )
        )
    widths = [max(len(row[n]) for row in rows) for n in range(len(heads))]
    for row in rows:
        cells = (c.ljust(widths[n]) if n == 0 else c.rjust(widths[n]) for n, c in enumerate(row))
        print("  ".join(cells))


def idle(bench: Bench, seconds: float) -> None:
    end = time.perf_counter() + seconds
    bench.run_until(lambda: time.perf_counter() > end)


# --------------------------------------------------------------------------- report


def _beside(value: float | None, floor: float | None) -> tuple[str, str]:
    if value is None or floor is None or floor <= 0:
        return "", ""
    return f"{floor:.1f}", f"{value / floor:.2f}×"


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(
    bench: Bench,
    start_ms: float,
    open_ms: float,
    idle_worst_ms: float | None = None,
    floor_mib: float | None = None,
    rss_mib: float | None = None,
) -> None:
    rss_mib = peak_mib() if rss_mib is None else rss_mib
    rows: list[tuple[str, ...]] = [
        (
            "process start → first page visible",
            f"{start_ms:.0f}",
            "",
            "500",
            _verdict(start_ms, 500),
            "",
            "",
            "",
        ),
        ("  of which open_console → painted", f"{open_ms:.0f}", "", "", "", "", "", ""),
    ]
    for name, values, budget, note in bench.figures:
        median = statistics.median(values)
        worst = max(values)
        case = name.split(" → ")[0]
        painted = name.endswith("→ painted")
        cpu = bench.cpu.get(case) if painted else None
        floors = bench.floors.get(case) if painted else None
        floor, ratio = _beside(median, statistics.median(floors) if floors else None)
        rows.append(
            (
                f"{name} ({note})" if note else name,
                f"{median:.1f}",
                f"{worst:.1f}",
                "" if budget is None else f"{budget}",
                "" if budget is None else _verdict(median, budget),
                f"{statistics.median(cpu):.1f}" if cpu else "",
                floor,
                ratio,
            )
        )
    stall_floor, stall_ratio = _beside(bench.probe.worst_ms, idle_worst_ms)
    rows.append(
        (
            f"GUI thread worst stall ({bench.probe.samples} ticks; {bench.probe.worst_phase})",
            "",
            f"{bench.probe.worst_ms:.1f}",
            "50",
            _verdict(bench.probe.worst_ms, 50),
            "",
            stall_floor,
            stall_ratio,
        )
    )
    memory_floor, memory_ratio = _beside(rss_mib, floor_mib)
    rows.append(
        (
            "peak resident memory (MiB)",
            "",
            f"{rss_mib:.0f}",
            "150",
            _verdict(rss_mib, 150),
            "",
            memory_floor,
            memory_ratio,
        )
    )
    widths = [max(len(row[n]) for row in [*rows, HEADINGS]) for n in range(len(HEADINGS))]
    for row in (HEADINGS, *rows):
        print(
            "  ".join(
                cell.ljust(widths[n]) if n == 0 else cell.rjust(widths[n])
                for n, cell in enumerate(row)
            )
        )
    print(f"\n(search figures exclude the deliberate {SEARCH_DEBOUNCE_MS} ms typing debounce)")
    print(
        "(GUI CPU: the GUI thread's CPU time per case, median; floor: a bare QTableView's full "
        "repaint after each case, the idle sibling's worst timer lateness, floor_table.py's "
        "peak memory)"
    )


HEADINGS = (
    "case",
    "median ms",
    "max ms",
    "budget",
    "verdict",
    "GUI CPU ms",
    "floor",
    "÷ floor",
)


def _verdict(value: float, budget: float) -> str:
    return "ok" if value <= budget else "OVER"


def cache_bytecode() -> None:
    """Compile Keyward's and its libraries' modules, as the first run of an installed copy
    leaves them (and as the bundle ships them). Without it, where ``PYTHONDONTWRITEBYTECODE``
    is set (as on this project's CI machines), every fresh process compiles each module it
    imports from source: ``import sqlalchemy.orm`` measured 630 ms of CPU that way against
    210 ms from bytecode, which no user meets after their first start."""
    import compileall
    import site

    folders = [Path(__file__).resolve().parents[2] / "app", *map(Path, site.getsitepackages())]
    for folder in folders:
        compileall.compile_dir(folder, quiet=2, workers=0)
    print("bytecode compiled for app/ and site-packages (as after a first run)\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        default=os.environ.get(DATABASE_ENV) or None,
        help=f"sqlite:///PATH or a server URL (default: ${DATABASE_ENV})",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--start-runs", type=int, default=5, help="fresh console starts")
    parser.add_argument("--cli-runs", type=int, default=7, help="fresh runs of each command")
    parser.add_argument(
        "--command",
        action="append",
        help="time only this command (its label, e.g. 'keys list --limit 50'; repeatable)",
    )
    parser.add_argument(
        "--cli-helper",
        action="store_true",
        help="time the commands through the resident helper (wall time), not each alone",
    )
    parser.add_argument(
        "--only",
        choices=("start", "cli", "console"),
        action="append",
        help="measure only this part (repeatable; default: all)",
    )
    args = parser.parse_args(argv)
    database = args.database
    if database is None:
        print(
            f"give --database URL or set ${DATABASE_ENV} (seed one with tests.benchmarks.seed)",
            file=sys.stderr,
        )
        return 2
    parts = set(args.only or ("start", "cli", "console"))
    if parts & {"start", "cli"}:
        cache_bytecode()
    if "start" in parts:
        report_starts(console_start(database, args.start_runs), [])
    if "cli" in parts:
        timed = command_starts(database, args.cli_runs, args.command, args.cli_helper)
        report_starts(None, timed, wall=args.cli_helper)
    if "console" not in parts:
        return 0
    print()
    idle_floor = IdleFloor()
    idle_floor.wait_ready()
    bench, start_ms, open_ms = first_page(database)
    visible = bench.window.keys.model.count or "…"
    print(f"database: {database}; {visible} keys visible to {BENCH_ADMIN}")
    idle(bench, 1.0)  # the count and the summary finish in the background
    bench.probe.phase = "search"
    search_keystrokes(bench, args.repeat)
    bench.probe.phase = "sort"
    header_sorts(bench, args.repeat)
    bench.probe.phase = "scroll"
    scroll_pages(bench, args.pages)
    bench.probe.phase = "idle"
    idle(bench, 0.5)
    bench.probe.pause()
    rss_mib = peak_mib()
    idle_worst = idle_floor.worst_ms()
    bench.measure_floors()
    print()
    report(bench, start_ms, open_ms, idle_worst, floor_peak_mib(database), rss_mib)
    bench.probe.pause()
    bench.window.discard_and_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
