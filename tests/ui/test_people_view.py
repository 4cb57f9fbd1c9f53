"""The People screen, driven by object names against a real SQLite database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTreeWidget,
    QWidget,
)

from app.domain.audit import AuditAction
from app.domain.policy import REASON_OWNER_DEACTIVATED
from app.domain.roles import Role
from app.domain.status import KeyStatus
from app.services import Services
from app.ui.models.people_model import Column
from app.ui.operations import KeyOperations
from app.ui.screens.people import (
    DEFAULT_DETAIL_WIDTH,
    DETAIL_MIN_WIDTH,
    NAME_LEAST_WIDTH,
    PeopleScreen,
)
from app.ui.tasks import TaskRunner
from tests.ui.support import WAIT_MS, wait_closed, wait_for_top_level

MakeScreen = Callable[..., PeopleScreen]


@pytest.fixture
def make_screen(qtbot: Any, host: QWidget, tasks: TaskRunner, ui_services: Services) -> MakeScreen:
    """``make_screen(services)``: a PeopleScreen in the host window, its first list loaded."""

    def _make(services: Services | None = None) -> PeopleScreen:
        services = services or ui_services
        operations = KeyOperations(services, tasks, host)
        screen = PeopleScreen(services, tasks, operations, host)
        host.resize(1200, 760)
        screen.resize(1200, 760)
        screen.show()
        screen.set_operator(services.users.me())
        with qtbot.waitSignal(screen.loaded, timeout=WAIT_MS):
            screen.refresh()
        return screen

    return _make


def child(widget: QWidget, kind: type, name: str) -> Any:
    found = widget.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name}"
    return found


def click(qtbot: Any, widget: QWidget, name: str) -> None:
    button = child(widget, QPushButton, name)
    assert button.isEnabled(), f"{name} is disabled: {button.toolTip()}"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def table_rows(screen: PeopleScreen) -> dict[str, list[str]]:
    """Login → the cells as shown, in the view's order of columns."""
    table = child(screen, QTableView, "usersTable")
    model = table.model()
    rows: dict[str, list[str]] = {}
    for row in range(model.rowCount()):
        cells = [model.index(row, column).data() for column in range(model.columnCount())]
        rows[cells[Column.LOGIN]] = cells
    return rows


def select(qtbot: Any, screen: PeopleScreen, login: str) -> None:
    assert screen.select_login(login)
    qtbot.wait_until(lambda: screen.current_person() is not None, timeout=WAIT_MS)


def wait_keys(qtbot: Any, screen: PeopleScreen, login: str) -> None:
    qtbot.wait_until(
        lambda: screen._keys_login == login and not screen._keys_task.active, timeout=WAIT_MS
    )


def test_lists_people_with_role_status_and_active_keys(make_screen, ui_services) -> None:
    me = ui_services.users.me().login
    ui_services.users.add("maria", role="member", display_name="Maria Rossi", email="m@x.org")
    ui_services.keys.create("Salesforce Sync", owner="maria")
    disabled = ui_services.keys.create("HubSpot", owner="maria").key
    ui_services.keys.disable(disabled.key_id)
    ui_services.users.add("olaf", role="auditor", display_name="Olaf Left")
    ui_services.users.deactivate("olaf", reason="left")

    screen = make_screen()
    rows = table_rows(screen)

    assert set(rows) == {me, "maria", "olaf"}
    maria = rows["maria"]
    assert maria[Column.NAME] == "Maria Rossi"
    assert maria[Column.EMAIL] == "m@x.org"
    assert maria[Column.ROLE] == "Member"
    assert maria[Column.STATUS] == "Active"
    assert maria[Column.ACTIVE_KEYS] == "1"  # the disabled key is not active
    assert rows["olaf"][Column.STATUS] == "Deactivated"
    assert rows["olaf"][Column.LAST_ACTIVITY] == "Never"


def test_people_model_passes_the_model_tester(qtmodeltester, make_screen, ui_services) -> None:
    ui_services.users.add("maria", role="member")
    screen = make_screen()
    qtmodeltester.check(screen.model)


