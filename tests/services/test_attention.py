"""Needs attention: seeded keys with known ages, uses and expiries land in exactly their groups.

The clock is the test's; usage is recorded the real way, by verifying the key's token.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from app.domain.errors import ValidationError
from app.services import Services
from app.services.choices import AttentionGroup
from tests.support import Clock, OpenServices, Raw, Team, make_team


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def team(open_as: OpenServices, clock: Clock) -> Team:
    return make_team(open_as, clock)


def _use(services: Services, token: str) -> None:
    verifier = services.verifier()
    assert verifier.verify(token).valid
    verifier.flush()


def _names(services: Services, group: AttentionGroup) -> list[str]:
    return [item.key.name for item in services.attention.page(group).items]


def _seed(team: Team, clock: Clock) -> dict[str, str]:
    """A small estate, 200 days of history; returns name -> key id."""
    admin = team.admin
    ids: dict[str, str] = {}
    old = admin.keys.create("Professional services", "Acme onboarding", owner="maria")
    ids["ps"] = old.key.key_id
    used = admin.keys.create("Warehouse sync", "Nightly ETL to the warehouse")
    ids["used"] = used.key.key_id
    ids["bare"] = admin.keys.create("Mystery key", "").key.key_id
    ids["revoked"] = admin.keys.create("Old pilot", "").key.key_id
    admin.keys.revoke(ids["revoked"], "pilot ended")
    _use(admin, old.token.reveal())
    clock.advance(days=150)  # the professional-services key was last used 150 days ago
    _use(admin, used.token.reveal())
    ids["contractor"] = admin.keys.create(
        "Contractor feed",
        "For the contractor",
        expires=(clock.now + timedelta(days=6)).date(),
    ).key.key_id
    ids["departed"] = admin.keys.create("Dashboard", "Sales dashboard", owner="mike").key.key_id
    clock.advance(days=50)
    return ids


def test_each_key_lands_in_exactly_its_groups(team: Team, clock: Clock) -> None:
    _seed(team, clock)
    admin = team.admin
    # 200 days in: the services key (used on day 0) and the never-used mystery key are stale.
    assert _names(admin, AttentionGroup.STALE) == ["Mystery key", "Professional services"]
    assert _names(admin, AttentionGroup.UNDOCUMENTED) == ["Mystery key"]
    assert _names(admin, AttentionGroup.EXPIRING) == []  # the contractor key expired on day 156
    assert _names(admin, AttentionGroup.ORPHANED) == []
    assert _names(admin, AttentionGroup.OVER_LIFETIME) == []  # no maximum lifetime set
    stale = {item.key.name: item.why for item in admin.attention.page(AttentionGroup.STALE).items}
    assert stale["Professional services"] == "last used 200 days ago"
    assert stale["Mystery key"] == "never used in the 200 days since it was created"


def test_expiring_keys_say_when(team: Team, clock: Clock) -> None:
    admin = team.admin
    expires = (clock.now + timedelta(days=7)).date()
    admin.keys.create("Contractor feed", "For the contractor", expires=expires)
    clock.advance(days=1)
    (item,) = admin.attention.page(AttentionGroup.EXPIRING).items
    end = datetime.combine(expires, time(), UTC) + timedelta(days=1)
    assert item.why == f"expires in 6 days, {end.day} {end:%b %Y} 00:00 UTC"


def test_a_deactivated_owners_working_key_shows(team: Team, clock: Clock) -> None:
    admin = team.admin
    key = admin.keys.create("Dashboard", "Sales dashboard", owner="mike").key
    admin.users.deactivate("mike")
    assert _names(admin, AttentionGroup.ORPHANED) == []  # deactivation revoked it
    # A database that says otherwise (a restore, a hand edit) is shown, not hidden.
    raw = Raw(admin)
    raw.execute(
        f"UPDATE {raw.t('api_keys')} SET state = 'active' WHERE key_id = :id", id=key.key_id
    )
    assert _names(admin, AttentionGroup.ORPHANED) == ["Dashboard"]


def test_members_see_their_own_keys_only(team: Team, clock: Clock) -> None:
    team.admin.keys.create("Admin's bare key", "")
    team.member.keys.create("Maria's bare key", "")
    assert _names(team.member, AttentionGroup.UNDOCUMENTED) == ["Maria's bare key"]
    assert team.member.attention.count(AttentionGroup.UNDOCUMENTED) == 1
    assert team.auditor.attention.count(AttentionGroup.UNDOCUMENTED) == 2


def test_pages_walk_every_key_once(team: Team, clock: Clock) -> None:
    admin = team.admin
    for number in range(7):
        admin.keys.create(f"Never used {number}", "")
        clock.advance(days=1)
    clock.advance(days=100)
    seen: list[str] = []
    after = None
    while True:
        page = admin.attention.page(AttentionGroup.STALE, after, limit=3)
        seen += [item.key.key_id for item in page.items]
        if page.next_after is None:
            break
        after = page.next_after
    assert len(seen) == len(set(seen)) == 7
    assert admin.attention.count(AttentionGroup.STALE) == 7
    assert admin.attention.counts()[AttentionGroup.STALE] == 7


def test_a_bad_page_size_is_refused(team: Team) -> None:
    with pytest.raises(ValidationError, match="page size"):
        team.admin.attention.page(AttentionGroup.STALE, limit=0)
