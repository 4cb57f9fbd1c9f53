"""Find leaked keys: paste text, see which of our keys it names, revoke them in one step.

Someone pastes a log excerpt, a chat message or a config file; ``TriageService.scan`` finds
every string shaped like a Keyward token with a valid checksum (and, separately, bare key
ids), and says for each token whether its secret really matches the key (verified without
recording a use). The keys found can be revoked at once with the reason "leaked", through
:class:`~app.ui.operations.KeyOperations` so that every screen shows the revocation.

The pasted text is a secret: it never reaches settings, logs, the database or an undo
stack, the background job lets go of it as soon as it starts, and closing the dialog clears
the field (and the X11 selection it may have filled) and drops the results.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from enum import IntEnum
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QClipboard,
    QCloseEvent,
    QFontDatabase,
    QFontMetrics,
    QGuiApplication,
    QKeySequence,
    QPalette,
    QResizeEvent,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.roles import Role, can_manage_key
from app.domain.status import KeyStatus
from app.services import Services
from app.services.dto import KeyDTO, Operator
from app.services.triage import TriageMatch
from app.ui.dialogs.common import HEADER_ICON_SIZE, busy_bar, hint_label, icon_label, named
from app.ui.dialogs.common import title_label as heading_label
from app.ui.errors import describe
from app.ui.help import Topic, add_help_button
from app.ui.labels import status_label
from app.ui.models.formatting import exact_utc, relative_time
from app.ui.operations import KeyOperations
from app.ui.panels.key_detail import read_only_reason
from app.ui.resources import icon
from app.ui.tasks import TaskHandle, TaskRunner
from app.ui.text import QT_TRANSLATE_NOOP, arg, plural
from app.ui.widgets import confirm
from app.ui.widgets.banner import Banner, Tone
from app.ui.widgets.lifetime import alive
from app.ui.widgets.status_badge import StatusBadgeDelegate, badge_size

#: A pause in typing or pasting longer than this starts a search.
FIND_DELAY_MS = 400
#: The reason recorded in the audit trail for every key revoked here.
LEAKED = "leaked"

_CONTEXT = "LeakTriageDialog"

AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT: Final = QModelIndex()
#: The TriageMatch behind a row.
MatchRole: Final = int(Qt.ItemDataRole.UserRole) + 1
#: The key's KeyStatus (drawn as a badge), None for an id that is not a key here.
StatusRole: Final = int(Qt.ItemDataRole.UserRole) + 3


class Column(IntEnum):
    KEY_ID = 0
    NAME = 1
    OWNER = 2
    STATUS = 3
    LAST_USED = 4
    SECRET = 5
    KIND = 6


_TITLES: Final = {
    Column.KEY_ID: QT_TRANSLATE_NOOP("LeakTriageDialog", "Key id"),
    Column.NAME: QT_TRANSLATE_NOOP("LeakTriageDialog", "Name"),
    Column.OWNER: QT_TRANSLATE_NOOP("LeakTriageDialog", "Owner"),
    Column.STATUS: QT_TRANSLATE_NOOP("LeakTriageDialog", "Status"),
    Column.LAST_USED: QT_TRANSLATE_NOOP("LeakTriageDialog", "Last used"),
    Column.SECRET: QT_TRANSLATE_NOOP("LeakTriageDialog", "Secret matches"),
    Column.KIND: QT_TRANSLATE_NOOP("LeakTriageDialog", "Found as"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


class _ScanJob:
    """The background scan; it lets go of the text the moment it starts.

    The task runner may keep a finished job object a little longer than the scan takes; this
    one holds nothing by then, so the pasted text lives only in the field that shows it.
    """

    __slots__ = ("_scan", "_text")

    def __init__(self, scan: Callable[[str], list[TriageMatch]], text: str) -> None:
        self._scan = scan
        self._text = text

    def __call__(self) -> list[TriageMatch]:
        text, self._text = self._text, ""
        return self._scan(text)


class TriageResultsModel(QAbstractTableModel):
    """The matches of one scan; a revoked key's row is updated in place."""

    def __init__(self, now: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._now = now
        self._matches: list[TriageMatch] = []
        self._fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)

    def matches(self) -> Sequence[TriageMatch]:
        return tuple(self._matches)

    def match_at(self, row: int) -> TriageMatch:
        return self._matches[row]

    def set_matches(self, matches: Sequence[TriageMatch]) -> None:
        self.beginResetModel()
        self._matches = list(matches)
        self.endResetModel()

    def clear(self) -> None:
        self.set_matches(())

    def update_keys(self, keys: Sequence[KeyDTO]) -> None:
        """Keys revoked here: their rows show the new status."""
        fresh = {key.key_id: key for key in keys}
        for row, match in enumerate(self._matches):
            key = fresh.get(match.key_id)
            if key is not None and match.key is not None:
                self._matches[row] = _with_key(match, key)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    # ------------------------------------------------------------------ Qt model

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._matches)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _tr(_TITLES[Column(section)])
        if role == Qt.ItemDataRole.ToolTipRole and section == Column.SECRET:
            return QCoreApplication.translate(
                "LeakTriageDialog",
                "Whether the secret in the pasted token is this key's real secret",
            )
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._matches):
            return None
        match = self._matches[index.row()]
        column = Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(match, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(match, column)
        if role == MatchRole:
            return match
        if role == StatusRole:
            return match.key.status if match.key is not None else None
        if role == Qt.ItemDataRole.FontRole and column is Column.KEY_ID:
            return self._fixed
        if role == Qt.ItemDataRole.ForegroundRole and match.key is None and column is Column.NAME:
            return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        return None

    def _text(self, match: TriageMatch, column: Column) -> str:
        key = match.key
        if column is Column.KEY_ID:
            return match.key_id
        if column is Column.KIND:
            return (
                QCoreApplication.translate("LeakTriageDialog", "Token")
                if match.kind == "token"
                else QCoreApplication.translate("LeakTriageDialog", "Key id")
            )
        if column is Column.SECRET:
            if match.secret_matches is None:
                return "—"
            return (
                QCoreApplication.translate("LeakTriageDialog", "Yes")
                if match.secret_matches
                else QCoreApplication.translate("LeakTriageDialog", "No")
            )
        if key is None:
            return (
                QCoreApplication.translate("LeakTriageDialog", "Not a key in this database")
                if column is Column.NAME
                else "—"
            )
        if column is Column.NAME:
            return key.name
        if column is Column.OWNER:
            return key.owner_name
        if column is Column.STATUS:
            return status_label(key.status)
        if key.last_used_at is None:
            return QCoreApplication.translate("LeakTriageDialog", "Never")
        return relative_time(key.last_used_at, self._now())

    def _tooltip(self, match: TriageMatch, column: Column) -> str | None:
        key = match.key
        if column is Column.SECRET:
            if match.secret_matches is None:
                return (
                    QCoreApplication.translate(
                        "LeakTriageDialog", "A bare key id: there is no secret to check"
                    )
                    if match.kind != "token"
                    else QCoreApplication.translate(
                        "LeakTriageDialog",
                        "Not a key in this database: there is no secret to check",
                    )
                )
            if match.secret_matches:
                return QCoreApplication.translate(
                    "LeakTriageDialog", "The pasted token is this key's real token: it has leaked"
                )
            return QCoreApplication.translate(
                "LeakTriageDialog",
                "The id is this key's, but the secret is not: a wrong or altered token",
            )
        if key is None:
            return None
        if column is Column.LAST_USED and key.last_used_at is not None:
            return exact_utc(key.last_used_at)
        if column is Column.OWNER:
            return f"{key.owner_name} ({key.owner_login})"
        if column is Column.NAME:
            return f"{key.name}\n{key.masked}"
        return None


def _with_key(match: TriageMatch, key: KeyDTO) -> TriageMatch:
    return replace(match, key=key)


class LeakTriageDialog(QDialog):
    """``LeakTriageDialog(services, tasks, operations, parent)``; open it with ``open()``."""

    #: Keys revoked from here (fresh DTOs), after KeyOperations announced them.
    keys_revoked = Signal(list)

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        operations: KeyOperations | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self._operations = operations
        self._operator: Operator | None = None
        self._scan: TaskHandle | None = None
        self._revoking = False

        title = self.tr("Find Leaked Keys")
        self.setObjectName("leakTriageDialog")
        self.setAccessibleName(title)
        self.setWindowTitle(title)
        self.setWindowIcon(icon("warning"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumSize(640, 460)
        # Roomy, but never larger than the window it opens over (an 800×600 one too).
        window = parent.window() if parent is not None else None
        width, height = 880, 640
        if window is not None:
            width = max(640, min(width, window.width() - 40))
            height = max(460, min(height, window.height() - 40))
        self.resize(width, height)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addLayout(self._build_header())
        layout.addWidget(self._build_text_field(), 2)
        layout.addLayout(self._build_find_row())
        layout.addWidget(self._build_table(), 3)
        self._message = Banner.labelled(Tone.INFO, "triageMessageLabel", self.tr("Outcome"), self)
        layout.addWidget(self._message)
        layout.addLayout(self._build_buttons())

        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(FIND_DELAY_MS)
        self._delay.timeout.connect(self.find_keys)
        self.text_field.textChanged.connect(self._on_text_changed)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.find_keys)
        self._update_revoke_button()
        self._load_operator()
        self.text_field.setFocus(Qt.FocusReason.OtherFocusReason)  # ready for Ctrl+V

    # ----------------------------------------------------------------- layout

    def _build_header(self) -> QHBoxLayout:
        header = QHBoxLayout()
        header.setSpacing(12)
        header.addWidget(
            icon_label("warning", HEADER_ICON_SIZE, self), 0, Qt.AlignmentFlag.AlignTop
        )
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(heading_label(self.tr("Which of our keys does this text contain?"), self))
        column.addWidget(
            hint_label(
                self.tr(
                    "Paste text that may hold API keys. Keyward finds its tokens (and bare key "
                    "ids), checks whether each secret is real without recording a use, and "
                    "lets you revoke the keys found. The text is never saved or logged, and it "
                    "is cleared when this window closes."
                ),
                "triageIntroLabel",
                self,
            )
        )
        header.addLayout(column, 1)
        return header

    def _build_text_field(self) -> QPlainTextEdit:
        field = named(QPlainTextEdit(self), "triageTextField", self.tr("Text to search"))
        field.setPlaceholderText(self.tr("Paste a log excerpt, chat message or config file…"))
        # No undo stack: it would keep a copy of the text after the field is cleared.
        field.setUndoRedoEnabled(False)
        field.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        field.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        field.setTabChangesFocus(True)
        self.text_field = field
        return field

    def _build_find_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(10)
        self.find_button = named(
            QPushButton(icon("search"), self.tr("&Find"), self),
            "triageFindButton",
            self.tr("Find"),
        )
        self.find_button.setToolTip(self.tr("Search the text now (Ctrl+Enter)"))
        self.find_button.setAutoDefault(False)
        self.find_button.clicked.connect(self.find_keys)
        self._busy = busy_bar("triageProgress", self.tr("Searching"), self)
        self._busy.setFixedWidth(60)
        self.summary = named(QLabel(self), "triageSummaryLabel", self.tr("Summary"))
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setText(self.tr("Paste text above; the search starts by itself."))
        row.addWidget(self.find_button, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self._busy, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.summary, 1)
        return row

    def _build_table(self) -> QTableView:
        self.model = TriageResultsModel(self._services.clock, self)
        table = named(QTableView(self), "triageResultsTable", self.tr("Keys found"))
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.setCornerButtonEnabled(False)
        table.setItemDelegateForColumn(Column.STATUS, StatusBadgeDelegate(StatusRole, table))
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        table.setColumnWidth(
            Column.KEY_ID, QFontMetrics(fixed).horizontalAdvance("7Gk2xQ9aBc") + 28
        )
        metrics = self.fontMetrics()
        for column, sample in (
            (Column.NAME, "Salesforce Data Sync"),
            (Column.OWNER, "Alexandra Nguyen"),
            (Column.LAST_USED, "11 months ago"),
            (Column.SECRET, "Secret matches"),
            (Column.KIND, "Key id  "),
        ):
            table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 28)
        widest = max(badge_size(status, table.font()).width() for status in KeyStatus)
        table.setColumnWidth(Column.STATUS, widest + 28)
        self._name_minimum = table.columnWidth(Column.NAME)
        table.selectionModel().selectionChanged.connect(lambda *_: self._update_revoke_button())
        self.table = table
        return table

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        box = named(QDialogButtonBox(self), "triageButtonBox", self.tr("Dialog buttons"))
        self.revoke_button = named(
            QPushButton(icon("revoke"), self.tr("Revoke selected…"), self),
            "revokeFoundButton",
            self.tr("Revoke selected"),
        )
        self.revoke_button.setAutoDefault(False)
        self.revoke_button.clicked.connect(self.revoke_selected)
        box.addButton(self.revoke_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        close = named(
            box.addButton(QDialogButtonBox.StandardButton.Close), "closeButton", self.tr("Close")
        )
        close.setAutoDefault(False)
        box.rejected.connect(self.reject)
        add_help_button(box, Topic.AUDIT)
        row.addWidget(box)
        return row

    # ----------------------------------------------------------------- operator

    def _load_operator(self) -> None:
        self._tasks.submit(self._services.users.me, self._on_operator, self._on_failed, owner=self)

    def _on_operator(self, operator: Operator) -> None:
        self._operator = operator
        self._update_revoke_button()

    def _can_revoke(self, key: KeyDTO | None) -> bool:
        operator = self._operator
        if key is None or operator is None or key.status is KeyStatus.REVOKED:
            return False
        return can_manage_key(operator.role, owns_key=key.owner_login == operator.login)

    # ----------------------------------------------------------------- finding

    @Slot()
    def _on_text_changed(self) -> None:
        self._delay.start()

    @Slot()
    def find_keys(self) -> None:
        """Scan the text now (the Find button, Ctrl+Enter, or a pause after pasting)."""
        self._delay.stop()
        if self._scan is not None:
            self._scan.cancel()
        text = self.text_field.toPlainText()
        if not text.strip():
            self._scan = None
            self._busy.hide()
            self.model.clear()
            self.summary.setText(self.tr("Paste text above; the search starts by itself."))
            self._update_revoke_button()
            return
        self._busy.show()
        self._scan = self._tasks.submit(
            _ScanJob(self._services.triage.scan, text),
            self._on_scanned,
            self._on_scan_failed,
            owner=self,
        )

    def _on_scanned(self, matches: list[TriageMatch]) -> None:
        self._scan = None
        self._busy.hide()
        self._message.clear()
        self.model.set_matches(matches)
        self.summary.setText(summary_sentence(matches))
        # The keys whose secret really leaked are selected, ready to revoke.
        leaked = QItemSelection()
        for row, match in enumerate(matches):
            key = match.key
            if match.secret_matches and key is not None and key.status is not KeyStatus.REVOKED:
                leaked.select(self.model.index(row, 0), self.model.index(row, len(Column) - 1))
        self.table.selectionModel().select(leaked, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self._update_revoke_button()

    def _on_scan_failed(self, error: BaseException) -> None:
        self._scan = None
        self._busy.hide()
        self._on_failed(error)

    def _on_failed(self, error: BaseException) -> None:
        self._message.setProperty("tone", Tone.ERROR.value)
        self._restyle(self._message)
        self._message.show_message(describe(error))
        self._tasks.report_if_bug(error)

    # ----------------------------------------------------------------- revoking

    def selected_matches(self) -> list[TriageMatch]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.match_at(row) for row in rows]

    def _candidates(self) -> list[KeyDTO]:
        keys: dict[str, KeyDTO] = {}
        for match in self.selected_matches():
            if match.key is not None and self._can_revoke(match.key):
                keys.setdefault(match.key.key_id, match.key)
        return list(keys.values())

    def _update_revoke_button(self) -> None:
        button = self.revoke_button
        operator = self._operator
        if operator is None:
            button.setEnabled(False)
            button.setToolTip(self.tr("Checking your role…"))
            return
        if operator.role in (Role.AUDITOR, Role.VERIFIER):
            button.setEnabled(False)
            button.setToolTip(
                arg(
                    self.tr("%1: ask a manager or an admin to revoke the keys found."),
                    read_only_reason(operator.role),
                )
            )
            return
        candidates = self._candidates()
        button.setEnabled(bool(candidates) and not self._revoking)
        if candidates:
            button.setToolTip(
                plural(
                    len(candidates),
                    self.tr("Revoke the selected key with the reason “leaked”"),
                    self.tr("Revoke the %n selected keys with the reason “leaked”"),
                )
            )
        elif operator.role is Role.MEMBER:
            button.setToolTip(self.tr("Select keys of yours that are not revoked yet"))
        else:
            button.setToolTip(self.tr("Select keys that are not revoked yet"))

    @Slot()
    def revoke_selected(self) -> None:
        """Ask once, naming the keys, then revoke them all with the reason "leaked"."""
        keys = self._candidates()
        if not keys or self._revoking:
            return
        names = ", ".join(f"“{key.name}”" for key in keys[:5])
        if len(keys) > 5:
            names = arg(self.tr("%1 and %2 more"), names, len(keys) - 5)
        question = plural(
            len(keys),
            self.tr("Revoke %1 now?"),
            self.tr("Revoke these %n keys now: %1?"),
        )
        confirm.ask(
            self,
            self.tr("Revoke leaked keys"),
            arg(question, names),
            lambda: self._revoke(keys),
            yes_text=plural(len(keys), self.tr("Revoke key"), self.tr("Revoke %n keys")),
            informative=plural(
                len(keys),
                self.tr(
                    "The reason “leaked” is recorded in the audit trail. Integrations using it "
                    "stop working at once, and a revoked key cannot be enabled again."
                ),
                self.tr(
                    "The reason “leaked” is recorded in the audit trail. Integrations using "
                    "them stop working at once, and a revoked key cannot be enabled again."
                ),
            ),
            destructive=True,
        )

    def _revoke(self, keys: Sequence[KeyDTO]) -> None:
        self._revoking = True
        self._update_revoke_button()
        self._busy.show()
        if self._operations is not None:
            handle = self._operations.revoke(
                keys, LEAKED, on_success=self._on_revoked, on_failure=self._on_revoke_failed
            )
            if handle is None:  # one of them is being changed elsewhere right now
                self._on_revoke_failed(None)
            return
        key_ids = [key.key_id for key in keys]
        revoke_many = self._services.keys.revoke_many
        self._tasks.submit(
            lambda: revoke_many(key_ids, LEAKED),
            self._on_revoked,
            self._on_revoke_failed,
            owner=self,
        )

    def _on_revoked(self, revoked: list[KeyDTO]) -> None:
        if not alive(self):
            return
        self._revoking = False
        self._busy.hide()
        self.model.update_keys(revoked)
        self.table.selectionModel().clearSelection()
        self._message.setProperty("tone", Tone.INFO.value)
        self._restyle(self._message)
        text = (
            arg(self.tr("Revoked “%1” with the reason “leaked”."), revoked[0].name)
            if len(revoked) == 1
            else arg(self.tr("Revoked %1 keys with the reason “leaked”."), len(revoked))
        )
        self._message.show_message(text)
        self._update_revoke_button()
        self.keys_revoked.emit(list(revoked))

    def _on_revoke_failed(self, error: BaseException | None) -> None:
        if not alive(self):
            if error is not None:
                self._tasks.report_if_bug(error)
            return
        self._revoking = False
        self._busy.hide()
        self._update_revoke_button()
        if error is None:
            self._message.setProperty("tone", Tone.WARNING.value)
            self._restyle(self._message)
            self._message.show_message(
                self.tr("One of these keys is being changed elsewhere; try again in a moment.")
            )
            return
        self._on_failed(error)

    @staticmethod
    def _restyle(widget: QWidget) -> None:
        style = widget.style()
        style.unpolish(widget)
        style.polish(widget)

    # ----------------------------------------------------------------- forgetting

    def forget(self) -> None:
        """Drop the pasted text and everything found in it (closing does this)."""
        self._delay.stop()
        if self._scan is not None:
            self._scan.cancel()
            self._scan = None
        field = self.text_field
        field.blockSignals(True)
        field.clear()
        field.document().clear()
        field.document().clearUndoRedoStacks()
        field.blockSignals(False)
        # Selecting the text on X11 offered it as the primary selection: take that back.
        clipboard = QGuiApplication.clipboard()
        if clipboard.supportsSelection() and clipboard.ownsSelection():
            clipboard.clear(QClipboard.Mode.Selection)
        self.model.clear()
        self.summary.clear()

    def done(self, result: int) -> None:
        self.forget()
        super().done(result)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_name_column()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_name_column()

    def _fit_name_column(self) -> None:
        """Name takes the spare width, but keeps its default (the table scrolls instead)."""
        header = self.table.horizontalHeader()
        others = sum(header.sectionSize(column) for column in Column if column != Column.NAME)
        spare = self.table.viewport().width() - others
        header.resizeSection(Column.NAME, max(self._name_minimum, spare))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.forget()
        super().closeEvent(event)


def summary_sentence(matches: Sequence[TriageMatch]) -> str:
    """One sentence: what was found, and what it means."""
    tokens = sum(1 for match in matches if match.kind == "token")
    ids = len(matches) - tokens
    if not matches:
        return QCoreApplication.translate(
            "LeakTriageDialog", "No Keyward tokens or key ids in this text."
        )
    found = []
    if tokens:
        found.append(
            plural(
                tokens,
                QCoreApplication.translate("LeakTriageDialog", "%n Keyward token"),
                QCoreApplication.translate("LeakTriageDialog", "%n Keyward tokens"),
            )
        )
    if ids:
        found.append(
            plural(
                ids,
                QCoreApplication.translate("LeakTriageDialog", "%n bare key id"),
                QCoreApplication.translate("LeakTriageDialog", "%n bare key ids"),
            )
        )
    facts = []
    real = sum(1 for match in matches if match.secret_matches)
    wrong = sum(1 for match in matches if match.secret_matches is False)
    unknown = sum(1 for match in matches if match.key is None)
    revoked = sum(
        1 for match in matches if match.key is not None and match.key.status is KeyStatus.REVOKED
    )
    if real:
        facts.append(
            plural(
                real,
                QCoreApplication.translate("LeakTriageDialog", "%n real secret (leaked)"),
                QCoreApplication.translate("LeakTriageDialog", "%n real secrets (leaked)"),
            )
        )
    if wrong:
        facts.append(
            plural(
                wrong,
                QCoreApplication.translate("LeakTriageDialog", "%n wrong secret"),
                QCoreApplication.translate("LeakTriageDialog", "%n wrong secrets"),
            )
        )
    if unknown:
        facts.append(
            plural(
                unknown,
                QCoreApplication.translate("LeakTriageDialog", "%n not a key here"),
                QCoreApplication.translate("LeakTriageDialog", "%n not keys here"),
            )
        )
    if revoked:
        facts.append(
            plural(
                revoked,
                QCoreApplication.translate("LeakTriageDialog", "%n already revoked"),
                QCoreApplication.translate("LeakTriageDialog", "%n already revoked"),
            )
        )
    joined = (
        arg(QCoreApplication.translate("LeakTriageDialog", "%1 and %2"), found[0], found[1])
        if len(found) == 2
        else found[0]
    )
    if not facts:
        return arg(QCoreApplication.translate("LeakTriageDialog", "Found %1."), joined)
    return arg(
        QCoreApplication.translate("LeakTriageDialog", "Found %1: %2."), joined, ", ".join(facts)
    )


def open_leak_triage(
    parent: QWidget, services: Services, tasks: TaskRunner, operations: KeyOperations | None
) -> LeakTriageDialog:
    """Open "Find leaked keys" over ``parent`` (the Audit view's or the menu's action)."""
    dialog = LeakTriageDialog(services, tasks, operations, parent)
    dialog.open()
    return dialog
