"""A figure in the window header: "Active keys 37"."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class SummaryTile(QWidget):
    def __init__(self, object_name: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self._caption = QLabel(caption, self)
        self._caption.setObjectName("summaryCaption")
        self._value = QLabel("…", self)
        self._value.setObjectName("summaryValue")  # styled large in keyward.qss
        self._value.setAccessibleName(caption)
        self.setAccessibleName(caption)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._caption)
        layout.addWidget(self._value)

    @property
    def value(self) -> str:
        return self._value.text()

    def set_value(self, text: str, tooltip: str = "") -> None:
        self._value.setText(text)
        self._value.setToolTip(tooltip)
        self.setAccessibleDescription(text)
