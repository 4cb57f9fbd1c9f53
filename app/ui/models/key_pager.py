"""Loads the keys of a :class:`KeyQuery` in the background: first page, count, further pages.

Keyset paging (an opaque cursor from the service), off the GUI thread. A new query cancels
whatever the previous one still had on its way (first page, count, next page): stale
answers are dropped by cancelling their task handles, nothing else. The count is asked for
only when the first page does not already say it, and kept when only the order changed.

Scrolling reads one page ahead: once the table scrolls (``read_ahead``) and after each
further page, the page after the last one shown is read in the background, so that the
next ``fetch_more`` shows it at once instead of waiting on the database while the table
repaints. A page read ahead is dropped when the query changes, when a key changes
(``drop_read_ahead``: here or, through the live feed, elsewhere) and after
READ_AHEAD_FRESH_S.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from app.services.dto import KeyPage, KeyQuery, PageCursor
from app.ui.tasks import LatestTask, TaskRunner


class KeyPages(Protocol):
    """Where pages of keys come from: the services' keys, or the start's first page."""

    def page(self, query: KeyQuery = ..., after: PageCursor | None = None) -> KeyPage: ...

    def count(self, query: KeyQuery = ...) -> int: ...


class KeySource(Protocol):
    """What the keys table needs of the services (structural: ``Services`` is one)."""

    @property
    def keys(self) -> KeyPages: ...

    @property
    def clock(self) -> Callable[[], datetime]: ...


#: Rows per page: a screenful several times over, small enough to arrive within a frame.
PAGE_SIZE = 100
#: A page read ahead older than this is read again when it is wanted (seconds).
READ_AHEAD_FRESH_S = 30.0


def _filter_of(query: KeyQuery) -> tuple[object, ...]:
    return (query.search, query.status, query.owner)


class KeyPager(QObject):
    """``set_query`` → ``first_page``; ``fetch_more`` → ``next_page``; ``count_changed``."""

    #: A query's first page (the rows to show instead of the current ones).
    first_page = Signal(object)  # KeyPage
    #: A further page of the current query.
    next_page = Signal(object)  # KeyPage
    #: True while a query's first page is on its way.
    loading_changed = Signal(bool)
    #: The number of keys matching the query (None while counting or after a failure).
    count_changed = Signal(object)
    #: Loading failed (the exception); the current rows stay as they were.
    failed = Signal(object)

    def __init__(
        self,
        services: KeySource,
        tasks: TaskRunner,
        rows_shown: Callable[[], int],
        *,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._keys = services.keys
        self._rows_shown = rows_shown
        self._page_size = page_size
        self._query = KeyQuery(limit=page_size)
        self._cursor: PageCursor | None = None
        self._count: int | None = None
        #: The last count and the filter it was for (a new sort order does not change it).
        self._counted: tuple[tuple[object, ...], int] | None = None
        self._loaded = False
        self._loading = False
        # After a failed fetch the view would ask again at once, and again: wait for a refresh.
        self._blocked = False
        self._first = LatestTask(tasks)
        self._counting = LatestTask(tasks)
        self._more = LatestTask(tasks)
        # The page after a cursor, read before it is asked for: on its way (``_ahead``,
        # for ``_ahead_of``) or here (``_ready``: the cursor, the page, when it was read).
        self._ahead = LatestTask(tasks)
        self._ahead_of: PageCursor | None = None
        self._ready: tuple[PageCursor, KeyPage, float] | None = None
        #: fetch_more asked for the page on its way: show it when it comes.
        self._take_ahead = False

    # ------------------------------------------------------------------ state

    @property
    def query(self) -> KeyQuery:
        return self._query

    @property
    def count(self) -> int | None:
        return self._count

    @property
    def is_loading(self) -> bool:
        return self._loading

    @property
    def is_fetching(self) -> bool:
        return self._more.active or self._take_ahead

    @property
    def has_loaded(self) -> bool:
        return self._loaded

    @property
    def is_reading_ahead(self) -> bool:
        return self._ahead.active

    def can_fetch_more(self) -> bool:
        return (
            self._loaded
            and self._cursor is not None
            and not (self._loading or self.is_fetching or self._blocked)
        )

    # ------------------------------------------------------------------ loading

    def set_query(self, query: KeyQuery) -> None:
        self._query = dataclasses.replace(query, limit=self._page_size)
        self._load_first_page()

    def refresh(self) -> None:
        """Load the current query again from the first page (and count it again)."""
        self._counted = None
        self._load_first_page()

    def _load_first_page(self) -> None:
        self._counting.cancel()
        self._more.cancel()
        self._forget_ahead()
        self._blocked = False
        query = self._query
        self._first.submit(
            lambda: self._keys.page(query), self._on_first_page, self._on_failure, owner=self
        )
        if not self._loading:
            self._loading = True
            self.loading_changed.emit(True)

    def _on_first_page(self, page: KeyPage) -> None:
        self._cursor = page.next_cursor
        self._loaded = True
        self._loading = False
        self.loading_changed.emit(False)
        self.first_page.emit(page)
        if page.next_cursor is None:
            # Everything fits in one page: that is the count, no second round trip needed.
            self._counted = (_filter_of(self._query), len(page.rows))
            self._set_count(len(page.rows))
        elif self._counted is not None and self._counted[0] == _filter_of(self._query):
            # Only the order changed: the same keys match, so the count still holds.
            self._set_count(self._counted[1])
        else:
            self._start_count()

    def _start_count(self) -> None:
        self._set_count(None)
        query = self._query

        def counted(total: int) -> None:
            self._counted = (_filter_of(query), total)
            self._set_count(max(total, self._rows_shown()))

        self._counting.submit(
            lambda: self._keys.count(query), counted, self._on_failure, owner=self
        )

    def fetch_more(self) -> None:
        if not self.can_fetch_more():
            return
        query, cursor = self._query, self._cursor
        if cursor is None:  # (never: can_fetch_more says so)
            return
        ready = self._ready
        if ready is not None and ready[0] == cursor:
            self._ready = None
            if time.monotonic() - ready[2] <= READ_AHEAD_FRESH_S:
                self._arrived(ready[1])
                return
        if self._ahead.active and self._ahead_of == cursor:
            self._take_ahead = True  # on its way: shown when it comes
            return
        self._more.submit(
            lambda: self._keys.page(query, after=cursor),
            self._arrived,
            self._on_failure,
            owner=self,
        )

    def _arrived(self, page: KeyPage) -> None:
        self._cursor = page.next_cursor
        self.next_page.emit(page)
        if page.next_cursor is None and self._count is None:
            self._set_count(self._rows_shown())
        self.read_ahead()

    def read_ahead(self) -> None:
        """Read the page after the last one shown, unless it is here or on its way."""
        cursor = self._cursor
        if (
            cursor is None
            or not self._loaded
            or self._loading
            or self._blocked
            or self._more.active  # that page is on its way; its arrival reads ahead
            or (self._ready is not None and self._ready[0] == cursor)
            or (self._ahead.active and self._ahead_of == cursor)
        ):
            return
        query = self._query
        self._ahead_of = cursor
        self._ready = None
        self._ahead.submit(
            lambda: self._keys.page(query, after=cursor),
            lambda page: self._on_read_ahead(cursor, page),
            self._on_read_ahead_failed,
            owner=self,
        )

    def _on_read_ahead(self, cursor: PageCursor, page: KeyPage) -> None:
        if self._take_ahead:
            self._take_ahead = False
            self._arrived(page)
        else:
            self._ready = (cursor, page, time.monotonic())

    def _on_read_ahead_failed(self, error: BaseException) -> None:
        if self._take_ahead:  # someone waits for it: say why it did not come
            self._take_ahead = False
            self._on_failure(error)
        # Otherwise nobody asked yet: fetch_more reads it again (and reports a failure).

    def drop_read_ahead(self) -> None:
        """A key changed: a page read ahead may hold it as it was. Read it again."""
        waiting = self._take_ahead
        self._forget_ahead()
        if waiting:
            self.fetch_more()

    def _forget_ahead(self) -> None:
        self._ahead.cancel()
        self._ahead_of = None
        self._ready = None
        self._take_ahead = False

    def _on_failure(self, error: BaseException) -> None:
        self._first.cancel()
        self._counting.cancel()
        self._more.cancel()
        self._forget_ahead()
        if self._loading:
            self._loading = False
            self.loading_changed.emit(False)
        self._blocked = True
        self.failed.emit(error)

    # ------------------------------------------------------------------ count

    def _set_count(self, count: int | None) -> None:
        self._count = count
        self.count_changed.emit(count)

    def add_to_count(self, delta: int) -> None:
        """A key created or deleted here: the shown count follows, the cached one is stale."""
        if self._count is not None:
            self._set_count(max(0, self._count + delta))
        self._counted = None
