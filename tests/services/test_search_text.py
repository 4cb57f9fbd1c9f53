"""Search text is matched literally, whatever a person types (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.errors import ValidationError
from app.services import Services
from app.services.dto import KeyQuery

NAMES = [
    "Salesforce Data Sync",
    "100% uptime probe",
    "snake_case_exporter",
    "Back\\slash Bridge",
    "O'Brien's \"quoted\" feed",
    "Zürich Reporting",
    "ÄBC ledger",
    "äbc mirror",
    "'; DROP TABLE api_keys; --",
    "Looker Reporting Integration",
    "Straße Sync",
    "[brackets] and *stars*",
]
ALPHABET = "aAbBcdeéEfgkKlLnoOprsStuyzZüÜäÄß%_\\'\";-[]* 0123456789"


def _matches(term: str, key_fields: list[str]) -> bool:
    """Case-insensitive (Unicode lower case), accents significant, every character literal."""
    return any(term.lower() in field.lower() for field in key_fields)


@pytest.fixture
def searchable(open_as, request) -> Services:  # type: ignore[no-untyped-def]
    services: Services = open_as()
    for name in NAMES:
        services.keys.create(name, f"Integration for {name}. Owner: Data Team.")
    return services


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(term=st.text(alphabet=ALPHABET, min_size=1, max_size=6))
def test_any_term_finds_exactly_the_keys_that_contain_it(searchable: Services, term: str) -> None:
    everything = searchable.keys.page(KeyQuery(limit=100)).rows
    expected = {
        key.key_id
        for key in everything
        if _matches(term.strip(), [key.name, key.description, key.owner_name, key.key_id])
    }
    if not term.strip():
        expected = {key.key_id for key in everything}
    found = searchable.keys.page(KeyQuery(search=term, limit=100)).rows
    assert {key.key_id for key in found} == expected
    assert searchable.keys.count(KeyQuery(search=term)) == len(expected)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(term=st.text(min_size=1, max_size=300))
def test_arbitrary_text_is_answered_or_refused_in_one_sentence(
    searchable: Services, term: str
) -> None:
    before = searchable.keys.count()
    try:
        rows = searchable.keys.page(KeyQuery(search=term, limit=100)).rows
    except ValidationError as refused:
        assert refused.message.endswith(".")
        assert "\n" not in refused.message
    else:
        assert len(rows) <= len(NAMES)
    assert searchable.keys.count() == before
