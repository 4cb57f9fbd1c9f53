"""The server side of signed checkpoints: two definer routines, their grants, and reads.

``kw_register_signing_key`` and ``kw_add_checkpoint`` run with the schema owner's rights and
are the only way a Keyward login writes ``signing_keys`` or ``audit_checkpoints``. Each locks
the chain head, checks the caller (an active auditor or admin, by the authenticated login),
checks what it is given (a fingerprint that is the public key's SHA-256 and registered to the
caller; an event at ``p_seq`` whose hash is ``p_hash``; this database's identity) and appends
its audit event through ``kw_append_event``, in the caller's transaction. The database cannot
check an Ed25519 signature; ``keyward audit verify`` does, so a stored garbage signature only
ever makes verification fail.

Both return one row: ``kw_register_signing_key`` → (registered, head_seq, head_hash) — the
head read under the lock, which the client then signs; ``kw_add_checkpoint`` → (id).

Placeholders, filled in by :func:`apply`: ``{schema}`` (PostgreSQL's quoted schema),
``{db}`` (the database name, as in the role names ``<db>_auditor`` …), ``{db_q}`` (the
MariaDB database, back-quoted), ``{owner}`` (MariaDB's ``'login'@'host'`` definer). Reading
is for auditors, managers and admins, as for the audit trail itself.
"""

from __future__ import annotations

import sqlalchemy as sa

SIGNERS = ("auditor", "admin")
READERS = ("auditor", "manager", "admin")

_PG_REGISTER = r"""
CREATE OR REPLACE FUNCTION kw_register_signing_key(
  p_as text, p_now timestamp, p_host text, p_fingerprint text, p_public_key text)
RETURNS TABLE (registered boolean, head_seq integer, head_hash text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_caller users := kw_caller(p_as);
  v_now timestamp := kw_now(p_now);
  v_owner text;
  v_new boolean := false;
BEGIN
  PERFORM kw_lock_head();
  IF v_caller.role NOT IN ('auditor', 'admin') THEN
    PERFORM kw_raise('denied', format('Your role (%s) does not allow you to sign audit '
                     'checkpoints; only auditors and admins may.', initcap(v_caller.role)));
  END IF;
  IF p_public_key IS NULL OR p_public_key !~ '^[0-9a-f]{64}$' OR p_fingerprint IS NULL
     OR p_fingerprint <> encode(sha256(decode(p_public_key, 'hex')), 'hex') THEN
    PERFORM kw_raise('invalid', 'The signing key''s fingerprint does not match its public key.');
  END IF;
  SELECT k.login INTO v_owner FROM signing_keys k WHERE k.fingerprint = p_fingerprint;
  IF v_owner IS NULL THEN
    INSERT INTO signing_keys (fingerprint, login, public_key, registered_at)
    VALUES (p_fingerprint, v_caller.login, p_public_key, v_now);
    PERFORM kw_append_event(v_caller.login, v_now, 'signing_key.registered', 'signing_key',
      p_fingerprint, NULL,
      jsonb_build_object('fingerprint', p_fingerprint, 'login', v_caller.login,
                         'public_key', p_public_key)::text,
      NULL, p_host);
    v_new := true;
  ELSIF v_owner <> v_caller.login THEN
    PERFORM kw_raise('denied', 'This signing key is registered to another login.');
  END IF;
  RETURN QUERY SELECT v_new, h.seq, h.hash::text FROM audit_head h WHERE h.id = 1;
END $$
"""

