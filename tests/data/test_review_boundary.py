"""Access reviews hold on the server by themselves: a member's own login, used from plain SQL
the way an attacker with ``psql`` or ``mariadb`` would, can answer for their own keys only,
through the routine, once — and cannot write, start or close anything else."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.engine import make_url

from app.data.engine import create_engine
from app.domain.hashing import TokenHasher
from app.services import Services, open_services
from tests.support import Raw

PASSWORD = "kw-Review-Pw-1234"
DUE = datetime(2999, 1, 1, tzinfo=UTC)


@dataclass
class Person:
    login: str
    services: Services
    engine: sa.Engine

    def sql(self, statement: str, **params: Any) -> list[tuple[Any, ...]]:
        with self.engine.begin() as connection:
            result = connection.execute(sa.text(statement), params)
            return [tuple(row) for row in result] if result.returns_rows else []

    def call(self, routine: str, *args: Any) -> None:
        names = ", ".join(f":a{n}" for n in range(len(args)))
        verb = "SELECT * FROM" if self.engine.dialect.name == "postgresql" else "CALL"
        self.sql(f"{verb} {routine}({names})", **{f"a{n}": a for n, a in enumerate(args)})


@dataclass
class World:
    owner: Services
    maria: Person
    mike: Person
    review_id: int
    keys: dict[str, str]

    def review_rows(self) -> list[tuple[Any, ...]]:
        raw = Raw(self.owner)
        with self.owner.engine.connect() as connection:
            rows = connection.exec_driver_sql(
                f"SELECT review_id, key_id, answer, note, answered_by FROM {raw.t('review_items')}"
                " ORDER BY key_id"
            ).all()
            reviews = connection.exec_driver_sql(
                f"SELECT id, status, title FROM {raw.t('reviews')}"
            ).all()
            events = connection.exec_driver_sql(
                f"SELECT count(*) FROM {raw.t('audit_events')}"
            ).scalar_one()
        return [tuple(row) for row in rows] + [tuple(row) for row in reviews] + [(events,)]


def _create_login(admin: sa.Engine, kind: str, login: str) -> None:
    with admin.connect() as connection:
        if kind == "postgresql":
            connection.exec_driver_sql(f"CREATE ROLE {login} LOGIN PASSWORD '{PASSWORD}'")
        else:
            connection.exec_driver_sql(
                f"CREATE USER '{login}'@'127.0.0.1' IDENTIFIED BY '{PASSWORD}'"
            )


def _drop_login(admin: sa.Engine, kind: str, login: str) -> None:
    with admin.connect() as connection:
        if kind == "postgresql":
            connection.exec_driver_sql(f"DROP ROLE IF EXISTS {login}")
        else:
            connection.exec_driver_sql(f"DROP USER IF EXISTS '{login}'@'127.0.0.1'")


@pytest.fixture
def world(server_url: str, fast_hasher: TokenHasher) -> Iterator[World]:
    kind = "postgresql" if server_url.startswith("postgresql") else "mariadb"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    suffix = uuid.uuid4().hex[:8]
    logins = {name: f"kw_{name}_{suffix}" for name in ("maria", "mike")}
    for login in logins.values():
        _create_login(admin, kind, login)
    owner = open_services(server_url, hasher=fast_hasher, create_schema=True)
    people: list[Person] = []
    try:
        for login in logins.values():
            owner.users.add(login, role="member")
        keys = {
            name: owner.keys.create(f"{name}'s feed", "x", owner=login).key.key_id
            for name, login in logins.items()
        }
        review = owner.reviews.start("Q1 review", DUE)
        for login in logins.values():
            url = make_url(server_url).set(username=login, password=PASSWORD)
            text = url.render_as_string(hide_password=False)
            services = open_services(text, hasher=fast_hasher)
            people.append(Person(login, services, create_engine(text)))
        yield World(owner, people[0], people[1], review.id, keys)
    finally:
        for person in people:
            person.services.close()
            person.engine.dispose()
        owner.close()
        for login in logins.values():
            _drop_login(admin, kind, login)
        admin.dispose()


def _refused(action: Any) -> None:
    with pytest.raises(exc.DBAPIError) as error:
        action()
    text = str(error.value.orig).lower()
    assert "denied" in text or "permission" in text or "not allowed" in text, text


def test_a_member_cannot_write_review_tables_or_answer_for_others(world: World) -> None:
    maria = world.maria
    before = world.review_rows()
    raw = Raw(world.owner)
    for table in ("reviews", "review_items"):
        for stored in {table, raw.t(table)}:
            _refused(lambda stored=stored: maria.sql(f"DELETE FROM {stored}"))
    _refused(lambda: maria.sql("UPDATE review_items SET answer = 'keep'"))
    _refused(
        lambda: maria.sql(
            "INSERT INTO reviews (title, instructions, due_at, started_by, started_at, status)"
            " VALUES ('x', '', '2999-01-01', 'x', '2000-01-01', 'open')"
        )
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    # The routine decides who answers: not her for Mike's key, even claiming to be Mike.
    for claimed in (None, world.mike.login):
        _refused(
            lambda claimed=claimed: maria.call(
                "kw_answer_review",
                claimed,
                now,
                "h",
                world.review_id,
                world.keys["mike"],
                "revoke",
                None,
            )
        )
    # Starting and closing are for admins; a member may not even call them.
    _refused(lambda: maria.call("kw_start_review", None, now, "h", "Mine", "", now, None, None))
    _refused(lambda: maria.call("kw_close_review", None, now, "h", world.review_id))
    assert world.review_rows() == before


def test_a_member_reads_and_answers_their_own_items_only(world: World) -> None:
    maria = world.maria
    visible = maria.sql("SELECT key_id FROM review_items")
    assert visible == [(world.keys["maria"],)]
    assert maria.sql("SELECT title FROM reviews") == [("Q1 review",)]
    now = datetime.now(UTC).replace(tzinfo=None)
    maria.call(
        "kw_answer_review", None, now, "h", world.review_id, world.keys["maria"], "keep", "Vault"
    )
    # Once only, and the answer is hers (her login, whatever p_as said).
    with pytest.raises(exc.DBAPIError, match="already answered"):
        maria.call(
            "kw_answer_review",
            None,
            now,
            "h",
            world.review_id,
            world.keys["maria"],
            "revoke",
            None,
        )
    detail = world.owner.reviews.show(world.review_id)
    (answered,) = [item for item in detail.items if item.answer]
    assert (answered.key_id, answered.answer, answered.note, answered.answered_by) == (
        world.keys["maria"],
        "keep",
        "Vault",
        maria.login,
    )
    assert world.owner.audit.verify().ok
    assert world.owner.keys.get(world.keys["maria"]).status.value == "active"


def test_owners_answer_with_their_own_logins_and_the_rest_is_disabled(
    world: World, tmp_path: Any
) -> None:
    owner = world.owner
    unanswered = owner.keys.create("Forgotten feed", "x").key.key_id
    review = owner.reviews.start("Q2 review", DUE)
    world.maria.services.reviews.answer(review.id, world.keys["maria"], "keep", "in Vault")
    world.mike.services.reviews.answer(review.id, world.keys["mike"], "revoke")
    assert owner.keys.get(world.keys["mike"]).status.value == "revoked"

    detail = owner.reviews.show(review.id)
    assert detail.unanswered_keys == [unanswered]
    from app.services.choices import BulkAction
    from app.services.dto import BulkRequest

    plan = owner.bulk.plan(BulkRequest(BulkAction.DISABLE), detail.unanswered_keys)
    assert [change.key.key_id for change in plan.changes] == [unanswered]
    assert len(owner.bulk.apply(plan).done) == 1
    closed = owner.reviews.close(review.id)
    assert (closed.kept, closed.revoked, closed.unanswered) == (1, 1, 1)
    target = tmp_path / "review.csv"
    events = owner.reviews.export(review.id, target)
    text = target.read_text()
    assert world.maria.login in text and world.mike.login in text
    assert '"review.closed"' in events.read_text()
    # Each answer is recorded under the login that gave it, by the database itself.
    answered = [
        event.actor
        for event in owner.audit.recent(limit=50)
        if event.target_type == "review"
        and event.action.value == "review.answered"
        and event.target_id == str(review.id)
    ]
    assert sorted(answered) == sorted([world.maria.login, world.mike.login])
    assert owner.audit.verify().ok
