"""Leaked-key triage: which of our keys appear in a pasted text, and is the secret real?

The text (a log excerpt, a chat message, a config file) is searched for strings shaped like
a Keyward token; each candidate is accepted only when :func:`app.domain.key_format.parse_token`
accepts its shape and checksum, so garbage never costs a query. Bare key ids are reported
separately, and only when they name a key the operator can see (twelve letters and digits
are also plenty of ordinary words).

Whether a pasted token's secret matches is checked against the stored argon2 hash, exactly
as the verifier does, but without recording usage and without ever putting the token into a
statement: only the key id is sent to the database. On PostgreSQL and MariaDB the hash is
readable only through the verification routine ``kw_lookup_key``, which every Keyward role
may run (it checks that the caller is an active Keyward user); on SQLite it is read
directly. The pasted text and the tokens in it are never stored, logged or kept.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.data.models import ApiKey
from app.data.server.calls import ServerCalls
from app.domain.errors import Field, NotFound, ValidationError
from app.domain.hashing import TokenHasher
from app.domain.key_format import (
    BASE62,
    CRC_LENGTH,
    ID_LENGTH,
    SECRET_LENGTH,
    MalformedToken,
    looks_like_key_id,
    parse_token,
)
from app.services.context import ServiceContext
from app.services.dto import KeyDTO
from app.services.keys import KeyService

#: Pasted text beyond this is refused (a log excerpt, not a whole log).
MAX_TEXT = 5 * 1024 * 1024
#: At most this many distinct tokens and ids are looked up in one scan.
MAX_MATCHES = 500

KIND_TOKEN = "token"  # noqa: S105 - a kind of match, not a secret
KIND_KEY_ID = "key id"

_ALNUM = re.escape(BASE62)
# Candidates only: the shape and checksum are decided by parse_token.
_CANDIDATE = re.compile(
    rf"(?<![{_ALNUM}])[a-z][a-z0-9]{{1,15}}_[a-z][a-z0-9]{{1,15}}_[{_ALNUM}]{{{ID_LENGTH}}}"
    rf"_[{_ALNUM}]{{{SECRET_LENGTH + CRC_LENGTH}}}(?![{_ALNUM}])"
)
_BARE_ID = re.compile(rf"(?<![{_ALNUM}_])[{_ALNUM}]{{{ID_LENGTH}}}(?![{_ALNUM}_])")


@dataclass(frozen=True, slots=True)
class TriageMatch:
    """One key named in the text. Never holds the token itself."""

    key_id: str
    kind: str  # "token" | "key id"
    key: KeyDTO | None  # None: no such key, or not one the operator may see
    secret_matches: bool | None  # None for bare ids and for keys not found

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.key_id,
            "kind": self.kind,
            "secret_matches": self.secret_matches,
            "key": None if self.key is None else self.key.to_json(),
        }


@dataclass(slots=True)
class _Found:
    key_id: str
    kind: str
    # The tokens for this id, only for the length of one scan (never in a match).
    tokens: list[str]


class TriageService:
    def __init__(self, context: ServiceContext, hasher: TokenHasher, keys: KeyService) -> None:
        self._context = context
        self._hasher = hasher
        self._keys = keys

    def scan(self, text: str) -> list[TriageMatch]:
        """Every token (valid checksum) and bare key id in ``text``, in order of appearance.

        Tokens are listed even when no such key exists (``key`` None); bare ids only when
        they name a key the operator may see. Nothing is recorded: not the text, not usage.
        """
        if len(text) > MAX_TEXT:
            raise ValidationError(
                Field.SEARCH,
                "The text is longer than 5 MB; paste the part that holds the leaked keys.",
            )
        found = _find(text)
        if len(found) > MAX_MATCHES:
            raise ValidationError(
                Field.SEARCH,
                f"The text names {len(found)} keys; paste at most {MAX_MATCHES} at a time.",
            )
        self._context.operator()  # refuses a login that is not an active Keyward user
        matches = []
        for item in found:
            key = self._visible(item.key_id)
            if item.kind == KIND_KEY_ID:
                if key is not None:
                    matches.append(TriageMatch(item.key_id, KIND_KEY_ID, key, None))
                continue
            secret_matches = None if key is None else self._secret_matches(key, item.tokens)
            matches.append(TriageMatch(item.key_id, KIND_TOKEN, key, secret_matches))
            item.tokens.clear()
        return matches

    def _visible(self, key_id: str) -> KeyDTO | None:
        try:
            return self._keys.get(key_id)
        except NotFound:
            return None

    def _secret_matches(self, key: KeyDTO, tokens: list[str]) -> bool:
        with self._context.read() as session:
            stored = _stored_hash(session, key.key_id)
        if stored is None:
            return False
        prefix, environment, secret_hash = stored
        for token in tokens:
            parsed = parse_token(token)
            if (parsed.prefix, parsed.environment) != (prefix, environment):
                continue
            if self._hasher.verify(secret_hash, token):
                return True
        return False


def _stored_hash(session: Session, key_id: str) -> tuple[str, str, str] | None:
    """(prefix, environment, hash) of a key; only the key id is sent to the database."""
    if session.get_bind().dialect.name == "sqlite":
        row = session.execute(
            sa.select(ApiKey.prefix, ApiKey.environment, ApiKey.secret_hash).where(
                ApiKey.key_id == key_id
            )
        ).first()
        if row is None or not row[2]:
            return None
        return str(row[0]), str(row[1]), str(row[2])
    # id, prefix, environment, name, state, expires_at, secret_hash, owner_login
    rows = ServerCalls(session.connection()).call("kw_lookup_key", (key_id,))
    if not rows or not rows[0][6]:
        return None
    return str(rows[0][1]), str(rows[0][2]), str(rows[0][6])


def _find(text: str) -> list[_Found]:
    """Distinct key ids named by valid tokens, then bare ids, in order of first appearance."""
    by_id: dict[tuple[str, str], _Found] = {}
    seen_tokens: set[bytes] = set()
    spans: list[tuple[int, int]] = []
    hits: list[tuple[int, str, str, str | None]] = []
    for match in _CANDIDATE.finditer(text):
        candidate = match.group(0)
        try:
            parsed = parse_token(candidate)
        except MalformedToken:
            continue
        spans.append(match.span())
        hits.append((match.start(), KIND_TOKEN, parsed.key_id, candidate))
    token_ids = {key_id for _, _, key_id, _ in hits}
    for match in _BARE_ID.finditer(text):
        if any(start <= match.start() < end for start, end in spans):
            continue
        key_id = match.group(0)
        if key_id in token_ids or not looks_like_key_id(key_id):
            continue
        hits.append((match.start(), KIND_KEY_ID, key_id, None))
    hits.sort(key=lambda hit: hit[0])
    for _, kind, key_id, token in hits:
        item = by_id.setdefault((kind, key_id), _Found(key_id, kind, []))
        if token is not None:
            fingerprint = hashlib.sha256(token.encode()).digest()
            if fingerprint not in seen_tokens:
                seen_tokens.add(fingerprint)
                item.tokens.append(token)
    return list(by_id.values())