_PG_ADD = r"""
CREATE OR REPLACE FUNCTION kw_add_checkpoint(
  p_as text, p_now timestamp, p_host text, p_seq integer, p_hash text, p_signed_at text,
  p_database_id text, p_fingerprint text, p_signature text)
RETURNS TABLE (id integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_caller users := kw_caller(p_as);
  v_now timestamp := kw_now(p_now);
  v_key_login text;
  v_hash text;
  v_id integer;
BEGIN
  PERFORM kw_lock_head();
  IF v_caller.role NOT IN ('auditor', 'admin') THEN
    PERFORM kw_raise('denied', format('Your role (%s) does not allow you to sign audit '
                     'checkpoints; only auditors and admins may.', initcap(v_caller.role)));
  END IF;
  SELECT k.login INTO v_key_login FROM signing_keys k WHERE k.fingerprint = p_fingerprint;
  IF v_key_login IS NULL OR v_key_login <> v_caller.login THEN
    PERFORM kw_raise('denied', 'Sign checkpoints with a key registered to you.');
  END IF;
  IF p_signature IS NULL OR p_signature !~ '^[0-9a-f]{128}$' THEN
    PERFORM kw_raise('invalid', 'A checkpoint signature is 128 hexadecimal digits.');
  END IF;
  IF p_signed_at IS NULL
     OR p_signed_at !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{6})?Z$' THEN
    PERFORM kw_raise('invalid', 'A checkpoint''s signing time is ISO 8601 UTC.');
  END IF;
  IF p_database_id IS DISTINCT FROM (SELECT s.value FROM settings s
                                     WHERE s.name = 'database_id') THEN
    PERFORM kw_raise('invalid', 'The checkpoint was signed for another database.');
  END IF;
  SELECT e.hash INTO v_hash FROM audit_events e WHERE e.seq = p_seq;
  IF v_hash IS NULL OR v_hash <> p_hash THEN
    PERFORM kw_raise('invalid', format('The audit trail has no event #%s with that hash; '
                     'sign the current head.', p_seq));
  END IF;
  INSERT INTO audit_checkpoints (seq, hash, signed_at, database_id, signer, fingerprint,
                                 signature, stored_at)
  VALUES (p_seq, p_hash, p_signed_at, p_database_id, v_caller.login, p_fingerprint,
          p_signature, v_now)
  RETURNING audit_checkpoints.id INTO v_id;
  PERFORM kw_append_event(v_caller.login, v_now, 'audit.checkpoint', 'checkpoint', v_id::text,
    NULL,
    jsonb_build_object('seq', p_seq, 'hash', p_hash, 'signed_at', p_signed_at,
                       'database_id', p_database_id, 'signer', v_caller.login,
                       'fingerprint', p_fingerprint, 'signature', p_signature)::text,
    NULL, p_host);
  RETURN QUERY SELECT v_id;
END $$
"""

_PG_REGISTER_SIGNATURE = "kw_register_signing_key(text, timestamp, text, text, text)"
_PG_ADD_SIGNATURE = (
    "kw_add_checkpoint(text, timestamp, text, integer, text, text, text, text, text)"
)

POSTGRESQL: list[str] = [
    _PG_REGISTER,
    _PG_ADD,
    f"REVOKE ALL ON FUNCTION {_PG_REGISTER_SIGNATURE} FROM PUBLIC",
    f"REVOKE ALL ON FUNCTION {_PG_ADD_SIGNATURE} FROM PUBLIC",
    'GRANT EXECUTE ON FUNCTION {_register} TO "{db}_auditor", "{db}_admin"'.replace(
        "{_register}", _PG_REGISTER_SIGNATURE
    ),
    'GRANT EXECUTE ON FUNCTION {_add} TO "{db}_auditor", "{db}_admin"'.replace(
        "{_add}", _PG_ADD_SIGNATURE
    ),
    "REVOKE ALL ON signing_keys, audit_checkpoints FROM PUBLIC",
    "REVOKE ALL ON SEQUENCE audit_checkpoints_id_seq FROM PUBLIC",
    'GRANT SELECT ON signing_keys, audit_checkpoints TO "{db}_auditor", "{db}_manager",'
    ' "{db}_admin"',
    "ALTER TABLE signing_keys ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE audit_checkpoints ENABLE ROW LEVEL SECURITY",
    "DROP POLICY IF EXISTS kw_read ON signing_keys",
    "DROP POLICY IF EXISTS kw_read ON audit_checkpoints",
    "CREATE POLICY kw_read ON signing_keys FOR SELECT USING ("
    " (SELECT kw_my_role()) IN ('auditor', 'manager', 'admin'))",
    "CREATE POLICY kw_read ON audit_checkpoints FOR SELECT USING ("
    " (SELECT kw_my_role()) IN ('auditor', 'manager', 'admin'))",
]

