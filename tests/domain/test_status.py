"""What status a person sees, derived from what is stored and the time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.domain.status import KeyState, KeyStatus, RejectReason, derive_status

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
PAST = NOW - timedelta(seconds=1)
FUTURE = NOW + timedelta(seconds=1)


@pytest.mark.parametrize(
    ("state", "expires_at", "expected"),
    [
        (KeyState.ACTIVE, None, KeyStatus.ACTIVE),
        (KeyState.ACTIVE, FUTURE, KeyStatus.ACTIVE),
        (KeyState.ACTIVE, NOW, KeyStatus.EXPIRED),
        (KeyState.ACTIVE, PAST, KeyStatus.EXPIRED),
        (KeyState.DISABLED, None, KeyStatus.DISABLED),
        (KeyState.DISABLED, FUTURE, KeyStatus.DISABLED),
        # Expired wins over disabled: enabling it again would not make it work.
        (KeyState.DISABLED, NOW, KeyStatus.EXPIRED),
        (KeyState.DISABLED, PAST, KeyStatus.EXPIRED),
        # Revoked wins over everything: it is terminal.
        (KeyState.REVOKED, None, KeyStatus.REVOKED),
        (KeyState.REVOKED, FUTURE, KeyStatus.REVOKED),
        (KeyState.REVOKED, NOW, KeyStatus.REVOKED),
        (KeyState.REVOKED, PAST, KeyStatus.REVOKED),
    ],
)
def test_derive_status_precedence(
    state: KeyState, expires_at: datetime | None, expected: KeyStatus
) -> None:
    assert derive_status(state, expires_at, NOW) is expected


def test_expiry_is_compared_as_a_moment_whatever_the_time_zone() -> None:
    moment_elsewhere = (NOW + timedelta(minutes=1)).astimezone(timezone(timedelta(hours=-8)))
    assert derive_status(KeyState.ACTIVE, moment_elsewhere, NOW) is KeyStatus.ACTIVE
    assert derive_status(KeyState.ACTIVE, moment_elsewhere, NOW + timedelta(minutes=1)) is (
        KeyStatus.EXPIRED
    )


def test_status_labels_are_what_the_table_shows() -> None:
    assert [status.label for status in KeyStatus] == ["Active", "Disabled", "Expired", "Revoked"]


def test_stored_states_have_no_expired_and_no_deleted() -> None:
    assert {state.value for state in KeyState} == {"active", "disabled", "revoked"}


def test_reject_reasons_an_integration_can_see() -> None:
    assert {reason.value for reason in RejectReason} == {
        "malformed",
        "unknown",
        "disabled",
        "revoked",
        "expired",
    }
