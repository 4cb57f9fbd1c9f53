"""The start-up floor (DESIGN §10): a bare PySide6 table over ``sqlite3``, and nothing else.

    uv run python -m tests.benchmarks.floor_table PATH

Opens the Keyward SQLite file at ``PATH`` read-only with the standard library, shows the
first 50 keys in the console's default order (newest first) in a plain ``QTableView`` over a
``QAbstractTableModel``, and prints one line: milliseconds from the kernel's start of this
process to the table's first paint with rows, then exits. ``bench_gui.py`` runs it beside
the console in the same run; no console start can beat it, so it is the floor a start-up
figure is compared with.

It imports nothing of Keyward: an interpreter, Qt's widgets and one query are the floor.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time

from tests.benchmarks.process_age import process_age_s

_IMPORTED_AT = time.perf_counter()


_AGE_AT_IMPORT = process_age_s()

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import (  # noqa: E402
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

HEADERS = ("Name", "Key", "Owner", "Status", "Last used", "Expires", "Created", "Updated")
FIRST_PAGE = """
    SELECT name, masked, owner_name, state, last_used_at, expires_at, created_at, updated_at
    FROM api_keys ORDER BY created_at DESC, id DESC LIMIT 50
"""
#: Printed before the figure so that a caller can find it among Qt's own messages.
MARK = "floor-first-paint-ms"


class Rows(QAbstractTableModel):
    def __init__(self, rows: list[tuple[object, ...]]) -> None:
        super().__init__()
        self._rows = rows

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(HEADERS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        value = self._rows[index.row()][index.column()]
        return "" if value is None else str(value)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None


class FirstPaint(QObject):
    """Notes the first paint of the table's viewport, then ends the event loop."""

    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self._app = app
        self.ms: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.ms is None:
            self.ms = (_AGE_AT_IMPORT + time.perf_counter() - _IMPORTED_AT) * 1000
            QTimer.singleShot(0, self._app.quit)
        return False


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.benchmarks.floor_table PATH", file=sys.stderr)
        return 2
    app = QApplication(sys.argv[:1])
    connection = sqlite3.connect(f"file:{argv[0]}?mode=ro", uri=True)
    rows = connection.execute(FIRST_PAGE).fetchall()
    view = QTableView()
    view.setModel(Rows(rows))
    view.resize(1400, 860)
    watch = FirstPaint(app)
    view.viewport().installEventFilter(watch)
    view.show()
    app.exec()
    connection.close()
    print(f"{MARK} {watch.ms:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
