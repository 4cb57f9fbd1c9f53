"""The detail panel: one key's facts, inline editing, the enable switch, history and usage.

Edits carry the version the panel was showing (``expected_version``); if someone changed
the key meanwhile, the service refuses and the panel says who and when, keeping what the
user typed until they choose Reload. Saving, the switch and Reload run through
:class:`~app.ui.operations.KeyOperations`, and the panel follows its ``key_changed`` and
``busy_changed`` whichever screen made the change. Revoke and delete are requests to the
screen, which also offers them from the table.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QFont, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import ConflictError, NotFound, ValidationError
from app.domain.roles import Role, can_manage_key
from app.domain.status import KeyState, KeyStatus
from app.domain.validation import MAX_DESCRIPTION, clean_description, clean_name
from app.services import Services
from app.services.changes import ChangeEvent
from app.services.dto import KeyDTO, Operator
from app.ui.labels import role_label
from app.ui.models.formatting import exact_utc
from app.ui.operations import KeyOperations
from app.ui.panels.key_activity import KeyActivity, section_title
from app.ui.panels.key_facts import KeyFacts
from app.ui.resources import icon
from app.ui.tasks import LatestTask, TaskRunner
from app.ui.text import arg
from app.ui.widgets.banner import Banner, Tone
from app.ui.widgets.error_text import FieldError
from app.ui.widgets.status_badge import StatusBadge
from app.ui.widgets.switch import Switch

PANEL_MIN_WIDTH = 320


def read_only_reason(role: Role) -> str:
    """Why the controls are disabled, in the tooltip a person sees."""
    if role is Role.AUDITOR:
        return QGuiApplication.translate(
            "KeyDetailPanel", "Your role (Auditor) can read keys but not change them"
        )
    if role is Role.VERIFIER:
        return QGuiApplication.translate(
            "KeyDetailPanel", "Your role (Verifier) is for services that verify tokens"
        )
    return arg(
        QGuiApplication.translate("KeyDetailPanel", "Your role (%1) can change your own keys only"),
        role_label(role),
    )


class KeyDetailPanel(QWidget):
    """Shows :attr:`key` and follows every new version of it the operations announce."""

    revoke_requested = Signal(object)  # KeyDTO
    delete_requested = Signal(object)  # KeyDTO
    rotate_requested = Signal(object)  # KeyDTO
    #: A link in the facts to another key (rotation): the screen selects that key.
    key_link_activated = Signal(str)  # key id
    close_requested = Signal()
    #: A short confirmation for the status bar ("Key id copied").
    status_message = Signal(str)
    #: An error for the window's presenter (the panel shows conflicts itself).
    error_occurred = Signal(object)

    def __init__(
        self,
        services: Services,
        tasks: TaskRunner,
        operations: KeyOperations,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("keyDetailPanel")
        self.setAccessibleName(self.tr("Key details"))
        self.setMinimumWidth(PANEL_MIN_WIDTH)
        self._services = services
        self._tasks = tasks
        self._operations = operations
        self._key: KeyDTO | None = None
        self._operator: Operator | None = None
        self._saving = False
        #: Someone else changed the key under an edit in progress: saving waits for Reload.
        self._changed_elsewhere = False
        self._names_task = LatestTask(tasks)
        self._build()
        self._connect()
        self._refresh_controls()

    # ================================================================== building

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._build_title())
        scroll = QScrollArea(self)
        scroll.setObjectName("keyDetailScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Not a Tab stop of its own: it scrolls to whichever control inside takes the focus.
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        body = QWidget(scroll)
        body.setObjectName("keyDetailBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 4, 16, 16)
        layout.setSpacing(14)
        self.conflict_banner = Banner("conflictBanner", tone=Tone.WARNING, dismissable=False)
        layout.addWidget(self.conflict_banner)
        layout.addLayout(self._build_editor())
        layout.addWidget(self._build_switch())
        layout.addWidget(section_title(self.tr("Details"), body))
        self.facts = KeyFacts(body)
        layout.addWidget(self.facts)
        self.activity = KeyActivity(
            self._services, self._tasks, clock=self._services.clock, parent=body
        )
        self.history_model = self.activity.history_model
        # Tab must pass through the history to the key's buttons below it, not walk its
        # cells (a QTableView's default): the arrows walk the rows. (Belongs in KeyActivity.)
        for view in self.activity.findChildren(QAbstractItemView):
            view.setTabKeyNavigation(False)
        layout.addWidget(self.activity, 1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        outer.addWidget(self._build_footer())

    def _build_title(self) -> QWidget:
        bar = QWidget(self)
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(16, 12, 8, 6)
        layout.setSpacing(8)
        self.title_label = QLabel(bar)
        self.title_label.setObjectName("keyTitle")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setWeight(QFont.Weight.DemiBold)
        self.title_label.setFont(font)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Names run to 100 characters: wrap them rather than cut them off under the badge.
        self.title_label.setWordWrap(True)
        self.title_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.status_badge = StatusBadge(bar)
        close = QToolButton(bar)
        close.setObjectName("closeDetailsButton")
        close.setIcon(icon("close"))
        close.setAutoRaise(True)
        close.setToolTip(self.tr("Close the details (Esc in the table)"))
        close.setAccessibleName(self.tr("Close details"))
        close.clicked.connect(self.close_requested)
        layout.addWidget(self.title_label, 1)
        layout.addWidget(self.status_badge, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        return bar

    def _build_editor(self) -> QVBoxLayout:
        layout = QVBoxLayout()
        layout.setSpacing(4)
        name_label = QLabel(self.tr("&Name"), self)
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("nameEdit")
        self.name_edit.setAccessibleName(self.tr("Name"))
        self.name_edit.setPlaceholderText(self.tr("What the key is for, e.g. Snowflake ETL"))
        name_label.setBuddy(self.name_edit)
        self.name_error = FieldError("nameError", self)
        description_label = QLabel(self.tr("&Description"), self)
        self.description_edit = QPlainTextEdit(self)
        self.description_edit.setObjectName("descriptionEdit")
        self.description_edit.setAccessibleName(self.tr("Description"))
        self.description_edit.setPlaceholderText(
            self.tr("Purpose. Owner: team or person. Systems: … Frequency: … Contact: …")
        )
        self.description_edit.setTabChangesFocus(True)
        line = self.description_edit.fontMetrics().lineSpacing()
        self.description_edit.setFixedHeight(line * 5 + 12)
        description_label.setBuddy(self.description_edit)
        self.description_error = FieldError("descriptionError", self)
        self.description_counter = QLabel(self)
        self.description_counter.setObjectName("descriptionCounter")
        self.description_counter.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setObjectName("saveDetailsButton")
        self.save_button.setAccessibleName(self.tr("Save name and description"))
        self.save_button.setToolTip(self.tr("Save (Enter in the name, Ctrl+S)"))
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setObjectName("cancelDetailsButton")
        self.cancel_button.setAccessibleName(self.tr("Discard changes"))
        self.cancel_button.setToolTip(self.tr("Discard your changes (Esc)"))

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addWidget(self.description_counter, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout.addWidget(name_label)
        layout.addWidget(self.name_edit)
        layout.addWidget(self.name_error)
        layout.addSpacing(6)
        layout.addWidget(description_label)
        layout.addWidget(self.description_edit)
        layout.addWidget(self.description_error)
        layout.addLayout(buttons)
        return layout

    def _build_switch(self) -> QWidget:
        box = QWidget(self)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.enabled_toggle = Switch(self.tr("Enabled"), box)
        self.enabled_toggle.setObjectName("enabledToggle")
        self.enabled_toggle.setAccessibleName(self.tr("Enabled"))
        self.enabled_hint = QLabel(box)
        self.enabled_hint.setObjectName("enabledHint")
        self.enabled_hint.setWordWrap(True)
        self.enabled_hint.setEnabled(False)  # secondary text, in the palette's muted colour
        layout.addWidget(self.enabled_toggle)
        layout.addWidget(self.enabled_hint)
        return box

    def _build_footer(self) -> QWidget:
        footer = QWidget(self)
        footer.setObjectName("keyDetailFooter")
        layout = QHBoxLayout(footer)
        layout.setContentsMargins(16, 8, 16, 12)
        layout.setSpacing(8)
        self.rotate_button = QPushButton(icon("refresh"), self.tr("Rotate…"), footer)
        self.rotate_button.setObjectName("rotateKeyButton")
        self.rotate_button.setAccessibleName(self.tr("Rotate key"))
        self.revoke_button = QPushButton(icon("revoke"), self.tr("Revoke…"), footer)
        self.revoke_button.setObjectName("revokeKeyButton")
        self.revoke_button.setAccessibleName(self.tr("Revoke key"))
        self.delete_button = QPushButton(icon("delete"), self.tr("Delete…"), footer)
        self.delete_button.setObjectName("deleteKeyButton")
        self.delete_button.setAccessibleName(self.tr("Delete key"))
        layout.addWidget(self.rotate_button)
        layout.addStretch(1)
        layout.addWidget(self.revoke_button)
        layout.addWidget(self.delete_button)
        return footer

    def _connect(self) -> None:
        self.name_edit.textEdited.connect(self._on_edited)
        self.description_edit.textChanged.connect(self._on_edited)
        self.name_edit.returnPressed.connect(self.save)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.cancel)
        self.enabled_toggle.clicked.connect(self._on_toggle_clicked)
        self.facts.copy_key_id_requested.connect(self._copy_key_id)
        self.facts.key_link_activated.connect(self.key_link_activated)
        self.rotate_button.clicked.connect(self._request_rotate)
        self.activity.error_occurred.connect(self.error_occurred)
        self.revoke_button.clicked.connect(self._request_revoke)
        self._operations.key_changed.connect(self._on_key_changed)
        self._operations.busy_changed.connect(self._on_busy_changed)
        self.delete_button.clicked.connect(self._request_delete)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for sequence, slot in (
            (QKeySequence(Qt.Key.Key_Escape), self.cancel),
            (QKeySequence.StandardKey.Save, self.save),
        ):
            shortcut = QShortcut(sequence, self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)

    # ================================================================== state

    @property
    def key(self) -> KeyDTO | None:
        return self._key

    def set_operator(self, operator: Operator | None) -> None:
        self._operator = operator
        self._refresh_controls()

    @property
    def can_manage(self) -> bool:
        if self._key is None or self._operator is None:
            return False
        owns = self._key.owner_login == self._operator.login
        return can_manage_key(self._operator.role, owns_key=owns)

    def is_dirty(self) -> bool:
        if self._key is None:
            return False
        return (
            self.name_edit.text() != self._key.name
            or self.description_edit.toPlainText() != self._key.description
        )

    def show_key(self, dto: KeyDTO) -> None:
        """Show ``dto``: another key, or a newer version of the one on display.

        For the same key, text the user is typing is kept; only the facts are refreshed.
        """
        same = self._key is not None and self._key.key_id == dto.key_id
        keep_text = same and self.is_dirty()
        self._key = dto
        if not same:
            self._clear_conflict()
            self._saving = False
            self.activity.clear()
        if not keep_text:
            self._set_fields(dto)
        self._show_facts(dto)
        self._refresh_controls()
        self.reload_history()
        self._load_linked_names(dto)
        self.setAccessibleDescription(dto.name)

    def clear(self) -> None:
        self._key = None
        self._names_task.cancel()
        self._clear_conflict()
        self.activity.clear()

    def _set_fields(self, dto: KeyDTO) -> None:
        self.name_edit.setText(dto.name)
        self.name_edit.setCursorPosition(0)
        self.description_edit.setPlainText(dto.description)
        self.name_error.show_error("")
        self.description_error.show_error("")

    def _show_facts(self, dto: KeyDTO) -> None:
        self.title_label.setText(dto.name)
        self.title_label.setToolTip(dto.name)
        self.status_badge.set_status(dto.status)
        self.facts.show_key(dto, self._services.clock())

    def _refresh_controls(self) -> None:
        dto = self._key
        manage = self.can_manage
        reason = read_only_reason(self._operator.role) if self._operator else ""
        busy = self._saving
        self.name_edit.setReadOnly(not manage or busy)
        self.description_edit.setReadOnly(not manage or busy)
        for widget in (self.name_edit, self.description_edit):
            widget.setToolTip("" if manage else reason)
        dirty = self.is_dirty()
        valid = not (self.name_error.text() or self.description_error.text())
        self.save_button.setVisible(manage)
        self.cancel_button.setVisible(manage)
        self.save_button.setEnabled(manage and dirty and valid and not busy)
        self.cancel_button.setEnabled(manage and dirty and not busy)
        self.save_button.setDefault(dirty)
        self._refresh_counter()
        revoked = dto is not None and dto.status is KeyStatus.REVOKED
        self._refresh_switch(dto, manage, revoked, reason)
        self.revoke_button.setEnabled(manage and not revoked)
        self.delete_button.setEnabled(manage)
        self._refresh_rotate(dto, manage, revoked, reason)
        if not manage:
            self.revoke_button.setToolTip(reason)
            self.delete_button.setToolTip(reason)
        else:
            self.revoke_button.setToolTip(
                self.tr("This key is already revoked")
                if revoked
                else self.tr("Revoke for good: integrations using it stop working at once")
            )
            self.delete_button.setToolTip(
                self.tr("Remove from the list; the audit trail keeps a record")
            )

    def _refresh_rotate(self, dto: KeyDTO | None, manage: bool, revoked: bool, reason: str) -> None:
        rotated = dto is not None and dto.replaced_by is not None
        busy = dto is not None and self._operations.is_busy(dto.key_id)
        self.rotate_button.setEnabled(manage and not revoked and not rotated and not busy)
        if not manage:
            tip = reason
        elif revoked:
            tip = self.tr("A revoked key cannot be rotated; create a new key instead")
        elif rotated:
            tip = self.tr("Already rotated: rotate the key that replaces it instead")
        else:
            tip = self.tr(
                "Create a successor with a new secret; this key keeps working for a grace "
                "period you choose"
            )
        self.rotate_button.setToolTip(tip)

    def _refresh_switch(self, dto: KeyDTO | None, manage: bool, revoked: bool, reason: str) -> None:
        toggle = self.enabled_toggle
        toggling = dto is not None and self._operations.is_busy(dto.key_id)
        if not toggling:  # while a change is on its way, show what the user asked for
            toggle.setChecked(dto is not None and dto.state is KeyState.ACTIVE)
        toggle.setEnabled(manage and not revoked and not toggling)
        if revoked:
            toggle.setToolTip(self.tr("A revoked key stays revoked; create a new key instead"))
            hint = self.tr("Revoked keys cannot be enabled again.")
        elif not manage:
            toggle.setToolTip(reason)
            hint = reason
        else:
            toggle.setToolTip(self.tr("Allow or block verifications of this key at once"))
            if dto is not None and dto.status is KeyStatus.EXPIRED:
                hint = self.tr("Expired: verifications are refused whatever this switch says.")
            elif toggle.isChecked():
                hint = self.tr("Integrations using this key are accepted.")
            else:
                hint = self.tr("Verifications are refused until you enable it again.")
        self.enabled_hint.setText(hint)

    def _refresh_counter(self) -> None:
        length = len(self.description_edit.toPlainText())
        self.description_counter.setText(f"{length} / {MAX_DESCRIPTION}")

    # ================================================================== editing

    @Slot()
    def _on_edited(self) -> None:
        if self._key is None:
            return
        self.name_error.show_error(self._problem(lambda: clean_name(self.name_edit.text())))
        self.description_error.show_error(
            self._problem(lambda: clean_description(self.description_edit.toPlainText()))
        )
        self._refresh_controls()

    @staticmethod
    def _problem(check: Callable[[], object]) -> str:
        try:
            check()
        except ValidationError as error:
            return error.message
        return ""

    @Slot()
    def save(self) -> None:
        dto = self._key
        if dto is None or not self.can_manage or not self.save_button.isEnabled():
            return
        if self._changed_elsewhere:  # their change is newer than what was edited
            self.conflict_banner.show()
            return
        name, description = self.name_edit.text(), self.description_edit.toPlainText()
        self._saving = True
        self._refresh_controls()
        self._operations.edit(
            dto,
            name=name,
            description=description,
            on_success=self._on_saved,
            on_failure=self._on_save_failed,
        )

    def _on_saved(self, saved: KeyDTO) -> None:
        self._saving = False
        if self._key is None or saved.key_id != self._key.key_id:
            return
        self._key = saved
        self._set_fields(saved)  # the stored text, as the service cleaned it (trimmed)
        self.show_key(saved)
        self.status_message.emit(arg(self.tr("Saved “%1”"), saved.name))

    def _on_save_failed(self, error: BaseException) -> None:
        self._saving = False
        self._refresh_controls()
        if isinstance(error, ValidationError) and error.field in {"name", "description"}:
            target = self.name_error if error.field == "name" else self.description_error
            target.show_error(error.message)
            self._refresh_controls()
        else:
            self._handle_error(error)

    @Slot()
    def cancel(self) -> None:
        if self._key is not None and self.is_dirty() and not self._saving:
            self._set_fields(self._key)
            self._clear_conflict()
            self._refresh_controls()

    # ================================================================== enable / disable

    @Slot(bool)
    def _on_toggle_clicked(self, checked: bool) -> None:
        dto = self._key
        if dto is None:
            return
        self._operations.set_enabled(
            dto, checked, on_success=self._on_toggled, on_failure=self._handle_error
        )
        self._refresh_controls()  # busy: the switch shows what was asked; refused: what is

    def _on_toggled(self, changed: KeyDTO) -> None:
        if self._key is not None and changed.key_id == self._key.key_id:
            verb = self.tr("Enabled") if changed.state is KeyState.ACTIVE else self.tr("Disabled")
            self.status_message.emit(arg(self.tr("%1 “%2”"), verb, changed.name))

    @Slot(object)
    def _on_key_changed(self, dto: KeyDTO) -> None:
        """A newer version of a key, from any screen: show it if it is the one shown."""
        if self._key is not None and dto.key_id == self._key.key_id:
            self.show_key(dto)

    @Slot(str, bool)
    def _on_busy_changed(self, key_id: str, _busy: bool) -> None:
        if self._key is not None and key_id == self._key.key_id:
            self._refresh_controls()

    # ================================================================== conflicts and reload

    def _handle_error(self, error: BaseException) -> None:
        if isinstance(error, ConflictError):
            self._show_conflict(error)
        else:  # a key found gone was announced as removed by the operations
            self.error_occurred.emit(error)

    def note_changed_elsewhere(self, dto: KeyDTO, change: ChangeEvent | None) -> None:
        """Someone else's newer version of the key on display (live updates), before it is
        shown: an edit in progress is told who changed it and when, and keeps its text, but
        cannot be saved over their change until Reload."""
        shown = self._key
        if shown is None or shown.key_id != dto.key_id or dto.version <= shown.version:
            return
        if not self.is_dirty():
            return  # nothing typed: the new version simply replaces the old one
        self._changed_elsewhere = True
        if change is not None:
            self._show_changed_by(change.actor, change.occurred_at)
        else:
            self._show_changed_by(dto.updated_by, dto.updated_at)

    @property
    def changed_elsewhere(self) -> bool:
        """The edit in progress was overtaken by someone else's change (until Reload)."""
        return self._changed_elsewhere

    def _clear_conflict(self) -> None:
        self._changed_elsewhere = False
        self.conflict_banner.hide()

    def _show_conflict(self, error: ConflictError) -> None:
        self._show_changed_by(error.changed_by, error.changed_at)

    def _show_changed_by(self, changed_by: str | None, changed_at: datetime | None) -> None:
        who = changed_by or self.tr("someone else")
        when = exact_utc(changed_at) if changed_at else self.tr("an unknown time")
        text = self.tr(
            "Changed by %1 at %2 since you opened it. Your text is kept; reload to see their "
            "change, then edit again."
        )
        self.conflict_banner.show_message(arg(text, who, when), self.tr("Reload"), self.reload)

    @Slot()
    def reload(self) -> None:
        """Fetch the stored key and show it, replacing what was typed."""
        dto = self._key
        if dto is None:
            return
        self._clear_conflict()

        def reloaded(fresh: KeyDTO) -> None:
            if self._key is None or self._key.key_id != fresh.key_id:
                return
            self._set_fields(fresh)  # replace what was typed
            self.show_key(fresh)

        self._operations.reload(dto.key_id, on_success=reloaded, on_failure=self._handle_error)

    def reload_history(self) -> None:
        if self._key is not None:
            self.activity.load(self._key.key_id)

    # ================================================================== other actions

    @Slot()
    def _copy_key_id(self) -> None:
        if self._key is not None:
            QGuiApplication.clipboard().setText(self._key.key_id)
            self.status_message.emit(arg(self.tr("Copied the key id %1"), self._key.key_id))

    def _load_linked_names(self, dto: KeyDTO) -> None:
        """The names of the keys a rotation links this one to, for the facts' links."""
        linked = [key_id for key_id in (dto.replaces, dto.replaced_by) if key_id]
        if not linked:
            self._names_task.cancel()
            return
        keys, key_id = self._services.keys, dto.key_id

        def names() -> dict[str, str]:
            found = {}
            for other in linked:
                with contextlib.suppress(NotFound):  # deleted since: the link shows its id
                    found[other] = keys.get(other).name
            return found

        def arrived(found: dict[str, str]) -> None:
            if self._key is not None and self._key.key_id == key_id:
                self.facts.set_key_names(found)

        self._names_task.submit(names, arrived, self._tasks.report_if_bug, owner=self)

    @Slot()
    def _request_rotate(self) -> None:
        if self._key is not None and self.rotate_button.isEnabled():
            self.rotate_requested.emit(self._key)

    @Slot()
    def _request_revoke(self) -> None:
        if self._key is not None:
            self.revoke_requested.emit(self._key)

    @Slot()
    def _request_delete(self) -> None:
        if self._key is not None:
            self.delete_requested.emit(self._key)

    def sizeHint(self) -> QSize:
        return QSize(400, 640)
