"""A full token exists only in the create call's return value (DESIGN §2 "Shown once").

Every way a key comes into being is exercised, every token is verified (so usage, caching
and rehashing run), and then every place a secret could end up is searched for it: the
database file and its write-ahead log, every column of every table, the audit export, log
records at DEBUG (SQLAlchemy's statement and parameter logging included), the reprs of
what the services return, and the messages of the errors raised on the way.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from app.domain.errors import ConflictError, KeywardError, NotFound, PolicyConfirmationRequired
from app.domain.hashing import Argon2Profile, TokenHasher
from app.domain.key_format import BASE62, CRC_LENGTH, SECRET_LENGTH, checksum, parse_token
from app.services import Services
from app.services.dto import CreatedKey
from app.services.verification import Verifier
from tests.support import OpenServices

#: No run of this many consecutive characters of a secret may appear anywhere. Shorter than
#: the whole secret, so that a truncated echo ("…the first 40 characters you typed") counts;
#: long enough (62**12 ≈ 2**71) that it never matches by chance.
WINDOW = 12

#: A profile other than the one the keys were hashed with, so verifying rehashes them.
REHASH_PROFILE = Argon2Profile("rehash-test", memory_cost_kib=16, time_cost=1, parallelism=1)


def secret_of(token: str) -> str:
    return token[-(SECRET_LENGTH + CRC_LENGTH) : -CRC_LENGTH]


def with_other_secret(token: str) -> str:
    """Same id and a valid checksum, but a different secret: passes the offline checks."""
    secret = secret_of(token)
    flipped = ("1" if secret[0] != "1" else "2") + secret[1:]
    body = token[: -(SECRET_LENGTH + CRC_LENGTH)] + flipped
    return body + checksum(body)


def with_bad_checksum(token: str) -> str:
    last = token[-1]
    return token[:-1] + BASE62[(BASE62.index(last) + 1) % 62]


@dataclass
class Leaks:
    """Everything created, and everywhere it must not be."""

    tokens: list[str] = field(default_factory=list)
    places: dict[str, str] = field(default_factory=dict)

    def add_place(self, where: str, text: str) -> None:
        self.places[where] = self.places.get(where, "") + "\n" + text

    def needles(self) -> Iterator[tuple[str, str]]:
        for token in self.tokens:
            yield "the full token", token
            yield "the secret part", secret_of(token)
            secret = secret_of(token)
            for start in range(len(secret) - WINDOW + 1):
                yield f"{WINDOW} characters of a secret", secret[start : start + WINDOW]

    def found(self) -> list[str]:
        problems = []
        for where, text in self.places.items():
            for what, needle in self.needles():
                if needle in text:
                    problems.append(f"{what} is in {where}")
                    break
        return problems


def _created(leaks: Leaks, created: CreatedKey) -> CreatedKey:
    token = created.token.reveal()
    parse_token(token)
    leaks.tokens.append(token)
    leaks.add_place("repr/str of CreatedKey", f"{created!r} {created}")
    leaks.add_place("repr/str of KeyDTO", f"{created.key!r} {created.key}")
    leaks.add_place("KeyDTO.to_json", repr(created.key.to_json()))
    if created.revoked_under_policy is not None:
        leaks.add_place("repr of the revoked KeyDTO", repr(created.revoked_under_policy))
    return created


def _error(leaks: Leaks, where: str, error: BaseException) -> None:
    leaks.add_place(f"the error from {where}", f"{error} {error!r} {error.args!r}")


def _dump_tables(url: str) -> str:
    """Every value of every row of every table, as text."""
    engine = sa.create_engine(url)
    chunks = []
    try:
        with engine.connect() as connection:
            quote = connection.dialect.identifier_preparer.quote
            for table in sa.inspect(connection).get_table_names():
                rows = connection.exec_driver_sql(f"SELECT * FROM {quote(table)}").all()
                for row in rows:
                    for value in row:
                        if isinstance(value, bytes | bytearray | memoryview):
                            chunks.append(bytes(value).decode("latin-1"))
                        else:
                            chunks.append(str(value))
    finally:
        engine.dispose()
    return "\n".join(chunks)


def _sqlite_files(url: str) -> dict[str, Path]:
    database = make_url(url).database
    assert database
    path = Path(database)
    return {name: Path(f"{path}{name}") for name in ("", "-wal", "-shm", "-journal")}


def _read_files(leaks: Leaks, url: str, moment: str) -> int:
    read = 0
    for suffix, path in _sqlite_files(url).items():
        if path.exists():
            leaks.add_place(
                f"the file keyward.db{suffix} ({moment})", path.read_bytes().decode("latin-1")
            )
            read += 1
    return read


def _every_path(leaks: Leaks, admin: Services, bob: Services) -> None:
    """Create keys every way there is, verify them, and provoke errors on the way."""
    keys = admin.keys

    first = _created(leaks, keys.create("Salesforce Data Sync", "CRM sync"))
    _created(leaks, keys.create("Snowflake ETL", expires="2099-12-31", environment="test"))
    rotated = _created(leaks, keys.rotate(first.key.key_id))
    _created(leaks, keys.rotate(rotated.key.key_id, grace=timedelta(days=7)))
    doomed = _created(leaks, keys.create("Typeform intake"))
    keys.revoke(doomed.key.key_id, "leaked")
    _created(leaks, keys.replace(doomed.key.key_id))
    _created(leaks, keys.replace(doomed.key.key_id, owner="bob"))
    _created(leaks, bob.keys.create("Bob's dashboard"))

    admin.policy.set_key_limit(1)
    try:
        bob.keys.create("Bob's second dashboard")
    except PolicyConfirmationRequired as error:
        _error(leaks, "a create at the limit", error)
    else:  # pragma: no cover
        pytest.fail("a create at the limit was not refused")
    _created(leaks, bob.keys.create("Bob's second dashboard", replace_oldest=True))
    admin.policy.set_key_limit(None)

    # Verify every token: a cold verify, a warm (cached) one, then one that rehashes.
    verifier = admin.verifier()
    for token in leaks.tokens:
        verifier.verify(token)
        verifier.verify(token)
    verifier.close()
    rehasher = Verifier(admin.engine, TokenHasher(REHASH_PROFILE))
    valid = [rehasher.verify(token) for token in leaks.tokens]
    rehasher.close()
    assert sum(result.valid for result in valid) >= 4
    for token in leaks.tokens:
        for mutated in (with_other_secret(token), with_bad_checksum(token), token[:-7]):
            result = admin.verifier().verify(mutated)
            assert not result.valid
            leaks.add_place("a rejected verification", f"{result!r} {result.to_json()!r}")
            try:
                parse_token(mutated)
            except ValueError as error:
                _error(leaks, "parse_token of a mutated token", error)

    # Errors a person can provoke with a token in hand.
    live = [key for key in keys.page().rows if key.status.value == "active"]
    stale = live[0]
    keys.edit(stale.key_id, description="changed meanwhile")
    try:
        keys.edit(stale.key_id, description="stale edit", expected_version=stale.version)
    except ConflictError as error:
        _error(leaks, "an edit with a conflict", error)
    # A token pasted where a key id goes is reduced to its key id before any query (so it
    # finds its key); neither the answer nor a refusal carries the secret.
    for token in leaks.tokens:
        for where, attempt in (
            ("showing a token as if it were a key id", keys.get),
            ("revoking a token as if it were a key id", keys.revoke),
            ("deleting a token as if it were a key id", keys.delete),
        ):
            try:
                leaks.add_place(where, repr(attempt(token)))
            except KeywardError as error:
                _error(leaks, where, error)

    page = keys.page()
    leaks.add_place("repr/str of KeyPage", f"{page!r} {page}")
    history = [event for key in page.rows for event in keys.history(key.key_id)]
    leaks.add_place("the key histories", repr(history))
    leaks.add_place("the usage summary", repr(keys.usage_summary()))


@pytest.fixture
def debug_logging(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    # SQLAlchemy logs every statement with its parameters at INFO ("echo"), rows at DEBUG.
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")
    return caplog


def test_no_secret_is_stored_logged_shown_or_echoed_anywhere(
    database_url: str, open_as: OpenServices, debug_logging: pytest.LogCaptureFixture
) -> None:
    leaks = Leaks()
    admin = open_as("alice")
    admin.users.add("bob", role="member", display_name="Bob Builder")
    bob = open_as("bob")

    _every_path(leaks, admin, bob)
    assert len(leaks.tokens) == 9

    for fmt in ("csv", "jsonl"):
        stream = io.StringIO()
        admin.audit.export(stream, fmt)
        leaks.add_place(f"the {fmt} audit export", stream.getvalue())
    if database_url.startswith("sqlite"):
        assert _read_files(leaks, database_url, "while open") >= 2
    admin.close()
    bob.close()
    if database_url.startswith("sqlite"):
        assert _read_files(leaks, database_url, "after closing") >= 1
    dump = _dump_tables(database_url)
    assert "Bob's second dashboard" in dump  # the dump does read the data
    leaks.add_place("the database tables", dump)

    records = debug_logging.records
    # On a server the row is written by the database's own routine (kw_create_key).
    assert any(
        "INSERT INTO api_keys" in record.getMessage() or "kw_create_key" in record.getMessage()
        for record in records
    ), "SQL statement logging was not captured"
    leaks.add_place(
        "the log records",
        "\n".join(
            f"{record.getMessage()} {record.args!r} {record.exc_text or ''}" for record in records
        ),
    )

    problems = leaks.found()
    assert not problems, "\n".join(problems)


def test_the_secret_is_not_in_the_row_but_the_hash_verifies(
    sqlite_url: str, open_as: OpenServices
) -> None:
    """The stored hash is argon2id of the whole token: useless to a reader, enough to verify."""
    services = open_as("alice")
    created = services.keys.create("Hubspot")
    token = created.token.reveal()
    with services.engine.connect() as connection:
        row = connection.execute(
            sa.text("SELECT masked, secret_hash FROM api_keys WHERE key_id = :id"),
            {"id": created.key.key_id},
        ).one()
    assert row.secret_hash.startswith("$argon2id$")
    assert secret_of(token) not in row.secret_hash
    assert row.masked.endswith(token[-4:])
    assert secret_of(token) not in row.masked
    assert services.hasher.verify(row.secret_hash, token)


def test_a_secret_token_refuses_to_be_pickled_or_printed(open_as: OpenServices) -> None:
    import pickle

    created = open_as("alice").keys.create("Amplitude")
    assert "*" in repr(created.token)
    assert secret_of(created.token.reveal()) not in f"{created.token} {created.token!r}"
    with pytest.raises(TypeError):
        pickle.dumps(created)


def test_a_token_pasted_where_a_key_id_goes_is_not_echoed(open_as: OpenServices) -> None:
    services = open_as("alice")
    created = services.keys.create("Segment")
    token = created.token.reveal()
    assert services.keys.get(token).key_id == created.key.key_id
    services.keys.delete(token)
    with pytest.raises(NotFound) as refused:
        services.keys.get(token)
    assert secret_of(token)[:WINDOW] not in str(refused.value)
