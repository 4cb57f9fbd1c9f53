"""Live updates: what someone else changes reaches an open console without a key press.

The "someone else" is a second Services under another login: in the same process for the
signals and the detail panel, and a second *process* (as another window or the command line
would be) for the window on each database — SQLite and MariaDB polled, PostgreSQL woken by
its own ``NOTIFY``, at the console's real intervals.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWidget

from app.domain.errors import NotFound
from app.domain.hashing import TokenHasher
from app.domain.roles import Role
from app.domain.status import KeyStatus
from app.services import Services, open_services
from app.ui.live import FALLBACK_MS, MIN_GAP_MS, LiveUpdates
from app.ui.tasks import refreshes_held
from tests.support import fresh_server_database, wait_until_logged_off
from tests.ui.support import activate

WAIT_MS = 5_000
REPO = Path(__file__).resolve().parents[2]

#: The other process: Services as ``argv[2]`` on ``argv[1]``, one change per line read.
_OTHER_PROCESS = """
import sys
from app.domain.hashing import FAST_FOR_TESTS, TokenHasher
from app.services import open_services

url, login = sys.argv[1:3]
services = open_services(url, hasher=TokenHasher(FAST_FOR_TESTS), operator_login=login)
for line in sys.stdin:
    verb, _, rest = line.strip().partition(" ")
    if verb == "create":
        print(services.keys.create(rest).key.key_id, flush=True)
        continue
    key_id, _, text = rest.partition(" ")
    if verb == "describe":
        services.keys.edit(key_id, description=text)
    elif verb == "disable":
        services.keys.disable(key_id)
    elif verb == "delete":
        services.keys.delete(key_id)
    print("done", flush=True)
"""


class OtherProcess:
    """Another admin's ``python`` process changing keys; ``do(line)`` returns once committed."""

    def __init__(self, url: str, login: str) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-c", _OTHER_PROCESS, url, login],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )

    def do(self, line: str) -> str:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(line + "\n")
        self._process.stdin.flush()
        answer = self._process.stdout.readline().strip()
        assert answer, f"the other process failed on {line!r}"
        return answer

    def close(self) -> None:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.close()
        self._process.wait(timeout=30)
        self._process.stdout.close()


def _live(ui_services: Services, tasks: Any, qtbot: Any) -> LiveUpdates:
    live = LiveUpdates(ui_services, tasks, interval_ms=50)
    live.start()
    qtbot.wait_until(lambda: live._seq is not None, timeout=WAIT_MS)
    return live


def test_another_admins_changes_arrive(
    qtbot: Any, tasks: Any, ui_services: Services, open_as: Callable[..., Services]
) -> None:
    mine = ui_services.keys.create("Warehouse sync").key
    live = _live(ui_services, tasks, qtbot)
    other = open_as("ana")
    changed: list[list[Any]] = []
    removed: list[list[str]] = []
    live.keys_changed.connect(changed.append)
    live.keys_removed.connect(removed.append)

    other.keys.disable(mine.key_id)
    qtbot.wait_until(lambda: bool(changed), timeout=WAIT_MS)
    assert [(dto.key_id, dto.status) for dto in changed[-1]] == [(mine.key_id, KeyStatus.DISABLED)]

    created = other.keys.create("Dashboard").key
    qtbot.wait_until(lambda: created.key_id in {d.key_id for d in changed[-1]}, timeout=WAIT_MS)

    other.keys.delete(created.key_id)
    qtbot.wait_until(lambda: removed == [[created.key_id]], timeout=WAIT_MS)
    live.stop()


def test_people_and_policy_changes_are_announced(
    qtbot: Any, tasks: Any, ui_services: Services, open_as: Callable[..., Services]
) -> None:
    live = _live(ui_services, tasks, qtbot)
    other = open_as("ana", role=Role.ADMIN)
    with qtbot.wait_signal(live.people_changed, timeout=WAIT_MS):
        other.users.add("bob", role="member", display_name="Bob")
    with qtbot.wait_signal(live.policy_changed, timeout=WAIT_MS):
        other.policy.set_key_limit(2)
    live.stop()


