"""The per-user key policy.

Unlimited by default: one key per integration and environment is the recommended practice.
An admin may set a limit (Affinity's "1 active key per user" mode); creating a key at the
limit revokes the owner's oldest active key, but only after explicit confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.errors import Field, ValidationError

REASON_POLICY_LIMIT = "replaced under the active-key limit"
REASON_OWNER_DEACTIVATED = "owner deactivated"


@dataclass(frozen=True, slots=True)
class KeyPolicy:
    max_active_keys_per_user: int | None = None

    def over_limit(self, active_keys: int) -> bool:
        """Would one more key go over the limit?"""
        limit = self.max_active_keys_per_user
        return limit is not None and active_keys >= limit


def parse_limit(text: str | int | None) -> int | None:
    if text is None:
        return None
    if isinstance(text, int):
        value = text
    else:
        word = text.strip().lower()
        if word in {"", "none", "unlimited", "off"}:
            return None
        try:
            value = int(word)
        except ValueError:
            raise ValidationError(
                Field.LIMIT, f"“{text[:20]}” is not a number; give a whole number or 'unlimited'."
            ) from None
    if value < 1:
        raise ValidationError(Field.LIMIT, "The active-key limit must be at least 1, or unlimited.")
    return value
