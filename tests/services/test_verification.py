"""Verifying the tokens integrations present (DESIGN §5), on every database."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from app.data.models import ApiKey
from app.domain.hashing import STANDARD, TokenHasher
from app.domain.key_format import SECRET_BITS, SECRET_LENGTH, checksum, encode_base62
from app.domain.status import RejectReason
from app.services import Services
from app.services.dto import CreatedKey
from app.services.verification import Verifier
from tests.support import START, Clock, Team, database_state, make_team

STANDARD_PREFIX = "$argon2id$v=19$m=19456,t=2,p=1$"
FAST_PREFIX = "$argon2id$v=19$m=8,t=1,p=1$"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def team(open_as: Callable[..., Services], clock: Clock) -> Team:
    return make_team(open_as, clock)


@pytest.fixture
def created(team: Team) -> CreatedKey:
    return team.member.keys.create("Salesforce Data Sync")


@pytest.fixture
def verifier(team: Team) -> Verifier:
    # Flushed by hand in these tests, never on a timer.
    return team.admin.verifier(flush_interval=3600)


def _forge(key_id: str, prefix: str = "kw", environment: str = "live") -> str:
    """A well-formed token with a valid checksum but a secret nobody was given."""
    secret = encode_base62(secrets.randbits(SECRET_BITS), SECRET_LENGTH)
    body = f"{prefix}_{environment}_{key_id}_{secret}"
    return body + checksum(body)


def _stored_hash(services: Services, key_id: str) -> str:
    with services.engine.connect() as connection:
        return str(
            connection.execute(
                sa.select(ApiKey.secret_hash).where(ApiKey.key_id == key_id)
            ).scalar_one()
        )


# ---------------------------------------------------------------------------- valid and invalid


def test_a_valid_token_names_its_key_owner_and_environment(team: Team, verifier: Verifier) -> None:
    staging = team.member.keys.create("Staging sync", environment="test")
    result = verifier.verify(staging.token.reveal())
    assert result.valid
    assert result.reason is None
    assert result.key is not None
    assert (result.key.key_id, result.key.name) == (staging.key.key_id, "Staging sync")
    assert (result.key.owner_login, result.key.environment) == ("maria", "test")
    assert result.to_json() == {
        "valid": True,
        "reason": None,
        "key": {
            "id": staging.key.key_id,
            "name": "Staging sync",
            "owner": "maria",
            "environment": "test",
        },
    }


def test_a_wrong_secret_for_a_known_id_and_an_unknown_id_are_both_just_unknown(
    team: Team, created: CreatedKey, verifier: Verifier
) -> None:
    before = database_state(team.admin)
    wrong_secret = _forge(created.key.key_id)
    unknown_id = _forge("000000000000")
    other_environment = _forge(created.key.key_id, environment="test")
    other_prefix = _forge(created.key.key_id, prefix="acme")
    for token in (wrong_secret, unknown_id, other_environment, other_prefix):
        result = verifier.verify(token)
        assert (result.valid, result.reason, result.key) == (False, RejectReason.UNKNOWN, None)
        assert result.to_json() == {"valid": False, "reason": "unknown", "key": None}
    verifier.flush()
    assert database_state(team.admin) == before
    # The real token still works after all that.
    assert verifier.verify(created.token.reveal()).valid


def test_a_deleted_keys_token_is_unknown(
    team: Team, created: CreatedKey, verifier: Verifier
) -> None:
    assert verifier.verify(created.token.reveal()).valid
    team.member.keys.delete(created.key.key_id)
    assert verifier.verify(created.token.reveal()).reason is RejectReason.UNKNOWN


# ---------------------------------------------------------------------------- status on every call


def test_a_revocation_by_another_process_stops_a_warm_token_on_the_very_next_call(
    open_as: Callable[..., Services], team: Team, created: CreatedKey, clock: Clock
) -> None:
    # The verifier runs in an integration's process, the console in the admin's.
    service_process = open_as("ada", clock=clock)
    verifier = service_process.verifier(flush_interval=3600)
    token = created.token.reveal()
    for _ in range(3):  # warm: the hash check is now served from the cache
        assert verifier.verify(token).valid
    team.member.keys.revoke(created.key.key_id, "Security incident")
    assert verifier.verify(token).reason is RejectReason.REVOKED


def test_disable_by_another_process_stops_a_warm_token_and_enable_restores_it(
    open_as: Callable[..., Services], team: Team, created: CreatedKey, clock: Clock
) -> None:
    verifier = open_as("ada", clock=clock).verifier(flush_interval=3600)
    token = created.token.reveal()
    for _ in range(3):
        assert verifier.verify(token).valid
    team.member.keys.disable(created.key.key_id)
    assert verifier.verify(token).reason is RejectReason.DISABLED
    team.member.keys.enable(created.key.key_id)
    assert verifier.verify(token).valid


def test_a_deactivated_owners_warm_token_stops_at_once(
    team: Team, created: CreatedKey, verifier: Verifier
) -> None:
    assert verifier.verify(created.token.reveal()).valid
    team.admin.users.deactivate("maria")
    assert verifier.verify(created.token.reveal()).reason is RejectReason.REVOKED


def test_a_key_expires_at_the_end_of_its_last_day(team: Team, clock: Clock) -> None:
    pilot = team.member.keys.create("Contractor pilot", expires="2026-03-05")
    verifier = team.admin.verifier(flush_interval=3600)
    token = pilot.token.reveal()
    clock.now = datetime(2026, 3, 5, 23, 59, 59, tzinfo=UTC)
    assert verifier.verify(token).valid
    clock.now = datetime(2026, 3, 6, tzinfo=UTC)
    assert verifier.verify(token).reason is RejectReason.EXPIRED
    # Disabled as well, it still says expired: enabling it would not bring it back.
    team.member.keys.disable(pilot.key.key_id)
    assert verifier.verify(token).reason is RejectReason.EXPIRED
    # A revoked key says revoked even once past its expiry: revoked wins.
    team.member.keys.revoke(pilot.key.key_id)
    assert verifier.verify(token).reason is RejectReason.REVOKED


# ---------------------------------------------------------------------------- last used, usage


def test_last_used_is_written_at_minute_granularity_on_flush(
    team: Team, created: CreatedKey, verifier: Verifier, clock: Clock
) -> None:
    clock.now = datetime(2026, 3, 2, 9, 15, 42, 123456, tzinfo=UTC)
    assert verifier.verify(created.token.reveal()).valid
    # Batched: nothing is written until the flush.
    assert team.member.keys.get(created.key.key_id).last_used_at is None
    verifier.flush()
    assert team.member.keys.get(created.key.key_id).last_used_at == datetime(
        2026, 3, 2, 9, 15, tzinfo=UTC
    )


def test_close_flushes_pending_usage(team: Team, created: CreatedKey, clock: Clock) -> None:
    verifier = team.admin.verifier(flush_interval=3600)
    clock.advance(minutes=3)
    assert verifier.verify(created.token.reveal()).valid
    verifier.close()
    assert team.member.keys.get(created.key.key_id).last_used_at == START + timedelta(minutes=3)


def test_last_used_never_moves_backwards(
    open_as: Callable[..., Services], team: Team, created: CreatedKey, clock: Clock
) -> None:
    token = created.token.reveal()
    verifier = team.admin.verifier(flush_interval=3600)
    clock.now = datetime(2026, 3, 2, 10, 0, 30, tzinfo=UTC)
    assert verifier.verify(token).valid
    # An earlier clock within the same batch does not win...
    clock.now = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    assert verifier.verify(token).valid
    verifier.flush()
    ten = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert team.member.keys.get(created.key.key_id).last_used_at == ten

    # ...nor a later batch from a process whose clock is behind.
    behind = Clock(datetime(2026, 3, 2, 9, 45, tzinfo=UTC))
    late = open_as("ada", clock=behind).verifier(flush_interval=3600)
    assert late.verify(token).valid
    late.flush()
    assert team.member.keys.get(created.key.key_id).last_used_at == ten

    # A later use does move it.
    clock.now = datetime(2026, 3, 2, 11, 5, 59, tzinfo=UTC)
    assert verifier.verify(token).valid
    verifier.flush()
    assert team.member.keys.get(created.key.key_id).last_used_at == datetime(
        2026, 3, 2, 11, 5, tzinfo=UTC
    )


def test_a_use_before_revocation_flushed_after_it_is_kept_and_nothing_later_is(
    team: Team, created: CreatedKey, verifier: Verifier, clock: Clock
) -> None:
    token = created.token.reveal()
    clock.now = datetime(2026, 3, 2, 9, 10, 30, tzinfo=UTC)
    assert verifier.verify(token).valid  # pending, not yet flushed
    clock.now = datetime(2026, 3, 2, 9, 20, tzinfo=UTC)
    team.member.keys.revoke(created.key.key_id)
    clock.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert verifier.verify(token).reason is RejectReason.REVOKED
    verifier.flush()
    frozen = datetime(2026, 3, 2, 9, 10, tzinfo=UTC)
    assert team.member.keys.get(created.key.key_id).last_used_at == frozen
    clock.advance(days=30)
    assert verifier.verify(token).reason is RejectReason.REVOKED
    verifier.flush()
    assert team.member.keys.get(created.key.key_id).last_used_at == frozen


def test_last_used_never_moves_past_the_revocation_even_from_a_clock_that_runs_ahead(
    open_as: Callable[..., Services], team: Team, created: CreatedKey, clock: Clock
) -> None:
    token = created.token.reveal()
    ahead = Clock(datetime(2026, 3, 2, 9, 25, tzinfo=UTC))
    fast_process = open_as("ada", clock=ahead).verifier(flush_interval=3600)
    assert fast_process.verify(token).valid  # really at 09:05, but it thinks 09:25
    clock.now = datetime(2026, 3, 2, 9, 6, tzinfo=UTC)
    revoked = team.member.keys.revoke(created.key.key_id)
    fast_process.flush()
    last_used = team.member.keys.get(created.key.key_id).last_used_at
    assert revoked.revoked_at == clock.now
    assert last_used is None or last_used <= revoked.revoked_at


def test_per_day_counts_are_summed_across_flushes_and_verifiers(
    open_as: Callable[..., Services], team: Team, created: CreatedKey, clock: Clock
) -> None:
    token = created.token.reveal()
    first = team.admin.verifier(flush_interval=3600)
    second = open_as("ada", clock=clock).verifier(flush_interval=3600)
    for _ in range(3):
        assert first.verify(token).valid
    first.flush()
    for _ in range(2):
        assert first.verify(token).valid
    assert second.verify(token).valid
    first.flush()
    second.flush()
    clock.advance(days=1)
    for _ in range(4):
        assert second.verify(token).valid
    second.flush()
    first.flush()  # nothing pending: changes nothing
    # Rejected calls are not counted as use.
    team.member.keys.disable(created.key.key_id)
    assert first.verify(token).reason is RejectReason.DISABLED
    first.flush()

    assert team.member.keys.usage_by_day(created.key.key_id, days=2) == [
        (date(2026, 3, 2), 6),
        (date(2026, 3, 3), 4),
    ]
    assert team.member.keys.usage_summary().verifications_30d == 10


# ---------------------------------------------------------------------------- rehash


def test_a_hash_made_with_weaker_parameters_is_rehashed_to_standard_on_success(
    team: Team, created: CreatedKey, clock: Clock
) -> None:
    if team.admin.engine.dialect.name != "sqlite":
        pytest.skip("only SQLite rehashes on verify (see the next test)")
    key_id = created.key.key_id
    token = created.token.reveal()
    assert _stored_hash(team.admin, key_id).startswith(FAST_PREFIX)
    standard = TokenHasher(STANDARD)

    # A failed check rehashes nothing.
    failing = Verifier(team.admin.engine, standard, clock=clock)
    assert failing.verify(_forge(key_id)).reason is RejectReason.UNKNOWN
    failing.close()
    assert _stored_hash(team.admin, key_id).startswith(FAST_PREFIX)

    upgrading = Verifier(team.admin.engine, standard, clock=clock, flush_interval=3600)
    assert upgrading.verify(token).valid
    rehashed = _stored_hash(team.admin, key_id)
    assert rehashed.startswith(STANDARD_PREFIX)
    assert standard.verify(rehashed, token)
    assert upgrading.verify(token).valid  # the warm path agrees with the new hash
    upgrading.close()

    # A fresh process, with nothing cached, checks the new hash and accepts the token...
    fresh = Verifier(team.admin.engine, standard, clock=clock)
    assert fresh.verify(token).valid
    assert fresh.verify(_forge(key_id)).reason is RejectReason.UNKNOWN
    fresh.close()
    # ...and does not rehash again.
    assert _stored_hash(team.admin, key_id) == rehashed


def test_a_server_database_never_rehashes_on_verify(
    team: Team, created: CreatedKey, clock: Clock, argon2_calls: Argon2Calls
) -> None:
    """On a server any Keyward login may verify, and a hash changed by anyone but the
    schema's owner is the very attack the server closes: the verifier never writes one."""
    if team.admin.engine.dialect.name == "sqlite":
        pytest.skip("SQLite rehashes (see the previous test)")
    key_id = created.key.key_id
    token = created.token.reveal()
    stored = _stored_hash(team.admin, key_id)
    assert stored.startswith(FAST_PREFIX)
    verifier = Verifier(team.admin.engine, TokenHasher(STANDARD), clock=clock, flush_interval=3600)
    argon2_calls.reset()
    assert verifier.verify(token).valid
    assert (argon2_calls.verify, argon2_calls.hash) == (1, 0)
    verifier.close()
    assert _stored_hash(team.admin, key_id) == stored


