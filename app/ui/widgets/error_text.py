"""Red text for a sentence that says what is wrong: the colour lives in keyward.qss."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


def mark_error(widget: QWidget, error: bool) -> None:
    """Show ``widget``'s text as an error (``QLabel[error="true"]`` in keyward.qss) or not."""
    if widget.property("error") == error:
        return
    widget.setProperty("error", error)
    # A dynamic property change is only seen by the style sheet after a re-polish.
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


class FieldError(QLabel):
    """The red sentence under an input that breaks a rule; hidden while there is none."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWordWrap(True)
        mark_error(self, True)
        self.hide()

    def show_error(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))
