"""What the table area shows when there is nothing to list: an invitation, not a blank grid."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from app.ui.resources import icon
from app.ui.text import arg

TEXT_WIDTH = 460
#: The pictures above the text (resources/icons): an empty table with a "+", and without.
PICTURE = "empty_keys"
READ_ONLY_PICTURE = "empty_keys_read_only"
PICTURE_SIZE = QSize(112, 112)


class EmptyState(QWidget):
    """Two faces: a fresh database ("Create API Key") and a search without matches."""

    create_requested = Signal()
    clear_search_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        self._picture = QLabel(self)
        self._picture.setObjectName("emptyStatePicture")
        self._show_picture(PICTURE)
        self._picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._title = QLabel(self)
        self._title.setObjectName("emptyStateTitle")
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.35)
        title_font.setWeight(QFont.Weight.DemiBold)
        self._title.setFont(title_font)
        self._title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._text = QLabel(self)
        self._text.setObjectName("emptyStateText")
        self._text.setWordWrap(True)
        self._text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # A fixed width lets the wrapped text ask for the height it needs (a centred label
        # without one is squeezed to its one-line size hint and clipped).
        self._text.setFixedWidth(TEXT_WIDTH)
        self._create = QPushButton(icon("add"), self.tr("Create API Key"), self)
        self._create.setObjectName("emptyCreateKeyButton")
        self._create.setAccessibleName(self.tr("Create API Key"))
        self._create.setDefault(True)
        self._create.clicked.connect(self.create_requested)
        self._clear = QPushButton(self.tr("Clear search and filter"), self)
        self._clear.setObjectName("clearSearchButton")
        self._clear.setAccessibleName(self.tr("Clear search and filter"))
        self._clear.clicked.connect(self.clear_search_requested)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.setSpacing(12)
        layout.addStretch(2)
        layout.addWidget(self._picture, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self._title, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self._text, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(8)
        layout.addWidget(self._create, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self._clear, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)

    def _show_picture(self, name: str) -> None:
        self._picture.setPixmap(icon(name).pixmap(PICTURE_SIZE))

    def _set_text(self, text: str) -> None:
        self._text.setText(text)
        # Wrapped text centred in a box layout gets a one-line height unless told its own.
        self._text.setFixedHeight(self._text.heightForWidth(TEXT_WIDTH))

    @property
    def title(self) -> str:
        return self._title.text()

    def show_no_keys(self, *, can_create: bool, reason: str = "") -> None:
        """A database without keys (for this operator)."""
        self._title.setText(self.tr("No API keys yet"))
        # Without the "+" for someone who cannot create one: the picture invites no action.
        self._show_picture(PICTURE if can_create else READ_ONLY_PICTURE)
        if can_create:
            self._set_text(
                self.tr(
                    "Create one key per integration and environment — “Salesforce Data Sync”, "
                    "“Snowflake ETL” — so that each can be revoked without breaking the others. "
                    "The secret is shown once; have your vault ready."
                )
            )
        else:
            self._set_text(reason or self.tr("There are no keys to show."))
        self._create.setVisible(can_create)
        self._clear.hide()
        self.setAccessibleName(self._title.text())

    def show_no_matches(self, search: str) -> None:
        """A search or filter that matches nothing."""
        # Without the "+": the way on is another search, not a new key.
        self._show_picture(READ_ONLY_PICTURE)
        if search:
            self._title.setText(arg(self.tr("No keys match “%1”"), search[:60]))
        else:
            self._title.setText(self.tr("No keys with this status"))
        self._set_text(
            self.tr(
                "Search looks at names, descriptions, owners and key ids. Check the spelling "
                "or the status filter."
            )
        )
        self._create.hide()
        self._clear.show()
        self.setAccessibleName(self._title.text())
