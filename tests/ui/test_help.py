"""Help → About, F1 and every dialog's Help button landing on its section."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton, QWidget

from app.services import Services
from app.ui import help as keyward_help
from app.ui.dialogs.create_key import CreateKeyDialog
from app.ui.dialogs.reveal_secret import RevealSecretDialog
from app.ui.dialogs.revoke_key import RevokeKeyDialog
from app.ui.main_window import MainWindow, keyward_version
from app.ui.secret_clipboard import SecretClipboard
from app.ui.tasks import TaskRunner
from tests.ui.support import WAIT_MS, activate, wait_for_top_level


@pytest.fixture(autouse=True)
def _close_help() -> Iterator[None]:
    yield
    keyward_help.close_help()


def test_about_names_the_version_qt_python_and_database(
    qtbot: Any, window: MainWindow, ui_services: Services
) -> None:
    window.findChild(type(window.create_action), "aboutAction").trigger()
    box = wait_for_top_level(qtbot, "aboutDialog")
    assert keyward_version() in box.text()
    assert keyward_version() != "unknown"  # installed in the environment the tests run in
    details = box.informativeText()
    assert ui_services.database_location in details
    assert "Qt 6." in details and "Python 3." in details
    assert "Documentation" in details and "index.html" in details
    box.close()


def test_f1_opens_the_help_window_at_the_top(qtbot: Any, window: MainWindow) -> None:
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    help_window = wait_for_top_level(qtbot, "helpWindow")
    text = help_window.browser.toPlainText()
    for heading in (
        "Create a key",
        "Store its secret",
        "Revoke a key",
        "deactivated owners",
        "grace period",
        "audit verify",
    ):
        assert heading in text
    assert help_window.topic == ""
    assert help_window.browser.verticalScrollBar().value() == 0


def open_create(services: Services, tasks: TaskRunner, host: QWidget, _: Any) -> QDialog:
    return CreateKeyDialog(services, tasks, host)


def open_reveal(services: Services, tasks: TaskRunner, host: QWidget, clip: Any) -> QDialog:
    return RevealSecretDialog(services.keys.create("Snowflake ETL"), clip, tasks, host)


def open_revoke(services: Services, tasks: TaskRunner, host: QWidget, _: Any) -> QDialog:
    key = services.keys.create("Snowflake ETL").key
    return RevokeKeyDialog([key], services, tasks, host)


@pytest.mark.parametrize(
    ("opener", "topic"),
    [
        (open_create, keyward_help.Topic.CREATE),
        (open_reveal, keyward_help.Topic.STORING),
        (open_revoke, keyward_help.Topic.REVOKE),
    ],
)
def test_each_dialogs_help_button_opens_its_section(
    qtbot: Any,
    host: QWidget,
    tasks: TaskRunner,
    ui_services: Services,
    opener: Callable[..., QDialog],
    topic: keyward_help.Topic,
) -> None:
    clipboard = SecretClipboard(host, clear_after_seconds=2)
    dialog = opener(ui_services, tasks, host, clipboard)
    dialog.open()
    try:
        button = dialog.findChild(QPushButton, "helpButton")
        assert button is not None and button.isVisible()
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        help_window = wait_for_top_level(qtbot, "helpWindow")
        assert help_window.topic == topic.value
        assert f'name="{topic.value}"' in help_window.browser.toHtml()
        # The dialog is window-modal; help is not blocked by it and the dialog stays open.
        assert not help_window.isModal() and dialog.isVisible()
        if topic is not keyward_help.Topic.CREATE:  # later sections scroll down
            qtbot.wait_until(
                lambda: help_window.browser.verticalScrollBar().value() > 0, timeout=WAIT_MS
            )
    finally:
        clipboard.clear_now()
        dialog.reject()


def test_f1_shows_the_german_help_when_german_is_chosen(
    qtbot: Any,
    make_window: Callable[..., MainWindow],
    ui_services: Services,
    qapp: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """resources/help/index_de.html is picked by the chosen language, with the same anchors."""
    from app.ui.translations import install_translations

    monkeypatch.setenv("KEYWARD_LANG", "de")
    install_translations(qapp)
    try:
        window = make_window(ui_services)
        activate(qtbot, window)
        qtbot.keyClick(window, Qt.Key.Key_F1)
        help_window = wait_for_top_level(qtbot, "helpWindow")
        assert help_window.browser.source().fileName() == "index_de.html"
        text = help_window.browser.toPlainText()
        for heading in (
            "Einen Schlüssel erstellen",
            "Sein Geheimnis aufbewahren",
            "Übergangszeit",
        ):
            assert heading in text
        html = help_window.browser.toHtml()
        for topic in keyward_help.Topic:
            assert f'name="{topic.value}"' in html
    finally:
        monkeypatch.setenv("KEYWARD_LANG", "en")
        install_translations(qapp)
