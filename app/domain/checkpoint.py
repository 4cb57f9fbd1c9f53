"""Signed checkpoints: an auditor's Ed25519 signature over the audit chain's head.

A hash chain proves nothing against whoever can rewrite the whole table: they recompute
every hash and the head. A checkpoint pins one event's hash (the head when it was signed)
under a key that only its signer holds, so a history rewritten or truncated before it no
longer passes through it, even when every hash was recomputed.

What is signed is a line-based encoding in the spirit of the audit encoding (version line,
each variable field as its length in UTF-8 bytes, a colon and the text). The small JSON file
an auditor keeps elsewhere carries the same fields plus the public key, and is parsed
strictly: anything unexpected refuses the whole file with one sentence.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

# cryptography (about 9 MiB) is loaded where a key signs or a signature is checked: a console
# that only browses keys does without it.
if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.domain.audit import AuditRecord, ChainReport, verify_chain
from app.domain.errors import KeywardError
from app.domain.wording import counted

FILE_FORMAT = "keyward-checkpoint"
FILE_VERSION = 1
SIGNED_VERSION = "keyward-checkpoint-1"
#: A checkpoint file is a few hundred bytes; anything much larger is not one.
MAX_FILE_BYTES = 16 * 1024
MAX_LOGIN = 64

_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX128 = re.compile(r"[0-9a-f]{128}")
_ISO_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?Z")
_FILE_FIELDS = (
    "format",
    "version",
    "seq",
    "hash",
    "signed_at",
    "database_id",
    "signer",
    "fingerprint",
    "public_key",
    "signature",
)


class CheckpointError(KeywardError):
    """A checkpoint (file or stored row) that cannot be used: malformed or tampered with."""


# --------------------------------------------------------------------------- keys


def fingerprint_of(public_key_hex: str) -> str:
    """SHA-256 (hex) of the raw 32-byte public key."""
    return hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()


class SigningKey:
    """The operator's Ed25519 private key. Its repr shows the fingerprint, never the key."""

    __slots__ = ("_key", "fingerprint", "public_key")

    def __init__(self, key: Ed25519PrivateKey) -> None:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        self._key = key
        raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.public_key = raw.hex()
        self.fingerprint = fingerprint_of(self.public_key)

    @classmethod
    def generate(cls) -> SigningKey:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return cls(Ed25519PrivateKey.generate())

    # The keyring keeps the key as text: a version tag and the 32-byte seed in hex.
    _TAG = "keyward-ed25519-1:"

    @classmethod
    def from_keyring_text(cls, text: str) -> SigningKey:
        if not text.startswith(cls._TAG) or not _HEX64.fullmatch(text[len(cls._TAG) :]):
            raise CheckpointError(
                "The signing key in the OS keyring is not a Keyward signing key; "
                "remove that keyring entry or ask an admin for help."
            )
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return cls(Ed25519PrivateKey.from_private_bytes(bytes.fromhex(text[len(cls._TAG) :])))

    def keyring_text(self) -> str:
        from cryptography.hazmat.primitives.serialization import (
            Encoding,
            NoEncryption,
            PrivateFormat,
        )

        raw = self._key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return self._TAG + raw.hex()

    def sign(self, data: bytes) -> str:
        return self._key.sign(data).hex()

    def __repr__(self) -> str:
        return f"SigningKey(fingerprint={self.fingerprint!r})"

    __str__ = __repr__

    def __reduce__(self) -> Any:  # never pickled, so never written anywhere by accident
        raise TypeError("a signing key cannot be pickled")


@dataclass(frozen=True, slots=True)
class KnownKey:
    """A public key registered in the database, and whose it is."""

    fingerprint: str
    login: str
    public_key: str


# --------------------------------------------------------------------------- the checkpoint


def _field(value: str) -> str:
    return f"{len(value.encode())}:{value}"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    hash: str
    signed_at: str
    database_id: str
    signer: str
    fingerprint: str
    signature: str

    def signed_bytes(self) -> bytes:
        return signed_bytes(
            seq=self.seq,
            hash=self.hash,
            signed_at=self.signed_at,
            database_id=self.database_id,
            signer=self.signer,
            fingerprint=self.fingerprint,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "hash": self.hash,
            "signed_at": self.signed_at,
            "database_id": self.database_id,
            "signer": self.signer,
            "fingerprint": self.fingerprint,
            "signature": self.signature,
        }

    def describe(self) -> str:
        """``event #42, signed by alice on 2031-03-04 05:06 UTC``."""
        when = self.signed_at[:16].replace("T", " ")
        return f"event #{self.seq}, signed by {_printable(self.signer)} on {when} UTC"


