"""Access reviews in the window: what waits on me, and (for admins) running a review.

"Waiting on you" (``myReviewsView``) lists the operator's own keys in open reviews; each is
answered Keep (with an optional note — where the secret lives, say) or Revoke, which revokes
the key at once. Below, the reviews (``reviewsTable``) with their tally, and for the chosen one
the progress per owner. Admins start a review (``startReviewButton`` → ``reviewDialog``),
disable what is unanswered with a bulk change (dry run first), close it, and export it as
evidence; auditors export. The database checks every rule again.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDateEdit,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import KeywardError
from app.domain.roles import Action, Role, can
from app.services import Services
from app.services.bulk import BulkResult
from app.services.choices import BulkAction
from app.services.dto import Operator
from app.services.reviews import Review, ReviewDetail, ReviewItem
from app.ui.dialogs.common import FittingDialog, hint_label, named, title_label
from app.ui.errors import describe
from app.ui.models.formatting import short_date
from app.ui.tasks import LatestTask, TaskRunner
from app.ui.text import arg
from app.ui.widgets.banner import Banner, Tone


def _cell(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    item.setToolTip(text)
    return item


def _table(parent: QWidget, name: str, title: str, headers: list[str]) -> QTableWidget:
    table = named(QTableWidget(0, len(headers), parent), name, title)
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setHighlightSections(False)
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return table


class StartReviewDialog(FittingDialog):
    """``reviewDialog``: title, scope, due date and instructions of a new review."""

    started = Signal(object)

    def __init__(self, services: Services, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self.setObjectName("reviewDialog")
        self.setWindowTitle(self.tr("Start an Access Review"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        layout.addWidget(
            hint_label(
                self.tr(
                    "Each key's owner is asked to confirm it (keep) or revoke it. At the due "
                    "date you decide what happens to the keys nobody answered for."
                ),
                "reviewIntroLabel",
                self,
            )
        )
        form = QFormLayout()
        self.title = named(QLineEdit(self), "reviewTitleField", self.tr("Title"))
        self.title.setMaxLength(200)
        self.title.setPlaceholderText(self.tr("e.g. Q1 2027 key review"))
        form.addRow(self.tr("&Title"), self.title)
        self._scope = QButtonGroup(self)
        self.all_keys = named(QRadioButton(self.tr("All keys"), self), "reviewScopeAll", "")
        self.by_owner = named(
            QRadioButton(self.tr("One owner's keys:"), self), "reviewScopeOwner", ""
        )
        self.by_search = named(
            QRadioButton(self.tr("Keys matching:"), self), "reviewScopeSearch", ""
        )
        self.owner = named(QLineEdit(self), "reviewOwnerField", self.tr("Owner's login"))
        self.search = named(QLineEdit(self), "reviewSearchField", self.tr("Search"))
        self.all_keys.setChecked(True)
        for button in (self.all_keys, self.by_owner, self.by_search):
            self._scope.addButton(button)
        form.addRow(self.tr("Scope"), self.all_keys)
        form.addRow(self.by_owner, self.owner)
        form.addRow(self.by_search, self.search)
        self.due = named(QDateEdit(self), "reviewDueField", self.tr("Due date"))
        self.due.setCalendarPopup(True)
        today = services.clock().date()
        self.due.setMinimumDate(QDate(today.year, today.month, today.day))
        self.due.setDate(QDate(today.year, today.month, today.day).addDays(14))
        form.addRow(self.tr("&Due by the end of"), self.due)
        self.instructions = named(
            QPlainTextEdit(self), "reviewInstructionsField", self.tr("Instructions")
        )
        self.instructions.setPlaceholderText(
            self.tr("e.g. Keep what your integrations use and note where the secret lives.")
        )
        self.instructions.setFixedHeight(80)
        form.addRow(self.tr("&Instructions"), self.instructions)
        layout.addLayout(form)
        self._error = Banner.labelled(Tone.ERROR, "reviewErrorLabel", self.tr("Problem"), self)
        layout.addWidget(self._error)
        buttons = QDialogButtonBox(self)
        self.start_button = named(
            QPushButton(self.tr("Start Review"), self), "reviewStartButton", self.tr("Start")
        )
        buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel).clicked.connect(self.reject)
        self.start_button.clicked.connect(self._start)
        layout.addWidget(buttons)

    def _start(self) -> None:
        day = self.due.date()
        due = datetime.combine(
            datetime(day.year(), day.month(), day.day()).date(), time(0), tzinfo=UTC
        ) + timedelta(days=1)
        owner = self.owner.text().strip() or None if self.by_owner.isChecked() else None
        search = self.search.text().strip() or None if self.by_search.isChecked() else None
        title = self.title.text()
        text = self.instructions.toPlainText()
        self.start_button.setEnabled(False)
        self._tasks.submit(
            lambda: self._services.reviews.start(
                title, due, instructions=text, owner=owner, search=search
            ),
            self._done,
            self._failed,
            owner=self,
        )

    def _done(self, review: Review) -> None:
        self.started.emit(review)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.start_button.setEnabled(True)
        if isinstance(error, KeywardError):
            self._error.show_text(describe(error))
        else:
            self._tasks.report_if_bug(error)


class ReviewsScreen(QWidget):
    """``ReviewsScreen(services, tasks, parent)``; ``refresh()`` reloads both parts."""

    #: The number of the operator's keys waiting for an answer (for a badge or reminder).
    waiting_changed = Signal(int)
    keys_changed = Signal(object)
    status_message = Signal(str)

    def __init__(self, services: Services, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("reviewsView")
        self.setAccessibleName(self.tr("Access reviews"))
        self._services = services
        self._tasks = tasks
        self._operator: Operator | None = None
        self._mine: list[ReviewItem] = []
        self._reviews: list[Review] = []
        self._detail: ReviewDetail | None = None
        self._load_mine = LatestTask(tasks)
        self._load_all = LatestTask(tasks)
        self._load_detail = LatestTask(tasks)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title_label(self.tr("Access Reviews"), self))
        layout.addWidget(
            hint_label(
                self.tr(
                    "Owners confirm the keys they still need, or revoke them. Every answer is "
                    "in the audit trail; a closed review exports as evidence."
                ),
                "reviewsIntroLabel",
                self,
            )
        )
        self._error = Banner.labelled(Tone.ERROR, "reviewsErrorLabel", self.tr("Problem"), self)
        layout.addWidget(self._error)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        layout.addSpacing(8)
        layout.addWidget(splitter, 1)

        mine = named(QWidget(splitter), "myReviewsView", self.tr("Waiting on you"))
        column = QVBoxLayout(mine)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(title_label(self.tr("Waiting on you"), mine))
        self.mine_table = _table(
            mine,
            "myReviewsTable",
            self.tr("Your keys under review"),
            [self.tr("Review"), self.tr("Key"), self.tr("Due")],
        )
        column.addWidget(self.mine_table, 1)
        self.mine_empty = hint_label(self.tr("Nothing waits on you."), "myReviewsEmpty", mine)
        # Under the heading, in the table's place (it floated mid-way down the section).
        self.mine_empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        column.addWidget(self.mine_empty, 1)
        row = QHBoxLayout()
        self.note = named(QLineEdit(mine), "reviewNoteField", self.tr("Note"))
        self.note.setMaxLength(500)
        self.note.setPlaceholderText(self.tr("Note (optional), e.g. where the secret lives"))
        self.keep_button = named(QPushButton(self.tr("Keep"), mine), "reviewKeepButton", "")
        self.revoke_button = named(QPushButton(self.tr("Revoke"), mine), "reviewRevokeButton", "")
        self.revoke_button.setToolTip(self.tr("Revokes the key at once"))
        row.addWidget(self.note, 1)
        row.addWidget(self.keep_button)
        row.addWidget(self.revoke_button)
        column.addLayout(row)
        self.keep_button.clicked.connect(lambda: self.answer("keep"))
        self.revoke_button.clicked.connect(lambda: self.answer("revoke"))
        self.mine_table.itemSelectionChanged.connect(self._update_buttons)

        admin = named(QWidget(splitter), "reviewsAdmin", self.tr("Reviews"))
        column = QVBoxLayout(admin)
        column.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(title_label(self.tr("Reviews"), admin), 1)
        self.start_button = named(
            QPushButton(self.tr("Start Review…"), admin), "startReviewButton", ""
        )
        self.start_button.clicked.connect(self.start_review)
        top.addWidget(self.start_button)
        column.addLayout(top)
        self.reviews_table = _table(
            admin,
            "reviewsTable",
            self.tr("Reviews"),
            [
                self.tr("Title"),
                self.tr("Scope"),
                self.tr("Due"),
                self.tr("Status"),
                self.tr("Answered"),
            ],
        )
        self.reviews_table.itemSelectionChanged.connect(self._on_review_chosen)
        column.addWidget(self.reviews_table, 1)
        # Before the first review: a sentence in the tables' place, not two empty tables.
        self.reviews_empty = hint_label(
            self.tr(
                "No access review yet. A review asks each owner to confirm the keys they "
                "still need, or revoke them, by a due date."
            ),
            "reviewsEmpty",
            admin,
        )
        self.reviews_empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.reviews_empty.hide()
        column.addWidget(self.reviews_empty, 1)
        self.progress_table = _table(
            admin,
            "reviewProgressTable",
            self.tr("Progress per owner"),
            [self.tr("Owner"), self.tr("Answered"), self.tr("Open")],
        )
        self.instructions = hint_label("", "reviewInstructionsLabel", admin)
        column.addWidget(self.instructions)
        column.addWidget(self.progress_table, 1)
        actions = QHBoxLayout()
        self.disable_button = named(
            QPushButton(self.tr("Disable Unanswered…"), admin), "disableUnansweredButton", ""
        )
        self.close_button = named(
            QPushButton(self.tr("Close Review"), admin), "closeReviewButton", ""
        )
        self.export_button = named(QPushButton(self.tr("Export…"), admin), "exportReviewButton", "")
        for button in (self.disable_button, self.close_button, self.export_button):
            actions.addWidget(button)
        actions.addStretch(1)
        column.addLayout(actions)
        self.disable_button.clicked.connect(self.disable_unanswered)
        self.close_button.clicked.connect(self.close_review)
        self.export_button.clicked.connect(self.export_review)
        self._admin = admin
        self._mine_section = mine
        splitter.setSizes([180, 420])
        self._update_buttons()

    # ----------------------------------------------------------------- loading

    def set_operator(self, operator: Operator | None) -> None:
        self._operator = operator
        self._update_buttons()

    def refresh(self) -> None:
        self._load_mine.submit(
            self._services.reviews.waiting_on_me, self._show_mine, self._show_error, owner=self
        )
        self._load_all.submit(
            self._services.reviews.all, self._show_reviews, self._show_error, owner=self
        )

    def _show_mine(self, items: list[ReviewItem]) -> None:
        self._mine = items
        titles = {review.id: review for review in self._reviews}
        self.mine_table.setRowCount(len(items))
        for row, item in enumerate(items):
            review = titles.get(item.review_id)
            self.mine_table.setItem(row, 0, _cell(review.title if review else f"#{item.review_id}"))
            self.mine_table.setItem(row, 1, _cell(f"{item.key_name} ({item.key_id})"))
            self.mine_table.setItem(row, 2, _cell(short_date(review.due_at) if review else ""))
        self.mine_table.setVisible(bool(items))
        for widget in (self.note, self.keep_button, self.revoke_button):
            widget.setVisible(bool(items))
        self.mine_empty.setVisible(not items)
        self.waiting_changed.emit(len(items))
        self._update_buttons()

    def _show_reviews(self, reviews: list[Review]) -> None:
        chosen = self._detail.review.id if self._detail else None
        self._reviews = reviews
        for widget in (
            self.reviews_table,
            self.instructions,
            self.progress_table,
            self.disable_button,
            self.close_button,
            self.export_button,
        ):
            widget.setVisible(bool(reviews))
        self.reviews_empty.setVisible(not reviews)
        self.reviews_table.setRowCount(len(reviews))
        for row, review in enumerate(reviews):
            status = self.tr("Open") if review.status == "open" else self.tr("Closed")
            if review.overdue(self._services.clock()):
                status = self.tr("Overdue")
            for column, text in enumerate(
                (
                    review.title,
                    self._scope_text(review),
                    short_date(review.due_at),
                    status,
                    arg(self.tr("%1 of %2"), review.total - review.unanswered, review.total),
                )
            ):
                self.reviews_table.setItem(row, column, _cell(text))
            if review.id == chosen:
                self.reviews_table.selectRow(row)
        if chosen is None and reviews:
            self.reviews_table.selectRow(0)  # its owners' progress, as People shows a person
        if self._mine:
            self._show_mine(self._mine)
        self._update_buttons()

    def _scope_text(self, review: Review) -> str:
        """Which keys the review covers, in the console's language."""
        owner, search = review.scope_owner, review.scope_search
        if owner and search:
            return arg(self.tr("keys of %1 matching “%2”"), owner, search)
        if owner:
            return arg(self.tr("keys of %1"), owner)
        if search:
            return arg(self.tr("keys matching “%1”"), search)
        return self.tr("all keys")

    def _on_review_chosen(self) -> None:
        review = self.chosen_review()
        if review is None:
            self._detail = None
            self.progress_table.setRowCount(0)
            self._update_buttons()
            return
        self._load_detail.submit(
            lambda: self._services.reviews.show(review.id),
            self._show_detail,
            self._show_error,
            owner=self,
        )

    def _show_detail(self, detail: ReviewDetail) -> None:
        self._detail = detail
        review = detail.review
        text = arg(
            self.tr("Started by %1 on %2. %3"),
            review.started_by,
            short_date(review.started_at),
            review.instructions,
        )
        self.instructions.setText(text.strip())
        progress = detail.progress
        self.progress_table.setRowCount(len(progress))
        for row, owner in enumerate(progress):
            self.progress_table.setItem(row, 0, _cell(owner.owner_login))
            self.progress_table.setItem(row, 1, _cell(str(owner.answered)))
            self.progress_table.setItem(row, 2, _cell(str(owner.open)))
        self._update_buttons()

    def chosen_review(self) -> Review | None:
        rows = self.reviews_table.selectionModel().selectedRows()
        return self._reviews[rows[0].row()] if rows else None

    def _show_error(self, error: BaseException) -> None:
        if isinstance(error, KeywardError):
            self._error.show_text(describe(error))
        else:
            self._tasks.report_if_bug(error)

    def _update_buttons(self) -> None:
        operator = self._operator
        admin = operator is not None and operator.role is Role.ADMIN
        auditor = operator is not None and can(operator.role, Action.READ_AUDIT)
        answering = bool(self.mine_table.selectionModel().selectedRows())
        self.keep_button.setEnabled(answering)
        self.revoke_button.setEnabled(answering)
        self._admin.setVisible(operator is not None and (admin or auditor))
        detail = self._detail
        open_review = detail is not None and detail.review.status == "open"
        why = "" if admin else self.tr("Only admins start, act on and close access reviews.")
        self.start_button.setEnabled(admin)
        self.start_button.setToolTip(why)
        self.disable_button.setEnabled(
            admin and open_review and bool(detail and detail.unanswered_keys)
        )
        self.disable_button.setToolTip(why)
        self.close_button.setEnabled(admin and open_review)
        self.close_button.setToolTip(why)
        self.export_button.setEnabled(auditor and detail is not None)

    # ----------------------------------------------------------------- acting

    def answer(self, answer: str) -> None:
        rows = self.mine_table.selectionModel().selectedRows()
        if not rows:
            return
        item = self._mine[rows[0].row()]
        note = self.note.text() or None
        self.keep_button.setEnabled(False)
        self.revoke_button.setEnabled(False)

        def done(_result: object) -> None:
            self.note.clear()
            self.status_message.emit(
                arg(self.tr("Kept “%1”"), item.key_name)
                if answer == "keep"
                else arg(self.tr("Revoked “%1”"), item.key_name)
            )
            if answer == "revoke":
                self.keys_changed.emit([item.key_id])
            self.refresh()

        self._tasks.submit(
            lambda: self._services.reviews.answer(item.review_id, item.key_id, answer, note),
            done,
            self._show_error,
            owner=self,
        )

    def start_review(self) -> None:
        dialog = StartReviewDialog(self._services, self._tasks, self)
        dialog.started.connect(lambda _review: self.refresh())
        dialog.open()

    def disable_unanswered(self) -> None:
        detail = self._detail
        if detail is None or not detail.unanswered_keys:
            return
        from app.ui.dialogs.bulk_action import BulkActionDialog

        dialog = BulkActionDialog(
            self._services,
            self._tasks,
            detail.unanswered_keys,
            action=BulkAction.DISABLE,
            parent=self,
        )
        dialog.applied.connect(self._on_bulk)
        dialog.open()

    def _on_bulk(self, result: BulkResult) -> None:
        self.keys_changed.emit([key.key_id for key in result.done])
        self.status_message.emit(result.summary())
        self._on_review_chosen()

    def close_review(self) -> None:
        review = self.chosen_review()
        if review is None:
            return

        def closed(result: Review) -> None:
            self.status_message.emit(
                arg(
                    self.tr("Closed “%1”: %2 kept, %3 revoked, %4 unanswered"),
                    result.title,
                    result.kept,
                    result.revoked,
                    result.unanswered,
                )
            )
            self.refresh()

        self._tasks.submit(
            lambda: self._services.reviews.close(review.id),
            closed,
            self._show_error,
            owner=self,
        )

    def export_review(self, target: str | None = None) -> None:
        review = self.chosen_review()
        if review is None:
            return
        if not target:
            target, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export Review"), f"review-{review.id}.csv", self.tr("CSV (*.csv)")
            )
        if not target:
            return
        path = Path(target)
        self._tasks.submit(
            lambda: self._services.reviews.export(review.id, path),
            lambda events: self.status_message.emit(
                arg(self.tr("Exported the review to %1 and %2"), path, events)
            ),
            self._show_error,
            owner=self,
        )
