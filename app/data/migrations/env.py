"""Alembic environment: always run with a connection handed in by app.data.schema."""

from __future__ import annotations

from alembic import context

import app.data.checkpoint_models  # their tables belong to Base.metadata
import app.data.review_models  # noqa: F401  (the same)
from app.data.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `keyward db upgrade`, not the alembic command")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