def signed_bytes(
    *, seq: int, hash: str, signed_at: str, database_id: str, signer: str, fingerprint: str
) -> bytes:
    """The exact bytes a checkpoint's signature covers."""
    lines = [
        SIGNED_VERSION,
        str(seq),
        hash,
        _field(signed_at),
        _field(database_id),
        _field(signer),
        fingerprint,
    ]
    return "\n".join(lines).encode()


def isoformat_signed(moment: datetime) -> str:
    """Signing time as ISO 8601 UTC, whole microseconds only when non-zero (as the audit)."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def sign(
    key: SigningKey, *, seq: int, hash: str, signed_at: datetime, database_id: str, signer: str
) -> Checkpoint:
    _check_fields(seq, hash, isoformat_signed(signed_at), database_id, signer, key.fingerprint)
    unsigned = Checkpoint(
        seq, hash, isoformat_signed(signed_at), database_id, signer, key.fingerprint, ""
    )
    signature = key.sign(unsigned.signed_bytes())
    return replace(unsigned, signature=signature)


def signature_problem(checkpoint: Checkpoint, key: KnownKey | None) -> str | None:
    """Why the signature cannot be trusted, or None when it is good."""
    try:
        return _signature_problem(checkpoint, key)
    except (ValueError, TypeError):  # a stored row altered into something that is not hex
        return "it is malformed (altered after signing)."


def _signature_problem(checkpoint: Checkpoint, key: KnownKey | None) -> str | None:
    if key is None:
        return (
            f"it was signed with key {checkpoint.fingerprint[:16]}…, which is not registered "
            "in this database."
        )
    if fingerprint_of(key.public_key) != key.fingerprint or key.fingerprint != (
        checkpoint.fingerprint
    ):
        return f"the registered public key {key.fingerprint[:16]}… does not match its fingerprint."
    if key.login != checkpoint.signer:
        return (
            f"it names {_printable(checkpoint.signer)} as signer, but its key is registered "
            f"to {_printable(key.login)}."
        )
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(key.public_key)).verify(
            bytes.fromhex(checkpoint.signature), checkpoint.signed_bytes()
        )
    except (InvalidSignature, ValueError):
        return "its signature does not match its contents (it was altered after signing)."
    return None


# --------------------------------------------------------------------------- strict checks


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)[:MAX_LOGIN]


def _check_fields(
    seq: int, hash: str, signed_at: str, database_id: str, signer: str, fingerprint: str
) -> None:
    if type(seq) is not int or seq < 1:
        raise CheckpointError("A checkpoint's event number must be a whole number from 1 up.")
    if not _HEX64.fullmatch(hash):
        raise CheckpointError("A checkpoint's hash must be 64 lowercase hexadecimal digits.")
    if not _ISO_UTC.fullmatch(signed_at):
        raise CheckpointError("A checkpoint's signing time must be ISO 8601 UTC (…Z).")
    try:
        datetime.fromisoformat(signed_at.replace("Z", "+00:00"))
    except ValueError:
        raise CheckpointError("A checkpoint's signing time is not a real date and time.") from None
    if not _is_uuid(database_id):
        raise CheckpointError("A checkpoint's database identity must be a lowercase UUID.")
    if not signer or len(signer) > MAX_LOGIN or not signer.isprintable():
        raise CheckpointError("A checkpoint's signer must be a login of at most 64 characters.")
    if not _HEX64.fullmatch(fingerprint):
        raise CheckpointError("A checkpoint's key fingerprint must be 64 hexadecimal digits.")


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


def checkpoint_from_fields(
    *,
    seq: int,
    hash: str,
    signed_at: str,
    database_id: str,
    signer: str,
    fingerprint: str,
    signature: str,
) -> Checkpoint:
    """A checkpoint from stored values, with the same checks as a file's."""
    _check_fields(seq, hash, signed_at, database_id, signer, fingerprint)
    if not _HEX128.fullmatch(signature):
        raise CheckpointError("A checkpoint's signature must be 128 hexadecimal digits.")
    return Checkpoint(seq, hash, signed_at, database_id, signer, fingerprint, signature)


# --------------------------------------------------------------------------- the file


