"""Signed checkpoints of the audit trail (DESIGN §6): sign the chain head, keep, verify.

The operator's Ed25519 key is made on first use and kept in the OS keyring only (service
``keyward-signing``, user ``<login>@<database id>``), never in a file or a setting. Its
public half is registered in the database (an audited ``signing_key.registered`` event) and
each checkpoint is stored there too (``audit.checkpoint``). On SQLite the service writes
both rows and events; on PostgreSQL and MariaDB the database's own routines
(``kw_register_signing_key``, ``kw_add_checkpoint``) check the role, the key's owner and the
signed event, and write the events themselves.
"""

from __future__ import annotations

import builtins
import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.data.checkpoint_models import DATABASE_ID_SETTING, CheckpointRow, SigningKeyRow
from app.data.models import AuditEvent, AuditHead, Setting
from app.domain.audit import AuditAction, ChainReport
from app.domain.checkpoint import (
    AuditVerdict,
    Checkpoint,
    CheckpointError,
    CheckpointFile,
    KnownKey,
    SigningKey,
    judge,
    parse_file,
    sign,
    signature_problem,
    to_file_text,
)
from app.domain.errors import (
    DatabaseError,
    DatabaseErrorKind,
    KeyringError,
    OutputError,
    PermissionDenied,
    Progress,
)
from app.domain.roles import Action, Role, require
from app.services.audit import IntegrityReport
from app.services.context import AUDIT_HEAD_ID, ServiceContext, WriteTx
from app.services.dto import Operator
from app.services.files import write_private_file
from app.services.integrity_walk import walk_chain

SIGNING_SERVICE = "keyward-signing"
SIGNERS = frozenset({Role.AUDITOR, Role.ADMIN})


def keyring_user(login: str, database_id: str) -> str:
    """One signing key per operator and database."""
    return f"{login}@{database_id}"


# --------------------------------------------------------------------------- the OS keyring


@contextlib.contextmanager
def _keyring_errors() -> Iterator[None]:
    from keyring.errors import KeyringError as BackendError
    from keyring.errors import KeyringLocked, NoKeyringError

    try:
        yield
    except NoKeyringError:
        raise KeyringError(
            "No OS keyring is available on this machine, and the signing key lives only "
            "there; sign checkpoints on a workstation with a keyring."
        ) from None
    except KeyringLocked:
        raise KeyringError("The OS keyring is locked; unlock it and try again.") from None
    except BackendError as error:
        raise KeyringError(
            f"The OS keyring refused the signing key: {type(error).__name__}."
        ) from None
    except Exception as error:  # noqa: BLE001 - D-Bus and platform errors vary widely
        raise KeyringError(
            f"The OS keyring could not be used ({type(error).__name__}); unlock or set up "
            "a keyring and try again."
        ) from None


def signing_key(login: str, database_id: str) -> SigningKey:
    """The operator's key for this database, made and saved in the OS keyring on first use."""
    import keyring

    user = keyring_user(login, database_id)
    with _keyring_errors():
        text = keyring.get_password(SIGNING_SERVICE, user)
    if text is not None:
        return SigningKey.from_keyring_text(text)
    key = SigningKey.generate()
    with _keyring_errors():
        keyring.set_password(SIGNING_SERVICE, user, key.keyring_text())
        stored = keyring.get_password(SIGNING_SERVICE, user)
    if stored != key.keyring_text():
        raise KeyringError("The OS keyring did not keep the signing key; no checkpoint signed.")
    return key


# --------------------------------------------------------------------------- files


def read_checkpoint_file(path: str | os.PathLike[str]) -> CheckpointFile:
    """A checkpoint file, strictly parsed; a refusal names the file."""
    target = Path(path).expanduser()
    try:
        with target.open("rb") as stream:
            data = stream.read(64 * 1024 + 1)
    except OSError as error:
        raise CheckpointError(
            f"Cannot read the checkpoint file {target}: {error.strerror or 'read failed'}."
        ) from None
    try:
        return parse_file(data)
    except CheckpointError as refused:
        raise CheckpointError(f"{target}: {refused.message}") from None


def check_new_file(target: Path) -> None:
    """Refuse before signing what would refuse the file after it."""
    if target.is_dir():
        raise OutputError(f"{target} is a folder; give a file name for the checkpoint.")
    if target.exists() or target.is_symlink():
        raise OutputError(f"{target} already exists; choose a new file name.")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"The folder {folder} does not exist.")


def write_new_file(target: Path, text: str) -> None:
    """Write ``text`` to a new 0600 file, whole or not at all; an existing file is kept."""
    write_private_file(
        target, lambda stream: stream.write(text), what="the checkpoint", overwrite=False
    )