# ---------------------------------------------------------------------------- no secret, no status


class Argon2Calls:
    """Counts every argon2 verification and hash made in this process (real or dummy)."""

    def __init__(self) -> None:
        self.verify = 0
        self.hash = 0

    def reset(self) -> None:
        self.verify = self.hash = 0


@pytest.fixture
def argon2_calls(monkeypatch: pytest.MonkeyPatch) -> Argon2Calls:
    calls = Argon2Calls()
    real_verify, real_hash = PasswordHasher.verify, PasswordHasher.hash

    def verify(self: PasswordHasher, encoded: str | bytes, password: str | bytes) -> bool:
        calls.verify += 1
        return real_verify(self, encoded, password)

    def hash_(self: PasswordHasher, password: str | bytes, *, salt: bytes | None = None) -> str:
        calls.hash += 1
        return real_hash(self, password, salt=salt)

    monkeypatch.setattr(PasswordHasher, "verify", verify)
    monkeypatch.setattr(PasswordHasher, "hash", hash_)
    return calls


@pytest.fixture
def keys_of_every_status(team: Team, clock: Clock) -> dict[str, CreatedKey]:
    """One key per status, created at START; the clock is then moved past the pilot's expiry."""
    keys = {
        "active": team.member.keys.create("Active sync"),
        "disabled": team.member.keys.create("Disabled sync"),
        "revoked": team.member.keys.create("Revoked sync"),
        "expired": team.member.keys.create("Expired pilot", expires="2026-03-05"),
    }
    team.member.keys.disable(keys["disabled"].key.key_id)
    team.member.keys.revoke(keys["revoked"].key.key_id, "Security incident")
    clock.now = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    return keys


