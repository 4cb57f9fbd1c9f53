"""Evidence packs: a period's audit trail, its checkpoints and the key inventory, checkable
offline by anyone (issue 8).

A pack is one folder (or one zip of the same files):

* ``inventory-start.csv``/``.json`` — the keys as they were just before the period began,
* ``inventory-end.csv``/``.json`` — the keys as they were when it ended,
* ``events.jsonl`` — every event of the period in chain order with all its chain fields,
  preceded by the one event before the period (so the first link can be checked) and
  followed, when there is one, by the events up to the first signed checkpoint at or after
  the period's end (so a signature pins the whole period),
* ``checkpoints.json`` — the stored checkpoints on those events, with their signers' public
  keys,
* ``README.txt`` — what each file is and how to check it, with the standard-library lines,
* ``manifest.json`` — the SHA-256 of every other file, and what the pack covers.

The pack is written into a private temporary folder beside the target and renamed into
place only when complete, so a failure or a Cancel leaves nothing behind. :func:`verify_evidence`
checks a pack with no database at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.data.checkpoint_models import DATABASE_ID_SETTING, CheckpointRow, SigningKeyRow
from app.data.models import AuditEvent, Setting
from app.domain.audit import EVENT_FIELDS, GENESIS_HASH, AuditRecord, record_hash
from app.domain.checkpoint import Checkpoint, KnownKey, fingerprint_of, signature_problem
from app.domain.clock import isoformat_utc
from app.domain.errors import (
    Cancelled,
    Field,
    KeywardError,
    OutputError,
    Progress,
    ValidationError,
)
from app.domain.roles import Action, require
from app.domain.wording import counted
from app.services.context import ServiceContext
from app.services.inventory import (
    InventoryFiles,
    PeriodScan,
    Values,
    instant_text,
    inventories_writing_first,
    write_file,
)

PACK_FORMAT = "keyward-evidence"
PACK_VERSION = 1
MANIFEST = "manifest.json"
EVENTS = "events.jsonl"
CHECKPOINTS = "checkpoints.json"
README = "README.txt"
INVENTORY_START = "inventory-start"
INVENTORY_END = "inventory-end"
PACK_FILES = (
    f"{INVENTORY_START}.csv",
    f"{INVENTORY_START}.json",
    f"{INVENTORY_END}.csv",
    f"{INVENTORY_END}.json",
    EVENTS,
    CHECKPOINTS,
    README,
)
#: The longest period one pack covers.
MAX_DAYS = 3660
_BATCH = 5000


@dataclass(frozen=True, slots=True)
class EvidenceResult:
    """Where the pack went (the folder, or the zip file), its files and what it holds."""

    directory: Path
    files: tuple[str, ...]
    events: int  # events in events.jsonl (the period's, plus the links around it)
    keys: int  # keys in the end inventory


@dataclass(frozen=True, slots=True)
class EvidenceVerdict:
    ok: bool
    problem: str | None
    events: int
    checkpoints: int

    def sentence(self) -> str:
        if self.ok:
            return (
                f"The evidence pack is intact: every file matches the manifest, {self.events} "
                f"{'event forms' if self.events == 1 else 'events form'} an unbroken chain and "
                f"{counted(self.checkpoints, 'signed checkpoint')} "
                f"hold{'s' if self.checkpoints == 1 else ''}."
            )
        return f"The evidence pack does not hold: {self.problem}"


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00 UTC, the day after end 00:00 UTC): both days whole, in UTC."""
    if end < start:
        raise ValidationError(Field.ARGUMENT, "The period ends before it starts.")
    if (end - start).days > MAX_DAYS:
        raise ValidationError(Field.ARGUMENT, "A pack covers at most ten years.")
    first = datetime.combine(start, time(0, 0), tzinfo=UTC)
    return first, datetime.combine(end + timedelta(days=1), time(0, 0), tzinfo=UTC)


# --------------------------------------------------------------------------- the target


