"""The services, built once for a database URL (used by the command line and the console)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine

from app.data.engine import create_engine, default_database_url
from app.data.schema import ensure_usable, upgrade
from app.domain.clock import utc_now
from app.domain.hashing import PROFILES, STANDARD, TokenHasher
from app.services.attention import AttentionService
from app.services.audit import AuditService
from app.services.bulk import BulkService
from app.services.changes import ChangeFeed
from app.services.checkpoints import CheckpointService
from app.services.context import ServiceContext, translate_errors
from app.services.database import DatabaseAddress
from app.services.evidence import EvidenceService
from app.services.inventory import InventoryService
from app.services.key_export import KeyExportService
from app.services.keys import KeyService
from app.services.people import PeopleService
from app.services.reviews import ReviewService
from app.services.settings import PolicyService
from app.services.triage import TriageService
from app.services.users import UserService
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
    checkpoints: CheckpointService
    changes: ChangeFeed
    attention: AttentionService
    bulk: BulkService
    reviews: ReviewService
    people: PeopleService
    key_export: KeyExportService
    inventory: InventoryService
    evidence: EvidenceService
    triage: TriageService
    _verifiers: list[Verifier] = field(default_factory=list)

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
) -> Services:
    """Connect, check (or on SQLite upgrade) the schema, and build every service.

    ``operator_login`` exists for tests; people are identified by the OS or database login.
    """
    engine = create_engine(default_database_url() if database_url is None else database_url)
    try:
        with translate_errors(engine):
            if create_schema:
                upgrade(engine)
            else:
                ensure_usable(engine)
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
        keys=(keys := KeyService(context, the_hasher, audit)),
        users=UserService(context),
        audit=audit,
        policy=(policy := PolicyService(context)),
        checkpoints=CheckpointService(context),
        changes=ChangeFeed(context),
        attention=AttentionService(context, keys, policy),
        bulk=BulkService(context, keys),
        reviews=ReviewService(context),
        people=PeopleService(context, keys),
        key_export=KeyExportService(keys),
        inventory=InventoryService(context),
        evidence=EvidenceService(context),
        triage=TriageService(context, the_hasher, keys),
    )
