"""Helpers for the console tests (the fixtures are in conftest.py)."""

from __future__ import annotations

from typing import Any

from app.services import Services

#: How long a test waits for background work before it fails (a bound, never a pause).
WAIT_MS = 10_000


def url_of(services: Services) -> str:
    return services.engine.url.render_as_string(hide_password=False)


def seed_keys(services: Services, count: int, stem: str = "Integration") -> list[str]:
    """``count`` keys named ``<stem> 000`` …, created through the service; their ids."""
    return [
        services.keys.create(f"{stem} {n:03d}", f"Seeded key number {n}.").key.key_id
        for n in range(count)
    ]


def wait_ready(qtbot: Any, window: Any) -> None:
    """The first page, the operator and the summary have all arrived; every page is built."""
    qtbot.wait_until(
        lambda: (
            window.keys.model.has_loaded
            and window.operator is not None
            and window.keys.header.summary_active.value != "…"
            and not window.keys.model.is_loading
            and window.pages_built
        ),
        timeout=WAIT_MS,
    )


def find_top_level(object_name: str) -> Any:
    """The visible top-level widget (a dialog or a box) with this object name, or None."""
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == object_name and widget.isVisible():
            return widget
    return None


def wait_for_top_level(qtbot: Any, object_name: str) -> Any:
    found: list[Any] = []

    def appeared() -> bool:
        widget = find_top_level(object_name)
        if widget is not None:
            found.append(widget)
        return widget is not None

    qtbot.wait_until(appeared, timeout=WAIT_MS)
    return found[-1]


def wait_closed(qtbot: Any, dialog: Any) -> None:
    """Until ``dialog`` is hidden or gone (WA_DeleteOnClose dialogs delete themselves)."""
    from app.ui.widgets.lifetime import alive

    qtbot.wait_until(lambda: not alive(dialog) or not dialog.isVisible(), timeout=WAIT_MS)


def activate(qtbot: Any, window: Any) -> None:
    """Make ``window`` the active window (focus and window shortcuts need it, on xcb too)."""
    from PySide6.QtWidgets import QApplication

    window.activateWindow()
    qtbot.wait_until(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)
