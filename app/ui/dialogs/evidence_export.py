"""Export evidence: a period's audit trail, checkpoints and inventories, checkable offline.

The dialog asks for the period (whole days in UTC, as the pack and ``keyward audit
evidence`` count them; the previous calendar month by default), the folder to put the pack
in, and whether to zip it. ``EvidenceService.export`` writes it off the GUI thread behind a
progress dialog with Cancel; the pack appears whole or not at all. The result names where
the pack is, opens that folder, and can check the pack at once with ``verify_evidence`` —
the same check a colleague runs on another machine without the database.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, QStandardPaths, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import Cancelled
from app.services import Services
from app.services.evidence import EvidenceResult, EvidenceVerdict, verify_evidence
from app.ui.dialogs.common import (
    HEADER_ICON_SIZE,
    FittingDialog,
    hint_label,
    icon_label,
    named,
    title_label,
)
from app.ui.errors import describe
from app.ui.help import Topic, add_help_button
from app.ui.models.formatting import count_text
from app.ui.progress import run_with_progress
from app.ui.resources import icon
from app.ui.tasks import TaskRunner
from app.ui.text import arg, plural
from app.ui.widgets.banner import Banner, Tone

#: Qt's own folder dialog, not the platform's (tests drive it; set False on desktops that
#: want the native one — the console keeps Qt's for a predictable, scriptable dialog).
USE_QT_FILE_DIALOG = True


def previous_month(today: date) -> tuple[date, date]:
    """The first and last day of the calendar month before ``today``'s."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def pack_name(start: date, end: date) -> str:
    """``keyward-evidence-2026-10-01_2026-10-31``."""
    return f"keyward-evidence-{start.isoformat()}_{end.isoformat()}"


def free_target(folder: Path, start: date, end: date, as_zip: bool) -> Path:
    """A pack path in ``folder`` that does not exist yet (``…-2``, ``…-3`` if it does)."""
    stem = pack_name(start, end)
    suffix = ".zip" if as_zip else ""
    candidate = folder / f"{stem}{suffix}"
    number = 2
    while candidate.exists() or candidate.is_symlink():
        candidate = folder / f"{stem}-{number}{suffix}"
        number += 1
    return candidate


