"""PostgreSQL enforces Keyward's roles itself (DESIGN §3, §6).

Run by the login that owns the schema (``keyward db upgrade``), :func:`apply` makes

* one group role per Keyward role, named ``<database>_<role>`` because roles are global to
  the cluster; nothing on the database, its schema or its functions stays granted to PUBLIC;
* no direct INSERT, UPDATE or DELETE for any of them: every change is a call to a
  ``SECURITY DEFINER`` function with a pinned ``search_path`` that runs with the owner's
  rights, identifies the caller by ``session_user`` (``SET ROLE`` cannot change it), applies
  the same role rules and state transitions as ``app.services``, and appends the audit
  event, its hash and the new chain head in the same transaction;
* reads that follow the roles: row-level security on every table (members see their own keys,
  their events — including those of keys they owned before a deletion or a move to another
  owner, by the ``owner`` of the event's snapshots — and their own ``users`` row; the
  verifier sees no key at all), and column privileges that leave ``secret_hash`` to the
  verification function alone.

Small helpers (``kw_iso``, ``kw_field``, ``kw_key_json`` …) are plain SQL functions without a
``SET`` clause, so PostgreSQL inlines them into the definer routine that calls them and runs
them with its pinned ``search_path``; nobody but the owner may execute them directly.

Inside a definer function ``current_user`` is the owner, so ``session_user = current_user``
means the owner itself is calling. The owner can rewrite every table anyway (that is what
signed checkpoints are for), so only the owner may act for another Keyward user or supply the
time (``p_as``/``p_now``), which admin scripts and the test-suite use; anyone else is the
login they authenticated as, at the server's clock.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.data.search_schema import PG_AUDIT_EXPRESSION, PG_SEARCH_EXPRESSION

ROLES = ("auditor", "member", "manager", "admin", "verifier")

# {schema} and {db} are filled in by apply(); SQL bodies use $$ quoting, so no other braces.
_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION kw_raise(p_kind text, p_message text) RETURNS void
LANGUAGE plpgsql SET search_path = {schema}, pg_temp AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'KW001', MESSAGE = p_kind || ': ' || p_message;
END $$;

CREATE OR REPLACE FUNCTION kw_is_owner() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT session_user = current_user
$$;

CREATE OR REPLACE FUNCTION kw_now(p_now timestamp) RETURNS timestamp
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN session_user = current_user AND p_now IS NOT NULL THEN p_now
              ELSE (clock_timestamp() AT TIME ZONE 'UTC')::timestamp END
$$;

CREATE OR REPLACE FUNCTION kw_iso(ts timestamp) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN ts IS NULL THEN NULL
    WHEN date_part('microseconds', ts)::bigint % 1000000 = 0
      THEN to_char(ts, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
    ELSE to_char(ts, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
  END
$$;

CREATE OR REPLACE FUNCTION kw_field(t text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN t IS NULL THEN '-' ELSE octet_length(t)::text || ':' || t END
$$;

CREATE OR REPLACE FUNCTION kw_append_event(
  p_actor text, p_now timestamp, p_action text, p_target_type text, p_target_id text,
  p_before text, p_after text, p_reason text, p_host text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_head record;
  v_seq integer;
  v_at text := kw_iso(p_now);
  v_host text := left(coalesce(p_host, ''), 255);
  v_hash text;
BEGIN
  SELECT seq, hash INTO v_head FROM audit_head WHERE id = 1 FOR UPDATE;
  v_seq := v_head.seq + 1;
  v_hash := encode(sha256(convert_to(concat_ws(E'\n',
      'keyward-audit-2', v_seq::text, kw_field(v_at), kw_field(p_actor), kw_field(p_action),
      kw_field(p_target_type), kw_field(p_target_id), kw_field(p_before), kw_field(p_after),
      kw_field(p_reason), kw_field(v_host), v_head.hash), 'UTF8')), 'hex');
  INSERT INTO audit_events (seq, occurred_at, actor, action, target_type, target_id, before,
                            after, reason, host, prev_hash, hash)
  VALUES (v_seq, v_at, p_actor, p_action, p_target_type, p_target_id, p_before, p_after,
          p_reason, v_host, v_head.hash, v_hash);
  UPDATE audit_head SET seq = v_seq, hash = v_hash WHERE id = 1;
END $$;

CREATE OR REPLACE FUNCTION kw_caller(p_as text) RETURNS users
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_login text := CASE WHEN session_user = current_user AND p_as IS NOT NULL
                       THEN p_as ELSE session_user END;
  v_user users;
BEGIN
  SELECT * INTO v_user FROM users WHERE login = v_login;
  IF NOT FOUND THEN
    PERFORM kw_raise('unknown', format('The login "%s" is not a Keyward user; ask a Keyward '
                     'admin to add you with `keyward users add`.', v_login));
  END IF;
  IF NOT v_user.active THEN
    PERFORM kw_raise('unknown', format('The Keyward user "%s" is deactivated; ask a Keyward '
                     'admin to reactivate you.', v_login));
  END IF;
  RETURN v_user;
END $$;

CREATE OR REPLACE FUNCTION kw_my_user_id() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT id FROM users WHERE login = session_user::text AND active
$$;

CREATE OR REPLACE FUNCTION kw_my_role() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT role FROM users WHERE login = session_user::text AND active
$$;

-- One field of a snapshot (the before/after text of an event) as text, or NULL when the
-- text is not a JSON object with it. It never raises: a member's read of the trail (the
-- "owner"), or anyone's search in it (the "name"), must not fail because the owner (or a
-- superuser) wrote text that is not JSON into one row.
-- plpgsql, for the handler; PostgreSQL 15 has no test for valid JSON that cannot raise. The
-- handler is a subtransaction, which a parallel query may not start: PARALLEL UNSAFE (the
-- default, as for kw_my_role(), which the same policies call anyway).
CREATE OR REPLACE FUNCTION kw_snapshot_field(p_snapshot text, p_field text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL UNSAFE AS $$
BEGIN
  RETURN p_snapshot::jsonb ->> p_field;
EXCEPTION WHEN others THEN
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION kw_db_role(p_role text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = {schema}, pg_temp AS $$
  SELECT {db_literal} || '_' || p_role
$$;

CREATE OR REPLACE FUNCTION kw_roles() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['auditor', 'member', 'manager', 'admin', 'verifier']
$$;

CREATE OR REPLACE FUNCTION kw_check_role(p_role text) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF p_role IS NULL OR NOT p_role = ANY (kw_roles()) THEN
    PERFORM kw_raise('invalid', format('Unknown role "%s".', left(p_role, 20)));
  END IF;
END $$;

-- The login holds exactly this Keyward database role (NULL: none); false when there is no
-- such login to hold it (the DBA creates logins) or it is the owner or a superuser.
CREATE OR REPLACE FUNCTION kw_give_role(p_login text, p_role text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_role text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login AND rolcanlogin
                 AND NOT rolsuper) OR p_login = current_user THEN
    RETURN false;
  END IF;
  FOREACH v_role IN ARRAY kw_roles() LOOP
    IF v_role IS DISTINCT FROM p_role THEN
      EXECUTE format('REVOKE %I FROM %I', kw_db_role(v_role), p_login);
    END IF;
  END LOOP;
  IF p_role IS NOT NULL THEN
    EXECUTE format('GRANT %I TO %I', kw_db_role(p_role), p_login);
  END IF;
  RETURN true;
END $$;

CREATE OR REPLACE FUNCTION kw_key_json(p_key api_keys) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', p_key.key_id, 'name', p_key.name, 'description', p_key.description,
    'owner', (SELECT login FROM users WHERE id = p_key.owner_id),
    'environment', p_key.environment, 'state', p_key.state, 'masked', p_key.masked,
    'expires_at', kw_iso(p_key.expires_at), 'revoked_at', kw_iso(p_key.revoked_at),
    'revoked_reason', p_key.revoked_reason, 'version', p_key.version)::text
$$;

CREATE OR REPLACE FUNCTION kw_user_json(p_user users) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('login', p_user.login, 'name', p_user.display_name,
    'email', p_user.email, 'role', p_user.role, 'active', p_user.active)::text
$$;

CREATE OR REPLACE FUNCTION kw_lock_head() RETURNS void
LANGUAGE sql AS $$
  SELECT 1 FROM audit_head WHERE id = 1 FOR UPDATE
$$;

CREATE OR REPLACE FUNCTION kw_revoke_row(
  p_key api_keys, p_actor text, p_now timestamp, p_reason text, p_host text) RETURNS api_keys
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_before text := kw_key_json(p_key);
  v_key api_keys;
BEGIN
  UPDATE api_keys SET state = 'revoked', revoked_at = p_now, revoked_reason = p_reason,
         updated_at = p_now, updated_by = p_actor, version = version + 1
   WHERE id = p_key.id RETURNING * INTO v_key;
  PERFORM kw_append_event(p_actor, p_now, 'key.revoked', 'key', v_key.key_id, v_before,
                          kw_key_json(v_key), p_reason, p_host);
  RETURN v_key;
END $$;

CREATE OR REPLACE FUNCTION kw_bootstrap(p_as text, p_now timestamp, p_host text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_login text := coalesce(p_as, session_user);
  v_now timestamp := kw_now(p_now);
  v_user users;
BEGIN
  IF session_user <> current_user THEN
    PERFORM kw_raise('denied', 'Only the owner of the schema starts an empty database.');
  END IF;
  PERFORM kw_lock_head();
  IF EXISTS (SELECT 1 FROM users) THEN
    RETURN;
  END IF;
  INSERT INTO users (login, display_name, email, role, active, created_at)
  VALUES (v_login, v_login, NULL, 'admin', true, v_now) RETURNING * INTO v_user;
  PERFORM kw_append_event(v_login, v_now, 'user.added', 'user', v_login, NULL,
                          kw_user_json(v_user), 'first operator of an empty database', p_host);
  PERFORM kw_give_role(v_login, 'admin');
END $$;

CREATE OR REPLACE FUNCTION kw_require_admin(p_as text) RETURNS users
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_caller users := kw_caller(p_as);
BEGIN
  IF v_caller.role <> 'admin' THEN
    PERFORM kw_raise('denied', format('Your role (%s) does not allow you to manage users or '
                     'the key policy; ask a Keyward admin.', initcap(v_caller.role)));
  END IF;
  RETURN v_caller;
END $$;

CREATE OR REPLACE FUNCTION kw_find_user(p_login text) RETURNS users
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_user users;
BEGIN
  SELECT * INTO v_user FROM users WHERE login = p_login FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM kw_raise('notfound', format('There is no Keyward user "%s".', left(p_login, 64)));
  END IF;
  RETURN v_user;
END $$;

CREATE OR REPLACE FUNCTION kw_keep_an_admin(p_user users) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF p_user.role = 'admin' AND NOT EXISTS (
      SELECT 1 FROM users WHERE role = 'admin' AND active AND id <> p_user.id) THEN
    PERFORM kw_raise('invalid', format('%s is the last admin; make someone else admin first.',
                     p_user.login));
  END IF;
END $$;

CREATE OR REPLACE FUNCTION kw_add_user(
  p_as text, p_now timestamp, p_host text, p_login text, p_name text, p_email text,
  p_role text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_caller users;
  v_now timestamp := kw_now(p_now);
  v_user users;
BEGIN
  PERFORM kw_lock_head();
  v_caller := kw_require_admin(p_as);
  PERFORM kw_check_role(p_role);
  IF EXISTS (SELECT 1 FROM users WHERE login = p_login) THEN
    PERFORM kw_raise('invalid', format('"%s" is already a Keyward user.', p_login));
  END IF;
  INSERT INTO users (login, display_name, email, role, active, created_at)
  VALUES (p_login, coalesce(p_name, p_login), p_email, p_role, true, v_now)
  RETURNING * INTO v_user;
  PERFORM kw_append_event(v_caller.login, v_now, 'user.added', 'user', p_login, NULL,
                          kw_user_json(v_user), NULL, p_host);
  RETURN kw_give_role(p_login, p_role);
END $$;

CREATE OR REPLACE FUNCTION kw_set_role(
  p_as text, p_now timestamp, p_host text, p_login text, p_role text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_caller users;
  v_now timestamp := kw_now(p_now);
  v_user users;
  v_before text;
BEGIN
  PERFORM kw_lock_head();
  v_caller := kw_require_admin(p_as);
  PERFORM kw_check_role(p_role);
  v_user := kw_find_user(p_login);
  IF v_user.role = p_role THEN
    -- Nothing to record; (re)grant the role, for a login the DBA created after `users add`.
    IF v_user.active THEN
      PERFORM kw_give_role(v_user.login, p_role);
    END IF;
    RETURN;
  END IF;
  PERFORM kw_keep_an_admin(v_user);
  v_before := kw_user_json(v_user);
  UPDATE users SET role = p_role WHERE id = v_user.id RETURNING * INTO v_user;
  PERFORM kw_append_event(v_caller.login, v_now, 'user.role_changed', 'user', v_user.login,
                          v_before, kw_user_json(v_user), NULL, p_host);
  IF v_user.active THEN
    PERFORM kw_give_role(v_user.login, p_role);
  END IF;
END $$;

CREATE OR REPLACE FUNCTION kw_set_active(
  p_as text, p_now timestamp, p_host text, p_login text, p_active boolean) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
  RETURN kw_set_user_active(p_as, p_now, p_host, p_login, p_active, NULL);
END $$;

-- p_reason (deactivation only) is recorded on the event and on every key it revokes.
CREATE OR REPLACE FUNCTION kw_set_user_active(
  p_as text, p_now timestamp, p_host text, p_login text, p_active boolean, p_reason text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_caller users;
  v_now timestamp := kw_now(p_now);
  v_user users;
  v_before text;
  v_key api_keys;
  v_revoked integer := 0;
  v_reason text := nullif(btrim(left(p_reason, 500)), '');
BEGIN
  PERFORM kw_lock_head();
  v_caller := kw_require_admin(p_as);
  v_user := kw_find_user(p_login);
  v_before := kw_user_json(v_user);
  IF p_active THEN
    IF v_user.active THEN
      PERFORM kw_raise('invalid', format('%s is already active.', v_user.login));
    END IF;
    UPDATE users SET active = true, deactivated_at = NULL WHERE id = v_user.id
    RETURNING * INTO v_user;
    PERFORM kw_append_event(v_caller.login, v_now, 'user.reactivated', 'user', v_user.login,
                            v_before, kw_user_json(v_user), NULL, p_host);
    PERFORM kw_give_role(v_user.login, v_user.role);
    RETURN 0;
  END IF;
  IF NOT v_user.active THEN
    PERFORM kw_raise('invalid', format('%s is already deactivated.', v_user.login));
  END IF;
  PERFORM kw_keep_an_admin(v_user);
  UPDATE users SET active = false, deactivated_at = v_now WHERE id = v_user.id
  RETURNING * INTO v_user;
  FOR v_key IN SELECT * FROM api_keys WHERE owner_id = v_user.id AND state <> 'revoked'
               ORDER BY id FOR UPDATE LOOP
    PERFORM kw_revoke_row(v_key, v_caller.login, v_now,
                          left('owner deactivated' || coalesce(': ' || v_reason, ''), 500),
                          p_host);
    v_revoked := v_revoked + 1;
  END LOOP;
  PERFORM kw_append_event(v_caller.login, v_now, 'user.deactivated', 'user', v_user.login,
      v_before, kw_user_json(v_user),
      left(CASE WHEN v_reason IS NULL THEN '' ELSE v_reason || ' (' END
           || v_revoked || ' key' || CASE WHEN v_revoked = 1 THEN '' ELSE 's' END || ' revoked'
           || CASE WHEN v_reason IS NULL THEN '' ELSE ')' END, 500), p_host);
  PERFORM kw_give_role(v_user.login, NULL);
  RETURN v_revoked;
END $$;

CREATE OR REPLACE FUNCTION kw_setting(p_name text) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT value FROM settings WHERE name = p_name
$$;

CREATE OR REPLACE FUNCTION kw_check_unique_name(
  p_owner users, p_name text, p_except integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_clash text;
BEGIN
  SELECT key_id INTO v_clash FROM api_keys
   WHERE owner_id = p_owner.id AND state <> 'revoked' AND lower(name) = lower(p_name)
     AND id IS DISTINCT FROM p_except LIMIT 1;
  IF v_clash IS NOT NULL THEN
    PERFORM kw_raise('invalid', format('%s already has a key named "%s" (%s); choose another '
                     'name or revoke that key first.', p_owner.display_name, p_name, v_clash));
  END IF;
END $$;

-- The latest expires_at a new key may have under the policy's maximum lifetime (NULL: none):
-- any day up to now + N days, until the end of that day.
CREATE OR REPLACE FUNCTION kw_latest_expiry(p_now timestamp) RETURNS timestamp
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_days integer := kw_setting('max_lifetime_days')::integer;
BEGIN
  IF v_days IS NULL THEN
    RETURN NULL;
  END IF;
  RETURN date_trunc('day', p_now + make_interval(days => v_days)) + interval '1 day';
END $$;

CREATE OR REPLACE FUNCTION kw_check_lifetime(p_now timestamp, p_expires_at timestamp)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_latest timestamp := kw_latest_expiry(p_now);
BEGIN
  IF v_latest IS NOT NULL AND (p_expires_at IS NULL OR p_expires_at > v_latest) THEN
    PERFORM kw_raise('invalid', format('The policy limits keys to %s days; pick an expiry date '
                     'up to %s.', kw_setting('max_lifetime_days'),
                     to_char(v_latest - interval '1 day', 'YYYY-MM-DD')));
  END IF;
END $$;

-- p_replaces names the key the new one takes the place of: a key that is not revoked is
-- rotated (same owner; it does not count against the limit; it is revoked at once, or with
-- p_grace_seconds expires when they end), a revoked one is replaced (any owner the caller may
-- create for). Either way the caller must be allowed to change the old key.
CREATE OR REPLACE FUNCTION kw_create_key(
  p_as text, p_now timestamp, p_host text, p_key_id text, p_prefix text,
  p_environment text, p_name text, p_description text, p_owner text, p_masked text,
  p_secret_hash text, p_expires_at timestamp, p_revoke_oldest boolean, p_replaces text,
  p_grace_seconds integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_caller users;
  v_now timestamp := kw_now(p_now);
  v_owner users;
  v_limit integer;
  v_active bigint;
  v_excess bigint;
  v_victim api_keys;
  v_names text;
  v_old api_keys;
  v_rotation boolean := false;
  v_successor text;
  v_reason text;
  v_deadline timestamp;
  v_before text;
  v_key api_keys;
BEGIN
  PERFORM kw_lock_head();
  v_caller := kw_caller(p_as);
  IF v_caller.role NOT IN ('member', 'manager', 'admin') THEN
    PERFORM kw_raise('denied', format('Your role (%s) does not allow you to create keys; ask '
                     'a Keyward admin to change your role.', initcap(v_caller.role)));
  END IF;
  v_owner := kw_find_user(coalesce(p_owner, v_caller.login));
  IF v_owner.id <> v_caller.id AND v_caller.role = 'member' THEN
    PERFORM kw_raise('denied', 'Your role (Member) does not allow you to create keys for '
                     'other people; ask a Keyward admin to change your role.');
  END IF;
  IF NOT v_owner.active THEN
    PERFORM kw_raise('invalid', format('%s is deactivated and cannot own new keys.',
                     v_owner.display_name));
  END IF;
  IF p_prefix IS DISTINCT FROM coalesce(kw_setting('token_prefix'), 'kw') THEN
    PERFORM kw_raise('invalid', 'The token prefix is not this database''s.');
  END IF;
  IF NOT p_environment = ANY (string_to_array(coalesce(kw_setting('environments'),
                                                       'live,test'), ',')) THEN
    PERFORM kw_raise('invalid', format('"%s" is not an environment of this database.',
                     left(p_environment, 20)));
  END IF;
  IF p_replaces IS NOT NULL THEN
    v_old := kw_managed_key(v_caller, p_replaces);
    v_rotation := v_old.state <> 'revoked';
    SELECT key_id INTO v_successor FROM api_keys WHERE replaces_key_id = v_old.key_id
     ORDER BY created_at DESC, id DESC LIMIT 1;
    IF v_rotation THEN
      IF v_successor IS NOT NULL THEN
        PERFORM kw_raise('invalid', format('"%s" was already rotated to %s.', v_old.name,
                         v_successor));
      END IF;
      IF v_old.owner_id <> v_owner.id THEN
        PERFORM kw_raise('invalid', 'A rotated key keeps its owner.');
      END IF;
      IF p_grace_seconds IS NOT NULL AND p_grace_seconds > 365 * 86400 THEN
        PERFORM kw_raise('invalid', 'A grace period is at most 365 days.');
      END IF;
      v_reason := 'rotation of ' || v_old.key_id;
    ELSE
      v_reason := 'replacement of ' || v_old.key_id;
    END IF;
  END IF;
  -- A rotated key keeps the old one's name (which the old key holds until it ends).
  IF NOT v_rotation THEN
    PERFORM kw_check_unique_name(v_owner, p_name, NULL);
  ELSIF p_name IS DISTINCT FROM v_old.name THEN
    PERFORM kw_raise('invalid', 'A rotated key keeps its name.');
  END IF;
  PERFORM kw_check_lifetime(v_now, p_expires_at);
  v_limit := kw_setting('max_active_keys_per_user')::integer;
  IF v_limit IS NOT NULL THEN
    SELECT count(*) INTO v_active FROM api_keys
     WHERE owner_id = v_owner.id AND state = 'active'
       AND (expires_at IS NULL OR expires_at > v_now)
       AND (NOT v_rotation OR id <> v_old.id);
    v_excess := v_active + 1 - v_limit;
    IF v_excess > 0 THEN
      IF NOT coalesce(p_revoke_oldest, false) THEN
        SELECT string_agg(format('"%s" (%s)', name, key_id), ', ' ORDER BY created_at, id)
          INTO v_names
          FROM (SELECT name, key_id, created_at, id FROM api_keys
                 WHERE owner_id = v_owner.id AND state = 'active'
                   AND (expires_at IS NULL OR expires_at > v_now)
                   AND (NOT v_rotation OR id <> v_old.id)
                 ORDER BY created_at, id LIMIT v_excess) AS victims;
        PERFORM kw_raise('limit', format('%s already has %s active key%s (the limit is %s); '
                         'creating this key will revoke %s, %s.', v_owner.display_name,
                         v_active, CASE WHEN v_active = 1 THEN '' ELSE 's' END, v_limit,
                         CASE WHEN v_excess = 1 THEN 'the oldest'
                              ELSE 'the ' || v_excess || ' oldest' END, v_names));
      END IF;
      FOR v_victim IN SELECT * FROM api_keys
                       WHERE owner_id = v_owner.id AND state = 'active'
                         AND (expires_at IS NULL OR expires_at > v_now)
                         AND (NOT v_rotation OR id <> v_old.id)
                       ORDER BY created_at, id LIMIT v_excess FOR UPDATE LOOP
        PERFORM kw_revoke_row(v_victim, v_caller.login, v_now,
                              'replaced under the active-key limit', p_host);
      END LOOP;
    END IF;
  END IF;
  INSERT INTO api_keys (key_id, prefix, environment, name, description, owner_id, owner_name,
                        masked, secret_hash, state, created_at, created_by, updated_at,
                        updated_by, expires_at, version)
  VALUES (p_key_id, p_prefix, p_environment, p_name, coalesce(p_description, ''), v_owner.id,
          v_owner.display_name, p_masked, p_secret_hash, 'active', v_now, v_caller.login,
          v_now, v_caller.login, p_expires_at, 1)
  RETURNING * INTO v_key;
  IF v_old.id IS NOT NULL THEN
    UPDATE api_keys SET replaces_key_id = v_old.key_id WHERE id = v_key.id;
  END IF;
  PERFORM kw_append_event(v_caller.login, v_now, 'key.created', 'key', v_key.key_id, NULL,
                          kw_key_json(v_key), v_reason, p_host);
  IF v_rotation THEN
    IF p_grace_seconds IS NULL OR p_grace_seconds <= 0 THEN
      PERFORM kw_revoke_row(v_old, v_caller.login, v_now, 'rotated to ' || v_key.key_id,
                            p_host);
    ELSE
      v_deadline := v_now + make_interval(secs => p_grace_seconds);
      IF v_old.expires_at IS NULL OR v_old.expires_at > v_deadline THEN
        v_before := kw_key_json(v_old);
        UPDATE api_keys SET expires_at = v_deadline, updated_at = v_now,
               updated_by = v_caller.login, version = version + 1
         WHERE id = v_old.id RETURNING * INTO v_old;
        PERFORM kw_append_event(v_caller.login, v_now, 'key.expiry_changed', 'key',
                                v_old.key_id, v_before, kw_key_json(v_old),
                                'rotated to ' || v_key.key_id || '; grace period', p_host);
      END IF;
    END IF;
  END IF;
END $$;

CREATE OR REPLACE FUNCTION kw_managed_key(p_caller users, p_key_id text) RETURNS api_keys
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_key api_keys;
BEGIN
  SELECT * INTO v_key FROM api_keys WHERE key_id = p_key_id FOR UPDATE;
  IF NOT FOUND OR (p_caller.role IN ('member', 'verifier') AND v_key.owner_id <> p_caller.id)
  THEN
    PERFORM kw_raise('notfound', format('There is no key with the id "%s".',
                     left(p_key_id, 16)));
  END IF;
  IF p_caller.role NOT IN ('member', 'manager', 'admin') THEN
    PERFORM kw_raise('denied', format('Your role (%s) does not allow you to change other '
                     'people''s keys; ask a Keyward admin to change your role.',
                     initcap(p_caller.role)));
  END IF;
  RETURN v_key;
END $$;

CREATE OR REPLACE FUNCTION kw_update_key(
  p_as text, p_now timestamp, p_host text, p_key_id text, p_expected_version integer,
  p_name text, p_description text, p_state text, p_set_expiry boolean,
  p_expires_at timestamp, p_reason text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_caller users;
  v_now timestamp := kw_now(p_now);
  v_key api_keys;
  v_owner users;
  v_before text;
  v_bump integer := 1;
  v_name text;
  v_description text;
BEGIN
  PERFORM kw_lock_head();
  v_caller := kw_caller(p_as);
  v_key := kw_managed_key(v_caller, p_key_id);
  IF p_expected_version IS NOT NULL AND v_key.version <> p_expected_version THEN
    PERFORM kw_raise('conflict', format('"%s" was changed by %s at %s UTC after you opened '
                     'it; reload first.', v_key.name, v_key.updated_by,
                     to_char(v_key.updated_at, 'YYYY-MM-DD HH24:MI')));
  END IF;
  SELECT * INTO v_owner FROM users WHERE id = v_key.owner_id;
  v_name := coalesce(p_name, v_key.name);
  v_description := coalesce(p_description, v_key.description);
  IF v_name <> v_key.name OR v_description <> v_key.description THEN
    IF v_name <> v_key.name AND v_key.state <> 'revoked' THEN
      PERFORM kw_check_unique_name(v_owner, v_name, v_key.id);
    END IF;
    v_before := kw_key_json(v_key);
    UPDATE api_keys SET name = v_name, description = v_description, updated_at = v_now,
           updated_by = v_caller.login, version = version + v_bump
     WHERE id = v_key.id RETURNING * INTO v_key;
    v_bump := 0;
    PERFORM kw_append_event(v_caller.login, v_now, 'key.edited', 'key', v_key.key_id,
                            v_before, kw_key_json(v_key), NULL, p_host);
  END IF;
  IF coalesce(p_set_expiry, false) AND p_expires_at IS DISTINCT FROM v_key.expires_at THEN
    IF v_key.state = 'revoked' THEN
      PERFORM kw_raise('invalid', format('"%s" is revoked; a revoked key stays revoked.',
                       v_key.name));
    END IF;
    -- Shortening is always allowed; anything else must fit the maximum lifetime.
    IF p_expires_at IS NULL OR v_key.expires_at IS NULL OR p_expires_at > v_key.expires_at
    THEN
      PERFORM kw_check_lifetime(v_now, p_expires_at);
    END IF;
    v_before := kw_key_json(v_key);
    UPDATE api_keys SET expires_at = p_expires_at, updated_at = v_now,
           updated_by = v_caller.login, version = version + v_bump
     WHERE id = v_key.id RETURNING * INTO v_key;
    v_bump := 0;
    PERFORM kw_append_event(v_caller.login, v_now, 'key.expiry_changed', 'key', v_key.key_id,
                            v_before, kw_key_json(v_key), p_reason, p_host);
  END IF;
  IF p_state IS NOT NULL AND p_state <> v_key.state THEN
    IF v_key.state = 'revoked' THEN
      PERFORM kw_raise('invalid', format('"%s" is revoked; a revoked key stays revoked. '
                       'Create a new key.', v_key.name));
    END IF;
    IF p_state NOT IN ('active', 'disabled', 'revoked') THEN
      PERFORM kw_raise('invalid', format('"%s" is not a key state.', left(p_state, 20)));
    END IF;
    v_before := kw_key_json(v_key);
    UPDATE api_keys SET state = p_state,
           revoked_at = CASE WHEN p_state = 'revoked' THEN v_now END,
           revoked_reason = CASE WHEN p_state = 'revoked' THEN p_reason END,
           updated_at = v_now, updated_by = v_caller.login, version = version + v_bump
     WHERE id = v_key.id RETURNING * INTO v_key;
    PERFORM kw_append_event(v_caller.login, v_now,
        CASE p_state WHEN 'active' THEN 'key.enabled' WHEN 'disabled' THEN 'key.disabled'
                     ELSE 'key.revoked' END,
        'key', v_key.key_id, v_before, kw_key_json(v_key), p_reason, p_host);
  END IF;
END $$;

CREATE OR REPLACE FUNCTION kw_delete_key(
  p_as text, p_now timestamp, p_host text, p_key_id text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_caller users;
  v_now timestamp := kw_now(p_now);
  v_key api_keys;
BEGIN
  PERFORM kw_lock_head();
  v_caller := kw_caller(p_as);
  v_key := kw_managed_key(v_caller, p_key_id);
  IF v_key.state <> 'revoked' THEN
    v_key := kw_revoke_row(v_key, v_caller.login, v_now, 'deleted', p_host);
  END IF;
  PERFORM kw_append_event(v_caller.login, v_now, 'key.deleted', 'key', v_key.key_id,
                          kw_key_json(v_key), NULL, NULL, p_host);
  DELETE FROM api_keys WHERE id = v_key.id;
END $$;

CREATE OR REPLACE FUNCTION kw_set_setting(
  p_as text, p_now timestamp, p_host text, p_name text, p_value text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_caller users;
  v_now timestamp := kw_now(p_now);
  v_old text;
  v_label text := CASE p_name WHEN 'max_active_keys_per_user' THEN 'limit'
                              WHEN 'token_prefix' THEN 'prefix'
                              WHEN 'environments' THEN 'environments'
                              WHEN 'max_lifetime_days' THEN 'max_lifetime'
                              WHEN 'stale_after_days' THEN 'stale_after'
                              WHEN 'expiry_warning_days' THEN 'expiry_warnings' END;
BEGIN
  PERFORM kw_lock_head();
  v_caller := kw_require_admin(p_as);
  IF v_label IS NULL THEN
    PERFORM kw_raise('invalid', format('"%s" is not a Keyward setting.', left(p_name, 64)));
  END IF;
  -- The routines read these as numbers: a bad value would stop every create.
  IF p_name IN ('max_active_keys_per_user', 'max_lifetime_days', 'stale_after_days')
     AND p_value IS NOT NULL AND p_value !~ '^[1-9][0-9]{0,6}$' THEN
    PERFORM kw_raise('invalid', format('"%s" is not a whole number of at least 1.',
                     left(p_value, 20)));
  END IF;
  IF p_name IN ('stale_after_days', 'expiry_warning_days', 'token_prefix', 'environments')
     AND p_value IS NULL THEN
    PERFORM kw_raise('invalid', format('%s needs a value.', p_name));
  END IF;
  IF p_name = 'expiry_warning_days' AND p_value !~ '^[1-9][0-9]{0,3}(,[1-9][0-9]{0,3}){0,9}$'
  THEN
    PERFORM kw_raise('invalid', 'Expiry warnings are whole numbers of days, e.g. 30,7,1.');
  END IF;
  SELECT value INTO v_old FROM settings WHERE name = p_name FOR UPDATE;
  IF v_old IS NOT DISTINCT FROM p_value THEN
    RETURN;
  END IF;
  IF p_value IS NULL THEN
    DELETE FROM settings WHERE name = p_name;
  ELSE
    INSERT INTO settings (name, value) VALUES (p_name, p_value)
    ON CONFLICT (name) DO UPDATE SET value = excluded.value;
  END IF;
  PERFORM kw_append_event(v_caller.login, v_now, 'policy.changed', 'policy', p_name,
                          jsonb_build_object(v_label, v_old)::text,
                          jsonb_build_object(v_label, p_value)::text, NULL, p_host);
END $$;

CREATE OR REPLACE FUNCTION kw_lookup_key(p_key_id text)
RETURNS TABLE (id integer, prefix text, environment text, name text, state text,
               expires_at timestamp, secret_hash text, owner_login text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
  IF session_user <> current_user THEN
    PERFORM kw_caller(NULL);
  END IF;
  RETURN QUERY
    SELECT k.id, k.prefix::text, k.environment::text, k.name::text, k.state::text,
           k.expires_at, k.secret_hash::text, u.login::text
      FROM api_keys k JOIN users u ON u.id = k.owner_id WHERE k.key_id = p_key_id;
END $$;

CREATE OR REPLACE FUNCTION kw_record_usage(
  p_key_id text, p_used_at timestamp, p_count integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_at timestamp := p_used_at;
  v_pk integer;
BEGIN
  IF session_user <> current_user THEN
    PERFORM kw_caller(NULL);
    v_at := least(p_used_at, (clock_timestamp() AT TIME ZONE 'UTC')::timestamp);
  END IF;
  SELECT k.id INTO v_pk FROM api_keys k WHERE k.key_id = p_key_id;
  IF v_pk IS NULL OR v_at IS NULL THEN
    RETURN;
  END IF;
  UPDATE api_keys SET last_used_at = v_at
   WHERE id = v_pk AND (last_used_at IS NULL OR last_used_at < v_at)
     AND (revoked_at IS NULL OR revoked_at >= v_at);
  IF coalesce(p_count, 0) > 0 THEN
    INSERT INTO daily_usage (key_pk, day, count) VALUES (v_pk, v_at::date, p_count)
    ON CONFLICT (key_pk, day) DO UPDATE SET count = daily_usage.count + excluded.count;
  END IF;
END $$;

CREATE OR REPLACE FUNCTION kw_whoami() RETURNS TABLE (login text, is_owner boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT session_user::text, session_user = current_user
$$;
"""

