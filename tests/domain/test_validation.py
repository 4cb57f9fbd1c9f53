"""Input rules (DESIGN §9): what is refused, what is kept, and how the refusal reads."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.domain.errors import ValidationError
from app.domain.validation import (
    MAX_DESCRIPTION,
    MAX_DISPLAY_NAME,
    MAX_NAME,
    MAX_REASON,
    MAX_SEARCH,
    clean_description,
    clean_display_name,
    clean_email,
    clean_login,
    clean_name,
    clean_reason,
    clean_search,
    end_of_day,
    expiry_day,
    latest_expiry,
    parse_expiry,
)
from tests.support import BIDI_CONTROLS, INVISIBLE_FORMATS, assert_one_sentence

CONTROL_CHARACTERS = ["\x00", "\x07", "\x08", "\x1b", "\x1f", "\x7f", "\x85", "\x9b"]
TODAY = date(2026, 3, 2)


def _refused(call: object, *args: object, **kwargs: object) -> ValidationError:
    assert callable(call)
    with pytest.raises(ValidationError) as refused:
        call(*args, **kwargs)
    assert_one_sentence(refused.value.message)
    assert str(refused.value) == refused.value.message
    return refused.value


# ------------------------------------------------------------------ names


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Salesforce Data Sync", "Salesforce Data Sync"),
        ("  Looker Reporting Integration  ", "Looker Reporting Integration"),
        ("HubSpot Sync – Prod", "HubSpot Sync – Prod"),
        ("Überweisung 日本 🚀", "Überweisung 日本 🚀"),
        ("x" * MAX_NAME, "x" * MAX_NAME),
        ("  " + "x" * MAX_NAME + "  ", "x" * MAX_NAME),
    ],
)
def test_clean_name_keeps_a_good_name_trimmed(text: str, kept: str) -> None:
    assert clean_name(text) == kept


@pytest.mark.parametrize("text", ["", " ", "   \t  ", "\n", "\u3000"])
def test_clean_name_refuses_an_empty_or_blank_name(text: str) -> None:
    error = _refused(clean_name, text)
    assert error.field == "name"
    assert "Enter a name" in error.message


def test_clean_name_refuses_101_characters_and_says_the_limit() -> None:
    error = _refused(clean_name, "x" * (MAX_NAME + 1))
    assert error.field == "name"
    assert "101" in error.message
    assert "100" in error.message


@pytest.mark.parametrize("control", [*CONTROL_CHARACTERS, "\t", "\n", "\r"])
def test_clean_name_refuses_control_characters(control: str) -> None:
    error = _refused(clean_name, f"Snowflake{control}ETL")
    assert error.field == "name"
    assert "control character" in error.message


@pytest.mark.parametrize("bidi", BIDI_CONTROLS)
def test_clean_name_refuses_each_bidi_override(bidi: str) -> None:
    error = _refused(clean_name, f"invoice {bidi}fdp.exe")
    assert error.field == "name"
    assert "text-direction" in error.message


def test_clean_name_field_and_label_can_be_renamed_for_other_forms() -> None:
    error = _refused(clean_name, "", field="new_name", label="new name")
    assert error.field == "new_name"
    assert "new name" in error.message


# ------------------------------------------------------------------ descriptions


def test_clean_description_keeps_multiline_text_and_normalises_line_ends() -> None:
    text = "  Syncs companies nightly.\r\nOwner: RevOps\tteam.\rContact: jane@company.com  "
    assert clean_description(text) == (
        "Syncs companies nightly.\nOwner: RevOps\tteam.\rContact: jane@company.com"
    )


@pytest.mark.parametrize("text", [None, "", "   "])
def test_clean_description_is_optional(text: str | None) -> None:
    assert clean_description(text) == ""


def test_clean_description_allows_2000_characters_and_refuses_2001() -> None:
    assert len(clean_description("d" * MAX_DESCRIPTION)) == MAX_DESCRIPTION
    error = _refused(clean_description, "d" * (MAX_DESCRIPTION + 1))
    assert error.field == "description"
    assert "2001" in error.message
    assert "2000" in error.message


def test_clean_description_counts_a_windows_line_end_as_one_character() -> None:
    text = "a\r\n" * (MAX_DESCRIPTION // 2)
    assert len(clean_description(text)) <= MAX_DESCRIPTION


@pytest.mark.parametrize("control", CONTROL_CHARACTERS)
def test_clean_description_refuses_control_characters(control: str) -> None:
    error = _refused(clean_description, f"line one{control}line two")
    assert error.field == "description"


@pytest.mark.parametrize("bidi", BIDI_CONTROLS)
def test_clean_description_refuses_each_bidi_override(bidi: str) -> None:
    error = _refused(clean_description, f"Owner: {bidi}RevOps")
    assert error.field == "description"
    assert "text-direction" in error.message


# ------------------------------------------------------------------ reasons


def test_clean_reason_is_optional_and_trimmed() -> None:
    assert clean_reason(None) is None
    assert clean_reason("   ") is None
    assert clean_reason("  suspected compromise \n") == "suspected compromise"


def test_clean_reason_refuses_over_500_characters() -> None:
    assert clean_reason("r" * MAX_REASON) == "r" * MAX_REASON
    error = _refused(clean_reason, "r" * (MAX_REASON + 1))
    assert error.field == "reason"
    assert "500" in error.message


@pytest.mark.parametrize("bad", ["\x00", "\x1b", BIDI_CONTROLS[4]])
def test_clean_reason_refuses_control_and_bidi_characters(bad: str) -> None:
    assert _refused(clean_reason, f"left{bad}company").field == "reason"


# ------------------------------------------------------------------ search


@pytest.mark.parametrize(
    "text",
    ["%", "_", "'", '"', "\\", "'; DROP TABLE api_keys; --", "100%_off", 'O\'Brien "x"'],
)
def test_clean_search_keeps_sql_special_characters_as_plain_text(text: str) -> None:
    assert clean_search(text) == text


def test_clean_search_trims_and_treats_none_as_empty() -> None:
    assert clean_search(None) == ""
    assert clean_search("  etl  ") == "etl"


def test_clean_search_allows_200_characters_and_refuses_201() -> None:
    assert clean_search("s" * MAX_SEARCH) == "s" * MAX_SEARCH
    error = _refused(clean_search, "s" * (MAX_SEARCH + 1))
    assert error.field == "search"
    assert "201" in error.message
    assert "200" in error.message


@pytest.mark.parametrize("bad", ["\x00", "\t", "\x1f", *BIDI_CONTROLS])
def test_clean_search_refuses_control_and_bidi_characters(bad: str) -> None:
    assert _refused(clean_search, f"etl{bad}job").field == "search"


# ------------------------------------------------------------------ expiry


def test_parse_expiry_none_means_never() -> None:
    assert parse_expiry(None, today=TODAY) is None
    assert parse_expiry("", today=TODAY) is None


def test_parse_expiry_today_works_until_the_end_of_today_utc() -> None:
    assert parse_expiry("2026-03-02", today=TODAY) == datetime(2026, 3, 3, tzinfo=UTC)
    assert parse_expiry(" 2026-03-02 ", today=TODAY) == datetime(2026, 3, 3, tzinfo=UTC)


def test_parse_expiry_accepts_a_date_object() -> None:
    assert parse_expiry(date(2027, 3, 31), today=TODAY) == datetime(2027, 4, 1, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2026-03-01", "2020-01-01", date(2026, 3, 1)])
def test_parse_expiry_refuses_a_past_day(text: str | date) -> None:
    error = _refused(parse_expiry, text, today=TODAY)
    assert error.field == "expires"
    assert "in the past" in error.message


@pytest.mark.parametrize(
    "text", ["2027-02-30", "2027-13-01", "tomorrow", "31/12/2027", "2027-1-1x", "next week"]
)
def test_parse_expiry_refuses_text_that_is_not_a_date(text: str) -> None:
    error = _refused(parse_expiry, text, today=TODAY)
    assert error.field == "expires"
    assert "YYYY-MM-DD" in error.message


def test_end_of_day_and_expiry_day_round_trip() -> None:
    day = date(2027, 12, 31)
    assert end_of_day(day) == datetime(2028, 1, 1, tzinfo=UTC)
    assert expiry_day(end_of_day(day)) == day
    assert expiry_day(None) is None


# ------------------------------------------------------------------ people


@pytest.mark.parametrize("text", ["maria", "jane.doe", "j-smith_2", "ops@example.com", "a" * 64])
def test_clean_login_keeps_a_good_login(text: str) -> None:
    assert clean_login(f"  {text} ") == text


@pytest.mark.parametrize("text", ["", "  ", "a" * 65, "jane doe", "DOMAIN\\jane", "jane\x00", "é"])
def test_clean_login_refuses_a_bad_login(text: str) -> None:
    assert _refused(clean_login, text).field == "login"


def test_clean_display_name_defaults_to_the_login() -> None:
    assert clean_display_name(None, "maria") == "maria"
    assert clean_display_name("   ", "maria") == "maria"
    assert clean_display_name(" Maria Lopez ", "maria") == "Maria Lopez"


def test_clean_display_name_refuses_over_100_characters() -> None:
    assert clean_display_name("n" * MAX_DISPLAY_NAME, "maria") == "n" * MAX_DISPLAY_NAME
    error = _refused(clean_display_name, "n" * (MAX_DISPLAY_NAME + 1), "maria")
    assert error.field == "display_name"
    assert "101 characters" in error.message
    assert "100 or fewer" in error.message


@pytest.mark.parametrize("bad", ["\x00", "\n", BIDI_CONTROLS[4]])
def test_clean_display_name_refuses_control_and_bidi_characters(bad: str) -> None:
    assert _refused(clean_display_name, f"Maria{bad}Lopez", "maria").field == "display_name"


def test_clean_email_is_optional() -> None:
    assert clean_email(None) is None
    assert clean_email("  ") is None
    assert clean_email(" jane@company.com ") == "jane@company.com"


@pytest.mark.parametrize(
    "text", ["jane", "jane@", "@company.com", "jane@company", "a b@c.d", "x" * 250 + "@c.de"]
)
def test_clean_email_refuses_what_is_not_an_address(text: str) -> None:
    assert _refused(clean_email, text).field == "email"


# ------------------------------------------------------------------ invisible, undecodable, far


@pytest.mark.parametrize("invisible", INVISIBLE_FORMATS)
def test_clean_name_refuses_invisible_format_characters(invisible: str) -> None:
    error = _refused(clean_name, f"Snow{invisible}flake ETL")
    assert error.field == "name"
    assert "invisible formatting character" in error.message


@pytest.mark.parametrize("invisible", INVISIBLE_FORMATS)
def test_clean_display_name_refuses_invisible_format_characters(invisible: str) -> None:
    error = _refused(clean_display_name, f"Maria{invisible} Lopez", "maria")
    assert error.field == "display_name"
    assert "invisible formatting character" in error.message


def test_a_name_of_nothing_but_invisible_characters_is_an_empty_name() -> None:
    assert "Enter a name" in _refused(clean_name, "\u200b\u2060\ufeff").message


def test_descriptions_keep_joined_emoji_and_other_format_characters() -> None:
    # Free text, shown as such: a zero-width joiner inside an emoji is not an impostor name.
    assert clean_description("Owned by 👩‍💻 ops") == "Owned by 👩‍💻 ops"


SURROGATE = "\udcff"  # how Python keeps the byte 0xFF of a command line that was not UTF-8

UNDECODABLE = {
    "name": lambda: clean_name(f"Snowflake{SURROGATE}"),
    "description": lambda: clean_description(f"Owner:{SURROGATE}"),
    "reason": lambda: clean_reason(f"leaked{SURROGATE}"),
    "search": lambda: clean_search(f"etl{SURROGATE}"),
    "login": lambda: clean_login(f"maria{SURROGATE}"),
    "display_name": lambda: clean_display_name(f"Maria{SURROGATE}", "maria"),
    "email": lambda: clean_email(f"maria{SURROGATE}@example.com"),
    "expires": lambda: parse_expiry(f"2027-01-01{SURROGATE}", today=TODAY),
}


@pytest.mark.parametrize("field", UNDECODABLE)
def test_every_text_field_refuses_bytes_that_were_not_utf8(field: str) -> None:
    error = _refused(UNDECODABLE[field])
    assert error.field == field
    if field != "login":  # a login's own rule (letters, digits, …) already says it all
        assert "not valid UTF-8 text" in error.message
    assert SURROGATE not in error.message


@pytest.mark.parametrize(
    "day", ["9999-12-31", date(9999, 12, 31), "2127-01-01", date(2127, 1, 1), "9998-12-31"]
)
def test_parse_expiry_refuses_a_day_too_far_ahead_in_one_sentence(day: str | date) -> None:
    error = _refused(parse_expiry, day, today=TODAY)
    assert error.field == "expires"
    assert "too far ahead" in error.message
    assert "2126-12-31" in error.message


def test_parse_expiry_accepts_the_farthest_day_it_names() -> None:
    farthest = latest_expiry(TODAY)
    assert farthest == date(2126, 12, 31)
    assert parse_expiry(farthest.isoformat(), today=TODAY) == datetime(2127, 1, 1, tzinfo=UTC)
    assert expiry_day(end_of_day(farthest)) == farthest


def test_the_farthest_day_never_overflows_near_the_end_of_the_calendar() -> None:
    assert latest_expiry(date(9990, 6, 1)) == date(9998, 12, 31)
    end_of_day(latest_expiry(date(9990, 6, 1)))  # no OverflowError


def test_clean_search_cuts_a_pasted_token_down_to_its_key_id() -> None:
    from app.domain.key_format import generate_token

    generated = generate_token()
    assert clean_search(f" {generated.token.reveal()} ") == generated.key_id
