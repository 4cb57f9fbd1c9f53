"""After a key is created, its secret shown once and the dialog closed, it is nowhere else.

Not in any widget (text, tooltip, title, accessible name, item data), not in the settings
file, not in the database file, and not on the clipboard once the window has closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QWidget,
)

from app.services import Services
from app.services.dto import CreatedKey
from app.ui.settings import WindowSettings
from tests.ui.support import WAIT_MS, wait_closed, wait_for_top_level

ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.AccessibleTextRole,
)


def widget_texts(widget: QWidget) -> Iterator[str]:
    yield widget.toolTip()
    yield widget.windowTitle()
    yield widget.accessibleName()
    yield widget.accessibleDescription()
    yield widget.statusTip()
    yield widget.whatsThis()
    if isinstance(widget, QLineEdit):
        yield widget.text()
        yield widget.placeholderText()
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        yield widget.toPlainText()
    if isinstance(widget, QLabel | QAbstractButton):
        yield widget.text()
    if isinstance(widget, QComboBox):
        yield from (widget.itemText(n) for n in range(widget.count()))
    if isinstance(widget, QListWidget):
        # Its internal model keeps columnCount() private in PySide6: read the items.
        for row in range(widget.count()):
            item = widget.item(row)
            yield from (str(item.data(role) or "") for role in ROLES)
    elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
        model = widget.model()
        for row in range(model.rowCount(QModelIndex())):
            for column in range(model.columnCount(QModelIndex())):
                for role in ROLES:
                    yield str(model.index(row, column).data(role) or "")


def everything_on_screen() -> str:
    return "\n".join(
        text for widget in QApplication.allWidgets() for text in widget_texts(widget) if text
    )


def database_bytes(services: Services) -> bytes:
    path = Path(services.engine.url.database or "")
    return b"".join(
        candidate.read_bytes()
        for candidate in (
            path,
            path.with_name(path.name + "-wal"),
            path.with_name(path.name + "-shm"),
        )
        if candidate.exists()
    )


def test_no_full_token_is_left_anywhere_after_create_reveal_close_and_edits(
    qtbot: Any, make_window: Any, ui_services: Services, settings_dir: Path
) -> None:
    window = make_window(ui_services)
    qtbot.mouseClick(window.findChild(QPushButton, "createKeyButton"), Qt.MouseButton.LeftButton)
    create = wait_for_top_level(qtbot, "createKeyDialog")
    created: list[CreatedKey] = []
    create.key_created.connect(created.append)
    qtbot.wait_until(
        lambda: create.findChild(QPushButton, "createButton").isEnabled(), timeout=WAIT_MS
    )
    qtbot.keyClicks(create.findChild(QLineEdit, "nameField"), "HubSpot Sync - Prod")
    create.findChild(QPlainTextEdit, "descriptionField").setPlainText(
        "Syncs contacts to HubSpot. Owner: RevOps (revops@company.com). Real-time."
    )
    qtbot.mouseClick(create.findChild(QPushButton, "createButton"), Qt.MouseButton.LeftButton)
    secret_dialog = wait_for_top_level(qtbot, "secretDialog")
    assert created, "the create dialog reported no key"
    token = created[0].token.reveal()
    secret_part = token.split("_")[3]  # the secret and its checksum, without the public id

    # While the dialog is open the secret is on screen (that is the point of it) …
    assert token in everything_on_screen()
    qtbot.mouseClick(
        secret_dialog.findChild(QPushButton, "copySecretButton"), Qt.MouseButton.LeftButton
    )
    assert QApplication.clipboard().text() == token
    secret_dialog.findChild(QWidget, "storedElsewhereCheck").click()
    qtbot.mouseClick(secret_dialog.findChild(QPushButton, "doneButton"), Qt.MouseButton.LeftButton)
    wait_closed(qtbot, secret_dialog)

    # … and some editing afterwards, in the panel that opened on the new key.
    name = window.findChild(QLineEdit, "nameEdit")
    qtbot.wait_until(lambda: name.text() == "HubSpot Sync - Prod", timeout=WAIT_MS)
    name.selectAll()
    qtbot.keyClicks(name, "HubSpot Sync - Production")
    with qtbot.wait_signal(window.keys.model.dataChanged, timeout=WAIT_MS):
        qtbot.keyClick(name, Qt.Key.Key_Return)
    with qtbot.wait_signal(window.keys.model.dataChanged, timeout=WAIT_MS):
        window.findChild(QWidget, "enabledToggle").click()
    qtbot.wait_until(lambda: window.keys.panel.history_model.rowCount() == 3, timeout=WAIT_MS)

    on_screen = everything_on_screen()
    assert token not in on_screen
    assert secret_part not in on_screen
    assert created[0].key.masked in on_screen  # the mask is shown, and it is not the secret

    window.discard_and_close()
    # Closing the window cleared the clipboard that still held the secret.
    assert QApplication.clipboard().text() != token

    settings_file = Path(WindowSettings().file_name)
    assert settings_file.is_relative_to(settings_dir) and settings_file.exists()
    for path in settings_dir.rglob("*"):
        if path.is_file():
            assert secret_part.encode() not in path.read_bytes(), path

    stored = database_bytes(ui_services)
    assert created[0].key.key_id.encode() in stored  # we are reading the right file
    assert token.encode() not in stored
    assert secret_part.encode() not in stored
