"""Database addresses as the console and the command line see them, without SQLAlchemy.

``app.data.engine`` knows how each database is opened; this module hands the command line
and the console what they need of it: the default address, parsing with a clear refusal,
and the address shown with its password hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import URL

from app.data import engine as _engine
from app.data.schema import head_revision
from app.domain import locations

__all__ = [
    "Address",
    "DatabaseAddress",
    "default_database_url",
    "default_sqlite_path",
    "head_revision",
    "parse_address",
    "safe_url",
]


def default_sqlite_path() -> Path:
    """``keyward.db`` in the platform's data directory."""
    return locations.default_sqlite_path()


def default_database_url() -> str:
    """``$KEYWARD_DATABASE_URL``, else the default SQLite file."""
    return _engine.default_database_url()


def safe_url(url: str | DatabaseAddress) -> str:
    """The URL with its password hidden, for messages and titles."""
    if isinstance(url, DatabaseAddress):
        return url.safe
    return _engine.safe_url(url)


@dataclass(frozen=True, slots=True)
class DatabaseAddress:
    """A parsed database URL; its password never shows in ``repr`` or ``safe``."""

    _url: URL = field(repr=False)

    @classmethod
    def of(cls, value: str | URL | DatabaseAddress) -> DatabaseAddress:
        """An address from its text (refused with a ``DatabaseError`` if unusable) or a URL."""
        if isinstance(value, DatabaseAddress):
            return value
        if isinstance(value, URL):
            return cls(value)
        return cls(_engine.parse_url(value))

    @property
    def backend(self) -> str:
        """``sqlite``, ``postgresql``, ``mysql`` or ``mariadb``."""
        return self._url.get_backend_name()

    @property
    def is_server(self) -> bool:
        return self.backend != "sqlite"

    @property
    def username(self) -> str | None:
        return self._url.username

    @property
    def password(self) -> str | None:
        return self._url.password

    @property
    def needs_login(self) -> bool:
        """A server database with a named user: the kind that may need a password."""
        return self.is_server and bool(self.username)

    @property
    def safe(self) -> str:
        """The whole address with its password hidden."""
        return self._url.render_as_string(hide_password=True)

    @property
    def label(self) -> str:
        """A short name for a title: the file name, or "database on host"."""
        url = self._url
        if not self.is_server:
            return Path(url.database or "memory").name or "memory"
        return f"{url.database} on {url.host}" if url.host else str(url.database)

    def render_as_string(self, *, hide_password: bool = True) -> str:
        """The address as a URL, with the password (if any) only when asked for."""
        return self._url.render_as_string(hide_password=hide_password)

    def without_password(self) -> DatabaseAddress:
        # URL.set() ignores None; _replace is SQLAlchemy's documented way to clear a part.
        return DatabaseAddress(self._url._replace(password=None))

    def with_password(self, password: str | None) -> DatabaseAddress:
        """This address with ``password`` (none at all when empty)."""
        if not password:
            return self.without_password()
        return DatabaseAddress(self._url.set(password=password))


#: What a caller may hand over as an address: its text, a SQLAlchemy URL or a parsed address.
Address = str | URL | DatabaseAddress


def parse_address(text: str) -> DatabaseAddress:
    """``text`` as an address; an empty, malformed or unsupported URL is a ``DatabaseError``."""
    return DatabaseAddress.of(text)
