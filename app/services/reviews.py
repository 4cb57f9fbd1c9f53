"""Access reviews: an admin asks, each key's owner answers keep or revoke, the admin closes.

A review covers the keys that are not revoked in its scope (every key, one owner's, or those a
search finds), as they were when it started. Each owner sees the open items of their own keys
and answers each: keep (with an optional note, such as where the secret lives) or revoke,
which revokes the key at once. The admin follows the tally per owner; at or after the due date
they act on what is still unanswered with a bulk change (disable, by default — see
:mod:`app.services.bulk`, dry run first) and close the review. Every start, answer and close
is an audit event, and a closed review exports as evidence of recertification.

On a server database the routines of :mod:`app.data.server.reviews_sql` make every change
and check every rule again; here the same rules are checked first for clear messages (and are
the only check on SQLite).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from app.data.models import ApiKey, AuditEvent, User
from app.data.review_models import ReviewItemRow, ReviewRow
from app.domain.audit import EVENT_FIELDS, AuditAction
from app.domain.clock import isoformat_utc
from app.domain.errors import Field, NotFound, PermissionDenied, ValidationError
from app.domain.key_format import key_id_of
from app.domain.roles import Action, Role, can, require
from app.domain.validation import check_text, clean_search
from app.services.context import ServiceContext, WriteTx
from app.services.files import write_private_file

KEEP = "keep"
REVOKE = "revoke"
OPEN = "open"
CLOSED = "closed"
MAX_TITLE = 200
MAX_INSTRUCTIONS = 2000
MAX_NOTE = 500


@dataclass(frozen=True, slots=True)
class ReviewItem:
    review_id: int
    key_id: str
    key_name: str
    owner_login: str
    answer: str | None
    note: str | None
    answered_by: str | None
    answered_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "review": self.review_id,
            "key": self.key_id,
            "name": self.key_name,
            "owner": self.owner_login,
            "answer": self.answer,
            "note": self.note,
            "answered_by": self.answered_by,
            "answered_at": isoformat_utc(self.answered_at),
        }


@dataclass(frozen=True, slots=True)
class OwnerProgress:
    owner_login: str
    answered: int
    open: int


@dataclass(frozen=True, slots=True)
class Review:
    id: int
    title: str
    instructions: str
    scope_owner: str | None
    scope_search: str | None
    due_at: datetime
    started_by: str
    started_at: datetime
    status: str
    closed_by: str | None
    closed_at: datetime | None
    kept: int
    revoked: int
    unanswered: int

    @property
    def total(self) -> int:
        return self.kept + self.revoked + self.unanswered

    @property
    def scope(self) -> str:
        if self.scope_owner and self.scope_search:
            return f"keys of {self.scope_owner} matching “{self.scope_search}”"
        if self.scope_owner:
            return f"keys of {self.scope_owner}"
        if self.scope_search:
            return f"keys matching “{self.scope_search}”"
        return "all keys"

    def overdue(self, now: datetime) -> bool:
        return self.status == OPEN and now >= self.due_at

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "instructions": self.instructions,
            "scope": self.scope,
            "due_at": isoformat_utc(self.due_at),
            "started_by": self.started_by,
            "started_at": isoformat_utc(self.started_at),
            "status": self.status,
            "closed_by": self.closed_by,
            "closed_at": isoformat_utc(self.closed_at),
            "kept": self.kept,
            "revoked": self.revoked,
            "unanswered": self.unanswered,
        }


@dataclass(frozen=True, slots=True)
class ReviewDetail:
    review: Review
    items: tuple[ReviewItem, ...]

    @property
    def progress(self) -> list[OwnerProgress]:
        """Answered and open items per owner, owners with open items first."""
        answered: Counter[str] = Counter()
        waiting: Counter[str] = Counter()
        for item in self.items:
            (answered if item.answer else waiting)[item.owner_login] += 1
        owners = sorted(set(answered) | set(waiting), key=lambda o: (-waiting[o], o))
        return [OwnerProgress(owner, answered[owner], waiting[owner]) for owner in owners]

    @property
    def unanswered_keys(self) -> list[str]:
        return [item.key_id for item in self.items if item.answer is None]


def _item(row: ReviewItemRow) -> ReviewItem:
    return ReviewItem(
        review_id=row.review_id,
        key_id=row.key_id,
        key_name=row.key_name,
        owner_login=row.owner_login,
        answer=row.answer,
        note=row.note,
        answered_by=row.answered_by,
        answered_at=row.answered_at,
    )


def _clean_text(text: str | None, field: Field, label: str, limit: int) -> str:
    cleaned = (text or "").strip()
    if cleaned:
        check_text(field, label, cleaned)
    if len(cleaned) > limit:
        raise ValidationError(field, f"Keep the {label} to {limit} characters or fewer.")
    return cleaned


class ReviewService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    # ----------------------------------------------------------------- reading

    def _tallies(self, session: Any, review_ids: list[int]) -> dict[int, Counter[str]]:
        tallies: dict[int, Counter[str]] = {review_id: Counter() for review_id in review_ids}
        if not review_ids:
            return tallies
        rows = session.execute(
            sa.select(ReviewItemRow.review_id, ReviewItemRow.answer, sa.func.count())
            .where(ReviewItemRow.review_id.in_(review_ids))
            .group_by(ReviewItemRow.review_id, ReviewItemRow.answer)
        )
        for review_id, answer, count in rows:
            tallies[review_id][answer or ""] += int(count)
        return tallies

    @staticmethod
    def _review(row: ReviewRow, tally: Counter[str]) -> Review:
        return Review(
            id=row.id,
            title=row.title,
            instructions=row.instructions,
            scope_owner=row.scope_owner,
            scope_search=row.scope_search,
            due_at=row.due_at,
            started_by=row.started_by,
            started_at=row.started_at,
            status=row.status,
            closed_by=row.closed_by,
            closed_at=row.closed_at,
            kept=tally[KEEP],
            revoked=tally[REVOKE],
            unanswered=tally[""],
        )

    def all(self, *, include_closed: bool = True) -> list[Review]:
        """Every review, newest first, with its tally (a member's: of their own keys)."""
        with self._context.read() as session:
            operator = self._context.operator_in(session)
            require(operator.role, Action.READ_OWN_KEYS)
            statement = sa.select(ReviewRow).order_by(ReviewRow.id.desc())
            if not include_closed:
                statement = statement.where(ReviewRow.status == OPEN)
            rows = session.execute(statement).scalars().all()
            tallies = self._tallies(session, [row.id for row in rows])
            if not can(operator.role, Action.READ_ALL_KEYS):
                tallies = self._own_tallies(session, operator.login, [row.id for row in rows])
            return [self._review(row, tallies[row.id]) for row in rows]

    def _own_tallies(
        self, session: Any, login: str, review_ids: list[int]
    ) -> dict[int, Counter[str]]:
        tallies: dict[int, Counter[str]] = {review_id: Counter() for review_id in review_ids}
        rows = session.execute(
            sa.select(ReviewItemRow.review_id, ReviewItemRow.answer, sa.func.count())
            .where(ReviewItemRow.review_id.in_(review_ids), ReviewItemRow.owner_login == login)
            .group_by(ReviewItemRow.review_id, ReviewItemRow.answer)
        )
        for review_id, answer, count in rows:
            tallies[review_id][answer or ""] += int(count)
        return tallies

    def show(self, review_id: int) -> ReviewDetail:
        """One review and its items (a member sees the items of their own keys)."""
        with self._context.read() as session:
            operator = self._context.operator_in(session)
            require(operator.role, Action.READ_OWN_KEYS)
            row = session.get(ReviewRow, review_id)
            if row is None:
                raise NotFound(f"There is no access review #{review_id}.")
            statement = (
                sa.select(ReviewItemRow)
                .where(ReviewItemRow.review_id == review_id)
                .order_by(ReviewItemRow.owner_login, ReviewItemRow.key_name, ReviewItemRow.key_id)
            )
            if not can(operator.role, Action.READ_ALL_KEYS):
                statement = statement.where(ReviewItemRow.owner_login == operator.login)
            items = tuple(_item(item) for item in session.execute(statement).scalars())
            tally = Counter(item.answer or "" for item in items)
            return ReviewDetail(self._review(row, tally), items)

    def waiting_on_me(self) -> list[ReviewItem]:
        """Open items of the operator's own keys in open reviews, oldest review first."""
        with self._context.read() as session:
            operator = self._context.operator_in(session)
            statement = (
                sa.select(ReviewItemRow)
                .join(ReviewRow, ReviewRow.id == ReviewItemRow.review_id)
                .where(
                    ReviewRow.status == OPEN,
                    ReviewItemRow.owner_login == operator.login,
                    ReviewItemRow.answer.is_(None),
                )
                .order_by(ReviewRow.due_at, ReviewItemRow.review_id, ReviewItemRow.key_name)
            )
            return [_item(row) for row in session.execute(statement).scalars()]

    # ----------------------------------------------------------------- changing

    def start(
        self,
        title: str,
        due_at: datetime,
        *,
        instructions: str | None = None,
        owner: str | None = None,
        search: str | None = None,
    ) -> Review:
        """Start a review of the keys in scope that are not revoked (admins only)."""
        title = _clean_text(title, Field.NAME, "title", MAX_TITLE)
        if not title:
            raise ValidationError(Field.NAME, "Give the review a title, e.g. “Q1 2027 key review”.")
        text = _clean_text(instructions, Field.DESCRIPTION, "instructions", MAX_INSTRUCTIONS)
        term = clean_search(search) or None
        if due_at.tzinfo is None:
            raise ValidationError(Field.EXPIRES, "Give the due date with its time zone.")
        with self._context.write() as tx:
            if tx.operator.role is not Role.ADMIN:
                raise PermissionDenied(
                    f"Your role ({tx.operator.role.label}) does not allow you to start access "
                    "reviews; ask a Keyward admin."
                )
            if due_at <= tx.now:
                raise ValidationError(Field.EXPIRES, "The due date must be in the future.")
            if tx.on_server:
                [(review_id, _count)] = tx.call("kw_start_review", title, text, due_at, owner, term)
                review_id = int(review_id)
            else:
                review_id = self._start_here(tx, title, text, due_at, owner, term)
        return self.show(review_id).review

    def _start_here(
        self,
        tx: WriteTx,
        title: str,
        instructions: str,
        due_at: datetime,
        owner: str | None,
        term: str | None,
    ) -> int:
        session = tx.session
        statement = (
            sa.select(ApiKey.key_id, ApiKey.name, ApiKey.owner_id, User.login)
            .join(User, User.id == ApiKey.owner_id)
            .where(ApiKey.state != "revoked")
            .order_by(ApiKey.id)
        )
        if owner is not None:
            owner_id = session.execute(
                sa.select(User.id).where(User.login == owner)
            ).scalar_one_or_none()
            if owner_id is None:
                raise NotFound(f"There is no Keyward user “{owner[:64]}”.")
            statement = statement.where(ApiKey.owner_id == owner_id)
        if term is not None:
            pattern = (
                "%" + term.lower().replace("|", "||").replace("%", "|%").replace("_", "|_") + "%"
            )
            statement = statement.where(
                sa.or_(
                    *(
                        sa.func.lower(column).like(pattern, escape="|")
                        for column in (
                            ApiKey.name,
                            ApiKey.description,
                            ApiKey.key_id,
                            ApiKey.owner_name,
                        )
                    )
                )
            )
        keys = session.execute(statement).all()
        if not keys:
            raise ValidationError(
                Field.SEARCH, "No key that is not revoked is in that scope; nothing to review."
            )
        review = ReviewRow(
            title=title,
            instructions=instructions,
            scope_owner=owner,
            scope_search=term,
            due_at=due_at,
            started_by=tx.operator.login,
            started_at=tx.now,
            status=OPEN,
        )
        session.add(review)
        session.flush()
        session.add_all(
            ReviewItemRow(
                review_id=review.id,
                key_id=key_id,
                key_name=name,
                owner_id=owner_id,
                owner_login=login,
            )
            for key_id, name, owner_id, login in keys
        )
        tx.audit(
            AuditAction.REVIEW_STARTED,
            "review",
            str(review.id),
            after={
                "title": title,
                "instructions": instructions,
                "due_at": isoformat_utc(due_at),
                "owner": owner,
                "search": term,
                "keys": len(keys),
            },
        )
        return review.id

    def answer(self, review_id: int, key_id: str, answer: str, note: str | None = None) -> None:
        """The key's owner keeps or revokes it; "revoke" revokes the key now."""
        key_id = key_id_of(key_id.strip())
        answer = answer.strip().lower()
        if answer not in {KEEP, REVOKE}:
            raise ValidationError(Field.STATE, "Answer keep or revoke.")
        cleaned = _clean_text(note, Field.REASON, "note", MAX_NOTE) or None
        with self._context.write() as tx:
            self._check_answer(tx, review_id, key_id)
            if tx.on_server:
                tx.call("kw_answer_review", review_id, key_id, answer, cleaned)
                return
            item = tx.session.get(ReviewItemRow, (review_id, key_id))
            assert item is not None
            item.answer = answer
            item.note = cleaned
            item.answered_by = tx.operator.login
            item.answered_at = tx.now
            tx.audit(
                AuditAction.REVIEW_ANSWERED,
                "review",
                str(review_id),
                after={"key": key_id, "name": item.key_name, "answer": answer, "note": cleaned},
            )
            if answer == REVOKE:
                self._revoke_here(tx, review_id, key_id)

    def _check_answer(self, tx: WriteTx, review_id: int, key_id: str) -> None:
        review = tx.session.get(ReviewRow, review_id)
        if review is None:
            raise NotFound(f"There is no access review #{review_id}.")
        if review.status != OPEN:
            raise ValidationError(
                Field.STATE, f"Access review #{review_id} is closed; it takes no more answers."
            )
        item = tx.session.get(ReviewItemRow, (review_id, key_id))
        if item is None:
            raise NotFound(f"Key {key_id[:16]} is not in access review #{review_id}.")
        if item.owner_login != tx.operator.login and tx.operator.role is not Role.ADMIN:
            raise PermissionDenied(
                f"Only the owner of “{item.key_name}” answers for it in an access review."
            )
        if item.answer is not None:
            raise ValidationError(
                Field.STATE,
                f"“{item.key_name}” was already answered ({item.answer}) by {item.answered_by}.",
            )

    @staticmethod
    def _revoke_here(tx: WriteTx, review_id: int, key_id: str) -> None:
        from app.services.keys import revoke_locally

        row = tx.session.execute(
            sa.select(ApiKey).where(ApiKey.key_id == key_id)
        ).scalar_one_or_none()
        if row is None or row.state == "revoked":
            return
        owner = tx.session.get(User, row.owner_id)
        assert owner is not None
        revoke_locally(tx, row, owner.login, f"access review #{review_id}: answered revoke")

    def close(self, review_id: int) -> Review:
        """Close the review (admins); act on unanswered keys with a bulk change first."""
        with self._context.write() as tx:
            if tx.operator.role is not Role.ADMIN:
                raise PermissionDenied(
                    f"Your role ({tx.operator.role.label}) does not allow you to close access "
                    "reviews; ask a Keyward admin."
                )
            if tx.on_server:
                tx.call("kw_close_review", review_id)
            else:
                review = tx.session.get(ReviewRow, review_id)
                if review is None:
                    raise NotFound(f"There is no access review #{review_id}.")
                if review.status != OPEN:
                    raise ValidationError(
                        Field.STATE, f"Access review #{review_id} is already closed."
                    )
                tally = Counter(
                    answer or ""
                    for answer in tx.session.execute(
                        sa.select(ReviewItemRow.answer).where(ReviewItemRow.review_id == review_id)
                    ).scalars()
                )
                review.status = CLOSED
                review.closed_by = tx.operator.login
                review.closed_at = tx.now
                tx.audit(
                    AuditAction.REVIEW_CLOSED,
                    "review",
                    str(review_id),
                    after={
                        "kept": tally[KEEP],
                        "revoked": tally[REVOKE],
                        "unanswered": tally[""],
                    },
                )
        return self.show(review_id).review

    # ----------------------------------------------------------------- evidence

    def export(self, review_id: int, target: Path) -> Path:
        """The review as evidence: its items (CSV) and its audit events with their chain
        fields and the newest signed checkpoint (JSON), in a new 0600 file each.

        ``target`` names the CSV file; the events go beside it as ``<name>.events.json``.
        """
        with self._context.read() as session:
            require(self._context.operator_in(session).role, Action.READ_AUDIT)
        detail = self.show(review_id)
        table = io.StringIO()
        writer = csv.writer(table)
        writer.writerow(
            ["review", "key", "name", "owner", "answer", "note", "answered_by", "answered_at"]
        )
        for item in detail.items:
            data = item.to_json()
            writer.writerow(
                [
                    data["review"],
                    data["key"],
                    data["name"],
                    data["owner"],
                    data["answer"] or "unanswered",
                    data["note"] or "",
                    data["answered_by"] or "",
                    data["answered_at"] or "",
                ]
            )
        with self._context.read() as session:
            events = [
                {column: getattr(row, column) for column in EVENT_FIELDS}
                for row in session.execute(
                    sa.select(AuditEvent)
                    .where(
                        AuditEvent.target_type == "review",
                        AuditEvent.target_id == str(review_id),
                    )
                    .order_by(AuditEvent.seq)
                ).scalars()
            ]
            checkpoint = self._newest_checkpoint(session)
        events_file = target.with_name(target.name + ".events.json")
        evidence = json.dumps(
            {"review": detail.review.to_json(), "events": events, "checkpoint": checkpoint},
            indent=2,
            ensure_ascii=False,
        )
        write_private_file(
            target,
            lambda out: out.write(table.getvalue()),
            what="the review",
            overwrite=False,
            newline="",
        )
        write_private_file(
            events_file,
            lambda out: out.write(evidence + "\n"),
            what="the review's audit events",
            overwrite=False,
        )
        return events_file

    @staticmethod
    def _newest_checkpoint(session: Any) -> dict[str, Any] | None:
        from app.data.checkpoint_models import CheckpointRow

        row = session.execute(
            sa.select(CheckpointRow).order_by(CheckpointRow.seq.desc()).limit(1)
        ).scalar_one_or_none()
        if row is None:
            return None
        return {
            "seq": row.seq,
            "hash": row.hash,
            "signed_at": row.signed_at,
            "signer": row.signer,
            "fingerprint": row.fingerprint,
        }
