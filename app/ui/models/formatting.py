"""How times and dates read in the console: relative in cells, exact UTC in tooltips."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication, QDate, QLocale

from app.domain.validation import expiry_day

_CONTEXT = "Formatting"


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def _tr_n(one: str, many: str, n: int) -> str:
    """A counted phrase; English grammar when no translation is loaded."""
    return QCoreApplication.translate(_CONTEXT, one if n == 1 else many, None, n)


def _locale() -> QLocale:
    # The bare "C" locale (no LANG set) has no digit grouping; read numbers the English way.
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        return QLocale("en_US")
    return locale


def relative_time(moment: datetime, now: datetime) -> str:
    """``3 days ago``: how long ago ``moment`` was, as a person says it."""
    seconds = (now - moment).total_seconds()
    if seconds < 0:
        # Clocks of two machines disagree a little; never show "in 2 seconds" for the past.
        seconds = 0
    minutes = int(seconds // 60)
    hours = int(seconds // 3600)
    days = int(seconds // 86400)
    if minutes < 1:
        return _tr("just now")
    if hours < 1:
        return _tr_n("%n minute ago", "%n minutes ago", minutes)
    if days < 1:
        return _tr_n("%n hour ago", "%n hours ago", hours)
    if days == 1:
        return _tr("yesterday")
    if days < 30:
        return _tr_n("%n day ago", "%n days ago", days)
    if days < 365:
        return _tr_n("%n month ago", "%n months ago", days // 30)
    return _tr_n("%n year ago", "%n years ago", days // 365)


def time_until(moment: datetime, now: datetime) -> str:
    """``in 5 days`` for a moment ahead, or the relative past for one behind."""
    seconds = (moment - now).total_seconds()
    if seconds <= 0:
        return relative_time(moment, now)
    days = int(seconds // 86400)
    if days < 1:
        return _tr("today")
    if days < 60:
        return _tr_n("in %n day", "in %n days", days)
    return _tr_n("in %n month", "in %n months", days // 30)


def exact_utc(moment: datetime) -> str:
    """``2025-11-21 14:05:09 UTC``: unambiguous, for tooltips and the audit history."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def short_date(moment: datetime) -> str:
    """``21 Nov 2025`` in the local time zone, month names in the user's language."""
    local = moment.astimezone()
    return _locale().toString(QDate(local.year, local.month, local.day), "d MMM yyyy")


def short_date_time(moment: datetime) -> str:
    """``21 Nov 2025, 14:05`` in the local time zone."""
    local = moment.astimezone()
    return f"{short_date(moment)}, {local:%H:%M}"


def expiry_text(expires_at: datetime | None) -> str | None:
    """The last day a key works (``31 Mar 2026``), or None for a key that never expires."""
    day = expiry_day(expires_at)
    if day is None:
        return None
    return _locale().toString(QDate(day.year, day.month, day.day), "d MMM yyyy")


def count_text(number: int) -> str:
    """``12,345`` with the user's digit grouping."""
    return _locale().toString(number)