def test_add_a_person(qtbot, make_screen, ui_services) -> None:
    screen = make_screen()
    click(qtbot, screen, "addUserButton")
    dialog = wait_for_top_level(qtbot, "addUserDialog")
    qtbot.keyClicks(child(dialog, QLineEdit, "loginField"), "dana")
    qtbot.keyClicks(child(dialog, QLineEdit, "displayNameField"), "Dana Developer")
    qtbot.keyClicks(child(dialog, QLineEdit, "emailField"), "dana@example.com")
    role = child(dialog, QComboBox, "newUserRoleField")
    role.setCurrentIndex(role.findData(Role.MANAGER.value))

    click(qtbot, dialog, "confirmAddUserButton")
    wait_closed(qtbot, dialog)

    added = {user.login: user for user in ui_services.users.all()}["dana"]
    assert (added.display_name, added.email, added.role) == (
        "Dana Developer",
        "dana@example.com",
        Role.MANAGER,
    )
    qtbot.wait_until(lambda: "dana" in table_rows(screen), timeout=WAIT_MS)
    assert screen.current_person() is not None
    assert screen.current_person().user.login == "dana"  # type: ignore[union-attr]
    events = [event.action for event in ui_services.audit.recent(limit=5)]
    assert AuditAction.USER_ADDED in events


def test_a_refused_login_is_named_under_its_field_and_nothing_is_added(
    qtbot, make_screen, ui_services
) -> None:
    ui_services.users.add("maria", role="member")
    before = ui_services.users.all()
    screen = make_screen()
    click(qtbot, screen, "addUserButton")
    dialog = wait_for_top_level(qtbot, "addUserDialog")
    qtbot.keyClicks(child(dialog, QLineEdit, "loginField"), "maria")

    click(qtbot, dialog, "confirmAddUserButton")

    error = child(dialog, QLabel, "loginErrorLabel")
    qtbot.wait_until(lambda: error.isVisibleTo(dialog), timeout=WAIT_MS)
    assert error.text() == "“maria” is already a Keyward user."
    assert dialog.isVisible()
    assert ui_services.users.all() == before


def test_the_dialog_says_how_people_sign_in(qtbot, make_screen) -> None:
    screen = make_screen()
    click(qtbot, screen, "addUserButton")
    dialog = wait_for_top_level(qtbot, "addUserDialog")
    # SQLite here; on a server database it says "their own database login of the same name".
    assert "operating-system account" in child(dialog, QLabel, "addUserIntroLabel").text()


def test_change_a_role_after_confirmation(
    qtbot, make_screen, ui_services, accept_confirmations
) -> None:
    ui_services.users.add("maria", role="member", display_name="Maria Rossi")
    screen = make_screen()
    select(qtbot, screen, "maria")
    role = child(screen, QComboBox, "roleField")
    assert role.isEnabled()
    assert role.currentData() == Role.MEMBER.value

    index = role.findData(Role.MANAGER.value)
    role.setCurrentIndex(index)
    role.activated.emit(index)  # what a person's choice in the list emits

    assert accept_confirmations == ["Make Maria Rossi (maria) Manager instead of Member?"]
    qtbot.wait_until(lambda: table_rows(screen)["maria"][Column.ROLE] == "Manager", timeout=WAIT_MS)
    assert {user.login: user.role for user in ui_services.users.all()}["maria"] is Role.MANAGER


def test_removing_the_last_admin_is_refused_in_one_sentence(
    qtbot, make_screen, ui_services, accept_confirmations
) -> None:
    me = ui_services.users.me().login
    screen = make_screen()
    select(qtbot, screen, me)
    role = child(screen, QComboBox, "roleField")
    index = role.findData(Role.MEMBER.value)
    role.setCurrentIndex(index)
    role.activated.emit(index)

    error = child(screen, QLabel, "roleErrorLabel")
    qtbot.wait_until(lambda: error.isVisibleTo(screen), timeout=WAIT_MS)
    assert error.text() == f"{me} is the last admin; make someone else admin first."
    assert role.currentData() == Role.ADMIN.value  # the field shows what is stored again
    assert ui_services.users.me().role is Role.ADMIN


