"""The words the console shows for the domain's enums, in the chosen language.

The domain names its statuses, roles and audit actions in English for the command line and
the audit trail (``KeyStatus.label``, ``AuditAction.label``); the console translates them
here, one place for each enum, with the key fields and the services' fixed reasons that an
audit event's summary mentions.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.domain.audit import AuditAction
from app.domain.policy import REASON_OWNER_DEACTIVATED, REASON_POLICY_LIMIT
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

_ACTION = {
    AuditAction.KEY_CREATED: QT_TRANSLATE_NOOP("Labels", "Created"),
    AuditAction.KEY_EDITED: QT_TRANSLATE_NOOP("Labels", "Edited"),
    AuditAction.KEY_ENABLED: QT_TRANSLATE_NOOP("Labels", "Enabled"),
    AuditAction.KEY_DISABLED: QT_TRANSLATE_NOOP("Labels", "Disabled"),
    AuditAction.KEY_REVOKED: QT_TRANSLATE_NOOP("Labels", "Revoked"),
    AuditAction.KEY_DELETED: QT_TRANSLATE_NOOP("Labels", "Deleted"),
    AuditAction.KEY_EXPIRY_CHANGED: QT_TRANSLATE_NOOP("Labels", "Expiry changed"),
    AuditAction.USER_ADDED: QT_TRANSLATE_NOOP("Labels", "User added"),
    AuditAction.USER_ROLE_CHANGED: QT_TRANSLATE_NOOP("Labels", "Role changed"),
    AuditAction.USER_DEACTIVATED: QT_TRANSLATE_NOOP("Labels", "User deactivated"),
    AuditAction.USER_REACTIVATED: QT_TRANSLATE_NOOP("Labels", "User reactivated"),
    AuditAction.POLICY_CHANGED: QT_TRANSLATE_NOOP("Labels", "Policy changed"),
    AuditAction.AUDIT_REANCHORED: QT_TRANSLATE_NOOP("Labels", "Chain re-anchored"),
    AuditAction.SIGNING_KEY_REGISTERED: QT_TRANSLATE_NOOP("Labels", "Signing key registered"),
    AuditAction.AUDIT_CHECKPOINT: QT_TRANSLATE_NOOP("Labels", "Checkpoint signed"),
    AuditAction.REVIEW_STARTED: QT_TRANSLATE_NOOP("Labels", "Access review started"),
    AuditAction.REVIEW_ANSWERED: QT_TRANSLATE_NOOP("Labels", "Access review answered"),
    AuditAction.REVIEW_CLOSED: QT_TRANSLATE_NOOP("Labels", "Access review closed"),
}

#: A key's fields as an audit event's changes name them (``app.services.keys.snapshot``).
_FIELD = {
    "name": QT_TRANSLATE_NOOP("Labels", "name"),
    "description": QT_TRANSLATE_NOOP("Labels", "description"),
    "owner": QT_TRANSLATE_NOOP("Labels", "owner"),
    "environment": QT_TRANSLATE_NOOP("Labels", "environment"),
    "state": QT_TRANSLATE_NOOP("Labels", "state"),
    "expires_at": QT_TRANSLATE_NOOP("Labels", "expires"),
    "revoked_at": QT_TRANSLATE_NOOP("Labels", "revoked"),
    "revoked_reason": QT_TRANSLATE_NOOP("Labels", "reason"),
    "masked": QT_TRANSLATE_NOOP("Labels", "key"),
    "stored_text": QT_TRANSLATE_NOOP("Labels", "stored text (not a snapshot)"),
}

#: The reasons the services write themselves (a person's own reason stays as typed).
_REASON = {
    REASON_OWNER_DEACTIVATED: QT_TRANSLATE_NOOP("Labels", "owner deactivated"),
    REASON_POLICY_LIMIT: QT_TRANSLATE_NOOP("Labels", "replaced under the active-key limit"),
}


def status_label(status: KeyStatus) -> str:
    """``Active``, ``Widerrufen``…: a key's status as the console shows it."""
    return QCoreApplication.translate(_CONTEXT, _STATUS[status])


def role_label(role: Role) -> str:
    """``Admin``, ``Prüfer``…: a role as the console shows it."""
    return QCoreApplication.translate(_CONTEXT, _ROLE[role])


def action_label(action: AuditAction) -> str:
    """``Created``, ``Widerrufen``…: what an audit event did, as the console shows it."""
    return QCoreApplication.translate(_CONTEXT, _ACTION[action])


def field_label(name: str) -> str:
    """A key field an audit event changed (``description`` → ``Beschreibung``); else ``name``."""
    text = _FIELD.get(name)
    return name if text is None else QCoreApplication.translate(_CONTEXT, text)


def value_label(name: str, value: str) -> str:
    """A changed field's value: a key's state in words (``disabled`` → ``deaktiviert``)."""
    if name == "state" and value in {status.value for status in KeyStatus}:
        # Mid-sentence, lower case: "state: active → disabled", "Status: aktiv → deaktiviert".
        return status_label(KeyStatus(value)).lower()
    return value


def reason_label(reason: str) -> str:
    """A reason the services wrote (``owner deactivated``) translated; a person's as typed."""
    text = _REASON.get(reason)
    return reason if text is None else QCoreApplication.translate(_CONTEXT, text)
