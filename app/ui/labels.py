"""The words the console shows for the domain's enums, in the chosen language.

The domain names its statuses and roles in English for the command line and the audit
trail (``KeyStatus.label``); the console translates them here, one place for each enum.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.domain.roles import Role
from app.domain.status import KeyStatus
from app.ui.text import QT_TRANSLATE_NOOP

_CONTEXT = "Labels"

_STATUS = {
    KeyStatus.ACTIVE: QT_TRANSLATE_NOOP("Labels", "Active"),
    KeyStatus.DISABLED: QT_TRANSLATE_NOOP("Labels", "Disabled"),
    KeyStatus.EXPIRED: QT_TRANSLATE_NOOP("Labels", "Expired"),
    KeyStatus.REVOKED: QT_TRANSLATE_NOOP("Labels", "Revoked"),
}

_ROLE = {
    Role.AUDITOR: QT_TRANSLATE_NOOP("Labels", "Auditor"),
    Role.MEMBER: QT_TRANSLATE_NOOP("Labels", "Member"),
    Role.MANAGER: QT_TRANSLATE_NOOP("Labels", "Manager"),
    Role.ADMIN: QT_TRANSLATE_NOOP("Labels", "Admin"),
    Role.VERIFIER: QT_TRANSLATE_NOOP("Labels", "Verifier"),
}


def status_label(status: KeyStatus) -> str:
    """``Active``, ``Widerrufen``…: a key's status as the console shows it."""
    return QCoreApplication.translate(_CONTEXT, _STATUS[status])


def role_label(role: Role) -> str:
    """``Admin``, ``Prüfer``…: a role as the console shows it."""
    return QCoreApplication.translate(_CONTEXT, _ROLE[role])
