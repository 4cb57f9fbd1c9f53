"""Exporting a list of keys — the current view's filters, search and sort — as CSV or JSON."""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from app.domain.errors import Cancelled, Field, Progress, ValidationError
from app.domain.wording import counted
from app.services.dto import KeyDTO, KeyQuery
from app.services.files import write_private_file
from app.services.keys import KeyService

FORMATS = ("csv", "json")
_PAGE = 1000  # the key service's largest page
#: The columns of ``KeyDTO.to_json`` (what `keys list --json` prints), for the header of an
#: empty CSV; a non-empty export takes its columns from its first key, so a field added to
#: ``to_json`` later is exported too.
COLUMNS = (
    "id",
    "name",
    "description",
    "owner",
    "owner_name",
    "status",
    "environment",
    "masked",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "last_used_at",
    "expires_at",
    "revoked_at",
    "revoked_reason",
    "version",
    "replaces",
    "replaced_by",
)
#: A spreadsheet treats a cell starting with one of these as a formula: a key named
#: ``=HYPERLINK(…)`` must stay text when an auditor opens the export (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A value as a CSV cell: empty for None; text a spreadsheet would run as a formula is
    kept as text by a leading apostrophe."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class KeyExportService:
    def __init__(self, keys: KeyService) -> None:
        self._keys = keys

    def export(
        self,
        query: KeyQuery,
        fmt: str,
        target: Path,
        progress: Progress | None = None,
    ) -> int:
        """Write every key matching ``query`` (all pages, in its sort order; its ``limit``
        is ignored) to ``target`` and return how many.

        ``fmt`` is ``csv`` (a header row, then one row per key, the fields of
        ``KeyDTO.to_json``) or ``json`` (an array of those objects, as `keys list --json`).
        The file appears whole or not at all, readable by its owner only (0600), replacing
        an existing file of that name. ``progress(done, total)`` is called after each page;
        when it returns False the export stops and raises :class:`Cancelled`, leaving no
        file. Keys hold no secret; the export shows each key's masked form only.
        """
        fmt = fmt.strip().lower()
        if fmt not in FORMATS:
            raise ValidationError(
                Field.FORMAT, f"“{fmt[:20]}” is not an export format; use csv or json."
            )
        paged = dataclasses.replace(query, limit=_PAGE)
        total = self._keys.count(paged)  # also checks the query before any file is made
        if progress is not None and not progress(0, total):
            raise Cancelled("Export cancelled; no file was written.", done=0, total=total)

        def write(stream: IO[str]) -> int:
            writer = _CsvWriter(stream) if fmt == "csv" else _JsonWriter(stream)
            done = 0
            for rows in self._pages(paged):
                for key in rows:
                    writer.row(key)
                done += len(rows)
                # Rows added while exporting can take it past the first count.
                total_now = max(total, done)
                if progress is not None and not progress(done, total_now):
                    raise Cancelled(
                        f"Export cancelled after {done} of {counted(total_now, 'key')}; "
                        "no file was written.",
                        done=done,
                        total=total_now,
                    )
            writer.close()
            return done

        return write_private_file(
            target,
            write,
            what="the export",
            overwrite=True,
            newline="" if fmt == "csv" else None,
        )

    def _pages(self, query: KeyQuery) -> Iterator[tuple[KeyDTO, ...]]:
        page = self._keys.page(query)
        yield page.rows
        while page.next_cursor is not None:
            page = self._keys.page(query, page.next_cursor)
            yield page.rows


class _CsvWriter:
    def __init__(self, stream: IO[str]) -> None:
        self._writer = csv.writer(stream)
        self._columns: list[str] | None = None

    def row(self, key: KeyDTO) -> None:
        data = key.to_json()
        if self._columns is None:
            self._columns = list(data)
            self._writer.writerow(self._columns)
        self._writer.writerow([csv_cell(data.get(column)) for column in self._columns])

    def close(self) -> None:
        if self._columns is None:
            self._writer.writerow(COLUMNS)


class _JsonWriter:
    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._first = True
        stream.write("[")

    def row(self, key: KeyDTO) -> None:
        self._stream.write("\n  " if self._first else ",\n  ")
        self._stream.write(json.dumps(key.to_json(), ensure_ascii=False))
        self._first = False

    def close(self) -> None:
        self._stream.write("]\n" if self._first else "\n]\n")
