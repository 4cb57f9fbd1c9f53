"""What every command handler gets: the chosen database, opened on first use, and the mode."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services import Services


class UsageError(Exception):
    """The command line was used wrongly (exit 2); nothing was touched."""


class Context:
    """The database URL (None: the default file), whether to print JSON, and the services.

    A plain class, not a dataclass: ``dataclasses`` (with ``inspect``) would load with every
    command, ``--help`` and ``--version`` included.
    """

    __slots__ = ("_services", "database_url", "json")

    def __init__(self, database_url: str | None, json: bool) -> None:
        self.database_url = database_url
        self.json = json
        self._services: Services | None = None

    def services(self, *, create_schema: bool = False, bootstrap: bool = True) -> Services:
        """Connect on first use, so that usage errors never need a database (nor its imports)."""
        if self._services is None:
            from app.services import open_services

            self._services = open_services(
                self.database_url,
                create_schema=create_schema,
                bootstrap=bootstrap,
                on_upgrade=_say_upgrading,
            )
        return self._services

    def close(self) -> None:
        if self._services is not None:
            services, self._services = self._services, None
            services.close()


#: Said before a database of an older schema is upgraded (a SQLite file when a command opens
#: it, any database by ``db upgrade``), which takes minutes when large.
UPGRADING = (
    "Updating the database to this version of Keyward; on a large database this takes a few "
    "minutes."
)


def _say_upgrading() -> None:
    # On stderr: the command's own output (perhaps JSON) stays as it is.
    from app.cli.output import note

    note(UPGRADING)


def key_id_argument(text: str) -> str:
    """argparse's ``type`` for a key id: ``key_id_of`` (a pasted token becomes its id), with
    the key format (``secrets``, ``hmac``) loaded only when a command is given an id."""
    from app.domain.key_format import key_id_of

    return key_id_of(text)
