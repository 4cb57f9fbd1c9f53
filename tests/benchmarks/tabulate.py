"""Side-by-side Markdown table of ``bench_search --json`` outputs (for RESULTS.md).

    uv run python -m tests.benchmarks.tabulate "SQLite 1M=a.json" "PostgreSQL 1M=b.json" ...

Cells are "median / p95" in milliseconds; a figure over its budget is bold and marked ✗.
Counts, the round-trip baseline and verification also carry their note.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

Key = tuple[str, str]
WITH_NOTE = {"count", "baseline", "verify"}


def _cell(group: str, figure: dict[str, Any] | None) -> str:
    if figure is None:
        return "–"
    if group == "size":
        return str(figure["case"])
    text = f"{figure['median_ms']:.2f} / {figure['p95_ms']:.2f}"
    if figure["verdict"] == "MISS":
        text = f"**{text}** ✗"
    if group in WITH_NOTE and figure["note"]:
        text += f" ({figure['note']})"
    return text


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def main(argv: Sequence[str] | None = None) -> int:
    columns: list[tuple[str, dict[Key, dict[str, Any]]]] = []
    order: dict[Key, float | None] = {}
    for argument in argv if argv is not None else sys.argv[1:]:
        title, _, path = argument.partition("=")
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        figures: dict[Key, dict[str, Any]] = {}
        for figure in data["figures"]:
            key = ("size", "") if figure["group"] == "size" else (figure["group"], figure["case"])
            figures[key] = figure
            order.setdefault(key, figure["budget_ms"])
        columns.append((title, figures))
    print(_row(["group", "case", "budget ms", *(title for title, _ in columns)]))
    print(_row(["---"] * (3 + len(columns))))
    for key, budget in order.items():
        cells = [_cell(key[0], figures.get(key)) for _, figures in columns]
        print(_row([key[0], key[1], "" if budget is None else f"{budget:g}", *cells]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