POSTGRESQL_DOWN: list[str] = [
    f"DROP FUNCTION IF EXISTS {_PG_ADD_SIGNATURE}",
    f"DROP FUNCTION IF EXISTS {_PG_REGISTER_SIGNATURE}",
]

# MariaDB: base tables ``<name>_data`` behind definer views ``<name>`` (as app.data.server.mariadb
# does for the other tables). Placeholders: {cs} the tables' character set and collation,
# {collation} the collation alone, {db} the database name (lower case, for role names), {db_q}
# the back-quoted database. No backslash escapes, so the sql_mode does not matter.
_ME = (
    "me.`login` = SUBSTRING_INDEX(USER(), '@', 1)"
    " AND CAST(me.`login` AS BINARY) = CAST(SUBSTRING_INDEX(USER(), '@', 1) AS BINARY)"
    " AND me.`active` <> 0"
)
_IS_OWNER = (
    "CAST(SUBSTRING_INDEX(USER(), '@', 1) AS BINARY)"
    " = CAST(SUBSTRING_INDEX(CURRENT_USER(), '@', 1) AS BINARY)"
)
_MY_FRAME_VARS = """
  DECLARE v_own_tx BOOL DEFAULT @@autocommit = 1 AND @@in_transaction = 0;
  DECLARE v_seq INT;
  DECLARE v_id INT;
  DECLARE v_login VARCHAR(64) {cs};
  DECLARE v_role VARCHAR(16) {cs};
  DECLARE v_now DATETIME(6);
  DECLARE v_hash VARCHAR(64) {cs} DEFAULT NULL;"""
_MY_FRAME_BEGIN = """
    DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
    DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;
    IF v_own_tx THEN START TRANSACTION; END IF;
    SELECT `seq` INTO v_seq FROM `audit_head_data` WHERE `id` = 1 FOR UPDATE;
    CALL `kw_caller`(p_as, p_now, TRUE, v_id, v_login, v_role, v_now);
    IF v_role NOT IN ('auditor', 'admin') THEN
      CALL `kw_raise`('denied', CONCAT('Your role (', UPPER(LEFT(v_role, 1)),
        SUBSTRING(v_role, 2), ') does not allow you to sign audit checkpoints; only auditors',
        ' and admins may.'));
    END IF;"""

_MARIADB_REGISTER = f"""
CREATE OR REPLACE PROCEDURE `kw_register_signing_key`(
  IN p_as VARCHAR(255) {{cs}}, IN p_now DATETIME(6), IN p_host TEXT {{cs}},
  IN p_fingerprint VARCHAR(255) {{cs}}, IN p_public_key VARCHAR(255) {{cs}})
MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  {_MY_FRAME_VARS}
  DECLARE v_owner VARCHAR(64) {{cs}} DEFAULT NULL;
  DECLARE v_new BOOL DEFAULT FALSE;
  BEGIN
    {_MY_FRAME_BEGIN}
    IF p_public_key IS NULL OR p_fingerprint IS NULL
       OR NOT (CAST(p_public_key AS BINARY) REGEXP '^[0-9a-f]{{64}}$')
       OR CAST(p_fingerprint AS BINARY) <> CAST(SHA2(UNHEX(p_public_key), 256) AS BINARY) THEN
      CALL `kw_raise`('invalid', 'The signing key''s fingerprint does not match its public key.');
    END IF;
    SELECT `login` INTO v_owner FROM `signing_keys_data`
     WHERE `fingerprint` = p_fingerprint FOR UPDATE;
    IF v_owner IS NULL THEN
      INSERT INTO `signing_keys_data` (`fingerprint`, `login`, `public_key`, `registered_at`)
      VALUES (p_fingerprint, v_login, p_public_key, v_now);
      CALL `kw_append_event`(v_login, v_now, 'signing_key.registered', 'signing_key',
        p_fingerprint, NULL,
        CONCAT('{{"fingerprint":', JSON_QUOTE(p_fingerprint), ',"login":', JSON_QUOTE(v_login),
               ',"public_key":', JSON_QUOTE(p_public_key), '}}'),
        NULL, p_host);
      SET v_new = TRUE;
    ELSEIF CAST(v_owner AS BINARY) <> CAST(v_login AS BINARY) THEN
      CALL `kw_raise`('denied', 'This signing key is registered to another login.');
    END IF;
    SELECT `seq`, `hash` INTO v_seq, v_hash FROM `audit_head_data` WHERE `id` = 1;
    IF v_own_tx THEN COMMIT; END IF;
  END;
  SELECT v_new AS `registered`, v_seq AS `head_seq`, v_hash AS `head_hash`;
END"""  # noqa: S608 - fixed text, no input

