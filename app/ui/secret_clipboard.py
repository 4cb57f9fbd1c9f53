"""A clipboard for secrets: marked as secret for clipboard managers, cleared after a countdown.

The token is handed to the system clipboard and then forgotten: only a SHA-256 of its text
is kept, enough to tell later whether the clipboard still holds *our* secret. If the user
copied something else meanwhile, Keyward leaves the clipboard alone.
"""

from __future__ import annotations

import hashlib
import hmac
import sys

from PySide6.QtCore import QByteArray, QMimeData, QObject, QTimer, Signal, Slot
from PySide6.QtGui import QClipboard, QGuiApplication

from app.domain.key_format import SecretToken

#: Formats that tell clipboard managers and history services to skip this entry. Set on
#: every platform: each platform's clipboard ignores the names it does not know.
SECRET_MARKERS: dict[str, bytes] = {
    # KDE Klipper and other password-aware managers on Linux.
    "x-kde-passwordManagerHint": b"secret",
    # macOS: the nspasteboard.org "concealed" convention (Maccy, Alfred, Pastebot …).
    "application/x-nspasteboard-concealed-type": b"secret",
    # Windows: clipboard monitors (including Windows' own history) skip such entries.
    "ExcludeClipboardContentFromMonitorProcessing": b"1",
}
#: Windows 10+ clipboard history and cloud sync read these DWORDs; 0 means "keep it out".
WINDOWS_HISTORY_OPT_OUT: dict[str, bytes] = {
    "CanIncludeInClipboardHistory": b"\x00\x00\x00\x00",
    "CanUploadToCloudClipboard": b"\x00\x00\x00\x00",
}


def text_digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def holds_text(mode: QClipboard.Mode, digest: bytes) -> bool:
    """Does the system clipboard (or X11 selection) hold the text whose digest this is?"""
    text = QGuiApplication.clipboard().text(mode)
    return bool(text) and hmac.compare_digest(text_digest(text), digest)


def clear_selection_holding(token: SecretToken) -> None:
    """Clear the X11 primary selection if it holds ``token`` (selecting text puts it there)."""
    clipboard = QGuiApplication.clipboard()
    if clipboard.supportsSelection() and holds_text(
        QClipboard.Mode.Selection, text_digest(token.reveal())
    ):
        clipboard.clear(QClipboard.Mode.Selection)


def secret_mime_data(token: SecretToken) -> QMimeData:
    mime = QMimeData()
    mime.setText(token.reveal())
    markers = dict(SECRET_MARKERS)
    if sys.platform == "win32":
        markers.update(WINDOWS_HISTORY_OPT_OUT)
    for mime_type, value in markers.items():
        mime.setData(mime_type, QByteArray(value))
    return mime


class SecretClipboard(QObject):
    """Copies a secret to the clipboard and clears it again after ``clear_after_seconds``."""

    #: Seconds left, emitted on copy and every second while a secret is on the clipboard.
    countdown = Signal(int)
    #: Keyward cleared the secret, or gave up because the clipboard no longer holds it.
    cleared = Signal()
    #: Emitted just before ``cleared`` when the user copied something else in the meantime.
    superseded = Signal()

    def __init__(self, parent: QObject | None = None, *, clear_after_seconds: int = 30) -> None:
        super().__init__(parent)
        if clear_after_seconds < 1:
            raise ValueError("clear_after_seconds must be at least 1")
        self._clear_after = clear_after_seconds
        self._seconds_left = 0
        self._digest: bytes | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        QGuiApplication.clipboard().dataChanged.connect(self._on_clipboard_changed)

    @property
    def seconds_left(self) -> int:
        return self._seconds_left

    @property
    def clear_after_seconds(self) -> int:
        return self._clear_after

    def copy_secret(self, token: SecretToken) -> None:
        """Put ``token`` on the clipboard, marked secret, and start the countdown."""
        # The digest is set first: setting the clipboard emits dataChanged right away.
        self._digest = text_digest(token.reveal())
        self._seconds_left = self._clear_after
        QGuiApplication.clipboard().setMimeData(secret_mime_data(token), QClipboard.Mode.Clipboard)
        self._timer.start()
        self.countdown.emit(self._seconds_left)

    @Slot()
    def clear_now(self) -> None:
        """Clear the clipboard if it still holds our secret; never someone else's content."""
        digest, self._digest = self._digest, None
        if digest is None:
            return
        # The digest is dropped first: clearing emits dataChanged, which must not read as
        # "the user copied something else".
        if holds_text(QClipboard.Mode.Clipboard, digest):
            QGuiApplication.clipboard().clear(QClipboard.Mode.Clipboard)
            self._finish()
        else:
            self._give_up()

    @Slot()
    def _tick(self) -> None:
        if self._digest is None:
            self._timer.stop()
            return
        if not holds_text(QClipboard.Mode.Clipboard, self._digest):
            self._give_up()
            return
        self._seconds_left -= 1
        if self._seconds_left <= 0:
            self.clear_now()
        else:
            self.countdown.emit(self._seconds_left)

    @Slot()
    def _on_clipboard_changed(self) -> None:
        # React at once when the user copies something else, not only at the next tick.
        if self._digest is not None and not holds_text(QClipboard.Mode.Clipboard, self._digest):
            self._give_up()

    def _give_up(self) -> None:
        self.superseded.emit()
        self._finish()

    def _finish(self) -> None:
        self._timer.stop()
        self._digest = None
        self._seconds_left = 0
        self.cleared.emit()