# --------------------------------------------------------------------------- the service


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    """A checkpoint just signed and stored, with what a file of it needs."""

    id: int
    checkpoint: Checkpoint
    public_key: str
    key_registered: bool

    def file_text(self) -> str:
        return to_file_text(self.checkpoint, self.public_key)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            **self.checkpoint.as_dict(),
            "public_key": self.public_key,
            "key_registered": self.key_registered,
        }


@dataclass(frozen=True, slots=True)
class CheckpointInfo:
    """A stored checkpoint as the console lists it; ``valid``: its signature is good for the
    key registered to its signer (None: not checked)."""

    seq: int
    hash: str
    signed_at: datetime
    signer: str
    fingerprint: str
    valid: bool | None


def require_signer(operator: Operator) -> None:
    if operator.role not in SIGNERS:
        raise PermissionDenied(
            f"Your role ({operator.role.label}) does not allow you to sign audit checkpoints; "
            "only auditors and admins may."
        )


def _database_id(session: Session) -> str:
    value = session.execute(
        sa.select(Setting.value).where(Setting.name == DATABASE_ID_SETTING)
    ).scalar_one_or_none()
    if not value:
        raise DatabaseError(
            "This database has no identity to sign checkpoints for; run `keyward db upgrade`.",
            DatabaseErrorKind.SCHEMA,
        )
    return value


class CheckpointService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def database_id(self) -> str:
        with self._context.read() as session:
            self._context.operator_in(session)
            return _database_id(session)

    def sign(self) -> SignedCheckpoint:
        """Sign the chain's head as the operator; stored in the database, audited."""
        with self._context.read() as session:
            operator = self._context.operator_in(session)
            require_signer(operator)
            database_id = _database_id(session)
        # The keyring may prompt or talk over D-Bus: not while holding the chain's lock.
        key = signing_key(operator.login, database_id)
        with self._context.write() as tx:
            require_signer(tx.operator)
            if tx.on_server:
                return self._sign_on_server(tx, key, database_id)
            return self._sign_here(tx, key, database_id)

    @staticmethod
    def _sign_here(tx: WriteTx, key: SigningKey, database_id: str) -> SignedCheckpoint:
        login = tx.operator.login
        registered = tx.session.get(SigningKeyRow, key.fingerprint)
        if registered is not None and registered.login != login:
            raise PermissionDenied("This signing key is registered to another login.")
        if registered is None:
            tx.session.add(
                SigningKeyRow(
                    fingerprint=key.fingerprint,
                    login=login,
                    public_key=key.public_key,
                    registered_at=tx.now,
                )
            )
            tx.audit(
                AuditAction.SIGNING_KEY_REGISTERED,
                "signing_key",
                key.fingerprint,
                after={
                    "fingerprint": key.fingerprint,
                    "login": login,
                    "public_key": key.public_key,
                },
            )
        assert tx.head is not None
        checkpoint = sign(
            key,
            seq=tx.head.seq,
            hash=tx.head.hash,
            signed_at=tx.now,
            database_id=database_id,
            signer=login,
        )
        row = CheckpointRow(**checkpoint.as_dict(), stored_at=tx.now)
        tx.session.add(row)
        tx.session.flush()
        tx.audit(
            AuditAction.AUDIT_CHECKPOINT, "checkpoint", str(row.id), after=checkpoint.as_dict()
        )
        return SignedCheckpoint(row.id, checkpoint, key.public_key, registered is None)

    @staticmethod
    def _sign_on_server(tx: WriteTx, key: SigningKey, database_id: str) -> SignedCheckpoint:
        # Registering locks the chain head (and is a no-op for a key already registered to
        # this login); it answers the head as it stands under that lock.
        [(new, seq, head_hash)] = tx.call(
            "kw_register_signing_key", key.fingerprint, key.public_key
        )
        checkpoint = sign(
            key,
            seq=int(seq),
            hash=str(head_hash),
            signed_at=tx.now,
            database_id=database_id,
            signer=tx.operator.login,
        )
        [(checkpoint_id, *_)] = tx.call(
            "kw_add_checkpoint",
            checkpoint.seq,
            checkpoint.hash,
            checkpoint.signed_at,
            checkpoint.database_id,
            checkpoint.fingerprint,
            checkpoint.signature,
        )
        return SignedCheckpoint(int(checkpoint_id), checkpoint, key.public_key, bool(new))

    def may_sign(self) -> bool:
        """Whether the operator's role may sign checkpoints (auditors and admins)."""
        return self._context.operator().role in SIGNERS

    def list(self) -> builtins.list[CheckpointInfo]:
        """Every stored checkpoint, newest first, each with its signature checked."""
        with self._context.read() as session:
            require(self._context.operator_in(session).role, Action.READ_AUDIT)
            keys = _known_keys(session)
            rows = session.execute(
                sa.select(CheckpointRow).order_by(CheckpointRow.seq.desc(), CheckpointRow.id.desc())
            ).scalars()
            return [
                _info(row, signature_problem(_stored(row), keys.get(row.fingerprint)) is None)
                for row in rows
            ]

    def verify(
        self, files: Sequence[tuple[str, Checkpoint]] = (), progress: Progress | None = None
    ) -> AuditVerdict:
        """The chain, every stored checkpoint, and each given one (named for people)."""
        with self._context.read() as session:
            require(self._context.operator_in(session).role, Action.READ_AUDIT)
            return _verify_in(session, files, progress)[0]


