"""Leaked-key triage (issue 8, item 6): find tokens and key ids in pasted text, check the
secret without recording a use, and never keep or send the secret anywhere.

SQLite always; PostgreSQL and MariaDB when their URLs are set (there the hash is read only
through the ``kw_lookup_key`` routine, which every Keyward role may run).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.domain.errors import PermissionDenied, ValidationError
from app.domain.key_format import checksum
from app.domain.status import KeyStatus
from app.services import Services
from app.services.triage import KIND_KEY_ID, KIND_TOKEN, TriageMatch
from tests.support import Clock, OpenServices, Team, database_state, make_team


class Statements:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, _c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        self.seen.append(f"{statement} {parameters!r}")


@pytest.fixture
def statements() -> Iterator[Statements]:
    recorder = Statements()
    sa.event.listen(Engine, "before_cursor_execute", recorder)
    try:
        yield recorder
    finally:
        sa.event.remove(Engine, "before_cursor_execute", recorder)


@pytest.fixture
def team(open_as: OpenServices) -> Team:
    return make_team(open_as, Clock(datetime(2026, 9, 1, 9, 0, tzinfo=UTC)))


def corrupt(token: str) -> str:
    """The same token with one character of its checksum changed."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def other_secret(token: str) -> str:
    """A well-formed token (valid checksum) for the same key id, with another secret."""
    head, secret_and_crc = token.rsplit("_", 1)
    secret = secret_and_crc[:-6]
    secret = ("0" if secret[0] != "0" else "1") + secret[1:]
    body = f"{head}_{secret}"
    return body + checksum(body)


def paragraph(*parts: str) -> str:
    return (
        "Hi team — while debugging the organisation's sync I pasted this into the channel: "
        f"API_KEY={parts[0]}\nand later `curl -H 'Authorization: Bearer {parts[1]}'` and "
        f"also this one (typo?) {parts[2]}. The dashboard says the key id is {parts[3]}; "
        "Verification failed, see logs."
    )


def test_two_tokens_a_corrupted_one_and_a_bare_id(team: Team, statements: Statements) -> None:
    admin = team.admin
    first = admin.keys.create("Salesforce Data Sync", owner="maria")
    second = admin.keys.create("Snowflake ETL")
    third = admin.keys.create("HubSpot")
    broken = admin.keys.create("Broken")
    text = paragraph(
        first.token.reveal(),
        second.token.reveal(),
        corrupt(broken.token.reveal()),
        third.key.key_id,
    )
    before = database_state(admin)
    statements.seen.clear()
    matches = team.auditor.triage.scan(text)
    assert [(m.key_id, m.kind, m.secret_matches) for m in matches] == [
        (first.key.key_id, KIND_TOKEN, True),
        (second.key.key_id, KIND_TOKEN, True),
        (third.key.key_id, KIND_KEY_ID, None),
    ]
    assert [m.key.name if m.key else None for m in matches] == [
        "Salesforce Data Sync",
        "Snowflake ETL",
        "HubSpot",
    ]
    # Verified without recording a use: nothing in the database changed.
    assert database_state(admin) == before
    assert all(m.key is not None and m.key.last_used_at is None for m in matches)
    # No statement held any part of a secret; the matches hold none either.
    for created in (first, second, broken):
        secret = created.token.reveal().split("_")[3]
        assert not [s for s in statements.seen if secret[:20] in s]
        assert secret[:20] not in repr(matches)


def test_a_wrong_secret_and_an_unknown_key(team: Team) -> None:
    admin = team.admin
    real = admin.keys.create("Snowflake ETL")
    forged = other_secret(real.token.reveal())
    unknown = other_secret(real.token.reveal()).replace(real.key.key_id, "A" * 12)
    unknown = unknown[:-6] + checksum(unknown[:-6])
    matches = admin.triage.scan(f"{forged} and {unknown} and {forged}")
    assert matches == [
        TriageMatch(real.key.key_id, KIND_TOKEN, admin.keys.get(real.key.key_id), False),
        TriageMatch("A" * 12, KIND_TOKEN, None, None),
    ]


@pytest.mark.parametrize("role", ["admin", "manager", "auditor", "member"])
def test_every_reading_role_can_check_a_secret(team: Team, role: str) -> None:
    own = team.admin.keys.create("For maria", owner="maria")
    services: Services = getattr(team, role)
    [match] = services.triage.scan(own.token.reveal())
    assert match.secret_matches is True
    assert match.key is not None and match.key.key_id == own.key.key_id


def test_members_learn_nothing_about_keys_they_cannot_see(team: Team) -> None:
    others = team.admin.keys.create("Not maria's")
    [match] = team.member.triage.scan(f"token: {others.token.reveal()} id {others.key.key_id}")
    assert match == TriageMatch(others.key.key_id, KIND_TOKEN, None, None)
    # A bare id of a key the member cannot see is not reported at all.
    assert team.member.triage.scan(f"id {others.key.key_id}") == []


