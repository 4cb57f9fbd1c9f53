"""Argon2id hashing of full tokens: the chosen profile, and raising it later."""

from __future__ import annotations

import pytest

from app.domain.hashing import FAST_FOR_TESTS, PROFILES, STANDARD, TokenHasher
from app.domain.key_format import generate_token

STANDARD_PREFIX = "$argon2id$v=19$m=19456,t=2,p=1$"
FAST_PREFIX = "$argon2id$v=19$m=8,t=1,p=1$"


@pytest.fixture(scope="module")
def standard() -> TokenHasher:
    return TokenHasher(STANDARD)


@pytest.fixture(scope="module")
def fast() -> TokenHasher:
    return TokenHasher(FAST_FOR_TESTS)


def _token() -> str:
    return generate_token().token.reveal()


def test_standard_profile_is_owasp_minimum_argon2id_as_documented(standard: TokenHasher) -> None:
    # The module docstring promises m = 19 MiB, t = 2, p = 1; the encoded hash must carry them.
    token = _token()
    encoded = standard.hash(token)
    assert encoded.startswith(STANDARD_PREFIX)
    assert token not in encoded
    assert standard.verify(encoded, token)


def test_fast_profile_is_the_cheapest_argon2id(fast: TokenHasher) -> None:
    assert fast.hash(_token()).startswith(FAST_PREFIX)


def test_profiles_are_looked_up_by_name() -> None:
    assert PROFILES == {"standard": STANDARD, "fast-for-tests": FAST_FOR_TESTS}


def test_two_hashes_of_one_token_differ_by_salt_and_both_verify(fast: TokenHasher) -> None:
    token = _token()
    first, second = fast.hash(token), fast.hash(token)
    assert first != second
    assert fast.verify(first, token)
    assert fast.verify(second, token)


def test_wrong_token_does_not_verify(fast: TokenHasher) -> None:
    encoded = fast.hash(_token())
    assert fast.verify(encoded, _token()) is False


@pytest.mark.parametrize("garbage", ["", "not a hash", "$argon2id$v=19$m=8,t=1,p=1$broken"])
def test_a_damaged_stored_hash_is_a_rejection_not_a_crash(fast: TokenHasher, garbage: str) -> None:
    assert fast.verify(garbage, _token()) is False
    assert fast.needs_rehash(garbage) is True


def test_a_hash_made_with_weaker_parameters_needs_a_rehash_under_standard(
    fast: TokenHasher, standard: TokenHasher
) -> None:
    old = fast.hash(_token())
    assert standard.needs_rehash(old) is True
    assert fast.needs_rehash(old) is False


def test_a_standard_hash_does_not_need_a_rehash(standard: TokenHasher) -> None:
    assert standard.needs_rehash(standard.hash(_token())) is False


def test_a_weaker_hash_still_verifies_under_the_standard_hasher(
    fast: TokenHasher, standard: TokenHasher
) -> None:
    # The parameters travel in the encoded hash, so raising them never locks anyone out.
    token = _token()
    assert standard.verify(fast.hash(token), token)


def test_dummy_check_for_unknown_ids_never_raises(fast: TokenHasher) -> None:
    fast.burn_dummy(_token())
    fast.burn_dummy("")