def test_an_admin_who_steps_down_sees_the_screen_follow(
    qtbot, make_screen, ui_services, accept_confirmations
) -> None:
    me = ui_services.users.me().login
    ui_services.users.add("ada", role="admin", display_name="Ada Admin")
    screen = make_screen()
    select(qtbot, screen, me)
    role = child(screen, QComboBox, "roleField")
    index = role.findData(Role.MANAGER.value)
    role.setCurrentIndex(index)
    role.activated.emit(index)

    add = child(screen, QPushButton, "addUserButton")
    qtbot.wait_until(lambda: not add.isEnabled(), timeout=WAIT_MS)
    assert "Manager" in add.toolTip()
    assert ui_services.users.me().role is Role.MANAGER


def test_deactivate_previews_exactly_the_keys_it_revokes(qtbot, make_screen, ui_services) -> None:
    ui_services.users.add("anna", role="member", display_name="Anna Analyst")
    ui_services.users.add("dana", role="member", display_name="Dana Developer")
    dashboard = ui_services.keys.create("Custom Dashboard API", owner="anna").key
    etl = ui_services.keys.create("Snowflake ETL", owner="anna").key
    paused = ui_services.keys.create("Paused Sync", owner="anna").key
    ui_services.keys.disable(paused.key_id)
    gone = ui_services.keys.create("Old Test", owner="anna").key
    ui_services.keys.revoke(gone.key_id, "retired")
    other = ui_services.keys.create("Warehouse", owner="dana").key
    screen = make_screen()
    changed: list[str] = []
    screen._operations.key_changed.connect(lambda dto: changed.append(dto.key_id))
    select(qtbot, screen, "anna")

    click(qtbot, screen, "deactivateUserButton")
    dialog = wait_for_top_level(qtbot, "deactivateUserDialog")
    qtbot.wait_until(lambda: bool(dialog.keys), timeout=WAIT_MS)
    listed = child(dialog, QTreeWidget, "deactivateKeysList")
    rows = [
        [listed.topLevelItem(n).text(c) for c in range(3)]
        for n in range(listed.topLevelItemCount())
    ]
    expected = {dashboard.key_id, etl.key_id, paused.key_id}
    assert {row[1] for row in rows} == expected
    assert {row[0] for row in rows} == {"Custom Dashboard API", "Snowflake ETL", "Paused Sync"}
    assert all(row[2] == "Never used" for row in rows)
    assert (
        "Integrations using these keys stop working at once."
        in child(dialog, QLabel, "deactivateConsequenceLabel").text()
    )
    confirm = child(dialog, QPushButton, "confirmDeactivateButton")
    assert confirm.text() == "Deactivate and revoke 3 keys"

    # No reason: refused in one sentence, nothing changed.
    qtbot.mouseClick(confirm, Qt.MouseButton.LeftButton)
    assert child(dialog, QLabel, "deactivateReasonErrorLabel").isVisibleTo(dialog)
    assert {user.login: user.active for user in ui_services.users.all()}["anna"]

    qtbot.keyClicks(child(dialog, QLineEdit, "deactivateReasonField"), "Left the company")
    qtbot.mouseClick(confirm, Qt.MouseButton.LeftButton)
    wait_closed(qtbot, dialog)

    assert not {user.login: user.active for user in ui_services.users.all()}["anna"]
    for key_id in expected:
        key = ui_services.keys.get(key_id)
        assert key.status is KeyStatus.REVOKED
        assert key.revoked_reason is not None
        assert REASON_OWNER_DEACTIVATED in key.revoked_reason
        assert "Left the company" in key.revoked_reason
    assert ui_services.keys.get(gone.key_id).revoked_reason == "retired"
    assert ui_services.keys.get(other.key_id).status is KeyStatus.ACTIVE
    qtbot.wait_until(
        lambda: table_rows(screen)["anna"][Column.STATUS] == "Deactivated", timeout=WAIT_MS
    )
    assert table_rows(screen)["anna"][Column.ACTIVE_KEYS] == "0"
    # The Keys screen hears of every revoked key.
    qtbot.wait_until(lambda: expected <= set(changed), timeout=WAIT_MS)
    # The detail area lists them as Revoked.
    wait_keys(qtbot, screen, "anna")
    keys = child(screen, QTreeWidget, "personKeysList")
    statuses = {
        keys.topLevelItem(n).text(0): keys.topLevelItem(n).text(1)
        for n in range(keys.topLevelItemCount())
    }
    assert statuses["Custom Dashboard API"] == "Revoked"
    assert statuses["Snowflake ETL"] == "Revoked"