# Substring search of the keys (app.data.key_queries). Row-level security makes PostgreSQL
# check a table's policy before any condition that is not leakproof, and LIKE is not: a
# login's search could never read the pg_trgm index, only every key it may see, one by one
# (the owner, whom the policies do not bind, was fast). These definer functions read the
# index with the owner's rights and apply api_keys' kw_read rule themselves: every key for
# the owner, a superuser and an active auditor, manager or admin; their own for a member;
# none for anyone else. The pattern is quoted by format(%L) and planned for itself.
_SEARCH_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION kw_sees_every_key() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT session_user = current_user
      OR coalesce((SELECT rolsuper OR rolbypassrls FROM pg_roles
                    WHERE rolname = session_user), false)
      OR coalesce((SELECT role IN ('auditor', 'manager', 'admin') FROM users
                    WHERE login = session_user::text AND active), false)
$$;

CREATE OR REPLACE FUNCTION kw_search_keys(p_pattern text) RETURNS SETOF integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp ROWS 1000 AS $$
BEGIN
  IF kw_sees_every_key() THEN
    RETURN QUERY EXECUTE format('SELECT id FROM api_keys WHERE {expression} LIKE %L', p_pattern);
  ELSIF kw_my_role() = 'member' THEN
    RETURN QUERY SELECT id FROM api_keys
      WHERE owner_id = kw_my_user_id() AND {expression} LIKE p_pattern;
  END IF;
