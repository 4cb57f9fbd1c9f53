"""Typed SQLAlchemy 2 models. Only ``app.data`` sees these; services hand out frozen DTOs."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.data.types import UTCDateTime, text_nocase

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    role: Mapped[str] = mapped_column(sa.String(16))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ApiKey(Base):
    """One key. The full token is never here: only its id, a display mask and a hash."""

    __tablename__ = "api_keys"
    __table_args__ = (
        # Every sortable column has an index that ends in the primary key, for keyset paging.
        sa.Index("ix_api_keys_name_id", "name", "id"),
        sa.Index("ix_api_keys_owner_name_id", "owner_name", "id"),
        sa.Index("ix_api_keys_state_id", "state", "id"),
        sa.Index("ix_api_keys_last_used_at_id", "last_used_at", "id"),
        sa.Index("ix_api_keys_expires_at_id", "expires_at", "id"),
        sa.Index("ix_api_keys_created_at_id", "created_at", "id"),
        sa.Index("ix_api_keys_updated_at_id", "updated_at", "id"),
        sa.Index("ix_api_keys_owner_id_state", "owner_id", "state"),
        # "Replaced by" is found by looking for the key that names this one. Partial where the
        # database has them (migration 0010): almost every key replaces none, and SQLite's
        # ANALYZE then judged a full index useless and scanned the table for every page.
        # The migrations make the schema, PostgreSQL's partial indexes included; their
        # predicates are not repeated here, as a ``postgresql_where`` makes SQLAlchemy load
        # the PostgreSQL dialect into every process (4 MiB of the console's memory on SQLite).
        sa.Index(
            "ix_api_keys_replaces_key_id",
            "replaces_key_id",
            sqlite_where=sa.text("replaces_key_id IS NOT NULL"),
        ),
        # Needs attention (migration 0006): stale keys and their counts from the index alone,
        # keys older than the maximum lifetime, keys without a description (a partial index
        # where the database has them), and the People view's per-owner figures.
        sa.Index(
            "ix_api_keys_state_last_used_at_created_at",
            "state",
            "last_used_at",
            "created_at",
            "id",
            "expires_at",
        ),
        sa.Index("ix_api_keys_created_at_id_state", "created_at", "id", "state"),
        sa.Index(
            "ix_api_keys_undocumented_name_id",
            "name",
            "id",
            "state",
            "description",
            sqlite_where=sa.text("description = ''"),  # and on PostgreSQL (see above)
        ).ddl_if(dialect=("sqlite", "postgresql")),  # type: ignore[arg-type]  # a tuple works
        sa.Index(
            "ix_api_keys_owner_id_state_expires_at_last_used_at",
            "owner_id",
            "state",
            "expires_at",
            "last_used_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(sa.String(16), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(16))
    environment: Mapped[str] = mapped_column(sa.String(16))
    name: Mapped[str] = mapped_column(text_nocase(100))
    description: Mapped[str] = mapped_column(sa.String(2000), default="")
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # Denormalised from users.display_name so that sorting and searching by owner need no join.
    owner_name: Mapped[str] = mapped_column(text_nocase(100))
    masked: Mapped[str] = mapped_column(sa.String(64))
    # Deferred: on a server database only the verification routine may read it, so no
    # ordinary query asks for it.
    secret_hash: Mapped[str] = mapped_column(sa.String(255), deferred=True)
    state: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(sa.String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(sa.String(64))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(sa.String(500))
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    #: The key this one took the place of, by rotation or replacement (its key id).
    replaces_key_id: Mapped[str | None] = mapped_column(sa.String(16))


class AuditEvent(Base):
    """One link of the hash chain; every field here is covered by ``hash``."""

    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_target", "target_type", "target_id", "seq"),
        # The audit view's filters, newest first (migration 0004).
        sa.Index("ix_audit_events_actor_seq", "actor", "seq"),
        sa.Index("ix_audit_events_action_seq", "action", "seq"),
        sa.Index("ix_audit_events_occurred_at_seq", "occurred_at", "seq"),
    )

    seq: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    occurred_at: Mapped[str] = mapped_column(sa.String(32))
    actor: Mapped[str] = mapped_column(sa.String(64))
    action: Mapped[str] = mapped_column(sa.String(32))
    target_type: Mapped[str] = mapped_column(sa.String(16))
    target_id: Mapped[str] = mapped_column(sa.String(64))
    before: Mapped[str | None] = mapped_column(sa.Text)
    after: Mapped[str | None] = mapped_column(sa.Text)
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    host: Mapped[str] = mapped_column(sa.String(255))
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))


class AuditHead(Base):
    """The newest link of the chain, one row. Locking it serialises every write."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(sa.Integer)
    hash: Mapped[str] = mapped_column(sa.String(64))


class DailyUsage(Base):
    __tablename__ = "daily_usage"

    key_pk: Mapped[int] = mapped_column(
        sa.ForeignKey("api_keys.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    count: Mapped[int] = mapped_column(sa.Integer)


class Setting(Base):
    __tablename__ = "settings"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(500))
