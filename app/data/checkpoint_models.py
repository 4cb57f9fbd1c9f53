"""Signed checkpoints of the audit chain and the public keys that signed them.

Kept beside :mod:`app.data.models` on the same ``Base``, so Alembic and the schema tests see
them once this module is imported (``app.data.models`` imports nothing from here).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.data.models import Base
from app.data.types import UTCDateTime

#: The settings row that names this database in every checkpoint signed for it.
DATABASE_ID_SETTING = "database_id"


class SigningKeyRow(Base):
    """An operator's Ed25519 public key (raw, hex), registered once per key."""

    __tablename__ = "signing_keys"

    fingerprint: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    login: Mapped[str] = mapped_column(sa.String(64))
    public_key: Mapped[str] = mapped_column(sa.String(64))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CheckpointRow(Base):
    """A signed checkpoint: the chain's head (seq, hash) when it was signed."""

    __tablename__ = "audit_checkpoints"
    __table_args__ = (sa.Index("ix_audit_checkpoints_seq", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(sa.Integer)
    hash: Mapped[str] = mapped_column(sa.String(64))
    signed_at: Mapped[str] = mapped_column(sa.String(32))
    database_id: Mapped[str] = mapped_column(sa.String(36))
    signer: Mapped[str] = mapped_column(sa.String(64))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    signature: Mapped[str] = mapped_column(sa.String(128))
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime())
