"""Several admins and integrations at once, on every database (DESIGN §4, §5, §6).

Real processes (spawn) and threads against real databases; they are coordinated with
barriers, events and queues, never with sleeps.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import traceback
from typing import Any

import pytest
import sqlalchemy as sa

from app.data.models import AuditEvent, AuditHead
from app.domain.audit import GENESIS_HASH
from app.domain.errors import ConflictError
from app.domain.hashing import FAST_FOR_TESTS, TokenHasher
from app.domain.roles import Role
from app.services import Services, open_services
from tests.support import OpenServices

WRITERS = 4
CHANGES_PER_WRITER = 25
#: Generous upper bound for anything a child process is asked to do (not a pause).
WAIT = 90.0

SPAWN = multiprocessing.get_context("spawn")


def _open(url: str, login: str) -> Services:
    return open_services(url, hasher=TokenHasher(FAST_FOR_TESTS), operator_login=login)


def _audit_rows(services: Services) -> list[sa.Row[Any]]:
    with services.engine.connect() as connection:
        return list(
            connection.execute(sa.select(AuditEvent.__table__).order_by(AuditEvent.seq)).all()
        )


# --------------------------------------------------------------------------- lost update


def test_two_admins_editing_the_same_key_one_wins_and_the_other_is_told_who(
    open_as: OpenServices,
) -> None:
    admin = open_as("alice")
    admin.users.add("bob", role=Role.MANAGER)
    bob = open_as("bob")
    key = admin.keys.create("Salesforce Data Sync").key

    # Both read the same version, as two consoles showing the key would.
    seen_by_alice = admin.keys.get(key.key_id)
    seen_by_bob = bob.keys.get(key.key_id)
    assert seen_by_alice.version == seen_by_bob.version == key.version

    start = threading.Barrier(2)
    outcomes: dict[str, Any] = {}

    def edit(who: str, services: Services, version: int) -> None:
        start.wait(timeout=WAIT)
        try:
            outcomes[who] = services.keys.edit(
                key.key_id, description=f"edited by {who}", expected_version=version
            )
        except ConflictError as error:
            outcomes[who] = error

    threads = [
        threading.Thread(target=edit, args=("alice", admin, seen_by_alice.version)),
        threading.Thread(target=edit, args=("bob", bob, seen_by_bob.version)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT)
    assert not any(thread.is_alive() for thread in threads)

    winners = [who for who, outcome in outcomes.items() if not isinstance(outcome, Exception)]
    losers = [who for who, outcome in outcomes.items() if isinstance(outcome, ConflictError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    winner, loser = winners[0], losers[0]
    conflict = outcomes[loser]
    assert conflict.changed_by == winner
    assert winner in str(conflict)
    assert "reload" in str(conflict).lower()

    stored = admin.keys.get(key.key_id)
    assert stored.description == f"edited by {winner}"
    assert stored.updated_by == winner
    assert stored.version == key.version + 1
    # Only the winner's change is in the trail.
    edits = [event for event in admin.keys.history(key.key_id) if event.action == "key.edited"]
    assert [(event.actor, event.after["description"]) for event in edits] == [
        (winner, f"edited by {winner}")
    ]
    assert admin.audit.verify().ok


# --------------------------------------------------------------------------- audit writers


def _audit_writer(
    url: str, login: str, start: Any, results: Any, changes: int
) -> None:  # pragma: no cover - runs in a child process
    try:
        services = _open(url, login)
        try:
            done = 0
            start.wait(timeout=WAIT)
            created: list[str] = []
            n = 0
            while done < changes:
                step = done % 3
                if step == 0 or not created:
                    created.append(services.keys.create(f"{login} integration {n}").key.key_id)
                    n += 1
                elif step == 1:
                    services.keys.edit(created[-1], description=f"edited by {login}")
                else:
                    services.keys.disable(created[-1])
                done += 1
            results.put((login, done, None))
        finally:
            services.close()
    except BaseException:
        results.put((login, -1, traceback.format_exc()))


def test_concurrent_writers_keep_one_linear_unbroken_audit_chain(
    database_url: str, open_as: OpenServices
) -> None:
    admin = open_as("admin")
    logins = [f"writer{n}" for n in range(WRITERS)]
    for login in logins:
        admin.users.add(login, role=Role.MEMBER)
    events_before = len(_audit_rows(admin))

    start = SPAWN.Barrier(WRITERS)
    results = SPAWN.Queue()
    processes = [
        SPAWN.Process(
            target=_audit_writer,
            args=(database_url, login, start, results, CHANGES_PER_WRITER),
            daemon=True,
        )
        for login in logins
    ]
    for process in processes:
        process.start()
    try:
        reports = [results.get(timeout=WAIT) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=WAIT)
    assert [error for _login, _done, error in reports if error] == []
    assert sum(done for _login, done, _error in reports) == WRITERS * CHANGES_PER_WRITER
    assert [process.exitcode for process in processes] == [0] * WRITERS

    rows = _audit_rows(admin)
    assert len(rows) == events_before + WRITERS * CHANGES_PER_WRITER
    # One linear chain: 1..N without gaps, each event linked to the one before it.
    assert [row.seq for row in rows] == list(range(1, len(rows) + 1))
    previous = GENESIS_HASH
    for row in rows:
        assert row.prev_hash == previous, f"event #{row.seq} does not follow its predecessor"
        previous = row.hash
    with admin.engine.connect() as connection:
        head = connection.execute(sa.select(AuditHead.__table__)).one()
    assert (head.seq, head.hash) == (rows[-1].seq, rows[-1].hash)

    # Every writer's changes are there, attributed to that writer.
    for login in logins:
        mine = [row for row in rows if row.actor == login]
        assert len(mine) == CHANGES_PER_WRITER
    report = admin.audit.verify()
    assert report.ok, report.message
    assert report.events_checked == len(rows)


# --------------------------------------------------------------------------- revocation


def _warm_verifier(
    url: str, login: str, tokens: Any, commands: Any, answers: Any
) -> None:  # pragma: no cover - runs in a child process
    """An integration's service: verifies whatever token it is told to, when told to."""
    try:
        services = _open(url, login)
        try:
            verifier = services.verifier(flush_interval=3600)
            token = tokens.get(timeout=WAIT)
            while True:
                command = commands.get(timeout=WAIT)
                if command == "stop":
                    break
                result = verifier.verify(token)
                answers.put((result.valid, None if result.reason is None else str(result.reason)))
        finally:
            services.close()
    except BaseException:
        answers.put((None, traceback.format_exc()))


