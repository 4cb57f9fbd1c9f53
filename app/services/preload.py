"""What every command reads the database with, loaded ahead of the command.

The command line's resident helper (:mod:`app.cli.helper_server`) calls :func:`load` once
and forks each command from itself, so no command imports SQLAlchemy, a driver or the
migrations again, nor configures the ORM's mappers. Nothing here opens a database.
"""

from __future__ import annotations

import contextlib
import importlib

#: Imported by :func:`load`: the services, the models, the migrations and each driver
#: (those not installed are skipped; a command that needs one says so as before).
MODULES = (
    "app.services.facade",
    "app.data.checkpoint_models",
    "app.data.review_models",
    "app.data.server.reviews_sql",
    "app.domain.key_format",
    "alembic.command",
    "alembic.config",
    "sqlite3",
    "sqlalchemy.dialects.sqlite.pysqlite",
    "sqlalchemy.dialects.postgresql.psycopg",
    "sqlalchemy.dialects.mysql.pymysql",
    "psycopg",
    "pymysql",
)


def load() -> None:
    """Import :data:`MODULES` and configure the ORM's mappers (what a first query does)."""
    for name in MODULES:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
