"""How times and dates read in the console: relative in cells, exact UTC in tooltips."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication, QDate, QLocale

from app.domain.validation import expiry_day
from app.ui.text import plural


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
        return QCoreApplication.translate("Formatting", "just now")
    if hours < 1:
        return plural(
            minutes,
            QCoreApplication.translate("Formatting", "%n minute ago"),
            QCoreApplication.translate("Formatting", "%n minutes ago"),
        )
    if days < 1:
        return plural(
            hours,
            QCoreApplication.translate("Formatting", "%n hour ago"),
            QCoreApplication.translate("Formatting", "%n hours ago"),
        )
    if days == 1:
        return QCoreApplication.translate("Formatting", "yesterday")
    if days < 30:
        return plural(
            days,
            QCoreApplication.translate("Formatting", "%n day ago"),
            QCoreApplication.translate("Formatting", "%n days ago"),
        )
    if days < 365:
        return plural(
            days // 30,
            QCoreApplication.translate("Formatting", "%n month ago"),
            QCoreApplication.translate("Formatting", "%n months ago"),
        )
    return plural(
        days // 365,
        QCoreApplication.translate("Formatting", "%n year ago"),
        QCoreApplication.translate("Formatting", "%n years ago"),
    )


def time_until(moment: datetime, now: datetime) -> str:
    """``in 5 days`` for a moment ahead, or the relative past for one behind."""
    seconds = (moment - now).total_seconds()
    if seconds <= 0:
        return relative_time(moment, now)
    days = int(seconds // 86400)
    if days < 1:
        # A key that stops at 05:31 must not read "today" at 23:00 the day before.
        return time_left(moment, now, future=True)
    if days < 60:
        return plural(
            days,
            QCoreApplication.translate("Formatting", "in %n day"),
            QCoreApplication.translate("Formatting", "in %n days"),
        )
    return plural(
        days // 30,
        QCoreApplication.translate("Formatting", "in %n month"),
        QCoreApplication.translate("Formatting", "in %n months"),
    )


def time_left(moment: datetime, now: datetime, *, future: bool = False) -> str:
    """``23 hours`` (or ``in 23 hours`` with ``future``): a countdown to a near moment."""
    seconds = max((moment - now).total_seconds(), 0)
    minutes = int(seconds // 60)
    hours = int(seconds // 3600)
    days = int(seconds // 86400)
    if hours < 1:
        minutes = max(minutes, 1)  # "in 0 minutes" reads as "already over"
        if future:
            return plural(
                minutes,
                QCoreApplication.translate("Formatting", "in %n minute"),
                QCoreApplication.translate("Formatting", "in %n minutes"),
            )
        return plural(
            minutes,
            QCoreApplication.translate("Formatting", "%n minute"),
            QCoreApplication.translate("Formatting", "%n minutes"),
        )
    if hours < 48:
        if future:
            return plural(
                hours,
                QCoreApplication.translate("Formatting", "in %n hour"),
                QCoreApplication.translate("Formatting", "in %n hours"),
            )
        return plural(
            hours,
            QCoreApplication.translate("Formatting", "%n hour"),
            QCoreApplication.translate("Formatting", "%n hours"),
        )
    if future:
        return plural(
            days,
            QCoreApplication.translate("Formatting", "in %n day"),
            QCoreApplication.translate("Formatting", "in %n days"),
        )
    return plural(
        days,
        QCoreApplication.translate("Formatting", "%n day"),
        QCoreApplication.translate("Formatting", "%n days"),
    )


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


def at_day_boundary(moment: datetime) -> bool:
    """Expiry dates end at midnight UTC; a rotation's grace period ends at any minute."""
    utc = moment.astimezone(UTC)
    return (utc.hour, utc.minute, utc.second, utc.microsecond) == (0, 0, 0, 0)


def expiry_text(expires_at: datetime | None) -> str | None:
    """When a key stops, or None for a key that never expires.

    ``31 Mar 2026`` (the last day it works) for an expiry date; ``10 Dec 2026, 06:31`` (local
    time) for a moment inside a day, such as the end of a rotation's grace period.
    """
    if expires_at is None:
        return None
    if not at_day_boundary(expires_at):
        return short_date_time(expires_at)
    day = expiry_day(expires_at)
    assert day is not None
    return _locale().toString(QDate(day.year, day.month, day.day), "d MMM yyyy")


def moment_text(moment: datetime) -> tuple[str, str]:
    """``("Fri 4 Dec 2026", "10:31")`` local, for "on %1 at %2" sentences."""
    local = moment.astimezone()
    day = _locale().toString(QDate(local.year, local.month, local.day), "ddd d MMM yyyy")
    return day, f"{local:%H:%M}"


def utc_minute(moment: datetime) -> str:
    """``09:31 UTC``, or ``3 Dec 23:31 UTC`` when the UTC day is not the local one."""
    utc = moment.astimezone(UTC)
    local = moment.astimezone()
    if utc.date() == local.date():
        return f"{utc:%H:%M} UTC"
    day = _locale().toString(QDate(utc.year, utc.month, utc.day), "d MMM")
    return f"{day} {utc:%H:%M} UTC"


def count_text(number: int) -> str:
    """``12,345`` with the user's digit grouping."""
    return _locale().toString(number)
