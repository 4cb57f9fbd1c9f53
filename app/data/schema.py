"""Schema versions: upgrade with Alembic, and refuse databases Keyward cannot use."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from app.data.revision import SCHEMA_REVISION
from app.domain.errors import DatabaseError, DatabaseErrorKind, SchemaOutOfDate

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")


class SchemaState(Enum):
    EMPTY = "empty"
    CURRENT = "current"
    OLDER = "older"
    NEWER = "newer"
    FOREIGN = "foreign"


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest revision according to the migration scripts themselves."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}


def schema_state(engine: Engine) -> SchemaState:
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        # On MariaDB Keyward's tables are definer views over `<name>_data` tables, and a
        # login is shown only what it may read (a verifier: users, settings).
        tables = set(inspector.get_table_names()) | set(inspector.get_view_names())
        if "alembic_version" not in tables:
            return SchemaState.FOREIGN if tables else SchemaState.EMPTY
        if not tables & {"api_keys", "users"}:
            return SchemaState.FOREIGN
        revision = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    if revision == SCHEMA_REVISION:
        return SchemaState.CURRENT
    if revision in _known_revisions():
        return SchemaState.OLDER
    return SchemaState.NEWER


def upgrade(engine: Engine, on_upgrade: Callable[[], None] | None = None) -> None:
    """Bring the schema to this version's head (creating it in an empty database).

    ``on_upgrade`` is called before an older schema is brought up to date (on a large
    database that takes minutes: rebuilding a search index, say), not for a new one.
    """
    state = schema_state(engine)
    if state is SchemaState.FOREIGN:
        raise DatabaseError(foreign_message(), DatabaseErrorKind.FOREIGN)
    if state is SchemaState.NEWER:
        raise DatabaseError(newer_message(), DatabaseErrorKind.NEWER)
    if state is SchemaState.CURRENT:
        return
    if state is SchemaState.OLDER and on_upgrade is not None:
        on_upgrade()
    from alembic import command

    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    if state is SchemaState.OLDER and engine.dialect.name == "postgresql":
        # An index a migration built (0027, 0028) has no statistics of its expression, and an
        # ANALYZE in the migrations' own transaction reads the index's statistics target as
        # it was when the index was made (100, not 1000: measured), so the planner would
        # misjudge common search terms as rare. Its own transaction, after the commit.
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE api_keys")


def foreign_message() -> str:
    return "This database belongs to another application (it has tables but no Keyward schema)."


def newer_message() -> str:
    return "This database was upgraded by a newer Keyward; install that version to open it."


def ensure_usable(engine: Engine, on_upgrade: Callable[[], None] | None = None) -> None:
    """Open rule: SQLite is upgraded on start; a server database must already be current.

    ``on_upgrade`` is called before a SQLite file of an older schema is upgraded (which can
    take minutes on a large file), so that the caller can say so.
    """
    state = schema_state(engine)
    if state is SchemaState.CURRENT:
        return
    if state is SchemaState.FOREIGN:
        raise DatabaseError(foreign_message(), DatabaseErrorKind.FOREIGN)
    if state is SchemaState.NEWER:
        raise DatabaseError(newer_message(), DatabaseErrorKind.NEWER)
    if engine.dialect.name == "sqlite":
        if state is SchemaState.OLDER and on_upgrade is not None:
            on_upgrade()
        upgrade(engine)
        return
    if state is SchemaState.EMPTY:
        raise SchemaOutOfDate(
            "This database has no Keyward schema yet; run `keyward db upgrade` to create it."
        )
    raise SchemaOutOfDate(
        "This database's schema is older than this Keyward; run `keyward db upgrade` first."
    )
