"""Verifying the tokens integrations present (DESIGN §5), on every database."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.data.models import ApiKey
from app.domain.hashing import STANDARD, TokenHasher
from app.domain.key_format import SECRET_BITS, SECRET_LENGTH, checksum, encode_base62
from app.domain.status import RejectReason
from app.services import Services
from app.services.dto import CreatedKey
from app.services.verification import Verifier
from tests.services.test_keys import START, Clock, Team, database_state, make_team

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
