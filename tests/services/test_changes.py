"""The change feed an open window polls: one cheap read when idle, exact key ids when not.

Each change is made by a second, separately opened Services (another window, another
person); the feed of the first sees it on every database.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.domain.audit import AuditAction
from app.services import changes as changes_module
from tests.support import Clock, OpenServices, Team, make_team


@pytest.fixture
def team(open_as: OpenServices) -> Team:
    return make_team(open_as, Clock())


def test_nothing_changed_is_no_change(team: Team) -> None:
    feed = team.admin.changes
    mark = feed.mark()
    result = feed.since(mark)
    assert not result.any
    assert result.seq == mark


def test_another_persons_changes_name_the_keys(team: Team) -> None:
    mine = team.admin.keys.create("Warehouse sync").key
    mark = team.admin.changes.mark()
    other = team.manager
    created = other.keys.create("Dashboard", owner="maria").key
    other.keys.edit(mine.key_id, description="nightly export")
    other.keys.disable(mine.key_id)
    other.keys.delete(created.key_id)

    result = team.admin.changes.since(mark)
    assert result.any
    assert result.keys == [created.key_id, mine.key_id]
    assert result.created_keys == [created.key_id]
    assert result.deleted_keys == [created.key_id]
    last = result.last_change_of(mine.key_id)
    assert last is not None and last.actor == "manny" and last.action is AuditAction.KEY_DISABLED
    # Asked again from the new mark: nothing more.
    assert not team.admin.changes.since(result.seq).any


def test_people_and_policy_changes_are_flagged(team: Team) -> None:
    mark = team.manager.changes.mark()
    team.admin.users.set_role("mike", "manager")
    result = team.manager.changes.since(mark)
    assert result.people and not result.policy and result.keys == []
    team.admin.policy.set_key_limit(3)
    assert team.manager.changes.since(result.seq).policy


def test_a_member_sees_changes_to_their_own_keys(team: Team) -> None:
    member = team.member
    own = member.keys.create("Maria's report").key
    mark = member.changes.mark()
    team.manager.keys.disable(own.key_id)
    result = member.changes.since(mark)
    assert own.key_id in result.keys


def test_a_flood_of_changes_asks_for_a_full_reload(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(changes_module, "MAX_EVENTS", 2)
    mark = team.admin.changes.mark()
    for number in range(3):
        team.manager.keys.create(f"Batch {number}")
    result = team.admin.changes.since(mark)
    assert result.overflow and result.any and result.people
    assert not team.admin.changes.since(result.seq).any


def test_idle_poll_is_one_query(team: Team) -> None:
    services = team.admin
    mark = services.changes.mark()
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "SET", "COMMIT", "ROLLBACK")):
            statements.append(statement)

    sa.event.listen(services.engine, "before_cursor_execute", count)
    try:
        services.changes.since(mark)
    finally:
        sa.event.remove(services.engine, "before_cursor_execute", count)
    assert len(statements) == 1, statements
