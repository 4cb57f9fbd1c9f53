"""MariaDB enforces Keyward's roles itself (DESIGN §3, §6; contract: SERVER-SPEC).

Run by the login that owns the schema (``keyward db upgrade``, migration 0002), :func:`apply`

* renames the six tables to ``<name>_data`` (converting them to utf8mb4 if the database's
  default character set was another) and puts ``ALGORITHM=MERGE SQL SECURITY DEFINER`` views
  with the original names and columns in their place, so the ORM reads them unchanged. The
  views join the caller's own ``users_data`` row (``login`` = the login part of ``USER()``,
  compared byte for byte, and active), so they stay mergeable: members see their own keys,
  usage, events and user row, the verifier sees only its own user row, a deactivated login sees
  nothing, and ``secret_hash`` reads as NULL for everyone but the owner. A member's events
  include those of keys deleted or moved away from them, by the ``owner`` their snapshots
  name;
* creates ``SQL SECURITY DEFINER`` procedures that make every change: they take the chain
  head's lock, identify the caller, apply the same rules as ``app.services``, and append the
  audit event (encoding version 2, computed by ``kw_append_event``) and the new chain head in
  the same transaction;
* creates the roles ``<database>_auditor|member|manager|admin|verifier`` (roles are global to
  the server) with SELECT on the views and EXECUTE on the procedures, nothing else: no role
  can INSERT, UPDATE or DELETE anything, and nothing is granted to PUBLIC.

Who is calling
    The caller is the login part of ``USER()`` (the name the session authenticated with;
    ``SET ROLE`` and definer contexts do not change it). Inside a definer routine or view
    ``CURRENT_USER()`` is the owner, so "the login of ``USER()`` equals the login of
    ``CURRENT_USER()``" means the owner is calling. All accounts of the owner's name (any
    host part) count as the owner. Only the owner may act for another Keyward user or supply
    the time (``p_as``/``p_now``): the owner can rewrite every table anyway (that is what
    signed checkpoints are for), and admin scripts and the test-suite use it. Anyone else is
    the login they authenticated as, at the server's clock (``UTC_TIMESTAMP(6)``). Anonymous
    accounts cannot claim another name: no Keyward role is ever granted to them, so they
    can reach neither the views nor the procedures.

How a login's role becomes active
    MariaDB grants a role but does not enable it: a session must ``SET ROLE``, or the login
    must have it as its default role. Setting another account's default role needs write
    access to the ``mysql`` database, which a schema owner must not have, so the procedures
    cannot do it. What they do, for every account of the login, is GRANT the role and, next
    to it, SELECT on ``alembic_version`` directly: without some privilege of its own in the
    database, a login whose role is not enabled yet cannot even open a connection that names
    the database (error 1044). Every login may set its own default role, so

    * Keyward calls :func:`activate_role` on every new connection (an engine ``connect``
      event): it enables this database's role (``SET ROLE``) and, if the login has no usable
      default role yet, makes it the default (``SET DEFAULT ROLE``), so that from then on
      plain ``mariadb`` sessions of that login have it too;
    * in a plain ``mariadb`` session before that (or for a login of several Keyward
      databases, which can have only one default role), run ``SET ROLE <database>_<role>``
      once per session, or ``SET DEFAULT ROLE <database>_<role>`` once.

    Deactivation revokes both. A session that already had the role enabled keeps what the
    role grants until it disconnects, but the views and procedures look at the caller's
    ``users_data`` row, so it reads nothing and changes nothing either. A role change
    leaves the old default role dangling; MariaDB then starts sessions with no role, and
    the next Keyward connection makes the new role the default.

Which accounts get the role
    A login may exist as several accounts (``'x'@'%'``, ``'x'@'localhost'``,
    ``'x'@'127.0.0.1'``...): the role goes to every account of that name. Listing them needs
    ``SELECT (User, Host) ON mysql.global_priv`` for the owner (those two columns only, not
    the password hashes); without it the procedures try the usual host parts ``%``,
    ``localhost``, ``127.0.0.1`` and ``::1`` instead. Grants to accounts that do not exist
    are skipped; ``kw_add_user`` answers ``granted`` = 0 when no account took the role.

Transactions
    A procedure called in autocommit mode (a plain ``mariadb`` session) runs in a
    transaction of its own; called inside a transaction (Keyward), it joins it. Any error
    rolls the whole transaction back, so no change is ever committed without its event.
    GRANT and REVOKE commit implicitly in MariaDB: ``kw_bootstrap``, ``kw_add_user``,
    ``kw_set_role`` and ``kw_set_active`` therefore finish their data changes and events
    first and grant last, which commits the caller's transaction; call them last in a
    transaction.

Errors are ``SIGNAL SQLSTATE '45000'`` with a message ``<kind>: <sentence>``
(``app.data.server.calls`` turns them into Keyward's errors). Datetimes are naive UTC
``DATETIME(6)``; timestamps in events and snapshots are written like
``app.domain.clock.isoformat_utc``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

ROLES = ("auditor", "member", "manager", "admin", "verifier")
TABLES = ("users", "api_keys", "audit_events", "audit_head", "daily_usage", "settings")
#: The collation the ``_data`` tables get when the database's default is not utf8mb4.
DEFAULT_COLLATION = "utf8mb4_unicode_ci"

#: Procedures every Keyward role may run (the verification path and "who am I").
VERIFY_PROCEDURES = ("kw_lookup_key", "kw_record_usage", "kw_whoami")
#: Procedures that change something; they refuse what the caller's Keyward role may not do.
WRITE_PROCEDURES = (
    "kw_add_user",
    "kw_set_role",
    "kw_set_active",
    "kw_set_user_active",
    "kw_create_key",
    "kw_update_key",
    "kw_delete_key",
    "kw_set_setting",
)

_NAME = re.compile(r"[A-Za-z0-9_$]{1,64}")

# --------------------------------------------------------------------------- SQL text
# The SQL below is plain text with two kinds of placeholder, filled in by statements():
# <NAME> and <FUNC argument> tokens for the shared fragments defined here (see _render), and
# {database} (the database name), {db} (the same in lower case, for role names) and {cs}
# (the character set and collation of every string variable: that of the tables, or
# comparisons fail with "illegal mix of collations"). No backslash escapes are used
# (CHAR(10) for a line feed), so the routines work whatever sql_mode they are created under.

# The caller's own users row, joined by every view (a const lookup on the unique login).
_ME = (
    "me.`login` = SUBSTRING_INDEX(USER(), '@', 1)"
    " AND CAST(me.`login` AS BINARY) = CAST(SUBSTRING_INDEX(USER(), '@', 1) AS BINARY)"
    " AND me.`active` <> 0"
)
_IS_OWNER = (
    "CAST(SUBSTRING_INDEX(USER(), '@', 1) AS BINARY)"
    " = CAST(SUBSTRING_INDEX(CURRENT_USER(), '@', 1) AS BINARY)"
)


def _iso(expression: str) -> str:
    """SQL for ``isoformat_utc``: the fraction only when it is not zero; NULL stays NULL."""
    return (
        f"IF(MICROSECOND({expression}) = 0,"
        f" DATE_FORMAT({expression}, '%Y-%m-%dT%H:%i:%sZ'),"
        f" DATE_FORMAT({expression}, '%Y-%m-%dT%H:%i:%s.%fZ'))"
    )


def _json_text(expression: str) -> str:
    return f"IFNULL(JSON_QUOTE({expression}), 'null')"


def _field(expression: str) -> str:
    """One field of encoding v2: ``-`` for NULL, else its length in bytes, ``:``, the text."""
    return f"IF({expression} IS NULL, '-', CONCAT(LENGTH({expression}), ':', {expression}))"


def _snapshot_owner_is_me(expression: str) -> str:
    """The key snapshot ``expression`` (an event's before/after text) names the caller as the
    key's ``owner``: how a member keeps the history of a key deleted or moved away from them.

    Never an error: ``JSON_VALID`` and ``JSON_VALUE`` answer 0 or NULL for text that is not
    JSON (``JSON_VALUE`` alone reads a truncated text loosely). The byte-wise ``LOCATE`` first
    spares the parse on the many rows that do not even contain the login (a login is
    ``[A-Za-z0-9_.@-]``, which JSON writes as is); compared by the collation it would cost
    more than the parse.
    """
    return (
        f"(LOCATE(CAST(me.`login` AS BINARY), CAST({expression} AS BINARY)) > 0"
        f" AND JSON_VALID({expression})"
        f" AND CAST(JSON_VALUE({expression}, '$.owner') AS BINARY)"
        " = CAST(me.`login` AS BINARY))"
    )


def _initcap(expression: str) -> str:
    return f"CONCAT(UPPER(LEFT({expression}, 1)), SUBSTRING({expression}, 2))"


_VIEWS = [
    """
CREATE OR REPLACE ALGORITHM=MERGE SQL SECURITY DEFINER VIEW `users` AS
SELECT u.`id`, u.`login`, u.`display_name`, u.`email`, u.`role`, u.`active`, u.`created_at`,
       u.`deactivated_at`
  FROM `users_data` u LEFT JOIN `users_data` me ON <ME>
 WHERE <IS_OWNER>
    OR me.`role` IN ('auditor', 'manager', 'admin')
    OR (me.`role` IN ('member', 'verifier') AND me.`id` = u.`id`)""",
    """
CREATE OR REPLACE ALGORITHM=MERGE SQL SECURITY DEFINER VIEW `api_keys` AS
SELECT k.`id`, k.`key_id`, k.`prefix`, k.`environment`, k.`name`, k.`description`,
       k.`owner_id`, k.`owner_name`, k.`masked`,
       CASE WHEN <IS_OWNER> THEN k.`secret_hash` END AS `secret_hash`,
       k.`state`, k.`created_at`, k.`created_by`, k.`updated_at`, k.`updated_by`,
       k.`last_used_at`, k.`expires_at`, k.`revoked_at`, k.`revoked_reason`, k.`version`<LINKS>
  FROM `api_keys_data` k LEFT JOIN `users_data` me ON <ME>
 WHERE <IS_OWNER>
    OR me.`role` IN ('auditor', 'manager', 'admin')
    OR (me.`role` = 'member' AND k.`owner_id` = me.`id`)""",
    """
CREATE OR REPLACE ALGORITHM=MERGE SQL SECURITY DEFINER VIEW `daily_usage` AS
SELECT d.`key_pk`, d.`day`, d.`count`
  FROM `daily_usage_data` d
  JOIN `api_keys_data` k ON k.`id` = d.`key_pk`
  LEFT JOIN `users_data` me ON <ME>
 WHERE <IS_OWNER>
    OR me.`role` IN ('auditor', 'manager', 'admin')
    OR (me.`role` = 'member' AND k.`owner_id` = me.`id`)""",
    """
CREATE OR REPLACE ALGORITHM=MERGE SQL SECURITY DEFINER VIEW `audit_events` AS
SELECT e.`seq`, e.`occurred_at`, e.`actor`, e.`action`, e.`target_type`, e.`target_id`,
       e.`before`, e.`after`, e.`reason`, e.`host`, e.`prev_hash`, e.`hash`
  FROM `audit_events_data` e LEFT JOIN `users_data` me ON <ME>
 WHERE <IS_OWNER>
    OR me.`role` IN ('auditor', 'manager', 'admin')
    OR (me.`role` = 'member' AND (
          (e.`target_type` = 'user'
           AND CAST(e.`target_id` AS BINARY) = CAST(me.`login` AS BINARY))
          OR (e.`target_type` = 'key'
              AND (CAST(e.`actor` AS BINARY) = CAST(me.`login` AS BINARY)
                   OR EXISTS (SELECT 1 FROM `api_keys_data` k
                               WHERE k.`key_id` = e.`target_id`
                                 AND k.`owner_id` = me.`id`)
                   OR <SNAPSHOT_OWNER_IS_ME e.`before`>
                   OR <SNAPSHOT_OWNER_IS_ME e.`after`>))))""",
    """
CREATE OR REPLACE ALGORITHM=MERGE SQL SECURITY DEFINER VIEW `audit_head` AS
SELECT h.`id`, h.`seq`, h.`hash`
  FROM `audit_head_data` h LEFT JOIN `users_data` me ON <ME>
 WHERE <IS_OWNER> OR me.`role` IN ('auditor', 'manager', 'admin')""",
    """
CREATE OR REPLACE ALGORITHM=MERGE SQL SECURITY DEFINER VIEW `settings` AS
SELECT s.`name`, s.`value`
  FROM `settings_data` s LEFT JOIN `users_data` me ON <ME>
 WHERE <IS_OWNER> OR me.`id` IS NOT NULL""",
]

# Every write procedure has this frame: its own transaction in autocommit mode, a rollback
# of everything on any error, and NOT FOUND (an empty SELECT ... INTO) left to the code.
_BEGIN = """
  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
  DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;
  IF v_own_tx THEN START TRANSACTION; END IF;
  SELECT `seq` INTO v_seq FROM `audit_head_data` WHERE `id` = 1 FOR UPDATE;"""
_OWN_TX = "DECLARE v_own_tx BOOL DEFAULT @@autocommit = 1 AND @@in_transaction = 0;"
_COMMIT = "IF v_own_tx THEN COMMIT; END IF;"
_CALLER_VARS = """
  DECLARE v_seq INT;
  DECLARE v_id INT;
  DECLARE v_login VARCHAR(64) {cs};
  DECLARE v_role VARCHAR(16) {cs};
  DECLARE v_now DATETIME(6);"""
_CALLER = "CALL `kw_caller`(p_as, p_now, TRUE, v_id, v_login, v_role, v_now);"
_REQUIRE_ADMIN = """
  IF v_role <> 'admin' THEN
    CALL `kw_raise`('denied', CONCAT('Your role (', <INITCAP v_role>, ') does not allow you to \
manage users or the key policy; ask a Keyward admin.'));
  END IF;"""
_WRITE_HEAD = "IN p_as VARCHAR(255) {cs}, IN p_now DATETIME(6), IN p_host TEXT {cs}"
_ROLE_LIST = "'auditor', 'member', 'manager', 'admin', 'verifier'"

_KEY_JSON = ", ".join(
    [
        """'{"description":', JSON_QUOTE(k.`description`)""",
        """',"environment":', JSON_QUOTE(k.`environment`)""",
        """',"expires_at":', <JSONISO k.`expires_at`>""",
        """',"id":', JSON_QUOTE(k.`key_id`)""",
        """',"masked":', JSON_QUOTE(k.`masked`)""",
        """',"name":', JSON_QUOTE(k.`name`)""",
        """',"owner":', JSON_QUOTE(u.`login`)""",
        """',"revoked_at":', <JSONISO k.`revoked_at`>""",
        """',"revoked_reason":', <JSON k.`revoked_reason`>""",
        """',"state":', JSON_QUOTE(k.`state`)""",
        """',"version":', k.`version`, '}'""",
    ]
)
_USER_JSON = ", ".join(
    [
        """'{"active":', IF(u.`active` <> 0, 'true', 'false')""",
        """',"email":', <JSON u.`email`>""",
        """',"login":', JSON_QUOTE(u.`login`)""",
        """',"name":', JSON_QUOTE(u.`display_name`)""",
        """',"role":', JSON_QUOTE(u.`role`), '}'""",
    ]
)

_PROCEDURES = [
    # ------------------------------------------------------------------ internal helpers
    """
CREATE OR REPLACE PROCEDURE `kw_raise`(IN p_kind VARCHAR(16) {cs}, IN p_message TEXT {cs})
NO SQL SQL SECURITY DEFINER
BEGIN
  DECLARE v_text VARCHAR(500) {cs} DEFAULT
    LEFT(COALESCE(CONCAT(p_kind, ': ', p_message), CONCAT(p_kind, ': refused.')), 500);
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = v_text;
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_append_event`(
  IN p_actor VARCHAR(64) {cs}, IN p_now DATETIME(6), IN p_action VARCHAR(32) {cs},
  IN p_target_type VARCHAR(16) {cs}, IN p_target_id VARCHAR(64) {cs},
  IN p_before LONGTEXT {cs}, IN p_after LONGTEXT {cs}, IN p_reason TEXT {cs},
  IN p_host TEXT {cs})
MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  DECLARE v_seq INT;
  DECLARE v_prev VARCHAR(64) {cs};
  DECLARE v_at VARCHAR(32) {cs} DEFAULT <ISO p_now>;
  DECLARE v_host VARCHAR(255) {cs} DEFAULT LEFT(IFNULL(p_host, ''), 255);
  DECLARE v_body LONGTEXT {cs};
  DECLARE v_hash VARCHAR(64) {cs};
  SELECT `seq`, `hash` INTO v_seq, v_prev FROM `audit_head_data` WHERE `id` = 1 FOR UPDATE;
  SET v_seq = v_seq + 1;
  SET v_body = CONCAT_WS(CHAR(10 USING utf8mb4), 'keyward-audit-2', v_seq, <FIELD v_at>,
    <FIELD p_actor>, <FIELD p_action>, <FIELD p_target_type>,
    <FIELD p_target_id>, <FIELD p_before>, <FIELD p_after>, <FIELD p_reason>,
    <FIELD v_host>, v_prev);
  SET v_hash = SHA2(CONVERT(v_body USING utf8mb4), 256);
  INSERT INTO `audit_events_data` (`seq`, `occurred_at`, `actor`, `action`, `target_type`,
    `target_id`, `before`, `after`, `reason`, `host`, `prev_hash`, `hash`)
  VALUES (v_seq, v_at, p_actor, p_action, p_target_type, p_target_id, p_before, p_after,
    p_reason, v_host, v_prev, v_hash);
  UPDATE `audit_head_data` SET `seq` = v_seq, `hash` = v_hash WHERE `id` = 1;
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_caller`(
  IN p_as VARCHAR(255) {cs}, IN p_now DATETIME(6), IN p_lock BOOL,
  OUT o_id INT, OUT o_login VARCHAR(64) {cs}, OUT o_role VARCHAR(16) {cs},
  OUT o_now DATETIME(6))
READS SQL DATA SQL SECURITY DEFINER
BEGIN
  DECLARE v_owner BOOL DEFAULT CAST(SUBSTRING_INDEX(USER(), '@', 1) AS BINARY)
                             = CAST(SUBSTRING_INDEX(CURRENT_USER(), '@', 1) AS BINARY);
  DECLARE v_active BOOL DEFAULT NULL;
  DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;
  SET o_id = NULL, o_role = NULL;
  SET o_login = IF(v_owner AND p_as IS NOT NULL, LEFT(p_as, 64), SUBSTRING_INDEX(USER(), '@', 1));
  SET o_now = IF(v_owner AND p_now IS NOT NULL, p_now, UTC_TIMESTAMP(6));
  IF p_lock THEN
    SELECT `id`, `role`, `active` INTO o_id, o_role, v_active FROM `users_data`
     WHERE `login` = o_login AND CAST(`login` AS BINARY) = CAST(o_login AS BINARY)
     LOCK IN SHARE MODE;
  ELSE
    SELECT `id`, `role`, `active` INTO o_id, o_role, v_active FROM `users_data`
     WHERE `login` = o_login AND CAST(`login` AS BINARY) = CAST(o_login AS BINARY);
  END IF;
  IF o_id IS NULL THEN
    CALL `kw_raise`('unknown', CONCAT('The login "', o_login, '" is not a Keyward user; ask a \
Keyward admin to add you with `keyward users add`.'));
  END IF;
  IF NOT v_active THEN
    CALL `kw_raise`('unknown', CONCAT('The Keyward user "', o_login, '" is deactivated; ask a \
Keyward admin to reactivate you.'));
  END IF;
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_key_json`(IN p_pk INT, OUT o_json LONGTEXT {cs})
READS SQL DATA SQL SECURITY DEFINER
BEGIN
  DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;
  SET o_json = NULL;
  SELECT CONCAT(<KEY_JSON>) INTO o_json
    FROM `api_keys_data` k JOIN `users_data` u ON u.`id` = k.`owner_id`
   WHERE k.`id` = p_pk LOCK IN SHARE MODE;
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_user_json`(IN p_id INT, OUT o_json LONGTEXT {cs})
READS SQL DATA SQL SECURITY DEFINER
BEGIN
  DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;
  SET o_json = NULL;
  SELECT CONCAT(<USER_JSON>) INTO o_json FROM `users_data` u
   WHERE u.`id` = p_id LOCK IN SHARE MODE;
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_find_user`(
  IN p_login VARCHAR(255) {cs}, OUT o_id INT, OUT o_name VARCHAR(100) {cs},
  OUT o_role VARCHAR(16) {cs}, OUT o_active BOOL)
READS SQL DATA SQL SECURITY DEFINER
BEGIN
  DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;
  SET o_id = NULL, o_name = NULL, o_role = NULL, o_active = NULL;
  SELECT `id`, `display_name`, `role`, `active` INTO o_id, o_name, o_role, o_active
    FROM `users_data`
   WHERE `login` = p_login AND CAST(`login` AS BINARY) = CAST(p_login AS BINARY) FOR UPDATE;
  IF o_id IS NULL THEN
    CALL `kw_raise`('notfound', CONCAT('There is no Keyward user "', LEFT(IFNULL(p_login, ''), 64),
                                       '".'));
  END IF;
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_other_admins`(IN p_id INT, OUT o_count BIGINT)
READS SQL DATA SQL SECURITY DEFINER
BEGIN
  SELECT COUNT(*) INTO o_count FROM `users_data`
   WHERE `role` = 'admin' AND `active` <> 0 AND `id` <> p_id LOCK IN SHARE MODE;
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_grant`(
  IN p_login VARCHAR(64) {cs}, IN p_role VARCHAR(16) {cs}, IN p_grant BOOL, OUT o_done BOOL)
MODIFIES SQL DATA SQL SECURITY DEFINER
body: BEGIN
  -- GRANT or REVOKE the database role p_role, or with p_role NULL the privilege that lets the
  -- login open the database before its role is enabled, to or from every account of p_login.
  DECLARE v_hosts TEXT {cs} DEFAULT NULL;
  DECLARE v_host VARCHAR(255) {cs};
  DECLARE v_listed BOOL DEFAULT TRUE;
  DECLARE v_sql TEXT {cs};
  SET o_done = FALSE;
  IF p_login IS NULL OR p_login = '' OR CAST(p_login AS BINARY)
     = CAST(SUBSTRING_INDEX(CURRENT_USER(), '@', 1) AS BINARY) THEN
    LEAVE body;
  END IF;
  BEGIN
    -- Needs SELECT (User, Host) ON mysql.global_priv; without it, try the usual hosts.
    DECLARE CONTINUE HANDLER FOR SQLEXCEPTION SET v_listed = FALSE;
    SELECT GROUP_CONCAT(`Host` SEPARATOR ',') INTO v_hosts FROM `mysql`.`global_priv`
     WHERE `User` = CONVERT(p_login USING utf8mb3) COLLATE utf8mb3_bin AND `Host` <> '';
  END;
  IF NOT v_listed THEN
    SET v_hosts = '%,localhost,127.0.0.1,::1';
  END IF;
  WHILE v_hosts IS NOT NULL AND v_hosts <> '' DO
    SET v_host = SUBSTRING_INDEX(v_hosts, ',', 1);
    SET v_hosts = IF(LOCATE(',', v_hosts) > 0, SUBSTRING(v_hosts, LOCATE(',', v_hosts) + 1), '');
    SET v_sql = CONCAT(IF(p_grant, 'GRANT ', 'REVOKE '),
                       IF(p_role IS NULL, 'SELECT ON `{database}`.`alembic_version`',
                          QUOTE(CONCAT('{db}_', p_role))),
                       IF(p_grant, ' TO ', ' FROM '), QUOTE(p_login), '@', QUOTE(v_host));
    BEGIN
      -- No such account, or it did not hold the grant: nothing to do for this host.
      DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN END;
      EXECUTE IMMEDIATE v_sql;
      SET o_done = TRUE;
    END;
  END WHILE;
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_set_db_role`(
  IN p_login VARCHAR(64) {cs}, IN p_role VARCHAR(16) {cs}, OUT o_granted BOOL)
MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  -- Revoke every other role of this database, then grant p_role and the right to open the
  -- database; p_role NULL: revoke everything.
  DECLARE v_roles VARCHAR(100) {cs} DEFAULT 'auditor,member,manager,admin,verifier';
  DECLARE v_role VARCHAR(16) {cs};
  DECLARE v_done BOOL;
  SET o_granted = FALSE;
  WHILE v_roles <> '' DO
    SET v_role = SUBSTRING_INDEX(v_roles, ',', 1);
    SET v_roles = IF(LOCATE(',', v_roles) > 0, SUBSTRING(v_roles, LOCATE(',', v_roles) + 1), '');
    IF p_role IS NULL OR v_role <> p_role THEN
      CALL `kw_grant`(p_login, v_role, FALSE, v_done);
    END IF;
  END WHILE;
  IF p_role IS NULL THEN
    CALL `kw_grant`(p_login, NULL, FALSE, v_done);
  ELSE
    CALL `kw_grant`(p_login, p_role, TRUE, o_granted);
    IF o_granted THEN
      CALL `kw_grant`(p_login, NULL, TRUE, v_done);
    END IF;
  END IF;
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_revoke_row`(
  IN p_pk INT, IN p_actor VARCHAR(64) {cs}, IN p_now DATETIME(6), IN p_reason TEXT {cs},
  IN p_host TEXT {cs})
MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  DECLARE v_key VARCHAR(16) {cs};
  DECLARE v_before LONGTEXT {cs};
  DECLARE v_after LONGTEXT {cs};
  SELECT `key_id` INTO v_key FROM `api_keys_data` WHERE `id` = p_pk FOR UPDATE;
  CALL `kw_key_json`(p_pk, v_before);
  UPDATE `api_keys_data` SET `state` = 'revoked', `revoked_at` = p_now,
         `revoked_reason` = p_reason, `updated_at` = p_now, `updated_by` = p_actor,
         `version` = `version` + 1
   WHERE `id` = p_pk;
  CALL `kw_key_json`(p_pk, v_after);
  CALL `kw_append_event`(p_actor, p_now, 'key.revoked', 'key', v_key, v_before, v_after,
                         p_reason, p_host);
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_check_unique_name`(
  IN p_owner INT, IN p_name VARCHAR(255) {cs}, IN p_except INT)
READS SQL DATA SQL SECURITY DEFINER
BEGIN
  DECLARE v_clash VARCHAR(16) {cs} DEFAULT NULL;
  DECLARE v_owner_name VARCHAR(100) {cs};
  DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;
  SELECT `key_id` INTO v_clash FROM `api_keys_data`
   WHERE `owner_id` = p_owner AND `state` <> 'revoked' AND LOWER(`name`) = LOWER(p_name)
     AND (p_except IS NULL OR `id` <> p_except)
   ORDER BY `id` LIMIT 1 LOCK IN SHARE MODE;
  IF v_clash IS NOT NULL THEN
    SELECT `display_name` INTO v_owner_name FROM `users_data` WHERE `id` = p_owner;
    CALL `kw_raise`('invalid', CONCAT(v_owner_name, ' already has a key named "', p_name,
                    '" (', v_clash, '); choose another name or revoke that key first.'));
  END IF;
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_managed_key`(
  IN p_caller INT, IN p_role VARCHAR(16) {cs}, IN p_key_id VARCHAR(255) {cs},
  OUT o_pk INT)
READS SQL DATA SQL SECURITY DEFINER
BEGIN
  DECLARE v_owner INT DEFAULT NULL;
  DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;
  SET o_pk = NULL;
  SELECT `id`, `owner_id` INTO o_pk, v_owner FROM `api_keys_data`
   WHERE `key_id` = p_key_id AND CAST(`key_id` AS BINARY) = CAST(p_key_id AS BINARY)
   FOR UPDATE;
  IF o_pk IS NULL OR (p_role IN ('member', 'verifier') AND v_owner <> p_caller) THEN
    CALL `kw_raise`('notfound', CONCAT('There is no key with the id "',
                                       LEFT(IFNULL(p_key_id, ''), 16), '".'));
  END IF;
  IF p_role NOT IN ('member', 'manager', 'admin') THEN
    CALL `kw_raise`('denied', CONCAT('Your role (', <INITCAP p_role>, ') does not allow you \
to change other people''s keys; ask a Keyward admin to change your role.'));
  END IF;
END""",
    # ------------------------------------------------------------------ granted routines
    """
CREATE OR REPLACE PROCEDURE `kw_bootstrap`(<WRITE_HEAD>)
MODIFIES SQL DATA SQL SECURITY DEFINER
body: BEGIN
  <OWN_TX>
  DECLARE v_seq INT;
  DECLARE v_login VARCHAR(64) {cs} DEFAULT LEFT(COALESCE(p_as,
    SUBSTRING_INDEX(CURRENT_USER(), '@', 1)), 64);
  DECLARE v_now DATETIME(6) DEFAULT COALESCE(p_now, UTC_TIMESTAMP(6));
  DECLARE v_json LONGTEXT {cs};
  DECLARE v_done BOOL;
  DECLARE v_users BIGINT;
  IF NOT (<IS_OWNER>) THEN
    CALL `kw_raise`('denied', 'Only the owner of the schema starts an empty database.');
  END IF;
  BEGIN
    <BEGIN>
    SELECT COUNT(*) INTO v_users FROM `users_data` LOCK IN SHARE MODE;
    IF v_users > 0 THEN
      <COMMIT>
      LEAVE body;
    END IF;
    INSERT INTO `users_data` (`login`, `display_name`, `email`, `role`, `active`, `created_at`)
    VALUES (v_login, v_login, NULL, 'admin', TRUE, v_now);
    CALL `kw_user_json`(LAST_INSERT_ID(), v_json);
    CALL `kw_append_event`(v_login, v_now, 'user.added', 'user', v_login, NULL, v_json,
                           'first operator of an empty database', p_host);
    <COMMIT>
  END;
  CALL `kw_set_db_role`(v_login, 'admin', v_done);
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_add_user`(
  <WRITE_HEAD>, IN p_login VARCHAR(255) {cs}, IN p_name VARCHAR(255) {cs},
  IN p_email VARCHAR(255) {cs}, IN p_role VARCHAR(255) {cs})
MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  <OWN_TX>
  <CALLER_VARS>
  DECLARE v_json LONGTEXT {cs};
  DECLARE v_exists INT DEFAULT NULL;
  DECLARE v_granted BOOL DEFAULT FALSE;
  BEGIN
    <BEGIN>
    <CALLER>
    <REQUIRE_ADMIN>
    IF p_role IS NULL OR CAST(p_role AS BINARY) NOT IN (<ROLE_LIST>) THEN
      CALL `kw_raise`('invalid', CONCAT('Unknown role "', LEFT(IFNULL(p_role, ''), 20), '".'));
    END IF;
    IF p_login IS NULL OR TRIM(p_login) = '' OR CHAR_LENGTH(p_login) > 64 THEN
      CALL `kw_raise`('invalid', 'A login is 1 to 64 characters.');
    END IF;
    SELECT `id` INTO v_exists FROM `users_data`
     WHERE `login` = p_login AND CAST(`login` AS BINARY) = CAST(p_login AS BINARY)
     LOCK IN SHARE MODE;
    IF v_exists IS NOT NULL THEN
      CALL `kw_raise`('invalid', CONCAT('"', p_login, '" is already a Keyward user.'));
    END IF;
    INSERT INTO `users_data` (`login`, `display_name`, `email`, `role`, `active`, `created_at`)
    VALUES (p_login, COALESCE(p_name, p_login), p_email, p_role, TRUE, v_now);
    CALL `kw_user_json`(LAST_INSERT_ID(), v_json);
    CALL `kw_append_event`(v_login, v_now, 'user.added', 'user', p_login, NULL, v_json, NULL,
                           p_host);
    <COMMIT>
  END;
  CALL `kw_set_db_role`(p_login, p_role, v_granted);
  SELECT v_granted AS `granted`;
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_set_role`(
  <WRITE_HEAD>, IN p_login VARCHAR(255) {cs}, IN p_role VARCHAR(255) {cs})
MODIFIES SQL DATA SQL SECURITY DEFINER
body: BEGIN
  <OWN_TX>
  <CALLER_VARS>
  DECLARE v_uid INT;
  DECLARE v_name VARCHAR(100) {cs};
  DECLARE v_old VARCHAR(16) {cs};
  DECLARE v_active BOOL;
  DECLARE v_others BIGINT;
  DECLARE v_before LONGTEXT {cs};
  DECLARE v_after LONGTEXT {cs};
  DECLARE v_done BOOL;
  BEGIN
    <BEGIN>
    <CALLER>
    <REQUIRE_ADMIN>
    IF p_role IS NULL OR CAST(p_role AS BINARY) NOT IN (<ROLE_LIST>) THEN
      CALL `kw_raise`('invalid', CONCAT('Unknown role "', LEFT(IFNULL(p_role, ''), 20), '".'));
    END IF;
    CALL `kw_find_user`(p_login, v_uid, v_name, v_old, v_active);
    IF CAST(v_old AS BINARY) = CAST(p_role AS BINARY) THEN
      <COMMIT>
      LEAVE body;
    END IF;
    IF v_old = 'admin' THEN
      CALL `kw_other_admins`(v_uid, v_others);
      IF v_others = 0 THEN
        CALL `kw_raise`('invalid', CONCAT(p_login, ' is the last admin; make someone else \
admin first.'));
      END IF;
    END IF;
    CALL `kw_user_json`(v_uid, v_before);
    UPDATE `users_data` SET `role` = p_role WHERE `id` = v_uid;
    CALL `kw_user_json`(v_uid, v_after);
    CALL `kw_append_event`(v_login, v_now, 'user.role_changed', 'user', p_login, v_before,
                           v_after, NULL, p_host);
    <COMMIT>
  END;
  IF v_active THEN
    CALL `kw_set_db_role`(p_login, p_role, v_done);
  END IF;
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_set_active`(
  <WRITE_HEAD>, IN p_login VARCHAR(255) {cs}, IN p_active BOOL)
MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  CALL `kw_set_user_active`(p_as, p_now, p_host, p_login, p_active, NULL);
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_set_user_active`(
  <WRITE_HEAD>, IN p_login VARCHAR(255) {cs}, IN p_active BOOL, IN p_reason TEXT {cs})
MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  -- p_reason (deactivation only) is recorded on the event and on every key it revokes.
  <OWN_TX>
  <CALLER_VARS>
  DECLARE v_uid INT;
  DECLARE v_name VARCHAR(100) {cs};
  DECLARE v_user_role VARCHAR(16) {cs};
  DECLARE v_active BOOL;
  DECLARE v_others BIGINT;
  DECLARE v_before LONGTEXT {cs};
  DECLARE v_after LONGTEXT {cs};
  DECLARE v_pk INT;
  DECLARE v_revoked INT DEFAULT 0;
  DECLARE v_done BOOL;
  DECLARE v_reason TEXT {cs} DEFAULT NULLIF(TRIM(LEFT(p_reason, 500)), '');
  BEGIN
    <BEGIN>
    <CALLER>
    <REQUIRE_ADMIN>
    CALL `kw_find_user`(p_login, v_uid, v_name, v_user_role, v_active);
    CALL `kw_user_json`(v_uid, v_before);
    IF p_active THEN
      IF v_active THEN
        CALL `kw_raise`('invalid', CONCAT(p_login, ' is already active.'));
      END IF;
      UPDATE `users_data` SET `active` = TRUE, `deactivated_at` = NULL WHERE `id` = v_uid;
      CALL `kw_user_json`(v_uid, v_after);
      CALL `kw_append_event`(v_login, v_now, 'user.reactivated', 'user', p_login, v_before,
                             v_after, NULL, p_host);
    ELSE
      IF NOT v_active THEN
        CALL `kw_raise`('invalid', CONCAT(p_login, ' is already deactivated.'));
      END IF;
      IF v_user_role = 'admin' THEN
        CALL `kw_other_admins`(v_uid, v_others);
        IF v_others = 0 THEN
          CALL `kw_raise`('invalid', CONCAT(p_login, ' is the last admin; make someone else \
admin first.'));
        END IF;
      END IF;
      UPDATE `users_data` SET `active` = FALSE, `deactivated_at` = v_now WHERE `id` = v_uid;
      revoking: LOOP
        SET v_pk = NULL;
        SELECT `id` INTO v_pk FROM `api_keys_data`
         WHERE `owner_id` = v_uid AND `state` <> 'revoked' ORDER BY `id` LIMIT 1 FOR UPDATE;
        IF v_pk IS NULL THEN
          LEAVE revoking;
        END IF;
        CALL `kw_revoke_row`(v_pk, v_login, v_now,
          LEFT(CONCAT('owner deactivated', IFNULL(CONCAT(': ', v_reason), '')), 500), p_host);
        SET v_revoked = v_revoked + 1;
      END LOOP;
      CALL `kw_user_json`(v_uid, v_after);
      CALL `kw_append_event`(v_login, v_now, 'user.deactivated', 'user', p_login, v_before,
        v_after, LEFT(CONCAT(IF(v_reason IS NULL, '', CONCAT(v_reason, ' (')), v_revoked,
        ' key', IF(v_revoked = 1, '', 's'), ' revoked', IF(v_reason IS NULL, '', ')')), 500),
        p_host);
    END IF;
    <COMMIT>
  END;
  CALL `kw_set_db_role`(p_login, IF(p_active, v_user_role, NULL), v_done);
  SELECT v_revoked AS `revoked`;
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_check_lifetime`(IN p_now DATETIME(6), IN p_expires_at DATETIME(6))
READS SQL DATA SQL SECURITY DEFINER
BEGIN
  -- Under a maximum lifetime of N days a key may expire on any day up to now + N days (it
  -- works until the end of that day); without one, anything goes.
  DECLARE v_setting VARCHAR(500) {cs} DEFAULT NULL;
  DECLARE v_days BIGINT DEFAULT NULL;
  DECLARE v_latest DATETIME(6);
  DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;
  SELECT `value` INTO v_setting FROM `settings_data` WHERE `name` = 'max_lifetime_days'
    LOCK IN SHARE MODE;
  SET v_days = IF(TRIM(v_setting) REGEXP '^[0-9]{1,9}$', CAST(TRIM(v_setting) AS UNSIGNED), NULL);
  IF v_days IS NOT NULL THEN
    SET v_latest = CAST(DATE(p_now + INTERVAL v_days DAY) AS DATETIME(6)) + INTERVAL 1 DAY;
    IF p_expires_at IS NULL OR p_expires_at > v_latest THEN
      CALL `kw_raise`('invalid', CONCAT('The policy limits keys to ', v_days, ' days; pick an \
expiry date up to ', DATE_FORMAT(v_latest - INTERVAL 1 DAY, '%Y-%m-%d'), '.'));
    END IF;
  END IF;
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_create_key`(
  <WRITE_HEAD>, IN p_key_id VARCHAR(255) {cs}, IN p_prefix VARCHAR(255) {cs},
  IN p_environment VARCHAR(255) {cs}, IN p_name VARCHAR(255) {cs},
  IN p_description TEXT {cs}, IN p_owner VARCHAR(255) {cs}, IN p_masked VARCHAR(255) {cs},
  IN p_secret_hash VARCHAR(255) {cs}, IN p_expires_at DATETIME(6), IN p_revoke_oldest BOOL,
  IN p_replaces VARCHAR(255) {cs}, IN p_grace_seconds INT)
MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  -- p_replaces names the key the new one takes the place of: one that is not revoked is
  -- rotated (same owner; it does not count against the limit; it is revoked at once, or with
  -- p_grace_seconds expires when they end), a revoked one is replaced (any owner the caller
  -- may create for). Either way the caller must be allowed to change the old key.
  <OWN_TX>
  <CALLER_VARS>
  DECLARE v_owner INT;
  DECLARE v_owner_name VARCHAR(100) {cs};
  DECLARE v_owner_role VARCHAR(16) {cs};
  DECLARE v_owner_active BOOL;
  DECLARE v_setting VARCHAR(500) {cs};
  DECLARE v_limit BIGINT;
  DECLARE v_count BIGINT;
  DECLARE v_excess BIGINT DEFAULT 0;
  DECLARE v_names TEXT {cs};
  DECLARE v_victim INT;
  DECLARE v_old INT DEFAULT NULL;
  DECLARE v_old_key VARCHAR(16) {cs} DEFAULT NULL;
  DECLARE v_old_name VARCHAR(100) {cs};
  DECLARE v_old_owner INT;
  DECLARE v_old_state VARCHAR(16) {cs};
  DECLARE v_old_expires DATETIME(6);
  DECLARE v_rotation BOOL DEFAULT FALSE;
  DECLARE v_successor VARCHAR(16) {cs} DEFAULT NULL;
  DECLARE v_reason TEXT {cs} DEFAULT NULL;
  DECLARE v_deadline DATETIME(6);
  DECLARE v_new INT;
  DECLARE v_json LONGTEXT {cs};
  DECLARE v_before LONGTEXT {cs};
  BEGIN
    <BEGIN>
    <CALLER>
    IF v_role NOT IN ('member', 'manager', 'admin') THEN
      CALL `kw_raise`('denied', CONCAT('Your role (', <INITCAP v_role>, ') does not allow \
you to create keys; ask a Keyward admin to change your role.'));
    END IF;
    CALL `kw_find_user`(COALESCE(p_owner, v_login), v_owner, v_owner_name, v_owner_role,
                        v_owner_active);
    IF v_owner <> v_id AND v_role = 'member' THEN
      CALL `kw_raise`('denied', 'Your role (Member) does not allow you to create keys for other \
people; ask a Keyward admin to change your role.');
    END IF;
    IF NOT v_owner_active THEN
      CALL `kw_raise`('invalid', CONCAT(v_owner_name, ' is deactivated and cannot own new keys.'));
    END IF;
    IF p_name IS NULL OR TRIM(p_name) = '' THEN
      CALL `kw_raise`('invalid', 'A key needs a name.');
    END IF;
    SET v_setting = NULL;
    SELECT `value` INTO v_setting FROM `settings_data` WHERE `name` = 'token_prefix'
      LOCK IN SHARE MODE;
    IF p_prefix IS NULL OR CAST(p_prefix AS BINARY)
       <> CAST(COALESCE(v_setting, 'kw') AS BINARY) THEN
      CALL `kw_raise`('invalid', 'The token prefix is not this database''s.');
    END IF;
    SET v_setting = NULL;
    SELECT `value` INTO v_setting FROM `settings_data` WHERE `name` = 'environments'
      LOCK IN SHARE MODE;
    IF p_environment IS NULL OR p_environment = '' OR FIND_IN_SET(CAST(p_environment AS BINARY),
       CAST(COALESCE(v_setting, 'live,test') AS BINARY)) = 0 THEN
      CALL `kw_raise`('invalid', CONCAT('"', LEFT(IFNULL(p_environment, ''), 20),
                                        '" is not an environment of this database.'));
    END IF;
    IF p_replaces IS NOT NULL THEN
      CALL `kw_managed_key`(v_id, v_role, p_replaces, v_old);
      SELECT `key_id`, `name`, `owner_id`, `state`, `expires_at`
        INTO v_old_key, v_old_name, v_old_owner, v_old_state, v_old_expires
        FROM `api_keys_data` WHERE `id` = v_old FOR UPDATE;
      SET v_rotation = v_old_state <> 'revoked';
      SELECT `key_id` INTO v_successor FROM `api_keys_data`
       WHERE `replaces_key_id` = v_old_key ORDER BY `created_at` DESC, `id` DESC LIMIT 1;
      IF v_rotation THEN
        IF v_successor IS NOT NULL THEN
          CALL `kw_raise`('invalid', CONCAT('"', v_old_name, '" was already rotated to ',
                                            v_successor, '.'));
        END IF;
        IF v_old_owner <> v_owner THEN
          CALL `kw_raise`('invalid', 'A rotated key keeps its owner.');
        END IF;
        IF p_grace_seconds IS NOT NULL AND p_grace_seconds > 365 * 86400 THEN
          CALL `kw_raise`('invalid', 'A grace period is at most 365 days.');
        END IF;
        SET v_reason = CONCAT('rotation of ', v_old_key);
      ELSE
        SET v_reason = CONCAT('replacement of ', v_old_key);
      END IF;
    END IF;
    -- A rotated key keeps the old one's name (which the old key holds until it ends).
    IF NOT v_rotation THEN
      CALL `kw_check_unique_name`(v_owner, p_name, NULL);
    ELSEIF p_name IS NULL OR CAST(p_name AS BINARY) <> CAST(v_old_name AS BINARY) THEN
      CALL `kw_raise`('invalid', 'A rotated key keeps its name.');
    END IF;
    CALL `kw_check_lifetime`(v_now, p_expires_at);
    SET v_setting = NULL;
    SELECT `value` INTO v_setting FROM `settings_data` WHERE `name` = 'max_active_keys_per_user'
      LOCK IN SHARE MODE;
    SET v_limit = IF(TRIM(v_setting) REGEXP '^[0-9]{1,9}$', CAST(TRIM(v_setting) AS UNSIGNED),
                     NULL);
    IF v_limit IS NOT NULL THEN
      SELECT COUNT(*) INTO v_count FROM `api_keys_data`
       WHERE `owner_id` = v_owner AND `state` = 'active'
         AND (`expires_at` IS NULL OR `expires_at` > v_now)
         AND NOT (v_rotation AND `id` = v_old)
       LOCK IN SHARE MODE;
      SET v_excess = v_count + 1 - v_limit;
      IF v_excess > 0 AND NOT IFNULL(p_revoke_oldest, FALSE) THEN
        SELECT GROUP_CONCAT(CONCAT('"', o.`name`, '" (', o.`key_id`, ')')
                            ORDER BY o.`created_at`, o.`id` SEPARATOR ', ')
          INTO v_names
          FROM (SELECT `name`, `key_id`, `created_at`, `id` FROM `api_keys_data`
                 WHERE `owner_id` = v_owner AND `state` = 'active'
                   AND (`expires_at` IS NULL OR `expires_at` > v_now)
                   AND NOT (v_rotation AND `id` = v_old)
                 ORDER BY `created_at`, `id` LIMIT v_excess) o;
        CALL `kw_raise`('limit', CONCAT(v_owner_name, ' already has ', v_count, ' active key',
          IF(v_count = 1, '', 's'), ' (the limit is ', v_limit, '); creating this key will \
revoke ', IF(v_excess = 1, 'the oldest', CONCAT('the ', v_excess, ' oldest')), ', ', v_names,
          '.'));
      END IF;
      WHILE v_excess > 0 DO
        SET v_victim = NULL;
        SELECT `id` INTO v_victim FROM `api_keys_data`
         WHERE `owner_id` = v_owner AND `state` = 'active'
           AND (`expires_at` IS NULL OR `expires_at` > v_now)
           AND NOT (v_rotation AND `id` = v_old)
         ORDER BY `created_at`, `id` LIMIT 1 FOR UPDATE;
        IF v_victim IS NOT NULL THEN
          CALL `kw_revoke_row`(v_victim, v_login, v_now, 'replaced under the active-key limit',
                               p_host);
        END IF;
        SET v_excess = v_excess - 1;
      END WHILE;
    END IF;
    INSERT INTO `api_keys_data` (`key_id`, `prefix`, `environment`, `name`, `description`,
      `owner_id`, `owner_name`, `masked`, `secret_hash`, `state`, `created_at`, `created_by`,
      `updated_at`, `updated_by`, `expires_at`, `version`)
    VALUES (p_key_id, p_prefix, p_environment, p_name, IFNULL(p_description, ''), v_owner,
      v_owner_name, p_masked, p_secret_hash, 'active', v_now, v_login, v_now, v_login,
      p_expires_at, 1);
    SET v_new = LAST_INSERT_ID();
    IF v_old IS NOT NULL THEN
      UPDATE `api_keys_data` SET `replaces_key_id` = v_old_key WHERE `id` = v_new;
    END IF;
    CALL `kw_key_json`(v_new, v_json);
    CALL `kw_append_event`(v_login, v_now, 'key.created', 'key', p_key_id, NULL, v_json,
                           v_reason, p_host);
    IF v_rotation THEN
      IF p_grace_seconds IS NULL OR p_grace_seconds <= 0 THEN
        CALL `kw_revoke_row`(v_old, v_login, v_now, CONCAT('rotated to ', p_key_id), p_host);
      ELSE
        SET v_deadline = v_now + INTERVAL p_grace_seconds SECOND;
        IF v_old_expires IS NULL OR v_old_expires > v_deadline THEN
          CALL `kw_key_json`(v_old, v_before);
          UPDATE `api_keys_data` SET `expires_at` = v_deadline, `updated_at` = v_now,
                 `updated_by` = v_login, `version` = `version` + 1
           WHERE `id` = v_old;
          CALL `kw_key_json`(v_old, v_json);
          CALL `kw_append_event`(v_login, v_now, 'key.expiry_changed', 'key', v_old_key,
            v_before, v_json, CONCAT('rotated to ', p_key_id, '; grace period'), p_host);
        END IF;
      END IF;
    END IF;
    <COMMIT>
  END;
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_update_key`(
  <WRITE_HEAD>, IN p_key_id VARCHAR(255) {cs}, IN p_expected_version INT,
  IN p_name VARCHAR(255) {cs}, IN p_description TEXT {cs}, IN p_state VARCHAR(255) {cs},
  IN p_set_expiry BOOL, IN p_expires_at DATETIME(6), IN p_reason TEXT {cs})
MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  <OWN_TX>
  <CALLER_VARS>
  DECLARE v_pk INT;
  DECLARE v_key VARCHAR(16) {cs};
  DECLARE v_owner INT;
  DECLARE v_version INT;
  DECLARE v_name VARCHAR(100) {cs};
  DECLARE v_description VARCHAR(2000) {cs};
  DECLARE v_state VARCHAR(16) {cs};
  DECLARE v_expires DATETIME(6);
  DECLARE v_updated_by VARCHAR(64) {cs};
  DECLARE v_updated_at DATETIME(6);
  DECLARE v_new_name VARCHAR(255) {cs};
  DECLARE v_new_description TEXT {cs};
  DECLARE v_bump INT DEFAULT 1;
  DECLARE v_before LONGTEXT {cs};
  DECLARE v_after LONGTEXT {cs};
  BEGIN
    <BEGIN>
    <CALLER>
    CALL `kw_managed_key`(v_id, v_role, p_key_id, v_pk);
    SELECT `key_id`, `owner_id`, `version`, `name`, `description`, `state`, `expires_at`,
           `updated_by`, `updated_at`
      INTO v_key, v_owner, v_version, v_name, v_description, v_state, v_expires,
           v_updated_by, v_updated_at
      FROM `api_keys_data` WHERE `id` = v_pk FOR UPDATE;
    IF p_expected_version IS NOT NULL AND v_version <> p_expected_version THEN
      CALL `kw_raise`('conflict', CONCAT('"', v_name, '" was changed by ', v_updated_by, ' at ',
        DATE_FORMAT(v_updated_at, '%Y-%m-%d %H:%i'), ' UTC after you opened it; reload first.'));
    END IF;
    SET v_new_name = COALESCE(p_name, v_name);
    SET v_new_description = COALESCE(p_description, v_description);
    IF TRIM(v_new_name) = '' THEN
      CALL `kw_raise`('invalid', 'A key needs a name.');
    END IF;
    IF CAST(v_new_name AS BINARY) <> CAST(v_name AS BINARY)
       OR CAST(v_new_description AS BINARY) <> CAST(v_description AS BINARY) THEN
      IF CAST(v_new_name AS BINARY) <> CAST(v_name AS BINARY) AND v_state <> 'revoked' THEN
        CALL `kw_check_unique_name`(v_owner, v_new_name, v_pk);
      END IF;
      CALL `kw_key_json`(v_pk, v_before);
      UPDATE `api_keys_data` SET `name` = v_new_name, `description` = v_new_description,
             `updated_at` = v_now, `updated_by` = v_login, `version` = `version` + v_bump
       WHERE `id` = v_pk;
      SET v_bump = 0, v_name = v_new_name;
      CALL `kw_key_json`(v_pk, v_after);
      CALL `kw_append_event`(v_login, v_now, 'key.edited', 'key', v_key, v_before, v_after,
                             NULL, p_host);
    END IF;
    IF IFNULL(p_set_expiry, FALSE) AND NOT (p_expires_at <=> v_expires) THEN
      IF v_state = 'revoked' THEN
        CALL `kw_raise`('invalid', CONCAT('"', v_name, '" is revoked; a revoked key stays \
revoked.'));
      END IF;
      -- Shortening is always allowed; anything else must fit the maximum lifetime.
      IF p_expires_at IS NULL OR v_expires IS NULL OR p_expires_at > v_expires THEN
        CALL `kw_check_lifetime`(v_now, p_expires_at);
      END IF;
      CALL `kw_key_json`(v_pk, v_before);
      UPDATE `api_keys_data` SET `expires_at` = p_expires_at, `updated_at` = v_now,
             `updated_by` = v_login, `version` = `version` + v_bump
       WHERE `id` = v_pk;
      SET v_bump = 0;
      CALL `kw_key_json`(v_pk, v_after);
      CALL `kw_append_event`(v_login, v_now, 'key.expiry_changed', 'key', v_key, v_before,
                             v_after, p_reason, p_host);
    END IF;
    IF p_state IS NOT NULL AND CAST(p_state AS BINARY) <> CAST(v_state AS BINARY) THEN
      IF v_state = 'revoked' THEN
        CALL `kw_raise`('invalid', CONCAT('"', v_name, '" is revoked; a revoked key stays \
revoked. Create a new key.'));
      END IF;
      IF CAST(p_state AS BINARY) NOT IN ('active', 'disabled', 'revoked') THEN
        CALL `kw_raise`('invalid', CONCAT('"', LEFT(p_state, 20), '" is not a key state.'));
      END IF;
      CALL `kw_key_json`(v_pk, v_before);
      UPDATE `api_keys_data` SET `state` = p_state,
             `revoked_at` = IF(p_state = 'revoked', v_now, NULL),
             `revoked_reason` = IF(p_state = 'revoked', p_reason, NULL),
             `updated_at` = v_now, `updated_by` = v_login, `version` = `version` + v_bump
       WHERE `id` = v_pk;
      CALL `kw_key_json`(v_pk, v_after);
      CALL `kw_append_event`(v_login, v_now,
        CASE p_state WHEN 'active' THEN 'key.enabled' WHEN 'disabled' THEN 'key.disabled'
                     ELSE 'key.revoked' END,
        'key', v_key, v_before, v_after, p_reason, p_host);
    END IF;
    <COMMIT>
  END;
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_delete_key`(<WRITE_HEAD>, IN p_key_id VARCHAR(255) {cs})
MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  <OWN_TX>
  <CALLER_VARS>
  DECLARE v_pk INT;
  DECLARE v_key VARCHAR(16) {cs};
  DECLARE v_state VARCHAR(16) {cs};
  DECLARE v_before LONGTEXT {cs};
  BEGIN
    <BEGIN>
    <CALLER>
    CALL `kw_managed_key`(v_id, v_role, p_key_id, v_pk);
    SELECT `key_id`, `state` INTO v_key, v_state FROM `api_keys_data` WHERE `id` = v_pk
       FOR UPDATE;
    IF v_state <> 'revoked' THEN
      CALL `kw_revoke_row`(v_pk, v_login, v_now, 'deleted', p_host);
    END IF;
    CALL `kw_key_json`(v_pk, v_before);
    CALL `kw_append_event`(v_login, v_now, 'key.deleted', 'key', v_key, v_before, NULL, NULL,
                           p_host);
    DELETE FROM `api_keys_data` WHERE `id` = v_pk;
    <COMMIT>
  END;
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_set_setting`(
  <WRITE_HEAD>, IN p_name VARCHAR(255) {cs}, IN p_value VARCHAR(500) {cs})
MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  <OWN_TX>
  <CALLER_VARS>
  DECLARE v_label VARCHAR(16) {cs} DEFAULT CASE CAST(p_name AS BINARY)
    WHEN 'max_active_keys_per_user' THEN 'limit' WHEN 'token_prefix' THEN 'prefix'
    WHEN 'environments' THEN 'environments' WHEN 'max_lifetime_days' THEN 'max_lifetime'
    WHEN 'stale_after_days' THEN 'stale_after' WHEN 'expiry_warning_days' THEN 'expiry_warnings'
    END;
  DECLARE v_old VARCHAR(500) {cs} DEFAULT NULL;
  BEGIN
    <BEGIN>
    <CALLER>
    <REQUIRE_ADMIN>
    IF v_label IS NULL THEN
      CALL `kw_raise`('invalid', CONCAT('"', LEFT(IFNULL(p_name, ''), 64),
                                        '" is not a Keyward setting.'));
    END IF;
    -- The routines read these as numbers: a bad value would stop every create.
    IF v_label IN ('limit', 'max_lifetime', 'stale_after') AND p_value IS NOT NULL
       AND NOT CAST(p_value AS BINARY) REGEXP '^[1-9][0-9]{0,6}$' THEN
      CALL `kw_raise`('invalid', CONCAT('"', LEFT(p_value, 20),
                                        '" is not a whole number of at least 1.'));
    END IF;
    IF v_label IN ('stale_after', 'expiry_warnings', 'prefix', 'environments')
       AND p_value IS NULL THEN
      CALL `kw_raise`('invalid', CONCAT(p_name, ' needs a value.'));
    END IF;
    IF v_label = 'expiry_warnings'
       AND NOT CAST(p_value AS BINARY) REGEXP '^[1-9][0-9]{0,3}(,[1-9][0-9]{0,3}){0,9}$' THEN
      CALL `kw_raise`('invalid', 'Expiry warnings are whole numbers of days, e.g. 30,7,1.');
    END IF;
    SELECT `value` INTO v_old FROM `settings_data` WHERE `name` = p_name FOR UPDATE;
    IF NOT (CAST(v_old AS BINARY) <=> CAST(p_value AS BINARY)) THEN
      IF p_value IS NULL THEN
        DELETE FROM `settings_data` WHERE `name` = p_name;
      ELSE
        INSERT INTO `settings_data` (`name`, `value`) VALUES (p_name, p_value)
        ON DUPLICATE KEY UPDATE `value` = VALUES(`value`);
      END IF;
      CALL `kw_append_event`(v_login, v_now, 'policy.changed', 'policy', p_name,
        CONCAT('{', JSON_QUOTE(v_label), ':', <JSON v_old>, '}'),
        CONCAT('{', JSON_QUOTE(v_label), ':', <JSON p_value>, '}'), NULL, p_host);
    END IF;
    <COMMIT>
  END;
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_lookup_key`(IN p_key_id VARCHAR(255) {cs})
READS SQL DATA SQL SECURITY DEFINER
BEGIN
  DECLARE v_id INT;
  DECLARE v_login VARCHAR(64) {cs};
  DECLARE v_role VARCHAR(16) {cs};
  DECLARE v_now DATETIME(6);
  IF NOT (<IS_OWNER>) THEN
    CALL `kw_caller`(NULL, NULL, FALSE, v_id, v_login, v_role, v_now);
  END IF;
  SELECT k.`id`, k.`prefix`, k.`environment`, k.`name`, k.`state`, k.`expires_at`,
         k.`secret_hash`, u.`login` AS `owner_login`
    FROM `api_keys_data` k JOIN `users_data` u ON u.`id` = k.`owner_id`
   WHERE k.`key_id` = p_key_id AND CAST(k.`key_id` AS BINARY) = CAST(p_key_id AS BINARY);
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_record_usage`(
  IN p_key_id VARCHAR(255) {cs}, IN p_used_at DATETIME(6), IN p_count INT)
MODIFIES SQL DATA SQL SECURITY DEFINER
body: BEGIN
  <OWN_TX>
  DECLARE v_id INT;
  DECLARE v_login VARCHAR(64) {cs};
  DECLARE v_role VARCHAR(16) {cs};
  DECLARE v_now DATETIME(6);
  DECLARE v_at DATETIME(6) DEFAULT p_used_at;
  DECLARE v_pk INT DEFAULT NULL;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
  DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;
  IF NOT (<IS_OWNER>) THEN
    CALL `kw_caller`(NULL, NULL, FALSE, v_id, v_login, v_role, v_now);
    SET v_at = LEAST(p_used_at, UTC_TIMESTAMP(6));
  END IF;
  IF v_own_tx THEN START TRANSACTION; END IF;
  SELECT `id` INTO v_pk FROM `api_keys_data`
   WHERE `key_id` = p_key_id AND CAST(`key_id` AS BINARY) = CAST(p_key_id AS BINARY);
  IF v_pk IS NULL OR v_at IS NULL THEN
    <COMMIT>
    LEAVE body;
  END IF;
  UPDATE `api_keys_data` SET `last_used_at` = v_at
   WHERE `id` = v_pk AND (`last_used_at` IS NULL OR `last_used_at` < v_at)
     AND (`revoked_at` IS NULL OR `revoked_at` >= v_at);
  IF IFNULL(p_count, 0) > 0 THEN
    INSERT INTO `daily_usage_data` (`key_pk`, `day`, `count`) VALUES (v_pk, DATE(v_at), p_count)
    ON DUPLICATE KEY UPDATE `count` = `count` + VALUES(`count`);
  END IF;
  <COMMIT>
END""",
    """
CREATE OR REPLACE PROCEDURE `kw_whoami`()
NO SQL SQL SECURITY DEFINER
BEGIN
  SELECT SUBSTRING_INDEX(USER(), '@', 1) AS `login`, (<IS_OWNER>) AS `is_owner`;
END""",
]


_TOKEN = re.compile(r"<([A-Z_]+)(?: ([a-z_`.]+))?>")


def _render(template: str) -> str:
    """Expand the <TOKENS> of a template (fragments may hold tokens themselves)."""
    parts = {
        "ME": _ME,
        "IS_OWNER": _IS_OWNER,
        "BEGIN": _BEGIN,
        "OWN_TX": _OWN_TX,
        "COMMIT": _COMMIT,
        "CALLER_VARS": _CALLER_VARS,
        "CALLER": _CALLER,
        "REQUIRE_ADMIN": _REQUIRE_ADMIN,
        "WRITE_HEAD": _WRITE_HEAD,
        "ROLE_LIST": _ROLE_LIST,
        "KEY_JSON": _KEY_JSON,
        "USER_JSON": _USER_JSON,
    }
    functions: dict[str, Callable[[str], str]] = {
        "ISO": _iso,
        "FIELD": _field,
        "INITCAP": _initcap,
        "SNAPSHOT_OWNER_IS_ME": _snapshot_owner_is_me,
        "JSON": _json_text,
        "JSONISO": lambda expression: _json_text(_iso(expression)),
    }

    def expand(match: re.Match[str]) -> str:
        name, argument = match.groups()
        return parts[name] if argument is None else functions[name](argument)

    previous = ""
    while previous != template:
        previous, template = template, _TOKEN.sub(expand, template)
    return template


# --------------------------------------------------------------------------- Python side


def role_name(database: str, role: str) -> str:
    """The server-wide name of a Keyward role's database role for one database."""
    return f"{database}_{role}".lower()


def _check_name(name: str, what: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(f"unsupported {what} name for MariaDB enforcement: {name!r}")
    return name


def _role_ident(database: str, role: str) -> str:
    return f"`{role_name(database, role)}`"


def charset_clause(collation: str) -> str:
    """What every string variable of a routine is declared with (the tables' collation)."""
    if not re.fullmatch(r"utf8mb4_[a-z0-9_]+", collation):
        raise ValueError(f"not a utf8mb4 collation: {collation!r}")
    return f"CHARACTER SET utf8mb4 COLLATE {collation}"


#: Columns of ``api_keys_data`` added by later migrations, shown by the view once they exist
#: (views are checked when they are made: migration 0002 makes it before 0005 adds them).
LATER_KEY_COLUMNS = ("replaces_key_id",)


def statements(
    database: str, collation: str, key_columns: tuple[str, ...] = LATER_KEY_COLUMNS
) -> list[str]:
    """The views and procedures, ready to run on the database (after the tables are renamed).

    ``key_columns``: which of :data:`LATER_KEY_COLUMNS` the ``api_keys`` view shows.
    """
    _check_name(database, "database")
    cs = charset_clause(collation)
    links = "".join(f", k.`{_check_name(name, 'column')}`" for name in key_columns)
    return [
        _render(sql.replace("<LINKS>", links))
        .replace("{cs}", cs)
        .replace("{database}", database)
        .replace("{db}", database.lower())
        .strip()
        for sql in _PROCEDURES + _VIEWS
    ]


def grants(database: str) -> list[str]:
    """SELECT on the views, EXECUTE on the procedures; nothing else, to no one else."""
    db = f"`{_check_name(database, 'database')}`"
    people = [role for role in ROLES if role != "verifier"]
    result: list[str] = []
    for role in ROLES:
        who = _role_ident(database, role)
        readable = ["alembic_version", "settings", "users"]
        if role in people:
            readable += ["api_keys", "audit_events", "audit_head", "daily_usage"]
        result += [f"GRANT SELECT ON {db}.`{table}` TO {who}" for table in readable]
        runnable = list(VERIFY_PROCEDURES) + (list(WRITE_PROCEDURES) if role in people else [])
        result += [f"GRANT EXECUTE ON PROCEDURE {db}.`{proc}` TO {who}" for proc in runnable]
    return result


def _scalar(connection: sa.Connection, sql: str, **params: Any) -> Any:
    return connection.execute(sa.text(sql), params).scalar()


def _base_tables(connection: sa.Connection) -> dict[str, str]:
    """Base tables of the current database and their collations."""
    rows = connection.execute(
        sa.text(
            "SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES"
            " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'"
        )
    )
    return {str(name): str(collation or "") for name, collation in rows}


def _rename_tables(connection: sa.Connection) -> None:
    tables = _base_tables(connection)
    pending = [name for name in TABLES if name in tables and f"{name}_data" not in tables]
    missing = [name for name in TABLES if name not in tables and f"{name}_data" not in tables]
    if missing:
        raise RuntimeError(f"not a Keyward schema at revision 0001: no table {missing[0]}")
    if pending:
        renames = ", ".join(f"`{name}` TO `{name}_data`" for name in pending)
        connection.exec_driver_sql(f"RENAME TABLE {renames}")


def _utf8mb4_collation(connection: sa.Connection) -> str:
    """Convert the ``_data`` tables to utf8mb4 where needed; return their one collation."""
    tables = _base_tables(connection)
    current = tables.get("users_data", "")
    collation = current if current.startswith("utf8mb4_") else DEFAULT_COLLATION
    charset_clause(collation)
    for name in TABLES:
        if tables.get(f"{name}_data") != collation:
            connection.exec_driver_sql(
                f"ALTER TABLE `{name}_data` CONVERT TO CHARACTER SET utf8mb4 COLLATE {collation}"
            )
    return collation


def apply(connection: sa.Connection, database: str, owner_login: str) -> None:
    """Install (or re-install) views, procedures, roles and grants; idempotent.

    Run by ``owner_login`` (the login of the connection, which becomes the definer of every
    view and procedure) on ``database`` at revision 0001 or later.
    """
    _check_name(database, "database")
    current = _scalar(connection, "SELECT DATABASE()")
    if current != database:
        raise ValueError(f"connected to database {current!r}, not {database!r}")
    definer = str(_scalar(connection, "SELECT CURRENT_USER()")).rsplit("@", 1)[0]
    if definer != owner_login:
        raise ValueError(
            f"the schema owner {owner_login!r} must run this; the connection is {definer!r}"
        )
    _rename_tables(connection)
    collation = _utf8mb4_collation(connection)
    run = connection.exec_driver_sql
    mode = _scalar(connection, "SELECT @@SESSION.sql_mode")
    # The routines keep the sql_mode they were created under: strict, whatever the session's.
    run(
        "SET SESSION sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,"
        "NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION'"
    )
    try:
        present = {
            str(name)
            for name in connection.execute(
                sa.text(
                    "SELECT COLUMN_NAME FROM information_schema.COLUMNS"
                    " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'api_keys_data'"
                )
            ).scalars()
        }
        later = tuple(name for name in LATER_KEY_COLUMNS if name in present)
        for statement in statements(database, collation, later):
            # The driver reads % as a parameter marker even without parameters.
            run(statement.replace("%", "%%"))
    finally:
        connection.execute(sa.text("SET SESSION sql_mode = :mode"), {"mode": mode})
    for role in ROLES:
        run(f"CREATE ROLE IF NOT EXISTS {_role_ident(database, role)}")
    for statement in grants(database):
        run(statement)


def drop_roles(connection: sa.Connection, database: str) -> None:
    """Remove the database's roles (for test clean-up, or after the database is dropped)."""
    _check_name(database, "database")
    for role in ROLES:
        connection.exec_driver_sql(f"DROP ROLE IF EXISTS {_role_ident(database, role)}")


#: The roles of one database the session's login holds, and whether each is its default.
ACTIVATE_ROLE_QUERY = (
    "SELECT ROLE_NAME, IS_DEFAULT, CURRENT_ROLE() FROM information_schema.APPLICABLE_ROLES"
    " WHERE GRANTEE = CURRENT_USER()"
)


def activate_role(dbapi_connection: Any, database: str) -> str | None:
    """Enable this database's Keyward role in a new session; returns the role or None.

    For an engine ``connect`` event: ``SET ROLE`` when the login holds one of the database's
    roles and it is not active yet, and ``SET DEFAULT ROLE`` when the login has no usable
    default role, so that its plain ``mariadb`` sessions get the role from then on. The
    schema owner holds none of the roles and is left alone.
    """
    wanted = {role_name(database, role) for role in ROLES}
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(ACTIVATE_ROLE_QUERY)
        rows = list(cursor.fetchall())
        held = [str(row[0]) for row in rows if str(row[0]) in wanted]
        if not held:
            return None
        role = sorted(held)[0]
        has_default = any(str(row[1]).upper() == "YES" for row in rows)
        active = rows[0][2]
        if active != role:
            cursor.execute(f"SET ROLE `{role}`")
        if not has_default:
            cursor.execute(f"SET DEFAULT ROLE `{role}`")
        return role
    finally:
        cursor.close()
