"""Bad input through the services (DESIGN §9): a clear refusal, and the database unchanged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.domain.errors import DatabaseError, KeywardError, NotFound, ValidationError
from app.domain.hashing import FAST_FOR_TESTS, TokenHasher
from app.domain.key_format import checksum, generate_token
from app.domain.status import KeyStatus, RejectReason
from app.domain.validation import expiry_day, latest_expiry
from app.services import Services
from app.services.dto import KeyQuery
from app.services.verification import Verifier
from tests.support import (
    BIDI_CONTROLS,
    INVISIBLE_FORMATS,
    Clock,
    Team,
    assert_one_sentence,
    database_state,
    make_team,
)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def team(open_as: Callable[..., Services], clock: Clock) -> Team:
    return make_team(open_as, clock)


def assert_all_refused(
    witness: Services,
    attempts: dict[str, Callable[[], object]],
    error: type[KeywardError] = ValidationError,
) -> list[KeywardError]:
    """Each attempt raises ``error`` with one clear sentence, and nothing changes."""
    before = database_state(witness)
    refusals = []
    for label, attempt in attempts.items():
        with pytest.raises(error) as refused:
            attempt()
        assert_one_sentence(refused.value.message)
        assert database_state(witness) == before, f"{label!r} changed the database"
        refusals.append(refused.value)
    return refusals


BAD_NAMES = {
    "empty": "",
    "whitespace only": " \t  ",
    "101 characters": "n" * 101,
    "NUL": "Snowflake\x00ETL",
    "line break": "Snowflake\nETL",
    "tab": "Snowflake\tETL",
    "escape": "Snowflake\x1b[31mETL",
    "DEL": "Snowflake\x7fETL",
    **{f"bidi U+{ord(ch):04X}": f"invoice {ch}fdp.exe" for ch in BIDI_CONTROLS},
    **{f"invisible U+{ord(ch):04X}": f"Snow{ch}flake ETL" for ch in INVISIBLE_FORMATS},
    "only invisible": "\u200b\u2060\ufeff",
    "not UTF-8 (a lone surrogate)": "Snowflake \udcff ETL",
}
BAD_DESCRIPTIONS = {
    "2001 characters": "d" * 2001,
    "NUL": "Owner:\x00RevOps",
    "escape": "Owner: \x1b]0;pwned\x07RevOps",
    **{f"bidi U+{ord(ch):04X}": f"Owner: {ch}RevOps" for ch in BIDI_CONTROLS},
    "not UTF-8 (a lone surrogate)": "Owner: \udcffRevOps",
}


# ---------------------------------------------------------------------------- names, descriptions


def test_create_refuses_bad_names_and_descriptions(team: Team) -> None:
    keys = team.member.keys
    attempts: dict[str, Callable[[], object]] = {
        f"name: {label}": (lambda text=text: keys.create(text)) for label, text in BAD_NAMES.items()
    }
    attempts.update(
        {
            f"description: {label}": (lambda text=text: keys.create("Snowflake ETL", text))
            for label, text in BAD_DESCRIPTIONS.items()
        }
    )
    for refusal in assert_all_refused(team.admin, attempts):
        assert isinstance(refusal, ValidationError)
        assert refusal.field in {"name", "description"}
    assert keys.count() == 0


def test_edit_refuses_bad_names_and_descriptions(team: Team) -> None:
    key = team.member.keys.create("Snowflake ETL", "Nightly load.").key
    keys = team.member.keys
    attempts: dict[str, Callable[[], object]] = {
        f"name: {label}": (lambda text=text: keys.edit(key.key_id, name=text))
        for label, text in BAD_NAMES.items()
    }
    attempts.update(
        {
            f"description: {label}": (
                lambda text=text: keys.edit(key.key_id, name="Renamed", description=text)
            )
            for label, text in BAD_DESCRIPTIONS.items()
        }
    )
    assert_all_refused(team.admin, attempts)
    assert keys.get(key.key_id) == key


def test_the_longest_allowed_name_and_description_are_kept_whole(team: Team) -> None:
    created = team.member.keys.create("N" * 100, "D" * 2000).key
    assert (len(created.name), len(created.description)) == (100, 2000)
    assert team.member.keys.get(created.key_id) == created


def test_unicode_names_and_descriptions_survive_the_round_trip(team: Team) -> None:
    name = "Überweisung – 日本 🚀"
    description = "Línea uno\nZeile zwei\twith a tab"
    created = team.member.keys.create(name, description).key
    assert (created.name, created.description) == (name, description)
    assert team.admin.keys.get(created.key_id) == created


# ---------------------------------------------------------------------------- duplicate names


def test_a_duplicate_live_name_for_the_same_owner_is_refused_whatever_its_case(
    team: Team,
) -> None:
    first = team.member.keys.create("Snowflake ETL").key
    accented = team.member.keys.create("Überweisung Sync").key
    paused = team.member.keys.disable(team.member.keys.create("Looker").key.key_id)
    refusals = assert_all_refused(
        team.admin,
        {
            "same": lambda: team.member.keys.create("Snowflake ETL"),
            "lower case": lambda: team.member.keys.create("snowflake etl"),
            "upper case, padded": lambda: team.member.keys.create("  SNOWFLAKE ETL "),
            "accented, lower case": lambda: team.member.keys.create("überweisung sync"),
            "accented, upper case": lambda: team.member.keys.create("ÜBERWEISUNG SYNC"),
            "a disabled key's name": lambda: team.member.keys.create("LOOKER"),
            "made by a manager": lambda: team.manager.keys.create("Snowflake etl", owner="maria"),
            "renamed onto another": lambda: team.member.keys.edit(
                accented.key_id, name="snowflake ETL"
            ),
        },
    )
    assert first.key_id in refusals[1].message
    assert accented.key_id in refusals[3].message
    assert paused.key_id in refusals[5].message


def test_a_duplicate_name_is_allowed_for_another_owner_or_once_the_first_is_revoked(
    team: Team,
) -> None:
    first = team.member.keys.create("Snowflake ETL").key
    mikes = team.other_member.keys.create("snowflake etl").key
    assert mikes.owner_login == "mike"
    team.member.keys.revoke(first.key_id)
    again = team.member.keys.create("SNOWFLAKE ETL").key
    assert again.status is KeyStatus.ACTIVE
    # A key may change the case of its own name.
    assert team.member.keys.edit(again.key_id, name="Snowflake ETL").name == "Snowflake ETL"


# ---------------------------------------------------------------------------- expiry


def test_create_refuses_an_expiry_in_the_past_or_not_a_date(team: Team, clock: Clock) -> None:
    keys = team.member.keys
    yesterday = (clock.now - timedelta(days=1)).date()
    refusals = assert_all_refused(
        team.admin,
        {
            "yesterday": lambda: keys.create("Pilot", expires=yesterday.isoformat()),
            "yesterday as a date": lambda: keys.create("Pilot", expires=yesterday),
            "long ago": lambda: keys.create("Pilot", expires="1999-12-31"),
            "30 February": lambda: keys.create("Pilot", expires="2027-02-30"),
            "month 13": lambda: keys.create("Pilot", expires="2027-13-01"),
            "a word": lambda: keys.create("Pilot", expires="tomorrow"),
            "day first": lambda: keys.create("Pilot", expires="31/12/2027"),
            "SQL": lambda: keys.create("Pilot", expires="2027-01-01'; DROP TABLE api_keys; --"),
            "the last day there is": lambda: keys.create("Pilot", expires="9999-12-31"),
            "the last day there is, as a date": lambda: keys.create(
                "Pilot", expires=date(9999, 12, 31)
            ),
            "in 200 years": lambda: keys.create("Pilot", expires="2226-03-02"),
            "year 10000": lambda: keys.create("Pilot", expires="10000-01-01"),
            "not UTF-8": lambda: keys.create("Pilot", expires="2027-01-01\udcff"),
        },
    )
    assert all(isinstance(r, ValidationError) and r.field == "expires" for r in refusals)
    assert "in the past" in refusals[0].message
    assert "YYYY-MM-DD" in refusals[3].message
    assert "too far ahead" in refusals[8].message
    today = keys.create("Pilot", expires=clock.now.date().isoformat()).key
    assert today.status is KeyStatus.ACTIVE
    # The farthest day accepted is stored and read back whole, on every database.
    farthest = latest_expiry(clock.now.date())
    far = keys.create("Long-lived pilot", expires=farthest.isoformat()).key
    assert far.expires_at is not None and expiry_day(far.expires_at) == farthest
    assert keys.get(far.key_id) == far


# ---------------------------------------------------------------------------- environment


def test_create_refuses_an_unknown_environment(team: Team) -> None:
    keys = team.member.keys
    refusals = assert_all_refused(
        team.admin,
        {
            label: (lambda env=env: keys.create("Sandbox", environment=env))
            for label, env in {
                "unknown label": "prod",
                "empty": "",
                "SQL": "live'; --",
                "separator": "live_x",
                "long": "l" * 300,
            }.items()
        },
    )
    assert all(isinstance(r, ValidationError) and r.field == "environment" for r in refusals)
    assert "live, test" in refusals[0].message
    # The label is matched without regard to case or padding.
    assert keys.create("Sandbox", environment=" TEST ").key.environment == "test"


# ---------------------------------------------------------------------------- unknown key ids

UNKNOWN_IDS = {
    "well formed but absent": "000000000000",
    "empty": "",
    "blank": "   ",
    "short": "nope",
    "SQL": "'; DROP TABLE api_keys; --",
    "LIKE wildcard": "%",
    "NUL": "abc\x00def",
    "a whole token": generate_token().token.reveal(),
    "very long": "k" * 100_000,
}


def test_every_operation_on_an_unknown_key_id_is_not_found(team: Team) -> None:
    team.member.keys.create("Snowflake ETL")
    keys = team.admin.keys
    operations: dict[str, Callable[[str], object]] = {
        "get": keys.get,
        "history": keys.history,
        "usage": keys.usage_by_day,
        "edit": lambda key_id: keys.edit(key_id, name="Renamed"),
        "enable": keys.enable,
        "disable": keys.disable,
        "revoke": lambda key_id: keys.revoke(key_id, "gone"),
        "revoke many": lambda key_id: keys.revoke_many([key_id]),
        "delete": keys.delete,
        "rotate": keys.rotate,
        "replace": keys.replace,
    }
    attempts: dict[str, Callable[[], object]] = {
        f"{operation} {label}": (lambda call=call, key_id=key_id: call(key_id))
        for operation, call in operations.items()
        for label, key_id in UNKNOWN_IDS.items()
    }
    refusals = assert_all_refused(team.admin, attempts, NotFound)
    token = UNKNOWN_IDS["a whole token"]
    for refusal in refusals:
        # A pasted token is never echoed back, nor is a huge input.
        assert token[-10:] not in refusal.message
        assert len(refusal.message) < 200
    assert keys.count() == 1


# ---------------------------------------------------------------------------- search


SPECIAL_NAMES = [
    "100% uptime sync",
    "100 percent sync",
    "snake_case job",
    "snakeXcase job",
    "O'Brien's ETL",
    'The "quoted" one',
    r"C:\exports\daily",
    "'; DROP TABLE api_keys; --",
    "plain words",
]


def test_search_text_with_sql_characters_is_matched_literally(team: Team) -> None:
    by_name = {name: team.member.keys.create(name).key.key_id for name in SPECIAL_NAMES}
    expected = {
        "%": {"100% uptime sync"},
        "0%": {"100% uptime sync"},
        "100% up": {"100% uptime sync"},
        "%%": set(),
        "_": {"snake_case job", "'; DROP TABLE api_keys; --"},
        "e_c": {"snake_case job"},
        "snake_case": {"snake_case job"},
        "'": {"O'Brien's ETL", "'; DROP TABLE api_keys; --"},
        "O'Brien": {"O'Brien's ETL"},
        "'s ETL": {"O'Brien's ETL"},
        '"': {'The "quoted" one'},
        '"quoted"': {'The "quoted" one'},
        "\\": {r"C:\exports\daily"},
        r"C:\exports": {r"C:\exports\daily"},
        "\\d": {r"C:\exports\daily"},
        "'; DROP TABLE api_keys; --": {"'; DROP TABLE api_keys; --"},
        "drop table": {"'; DROP TABLE api_keys; --"},
        "' OR '1'='1": set(),
        "%' OR 1=1 --": set(),
    }
    before = database_state(team.admin)
    for term, names in expected.items():
        want = {by_name[name] for name in names}
        query = KeyQuery(search=term)
        assert {row.key_id for row in team.admin.keys.page(query).rows} == want, term
        assert team.admin.keys.count(query) == len(want), term
    assert database_state(team.admin) == before
    assert team.admin.keys.count() == len(SPECIAL_NAMES)


def test_search_refuses_text_over_200_characters_or_with_control_characters(team: Team) -> None:
    team.member.keys.create("Snowflake ETL")
    keys = team.admin.keys
    assert keys.count(KeyQuery(search="s" * 200)) == 0
    attempts: dict[str, Callable[[], object]] = {
        "201 characters, page": lambda: keys.page(KeyQuery(search="s" * 201)),
        "201 characters, count": lambda: keys.count(KeyQuery(search="s" * 201)),
        "a megabyte": lambda: keys.page(KeyQuery(search="s" * 1_000_000)),
        "NUL": lambda: keys.page(KeyQuery(search="etl\x00")),
        "bidi": lambda: keys.page(KeyQuery(search="etl\u202e")),
        "not UTF-8": lambda: keys.page(KeyQuery(search="etl\udcff")),
        "not UTF-8, count": lambda: keys.count(KeyQuery(search="etl\udcff")),
    }
    for refusal in assert_all_refused(team.admin, attempts):
        assert isinstance(refusal, ValidationError)
        assert refusal.field == "search"


def test_page_refuses_a_page_size_out_of_range(team: Team) -> None:
    assert_all_refused(
        team.admin,
        {
            "zero": lambda: team.admin.keys.page(KeyQuery(limit=0)),
            "1001": lambda: team.admin.keys.page(KeyQuery(limit=1001)),
        },
    )


def test_revoke_refuses_a_bad_reason(team: Team) -> None:
    key = team.member.keys.create("Snowflake ETL").key
    assert_all_refused(
        team.admin,
        {
            "501 characters": lambda: team.member.keys.revoke(key.key_id, "r" * 501),
            "bidi": lambda: team.member.keys.revoke(key.key_id, "left \u202ecompany"),
            "NUL": lambda: team.member.keys.revoke(key.key_id, "left\x00company"),
            "not UTF-8": lambda: team.member.keys.revoke(key.key_id, "left \udcff company"),
        },
    )
    assert team.member.keys.get(key.key_id).status is KeyStatus.ACTIVE


def test_user_lookups_with_impossible_logins_are_not_found(team: Team) -> None:
    assert_all_refused(
        team.admin,
        {
            "owner filter, NUL": lambda: team.admin.keys.page(KeyQuery(owner="ma\x00ria")),
            "create for, NUL": lambda: team.admin.keys.create("Sync", owner="ma\x00ria"),
            "set role, NUL": lambda: team.admin.users.set_role("ma\x00ria", "manager"),
            "deactivate, NUL": lambda: team.admin.users.deactivate("ma\x00ria"),
            "reactivate, NUL": lambda: team.admin.users.reactivate("ma\x00ria"),
            "set role, SQL": lambda: team.admin.users.set_role("' OR '1'='1", "admin"),
        },
        NotFound,
    )


# ---------------------------------------------------------------------------- tokens


def _bad_tokens() -> dict[str, str]:
    token = generate_token().token.reveal()
    body = token[:-6]
    wrong_crc = body + ("000000" if token[-6:] != "000000" else "111111")
    return {
        "empty": "",
        "blank": "   ",
        "truncated": token[:-1],
        "half": token[: len(token) // 2],
        "GitHub": "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
        "Stripe": "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
        "bad checksum": wrong_crc,
        "one character changed": body[:-1] + ("a" if body[-1] != "a" else "b") + token[-6:],
        "with a newline": token + "\n",
        "SQL": "kw_live_' OR 1=1 --",
        "a megabyte": "kw_live_" + "A" * 1_000_000,
    }


def test_malformed_tokens_are_refused_and_change_nothing(team: Team) -> None:
    team.member.keys.create("Snowflake ETL")
    verifier = team.admin.verifier(flush_interval=0)  # would write usage at once, if any
    before = database_state(team.admin)
    for label, text in _bad_tokens().items():
        result = verifier.verify(text)
        assert (result.valid, result.reason, result.key) == (False, RejectReason.MALFORMED, None), (
            label
        )
    verifier.flush()
    assert database_state(team.admin) == before


@pytest.mark.parametrize(
    "unreachable",
    [
        "sqlite:////nonexistent-keyward-dir/none/keyward.db",
        "postgresql+psycopg://nobody@127.0.0.1:1/keyward",
        "mysql+pymysql://nobody@127.0.0.1:1/keyward",
    ],
)
def test_malformed_tokens_are_refused_without_any_database_round_trip(unreachable: str) -> None:
    # A verifier whose database cannot be reached at all still refuses garbage: the format
    # and checksum are checked offline, before any lookup.
    verifier = Verifier(sa.create_engine(unreachable), TokenHasher(FAST_FOR_TESTS))
    for label, text in _bad_tokens().items():
        assert verifier.verify(text).reason is RejectReason.MALFORMED, label
    # ...whereas a well-formed token does need the database, which proves the point.
    with pytest.raises(DatabaseError):
        verifier.verify(generate_token().token.reveal())
    verifier.close()


def test_a_well_formed_token_for_no_key_is_unknown(team: Team) -> None:
    body = "kw_live_000000000000_" + "A" * 27
    before = database_state(team.admin)
    result = team.admin.verifier(flush_interval=0).verify(body + checksum(body))
    assert (result.valid, result.reason) == (False, RejectReason.UNKNOWN)
    assert database_state(team.admin) == before
