"""The People screen: every Keyward user, their role and keys; add, change role, deactivate,
reactivate, and replace a departed person's revoked keys.

The table comes from ``people.overview()`` (admins and managers see everyone, members and
auditors their own row); the detail area beside it shows the selected person, their role and
their keys. Every database call runs on the task runner. Changes to keys made here (revoked
by a deactivation, created by Replace key) are announced through the window's
:class:`~app.ui.operations.KeyOperations`, so the Keys screen follows; key changes made
anywhere else refresh this screen's counts in turn.

Roles: admins may do everything here; managers see everyone read-only (they may still
replace a revoked key, which is key management); members and auditors see their own row.
The services enforce all of it; this screen disables what a role cannot do and says why.
"""

from __future__ import annotations

import dataclasses
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.roles import Action, Role, can
from app.domain.sorting import SortField
from app.domain.status import KeyStatus
from app.services import Services
from app.services.dto import CreatedKey, KeyDTO, KeyPage, KeyQuery, Operator, UserDTO
from app.services.people import PersonRow
from app.ui.dialogs.add_user import PERSON_ROLES, role_hint
from app.ui.dialogs.common import hint_label, named
from app.ui.errors import describe
from app.ui.labels import reason_label, role_label, status_label
from app.ui.models.formatting import exact_utc, relative_time
from app.ui.models.people_model import (
    ActiveBadgeDelegate,
    Column,
    PeopleModel,
    PersonRole,
    SortRole,
    badge_column_width,
    status_text,
)
from app.ui.operations import KeyOperations
from app.ui.resources import icon
from app.ui.tasks import LatestTask, TaskRunner
from app.ui.text import arg
from app.ui.widgets import confirm
from app.ui.widgets.banner import Banner, Tone
from app.ui.widgets.column_fit import narrow_in_turn, resize_sections

#: How many of a person's keys the detail area lists (newest first).
KEYS_SHOWN = 200
#: Key changes arrive in bursts (a deactivation revokes many); refresh once after them.
REFRESH_DELAY_MS = 300
DEFAULT_DETAIL_WIDTH = 380
#: The detail panel's least width, and its share of a window too narrow for both at their
#: usual widths (until the user drags the divider): the table keeps room for its first
#: columns.
DETAIL_MIN_WIDTH = 300
DETAIL_SHARE = 0.4
#: Where the columns' contents are wider than the table, Email and then Name elide down to
#: these widths before the table scrolls sideways; in a narrow window Login, Name, Role and
#: Status stay in sight (the panel shows the selected person's email, keys and activity).
NAME_LEAST_WIDTH = 90
EMAIL_LEAST_WIDTH = 160


def _set_role(services: Services, login: str, role: Role) -> UserDTO:
    return services.users.set_role(login, role)


def _reactivate(services: Services, login: str) -> UserDTO:
    return services.users.reactivate(login)


def _keys_of(services: Services, login: str) -> KeyPage:
    return services.keys.page(
        KeyQuery(owner=login, sort=SortField.CREATED, descending=True, limit=KEYS_SHOWN)
    )


