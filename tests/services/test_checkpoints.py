"""Signed checkpoints through the services (DESIGN §6), tampering done as a superuser would.

SQLite always; PostgreSQL and MariaDB for the kinds listed in ``SERVER_KINDS`` (their
routines ``kw_register_signing_key``/``kw_add_checkpoint`` must exist there). Most tests use
an in-memory keyring backend; the Secret Service itself is used in
``test_the_signing_key_lives_in_the_real_os_keyring``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.data.checkpoint_models import CheckpointRow, SigningKeyRow
from app.domain.checkpoint import CheckpointError, SigningKey, parse_file
from app.domain.errors import KeyringError, PermissionDenied, ValidationError
from app.domain.hashing import TokenHasher
from app.domain.roles import Role
from app.services import Services, open_services
from app.services.checkpoints import (
    SIGNING_SERVICE,
    CheckpointService,
    keyring_user,
    read_checkpoint_file,
    write_new_file,
)
from tests.support import SERVER_KINDS, MemoryKeyring, Raw, fresh_server_database


@pytest.fixture(params=["sqlite", *SERVER_KINDS])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{os.path.join(tmp_path, 'keyward.db')}"
    else:
        yield from fresh_server_database(request.param)


class Opened:
    def __init__(self, url: str, hasher: TokenHasher) -> None:
        self.url = url
        self.hasher = hasher
        self.opened: list[Services] = []

    def __call__(self, login: str) -> Services:
        services = open_services(
            self.url, hasher=self.hasher, operator_login=login, create_schema=True
        )
        self.opened.append(services)
        return services


@pytest.fixture
def open_as(url: str, fast_hasher: TokenHasher) -> Iterator[Opened]:
    opener = Opened(url, fast_hasher)
    yield opener
    for services in opener.opened:
        services.close()


@pytest.fixture
def admin(open_as: Opened, memory_keyring: MemoryKeyring) -> Services:
    services = open_as("alice")
    services.users.add("audrey", role="auditor")
    services.users.add("bob", role="member")
    services.users.add("mona", role="manager")
    services.keys.create("Salesforce Data Sync")
    return services


def checkpoints(services: Services) -> CheckpointService:
    return CheckpointService(services.context)


# --------------------------------------------------------------------------- signing


def test_the_first_checkpoint_makes_and_registers_a_key_then_reuses_it(
    admin: Services, memory_keyring: MemoryKeyring
) -> None:
    service = checkpoints(admin)
    database_id = service.database_id()
    assert str(uuid.UUID(database_id)) == database_id
    head_before = _head(admin)

    first = service.sign()

    assert first.key_registered
    # The key lives in the OS keyring under the operator and this database, nowhere else.
    stored = memory_keyring.entries[(SIGNING_SERVICE, keyring_user("alice", database_id))]
    key = SigningKey.from_keyring_text(stored)
    assert first.checkpoint.fingerprint == key.fingerprint
    assert first.public_key == key.public_key
    # It signs the head after its own registration event, and is audited itself.
    events = _events(admin)
    registered, signed = events[-2:]
    assert registered["action"] == "signing_key.registered"
    assert registered["target_id"] == key.fingerprint
    assert registered["seq"] == head_before + 1
    assert first.checkpoint.seq == registered["seq"]
    assert first.checkpoint.hash == registered["hash"]
    assert signed["action"] == "audit.checkpoint"
    assert signed["target_type"] == "checkpoint" and signed["target_id"] == str(first.id)
    assert first.checkpoint.signer == "alice"
    assert first.checkpoint.database_id == database_id

    second = service.sign()
    assert not second.key_registered
    assert second.checkpoint.fingerprint == first.checkpoint.fingerprint
    assert second.checkpoint.seq == first.checkpoint.seq + 1
    assert [e["action"] for e in _events(admin)[-1:]] == ["audit.checkpoint"]
    assert len(memory_keyring.entries) == 1

    verdict = service.verify()
    assert verdict.ok, verdict.message
    assert [r.source for r in verdict.checkpoints] == [
        f"checkpoint {first.id}",
        f"checkpoint {second.id}",
    ]


def test_an_auditor_may_sign_with_a_key_of_their_own(
    admin: Services, open_as: Opened, memory_keyring: MemoryKeyring
) -> None:
    checkpoints(admin).sign()
    auditor = open_as("audrey")
    signed = checkpoints(auditor).sign()
    assert signed.key_registered and signed.checkpoint.signer == "audrey"
    assert len(memory_keyring.entries) == 2
    assert checkpoints(auditor).verify().ok


@pytest.mark.parametrize("login", ["bob", "mona"])
def test_members_and_managers_may_not_sign(
    admin: Services, open_as: Opened, memory_keyring: MemoryKeyring, login: str
) -> None:
    services = open_as(login)
    count = len(_events(admin))
    with pytest.raises(PermissionDenied, match="only auditors and admins"):
        checkpoints(services).sign()
    assert len(_events(admin)) == count
    assert memory_keyring.entries == {}


def test_a_member_may_not_verify_but_a_manager_may(admin: Services, open_as: Opened) -> None:
    checkpoints(admin).sign()
    with pytest.raises(PermissionDenied):
        checkpoints(open_as("bob")).verify()
    assert checkpoints(open_as("mona")).verify().ok


def test_without_a_keyring_nothing_is_signed(admin: Services) -> None:
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    count = len(_events(admin))
    try:
        with pytest.raises(KeyringError, match="No OS keyring"):
            checkpoints(admin).sign()
    finally:
        keyring.set_keyring(previous)
    assert len(_events(admin)) == count


def test_a_foreign_keyring_entry_is_refused_not_overwritten(
    admin: Services, memory_keyring: MemoryKeyring
) -> None:
    user = keyring_user("alice", checkpoints(admin).database_id())
    memory_keyring.entries[(SIGNING_SERVICE, user)] = "hunter2"
    with pytest.raises(CheckpointError, match="not a Keyward signing key"):
        checkpoints(admin).sign()
    assert memory_keyring.entries[(SIGNING_SERVICE, user)] == "hunter2"


def test_the_private_key_is_nowhere_in_the_database(
    admin: Services, memory_keyring: MemoryKeyring
) -> None:
    signed = checkpoints(admin).sign()
    [secret] = [v.split(":", 1)[1] for v in memory_keyring.entries.values()]
    assert secret not in repr(signed)
    raw = Raw(admin)
    for table in ("audit_events", "signing_keys", "audit_checkpoints", "settings"):
        with admin.engine.connect() as connection:
            rows = connection.execute(sa.text(f"SELECT * FROM {raw.t(table)}")).all()
        assert secret not in repr(rows)


# --------------------------------------------------------------------------- tampering


def test_a_superuser_rewrite_is_caught_by_a_stored_checkpoint_and_a_file(
    admin: Services, tmp_path: Path
) -> None:
    signed = checkpoints(admin).sign()
    path = tmp_path / "checkpoint.json"
    write_new_file(path, signed.file_text())
    admin.keys.create("HubSpot Sync")  # history goes on after the checkpoint

    Raw(admin).rewrite_from(2, "nothing happened here")

    assert admin.audit.verify().ok  # the chain alone is fooled
    file = read_checkpoint_file(path)
    verdict = checkpoints(admin).verify([(f"checkpoint file {path}", file.checkpoint)])
    assert verdict.chain.ok and not verdict.ok
    stored, from_file = verdict.checkpoints
    for report in (stored, from_file):
        assert not report.ok
        assert report.first_bad_seq == signed.checkpoint.seq
        assert f"event #{signed.checkpoint.seq} no longer has the hash" in report.message
    assert stored.source == f"checkpoint {signed.id}"
    assert from_file.source == f"checkpoint file {path}"


def test_a_rewrite_after_the_checkpoint_is_told_apart_from_one_before(admin: Services) -> None:
    first = checkpoints(admin).sign()
    admin.keys.create("HubSpot Sync")
    second = checkpoints(admin).sign()
    Raw(admin).rewrite_from(first.checkpoint.seq + 2, "rewritten")

    verdict = checkpoints(admin).verify()
    held, failed = verdict.checkpoints
    assert held.ok and not failed.ok
    assert failed.first_bad_seq == second.checkpoint.seq
    assert failed.intact_through == first.checkpoint.seq
    assert f"after event #{first.checkpoint.seq}" in verdict.message


def test_a_truncated_history_is_caught(admin: Services, tmp_path: Path) -> None:
    keep = _head(admin) - 1
    signed = checkpoints(admin).sign()
    Raw(admin).truncate_after(keep)

    assert admin.audit.verify().ok
    verdict = checkpoints(admin).verify()
    [report] = verdict.checkpoints
    assert not report.ok
    assert report.first_bad_seq == keep + 1
    assert f"event #{signed.checkpoint.seq} no longer exists" in verdict.message


@pytest.mark.parametrize(
    "column, value",
    [
        ("seq", 1),
        ("hash", "0" * 64),
        ("signed_at", "2020-01-01T00:00:00Z"),
        ("signer", "mallory"),
        ("signature", "ab" * 64),
        ("signature", "garbage"),
    ],
)
def test_a_stored_checkpoint_altered_in_the_database_fails(
    admin: Services, column: str, value: object
) -> None:
    signed = checkpoints(admin).sign()
    raw = Raw(admin)
    raw.execute(
        f"UPDATE {raw.t('audit_checkpoints')} SET {column} = :value WHERE id = :id",
        value=value,
        id=signed.id,
    )
    verdict = checkpoints(admin).verify()
    assert not verdict.ok
    assert verdict.failures[0].source == f"checkpoint {signed.id}"


def test_a_registered_key_swapped_in_the_database_fails(admin: Services, tmp_path: Path) -> None:
    signed = checkpoints(admin).sign()
    forger = SigningKey.generate()
    raw = Raw(admin)
    raw.execute(
        f"UPDATE {raw.t('signing_keys')} SET public_key = :key",
        key=forger.public_key,
    )
    verdict = checkpoints(admin).verify()
    assert not verdict.ok
    assert "does not match its fingerprint" in verdict.message
    # Removing the key altogether is no better.
    raw.execute(f"DELETE FROM {raw.t('signing_keys')}")
    assert "not registered" in checkpoints(admin).verify().message
    assert signed.id


def test_a_file_from_another_database_fails(
    admin: Services, tmp_path: Path, fast_hasher: TokenHasher, memory_keyring: MemoryKeyring
) -> None:
    other = open_services(
        f"sqlite:///{tmp_path / 'other.db'}", hasher=fast_hasher, operator_login="alice"
    )
    try:
        foreign = checkpoints(other).sign()
    finally:
        other.close()
    verdict = checkpoints(admin).verify([("checkpoint file other.json", foreign.checkpoint)])
    assert not verdict.ok
    # Its key is not registered here, and it names another database either way.
    assert "not registered" in verdict.message or "another database" in verdict.message


def test_a_checkpoint_file_is_written_once_and_read_strictly(
    admin: Services, tmp_path: Path
) -> None:
    signed = checkpoints(admin).sign()
    path = tmp_path / "cp.json"
    write_new_file(path, signed.file_text())
    assert (path.stat().st_mode & 0o777) == 0o600
    assert read_checkpoint_file(path).checkpoint == signed.checkpoint
    from app.domain.errors import OutputError

    with pytest.raises(OutputError, match="already exists"):
        write_new_file(path, "something else")
    assert parse_file(path.read_bytes()).checkpoint == signed.checkpoint
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".keyward-")] == []

    data = path.read_text(encoding="utf-8").replace(signed.checkpoint.hash, "f" * 64)
    tampered = tmp_path / "tampered.json"
    tampered.write_text(data, encoding="utf-8")
    with pytest.raises(CheckpointError) as refused:
        read_checkpoint_file(tampered)
    assert str(tampered) in refused.value.message
    assert "altered after it was signed" in refused.value.message
    with pytest.raises(CheckpointError, match="Cannot read"):
        read_checkpoint_file(tmp_path / "missing.json")


# --------------------------------------------------------------------------- the servers


@pytest.fixture
def server_admin(admin: Services) -> Services:
    if admin.engine.dialect.name == "sqlite":
        pytest.skip("the database's own routines exist on PostgreSQL and MariaDB")
    return admin


def _call(services: Services, routine: str, *args: object) -> None:
    from app.data.server.calls import ServerCalls
    from app.services.context import translate_errors

    with translate_errors(services.engine), services.engine.begin() as connection:
        ServerCalls(connection).call(routine, args)


def test_the_routines_refuse_what_a_role_may_not_do(server_admin: Services) -> None:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    key = SigningKey.generate()
    # A member may not register a key, nor an unknown login.
    with pytest.raises(PermissionDenied):
        _call(
            server_admin,
            "kw_register_signing_key",
            "bob",
            now,
            "h",
            key.fingerprint,
            key.public_key,
        )
    # A fingerprint that is not the key's is refused.
    with pytest.raises(ValidationError):
        _call(server_admin, "kw_register_signing_key", "alice", now, "h", "0" * 64, key.public_key)
    _call(
        server_admin, "kw_register_signing_key", "alice", now, "h", key.fingerprint, key.public_key
    )
    # Someone else may not use alice's key, nor register it as theirs.
    with pytest.raises(PermissionDenied):
        _call(
            server_admin,
            "kw_register_signing_key",
            "audrey",
            now,
            "h",
            key.fingerprint,
            key.public_key,
        )
    database_id = checkpoints(server_admin).database_id()
    head = _head(server_admin)
    raw = Raw(server_admin)
    head_hash = str(raw.scalar(f"SELECT hash FROM {raw.t('audit_head')} WHERE id = 1"))
    signature = "ab" * 64
    with pytest.raises(PermissionDenied):
        _call(
            server_admin,
            "kw_add_checkpoint",
            "audrey",
            now,
            "h",
            head,
            head_hash,
            "2031-01-01T00:00:00Z",
            database_id,
            key.fingerprint,
            signature,
        )
    # The event it names must exist with that hash, in this database.
    with pytest.raises(ValidationError, match="no event"):
        _call(
            server_admin,
            "kw_add_checkpoint",
            "alice",
            now,
            "h",
            head,
            "0" * 64,
            "2031-01-01T00:00:00Z",
            database_id,
            key.fingerprint,
            signature,
        )
    with pytest.raises(ValidationError, match="another database"):
        _call(
            server_admin,
            "kw_add_checkpoint",
            "alice",
            now,
            "h",
            head,
            head_hash,
            "2031-01-01T00:00:00Z",
            str(uuid.uuid4()),
            key.fingerprint,
            signature,
        )
    count = len(_events(server_admin))
    _call(
        server_admin,
        "kw_add_checkpoint",
        "alice",
        now,
        "h",
        head,
        head_hash,
        "2031-01-01T00:00:00Z",
        database_id,
        key.fingerprint,
        signature,
    )
    assert _events(server_admin)[-1]["action"] == "audit.checkpoint"
    assert len(_events(server_admin)) == count + 1
    # A garbage signature can be stored, but never verifies.
    assert not checkpoints(server_admin).verify().ok


def test_an_auditor_login_signs_through_the_routines(server_admin: Services) -> None:
    signed = checkpoints(server_admin).sign()
    raw = Raw(server_admin)
    assert raw.scalar(f"SELECT count(*) FROM {raw.t('audit_checkpoints')}") == 1
    assert checkpoints(server_admin).verify().ok
    assert signed.checkpoint.signer == "alice"


PASSWORD = "kw-Checkpoint-Pw-1234"


@pytest.fixture
def logins(server_admin: Services, url: str) -> Iterator[dict[str, str]]:
    """Real database logins, one auditor and one member, made Keyward users by alice."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    mariadb = server_admin.engine.dialect.name != "postgresql"
    suffix = uuid.uuid4().hex[:8]
    names = {"auditor": f"kw_cpa_{suffix}", "member": f"kw_cpm_{suffix}"}
    owner = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    urls: dict[str, str] = {}
    try:
        with owner.connect() as connection:
            for name in names.values():
                connection.exec_driver_sql(
                    f"CREATE USER '{name}'@'127.0.0.1' IDENTIFIED BY '{PASSWORD}'"
                    if mariadb
                    else f"CREATE ROLE {name} LOGIN PASSWORD '{PASSWORD}'"
                )
        for role, name in names.items():
            server_admin.users.add(name, role=role)
            urls[role] = (
                make_url(url)
                .set(username=name, password=PASSWORD)
                .render_as_string(hide_password=False)
            )
            if mariadb:
                # Every login may choose its own default role; Keyward's engine does this too.
                # (Without a role it may not even open the database: connect without one.)
                bare = make_url(urls[role])._replace(database=None)
                login = sa.create_engine(bare, poolclass=NullPool)
                with login.connect() as connection:
                    connection.exec_driver_sql(f"SET DEFAULT ROLE `{url_db(url)}_{role}`")
                login.dispose()
        yield urls
    finally:
        with owner.connect() as connection:
            for name in names.values():
                connection.exec_driver_sql(
                    f"DROP USER IF EXISTS '{name}'@'127.0.0.1'"
                    if mariadb
                    else f"DROP ROLE IF EXISTS {name}"
                )
        owner.dispose()


