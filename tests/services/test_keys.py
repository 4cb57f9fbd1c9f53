"""Key lifecycle through the services, on every database: the Affinity and RecordsKeeper flows.

``Clock``, ``Team``, ``make_team`` and ``database_state`` come from ``tests/support.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.data.models import AuditEvent
from app.domain.audit import AuditAction
from app.domain.errors import (
    ConflictError,
    NotFound,
    PolicyConfirmationRequired,
    ValidationError,
)
from app.domain.key_format import parse_token
from app.domain.policy import REASON_OWNER_DEACTIVATED, REASON_POLICY_LIMIT
from app.domain.sorting import SortField
from app.domain.status import KeyStatus, RejectReason
from app.services import Services
from app.services.dto import KeyDTO, KeyQuery
from tests.support import START, Clock, Team, database_state, make_team

# ---------------------------------------------------------------------------- shared helpers


def audit_count(services: Services) -> int:
    with services.engine.connect() as connection:
        return int(
            connection.execute(sa.select(sa.func.count()).select_from(AuditEvent)).scalar_one()
        )


def actions(services: Services, key_id: str) -> list[AuditAction]:
    return [event.action for event in services.keys.history(key_id)]


def ids(rows: tuple[KeyDTO, ...] | list[KeyDTO]) -> set[str]:
    return {row.key_id for row in rows}


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def team(open_as: Callable[..., Services], clock: Clock) -> Team:
    return make_team(open_as, clock)


# ---------------------------------------------------------------------------- create

DESCRIPTION = (
    "Syncs Affinity companies to Salesforce accounts nightly. Owned by RevOps team. "
    "Contact: jane@company.com"
)


def test_create_gives_an_active_key_that_shows_your_name_and_a_token_that_works(
    team: Team,
) -> None:
    created = team.member.keys.create("Salesforce Data Sync", DESCRIPTION)
    key = created.key
    token = created.token.reveal()

    assert key.status is KeyStatus.ACTIVE
    assert (key.name, key.description) == ("Salesforce Data Sync", DESCRIPTION)
    assert (key.owner_login, key.owner_name) == ("maria", "Maria Lopez")
    assert key.created_at == key.updated_at == START
    assert key.created_by == key.updated_by == "maria"
    assert key.version == 1
    assert key.last_used_at is key.expires_at is key.revoked_at is None
    assert key.environment == "live"
    assert parse_token(token).key_id == key.key_id
    assert key.masked == f"kw_live_{key.key_id}_…{token[-4:]}"

    # The table shows it, to its owner and to an admin, exactly as created.
    assert team.member.keys.page().rows == (key,)
    assert team.admin.keys.get(key.key_id) == key

    result = team.admin.verifier().verify(token)
    assert result.valid
    assert result.key is not None
    assert (result.key.key_id, result.key.owner_login, result.key.environment) == (
        key.key_id,
        "maria",
        "live",
    )

    [event] = team.member.keys.history(key.key_id)
    assert event.action is AuditAction.KEY_CREATED
    assert event.actor == "maria"
    assert event.occurred_at == START
    assert event.before is None
    assert event.after is not None
    assert event.after["name"] == "Salesforce Data Sync"
    assert event.after["owner"] == "maria"
    assert event.after["state"] == "active"


def test_the_full_token_is_kept_nowhere_but_in_the_create_result(team: Team) -> None:
    created = team.member.keys.create("Data Warehouse ETL", "Pulls opportunity data nightly.")
    token = created.token.reveal()
    secret = token.split("_")[3]
    everything = repr(database_state(team.admin))
    assert token not in everything
    assert secret[:20] not in everything
    for shown in (repr(created), repr(created.key), str(created.key.to_json())):
        assert token not in shown
        assert secret[:20] not in shown
    for event in team.admin.audit.recent():
        assert secret[:20] not in repr(event.to_json())


def test_create_with_an_expiry_date_and_in_the_test_environment(team: Team) -> None:
    pilot = team.member.keys.create("Contractor pilot", expires="2026-03-31").key
    assert pilot.expires_at == datetime(2026, 4, 1, tzinfo=UTC)  # works all of the 31st
    assert pilot.expires_on == "2026-03-31"
    assert pilot.status is KeyStatus.ACTIVE

    staging = team.member.keys.create("Staging sync", environment="test")
    assert staging.key.environment == "test"
    assert parse_token(staging.token.reveal()).environment == "test"
    assert staging.key.masked.startswith(f"kw_test_{staging.key.key_id}_")


# ---------------------------------------------------------------------------- edit


def test_edit_name_and_description_is_audited_and_moves_updated_at_and_version(
    team: Team, clock: Clock
) -> None:
    key = team.member.keys.create("Custom Dashboard API").key
    clock.advance(hours=1)
    edited = team.member.keys.edit(
        key.key_id,
        name="Looker Reporting Integration",
        description="Pulls opportunity data into Looker. Managed by Data team.",
        expected_version=key.version,
    )
    assert edited.name == "Looker Reporting Integration"
    assert edited.description == "Pulls opportunity data into Looker. Managed by Data team."
    assert edited.version == key.version + 1
    assert edited.updated_at == START + timedelta(hours=1)
    assert edited.updated_by == "maria"
    assert edited.created_at == key.created_at

    # The detail panel and the table both show the change.
    assert team.member.keys.get(key.key_id) == edited
    assert team.admin.keys.page().rows == (edited,)

    event = team.member.keys.history(key.key_id)[-1]
    assert event.action is AuditAction.KEY_EDITED
    assert event.actor == "maria"
    assert event.occurred_at == clock.now
    assert event.changes["name"] == ("Custom Dashboard API", "Looker Reporting Integration")
    assert event.changes["description"] == (
        "",
        "Pulls opportunity data into Looker. Managed by Data team.",
    )
    assert event.before is not None
    assert "secret_hash" not in event.before

    clock.advance(minutes=1)
    again = team.member.keys.edit(key.key_id, description="Runs nightly via Airflow.")
    assert (again.name, again.description) == (edited.name, "Runs nightly via Airflow.")
    assert set(team.member.keys.history(key.key_id)[-1].changes) == {"description", "version"}


def test_edit_with_unchanged_values_writes_nothing(team: Team, clock: Clock) -> None:
    key = team.member.keys.create("Snowflake ETL", "nightly").key
    clock.advance(minutes=1)
    before = database_state(team.admin)
    same = team.member.keys.edit(key.key_id, name="  Snowflake ETL ", description="nightly")
    assert same == key
    assert database_state(team.admin) == before


@pytest.mark.parametrize("second_login", ["maria", "ada"], ids=["same-operator", "other-operator"])
def test_a_stale_edit_is_refused_naming_who_changed_it_and_when(
    team: Team, open_as: Callable[..., Services], clock: Clock, second_login: str
) -> None:
    key = team.member.keys.create("Data Warehouse ETL").key
    elsewhere = open_as(second_login, clock=clock)
    clock.advance(minutes=7)
    first = elsewhere.keys.edit(key.key_id, name="Snowflake ETL", expected_version=key.version)
    clock.advance(minutes=3)
    before = database_state(team.admin)

    with pytest.raises(ConflictError) as refused:
        team.member.keys.edit(
            key.key_id, description="my stale change", expected_version=key.version
        )

    assert refused.value.changed_by == second_login
    assert refused.value.changed_at == first.updated_at == START + timedelta(minutes=7)
    assert second_login in refused.value.message
    assert "2026-03-02 09:07" in refused.value.message
    assert database_state(team.admin) == before
    kept = team.admin.keys.get(key.key_id)
    assert (kept.name, kept.description) == ("Snowflake ETL", "")


def test_a_stale_disable_or_enable_is_refused(team: Team, clock: Clock) -> None:
    active = team.member.keys.create("HubSpot Sync – Prod").key
    paused = team.member.keys.disable(team.member.keys.create("HubSpot Sync – Stage").key.key_id)
    clock.advance(minutes=1)
    for key in (active, paused):
        team.admin.keys.edit(key.key_id, description="documented by ada")
    before = database_state(team.admin)
    for stale, change in ((active, team.member.keys.disable), (paused, team.member.keys.enable)):
        with pytest.raises(ConflictError) as refused:
            change(stale.key_id, expected_version=stale.version)
        assert refused.value.changed_by == "ada"
    assert database_state(team.admin) == before


# ---------------------------------------------------------------------------- enable/disable


def test_disable_blocks_verification_at_once_and_enable_restores_it(
    team: Team, clock: Clock
) -> None:
    created = team.member.keys.create("HubSpot Sync – Prod")
    key, token = created.key, created.token.reveal()
    verifier = team.admin.verifier(flush_interval=3600)
    assert verifier.verify(token).valid

    clock.advance(minutes=1)
    disabled = team.member.keys.disable(key.key_id)
    assert disabled.status is KeyStatus.DISABLED
    assert disabled.version == key.version + 1
    assert disabled.updated_at == clock.now
    assert verifier.verify(token).reason is RejectReason.DISABLED
    assert ids(team.member.keys.page(KeyQuery(status=KeyStatus.DISABLED)).rows) == {key.key_id}

    clock.advance(minutes=1)
    enabled = team.member.keys.enable(key.key_id)
    assert enabled.status is KeyStatus.ACTIVE
    assert enabled.version == key.version + 2
    assert verifier.verify(token).valid
    assert actions(team.member, key.key_id) == [
        AuditAction.KEY_CREATED,
        AuditAction.KEY_DISABLED,
        AuditAction.KEY_ENABLED,
    ]


def test_disabling_a_disabled_key_or_enabling_an_active_one_changes_nothing(
    team: Team, clock: Clock
) -> None:
    active = team.member.keys.create("Looker").key
    disabled = team.member.keys.disable(team.member.keys.create("Zapier").key.key_id)
    clock.advance(minutes=5)
    before = database_state(team.admin)
    assert team.member.keys.enable(active.key_id) == active
    assert team.member.keys.disable(disabled.key_id) == disabled
    assert database_state(team.admin) == before


# ---------------------------------------------------------------------------- revoke


def test_revoke_is_immediate_terminal_and_freezes_last_used(team: Team, clock: Clock) -> None:
    created = team.member.keys.create("Affinity Professional Services Key")
    key_id, token = created.key.key_id, created.token.reveal()
    verifier = team.admin.verifier(flush_interval=3600)

    clock.now = START.replace(minute=10, second=30)
    assert verifier.verify(token).valid
    verifier.flush()
    last_used = START.replace(minute=10)
    assert team.member.keys.get(key_id).last_used_at == last_used

    clock.advance(hours=1)
    revoked = team.member.keys.revoke(key_id, "Engagement ended 3 months ago")
    assert revoked.status is KeyStatus.REVOKED
    assert revoked.revoked_at == clock.now
    assert revoked.revoked_reason == "Engagement ended 3 months ago"
    assert revoked.last_used_at == last_used

    # The integration stops working on its very next call.
    assert verifier.verify(token).reason is RejectReason.REVOKED
    clock.advance(days=2)
    assert verifier.verify(token).reason is RejectReason.REVOKED
    verifier.flush()
    assert team.member.keys.get(key_id).last_used_at == last_used

    # It stays listed for the audit trail.
    listed = team.member.keys.page().rows
    assert [(row.key_id, row.status) for row in listed] == [(key_id, KeyStatus.REVOKED)]
    event = team.member.keys.history(key_id)[-1]
    assert event.action is AuditAction.KEY_REVOKED
    assert event.reason == "Engagement ended 3 months ago"

    # Terminal: nothing brings it back, and nothing changes on the attempt.
    before = database_state(team.admin)
    for attempt in (
        lambda: team.member.keys.enable(key_id),
        lambda: team.member.keys.disable(key_id),
        lambda: team.member.keys.revoke(key_id),
        lambda: team.admin.keys.rotate(key_id),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert "revoked" in refused.value.message
    assert database_state(team.admin) == before


def test_revoke_many_revokes_all_or_none(team: Team) -> None:
    first = team.member.keys.create("First").key
    second = team.member.keys.create("Second").key
    before = database_state(team.admin)
    with pytest.raises(NotFound):
        team.member.keys.revoke_many([first.key_id, "000000000000", second.key_id], "cleanup")
    assert database_state(team.admin) == before

    done = team.member.keys.revoke_many([first.key_id, second.key_id], "cleanup")
    assert [row.status for row in done] == [KeyStatus.REVOKED, KeyStatus.REVOKED]
    assert team.member.keys.count(KeyQuery(status=KeyStatus.REVOKED)) == 2


def test_revoke_without_a_reason_and_document_the_revoked_key_afterwards(team: Team) -> None:
    key = team.member.keys.create("Old ETL").key
    revoked = team.member.keys.revoke(key.key_id)
    assert (revoked.status, revoked.revoked_reason) == (KeyStatus.REVOKED, None)
    edited = team.member.keys.edit(key.key_id, description="Replaced by Snowflake ETL.")
    assert edited.status is KeyStatus.REVOKED
    assert edited.description == "Replaced by Snowflake ETL."


# ---------------------------------------------------------------------------- delete


def test_deleting_an_active_key_revokes_and_deletes_it_and_keeps_its_history(
    team: Team, clock: Clock
) -> None:
    created = team.member.keys.create("Retired integration", "Built for the 2025 pilot.")
    key_id, token = created.key.key_id, created.token.reveal()
    verifier = team.admin.verifier(flush_interval=3600)
    assert verifier.verify(token).valid
    verifier.flush()  # the key now has usage rows, which go with it

    clock.advance(minutes=1)
    deleted = team.member.keys.delete(key_id)
    assert deleted.status is KeyStatus.REVOKED

    assert team.member.keys.page().rows == ()
    assert team.admin.keys.count() == 0
    assert team.admin.keys.usage_summary().verifications_30d == 0
    with pytest.raises(NotFound):
        team.admin.keys.get(key_id)
    assert verifier.verify(token).reason is RejectReason.UNKNOWN

    history = team.admin.keys.history(key_id)
    assert [event.action for event in history] == [
        AuditAction.KEY_CREATED,
        AuditAction.KEY_REVOKED,
        AuditAction.KEY_DELETED,
    ]
    assert history[1].reason == "deleted"
    snapshot = history[2].before
    assert snapshot is not None
    assert snapshot["name"] == "Retired integration"
    assert snapshot["description"] == "Built for the 2025 pilot."
    assert snapshot["owner"] == "maria"
    assert snapshot["state"] == "revoked"
    assert [event.seq for event in team.admin.audit.recent(key_id=key_id)] == [
        event.seq for event in reversed(history)
    ]
    assert team.auditor.keys.history(key_id) == history
    # Her own key's trail stays hers (as in the audit view); to another member it is unknown.
    assert team.member.keys.history(key_id) == history
    with pytest.raises(NotFound):
        team.other_member.keys.history(key_id)


def test_a_member_reads_a_deleted_key_s_trail_only_if_it_was_theirs(team: Team) -> None:
    mikes = team.admin.keys.create("Mike's dashboard", owner="mike").key.key_id
    team.admin.keys.delete(mikes)

    assert [event.action for event in team.other_member.keys.history(mikes)] == [
        AuditAction.KEY_CREATED,
        AuditAction.KEY_REVOKED,
        AuditAction.KEY_DELETED,
    ]
    with pytest.raises(NotFound) as unknown:
        team.member.keys.history(mikes)
    assert mikes in unknown.value.message
    assert all(e.event.target_id != mikes for e in team.member.audit.page().entries)


def test_deleting_a_revoked_key_adds_only_the_delete_event_and_it_cannot_be_deleted_twice(
    team: Team,
) -> None:
    key = team.member.keys.create("Old ETL").key
    team.member.keys.revoke(key.key_id, "unused for 90 days")
    team.member.keys.delete(key.key_id)
    assert actions(team.admin, key.key_id) == [
        AuditAction.KEY_CREATED,
        AuditAction.KEY_REVOKED,
        AuditAction.KEY_DELETED,
    ]
    before = database_state(team.admin)
    with pytest.raises(NotFound):
        team.member.keys.delete(key.key_id)
    assert database_state(team.admin) == before


# ---------------------------------------------------------------------------- rotate, replace


def test_rotate_without_grace_revokes_the_old_key_at_once(team: Team, clock: Clock) -> None:
    old = team.member.keys.create("Snowflake ETL", "Runs nightly.", expires="2026-12-31")
    clock.advance(days=1)
    rotated = team.member.keys.rotate(old.key.key_id)
    new = rotated.key
    assert new.key_id != old.key.key_id
    assert (new.name, new.owner_login, new.environment) == ("Snowflake ETL", "maria", "live")
    assert new.status is KeyStatus.ACTIVE
    assert new.expires_on == "2026-12-31"
    assert new.description == f"Runs nightly.\n\nRotated from {old.key.key_id} on 2026-03-03."

    retired = team.member.keys.get(old.key.key_id)
    assert retired.status is KeyStatus.REVOKED
    assert retired.revoked_reason == f"rotated to {new.key_id}"

    verifier = team.admin.verifier()
    assert verifier.verify(rotated.token.reveal()).valid
    assert verifier.verify(old.token.reveal()).reason is RejectReason.REVOKED
    assert team.member.keys.history(new.key_id)[0].reason == f"rotation of {old.key.key_id}"


def test_rotate_with_grace_lets_the_old_key_work_until_the_grace_ends(
    team: Team, clock: Clock
) -> None:
    old = team.member.keys.create("Snowflake ETL")
    rotated = team.member.keys.rotate(old.key.key_id, grace=timedelta(days=7))
    verifier = team.admin.verifier()

    still = team.member.keys.get(old.key.key_id)
    assert still.status is KeyStatus.ACTIVE
    assert still.expires_at == START + timedelta(days=7)
    assert verifier.verify(old.token.reveal()).valid
    event = team.member.keys.history(old.key.key_id)[-1]
    assert event.action is AuditAction.KEY_EXPIRY_CHANGED
    assert rotated.key.key_id in (event.reason or "")

    clock.advance(days=7)
    assert team.member.keys.get(old.key.key_id).status is KeyStatus.EXPIRED
    assert verifier.verify(old.token.reveal()).reason is RejectReason.EXPIRED
    assert verifier.verify(rotated.token.reveal()).valid


def test_replace_a_deactivated_users_key_under_an_active_user(team: Team) -> None:
    old = team.member.keys.create("Custom Dashboard API", "Built by the analyst team.").key
    team.admin.users.deactivate("maria")

    replaced = team.admin.keys.replace(old.key_id, owner="mike").key
    assert replaced.name == "Custom Dashboard API"
    assert (replaced.owner_login, replaced.owner_name) == ("mike", "Mike Chen")
    assert replaced.status is KeyStatus.ACTIVE
    assert replaced.description.startswith("Replaces ")
    assert old.masked in replaced.description
    assert "Maria Lopez" in replaced.description
    assert "Built by the analyst team." in replaced.description

    kept = team.admin.keys.get(old.key_id)
    assert kept.status is KeyStatus.REVOKED
    assert kept.revoked_reason == REASON_OWNER_DEACTIVATED
    assert team.admin.keys.history(replaced.key_id)[0].reason == f"replacement of {old.key_id}"

    # Without an owner, the replacement is the operator's own.
    assert team.manager.keys.replace(old.key_id).key.owner_login == "manny"

    # A deactivated user cannot take it over.
    team.admin.users.deactivate("mike")
    before = database_state(team.admin)
    with pytest.raises(ValidationError) as refused:
        team.admin.keys.replace(old.key_id, owner="mike")
    assert "deactivated" in refused.value.message
    assert database_state(team.admin) == before


# ---------------------------------------------------------------------------- listing


def _one_key_of_each_status(team: Team, clock: Clock) -> dict[KeyStatus, str]:
    keys = team.member.keys
    active = keys.create("Active integration").key.key_id
    disabled = keys.disable(keys.create("Paused integration").key.key_id).key_id
    expired = keys.create("Contractor pilot", expires="2026-03-03").key.key_id
    revoked = keys.revoke(keys.create("Retired integration").key.key_id).key_id
    clock.advance(days=2)  # past the end of 2026-03-03
    return {
        KeyStatus.ACTIVE: active,
        KeyStatus.DISABLED: disabled,
        KeyStatus.EXPIRED: expired,
        KeyStatus.REVOKED: revoked,
    }


def test_page_and_count_filter_by_each_status(team: Team, clock: Clock) -> None:
    by_status = _one_key_of_each_status(team, clock)
    for status, key_id in by_status.items():
        query = KeyQuery(status=status)
        rows = team.admin.keys.page(query).rows
        assert [(row.key_id, row.status) for row in rows] == [(key_id, status)]
        assert team.admin.keys.count(query) == 1
        assert team.member.keys.count(query) == 1
    everything = team.admin.keys.page().rows
    assert {row.key_id: row.status for row in everything} == {v: k for k, v in by_status.items()}
    assert team.admin.keys.count() == 4

    # Disabling an expired key leaves it expired: expiry wins over disabled.
    team.member.keys.disable(by_status[KeyStatus.EXPIRED])
    assert team.admin.keys.count(KeyQuery(status=KeyStatus.EXPIRED)) == 1
    assert team.admin.keys.count(KeyQuery(status=KeyStatus.DISABLED)) == 1
    assert team.admin.keys.get(by_status[KeyStatus.EXPIRED]).status is KeyStatus.EXPIRED


def test_owner_filter_lists_one_persons_keys(team: Team) -> None:
    marias = {team.member.keys.create(name).key.key_id for name in ("Salesforce", "Looker")}
    mikes = {team.other_member.keys.create("Salesforce").key.key_id}
    assert ids(team.admin.keys.page(KeyQuery(owner="maria")).rows) == marias
    assert ids(team.admin.keys.page(KeyQuery(owner="mike")).rows) == mikes
    assert team.admin.keys.count(KeyQuery(owner="maria")) == 2
    assert team.admin.keys.count(KeyQuery(owner="ada")) == 0
    with pytest.raises(NotFound):
        team.admin.keys.page(KeyQuery(owner="nobody"))


def test_search_finds_name_description_owner_and_id_case_insensitively(team: Team) -> None:
    salesforce = team.member.keys.create("Salesforce Data Sync").key
    snowflake = team.member.keys.create("Warehouse", "Pulls data into SNOWFLAKE.").key
    mikes = team.other_member.keys.create("Dashboard").key
    assert ids(team.admin.keys.page(KeyQuery(search="salesFORCE")).rows) == {salesforce.key_id}
    assert ids(team.admin.keys.page(KeyQuery(search="snowflake")).rows) == {snowflake.key_id}
    assert ids(team.admin.keys.page(KeyQuery(search="mike chen")).rows) == {mikes.key_id}
    assert ids(team.admin.keys.page(KeyQuery(search=mikes.key_id)).rows) == {mikes.key_id}
    assert team.admin.keys.count(KeyQuery(search="maria lopez")) == 2
    assert team.admin.keys.count(KeyQuery(search="nothing like this")) == 0


def test_paging_walks_every_key_once_in_sort_order(team: Team, clock: Clock) -> None:
    names = [f"Integration {n:02d}" for n in range(7)]
    for name in reversed(names):
        team.member.keys.create(name)
        clock.advance(seconds=1)
    query = KeyQuery(sort=SortField.NAME, descending=False, limit=3)
    seen: list[str] = []
    page = team.admin.keys.page(query)
    seen += [row.name for row in page.rows]
    while page.next_cursor is not None:
        page = team.admin.keys.page(query, page.next_cursor)
        seen += [row.name for row in page.rows]
    assert seen == names


def test_every_column_sorts_both_ways(team: Team, clock: Clock) -> None:
    for name in ("Bravo", "alpha", "Charlie"):
        team.member.keys.create(name)
        clock.advance(minutes=1)
    for sort in SortField:
        up = team.admin.keys.page(KeyQuery(sort=sort, descending=False)).rows
        down = team.admin.keys.page(KeyQuery(sort=sort, descending=True)).rows
        assert len(up) == 3, sort
        assert [row.key_id for row in up] == [row.key_id for row in reversed(down)], sort
    by_created = team.admin.keys.page(KeyQuery(sort=SortField.CREATED, descending=False)).rows
    assert [row.name for row in by_created] == ["Bravo", "alpha", "Charlie"]


def test_names_sort_case_insensitively(team: Team) -> None:
    for name in ("Bravo", "alpha", "Charlie"):
        team.member.keys.create(name)
    rows = team.admin.keys.page(KeyQuery(sort=SortField.NAME, descending=False)).rows
    assert [row.name for row in rows] == ["alpha", "Bravo", "Charlie"]


# ---------------------------------------------------------------------------- usage


def test_usage_summary_and_usage_by_day_after_verifications(team: Team, clock: Clock) -> None:
    first = team.member.keys.create("Salesforce Data Sync")
    second = team.member.keys.create("Looker Reporting")
    team.member.keys.disable(team.member.keys.create("Paused").key.key_id)
    verifier = team.admin.verifier(flush_interval=3600)
    for _ in range(3):
        assert verifier.verify(first.token.reveal()).valid
    assert verifier.verify(second.token.reveal()).valid
    verifier.flush()
    clock.advance(days=1)
    for _ in range(2):
        assert verifier.verify(first.token.reveal()).valid
    verifier.flush()

    summary = team.admin.keys.usage_summary()
    assert (summary.active_keys, summary.verifications_30d) == (2, 6)
    assert team.member.keys.usage_summary() == summary
    empty = team.other_member.keys.usage_summary()
    assert (empty.active_keys, empty.verifications_30d) == (0, 0)

    assert team.member.keys.usage_by_day(first.key.key_id, days=3) == [
        (date(2026, 3, 1), 0),
        (date(2026, 3, 2), 3),
        (date(2026, 3, 3), 2),
    ]
    month = team.member.keys.usage_by_day(second.key.key_id)
    assert len(month) == 30
    assert month[-1] == (date(2026, 3, 3), 0)
    assert month[-2] == (date(2026, 3, 2), 1)
    assert sum(count for _day, count in month) == 1

    clock.advance(days=40)
    assert team.admin.keys.usage_summary().verifications_30d == 0


# ---------------------------------------------------------------------------- the two workflows


def test_affinity_manage_apps_parts_1_to_4(team: Team, clock: Clock) -> None:
    # Until M4: one active key per user.
    team.admin.policy.set_key_limit(1)

    # Part 1: create a key with a specific name and a description; the secret is shown once.
    first = team.member.keys.create("Salesforce Data Sync", DESCRIPTION)
    assert first.key.status is KeyStatus.ACTIVE
    assert first.key.owner_name == "Maria Lopez"

    # Step 2: with an active key, creating another warns that it will be revoked...
    clock.advance(days=1)
    before = database_state(team.admin)
    with pytest.raises(PolicyConfirmationRequired) as warned:
        team.member.keys.create("Data Warehouse ETL")
    assert warned.value.key_to_revoke == first.key.key_id
    assert "Salesforce Data Sync" in warned.value.message
    assert database_state(team.admin) == before
    # ...and once confirmed, the old key shows as Revoked (Step 5).
    second = team.member.keys.create("Data Warehouse ETL", replace_oldest=True)
    assert second.revoked_under_policy is not None
    assert second.revoked_under_policy.key_id == first.key.key_id
    old = team.member.keys.get(first.key.key_id)
    assert (old.status, old.revoked_reason) == (KeyStatus.REVOKED, REASON_POLICY_LIMIT)

    # Part 2: edit the description; the panel, the table and the audit log all show it.
    clock.advance(hours=2)
    edited = team.member.keys.edit(
        second.key.key_id,
        description="Pulls opportunity data into Snowflake for executive reporting.",
        expected_version=second.key.version,
    )
    assert team.member.keys.get(edited.key_id) == edited
    assert edited in team.admin.keys.page().rows
    assert team.auditor.audit.recent(key_id=edited.key_id)[0].action is AuditAction.KEY_EDITED

    # Part 3: revoke; immediate, last used frozen, still listed, the integration gets errors.
    verifier = team.admin.verifier(flush_interval=3600)
    assert verifier.verify(second.token.reveal()).valid
    verifier.flush()
    used = team.member.keys.get(edited.key_id).last_used_at
    clock.advance(hours=1)
    team.member.keys.revoke(edited.key_id, "Switching to a different integration approach")
    assert verifier.verify(second.token.reveal()).reason is RejectReason.REVOKED
    verifier.flush()
    assert team.member.keys.get(edited.key_id).last_used_at == used
    assert team.member.keys.count(KeyQuery(status=KeyStatus.REVOKED)) == 2

    # Part 4: the user is deactivated; their keys are revoked and still show their name.
    third = team.member.keys.create("Custom Dashboard API")
    team.admin.users.deactivate("maria")
    gone = team.admin.keys.get(third.key.key_id)
    assert (gone.status, gone.owner_name) == (KeyStatus.REVOKED, "Maria Lopez")
    assert gone.revoked_reason == REASON_OWNER_DEACTIVATED
    assert verifier.verify(third.token.reveal()).reason is RejectReason.REVOKED
    # Option A: a new key under an active user, documented as a replacement.
    option_a = team.admin.keys.replace(third.key.key_id, owner="mike")
    assert option_a.key.owner_name == "Mike Chen"
    assert "Maria Lopez" in option_a.key.description
    assert verifier.verify(option_a.token.reveal()).valid
    # Option B: reactivate the user, who creates a new key; the old ones stay revoked.
    team.admin.users.reactivate("maria")
    option_b = team.member.keys.create("Custom Dashboard API v2")
    assert option_b.key.status is KeyStatus.ACTIVE
    assert team.member.keys.count(KeyQuery(status=KeyStatus.REVOKED)) == 3
    assert team.member.keys.count(KeyQuery(status=KeyStatus.ACTIVE)) == 1


def test_recordskeeper_api_keys_guide(team: Team, clock: Clock) -> None:
    keys = team.member.keys
    # Create with a name, a description and an optional expiry date.
    created = keys.create(
        "HubSpot Sync – Prod",
        "Pushes new contacts to HubSpot every 15 minutes.",
        expires="2026-06-30",
    )
    key = created.key
    # The list: name, masked key, last used, created on, last updated on.
    [row] = keys.page().rows
    assert (row.name, row.masked, row.last_used_at) == ("HubSpot Sync – Prod", key.masked, None)
    assert row.created_at == row.updated_at == START
    assert ids(keys.page(KeyQuery(search="hubspot")).rows) == {key.key_id}

    # Enable/Disable with the toggle, instantly blocking and allowing access.
    verifier = team.admin.verifier(flush_interval=3600)
    clock.advance(minutes=30)
    assert verifier.verify(created.token.reveal()).valid
    keys.disable(key.key_id)
    assert verifier.verify(created.token.reveal()).reason is RejectReason.DISABLED
    keys.enable(key.key_id)
    assert verifier.verify(created.token.reveal()).valid
    verifier.flush()
    # Monitor Last Used; review Last Updated On.
    row = keys.get(key.key_id)
    assert row.last_used_at == START + timedelta(minutes=30)
    assert row.updated_at == START + timedelta(minutes=30)

    # One key per environment, to isolate risk.
    staging = keys.create("HubSpot Sync – Stage", environment="test")
    assert staging.key.environment == "test"

    # Rotate on a schedule: add a new key, update the app, then disable/delete the old one.
    clock.advance(days=90)
    replacement = keys.create("HubSpot Sync – Prod 2026-Q2", expires="2026-09-30")
    assert verifier.verify(replacement.token.reveal()).valid
    keys.disable(key.key_id)
    keys.delete(key.key_id)
    assert key.key_id not in ids(keys.page().rows)
    assert verifier.verify(created.token.reveal()).reason is RejectReason.UNKNOWN

    # Use Expire Date for short-term projects: it stops working after that day.
    clock.now = datetime(2026, 10, 1, tzinfo=UTC)
    assert keys.get(replacement.key.key_id).status is KeyStatus.EXPIRED
    assert verifier.verify(replacement.token.reveal()).reason is RejectReason.EXPIRED
    assert keys.count(KeyQuery(status=KeyStatus.ACTIVE)) == 1


def test_many_keys_are_read_at_once_as_get_reads_each_and_the_rest_are_gone(team: Team) -> None:
    """The live feed's read: what ``get`` would answer for each id, in one go."""
    marias = team.member.keys.create("Maria's report").key
    mikes = team.other_member.keys.create("Mike's sync").key
    rotated = team.admin.keys.create("Warehouse ETL").key
    successor = team.admin.keys.rotate(rotated.key_id).key
    deleted = team.admin.keys.create("Old pilot").key
    team.admin.keys.delete(deleted.key_id)
    asked = [mikes.key_id, "not-a-key", marias.key_id, deleted.key_id, rotated.key_id]

    present, gone = team.admin.keys.get_many([*asked, marias.key_id])  # a repeat counts once
    assert present == [team.admin.keys.get(key.key_id) for key in (mikes, marias, rotated)]
    assert present[2].replaced_by == successor.key_id  # links as ``get`` finds them
    assert gone == ["not-a-key", deleted.key_id]

    present, gone = team.member.keys.get_many(asked)  # a member reads only her own keys
    assert present == [team.member.keys.get(marias.key_id)]
    assert gone == [mikes.key_id, "not-a-key", deleted.key_id, rotated.key_id]

    assert team.admin.keys.get_many([]) == ([], [])