_MARIADB_ADD = f"""
CREATE OR REPLACE PROCEDURE `kw_add_checkpoint`(
  IN p_as VARCHAR(255) {{cs}}, IN p_now DATETIME(6), IN p_host TEXT {{cs}}, IN p_seq INT,
  IN p_hash VARCHAR(255) {{cs}}, IN p_signed_at VARCHAR(255) {{cs}},
  IN p_database_id VARCHAR(255) {{cs}}, IN p_fingerprint VARCHAR(255) {{cs}},
  IN p_signature VARCHAR(255) {{cs}})
MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  {_MY_FRAME_VARS}
  DECLARE v_key_login VARCHAR(64) {{cs}} DEFAULT NULL;
  DECLARE v_database_id VARCHAR(500) {{cs}} DEFAULT NULL;
  DECLARE v_checkpoint INT DEFAULT NULL;
  BEGIN
    {_MY_FRAME_BEGIN}
    SELECT `login` INTO v_key_login FROM `signing_keys_data`
     WHERE `fingerprint` = p_fingerprint LOCK IN SHARE MODE;
    IF v_key_login IS NULL OR CAST(v_key_login AS BINARY) <> CAST(v_login AS BINARY) THEN
      CALL `kw_raise`('denied', 'Sign checkpoints with a key registered to you.');
    END IF;
    IF p_signature IS NULL OR NOT (CAST(p_signature AS BINARY) REGEXP '^[0-9a-f]{{128}}$') THEN
      CALL `kw_raise`('invalid', 'A checkpoint signature is 128 hexadecimal digits.');
    END IF;
    IF p_signed_at IS NULL OR NOT (CAST(p_signed_at AS BINARY) REGEXP
       '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}T[0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}([.][0-9]{{6}})?Z$') THEN
      CALL `kw_raise`('invalid', 'A checkpoint''s signing time is ISO 8601 UTC.');
    END IF;
    SELECT `value` INTO v_database_id FROM `settings_data` WHERE `name` = 'database_id';
    IF NOT (CAST(p_database_id AS BINARY) <=> CAST(v_database_id AS BINARY)) THEN
      CALL `kw_raise`('invalid', 'The checkpoint was signed for another database.');
    END IF;
    SELECT `hash` INTO v_hash FROM `audit_events_data` WHERE `seq` = p_seq;
    IF v_hash IS NULL OR p_hash IS NULL
       OR CAST(v_hash AS BINARY) <> CAST(p_hash AS BINARY) THEN
      CALL `kw_raise`('invalid', CONCAT('The audit trail has no event #', IFNULL(p_seq, '?'),
                                        ' with that hash; sign the current head.'));
    END IF;
    INSERT INTO `audit_checkpoints_data` (`seq`, `hash`, `signed_at`, `database_id`, `signer`,
      `fingerprint`, `signature`, `stored_at`)
    VALUES (p_seq, p_hash, p_signed_at, p_database_id, v_login, p_fingerprint, p_signature,
      v_now);
    SET v_checkpoint = LAST_INSERT_ID();
    CALL `kw_append_event`(v_login, v_now, 'audit.checkpoint', 'checkpoint', v_checkpoint,
      NULL,
      CONCAT('{{"database_id":', JSON_QUOTE(p_database_id),
             ',"fingerprint":', JSON_QUOTE(p_fingerprint), ',"hash":', JSON_QUOTE(p_hash),
             ',"seq":', p_seq, ',"signature":', JSON_QUOTE(p_signature),
             ',"signed_at":', JSON_QUOTE(p_signed_at), ',"signer":', JSON_QUOTE(v_login),
             '}}'),
      NULL, p_host);
    IF v_own_tx THEN COMMIT; END IF;
  END;
  SELECT v_checkpoint AS `id`;
END"""  # noqa: S608 - fixed text, no input

