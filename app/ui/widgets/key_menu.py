"""The keys table's context menus: what can be done to the key under the mouse, and which
columns the table shows (the header's menu)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QHeaderView, QMenu, QWidget

from app.domain.status import KeyState, KeyStatus
from app.services.dto import KeyDTO
from app.ui.models.key_columns import COLUMNS, Column
from app.ui.resources import icon
from app.ui.text import plural


@dataclass(frozen=True, slots=True)
class KeyMenuActions:
    """What the menu's entries do; the window provides them."""

    open_details: Callable[[], None]
    copy_key_id: Callable[[KeyDTO], None]
    set_enabled: Callable[[KeyDTO, bool], None]
    revoke: Callable[[Sequence[KeyDTO]], None]
    delete: Callable[[KeyDTO], None]
    rotate: Callable[[KeyDTO], None] | None = None
    #: Several keys at once (disable, enable, revoke, expiry, a note), dry run first.
    bulk: Callable[[Sequence[KeyDTO]], None] | None = None


def key_menu(
    parent: QWidget,
    key: KeyDTO,
    selected: Sequence[KeyDTO],
    actions: KeyMenuActions,
    *,
    can_change: bool,
    read_only_reason: str,
) -> QMenu:
    """A menu for ``key`` (and the other ``selected`` keys, for a bulk revoke)."""
    menu = QMenu(parent)
    menu.setObjectName("keyContextMenu")
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    menu.addAction(
        icon("info"), QCoreApplication.translate("KeyMenu", "Open details"), actions.open_details
    )
    menu.addAction(
        icon("copy"),
        QCoreApplication.translate("KeyMenu", "Copy key id"),
        lambda: actions.copy_key_id(key),
    )
    menu.addSeparator()
    active = key.state is KeyState.ACTIVE
    toggle = menu.addAction(
        icon("disable" if active else "enable"),
        QCoreApplication.translate("KeyMenu", "Disable")
        if active
        else QCoreApplication.translate("KeyMenu", "Enable"),
        lambda: actions.set_enabled(key, not active),
    )
    toggle.setEnabled(can_change and key.status is not KeyStatus.REVOKED)
    rotate = None
    if actions.rotate is not None:
        do_rotate = actions.rotate
        rotate = menu.addAction(
            icon("refresh"),
            QCoreApplication.translate("KeyMenu", "Rotate…"),
            lambda: do_rotate(key),
        )
        rotate.setObjectName("rotateKeyAction")
        revoked = key.status is KeyStatus.REVOKED
        rotate.setEnabled(can_change and not revoked and key.replaced_by is None)
        if can_change and revoked:
            rotate.setToolTip(
                QCoreApplication.translate(
                    "KeyMenu", "A revoked key cannot be rotated; create a new key instead"
                )
            )
        elif can_change and key.replaced_by is not None:
            rotate.setToolTip(
                QCoreApplication.translate(
                    "KeyMenu", "Already rotated: rotate the key that replaces it instead"
                )
            )
        menu.setToolTipsVisible(True)
    revocable = [other for other in selected if other.status is not KeyStatus.REVOKED]
    several = len(revocable) > 1
    revoke = menu.addAction(
        icon("revoke"),
        plural(
            len(revocable),
            QCoreApplication.translate("KeyMenu", "Revoke %n key…"),
            QCoreApplication.translate("KeyMenu", "Revoke %n keys…"),
        )
        if several
        else QCoreApplication.translate("KeyMenu", "Revoke…"),
        lambda: actions.revoke(list(selected) or [key]),
    )
    revoke.setEnabled(can_change and bool(revocable or key.status is not KeyStatus.REVOKED))
    bulk = None
    if actions.bulk is not None and len(selected) > 1:
        do_bulk = actions.bulk
        bulk = menu.addAction(
            icon("edit"),
            plural(
                len(selected),
                QCoreApplication.translate("KeyMenu", "Change %n key…"),
                QCoreApplication.translate("KeyMenu", "Change %n keys…"),
            ),
            lambda: do_bulk(list(selected)),
        )
        bulk.setObjectName("bulkChangeAction")
        bulk.setEnabled(can_change)
    delete = menu.addAction(
        icon("delete"),
        QCoreApplication.translate("KeyMenu", "Delete…"),
        lambda: actions.delete(key),
    )
    delete.setEnabled(can_change)
    if not can_change:
        for action in (toggle, revoke, delete, rotate, bulk):
            if action is not None:
                action.setToolTip(read_only_reason)
        menu.setToolTipsVisible(True)
    return menu


def columns_menu(parent: QWidget, header: QHeaderView) -> QMenu:
    """Show or hide the table's columns (Name and Actions always stay)."""
    menu = QMenu(parent)
    menu.setObjectName("columnsMenu")
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    for visual in range(header.count()):
        column = Column(header.logicalIndex(visual))
        spec = COLUMNS[column]
        if not spec.can_hide:
            continue
        action = menu.addAction(spec.title)
        action.setObjectName(f"showColumn{column.name.title().replace('_', '')}")
        action.setCheckable(True)
        action.setChecked(not header.isSectionHidden(column))
        action.toggled.connect(
            lambda shown, section=int(column): header.setSectionHidden(section, not shown)
        )
    return menu


def settle_optional_columns(header: QHeaderView, *, restored: bool) -> None:
    """Put optional columns before Actions; hide them unless a saved header showed them.

    A header saved before a column existed restores with that column last and shown (Qt
    appends sections it did not know): that one is treated as new, i.e. hidden.
    """
    for column, spec in COLUMNS.items():
        if not spec.hidden_by_default:
            continue
        after_actions = header.visualIndex(column) > header.visualIndex(Column.ACTIONS)
        if not restored or after_actions:
            header.setSectionHidden(column, True)
        if after_actions:
            header.moveSection(header.visualIndex(column), header.visualIndex(Column.ACTIONS))