def url_db(url: str) -> str:
    from sqlalchemy.engine import make_url

    return str(make_url(url).database).lower()


def _plain(url: str, statement: str, **params: object) -> list[tuple[object, ...]]:
    from sqlalchemy.pool import NullPool

    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            result = connection.execute(sa.text(statement), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def _refused(url: str, statement: str, **params: object) -> None:
    from sqlalchemy import exc

    with pytest.raises(exc.DBAPIError) as error:
        _plain(url, statement, **params)
    text = str(error.value.orig).lower()
    assert "denied" in text or "permission" in text, text


def test_real_logins_sign_and_read_only_through_the_routines(
    server_admin: Services,
    logins: dict[str, str],
    fast_hasher: TokenHasher,
    memory_keyring: MemoryKeyring,
) -> None:
    auditor = open_services(logins["auditor"], hasher=fast_hasher)
    try:
        signed = checkpoints(auditor).sign()  # the login itself, not an owner acting for it
        assert signed.checkpoint.signer == auditor.context.login
        assert checkpoints(auditor).verify().ok
    finally:
        auditor.close()
    events = _events(server_admin)
    assert [e["actor"] for e in events[-2:]] == [signed.checkpoint.signer] * 2
    assert [e["action"] for e in events[-2:]] == ["signing_key.registered", "audit.checkpoint"]

    before = (
        Raw(server_admin).scalar(f"SELECT count(*) FROM {Raw(server_admin).t('signing_keys')}"),
        Raw(server_admin).scalar(
            f"SELECT count(*) FROM {Raw(server_admin).t('audit_checkpoints')}"
        ),
    )
    # Reading: the auditor sees the keys and checkpoints; a member sees neither.
    assert len(_plain(logins["auditor"], "SELECT fingerprint FROM signing_keys")) == 1
    assert len(_plain(logins["auditor"], "SELECT seq FROM audit_checkpoints")) == 1
    mariadb = server_admin.engine.dialect.name != "postgresql"
    for role, url in logins.items():
        tables = ["signing_keys", "audit_checkpoints"]
        if mariadb:
            tables += ["signing_keys_data", "audit_checkpoints_data"]
        for table in tables:
            _refused(url, f"DELETE FROM {table}")
            _refused(url, f"UPDATE {table} SET fingerprint = fingerprint")
        forger = SigningKey.generate()
        _refused(
            url,
            "INSERT INTO signing_keys (fingerprint, login, public_key, registered_at)"
            " VALUES (:f, :l, :p, '2031-01-01')",
            f=forger.fingerprint,
            l="alice",
            p=forger.public_key,
        )
        _refused(
            url,
            "INSERT INTO audit_checkpoints (seq, hash, signed_at, database_id, signer,"
            " fingerprint, signature, stored_at) VALUES (1, :h, 'x', 'x', 'alice', :f, 'x',"
            " '2031-01-01')",
            h="0" * 64,
            f=forger.fingerprint,
        )
        if role == "member":
            _refused(url, "SELECT * FROM signing_keys")
            _refused(url, "SELECT * FROM audit_checkpoints")
            statement = (
                "CALL kw_register_signing_key(NULL, NULL, 'h', :f, :p)"
                if mariadb
                else "SELECT * FROM kw_register_signing_key(NULL, NULL, 'h', :f, :p)"
            )
            _refused(url, statement, f=forger.fingerprint, p=forger.public_key)
    after = (
        Raw(server_admin).scalar(f"SELECT count(*) FROM {Raw(server_admin).t('signing_keys')}"),
        Raw(server_admin).scalar(
            f"SELECT count(*) FROM {Raw(server_admin).t('audit_checkpoints')}"
        ),
    )
    assert after == before
    assert checkpoints(server_admin).verify().ok


def test_p_as_is_ignored_for_anyone_but_the_owner(
    server_admin: Services, logins: dict[str, str]
) -> None:
    """An auditor login naming alice (an admin) still signs as itself."""
    key = SigningKey.generate()
    mariadb = server_admin.engine.dialect.name != "postgresql"
    statement = (
        "CALL kw_register_signing_key('alice', '2001-01-01', 'h', :f, :p)"
        if mariadb
        else "SELECT * FROM kw_register_signing_key('alice', '2001-01-01', 'h', :f, :p)"
    )
    _plain(logins["auditor"], statement, f=key.fingerprint, p=key.public_key)
    raw = Raw(server_admin)
    login = raw.scalar(
        f"SELECT login FROM {raw.t('signing_keys')} WHERE fingerprint = :f", f=key.fingerprint
    )
    assert login != "alice" and str(login).startswith("kw_cpa_")
    event = _events(server_admin)[-1]
    assert event["actor"] == login and not str(event["occurred_at"]).startswith("2001")


# --------------------------------------------------------------------------- the real keyring


def test_the_signing_key_lives_in_the_real_os_keyring(
    os_keyring: object,
    sqlite_url: str,
    fast_hasher: TokenHasher,
) -> None:
    import keyring

    services = open_services(sqlite_url, hasher=fast_hasher, operator_login="alice")
    try:
        service = checkpoints(services)
        first = service.sign()
        text = keyring.get_password(SIGNING_SERVICE, keyring_user("alice", service.database_id()))
        assert text is not None
        assert SigningKey.from_keyring_text(text).fingerprint == first.checkpoint.fingerprint
        second = service.sign()  # read back from the keyring, not made again
        assert second.checkpoint.fingerprint == first.checkpoint.fingerprint
        assert not second.key_registered
        assert service.verify().ok
    finally:
        services.close()


# --------------------------------------------------------------------------- helpers


def _events(services: Services) -> list[dict[str, object]]:
    return Raw(services).events()


def _head(services: Services) -> int:
    raw = Raw(services)
    return int(str(raw.scalar(f"SELECT seq FROM {raw.t('audit_head')} WHERE id = 1")))


def test_database_identity_is_made_once(admin: Services, open_as: Opened) -> None:
    first = checkpoints(admin).database_id()
    assert checkpoints(open_as("audrey")).database_id() == first
    with admin.engine.connect() as connection:
        count = connection.execute(
            sa.select(sa.func.count()).select_from(CheckpointRow)
        ).scalar_one()
        keys = connection.execute(
            sa.select(sa.func.count()).select_from(SigningKeyRow)
        ).scalar_one()
    assert (count, keys) == (0, 0)
    assert admin.users.me().role is Role.ADMIN
