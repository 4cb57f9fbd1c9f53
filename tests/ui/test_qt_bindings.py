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


#: In a fresh interpreter, as ``keyward`` starts: Qt (through app.ui), then two modules of
#: our own making, one that mentions the bindings and one that does not.
_IMPORTS_AFTER_QT = """
import json, linecache, sys
sys.path.insert(0, sys.argv[1])
import app.ui, PySide6.QtCore
feature = sys.modules["shibokensupport.feature"]
import uses_qt, plain_module  # through builtins.__import__, as every import statement
print(json.dumps({
    "kept": sorted(name for name in linecache.cache if name.startswith(sys.argv[1])),
    "uses_qt": feature.pyside_feature_dict.get("uses_qt"),
    "plain_module": feature.pyside_feature_dict.get("plain_module"),
}))
"""


def test_modules_imported_after_qt_are_not_kept_as_source(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """PySide6's import hook read every later module's source into ``linecache`` (20 MiB
    for SQLAlchemy's); app.ui makes it read the file's bytes instead, and it still tells a
    module that uses PySide6 (0: features off) from one that does not (-1: ignored)."""
    import json
    import subprocess

    (tmp_path / "uses_qt.py").write_text("import PySide6.QtCore\n", encoding="utf-8")
    (tmp_path / "plain_module.py").write_text("VALUE = 1\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", _IMPORTS_AFTER_QT, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seen = json.loads(done.stdout)
    assert seen == {"kept": [], "uses_qt": 0, "plain_module": -1}
