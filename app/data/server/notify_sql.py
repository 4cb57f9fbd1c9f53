"""PostgreSQL tells open windows that something changed, from the database's own change path.

Every change on a server database is a definer routine that appends an audit event, so one
statement-level trigger on ``audit_events`` sees every change whoever made it (the console,
the command line, or a routine called from ``psql``). It sends ``NOTIFY keyward_changes``
with an empty payload, delivered at commit and only if the transaction commits:

* an empty payload carries nothing a listener may not see, and PostgreSQL folds identical
  notifications of one transaction into one, so a bulk change of 10,000 keys wakes each
  window once;
* PostgreSQL delivers a notification to listeners *in the same database* only, so one fixed
  channel name is already per database; a stray wake-up (another Keyward schema in the same
  database) costs one one-row read and changes nothing;
* any login that may connect may ``LISTEN``; what it learns is "something committed, now",
  which the change counter below tells it anyway.

``kw_change_seq()`` is that counter for every reading role: the chain head's ``seq``. A member
may not read ``audit_head`` (row-level security), and the newest event a member may see is a
backwards walk through everyone else's events, re-checking the policy on each — slow on a
busy trail and slower every poll. The head's number says only how many events exist, which
the gaps between the ``seq`` of the member's own events already tell them.

MariaDB has no notifications, but the same walk made each poll of a member's window slower
as the trail grew: :func:`install_mariadb` gives it the same ``kw_change_seq()``, a
``SQL SECURITY DEFINER`` function over ``audit_head_data`` that the reading roles may call
(migration 0011).
"""

from __future__ import annotations

import sqlalchemy as sa

#: The channel the trigger notifies and the console listens on (spelled out in the SQL).
CHANNEL = "keyward_changes"

#: The roles that read the trail (every Keyward role but the verifier).
_READERS = ("auditor", "member", "manager", "admin")

_INSTALL = """
CREATE OR REPLACE FUNCTION kw_notify_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = {schema}, pg_temp AS $$
BEGIN
  PERFORM pg_notify('keyward_changes', '');
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS kw_notify_change ON audit_events;
CREATE TRIGGER kw_notify_change AFTER INSERT ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION kw_notify_change();

CREATE OR REPLACE FUNCTION kw_change_seq() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT seq FROM audit_head WHERE id = 1
$$;

REVOKE ALL ON FUNCTION kw_notify_change() FROM PUBLIC;
REVOKE ALL ON FUNCTION kw_change_seq() FROM PUBLIC;
"""

_REMOVE = """
DROP TRIGGER IF EXISTS kw_notify_change ON audit_events;
DROP FUNCTION IF EXISTS kw_notify_change();
DROP FUNCTION IF EXISTS kw_change_seq();
"""


def install(connection: sa.Connection) -> None:
    """Create the trigger and the counter function, and let the reading roles call it."""
    schema = connection.exec_driver_sql("SELECT current_schema()").scalar_one()
    database = connection.engine.url.database or ""
    connection.exec_driver_sql(_INSTALL.replace("{schema}", f'"{schema}"'))
    readers = ", ".join(f'"{database}_{role}"' for role in _READERS)
    connection.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION kw_change_seq() TO {readers}")


def remove(connection: sa.Connection) -> None:
    connection.exec_driver_sql(_REMOVE)


_MARIADB_FUNCTION = """
CREATE OR REPLACE FUNCTION `kw_change_seq`() RETURNS INT
READS SQL DATA SQL SECURITY DEFINER
RETURN (SELECT `seq` FROM `audit_head_data` WHERE `id` = 1)
"""


def install_mariadb(connection: sa.Connection) -> None:
    """MariaDB's ``kw_change_seq()`` (defined by the schema's owner, who runs this), callable
    by the reading roles; the roles exist already (``app.data.server.mariadb.apply``)."""
    from app.data.server import mariadb

    database = str(connection.exec_driver_sql("SELECT DATABASE()").scalar_one())
    connection.exec_driver_sql(_MARIADB_FUNCTION)
    for role in _READERS:
        connection.exec_driver_sql(
            f"GRANT EXECUTE ON FUNCTION `{mariadb._check_name(database, 'database')}`"
            f".`kw_change_seq` TO `{mariadb.role_name(database, role)}`"
        )


def remove_mariadb(connection: sa.Connection) -> None:
    connection.exec_driver_sql("DROP FUNCTION IF EXISTS `kw_change_seq`")
