"""The token format: ``<prefix>_<env>_<id>_<secret><crc>``.

* ``prefix`` names the issuer (``kw`` unless the database says otherwise),
* ``env`` is ``live``, ``test`` or a configured label such as ``dev``,
* ``id`` is the public lookup handle, 12 base62 characters,
* ``secret`` is 160 bits from :mod:`secrets`, 27 base62 characters,
* ``crc`` is the CRC32 of everything before it, 6 base62 characters.

The checksum lets the verifier and leak scanners throw away garbage offline, before any
database round trip (GitHub's and Zuplo's tokens do the same). ``_`` keeps the whole token
selectable with one double click.
"""

from __future__ import annotations

import re
import secrets
import zlib
from dataclasses import dataclass

from app.domain.errors import Field, ValidationError

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ID_LENGTH = 12
SECRET_BITS = 160
SECRET_LENGTH = 27  # 62**27 > 2**160
CRC_LENGTH = 6  # 62**6 > 2**32
#: Anything longer is rejected before it is even looked at (a megabyte "token" costs nothing).
MAX_TOKEN_LENGTH = 128
DEFAULT_PREFIX = "kw"
DEFAULT_ENVIRONMENTS = ("live", "test")

_LABEL = re.compile(r"[a-z][a-z0-9]{1,15}")
_TOKEN = re.compile(
    r"(?P<prefix>[a-z][a-z0-9]{1,15})_(?P<env>[a-z][a-z0-9]{1,15})_"
    rf"(?P<id>[0-9A-Za-z]{{{ID_LENGTH}}})_(?P<secret>[0-9A-Za-z]{{{SECRET_LENGTH}}})"
    rf"(?P<crc>[0-9A-Za-z]{{{CRC_LENGTH}}})"
)


class MalformedToken(ValueError):
    """A string that cannot be a Keyward token: wrong shape, or a checksum that does not match."""


class SecretToken:
    """A full token, kept out of reprs, str(), logs and tracebacks.

    The only way to read it is :meth:`reveal`, which makes every place that handles the
    secret easy to find with a search.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "SecretToken('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretToken) and secrets.compare_digest(self._value, other._value)

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("a SecretToken is never pickled")


@dataclass(frozen=True, slots=True)
class ParsedToken:
    """The public parts of a well-formed token (the secret is deliberately not kept)."""

    prefix: str
    environment: str
    key_id: str


@dataclass(frozen=True, slots=True)
class GeneratedToken:
    token: SecretToken
    key_id: str
    masked: str


def encode_base62(number: int, width: int) -> str:
    """``number`` in base62, left-padded with zeros to ``width`` characters."""
    if number < 0 or number >= 62**width:
        raise ValueError(f"{number} does not fit in {width} base62 characters")
    digits = []
    while number:
        number, rest = divmod(number, 62)
        digits.append(BASE62[rest])
    text = "".join(reversed(digits)) or "0"
    return text.rjust(width, "0")


def checksum(body: str) -> str:
    """The 6-character base62 CRC32 of ``body``."""
    return encode_base62(zlib.crc32(body.encode("ascii")), CRC_LENGTH)


def check_label(value: str, what: Field) -> str:
    """A prefix or environment label: 2-16 lowercase letters and digits, starting with a letter."""
    if not _LABEL.fullmatch(value):
        raise ValidationError(
            what,
            f"The {what.value} must be 2 to 16 lowercase letters or digits starting with a letter.",
        )
    return value


def new_key_id() -> str:
    return "".join(secrets.choice(BASE62) for _ in range(ID_LENGTH))


def generate_token(prefix: str = DEFAULT_PREFIX, environment: str = "live") -> GeneratedToken:
    """A fresh token with a new id; the only place a secret is ever made."""
    check_label(prefix, Field.PREFIX)
    check_label(environment, Field.ENVIRONMENT)
    key_id = new_key_id()
    secret = encode_base62(secrets.randbits(SECRET_BITS), SECRET_LENGTH)
    body = f"{prefix}_{environment}_{key_id}_{secret}"
    token = body + checksum(body)
    return GeneratedToken(SecretToken(token), key_id, mask(prefix, environment, key_id, token))


def mask(prefix: str, environment: str, key_id: str, token: str) -> str:
    """What the table shows: the public head and the last four characters."""
    return f"{prefix}_{environment}_{key_id}_…{token[-4:]}"


def parse_token(token: str) -> ParsedToken:
    """Check shape and checksum without touching a database.

    Raises :class:`MalformedToken` for empty, truncated, foreign, tampered or oversized
    input; the message never repeats the input.
    """
    if not token:
        raise MalformedToken("The token is empty.")
    if len(token) > MAX_TOKEN_LENGTH:
        raise MalformedToken("The token is far longer than any Keyward token.")
    match = _TOKEN.fullmatch(token)
    if match is None:
        raise MalformedToken("The token does not have the shape of a Keyward token.")
    body = token[:-CRC_LENGTH]
    if not secrets.compare_digest(checksum(body), match["crc"]):
        raise MalformedToken("The token's checksum does not match: it was mistyped or altered.")
    return ParsedToken(match["prefix"], match["env"], match["id"])


#: The widest key id the database column holds.
MAX_KEY_ID_LENGTH = 16


def could_be_key_id(text: str) -> bool:
    """Whether ``text`` could be a stored key id at all, so that it is worth a query.

    Longer text is most likely a whole token pasted by mistake: it must not reach the
    database, whose statement log would then hold the secret. No id holds a NUL either, and
    PostgreSQL refuses one in a query.
    """
    return len(text) <= MAX_KEY_ID_LENGTH and "\x00" not in text


def looks_like_key_id(text: str) -> bool:
    return len(text) == ID_LENGTH and all(ch in BASE62 for ch in text)


def key_id_of(text: str) -> str:
    """What an id field names: a whole token pasted by mistake becomes its key id.

    Every place that takes a key id (``keys show``, the console's fields, the services'
    lookups) passes its input through this before any query, so that a pasted token's secret
    never reaches the database or its statement log. Anything else comes back trimmed.
    """
    stripped = text.strip()
    try:
        return parse_token(stripped).key_id
    except MalformedToken:
        return stripped


# A token's shape with at least part of a secret after the id: a whole token, or one with a
# typo or cut short. The masked form (``kw_live_<id>_…abcd``) never matches.
_TOKEN_LIKE = re.compile(
    rf"[a-z][a-z0-9]{{1,15}}_[a-z][a-z0-9]{{1,15}}_(?P<id>[0-9A-Za-z]{{{ID_LENGTH}}})"
    r"_[0-9A-Za-z]{8,}"
)


def without_secrets(text: str) -> str:
    """``text`` with every token-shaped run (checksum right or not) cut down to its key id.

    For free text such as a search, where a token may be pasted whole or with a typo: the
    key id still finds the key, and the secret never becomes part of a query.
    """
    return _TOKEN_LIKE.sub(lambda match: match["id"], text)
