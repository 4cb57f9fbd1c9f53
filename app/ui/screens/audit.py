"""The Audit workspace: the whole trail, filtered in SQL, each event's before and after,
the integrity check, signed checkpoints and the evidence pack.

Everything that touches the database runs on the task runner; a new filter cancels the
previous one's pages (``LatestTask``), so a stale answer never lands. The integrity check
runs behind a progress dialog with Cancel and ends in one sentence; a tampered trail also
selects its first bad event in the table (loading the pages down to it). Members see the
events of their own keys only (the services restrict them); auditors, managers and admins
see everything, and auditors and admins may sign a checkpoint.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import (
    QDate,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont, QFontDatabase, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.audit import AuditAction
from app.domain.errors import Cancelled, KeywardError
from app.domain.roles import Action, Role, can
from app.services import Services
from app.services.audit import AuditEntry, AuditFilter, IntegrityReport
from app.services.checkpoints import CheckpointInfo
from app.services.dto import Operator
from app.ui.labels import action_label, reason_label
from app.ui.models.audit_trail_model import (
    AuditColumn,
    AuditTrailModel,
    exact_instant,
    target_text,
    who_text,
)
from app.ui.models.formatting import count_text, exact_utc, short_date_time
from app.ui.progress import run_with_progress
from app.ui.resources import icon
from app.ui.tasks import LatestTask, TaskRunner
from app.ui.text import arg
from app.ui.widgets.change_view import ChangeView
from app.ui.widgets.column_fit import narrow_in_turn, resize_sections
from app.ui.widgets.error_text import mark_error
from app.ui.widgets.keys_toolbar import SEARCH_DEBOUNCE_MS
from app.ui.widgets.search_keys import SearchFieldKeys

#: The roles that may sign a checkpoint (``app.services.checkpoints.SIGNERS``).
SIGNING_ROLES = frozenset({Role.AUDITOR, Role.ADMIN})
#: Below this width the page's subtitle gives its room to the table.
NARROW_WIDTH = 900
#: The side panel's comparison stacks before over after below this width.
_SIDE_BY_SIDE_WIDTH = 460
#: The event panel's least width beside the events, and its least height under them; the
#: events table's least width beside the panel, and its least height above it.
SIDE_MIN_WIDTH = 260
SIDE_MIN_HEIGHT = 160
TABLE_MIN_WIDTH = 300
TABLE_MIN_HEIGHT = 120
#: The columns that say who did what to which key: the events table shows them whole, or
#: the event panel goes under the table rather than beside it.
WHOLE_COLUMNS = ("WHEN", "WHO", "ACTION", "TARGET")
#: Room beside the longest action label in its column (the cell's margins).
ACTION_PADDING = 16
#: Who, then Target, narrow to these widths (their text elided) before a column of the
#: four would leave the screen.
NARROWEST = {AuditColumn.WHO: 100, AuditColumn.TARGET: 160}


def sees_audit(operator: Operator | None) -> bool:
    """Whether the Audit workspace is offered: readers of the trail, and members (own keys)."""
    if operator is None:
        return False
    return can(operator.role, Action.READ_AUDIT) or can(operator.role, Action.READ_OWN_KEYS)


def reads_whole_trail(operator: Operator | None) -> bool:
    return operator is not None and can(operator.role, Action.READ_AUDIT)


def local_day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in the local time zone, as an aware UTC instant."""
    return datetime(day.year, day.month, day.day).astimezone().astimezone(UTC)


# ====================================================================== date filters