def check_target(target: Path) -> None:
    """Refuse, before any work, a target that exists (a file, or a folder with anything in it)."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise OutputError(f"{target} already exists; choose a new name for the evidence pack.")
    if target.is_dir() and any(target.iterdir()):
        raise OutputError(
            f"The folder {target} is not empty; choose a new or empty folder for the pack."
        )
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"The folder {folder} does not exist.")


def _publish_folder(temporary: Path, target: Path) -> None:
    if target.is_dir():
        target.rmdir()  # empty (checked), so the rename may take its place
    os.rename(temporary, target)
    os.chmod(target, 0o700)


def _publish_zip(temporary: Path, target: Path, names: tuple[str, ...]) -> None:
    descriptor, staged = tempfile.mkstemp(prefix=".keyward-", suffix=".zip", dir=target.parent)
    try:
        with os.fdopen(descriptor, "wb") as raw:
            with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for name in names:
                    archive.write(temporary / name, name)
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(staged, 0o600)
        os.link(staged, target)  # fails if something appeared there meanwhile
    except FileExistsError:
        raise OutputError(f"{target} already exists; choose a new name for the pack.") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(staged)


# --------------------------------------------------------------------------- the service


class _Steps:
    """Progress over the whole export: the scan, then the events written."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self.total = 0
        self.offset = 0

    def report(self, done: int, total: int) -> bool:
        if self._progress is None:
            return True
        self.total = max(self.total, self.offset + total)
        return self._progress(self.offset + done, self.total)

    def check(self, done: int) -> None:
        if not self.report(done, self.total - self.offset):
            raise Cancelled(done=self.offset + done, total=self.total)