def _known_keys(session: Session) -> dict[str, KnownKey]:
    return {
        row.fingerprint: KnownKey(row.fingerprint, row.login, row.public_key)
        for row in session.execute(sa.select(SigningKeyRow)).scalars()
    }


def _info(row: CheckpointRow, valid: bool | None) -> CheckpointInfo:
    try:
        signed_at = datetime.fromisoformat(row.signed_at.replace("Z", "+00:00"))
    except ValueError:  # a row altered into something that is not a time
        signed_at = datetime.min.replace(tzinfo=UTC)
        valid = False
    return CheckpointInfo(row.seq, row.hash, signed_at, row.signer, row.fingerprint, valid)


def _verify_in(
    session: Session,
    files: Sequence[tuple[str, Checkpoint]],
    progress: Progress | None,
) -> tuple[AuditVerdict, list[tuple[str, CheckpointRow]], int]:
    """(verdict, the stored checkpoint rows by source name, events walked) in one walk."""
    head = session.get(AuditHead, AUDIT_HEAD_ID)
    database_id = session.execute(
        sa.select(Setting.value).where(Setting.name == DATABASE_ID_SETTING)
    ).scalar_one_or_none()
    keys = _known_keys(session)
    rows = [
        (f"checkpoint {row.id}", row)
        for row in session.execute(sa.select(CheckpointRow).order_by(CheckpointRow.id)).scalars()
    ]
    checkpoints = [*((source, _stored(row)) for source, row in rows), *files]
    session.expunge_all()
    head_seq = head.seq if head else None
    # Events appended while the walk runs are not walked: on a server (and in the worker
    # process) the walk may see newer rows than the head read above. Rows after that head
    # are looked at below.
    up_to = head_seq
    if up_to is None:
        up_to = session.execute(sa.select(sa.func.max(AuditEvent.seq))).scalar() or 0
    wanted = frozenset(checkpoint.seq for _, checkpoint in checkpoints)
    walked = walk_chain(session, up_to, wanted, progress)
    verdict = AuditVerdict(
        walked.report(head_seq=head_seq, head_hash=head.hash if head else None),
        tuple(
            judge(checkpoints, walked.hashes, walked.last_seq, keys=keys, database_id=database_id)
        ),
    )
    if verdict.ok and head_seq is not None:
        verdict = _nothing_after_head(session, verdict, head_seq)
    return verdict, rows, walked.fed


def _nothing_after_head(session: Session, verdict: AuditVerdict, head_seq: int) -> AuditVerdict:
    """Events after the head read at the start are fine only if the head has moved on."""
    newest = session.execute(sa.select(sa.func.max(AuditEvent.seq))).scalar() or 0
    if newest <= head_seq:
        return verdict
    now = session.execute(sa.select(AuditHead.seq).where(AuditHead.id == AUDIT_HEAD_ID)).scalar()
    if now is not None and newest <= now:
        return verdict
    problem = "there are events after the recorded head of the chain (inserted)."
    chain = ChainReport(False, verdict.chain.events_checked, (now or head_seq) + 1, problem)
    return AuditVerdict(chain, verdict.checkpoints)


def integrity_in(session: Session, progress: Progress | None = None) -> IntegrityReport:
    """The chain and every stored checkpoint, as one report (see ``AuditService``)."""
    verdict, rows, walked = _verify_in(session, (), progress)
    reports = {report.source: report for report in verdict.checkpoints}
    newest = None
    for source, row in sorted(rows, key=lambda pair: (pair[1].seq, pair[1].id), reverse=True):
        newest = _info(row, reports[source].ok if source in reports else None)
        break
    chain = verdict.chain
    first_bad = None
    problem = None
    if not chain.ok:
        first_bad, problem = chain.first_bad_seq, verdict.message
    elif verdict.failures:
        failed = verdict.failures[0]
        first_bad, problem = failed.first_bad_seq, verdict.message
    return IntegrityReport(
        intact=verdict.ok,
        events=walked,
        first_bad_seq=first_bad,
        newest_checkpoint=newest,
        problem=problem,
    )


def _stored(row: CheckpointRow) -> Checkpoint:
    # Taken as stored, unchecked: a row altered in the database fails its signature check.
    return Checkpoint(
        seq=row.seq,
        hash=row.hash,
        signed_at=row.signed_at,
        database_id=row.database_id,
        signer=row.signer,
        fingerprint=row.fingerprint,
        signature=row.signature,
    )
