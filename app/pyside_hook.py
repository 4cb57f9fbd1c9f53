"""Keep PySide6 from holding the source of every module imported after it (PYSIDE-2029).

For ``from __feature__ import …``, PySide6's import hook asks of each newly imported module
whether its source mentions PySide6, through ``inspect.getsource``, which keeps every file's
lines in ``linecache`` for the life of the process: importing SQLAlchemy after Qt cost 20 MiB
and 120 ms more than importing it before. :func:`scan_sources_lightly` asks the same question
of the file's bytes, which are not kept. No Qt import here: the package's ``__init__`` calls
it too, for a process that imported PySide6 before Keyward (a test run, a benchmark).
"""

from __future__ import annotations

import sys
from types import ModuleType

#: PySide6's feature module, where the hook's question is asked.
FEATURE_MODULE = "shibokensupport.feature"


def scan_sources_lightly() -> None:
    """Replace the hook's question, if PySide6 is imported (else nothing to do yet)."""
    feature = sys.modules.get(FEATURE_MODULE)
    asked = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or asked is None or getattr(asked, "keyward", False):
        return

    def mod_uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return bool(asked(module))  # no source file: nothing is kept either
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return bool(asked(module))

    mod_uses_pyside.keyward = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = mod_uses_pyside  # type: ignore[attr-defined]