def _cold_verifier(team: Team, fast_hasher: TokenHasher, clock: Clock) -> Verifier:
    """A verifier with nothing cached, like a process that has just started."""
    return Verifier(team.admin.engine, fast_hasher, clock=clock, flush_interval=3600)


@pytest.mark.parametrize("status", ["active", "disabled", "revoked", "expired"])
def test_a_wrong_secret_is_unknown_whatever_the_keys_status_and_costs_one_argon2_check(
    team: Team,
    keys_of_every_status: dict[str, CreatedKey],
    fast_hasher: TokenHasher,
    clock: Clock,
    argon2_calls: Argon2Calls,
    status: str,
) -> None:
    before = database_state(team.admin)
    verifier = _cold_verifier(team, fast_hasher, clock)
    key_id = keys_of_every_status[status].key.key_id
    argon2_calls.reset()
    result = verifier.verify(_forge(key_id))
    assert (result.valid, result.reason, result.key) == (False, RejectReason.UNKNOWN, None)
    assert result.to_json() == {"valid": False, "reason": "unknown", "key": None}
    assert (argon2_calls.verify, argon2_calls.hash) == (1, 0)
    verifier.close()
    assert database_state(team.admin) == before  # no usage, no rehash, nothing


@pytest.mark.parametrize(
    "token_for",
    [
        pytest.param(lambda key_id: _forge("000000000000"), id="unknown id"),
        pytest.param(lambda key_id: _forge(key_id, environment="test"), id="other environment"),
        pytest.param(lambda key_id: _forge(key_id, prefix="acme"), id="other prefix"),
    ],
)
@pytest.mark.parametrize("status", ["active", "revoked"])
def test_an_unknown_id_or_a_mismatched_head_costs_one_dummy_check_and_is_unknown(
    team: Team,
    keys_of_every_status: dict[str, CreatedKey],
    fast_hasher: TokenHasher,
    clock: Clock,
    argon2_calls: Argon2Calls,
    status: str,
    token_for: Callable[[str], str],
) -> None:
    verifier = _cold_verifier(team, fast_hasher, clock)
    argon2_calls.reset()
    result = verifier.verify(token_for(keys_of_every_status[status].key.key_id))
    assert result.to_json() == {"valid": False, "reason": "unknown", "key": None}
    assert (argon2_calls.verify, argon2_calls.hash) == (1, 0)
    verifier.close()


