"""The orders a list of keys can be sorted in (the columns a person can sort by)."""

from __future__ import annotations

from enum import StrEnum


class SortField(StrEnum):
    NAME = "name"
    OWNER = "owner"
    STATUS = "status"
    LAST_USED = "last_used"
    EXPIRES = "expires"
    CREATED = "created"
    UPDATED = "updated"