END $$;

-- p_columns (some of name, description, owner_name, key_id) each holding p_pattern, as SQL
-- for ix_api_keys_search_columns: a column outside that list is refused, never quoted in.
CREATE OR REPLACE FUNCTION kw_columns_like(p_pattern text, p_columns text[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_column text;
  v_parts text[] := '{}';
BEGIN
  FOREACH v_column IN ARRAY coalesce(p_columns, '{}') LOOP
    IF v_column IS NULL OR v_column NOT IN ('name', 'description', 'owner_name', 'key_id') THEN
      PERFORM kw_raise('invalid', 'Unknown search column.');
    END IF;
    v_parts := v_parts || format('lower(%I) LIKE %L', v_column, p_pattern);
  END LOOP;
  RETURN coalesce(nullif(array_to_string(v_parts, ' OR '), ''), 'false');
END $$;

-- kw_search_keys for some of the searched columns only (key_queries: sorted by owner or
-- name, the keys holding the term in the sort's column are read along its index, the
-- others here), through the index of each column apart.
CREATE OR REPLACE FUNCTION kw_search_key_columns(p_pattern text, p_columns text[])
RETURNS SETOF integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp ROWS 1000 AS $$
BEGIN
  IF kw_sees_every_key() THEN
    RETURN QUERY EXECUTE 'SELECT id FROM api_keys WHERE ' || kw_columns_like(p_pattern, p_columns);
  ELSIF kw_my_role() = 'member' THEN
    RETURN QUERY EXECUTE 'SELECT id FROM api_keys WHERE owner_id = $1 AND ('
      || kw_columns_like(p_pattern, p_columns) || ')' USING kw_my_user_id();
  END IF;
END $$;

CREATE OR REPLACE FUNCTION kw_search_key_columns_estimate(p_pattern text, p_columns text[])
RETURNS double precision
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_plan json;
BEGIN
  IF NOT kw_sees_every_key() THEN
    RETURN 0;
  END IF;
  EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM api_keys WHERE '
    || kw_columns_like(p_pattern, p_columns) INTO v_plan;
  RETURN (v_plan -> 0 -> 'Plan' ->> 'Plan Rows')::double precision;
END $$;

-- False when no key (kw_search_may_hold) or event (kw_events_may_hold: the audit view's free
-- text) can hold p_term, lower case as the search compares it: one of its two-character
-- pieces, or for one character any piece with it, was never in any key's (event's) searched
-- text (kw_search_pairs, kw_event_search_pairs, kept by triggers). True otherwise, and
-- always for those who do not see every key: the pairs tell nothing about others' keys.
CREATE OR REPLACE FUNCTION kw_search_may_hold(p_term text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
  RETURN NOT kw_sees_every_key() OR kw_pairs_may_hold('kw_search_pairs', p_term);
END $$;

CREATE OR REPLACE FUNCTION kw_events_may_hold(p_term text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
  RETURN NOT kw_sees_every_key() OR kw_pairs_may_hold('kw_event_search_pairs', p_term);
END $$;

CREATE OR REPLACE FUNCTION kw_pairs_may_hold(p_table text, p_term text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_held boolean;
BEGIN
  IF coalesce(p_term, '') = '' THEN
    RETURN true;
  ELSIF length(p_term) = 1 THEN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE strpos(pair, $1) > 0)', p_table)
      INTO v_held USING p_term;
  ELSE
    EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM generate_series(1, length($1) - 1) i'
                   ' WHERE NOT EXISTS (SELECT 1 FROM %I WHERE pair = substr($1, i, 2)))',
                   p_table)
      INTO v_held USING p_term;
  END IF;
  RETURN v_held;
END $$;

-- The planner's estimate of the keys matching p_pattern, from ANALYZE's sample of the
-- index's expression (a rare term from a common one). Only for those who see every key:
-- a member, who sees a few, is told 0 and searches their own.
CREATE OR REPLACE FUNCTION kw_search_keys_estimate(p_pattern text) RETURNS double precision
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_plan json;
BEGIN
  IF NOT kw_sees_every_key() THEN
    RETURN 0;
  END IF;
  EXECUTE format('EXPLAIN (FORMAT JSON) SELECT 1 FROM api_keys WHERE {expression} LIKE %L',
                 p_pattern) INTO v_plan;
  RETURN (v_plan -> 0 -> 'Plan' ->> 'Plan Rows')::double precision;
END $$;

-- The audit view's free text: the newest events (seq between p_above and p_below) whose key
-- id, reason or key name holds p_pattern (ILIKE; p_json_pattern is the same text as JSON
-- writes it inside the snapshots), for those who read every event (the owner, a superuser,
-- an active auditor, manager or admin: audit_events' kw_read rule). A member's search reads
-- their own events the plain way. The raw columns' ILIKE, cheap beside the index
-- expression's JSON parsing, is a superset PostgreSQL tests first (it orders a filter's
-- conditions by cost) when a common term is walked along seq rather than read from the index.
CREATE OR REPLACE FUNCTION kw_search_events(p_pattern text, p_json_pattern text,
                                            p_above integer, p_below integer,
                                            p_limit integer) RETURNS SETOF integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp ROWS 100 AS $$
BEGIN
  IF kw_sees_every_key() THEN
    RETURN QUERY EXECUTE format(
      'SELECT seq FROM audit_events WHERE {audit_expression} LIKE lower(%L)'
      ' AND (target_id ILIKE %L OR reason ILIKE %L OR before ILIKE %L OR after ILIKE %L)'
      ' AND seq > %s AND seq < %s ORDER BY seq DESC LIMIT %s',
      p_pattern, p_pattern, p_pattern, p_json_pattern, p_json_pattern,
      coalesce(p_above, -1), coalesce(p_below, 2147483647), coalesce(p_limit, 0));
  END IF;
END $$;

-- kw_search_events for a term without a word of three letters or digits, which pg_trgm
-- cannot index ("7q", "q%"): the events whose free text holds each of the term's
-- two-character pieces, from the GIN index of every event's pieces (migration 0022), then
-- the same tests; a one-character term (0023) through the pieces with it that some event
-- holds. The planner walks along seq for a piece many events hold.
CREATE OR REPLACE FUNCTION kw_search_events_by_pairs(p_term text, p_pattern text,
                                                     p_json_pattern text, p_above integer,
                                                     p_below integer, p_limit integer)
RETURNS SETOF integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp ROWS 100 AS $$
BEGIN
  IF kw_sees_every_key() THEN
    RETURN QUERY EXECUTE format(
      'SELECT seq FROM audit_events WHERE %s'
      ' AND {audit_expression} LIKE lower(%L)'
      ' AND (target_id ILIKE %L OR reason ILIKE %L OR before ILIKE %L OR after ILIKE %L)'
      ' AND seq > %s AND seq < %s ORDER BY seq DESC LIMIT %s',
      kw_event_pairs_condition(lower(p_term)), p_pattern, p_pattern, p_pattern,
      p_json_pattern, p_json_pattern, coalesce(p_above, -1), coalesce(p_below, 2147483647),
      coalesce(p_limit, 0));
  END IF;
END $$;

-- The test of a row's pieces of p_text (SQL) for p_term, as it is: every one of its
-- two-character pieces, or for one character, any piece with it in p_pairs (a table of every
-- piece the rows have held). Run only inside the definer functions, which may read p_pairs.
CREATE OR REPLACE FUNCTION kw_pairs_condition(p_pairs text, p_text text, p_term text)
RETURNS text
LANGUAGE plpgsql STABLE SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_pairs text[];
BEGIN
  IF length(p_term) = 1 THEN
    EXECUTE format('SELECT coalesce(array_agg(pair), ''{}'') FROM %I WHERE strpos(pair, $1) > 0',
                   p_pairs) INTO v_pairs USING p_term;
    RETURN format('kw_text_pairs(%s) && %L::text[]', p_text, v_pairs);
  END IF;
  RETURN format('kw_text_pairs(%s) @> %L::text[]', p_text, kw_text_pairs(p_term));
END $$;

-- The two functions' test of an event's pieces for p_term (lower case): every one of its
-- two-character pieces, or for one character, any piece with it that some event holds
-- (kw_event_search_pairs). Run only inside them: it reads that table as its owner.
CREATE OR REPLACE FUNCTION kw_event_pairs_condition(p_term text) RETURNS text
LANGUAGE sql STABLE SET search_path = {schema}, pg_temp AS $$
  SELECT kw_pairs_condition('kw_event_search_pairs', '{audit_expression}', p_term)
$$;

-- kw_search_keys for a term without a word of three letters or digits, which pg_trgm cannot
-- narrow ("7q", "q%", "w_e", "%"): the keys whose searched text holds each of the term's
-- two-character pieces (p_term lower case, as in p_pattern; one character: any piece with
-- it that some key holds, kw_search_pairs), from the index of every key's pieces beside its
-- owner (migration 0028), then the same LIKE; the same reading rule. A member's search asks
-- it for a term few of their keys hold, which their keys by owner answered only by reading
-- every one of them (24,495 keys: 90-130 ms).
CREATE OR REPLACE FUNCTION kw_search_keys_by_pairs(p_term text, p_pattern text)
RETURNS SETOF integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp ROWS 100 AS $$
DECLARE
  v_held text;
BEGIN
  IF coalesce(p_term, '') = '' THEN
    PERFORM kw_raise('invalid', 'A search term is needed.');
  END IF;
  -- The LIKE kept from the trigram index (|| ''): pg_trgm would read "w_e" as the words "w"
  -- and "e", which most keys hold, and the planner cannot tell (15,277 of 24,495: 80 ms).
  v_held := kw_pairs_condition('kw_search_pairs', '{expression}', p_term)
            || format(' AND ({expression} || %L) LIKE %L', '', p_pattern);
  IF kw_sees_every_key() THEN
    RETURN QUERY EXECUTE 'SELECT id FROM api_keys WHERE ' || v_held;
  ELSIF kw_my_role() = 'member' THEN
    RETURN QUERY EXECUTE 'SELECT id FROM api_keys WHERE owner_id = $1 AND ' || v_held
      USING kw_my_user_id();
  END IF;
END $$;

-- kw_search_events (or kw_search_events_by_pairs, given p_term) among the events of one
-- action and/or one person (NULL: any), from one GIN scan of the index that leads with both
-- (migration 0023): the audit view asks it for what its walk of the filter's own newest
-- events did not find, a term that seldom meets them. Index scans along seq are off here:
-- the planner, which takes a term and an action for independent, would walk along seq
-- through every event of the action ("leaked" beside 450,000 edits) for what few hold both.
CREATE OR REPLACE FUNCTION kw_search_events_where(p_action text, p_actor text, p_term text,
                                                  p_pattern text, p_json_pattern text,
                                                  p_above integer, p_below integer,
                                                  p_limit integer)
RETURNS SETOF integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp
SET enable_indexscan = off SET jit = off ROWS 100 AS $$
BEGIN
  IF kw_sees_every_key() THEN
    RETURN QUERY EXECUTE format(
      'SELECT seq FROM audit_events WHERE %s AND %s'
      ' AND (target_id ILIKE %L OR reason ILIKE %L OR before ILIKE %L OR after ILIKE %L)'
      ' AND seq > %s AND seq < %s ORDER BY seq DESC LIMIT %s',
      kw_where_event(p_action, p_actor, true),
      -- A term of pieces: its LIKE kept from the trigram index, which cannot narrow it.
      CASE WHEN p_term IS NULL THEN format('{audit_expression} LIKE lower(%L)', p_pattern)
           ELSE format('%s AND ({audit_expression} || '''') LIKE lower(%L)',
                       kw_event_pairs_condition(lower(p_term)), p_pattern) END,
      p_pattern, p_pattern, p_json_pattern, p_json_pattern,
      coalesce(p_above, -1), coalesce(p_below, 2147483647), coalesce(p_limit, 0));
  END IF;
END $$;

-- Where the audit view's walk of the newest events of an action and/or a person (NULL: any)
-- stops: the seq of the p_count-th newest with p_above < seq < p_below, for those who read
-- every event (under row-level security the planner takes the reading rule for selective
-- and sorts every event of the action instead of walking its index).
CREATE OR REPLACE FUNCTION kw_nth_event_where(p_action text, p_actor text, p_above integer,
                                              p_below integer, p_count integer)
RETURNS integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  v_seq integer;
BEGIN
  IF kw_sees_every_key() THEN
    EXECUTE format(
      'SELECT seq FROM audit_events WHERE %s AND seq > %s AND seq < %s'
      ' ORDER BY seq DESC OFFSET %s LIMIT 1',
      kw_where_event(p_action, p_actor, false), coalesce(p_above, -1),
      coalesce(p_below, 2147483647), greatest(coalesce(p_count, 1) - 1, 0)) INTO v_seq;
  END IF;
  RETURN v_seq;
END $$;

-- The two functions' condition on an event's action and person, each quoted (NULL: any);
-- p_indexed adds the same lower-cased, as the free-text indexes of 0023 lead with them.
CREATE OR REPLACE FUNCTION kw_where_event(p_action text, p_actor text, p_indexed boolean)
RETURNS text
LANGUAGE sql STABLE SET search_path = {schema}, pg_temp AS $$
  SELECT CASE WHEN p_action IS NULL THEN 'true'
              WHEN p_indexed THEN format('lower(action) = lower(%L) AND action = %L',
                                         p_action, p_action)
              ELSE format('action = %L', p_action) END
         || ' AND '
         || CASE WHEN p_actor IS NULL THEN 'true'
                 WHEN p_indexed THEN format('lower(actor) = lower(%L) AND actor = %L',
                                            p_actor, p_actor)
                 ELSE format('actor = %L', p_actor) END
$$;
""".replace("{expression}", PG_SEARCH_EXPRESSION)
# Inside a quoted literal of the function's body.
_SEARCH_FUNCTIONS = _SEARCH_FUNCTIONS.replace(
    "{audit_expression}", PG_AUDIT_EXPRESSION.replace("'", "''")
)

_WRITE_FUNCTIONS = (
    "kw_add_user(text, timestamp, text, text, text, text, text)",
    "kw_set_role(text, timestamp, text, text, text)",
    "kw_set_active(text, timestamp, text, text, boolean)",
    "kw_set_user_active(text, timestamp, text, text, boolean, text)",
    "kw_create_key(text, timestamp, text, text, text, text, text, text, text, text, text,"
    " timestamp, boolean, text, integer)",
    "kw_update_key(text, timestamp, text, text, integer, text, text, text, boolean,"
    " timestamp, text)",
    "kw_delete_key(text, timestamp, text, text)",
    "kw_set_setting(text, timestamp, text, text, text)",
)
#: Read by every person (not the verifier, who reads no key).
_SEARCH_FUNCTION_NAMES = (
    "kw_search_keys(text)",
    "kw_search_keys_by_pairs(text, text)",
    "kw_search_keys_estimate(text)",
    "kw_search_key_columns(text, text[])",
    "kw_search_key_columns_estimate(text, text[])",
    "kw_search_may_hold(text)",
    "kw_events_may_hold(text)",
    "kw_search_events(text, text, integer, integer, integer)",
    "kw_search_events_by_pairs(text, text, text, integer, integer, integer)",
    "kw_search_events_where(text, text, text, text, text, integer, integer, integer)",
    "kw_nth_event_where(text, text, integer, integer, integer)",
)
_VERIFY_FUNCTIONS = (
    "kw_lookup_key(text)",
    "kw_record_usage(text, timestamp, integer)",
    "kw_whoami()",
)
# Row-level security helpers: called by the policies, so every role may run them.
_POLICY_FUNCTIONS = ("kw_my_user_id()", "kw_my_role()", "kw_snapshot_field(text, text)")
#: Signatures of earlier versions, dropped before the functions are made (a changed argument
#: list would otherwise add an overload next to the old function).
_OLD_FUNCTIONS = (
    "kw_create_key(text, timestamp, text, text, text, text, text, text, text, text, text,"
    " timestamp, boolean, text, text)",
)

_TABLES = ("users", "api_keys", "audit_events", "audit_head", "daily_usage", "settings")
_KEY_COLUMNS = (
    "id, key_id, prefix, environment, name, description, owner_id, owner_name, masked, state,"
    " created_at, created_by, updated_at, updated_by, last_used_at, expires_at, revoked_at,"
    " revoked_reason, version"
)
#: Columns added by later migrations: granted once they exist (migration 0002 runs apply()
#: on a table without them, and 0005 runs it again).
_LATER_KEY_COLUMNS = ("replaces_key_id",)

# The member's key-event rule tries the cheap tests first: PostgreSQL evaluates OR left to
# right, and a member's newest-first read walks everyone's events until it has a page. The
# snapshot test is a plain substring search for the login before the JSON parse (a login is
# ``[A-Za-z0-9_.@-]``, which JSON writes as is), and ``(SELECT session_user::text)`` is one
# initplan rather than a call per row.
_POLICIES = """
CREATE POLICY kw_read ON users FOR SELECT USING (
  (SELECT kw_my_role()) IN ('auditor', 'manager', 'admin')
  OR login = (SELECT session_user::text));
CREATE POLICY kw_read ON api_keys FOR SELECT USING (
  (SELECT kw_my_role()) IN ('auditor', 'manager', 'admin')
  OR ((SELECT kw_my_role()) = 'member' AND owner_id = (SELECT kw_my_user_id())));
CREATE POLICY kw_read ON daily_usage FOR SELECT USING (
  (SELECT kw_my_role()) IN ('auditor', 'manager', 'admin')
  OR ((SELECT kw_my_role()) = 'member' AND key_pk IN (
        SELECT id FROM api_keys WHERE owner_id = (SELECT kw_my_user_id()))));
CREATE POLICY kw_read ON audit_events FOR SELECT USING (
  (SELECT kw_my_role()) IN ('auditor', 'manager', 'admin')
  OR ((SELECT kw_my_role()) = 'member' AND (
        (target_type = 'user' AND target_id = (SELECT session_user::text))
        OR (target_type = 'key' AND (
              actor = (SELECT session_user::text)
              OR target_id IN (
                   SELECT key_id FROM api_keys WHERE owner_id = (SELECT kw_my_user_id()))
              OR (strpos(before, (SELECT session_user::text)) > 0
                  AND kw_snapshot_field(before, 'owner') = (SELECT session_user::text))
              OR (strpos(after, (SELECT session_user::text)) > 0
                  AND kw_snapshot_field(after, 'owner') = (SELECT session_user::text)))))));
CREATE POLICY kw_read ON audit_head FOR SELECT USING (
  (SELECT kw_my_role()) IN ('auditor', 'manager', 'admin'));
CREATE POLICY kw_read ON settings FOR SELECT USING (
  (SELECT kw_my_role()) IS NOT NULL);
"""


def _role(database: str, role: str) -> str:
    return f'"{database}_{role}"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def apply(connection: sa.Connection, database: str) -> None:
    """Create (or re-create) the roles, functions, grants and policies; idempotent."""
    schema = connection.exec_driver_sql("SELECT current_schema()").scalar_one()
    quoted_schema = f'"{schema}"'
    run = connection.exec_driver_sql
    for role in ROLES:
        exists = connection.execute(
            sa.text("SELECT 1 FROM pg_roles WHERE rolname = :name"),
            {"name": f"{database}_{role}"},
        ).scalar()
        if not exists:
            run(f"CREATE ROLE {_role(database, role)} NOLOGIN")
    for old in _OLD_FUNCTIONS:
        run(f"DROP FUNCTION IF EXISTS {old}")
    functions = (_FUNCTIONS + _SEARCH_FUNCTIONS).replace("{schema}", quoted_schema)
    # The driver reads % as a parameter marker: double it for format()'s %s.
    run(functions.replace("{db_literal}", _literal(database)).replace("%", "%%"))
    # Nothing for PUBLIC: not the database, not the schema, not a function.
    run(f'REVOKE ALL ON DATABASE "{database}" FROM PUBLIC')
    run(f"REVOKE ALL ON SCHEMA {quoted_schema} FROM PUBLIC")
    run(f"REVOKE ALL ON ALL TABLES IN SCHEMA {quoted_schema} FROM PUBLIC")
    run(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {quoted_schema} FROM PUBLIC")
    run(f"REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA {quoted_schema} FROM PUBLIC")
    run("ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC")
    everyone = ", ".join(_role(database, role) for role in ROLES)
    people = ", ".join(_role(database, role) for role in ROLES if role != "verifier")
    run(f'GRANT CONNECT ON DATABASE "{database}" TO {everyone}')
    run(f"GRANT USAGE ON SCHEMA {quoted_schema} TO {everyone}")
    for table in _TABLES:
        run(f"REVOKE ALL ON {table} FROM {everyone}")
    run(f"GRANT SELECT ON alembic_version, settings, users TO {everyone}")
    run(f"GRANT SELECT ON audit_events, audit_head, daily_usage TO {people}")
    present = {
        str(name)
        for name in connection.execute(
            sa.text(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = :schema AND table_name = 'api_keys'"
            ),
            {"schema": schema},
        ).scalars()
    }
    key_columns = ", ".join([_KEY_COLUMNS, *(c for c in _LATER_KEY_COLUMNS if c in present)])
    run(f"GRANT SELECT ({key_columns}) ON api_keys TO {people}")
    for function in _WRITE_FUNCTIONS + _SEARCH_FUNCTION_NAMES:
        run(f"GRANT EXECUTE ON FUNCTION {function} TO {people}")
    for function in _VERIFY_FUNCTIONS + _POLICY_FUNCTIONS:
        run(f"GRANT EXECUTE ON FUNCTION {function} TO {everyone}")
    for table in _TABLES:
        run(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        run(f"DROP POLICY IF EXISTS kw_read ON {table}")
    run(_POLICIES)


def drop_roles(connection: sa.Connection, database: str) -> None:
    """Remove the database's roles (after the database itself is gone)."""
    for role in ROLES:
        connection.exec_driver_sql(f"DROP ROLE IF EXISTS {_role(database, role)}")
