"""The per-user key policy and the database-wide rules that go with it.

Unlimited by default: one key per integration and environment is the recommended practice.
An admin may set a limit (Affinity's "1 active key per user" mode); creating a key at the
limit revokes the owner's oldest active keys (as many as it takes to stay at the limit), but
only after explicit confirmation. Lowering the limit never revokes anything by itself.

An admin may also require an expiry on new keys (a maximum lifetime in days), and set the
thresholds the hygiene views use: "stale" after N days without use, and the days before an
expiry at which a key is flagged as expiring soon.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.domain.errors import Field, ValidationError
from app.domain.validation import end_of_day
from app.domain.wording import counted

REASON_POLICY_LIMIT = "replaced under the active-key limit"
REASON_OWNER_DEACTIVATED = "owner deactivated"

DEFAULT_STALE_AFTER_DAYS = 90
DEFAULT_EXPIRY_WARNING_DAYS: tuple[int, ...] = (30, 7, 1)
#: The longest maximum lifetime, stale threshold or warning an admin may set (ten years).
MAX_DAYS = 3650
#: The longest grace period a rotation may give the old key.
MAX_GRACE = timedelta(days=365)
_MAX_WARNINGS = 10
_NONE_WORDS = {"", "none", "unlimited", "off", "no"}


@dataclass(frozen=True, slots=True)
class KeyPolicy:
    max_active_keys_per_user: int | None = None
    max_lifetime_days: int | None = None

    def over_limit(self, active_keys: int) -> bool:
        """Would one more key go over the limit?"""
        return self.to_revoke(active_keys) > 0

    def to_revoke(self, active_keys: int) -> int:
        """How many of the owner's active keys one more key revokes (0 without a limit).

        After the create the owner has exactly ``limit`` active keys (or fewer, if they had
        fewer): with a limit of 2 and 3 active keys, creating one revokes 2.
        """
        limit = self.max_active_keys_per_user
        if limit is None:
            return 0
        return max(0, active_keys + 1 - limit)

    def latest_expiry(self, now: datetime) -> datetime | None:
        """The latest ``expires_at`` a new key may have (None: no maximum).

        A key may expire on any day up to ``now + N days`` (it works until the end of that
        day, UTC), so an expiry date picked in a form is never refused for its time of day.
        """
        if self.max_lifetime_days is None:
            return None
        return end_of_day((now + timedelta(days=self.max_lifetime_days)).date())

    def check_expiry(self, expires_at: datetime | None, now: datetime) -> None:
        """Refuse a new key's expiry that the maximum lifetime does not allow."""
        latest = self.latest_expiry(now)
        if latest is None:
            return
        days = self.max_lifetime_days or 0
        last_day = (latest - timedelta(days=1)).date()
        if expires_at is None:
            raise ValidationError(
                Field.EXPIRES,
                f"The policy limits keys to {counted(days, 'day')}; give an expiry date up to "
                f"{last_day.isoformat()}.",
            )
        if expires_at > latest:
            raise ValidationError(
                Field.EXPIRES,
                f"The policy limits keys to {counted(days, 'day')}; pick an expiry date up to "
                f"{last_day.isoformat()}.",
            )

    def default_expiry_day(self, today: date) -> date | None:
        """The expiry a new key gets when none is given (the maximum), or None."""
        if self.max_lifetime_days is None:
            return None
        return today + timedelta(days=self.max_lifetime_days)


def parse_limit(text: str | int | None) -> int | None:
    if text is None:
        return None
    if isinstance(text, int):
        value = text
    else:
        word = text.strip().lower()
        if word in _NONE_WORDS:
            return None
        try:
            value = int(word)
        except ValueError:
            raise ValidationError(
                Field.LIMIT, f"“{text[:20]}” is not a number; give a whole number or 'unlimited'."
            ) from None
    if value < 1:
        raise ValidationError(Field.LIMIT, "The active-key limit must be at least 1, or unlimited.")
    if value > 1_000_000:
        raise ValidationError(Field.LIMIT, "The active-key limit is at most 1000000, or unlimited.")
    return value


def _days(text: str | int, field: Field, what: str) -> int:
    if isinstance(text, bool):
        raise ValidationError(field, f"{what} is a whole number of days.")
    if isinstance(text, int):
        value = text
    else:
        try:
            value = int(text.strip().lower().removesuffix("d").removesuffix(" days").strip())
        except ValueError:
            raise ValidationError(
                field, f"“{text[:20]}” is not a number of days; {what.lower()} is e.g. 90."
            ) from None
    if not 1 <= value <= MAX_DAYS:
        raise ValidationError(field, f"{what} is between 1 and {MAX_DAYS} days.")
    return value


def parse_lifetime(text: str | int | None) -> int | None:
    """The maximum lifetime of new keys in days; None (or 'none') for no maximum."""
    if text is None or (isinstance(text, str) and text.strip().lower() in _NONE_WORDS):
        return None
    return _days(text, Field.LIFETIME, "The maximum lifetime")


def parse_stale_after(text: str | int) -> int:
    """Days without use after which a key counts as stale."""
    return _days(text, Field.STALE_AFTER, "The stale threshold")


def parse_expiry_warnings(text: str | Sequence[int] | Sequence[str]) -> tuple[int, ...]:
    """Days before an expiry to warn at, e.g. ``"30,7,1"``; largest first, no repeats."""
    if isinstance(text, str):
        parts: list[str | int] = [part for part in text.replace(";", ",").split(",")]
        parts = [part.strip() if isinstance(part, str) else part for part in parts]
        parts = [part for part in parts if part != ""]
    else:
        parts = list(text)
    if not parts:
        raise ValidationError(
            Field.EXPIRY_WARNINGS, "Name at least one number of days to warn at, e.g. 30,7,1."
        )
    values = sorted({_days(part, Field.EXPIRY_WARNINGS, "An expiry warning") for part in parts})
    if len(values) > _MAX_WARNINGS:
        raise ValidationError(
            Field.EXPIRY_WARNINGS, f"Name at most {_MAX_WARNINGS} days to warn at."
        )
    return tuple(reversed(values))


def format_warnings(days: Sequence[int]) -> str:
    return ",".join(str(day) for day in days)
