"""Live updates: how soon another process's change shows in an open window, and what an idle
window costs.

    uv run python -m tests.benchmarks.bench_live [--changes 20] [--idle-seconds 30]
        [--only sqlite,postgresql,mariadb]

Server databases are made (and dropped) on the test suite's servers
(``KEYWARD_TEST_POSTGRES_URL``, ``KEYWARD_TEST_MARIADB_URL``); a dialect without a URL is
skipped. Without ``DISPLAY`` the window is drawn offscreen.

**Latency.** A console window (``app.ui.open_console``, the real intervals: a poll every 1.5 s
on SQLite and MariaDB; PostgreSQL's ``NOTIFY`` with a 15 s fallback poll) shows 30 keys. A
second ``python`` process, another admin, edits one key's description ``--changes`` times,
pausing 0.5–2.5 s (uniformly at random, so the changes fall on every phase of the poll), and
prints the wall-clock time (``time.time()``) right after each commit. The window records the
wall-clock time its model's ``dataChanged`` first shows that description or a later one.
Latency is the difference (one machine, one clock): median, p90 and max.

**Idle cost.** The same window, nothing changing, for ``--idle-seconds`` with live updates on,
then as long again with them stopped (``window.live.stop()``: the floor — the same window
doing nothing). Reported per minute: the GUI process's CPU seconds (``time.process_time``:
every thread, the poll's worker and PostgreSQL's listening thread included) and the
statements the window sent to the database (``before_cursor_execute`` on its engine, plus one
per pool checkout for the servers' liveness ping; the listening connection sends nothing
while it waits). The load average is printed before each dialect: the machine (2 vCPUs) is
shared and other benchmarks may run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: The other process: ``argv[1]`` database, ``argv[2]`` key id, ``argv[3]`` count, ``argv[4]``
#: random seed; prints "<n> <time after commit>" per change.
_WRITER = """
import random, sys, time
from app.domain.hashing import FAST_FOR_TESTS, TokenHasher
from app.services import open_services

services = open_services(sys.argv[1], hasher=TokenHasher(FAST_FOR_TESTS), operator_login="ana")
pause = random.Random(int(sys.argv[4]))
print("ready", flush=True)
sys.stdin.readline()
for n in range(int(sys.argv[3])):
    time.sleep(pause.uniform(0.5, 2.5))
    services.keys.edit(sys.argv[2], description=f"change {n}")
    print(n, repr(time.time()), flush=True)
services.close()
"""


@dataclass(frozen=True)
class Result:
    dialect: str
    latencies: list[float]
    load: tuple[float, float, float]
    idle_cpu: float  # CPU seconds per minute, live on
    floor_cpu: float  # live off
    idle_statements: float  # per minute, live on
    floor_statements: float
    listening: bool


@contextmanager
def database(dialect: str) -> Iterator[str]:
    if dialect == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/live.db"
        return
    from tests.support import fresh_server_database

    made = fresh_server_database(dialect)
    url = next(made)
    try:
        yield url
    finally:
        for _ in made:
            pass


def spin(app: Any, seconds: float, until: Callable[[], bool] | None = None) -> None:
    """Run the event loop for ``seconds`` (or until ``until()``), idle like a real window."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    if until is not None:
        met = until

        def look() -> None:
            if met():
                loop.quit()

        check = QTimer()
        check.setInterval(20)
        check.timeout.connect(look)
        check.start()
    loop.exec()


class StatementCounter:
    """Statements the window sends: cursor executions, plus the servers' checkout pings."""

    def __init__(self, engine: Any) -> None:
        import sqlalchemy as sa

        self.count = 0
        self._pings = engine.dialect.name != "sqlite"
        sa.event.listen(engine, "before_cursor_execute", self._executed)
        sa.event.listen(engine, "checkout", self._checked_out)

    def _executed(self, *_args: object) -> None:
        self.count += 1

    def _checked_out(self, *_args: object) -> None:
        if self._pings:
            self.count += 1


def idle_cost(app: Any, counter: StatementCounter, seconds: float) -> tuple[float, float]:
    """(CPU seconds, statements) per minute over ``seconds`` of an idle event loop."""
    cpu, sent = time.process_time(), counter.count
    spin(app, seconds)
    per_minute = 60.0 / seconds
    return (time.process_time() - cpu) * per_minute, (counter.count - sent) * per_minute