def default_folder() -> str:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return documents if documents and Path(documents).is_dir() else str(Path.home())


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class EvidenceExportDialog(FittingDialog):
    """``EvidenceExportDialog(services, tasks, parent)``; open it with ``open()``."""

    def __init__(
        self, services: Services, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._tasks = tasks
        self._busy = False
        self._verifying = False
        self._result: EvidenceResult | None = None

        title = self.tr("Export Evidence")
        self.setObjectName("evidenceExportDialog")
        self.setAccessibleName(title)
        self.setWindowTitle(title)
        self.setWindowIcon(icon("audit"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(600)

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addLayout(self._build_header())
        layout.addLayout(self._build_form())
        self._error = Banner.labelled(Tone.ERROR, "evidenceErrorLabel", self.tr("Problem"), self)
        layout.addWidget(self._error)
        layout.addWidget(self._build_result())
        layout.addStretch(1)
        layout.addWidget(self._build_buttons())
        self._update_target()

    # ----------------------------------------------------------------- layout

    def _build_header(self) -> QHBoxLayout:
        header = QHBoxLayout()
        header.setSpacing(12)
        header.addWidget(icon_label("audit", HEADER_ICON_SIZE, self), 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(title_label(self.tr("Export an evidence pack"), self))
        column.addWidget(
            hint_label(
                self.tr(
                    "One folder (or zip) with the keys as they were at the start and at the "
                    "end of the period, every event of the period with its hash chain, the "
                    "signed checkpoints that cover it, a manifest of SHA-256 sums and a README. "
                    "Anyone can check it offline, without the database."
                ),
                "evidenceIntroLabel",
                self,
            )
        )
        header.addLayout(column, 1)
        return header

    def _build_form(self) -> QFormLayout:
        form = QFormLayout()
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        form.setContentsMargins(HEADER_ICON_SIZE + 12, 0, 0, 0)
        start, end = previous_month(self._services.clock().date())
        self.from_field = self._date_field("evidenceFromField", self.tr("From"), start)
        self.to_field = self._date_field("evidenceToField", self.tr("To"), end)
        period = QHBoxLayout()
        period.setSpacing(8)
        period.addWidget(self.from_field)
        period.addWidget(named(QLabel(self.tr("to"), self), "evidenceToCaption", self.tr("to")))
        period.addWidget(self.to_field)
        period.addStretch(1)
        period_cell = QVBoxLayout()
        period_cell.setSpacing(2)
        period_cell.addLayout(period)
        period_cell.addWidget(
            hint_label(
                self.tr(
                    "Whole days in UTC, both included. Suggested: the previous calendar month."
                ),
                "evidencePeriodHint",
                self,
            )
        )
        form.addRow(self._caption(self.tr("&Period"), self.from_field), period_cell)
        self.folder_field = named(QLineEdit(self), "evidenceFolderField", self.tr("Folder"))
        self.folder_field.setText(default_folder())
        self.folder_field.setClearButtonEnabled(True)
        self.folder_field.textChanged.connect(self._update_target)
        choose = named(
            QPushButton(self.tr("&Choose…"), self), "evidenceFolderButton", self.tr("Choose folder")
        )
        choose.setAutoDefault(False)
        choose.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.setSpacing(8)
        folder_row.addWidget(self.folder_field, 1)
        folder_row.addWidget(choose)
        self.zip_check = named(
            QCheckBox(self.tr("As one &zip file"), self), "evidenceZipCheck", self.tr("As zip")
        )
        self.zip_check.toggled.connect(self._update_target)
        self.target_label = hint_label("", "evidenceTargetLabel", self)
        # A path breaks anywhere when wrapped: one line, the full path in the tooltip.
        self.target_label.setWordWrap(False)
        self.target_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        folder_cell = QVBoxLayout()
        folder_cell.setSpacing(4)
        folder_cell.addLayout(folder_row)
        folder_cell.addWidget(self.zip_check)
        folder_cell.addWidget(self.target_label)
        form.addRow(self._caption(self.tr("&Save in"), self.folder_field), folder_cell)
        self.from_field.dateChanged.connect(self._update_target)
        self.to_field.dateChanged.connect(self._update_target)
        return form

    def _caption(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text, self)
        label.setBuddy(buddy)
        return label

    def _date_field(self, object_name: str, accessible: str, day: date) -> QDateEdit:
        field = named(QDateEdit(self), object_name, accessible)
        field.setCalendarPopup(True)
        field.setDisplayFormat("d MMM yyyy")
        field.setDateRange(QDate(2000, 1, 1), _qdate(self._services.clock().date()))
        field.setDate(_qdate(day))
        return field

    def _build_result(self) -> QWidget:
        self.result_banner = Banner.labelled(
            Tone.INFO, "evidenceResultLabel", self.tr("Result"), self, icon_name="audit"
        )
        self.open_button = named(
            QPushButton(self.tr("Open folder"), self),
            "openEvidenceFolderButton",
            self.tr("Open folder"),
        )
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(self.open_folder)
        self.verify_button = named(
            QPushButton(self.tr("Verify pack"), self),
            "verifyEvidenceButton",
            self.tr("Verify pack"),
        )
        self.verify_button.setToolTip(
            self.tr("Check the pack as a colleague would: manifest, chain and signatures")
        )
        self.verify_button.setAutoDefault(False)
        self.verify_button.clicked.connect(self.verify)
        self.verify_label = named(QLabel(self), "evidenceVerifyLabel", self.tr("Check result"))
        self.verify_label.setWordWrap(True)
        self.verify_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        holder = named(QWidget(self), "evidenceResult", self.tr("Result"))
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(self.result_banner)
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.open_button)
        row.addWidget(self.verify_button)
        row.addWidget(self.verify_label, 1)
        column.addLayout(row)
        holder.hide()
        self._result_holder = holder
        return holder

    def _build_buttons(self) -> QDialogButtonBox:
        box = named(QDialogButtonBox(self), "evidenceButtonBox", self.tr("Dialog buttons"))
        self.export_button = named(
            QPushButton(icon("download"), self.tr("&Export"), self),
            "evidenceExportButton",
            self.tr("Export"),
        )
        self.export_button.setDefault(True)
        box.addButton(self.export_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.clicked.connect(self.export)
        self.close_button = named(
            box.addButton(QDialogButtonBox.StandardButton.Close), "closeButton", self.tr("Close")
        )
        self.close_button.setAutoDefault(False)
        box.rejected.connect(self.reject)
        add_help_button(box, Topic.AUDIT)
        return box

    # ----------------------------------------------------------------- inputs

    def period(self) -> tuple[date, date]:
        start: date = self.from_field.date().toPython()  # type: ignore[assignment]
        end: date = self.to_field.date().toPython()  # type: ignore[assignment]
        return start, end

    def target(self) -> Path | None:
        """Where the pack will be written (None while the folder is missing)."""
        text = self.folder_field.text().strip()
        if not text:
            return None
        folder = Path(text).expanduser()
        start, end = self.period()
        return free_target(folder, start, end, self.zip_check.isChecked())

    @Slot()
    def _update_target(self) -> None:
        start, end = self.period()
        target = self.target()
        if end < start:
            self.target_label.setText(self.tr("The period ends before it starts."))
        elif target is None:
            self.target_label.setText(self.tr("Choose the folder to save the pack in."))
        else:
            self.target_label.setText(arg(self.tr("New pack: %1"), target.name))
        self.target_label.setToolTip(str(target) if target is not None else "")
        self.export_button.setEnabled(not self._busy and target is not None and end >= start)

    @Slot()
    def choose_folder(self) -> QFileDialog:
        """Qt's folder dialog (opened, not run): the choice fills the folder field."""
        dialog = QFileDialog(self, self.tr("Save the evidence pack in"))
        dialog.setObjectName("evidenceFolderDialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, USE_QT_FILE_DIALOG)
        current = self.folder_field.text().strip()
        if current and Path(current).expanduser().is_dir():
            dialog.setDirectory(str(Path(current).expanduser()))
        dialog.fileSelected.connect(self.folder_field.setText)
        dialog.open()
        return dialog

    # ----------------------------------------------------------------- exporting

    @Slot()
    def export(self) -> None:
        if self._busy:
            return
        target = self.target()
        start, end = self.period()
        if target is None or end < start:
            return
        self._error.clear()
        self._set_busy(True)
        evidence = self._services.evidence

        def job(report: object) -> EvidenceResult:
            return evidence.export(start, end, target, progress=report)  # type: ignore[arg-type]

        run_with_progress(
            self._tasks,
            self,
            self.tr("Exporting evidence"),
            job,
            self._on_exported,
            self._on_failed,
            label=arg(
                self.tr("Writing the evidence pack for %1 to %2…"),
                start.isoformat(),
                end.isoformat(),
            ),
            object_name="evidenceProgressDialog",
        )

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.from_field, self.to_field, self.folder_field, self.zip_check):
            widget.setEnabled(not busy)
        self.close_button.setEnabled(not busy)
        self._update_target()

    def _on_exported(self, result: EvidenceResult) -> None:
        self._set_busy(False)
        self._result = result
        events = plural(result.events, self.tr("1 event"), self.tr("%1 events"))
        keys = plural(result.keys, self.tr("1 key"), self.tr("%1 keys"))
        text = arg(
            self.tr("Exported %1 and the inventory of %2 to %3"),
            arg(events, count_text(result.events)),
            arg(keys, count_text(result.keys)),
            str(result.directory),
        )
        self.result_banner.show_message(text)
        self.verify_label.clear()
        self._result_holder.show()
        # Done: Enter now closes instead of writing a second pack.
        self.export_button.setDefault(False)
        self.close_button.setDefault(True)
        self.verify_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, Cancelled):
            self._error.show_message(self.tr("Cancelled: no evidence pack was written."))
            return
        self._error.show_message(describe(error))
        self._tasks.report_if_bug(error)

    # ----------------------------------------------------------------- after

    @property
    def exported(self) -> EvidenceResult | None:
        """The pack written last (None before an export finished)."""
        return self._result

    def pack_folder(self) -> Path | None:
        """The folder that holds the pack (the pack itself, or the zip's folder)."""
        if self._result is None:
            return None
        path = self._result.directory
        return path if path.is_dir() else path.parent

    @Slot()
    def open_folder(self) -> None:
        folder = self.pack_folder()
        if folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    @Slot()
    def verify(self) -> None:
        if self._result is None:
            return
        if self._verifying:
            return
        path = self._result.directory
        # The button stays enabled (disabling it would move the focus, and Enter, to Export).
        self._verifying = True
        self.verify_label.setText(self.tr("Checking…"))
        self._tasks.submit(lambda: verify_evidence(path), self._on_verified, owner=self)

    def _on_verified(self, verdict: EvidenceVerdict) -> None:
        self._verifying = False
        self.verify_label.setText(verdict_sentence(verdict))
        self.verify_label.setProperty("error", not verdict.ok)
        style = self.verify_label.style()
        style.unpolish(self.verify_label)
        style.polish(self.verify_label)

    def reject(self) -> None:
        if self._busy:
            return  # the progress dialog's Cancel stops the export
        super().reject()


def verdict_sentence(verdict: EvidenceVerdict) -> str:
    """One sentence for a check's outcome, in the user's language."""
    if not verdict.ok:
        return arg(
            QCoreApplication.translate("EvidenceExportDialog", "Not intact: %1"),
            verdict.problem
            or QCoreApplication.translate("EvidenceExportDialog", "unknown problem"),
        )
    events = arg(
        (
            QCoreApplication.translate(
                "EvidenceExportDialog",
                "every file matches the manifest and the event forms an unbroken chain",
            )
            if verdict.events == 1
            else QCoreApplication.translate(
                "EvidenceExportDialog",
                "every file matches the manifest and %1 events form an unbroken chain",
            )
        ),
        count_text(verdict.events),
    )
    if verdict.checkpoints == 0:
        return arg(
            QCoreApplication.translate(
                "EvidenceExportDialog",
                "Intact: %1. No signed checkpoint covers the period yet (sign one in the "
                "Audit view, then export again, to pin the trail).",
            ),
            events,
        )
    return arg(
        QCoreApplication.translate("EvidenceExportDialog", "Intact: %1, and %2."),
        events,
        plural(
            verdict.checkpoints,
            QCoreApplication.translate("EvidenceExportDialog", "the signed checkpoint holds"),
            QCoreApplication.translate("EvidenceExportDialog", "%n signed checkpoints hold"),
        ),
    )


def open_evidence_export(
    parent: QWidget, services: Services, tasks: TaskRunner
) -> EvidenceExportDialog:
    """Open "Export evidence…" over ``parent`` (the Audit view's ``exportEvidenceButton``)."""
    dialog = EvidenceExportDialog(services, tasks, parent)
    dialog.open()
    return dialog
