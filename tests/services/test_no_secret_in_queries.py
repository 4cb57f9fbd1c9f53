"""No secret reaches a database's statements or logs (issue 6, item 7).

A token pasted into the search or into an id field is cut down to its key id before any
query, and engines hide parameters, so a failing statement's exception never holds them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.data.engine import create_engine
from app.domain.key_format import key_id_of, without_secrets
from app.services import Services
from app.services.dto import CreatedKey, KeyQuery


class Statements:
    """Every statement and parameter set sent to any engine while it is listening."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(
        self,
        _connection: Any,
        _cursor: Any,
        statement: str,
        parameters: Any,
        _context: Any,
        _executemany: bool,
    ) -> None:
        self.seen.append(f"{statement} {parameters!r}")

    def holding(self, text: str) -> list[str]:
        return [entry for entry in self.seen if text in entry]


@pytest.fixture
def statements() -> Iterator[Statements]:
    recorder = Statements()
    # On the Engine class: every engine, including ones the code under test makes itself.
    sa.event.listen(Engine, "before_cursor_execute", recorder)
    try:
        yield recorder
    finally:
        sa.event.remove(Engine, "before_cursor_execute", recorder)


@pytest.fixture
def created(services: Services) -> CreatedKey:
    services.keys.create("Unrelated key")
    return services.keys.create("Snowflake ETL", "Nightly load into the warehouse.")


def _secret(created: CreatedKey) -> str:
    """The part of the token that must stay out of every query: secret and checksum."""
    return created.token.reveal().split("_")[3]


def test_the_domain_helpers_cut_a_token_down_to_its_key_id(created: CreatedKey) -> None:
    token = created.token.reveal()
    key_id = created.key.key_id
    assert key_id_of(token) == key_id
    assert key_id_of(f"  {token}\n") == key_id
    assert key_id_of(f" {key_id} ") == key_id
    assert key_id_of("Snowflake") == "Snowflake"
    assert without_secrets(token) == key_id
    assert without_secrets(f"where is {token} used") == f"where is {key_id} used"
    mistyped = token[:-1] + ("A" if token[-1] != "A" else "B")  # checksum no longer matches
    assert without_secrets(mistyped) == key_id
    cut_short = token[:-10]
    assert without_secrets(cut_short) == key_id
    assert without_secrets(created.key.masked) == created.key.masked  # kw_live_<id>_…abcd


@pytest.mark.parametrize(
    "paste",
    [
        pytest.param(lambda token: token, id="whole token"),
        pytest.param(lambda token: f"  {token}  ", id="with spaces"),
        pytest.param(lambda token: token[:-1] + "0", id="mistyped"),
        pytest.param(lambda token: f"key {token} leaked", id="inside other text"),
    ],
)
def test_a_token_pasted_into_the_search_finds_its_key_and_never_reaches_a_query(
    services: Services, created: CreatedKey, statements: Statements, paste: Any
) -> None:
    query = KeyQuery(search=paste(created.token.reveal()))
    if "leaked" in query.search:
        services.keys.page(query)  # other words around it: no match, and no secret either
    else:
        page = services.keys.page(query)
        assert [key.key_id for key in page.rows] == [created.key.key_id]
        assert services.keys.count(query) == 1
    assert statements.seen  # the listener saw the queries...
    assert statements.holding(_secret(created)) == []  # ...and none held the secret
    assert statements.holding(_secret(created)[:12]) == []


def test_a_token_pasted_as_a_key_id_never_reaches_a_query(
    services: Services, created: CreatedKey, statements: Statements
) -> None:
    token = created.token.reveal()
    for call in (services.keys.get, services.keys.history, services.keys.usage_by_day):
        try:
            call(token)
        except Exception as refusal:  # any refusal must not echo it either
            assert _secret(created) not in str(refusal)
    assert statements.holding(_secret(created)) == []


def test_a_token_pasted_as_a_key_id_finds_its_key(services: Services, created: CreatedKey) -> None:
    """Needs the services to pass ids through key_id_of (app/services/keys.py `_find`)."""
    token = created.token.reveal()
    assert services.keys.get(token).key_id == created.key.key_id
    assert services.keys.history(token)[0].target_id == created.key.key_id


def test_engines_hide_parameters_from_a_failing_statements_exception(
    database_url: str, services: Services
) -> None:
    secret = "kw_live_AAAAAAAAAAAA_ThisMustNeverBeShownAnywhere1234567"
    engine = create_engine(database_url)
    try:
        assert engine.hide_parameters
        with pytest.raises(sa.exc.DBAPIError) as failure, engine.connect() as connection:
            connection.execute(
                sa.text("SELECT key_id FROM no_such_table WHERE key_id = :key_id"),
                {"key_id": secret},
            )
        assert secret not in str(failure.value)
        assert secret not in repr(failure.value)
        assert "hidden due to hide_parameters" in str(failure.value)
    finally:
        engine.dispose()


def test_the_services_engine_hides_parameters_too(services: Services) -> None:
    assert services.engine.hide_parameters
