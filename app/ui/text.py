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
