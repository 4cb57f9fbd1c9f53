"""What a server database enforces itself: roles, definer routines, row-level reads."""

from __future__ import annotations

import functools

import sqlalchemy as sa


@functools.cache  # one clause per table, so statements can use it twice
def stored_table(table: sa.Table, dialect: str) -> sa.TableClause:
    """The table that holds ``table``'s rows, for the owner's direct writes (seeding, repair).

    On MariaDB Keyward's table names are definer views over ``<name>_data`` tables (see
    :mod:`app.data.server.mariadb`); elsewhere the table is itself.
    """
    name = f"{table.name}_data" if dialect in {"mysql", "mariadb"} else table.name
    return sa.table(name, *(sa.column(column.name, column.type) for column in table.columns))
