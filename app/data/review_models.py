"""Access reviews: a review, and one item per key in its scope with the owner's answer.

Kept beside :mod:`app.data.models` on the same ``Base`` (like the checkpoint tables). On a
server database only the definer routines of :mod:`app.data.server.reviews_sql` write them.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.data.models import Base
from app.data.types import UTCDateTime


class ReviewRow(Base):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    instructions: Mapped[str] = mapped_column(sa.String(2000), default="")
    #: The scope it was started with: one owner's keys, or those a search found (or all).
    scope_owner: Mapped[str | None] = mapped_column(sa.String(64))
    scope_search: Mapped[str | None] = mapped_column(sa.String(200))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_by: Mapped[str] = mapped_column(sa.String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(sa.String(16))  # open | closed
    closed_by: Mapped[str | None] = mapped_column(sa.String(64))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ReviewItemRow(Base):
    """One key under review, as it was when the review started, and its answer."""

    __tablename__ = "review_items"
    __table_args__ = (sa.Index("ix_review_items_owner_id_review_id", "owner_id", "review_id"),)

    review_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True
    )
    key_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    key_name: Mapped[str] = mapped_column(sa.String(100))
    owner_id: Mapped[int] = mapped_column(sa.Integer)
    owner_login: Mapped[str] = mapped_column(sa.String(64))
    answer: Mapped[str | None] = mapped_column(sa.String(16))  # keep | revoke
    note: Mapped[str | None] = mapped_column(sa.String(500))
    answered_by: Mapped[str | None] = mapped_column(sa.String(64))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