def test_reactivate_keeps_keys_revoked(
    qtbot, make_screen, ui_services, accept_confirmations
) -> None:
    ui_services.users.add("anna", role="member", display_name="Anna Analyst")
    key = ui_services.keys.create("Custom Dashboard API", owner="anna").key
    ui_services.users.deactivate("anna", reason="left")
    screen = make_screen()
    select(qtbot, screen, "anna")
    assert not child(screen, QPushButton, "deactivateUserButton").isVisibleTo(screen)

    click(qtbot, screen, "reactivateUserButton")

    assert accept_confirmations == ["Reactivate Anna Analyst (anna)?"]
    qtbot.wait_until(lambda: table_rows(screen)["anna"][Column.STATUS] == "Active", timeout=WAIT_MS)
    assert ui_services.keys.get(key.key_id).status is KeyStatus.REVOKED


def test_replace_a_deactivated_owners_key_under_an_active_person(
    qtbot, make_screen, ui_services
) -> None:
    me = ui_services.users.me().login
    ui_services.users.add("anna", role="member", display_name="Anna Analyst")
    ui_services.users.add("dana", role="member", display_name="Dana Developer")
    old = ui_services.keys.create(
        "Custom Dashboard API", "Dashboard for the execs.", owner="anna"
    ).key
    ui_services.users.deactivate("anna", reason="Left the company")
    screen = make_screen()
    created: list[Any] = []
    screen._operations.key_created.connect(created.append)
    select(qtbot, screen, "anna")
    wait_keys(qtbot, screen, "anna")
    assert screen.select_key(old.key_id)

    click(qtbot, screen, "replaceKeyButton")
    dialog = wait_for_top_level(qtbot, "createKeyDialog")
    owner = child(dialog, QComboBox, "ownerField")
    qtbot.wait_until(lambda: owner.count() > 0, timeout=WAIT_MS)
    assert child(dialog, QLineEdit, "nameField").text() == "Custom Dashboard API"
    description = child(dialog, QPlainTextEdit, "descriptionField")
    assert old.key_id in description.toPlainText()
    assert "Dashboard for the execs." in description.toPlainText()
    owners = {owner.itemData(n) for n in range(owner.count())}
    assert owners == {me, "dana"}  # active people only
    owner.setCurrentIndex(owner.findData("dana"))
    description.appendPlainText("Now run by Dana.")

    qtbot.mouseClick(child(dialog, QPushButton, "createButton"), Qt.MouseButton.LeftButton)
    secret = wait_for_top_level(qtbot, "secretDialog")

    assert len(created) == 1  # the Keys screen hears of the new key
    new = ui_services.keys.get(created[0].key.key_id)
    assert new.owner_login == "dana"
    assert new.name == "Custom Dashboard API"
    assert new.status is KeyStatus.ACTIVE
    assert new.replaces == old.key_id
    assert ui_services.keys.get(old.key_id).replaced_by == new.key_id
    assert old.key_id in new.description
    assert new.description.endswith("Now run by Dana.")
    assert created[0].token.reveal() in child(secret, QLineEdit, "secretField").text()
    # The old key now says what replaced it, and cannot be replaced twice.
    qtbot.wait_until(
        lambda: any(dto.key_id == old.key_id and dto.replaced_by for dto in screen._keys),
        timeout=WAIT_MS,
    )
    screen.select_key(old.key_id)
    assert not child(screen, QPushButton, "replaceKeyButton").isEnabled()
    # "Replaced by" shows now that a key was replaced (it stays out of a list without one).
    keys = child(screen, QTreeWidget, "personKeysList")
    assert not keys.isColumnHidden(3)
    assert new.key_id in {keys.topLevelItem(r).text(3) for r in range(keys.topLevelItemCount())}
    select(qtbot, screen, "dana")
    wait_keys(qtbot, screen, "dana")
    assert keys.isColumnHidden(3)


