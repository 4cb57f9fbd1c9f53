"""People overview (who, how many active keys, last activity; by role) and the deactivation
preview (exactly the keys deactivation then revokes)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from app.domain.errors import NotFound, PermissionDenied, ValidationError
from app.domain.hashing import TokenHasher
from app.domain.policy import REASON_OWNER_DEACTIVATED
from app.domain.roles import Role
from app.domain.status import KeyState, KeyStatus
from app.services import Services, open_services
from app.services.dto import KeyQuery
from app.services.people import PersonRow
from tests.support import START, Clock, Team, fresh_server_database, make_team


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def team(open_as: Callable[..., Services], clock: Clock) -> Team:
    return make_team(open_as, clock)


def _by_login(rows: list[PersonRow]) -> dict[str, PersonRow]:
    return {row.user.login: row for row in rows}


def _story(team: Team, clock: Clock) -> dict[str, object]:
    """maria: two active keys (one used), one disabled, one expired, one revoked; manny acts
    last; audrey never does anything."""
    member = team.member.keys
    used = member.create("Snowflake ETL")
    member.create("HubSpot Sync")
    disabled = member.create("Zapier")
    member.disable(disabled.key.key_id)
    expired = member.create("Pilot", expires=(START + timedelta(days=1)).date())
    revoked = member.create("Old dashboard")
    member.revoke(revoked.key.key_id, "retired")
    created_manny = team.manager.keys.create("Warehouse")

    clock.advance(days=3)  # the pilot key has expired now
    verifier = team.admin.verifier(flush_interval=3600)
    assert verifier.verify(used.token.reveal()).valid
    verifier.close()
    maria_used = clock.now.replace(second=0, microsecond=0)

    clock.advance(hours=2)
    team.manager.keys.edit(created_manny.key.key_id, description="Nightly load.")
    return {
        "maria_used": maria_used,
        "manny_acted": clock.now,
        "expired": expired.key.key_id,
    }


def test_admins_and_managers_see_everyone_with_active_keys_and_last_activity(
    team: Team, clock: Clock
) -> None:
    story = _story(team, clock)
    for services in (team.admin, team.manager):
        rows = services.people.overview()
        assert [row.user.login for row in rows] == ["ada", "audrey", "manny", "maria", "mike"]
        people = _by_login(rows)
        maria = people["maria"]
        assert maria.active_keys == 2  # not the disabled, expired or revoked ones
        # Her newest audit event (the revoke) is days older than her key's last use.
        assert maria.last_activity == story["maria_used"]
        assert people["manny"].active_keys == 1
        assert people["manny"].last_activity == story["manny_acted"]
        # ada added everyone at the start; nothing of hers since.
        assert people["ada"].last_activity == START
        assert people["ada"].active_keys == 0
        # audrey and mike never acted and own no keys.
        assert people["audrey"].last_activity is None
        assert people["audrey"].active_keys == 0
        assert people["audrey"].user.role is Role.AUDITOR
        assert people["maria"].user.email == "maria@example.com"


def test_members_and_auditors_see_their_own_row_only_and_a_verifier_nothing(
    team: Team, clock: Clock, open_as: Callable[..., Services]
) -> None:
    story = _story(team, clock)
    everyone = _by_login(team.admin.people.overview())

    [own] = team.member.people.overview()
    assert own == everyone["maria"]
    assert own.last_activity == story["maria_used"]
    [own] = team.other_member.people.overview()
    assert own == everyone["mike"]
    [own] = team.auditor.people.overview()
    assert own == everyone["audrey"]

    team.admin.users.add("vera", role="verifier")
    with pytest.raises(PermissionDenied):
        open_as("vera", clock=clock).people.overview()


def test_deactivated_people_are_listed_with_no_active_keys(team: Team, clock: Clock) -> None:
    team.member.keys.create("Snowflake ETL")
    clock.advance(hours=1)
    team.admin.users.deactivate("maria")
    maria = _by_login(team.admin.people.overview())["maria"]
    assert (maria.user.active, maria.active_keys) == (False, 0)
    assert maria.user.deactivated_at == clock.now
    # Her own last action (the key's creation) is still her last activity.
    assert maria.last_activity == START


# --------------------------------------------------------------------------- deactivation preview


def test_the_preview_is_exactly_what_deactivation_revokes(team: Team, clock: Clock) -> None:
    story = _story(team, clock)
    preview = team.admin.people.deactivation_preview("maria")
    # Active, disabled and expired (an active row past its date) - not the revoked one -
    # oldest first.
    assert [key.name for key in preview] == ["Snowflake ETL", "HubSpot Sync", "Zapier", "Pilot"]
    assert {key.status for key in preview} == {
        KeyStatus.ACTIVE,
        KeyStatus.DISABLED,
        KeyStatus.EXPIRED,
    }
    assert story["expired"] in {key.key_id for key in preview}
    assert all(key.state is not KeyState.REVOKED for key in preview)
    # The last use is there for the dialog.
    assert preview[0].last_used_at == story["maria_used"]

    clock.advance(minutes=5)
    _user, revoked = team.admin.users.deactivate("maria")
    assert revoked == len(preview)
    keys = team.admin.keys.page(KeyQuery(owner="maria", limit=100)).rows
    revoked_now = {key.key_id for key in keys if key.revoked_at == clock.now}
    assert revoked_now == {key.key_id for key in preview}
    assert all(
        (key.revoked_reason or "").startswith(REASON_OWNER_DEACTIVATED)
        for key in keys
        if key.key_id in revoked_now
    )


def test_the_preview_of_someone_without_keys_is_empty(team: Team) -> None:
    assert team.admin.people.deactivation_preview("mike") == ()


def test_the_preview_is_refused_like_deactivation(team: Team) -> None:
    team.member.keys.create("Snowflake ETL")
    for services in (team.manager, team.member, team.auditor):
        with pytest.raises(PermissionDenied):
            services.people.deactivation_preview("maria")
    with pytest.raises(NotFound):
        team.admin.people.deactivation_preview("nobody")
    with pytest.raises(NotFound):
        team.admin.people.deactivation_preview("bad\x00login")
    with pytest.raises(ValidationError, match="last admin"):
        team.admin.people.deactivation_preview("ada")
    team.admin.users.deactivate("maria")
    with pytest.raises(ValidationError, match="already deactivated"):
        team.admin.people.deactivation_preview("maria")


def test_the_preview_pages_through_many_keys(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.services import people

    monkeypatch.setattr(people, "_PAGE", 2)
    for number in range(5):
        team.member.keys.create(f"Key {number}")
    preview = team.admin.people.deactivation_preview("maria")
    assert [key.name for key in preview] == [f"Key {number}" for number in range(5)]


# --------------------------------------------------------------------------- real server logins

PASSWORD = "kw-People-Pw-1234"


@pytest.fixture(params=["postgresql", "mariadb"])
def server_kind_url(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    for url in fresh_server_database(request.param):
        yield request.param, url


def _create_login(connection: sa.Connection, kind: str, name: str) -> None:
    if kind == "postgresql":
        connection.exec_driver_sql(f"CREATE ROLE {name} LOGIN PASSWORD '{PASSWORD}'")
    else:
        connection.exec_driver_sql(f"CREATE USER '{name}'@'127.0.0.1' IDENTIFIED BY '{PASSWORD}'")


def _drop_login(connection: sa.Connection, kind: str, name: str) -> None:
    if kind == "postgresql":
        connection.exec_driver_sql(f"DROP ROLE IF EXISTS {name}")
    else:
        connection.exec_driver_sql(f"DROP USER IF EXISTS '{name}'@'127.0.0.1'")


def test_each_real_login_reads_the_same_numbers_the_database_lets_it_read(
    server_kind_url: tuple[str, str], fast_hasher: TokenHasher
) -> None:
    """Each role's own login (row-level security on PostgreSQL, the definer views on
    MariaDB): a member or auditor gets exactly their row as the owner sees it, although the
    database would let them read every ``users`` row; admins and managers read everyone."""
    kind, server_url = server_kind_url
    suffix = uuid.uuid4().hex[:8]
    names = {role: f"kw_p_{role.value[:3]}_{suffix}" for role in Role}
    root = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with root.connect() as connection:
        for name in names.values():
            _create_login(connection, kind, name)
    owner = open_services(server_url, hasher=fast_hasher, create_schema=True)
    opened: list[Services] = []

    def login(role: Role) -> Services:
        url = make_url(server_url).set(username=names[role], password=PASSWORD)
        services = open_services(url.render_as_string(hide_password=False), hasher=fast_hasher)
        opened.append(services)
        return services

    try:
        for role, name in names.items():
            owner.users.add(name, role=role)
        member = login(Role.MEMBER)
        member.keys.create("Snowflake ETL")
        member.keys.create("Old", expires=date.today() + timedelta(days=30))
        login(Role.MANAGER).keys.create("Warehouse")
        everyone = _by_login(owner.people.overview())
        assert everyone[names[Role.MEMBER]].active_keys == 2
        assert everyone[names[Role.MEMBER]].last_activity is not None
        assert everyone[names[Role.MANAGER]].active_keys == 1
        for role in (Role.MEMBER, Role.AUDITOR):
            assert login(role).people.overview() == [everyone[names[role]]]
        for role in (Role.MANAGER, Role.ADMIN):
            assert _by_login(login(role).people.overview()) == everyone
        with pytest.raises(PermissionDenied):
            login(Role.VERIFIER).people.overview()
        preview = login(Role.ADMIN).people.deactivation_preview(names[Role.MEMBER])
        assert [key.name for key in preview] == ["Snowflake ETL", "Old"]
    finally:
        for services in opened:
            services.close()
        owner.close()
        with root.connect() as connection:
            for name in names.values():
                _drop_login(connection, kind, name)
        root.dispose()
