"""What every command handler gets: the chosen database, opened on first use, and the mode."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services import Services


class UsageError(Exception):
    """The command line was used wrongly (exit 2); nothing was touched."""


@dataclass
class Context:
    database_url: str | None
    json: bool
    _services: Services | None = field(default=None, repr=False)

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


#: Said before a SQLite file of an older schema is upgraded, which takes minutes when large.
UPGRADING = (
    "Updating the database to this version of Keyward; on a large file this takes a few minutes."
)


def _say_upgrading() -> None:
    # On stderr: the command's own output (perhaps JSON) stays as it is.
    from app.cli.output import note

    note(UPGRADING)
