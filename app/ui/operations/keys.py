"""Every change the console makes to a key, written once (Anki's ``CollectionOp`` is the model).

A screen asks :class:`KeyOperations` to enable, disable, edit, delete, reload, rotate or
revoke a key; the operation runs on the task runner, and its result is announced with one
signal — :attr:`KeyOperations.key_changed`, :attr:`~KeyOperations.key_removed` or
:attr:`~KeyOperations.key_created` — that the table, the detail panel and any future screen
follow. A failure goes to the caller's ``on_failure`` if it gave one, otherwise to the error
presenter (through the runner's ``unhandled_error``). One in-flight set per key means a key
toggled from the table and from the panel at once changes once, not twice with a conflict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from app.domain.errors import NotFound
from app.services import Services
from app.services.dto import CreatedKey, KeyDTO
from app.ui.tasks import TaskHandle, TaskRunner

T = TypeVar("T")
Failure = Callable[[BaseException], None]


def revoke(services: Services, key_ids: Sequence[str], reason: str) -> list[KeyDTO]:
    """Job: one key through ``revoke()`` (refuses an already revoked key), several at once."""
    if len(key_ids) == 1:
        return [services.keys.revoke(key_ids[0], reason)]
    return services.keys.revoke_many(key_ids, reason)


class KeyOperations(QObject):
    """The console's key operations and the signals that announce their results."""

    #: A newer version of a key (edited, enabled, disabled, revoked, reloaded).
    key_changed = Signal(object)  # KeyDTO
    #: A key left the list: deleted here, or found gone (someone else deleted it).
    key_removed = Signal(str)  # key id
    #: A key was created (or a rotation made its successor).
    key_created = Signal(object)  # CreatedKey
    #: A change to the key is on its way (True) or answered (False).
    busy_changed = Signal(str, bool)  # key id, busy

    def __init__(
        self, services: Services, tasks: TaskRunner, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("keyOperations")
        self._services = services
        self._tasks = tasks
        self._in_flight: set[str] = set()

    # ------------------------------------------------------------------ state

    @property
    def in_flight(self) -> frozenset[str]:
        """Keys with a change on its way."""
        return frozenset(self._in_flight)

    def is_busy(self, key_id: str) -> bool:
        return key_id in self._in_flight

    # ------------------------------------------------------------------ operations

    def set_enabled(
        self,
        dto: KeyDTO,
        enabled: bool,
        *,
        on_success: Callable[[KeyDTO], None] | None = None,
        on_failure: Failure | None = None,
    ) -> TaskHandle | None:
        """Enable or disable ``dto``; None if a change to it is already on its way."""
        keys, key_id, version = self._services.keys, dto.key_id, dto.version

        def change() -> KeyDTO:
            if enabled:
                return keys.enable(key_id, expected_version=version)
            return keys.disable(key_id, expected_version=version)

        return self._run((key_id,), change, self._announce_changed, on_success, on_failure)

    def edit(
        self,
        dto: KeyDTO,
        *,
        name: str,
        description: str,
        on_success: Callable[[KeyDTO], None] | None = None,
        on_failure: Failure | None = None,
    ) -> TaskHandle | None:
        keys, key_id, version = self._services.keys, dto.key_id, dto.version
        return self._run(
            (key_id,),
            lambda: keys.edit(key_id, name=name, description=description, expected_version=version),
            self._announce_changed,
            on_success,
            on_failure,
        )

    def delete(
        self,
        dto: KeyDTO,
        *,
        on_success: Callable[[KeyDTO], None] | None = None,
        on_failure: Failure | None = None,
    ) -> TaskHandle | None:
        keys, key_id = self._services.keys, dto.key_id
        return self._run(
            (key_id,),
            lambda: keys.delete(key_id),
            lambda deleted: self.key_removed.emit(deleted.key_id),
            on_success,
            on_failure,
        )

    def reload(
        self,
        key_id: str,
        *,
        on_success: Callable[[KeyDTO], None] | None = None,
        on_failure: Failure | None = None,
    ) -> TaskHandle:
        """Fetch the stored key; not a change, so it runs even while one is on its way."""
        keys = self._services.keys
        return self._tasks.submit(
            lambda: keys.get(key_id),
            lambda fresh: self._succeed(fresh, self._announce_changed, on_success),
            lambda error: self._fail((key_id,), error, on_failure),
            owner=self,
        )

    def create(
        self,
        name: str,
        description: str,
        *,
        expires: date | None,
        environment: str,
        owner: str | None,
        replace_oldest: bool,
        on_success: Callable[[CreatedKey], None] | None = None,
        on_failure: Failure | None = None,
    ) -> TaskHandle | None:
        """Create a key (the token comes back once, in ``on_success``), then announce it."""
        keys = self._services.keys

        def job() -> CreatedKey:
            return keys.create(
                name,
                description,
                expires=expires,
                environment=environment,
                owner=owner,
                replace_oldest=replace_oldest,
            )

        return self._run((), job, self.announce_created, on_success, on_failure)

    def rotate(
        self,
        dto: KeyDTO,
        grace: timedelta | None = None,
        *,
        on_success: Callable[[CreatedKey], None] | None = None,
        on_failure: Failure | None = None,
    ) -> TaskHandle | None:
        """A successor for ``dto``; the old key stops after ``grace`` (None: at once).

        Both keys are announced: the new one as created, the old one as changed (its end is
        now its expiry, or it is revoked, and it names its successor).
        """
        keys, key_id = self._services.keys, dto.key_id

        def job() -> tuple[CreatedKey, KeyDTO]:
            created = keys.rotate(key_id, grace)
            return created, keys.get(key_id)

        def announce(result: tuple[CreatedKey, KeyDTO]) -> None:
            created, old = result
            self.key_changed.emit(old)
            self.announce_created(created)

        def succeeded(result: tuple[CreatedKey, KeyDTO]) -> None:
            if on_success is not None:
                on_success(result[0])

        return self._run((key_id,), job, announce, succeeded, on_failure)

    def revoke(
        self,
        keys: Sequence[KeyDTO],
        reason: str,
        *,
        on_success: Callable[[list[KeyDTO]], None] | None = None,
        on_failure: Failure | None = None,
    ) -> TaskHandle | None:
        key_ids = tuple(dto.key_id for dto in keys)
        services = self._services
        return self._run(
            key_ids,
            lambda: revoke(services, key_ids, reason),
            self.announce_changed,
            on_success,
            on_failure,
        )

    # ------------------------------------------------------------------ announcements

    def announce_changed(self, dtos: Iterable[KeyDTO]) -> None:
        """Keys changed by a flow that ran its own job (the revoke dialog)."""
        for dto in dtos:
            self.key_changed.emit(dto)

    def announce_created(self, created: CreatedKey) -> None:
        """A key was created (here, or by a rotation)."""
        self.key_created.emit(created)
        # Every key the create revoked to stay under the limit (the first one is
        # ``revoked_under_policy`` too).
        revoked = created.revoked_keys or (
            (created.revoked_under_policy,) if created.revoked_under_policy is not None else ()
        )
        for dto in revoked:
            self.key_changed.emit(dto)

    def _announce_changed(self, dto: KeyDTO) -> None:
        self.key_changed.emit(dto)

    # ------------------------------------------------------------------ running

    def _run(
        self,
        key_ids: Sequence[str],
        job: Callable[[], T],
        announce: Callable[[T], None],
        on_success: Callable[[T], None] | None,
        on_failure: Failure | None,
    ) -> TaskHandle | None:
        if any(key_id in self._in_flight for key_id in key_ids):
            return None  # a second click must not race the first
        for key_id in key_ids:
            self._set_busy(key_id, True)

        def done(result: T) -> None:
            # Announce first, then clear busy: nobody sees the old state in between.
            self._succeed(result, announce, on_success)
            self._release(key_ids)

        return self._tasks.submit(
            job, done, lambda error: self._fail(key_ids, error, on_failure), owner=self
        )

    def _succeed(
        self, result: T, announce: Callable[[T], None], on_success: Callable[[T], None] | None
    ) -> None:
        announce(result)
        if on_success is not None:
            on_success(result)

    def _fail(
        self, key_ids: Sequence[str], error: BaseException, on_failure: Failure | None
    ) -> None:
        self._release(key_ids)
        if isinstance(error, NotFound) and len(key_ids) == 1:
            self.key_removed.emit(key_ids[0])  # gone here too: someone else deleted it
        if on_failure is not None:
            on_failure(error)
        else:
            self._tasks.unhandled_error.emit(error)  # the one error presenter

    def _release(self, key_ids: Sequence[str]) -> None:
        for key_id in key_ids:
            self._set_busy(key_id, False)

    def _set_busy(self, key_id: str, busy: bool) -> None:
        if busy:
            self._in_flight.add(key_id)
        else:
            self._in_flight.discard(key_id)
        self.busy_changed.emit(key_id, busy)
