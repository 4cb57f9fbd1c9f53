"""The services, built once for a database URL (used by the command line and the console).

The services every caller needs (keys, users, audit, policy, the change feed) are built with
the database; the others are built, and their modules imported, on first use: a command
such as ``keyward keys list`` then never loads what signing checkpoints or exporting
evidence needs (``cryptography`` among it), and neither does the console's first page.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from app.data.engine import create_engine, default_database_url, parse_url
from app.data.schema import SchemaState, ensure_usable, schema_state, upgrade
from app.domain.clock import utc_now
from app.domain.hashing import PROFILES, STANDARD, TokenHasher
from app.services.audit import AuditService
from app.services.changes import ChangeFeed
from app.services.context import ServiceContext, translate_errors
from app.services.database import DatabaseAddress
from app.services.keys import KeyService
from app.services.settings import PolicyService
from app.services.users import UserService

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from app.services.attention import AttentionService
    from app.services.bulk import BulkService
    from app.services.checkpoints import CheckpointService
    from app.services.evidence import EvidenceService
    from app.services.inventory import InventoryService
    from app.services.key_export import KeyExportService
    from app.services.people import PeopleService
    from app.services.reviews import ReviewService
    from app.services.triage import TriageService
    from app.services.verification import Verifier

#: Benchmarks and tests may pick the cheap profile; nothing a person runs should.
HASH_PROFILE_ENV = "KEYWARD_ARGON2_PROFILE"


def hasher_from_environment() -> TokenHasher:
    return TokenHasher(PROFILES.get(os.environ.get(HASH_PROFILE_ENV, ""), STANDARD))


@dataclass
class Services:
    engine: Engine
    context: ServiceContext
    hasher: TokenHasher
    keys: KeyService
    users: UserService
    audit: AuditService
    policy: PolicyService
    changes: ChangeFeed
    _verifiers: list[Verifier] = field(default_factory=list)

    @cached_property
    def checkpoints(self) -> CheckpointService:
        from app.services.checkpoints import CheckpointService

        return CheckpointService(self.context)

    @cached_property
    def attention(self) -> AttentionService:
        from app.services.attention import AttentionService

        return AttentionService(self.context, self.keys, self.policy)

    @cached_property
    def bulk(self) -> BulkService:
        from app.services.bulk import BulkService

        return BulkService(self.context, self.keys)

    @cached_property
    def reviews(self) -> ReviewService:
        from app.services.reviews import ReviewService

        return ReviewService(self.context)

    @cached_property
    def people(self) -> PeopleService:
        from app.services.people import PeopleService

        return PeopleService(self.context, self.keys)

    @cached_property
    def key_export(self) -> KeyExportService:
        from app.services.key_export import KeyExportService

        return KeyExportService(self.keys)

    @cached_property
    def inventory(self) -> InventoryService:
        from app.services.inventory import InventoryService

        return InventoryService(self.context)

    @cached_property
    def evidence(self) -> EvidenceService:
        from app.services.evidence import EvidenceService

        return EvidenceService(self.context)

    @cached_property
    def triage(self) -> TriageService:
        from app.services.triage import TriageService

        return TriageService(self.context, self.hasher, self.keys)

    @property
    def clock(self) -> Callable[[], datetime]:
        """The services' clock (tests set it): what "now" is for every rule and display."""
        return self.context.clock

    @property
    def database(self) -> DatabaseAddress:
        return DatabaseAddress.of(self.engine.url)

    @property
    def database_label(self) -> str:
        """A short name for the database, for a title: the file, or "database on host"."""
        return self.database.label

    @property
    def database_location(self) -> str:
        """The whole database URL with its password hidden, for a status bar or a message."""
        return self.database.safe

    def verifier(self, **options: float) -> Verifier:
        from app.services.verification import Verifier

        verifier = Verifier(self.engine, self.hasher, clock=self.context.clock, **options)  # type: ignore[arg-type]
        self._verifiers.append(verifier)
        return verifier

    def close(self) -> None:
        for verifier in self._verifiers:
            verifier.close()
        self._verifiers.clear()
        self.engine.dispose()


def open_services(
    database_url: str | None = None,
    *,
    hasher: TokenHasher | None = None,
    operator_login: str | None = None,
    clock: Callable[[], datetime] = utc_now,
    create_schema: bool = False,
    bootstrap: bool = True,
    on_upgrade: Callable[[], None] | None = None,
) -> Services:
    """Connect, check (or on SQLite upgrade) the schema, and build every service.

    ``operator_login`` exists for tests; people are identified by the OS or database login.
    ``on_upgrade`` is called before a database of an older schema is brought up to date (a
    SQLite file when opened; any database with ``create_schema``).
    """
    engine = create_engine(default_database_url() if database_url is None else database_url)
    try:
        with translate_errors(engine):
            if create_schema:
                upgrade(engine, on_upgrade)
            else:
                ensure_usable(engine, on_upgrade)
        context = ServiceContext(engine, operator_login=operator_login, clock=clock)
        if bootstrap:
            context.bootstrap()
    except BaseException:
        engine.dispose()
        raise
    the_hasher = hasher or hasher_from_environment()
    audit = AuditService(context)
    return Services(
        engine=engine,
        context=context,
        hasher=the_hasher,
        keys=KeyService(context, the_hasher, audit),
        users=UserService(context),
        audit=audit,
        policy=PolicyService(context),
        changes=ChangeFeed(context),
    )


def older_local_database(database_url: str | None) -> bool:
    """Whether ``database_url`` (default: the local file) is an existing SQLite file of an
    older schema, which opening it upgrades first: at 1,000,000 keys that takes minutes."""
    url = default_database_url() if database_url is None else database_url
    if not url.startswith("sqlite:") or not _existing_file(url):
        return False
    engine = create_engine(url)
    try:
        with translate_errors(engine):
            return schema_state(engine) is SchemaState.OLDER
    finally:
        engine.dispose()


def upgrade_database(database_url: str | None) -> None:
    """Bring ``database_url``'s schema up to this version (``keyward db upgrade``)."""
    engine = create_engine(default_database_url() if database_url is None else database_url)
    try:
        with translate_errors(engine):
            upgrade(engine)
    finally:
        engine.dispose()


def _existing_file(url: str) -> bool:
    database = parse_url(url).database
    return database not in {None, "", ":memory:"} and os.path.isfile(str(database))