class DateFilterEdit(QDateEdit):
    """A day, or "No date" (the minimum date stands for it)."""

    NO_DATE = QDate(1970, 1, 1)

    def __init__(self, object_name: str, accessible_name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setAccessibleName(accessible_name)
        self.setCalendarPopup(True)
        self.setMinimumDate(self.NO_DATE)
        self.setSpecialValueText(self.tr("No date"))
        self.setDisplayFormat("yyyy-MM-dd")
        self.clear_date()
        calendar = self.calendarWidget()
        calendar.installEventFilter(self)

    def day(self) -> date | None:
        value = self.date()
        if value == self.NO_DATE:
            return None
        return date(value.year(), value.month(), value.day())

    def set_day(self, day: date | None) -> None:
        self.setDate(self.NO_DATE if day is None else QDate(day.year, day.month, day.day))

    def clear_date(self) -> None:
        self.setDate(self.NO_DATE)

    def focusNextPrevChild(self, next: bool) -> bool:
        # Tab leaves the field (QDateEdit would walk its year, month and day sections first);
        # the arrow keys and typing still reach every section.
        return QWidget.focusNextPrevChild(self, next)

    def stepBy(self, steps: int) -> None:
        # From "No date", the arrow keys start at today rather than at 1 January 1970.
        if self.date() == self.NO_DATE:
            self.setDate(QDate.currentDate())
            return
        super().stepBy(steps)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self.date() == self.NO_DATE:
            today = QDate.currentDate()
            self.calendarWidget().setCurrentPage(today.year(), today.month())
        return super().eventFilter(watched, event)


# ====================================================================== one event


class AuditEventDetail(QWidget):
    """The selected event: what, who, when, where, why, its place in the chain, and the
    field-by-field comparison of its before and after."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditEventDetail")
        self.setAccessibleName(self.tr("Selected event"))
        self._entry: AuditEntry | None = None
        self.title = QLabel(self)
        self.title.setObjectName("auditEventTitle")
        self.title.setWordWrap(True)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts = QFormLayout()
        self.facts.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        # Every value takes the row's whole width (a wrapped label would keep its narrow
        # size hint and lose its later lines).
        self.facts.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.facts.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self._values: dict[str, QLabel] = {}
        self._hashes: dict[str, QLineEdit] = {}
        for name, text in (
            ("when", self.tr("When")),
            ("who", self.tr("Who")),
            ("where", self.tr("Where")),
            ("reason", self.tr("Reason")),
            ("event", self.tr("Event")),
        ):
            value = QLabel(self)
            value.setObjectName(f"auditEvent{name.capitalize()}")
            value.setWordWrap(True)
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse
                | Qt.TextInteractionFlag.TextSelectableByKeyboard
            )
            value.setAccessibleName(text)
            self._values[name] = value
            self.facts.addRow(text, value)
        for name, text in (("hash", self.tr("Hash")), ("previous", self.tr("Previous hash"))):
            # 64 hex digits: one scrollable, copyable line rather than a wrapped block.
            field = QLineEdit(self)
            field.setObjectName(f"auditEvent{name.capitalize()}")
            field.setReadOnly(True)
            field.setFrame(False)
            field.setAccessibleName(text)
            field.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            self._hashes[name] = field
            self.facts.addRow(text, field)
        self.changes_title = QLabel(self.tr("Changes"), self)
        self.changes_title.setObjectName("sectionTitle")
        self.changes = ChangeView(self)
        self.placeholder = QLabel(self.tr("Select an event to see what it changed."), self)
        self.placeholder.setObjectName("auditEventPlaceholder")
        self.placeholder.setEnabled(False)
        self.placeholder.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(10)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.title)
        layout.addLayout(self.facts)
        layout.addWidget(self.changes_title)
        layout.addWidget(self.changes)
        layout.addStretch(1)
        self.show_entry(None)

    @property
    def entry(self) -> AuditEntry | None:
        return self._entry

    def show_entry(self, entry: AuditEntry | None) -> None:
        self._entry = entry
        shown = entry is not None
        self.placeholder.setVisible(not shown)
        self.title.setVisible(shown)
        self.changes_title.setVisible(shown)
        self.changes.setVisible(shown)
        for row in range(self.facts.rowCount()):
            self.facts.setRowVisible(row, shown)
        if entry is None:
            self.changes.clear()
            return
        event = entry.event
        self.title.setText(arg(self.tr("%1 · %2"), action_label(event.action), target_text(entry)))
        moment = event.occurred_at
        self._values["when"].setText(
            arg(
                self.tr("%1 (local)\n%2\n%3"),
                f"{short_date_time(moment)}:{moment.astimezone():%S}",
                exact_utc(moment),
                exact_instant(entry),
            )
        )
        self._values["who"].setText(who_text(entry))
        self._values["where"].setText(event.host or "—")
        self._values["reason"].setText(reason_label(event.reason) if event.reason else "—")
        self._values["event"].setText(arg(self.tr("#%1"), event.seq))
        for name, value in (("hash", event.record.hash), ("previous", event.record.prev_hash)):
            self._hashes[name].setText(value)
            self._hashes[name].setCursorPosition(0)
            self._hashes[name].setToolTip(value)
        self.changes.set_event(event)
        self._fit_changes()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_changes()

    def _fit_changes(self) -> None:
        stacked = self.width() < _SIDE_BY_SIDE_WIDTH
        if stacked != self.changes.stacked:
            self.changes.set_stacked(stacked)


# ====================================================================== the screen


class AuditScreen(QWidget):
    """``AuditScreen(services, tasks, parent)``; loads when first shown."""

    #: A short confirmation for the status bar.
    status_message = Signal(str)
    #: A failure for the window's error handling (banner, Retry, bug report).
    error_occurred = Signal(object)

    def __init__(self, services: Services, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("auditView")
        self.setAccessibleName(self.tr("Audit trail"))
        self._services = services
        self._tasks = tasks
        self._operator: Operator | None = None
        self._started = False
        self._actors_task = LatestTask(tasks)
        self._checkpoints_task = LatestTask(tasks)
        self._verifying = False
        self._pending_select: int | None = None
        self.model = AuditTrailModel(services, tasks, parent=self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        header = self._build_header()
        header.addLayout(self._build_integrity(), 0)
        layout.addLayout(header)
        layout.addLayout(self._build_filters())
        self.chain_status = QLabel(self)
        self.chain_status.setObjectName("chainStatusLabel")
        self.chain_status.setAccessibleName(self.tr("Integrity of the audit trail"))
        self.chain_status.setWordWrap(True)
        self.chain_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chain_status.hide()
        layout.addWidget(self.chain_status)
        layout.addWidget(self._build_body(), 1)

        #: Down in the search field asked for the first event of a search still loading.
        self._first_row_wanted = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filters)
        self._connect()
        self.set_operator(None)

    # ------------------------------------------------------------------ building

    def _build_header(self) -> QHBoxLayout:
        title = QLabel(self.tr("Audit trail"), self)
        title.setObjectName("pageTitle")
        self.page_title = title
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setWeight(QFont.Weight.DemiBold)
        title.setFont(font)
        self.subtitle = QLabel(self)
        self.subtitle.setObjectName("pageSubtitle")
        self.subtitle.setEnabled(False)  # muted secondary text, from the palette
        self.subtitle.setWordWrap(True)
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(title)
        column.addWidget(self.subtitle)
        row = QHBoxLayout()
        row.setSpacing(18)
        row.addLayout(column, 1)
        return row

    def _build_filters(self) -> QVBoxLayout:
        self.search_field = QLineEdit(self)
        self.search_field.setObjectName("auditSearchField")
        self.search_field.setAccessibleName(self.tr("Search events"))
        self.search_field.setPlaceholderText(self.tr("Key id, key name, reason…"))
        self.search_field.setToolTip(
            self.tr("A key id, a pasted token (only its id is used) or text in a key's name")
        )
        self.search_field.setClearButtonEnabled(True)
        self.search_field.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search_field.setMinimumWidth(180)
        self.actor_filter = QComboBox(self)
        self.actor_filter.setObjectName("auditActorFilter")
        self.actor_filter.setAccessibleName(self.tr("Who"))
        self.actor_filter.setToolTip(self.tr("Show what one person did"))
        self.actor_filter.addItem(self.tr("Anyone"), None)
        self.action_filter = QComboBox(self)
        self.action_filter.setObjectName("auditActionFilter")
        self.action_filter.setAccessibleName(self.tr("Action"))
        self.action_filter.setToolTip(self.tr("Show one kind of event"))
        self.action_filter.addItem(self.tr("Any action"), None)
        for action in AuditAction:
            self.action_filter.addItem(action_label(action), action.value)
        for combo in (self.actor_filter, self.action_filter):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(16)
        self.from_field = DateFilterEdit("auditFromField", self.tr("From"), self)
        self.from_field.setToolTip(self.tr("Events on or after this day (your local time)"))
        self.to_field = DateFilterEdit("auditToField", self.tr("To"), self)
        self.to_field.setToolTip(self.tr("Events on or before this day (your local time)"))
        self.clear_button = QPushButton(self.tr("Clear filters"), self)
        self.clear_button.setObjectName("auditClearFiltersButton")
        self.clear_button.setAutoDefault(False)
        self.match_label = QLabel(self)
        self.match_label.setObjectName("auditMatchLabel")
        self.match_label.setAccessibleName(self.tr("Events shown"))
        self.new_events_button = QPushButton(icon("refresh"), self.tr("Show new events"), self)
        self.new_events_button.setObjectName("auditNewEventsButton")
        self.new_events_button.setToolTip(self.tr("Events were added since this list was loaded"))
        self.new_events_button.setAutoDefault(False)
        self.new_events_button.hide()

        first = QHBoxLayout()
        first.setSpacing(8)
        first.addWidget(self.search_field, 1)
        first.addWidget(self.actor_filter)
        first.addWidget(self.action_filter)
        second = QHBoxLayout()
        second.setSpacing(8)
        for text, field in ((self.tr("&From"), self.from_field), (self.tr("&To"), self.to_field)):
            label = QLabel(text, self)
            label.setBuddy(field)
            # The mnemonic's "&" makes Qt measure a hair short: the last letter was cut.
            label.setMinimumWidth(label.fontMetrics().horizontalAdvance(text.replace("&", "")) + 4)
            second.addWidget(label)
            second.addWidget(field)
        second.addWidget(self.clear_button)
        second.addSpacing(6)
        second.addWidget(self.match_label, 1)
        second.addWidget(self.new_events_button)
        rows = QVBoxLayout()
        rows.setSpacing(6)
        rows.addLayout(first)
        rows.addLayout(second)
        return rows

    def _build_integrity(self) -> QHBoxLayout:
        self.verify_button = QPushButton(icon("audit"), self.tr("Verify integrity"), self)
        self.verify_button.setObjectName("verifyChainButton")
        self.verify_button.setToolTip(
            self.tr("Check every event's hash and every signed checkpoint")
        )
        self.sign_button = QPushButton(icon("keyring"), self.tr("Sign checkpoint"), self)
        self.sign_button.setObjectName("signCheckpointButton")
        self.sign_button.setToolTip(
            self.tr("Sign the newest event with your key from the OS keyring")
        )
        self.export_button = QPushButton(icon("download"), self.tr("Export evidence…"), self)
        self.export_button.setObjectName("exportEvidenceButton")
        self.export_button.setToolTip(
            self.tr("Write an evidence pack for a period that can be checked offline")
        )
        row = QHBoxLayout()
        row.setSpacing(8)
        for button in (self.verify_button, self.sign_button, self.export_button):
            button.setAutoDefault(False)
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignBottom)
        return row

    def _build_body(self) -> QSplitter:
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("auditSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(8)
        self.table = QTableView(self.splitter)
        self.table.setObjectName("auditTable")
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setAccessibleName(self.tr("Audit events"))
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Action as wide as its longest label in this language ("Access review answered"
        # was cut short at 110 px).
        metrics = self.table.fontMetrics()
        action_width = max(metrics.horizontalAdvance(action_label(a)) for a in AuditAction)
        self._usual_widths = {
            AuditColumn.WHEN: 170,
            AuditColumn.WHO: 150,
            AuditColumn.ACTION: max(110, action_width + ACTION_PADDING),
            AuditColumn.TARGET: 240,
            AuditColumn.REASON: 160,
        }
        for column, width in self._usual_widths.items():
            header.resizeSection(column, width)
        self.table.viewport().installEventFilter(self)

        self.side = QTabWidget(self.splitter)
        self.side.setObjectName("auditSidePanel")
        self.detail = AuditEventDetail()
        scroll = QScrollArea()
        scroll.setObjectName("auditEventScroll")
        scroll.setWidgetResizable(True)
        # Values wrap; only an unbreakable one (an exact instant) in a very narrow panel
        # needs the horizontal bar, rather than being cut off.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        scroll.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustIgnored)
        scroll.setWidget(self.detail)
        self.side.addTab(scroll, self.tr("Event"))
        self.checkpoints = QTreeWidget()
        self.checkpoints.setObjectName("checkpointsList")
        self.checkpoints.setAccessibleName(self.tr("Signed checkpoints"))
        self.checkpoints.setRootIsDecorated(False)
        self.checkpoints.setAlternatingRowColors(True)
        self.checkpoints.setHeaderLabels(
            [self.tr("Event"), self.tr("Signed by"), self.tr("Signed at"), self.tr("Valid")]
        )
        self.checkpoints.header().setStretchLastSection(False)
        self.checkpoints.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.checkpoints_empty = QLabel(self.tr("No checkpoint signed yet."))
        self.checkpoints_empty.setObjectName("checkpointsEmpty")
        self.checkpoints_empty.setEnabled(False)
        self.checkpoints_empty.setWordWrap(True)
        checkpoints_page = QWidget()
        page_layout = QVBoxLayout(checkpoints_page)
        page_layout.setContentsMargins(6, 6, 6, 6)
        page_layout.addWidget(self.checkpoints_empty)
        page_layout.addWidget(self.checkpoints, 1)
        self.side.addTab(checkpoints_page, self.tr("Checkpoints"))
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        #: Beside or under the events (with their least sizes and first shares), set once the
        #: screen has a width (``_arrange_body``).
        self._arranged: Qt.Orientation | None = None
        return self.splitter

    def _connect(self) -> None:
        self.search_field.textChanged.connect(self._debounce.start)
        SearchFieldKeys(self.search_field, clear=self._clear_search, down=self._go_to_results)
        self.search_field.returnPressed.connect(self.apply_filters)
        self.actor_filter.currentIndexChanged.connect(self.apply_filters)
        self.action_filter.currentIndexChanged.connect(self.apply_filters)
        self.from_field.dateChanged.connect(self.apply_filters)
        self.to_field.dateChanged.connect(self.apply_filters)
        self.clear_button.clicked.connect(self.clear_filters)
        self.new_events_button.clicked.connect(self.show_new_events)
        self.model.query_loaded.connect(self._on_query_loaded)
        self.model.more_loaded.connect(self._update_match_label)
        self.model.loading_changed.connect(self._on_loading_changed)
        self.model.load_failed.connect(self.error_occurred)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.verify_button.clicked.connect(self.verify_integrity)
        self.sign_button.clicked.connect(self.sign_checkpoint)
        self.export_button.clicked.connect(self.export_evidence)

    # ------------------------------------------------------------------ lifecycle

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.activate()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # In a narrow window the explanation would wrap into a tall column beside the
        # buttons; the table needs the height more (the title's tooltip keeps the text).
        self.subtitle.setVisible(self.width() >= NARROW_WIDTH)
        self._arrange_body()

    def table_width_needed(self) -> int:
        """The events table's width that shows :data:`WHOLE_COLUMNS` whole at their usual
        widths."""
        columns = sum(self._usual_widths[AuditColumn[name]] for name in WHOLE_COLUMNS)
        scroll_bar = self.table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return columns + scroll_bar + 2 * self.table.frameWidth()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """Who and Target at their usual widths where the table has room; in a narrower one
        (800x600, the panel under the events; German's longer actions) Who and then Target
        narrow, their text elided, down to NARROWEST, so that When, Who, Action and Target
        all stay on screen."""
        header = self.table.horizontalHeader()
        widths = {column: self._usual_widths[column] for column in NARROWEST}
        shown = header.sectionSize(AuditColumn.WHEN) + header.sectionSize(AuditColumn.ACTION)
        excess = shown + sum(widths.values()) - self.table.viewport().width()
        narrow_in_turn(widths, excess, NARROWEST.items())
        resize_sections(header, widths)

    def _arrange_body(self) -> None:
        """The event panel beside the events where they fit whole, else under them.

        At 800x600 the panel beside took 260 px of ~700 and the table showed when, who and
        what, but not which key (the target) without scrolling sideways.
        """
        table = self.table_width_needed()
        room = self.splitter.width() - self.splitter.handleWidth()
        beside = room >= table + SIDE_MIN_WIDTH
        wanted = Qt.Orientation.Horizontal if beside else Qt.Orientation.Vertical
        if self._arranged == wanted:
            if beside and self.splitter.sizes()[0] < table:
                self.splitter.setSizes([table, room - table])  # narrowed, still beside
            return
        self._arranged = wanted
        self.splitter.setOrientation(wanted)
        if beside:
            self.side.setMinimumSize(SIDE_MIN_WIDTH, 0)
            self.table.setMinimumSize(TABLE_MIN_WIDTH, 0)
            width = max(table, room * 3 // 5)
            self.splitter.setSizes([width, room - width])
        else:
            self.side.setMinimumSize(0, SIDE_MIN_HEIGHT)
            self.table.setMinimumSize(0, TABLE_MIN_HEIGHT)
            height = self.splitter.height() - self.splitter.handleWidth()
            self.splitter.setSizes([height * 3 // 5, height - height * 3 // 5])

    def activate(self) -> None:
        """Load the trail, the people in it and the checkpoints the first time it is shown."""
        if self._started or self._operator is None:
            return
        self._started = True
        self.apply_filters()
        self.load_actors()
        self.load_checkpoints()

    def refresh(self) -> None:
        """F5: the newest events, the actors and the checkpoints again."""
        if not self._started:
            return
        self.new_events_button.hide()
        self.model.refresh()
        self.load_actors()
        self.load_checkpoints()

    @Slot()
    @Slot(object)
    def trail_changed(self, _changes: object = None) -> None:
        """New events exist (a change here, or one the live feed saw): show them.

        At the top of an untouched list they simply appear; while someone reads an event
        or a page further down, a "Show new events" button waits instead of moving rows.
        """
        if not self._started:
            return
        quiet = (
            not self.table.currentIndex().isValid()
            and self.table.verticalScrollBar().value() == 0
            and self.model.start_after is None
        )
        if quiet and not self.model.is_loading:
            self.model.refresh()
        else:
            self.new_events_button.show()

    @Slot()
    def show_new_events(self) -> None:
        self.new_events_button.hide()
        self.table.clearSelection()
        self.table.setCurrentIndex(QModelIndex())
        self.model.set_filter(self.current_filter())
        self.table.scrollToTop()

    def set_operator(self, operator: Operator | None) -> None:
        """Show what the operator's role allows; the services enforce it regardless."""
        changed = self._operator is not None and operator != self._operator
        self._operator = operator
        whole = reads_whole_trail(operator)
        self.subtitle.setText(
            self.tr(
                "Every change to keys, people and policy: who did what, when, where and why. "
                "The events are chained, so tampering shows."
            )
            if whole or operator is None
            else self.tr("The events of your own keys: who did what, when, from where and why.")
        )
        self.page_title.setToolTip(self.subtitle.text())
        self.verify_button.setVisible(whole)
        self.export_button.setVisible(whole)
        self.sign_button.setVisible(operator is not None and operator.role in SIGNING_ROLES)
        self.actor_filter.setEnabled(operator is not None)
        self.side.setTabVisible(1, whole)
        if changed and self._started:
            self.refresh()
        elif self.isVisible():
            self.activate()

    # ------------------------------------------------------------------ filters

    def current_filter(self) -> AuditFilter:
        since_day = self.from_field.day()
        until_day = self.to_field.day()
        action = self.action_filter.currentData()
        actor = self.actor_filter.currentData()
        return AuditFilter(
            actor=actor if isinstance(actor, str) and actor else None,
            action=AuditAction(action) if action else None,
            text=self.search_field.text().strip(),
            since=local_day_start(since_day) if since_day else None,
            until=local_day_start(until_day + timedelta(days=1)) if until_day else None,
        )

    @Slot()
    def apply_filters(self) -> None:
        self._debounce.stop()
        if not self._started:
            return
        wanted = self.current_filter()
        if wanted == self.model.filter and self.model.start_after is None and self.model.has_loaded:
            return
        self.model.set_filter(wanted)

    def _clear_search(self) -> None:
        """Escape in the search field: the text goes, the other filters stay."""
        self.search_field.clear()
        self.apply_filters()

    def _go_to_results(self) -> None:
        """Down in the search field: into the events, on the first one."""
        if self._debounce.isActive():
            self.apply_filters()  # the results of what was typed, not the last pause
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.model.is_loading:
            self._first_row_wanted = True  # the search just applied: its first event
        elif not self.table.selectionModel().hasSelection():
            self._select_first_row()

    def _select_first_row(self) -> None:
        self._first_row_wanted = False
        if self.model.rowCount() > 0:
            self.table.selectRow(0)
            self.table.scrollToTop()

    @Slot()
    def clear_filters(self) -> None:
        for widget in (
            self.search_field,
            self.actor_filter,
            self.action_filter,
            self.from_field,
            self.to_field,
        ):
            widget.blockSignals(True)
        try:
            self.search_field.clear()
            self.actor_filter.setCurrentIndex(0)
            self.action_filter.setCurrentIndex(0)
            self.from_field.clear_date()
            self.to_field.clear_date()
        finally:
            for widget in (
                self.search_field,
                self.actor_filter,
                self.action_filter,
                self.from_field,
                self.to_field,
            ):
                widget.blockSignals(False)
        self.apply_filters()

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def focus_default(self) -> None:
        """Where the keyboard lands when the workspace opens: the table, or the search."""
        if self.model.rowCount():
            self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        else:
            self.focus_search()

    def show_key(self, key_id: str) -> None:
        """The events of one key ("Show in audit log" from a key's panel)."""
        self.clear_filters()
        self.search_field.blockSignals(True)
        self.search_field.setText(key_id)
        self.search_field.blockSignals(False)
        self.activate()
        self.apply_filters()

    # ------------------------------------------------------------------ loading

    def load_actors(self) -> None:
        self._actors_task.submit(
            self._services.audit.actors, self._on_actors, self.error_occurred.emit, owner=self
        )

    def _on_actors(self, actors: Sequence[tuple[str, str]]) -> None:
        chosen = self.actor_filter.currentData()
        self.actor_filter.blockSignals(True)
        try:
            while self.actor_filter.count() > 1:
                self.actor_filter.removeItem(1)
            for login, name in actors:
                text = f"{name} ({login})" if name and name != login else login
                self.actor_filter.addItem(text, login)
            index = self.actor_filter.findData(chosen) if chosen else 0
            self.actor_filter.setCurrentIndex(max(index, 0))
        finally:
            self.actor_filter.blockSignals(False)
        if chosen and self.actor_filter.currentData() != chosen:
            self.apply_filters()

    def load_checkpoints(self) -> None:
        if not reads_whole_trail(self._operator):
            return
        self._checkpoints_task.submit(
            self._services.checkpoints.list,
            self._on_checkpoints,
            self.error_occurred.emit,
            owner=self,
        )

    def _on_checkpoints(self, checkpoints: Sequence[CheckpointInfo]) -> None:
        self.checkpoints.clear()
        for info in checkpoints:
            if info.valid is None:
                valid = self.tr("Not checked")
            elif info.valid:
                valid = self.tr("Valid")
            else:
                valid = self.tr("Invalid")
            item = QTreeWidgetItem(
                [arg(self.tr("#%1"), info.seq), info.signer, short_date_time(info.signed_at), valid]
            )
            item.setToolTip(
                2,
                arg(self.tr("%1\nKey fingerprint %2"), exact_utc(info.signed_at), info.fingerprint),
            )
            item.setToolTip(3, arg(self.tr("Chain hash at #%1: %2"), info.seq, info.hash))
            item.setData(0, Qt.ItemDataRole.UserRole, info.seq)
            self.checkpoints.addTopLevelItem(item)
        self.checkpoints_empty.setVisible(not checkpoints)
        self.checkpoints.setVisible(bool(checkpoints))

    @Slot()
    def _on_query_loaded(self) -> None:
        self._update_match_label()
        if self._first_row_wanted:
            self._select_first_row()
        if not self.table.currentIndex().isValid():
            self.detail.show_entry(None)

    @Slot(bool)
    def _on_loading_changed(self, loading: bool) -> None:
        if loading:
            self.match_label.setText(self.tr("Loading…"))

    def _update_match_label(self) -> None:
        rows = self.model.rowCount()
        filtered = self.current_filter() != AuditFilter()
        if rows == 0:
            text = self.tr("No events match") if filtered else self.tr("No events yet")
        elif self.model.complete:
            text = self.tr("1 event") if rows == 1 else arg(self.tr("%1 events"), count_text(rows))
        else:
            text = arg(self.tr("%1+ events (scroll for more)"), count_text(rows))
        if self.model.start_after is not None:
            text = arg(self.tr("%1, from event #%2 back"), text, self.model.start_after - 1)
        self.match_label.setText(text)

    # ------------------------------------------------------------------ selection

    @Slot(QModelIndex, QModelIndex)
    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        entry = self.model.entry_at(current.row()) if current.isValid() else None
        self.detail.show_entry(entry)
        if entry is not None:
            self.side.setCurrentIndex(0)

    def select_seq(self, seq: int) -> bool:
        row = self.model.row_of(seq)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def selected_entry(self) -> AuditEntry | None:
        return self.detail.entry

    # ------------------------------------------------------------------ integrity

    @Slot()
    def verify_integrity(self) -> None:
        if self._verifying:
            return
        self._verifying = True
        self.verify_button.setEnabled(False)
        audit = self._services.audit
        run_with_progress(
            self._tasks,
            self,
            self.tr("Verify integrity"),
            lambda report: audit.check_integrity(report),
            self._on_verified,
            self._on_verify_failed,
            label=self.tr("Checking every event and every signed checkpoint…"),
            object_name="verifyProgress",
        )

    def _finish_verify(self) -> None:
        self._verifying = False
        self.verify_button.setEnabled(True)

    def _on_verified(self, report: IntegrityReport) -> None:
        self._finish_verify()
        self._show_chain_status(self.integrity_sentence(report), intact=report.intact)
        self.load_checkpoints()
        if not report.intact and report.first_bad_seq is not None:
            self.show_event(report.first_bad_seq)

    def _on_verify_failed(self, error: BaseException) -> None:
        self._finish_verify()
        if isinstance(error, Cancelled):
            self._show_chain_status(
                arg(
                    self.tr("Cancelled after %1 of %2 events; nothing was concluded."),
                    count_text(error.done),
                    count_text(error.total),
                ),
                intact=None,
            )
            return
        self.error_occurred.emit(error)

    def integrity_sentence(self, report: IntegrityReport) -> str:
        """One sentence for ``chainStatusLabel`` in the console's language."""
        if report.intact:
            checkpoint = report.newest_checkpoint
            if checkpoint is None:
                return arg(
                    self.tr("Intact: %1 events checked; no checkpoint has been signed yet."),
                    count_text(report.events),
                )
            return arg(
                self.tr("Intact: %1 events checked; newest checkpoint #%2 signed by %3 on %4."),
                count_text(report.events),
                checkpoint.seq,
                checkpoint.signer,
                short_date_time(checkpoint.signed_at),
            )
        problem = report.problem or self.tr("the trail does not match its hashes")
        if report.first_bad_seq is not None:
            # The service's sentence names the event itself; said once is enough. (Display
            # only: if its wording changes, the whole sentence simply shows.)
            lead = f"The audit trail was tampered with at event #{report.first_bad_seq}: "
            if problem.startswith(lead) and len(problem) > len(lead):
                problem = problem[len(lead)].upper() + problem[len(lead) + 1 :]
            return arg(self.tr("Tampered: event #%1 — %2"), report.first_bad_seq, problem)
        return arg(self.tr("Tampered: %1"), problem)

    def _show_chain_status(self, text: str, *, intact: bool | None) -> None:
        self.chain_status.setText(text)
        state = "unknown" if intact is None else ("intact" if intact else "tampered")
        self.chain_status.setProperty("chain", state)
        mark_error(self.chain_status, intact is False)
        # A dynamic property change is only seen by the style sheet after a re-polish.
        style = self.chain_status.style()
        style.unpolish(self.chain_status)
        style.polish(self.chain_status)
        self.chain_status.show()

    def show_event(self, seq: int) -> None:
        """Select event ``seq`` in the table, clearing filters and loading pages down to it."""
        if self.select_seq(seq):
            return
        self.clear_filters()
        self._pending_select = seq

        def found(row: int | None) -> None:
            if self._pending_select != seq:
                return
            self._pending_select = None
            self._update_match_label()
            if row is not None:
                self.select_seq(self.model.entry_at(row).event.seq)

        self.model.load_until(seq, found)

    # ------------------------------------------------------------------ checkpoints

    @Slot()
    def sign_checkpoint(self) -> None:
        self.sign_button.setEnabled(False)
        checkpoints = self._services.checkpoints

        def signed(result: object) -> None:
            self.sign_button.setEnabled(True)
            seq = getattr(getattr(result, "checkpoint", None), "seq", None)
            self.status_message.emit(
                arg(self.tr("Signed a checkpoint at event #%1"), seq)
                if seq is not None
                else self.tr("Signed a checkpoint")
            )
            self.load_checkpoints()
            self.side.setCurrentIndex(1)
            self.model.refresh()

        def failed(error: BaseException) -> None:
            self.sign_button.setEnabled(True)
            self.error_occurred.emit(error)

        self._tasks.submit(checkpoints.sign, signed, failed, owner=self)

    # ------------------------------------------------------------------ evidence

    @Slot()
    def export_evidence(self) -> None:
        try:
            from app.ui.dialogs.evidence_export import open_evidence_export
        except ImportError:
            self.error_occurred.emit(
                KeywardError(self.tr("Exporting evidence is not available in this version."))
            )
            return
        open_evidence_export(self, self._services, self._tasks)
