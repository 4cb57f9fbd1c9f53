"""The keys table's context menu: what can be done to the key under the mouse."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMenu, QWidget

from app.domain.status import KeyState, KeyStatus
from app.services.dto import KeyDTO
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
    delete = menu.addAction(
        icon("delete"),
        QCoreApplication.translate("KeyMenu", "Delete…"),
        lambda: actions.delete(key),
    )
    delete.setEnabled(can_change)
    if not can_change:
        for action in (toggle, revoke, delete):
            action.setToolTip(read_only_reason)
        menu.setToolTipsVisible(True)
    return menu
