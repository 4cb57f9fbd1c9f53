"""The keys table's columns: one :class:`ColumnSpec` each, in :data:`COLUMNS`.

A column knows its header, how a key reads in it (display and tooltip), what the server
sorts it by, its first sort order, its alignment, a sample of its usual widest text (the
default width follows the font, not pixels) and when its text is dimmed. Adding a column is
one ``Column`` member and one entry here; the model and the view read everything else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Final

from PySide6.QtCore import QCoreApplication, Qt

from app.domain.sorting import SortField
from app.domain.status import KeyStatus
from app.services.dto import KeyDTO
from app.ui.labels import status_label
from app.ui.models.formatting import (
    exact_utc,
    expiry_text,
    relative_time,
    short_date,
    short_date_time,
    time_until,
)
from app.ui.text import QT_TRANSLATE_NOOP, arg


class Column(IntEnum):
    NAME = 0
    KEY = 1
    OWNER = 2
    STATUS = 3
    LAST_USED = 4
    EXPIRES = 5
    CREATED = 6
    UPDATED = 7
    #: Per-row controls (toggle, revoke, delete) painted by KeyActionsDelegate.
    ACTIONS = 8

    @property
    def spec(self) -> ColumnSpec:
        return COLUMNS[self]

    @property
    def sort_field(self) -> SortField | None:
        """What the server sorts by for this column (None: not sortable)."""
        return COLUMNS[self].sort_field


def _tr(text: str) -> str:
    return QCoreApplication.translate("KeysModel", text)


def _never(_dto: KeyDTO) -> bool:
    return False


def _blank(_dto: KeyDTO, _now: datetime) -> str:
    return ""


_LEFT: Final = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    #: The header's text (untranslated source; translated in the "KeysModel" context).
    header: str
    #: The cell's text for a key, at ``now`` (relative times).
    display: Callable[[KeyDTO, datetime], str]
    #: The cell's tooltip for a key, at ``now``.
    tooltip: Callable[[KeyDTO, datetime], str] = _blank
    #: What the server sorts by for this column (None: not sortable).
    sort_field: SortField | None = None
    #: A first click on the header sorts this way (newest first for times).
    initial_order: Qt.SortOrder = Qt.SortOrder.AscendingOrder
    alignment: Qt.AlignmentFlag = _LEFT
    #: The widest text the column usually holds (None: the view sizes it its own way). The
    #: default width also fits the translated header with its sort arrow, if that is wider.
    width_sample: str | None = None
    #: The cell reads as secondary (placeholder colour) for this key.
    dimmed: Callable[[KeyDTO], bool] = _never
    #: Drawn in the fixed-width font (a masked key).
    monospace: bool = False
    #: The header's tooltip (untranslated source); None: "Click to sort by <header>".
    header_tip: str | None = None

    @property
    def title(self) -> str:
        return _tr(self.header)

    @property
    def header_tooltip(self) -> str:
        if self.header_tip is not None:
            return _tr(self.header_tip)
        return arg(QCoreApplication.translate("KeysModel", "Click to sort by %1"), self.title)


# ---------------------------------------------------------------------- cell texts


def _owner(dto: KeyDTO, _now: datetime) -> str:
    if dto.owner_active:
        return dto.owner_name
    return arg(QCoreApplication.translate("KeysModel", "%1 (deactivated)"), dto.owner_name)


def _last_used(dto: KeyDTO, now: datetime) -> str:
    return (
        QCoreApplication.translate("KeysModel", "Never")
        if dto.last_used_at is None
        else relative_time(dto.last_used_at, now)
    )


def _last_used_tip(dto: KeyDTO, _now: datetime) -> str:
    if dto.last_used_at is None:
        return QCoreApplication.translate("KeysModel", "Never used")
    text = exact_utc(dto.last_used_at)
    if dto.status is KeyStatus.REVOKED:
        text += " " + QCoreApplication.translate("KeysModel", "(frozen when the key was revoked)")
    return text


def _expires_tip(dto: KeyDTO, now: datetime) -> str:
    if dto.expires_at is None:
        return QCoreApplication.translate("KeysModel", "Never expires")
    return arg(
        QCoreApplication.translate("KeysModel", "Works until %1 (%2)"),
        exact_utc(dto.expires_at),
        time_until(dto.expires_at, now),
    )


def _status_tip(dto: KeyDTO, _now: datetime) -> str:
    if dto.status is KeyStatus.REVOKED and dto.revoked_at is not None:
        text = arg(
            QCoreApplication.translate("KeysModel", "Revoked %1"), short_date_time(dto.revoked_at)
        )
        return f"{text} — {dto.revoked_reason}" if dto.revoked_reason else text
    if dto.status is KeyStatus.EXPIRED:
        return QCoreApplication.translate("KeysModel", "Expired: verifications are refused")
    if dto.status is KeyStatus.DISABLED:
        return QCoreApplication.translate(
            "KeysModel", "Disabled: verifications are refused until it is enabled again"
        )
    return QCoreApplication.translate("KeysModel", "Active: integrations can use this key")


def _revoked(dto: KeyDTO) -> bool:
    # A revoked key stays listed for the audit trail but reads as finished.
    return dto.status is KeyStatus.REVOKED


_NEWEST_FIRST: Final = Qt.SortOrder.DescendingOrder

COLUMNS: Final[dict[Column, ColumnSpec]] = {
    Column.NAME: ColumnSpec(
        QT_TRANSLATE_NOOP("KeysModel", "Name"),
        lambda dto, _now: dto.name,
        lambda dto, _now: (
            dto.description or QCoreApplication.translate("KeysModel", "No description")
        ),
        sort_field=SortField.NAME,
        width_sample="Salesforce Data Sync",
        dimmed=_revoked,
    ),
    Column.KEY: ColumnSpec(
        QT_TRANSLATE_NOOP("KeysModel", "Key"),
        lambda dto, _now: dto.masked,
        lambda dto, _now: arg(
            QCoreApplication.translate("KeysModel", "Key id %1 · environment %2"),
            dto.key_id,
            dto.environment,
        ),
        # The mask is random text: sorting by it means nothing. Its width: see KeysTable.
        dimmed=_revoked,
        monospace=True,
        header_tip=QT_TRANSLATE_NOOP(
            "KeysModel",
            "The key's public id and last four characters. The secret itself is never "
            "stored, so it cannot be shown again.",
        ),
    ),
    Column.OWNER: ColumnSpec(
        QT_TRANSLATE_NOOP("KeysModel", "Owner"),
        _owner,
        lambda dto, _now: dto.owner_login,
        sort_field=SortField.OWNER,
        width_sample="Dev Patel (deactivated)",
        dimmed=_revoked,
    ),
    Column.STATUS: ColumnSpec(
        QT_TRANSLATE_NOOP("KeysModel", "Status"),
        lambda dto, _now: status_label(dto.status),
        _status_tip,
        sort_field=SortField.STATUS,
    ),
    Column.LAST_USED: ColumnSpec(
        QT_TRANSLATE_NOOP("KeysModel", "Last Used"),
        _last_used,
        _last_used_tip,
        sort_field=SortField.LAST_USED,
        initial_order=_NEWEST_FIRST,
        width_sample="55 minutes ago",
        dimmed=lambda dto: _revoked(dto) or dto.last_used_at is None,
    ),
    Column.EXPIRES: ColumnSpec(
        QT_TRANSLATE_NOOP("KeysModel", "Expires"),
        lambda dto, _now: expiry_text(dto.expires_at) or "—",
        _expires_tip,
        sort_field=SortField.EXPIRES,
        width_sample="28 Sep 2026",
        dimmed=lambda dto: _revoked(dto) or dto.expires_at is None,
    ),
    Column.CREATED: ColumnSpec(
        QT_TRANSLATE_NOOP("KeysModel", "Created On"),
        lambda dto, _now: short_date(dto.created_at),
        lambda dto, _now: arg(
            QCoreApplication.translate("KeysModel", "%1 by %2"),
            exact_utc(dto.created_at),
            dto.created_by,
        ),
        sort_field=SortField.CREATED,
        initial_order=_NEWEST_FIRST,
        width_sample="28 Sep 2026",
        dimmed=_revoked,
    ),
    Column.UPDATED: ColumnSpec(
        QT_TRANSLATE_NOOP("KeysModel", "Last Updated On"),
        lambda dto, _now: short_date(dto.updated_at),
        lambda dto, _now: arg(
            QCoreApplication.translate("KeysModel", "%1 by %2"),
            exact_utc(dto.updated_at),
            dto.updated_by,
        ),
        sort_field=SortField.UPDATED,
        initial_order=_NEWEST_FIRST,
        # The header is wider than any date, in English ("Last Updated On") and more so in
        # German ("Zuletzt geändert am"): the view measures it in the current language.
        width_sample="28 Sep 2026",
        dimmed=_revoked,
    ),
    # Buttons, not data: the delegate paints them; the model names them for screen readers.
    Column.ACTIONS: ColumnSpec(
        QT_TRANSLATE_NOOP("KeysModel", "Actions"),
        _blank,
        dimmed=_revoked,
        header_tip=QT_TRANSLATE_NOOP(
            "KeysModel",
            "Enable or disable, revoke or delete the key in its row. From the keyboard: "
            "the context menu (Menu key) and Delete.",
        ),
    ),
}


def column_for(sort: SortField) -> Column:
    return next(column for column, spec in COLUMNS.items() if spec.sort_field is sort)