_MARIADB_VIEWS = [
    f"""
CREATE OR REPLACE ALGORITHM=MERGE SQL SECURITY DEFINER VIEW `signing_keys` AS
SELECT k.`fingerprint`, k.`login`, k.`public_key`, k.`registered_at`
  FROM `signing_keys_data` k LEFT JOIN `users_data` me ON {_ME}
 WHERE {_IS_OWNER} OR me.`role` IN ('auditor', 'manager', 'admin')""",  # noqa: S608
    f"""
CREATE OR REPLACE ALGORITHM=MERGE SQL SECURITY DEFINER VIEW `audit_checkpoints` AS
SELECT c.`id`, c.`seq`, c.`hash`, c.`signed_at`, c.`database_id`, c.`signer`,
       c.`fingerprint`, c.`signature`, c.`stored_at`
  FROM `audit_checkpoints_data` c LEFT JOIN `users_data` me ON {_ME}
 WHERE {_IS_OWNER} OR me.`role` IN ('auditor', 'manager', 'admin')""",  # noqa: S608
]

MARIADB: list[str] = [
    "ALTER TABLE `signing_keys_data` CONVERT TO CHARACTER SET utf8mb4 COLLATE {collation}",
    "ALTER TABLE `audit_checkpoints_data` CONVERT TO CHARACTER SET utf8mb4 COLLATE {collation}",
    _MARIADB_REGISTER,
    _MARIADB_ADD,
    *_MARIADB_VIEWS,
    *[
        f"GRANT SELECT ON {{db_q}}.`{view}` TO `{{db}}_{role}`"
        for view in ("signing_keys", "audit_checkpoints")
        for role in READERS
    ],
    *[
        f"GRANT EXECUTE ON PROCEDURE {{db_q}}.`{procedure}` TO `{{db}}_{role}`"
        for procedure in ("kw_register_signing_key", "kw_add_checkpoint")
        for role in SIGNERS
    ],
]

MARIADB_DOWN: list[str] = [
    "DROP VIEW IF EXISTS `audit_checkpoints`, `signing_keys`",
    "DROP PROCEDURE IF EXISTS `kw_add_checkpoint`",
    "DROP PROCEDURE IF EXISTS `kw_register_signing_key`",
]


def apply(connection: sa.Connection, statements: list[str]) -> None:
    """Run one dialect's statements with the placeholders filled in (idempotent)."""
    dialect = connection.dialect.name
    database = connection.engine.url.database or ""
    run = connection.exec_driver_sql
    if dialect == "postgresql":
        schema = connection.exec_driver_sql("SELECT current_schema()").scalar_one()
        fill = {"{schema}": f'"{schema}"', "{db}": database}
        for statement in statements:
            # The driver reads % as a parameter marker: double it for format()'s %s.
            run(_filled(statement, fill).replace("%", "%%"))
        return
    from app.data.server.mariadb import charset_clause

    collation = str(
        connection.exec_driver_sql(
            "SELECT TABLE_COLLATION FROM information_schema.TABLES"
            " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users_data'"
        ).scalar_one()
    )
    fill = {
        "{cs}": charset_clause(collation),
        "{collation}": collation,
        "{db_q}": f"`{database}`",
        "{db}": database.lower(),
    }
    mode = connection.exec_driver_sql("SELECT @@SESSION.sql_mode").scalar_one()
    # Routines keep the sql_mode they were created under: strict, whatever the session's.
    run(
        "SET SESSION sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,"
        "NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION'"
    )
    try:
        for statement in statements:
            run(_filled(statement, fill).replace("%", "%%"))
    finally:
        connection.execute(sa.text("SET SESSION sql_mode = :mode"), {"mode": mode})


def _filled(statement: str, fill: dict[str, str]) -> str:
    for placeholder, value in fill.items():
        statement = statement.replace(placeholder, value)
    return statement.strip()
