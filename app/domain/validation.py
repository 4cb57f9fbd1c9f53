"""Input rules (DESIGN §9). Each refusal is one sentence that names what to fix."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta

from app.domain.errors import Field, ValidationError

MAX_NAME = 100
MAX_DESCRIPTION = 2000
MAX_SEARCH = 200
MAX_REASON = 500
MAX_DISPLAY_NAME = 100
#: How far ahead an expiry date may be; "never" is what a key without an expiry is for.
MAX_EXPIRY_YEARS = 100

# Explicit embeddings, overrides and isolates can make text display in a different order
# from the one stored (CVE-2021-42574, "Trojan Source").
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LOGIN = re.compile(r"[A-Za-z0-9_.@-]{1,64}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _visible(text: str) -> bool:
    """At least one character that shows: not only spaces and zero-width formatting."""
    return any(not ch.isspace() and unicodedata.category(ch) != "Cf" for ch in text)


def has_surrogates(text: str) -> bool:
    """Whether ``text`` holds lone surrogates: bytes that were not UTF-8, kept by Python as
    ``surrogateescape`` characters (command-line arguments, file names, environment)."""
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def check_text(field: Field, label: str, text: str) -> None:
    """Refuse text that is not text at all: bytes that were not UTF-8 (lone surrogates)."""
    if has_surrogates(text):
        raise ValidationError(
            field, f"The {label} holds bytes that are not valid UTF-8 text; type it again."
        )


def _check_characters(field: Field, label: str, text: str, *, multiline: bool) -> None:
    check_text(field, label, text)
    allowed = {"\n", "\t"} if multiline else set()
    for ch in text:
        if ch in _BIDI_CONTROLS:
            raise ValidationError(
                field, f"The {label} contains a text-direction override character; remove it."
            )
        if ch in allowed or (ch == "\r" and multiline):
            continue
        category = unicodedata.category(ch)
        if category in {"Cc", "Zl", "Zp"}:
            raise ValidationError(
                field, f"The {label} contains a control character (such as a tab or line break)."
            )
        if category == "Cf" and not multiline:
            # Zero-width spaces and joiners, word joiners, byte-order marks, soft hyphens:
            # invisible, so two names that look the same could differ (or one look empty).
            raise ValidationError(
                field,
                f"The {label} contains an invisible formatting character "
                "(such as a zero-width space); remove it.",
            )


def clean_name(text: str, *, field: Field = Field.NAME, label: str = "name") -> str:
    """A key name: required, one line, at most 100 characters after trimming."""
    name = text.strip()
    if not _visible(name):
        raise ValidationError(field, f"Enter a {label} for the key, such as “Snowflake ETL”.")
    _check_characters(field, label, name, multiline=False)
    if len(name) > MAX_NAME:
        raise ValidationError(
            field, f"The {label} is {len(name)} characters long; keep it to {MAX_NAME} or fewer."
        )
    return name


def clean_description(text: str | None) -> str:
    description = (text or "").strip().replace("\r\n", "\n")
    _check_characters(Field.DESCRIPTION, "description", description, multiline=True)
    if len(description) > MAX_DESCRIPTION:
        raise ValidationError(
            Field.DESCRIPTION,
            f"The description is {len(description)} characters long; "
            f"keep it to {MAX_DESCRIPTION} or fewer.",
        )
    return description


def clean_reason(text: str | None) -> str | None:
    reason = (text or "").strip()
    if not reason:
        return None
    _check_characters(Field.REASON, "reason", reason, multiline=True)
    if len(reason) > MAX_REASON:
        raise ValidationError(
            Field.REASON, f"The reason is {len(reason)} characters long; keep it to {MAX_REASON}."
        )
    return reason


def clean_search(text: str | None) -> str:
    """Search text is matched literally: ``%``, ``_``, quotes and backslashes are plain text.

    A token pasted into the search is cut down to its key id first: the key is still found,
    and the secret never becomes part of a query (nor of a server's statement log).
    """
    # Here, not at the top: the key format (``secrets``, ``hmac``) would load with every
    # command's parser, help included, which only needs the checks above.
    from app.domain.key_format import without_secrets

    term = without_secrets((text or "").strip())
    check_text(Field.SEARCH, "search text", term)
    if len(term) > MAX_SEARCH:
        raise ValidationError(
            Field.SEARCH,
            f"The search text is {len(term)} characters long; keep it to {MAX_SEARCH}.",
        )
    if any(unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS for ch in term):
        raise ValidationError(Field.SEARCH, "The search text contains a control character.")
    return term


def end_of_day(day: date) -> datetime:
    """A key that expires on ``day`` works until the end of that day, UTC."""
    return datetime.combine(day, time(0, 0), tzinfo=UTC) + timedelta(days=1)


def parse_expiry(text: str | date | None, *, today: date) -> datetime | None:
    """``YYYY-MM-DD`` (or a date) to the moment the key stops working; None for never."""
    if text is None or text == "":
        return None
    if isinstance(text, datetime):
        day = text.astimezone(UTC).date()
    elif isinstance(text, date):
        day = text
    else:
        check_text(Field.EXPIRES, "expiry date", text)
        try:
            day = date.fromisoformat(text.strip())
        except ValueError:
            raise ValidationError(
                Field.EXPIRES,
                f"“{text[:40]}” is not a date; write it as YYYY-MM-DD, e.g. 2027-03-31.",
            ) from None
    if day < today:
        raise ValidationError(
            Field.EXPIRES, f"The expiry date {day.isoformat()} is in the past; pick today or later."
        )
    latest = latest_expiry(today)
    if day > latest:
        raise ValidationError(
            Field.EXPIRES,
            f"The expiry date {day.isoformat()} is too far ahead; pick one up to "
            f"{latest.isoformat()}, or none for a key that does not expire.",
        )
    return end_of_day(day)


def latest_expiry(today: date) -> date:
    """The last expiry date accepted: the end of the year ``MAX_EXPIRY_YEARS`` from now."""
    return date(min(today.year + MAX_EXPIRY_YEARS, 9998), 12, 31)


def expiry_day(expires_at: datetime | None) -> date | None:
    """The last day a key works, as a person would write it."""
    if expires_at is None:
        return None
    return (expires_at.astimezone(UTC) - timedelta(microseconds=1)).date()


def clean_login(text: str) -> str:
    login = text.strip()
    check_text(Field.LOGIN, "login", login)
    if not _LOGIN.fullmatch(login):
        raise ValidationError(
            Field.LOGIN,
            "A user login is 1 to 64 letters, digits, dots, dashes, underscores or @ signs.",
        )
    return login


def clean_display_name(text: str | None, login: str) -> str:
    name = (text or "").strip() or login
    _check_characters(Field.DISPLAY_NAME, "name", name, multiline=False)
    if len(name) > MAX_DISPLAY_NAME:
        raise ValidationError(
            Field.DISPLAY_NAME,
            f"The name is {len(name)} characters long; keep it to {MAX_DISPLAY_NAME} or fewer.",
        )
    return name


def clean_email(text: str | None) -> str | None:
    email = (text or "").strip()
    if not email:
        return None
    check_text(Field.EMAIL, "e-mail address", email)
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise ValidationError(Field.EMAIL, f"“{email[:60]}” is not an e-mail address.")
    return email
