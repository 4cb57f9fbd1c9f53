"""The read-only facts of a key in the detail panel: who, where, when, and its rotation."""

from __future__ import annotations

import html
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QToolButton, QWidget

from app.domain.status import KeyStatus
from app.services.dto import KeyDTO
from app.ui.models.formatting import (
    exact_utc,
    expiry_text,
    relative_time,
    short_date_time,
    time_until,
)
from app.ui.models.key_columns import in_grace_period, stop_sentence
from app.ui.resources import icon
from app.ui.text import arg

#: The scheme of the links to other keys ("key:<id>").
KEY_LINK = "key:"


class KeyFacts(QWidget):
    """Masked key (with "copy key id"), owner, environment, dates, revocation, rotation."""

    copy_key_id_requested = Signal()
    #: A link to another key (the one it replaces or that replaces it) was followed.
    key_link_activated = Signal(str)  # key id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyFacts")
        self.masked_label = self._fact("maskedKeyLabel")
        self.masked_label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.masked_label.setWordWrap(False)
        copy_id = QToolButton(self)
        copy_id.setObjectName("copyKeyIdButton")
        copy_id.setIcon(icon("copy"))
        copy_id.setAutoRaise(True)
        copy_id.setToolTip(self.tr("Copy the key id (not the secret)"))
        copy_id.setAccessibleName(self.tr("Copy key id"))
        copy_id.clicked.connect(self.copy_key_id_requested)
        key_row = QHBoxLayout()
        key_row.setSpacing(4)
        key_row.addWidget(self.masked_label, 1)
        key_row.addWidget(copy_id)
        self.owner_label = self._fact("ownerLabel")
        self.environment_label = self._fact("environmentLabel")
        self.created_label = self._fact("createdLabel")
        self.updated_label = self._fact("updatedLabel")
        self.last_used_label = self._fact("lastUsedLabel")
        self.expires_label = self._fact("expiresLabel")
        self.revoked_label = self._fact("revokedLabel")
        self.replaces_label = self._link("replacesLabel", self.tr("Replaces"))
        self.replaced_by_label = self._link("replacedByLabel", self.tr("Replaced by"))
        self._dto: KeyDTO | None = None
        self._now: datetime | None = None
        self._names: dict[str, str] = {}

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(6)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Key"), key_row)
        form.addRow(self.tr("Owner"), self.owner_label)
        form.addRow(self.tr("Environment"), self.environment_label)
        form.addRow(self.tr("Created"), self.created_label)
        form.addRow(self.tr("Last updated"), self.updated_label)
        form.addRow(self.tr("Last used"), self.last_used_label)
        form.addRow(self.tr("Expires"), self.expires_label)
        form.addRow(self.tr("Revoked"), self.revoked_label)
        form.addRow(self.tr("Replaces"), self.replaces_label)
        form.addRow(self.tr("Replaced by"), self.replaced_by_label)
        self._form = form

    def _fact(self, object_name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(object_name)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _link(self, object_name: str, accessible_name: str) -> QLabel:
        label = self._fact(object_name)
        label.setAccessibleName(accessible_name)
        label.setTextFormat(Qt.TextFormat.RichText)
        # Links are followed here (they select a key), by mouse or Tab and Enter.
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        label.setOpenExternalLinks(False)
        label.linkActivated.connect(self._on_link)
        return label

    def show_key(self, dto: KeyDTO, now: datetime) -> None:
        if self._dto is None or self._dto.key_id != dto.key_id:
            self._names = {}
        self._dto, self._now = dto, now
        self.masked_label.setText(dto.masked)
        self.masked_label.setToolTip(arg(self.tr("Key id %1"), dto.key_id))
        owner = f"{dto.owner_name} ({dto.owner_login})"
        if not dto.owner_active:
            owner += " — " + self.tr("deactivated")
        self.owner_label.setText(owner)
        self.environment_label.setText(dto.environment)
        self.created_label.setText(_when_by(dto.created_at, dto.created_by))
        self.updated_label.setText(_when_by(dto.updated_at, dto.updated_by))
        self._show_last_used(dto, now)
        self._show_expiry(dto, now)
        self._show_revocation(dto)
        self._show_rotation(dto, now)

    def set_key_names(self, names: dict[str, str]) -> None:
        """Names of the linked keys (they arrive after the key itself)."""
        self._names = dict(names)
        if self._dto is not None and self._now is not None:
            self._show_rotation(self._dto, self._now)

    def _show_rotation(self, dto: KeyDTO, now: datetime) -> None:
        self._form.setRowVisible(self.replaces_label, dto.replaces is not None)
        self._form.setRowVisible(self.replaced_by_label, dto.replaced_by is not None)
        if dto.replaces is not None:
            self.replaces_label.setText(self._anchor(dto.replaces))
            self.replaces_label.setToolTip(self.tr("Select the key this one replaced"))
        if dto.replaced_by is not None:
            text = self._anchor(dto.replaced_by)
            if in_grace_period(dto, now):
                assert dto.expires_at is not None
                stops = arg(self.tr("stops on %1"), stop_sentence(dto.expires_at))
                text += ", " + html.escape(stops)
            self.replaced_by_label.setText(text)
            self.replaced_by_label.setToolTip(self.tr("Select the key that replaces this one"))

    def _anchor(self, key_id: str) -> str:
        name = self._names.get(key_id)
        shown = f"{name} ({key_id})" if name else key_id
        return f'<a href="{KEY_LINK}{html.escape(key_id)}">{html.escape(shown)}</a>'

    def _on_link(self, link: str) -> None:
        if link.startswith(KEY_LINK):
            self.key_link_activated.emit(link.removeprefix(KEY_LINK))

    def _show_last_used(self, dto: KeyDTO, now: datetime) -> None:
        if dto.last_used_at is None:
            self.last_used_label.setText(self.tr("Never"))
            self.last_used_label.setToolTip("")
            return
        # Revocation freezes last use: say so, so nobody reads it as recent activity.
        frozen = self.tr(" (frozen at revocation)") if dto.status is KeyStatus.REVOKED else ""
        self.last_used_label.setText(relative_time(dto.last_used_at, now) + frozen)
        self.last_used_label.setToolTip(exact_utc(dto.last_used_at))

    def _show_expiry(self, dto: KeyDTO, now: datetime) -> None:
        if dto.expires_at is None:
            self.expires_label.setText(self.tr("Never"))
            self.expires_label.setToolTip("")
            return
        self.expires_label.setText(
            f"{expiry_text(dto.expires_at)} ({time_until(dto.expires_at, now)})"
        )
        self.expires_label.setToolTip(exact_utc(dto.expires_at))

    def _show_revocation(self, dto: KeyDTO) -> None:
        if dto.revoked_at is not None:
            text = short_date_time(dto.revoked_at)
            if dto.revoked_reason:
                text += " — " + dto.revoked_reason
            self.revoked_label.setText(text)
        self._form.setRowVisible(self.revoked_label, dto.revoked_at is not None)


def _when_by(moment: datetime, who: str) -> str:
    return f"{short_date_time(moment)} · {who}"
