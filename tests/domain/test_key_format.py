"""The token format: what a leak scanner, the verifier and a person copying a key rely on."""

from __future__ import annotations

import copy
import pickle
import secrets
import string
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.errors import ValidationError
from app.domain.key_format import (
    BASE62,
    CRC_LENGTH,
    ID_LENGTH,
    MAX_TOKEN_LENGTH,
    SECRET_BITS,
    SECRET_LENGTH,
    MalformedToken,
    SecretToken,
    checksum,
    encode_base62,
    generate_token,
    looks_like_key_id,
    mask,
    parse_token,
)

LABELS = st.from_regex(r"[a-z][a-z0-9]{1,15}", fullmatch=True)


def _token(prefix: str = "kw", environment: str = "live") -> str:
    return generate_token(prefix, environment).token.reveal()


def _with_checksum(body: str) -> str:
    return body + checksum(body)


# ------------------------------------------------------------------ generate and parse


def test_generated_token_has_the_documented_shape() -> None:
    generated = generate_token()
    token = generated.token.reveal()
    prefix, environment, key_id, rest = token.split("_")
    assert (prefix, environment, key_id) == ("kw", "live", generated.key_id)
    assert len(key_id) == ID_LENGTH
    assert len(rest) == SECRET_LENGTH + CRC_LENGTH
    assert set(key_id + rest) <= set(BASE62)
    # 27 base62 characters hold at least the promised 160 bits.
    assert 62**SECRET_LENGTH >= 2**SECRET_BITS


def test_generated_token_parses_back_to_its_public_parts() -> None:
    generated = generate_token("acme", "stage")
    parsed = parse_token(generated.token.reveal())
    assert (parsed.prefix, parsed.environment, parsed.key_id) == (
        "acme",
        "stage",
        generated.key_id,
    )


def test_every_token_gets_a_new_id_and_a_new_secret() -> None:
    tokens = [_token() for _ in range(200)]
    assert len(set(tokens)) == 200
    assert len({parse_token(token).key_id for token in tokens}) == 200
    assert len({token.split("_")[3][:SECRET_LENGTH] for token in tokens}) == 200


@pytest.mark.parametrize("prefix", ["", "k", "KW", "1kw", "kw_", "k-w", "a" * 17])
def test_generate_refuses_a_prefix_that_is_not_a_label(prefix: str) -> None:
    with pytest.raises(ValidationError) as refused:
        generate_token(prefix, "live")
    assert refused.value.field == "prefix"


@pytest.mark.parametrize("environment", ["", "x", "Live", "prod uction", "prod_1", "é" * 3])
def test_generate_refuses_an_environment_that_is_not_a_label(environment: str) -> None:
    with pytest.raises(ValidationError) as refused:
        generate_token("kw", environment)
    assert refused.value.field == "environment"


def test_looks_like_key_id() -> None:
    assert looks_like_key_id(generate_token().key_id)
    assert not looks_like_key_id("short")
    assert not looks_like_key_id("abc_defghijk")
    assert not looks_like_key_id("a" * (ID_LENGTH + 1))


# ------------------------------------------------------------------ mask


def test_mask_shows_the_public_head_and_only_the_last_four_characters() -> None:
    generated = generate_token()
    token = generated.token.reveal()
    head = f"kw_live_{generated.key_id}_"
    assert generated.masked == f"{head}…{token[-4:]}"
    hidden = token[len(head) : -4]
    assert len(hidden) == SECRET_LENGTH + CRC_LENGTH - 4
    # Not one run of five hidden characters shows up in the mask.
    for start in range(len(hidden) - 4):
        assert hidden[start : start + 5] not in generated.masked
    assert mask("kw", "live", generated.key_id, token) == generated.masked


# ------------------------------------------------------------------ checksum


def test_checksum_is_six_base62_characters() -> None:
    value = checksum("kw_live_abc")
    assert len(value) == CRC_LENGTH
    assert set(value) <= set(BASE62)


@pytest.mark.parametrize("environment", ["live", "test"])
def test_checksum_rejects_every_single_character_substitution(environment: str) -> None:
    token = _token(environment=environment)
    alphabet = BASE62 + "_-. "
    for position, original in enumerate(token):
        for replacement in alphabet:
            if replacement == original:
                continue
            changed = token[:position] + replacement + token[position + 1 :]
            with pytest.raises(MalformedToken):
                parse_token(changed)


