"""Reminders without a server: what waits on the operator, checked on start and every few
minutes while the window is open.

Two things are worth a nudge: keys of the operator's waiting for their answer in an open
access review, and keys of theirs that expire within the policy's warning period. The check
runs quietly off the GUI thread; a notice is announced only when it differs from the last one
the operator dismissed (the dismissed notice's fingerprint is kept in the settings, so it
stays dismissed across runs until something changes). Where the platform has a system tray,
:class:`Reminders` can also show it as a tray message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject, QSettings, QTimer, Signal, Slot
from PySide6.QtWidgets import QSystemTrayIcon, QToolButton, QWidget

from app.domain.errors import KeywardError
from app.services import Services
from app.services.choices import AttentionGroup
from app.ui.tasks import TaskHandle, TaskRunner
from app.ui.text import QT_TRANSLATE_NOOP, arg, plural
from app.ui.widgets.banner import Banner

#: How often an open window checks again.
CHECK_MS = 5 * 60 * 1000
DISMISSED_KEY = "reminders/dismissed"

_CONTEXT = "Reminders"
_REVIEW_ONE = QT_TRANSLATE_NOOP(
    "Reminders", "%n of your keys waits for your answer in an access review"
)
_REVIEW_MANY = QT_TRANSLATE_NOOP(
    "Reminders", "%n of your keys wait for your answer in an access review"
)
_EXPIRING_ONE = QT_TRANSLATE_NOOP("Reminders", "%n of your keys expires soon (%1)")
_EXPIRING_MANY = QT_TRANSLATE_NOOP("Reminders", "%n of your keys expire soon (first: %1)")


@dataclass(frozen=True, slots=True)
class Notice:
    """What waits on the operator now; empty when nothing does."""

    waiting_reviews: int
    expiring: tuple[tuple[str, str], ...]  # (key id, "“name”, expires in 6 days, …")

    @property
    def empty(self) -> bool:
        return not self.waiting_reviews and not self.expiring

    @property
    def fingerprint(self) -> str:
        parts = [str(self.waiting_reviews), *(key for key, _why in self.expiring)]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def notice_text(notice: Notice) -> str:
    """One sentence for the banner and the tray."""
    parts = []
    if notice.waiting_reviews:
        parts.append(plural(notice.waiting_reviews, _tr(_REVIEW_ONE), _tr(_REVIEW_MANY)))
    if notice.expiring:
        count = len(notice.expiring)
        first = notice.expiring[0][1]
        parts.append(arg(plural(count, _tr(_EXPIRING_ONE), _tr(_EXPIRING_MANY)), first))
    return "; ".join(parts) + "." if parts else ""


class Reminders(QObject):
    """``Reminders(services, tasks, settings, parent)``; ``start()`` once the window is up."""

    #: A notice to show (it differs from the one dismissed): (Notice, its sentence).
    notice = Signal(object, str)
    #: Nothing waits on the operator any more: hide the notice.
    cleared = Signal()

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        settings: QSettings,
        parent: QObject | None = None,
        *,
        interval_ms: int = CHECK_MS,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self._settings = settings
        self._current: Notice | None = None
        self._in_flight: TaskHandle | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check_now)

    @property
    def current(self) -> Notice | None:
        return self._current

    def start(self) -> None:
        if not self._timer.isActive():
            self._timer.start()
        self.check_now()

    def stop(self) -> None:
        self._timer.stop()

    @Slot()
    def check_now(self) -> None:
        if self._in_flight is not None and self._in_flight.active:
            return
        self._in_flight = self._tasks.submit(self._look, self._show, self._failed, quiet=True)

    def _look(self) -> Notice:
        services = self._services
        me = services.users.me()
        waiting = len(services.reviews.waiting_on_me())
        expiring = tuple(
            (item.key.key_id, f"“{item.key.name}”, {item.why}")
            for item in services.attention.page(AttentionGroup.EXPIRING, limit=1000).items
            if item.key.owner_login == me.login
        )
        return Notice(waiting, expiring)

    def _show(self, notice: Notice) -> None:
        self._in_flight = None
        self._current = notice
        if notice.empty:
            self.cleared.emit()
            return
        if self._settings.value(DISMISSED_KEY, "") == notice.fingerprint:
            return
        self.notice.emit(notice, notice_text(notice))

    def _failed(self, error: BaseException) -> None:
        self._in_flight = None
        if not isinstance(error, KeywardError):
            self._tasks.report_if_bug(error)

    def dismiss(self) -> None:
        """Hide the current notice until what it says changes (remembered across runs)."""
        if self._current is not None:
            self._settings.setValue(DISMISSED_KEY, self._current.fingerprint)
            self._settings.sync()
        self.cleared.emit()


def show_in(
    reminders: Reminders,
    banner: Banner,
    window: QWidget,
    *,
    open_reviews: Callable[[], object],
    open_attention: Callable[[], object],
) -> None:
    """Show each notice in ``banner`` (with Show, and Dismiss until it changes) and, where
    the platform has a system tray, as a tray message too."""
    tray: list[QSystemTrayIcon] = []

    def show(notice: Notice, text: str) -> None:
        target = open_reviews if notice.waiting_reviews else open_attention

        def open_target() -> None:
            target()

        banner.show_message(text, QCoreApplication.translate("Reminders", "Show"), open_target)
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        if not tray:
            icon = QSystemTrayIcon(window.windowIcon(), window)
            icon.setToolTip("Keyward")
            icon.show()
            tray.append(icon)
        tray[0].showMessage("Keyward", text, QSystemTrayIcon.MessageIcon.Information, 10_000)

    reminders.notice.connect(show)
    reminders.cleared.connect(banner.clear)
    dismiss = banner.findChild(QToolButton, f"{banner.objectName()}Dismiss")
    if dismiss is not None:
        dismiss.clicked.connect(reminders.dismiss)
