"""Migration 0002 moves an existing audit chain to encoding version 2 and says so (DESIGN §6).

A database written by the previous version carries a chain hashed with encoding 1. The
upgrade checks it, re-hashes every event with encoding 2 (which the server databases compute
in SQL), and appends an ``audit.reanchored`` event that names the old head, so the change of
encoding is itself on the record.
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from alembic import command

from app.data.engine import create_engine
from app.data.models import AuditEvent
from app.data.schema import _config, upgrade
from app.domain.audit import GENESIS_HASH, AuditRecord, ChainReport, verify_chain
from app.domain.hashing import TokenHasher
from app.services import Services, open_services


def _v1(fields: dict[str, object], prev: str) -> str:
    body = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev}\n{body}".encode()).hexdigest()


def _old_database(url: str, *, tamper: bool = False) -> str:
    """A database at revision 0001 with three events chained by encoding 1."""
    engine = create_engine(url)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    prev = GENESIS_HASH
    with engine.begin() as connection:
        for seq in (1, 2, 3):
            fields = {
                "seq": seq,
                "occurred_at": f"2026-11-0{seq}T10:00:00Z",
                "actor": "ada",
                "action": "user.added",
                "target_type": "user",
                "target_id": f"user{seq}",
                "before": None,
                "after": json.dumps({"login": f"user{seq}", "name": "Zoë"}),
                "reason": None,
                "host": "old-host",
            }
            digest = _v1(fields, prev)
            if tamper and seq == 2:
                fields["reason"] = "edited afterwards"
            # A table construct quotes BEFORE, which MariaDB reserves.
            connection.execute(
                sa.insert(AuditEvent.__table__).values(**fields, prev_hash=prev, hash=digest)
            )
            prev = digest
        connection.execute(
            sa.text("UPDATE audit_head SET seq = 3, hash = :hash WHERE id = 1"), {"hash": prev}
        )
    engine.dispose()
    return prev


def test_an_old_chain_is_rehashed_checked_and_the_reanchoring_recorded(
    database_url: str, fast_hasher: TokenHasher
) -> None:
    old_head = _old_database(database_url)
    engine = create_engine(database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    services = open_services(
        database_url, hasher=fast_hasher, operator_login="ada", bootstrap=False
    )
    try:
        with services.engine.connect() as connection:
            users = connection.exec_driver_sql("SELECT count(*) FROM users").scalar_one()
        assert users == 0  # nothing but the chain was touched
        events = sorted(services.audit.events_for("audit", "chain"), key=lambda e: e.seq)
        report = _verify(services)
        assert report.ok, report.message
        assert report.events_checked == 4
        (anchor,) = events
        assert anchor.seq == 4
        assert anchor.action.value == "audit.reanchored"
        assert anchor.before == {
            "encoding": 1,
            "head_seq": 3,
            "head_hash": old_head,
            "intact": True,
        }
        assert anchor.after is not None and anchor.after["encoding"] == 2
    finally:
        services.close()


def test_a_chain_that_was_already_broken_is_recorded_as_such(
    database_url: str, fast_hasher: TokenHasher
) -> None:
    _old_database(database_url, tamper=True)
    engine = create_engine(database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    services = open_services(
        database_url, hasher=fast_hasher, operator_login="ada", bootstrap=False
    )
    try:
        (anchor,) = services.audit.events_for("audit", "chain")
        assert anchor.before is not None and anchor.before["intact"] is False
    finally:
        services.close()


def _verify(services: Services) -> ChainReport:
    with services.engine.connect() as connection:
        events = AuditEvent.__table__
        rows = connection.execute(sa.select(events).order_by(events.c.seq)).all()
    return verify_chain([AuditRecord(*row) for row in rows])
