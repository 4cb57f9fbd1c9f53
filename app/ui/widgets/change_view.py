"""An audit event's before and after, field by field: whole values, wrapped, changes marked.

Each field is one row (a ``QFrame#changeRow``) with the field's name, its value before and
its value after. A changed row carries the dynamic property ``changed="true"`` so the style
sheet tints it; the words "changed" also appear in its accessible description, so colour is
never the only signal. Values are never cut: long text wraps, and a long run without spaces
(a token-like id, a URL) may break anywhere rather than push the panel wider than the window.

``ChangeView(parent, stacked=False)``: side by side (Field | Before | After) for the audit
view, or stacked (field, then before, then after) for the narrow detail panel. Fields an
edit left alone are folded away behind "Show N unchanged fields" (every field of a created
or deleted key counts as changed, so those show whole).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.audit_diff import FieldChange, field_changes
from app.services.dto import AuditEventDTO
from app.ui.labels import field_label, value_label
from app.ui.text import arg

#: A run of characters without a space longer than this may break anywhere when shown.
_BREAKABLE_RUN = 24
_ZERO_WIDTH_SPACE = "\u200b"


def breakable(text: str) -> str:
    """``text`` with invisible break opportunities inside very long unbroken runs."""
    words = []
    for word in text.split(" "):
        if len(word) > _BREAKABLE_RUN:
            word = _ZERO_WIDTH_SPACE.join(
                word[start : start + _BREAKABLE_RUN]
                for start in range(0, len(word), _BREAKABLE_RUN)
            )
        words.append(word)
    return " ".join(words)


def shown_label(change: FieldChange) -> str:
    """The field's name in the console's language (the domain's English one otherwise)."""
    translated = field_label(change.field)
    if translated == change.field:
        return change.label
    return translated[:1].upper() + translated[1:]


def event_changes(event: AuditEventDTO, *, all_fields: bool = False) -> list[FieldChange]:
    """The fields of ``event`` to compare (created and deleted events show every field)."""
    return field_changes(event.before, event.after, all_fields=all_fields)


class ChangeView(QWidget):
    """Shows a list of :class:`FieldChange` (``set_changes``) or an event's (``set_event``)."""

    def __init__(self, parent: QWidget | None = None, *, stacked: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("changeView")
        self.setAccessibleName(self.tr("Changes"))
        self._stacked = stacked
        self._show_unchanged = False
        #: "after" for a created record, "before" for a deleted one: only that side is shown.
        self._one_sided: str | None = None
        self._changes: list[FieldChange] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._empty = QLabel(self)
        self._empty.setObjectName("changeViewEmpty")
        self._empty.setEnabled(False)
        self._empty.setWordWrap(True)
        self._layout.addWidget(self._empty)
        self._rows: list[QFrame] = []
        self.unchanged_toggle = QPushButton(self)
        self.unchanged_toggle.setObjectName("changeViewUnchangedToggle")
        self.unchanged_toggle.setFlat(True)
        self.unchanged_toggle.setAutoDefault(False)
        self.unchanged_toggle.clicked.connect(self._toggle_unchanged)
        self._layout.addWidget(self.unchanged_toggle)
        self.clear()

    @property
    def changes(self) -> list[FieldChange]:
        return list(self._changes)

    @property
    def stacked(self) -> bool:
        return self._stacked

    def set_stacked(self, stacked: bool) -> None:
        """Before over after (narrow) or side by side (wide)."""
        if stacked != self._stacked:
            self._stacked = stacked
            self.set_changes(
                self._changes, empty_text=self._empty.text(), one_sided=self._one_sided
            )

    def clear(self, text: str = "") -> None:
        self.set_changes([], empty_text=text)

    def set_event(self, event: AuditEventDTO | None, *, all_fields: bool = False) -> None:
        if event is None:
            self.clear()
            return
        if event.before is None and event.after is None:
            self.set_changes([], empty_text=self.tr("This event records no field values."))
            return
        one_sided = "after" if event.before is None else "before" if event.after is None else None
        self.set_changes(event_changes(event, all_fields=all_fields), one_sided=one_sided)

    def set_changes(
        self,
        changes: Sequence[FieldChange],
        *,
        empty_text: str = "",
        one_sided: str | None = None,
    ) -> None:
        """Show ``changes``; ``one_sided`` ("after"/"before") shows a created or deleted
        record's values alone, without an empty side beside each."""
        for row in self._rows:
            row.hide()
            row.deleteLater()
        self._rows = []
        self._changes = list(changes)
        self._one_sided = one_sided
        self._empty.setText(empty_text)
        self._empty.setVisible(not changes and bool(empty_text))
        shown = [c for c in changes if c.changed or self._show_unchanged]
        if shown and not self._stacked and one_sided is None:
            self._add_row(self._heading_row())
        for change in shown:
            self._add_row(self._row(change))
        unchanged = sum(1 for change in changes if not change.changed)
        self.unchanged_toggle.setVisible(unchanged > 0)
        if self._show_unchanged:
            self.unchanged_toggle.setText(self.tr("Hide unchanged fields"))
        else:
            self.unchanged_toggle.setText(
                self.tr("Show 1 unchanged field")
                if unchanged == 1
                else arg(self.tr("Show %1 unchanged fields"), unchanged)
            )

    def _add_row(self, row: QFrame) -> None:
        self._layout.insertWidget(self._layout.indexOf(self.unchanged_toggle), row)
        self._rows.append(row)

    @property
    def show_unchanged(self) -> bool:
        return self._show_unchanged

    def set_show_unchanged(self, show: bool) -> None:
        if show != self._show_unchanged:
            self._show_unchanged = show
            self.set_changes(
                self._changes, empty_text=self._empty.text(), one_sided=self._one_sided
            )

    def _toggle_unchanged(self) -> None:
        self.set_show_unchanged(not self._show_unchanged)

    # ------------------------------------------------------------------ rows

    def _heading_row(self) -> QFrame:
        row = QFrame(self)
        row.setObjectName("changeHeading")
        grid = self._grid(row)
        for column, text in enumerate((self.tr("Field"), self.tr("Before"), self.tr("After"))):
            label = QLabel(text, row)
            label.setObjectName("sectionTitle")
            grid.addWidget(label, 0, column)
        return row

    def _row(self, change: FieldChange) -> QFrame:
        row = QFrame(self)
        row.setObjectName("changeRow")
        row.setProperty("changed", "true" if change.changed else "false")
        name = shown_label(change)
        before = value_label(change.field, change.before)
        after = value_label(change.field, change.after)
        if change.changed:
            row.setAccessibleName(arg(self.tr("%1 changed"), name))
        else:
            row.setAccessibleName(arg(self.tr("%1 unchanged"), name))
        row.setAccessibleDescription(
            arg(self.tr("Before: %1. After: %2."), before or "—", after or "—")
        )
        field = QLabel(name, row)
        field.setObjectName("changeField")
        field.setProperty("changed", "true" if change.changed else "false")
        field.setWordWrap(True)
        field.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        old = self._value(before, "changeBefore", change.changed, row)
        new = self._value(after, "changeAfter", change.changed, row)
        old.setAccessibleName(arg(self.tr("%1 before"), name))
        new.setAccessibleName(arg(self.tr("%1 after"), name))
        grid = self._grid(row)
        if self._one_sided is not None:
            # A created (or deleted) record: its values, nothing beside them to compare.
            row.setProperty("changed", "false")
            field.setProperty("changed", "false")
            keep, drop = (new, old) if self._one_sided == "after" else (old, new)
            drop.hide()
            keep.setProperty("changed", "false")
            if self._stacked:
                grid.setColumnStretch(0, 1)
                grid.setColumnStretch(1, 0)
                grid.addWidget(field, 0, 0)
                grid.addWidget(keep, 1, 0)
            else:
                grid.addWidget(field, 0, 0)
                grid.addWidget(keep, 0, 1, 1, 2)
        elif self._stacked:
            grid.addWidget(field, 0, 0, 1, 2)
            if change.changed:
                grid.addWidget(self._caption(self.tr("Before"), row), 1, 0)
                grid.addWidget(old, 1, 1)
                grid.addWidget(self._caption(self.tr("After"), row), 2, 0)
                grid.addWidget(new, 2, 1)
            else:
                old.hide()
                grid.addWidget(new, 1, 0, 1, 2)
        else:
            grid.addWidget(field, 0, 0)
            grid.addWidget(old, 0, 1)
            grid.addWidget(new, 0, 2)
        return row

    def _grid(self, row: QFrame) -> QGridLayout:
        grid = QGridLayout(row)
        grid.setContentsMargins(6, 3, 6, 3)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(1)
        if self._stacked:
            grid.setColumnStretch(1, 1)
        else:
            # Field names take what they need (up to a third); the values share the rest.
            grid.setColumnStretch(0, 2)
            grid.setColumnStretch(1, 5)
            grid.setColumnStretch(2, 5)
        return grid

    @staticmethod
    def _caption(text: str, row: QFrame) -> QLabel:
        label = QLabel(text, row)
        label.setObjectName("changeCaption")
        label.setEnabled(False)  # muted, from the palette
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return label

    @staticmethod
    def _value(text: str, object_name: str, changed: bool, row: QFrame) -> QLabel:
        empty = QCoreApplication.translate("ChangeView", "(empty)")
        label = QLabel(breakable(text) if text else empty, row)
        label.setObjectName(object_name)
        label.setProperty("changed", "true" if changed else "false")
        label.setProperty("empty", "false" if text else "true")
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        label.setToolTip("")
        if not text:
            label.setEnabled(False)
        return label

    def value_texts(self) -> list[tuple[str, str, str]]:
        """``(field, before, after)`` as shown, break opportunities removed (for tests)."""
        result = []
        for row in self._rows:
            if row.objectName() != "changeRow":
                continue
            field = row.findChild(QLabel, "changeField")
            old = row.findChild(QLabel, "changeBefore")
            new = row.findChild(QLabel, "changeAfter")
            if field is None or old is None or new is None:
                continue
            result.append(
                (
                    field.text(),
                    old.text().replace(_ZERO_WIDTH_SPACE, ""),
                    new.text().replace(_ZERO_WIDTH_SPACE, ""),
                )
            )
        return result
