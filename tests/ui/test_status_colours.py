"""Status badge colours come from the style sheet, like every other colour of the console."""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QPalette

from app.domain.status import KeyStatus
from app.ui.resources import style_sheet
from app.ui.widgets.status_badge import badge_colours


def _declared(name: str) -> QColor:
    found = re.search(rf"qproperty-{name}:\s*(#[0-9a-fA-F]{{6}})", style_sheet())
    assert found, name
    return QColor(found.group(1))


def test_every_badge_takes_its_colours_from_the_style_sheet(qapp) -> None:  # type: ignore[no-untyped-def]
    previous = qapp.styleSheet()
    qapp.setStyleSheet(style_sheet())
    try:
        _check_every_status()
    finally:
        qapp.setStyleSheet(previous)


def _check_every_status() -> None:
    light = QPalette(QColor("#ffffff"))
    dark = QPalette(QColor("#202124"))
    for status in KeyStatus:
        on_light, on_dark = badge_colours(status, light), badge_colours(status, dark)
        assert on_light.text == _declared(f"{status.value}Text")
        assert on_dark.text == _declared(f"{status.value}TextOnDark")
        assert on_light.fill.rgb() == _declared(f"{status.value}Fill").rgb()
        assert on_light.fill.alpha() < on_dark.fill.alpha() < 255  # translucent on both
