"""The console's dialogs: create a key, reveal its secret once, revoke keys."""

from __future__ import annotations

from app.ui.dialogs.create_key import CreateKeyDialog
from app.ui.dialogs.reveal_secret import RevealSecretDialog
from app.ui.dialogs.revoke_key import RevokeKeyDialog

__all__ = ["CreateKeyDialog", "RevealSecretDialog", "RevokeKeyDialog"]
