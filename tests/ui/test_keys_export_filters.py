"""The keys toolbar's owner and environment filters, the export of the view, the Description
column."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QToolButton,
)

from app.domain.roles import Role
from app.services import Services
from app.ui.main_window import MainWindow
from app.ui.models.keys_model import Column
from app.ui.widgets import keys_toolbar
from app.ui.widgets.key_menu import columns_menu
from tests.ui.support import WAIT_MS, wait_for_top_level


@pytest.fixture
def team(ui_services: Services) -> Services:
    """Keys of two owners in two environments (one with a description worth showing)."""
    users, keys = ui_services.users, ui_services.keys
    users.add("dana", role=Role.MEMBER, display_name="Dana Scully")
    users.add("fox", role=Role.MEMBER, display_name="Fox Mulder")
    ui_services.policy.set_environments("live,test")
    for name, owner, environment in (
        ("Snowflake ETL", "dana", "live"),
        ("Airflow ETL", "dana", "test"),
        ("Looker Dashboards", "dana", "test"),
        ("Zapier ETL", "dana", "test"),
        ("Segment ETL", "fox", "test"),
        ("Stripe Webhooks", "fox", "live"),
    ):
        keys.create(name, f"{name} for {owner}.", owner=owner, environment=environment)
    return ui_services


def names(window: MainWindow) -> list[str]:
    model = window.keys.model
    return [model.key_at(row).name for row in range(model.rowCount())]


def wait_query(qtbot: Any, window: MainWindow, **wanted: Any) -> None:
    model = window.keys.model

    def applied() -> bool:
        query = model.query
        matches = all(getattr(query, field) == value for field, value in wanted.items())
        return matches and not model.is_loading

    qtbot.wait_until(applied, timeout=WAIT_MS)


def choose(qtbot: Any, combo: QComboBox, value: str) -> None:
    qtbot.wait_until(lambda: combo.findData(value) >= 0, timeout=WAIT_MS)
    combo.setCurrentIndex(combo.findData(value))


def test_owner_and_environment_filters_narrow_the_table(
    qtbot: Any, make_window: Any, team: Services
) -> None:
    window = make_window(team)
    owner = window.findChild(QComboBox, "ownerFilter")
    environment = window.findChild(QComboBox, "environmentFilter")
    assert owner.currentText() == "Any owner"
    assert environment.currentText() == "Any environment"
    assert len(names(window)) == 6

    choose(qtbot, owner, "dana")
    assert owner.currentText() == "Dana Scully"
    wait_query(qtbot, window, owner="dana")
    assert sorted(names(window)) == [
        "Airflow ETL",
        "Looker Dashboards",
        "Snowflake ETL",
        "Zapier ETL",
    ]
    choose(qtbot, environment, "test")
    wait_query(qtbot, window, owner="dana", environment="test")
    assert sorted(names(window)) == ["Airflow ETL", "Looker Dashboards", "Zapier ETL"]
    assert window.findChild(QLabel, "matchCount").text() == "3 matching keys"

    # "Any owner" again: fox's test key joins.
    owner.setCurrentIndex(0)
    wait_query(qtbot, window, owner=None, environment="test")
    assert "Segment ETL" in names(window) and len(names(window)) == 4


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_writes_exactly_the_filtered_searched_sorted_view(
    qtbot: Any,
    make_window: Any,
    team: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
) -> None:
    monkeypatch.setattr(keys_toolbar, "NATIVE_FILE_DIALOG", False)
    window = make_window(team)
    choose(qtbot, window.findChild(QComboBox, "ownerFilter"), "dana")
    choose(qtbot, window.findChild(QComboBox, "environmentFilter"), "test")
    search = window.findChild(QLineEdit, "searchField")
    qtbot.keyClicks(search, "ETL")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    header = window.findChild(QTableView, "keysTable").horizontalHeader()
    header.setSortIndicator(Column.NAME, Qt.SortOrder.DescendingOrder)
    wait_query(qtbot, window, owner="dana", environment="test", search="ETL", descending=True)
    shown = names(window)
    assert shown == ["Zapier ETL", "Airflow ETL"]

    qtbot.mouseClick(window.findChild(QToolButton, "exportKeysButton"), Qt.MouseButton.LeftButton)
    dialog = wait_for_top_level(qtbot, "exportKeysFileDialog")
    assert isinstance(dialog, QFileDialog)
    target = tmp_path / f"view.{fmt}"
    dialog.selectNameFilter(next(f for f in dialog.nameFilters() if f"*.{fmt}" in f))
    dialog.selectFile(str(target))
    dialog.accept()
    qtbot.wait_until(lambda: "Exported" in window.statusBar().currentMessage(), timeout=WAIT_MS)
    assert window.statusBar().currentMessage() == f"Exported 2 keys to {target}"
    assert target.stat().st_mode & 0o777 == 0o600
    if fmt == "json":
        exported = [row["name"] for row in json.loads(target.read_text())]
    else:
        with target.open(newline="") as stream:
            exported = [row["name"] for row in csv.DictReader(stream)]
    assert exported == shown


def test_the_description_column_is_optional_and_remembered(
    qtbot: Any, make_window: Any, team: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window(team)
    view = window.findChild(QTableView, "keysTable")
    header = view.horizontalHeader()
    assert header.isSectionHidden(Column.DESCRIPTION)
    assert header.visualIndex(Column.ACTIONS) == header.count() - 1

    menu = columns_menu(window, header)
    action = next(a for a in menu.actions() if a.objectName() == "showColumnDescription")
    assert action.text() == "Description" and not action.isChecked()
    assert all(a.text() not in ("Name", "Actions") for a in menu.actions())
    action.trigger()
    menu.close()
    assert not header.isSectionHidden(Column.DESCRIPTION)
    assert header.visualIndex(Column.DESCRIPTION) == header.visualIndex(Column.ACTIONS) - 1
    model = window.keys.model
    row = next(r for r in range(model.rowCount()) if model.key_at(r).name == "Snowflake ETL")
    assert model.index(row, Column.DESCRIPTION).data() == "Snowflake ETL for dana."

    # The header's own context menu offers the same menu.
    shown: list[str] = []
    monkeypatch.setattr(QMenu, "popup", lambda menu, *_: shown.append(menu.objectName()))
    header.customContextMenuRequested.emit(QPoint(5, 5))
    assert shown == ["columnsMenu"]

    window.close()  # saves the layout
    again = make_window(team)
    header = again.findChild(QTableView, "keysTable").horizontalHeader()
    assert not header.isSectionHidden(Column.DESCRIPTION)
    assert header.visualIndex(Column.ACTIONS) == header.count() - 1


def test_a_header_saved_before_the_description_column_keeps_it_hidden(
    qtbot: Any, make_window: Any, team: Services
) -> None:
    from PySide6.QtGui import QStandardItemModel

    from app.ui.settings import WindowSettings

    # Nine columns (Name … Actions), as saved by the console before Description existed.
    old = QTableView()
    old.setModel(QStandardItemModel(0, Column.DESCRIPTION, old))
    old.horizontalHeader().resizeSection(Column.OWNER, 222)
    settings = WindowSettings()
    settings.save_header(old.horizontalHeader())
    settings.sync()
    old.deleteLater()

    window = make_window(team)
    header = window.findChild(QTableView, "keysTable").horizontalHeader()
    assert header.sectionSize(Column.OWNER) == 222  # the saved layout was restored
    assert header.isSectionHidden(Column.DESCRIPTION)
    assert header.visualIndex(Column.ACTIONS) == header.count() - 1


def test_the_owner_choices_are_refilled_only_when_they_changed(qtbot: Any) -> None:
    """Every reload reads the owners again: the same list leaves the filter (and what is
    chosen) alone; two people of one name show their logins."""
    toolbar = keys_toolbar.KeysToolbar(QAction("Refresh"), QAction("Create"))
    qtbot.addWidget(toolbar)
    owners = [("ana", "Ana Lima"), ("ana2", "Ana Lima"), ("bob", "Bob")]
    toolbar.set_owners(owners)
    combo = toolbar.owner_filter
    texts = [combo.itemText(i) for i in range(combo.count())]
    assert texts == ["Any owner", "Ana Lima (ana)", "Ana Lima (ana2)", "Bob"]
    assert combo.itemData(3, Qt.ItemDataRole.ToolTipRole) == "bob"
    combo.setCurrentIndex(3)
    inserted: list[int] = []
    combo.model().rowsInserted.connect(lambda _parent, first, _last: inserted.append(first))
    toolbar.set_owners(owners)
    assert inserted == [] and combo.currentData() == "bob"
    toolbar.set_owners([*owners, ("cy", "Cy")])
    assert [combo.itemText(i) for i in range(combo.count())][-1] == "Cy"
    assert combo.currentData() == "bob" and inserted
