"""The server side of access reviews: three definer routines, their grants, and reads.

* ``kw_start_review`` (admins): records the review and one item per key in its scope — every
  key not revoked, or one owner's, or those a search finds — and the ``review.started`` event.
* ``kw_answer_review`` (the key's owner, or an admin for a key whose owner cannot answer):
  records keep or revoke with an optional note and the ``review.answered`` event; "revoke"
  revokes the key in the same transaction. One answer per key; a closed review takes none.
* ``kw_close_review`` (admins): closes it and records the ``review.closed`` event with the
  tally. Acting on the unanswered keys (disable, by default) is a bulk change before it,
  through the ordinary key routines, so each key gets its own event.

Reading: every Keyward person reads the reviews; auditors, managers and admins read every
item, members the items of their own keys. Nothing is granted to PUBLIC and no role may
INSERT, UPDATE or DELETE either table. Placeholders as in :mod:`checkpoints_sql`.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.data.server import checkpoints_sql

PEOPLE = ("auditor", "member", "manager", "admin")
READ_ALL = ("auditor", "manager", "admin")
ANSWERERS = ("member", "manager", "admin")

# ------------------------------------------------------------------------------- PostgreSQL

_PG_START = r"""
CREATE OR REPLACE FUNCTION kw_start_review(
  p_as text, p_now timestamp, p_host text, p_title text, p_instructions text,
  p_due_at timestamp, p_owner text, p_search text)
