"""The keys table's columns: one :class:`ColumnSpec` each, in :data:`COLUMNS`.

A column knows its header, how a key reads in it (display and tooltip), what the server
sorts it by, its first sort order, its alignment, a sample of its usual widest text (the
default width follows the font, not pixels), when its text is dimmed and how it gives way
in a narrow window. Adding a column is one ``Column`` member and one entry here; the model
and the view read everything else.
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
    moment_text,
    relative_time,
    short_date,
    short_date_time,
    time_left,
    time_until,
    utc_minute,
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
    #: Optional, hidden until the user shows it. Last in the model so that headers saved
    #: before it existed still restore; the view shows it before Actions.
    DESCRIPTION = 9

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


def _no_icon(_dto: KeyDTO) -> str | None:
    return None


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
    #: A small icon before the text for this key (an icon name), or None.
    icon: Callable[[KeyDTO], str | None] = _no_icon
    #: Hidden until the user shows it (the header's context menu).
    hidden_by_default: bool = False
    #: The header's context menu may hide it (Name and Actions always stay).
    can_hide: bool = True
    #: In a table too narrow for every column: columns narrow in this order, lowest first
    #: (their cells elide), down to ``min_width`` or the width their header needs, then
    #: step aside in the same order. None: the column keeps its width and its place (Status's badge,
    #: the Actions), so a key's name, status and controls stay on screen down to 800×600.
    give_way: int | None = None
    #: Narrows when its turn comes but never steps aside (Name).
    keep_visible: bool = False
    #: The narrowest it gets when giving way (0: the header's minimum section size).
    min_width: int = 0

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


def stop_sentence(moment: datetime) -> str:
    """``Fri 4 Dec 2026 at 10:31 (09:31 UTC)``: local and UTC, to the minute."""
    day, time = moment_text(moment)
    return arg(
        QCoreApplication.translate("KeysModel", "%1 at %2 (%3)"), day, time, utc_minute(moment)
    )


def in_grace_period(dto: KeyDTO, now: datetime) -> bool:
    """A rotated key that still works until its successor takes over."""
    return (
        dto.replaced_by is not None
        and dto.expires_at is not None
        and dto.expires_at > now
        and dto.status not in (KeyStatus.REVOKED, KeyStatus.EXPIRED)
    )


def rotation_note(dto: KeyDTO, now: datetime, name_of: Callable[[str], str | None]) -> str:
    """ "Replaces …" / "Replaced by …, stops on …" for a key in a rotation; "" otherwise."""
    lines = []
    if dto.replaces:
        replaced = _linked(dto.replaces, name_of)
        lines.append(arg(QCoreApplication.translate("KeysModel", "Replaces %1"), replaced))
    if dto.replaced_by:
        other = _linked(dto.replaced_by, name_of)
        if in_grace_period(dto, now):
            assert dto.expires_at is not None
            lines.append(
                arg(
                    QCoreApplication.translate("KeysModel", "Replaced by %1; stops on %2"),
                    other,
                    stop_sentence(dto.expires_at),
                )
            )
        else:
            lines.append(arg(QCoreApplication.translate("KeysModel", "Replaced by %1"), other))
    return "\n".join(lines)


def _linked(key_id: str, name_of: Callable[[str], str | None]) -> str:
    name = name_of(key_id)
    return f"{name} ({key_id})" if name else key_id


def _no_names(_key_id: str) -> str | None:
    return None


def _name_tip(dto: KeyDTO, now: datetime) -> str:
    text = dto.description or QCoreApplication.translate("KeysModel", "No description")
    note = rotation_note(dto, now, _no_names)
    return f"{text}\n\n{note}" if note else text


def _expires(dto: KeyDTO, now: datetime) -> str:
    if dto.expires_at is None:
        return "—"
    if in_grace_period(dto, now):
        # The old key of a rotation: how long the integration has left to switch over.
        return arg(
            QCoreApplication.translate("KeysModel", "stops in %1"), time_left(dto.expires_at, now)
        )
    return expiry_text(dto.expires_at) or "—"


def _expires_tip(dto: KeyDTO, now: datetime) -> str:
    if dto.expires_at is None:
        return QCoreApplication.translate("KeysModel", "Never expires")
    if in_grace_period(dto, now):
        return arg(
            QCoreApplication.translate(
                "KeysModel", "Rotated: the grace period ends on %1, then the key stops working"
            ),
            stop_sentence(dto.expires_at),
        )
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
        _name_tip,
        sort_field=SortField.NAME,
        width_sample="Salesforce Data Sync",
        dimmed=_revoked,
        # The old key of a rotation: a small mark, the tooltip names its successor.
        icon=lambda dto: "refresh" if dto.replaced_by else None,
        can_hide=False,
        # Gives back its fill first, its own width last, and never goes.
        give_way=100,
        keep_visible=True,
        min_width=110,
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
        give_way=40,
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
        give_way=70,
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
        give_way=60,
    ),
    Column.EXPIRES: ColumnSpec(
        QT_TRANSLATE_NOOP("KeysModel", "Expires"),
        _expires,
        _expires_tip,
        sort_field=SortField.EXPIRES,
        # A rotated key counts down; an expiry inside a day ("4 Dec 2026, 10:31") fits too.
        width_sample="4 Dec 2026, 10:31",
        dimmed=lambda dto: _revoked(dto) or dto.expires_at is None,
        give_way=50,
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
        give_way=30,
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
        give_way=20,
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
        can_hide=False,
    ),
    Column.DESCRIPTION: ColumnSpec(
        QT_TRANSLATE_NOOP("KeysModel", "Description"),
        lambda dto, _now: " ".join(dto.description.split()),
        lambda dto, _now: dto.description,
        width_sample="Nightly export of orders to the warehouse",
        dimmed=_revoked,
        hidden_by_default=True,
        give_way=10,
        header_tip=QT_TRANSLATE_NOOP(
            "KeysModel", "What the key is for (right-click a column header to hide it)"
        ),
    ),
}


def column_for(sort: SortField) -> Column:
    return next(column for column, spec in COLUMNS.items() if spec.sort_field is sort)
