"""The one seam for yes/no questions: a window-modal box opened with ``open()``.

Callers use ``confirm.ask(...)`` through the module (not ``from … import ask``) so that tests
can replace :func:`ask` in one place.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def ask(
    parent: QWidget,
    title: str,
    text: str,
    on_yes: Callable[[], None],
    *,
    yes_text: str,
    informative: str = "",
    destructive: bool = False,
    on_no: Callable[[], None] | None = None,
) -> QMessageBox:
    """Ask ``text``; run ``on_yes`` (or ``on_no``) when the user answers. Never blocks."""
    box = QMessageBox(parent)
    box.setObjectName("confirmDialog")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.setIcon(QMessageBox.Icon.Warning if destructive else QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    if informative:
        box.setInformativeText(informative)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    yes.setObjectName("confirmYesButton")
    no = box.addButton(QMessageBox.StandardButton.Cancel)
    no.setObjectName("confirmNoButton")
    # A destructive answer is never the default: Enter must not delete anything.
    box.setDefaultButton(no if destructive else yes)
    box.setEscapeButton(no)

    def answered() -> None:
        if box.clickedButton() is yes:
            on_yes()
        elif on_no is not None:
            on_no()

    box.finished.connect(answered)
    box.open()
    return box
