"""German end to end: the .ts is complete, compiles, and the console speaks it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.domain.hashing import TokenHasher
from app.services import Services
from app.ui import app as console_app
from app.ui import translations
from app.ui.models.formatting import count_text, relative_time
from tests.ui.support import WAIT_MS, url_of, wait_closed, wait_for_top_level, wait_ready

GERMAN = translations.translations_dir() / "keyward_de.ts"


def messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    """(context, source) → the <message> element."""
    found = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            found[(name, message.findtext("source") or "")] = message
    return found


def unfinished(message: ET.Element) -> bool:
    translation = message.find("translation")
    if translation is None or translation.get("type") in {"unfinished", "vanished", "obsolete"}:
        return True
    forms = translation.findall("numerusform")
    texts = [form.text for form in forms] if forms else [translation.text]
    return not all(text and text.strip() for text in texts)


def test_every_string_in_the_code_is_translated_to_german(tmp_path: Path) -> None:
    """The build fails when a new string is missing from (or unfinished in) keyward_de.ts.

    lupdate extracts the code's strings into a copy; anything it adds is missing from the
    shipped file. Fix: ``uv run python -m app.ui.translations --update``, then translate.
    """
    fresh = tmp_path / "keyward_de.ts"
    fresh.write_bytes(GERMAN.read_bytes())
    translations.extract(fresh)
    extracted = messages(fresh)
    shipped = messages(GERMAN)
    missing = sorted(f"{c}: {s}" for c, s in extracted.keys() - shipped.keys())
    assert not missing, "strings missing from keyward_de.ts:\n" + "\n".join(missing)
    open_ = sorted(f"{c}: {s}" for (c, s), m in extracted.items() if unfinished(m))
    assert not open_, "untranslated in keyward_de.ts:\n" + "\n".join(open_)


def test_the_translation_keeps_every_marker() -> None:
    for (context, source), message in messages(GERMAN).items():
        translation = message.find("translation")
        assert translation is not None
        texts = [form.text or "" for form in translation.findall("numerusform")] or [
            translation.text or ""
        ]
        for marker in ("%1", "%2", "%3", "%4", "%n"):
            if marker in source:
                assert all(marker in text for text in texts), (context, source, texts)


def test_compile_translations_writes_qm_files(tmp_path: Path) -> None:
    compiled = translations.compile_translations(tmp_path)
    assert [path.name for path in compiled] == ["keyward_de.qm"]
    assert compiled[0].stat().st_size > 0


# --------------------------------------------------------------------------- the console


@pytest.fixture
def german(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("KEYWARD_LANG", "de")
    yield
    monkeypatch.setenv("KEYWARD_LANG", "en")
    translations.install_translations(qapp)


def test_the_console_speaks_german(
    qtbot: Any, german: None, ui_services: Services, fast_hasher: TokenHasher
) -> None:
    window = console_app.open_console(url_of(ui_services), hasher=fast_hasher)
    qtbot.addWidget(window)
    try:
        window.show()
        wait_ready(qtbot, window)
        menus = [action.text() for action in window.menuBar().actions()]
        assert menus == ["&Schlüssel", "&Ansicht", "&Hilfe"]
        create = window.findChild(QPushButton, "createKeyButton")
        assert create.text() == "API-Schlüssel erstellen"
        assert window.findChild(QLabel, "matchCount").text() == "0 Schlüssel"

        qtbot.mouseClick(create, Qt.MouseButton.LeftButton)
        dialog = wait_for_top_level(qtbot, "createKeyDialog")
        button = dialog.findChild(QPushButton, "createButton")
        qtbot.wait_until(button.isEnabled, timeout=WAIT_MS)
        assert dialog.windowTitle() == "API-Schlüssel erstellen"
        assert dialog.findChild(QPushButton, "cancelButton").text() == "Abbrechen"
        # Qt's own standard button, from qtbase_de.qm.
        assert dialog.findChild(QPushButton, "helpButton").text() == "Hilfe"
        qtbot.keyClicks(dialog.findChild(QLineEdit, "nameField"), "Snowflake ETL")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

        secret = wait_for_top_level(qtbot, "secretDialog")
        assert secret.windowTitle() == "API-Schlüssel erfolgreich erstellt"
        done = secret.findChild(QPushButton, "doneButton")
        assert done.text() == "Fertig"
        copy = secret.findChild(QPushButton, "copyButton")
        assert copy is None or copy.text() == "Geheimnis kopieren"
        box = secret.findChild(QDialogButtonBox, "secretButtonBox")
        assert box.button(QDialogButtonBox.StandardButton.Help).text() == "Hilfe"
        secret.findChild(QWidget, "storedElsewhereCheck").click()
        qtbot.mouseClick(done, Qt.MouseButton.LeftButton)
        wait_closed(qtbot, secret)
        qtbot.wait_until(
            lambda: window.findChild(QLabel, "matchCount").text() == "1 Schlüssel",
            timeout=WAIT_MS,
        )
    finally:
        window.discard_and_close()


def test_dates_numbers_and_plurals_follow_german(german: None, qapp: QApplication) -> None:
    from datetime import UTC, datetime, timedelta

    locale = translations.install_translations(qapp)
    assert locale.language() is QLocale.Language.German
    assert count_text(12345) == "12.345"
    now = datetime(2025, 11, 21, 12, tzinfo=UTC)
    assert relative_time(now - timedelta(days=1, hours=1), now) == "gestern"
    assert relative_time(now - timedelta(days=3), now) == "vor 3 Tagen"
    assert relative_time(now - timedelta(minutes=1), now) == "vor 1 Minute"
    assert QLocale().toString(QDate(2025, 3, 1), "d MMM yyyy").startswith("1 März")


def test_a_missing_qm_is_compiled_into_the_cache(
    german: None, qapp: QApplication, tmp_path: Path
) -> None:
    """A source checkout has only the .ts: the loader compiles it (HOME is tmp_path here)."""
    qm = translations.compiled_for(QLocale("de"))
    assert qm is not None and qm.is_file()
    if not GERMAN.with_suffix(".qm").is_file():
        assert tmp_path in qm.parents


def test_english_installs_no_translation(qapp: QApplication) -> None:
    translations.install_translations(qapp)
    assert QApplication.translate("MainWindow", "&Keys") == "&Keys"


def test_the_history_and_the_headers_speak_german(
    qtbot: Any, german: None, ui_services: Services, fast_hasher: TokenHasher
) -> None:
    """The audit history's actions and fields are German; no header is cut short."""
    key = ui_services.keys.create("Snowflake ETL", "Nightly load.").key
    ui_services.keys.edit(key.key_id, description="Nightly load into Snowflake.")
    ui_services.keys.disable(key.key_id)
    window = console_app.open_console(url_of(ui_services), hasher=fast_hasher)
    qtbot.addWidget(window)
    try:
        window.show()
        wait_ready(qtbot, window)
        window.keys.table.selectRow(window.keys.model.row_of(key.key_id))
        panel = window.findChild(QWidget, "keyDetailPanel")
        qtbot.wait_until(lambda: panel.history_model.rowCount() == 3, timeout=WAIT_MS)
        whats = [panel.history_model.index(row, 2).data() for row in range(3)]
        assert whats[0] == "Deaktiviert (Status: aktiv → deaktiviert)"
        assert whats[1].startswith("Bearbeitet (Beschreibung: Nightly load. →")
        assert whats[2] == "Erstellt"

        header = window.keys.table.horizontalHeader()
        for column in range(header.count()):
            if header.isSectionHidden(column):
                continue  # an optional column (Description) the user has not shown
            needed = header.sectionSizeFromContents(column).width()
            assert header.sectionSize(column) >= needed or column == 0, header.model().headerData(
                column, Qt.Orientation.Horizontal
            )
    finally:
        window.discard_and_close()
