"""Create an API key: name, description, expiry, environment and owner, then one click.

Everything the form needs (who is operating, the key policy, the people a manager may create
keys for) is loaded off the GUI thread when the dialog opens. The create call itself hashes
the new secret, so it runs off the GUI thread too; the dialog stays responsive meanwhile.

With an active-key limit in force, the dialog warns up front and names every key that will be
revoked (the owner's oldest active keys, as many as it takes to get back under the limit), but
the service stays the authority: when it answers :class:`PolicyConfirmationRequired`, the
button turns into a destructive "Revoke “X” and create" (or "Revoke N keys and create") that
needs a second, explicit click, and the create then revokes all of them in one transaction.

Opened with ``replacing=`` a revoked key, the same form is Affinity's "create a new key under
an active user": the old name and a description recording what it replaces are filled in,
the owner is chosen among active people, and ``KeyService.replace`` links old and new.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from PySide6.QtCore import QDate, QLocale, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import PolicyConfirmationRequired, ValidationError
from app.domain.roles import Action, can
from app.domain.validation import (
    MAX_DESCRIPTION,
    MAX_NAME,
    clean_description,
    clean_name,
    parse_expiry,
)
from app.services import Services
from app.services.dto import CreatedKey, KeyDTO, Operator, UserDTO
from app.services.settings import PolicyDTO
from app.ui.dialogs.common import (
    HEADER_ICON_SIZE,
    FittingDialog,
    busy_bar,
    hint_label,
    icon_label,
    named,
    title_label,
)
from app.ui.errors import describe
from app.ui.help import Topic, add_help_button
from app.ui.labels import reason_label
from app.ui.models.formatting import short_date
from app.ui.operations.keys import KeyOperations
from app.ui.resources import icon
from app.ui.tasks import LatestTask, TaskRunner
from app.ui.text import arg
from app.ui.widgets.banner import Banner, Tone

QUICK_EXPIRY_DAYS = (30, 60, 90)
DEFAULT_EXPIRY_DAYS = 90
#: Longest key name quoted on a button before it is shortened with "…".
BUTTON_NAME_CHARS = 28


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


@dataclass(frozen=True, slots=True)
class _FormContext:
    """What the form needs before it can be used, read in one background job."""

    operator: Operator
    policy: PolicyDTO
    #: Active people the operator may create keys for; empty when only for themselves.
    owners: tuple[UserDTO, ...]


@dataclass(frozen=True, slots=True)
class _PolicyOutlook:
    """The owner is at the active-key limit: these keys (oldest first) would be revoked."""

    owner_login: str
    active_keys: int
    limit: int
    to_revoke: tuple[KeyDTO, ...]


@dataclass(frozen=True, slots=True)
class _Request:
    name: str
    description: str
    expires: date | None
    environment: str
    owner: str | None


# Jobs: these run on a worker thread, so they take services and values, never widgets.


def _load_form_context(services: Services) -> _FormContext:
    operator = services.users.me()
    # Refuse an auditor before they fill in a form that cannot be submitted (the key limit
    # is looked at per owner, once the owner is known).
    services.keys.check_create(replace_oldest=True)
    policy = services.policy.get()
    owners: tuple[UserDTO, ...] = ()
    if can(operator.role, Action.CREATE_FOR_OTHERS):
        owners = tuple(user for user in services.users.all() if user.active)
    return _FormContext(operator, policy, owners)


def _replace(
    services: Services, old_key_id: str, request: _Request, replace_oldest: bool
) -> CreatedKey:
    return services.keys.replace(
        old_key_id,
        owner=request.owner,
        name=request.name,
        description=request.description,
        expires=request.expires,
        environment=request.environment,
        replace_oldest=replace_oldest,
    )


def _policy_outlook(services: Services, owner: str, limit: int | None) -> _PolicyOutlook | None:
    if limit is None:
        return None
    # The service names the keys a create would revoke (the oldest active ones, as many as
    # it takes to stay at the limit): ask it, so the warning and the create agree.
    try:
        services.keys.check_create(owner)
    except PolicyConfirmationRequired as refusal:
        victims = tuple(refusal.keys_to_revoke)
        # Revoking len(victims) leaves limit - 1 active keys beside the new one.
        active = limit - 1 + len(victims)
        return _PolicyOutlook(owner, active, limit, victims) if victims else None
    return None


def _shorten(text: str, limit: int = BUTTON_NAME_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _person(user: UserDTO) -> str:
    return (
        user.display_name
        if user.display_name == user.login
        else (f"{user.display_name} ({user.login})")
    )


class CreateKeyDialog(FittingDialog):
    """The "Create API Key" form. Emits :attr:`key_created`, then accepts and closes."""

    #: The CreatedKey (with the one-time token) after a successful create.
    key_created = Signal(object)
    #: The operator, policy and owners are in and the form can be used.
    loaded = Signal()

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        parent: QWidget | None = None,
        *,
        operations: KeyOperations | None = None,
        replacing: KeyDTO | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        #: The revoked key this one replaces (Replace key), or None for a plain create.
        self._replacing = replacing
        self._tasks = tasks
        # The window's shared operations announce the new key to every screen; a dialog
        # opened on its own (tests) gets a private set that tells nobody.
        self._operations = operations or KeyOperations(services, tasks, self)
        self._policy_task = LatestTask(tasks)
        self._context: _FormContext | None = None
        #: (key id, key name) of every key the service said will be revoked; set until
        #: confirmed.
        self._pending_revoke: tuple[tuple[str, str], ...] | None = None
        self._creating = False
        self._abandoned = False
        self._attempted = False
        self._button_text = ""
        self._today = services.clock().date()

        self.setObjectName("createKeyDialog")
        self.setAccessibleName(self._title())
        self.setWindowTitle(self._title())
        self.setWindowIcon(icon("add"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setSizeGripEnabled(True)
        self.setMinimumWidth(620)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addLayout(self._build_header())
        self._error_banner = Banner.labelled(
            Tone.ERROR, "createErrorLabel", self.tr("Problem creating the key"), self
        )
        layout.addWidget(self._error_banner)
        self._policy_banner = Banner.labelled(
            Tone.ERROR, "policyWarningLabel", self.tr("Key policy warning"), self
        )
        layout.addWidget(self._policy_banner)
        self._form = named(QWidget(self), "createKeyForm", self.tr("New key details"))
        self._form.setLayout(self._build_form())
        layout.addWidget(self._form)
        layout.addStretch(1)
        layout.addSpacing(6)
        layout.addLayout(self._build_buttons())

        self._set_expiry_days(None)
        if replacing is not None:
            self._prefill_replacement(replacing)
        self._update_description_count()
        self._set_loading(True)
        self._tasks.submit(
            partial(_load_form_context, services),
            self._on_context_loaded,
            self._on_load_failed,
            owner=self,
        )

    # ----------------------------------------------------------------- layout

    def _build_header(self) -> QHBoxLayout:
        header = QHBoxLayout()
        header.setSpacing(12)
        header.addWidget(icon_label("key", HEADER_ICON_SIZE, self), 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(title_label(self._title(), self))
        old = self._replacing
        intro = hint_label(
            self.tr(
                "One key per integration and environment keeps each one easy to revoke. "
                "The secret is shown once, right after you create the key: have your "
                "password manager or secrets manager ready."
            )
            if old is None
            else arg(
                self.tr(
                    "“%1” (%2) of %3 is revoked. The new key takes its name under an active "
                    "person you choose, and its description records what it replaces. Put "
                    "the new secret, shown once, into the integration."
                ),
                old.name,
                old.key_id,
                old.owner_name,
            ),
            "createIntroLabel",
            self,
        )
        text.addWidget(intro)
        header.addLayout(text, 1)
        return header

    def _title(self) -> str:
        return self.tr("Create API Key") if self._replacing is None else self.tr("Replace API Key")

    def _prefill_replacement(self, old: KeyDTO) -> None:
        """The old key's name, a description that records what it replaces, its environment."""
        self._name.setText(old.name)
        when = short_date(old.revoked_at) if old.revoked_at is not None else ""
        reason = reason_label(old.revoked_reason) if old.revoked_reason else ""
        note = (
            arg(
                self.tr("Replaces “%1” (%2), owned by %3, revoked %4 (%5)."),
                old.name,
                old.key_id,
                old.owner_name,
                when,
                reason,
            )
            .replace(" ()", "")
            .replace("  ", " ")
        )
        text = f"{note}\n\n{old.description}".strip() if old.description else note
        self._description.setPlainText(text[:MAX_DESCRIPTION])

    def _build_form(self) -> QVBoxLayout:
        # Captions above fields, not a QFormLayout: its height-for-width with wrapped hints
        # miscounts and squeezes rows; plain boxes give the hints the full width as well.
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(14)
        self._field_errors: dict[str, Banner] = {}
        self._field_widgets: dict[str, QWidget] = {}
        column.addWidget(self._build_name())
        column.addWidget(self._build_description())
        column.addWidget(self._build_expiry())
        column.addWidget(self._build_assignment())
        return column

    def _field_cell(
        self, field: str, caption: str, field_widget: QWidget, *extras: QWidget
    ) -> QWidget:
        """Caption, field, inline error (hidden) and hints, stacked in one block."""
        accessible = self._field_widgets[field].accessibleName()
        cell = named(QWidget(self), f"{field}Cell", accessible)
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        label = named(QLabel(caption, cell), f"{field}Caption", caption.replace("&", ""))
        label.setBuddy(self._field_widgets[field])
        column.addWidget(label)
        column.addWidget(field_widget)
        error = Banner.labelled(
            Tone.ERROR,
            f"{field}ErrorLabel",
            arg(self.tr("%1 error"), accessible),
            cell,
        )
        column.addWidget(error)
        for extra in extras:
            column.addWidget(extra)
        self._field_errors[field] = error
        return cell

    def _build_name(self) -> QWidget:
        self._name = named(QLineEdit(self), "nameField", self.tr("Name"))
        self._name.setPlaceholderText(
            self.tr("Required, e.g. Salesforce Data Sync or Data Warehouse ETL")
        )
        self._name.setClearButtonEnabled(True)
        self._name.setAccessibleDescription(
            arg(self.tr("Required. At most %1 characters."), MAX_NAME)
        )
        self._name.textChanged.connect(self._on_name_edited)
        self._field_widgets["name"] = self._name
        tip = hint_label(
            self.tr(
                "Be specific and consistent: “[System] Integration”, “[Purpose] API” or "
                "“[Team] [Purpose]”, e.g. RevOps Reporting."
            ),
            "nameTipLabel",
            self,
        )
        return self._field_cell("name", self.tr("&Name"), self._name, tip)

    def _build_description(self) -> QWidget:
        self._description = named(QPlainTextEdit(self), "descriptionField", self.tr("Description"))
        self._description.setPlaceholderText(
            self.tr(
                "[Purpose]. Owner: [Team/Person]. Systems: [List]. "
                "Frequency: [Daily/Real-time/etc]. Contact: [Email]"
            )
        )
        self._description.setTabChangesFocus(True)
        self._description.setAccessibleDescription(
            arg(self.tr("Optional but recommended. At most %1 characters."), MAX_DESCRIPTION)
        )
        # Room for the template and a few more lines; a long text scrolls.
        edit = self._description
        padding = 2 * int(edit.document().documentMargin()) + 2 * edit.frameWidth()
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 5 + padding)
        self._description.textChanged.connect(self._on_description_edited)
        self._field_widgets["description"] = self._description

        self._description_count = named(
            QLabel(self), "descriptionCounter", self.tr("Description length")
        )
        self._description_count.setAlignment(Qt.AlignmentFlag.AlignRight)
        tip = hint_label(
            self.tr(
                "Optional but recommended: future admins and auditors rely on it. Include "
                "where the secret will be stored."
            ),
            "descriptionTipLabel",
            self,
        )
        under = QWidget(self)
        row = QHBoxLayout(under)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(tip, 1)
        row.addWidget(self._description_count, 0, Qt.AlignmentFlag.AlignTop)
        return self._field_cell("description", self.tr("&Description"), self._description, under)

    def _build_expiry(self) -> QWidget:
        self._expiry = named(QDateEdit(self), "expiryField", self.tr("Expire date"))
        self._expiry.setCalendarPopup(True)
        self._expiry.setDisplayFormat("d MMM yyyy")
        self._expiry.setMinimumDate(_qdate(self._today))
        self._expiry.setDate(_qdate(self._today + timedelta(days=DEFAULT_EXPIRY_DAYS)))
        self._expiry.dateChanged.connect(self._on_expiry_changed)
        self._field_widgets["expires"] = self._expiry

        self._no_expiry = named(
            QCheckBox(self.tr("No ex&piry"), self), "noExpiryCheck", self.tr("No expiry")
        )
        self._no_expiry.toggled.connect(self._on_no_expiry_toggled)

        picker = QWidget(self)
        row = QHBoxLayout(picker)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self._expiry)
        row.addSpacing(6)
        row.addWidget(self._no_expiry)
        row.addStretch(1)

        quick = QWidget(self)
        self._quick_expiry: dict[int, QPushButton] = {}
        quick_row = QHBoxLayout(quick)
        quick_row.setContentsMargins(0, 0, 0, 0)
        quick_row.setSpacing(6)
        for days in QUICK_EXPIRY_DAYS:
            text = arg(self.tr("%1 days"), days)
            button = named(
                QPushButton(text, self),
                f"expiry{days}Button",
                arg(self.tr("Expire in %1 days"), days),
            )
            button.setAutoDefault(False)
            button.clicked.connect(partial(self._set_expiry_days, days))
            quick_row.addWidget(button)
            self._quick_expiry[days] = button
        never = named(QPushButton(self.tr("None"), self), "expiryNoneButton", self.tr("No expiry"))
        never.setAutoDefault(False)
        self._never_button = never
        never.clicked.connect(partial(self._set_expiry_days, None))
        quick_row.addWidget(never)
        quick_row.addStretch(1)

        self._expiry_summary = hint_label("", "expirySummaryLabel", self)
        self._expiry_tip = tip = hint_label(
            self.tr("Optional. Use Expire Date for contractors, pilots, or short-term projects."),
            "expiryTipLabel",
            self,
        )
        return self._field_cell(
            "expires", self.tr("E&xpire date"), picker, quick, self._expiry_summary, tip
        )

    def _build_assignment(self) -> QWidget:
        """Environment and owner side by side, with one hint under both."""
        self._environment = named(QComboBox(self), "environmentField", self.tr("Environment"))
        self._environment.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._field_widgets["environment"] = self._environment
        self._owner = named(QComboBox(self), "ownerField", self.tr("Owner"))
        self._owner.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._owner.currentIndexChanged.connect(self._on_owner_changed)
        self._field_widgets["owner"] = self._owner

        block = named(QWidget(self), "assignmentBlock", self.tr("Environment and owner"))
        column = QVBoxLayout(block)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        row = QHBoxLayout()
        row.setSpacing(24)
        environment = self._field_cell("environment", self.tr("&Environment"), self._environment)
        self._owner_cell = self._field_cell("owner", self.tr("&Owner"), self._owner)
        row.addWidget(environment, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self._owner_cell, 0, Qt.AlignmentFlag.AlignTop)
        row.addStretch(1)
        column.addLayout(row)
        column.addWidget(
            hint_label(
                self.tr(
                    "Use one key per integration and environment (live, test, dev, stage) to "
                    "isolate risk. The owner answers for the key; deactivating them revokes it."
                ),
                "assignmentTipLabel",
                self,
            )
        )
        return block

    def _build_buttons(self) -> QHBoxLayout:
        # A plain row, not a QDialogButtonBox: the box shows hidden buttons again whenever it
        # lays itself out, and the create and confirm buttons take turns being visible.
        row = QHBoxLayout()
        row.setSpacing(8)
        # Help alone in a box (the standard button, placed and named by the platform).
        help_box = named(QDialogButtonBox(self), "helpButtonBox", self.tr("Help"))
        add_help_button(help_box, Topic.CREATE)
        row.addWidget(help_box)
        self._busy = busy_bar("createBusyIndicator", self.tr("Working"), self)
        self._busy.setFixedWidth(80)
        self._status = named(QLabel(self), "createStatusLabel", self.tr("Progress"))
        row.addWidget(self._busy, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self._status, 1)
        self._cancel_button = named(
            QPushButton(self.tr("Cancel"), self), "cancelButton", self.tr("Cancel")
        )
        self._cancel_button.setAutoDefault(False)
        self._cancel_button.clicked.connect(self.reject)
        create_text = (
            self.tr("Create API Key") if self._replacing is None else self.tr("Create replacement")
        )
        self._create_button = named(
            QPushButton(icon("add"), create_text, self), "createButton", create_text
        )
        self._create_button.setDefault(True)
        self._create_button.clicked.connect(self._on_create_clicked)
        # The destructive second step: styled red by keyward.qss (#confirmRevokeButton), never
        # the default button, so an Enter press cannot revoke a key by accident.
        self._confirm_button = named(
            QPushButton(icon("revoke"), "", self),
            "confirmRevokeButton",
            self.tr("Revoke the oldest key and create"),
        )
        self._confirm_button.setAutoDefault(False)
        self._confirm_button.hide()
        self._confirm_button.clicked.connect(self._on_confirm_clicked)
        for button in (self._cancel_button, self._create_button, self._confirm_button):
            row.addWidget(button)
        # Ctrl+Enter creates from anywhere in the form, the description included (where
        # Enter starts a new line), as Enter does from a one-line field; never the revoking
        # second step, which only a click or Space on its button takes.
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, self._create_from_keyboard)
        self._create_button.setToolTip(self.tr("Ctrl+Enter creates from any field"))
        return row

    def _create_from_keyboard(self) -> None:
        button = self._create_button
        if button.isVisible() and button.isEnabled():
            button.click()

    # ----------------------------------------------------------------- loading

    def _set_loading(self, loading: bool) -> None:
        self._form.setEnabled(not loading)
        self._create_button.setEnabled(not loading)
        self._busy.setVisible(loading)
        self._status.setText(self.tr("Loading your role and the key policy…") if loading else "")

    @Slot(object)
    def _on_context_loaded(self, context: _FormContext) -> None:
        self._context = context
        self._apply_max_lifetime(context.policy)
        self._fill_environments(context.policy)
        self._fill_owners(context)
        self._set_loading(False)
        self._name.setFocus(Qt.FocusReason.OtherFocusReason)
        self._check_policy()
        self.loaded.emit()

    @Slot(object)
    def _on_load_failed(self, error: BaseException) -> None:
        self._set_loading(False)
        self._form.setEnabled(False)
        self._create_button.setEnabled(False)
        self._error_banner.show_message(describe(error))
        self._tasks.report_if_bug(error)

    def _apply_max_lifetime(self, policy: PolicyDTO) -> None:
        """With a maximum lifetime an expiry is required and capped (the service checks it)."""
        days = policy.max_lifetime_days
        if days is None:
            return
        self._expiry.setMaximumDate(_qdate(self._today + timedelta(days=days)))
        self._no_expiry.setChecked(False)
        self._no_expiry.setEnabled(False)
        self._never_button.setEnabled(False)
        for quick_days, button in self._quick_expiry.items():
            button.setEnabled(quick_days <= days)
        reason = arg(self.tr("The key policy requires an expiry within %1 days."), days)
        for widget in (self._no_expiry, self._never_button):
            widget.setToolTip(reason)
        self._expiry_tip.setText(reason)
        self._expiry_tip.setAccessibleName(reason)
        self._set_expiry_days(min(DEFAULT_EXPIRY_DAYS, days))

    def _fill_environments(self, policy: PolicyDTO) -> None:
        self._environment.clear()
        for environment in policy.environments:
            self._environment.addItem(environment, environment)
        # A replacement starts in the old key's environment (listed even if since removed).
        wanted = self._replacing.environment if self._replacing is not None else "live"
        if self._replacing is not None and self._environment.findData(wanted) < 0:
            self._environment.addItem(wanted, wanted)
        self._environment.setCurrentIndex(max(self._environment.findData(wanted), 0))

    def _fill_owners(self, context: _FormContext) -> None:
        may_choose = bool(context.owners)
        self._owner_cell.setVisible(may_choose)
        if not may_choose:
            return
        self._owner.blockSignals(True)
        self._owner.clear()
        people = sorted(context.owners, key=lambda user: user.display_name.casefold())
        for user in people:
            text = _person(user)
            if user.login == context.operator.login:
                text = arg(self.tr("%1 — you"), text)
            self._owner.addItem(text, user.login)
        self._owner.setCurrentIndex(max(self._owner.findData(context.operator.login), 0))
        self._owner.blockSignals(False)

    # ----------------------------------------------------------------- policy

    def _owner_login(self) -> str | None:
        if self._context is None:
            return None
        if self._context.owners and self._owner.currentData():
            return str(self._owner.currentData())
        return self._context.operator.login

    def _owner_label(self, login: str) -> str | None:
        """None for the operator (the warning then says "your"), else the person's name."""
        if self._context is None or login == self._context.operator.login:
            return None
        for user in self._context.owners:
            if user.login == login:
                return user.display_name
        return login

    def _check_policy(self) -> None:
        owner = self._owner_login()
        if self._context is None or owner is None:
            return
        limit = self._context.policy.max_active_keys_per_user
        self._policy_task.submit(
            partial(_policy_outlook, self._services, owner, limit),
            self._on_policy_outlook,
            # The up-front warning is a courtesy; the create call enforces the policy anyway.
            lambda _error: self._on_policy_outlook(None),
            owner=self,
        )

    @Slot(object)
    def _on_policy_outlook(self, outlook: _PolicyOutlook | None) -> None:
        if self._pending_revoke is not None:
            return  # the service's own answer is on screen; it wins
        if outlook is None or outlook.owner_login != self._owner_login():
            self._policy_banner.clear()
            return
        named_keys = tuple((dto.key_id, dto.name) for dto in outlook.to_revoke)
        self._policy_banner.show_message(
            self._policy_sentence(named_keys, outlook.owner_login)
            + " "
            + self.tr("You will be asked to confirm.")
        )

    def _policy_sentence(self, keys: tuple[tuple[str, str], ...], owner: str) -> str:
        """What the create will revoke: every key by name and id. ``keys`` is (id, name)."""
        limit = self._context.policy.max_active_keys_per_user if self._context else None
        person = self._owner_label(owner)
        if len(keys) == 1:
            key_id, key_name = keys[0]
            if person is None:
                text = (
                    self.tr(
                        "Creating this key will revoke your existing key “%1” (%2): only one "
                        "active key per user is allowed."
                    )
                    if limit == 1
                    else self.tr(
                        "Creating this key will revoke your oldest active key “%1” (%2): at "
                        "most %4 active keys per user are allowed."
                    )
                )
            else:
                text = (
                    self.tr(
                        "Creating this key will revoke %3's existing key “%1” (%2): "
                        "only one active key per user is allowed."
                    )
                    if limit == 1
                    else self.tr(
                        "Creating this key will revoke %3's oldest active key “%1” (%2): "
                        "at most %4 active keys per user are allowed."
                    )
                )
            consequence = self.tr("Any integration using “%1” stops working at once.")
            # %1 name, %2 id, %3 person, %4 limit: translators may reorder them.
            return arg(text, key_name, key_id, person, limit) + " " + arg(consequence, key_name)
        listed = self.tr(", ").join(
            arg(self.tr("“%1” (%2)"), key_name, key_id) for key_id, key_name in keys
        )
        if person is None:
            text = (
                self.tr(
                    "Creating this key will revoke your %1 active keys, %2: only one active "
                    "key per user is allowed."
                )
                if limit == 1
                else self.tr(
                    "Creating this key will revoke your %1 oldest active keys, %2: at most %4 "
                    "active keys per user are allowed."
                )
            )
        else:
            text = (
                self.tr(
                    "Creating this key will revoke %3's %1 active keys, %2: only one active "
                    "key per user is allowed."
                )
                if limit == 1
                else self.tr(
                    "Creating this key will revoke %3's %1 oldest active keys, %2: at most %4 "
                    "active keys per user are allowed."
                )
            )
        consequence = self.tr("Any integration using them stops working at once.")
        # %1 count, %2 the keys, %3 person, %4 limit: translators may reorder them.
        return arg(text, len(keys), listed, person, limit) + " " + consequence

    def _ask_policy_confirmation(self, refusal: PolicyConfirmationRequired, owner: str) -> None:
        keys: tuple[tuple[str, str], ...] = tuple(
            (dto.key_id, dto.name) for dto in refusal.keys_to_revoke
        ) or ((refusal.key_to_revoke, refusal.key_name),)
        if self._context is not None and self._context.policy.max_active_keys_per_user:
            sentence = self._policy_sentence(keys, owner)
        else:
            sentence = refusal.message  # the limit was set after this dialog opened
        self._pending_revoke = keys
        if len(keys) == 1:
            label = arg(self.tr("Revoke “%1” and create"), _shorten(keys[0][1]))
            keep = arg(
                self.tr("Confirm with the button below, or Cancel to keep “%1”."), keys[0][1]
            )
        else:
            label = self.tr("Revoke %n keys and create", "", len(keys))
            keep = self.tr("Confirm with the button below, or Cancel to keep them.")
        self._confirm_button.setText(label)
        self._confirm_button.setAccessibleName(label.replace("…", ""))
        self._policy_banner.show_message(sentence + " " + keep)
        self._create_button.hide()
        self._confirm_button.show()
        self._confirm_button.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def keys_to_revoke(self) -> tuple[str, ...]:
        """Ids of the keys the confirmation button will revoke (empty until asked)."""
        return tuple(key_id for key_id, _name in self._pending_revoke or ())

    def _forget_confirmation(self) -> None:
        self._pending_revoke = None
        self._confirm_button.hide()
        self._create_button.show()

    # ----------------------------------------------------------------- editing

    @Slot(str)
    def _on_name_edited(self, text: str) -> None:
        self._validate_live("name", lambda: clean_name(text), empty=not text.strip())

    @Slot()
    def _on_description_edited(self) -> None:
        self._update_description_count()
        text = self._description.toPlainText()
        self._validate_live("description", lambda: clean_description(text), empty=not text)

    def _validate_live(self, field: str, check: Callable[[], object], *, empty: bool) -> None:
        """Instant feedback as the user types; an empty field only complains after a submit."""
        if empty and not self._attempted:
            self._clear_field_error(field)
            return
        try:
            check()
        except ValidationError as error:
            self._show_field_error(error.field, error.message, focus=False)
        else:
            self._clear_field_error(field)

    def _update_description_count(self) -> None:
        length = len(self._description.toPlainText())
        self._description_count.setText(f"{length} / {MAX_DESCRIPTION}")
        self._description_count.setAccessibleName(
            arg(self.tr("%1 of %2 characters"), length, MAX_DESCRIPTION)
        )

    def _set_expiry_days(self, days: int | None) -> None:
        if days is None:
            self._no_expiry.setChecked(True)
        else:
            self._expiry.setDate(_qdate(self._today + timedelta(days=days)))
            self._no_expiry.setChecked(False)
        self._update_expiry_summary()

    @Slot(bool)
    def _on_no_expiry_toggled(self, checked: bool) -> None:
        self._expiry.setEnabled(not checked)
        self._clear_field_error("expires")
        self._update_expiry_summary()

    @Slot(QDate)
    def _on_expiry_changed(self, _day: QDate) -> None:
        self._clear_field_error("expires")
        self._update_expiry_summary()

    def _update_expiry_summary(self) -> None:
        day = self._expiry_day()
        if day is None:
            text = self.tr("The key never expires; it works until it is revoked.")
        else:
            text = arg(
                self.tr("The key stops working at the end of %1 (UTC), %2 days from today."),
                QLocale().toString(self._expiry.date(), "d MMM yyyy"),
                (day - self._today).days,
            )
        self._expiry_summary.setText(text)
        self._expiry_summary.setAccessibleName(text)

    def _expiry_day(self) -> date | None:
        if self._no_expiry.isChecked():
            return None
        day: date = self._expiry.date().toPython()  # type: ignore[assignment]
        return day

    @Slot(int)
    def _on_owner_changed(self, _index: int) -> None:
        self._clear_field_error("owner")
        if self._pending_revoke is not None:
            self._forget_confirmation()  # that confirmation was about another person's key
        self._policy_banner.clear()
        self._check_policy()

    # ----------------------------------------------------------------- errors

    def _show_field_error(self, field: str, message: str, *, focus: bool = True) -> bool:
        """Show ``message`` under the field; False if there is no such (visible) field."""
        banner = self._field_errors.get(field)
        widget = self._field_widgets.get(field)
        if banner is None or widget is None or not widget.isVisibleTo(self):
            return False
        banner.show_message(message)
        widget.setAccessibleDescription(message)
        if focus:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _clear_field_error(self, field: str) -> None:
        banner = self._field_errors.get(field)
        if banner is not None and not banner.isHidden():
            banner.clear()
            self._field_widgets[field].setAccessibleDescription("")

    def _clear_errors(self) -> None:
        self._error_banner.clear()
        for field in self._field_errors:
            self._clear_field_error(field)

    # ----------------------------------------------------------------- creating

    def _collect(self) -> _Request | None:
        """The form as a request, or None after showing what to fix (first field focused)."""
        self._attempted = True
        self._clear_errors()
        problems: list[ValidationError] = []
        name = description = ""
        expires = self._expiry_day()
        try:
            name = clean_name(self._name.text())
        except ValidationError as error:
            problems.append(error)
        try:
            description = clean_description(self._description.toPlainText())
        except ValidationError as error:
            problems.append(error)
        try:
            parse_expiry(expires, today=self._today)
        except ValidationError as error:
            problems.append(error)
        for index, problem in enumerate(problems):
            self._show_field_error(problem.field, problem.message, focus=index == 0)
        if problems:
            return None
        owner = self._owner_login()
        assert self._context is not None
        return _Request(
            name=name,
            description=description,
            expires=expires,
            environment=str(self._environment.currentData() or "live"),
            # A member creates for themselves; only pass an owner the operator chose.
            owner=owner if self._context.owners else None,
        )

    @Slot()
    def _on_create_clicked(self) -> None:
        self._submit(replace_oldest=False)

    @Slot()
    def _on_confirm_clicked(self) -> None:
        self._submit(replace_oldest=True)

    def _submit(self, *, replace_oldest: bool) -> None:
        if self._creating or self._context is None:
            return
        request = self._collect()
        if request is None:
            return
        self._set_creating(True, replace_oldest=replace_oldest)
        owner = request.owner or self._context.operator.login
        if self._replacing is not None:
            self._tasks.submit(
                partial(_replace, self._services, self._replacing.key_id, request, replace_oldest),
                self._on_replaced,
                partial(self._on_create_failed, owner=owner),
                owner=self,
            )
            return
        self._operations.create(
            request.name,
            request.description,
            expires=request.expires,
            environment=request.environment,
            owner=request.owner,
            replace_oldest=replace_oldest,
            on_success=self._on_created,
            on_failure=partial(self._on_create_failed, owner=owner),
        )

    def _set_creating(self, creating: bool, *, replace_oldest: bool = False) -> None:
        self._creating = creating
        self._form.setEnabled(not creating)
        button = self._confirm_button if self._pending_revoke else self._create_button
        button.setEnabled(not creating)
        if creating:
            self._button_text = button.text()
            button.setText(self.tr("Creating…"))
        else:
            button.setText(self._button_text)
        self._busy.setVisible(creating)
        self._status.setText(
            (
                self.tr("Revoking the old key and creating the new one…")
                if replace_oldest
                else self.tr("Creating the key…")
            )
            if creating
            else ""
        )

    @Slot(object)
    def _on_replaced(self, created: CreatedKey) -> None:
        # Announced like any create, so the Keys screen lists the new key.
        self._operations.announce_created(created)
        self._on_created(created)

    def _on_created(self, created: CreatedKey) -> None:
        # Every key revoked under the limit changed: the operation announced those the
        # service reported; any other the confirmation named is read again and announced.
        announced = {dto.key_id for dto in created.revoked_keys}
        if created.revoked_under_policy is not None:
            announced.add(created.revoked_under_policy.key_id)
        for key_id in self.keys_to_revoke:
            if key_id not in announced:
                self._operations.reload(key_id, on_failure=lambda _error: None)
        self._set_creating(False)
        # Emitted even after Cancel: the key exists now and its secret is shown only once.
        self.key_created.emit(created)
        if self._abandoned:
            self.deleteLater()
        else:
            self.accept()

    def _on_create_failed(self, error: BaseException, *, owner: str) -> None:
        self._set_creating(False)
        if self._abandoned:
            self._tasks.report_if_bug(error)
            self.deleteLater()  # nothing was created; nothing is lost
            return
        if isinstance(error, PolicyConfirmationRequired):
            self._ask_policy_confirmation(error, owner)
            return
        if isinstance(error, ValidationError) and self._show_field_error(
            error.field, error.message
        ):
            return
        self._error_banner.show_message(describe(error))
        self._tasks.report_if_bug(error)

    # ----------------------------------------------------------------- closing

    def reject(self) -> None:
        if self._creating:
            # The key may exist a moment from now, and its secret is shown only once: keep
            # this object alive (hidden) so that _on_created can still hand it over.
            self._abandoned = True
            self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        super().reject()
