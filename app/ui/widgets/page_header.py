"""The top of the window: what this page is, and the usage summary beside it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.services.dto import UsageSummary
from app.ui.models.formatting import count_text
from app.ui.widgets.summary_tile import SummaryTile


class PageHeader(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pageHeader")
        title = QLabel(self.tr("API Keys"), self)
        title.setObjectName("pageTitle")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setWeight(QFont.Weight.DemiBold)
        title.setFont(font)
        subtitle = QLabel(
            self.tr(
                "The keys your integrations use: who owns them, what they are for, "
                "when they were last used."
            ),
            self,
        )
        subtitle.setObjectName("pageSubtitle")
        subtitle.setEnabled(False)  # muted secondary text, from the palette
        subtitle.setWordWrap(True)
        self.summary_active = SummaryTile("summaryActive", self.tr("Active keys"), self)
        self.summary_verifications = SummaryTile(
            "summaryVerifications", self.tr("Verifications (30 days)"), self
        )

        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(title)
        titles.addWidget(subtitle)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(28)
        layout.addLayout(titles, 1)
        layout.addWidget(self.summary_active, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addWidget(self.summary_verifications, 0, Qt.AlignmentFlag.AlignBottom)

    def set_summary(self, summary: UsageSummary) -> None:
        self.summary_active.set_value(
            count_text(summary.active_keys),
            self.tr("Keys that integrations can use right now"),
        )
        self.summary_verifications.set_value(
            count_text(summary.verifications_30d),
            self.tr("Successful verifications of the keys you can see, last 30 days"),
        )

    def show_not_loaded(self) -> None:
        """No figures: the keys could not be read (the banner says why)."""
        why = self.tr("Not loaded: the keys could not be read")
        for tile in (self.summary_active, self.summary_verifications):
            tile.set_value("—", why)