def measure(dialect: str, changes: int, idle_seconds: float, seed: int) -> Result:
    from PySide6.QtCore import QModelIndex

    from app.domain.hashing import FAST_FOR_TESTS, TokenHasher
    from app.domain.roles import Role
    from app.services import open_services
    from app.ui.app import ensure_application, open_console

    load = os.getloadavg()
    hasher = TokenHasher(FAST_FOR_TESTS)
    with database(dialect) as url:
        setup = open_services(url, hasher=hasher, create_schema=True)
        setup.users.add("ana", role=Role.ADMIN, display_name="Ana")
        ids = [setup.keys.create(f"Integration {n:02d}").key.key_id for n in range(30)]
        setup.close()
        watched = ids[len(ids) // 2]

        app = ensure_application()
        window = open_console(url, hasher=hasher)
        window.show()
        model = window.keys.model
        spin(app, 30, lambda: model.has_loaded and window.live._seq is not None)
        if window.live._services.changes.can_listen:
            spin(app, 10, lambda: window.live.listening)
        listening = window.live.listening
        counter = StatementCounter(window.live._services.engine)

        seen: dict[int, float] = {}

        def on_changed(top_left: QModelIndex, bottom_right: QModelIndex, *_roles: object) -> None:
            row = model.row_of(watched)
            if row is None or not top_left.row() <= row <= bottom_right.row():
                return
            description = model.key_at(row).description
            if description.startswith("change "):
                seen.setdefault(int(description.split()[1]), time.time())

        model.dataChanged.connect(on_changed)
        writer = subprocess.Popen(
            [sys.executable, "-c", _WRITER, url, watched, str(changes), str(seed)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        assert writer.stdin is not None and writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
        writer.stdin.write("go\n")
        writer.stdin.flush()
        spin(app, changes * 3 + 30, lambda: writer.poll() is not None)
        spin(app, 5, lambda: max(seen, default=-1) >= changes - 1)
        committed = _commits(writer.stdout.read())
        writer.stdout.close()
        writer.stdin.close()
        latencies = []
        for n, at in sorted(committed.items()):
            shown = [t for m, t in seen.items() if m >= n]
            latencies.append(min(shown) - at if shown else float("inf"))

        idle_cpu, idle_statements = idle_cost(app, counter, idle_seconds)
        window.live.stop()
        spin(app, 1.5)  # the listening thread notices and closes its connection
        floor_cpu, floor_statements = idle_cost(app, counter, idle_seconds)
        window.discard_and_close()
        spin(app, 0.5)
        return Result(
            dialect,
            latencies,
            load,
            idle_cpu,
            floor_cpu,
            idle_statements,
            floor_statements,
            listening,
        )


def _commits(text: str) -> dict[int, float]:
    commits: dict[int, float] = {}
    for line in text.splitlines():
        number, at = line.split()
        commits[int(number)] = float(at)
    return commits


def report(results: list[Result]) -> None:
    print()
    print(
        f"{'database':<11} {'how':<16} {'median':>8} {'p90':>8} {'max':>8}  "
        f"{'CPU s/min idle':>15} {'floor':>7}  {'stmts/min':>9} {'floor':>6}  load (1/5/15 min)"
    )
    for result in results:
        ordered = sorted(result.latencies)
        p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
        how = "NOTIFY" if result.listening else "poll 1.5 s"
        load = "/".join(f"{value:.2f}" for value in result.load)
        print(
            f"{result.dialect:<11} {how:<16} {statistics.median(ordered) * 1000:>6.0f}ms "
            f"{p90 * 1000:>6.0f}ms {ordered[-1] * 1000:>6.0f}ms  "
            f"{result.idle_cpu:>15.3f} {result.floor_cpu:>7.3f}  "
            f"{result.idle_statements:>9.1f} {result.floor_statements:>6.1f}  {load}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--idle-seconds", type=float, default=30.0)
    parser.add_argument("--only", default="sqlite,postgresql,mariadb")
    parser.add_argument("--seed", type=int, default=11)
    options = parser.parse_args(argv)
    env = {"postgresql": "KEYWARD_TEST_POSTGRES_URL", "mariadb": "KEYWARD_TEST_MARIADB_URL"}
    results = []
    for dialect in options.only.split(","):
        if dialect in env and not os.environ.get(env[dialect]):
            print(f"{dialect}: {env[dialect]} is not set, skipped")
            continue
        print(f"{dialect}: measuring …", flush=True)
        results.append(measure(dialect, options.changes, options.idle_seconds, options.seed))
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
