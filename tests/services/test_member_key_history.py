"""A member keeps the history of their own keys after an admin deletes one (the services'
rule, which SQLite relies on alone and the server databases' own rule repeats).

``open_as("bob")`` on a server database is the schema's owner acting for bob, so what is
checked here is the services' filter itself; the databases' own reading rule, under the
member's own login, is in tests/data/test_postgres_boundary.py and test_mariadb_boundary.py.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.data.models import AuditEvent
from app.data.server import stored_table
from app.domain.roles import Role
from app.services import Services
from app.services.audit import AuditFilter
from tests.support import OpenServices

EVENTS = AuditEvent.__table__


def _key_events(services: Services) -> dict[str, list[str]]:
    """Each key's actions, newest first, as the operator's audit view lists them."""
    seen: dict[str, list[str]] = {}
    for entry in services.audit.page(limit=500).entries:
        if entry.event.target_type == "key":
            seen.setdefault(entry.event.target_id, []).append(entry.event.action.value)
    return seen


def _forge(admin: Services, key_id: str, before: str) -> None:
    """A row whose ``before`` is not JSON, written past the services (the owner can)."""
    with admin.engine.begin() as connection:
        newest = connection.execute(sa.select(sa.func.max(EVENTS.c.seq))).scalar_one()
        connection.execute(
            sa.insert(stored_table(EVENTS, admin.engine.dialect.name)).values(
                seq=newest + 1,
                occurred_at="2031-01-01T00:00:00Z",
                actor="mallory",
                action="key.edited",
                target_type="key",
                target_id=key_id,
                before=before,
                after=None,
                reason=None,
                host="forged",
                prev_hash="0" * 64,
                hash="f" * 64,
            )
        )


def test_a_member_lists_the_events_of_its_key_an_admin_deleted(open_as: OpenServices) -> None:
    admin = open_as()
    admin.users.add("bob", role=Role.MEMBER, display_name="Bob")
    admin.users.add("cleo", role=Role.MEMBER, display_name="Cleo")
    bob, cleo = open_as("bob"), open_as("cleo")
    mine = bob.keys.create("Bob's export").key.key_id
    kept = bob.keys.create("Bob's backup").key.key_id
    theirs = cleo.keys.create("Cleo's export").key.key_id
    admin.keys.edit(mine, description="Checked by the admin.")

    admin.keys.delete(mine)
    admin.keys.delete(theirs)

    seen = _key_events(bob)
    assert seen[mine] == ["key.deleted", "key.revoked", "key.edited", "key.created"]
    assert seen[kept] == ["key.created"]
    assert theirs not in seen
    searched = bob.audit.page(AuditFilter(text=mine)).entries
    assert [entry.event.action.value for entry in searched] == seen[mine]
    # A row that is not JSON (one truncated mid-snapshot naming bob) fails no member's read.
    _forge(admin, mine, '{"owner": "bob", "name": ')
    _forge(admin, theirs, "bob: not JSON at all")
    assert _key_events(bob) == seen
    assert {login for login, _name in bob.audit.actors()} == {"bob", admin.users.me().login}
