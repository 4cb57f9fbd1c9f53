"""The per-user key policy: unlimited by default, an admin-set limit otherwise."""

from __future__ import annotations

import pytest

from app.domain.errors import ValidationError
from app.domain.policy import (
    REASON_OWNER_DEACTIVATED,
    REASON_POLICY_LIMIT,
    KeyPolicy,
    parse_limit,
)


def test_unlimited_by_default() -> None:
    policy = KeyPolicy()
    assert policy.max_active_keys_per_user is None
    assert not policy.over_limit(0)
    assert not policy.over_limit(10_000)


def test_a_limit_of_one_is_reached_by_one_active_key() -> None:
    policy = KeyPolicy(1)
    assert not policy.over_limit(0)
    assert policy.over_limit(1)
    assert policy.over_limit(2)


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        (None, None),
        ("", None),
        ("unlimited", None),
        (" None ", None),
        ("off", None),
        ("1", 1),
        (" 3 ", 3),
        (5, 5),
    ],
)
def test_parse_limit(text: str | int | None, limit: int | None) -> None:
    assert parse_limit(text) == limit


@pytest.mark.parametrize("text", ["0", "-1", 0, -3, "two", "1.5", "1e3"])
def test_parse_limit_refuses_what_is_not_a_whole_number_of_at_least_one(
    text: str | int,
) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_limit(text)
    assert refused.value.field == "limit"
    assert refused.value.message.endswith(".")


def test_the_audited_reasons_read_as_documented() -> None:
    assert REASON_POLICY_LIMIT == "replaced under the active-key limit"
    assert REASON_OWNER_DEACTIVATED == "owner deactivated"