def test_every_rejection_of_a_wrong_secret_looks_the_same(
    team: Team,
    keys_of_every_status: dict[str, CreatedKey],
    fast_hasher: TokenHasher,
    clock: Clock,
    argon2_calls: Argon2Calls,
) -> None:
    """Unknown ids, wrong secrets and wrong secrets for keys of any status: one answer, one
    argon2 check each, so neither the answer nor the work tells them apart."""
    verifier = _cold_verifier(team, fast_hasher, clock)
    tokens = [_forge("000000000000")] + [
        _forge(created.key.key_id) for created in keys_of_every_status.values()
    ]
    answers = []
    for token in tokens:
        argon2_calls.reset()
        answers.append((verifier.verify(token).to_json(), argon2_calls.verify, argon2_calls.hash))
    assert answers == [({"valid": False, "reason": "unknown", "key": None}, 1, 0)] * len(tokens)
    verifier.close()


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("disabled", RejectReason.DISABLED),
        ("revoked", RejectReason.REVOKED),
        ("expired", RejectReason.EXPIRED),
    ],
)
def test_the_real_secret_learns_the_keys_status_after_one_argon2_check(
    team: Team,
    keys_of_every_status: dict[str, CreatedKey],
    fast_hasher: TokenHasher,
    clock: Clock,
    argon2_calls: Argon2Calls,
    status: str,
    reason: RejectReason,
) -> None:
    before = database_state(team.admin)
    verifier = _cold_verifier(team, fast_hasher, clock)
    argon2_calls.reset()
    result = verifier.verify(keys_of_every_status[status].token.reveal())
    assert (result.valid, result.reason, result.key) == (False, reason, None)
    assert (argon2_calls.verify, argon2_calls.hash) == (1, 0)
    verifier.close()
    assert database_state(team.admin) == before  # a refused token is not counted as use