def test_a_manager_sees_everyone_read_only(qtbot, make_screen, ui_services, open_as) -> None:
    ui_services.users.add("anna", role="member", display_name="Anna Analyst")
    old = ui_services.keys.create("Custom Dashboard API", owner="anna").key
    ui_services.users.deactivate("anna", reason="left")
    screen = make_screen(open_as("mark", Role.MANAGER))
    me = ui_services.users.me().login

    assert set(table_rows(screen)) == {me, "anna", "mark"}
    add = child(screen, QPushButton, "addUserButton")
    assert not add.isEnabled()
    assert "Manager" in add.toolTip() and "admin" in add.toolTip()
    select(qtbot, screen, "anna")
    assert not child(screen, QComboBox, "roleField").isEnabled()
    assert not child(screen, QPushButton, "reactivateUserButton").isEnabled()
    # Replacing a revoked key is key management, which a manager may do.
    wait_keys(qtbot, screen, "anna")
    assert screen.select_key(old.key_id)
    assert child(screen, QPushButton, "replaceKeyButton").isEnabled()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.AUDITOR])
def test_members_and_auditors_see_only_their_own_row(
    qtbot, make_screen, ui_services, open_as, role
) -> None:
    ui_services.users.add("anna", role="member")
    screen = make_screen(open_as("sam", role))

    assert set(table_rows(screen)) == {"sam"}
    for name in ("addUserButton", "deactivateUserButton"):
        button = child(screen, QPushButton, name)
        assert not button.isEnabled()
        assert role.label in button.toolTip()
    assert not child(screen, QComboBox, "roleField").isEnabled()


@pytest.fixture
def server_services(server_url: str, fast_hasher: Any) -> Any:
    from app.services import open_services

    services = open_services(server_url, hasher=fast_hasher, create_schema=True)
    yield services
    services.close()


def test_on_a_server_database_add_deactivate_and_replace(
    qtbot, make_screen, server_services
) -> None:
    services = server_services
    screen = make_screen(services)
    me = services.users.me().login

    click(qtbot, screen, "addUserButton")
    dialog = wait_for_top_level(qtbot, "addUserDialog")
    intro = child(dialog, QLabel, "addUserIntroLabel").text()
    assert "They sign in with their own database login of the same name" in intro
    qtbot.keyClicks(child(dialog, QLineEdit, "loginField"), "anna")
    qtbot.keyClicks(child(dialog, QLineEdit, "displayNameField"), "Anna Analyst")
    click(qtbot, dialog, "confirmAddUserButton")
    wait_closed(qtbot, dialog)
    qtbot.wait_until(lambda: "anna" in table_rows(screen), timeout=WAIT_MS)

    old = services.keys.create("Custom Dashboard API", owner="anna").key
    select(qtbot, screen, "anna")
    click(qtbot, screen, "deactivateUserButton")
    dialog = wait_for_top_level(qtbot, "deactivateUserDialog")
    qtbot.wait_until(lambda: bool(dialog.keys), timeout=WAIT_MS)
    assert [dto.key_id for dto in dialog.keys] == [old.key_id]
    qtbot.keyClicks(child(dialog, QLineEdit, "deactivateReasonField"), "Left the company")
    click(qtbot, dialog, "confirmDeactivateButton")
    wait_closed(qtbot, dialog)
    revoked = services.keys.get(old.key_id)
    assert revoked.status is KeyStatus.REVOKED
    assert "Left the company" in (revoked.revoked_reason or "")

    wait_keys(qtbot, screen, "anna")
    qtbot.wait_until(lambda: screen.select_key(old.key_id), timeout=WAIT_MS)
    click(qtbot, screen, "replaceKeyButton")
    create = wait_for_top_level(qtbot, "createKeyDialog")
    owner = child(create, QComboBox, "ownerField")
    qtbot.wait_until(lambda: owner.count() > 0, timeout=WAIT_MS)
    assert owner.findData("anna") < 0
    owner.setCurrentIndex(owner.findData(me))
    qtbot.mouseClick(child(create, QPushButton, "createButton"), Qt.MouseButton.LeftButton)
    wait_for_top_level(qtbot, "secretDialog")
    new_id = services.keys.get(old.key_id).replaced_by
    assert new_id is not None
    assert services.keys.get(new_id).replaces == old.key_id
    assert services.keys.get(new_id).owner_login == me


