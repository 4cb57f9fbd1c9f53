"""The Policy screen: the key rules of this database, changed only after a dry run.

Saving never writes at once. The form is read into a
:class:`~app.services.settings.PolicyChanges` (only the settings that differ from the stored
policy), the service answers a :class:`~app.services.settings.PolicyPreview` — who is over a
new limit and which of their keys would go at their next create, which keys outlive a new
maximum lifetime — and only Apply in that preview (``policyPreview``) changes anything, one
audit event per setting. A value the rules refuse is named in one sentence under its field
and nothing is saved. Every database call runs on the task runner.

Non-admins see the policy read-only; the fields say why in their tooltip.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import Field, ValidationError
from app.domain.key_format import check_label
from app.domain.policy import (
    parse_expiry_warnings,
    parse_lifetime,
    parse_limit,
    parse_stale_after,
)
from app.domain.roles import Action, can
from app.services import Services
from app.services.dto import Operator
from app.services.settings import PolicyChanges, PolicyDTO, PolicyPreview
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
from app.ui.labels import role_label
from app.ui.resources import icon
from app.ui.tasks import LatestTask, TaskRunner
from app.ui.text import arg
from app.ui.widgets.banner import Banner, Tone


def parse_environments(text: str) -> tuple[str, ...]:
    """``"live, test"`` → ``("live", "test")``, as ``PolicyService`` reads it."""
    names = [check_label(label.strip().lower(), Field.ENVIRONMENT) for label in text.split(",")]
    unique = tuple(dict.fromkeys(name for name in names if name))
    if not unique:
        raise ValidationError(Field.ENVIRONMENT, "Name at least one environment, e.g. live.")
    return unique


@dataclass(frozen=True, slots=True)
class PolicyForm:
    """What the form says, every setting read and checked."""

    max_active_keys_per_user: int | None
    max_lifetime_days: int | None
    prefix: str
    environments: tuple[str, ...]
    stale_after_days: int
    expiry_warning_days: tuple[int, ...]

    def changes_from(self, policy: PolicyDTO) -> dict[str, Any]:
        """The settings that differ from ``policy`` (PolicyChanges keyword arguments)."""
        changed: dict[str, Any] = {}
        for name in (
            "max_active_keys_per_user",
            "max_lifetime_days",
            "prefix",
            "environments",
            "stale_after_days",
            "expiry_warning_days",
        ):
            value = getattr(self, name)
            if value != getattr(policy, name):
                changed[name] = value
        return changed


def read_form(values: dict[str, str]) -> tuple[PolicyForm | None, list[ValidationError]]:
    """Every field checked; the problems (one per field) if any."""
    problems: list[ValidationError] = []

    def attempt(read: Any) -> Any:
        try:
            return read()
        except ValidationError as error:
            problems.append(error)
            return None

    limit = attempt(lambda: parse_limit(values["limit"]))
    lifetime = attempt(lambda: parse_lifetime(values["lifetime"]))
    prefix = attempt(lambda: check_label(values["prefix"].strip(), Field.PREFIX))
    environments = attempt(lambda: parse_environments(values["environment"]))
    stale = attempt(lambda: parse_stale_after(values["stale_after"]))
    warnings = attempt(lambda: parse_expiry_warnings(values["expiry_warnings"]))
    if problems:
        return None, problems
    return PolicyForm(limit, lifetime, prefix, environments, stale, warnings), []


# ----------------------------------------------------------------------------- jobs


def _preview(services: Services, changes: PolicyChanges) -> PolicyPreview:
    return services.policy.preview(changes)


def _apply(services: Services, changes: PolicyChanges) -> PolicyDTO:
    return services.policy.apply(changes)


def _limit_text(value: int | None) -> str:
    return "unlimited" if value is None else str(value)


def _lifetime_text(value: int | None) -> str:
    return "none" if value is None else str(value)


def _warnings_text(days: tuple[int, ...]) -> str:
    return ", ".join(str(day) for day in days)


# ----------------------------------------------------------------------------- preview dialog


class PolicyPreviewDialog(FittingDialog):
    """``policyPreview``: what would change and whom it affects; Apply saves it."""

    #: The stored policy after Apply.
    applied = Signal(object)

    def __init__(
        self,
        preview: PolicyPreview,
        changes: PolicyChanges,
        services: Services,
        tasks: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self._changes = changes
        self._working = False
        self.setObjectName("policyPreview")
        self.setAccessibleName(self.tr("Preview of the policy change"))
        self.setWindowTitle(self.tr("Preview of the policy change"))
        self.setWindowIcon(icon("info"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setSizeGripEnabled(True)
        self.setMinimumWidth(600)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        header = QHBoxLayout()
        header.setSpacing(12)
        header.addWidget(icon_label("info", HEADER_ICON_SIZE, self), 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(title_label(self.tr("Check what this change does"), self))
        text.addWidget(
            hint_label(
                self.tr(
                    "Nothing is saved yet. Saving never revokes a key by itself: a person over "
                    "a new limit keeps their keys until their next create, which asks first; "
                    "keys beyond a new maximum lifetime keep their dates and are flagged."
                ),
                "policyPreviewIntro",
                self,
            )
        )
        header.addLayout(text, 1)
        layout.addLayout(header)

        self._error = Banner.labelled(
            Tone.ERROR, "policyApplyErrorLabel", self.tr("Problem saving the policy"), self
        )
        layout.addWidget(self._error)

        caption = QLabel(self.tr("What changes, and whom it affects"), self)
        font = QFont(caption.font())
        font.setWeight(QFont.Weight.DemiBold)
        caption.setFont(font)
        layout.addWidget(caption)
        self.lines = named(
            QListWidget(self), "policyPreviewLines", self.tr("What changes, and whom it affects")
        )
        self.lines.setWordWrap(True)
        self.lines.setSpacing(4)
        self.lines.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.lines.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lines.setMinimumHeight(160)
        for line in preview.lines():
            self.lines.addItem(line)
        layout.addWidget(self.lines, 1)

        buttons = QHBoxLayout()
        self._busy = busy_bar("policyApplyBusy", self.tr("Working"), self)
        self._busy.setFixedWidth(80)
        buttons.addWidget(self._busy, 0, Qt.AlignmentFlag.AlignVCenter)
        buttons.addStretch(1)
        cancel = named(
            QPushButton(self.tr("Cancel"), self), "cancelPolicyButton", self.tr("Cancel")
        )
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        self._apply_button = named(
            QPushButton(self.tr("Apply"), self), "applyPolicyButton", self.tr("Apply the policy")
        )
        self._apply_button.setDefault(True)
        self._apply_button.clicked.connect(self._on_apply)
        buttons.addWidget(cancel)
        buttons.addWidget(self._apply_button)
        layout.addLayout(buttons)

    @Slot()
    def _on_apply(self) -> None:
        if self._working:
            return
        self._working = True
        self._apply_button.setEnabled(False)
        self._busy.show()
        self._error.clear()
        self._tasks.submit(
            partial(_apply, self._services, self._changes),
            self._on_applied,
            self._on_failed,
            owner=self,
        )

    def _on_applied(self, policy: PolicyDTO) -> None:
        self._working = False
        self._busy.hide()
        self.applied.emit(policy)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self._working = False
        self._busy.hide()
        self._apply_button.setEnabled(True)
        self._error.show_message(describe(error))
        self._tasks.report_if_bug(error)


# ----------------------------------------------------------------------------- the screen

#: The form stays readable on a wide window: hints wrap at this width.
FORM_WIDTH = 760


def _section_title(text: str, parent: QWidget) -> QLabel:
    label = named(QLabel(text, parent), "policySectionTitle", text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.1)
    font.setWeight(QFont.Weight.DemiBold)
    label.setFont(font)
    return label


@dataclass(frozen=True, slots=True)
class _FieldSpec:
    field: str  # the Field value a ValidationError names
    object_name: str
    caption: str
    placeholder: str
    hint: str


class PolicyScreen(QWidget):
    """``PolicyScreen(services, tasks, parent)`` — objectName ``policyView``."""

    #: A short confirmation for the status bar.
    status_message = Signal(str)
    #: A failure for the window's error handling.
    error_occurred = Signal(object)
    #: The stored policy arrived (after a refresh or an Apply).
    loaded = Signal()
    #: The policy was changed here (the new PolicyDTO).
    policy_changed = Signal(object)
    #: The dry run's answer is on screen (the preview dialog).
    preview_shown = Signal(object)

    def __init__(
        self, services: Services, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("policyView")
        self.setAccessibleName(self.tr("Key policy"))
        self._services = services
        self._tasks = tasks
        self._operator: Operator | None = None
        self._policy: PolicyDTO | None = None
        self._load_task = LatestTask(tasks)
        self._previewing = False
        self._dirty = False
        self.fields: dict[str, QLineEdit] = {}
        self._errors: dict[str, Banner] = {}

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(10)
        outer.addWidget(self._build_header())
        self.banner = Banner("policyBanner", tone=Tone.INFO, parent=self)
        outer.addWidget(self.banner)
        self.read_only_note = hint_label("", "policyReadOnlyNote", self)
        self.read_only_note.hide()
        outer.addWidget(self.read_only_note)

        scroll = QScrollArea(self)
        scroll.setObjectName("policyScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # The page's own background shows through, as on the other screens.
        scroll.viewport().setAutoFillBackground(False)
        page = QWidget(scroll)
        page.setAutoFillBackground(False)
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        form = QWidget(page)
        form.setObjectName("policyForm")
        form.setMaximumWidth(FORM_WIDTH)
        column = QVBoxLayout(form)
        column.setContentsMargins(0, 0, 12, 0)
        column.setSpacing(10)
        specs = self._specs()
        for title, names in self._sections():
            column.addWidget(_section_title(title, form))
            for spec in specs:
                if spec.field in names:
                    column.addWidget(self._field_block(spec, form))
            column.addSpacing(6)
        column.addStretch(1)
        row.addWidget(form, 1)
        row.addStretch(0)
        scroll.setWidget(page)
        outer.addWidget(scroll, 1)
        # Below the scrolled form, so Save stays in sight on a small window.
        outer.addLayout(self._build_buttons(self))

        self._apply_permissions()

    # ================================================================== layout

    def _build_buttons(self, parent: QWidget) -> QHBoxLayout:
        """Save and Revert, left-aligned under the form's column."""
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        self.save_button = named(
            QPushButton(self.tr("Preview and save…"), parent),
            "savePolicyButton",
            self.tr("Preview and save the policy"),
        )
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.revert_button = named(
            QPushButton(self.tr("Revert"), parent),
            "revertPolicyButton",
            self.tr("Show the stored policy again"),
        )
        self.revert_button.clicked.connect(self._revert)
        self._busy = busy_bar("policyBusyIndicator", self.tr("Working"), parent)
        self._busy.setFixedWidth(80)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self._busy, 0, Qt.AlignmentFlag.AlignVCenter)
        buttons.addStretch(1)
        return buttons

    def _build_header(self) -> QWidget:
        header = QWidget(self)
        column = QVBoxLayout(header)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        title = named(QLabel(self.tr("Key policy"), header), "pageTitle", self.tr("Key policy"))
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setWeight(QFont.Weight.DemiBold)
        title.setFont(font)
        subtitle = QLabel(
            self.tr(
                "The rules every new key follows. Saving shows first whom a change affects; "
                "every change is recorded in the audit trail with its before and after."
            ),
            header,
        )
        subtitle.setObjectName("pageSubtitle")
        subtitle.setEnabled(False)
        subtitle.setWordWrap(True)
        column.addWidget(title)
        column.addWidget(subtitle)
        return header

    def _sections(self) -> tuple[tuple[str, frozenset[str]], ...]:
        return (
            (
                self.tr("Keys per person and lifetime"),
                frozenset({Field.LIMIT.value, Field.LIFETIME.value}),
            ),
            (
                self.tr("Token format"),
                frozenset({Field.PREFIX.value, Field.ENVIRONMENT.value}),
            ),
            (
                self.tr("Hygiene: stale and expiring keys"),
                frozenset({Field.STALE_AFTER.value, Field.EXPIRY_WARNINGS.value}),
            ),
        )

    def _specs(self) -> tuple[_FieldSpec, ...]:
        return (
            _FieldSpec(
                Field.LIMIT.value,
                "limitField",
                self.tr("Maximum &active keys per person"),
                self.tr("unlimited"),
                self.tr(
                    "A number, or “unlimited” (recommended: one key per integration and "
                    "environment). At the limit, creating a key revokes the owner's oldest "
                    "active keys after a confirmation; lowering it revokes nothing by itself."
                ),
            ),
            _FieldSpec(
                Field.LIFETIME.value,
                "lifetimeField",
                self.tr("Maximum &lifetime of new keys (days)"),
                self.tr("none"),
                self.tr(
                    "Days, e.g. 90, or “none”. With a maximum every new key needs an expiry "
                    "date within it; existing keys keep theirs and are flagged."
                ),
            ),
            _FieldSpec(
                Field.PREFIX.value,
                "prefixField",
                self.tr("Token &prefix"),
                "kw",
                self.tr(
                    "The start of every new token (kw_live_…); leak scanners look for it. "
                    "Existing tokens keep theirs."
                ),
            ),
            _FieldSpec(
                Field.ENVIRONMENT.value,
                "environmentsField",
                self.tr("&Environments"),
                "live, test",
                self.tr("Labels a key can carry, separated by commas, e.g. live, test, dev."),
            ),
            _FieldSpec(
                Field.STALE_AFTER.value,
                "staleField",
                self.tr("&Stale after (days without use)"),
                "90",
                self.tr("Keys unused this long are listed as stale (default 90)."),
            ),
            _FieldSpec(
                Field.EXPIRY_WARNINGS.value,
                "warningsField",
                self.tr("Expiry &warnings (days ahead)"),
                "30, 7, 1",
                self.tr("When a key counts as expiring soon, e.g. 30, 7, 1."),
            ),
        )

    def _field_block(self, spec: _FieldSpec, parent: QWidget) -> QWidget:
        block = QWidget(parent)
        block.setObjectName(f"{spec.object_name}Cell")
        column = QVBoxLayout(block)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        caption = QLabel(spec.caption, block)
        accessible = spec.caption.replace("&", "")
        edit = named(QLineEdit(block), spec.object_name, accessible)
        edit.setPlaceholderText(spec.placeholder)
        edit.setMaximumWidth(360)
        edit.textEdited.connect(partial(self._on_edited, spec.field))
        edit.returnPressed.connect(self.save)
        caption.setBuddy(edit)
        error = Banner.labelled(
            Tone.ERROR,
            f"{spec.object_name}Error",
            arg(self.tr("%1 error"), accessible),
            block,
        )
        column.addWidget(caption)
        column.addWidget(edit)
        column.addWidget(error)
        column.addWidget(hint_label(spec.hint, f"{spec.object_name}Hint", block))
        self.fields[spec.field] = edit
        self._errors[spec.field] = error
        return block

    # ================================================================== loading

    def refresh(self) -> None:
        """Read the stored policy (what the form shows, unless a change is being made)."""
        self._busy.show()
        self._load_task.submit(
            self._services.policy.get, self._on_loaded, self._on_load_failed, owner=self
        )

    @property
    def policy(self) -> PolicyDTO | None:
        return self._policy

    @Slot(object)
    def _on_loaded(self, policy: PolicyDTO) -> None:
        self._busy.hide()
        self._policy = policy
        if not self._is_dirty():
            self._fill(policy)
        self.loaded.emit()

    @Slot(object)
    def _on_load_failed(self, error: BaseException) -> None:
        self._busy.hide()
        self.banner.setProperty("tone", Tone.ERROR.value)
        self._restyle_banner()
        self.banner.show_message(describe(error), self.tr("Retry"), self.refresh)
        self._tasks.report_if_bug(error)

    def _fill(self, policy: PolicyDTO) -> None:
        values = {
            Field.LIMIT.value: _limit_text(policy.max_active_keys_per_user),
            Field.LIFETIME.value: _lifetime_text(policy.max_lifetime_days),
            Field.PREFIX.value: policy.prefix,
            Field.ENVIRONMENT.value: ", ".join(policy.environments),
            Field.STALE_AFTER.value: str(policy.stale_after_days),
            Field.EXPIRY_WARNINGS.value: _warnings_text(policy.expiry_warning_days),
        }
        for field, text in values.items():
            self.fields[field].setText(text)
            self._errors[field].clear()
        self._dirty = False

    def _is_dirty(self) -> bool:
        return self._dirty

    def _on_edited(self, field: str, _text: str) -> None:
        self._dirty = True
        self._errors[field].clear()

    @Slot()
    def _revert(self) -> None:
        if self._policy is not None:
            self._fill(self._policy)
        self.banner.clear()

    # ================================================================== saving

    def _values(self) -> dict[str, str]:
        return {field: edit.text() for field, edit in self.fields.items()}

    def _show_problems(self, problems: list[ValidationError]) -> None:
        first = True
        for problem in problems:
            banner = self._errors.get(problem.field.value)
            if banner is None:
                self._show_banner(problem.message, Tone.ERROR)
                continue
            banner.show_message(problem.message)
            if first:
                self.fields[problem.field.value].setFocus(Qt.FocusReason.OtherFocusReason)
                first = False

    @Slot()
    def save(self) -> None:
        """Check the form, ask the service for a dry run, and show it (nothing saved yet)."""
        if self._previewing or self._policy is None or not self._may_change():
            return
        for banner in self._errors.values():
            banner.clear()
        self.banner.clear()
        form, problems = read_form(self._values())
        if form is None:
            self._show_problems(problems)
            return
        changed = form.changes_from(self._policy)
        if not changed:
            self._show_banner(self.tr("Nothing to save: the policy is as shown."), Tone.INFO)
            return
        changes = PolicyChanges(**changed)
        self._previewing = True
        self.save_button.setEnabled(False)
        self._busy.show()
        self._tasks.submit(
            partial(_preview, self._services, changes),
            partial(self._on_preview, changes),
            self._on_preview_failed,
            owner=self,
        )

    def _on_preview(self, changes: PolicyChanges, preview: PolicyPreview) -> None:
        self._previewing = False
        self._busy.hide()
        self._apply_permissions()
        dialog = PolicyPreviewDialog(preview, changes, self._services, self._tasks, self)
        dialog.applied.connect(self._on_applied)
        dialog.open()
        self.preview_shown.emit(dialog)

    def _on_preview_failed(self, error: BaseException) -> None:
        self._previewing = False
        self._busy.hide()
        self._apply_permissions()
        if isinstance(error, ValidationError):
            self._show_problems([error])
            return
        self._show_banner(describe(error), Tone.ERROR)
        self._tasks.report_if_bug(error)

    @Slot(object)
    def _on_applied(self, policy: PolicyDTO) -> None:
        self._policy = policy
        self._fill(policy)
        message = self.tr("Saved the key policy; the audit trail records each change.")
        self._show_banner(message, Tone.INFO)
        self.status_message.emit(message)
        self.policy_changed.emit(policy)

    def _show_banner(self, text: str, tone: Tone) -> None:
        self.banner.setProperty("tone", tone.value)
        self._restyle_banner()
        self.banner.show_message(text)

    def _restyle_banner(self) -> None:
        style = self.banner.style()
        style.unpolish(self.banner)
        style.polish(self.banner)

    # ================================================================== roles

    def set_operator(self, operator: Operator | None) -> None:
        """Admins change the policy; everyone else reads it. The service enforces it."""
        self._operator = operator
        self._apply_permissions()

    def _may_change(self) -> bool:
        operator = self._operator
        return operator is not None and can(operator.role, Action.MANAGE_POLICY)

    def _read_only_reason(self) -> str:
        operator = self._operator
        if operator is None:
            return self.tr("Checking your role…")
        return arg(
            self.tr(
                "Your role (%1) lets you see the key policy but not change it; ask a Keyward admin."
            ),
            role_label(operator.role),
        )

    def _apply_permissions(self) -> None:
        may = self._may_change()
        reason = "" if may else self._read_only_reason()
        for edit in self.fields.values():
            edit.setReadOnly(not may)
            edit.setToolTip(reason)
        for button in (self.save_button, self.revert_button):
            button.setEnabled(may and not self._previewing)
            button.setToolTip(reason)
        self.read_only_note.setText(reason)
        self.read_only_note.setVisible(bool(reason) and self._operator is not None)