class EvidenceService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def export(
        self, start: date, end: date, target: Path, progress: Progress | None = None
    ) -> EvidenceResult:
        """Write the pack for the days ``start`` to ``end`` (both whole, UTC) to ``target``.

        ``target`` is a new (or empty) folder, or a new file ending in ``.zip``. Auditors,
        managers and admins may export. Raises :class:`Cancelled` when ``progress`` returns
        False; nothing is left behind then (nor on any failure).
        """
        period_start, period_end = period_bounds(start, end)
        as_zip = target.suffix.lower() == ".zip"
        check_target(target)
        with self._context.read() as session:
            operator = self._context.operator_in(session)
            require(operator.role, Action.READ_AUDIT)
            temporary = Path(tempfile.mkdtemp(prefix=".keyward-evidence-", dir=target.parent))
            try:
                result = self._write(
                    session,
                    temporary,
                    period_start,
                    period_end,
                    _Steps(progress),
                    operator.login,
                )
                if as_zip:
                    _publish_zip(temporary, target, (*PACK_FILES, MANIFEST))
                else:
                    _publish_folder(temporary, target)
            except OSError as error:
                raise OutputError(
                    f"Cannot write the evidence pack to {target}: "
                    f"{error.strerror or 'write failed'}."
                ) from None
            finally:
                if temporary.exists():
                    shutil.rmtree(temporary, ignore_errors=True)
        return EvidenceResult(target, (*PACK_FILES, MANIFEST), result[0], result[1])

    def _write(
        self,
        session: Session,
        folder: Path,
        period_start: datetime,
        period_end: datetime,
        steps: _Steps,
        login: str,
    ) -> tuple[int, int]:
        # Inventories just before the period began and just before it ended.
        before_start = period_start - timedelta(microseconds=1)
        before_end = period_end - timedelta(microseconds=1)
        scan = PeriodScan(instant_text(period_start), instant_text(period_end))
        found: dict[str, Any] = {}
        #: Each file's SHA-256, taken as it was written (by whichever process wrote it).
        digests: dict[str, str] = {}

        def meanwhile(others: list[list[Values]]) -> None:
            """The rest of the pack, while a worker may write the start inventory."""
            [inventory_end] = others
            steps.offset = steps.total
            end = InventoryFiles(
                str(folder),
                f"{INVENTORY_END}.csv",
                f"{INVENTORY_END}.json",
                str(isoformat_utc(period_end)),
            ).write(inventory_end)
            found["end_keys"] = end.keys
            digests.update(end.digests)
            first, last = self._range(session, scan)
            found["first"], found["last"] = first, last
            found["database_id"] = database_id = session.execute(
                sa.select(Setting.value).where(Setting.name == DATABASE_ID_SETTING)
            ).scalar_one_or_none()
            found["checkpoints"] = checkpoints = self._checkpoints(session, first, last)
            found["events"] = 0

            def write_events(stream: IO[str]) -> None:
                found["events"] = self._events(session, stream, first, last, steps)

            digests[EVENTS] = write_file(folder, EVENTS, write_events)
            digests[CHECKPOINTS] = write_file(
                folder,
                CHECKPOINTS,
                lambda stream: stream.write(
                    json.dumps(
                        {"database_id": database_id, "checkpoints": checkpoints},
                        indent=2,
                        ensure_ascii=False,
                    )
                    + "\n"
                ),
            )
            digests[README] = write_file(folder, README, lambda stream: stream.write(readme_text()))

        start_files = InventoryFiles(
            str(folder),
            f"{INVENTORY_START}.csv",
            f"{INVENTORY_START}.json",
            str(isoformat_utc(period_start)),
        )
        start = inventories_writing_first(
            session, [before_start, before_end], start_files, meanwhile, steps.report, scan
        )
        digests.update(start.digests)
        first, last, events = found["first"], found["last"], found["events"]
        database_id, checkpoints = found["database_id"], found["checkpoints"]
        manifest = {
            "format": PACK_FORMAT,
            "version": PACK_VERSION,
            "database_id": database_id,
            "period": {
                "from": period_start.date().isoformat(),
                "to": (period_end - timedelta(days=1)).date().isoformat(),
                "start": isoformat_utc(period_start),
                "end": isoformat_utc(period_end),
            },
            "generated_at": isoformat_utc(self._context.clock()),
            "generated_by": login,
            "events": {
                "first_seq": first,
                "last_seq": last if events else None,
                "count": events,
                "period_first_seq": scan.first,
                "period_last_seq": scan.last,
            },
            "inventory": {"start_keys": start.keys, "end_keys": found["end_keys"]},
            "checkpoints": len(checkpoints),
            "files": {name: digests[name] for name in PACK_FILES},
        }
        write_file(
            folder,
            MANIFEST,
            lambda stream: stream.write(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"),
        )
        return events, int(found["end_keys"])

    @staticmethod
    def _range(session: Session, scan: PeriodScan) -> tuple[int, int]:
        """The events to export: the one before the period through the period's last, and on
        to the first checkpoint at or after it when there is one."""
        if scan.first is None:
            # No event in the period: the chain's state then is the last event before it.
            if scan.before is None:
                return 1, 0  # nothing at all
            first = last = scan.before
        else:
            assert scan.last is not None
            first, last = max(scan.first - 1, 1), scan.last
        pinned = session.execute(
            sa.select(sa.func.min(CheckpointRow.seq)).where(CheckpointRow.seq >= last)
        ).scalar()
        if pinned is not None and int(pinned) <= scan.head:
            last = max(last, int(pinned))
        return first, last

    @staticmethod
    def _checkpoints(session: Session, first: int, last: int) -> list[dict[str, Any]]:
        keys = {row.fingerprint: row for row in session.execute(sa.select(SigningKeyRow)).scalars()}
        result = []
        for row in session.execute(
            sa.select(CheckpointRow)
            .where(CheckpointRow.seq >= first, CheckpointRow.seq <= last)
            .order_by(CheckpointRow.seq, CheckpointRow.id)
        ).scalars():
            key = keys.get(row.fingerprint)
            result.append(
                {
                    "id": row.id,
                    "seq": row.seq,
                    "hash": row.hash,
                    "signed_at": row.signed_at,
                    "database_id": row.database_id,
                    "signer": row.signer,
                    "fingerprint": row.fingerprint,
                    "signature": row.signature,
                    "public_key": None if key is None else key.public_key,
                    "key_login": None if key is None else key.login,
                }
            )
        return result

    @staticmethod
    def _events(session: Session, stream: IO[str], first: int, last: int, steps: _Steps) -> int:
        """Write the events ``first..last`` as JSON lines, in keyset batches read through
        the driver's own cursor (plain tuples in :data:`EVENT_FIELDS` order: integers and
        text, as every driver returns them)."""
        count = 0
        if last < 1:
            return 0
        after = first - 1
        steps.report(0, last - after)
        columns = AuditEvent.__table__.c
        connection = session.connection()
        compiled = (
            sa.select(*(columns[name] for name in EVENT_FIELDS))
            .where(
                columns.seq > sa.bindparam("after_seq", type_=sa.Integer),
                columns.seq <= sa.bindparam("last_seq", type_=sa.Integer),
            )
            .order_by(columns.seq)
            .limit(_BATCH)
            .compile(dialect=connection.dialect)
        )
        cursor = connection.connection.cursor()
        try:
            while True:
                values = compiled.construct_params({"after_seq": after, "last_seq": last})
                if compiled.positional:
                    cursor.execute(
                        str(compiled), tuple(values[name] for name in compiled.positiontup or ())
                    )
                else:
                    cursor.execute(str(compiled), values)
                rows = cursor.fetchall()
                if not rows:
                    return count
                stream.writelines(event_line(row) for row in rows)
                count += len(rows)
                after = rows[-1][0]
                steps.check(after - first + 1)
        finally:
            cursor.close()


def event_line(row: tuple[Any, ...]) -> str:
    """One line of ``events.jsonl``: a stored row in :data:`EVENT_FIELDS` order, as JSON
    (what :meth:`AuditRecord.as_dict` gives, keys sorted)."""
    event = dict(zip(EVENT_FIELDS, row, strict=True))
    return json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n"


# --------------------------------------------------------------------------- README

#: The standard-library check, exactly as README.txt shows it (tests run these lines).
STDLIB_CHECK = """\
import hashlib, json, pathlib

pack = pathlib.Path(".")
manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
for name, digest in manifest["files"].items():
    assert hashlib.sha256((pack / name).read_bytes()).hexdigest() == digest, f"{name} changed"
field = lambda v: "-" if v is None else f"{len(v.encode())}:{v}"
names = "occurred_at actor action target_type target_id before after reason host".split()
prev = None
for line in (pack / "events.jsonl").read_text(encoding="utf-8").split("\\n")[:-1]:
    e = json.loads(line)
    parts = ["keyward-audit-2", str(e["seq"]), *(field(e[n]) for n in names), e["prev_hash"]]
    assert hashlib.sha256("\\n".join(parts).encode()).hexdigest() == e["hash"], e["seq"]
    assert e["seq"] > 1 or e["prev_hash"] == "0" * 64, "event 1 has a previous hash"
    if prev is not None:
        assert (e["seq"], e["prev_hash"]) == (prev["seq"] + 1, prev["hash"]), e["seq"]
    prev = e
print("manifest and chain hold")
"""


def readme_text() -> str:
    indented = "".join(f"    {line}\n" for line in STDLIB_CHECK.splitlines())
    return f"""\
Keyward evidence pack
=====================

What the files are
------------------
manifest.json        What the pack covers (period, database identity, event numbers) and
                     the SHA-256 of every other file.
inventory-start.csv  The keys that existed just before the period began (00:00 UTC of its
inventory-start.json first day), as they were then: id, name, owner, status, environment,
                     created, expires, revoked, description. Rebuilt from the audit trail.
inventory-end.csv    The same, just before the period ended (00:00 UTC of the day after its
inventory-end.json   last day).
events.jsonl         The audit events, one JSON object per line, oldest first, with every
                     field the chain hash covers plus prev_hash and hash. The first line is
                     the event just before the period (its own link cannot be checked here,
                     unless it is event 1, whose prev_hash is 64 zeros); it lets you check
                     the link into the period. When a signed checkpoint exists at or after
                     the period's last event, the lines go on up to that checkpoint's event,
                     so its signature vouches for the whole period. manifest.json names the
                     period's first and last event (period_first_seq, period_last_seq).
checkpoints.json     The signed checkpoints on those events: event number, hash, signing
                     time, database identity, signer, key fingerprint, Ed25519 signature, and
                     the signer's registered public key (public_key, key_login).
README.txt           This file.

How an event's hash is made
---------------------------
SHA-256 (hex) of these lines joined with "\\n": "keyward-audit-2", the event number, then
occurred_at, actor, action, target_type, target_id, before, after, reason and host, each
written as its length in UTF-8 bytes, a colon and the text (or "-" when null), and last
the previous event's hash. Each event's prev_hash is the hash of the event before it.

How to check it
---------------
With Keyward (no database needed):  keyward audit verify-evidence PATH
It checks the manifest, the chain, each checkpoint's signature and that each checkpoint's
event has the hash that was signed, and names the first problem.

With nothing but Python 3 (manifest and chain; unzip a zipped pack first), in this folder:

    python3 - <<'EOF'
{indented}    EOF

A checkpoint's signature (Ed25519, needs a library such as `cryptography`) covers these
lines joined with "\\n": "keyward-checkpoint-1", seq, hash, then signed_at, database_id
and signer each as length:text, then fingerprint. The fingerprint is the SHA-256 of the
32-byte public key. Check also that the event with that seq in events.jsonl has that hash.
"""


# --------------------------------------------------------------------------- verification


class _Problem(KeywardError):
    pass


class _Pack:
    """The files of a pack: a folder, or a zip of the same files."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        if path.is_file():
            try:
                self._zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError):
                raise _Problem(f"{path} is neither a folder nor a zip file.") from None
        elif not path.is_dir():
            raise _Problem(f"There is no evidence pack at {path}.")

    def names(self) -> set[str]:
        if self._zip is not None:
            return {name for name in self._zip.namelist() if not name.endswith("/")}
        return {entry.name for entry in self.path.iterdir() if entry.is_file()}

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        if name not in self.names():
            raise _Problem(f"{name} is missing.")
        if self._zip is not None:
            with self._zip.open(name) as stream:
                yield stream
        else:
            with (self.path / name).open("rb") as stream:
                yield stream

    def read(self, name: str) -> bytes:
        with self.open(name) as stream:
            return stream.read()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def _json(data: bytes, name: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise _Problem(f"{name} is not valid JSON.") from None


def verify_evidence(path: Path) -> EvidenceVerdict:
    """Check a pack with no database: manifest, chain, checkpoints; name the first problem."""
    counts = {"events": 0, "checkpoints": 0}
    try:
        pack = _Pack(Path(path))
    except _Problem as problem:
        return EvidenceVerdict(False, problem.message, 0, 0)
    try:
        _verify(pack, counts)
    except _Problem as problem:
        return EvidenceVerdict(False, problem.message, counts["events"], counts["checkpoints"])
    except OSError as error:
        return EvidenceVerdict(
            False,
            f"the pack cannot be read: {error.strerror or type(error).__name__}.",
            counts["events"],
            counts["checkpoints"],
        )
    finally:
        pack.close()
    return EvidenceVerdict(True, None, counts["events"], counts["checkpoints"])


def _verify(pack: _Pack, counts: dict[str, int]) -> None:
    manifest = _json(pack.read(MANIFEST), MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != PACK_FORMAT:
        raise _Problem("manifest.json does not describe a Keyward evidence pack.")
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(
        isinstance(name, str) and isinstance(digest, str) for name, digest in files.items()
    ):
        raise _Problem("manifest.json does not list the pack's files.")
    for name in PACK_FILES:
        if name not in files:
            raise _Problem(f"manifest.json does not list {name}.")
    present = pack.names()
    for name, digest in files.items():
        if "/" in name or "\\" in name or name in {"", ".", ".."}:
            raise _Problem(f"manifest.json names a file outside the pack ({name[:60]}).")
        if name not in present:
            raise _Problem(f"{name} is missing.")
        sha = hashlib.sha256()
        with pack.open(name) as stream:
            while chunk := stream.read(1 << 20):
                sha.update(chunk)
        if sha.hexdigest() != digest:
            raise _Problem(f"{name} does not match the manifest (it was changed).")
    extra = sorted(present - set(files) - {MANIFEST})
    if extra:
        raise _Problem(f"{extra[0]} is not listed in the manifest (it was added).")
    hashes = _verify_events(pack, manifest, counts)
    _verify_checkpoints(pack, manifest, hashes, counts)


def _record(line: bytes, number: int) -> AuditRecord:
    data = _json(line, f"Line {number} of {EVENTS}")
    if not isinstance(data, dict) or set(data) != set(EVENT_FIELDS):
        raise _Problem(f"Line {number} of {EVENTS} is not an audit event.")
    if type(data["seq"]) is not int or not all(
        data[name] is None or isinstance(data[name], str) for name in EVENT_FIELDS[1:]
    ):
        raise _Problem(f"Line {number} of {EVENTS} is not an audit event.")
    return AuditRecord(**data)


def _verify_events(pack: _Pack, manifest: dict[str, Any], counts: dict[str, int]) -> dict[int, str]:
    hashes: dict[int, str] = {}
    previous: AuditRecord | None = None
    with pack.open(EVENTS) as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            record = _record(line, number)
            if record_hash(record) != record.hash:
                raise _Problem(f"event #{record.seq} was modified: its hash does not match it.")
            if previous is None:
                if record.seq == 1 and record.prev_hash != GENESIS_HASH:
                    raise _Problem("event #1 does not start the chain.")
            elif record.seq != previous.seq + 1:
                raise _Problem(
                    f"the chain is broken after event #{previous.seq}: the next event is "
                    f"#{record.seq} (events deleted, inserted or reordered)."
                )
            elif record.prev_hash != previous.hash:
                raise _Problem(
                    f"event #{record.seq} does not follow event #{previous.seq} "
                    "(an event was forged, inserted or replaced)."
                )
            hashes[record.seq] = record.hash
            counts["events"] += 1
            previous = record
    described: dict[str, Any] = manifest.get("events") or {}
    if not isinstance(described, dict):
        raise _Problem("manifest.json does not describe its events.")
    if described.get("count") != counts["events"]:
        raise _Problem(
            f"events.jsonl holds {counts['events']} events, but the manifest says "
            f"{described.get('count')}."
        )
    if hashes and (
        described.get("first_seq") != min(hashes) or described.get("last_seq") != max(hashes)
    ):
        raise _Problem("events.jsonl does not hold the events the manifest names.")
    return hashes


def _verify_checkpoints(
    pack: _Pack, manifest: dict[str, Any], hashes: dict[int, str], counts: dict[str, int]
) -> None:
    data = _json(pack.read(CHECKPOINTS), CHECKPOINTS)
    items = data.get("checkpoints") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise _Problem("checkpoints.json does not list checkpoints.")
    database_id = manifest.get("database_id")
    for item in items:
        try:
            checkpoint = Checkpoint(
                seq=int(item["seq"]),
                hash=str(item["hash"]),
                signed_at=str(item["signed_at"]),
                database_id=str(item["database_id"]),
                signer=str(item["signer"]),
                fingerprint=str(item["fingerprint"]),
                signature=str(item["signature"]),
            )
            public_key = item.get("public_key")
            key = (
                KnownKey(fingerprint_of(public_key), str(item.get("key_login")), public_key)
                if isinstance(public_key, str)
                else None
            )
        except (KeyError, TypeError, ValueError):
            raise _Problem("checkpoints.json holds a checkpoint that is malformed.") from None
        what = f"the checkpoint at event #{checkpoint.seq}"
        problem = signature_problem(checkpoint, key)
        if problem is not None:
            problem = problem.replace("in this database", "in the pack")
            raise _Problem(f"{what} does not hold: {problem}")
        if database_id is not None and checkpoint.database_id != database_id:
            raise _Problem(f"{what} was signed for another database.")
        if hashes.get(checkpoint.seq) != checkpoint.hash:
            if checkpoint.seq not in hashes:
                raise _Problem(f"{what} names an event that is not in events.jsonl.")
            raise _Problem(
                f"{what} does not hold: event #{checkpoint.seq} does not have the hash "
                "that was signed (the history was rewritten)."
            )
        counts["checkpoints"] += 1
    if manifest.get("checkpoints") != counts["checkpoints"]:
        raise _Problem("checkpoints.json does not hold the checkpoints the manifest names.")