def test_the_window_opens_people_and_policy_from_the_side_bar(qtbot, window) -> None:
    window.switch_to("people")
    people = window.findChild(PeopleScreen, "peopleView")
    assert people is not None and people.isVisible()
    qtbot.wait_until(lambda: people.has_loaded, timeout=WAIT_MS)
    assert child(people, QPushButton, "addUserButton").isEnabled()  # the OS login is admin

    window.switch_to("policy")
    policy = window.findChild(QWidget, "policyView")
    assert policy is not None and policy.isVisible()
    qtbot.wait_until(lambda: policy.policy is not None, timeout=WAIT_MS)
    assert not policy.findChild(QLineEdit, "limitField").isReadOnly()


def _whole_on_screen(table: QTableView, column: Column) -> bool:
    header = table.horizontalHeader()
    left = header.sectionViewportPosition(column)
    return left >= 0 and left + header.sectionSize(column) <= table.viewport().width()


def test_who_in_which_role_and_status_stay_on_screen_in_a_narrow_window(
    qtbot, make_screen, ui_services
) -> None:
    # At 800x600 the table beside the person's panel showed login, name and part of the
    # email: each person's role and status needed a sideways scroll.
    ui_services.users.add(
        "amelia.hartley",
        role="manager",
        display_name="Amelia Hartley-Fairweather of Northwind Logistics",
        email="amelia.hartley-fairweather@northwind-logistics.example",
    )
    screen = make_screen()
    table = child(screen, QTableView, "usersTable")
    panel = child(screen, QWidget, "personDetailPanel")
    header = table.horizontalHeader()
    kept = (Column.LOGIN, Column.NAME, Column.ROLE, Column.STATUS)

    screen.resize(QSize(700, 480))  # what an 800x600 window leaves the workspace
    qtbot.wait_until(lambda: all(_whole_on_screen(table, column) for column in kept))
    assert table.horizontalScrollBar().value() == 0
    assert header.sectionSize(Column.NAME) >= NAME_LEAST_WIDTH  # elided, still readable
    assert DETAIL_MIN_WIDTH <= panel.width() < DEFAULT_DETAIL_WIDTH
    assert panel.x() >= table.x() + table.width()  # still beside, role editing in sight
    row = next(
        r for r in range(table.model().rowCount()) if "amelia" in table.model().index(r, 0).data()
    )
    assert table.model().index(row, Column.ROLE).data() == "Manager"

    # A wider window: the long email elides before anything needs a sideways scroll.
    screen.resize(QSize(1300, 760))
    qtbot.wait_until(lambda: table.horizontalScrollBar().maximum() == 0)
    assert all(_whole_on_screen(table, column) for column in Column)
    assert panel.width() == DEFAULT_DETAIL_WIDTH
    assert header.sectionSize(Column.EMAIL) < table.sizeHintForColumn(Column.EMAIL)
    # A window wide enough gives every column its contents' width.
    screen.resize(QSize(1800, 760))
    qtbot.wait_until(
        lambda: header.sectionSize(Column.EMAIL) >= table.sizeHintForColumn(Column.EMAIL)
    )
    assert header.sectionSize(Column.NAME) >= table.sizeHintForColumn(Column.NAME)
    assert table.horizontalScrollBar().maximum() == 0

    # A divider the user dragged stays where they put it when the window narrows.
    screen.splitter.moveSplitter(screen.splitter.width() - 520, 1)
    qtbot.wait_until(lambda: panel.width() >= 500)
    chosen = panel.width()
    screen.resize(QSize(1200, 760))
    qtbot.wait_until(lambda: screen.width() == 1200)
    assert panel.width() == chosen
