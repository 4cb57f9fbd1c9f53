"""Use cases over the data layer: one unit of work per call, frozen DTOs out."""

from __future__ import annotations

from app.services.facade import Services, open_services

__all__ = ["Services", "open_services"]
