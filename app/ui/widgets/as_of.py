"""The keys "as of" a past date: the toolbar's date choice and the read-only past view.

The population on a review date is what an access review asks for, so the Keys screen can
show the keys as they were at a past instant, rebuilt from the audit trail by
``InventoryService.as_of``. A date means the start of that day, 00:00 UTC — before anything
done that day — exactly as ``keyward keys list --as-of 2026-10-01`` reads it, so the window
and the command line give an auditor the same list (and it is the ``inventory-start`` of an
evidence pack that begins that day). The view is read-only — no row actions, no create, no
details — and a banner says so, with the way back to today.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from PySide6.QtCore import QDate, QLocale, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.status import KeyStatus
from app.services import Services
from app.services.inventory import InventoryRow
from app.ui.models.formatting import count_text, exact_utc
from app.ui.models.inventory_model import Column, InventoryModel, StatusRole
from app.ui.progress import run_with_progress
from app.ui.tasks import TaskHandle, TaskRunner
from app.ui.text import arg
from app.ui.widgets.banner import Banner, Tone
from app.ui.widgets.status_badge import StatusBadgeDelegate, badge_size

#: The earliest date offered (Keyward's audit trail cannot be older).
EARLIEST = date(2000, 1, 1)
#: A date typed with the arrow keys applies after this pause (the calendar applies at once).
APPLY_DELAY_MS = 1000


def as_of_instant(day: date) -> datetime:
    """The instant a past view of ``day`` shows: its start, 00:00 UTC (``keys list --as-of``)."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def day_text(day: date) -> str:
    """``1 Oct 2026`` in the user's language."""
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        locale = QLocale("en_US")
    return locale.toString(_qdate(day), "d MMM yyyy")


class AsOfField(QWidget):
    """``As of [x] [1 Oct 2026]``: off means today's live keys; on, a past date's keys.

    :attr:`as_of_changed` carries the chosen ``date``, or None for today (live).
    """

    as_of_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("asOfField")
        self.setAccessibleName(self.tr("As of"))
        self._applied: date | None = None

        self.toggle = QCheckBox(self.tr("As of"), self)
        self.toggle.setObjectName("asOfToggle")
        self.toggle.setAccessibleName(self.tr("Show keys as of a past date"))
        self.toggle.setToolTip(
            self.tr(
                "Show the keys as they were when a day began (00:00 UTC), rebuilt from the "
                "audit trail (read-only)"
            )
        )
        self.date_edit = QDateEdit(self)
        self.date_edit.setObjectName("asOfDateEdit")
        self.date_edit.setAccessibleName(self.tr("As of date"))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("d MMM yyyy")
        self.date_edit.setToolTip(
            self.tr("The day whose keys to show, as they were at its start (00:00 UTC)")
        )
        self.date_edit.setMinimumWidth(
            self.date_edit.fontMetrics().horizontalAdvance("30 Sep 2026") + 48
        )

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.toggle)
        layout.addWidget(self.date_edit)

        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(APPLY_DELAY_MS)
        self._delay.timeout.connect(self.apply)
        self._show_today()
        self.toggle.toggled.connect(self._on_toggled)
        self.date_edit.dateChanged.connect(self._on_date_changed)
        self.date_edit.editingFinished.connect(self.apply)
        calendar = self.date_edit.calendarWidget()
        calendar.clicked.connect(lambda _day: self.apply())
        calendar.activated.connect(lambda _day: self.apply())

    # ------------------------------------------------------------------ state

    @property
    def day(self) -> date | None:
        """The date shown now (None: today, live)."""
        return self._applied

    def _today(self) -> date:
        return date.today()

    def _show_today(self) -> None:
        # Off: the field reads "Today" (Qt shows the special text at the minimum date).
        today = _qdate(self._today())
        self.date_edit.blockSignals(True)
        self.date_edit.setDateRange(today, today)
        self.date_edit.setSpecialValueText(self.tr("Today"))
        self.date_edit.setDate(today)
        self.date_edit.blockSignals(False)
        self.date_edit.setEnabled(False)

    def _chosen(self) -> date:
        day: date = self.date_edit.date().toPython()  # type: ignore[assignment]
        return day

    # ------------------------------------------------------------------ API

    def choose(self, day: date) -> None:
        """Show the keys as of ``day`` (what picking it in the calendar does)."""
        self._delay.stop()
        self.toggle.blockSignals(True)
        self.toggle.setChecked(True)
        self.toggle.blockSignals(False)
        self._open_range()
        self.date_edit.blockSignals(True)
        self.date_edit.setDate(_qdate(min(day, self._today())))
        self.date_edit.blockSignals(False)
        self.apply()

    @Slot()
    def set_today(self) -> None:
        """Back to today's live keys."""
        self._delay.stop()
        self.toggle.blockSignals(True)
        self.toggle.setChecked(False)
        self.toggle.blockSignals(False)
        self._show_today()
        if self._applied is not None:
            self._applied = None
            self.as_of_changed.emit(None)

    def _open_range(self) -> None:
        self.date_edit.setSpecialValueText("")
        self.date_edit.setDateRange(_qdate(EARLIEST), _qdate(self._today()))
        self.date_edit.setEnabled(True)

    @Slot(bool)
    def _on_toggled(self, checked: bool) -> None:
        if not checked:
            self.set_today()
            return
        self._open_range()
        self.date_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.apply()

    @Slot(QDate)
    def _on_date_changed(self, _day: QDate) -> None:
        if self.toggle.isChecked():
            self._delay.start()

    @Slot()
    def apply(self) -> None:
        """Announce the chosen date if it is new (Enter, the calendar, a typing pause)."""
        self._delay.stop()
        if not self.toggle.isChecked():
            return
        day = self._chosen()
        if day != self._applied:
            self._applied = day
            self.as_of_changed.emit(day)

    def revert(self, day: date | None) -> None:
        """Show ``day`` again without announcing it (a load was cancelled or failed)."""
        self._applied = day
        if day is None:
            self.set_today()
            return
        self.toggle.blockSignals(True)
        self.toggle.setChecked(True)
        self.toggle.blockSignals(False)
        self._open_range()
        self.date_edit.blockSignals(True)
        self.date_edit.setDate(_qdate(day))
        self.date_edit.blockSignals(False)


