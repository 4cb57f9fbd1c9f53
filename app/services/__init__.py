"""Use cases over the data layer: one unit of work per call, frozen DTOs out.

``Services`` and ``open_services`` are resolved on first use (PEP 562): importing one light
module such as ``app.services.vault`` must not load SQLAlchemy and every service with it,
or each ``keyward`` command and the console's first paint would pay for all of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.services.facade import Services, open_services

__all__ = ["Services", "open_services"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from app.services import facade

        return getattr(facade, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
