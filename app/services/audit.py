"""Reading, verifying and exporting the audit trail."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.data.models import AuditEvent, AuditHead
from app.domain.audit import AuditAction, AuditRecord, ChainReport, verify_chain
from app.domain.errors import Field, ValidationError
from app.domain.key_format import could_be_key_id, key_id_of
from app.domain.roles import Action, require
from app.services.context import AUDIT_HEAD_ID, ServiceContext
from app.services.dto import AuditEventDTO, snapshot_json

EXPORT_FIELDS = (
    "seq",
    "occurred_at",
    "actor",
    "action",
    "target_type",
    "target_id",
    "before",
    "after",
    "reason",
    "host",
    "prev_hash",
    "hash",
)
_BATCH = 2000


def to_record(row: AuditEvent) -> AuditRecord:
    return AuditRecord(
        seq=row.seq,
        occurred_at=row.occurred_at,
        actor=row.actor,
        action=row.action,
        target_type=row.target_type,
        target_id=row.target_id,
        before=row.before,
        after=row.after,
        reason=row.reason,
        host=row.host,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def to_dto(record: AuditRecord) -> AuditEventDTO:
    try:
        action = AuditAction(record.action)
    except ValueError:
        action = AuditAction.KEY_EDITED
    return AuditEventDTO(
        seq=record.seq,
        occurred_at=datetime.fromisoformat(record.occurred_at.replace("Z", "+00:00")),
        actor=record.actor,
        action=action,
        target_type=record.target_type,
        target_id=record.target_id,
        before=snapshot_json(record.before),
        after=snapshot_json(record.after),
        reason=record.reason,
        host=record.host,
        record=record,
    )


def stored_records(session: Session) -> Iterator[AuditRecord]:
    """Every event in stored order (by the physical key), in batches, so memory stays flat."""
    last = 0
    while True:
        rows = list(
            session.execute(
                sa.select(AuditEvent)
                .where(AuditEvent.seq > last)
                .order_by(AuditEvent.seq)
                .limit(_BATCH)
            ).scalars()
        )
        if not rows:
            return
        for row in rows:
            yield to_record(row)
        last = rows[-1].seq
        session.expunge_all()


class AuditService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def recent(self, *, key_id: str | None = None, limit: int = 100) -> list[AuditEventDTO]:
        """The newest ``limit`` events, newest first."""
        if not 1 <= limit <= 100_000:
            raise ValidationError(Field.LIMIT, "The limit must be between 1 and 100000.")
        with self._context.read() as session:
            require(self._context.operator_in(session).role, Action.READ_AUDIT)
            statement = sa.select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit)
            if key_id:
                key_id = key_id_of(key_id)  # a pasted token's secret never reaches a query
                if not could_be_key_id(key_id):
                    return []
                statement = statement.where(
                    AuditEvent.target_type == "key", AuditEvent.target_id == key_id
                )
            return [to_dto(to_record(row)) for row in session.execute(statement).scalars()]

    def events_for(self, target_type: str, target_id: str) -> list[AuditEventDTO]:
        """Every event about one target, oldest first (permission checked by the caller)."""
        with self._context.read() as session:
            statement = (
                sa.select(AuditEvent)
                .where(AuditEvent.target_type == target_type, AuditEvent.target_id == target_id)
                .order_by(AuditEvent.seq)
            )
            return [to_dto(to_record(row)) for row in session.execute(statement).scalars()]

    @staticmethod
    def _records(session: Session) -> Iterator[AuditRecord]:
        return stored_records(session)

    def verify(self) -> ChainReport:
        with self._context.read() as session:
            require(self._context.operator_in(session).role, Action.READ_AUDIT)
            head = session.get(AuditHead, AUDIT_HEAD_ID)
            return verify_chain(
                self._records(session),
                head_seq=head.seq if head else None,
                head_hash=head.hash if head else None,
            )

    def export(self, stream: IO[str], fmt: str) -> int:
        """Write every event with its chain fields as CSV or JSON Lines; returns the count."""
        fmt = fmt.strip().lower()
        if fmt not in {"csv", "jsonl"}:
            raise ValidationError(Field.FORMAT, "Export as csv or jsonl.")
        count = 0
        with self._context.read() as session:
            require(self._context.operator_in(session).role, Action.READ_AUDIT)
            writer = csv.DictWriter(stream, EXPORT_FIELDS) if fmt == "csv" else None
            if writer is not None:
                writer.writeheader()
            for record in self._records(session):
                row = record.as_dict()
                if writer is not None:
                    writer.writerow({k: "" if row[k] is None else row[k] for k in EXPORT_FIELDS})
                else:
                    stream.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
        return count


def read_export(stream: IO[str], fmt: str) -> Iterator[AuditRecord]:
    """Records from an export, for verifying it offline with :func:`verify_chain`."""
    if fmt == "csv":
        for row in csv.DictReader(stream):
            fields: dict[str, Any] = {
                k: (v if v != "" or k not in _NULLABLE else None) for k, v in row.items()
            }
            fields["seq"] = int(fields["seq"])
            yield AuditRecord(**fields)
    else:
        for line in stream:
            if line.strip():
                yield AuditRecord(**json.loads(line))


_NULLABLE = {"before", "after", "reason"}