class _Integration:
    """Drives the child process: ``verify()`` asks it to verify its token once, now."""

    def __init__(self, url: str, login: str, token: str) -> None:
        self._tokens = SPAWN.Queue()
        self._commands = SPAWN.Queue()
        self._answers = SPAWN.Queue()
        self.process = SPAWN.Process(
            target=_warm_verifier,
            args=(url, login, self._tokens, self._commands, self._answers),
            daemon=True,
        )
        self.process.start()
        self._tokens.put(token)

    def verify(self) -> tuple[bool, str | None]:
        self._commands.put("verify")
        try:
            valid, reason = self._answers.get(timeout=WAIT)
        except queue.Empty:
            pytest.fail("the verifying process did not answer")
        assert valid is not None, reason
        return valid, reason

    def stop(self) -> None:
        self._commands.put("stop")
        self.process.join(timeout=WAIT)
        if self.process.is_alive():
            self.process.kill()


def test_a_revocation_is_effective_on_the_very_next_verification_in_another_process(
    database_url: str, services: Services
) -> None:
    created = services.keys.create("Snowflake ETL")
    login = services.users.me().login
    integration = _Integration(database_url, login, created.token.reveal())
    try:
        # Warm: verified twice, so the second answer already came from the process's cache.
        assert integration.verify() == (True, None)
        assert integration.verify() == (True, None)

        services.keys.revoke(created.key.key_id, "leaked in a support ticket")
        assert integration.verify() == (False, "revoked")
        assert integration.verify() == (False, "revoked")
    finally:
        integration.stop()
    assert integration.process.exitcode == 0


def test_disable_and_enable_are_effective_on_the_very_next_verification_in_another_process(
    database_url: str, services: Services
) -> None:
    created = services.keys.create("Looker dashboards")
    login = services.users.me().login
    integration = _Integration(database_url, login, created.token.reveal())
    try:
        assert integration.verify() == (True, None)
        assert integration.verify() == (True, None)

        services.keys.disable(created.key.key_id)
        assert integration.verify() == (False, "disabled")

        services.keys.enable(created.key.key_id)
        assert integration.verify() == (True, None)

        services.keys.delete(created.key.key_id)
        assert integration.verify() == (False, "unknown")
    finally:
        integration.stop()
    assert integration.process.exitcode == 0