def test_checksum_rejects_a_swap_of_two_neighbouring_characters() -> None:
    token = _token()
    for position in range(len(token) - 1):
        a, b = token[position], token[position + 1]
        if a == b:
            continue
        swapped = token[:position] + b + a + token[position + 2 :]
        with pytest.raises(MalformedToken):
            parse_token(swapped)


# ------------------------------------------------------------------ what parse refuses


def _refusal(text: str) -> str:
    with pytest.raises(MalformedToken) as refused:
        parse_token(text)
    return str(refused.value)


def test_empty_token_is_refused_as_empty() -> None:
    assert _refusal("") == "The token is empty."


@pytest.mark.parametrize("keep", [1, 8, 20, 30, 50, -1])
def test_truncated_token_is_refused(keep: int) -> None:
    token = _token()
    _refusal(token[:keep])


@pytest.mark.parametrize(
    "foreign",
    [
        "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",  # GitHub personal access token
        "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW",
        "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",  # Stripe secret key
        "sk_test_" + "4eC39HqLyjWDarjtT1zdp7dc",
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",  # Slack bot token
        "AKIAIOSFODNN7EXAMPLE",  # AWS access key id
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",  # a JWT
        "Bearer kw_live_abc",
    ],
)
def test_tokens_of_other_formats_are_refused(foreign: str) -> None:
    message = _refusal(foreign)
    assert foreign not in message


def test_valid_shape_with_a_wrong_checksum_is_refused_as_altered() -> None:
    token = _token()
    body, crc = token[:-CRC_LENGTH], token[-CRC_LENGTH:]
    wrong = "0" * CRC_LENGTH if crc != "0" * CRC_LENGTH else "1" * CRC_LENGTH
    message = _refusal(body + wrong)
    assert "checksum" in message


def test_token_with_surrounding_whitespace_or_newline_is_refused() -> None:
    token = _token()
    for variant in (f" {token}", f"{token} ", f"{token}\n", f"\t{token}"):
        _refusal(variant)


def test_a_megabyte_string_is_refused_at_once_without_echoing_it() -> None:
    token = _token()
    huge = (token * (1_000_000 // len(token) + 1))[:1_000_000]
    started = time.perf_counter()
    for _ in range(100):
        with pytest.raises(MalformedToken) as refused:
            parse_token(huge)
    elapsed = time.perf_counter() - started
    assert elapsed < 0.05, f"100 refusals of a 1 MB string took {elapsed:.3f} s"
    assert len(str(refused.value)) < 100
    assert token not in str(refused.value)


def test_the_longest_token_fits_and_anything_over_the_limit_is_refused_as_too_long() -> None:
    longest = generate_token("p" * 16, "e" * 16).token.reveal()
    assert len(longest) <= MAX_TOKEN_LENGTH
    assert parse_token(longest).prefix == "p" * 16
    assert "longer" in _refusal(longest + "A" * (MAX_TOKEN_LENGTH + 1 - len(longest)))


def test_refusal_messages_never_repeat_the_secret() -> None:
    token = _token()
    secret = token.split("_")[3][:SECRET_LENGTH]
    tampered = token[:-1] + ("0" if token[-1] != "0" else "1")
    for text in (tampered, token[:-3], token + "x"):
        assert secret not in _refusal(text)


# ------------------------------------------------------------------ properties


@settings(max_examples=150, deadline=None)
@given(prefix=LABELS, environment=LABELS)
def test_every_generated_token_parses(prefix: str, environment: str) -> None:
    generated = generate_token(prefix, environment)
    token = generated.token.reveal()
    assert len(token) <= MAX_TOKEN_LENGTH
    parsed = parse_token(token)
    assert (parsed.prefix, parsed.environment, parsed.key_id) == (
        prefix,
        environment,
        generated.key_id,
    )


def _parse_or_malformed(text: str) -> None:
    try:
        parse_token(text)
    except MalformedToken as refused:
        assert text not in str(refused) or len(text) < 4


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_raises_nothing_but_malformed_token(text: str) -> None:
    _parse_or_malformed(text)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300).map(lambda raw: raw.decode("latin-1")))