class PeopleScreen(QWidget):
    """``PeopleScreen(services, tasks, operations, parent)`` — objectName ``peopleView``."""

    #: A short confirmation for the status bar.
    status_message = Signal(str)
    #: A failure nobody on this screen could explain (for the window's error handling).
    error_occurred = Signal(object)
    #: An overview arrived.
    loaded = Signal()
    #: The selected person's keys arrived.
    keys_loaded = Signal()

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        operations: KeyOperations,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("peopleView")
        self.setAccessibleName(self.tr("People"))
        self._services = services
        self._tasks = tasks
        self._operations = operations
        self._operator: Operator | None = None
        self._clipboard: Any = None
        self._overview_task = LatestTask(tasks)
        self._keys_task = LatestTask(tasks)
        self._selected_login: str | None = None
        self._keys: tuple[KeyDTO, ...] = ()
        self._keys_login: str | None = None
        self._has_loaded = False

        self.model = PeopleModel(services.clock, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self._build_header())
        layout.addLayout(self._build_toolbar())
        self.banner = Banner("peopleBanner", tone=Tone.ERROR, parent=self)
        layout.addWidget(self.banner)
        layout.addWidget(self._build_splitter(), 1)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        operations.key_created.connect(self._on_keys_elsewhere)
        operations.key_changed.connect(self._on_keys_elsewhere)
        operations.key_removed.connect(self._on_keys_elsewhere)
        self._show_person(None)
        self._apply_permissions()

    # ================================================================== layout

    def _build_header(self) -> QWidget:
        header = QWidget(self)
        column = QVBoxLayout(header)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        title = named(QLabel(self.tr("People"), header), "pageTitle", self.tr("People"))
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setWeight(QFont.Weight.DemiBold)
        title.setFont(font)
        subtitle = QLabel(
            self.tr(
                "Who may use Keyward and in which role. Deactivating someone revokes their "
                "keys; Replace key restores an integration under an active person."
            ),
            header,
        )
        subtitle.setObjectName("pageSubtitle")
        subtitle.setEnabled(False)
        subtitle.setWordWrap(True)
        column.addWidget(title)
        column.addWidget(subtitle)
        return header

    def _build_toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        self.add_button = named(
            QPushButton(icon("add"), self.tr("Add person…"), self),
            "addUserButton",
            self.tr("Add person"),
        )
        self.add_button.clicked.connect(self.add_user)
        self.refresh_button = named(
            QPushButton(icon("refresh"), self.tr("Refresh"), self),
            "refreshPeopleButton",
            self.tr("Refresh the list of people"),
        )
        self.refresh_button.clicked.connect(self.refresh)
        self.count_label = named(QLabel(self), "peopleCountLabel", self.tr("Number of people"))
        self.count_label.setEnabled(False)
        row.addWidget(self.add_button)
        row.addWidget(self.refresh_button)
        row.addSpacing(8)
        row.addWidget(self.count_label)
        row.addStretch(1)
        return row

    def _build_splitter(self) -> QSplitter:
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("peopleSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(8)
        self.table = named(QTableView(self.splitter), "usersTable", self.tr("People"))
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.LOGIN, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setMinimumWidth(320)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # A short list: fit_columns sizes the columns to their contents whenever the rows
        # or the table's width change (Name and Email share what is left).
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setItemDelegateForColumn(Column.STATUS, ActiveBadgeDelegate(self.table))
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.table.viewport().installEventFilter(self)
        for change in (self.model.modelReset, self.model.dataChanged, self.model.layoutChanged):
            change.connect(self.fit_columns)

        scroll = named(QScrollArea(self.splitter), "personDetailPanel", self.tr("Person"))
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(DETAIL_MIN_WIDTH)
        scroll.setWidget(self._build_detail())
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setSizes([700, DEFAULT_DETAIL_WIDTH])
        self._divider_moved = False
        self.splitter.splitterMoved.connect(self._on_divider_moved)
        self.splitter.installEventFilter(self)
        return self.splitter

    @Slot()
    def _on_divider_moved(self) -> None:
        self._divider_moved = True

    def _place_divider(self) -> None:
        """The detail panel at its usual width where the window has room; in a narrow one
        it takes DETAIL_SHARE of it (not under DETAIL_MIN_WIDTH), so that the table shows
        each person's login, name, role and status. A divider the user dragged stays."""
        if self._divider_moved:
            return
        # Called as the splitter's resize arrives: its width is new, its sizes are not yet.
        total = self.splitter.contentsRect().width() - self.splitter.handleWidth()
        if total <= DETAIL_MIN_WIDTH:
            return
        panel = max(DETAIL_MIN_WIDTH, min(DEFAULT_DETAIL_WIDTH, int(total * DETAIL_SHARE)))
        if self.splitter.sizes()[1] != panel:
            self.splitter.setSizes([total - panel, panel])

    def fit_columns(self) -> None:
        """Each column as wide as its contents (Status as its longest badge); Name and
        Email share what is left. Where the table is narrower than that, Email and then Name
        elide (down to EMAIL_LEAST_WIDTH and NAME_LEAST_WIDTH) before the table scrolls
        sideways, and Name never pushes Login, Role and Status out of sight."""
        header = self.table.horizontalHeader()
        widths = {
            column: max(self.table.sizeHintForColumn(column), header.sectionSizeHint(column))
            for column in Column
        }
        widths[Column.STATUS] = badge_column_width(self.table.font())
        room = self.table.viewport().width()
        spare = room - sum(widths.values())
        if spare >= 0:
            widths[Column.NAME] += spare // 2
            widths[Column.EMAIL] += spare - spare // 2
        else:
            name = widths[Column.NAME]
            leasts = ((Column.EMAIL, EMAIL_LEAST_WIDTH), (Column.NAME, NAME_LEAST_WIDTH))
            if narrow_in_turn(widths, -spare, leasts) > 0:
                # The columns after Status scroll anyway: Name keeps the room they leave it.
                others = widths[Column.LOGIN] + widths[Column.ROLE] + widths[Column.STATUS]
                widths[Column.NAME] = max(widths[Column.NAME], min(name, room - others))
        resize_sections(header, widths)

    def _build_detail(self) -> QWidget:
        detail = QWidget(self)
        detail.setObjectName("personDetail")
        column = QVBoxLayout(detail)
        column.setContentsMargins(12, 8, 12, 8)
        column.setSpacing(8)

        self.name_label = named(QLabel(detail), "personNameLabel", self.tr("Person"))
        font = QFont(self.name_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setWeight(QFont.Weight.DemiBold)
        self.name_label.setFont(font)
        self.name_label.setWordWrap(True)
        self.facts_label = named(QLabel(detail), "personFactsLabel", self.tr("Details"))
        self.facts_label.setWordWrap(True)
        self.facts_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(self.name_label)
        column.addWidget(self.facts_label)

        role_caption = QLabel(self.tr("&Role"), detail)
        self.role_field = named(QComboBox(detail), "roleField", self.tr("Role"))
        for role in PERSON_ROLES:
            self.role_field.addItem(role_label(role), role.value)
        self.role_field.activated.connect(self._on_role_chosen)
        self.role_field.currentIndexChanged.connect(self._show_role_hint)
        role_caption.setBuddy(self.role_field)
        role_row = QHBoxLayout()
        role_row.addWidget(role_caption)
        role_row.addWidget(self.role_field)
        role_row.addStretch(1)
        column.addLayout(role_row)
        self.role_hint = hint_label("", "roleHintLabel", detail)
        column.addWidget(self.role_hint)
        self.role_error = Banner.labelled(
            Tone.ERROR, "roleErrorLabel", self.tr("Role change refused"), detail
        )
        column.addWidget(self.role_error)

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        self.deactivate_button = named(
            QPushButton(icon("revoke"), self.tr("Deactivate…"), detail),
            "deactivateUserButton",
            self.tr("Deactivate"),
        )
        self.deactivate_button.clicked.connect(self.deactivate_selected)
        self.reactivate_button = named(
            QPushButton(self.tr("Reactivate…"), detail),
            "reactivateUserButton",
            self.tr("Reactivate"),
        )
        self.reactivate_button.clicked.connect(self.reactivate_selected)
        buttons.addWidget(self.deactivate_button)
        buttons.addWidget(self.reactivate_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.status_note = hint_label("", "personStatusNote", detail)
        column.addWidget(self.status_note)

        keys_caption = named(
            QLabel(self.tr("Their keys"), detail), "personKeysCaption", self.tr("Their keys")
        )
        caption_font = QFont(keys_caption.font())
        caption_font.setWeight(QFont.Weight.DemiBold)
        keys_caption.setFont(caption_font)
        column.addSpacing(6)
        column.addWidget(keys_caption)
        self.keys_list = named(QTreeWidget(detail), "personKeysList", self.tr("Their keys"))
        self.keys_list.setColumnCount(4)
        self.keys_list.setHeaderLabels(
            [self.tr("Name"), self.tr("Status"), self.tr("Last used"), self.tr("Replaced by")]
        )
        self.keys_list.setRootIsDecorated(False)
        self.keys_list.setUniformRowHeights(True)
        self.keys_list.setMinimumHeight(140)
        keys_header = self.keys_list.header()
        keys_header.setStretchLastSection(False)
        keys_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        keys_header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        keys_header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        keys_header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.keys_list.currentItemChanged.connect(self._update_replace_button)
        self.keys_list.itemDoubleClicked.connect(lambda _item, _column: self.replace_selected())
        column.addWidget(self.keys_list, 1)
        self.keys_note = hint_label("", "personKeysNote", detail)
        column.addWidget(self.keys_note)

        replace_row = QHBoxLayout()
        self.replace_button = named(
            QPushButton(icon("key"), self.tr("Replace key…"), detail),
            "replaceKeyButton",
            self.tr("Replace key"),
        )
        self.replace_button.clicked.connect(self.replace_selected)
        replace_row.addWidget(self.replace_button)
        replace_row.addStretch(1)
        column.addLayout(replace_row)
        self.replace_hint = hint_label(
            self.tr(
                "For a revoked key whose integration must keep working: a new key under an "
                "active person, with the old key's name and a description that records what "
                "it replaces. The secret is shown once."
            ),
            "replaceHintLabel",
            detail,
        )
        column.addWidget(self.replace_hint)
        column.addStretch(1)
        return detail

    # ================================================================== loading

    def refresh(self) -> None:
        """Reload the people and the selected person's keys."""
        self._refresh_timer.stop()
        self._overview_task.submit(
            self._services.people.overview, self._on_overview, self._on_load_failed, owner=self
        )
        if self._selected_login is not None:
            self._load_keys(self._selected_login)

    @property
    def has_loaded(self) -> bool:
        return self._has_loaded

    @Slot(object)
    def _on_overview(self, rows: list[PersonRow]) -> None:
        keep = self._selected_login
        self.model.set_people(rows)
        self._has_loaded = True
        count = len(rows)
        self.count_label.setText(
            self.tr("1 person") if count == 1 else self.tr("%n people", "", count)
        )
        if keep is not None and self.select_login(keep):
            pass
        elif self.proxy.rowCount() > 0:
            self.table.selectRow(0)
        else:
            self._show_person(None)
        self.loaded.emit()

    @Slot(object)
    def _on_load_failed(self, error: BaseException) -> None:
        self.banner.show_message(describe(error), self.tr("Retry"), self.refresh)
        self._tasks.report_if_bug(error)

    @Slot(object)
    def _on_keys_elsewhere(self, *_args: object) -> None:
        # Counts and key lists change with every key change; one refresh after a burst.
        if self._has_loaded:
            self._refresh_timer.start()

    def _load_keys(self, login: str) -> None:
        self._keys_task.submit(
            partial(_keys_of, self._services, login),
            partial(self._on_keys, login),
            self._on_keys_failed,
            owner=self,
        )

    def _on_keys(self, login: str, page: KeyPage) -> None:
        if login != self._selected_login:
            return
        self._keys = page.rows
        self._keys_login = login
        self._fill_keys()
        self.keys_loaded.emit()

    def _on_keys_failed(self, error: BaseException) -> None:
        self.keys_note.setText(describe(error))
        self._tasks.report_if_bug(error)

    # ================================================================== selection

    def current_person(self) -> PersonRow | None:
        if self._selected_login is None:
            return None
        return self.model.person(self._selected_login)

    def select_login(self, login: str) -> bool:
        """Make ``login`` the current row; False if it is not listed."""
        row = self.model.row_of(login)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        # The same person again (a refresh) does not change the current row: show anew.
        self._show_person(self.model.person(login))
        return True

    @Slot(QModelIndex, QModelIndex)
    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        person = current.data(PersonRole) if current.isValid() else None
        self._show_person(person if isinstance(person, PersonRow) else None)

    def _show_person(self, person: PersonRow | None) -> None:
        login = person.user.login if person is not None else None
        if login != self._selected_login:
            self._keys = ()
            self._keys_login = None
            self.keys_list.clear()
            self.role_error.clear()
        self._selected_login = login
        if person is None:
            self.name_label.setText(self.tr("No one selected"))
            self.facts_label.setText(self.tr("Select a person to see their role and keys."))
            self.status_note.clear()
            self.keys_note.clear()
            self._apply_permissions()
            return
        user = person.user
        self.name_label.setText(user.display_name)
        self.name_label.setAccessibleName(user.display_name)
        facts = [user.login]
        if user.email:
            facts.append(user.email)
        facts.append(status_text(user.active))
        if person.last_activity is not None:
            facts.append(
                arg(
                    self.tr("last active %1"),
                    relative_time(person.last_activity, self._services.clock()),
                )
            )
        self.facts_label.setText(" · ".join(facts))
        self.facts_label.setAccessibleName(" · ".join(facts))
        self._reset_role_field()
        if user.active:
            self.status_note.setText("")
        else:
            when = exact_utc(user.deactivated_at) if user.deactivated_at else ""
            self.status_note.setText(
                arg(
                    self.tr(
                        "Deactivated %1. Their keys were revoked; reactivating does not bring "
                        "them back. Replace a key below to restore an integration."
                    ),
                    when,
                ).replace("  ", " ")
            )
        if self._keys_login != login and login is not None:
            self.keys_note.setText(self.tr("Loading their keys…"))
            self._load_keys(login)
        self._apply_permissions()

    def _reset_role_field(self) -> None:
        person = self.current_person()
        if person is None:
            return
        index = self.role_field.findData(person.user.role.value)
        if index < 0:  # a verifier login: shown, though not offered as a choice
            self.role_field.addItem(role_label(person.user.role), person.user.role.value)
            index = self.role_field.count() - 1
        self.role_field.setCurrentIndex(index)
        self._show_role_hint(index)

    @Slot(int)
    def _show_role_hint(self, index: int) -> None:
        value = self.role_field.itemData(index)
        if value:
            self.role_hint.setText(role_hint(Role(str(value))))

    def _fill_keys(self) -> None:
        self.keys_list.clear()
        now = self._services.clock()
        replaceable = 0
        for dto in self._keys:
            used = (
                relative_time(dto.last_used_at, now)
                if dto.last_used_at is not None
                else self.tr("Never")
            )
            item = QTreeWidgetItem(
                [dto.name, status_label(dto.status), used, _replaced_by(dto) or ""]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, dto.key_id)
            item.setToolTip(0, self._key_tooltip(dto))
            if dto.last_used_at is not None:
                item.setToolTip(2, exact_utc(dto.last_used_at))
            self.keys_list.addTopLevelItem(item)
            if self._replaceable(dto):
                replaceable += 1
        # "Replaced by" only where a key was replaced: in a narrow panel (German's longer
        # titles) the four columns needed a sideways scroll.
        self.keys_list.setColumnHidden(3, not any(_replaced_by(dto) for dto in self._keys))
        count = len(self._keys)
        if not count:
            self.keys_note.setText(self.tr("They own no keys."))
        elif replaceable:
            self.keys_note.setText(
                self.tr("1 revoked key can be replaced.")
                if replaceable == 1
                else self.tr("%n revoked keys can be replaced.", "", replaceable)
            )
        else:
            self.keys_note.setText("")
        # The first key that can be replaced is the likely next step.
        for dto in self._keys:
            if self._replaceable(dto):
                self.select_key(dto.key_id)
                break
        self._update_replace_button()

    def _key_tooltip(self, dto: KeyDTO) -> str:
        lines = [arg(self.tr("%1 (%2)"), dto.name, dto.key_id)]
        if dto.status is KeyStatus.REVOKED and dto.revoked_at is not None:
            reason = reason_label(dto.revoked_reason) if dto.revoked_reason else ""
            lines.append(arg(self.tr("Revoked %1 %2"), exact_utc(dto.revoked_at), reason).strip())
        replaced_by = _replaced_by(dto)
        if replaced_by:
            lines.append(arg(self.tr("Replaced by %1"), replaced_by))
        return "\n".join(lines)

    def selected_key(self) -> KeyDTO | None:
        item = self.keys_list.currentItem()
        if item is None:
            return None
        key_id = item.data(0, Qt.ItemDataRole.UserRole)
        return next((dto for dto in self._keys if dto.key_id == key_id), None)

    def select_key(self, key_id: str) -> bool:
        for number in range(self.keys_list.topLevelItemCount()):
            item = self.keys_list.topLevelItem(number)
            if item is not None and item.data(0, Qt.ItemDataRole.UserRole) == key_id:
                self.keys_list.setCurrentItem(item)
                return True
        return False

    @staticmethod
    def _replaceable(dto: KeyDTO) -> bool:
        return dto.status is KeyStatus.REVOKED and not _replaced_by(dto)

    # ================================================================== roles

    def set_operator(self, operator: Operator | None) -> None:
        """Show what the operator's role allows; the services enforce it regardless."""
        self._operator = operator
        self._apply_permissions()

    def _manage_reason(self) -> str:
        """Why the operator may not change people ("" if they may)."""
        operator = self._operator
        if operator is None:
            return self.tr("Checking your role…")
        if can(operator.role, Action.MANAGE_USERS):
            return ""
        if operator.role is Role.MANAGER:
            return arg(
                self.tr(
                    "Your role (%1) lets you see people but not change them; ask a Keyward admin."
                ),
                role_label(operator.role),
            )
        return arg(
            self.tr("Your role (%1) shows only your own row; people are managed by admins."),
            role_label(operator.role),
        )

    def _apply_permissions(self) -> None:
        reason = self._manage_reason()
        may_manage = not reason
        person = self.current_person()
        self.add_button.setEnabled(may_manage)
        self.add_button.setToolTip(reason or self.tr("Add a person and choose their role"))

        self.role_field.setEnabled(may_manage and person is not None)
        self.role_field.setToolTip(
            reason if person is not None else self.tr("Select a person first.")
        )

        deactivate_reason = reason
        if not deactivate_reason and person is None:
            deactivate_reason = self.tr("Select a person first.")
        elif not deactivate_reason and person is not None and not person.user.active:
            deactivate_reason = self.tr("Already deactivated.")
        elif (
            not deactivate_reason
            and person is not None
            and self._operator is not None
            and person.user.login == self._operator.login
        ):
            deactivate_reason = self.tr("You cannot deactivate yourself; ask another admin.")
        self.deactivate_button.setEnabled(not deactivate_reason)
        self.deactivate_button.setToolTip(
            deactivate_reason
            or self.tr("See which keys will be revoked, give a reason, then deactivate")
        )
        self.deactivate_button.setVisible(person is None or person.user.active)

        reactivate_reason = reason
        if not reactivate_reason and (person is None or person.user.active):
            reactivate_reason = self.tr("Only a deactivated person can be reactivated.")
        self.reactivate_button.setEnabled(not reactivate_reason)
        self.reactivate_button.setToolTip(
            reactivate_reason
            or self.tr("Let them use Keyward again; their revoked keys stay revoked")
        )
        self.reactivate_button.setVisible(person is not None and not person.user.active)
        self._update_replace_button()

    def _replace_reason(self) -> str:
        operator = self._operator
        if operator is None:
            return self.tr("Checking your role…")
        if not can(operator.role, Action.CREATE_FOR_OTHERS):
            return arg(
                self.tr("Your role (%1) does not allow creating keys for other people."),
                role_label(operator.role),
            )
        dto = self.selected_key()
        if dto is None:
            return self.tr("Select a revoked key to replace it.")
        replaced_by = _replaced_by(dto)
        if replaced_by:
            return arg(self.tr("Already replaced by %1."), replaced_by)
        if dto.status is not KeyStatus.REVOKED:
            return self.tr("Only a revoked key is replaced here; rotate a working key instead.")
        return ""

    @Slot()
    def _update_replace_button(self, *_args: object) -> None:
        reason = self._replace_reason()
        self.replace_button.setEnabled(not reason)
        self.replace_button.setToolTip(
            reason
            or self.tr(
                "Create a key under an active person in place of this one; the secret is shown once"
            )
        )

    # ================================================================== actions

    @Slot()
    def add_user(self) -> None:
        if self._manage_reason():
            return
        from app.ui.dialogs.add_user import AddUserDialog

        dialog = AddUserDialog(self._services, self._tasks, self)
        dialog.user_added.connect(self._on_user_added)
        dialog.open()

    @Slot(object)
    def _on_user_added(self, user: UserDTO) -> None:
        self.model.update_person(PersonRow(user=user, active_keys=0, last_activity=None))
        self.select_login(user.login)
        message = arg(self.tr("Added %1 as %2."), user.display_name, role_label(user.role))
        if user.database_login is False:
            message += " " + arg(
                self.tr(
                    "There is no database login “%1” yet; ask your database administrator "
                    "to create it, then change the role once to grant it."
                ),
                user.login,
            )
        self.status_message.emit(message)
        self.banner.clear()
        self.refresh()

    @Slot(int)
    def _on_role_chosen(self, index: int) -> None:
        person = self.current_person()
        if person is None or self._manage_reason():
            return
        new_role = Role(str(self.role_field.itemData(index)))
        if new_role is person.user.role:
            return
        self.role_error.clear()
        user = person.user
        confirm.ask(
            self,
            self.tr("Change role"),
            arg(
                self.tr("Make %1 (%2) %3 instead of %4?"),
                user.display_name,
                user.login,
                role_label(new_role),
                role_label(user.role),
            ),
            partial(self._change_role, user.login, new_role),
            yes_text=arg(self.tr("Make %1"), role_label(new_role)),
            informative=role_hint(new_role),
            on_no=self._reset_role_field,
        )

    def _change_role(self, login: str, role: Role) -> None:
        self.role_field.setEnabled(False)
        self._tasks.submit(
            partial(_set_role, self._services, login, role),
            self._on_role_changed,
            self._on_role_failed,
            owner=self,
        )

    def _on_role_changed(self, user: UserDTO) -> None:
        self._update_user(user)
        if self._operator is not None and user.login == self._operator.login:
            # The operator changed their own role: the whole window follows (the main
            # window re-reads it; standing alone, this screen does).
            reload = getattr(self.window(), "load_operator", None)
            if callable(reload):
                reload()
            else:
                self.set_operator(dataclasses.replace(self._operator, role=user.role))
        self.status_message.emit(
            arg(self.tr("%1 is now %2."), user.display_name, role_label(user.role))
        )

    def _on_role_failed(self, error: BaseException) -> None:
        self._reset_role_field()
        self._apply_permissions()
        self.role_error.show_message(describe(error))
        self._tasks.report_if_bug(error)

    def _update_user(self, user: UserDTO, *, active_keys: int | None = None) -> None:
        person = self.model.person(user.login)
        if person is None:
            self.refresh()
            return
        changed = dataclasses.replace(
            person,
            user=user,
            active_keys=person.active_keys if active_keys is None else active_keys,
        )
        self.model.update_person(changed)
        if user.login == self._selected_login:
            self._show_person(changed)

    @Slot()
    def deactivate_selected(self) -> None:
        person = self.current_person()
        if person is None or not self.deactivate_button.isEnabled():
            return
        from app.ui.dialogs.deactivate_user import DeactivateUserDialog

        dialog = DeactivateUserDialog(person.user, self._services, self._tasks, self)
        dialog.user_deactivated.connect(self._on_deactivated)
        dialog.open()

    @Slot(object, int, tuple)
    def _on_deactivated(self, user: UserDTO, revoked: int, key_ids: tuple[str, ...]) -> None:
        self._update_user(user, active_keys=0)
        self.status_message.emit(
            arg(self.tr("Deactivated %1 and revoked 1 key."), user.display_name)
            if revoked == 1
            else arg(self.tr("Deactivated %1 and revoked %n keys.", "", revoked), user.display_name)
        )
        # Tell every screen (the Keys table) about each revoked key.
        for key_id in key_ids:
            self._operations.reload(key_id, on_failure=lambda _error: None)
        self._keys_login = None
        if user.login == self._selected_login:
            self._load_keys(user.login)

    @Slot()
    def reactivate_selected(self) -> None:
        person = self.current_person()
        if person is None or not self.reactivate_button.isEnabled():
            return
        user = person.user
        confirm.ask(
            self,
            self.tr("Reactivate"),
            arg(self.tr("Reactivate %1 (%2)?"), user.display_name, user.login),
            partial(self._reactivate, user.login),
            yes_text=self.tr("Reactivate"),
            informative=self.tr(
                "They can use Keyward again. Their revoked keys stay revoked; they create "
                "new keys when they need them."
            ),
        )

    def _reactivate(self, login: str) -> None:
        self.reactivate_button.setEnabled(False)
        self._tasks.submit(
            partial(_reactivate, self._services, login),
            self._on_reactivated,
            self._on_action_failed,
            owner=self,
        )

    def _on_reactivated(self, user: UserDTO) -> None:
        self._update_user(user)
        self.status_message.emit(
            arg(self.tr("Reactivated %1; their revoked keys stay revoked."), user.display_name)
        )

    def _on_action_failed(self, error: BaseException) -> None:
        self._apply_permissions()
        self.banner.show_message(describe(error))
        self._tasks.report_if_bug(error)

    @Slot()
    def replace_selected(self) -> None:
        dto = self.selected_key()
        if dto is None or self._replace_reason():
            return
        from app.ui.dialogs.create_key import CreateKeyDialog

        dialog = CreateKeyDialog(
            self._services, self._tasks, self, operations=self._operations, replacing=dto
        )
        dialog.key_created.connect(self._on_replaced)
        dialog.open()

    @Slot(object)
    def _on_replaced(self, created: CreatedKey) -> None:
        from app.ui.dialogs.reveal_secret import RevealSecretDialog

        self.status_message.emit(
            arg(
                self.tr("Created “%1” for %2 in place of the revoked key."),
                created.key.name,
                created.key.owner_name,
            )
        )
        RevealSecretDialog(created, self.secret_clipboard(), self._tasks, self).open()
        self._keys_login = None
        self.refresh()

    def secret_clipboard(self) -> Any:
        """The screen's one SecretClipboard (cleared by :meth:`close_secrets`)."""
        if self._clipboard is None:
            from app.ui.secret_clipboard import SecretClipboard

            self._clipboard = SecretClipboard(self)
            # The window closes its Keys screen's secrets; this screen's are cleared when
            # the window it sits in closes, whichever window that is.
            self.window().installEventFilter(self)
        return self._clipboard

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close and watched is self.window():
            self.close_secrets()
        elif event.type() == QEvent.Type.Resize:
            if watched is self.table.viewport():
                self.fit_columns()
            elif watched is self.splitter:
                self._place_divider()
        return super().eventFilter(watched, event)

    def close_secrets(self) -> None:
        if self._clipboard is not None:
            self._clipboard.clear_now()


def _replaced_by(dto: KeyDTO) -> str | None:
    return dto.replaced_by or None