def test_the_real_secret_of_an_active_key_is_valid_after_one_argon2_check(
    team: Team,
    keys_of_every_status: dict[str, CreatedKey],
    fast_hasher: TokenHasher,
    clock: Clock,
    argon2_calls: Argon2Calls,
) -> None:
    verifier = _cold_verifier(team, fast_hasher, clock)
    token = keys_of_every_status["active"].token.reveal()
    argon2_calls.reset()
    assert verifier.verify(token).valid
    assert (argon2_calls.verify, argon2_calls.hash) == (1, 0)
    # Proven once: the next calls are served from the cache.
    argon2_calls.reset()
    assert verifier.verify(token).valid
    assert (argon2_calls.verify, argon2_calls.hash) == (0, 0)
    verifier.close()


def test_a_proven_token_may_hear_revoked_at_once_and_a_wrong_secret_never_does(
    team: Team,
    created: CreatedKey,
    fast_hasher: TokenHasher,
    clock: Clock,
    argon2_calls: Argon2Calls,
) -> None:
    verifier = _cold_verifier(team, fast_hasher, clock)
    token = created.token.reveal()
    assert verifier.verify(token).valid
    team.member.keys.revoke(created.key.key_id, "Security incident")
    argon2_calls.reset()
    assert verifier.verify(token).reason is RejectReason.REVOKED  # a cache hit
    assert argon2_calls.verify == 0
    argon2_calls.reset()
    assert verifier.verify(_forge(created.key.key_id)).reason is RejectReason.UNKNOWN
    assert argon2_calls.verify == 1
    verifier.close()


def test_a_rejected_secret_is_not_remembered_as_proven(
    team: Team,
    created: CreatedKey,
    fast_hasher: TokenHasher,
    clock: Clock,
    argon2_calls: Argon2Calls,
) -> None:
    verifier = _cold_verifier(team, fast_hasher, clock)
    wrong = _forge(created.key.key_id)
    for _ in range(3):
        argon2_calls.reset()
        assert verifier.verify(wrong).reason is RejectReason.UNKNOWN
        assert argon2_calls.verify == 1  # every time, never served from the cache
    verifier.close()