def test_revoking_what_was_found(
    team: Team, caplog: pytest.LogCaptureFixture, statements: Statements
) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)
    try:
        admin = team.admin
        first = admin.keys.create("One", owner="maria")
        second = admin.keys.create("Two")
        text = f"{first.token.reveal()}\n{second.token.reveal()}"
        matches = team.manager.triage.scan(text)
        ids = [m.key_id for m in matches if m.secret_matches]
        revoked = team.manager.keys.revoke_many(ids, reason="leaked")
        assert {key.status for key in revoked} == {KeyStatus.REVOKED}
        with pytest.raises(PermissionDenied):
            team.auditor.keys.revoke_many(ids, reason="leaked")
        events = [e for key_id in ids for e in admin.keys.history(key_id)]
        assert [e.reason for e in events if e.action.value == "key.revoked"] == ["leaked"] * 2
        dump = repr(database_state(admin))
        for created in (first, second):
            token = created.token.reveal()
            secret = token.split("_")[3]
            assert secret not in dump and token not in dump
            assert secret not in caplog.text
            assert not [s for s in statements.seen if secret in s]
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)


def test_huge_text_is_refused(team: Team) -> None:
    with pytest.raises(ValidationError):
        team.admin.triage.scan("x" * (5 * 1024 * 1024 + 1))
    assert team.admin.triage.scan("nothing to see here") == []


# --------------------------------------------------------------------------- real server logins

LOGIN_PASSWORD = "kw-Triage-Pw-5678"
ROLES = ("auditor", "member", "manager", "admin")


@pytest.fixture
def real_logins(server_url: str, fast_hasher: Any) -> Iterator[tuple[Services, dict[str, str]]]:
    """One real database login per reading role, made Keyward users by the schema owner."""
    import uuid

    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    from app.services import open_services

    owner_services = open_services(
        server_url, hasher=fast_hasher, operator_login="ada", create_schema=True
    )
    mariadb = owner_services.engine.dialect.name != "postgresql"
    database = str(make_url(server_url).database).lower()
    suffix = uuid.uuid4().hex[:8]
    names = {role: f"kw_tr{role[:3]}_{suffix}" for role in ROLES}
    owner = sa.create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    urls: dict[str, str] = {}
    try:
        with owner.connect() as connection:
            for name in names.values():
                connection.exec_driver_sql(
                    f"CREATE USER '{name}'@'127.0.0.1' IDENTIFIED BY '{LOGIN_PASSWORD}'"
                    if mariadb
                    else f"CREATE ROLE {name} LOGIN PASSWORD '{LOGIN_PASSWORD}'"
                )
        for role, name in names.items():
            owner_services.users.add(name, role=role)
            urls[role] = (
                make_url(server_url)
                .set(username=name, password=LOGIN_PASSWORD)
                .render_as_string(hide_password=False)
            )
            if mariadb:
                bare = make_url(urls[role])._replace(database=None)
                login = sa.create_engine(bare, poolclass=NullPool)
                with login.connect() as connection:
                    connection.exec_driver_sql(f"SET DEFAULT ROLE `{database}_{role}`")
                login.dispose()
        yield owner_services, urls
    finally:
        owner_services.close()
        with owner.connect() as connection:
            for name in names.values():
                connection.exec_driver_sql(
                    f"DROP USER IF EXISTS '{name}'@'127.0.0.1'"
                    if mariadb
                    else f"DROP ROLE IF EXISTS {name}"
                )
        owner.dispose()


def test_real_logins_of_every_reading_role_check_secrets_on_the_server(
    real_logins: tuple[Services, dict[str, str]], fast_hasher: Any
) -> None:
    from sqlalchemy.engine import make_url

    from app.services import open_services

    owner_services, urls = real_logins
    for role, url in urls.items():
        login = str(make_url(url).username)
        created = owner_services.keys.create(f"Key of {role}", owner=login)
        foreign = owner_services.keys.create(f"Not {role}'s")
        services = open_services(url, hasher=fast_hasher)
        try:
            matches = services.triage.scan(
                f"{created.token.reveal()} {other_secret(foreign.token.reveal())}"
            )
        finally:
            services.close()
        assert matches[0].secret_matches is True, role
        if role == "member":  # a member sees their own key only
            assert matches[1] == TriageMatch(foreign.key.key_id, KIND_TOKEN, None, None)
        else:
            assert matches[1].secret_matches is False, role


def test_real_logins_rebuild_the_inventory_and_export_evidence_on_the_server(
    real_logins: tuple[Services, dict[str, str]], fast_hasher: Any, tmp_path: Any
) -> None:
    """Issue 8's other reads, through real logins (row-level security, column grants)."""
    from sqlalchemy.engine import make_url

    from app.services import open_services
    from app.services.evidence import verify_evidence

    owner_services, urls = real_logins
    member = str(make_url(urls["member"]).username)
    mine = owner_services.keys.create("Member's key", owner=member).key.key_id
    theirs = owner_services.keys.create("Admin's key").key.key_id
    now = datetime.now(UTC)
    for role, url in urls.items():
        services = open_services(url, hasher=fast_hasher)
        try:
            ids = {row.key_id for row in services.inventory.as_of(now)}
            if role == "member":
                assert ids == {mine}
                with pytest.raises(PermissionDenied):
                    services.evidence.export(now.date(), now.date(), tmp_path / role)
            else:
                assert {mine, theirs} <= ids, role
                services.evidence.export(now.date(), now.date(), tmp_path / role)
                assert verify_evidence(tmp_path / role).ok, role
        finally:
            services.close()
