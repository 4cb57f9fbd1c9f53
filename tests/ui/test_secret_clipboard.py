"""The secret clipboard: marked for clipboard managers, cleared after a countdown, polite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QClipboard
from PySide6.QtWidgets import QApplication

from app.domain.key_format import SecretToken, generate_token
from app.ui.secret_clipboard import SECRET_MARKERS, SecretClipboard, clear_selection_holding


@pytest.fixture
def token() -> SecretToken:
    return generate_token("kw", "live").token


@pytest.fixture
def make_clipboard(qtbot) -> Iterator:  # type: ignore[no-untyped-def]
    made: list[SecretClipboard] = []

    def _make(seconds: int = 30) -> SecretClipboard:
        clipboard = SecretClipboard(clear_after_seconds=seconds)
        made.append(clipboard)
        return clipboard

    yield _make
    for clipboard in made:  # stop their timers before the next test
        clipboard.clear_now()
        clipboard.deleteLater()


def test_copy_puts_the_token_on_the_clipboard_marked_as_a_secret(
    qapp, make_clipboard, token
) -> None:
    clipboard = make_clipboard()

    clipboard.copy_secret(token)

    mime = qapp.clipboard().mimeData()
    assert mime.text() == token.reveal()
    assert bytes(mime.data("x-kde-passwordManagerHint").data()) == b"secret"
    assert bytes(mime.data("application/x-nspasteboard-concealed-type").data()) == b"secret"
    assert mime.hasFormat("ExcludeClipboardContentFromMonitorProcessing")
    assert set(SECRET_MARKERS) <= set(mime.formats())
    assert clipboard.seconds_left == 30


def test_counts_down_every_second_then_clears_the_clipboard(
    qapp, qtbot, make_clipboard, token
) -> None:
    clipboard = make_clipboard(2)
    ticks: list[int] = []
    clipboard.countdown.connect(ticks.append)

    with qtbot.waitSignal(clipboard.cleared, timeout=5_000):
        clipboard.copy_secret(token)
        assert clipboard.seconds_left == 2

    assert ticks == [2, 1]
    assert qapp.clipboard().text() == ""
    assert clipboard.seconds_left == 0


def test_leaves_the_clipboard_alone_when_the_user_copied_something_else(
    qapp, qtbot, make_clipboard, token
) -> None:
    clipboard = make_clipboard(2)
    clipboard.copy_secret(token)

    with qtbot.waitSignals([clipboard.superseded, clipboard.cleared], timeout=5_000):
        qapp.clipboard().setText("meeting notes")

    assert qapp.clipboard().text() == "meeting notes"
    with qtbot.assertNotEmitted(clipboard.cleared, wait=1_500):
        pass  # the countdown stopped: nothing is cleared later either
    assert qapp.clipboard().text() == "meeting notes"


def test_clear_now_clears_only_our_own_secret(qapp, qtbot, make_clipboard, token) -> None:
    clipboard = make_clipboard()
    with qtbot.assertNotEmitted(clipboard.cleared):
        clipboard.clear_now()  # nothing copied yet: nothing to do

    clipboard.copy_secret(token)
    with qtbot.waitSignal(clipboard.cleared):
        clipboard.clear_now()
    assert qapp.clipboard().text() == ""

    clipboard.copy_secret(token)
    qapp.clipboard().setText("someone else's text")
    clipboard.clear_now()
    assert qapp.clipboard().text() == "someone else's text"


def test_copying_again_restarts_the_countdown(qtbot, make_clipboard, token) -> None:
    clipboard = make_clipboard(5)
    clipboard.copy_secret(token)
    qtbot.waitUntil(lambda: clipboard.seconds_left == 4, timeout=3_000)

    clipboard.copy_secret(token)

    assert clipboard.seconds_left == 5


def test_keeps_no_copy_of_the_token(make_clipboard, token) -> None:
    clipboard = make_clipboard()

    clipboard.copy_secret(token)

    for value in vars(clipboard).values():
        assert not isinstance(value, SecretToken)
        assert token.reveal() not in repr(value)


def test_refuses_a_countdown_shorter_than_a_second() -> None:
    with pytest.raises(ValueError):
        SecretClipboard(clear_after_seconds=0)


def test_clears_the_x11_selection_only_when_it_holds_the_token(qapp, token) -> None:
    clipboard = qapp.clipboard()
    if not clipboard.supportsSelection():
        pytest.skip("this platform has no primary selection")
    clipboard.setText(token.reveal(), QClipboard.Mode.Selection)
    clear_selection_holding(token)
    assert clipboard.text(QClipboard.Mode.Selection) == ""

    clipboard.setText("unrelated", QClipboard.Mode.Selection)
    clear_selection_holding(token)
    assert clipboard.text(QClipboard.Mode.Selection) == "unrelated"
    clipboard.clear(QClipboard.Mode.Selection)
    QApplication.processEvents()
