"""The fast integrity walk (issue 8): the database's encoding, ranges walked by worker
processes, and Cancel — each judged against the walk it replaced, on every database."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

import app.services.integrity_walk as walk_module
from app.data.models import AuditEvent, AuditHead
from app.data.server import stored_table
from app.domain.audit import (
    AuditRecord,
    ChainReport,
    canonical_json,
    event_hash,
    record_hash,
    verify_chain,
)
from app.domain.errors import Cancelled, DatabaseError, DatabaseErrorKind
from app.services import Services
from app.services.audit import stored_records
from app.services.context import AUDIT_HEAD_ID
from tests.support import START, Raw, services_modules_loaded_by

#: Values the encoding must count in UTF-8 bytes and keep byte for byte.
TRICKY = (
    "café",
    "日本語のキー",
    "emoji 😀 and ñ",
    "two\nlines\r\nand a tab\t",
    "colons: 12:34 and - dashes",
    "",
    "trailing spaces  ",
    "quote ' and \\ backslash",
)
EVENTS = 90  # three ranges of 30 when the walk is split in three


def _insert_chain(services: Services, count: int) -> None:
    """Append ``count`` events with tricky fields after the bootstrap event, as the owner."""
    raw = Raw(services)
    previous_seq, previous = (
        raw.scalar(f"SELECT seq FROM {raw.t('audit_head')}"),
        str(raw.scalar(f"SELECT hash FROM {raw.t('audit_head')}")),
    )
    assert isinstance(previous_seq, int)
    rows = []
    for n in range(count):
        seq = previous_seq + 1 + n
        tricky = TRICKY[n % len(TRICKY)]
        fields: dict[str, object] = {
            "seq": seq,
            "occurred_at": (START + timedelta(seconds=n)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor": "ci-ünïcode" if n % 3 else "ci",
            "action": "key.edited",
            "target_type": "key",
            "target_id": f"K{n:011d}",
            "before": None if n % 4 == 0 else canonical_json({"name": tricky}),
            "after": canonical_json({"description": tricky, "n": n}),
            "reason": None if n % 3 == 1 else tricky,
            "host": "host-ß",
            "prev_hash": previous,
        }
        previous = event_hash(**fields)  # type: ignore[arg-type]
        rows.append({**fields, "hash": previous})
    events = stored_table(AuditEvent.__table__, raw.engine.dialect.name)
    with raw.engine.begin() as connection:
        connection.execute(events.insert(), rows)
        connection.execute(
            sa.text(f"UPDATE {raw.t('audit_head')} SET seq = :seq, hash = :hash WHERE id = 1"),
            {"seq": rows[-1]["seq"], "hash": previous},
        )


@pytest.fixture
def trail(services: Services) -> Services:
    _insert_chain(services, EVENTS - 1)
    return services


@pytest.fixture
def in_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Walk even a short chain in three worker processes, a few rows per round trip."""
    monkeypatch.setattr(walk_module, "IN_PROCESS_UP_TO", 0)
    monkeypatch.setattr(walk_module, "WORKER_EVENTS", 1)
    monkeypatch.setattr(walk_module, "MAX_WORKERS", 3)
    monkeypatch.setattr(walk_module, "WORKER_BATCH", 7)


