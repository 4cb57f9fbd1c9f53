"""Benchmarks for issue 8's inventory as of a date and evidence packs (SQLite).

    uv run python -m tests.benchmarks.bench_evidence [--keys 1000000] [--database sqlite:///F]

Figures are medians of ``--repeat`` runs, wall and CPU (``time.process_time``), beside
floors measured in the same run (see :func:`floors`). Targets (issue 8): the inventory
as of a date for 1,000,000 keys ≤ 5 s with progress; an evidence pack of a month's
events ≤ 10 s.

The trail is seeded straight into ``audit_events`` (with correct hashes, so the packs
verify): one ``key.created`` event per key spread over a year, then one change in ten keys
(edits, disables, revokes, a few deletions) spread over the same year, each carrying the
key's snapshot as the services write it. ``api_keys`` stays empty: the inventory and the
pack read the trail only. The file is kept and reused when it exists.
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.domain.audit import canonical_json, event_hash
from app.domain.clock import isoformat_utc
from app.domain.hashing import FAST_FOR_TESTS, TokenHasher
from app.domain.key_format import BASE62

# A worker process started with the *spawn* method (the inventory's, on a long trail) imports
# this module first, as ``__mp_main__``: it loads SQLAlchemy and the services only when run,
# as the ``keyward`` script does, so that the workers start as fast as the console's.
if TYPE_CHECKING or __name__ != "__mp_main__":
    import sqlalchemy as sa

    from app.data.models import AuditEvent, AuditHead, User
    from app.services import Services, open_services
    from app.services.evidence import verify_evidence

ADMIN = "bench-admin"
START = datetime(2025, 1, 1, tzinfo=UTC)
YEAR = timedelta(days=365)
SYSTEMS = ("Salesforce", "Snowflake", "HubSpot", "Looker", "Airflow", "Zapier", "Stripe")
PURPOSES = ("Data Sync", "ETL", "Reporting", "Webhook", "Dashboard", "Export")


def _key_id(rng: random.Random) -> str:
    return "".join(rng.choice(BASE62) for _ in range(12))


def _events(keys: int, users: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    """Events in time order: creations, then one change for every tenth key."""
    created: list[tuple[datetime, str, dict[str, Any]]] = []
    step = YEAR / keys
    for n in range(keys):
        key_id = _key_id(rng)
        snapshot = {
            "id": key_id,
            "name": f"{rng.choice(SYSTEMS)} {rng.choice(PURPOSES)} {n}",
            "description": "Syncs companies to Snowflake nightly. Owner: Data Team.",
            "owner": f"user{n % users}",
            "environment": "live",
            "state": "active",
            "masked": f"kw_live_{key_id}_…abcd",
            "expires_at": None if n % 4 else isoformat_utc(START + YEAR + timedelta(days=n % 90)),
            "revoked_at": None,
            "revoked_reason": None,
            "version": 1,
        }
        created.append((START + step * n, "key.created", snapshot))
    changes: list[tuple[datetime, str, dict[str, Any]]] = []
    for when, _, snapshot in created[::10]:
        later = when + (START + YEAR - when) * rng.random()
        after = dict(snapshot, version=2)
        kind = rng.random()
        if kind < 0.5:
            action, after["name"] = "key.edited", f"{snapshot['name']} (renamed)"
        elif kind < 0.7:
            action, after["state"] = "key.disabled", "disabled"
        elif kind < 0.95:
            action = "key.revoked"
            after.update(state="revoked", revoked_at=isoformat_utc(later), revoked_reason="bench")
        else:
            action, after = "key.deleted", {}
        changes.append((later, action, {"before": snapshot, "after": after or None}))
    everything = [(w, a, {"before": None, "after": s}) for w, a, s in created] + changes
    everything.sort(key=lambda item: item[0])
    for when, action, pair in everything:
        target = (pair["after"] or pair["before"])["id"]
        yield {
            "occurred_at": isoformat_utc(when) or "",
            "actor": ADMIN,
            "action": action,
            "target_type": "key",
            "target_id": target,
            "before": canonical_json(pair["before"]),
            "after": canonical_json(pair["after"]),
            "reason": None,
            "host": "bench",
        }


def seed(url: str, keys: int, users: int = 500) -> None:
    services = open_services(
        url, hasher=TokenHasher(FAST_FOR_TESTS), operator_login=ADMIN, create_schema=True
    )
    engine = services.engine
    rng = random.Random(8)
    with engine.begin() as connection:
        connection.execute(
            sa.insert(User),
            [
                {
                    "login": f"user{n}",
                    "display_name": f"User {n}",
                    "email": None,
                    "role": "member",
                    "active": True,
                    "created_at": START,
                }
                for n in range(users)
            ],
        )
        head = connection.execute(sa.select(AuditHead.seq, AuditHead.hash)).one()
    seq, previous = int(head[0]), str(head[1])
    batch: list[dict[str, Any]] = []
    with engine.begin() as connection:
        for fields in _events(keys, users, rng):
            seq += 1
            fields.update(seq=seq, prev_hash=previous)
            fields["hash"] = previous = event_hash(**fields)
            batch.append(fields)
            if len(batch) == 20_000:
                connection.execute(sa.insert(AuditEvent), batch)
                batch = []
        if batch:
            connection.execute(sa.insert(AuditEvent), batch)
        connection.execute(sa.update(AuditHead).values(seq=seq, hash=previous))
    services.close()


def _timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds of this process, result) of one call."""
    began, began_cpu = time.perf_counter(), time.process_time()
    result = work()
    wall, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    print(f"  {wall:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr, flush=True)
    return wall, cpu, result


def _medians(samples: list[tuple[float, float, Any]]) -> dict[str, float]:
    return {
        "wall_s": round(statistics.median(sample[0] for sample in samples), 2),
        "cpu_s": round(statistics.median(sample[1] for sample in samples), 2),
    }


def floors(path: Path, folder: Path) -> dict[str, Any]:
    """What the same machine does at best in the same run, with sqlite3 and csv alone.

    ``events``: every event's chain-order columns and snapshot text, read with the driver's
    cursor in batches (what any rebuild has to read). ``csv``: a million key rows selected
    and written to a CSV file with ``csv.writer`` (what an inventory has to write).
    """

    def events() -> int:
        connection = sqlite3.connect(path)
        cursor = connection.execute(
            "SELECT seq, occurred_at, action, target_type, target_id, coalesce(after, before)"
            " FROM audit_events ORDER BY seq"
        )
        count = 0
        while rows := cursor.fetchmany(20_000):
            count += len(rows)
        connection.close()
        return count

    def rows_to_csv() -> int:
        connection = sqlite3.connect(path)
        cursor = connection.execute(
            "SELECT target_id, actor, action, target_type, host, occurred_at, occurred_at,"
            " reason, reason, hash FROM audit_events WHERE action = 'key.created'"
        )
        with (folder / "floor.csv").open("w", newline="", encoding="utf-8") as stream:
            csv.writer(stream, lineterminator="\n").writerows(cursor)
        connection.close()
        return (folder / "floor.csv").stat().st_size

    return {
        "floor_events_read": _medians([_timed(events) for _ in range(3)]),
        "floor_1m_rows_to_csv": _medians([_timed(rows_to_csv) for _ in range(3)]),
    }


def measure(services: Services, repeat: int, folder: Path) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    instant = START + YEAR + timedelta(days=1)
    samples, gaps = [], []
    #: The previous run's rows, alive while the next is built, as the window's are (its
    #: model shows them until the new date's arrive); no older ones.
    shown: Any = None
    for _ in range(repeat):
        last = [time.perf_counter()]
        widest = [0.0]

        def progress(
            done: int, total: int, last: list[float] = last, w: list[float] = widest
        ) -> bool:
            now = time.perf_counter()
            w[0] = max(w[0], now - last[0])
            last[0] = now
            return True

        wall, cpu, shown = _timed(lambda p=progress: services.inventory.as_of(instant, p))  # type: ignore[misc]
        samples.append((wall, cpu, len(shown)))
        gaps.append(widest[0])
    figures["inventory_keys"] = samples[-1][2]
    del shown
    figures["inventory"] = _medians(samples)
    figures["inventory_widest_progress_gap_s"] = round(max(gaps), 2)
    figures["inventory_mid_year_keys"] = len(services.inventory.as_of(START + YEAR / 2))

    packs = []
    for n in range(repeat):
        pack = folder / f"pack{n}"
        packs.append(
            _timed(
                functools.partial(
                    services.evidence.export, date(2025, 6, 1), date(2025, 6, 30), pack
                )
            )
        )
        if n > 0:  # only the first is verified: half a gigabyte each must not pile up
            shutil.rmtree(pack)
    figures["pack_events"] = packs[-1][2].events
    figures["pack"] = _medians(packs)
    figures["pack_bytes"] = sum(p.stat().st_size for p in (folder / "pack0").iterdir())
    verified = [_timed(lambda: verify_evidence(folder / "pack0")) for _ in range(repeat)]
    figures["verify"] = _medians(verified)
    figures["verify_ok"] = all(sample[2].ok for sample in verified)
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--database", help="sqlite:///FILE (default: one in /tmp, kept)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    url = args.database or f"sqlite:///{tempfile.gettempdir()}/bench-evidence-{args.keys}.db"
    path = Path(url.removeprefix("sqlite:///"))
    if not path.exists():
        began = time.perf_counter()
        seed(url, args.keys)
        print(f"seeded {args.keys} keys in {time.perf_counter() - began:.1f} s: {path}")
    services = open_services(url, hasher=TokenHasher(FAST_FOR_TESTS), operator_login=ADMIN)
    folder = Path(tempfile.mkdtemp(prefix="bench-evidence-"))
    try:
        with services.engine.connect() as connection:
            events = connection.execute(sa.select(sa.func.count()).select_from(AuditEvent)).scalar()
        print(f"{events} events in the trail; load average {os.getloadavg()}")
        figures = floors(path, folder) if url.startswith("sqlite:///") else {}
        figures.update(measure(services, args.repeat, folder))
        figures["load_average_after"] = os.getloadavg()
        print(json.dumps(figures, indent=2))
    finally:
        services.close()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
