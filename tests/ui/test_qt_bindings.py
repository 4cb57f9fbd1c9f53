"""The Qt bindings we lock keep Python's reference counts intact.

PySide6-Essentials 6.12.0 on CPython 3.11 released a reference to ``None`` on every void
call, which aborted the console after a few thousand calls ("none_dealloc"); pyproject.toml
keeps that release out. This guards the lock against it coming back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel


class _Emitter(QObject):
    changed = Signal(int)


def test_void_calls_and_emits_do_not_leak_references_to_none_or_true(qtbot) -> None:  # type: ignore[no-untyped-def]
    label = QLabel()
    qtbot.addWidget(label)
    emitter = _Emitter()
    emitter.changed.connect(lambda _value: None)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for value in range(2000):
        label.setText("x")
        emitter.changed.emit(value)
    assert abs(sys.getrefcount(None) - none_before) < 100
    assert abs(sys.getrefcount(True) - true_before) < 100