RETURNS TABLE (id integer, keys integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_caller users;
  v_now timestamp := kw_now(p_now);
  v_owner_id integer;
  v_pattern text;
  v_id integer;
  v_count integer;
BEGIN
  PERFORM kw_lock_head();
  v_caller := kw_caller(p_as);
  IF v_caller.role <> 'admin' THEN
    PERFORM kw_raise('denied', format('Your role (%s) does not allow you to start access '
                     'reviews; ask a Keyward admin.', initcap(v_caller.role)));
  END IF;
  IF p_title IS NULL OR btrim(p_title) = '' OR length(p_title) > 200 THEN
    PERFORM kw_raise('invalid', 'Give the review a title of up to 200 characters.');
  END IF;
  IF length(coalesce(p_instructions, '')) > 2000 THEN
    PERFORM kw_raise('invalid', 'Keep the instructions to 2000 characters or fewer.');
  END IF;
  IF p_due_at IS NULL OR p_due_at <= v_now THEN
    PERFORM kw_raise('invalid', 'The due date must be in the future.');
  END IF;
  IF p_owner IS NOT NULL THEN
    SELECT u.id INTO v_owner_id FROM users u WHERE u.login = p_owner;
    IF v_owner_id IS NULL THEN
      PERFORM kw_raise('notfound', format('There is no Keyward user "%s".', left(p_owner, 64)));
    END IF;
  END IF;
  IF p_search IS NOT NULL AND btrim(p_search) <> '' THEN
    v_pattern := '%' || replace(replace(replace(lower(p_search), '\', '\\'), '%', '\%'),
                                '_', '\_') || '%';
  END IF;
  INSERT INTO reviews (title, instructions, scope_owner, scope_search, due_at, started_by,
                       started_at, status)
  VALUES (btrim(p_title), coalesce(p_instructions, ''), p_owner, p_search, p_due_at,
          v_caller.login, v_now, 'open')
  RETURNING reviews.id INTO v_id;
  INSERT INTO review_items (review_id, key_id, key_name, owner_id, owner_login)
  SELECT v_id, k.key_id, k.name, k.owner_id, u.login
    FROM api_keys k JOIN users u ON u.id = k.owner_id
   WHERE k.state <> 'revoked'
     AND (v_owner_id IS NULL OR k.owner_id = v_owner_id)
     AND (v_pattern IS NULL OR lower(k.name) LIKE v_pattern
          OR lower(k.description) LIKE v_pattern OR lower(k.key_id) LIKE v_pattern
          OR lower(k.owner_name) LIKE v_pattern);
  GET DIAGNOSTICS v_count = ROW_COUNT;
  IF v_count = 0 THEN
    PERFORM kw_raise('invalid', 'No key that is not revoked is in that scope; nothing to review.');
  END IF;
  PERFORM kw_append_event(v_caller.login, v_now, 'review.started', 'review', v_id::text, NULL,
    jsonb_build_object('title', btrim(p_title), 'instructions', coalesce(p_instructions, ''),
                       'due_at', kw_iso(p_due_at), 'owner', p_owner, 'search', p_search,
                       'keys', v_count)::text,
    NULL, p_host);
  RETURN QUERY SELECT v_id, v_count;
END $$
"""

_PG_ANSWER = r"""
CREATE OR REPLACE FUNCTION kw_answer_review(
  p_as text, p_now timestamp, p_host text, p_review_id integer, p_key_id text,
  p_answer text, p_note text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_caller users;
  v_now timestamp := kw_now(p_now);
  v_status text;
  v_item review_items;
  v_key api_keys;
BEGIN
  PERFORM kw_lock_head();
  v_caller := kw_caller(p_as);
  SELECT r.status INTO v_status FROM reviews r WHERE r.id = p_review_id FOR UPDATE;
  IF v_status IS NULL THEN
    PERFORM kw_raise('notfound', format('There is no access review #%s.', p_review_id));
  END IF;
  IF v_status <> 'open' THEN
    PERFORM kw_raise('invalid', format('Access review #%s is closed; it takes no more answers.',
                     p_review_id));
  END IF;
  SELECT * INTO v_item FROM review_items i
   WHERE i.review_id = p_review_id AND i.key_id = p_key_id FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM kw_raise('notfound', format('Key %s is not in access review #%s.',
                     left(coalesce(p_key_id, ''), 16), p_review_id));
  END IF;
  IF v_item.owner_id <> v_caller.id AND v_caller.role <> 'admin' THEN
    PERFORM kw_raise('denied', format('Only the owner of "%s" answers for it in an access '
                     'review.', v_item.key_name));
  END IF;
  IF p_answer IS NULL OR p_answer NOT IN ('keep', 'revoke') THEN
    PERFORM kw_raise('invalid', 'Answer keep or revoke.');
  END IF;
  IF length(coalesce(p_note, '')) > 500 THEN
    PERFORM kw_raise('invalid', 'Keep the note to 500 characters or fewer.');
  END IF;
  IF v_item.answer IS NOT NULL THEN
    PERFORM kw_raise('invalid', format('"%s" was already answered (%s) by %s.',
                     v_item.key_name, v_item.answer, v_item.answered_by));
  END IF;
  UPDATE review_items SET answer = p_answer, note = nullif(btrim(coalesce(p_note, '')), ''),
         answered_by = v_caller.login, answered_at = v_now
   WHERE review_id = p_review_id AND key_id = p_key_id;
  PERFORM kw_append_event(v_caller.login, v_now, 'review.answered', 'review',
    p_review_id::text, NULL,
    jsonb_build_object('key', p_key_id, 'name', v_item.key_name, 'answer', p_answer,
                       'note', nullif(btrim(coalesce(p_note, '')), ''))::text,
    NULL, p_host);
  IF p_answer = 'revoke' THEN
    SELECT * INTO v_key FROM api_keys k WHERE k.key_id = p_key_id FOR UPDATE;
    IF FOUND AND v_key.state <> 'revoked' THEN
      PERFORM kw_revoke_row(v_key, v_caller.login, v_now,
                            format('access review #%s: answered revoke', p_review_id), p_host);
    END IF;
  END IF;
END $$
"""

_PG_CLOSE = r"""
CREATE OR REPLACE FUNCTION kw_close_review(
  p_as text, p_now timestamp, p_host text, p_review_id integer)
RETURNS TABLE (kept integer, revoked integer, unanswered integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_caller users;
  v_now timestamp := kw_now(p_now);
  v_status text;
  v_kept integer;
  v_revoked integer;
  v_open integer;
BEGIN
  PERFORM kw_lock_head();
  v_caller := kw_caller(p_as);
  IF v_caller.role <> 'admin' THEN
    PERFORM kw_raise('denied', format('Your role (%s) does not allow you to close access '
                     'reviews; ask a Keyward admin.', initcap(v_caller.role)));
  END IF;
  SELECT r.status INTO v_status FROM reviews r WHERE r.id = p_review_id FOR UPDATE;
  IF v_status IS NULL THEN
    PERFORM kw_raise('notfound', format('There is no access review #%s.', p_review_id));
  END IF;
  IF v_status <> 'open' THEN
    PERFORM kw_raise('invalid', format('Access review #%s is already closed.', p_review_id));
  END IF;
  SELECT count(*) FILTER (WHERE i.answer = 'keep'), count(*) FILTER (WHERE i.answer = 'revoke'),
         count(*) FILTER (WHERE i.answer IS NULL)
    INTO v_kept, v_revoked, v_open FROM review_items i WHERE i.review_id = p_review_id;
  UPDATE reviews SET status = 'closed', closed_by = v_caller.login, closed_at = v_now
   WHERE reviews.id = p_review_id;
  PERFORM kw_append_event(v_caller.login, v_now, 'review.closed', 'review', p_review_id::text,
    NULL, jsonb_build_object('kept', v_kept, 'revoked', v_revoked, 'unanswered', v_open)::text,
    NULL, p_host);
  RETURN QUERY SELECT v_kept, v_revoked, v_open;
END $$
"""

_PG_START_SIGNATURE = "kw_start_review(text, timestamp, text, text, text, timestamp, text, text)"
_PG_ANSWER_SIGNATURE = "kw_answer_review(text, timestamp, text, integer, text, text, text)"
_PG_CLOSE_SIGNATURE = "kw_close_review(text, timestamp, text, integer)"


def _pg_roles(roles: tuple[str, ...]) -> str:
    return ", ".join(f'"{{db}}_{role}"' for role in roles)


POSTGRESQL: list[str] = [
    _PG_START,
    _PG_ANSWER,
    _PG_CLOSE,
    *[
        f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC"
        for signature in (_PG_START_SIGNATURE, _PG_ANSWER_SIGNATURE, _PG_CLOSE_SIGNATURE)
    ],
    f'GRANT EXECUTE ON FUNCTION {_PG_START_SIGNATURE} TO "{{db}}_admin"',
    f'GRANT EXECUTE ON FUNCTION {_PG_CLOSE_SIGNATURE} TO "{{db}}_admin"',
    f"GRANT EXECUTE ON FUNCTION {_PG_ANSWER_SIGNATURE} TO {_pg_roles(ANSWERERS)}",
    "REVOKE ALL ON reviews, review_items FROM PUBLIC",
    "REVOKE ALL ON SEQUENCE reviews_id_seq FROM PUBLIC",
    f"GRANT SELECT ON reviews, review_items TO {_pg_roles(PEOPLE)}",
    "ALTER TABLE reviews ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE review_items ENABLE ROW LEVEL SECURITY",
    "DROP POLICY IF EXISTS kw_read ON reviews",
    "DROP POLICY IF EXISTS kw_read ON review_items",
    "CREATE POLICY kw_read ON reviews FOR SELECT USING ("
    " (SELECT kw_my_role()) IN ('auditor', 'member', 'manager', 'admin'))",
    "CREATE POLICY kw_read ON review_items FOR SELECT USING ("
    " (SELECT kw_my_role()) IN ('auditor', 'manager', 'admin')"
    " OR ((SELECT kw_my_role()) = 'member' AND owner_id = (SELECT kw_my_user_id())))",
]

POSTGRESQL_DOWN: list[str] = [
    f"DROP FUNCTION IF EXISTS {_PG_CLOSE_SIGNATURE}",
    f"DROP FUNCTION IF EXISTS {_PG_ANSWER_SIGNATURE}",
    f"DROP FUNCTION IF EXISTS {_PG_START_SIGNATURE}",
]

# ------------------------------------------------------------------------------- MariaDB
# Base tables ``reviews_data`` and ``review_items_data`` behind definer views. The frame is
# the one every write procedure has (app.data.server.mariadb: <OWN_TX>, <BEGIN>, <COMMIT>).

_MY_VARS = """
  DECLARE v_own_tx BOOL DEFAULT @@autocommit = 1 AND @@in_transaction = 0;
  DECLARE v_seq INT;
  DECLARE v_id INT;
  DECLARE v_login VARCHAR(64) {cs};
  DECLARE v_role VARCHAR(16) {cs};
  DECLARE v_now DATETIME(6);"""
_MY_BEGIN = """
    DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
    DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END;
    IF v_own_tx THEN START TRANSACTION; END IF;
    SELECT `seq` INTO v_seq FROM `audit_head_data` WHERE `id` = 1 FOR UPDATE;
    CALL `kw_caller`(p_as, p_now, TRUE, v_id, v_login, v_role, v_now);"""
_MY_HEAD = "IN p_as VARCHAR(255) {cs}, IN p_now DATETIME(6), IN p_host TEXT {cs}"


def _my_iso(expression: str) -> str:
    return (
        f"IF(MICROSECOND({expression}) = 0, DATE_FORMAT({expression}, '%Y-%m-%dT%H:%i:%sZ'),"
        f" DATE_FORMAT({expression}, '%Y-%m-%dT%H:%i:%s.%fZ'))"
    )


def _my_admin_only(what: str) -> str:
    return f"""
    IF v_role <> 'admin' THEN
      CALL `kw_raise`('denied', CONCAT('Your role (', UPPER(LEFT(v_role, 1)),
        SUBSTRING(v_role, 2), ') does not allow you to {what} access reviews; ask a Keyward',
        ' admin.'));
    END IF;"""


_MARIADB_START = f"""
CREATE OR REPLACE PROCEDURE `kw_start_review`(
  {_MY_HEAD}, IN p_title VARCHAR(1000) {{cs}}, IN p_instructions TEXT {{cs}},
  IN p_due_at DATETIME(6), IN p_owner VARCHAR(255) {{cs}}, IN p_search VARCHAR(255) {{cs}})
MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  {_MY_VARS}
  DECLARE v_owner_id INT DEFAULT NULL;
  DECLARE v_pattern VARCHAR(1000) {{cs}} DEFAULT NULL;
  DECLARE v_review INT DEFAULT NULL;
  DECLARE v_count INT DEFAULT 0;
  BEGIN
    {_MY_BEGIN}
    {_my_admin_only("start")}
    IF p_title IS NULL OR TRIM(p_title) = '' OR CHAR_LENGTH(p_title) > 200 THEN
      CALL `kw_raise`('invalid', 'Give the review a title of up to 200 characters.');
    END IF;
    IF CHAR_LENGTH(IFNULL(p_instructions, '')) > 2000 THEN
      CALL `kw_raise`('invalid', 'Keep the instructions to 2000 characters or fewer.');
    END IF;
    IF p_due_at IS NULL OR p_due_at <= v_now THEN
      CALL `kw_raise`('invalid', 'The due date must be in the future.');
    END IF;
    IF p_owner IS NOT NULL THEN
      SELECT `id` INTO v_owner_id FROM `users_data`
       WHERE `login` = p_owner AND CAST(`login` AS BINARY) = CAST(p_owner AS BINARY);
      IF v_owner_id IS NULL THEN
        CALL `kw_raise`('notfound', CONCAT('There is no Keyward user "', LEFT(p_owner, 64),
                                           '".'));
      END IF;
    END IF;
    IF p_search IS NOT NULL AND TRIM(p_search) <> '' THEN
      SET v_pattern = CONCAT('%', REPLACE(REPLACE(REPLACE(LOWER(p_search), '|', '||'),
                                                  '%', '|%'), '_', '|_'), '%');
    END IF;
    INSERT INTO `reviews_data` (`title`, `instructions`, `scope_owner`, `scope_search`,
      `due_at`, `started_by`, `started_at`, `status`)
    VALUES (TRIM(p_title), IFNULL(p_instructions, ''), p_owner, p_search, p_due_at, v_login,
      v_now, 'open');
    SET v_review = LAST_INSERT_ID();
    INSERT INTO `review_items_data` (`review_id`, `key_id`, `key_name`, `owner_id`,
      `owner_login`)
    SELECT v_review, k.`key_id`, k.`name`, k.`owner_id`, u.`login`
      FROM `api_keys_data` k JOIN `users_data` u ON u.`id` = k.`owner_id`
     WHERE k.`state` <> 'revoked'
       AND (v_owner_id IS NULL OR k.`owner_id` = v_owner_id)
       AND (v_pattern IS NULL OR LOWER(k.`name`) LIKE v_pattern ESCAPE '|'
            OR LOWER(k.`description`) LIKE v_pattern ESCAPE '|'
            OR LOWER(k.`key_id`) LIKE v_pattern ESCAPE '|'
            OR LOWER(k.`owner_name`) LIKE v_pattern ESCAPE '|');
    SET v_count = ROW_COUNT();
    IF v_count = 0 THEN
      CALL `kw_raise`('invalid',
                      'No key that is not revoked is in that scope; nothing to review.');
    END IF;
    CALL `kw_append_event`(v_login, v_now, 'review.started', 'review', v_review, NULL,
      CONCAT('{{"due_at":', JSON_QUOTE({_my_iso("p_due_at")}),
             ',"instructions":', JSON_QUOTE(IFNULL(p_instructions, '')),
             ',"keys":', v_count,
             ',"owner":', IFNULL(JSON_QUOTE(p_owner), 'null'),
             ',"search":', IFNULL(JSON_QUOTE(p_search), 'null'),
             ',"title":', JSON_QUOTE(TRIM(p_title)), '}}'),
      NULL, p_host);
    IF v_own_tx THEN COMMIT; END IF;
  END;
  SELECT v_review AS `id`, v_count AS `keys`;
END"""  # noqa: S608 - fixed text, no input

_MARIADB_ANSWER = f"""
CREATE OR REPLACE PROCEDURE `kw_answer_review`(
  {_MY_HEAD}, IN p_review_id INT, IN p_key_id VARCHAR(255) {{cs}},
  IN p_answer VARCHAR(255) {{cs}}, IN p_note TEXT {{cs}})
MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  {_MY_VARS}
  DECLARE v_status VARCHAR(16) {{cs}} DEFAULT NULL;
  DECLARE v_found BOOL DEFAULT FALSE;
  DECLARE v_name VARCHAR(100) {{cs}};
  DECLARE v_owner INT;
  DECLARE v_answer VARCHAR(16) {{cs}};
  DECLARE v_answered_by VARCHAR(64) {{cs}};
  DECLARE v_note VARCHAR(500) {{cs}};
  DECLARE v_pk INT DEFAULT NULL;
  DECLARE v_state VARCHAR(16) {{cs}};
  BEGIN
    {_MY_BEGIN}
    SELECT `status` INTO v_status FROM `reviews_data` WHERE `id` = p_review_id FOR UPDATE;
    IF v_status IS NULL THEN
      CALL `kw_raise`('notfound', CONCAT('There is no access review #', IFNULL(p_review_id, '?'),
                                         '.'));
    END IF;
    IF v_status <> 'open' THEN
      CALL `kw_raise`('invalid', CONCAT('Access review #', p_review_id,
                                        ' is closed; it takes no more answers.'));
    END IF;
    SELECT TRUE, `key_name`, `owner_id`, `answer`, `answered_by`
      INTO v_found, v_name, v_owner, v_answer, v_answered_by
      FROM `review_items_data`
     WHERE `review_id` = p_review_id AND CAST(`key_id` AS BINARY) = CAST(p_key_id AS BINARY)
       FOR UPDATE;
    IF NOT v_found THEN
      CALL `kw_raise`('notfound', CONCAT('Key ', LEFT(IFNULL(p_key_id, ''), 16),
                                         ' is not in access review #', p_review_id, '.'));
    END IF;
    IF v_owner <> v_id AND v_role <> 'admin' THEN
      CALL `kw_raise`('denied', CONCAT('Only the owner of "', v_name,
                                       '" answers for it in an access review.'));
    END IF;
    IF p_answer IS NULL OR CAST(p_answer AS BINARY) NOT IN ('keep', 'revoke') THEN
      CALL `kw_raise`('invalid', 'Answer keep or revoke.');
    END IF;
    IF CHAR_LENGTH(IFNULL(p_note, '')) > 500 THEN
      CALL `kw_raise`('invalid', 'Keep the note to 500 characters or fewer.');
    END IF;
    IF v_answer IS NOT NULL THEN
      CALL `kw_raise`('invalid', CONCAT('"', v_name, '" was already answered (', v_answer,
                                        ') by ', v_answered_by, '.'));
    END IF;
    SET v_note = NULLIF(TRIM(IFNULL(p_note, '')), '');
    UPDATE `review_items_data` SET `answer` = p_answer, `note` = v_note,
           `answered_by` = v_login, `answered_at` = v_now
     WHERE `review_id` = p_review_id AND CAST(`key_id` AS BINARY) = CAST(p_key_id AS BINARY);
    CALL `kw_append_event`(v_login, v_now, 'review.answered', 'review', p_review_id, NULL,
      CONCAT('{{"answer":', JSON_QUOTE(p_answer), ',"key":', JSON_QUOTE(p_key_id),
             ',"name":', JSON_QUOTE(v_name), ',"note":', IFNULL(JSON_QUOTE(v_note), 'null'),
             '}}'),
      NULL, p_host);
    IF CAST(p_answer AS BINARY) = 'revoke' THEN
      SELECT `id`, `state` INTO v_pk, v_state FROM `api_keys_data`
       WHERE CAST(`key_id` AS BINARY) = CAST(p_key_id AS BINARY) FOR UPDATE;
      IF v_pk IS NOT NULL AND v_state <> 'revoked' THEN
        CALL `kw_revoke_row`(v_pk, v_login, v_now,
                             CONCAT('access review #', p_review_id, ': answered revoke'),
                             p_host);
      END IF;
    END IF;
    IF v_own_tx THEN COMMIT; END IF;
  END;
END"""  # noqa: S608 - fixed text, no input

_MARIADB_CLOSE = f"""
CREATE OR REPLACE PROCEDURE `kw_close_review`({_MY_HEAD}, IN p_review_id INT)
MODIFIES SQL DATA SQL SECURITY DEFINER
BEGIN
  {_MY_VARS}
  DECLARE v_status VARCHAR(16) {{cs}} DEFAULT NULL;
  DECLARE v_kept INT DEFAULT 0;
  DECLARE v_revoked INT DEFAULT 0;
  DECLARE v_open INT DEFAULT 0;
  BEGIN
    {_MY_BEGIN}
    {_my_admin_only("close")}
    SELECT `status` INTO v_status FROM `reviews_data` WHERE `id` = p_review_id FOR UPDATE;
    IF v_status IS NULL THEN
      CALL `kw_raise`('notfound', CONCAT('There is no access review #', IFNULL(p_review_id, '?'),
                                         '.'));
    END IF;
    IF v_status <> 'open' THEN
      CALL `kw_raise`('invalid', CONCAT('Access review #', p_review_id, ' is already closed.'));
    END IF;
    SELECT IFNULL(SUM(`answer` = 'keep'), 0), IFNULL(SUM(`answer` = 'revoke'), 0),
           IFNULL(SUM(`answer` IS NULL), 0)
      INTO v_kept, v_revoked, v_open
      FROM `review_items_data` WHERE `review_id` = p_review_id;
    UPDATE `reviews_data` SET `status` = 'closed', `closed_by` = v_login, `closed_at` = v_now
     WHERE `id` = p_review_id;
    CALL `kw_append_event`(v_login, v_now, 'review.closed', 'review', p_review_id, NULL,
      CONCAT('{{"kept":', v_kept, ',"revoked":', v_revoked, ',"unanswered":', v_open, '}}'),
      NULL, p_host);
    IF v_own_tx THEN COMMIT; END IF;
  END;
  SELECT v_kept AS `kept`, v_revoked AS `revoked`, v_open AS `unanswered`;
END"""  # noqa: S608 - fixed text, no input

_ME = checkpoints_sql._ME
_IS_OWNER = checkpoints_sql._IS_OWNER

_MARIADB_VIEWS = [
    f"""
CREATE OR REPLACE ALGORITHM=MERGE SQL SECURITY DEFINER VIEW `reviews` AS
SELECT r.`id`, r.`title`, r.`instructions`, r.`scope_owner`, r.`scope_search`, r.`due_at`,
       r.`started_by`, r.`started_at`, r.`status`, r.`closed_by`, r.`closed_at`
  FROM `reviews_data` r LEFT JOIN `users_data` me ON {_ME}
 WHERE {_IS_OWNER} OR me.`role` IN ('auditor', 'member', 'manager', 'admin')""",  # noqa: S608
    f"""
CREATE OR REPLACE ALGORITHM=MERGE SQL SECURITY DEFINER VIEW `review_items` AS
SELECT i.`review_id`, i.`key_id`, i.`key_name`, i.`owner_id`, i.`owner_login`, i.`answer`,
       i.`note`, i.`answered_by`, i.`answered_at`
  FROM `review_items_data` i LEFT JOIN `users_data` me ON {_ME}
 WHERE {_IS_OWNER} OR me.`role` IN ('auditor', 'manager', 'admin')
    OR (me.`role` = 'member' AND i.`owner_id` = me.`id`)""",  # noqa: S608
]

MARIADB: list[str] = [
    "ALTER TABLE `reviews_data` CONVERT TO CHARACTER SET utf8mb4 COLLATE {collation}",
    "ALTER TABLE `review_items_data` CONVERT TO CHARACTER SET utf8mb4 COLLATE {collation}",
    _MARIADB_START,
    _MARIADB_ANSWER,
    _MARIADB_CLOSE,
    *_MARIADB_VIEWS,
    *[
        f"GRANT SELECT ON {{db_q}}.`{view}` TO `{{db}}_{role}`"
        for view in ("reviews", "review_items")
        for role in PEOPLE
    ],
    "GRANT EXECUTE ON PROCEDURE {db_q}.`kw_start_review` TO `{db}_admin`",
    "GRANT EXECUTE ON PROCEDURE {db_q}.`kw_close_review` TO `{db}_admin`",
    *[
        f"GRANT EXECUTE ON PROCEDURE {{db_q}}.`kw_answer_review` TO `{{db}}_{role}`"
        for role in ANSWERERS
    ],
]

MARIADB_DOWN: list[str] = [
    "DROP VIEW IF EXISTS `review_items`, `reviews`",
    "DROP PROCEDURE IF EXISTS `kw_close_review`",
    "DROP PROCEDURE IF EXISTS `kw_answer_review`",
    "DROP PROCEDURE IF EXISTS `kw_start_review`",
]


def apply(connection: sa.Connection, statements: list[str]) -> None:
    """Run one dialect's statements with the placeholders filled in (idempotent)."""
    checkpoints_sql.apply(connection, statements)
