"""The layering of DESIGN §1 is enforced, not hoped for."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_hold() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:  # pragma: no cover - prints the broken contract
        raise AssertionError(result.stdout + result.stderr)
    assert re.search(r"Contracts: \d+ kept, 0 broken\.", result.stdout), result.stdout


def test_everything_below_the_ui_runs_without_qt() -> None:
    """domain, data, services, cli and the entry module work with PySide6 made unimportable."""
    script = """
import sys
sys.modules["PySide6"] = None  # any import of PySide6 now raises ImportError
import app.domain.key_format, app.domain.audit, app.data.key_queries, app.services, app.cli.main
import app.main  # the entry module imports the console only when it is asked for
from app.domain.hashing import FAST_FOR_TESTS, TokenHasher
from app.services import open_services
services = open_services("sqlite://", hasher=TokenHasher(FAST_FOR_TESTS), operator_login="ci")
created = services.keys.create("Snowflake ETL")
assert services.verifier().verify(created.token.reveal()).valid
print("ok")
"""
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_the_schema_revision_constant_is_the_migrations_head() -> None:
    from app.data.schema import SCHEMA_REVISION, head_revision

    assert head_revision() == SCHEMA_REVISION