class PastKeysTable(QTableView):
    """The past keys' table: Name takes the width left over, but never less than its default.

    (A stretched section shrinks to nothing in a narrow window; this table scrolls instead.)
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name_minimum = 0

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_name_column()

    def fit_name_column(self) -> None:
        header = self.horizontalHeader()
        others = sum(header.sectionSize(column) for column in Column if column is not Column.NAME)
        spare = self.viewport().width() - others
        header.resizeSection(Column.NAME, max(self.name_minimum, spare))


class PastKeysView(QWidget):
    """The keys as of a past day: a banner that says so, and a read-only table.

    :meth:`load` rebuilds the inventory off the GUI thread with a progress dialog; then
    :attr:`loaded` (the day) or :attr:`failed` (the error; a Cancelled too) follows.
    """

    loaded = Signal(object)  # date
    failed = Signal(object)  # BaseException
    back_requested = Signal()

    def __init__(self, services: Services, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("pastView")
        self.setAccessibleName(self.tr("Past view"))
        self._services = services
        self._tasks = tasks
        self._day: date | None = None
        self._loading: TaskHandle | None = None
        self.active = False

        self.banner = Banner(
            "pastViewBanner",
            tone=Tone.INFO,
            dismissable=False,
            text_name="pastViewLabel",
            accessible_name=self.tr("Past view"),
            icon_name="audit",
            parent=self,
        )
        self.model = InventoryModel(self)
        self.table = PastKeysTable(self)
        self.table.setObjectName("pastKeysTable")
        self.table.setAccessibleName(self.tr("Keys as of a past date"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setCornerButtonEnabled(False)
        self.table.setItemDelegateForColumn(Column.STATUS, StatusBadgeDelegate(StatusRole, self))
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 16)
        header = self.table.horizontalHeader()
        header.setObjectName("pastKeysTableHeader")
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(False)
        metrics = self.fontMetrics()
        for column, sample in (
            (Column.NAME, "Salesforce Data Sync – Prod"),
            (Column.OWNER, "Alexandra Nguyen"),
            (Column.ENVIRONMENT, "Environment"),
            (Column.CREATED, "30 Sep 2026"),
            (Column.EXPIRES, "30 Sep 2026"),
        ):
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 36)
        widest = max(badge_size(status, self.font()).width() for status in KeyStatus)
        header.resizeSection(Column.STATUS, widest + 36)
        self.table.name_minimum = header.sectionSize(Column.NAME)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)

    # ------------------------------------------------------------------ state

    @property
    def day(self) -> date | None:
        """The day whose keys are shown (None before the first load)."""
        return self._day

    @property
    def is_loading(self) -> bool:
        return self._loading is not None and self._loading.active

    def count_text(self) -> str:
        shown, total = self.model.rowCount(), self.model.total
        if self.model.filtered:
            return arg(self.tr("%1 of %2 keys then"), count_text(shown), count_text(total))
        return (
            arg(self.tr("%1 key then"), count_text(total))
            if total == 1
            else arg(self.tr("%1 keys then"), count_text(total))
        )

    # ------------------------------------------------------------------ loading

    def load(self, day: date) -> None:
        """Rebuild the keys as of ``day`` 00:00 UTC; :attr:`loaded` or :attr:`failed` follows."""
        if self._loading is not None:
            self._loading.cancel()
        instant = as_of_instant(day)
        inventory = self._services.inventory

        def job(report: object) -> list[InventoryRow]:
            return inventory.as_of(instant, progress=report)  # type: ignore[arg-type]

        def done(rows: Sequence[InventoryRow]) -> None:
            self._loading = None
            self._show(day, rows)
            self.loaded.emit(day)

        def error(problem: BaseException) -> None:
            self._loading = None
            self.failed.emit(problem)

        self._loading = run_with_progress(
            self._tasks,
            self,
            self.tr("Keys as of a past date"),
            job,
            done,
            error,
            label=arg(self.tr("Rebuilding the keys as of %1 from the audit trail…"), day_text(day)),
            object_name="asOfProgressDialog",
        )

    def cancel(self) -> None:
        if self._loading is not None:
            self._loading.cancel()
            self._loading = None

    def _show(self, day: date, rows: Sequence[InventoryRow]) -> None:
        self._day = day
        self.model.set_rows(rows)
        instant = as_of_instant(day)
        self.banner.show_message(
            arg(self.tr("Past view: keys as of %1 — read-only"), day_text(day)),
            self.tr("Back to today"),
            self.back_requested.emit,
        )
        self.banner.setToolTip(
            arg(
                self.tr(
                    "The keys that existed when %1 began (%2), before anything done that day, "
                    "with their names, owners, statuses and expiry dates as they were then, "
                    "rebuilt from the audit trail."
                ),
                day_text(day),
                exact_utc(instant),
            )
        )

    def set_filter(
        self,
        search: str,
        status: KeyStatus | None,
        owner: str | None = None,
        environment: str | None = None,
    ) -> None:
        self.model.set_filter(search, status, owner, environment)

    def clear(self) -> None:
        """Forget the rows (back to today)."""
        self.cancel()
        self._day = None
        self.model.clear()
        self.banner.clear()
