"""`keyward reviews`: start, answer, show the unanswered ids, close, export."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.support import Peek, Run


def _create(run: Run, name: str) -> str:
    result = run("--json", "keys", "create", "--name", name)
    assert result.code == 0, result.err
    return str(json.loads(result.out)["id"])


def test_a_review_from_the_command_line(sqlite_run: Run, tmp_path: Path) -> None:
    kept = _create(sqlite_run, "Warehouse ETL")
    dropped = _create(sqlite_run, "Old dashboard")
    silent = _create(sqlite_run, "Forgotten feed")
    started = sqlite_run("reviews", "start", "--title", "Q1 review", "--due", "2999-03-31")
    assert started.code == 0, started.err
    assert started.out.startswith("Started access review #1 “Q1 review”: 3 keys")

    mine = sqlite_run("reviews", "list", "--mine")
    assert mine.last_line == "3 keys waiting for your answer"
    assert sqlite_run("reviews", "answer", "1", kept, "keep", "--note", "in Vault").code == 0
    revoked = sqlite_run("reviews", "answer", "1", dropped, "revoke")
    assert revoked.last_line.endswith("the key is revoked.")

    unanswered = sqlite_run("reviews", "show", "1", "--unanswered")
    assert unanswered.out.split() == [silent]
    assert sqlite_run("keys", "bulk", "disable", "--ids", silent, "--yes").code == 0
    closed = sqlite_run("reviews", "close", "1")
    assert closed.last_line == "Closed access review #1: 1 kept, 1 revoked, 1 unanswered."

    target = tmp_path / "review.csv"
    assert sqlite_run("reviews", "export", "1", "--output", str(target)).code == 0
    assert "in Vault" in target.read_text()
    listing = json.loads(sqlite_run("--json", "reviews", "list").out)
    assert listing[0]["status"] == "closed" and listing[0]["kept"] == 1


def test_bad_input_is_one_sentence(sqlite_run: Run, sqlite_peek: Peek) -> None:
    key = _create(sqlite_run, "Feed")
    before = sqlite_peek.counts()
    for argv, expected in [
        (("reviews", "start", "--title", "R", "--due", "soon"), "is not a date"),
        (("reviews", "start", "--title", "R", "--due", "2000-01-01"), "future"),
        (("reviews", "answer", "7", key, "keep"), "no access review #7"),
        (("reviews", "close", "7"), "no access review #7"),
    ]:
        result = sqlite_run(*argv)
        assert result.code != 0, argv
        assert expected in result.err, (argv, result.err)
        assert "Traceback" not in result.err
    assert sqlite_peek.counts() == before