def test_arbitrary_bytes_raise_nothing_but_malformed_token(text: str) -> None:
    _parse_or_malformed(text)


@settings(max_examples=300, deadline=None)
@given(
    st.from_regex(
        r"[a-z][a-z0-9]{1,15}_[a-z][a-z0-9]{1,15}_[0-9A-Za-z]{12}_[0-9A-Za-z]{33}",
        fullmatch=True,
    )
)
def test_token_shaped_text_raises_nothing_but_malformed_token(text: str) -> None:
    _parse_or_malformed(text)


_MUTATION = st.sampled_from(["replace", "insert", "delete"])


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    kind=_MUTATION,
    character=st.sampled_from(BASE62 + string.punctuation + " é\x00"),
)
def test_a_mutated_valid_token_is_rejected(data: st.DataObject, kind: str, character: str) -> None:
    token = _token(environment=data.draw(st.sampled_from(["live", "test", "dev"])))
    position = data.draw(st.integers(0, len(token) - 1))
    if kind == "replace":
        if token[position] == character:
            character = "0" if character != "0" else "1"
        mutated = token[:position] + character + token[position + 1 :]
    elif kind == "insert":
        mutated = token[:position] + character + token[position:]
    else:
        mutated = token[:position] + token[position + 1 :]
    with pytest.raises(MalformedToken):
        parse_token(mutated)


# ------------------------------------------------------------------ SecretToken


def _secret() -> tuple[SecretToken, str]:
    generated = generate_token()
    return generated.token, generated.token.reveal()


def test_secret_token_never_shows_its_value_in_repr_str_or_formatting() -> None:
    token, value = _secret()
    shown = [
        repr(token),
        str(token),
        f"{token}",
        f"{token!r}",
        f"{token!s}",
        format(token),
        format(token, ""),
        "%s" % token,  # noqa: UP031 - the old operator is exactly what is being checked
        "%r" % token,  # noqa: UP031
        "{}".format(token),  # noqa: UP032
        repr([token]),
        repr({"token": token}),
        repr(generate_token()),
    ]
    for text in shown:
        assert value not in text
        assert "*" in text or "SecretToken" in text


def test_secret_token_with_a_format_spec_does_not_show_its_value() -> None:
    token, value = _secret()
    try:
        text = f"{token:>80}"
    except TypeError as error:
        text = str(error)
    assert value not in text


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_secret_token_cannot_be_pickled(protocol: int) -> None:
    token, value = _secret()
    with pytest.raises(TypeError) as refused:
        pickle.dumps(token, protocol=protocol)
    assert value not in str(refused.value)


def test_secret_token_cannot_be_pickled_inside_a_container() -> None:
    token, _value = _secret()
    with pytest.raises(TypeError):
        pickle.dumps({"token": [token]})


def test_secret_token_cannot_be_copied_by_the_pickle_protocol() -> None:
    token, _value = _secret()
    with pytest.raises(TypeError):
        copy.deepcopy(token)


def test_secret_token_has_no_instance_dict_to_peek_into() -> None:
    token, _value = _secret()
    assert not hasattr(token, "__dict__")


def test_secret_tokens_compare_by_value() -> None:
    token, value = _secret()
    assert token == SecretToken(value)
    assert token != SecretToken(value[:-1] + ("0" if value[-1] != "0" else "1"))
    assert token != value  # a plain string is not a secret token
    assert hash(token) == hash(SecretToken(value))


# ------------------------------------------------------------------ base62


def test_base62_pads_to_width_and_refuses_overflow() -> None:
    assert encode_base62(0, 3) == "000"
    assert encode_base62(61, 2) == "0z"
    assert encode_base62(62, 2) == "10"
    assert encode_base62(62**6 - 1, 6) == "zzzzzz"
    with pytest.raises(ValueError):
        encode_base62(62**6, 6)
    number = secrets.randbits(SECRET_BITS)
    text = encode_base62(number, SECRET_LENGTH)
    decoded = 0
    for ch in text:
        decoded = decoded * 62 + BASE62.index(ch)
    assert len(text) == SECRET_LENGTH
    assert decoded == number
