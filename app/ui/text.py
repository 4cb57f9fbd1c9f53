"""The one way to fill a translated string: Qt's ``%1``…``%9`` markers, filled in one pass.

``self.tr("Revoked “%1”")`` keeps the translator's word order; :func:`arg` fills every marker
at once, like ``QString.arg`` with several arguments, so a value that itself contains ``%2``
(a key named "50%2off") is inserted as it is, never filled in again. Plurals use Qt's
``%n`` through ``tr(text, "", count)``.
"""

from __future__ import annotations

import re

_MARKER = re.compile(r"%([1-9])")


def arg(template: str, *values: object) -> str:
    """``template`` with ``%1`` replaced by the first value, ``%2`` by the second, …"""

    def fill(match: re.Match[str]) -> str:
        number = int(match.group(1))
        return str(values[number - 1]) if number <= len(values) else match.group(0)

    return _MARKER.sub(fill, template)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Mark ``text`` for translation in ``context`` where it is stored, not shown (a header).

    PySide6's own marker is typed as returning ``object``; this one keeps the ``str``.
    Translate it where it is shown with ``QCoreApplication.translate(context, text)``.
    """
    del context
    return text


def plural(count: int, one: str, many: str) -> str:
    """``one`` or ``many`` (both already translated) with ``%n`` filled by ``count``.

    For module-level code: pyside6-lupdate reads ``self.tr(text, "", n)`` as a plural but
    not ``QCoreApplication.translate(context, text, "", n)``, so such phrases are written as
    two messages, each translated in full (German, like English, has one form for 1).
    """
    return (one if count == 1 else many).replace("%n", str(count))
