"""`keyward keys export` and `keys list --environment`: the listed keys, all of them, to a
0600 file; bad input gets one sentence and no file."""

from __future__ import annotations

import csv
import json
import os
import stat
from pathlib import Path

from tests.cli.support import Run, create
from tests.support import assert_clean_refusal


def _seed(run: Run) -> list[str]:
    tokens = []
    for number, environment in enumerate(["live", "test", "test", "live", "test"]):
        _key_id, token = create(run, "--name", f"Sync {number}", "--environment", environment)
        tokens.append(token)
    return tokens


def _list(run: Run, *args: str) -> list[dict[str, object]]:
    result = run("keys", "list", "--json", "--limit", "1000", *args)
    assert result.code == 0, result.err
    listed: list[dict[str, object]] = json.loads(result.out)
    return listed


def test_export_writes_what_list_shows_for_the_same_filters(run: Run, tmp_path: Path) -> None:
    tokens = _seed(run)
    shown = _list(run, "--environment", "test", "--sort", "name")
    assert [row["name"] for row in shown] == ["Sync 1", "Sync 2", "Sync 4"]
    assert _list(run, "--environment", "TEST") == _list(run, "--environment", "test")

    target = tmp_path / "keys.json"
    result = run(
        "keys", "export", "--format", "json", "--output", str(target),
        "--environment", "test", "--sort", "name",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.out == f"Exported 3 keys to {target}.\n"
    assert json.loads(target.read_text(encoding="utf-8")) == shown
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    target = tmp_path / "keys.csv"
    result = run(
        "--json", "keys", "export", "--format", "csv", "--output", str(target),
        "--environment", "test", "--sort", "name", "--desc", "--search", "sync",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert json.loads(result.out) == {"exported": 3, "format": "csv", "output": str(target)}
    with target.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert [row["name"] for row in rows] == ["Sync 4", "Sync 2", "Sync 1"]
    assert list(rows[0]) == list(shown[0])
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    everything = target.read_text() + (tmp_path / "keys.json").read_text()
    assert not any(token in everything for token in tokens)

    # No filter: every key, newest first as `keys list` shows them.
    target = tmp_path / "all.json"
    assert run("keys", "export", "--format", "json", "--output", str(target)).code == 0
    assert json.loads(target.read_text()) == _list(run)


def test_bad_input_gets_one_sentence_and_no_file(sqlite_run: Run, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    create(sqlite_run, "--name", "Snowflake ETL")
    target = str(out / "keys.csv")

    for argv in (
        ["keys", "export", "--format", "xlsx", "--output", target],
        ["keys", "export", "--format", "csv"],
        ["keys", "export", "--output", target],
        ["keys", "list", "--environment"],
    ):
        result = sqlite_run(*argv)
        assert result.code == 2, argv
        assert result.err.startswith("usage:") or result.err.startswith("keyward:")

    for argv, words in (
        (["--output", str(out)], "is a folder"),
        (["--output", str(out / "missing" / "keys.csv")], "does not exist"),
        (["--output", target, "--owner", "nobody"], "no Keyward user"),
        (["--output", target, "--environment", "prod!"], "environment"),
    ):
        result = sqlite_run("keys", "export", "--format", "csv", *argv)
        assert result.code == 1, (argv, result.err)
        assert result.out == ""
        message = result.err.removeprefix("keyward: ").rstrip("\n")
        assert words in message
        assert_clean_refusal(message)
    assert os.listdir(out) == []

    result = sqlite_run("keys", "list", "--environment", "prod!")
    assert result.code == 1
    assert_clean_refusal(result.err.removeprefix("keyward: ").rstrip("\n"))