def _walk_workers() -> list[int]:
    """Pids of this process's children that are multiprocessing workers (not its tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and b"spawn_main" in command:
            found.append(int(entry.name))
    return found


def _reference(services: Services) -> ChainReport:
    """The verdict of the walk this replaces: every record through ``verify_chain``."""
    with services.context.read() as session:
        head = session.get(AuditHead, AUDIT_HEAD_ID)
        assert head is not None
        return verify_chain(
            stored_records(session, up_to=head.seq), head_seq=head.seq, head_hash=head.hash
        )


# --------------------------------------------------------------------------- the encoding


def test_database_encoding_hashes_as_python_does(trail: Services) -> None:
    dialect = trail.engine.dialect.name
    with trail.engine.connect() as connection:
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(walk_module.links_sql(dialect), (0, EVENTS, EVENTS))
        links = cursor.fetchall()
        table = AuditEvent.__table__
        columns = [table.c[name] for name in AuditRecord.__slots__]
        records = [
            AuditRecord(*row)
            for row in connection.execute(sa.select(*columns).order_by(table.c.seq))
        ]
    assert len(links) == len(records) == EVENTS
    assert any(r.reason is None for r in records) and any(r.reason == "" for r in records)
    for (seq, _, stored, body), record in zip(links, records, strict=True):
        assert seq == record.seq
        assert hashlib.sha256(bytes(body)).hexdigest() == record_hash(record) == stored


# --------------------------------------------------------------------------- tampering


def _edit(services: Services, seq: int) -> None:
    raw = Raw(services)
    raw.execute(f"UPDATE {raw.t('audit_events')} SET target_id = 'tampered' WHERE seq = {seq}")


def _delete(services: Services, seq: int) -> None:
    raw = Raw(services)
    raw.execute(f"DELETE FROM {raw.t('audit_events')} WHERE seq = {seq}")


def _swap(services: Services, seq: int) -> None:
    """Events ``seq`` and ``seq + 1`` trade places."""
    raw = Raw(services)
    table = raw.t("audit_events")
    raw.execute(f"UPDATE {table} SET seq = -1 WHERE seq = {seq}")
    raw.execute(f"UPDATE {table} SET seq = {seq} WHERE seq = {seq + 1}")
    raw.execute(f"UPDATE {table} SET seq = {seq + 1} WHERE seq = -1")


TAMPERING = [
    ("first event edited", _edit, 1),
    ("last event edited", _edit, EVENTS),
    ("last of a range edited", _edit, 30),
    ("first of a range edited", _edit, 31),
    ("middle event edited", _edit, 45),
    ("first of a range deleted", _delete, 31),
    ("last of a range deleted", _delete, 60),
    ("middle event deleted", _delete, 50),
    ("newest event deleted", _delete, EVENTS),
    ("first event deleted", _delete, 1),
    ("events reordered across a range boundary", _swap, 30),
    ("events reordered inside a range", _swap, 40),
]


@pytest.mark.parametrize(("case", "tamper", "seq"), TAMPERING, ids=[t[0] for t in TAMPERING])
@pytest.mark.usefixtures("in_workers")
def test_workers_name_the_same_first_bad_event(
    trail: Services, case: str, tamper: object, seq: int
) -> None:
    assert callable(tamper)
    tamper(trail, seq)
    expected = _reference(trail)
    assert not expected.ok, case

    report = trail.audit.check_integrity()

    assert not report.intact
    assert report.first_bad_seq == expected.first_bad_seq
    assert report.problem == expected.message
    assert _walk_workers() == []


@pytest.mark.usefixtures("in_workers")
def test_workers_find_an_intact_trail_intact(trail: Services) -> None:
    report = trail.audit.check_integrity()

    assert report.intact and report.first_bad_seq is None
    assert report.events == EVENTS
    assert trail.checkpoints.verify().chain == _reference(trail) == ChainReport(True, EVENTS)


@pytest.mark.parametrize("tamper", [_edit, _delete, _swap])
def test_in_process_walk_agrees_with_the_old_one(trail: Services, tamper: object) -> None:
    assert callable(tamper)
    tamper(trail, 44)
    assert trail.checkpoints.verify().chain == _reference(trail)


def test_events_after_the_head_are_reported_by_the_chain_check(trail: Services) -> None:
    raw = Raw(trail)
    raw.execute(f"UPDATE {raw.t('audit_head')} SET seq = 80 WHERE id = 1")

    report = trail.audit.verify()

    assert not report.ok
    assert report.first_bad_seq == 81
    assert "after the recorded head" in report.message


# --------------------------------------------------------------------------- Cancel


@pytest.mark.usefixtures("in_workers")
def test_cancel_stops_the_workers_and_leaves_no_process(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    _insert_chain(services, 3000)
    monkeypatch.setattr(walk_module, "WORKER_BATCH", 2)
    seen: list[int] = []

    def cancel_once_walking(done: int, total: int) -> bool:
        seen.append(done)
        return done == 0

    with pytest.raises(Cancelled) as cancelled:
        services.audit.check_integrity(cancel_once_walking)

    assert 0 < cancelled.value.done < 3001
    assert cancelled.value.total == 3001
    assert cancelled.value.done == seen[-1]
    assert _walk_workers() == []
    assert multiprocessing.active_children() == []


@pytest.mark.usefixtures("in_workers")
def test_cancel_before_the_workers_report_concludes_nothing(trail: Services) -> None:
    with pytest.raises(Cancelled) as cancelled:
        trail.audit.check_integrity(lambda done, total: False)

    assert cancelled.value.done == 0
    assert _walk_workers() == []


# --------------------------------------------------------------------------- credentials


def test_a_sqlite_worker_says_what_is_wrong_with_the_file_and_creates_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.engine import make_url

    monkeypatch.setattr(walk_module, "WORKER_EVENTS", 1)
    gone = tmp_path / "moved-away.db"
    with pytest.raises(DatabaseError) as missing:
        walk_module.run_in_workers(make_url(f"sqlite:///{gone}"), 10, frozenset(), None)
    assert missing.value.message == (
        f"The database file at sqlite:///{gone} cannot be opened; check the path and permissions."
    )
    assert not gone.exists()

    not_a_database = tmp_path / "notes.db"
    not_a_database.write_text("shopping list\n" * 500)
    with pytest.raises(DatabaseError) as foreign:
        walk_module.run_in_workers(make_url(f"sqlite:///{not_a_database}"), 10, frozenset(), None)
    assert foreign.value.kind is DatabaseErrorKind.FOREIGN
    assert _walk_workers() == []


def test_the_worker_waits_on_a_busy_sqlite_file_as_long_as_the_console_does() -> None:
    from app.data.engine import SQLITE_BUSY_TIMEOUT_MS
    from app.services import walk_worker

    assert walk_worker.SQLITE_BUSY_TIMEOUT_MS == SQLITE_BUSY_TIMEOUT_MS


def test_a_worker_imports_neither_sqlalchemy_nor_the_services(tmp_path: Path) -> None:
    """What a spawned worker loads before its first row (it cost ~1.2 s a worker)."""
    assert services_modules_loaded_by("app.services.walk_worker", tmp_path) == [
        "app.services.walk_worker"
    ]


def test_a_refused_worker_login_is_a_database_error_without_the_password(
    server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(server_url).set(username="kw_nobody", password="not-the-password-xyzzy")
    monkeypatch.setattr(walk_module, "WORKER_EVENTS", 1)

    with pytest.raises(DatabaseError) as refused:
        walk_module.run_in_workers(url, 10, frozenset(), None)

    assert "xyzzy" not in str(refused.value)
    assert "refused the login" in str(refused.value)
    assert _walk_workers() == []


def test_a_request_never_shows_its_url() -> None:
    request = walk_module.WalkRequest("postgresql://u:s3cret@h/db", 0, 10, frozenset())

    assert "s3cret" not in repr(request)