def test_too_much_at_once_reloads_once_and_after_the_windows_own_bulk_change(
    qtbot: Any,
    tasks: Any,
    ui_services: Services,
    open_as: Callable[..., Services],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """More changes in one poll than the feed follows row by row ask for one reload; while
    the window's own bulk change runs (``refreshes_held``), that waits for its end."""
    monkeypatch.setattr("app.services.changes.MAX_EVENTS", 2)
    live = _live(ui_services, tasks, qtbot)
    other = open_as("ana")
    reloads: list[None] = []
    seen: list[Any] = []
    live.reload_needed.connect(lambda: reloads.append(None))
    live.changes_seen.connect(seen.append)
    live.stop()  # one poll at a time, when asked

    made = iter(range(100))

    def burst(count: int) -> None:
        for _ in range(count):
            other.keys.create(f"Burst {next(made)}")
        before = len(seen)
        live.poll()
        qtbot.wait_until(lambda: len(seen) > before, timeout=WAIT_MS)
        assert seen[-1].overflow

    burst(3)
    assert reloads == [None]
    with refreshes_held():
        burst(3)
        burst(3)
        qtbot.wait(100)
        assert reloads == [None]  # not while the bulk change runs
    assert reloads == [None, None]  # once, when it has ended


def test_polling_never_shows_the_busy_indicator(
    qtbot: Any, tasks: Any, ui_services: Services
) -> None:
    busy: list[bool] = []
    tasks.busy_changed.connect(busy.append)
    live = _live(ui_services, tasks, qtbot)
    qtbot.wait(300)  # several idle polls
    live.stop()
    assert busy == []


def test_nothing_changed_emits_nothing(qtbot: Any, tasks: Any, ui_services: Services) -> None:
    live = _live(ui_services, tasks, qtbot)
    seen: list[object] = []
    live.changes_seen.connect(seen.append)
    qtbot.wait(300)
    live.stop()
    assert seen == []


def test_a_burst_of_notifications_is_read_by_one_poll_per_gap(
    qtbot: Any, tasks: Any, ui_services: Services
) -> None:
    """A bulk change elsewhere notifies dozens of times a second: polls stay spaced."""
    live = LiveUpdates(ui_services, tasks, interval_ms=60_000)
    live.start()
    qtbot.wait_until(lambda: live._seq is not None, timeout=WAIT_MS)
    looks: list[int] = []
    look = live._look
    live._look = lambda seq: (looks.append(seq), look(seq))[1]  # type: ignore[method-assign]
    key = ui_services.keys.create("Warehouse sync").key
    seen: list[object] = []
    live.keys_changed.connect(seen.append)
    for _ in range(20):  # 20 notifications in about 200 ms
        live._announced.emit()
        qtbot.wait(10)
    qtbot.wait_until(lambda: bool(seen), timeout=WAIT_MS)
    qtbot.wait(2 * MIN_GAP_MS)
    live.stop()
    assert 1 <= len(looks) <= 3
    assert [dto.key_id for dto in seen[0]] == [key.key_id]  # the change was read all the same


def test_the_window_shows_another_admins_changes_by_itself(
    qtbot: Any, make_window: Any, ui_services: Services, open_as: Callable[..., Services]
) -> None:
    from app.ui.models.key_columns import Column

    mine = ui_services.keys.create("Warehouse sync").key
    window = make_window(ui_services)
    window.live._timer.setInterval(50)
    model = window.keys.model
    other = open_as("ana")
    window.keys.toolbar.focus_search()
    qtbot.wait_until(lambda: window.live._seq is not None, timeout=WAIT_MS)

    created = other.keys.create("Dashboard").key
    qtbot.wait_until(lambda: model.row_of(created.key_id) == 0, timeout=WAIT_MS)
    other.keys.disable(mine.key_id)

    def shows_disabled() -> bool:
        row = model.row_of(mine.key_id)
        return row is not None and model.key_at(row).status is KeyStatus.DISABLED

    qtbot.wait_until(shows_disabled, timeout=WAIT_MS)
    other.keys.delete(created.key_id)
    qtbot.wait_until(lambda: model.row_of(created.key_id) is None, timeout=WAIT_MS)
    assert model.index(0, Column.NAME).data() == "Warehouse sync"


# --------------------------------------------------------------------------- a second process


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.db'}"
    else:
        yield from fresh_server_database(request.param)


@pytest.fixture
def shared(shared_url: str, fast_hasher: TokenHasher) -> Iterator[Services]:
    """The window's Services (the schema's owner, an admin) on a database ana also uses."""
    services = open_services(shared_url, hasher=fast_hasher, create_schema=True)
    services.users.add("ana", role=Role.ADMIN, display_name="Ana")
    yield services
    services.close()


@pytest.fixture
def ana(shared: Services) -> Iterator[OtherProcess]:
    other = OtherProcess(shared.engine.url.render_as_string(hide_password=False), "ana")
    yield other
    other.close()


def _status_of(window: Any, key_id: str) -> KeyStatus | None:
    row = window.keys.model.row_of(key_id)
    return None if row is None else window.keys.model.key_at(row).status


def _selected_ids(window: Any) -> list[str]:
    return [dto.key_id for dto in window.keys.selected_keys()]


def test_another_process_creates_changes_and_deletes_keys_in_an_open_window(
    qtbot: Any, make_window: Any, shared: Services, ana: OtherProcess
) -> None:
    kept = shared.keys.create("Warehouse backup").key
    sync = shared.keys.create("Warehouse sync").key
    shared.keys.create("Billing export")
    window = make_window(shared)
    search = window.findChild(QLineEdit, "searchField")
    with qtbot.wait_signal(window.keys.model.query_loaded, timeout=WAIT_MS):
        search.setText("warehouse")
    window.keys.table.selectRow(window.keys.model.row_of(kept.key_id))
    qtbot.wait_until(lambda: window.live._seq is not None, timeout=WAIT_MS)
    if shared.changes.can_listen:  # PostgreSQL: the database's NOTIFY wakes the window
        qtbot.wait_until(lambda: window.live.listening, timeout=WAIT_MS)
        assert window.live._timer.interval() == FALLBACK_MS
    search.setFocus()
    search.setText("warehouse sy")  # typing, not yet searched: the text must survive
    search.setText("warehouse")

    created = ana.do("create Warehouse audit")
    ana.do("create Dashboard")  # not a "warehouse": the list as searched leaves it out
    qtbot.wait_until(lambda: window.keys.model.row_of(created) == 0, timeout=WAIT_MS)
    ana.do(f"disable {sync.key_id}")
    qtbot.wait_until(lambda: _status_of(window, sync.key_id) is KeyStatus.DISABLED, timeout=WAIT_MS)
    ana.do(f"delete {created}")
    qtbot.wait_until(lambda: window.keys.model.row_of(created) is None, timeout=WAIT_MS)

    model = window.keys.model
    names = {model.key_at(row).name for row in range(model.rowCount())}
    assert names == {"Warehouse backup", "Warehouse sync"}
    assert _selected_ids(window) == [kept.key_id]
    assert window.keys.current_key().key_id == kept.key_id
    assert search.text() == "warehouse"
    # The summary follows: Warehouse backup, Billing export and Dashboard are active.
    qtbot.wait_until(lambda: window.keys.header.summary_active.value == "3", timeout=WAIT_MS)


# --------------------------------------------------------------------------- a member's window

_MEMBER_PASSWORD = "kw-Member-Pw-1234"


@pytest.fixture
def member(shared: Services, fast_hasher: TokenHasher) -> Iterator[Services]:
    """Services for a member under their own database login (on SQLite, as that operator):
    what the server shows them is what its own reading rule lets their login read."""
    url = shared.engine.url
    dialect = shared.engine.dialect.name
    login = f"kw_bob_{uuid.uuid4().hex[:8]}"
    owner = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with owner.connect() as connection:
            if dialect == "postgresql":
                connection.exec_driver_sql(
                    f"CREATE ROLE {login} LOGIN PASSWORD '{_MEMBER_PASSWORD}'"
                )
            elif dialect != "sqlite":
                connection.exec_driver_sql(
                    f"CREATE USER '{login}'@'127.0.0.1' IDENTIFIED BY '{_MEMBER_PASSWORD}'"
                )
        shared.users.add(login, role=Role.MEMBER, display_name="Bob")
        if dialect == "sqlite":
            services = open_services(str(url), hasher=fast_hasher, operator_login=login)
        else:
            own = url.set(username=login, password=_MEMBER_PASSWORD)
            services = open_services(own.render_as_string(hide_password=False), hasher=fast_hasher)
        try:
            assert services.users.me().login == login and services.users.me().role is Role.MEMBER
            yield services
        finally:
            services.close()
    finally:
        with owner.connect() as connection:
            if dialect == "postgresql":
                wait_until_logged_off(connection, login)
                connection.exec_driver_sql(f"DROP ROLE IF EXISTS {login}")
            elif dialect != "sqlite":
                connection.exec_driver_sql(f"DROP USER IF EXISTS '{login}'@'127.0.0.1'")
        owner.dispose()


def _move_key(shared: Services, key_id: str, login: str) -> None:
    """Give a key to another owner, with its event, as the schema's owner (a script) would:
    Keyward itself has no such command, but nothing stops an owner's script doing it."""
    actor = shared.users.me().login
    dialect = shared.engine.dialect.name
    if dialect == "sqlite":
        from app.data.models import ApiKey, User
        from app.domain.audit import AuditAction
        from app.services.keys import snapshot

        with shared.context.write() as tx:
            row = tx.session.execute(sa.select(ApiKey).where(ApiKey.key_id == key_id)).scalar_one()
            old = tx.session.get(User, row.owner_id)
            new = tx.session.execute(sa.select(User).where(User.login == login)).scalar_one()
            assert old is not None
            before = snapshot(row, old.login)
            row.owner_id, row.owner_name, row.version = new.id, new.display_name, row.version + 1
            after = snapshot(row, login)
            tx.audit(AuditAction.KEY_EDITED, "key", key_id, before=before, after=after)
        return
    with shared.engine.begin() as connection:
        values = {"id": key_id, "login": login, "actor": actor}
        if dialect == "postgresql":
            connection.execute(
                sa.text(
                    "WITH old AS (SELECT kw_key_json(k) AS j FROM api_keys k WHERE key_id = :id),"
                    " moved AS (UPDATE api_keys SET owner_id = (SELECT id FROM users"
                    " WHERE login = :login), version = version + 1 WHERE key_id = :id"
                    " RETURNING *)"
                    " SELECT kw_append_event(:actor, (now() AT TIME ZONE 'UTC')::timestamp,"
                    " 'key.edited', 'key', :id, (SELECT j FROM old),"
                    " (SELECT kw_key_json(moved) FROM moved), NULL, 'script')"
                ),
                values,
            )
            return
        for statement in (
            "SELECT id INTO @kw_pk FROM api_keys_data WHERE key_id = :id",
            "CALL kw_key_json(@kw_pk, @kw_before)",
            "UPDATE api_keys_data SET owner_id = (SELECT id FROM users_data WHERE login = :login),"
            " version = version + 1 WHERE id = @kw_pk",
            "CALL kw_key_json(@kw_pk, @kw_after)",
            "CALL kw_append_event(:actor, UTC_TIMESTAMP(6), 'key.edited', 'key', :id,"
            " @kw_before, @kw_after, NULL, 'script')",
        ):
            connection.execute(sa.text(statement), values)


def test_a_members_window_drops_its_keys_deleted_or_moved_away_elsewhere(
    qtbot: Any, member: Services, make_window: Any, shared: Services, ana: OtherProcess
) -> None:
    """An admin deletes one of bob's keys in another process, and a script gives another to
    Ana: bob's open window removes both by itself (the database lets bob's login read the
    events of keys that were his) and keeps the rest."""
    bob = member.users.me().login
    kept = shared.keys.create("Bob's backup", owner=bob).key.key_id
    deleted = shared.keys.create("Bob's export", owner=bob).key.key_id
    moved = shared.keys.create("Bob's loader", owner=bob).key.key_id
    window = make_window(member)
    model = window.keys.model
    qtbot.wait_until(lambda: window.live._seq is not None, timeout=WAIT_MS)
    if member.changes.can_listen:
        qtbot.wait_until(lambda: window.live.listening, timeout=WAIT_MS)
    assert all(model.row_of(key_id) is not None for key_id in (kept, deleted, moved))

    ana.do(f"delete {deleted}")
    qtbot.wait_until(lambda: model.row_of(deleted) is None, timeout=WAIT_MS)
    _move_key(shared, moved, "ana")
    qtbot.wait_until(lambda: model.row_of(moved) is None, timeout=WAIT_MS)

    assert [model.key_at(row).key_id for row in range(model.rowCount())] == [kept]
    with pytest.raises(NotFound):
        member.keys.get(moved)
    assert shared.keys.get(moved).owner_login == "ana"


def test_a_live_edit_keeps_the_scroll_position_and_the_selection(
    qtbot: Any, make_window: Any, ui_services: Services, open_as: Callable[..., Services]
) -> None:
    from tests.ui.support import seed_keys

    ids = seed_keys(ui_services, 120)
    window = make_window(ui_services)
    window.live._timer.setInterval(50)
    table = window.keys.table
    qtbot.wait_until(lambda: window.live._seq is not None, timeout=WAIT_MS)
    model = window.keys.model
    while model.canFetchMore():
        model.fetchMore()
        qtbot.wait_until(lambda: not model.is_fetching, timeout=WAIT_MS)
    middle = ids[60]
    table.selectRow(model.row_of(middle))
    table.scrollTo(model.index_of(middle))
    bar = table.verticalScrollBar()
    scrolled = bar.value()
    assert scrolled > 0
    other = open_as("ana", role=Role.ADMIN)

    other.keys.edit(middle, description="Changed by Ana.")
    other.keys.disable(ids[59])

    qtbot.wait_until(lambda: _status_of(window, ids[59]) is KeyStatus.DISABLED, timeout=WAIT_MS)
    assert model.key_at(model.row_of(middle)).description == "Changed by Ana."
    assert bar.value() == scrolled
    assert _selected_ids(window) == [middle]


def test_a_key_changed_elsewhere_beyond_the_fetched_rows_stays_where_it_belongs(
    qtbot: Any, make_window: Any, ui_services: Services, open_as: Callable[..., Services]
) -> None:
    """Only new keys go to the top: one revoked elsewhere further down the list (as a bulk
    revoke does to thousands) is not inserted among the first rows as if it were new."""
    from tests.ui.support import seed_keys

    ids = seed_keys(ui_services, 130)
    window = make_window(ui_services)
    window.live._timer.setInterval(50)
    qtbot.wait_until(lambda: window.live._seq is not None, timeout=WAIT_MS)
    model = window.keys.model
    oldest = ids[0]  # newest first: the oldest key is past the first page of 100
    assert model.row_of(oldest) is None
    rows = model.rowCount()
    other = open_as("ana", role=Role.ADMIN)
    other.keys.revoke(oldest, reason="bulk clean-up")
    created = other.keys.create("Fresh Integration").key.key_id

    qtbot.wait_until(lambda: model.row_of(created) == 0, timeout=WAIT_MS)
    assert model.row_of(oldest) is None
    assert model.rowCount() == rows + 1

    # The table scrolls: the next page is read ahead as it is now; a key on it revoked
    # elsewhere then shows revoked when scrolled to, not as the page read ahead had it.
    window.keys.table.verticalScrollBar().setValue(1)
    qtbot.wait_until(lambda: not model.is_reading_ahead, timeout=WAIT_MS)
    with qtbot.wait_signal(window.live.changes_seen, timeout=WAIT_MS):
        other.keys.revoke(ids[1], reason="bulk clean-up")
    window.keys.table.scrollToBottom()
    qtbot.wait_until(lambda: model.row_of(ids[1]) is not None, timeout=WAIT_MS)
    assert _status_of(window, ids[1]) is KeyStatus.REVOKED
    assert _status_of(window, oldest) is KeyStatus.REVOKED


# --------------------------------------------------------------------------- the detail panel


@pytest.fixture
def shown(qtbot: Any, make_window: Any, ui_services: Services) -> tuple[Any, str]:
    """A window with a live feed polling fast, one key selected and its details loaded."""
    key_id = ui_services.keys.create("Snowflake ETL", "Pulls data into Snowflake.").key.key_id
    window = make_window(ui_services)
    window.live._timer.setInterval(50)
    window.keys.table.selectRow(window.keys.model.row_of(key_id))
    panel = window.keys.panel
    qtbot.wait_until(lambda: panel.isVisible() and panel.history_model.rowCount() > 0)
    qtbot.wait_until(lambda: window.live._seq is not None, timeout=WAIT_MS)
    return window, key_id


def test_the_detail_panel_follows_a_change_made_elsewhere(
    qtbot: Any, shown: tuple[Any, str], open_as: Callable[..., Services]
) -> None:
    window, key_id = shown
    panel = window.keys.panel
    before = panel.history_model.rowCount()
    open_as("ana", role=Role.ADMIN).keys.disable(key_id)
    qtbot.wait_until(lambda: panel.status_badge.text() == "Disabled", timeout=WAIT_MS)
    qtbot.wait_until(lambda: panel.history_model.rowCount() == before + 1, timeout=WAIT_MS)
    assert not panel.enabled_toggle.isChecked()
    assert not window.findChild(QWidget, "conflictBanner").isVisible()  # nothing was typed


def test_an_edit_in_progress_changed_elsewhere_says_who_and_when_until_reload(
    qtbot: Any, shown: tuple[Any, str], ui_services: Services, open_as: Callable[..., Services]
) -> None:
    window, key_id = shown
    panel = window.keys.panel
    activate(qtbot, window)
    name = window.findChild(QLineEdit, "nameEdit")
    name.setFocus()
    name.selectAll()
    qtbot.keyClicks(name, "Snowflake loader")
    other = open_as("ana", role=Role.ADMIN)
    other.keys.edit(key_id, description="Ana's words.")

    banner = window.findChild(QWidget, "conflictBanner")
    qtbot.wait_until(banner.isVisible, timeout=WAIT_MS)
    text = window.findChild(QLabel, "conflictBannerText").text()
    assert "ana" in text and "UTC" in text
    assert name.text() == "Snowflake loader"  # what was typed is kept
    assert panel.status_badge.text() == "Active"

    # Saving over Ana's change is refused: nothing is written.
    window.findChild(QPushButton, "saveDetailsButton").click()
    assert not panel._saving  # refused on the spot: no save was sent
    stored = ui_services.keys.get(key_id)
    assert (stored.name, stored.description) == ("Snowflake ETL", "Ana's words.")
    assert banner.isVisible()

    window.findChild(QPushButton, "conflictBannerAction").click()
    qtbot.wait_until(lambda: name.text() == "Snowflake ETL", timeout=WAIT_MS)
    assert not banner.isVisible()
    assert window.findChild(QWidget, "descriptionEdit").toPlainText() == "Ana's words."


def test_f5_after_a_change_elsewhere_reloads_the_edit_and_clears_the_banner(
    qtbot: Any, shown: tuple[Any, str], open_as: Callable[..., Services]
) -> None:
    window, key_id = shown
    activate(qtbot, window)
    name = window.findChild(QLineEdit, "nameEdit")
    name.setFocus()
    name.selectAll()
    qtbot.keyClicks(name, "Snowflake loader")
    open_as("ana", role=Role.ADMIN).keys.edit(key_id, description="Ana's words.")
    banner = window.findChild(QWidget, "conflictBanner")
    qtbot.wait_until(banner.isVisible, timeout=WAIT_MS)

    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.wait_until(lambda: name.text() == "Snowflake ETL", timeout=WAIT_MS)
    assert not banner.isVisible()
    assert window.findChild(QWidget, "descriptionEdit").toPlainText() == "Ana's words."