def to_file_text(checkpoint: Checkpoint, public_key: str) -> str:
    data = {
        "format": FILE_FORMAT,
        "version": FILE_VERSION,
        **checkpoint.as_dict(),
        "public_key": public_key,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, value in pairs:
        if name in data:
            raise CheckpointError(f"The checkpoint file names “{_printable(name)}” twice.")
        data[name] = value
    return data


def _no_constants(name: str) -> Any:
    raise CheckpointError("The checkpoint file holds a number that JSON does not allow.")


@dataclass(frozen=True, slots=True)
class CheckpointFile:
    """A parsed checkpoint file: the checkpoint and the public key it says signed it."""

    checkpoint: Checkpoint
    public_key: str


def parse_file(data: bytes) -> CheckpointFile:
    """A checkpoint from a file's bytes; anything malformed is refused with one sentence.

    The signature is checked here against the file's own public key, so a file altered
    after signing is refused before it is compared with any database.
    """
    if len(data) > MAX_FILE_BYTES:
        raise CheckpointError("The file is far too large to be a Keyward checkpoint.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CheckpointError("The file is not UTF-8 text, so not a Keyward checkpoint.") from None
    try:
        raw = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except json.JSONDecodeError:
        raise CheckpointError("The file is not JSON, so not a Keyward checkpoint.") from None
    except RecursionError:
        raise CheckpointError("The file is not a Keyward checkpoint.") from None
    if not isinstance(raw, dict) or raw.get("format") != FILE_FORMAT:
        raise CheckpointError("The file is not a Keyward checkpoint (its format is not named).")
    if type(raw.get("version")) is not int or raw["version"] != FILE_VERSION:
        raise CheckpointError(
            f"The checkpoint file has version {raw.get('version')!r:.20}; this Keyward reads "
            f"version {FILE_VERSION}."
        )
    missing = [name for name in _FILE_FIELDS if name not in raw]
    extra = sorted(set(raw) - set(_FILE_FIELDS))
    if missing:
        raise CheckpointError(f"The checkpoint file lacks “{missing[0]}”.")
    if extra:
        raise CheckpointError(f"The checkpoint file has an unexpected field “{extra[0][:40]}”.")
    for name in _FILE_FIELDS[2:]:
        if name == "seq":
            continue
        if not isinstance(raw[name], str):
            raise CheckpointError(f"The checkpoint file's “{name}” must be text.")
    if type(raw["seq"]) is not int:
        raise CheckpointError("The checkpoint file's “seq” must be a whole number.")
    public_key = raw["public_key"]
    if not _HEX64.fullmatch(public_key):
        raise CheckpointError("The checkpoint file's public key must be 64 hexadecimal digits.")
    checkpoint = checkpoint_from_fields(
        seq=raw["seq"],
        hash=raw["hash"],
        signed_at=raw["signed_at"],
        database_id=raw["database_id"],
        signer=raw["signer"],
        fingerprint=raw["fingerprint"],
        signature=raw["signature"],
    )
    own = KnownKey(fingerprint_of(public_key), checkpoint.signer, public_key)
    if own.fingerprint != checkpoint.fingerprint:
        raise CheckpointError("The checkpoint file's public key does not match its fingerprint.")
    problem = signature_problem(checkpoint, own)
    if problem is not None:
        raise CheckpointError("The checkpoint file was altered after it was signed.")
    return CheckpointFile(checkpoint, public_key)


# --------------------------------------------------------------------------- the chain


@dataclass(frozen=True, slots=True)
class CheckpointReport:
    """What one checkpoint says about the chain. ``source`` names it for people."""

    source: str
    checkpoint: Checkpoint
    ok: bool
    first_bad_seq: int | None = None
    problem: str | None = None
    #: The newest event still vouched for by a checkpoint that holds, when this one fails
    #: because the history before it changed: the rewrite happened after this event.
    intact_through: int | None = None

    @property
    def message(self) -> str:
        what = f"{self.source} ({self.checkpoint.describe()})"
        what = what[0].upper() + what[1:]
        return f"{what} holds." if self.ok else f"{what} fails: {self.problem}"

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            **self.checkpoint.as_dict(),
            "ok": self.ok,
            "first_bad_seq": self.first_bad_seq,
            "problem": self.problem,
            "intact_through": self.intact_through,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class AuditVerdict:
    """The chain's own report and one report per checkpoint (stored and given)."""

    chain: ChainReport
    checkpoints: tuple[CheckpointReport, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.chain.ok and all(report.ok for report in self.checkpoints)

    @property
    def failures(self) -> list[CheckpointReport]:
        return [report for report in self.checkpoints if not report.ok]

    @property
    def message(self) -> str:
        """One sentence: the first thing wrong, or that everything holds."""
        if not self.chain.ok:
            return self.chain.message
        if self.failures:
            return self.failures[0].message
        count = len(self.checkpoints)
        if not count:
            return self.chain.message
        return f"{self.chain.message[:-1]}; {counted(count, 'signed checkpoint')} hold."


class _Tap:
    """Passes records through while noting the hashes at the checkpoints' events."""

    def __init__(self, records: Iterable[AuditRecord], wanted: set[int]) -> None:
        self._records = iter(records)
        self._wanted = wanted
        self.hashes: dict[int, str] = {}
        self.last_seq = 0

    def __iter__(self) -> Iterator[AuditRecord]:
        for record in self._records:
            if record.seq in self._wanted and record.seq not in self.hashes:
                self.hashes[record.seq] = record.hash
            self.last_seq = max(self.last_seq, record.seq)
            yield record

    def drain(self) -> None:
        for _ in self:
            pass


def verify_with_checkpoints(
    records: Iterable[AuditRecord],
    checkpoints: Sequence[tuple[str, Checkpoint]],
    *,
    keys: Mapping[str, KnownKey],
    database_id: str | None,
    head_seq: int | None = None,
    head_hash: str | None = None,
) -> AuditVerdict:
    """Check the chain and every checkpoint against it, reading the records once.

    ``checkpoints`` pairs each checkpoint with a name for people ("checkpoint 3", "file
    cp.json"); ``keys`` are the public keys registered in the database, by fingerprint.
    A checkpoint holds when its signature is good for a registered key of its signer, it
    was signed for this database, and the event it names still exists with the signed hash.
    """
    tap = _Tap(records, {checkpoint.seq for _, checkpoint in checkpoints})
    chain = verify_chain(tap, head_seq=head_seq, head_hash=head_hash)
    tap.drain()
    return AuditVerdict(
        chain,
        tuple(judge(checkpoints, tap.hashes, tap.last_seq, keys=keys, database_id=database_id)),
    )


def check_checkpoints(
    records: Iterable[AuditRecord],
    checkpoints: Sequence[tuple[str, Checkpoint]],
    *,
    keys: Mapping[str, KnownKey],
    database_id: str | None,
) -> list[CheckpointReport]:
    """Only the checkpoints' verdicts (see :func:`verify_with_checkpoints`)."""
    return list(
        verify_with_checkpoints(
            records, checkpoints, keys=keys, database_id=database_id
        ).checkpoints
    )


def judge(
    checkpoints: Sequence[tuple[str, Checkpoint]],
    hashes: Mapping[int, str],
    last_seq: int,
    *,
    keys: Mapping[str, KnownKey],
    database_id: str | None,
) -> Iterator[CheckpointReport]:
    def still_there(checkpoint: Checkpoint) -> bool:
        return hashes.get(checkpoint.seq) == checkpoint.hash

    # Checkpoints that hold vouch for the history up to their event; a failing one is
    # narrowed down to "after the newest event such a checkpoint vouches for".
    holding = sorted(
        checkpoint.seq
        for _, checkpoint in checkpoints
        if still_there(checkpoint)
        and signature_problem(checkpoint, keys.get(checkpoint.fingerprint)) is None
        and checkpoint.database_id == database_id
    )
    for source, checkpoint in checkpoints:
        problem = signature_problem(checkpoint, keys.get(checkpoint.fingerprint))
        if problem is not None:
            yield CheckpointReport(source, checkpoint, False, checkpoint.seq, problem)
            continue
        if database_id is not None and checkpoint.database_id != database_id:
            problem = (
                f"it was signed for another database ({checkpoint.database_id}), "
                f"not this one ({database_id})."
            )
            yield CheckpointReport(source, checkpoint, False, checkpoint.seq, problem)
            continue
        if still_there(checkpoint):
            yield CheckpointReport(source, checkpoint, True)
            continue
        before = [seq for seq in holding if seq < checkpoint.seq]
        intact = before[-1] if before else None
        after = f" after event #{intact}" if intact is not None else ""
        if checkpoint.seq not in hashes:
            first_missing = min(last_seq + 1, checkpoint.seq)
            problem = (
                f"event #{checkpoint.seq} no longer exists (the trail now ends at event "
                f"#{last_seq}): history was deleted or truncated{after}."
            )
            yield CheckpointReport(source, checkpoint, False, first_missing, problem, intact)
            continue
        problem = (
            f"event #{checkpoint.seq} no longer has the hash that was signed: the history up "
            f"to it was rewritten{after}, even if every hash was recomputed."
        )
        yield CheckpointReport(source, checkpoint, False, checkpoint.seq, problem, intact)
