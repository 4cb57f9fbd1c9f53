"""`keyward audit checkpoint` and `keyward audit verify --checkpoint` (DESIGN §6, §8)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli.main import main
from tests.cli.support import Run, create, make_runner
from tests.support import SERVER_KINDS, MemoryKeyring, Raw, fresh_server_database


@pytest.fixture(params=["sqlite", *SERVER_KINDS])
def checkpoint_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{os.path.join(tmp_path, 'keyward.db')}"
        yield url
    else:
        yield from fresh_server_database(request.param)


@pytest.fixture
def cli(
    checkpoint_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
) -> Run:
    assert main(["--database", checkpoint_url, "db", "upgrade"]) == 0
    capsys.readouterr()
    run = make_runner(checkpoint_url, capsys, monkeypatch)
    create(run, "--name", "Salesforce Data Sync")
    return run


class _Services:
    """Just enough of Services for Raw (an engine)."""

    def __init__(self, url: str) -> None:
        import sqlalchemy as sa

        self.engine = sa.create_engine(url)


@pytest.fixture
def raw(checkpoint_url: str, cli: Run) -> Iterator[Raw]:
    services = _Services(checkpoint_url)
    yield Raw(services)  # type: ignore[arg-type]
    services.engine.dispose()


def _one_sentence(text: str) -> None:
    line = text.strip()
    assert line.startswith("keyward: ") and "\n" not in line and line.endswith("."), text
    assert "Traceback" not in text


def test_a_checkpoint_is_signed_stored_and_written_to_a_new_file(
    cli: Run,
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
) -> None:
    path = tmp_path / "checkpoint.json"
    result = cli("audit", "checkpoint", "--output", str(path))
    assert result.code == 0, result.err
    assert "Made a signing key" in result.out
    assert "Signed checkpoint 1: event #" in result.out
    assert str(path) in result.out
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "keyward-checkpoint" and data["version"] == 1
    assert set(data) == {
        "format",
        "version",
        "seq",
        "hash",
        "signed_at",
        "database_id",
        "signer",
        "fingerprint",
        "public_key",
        "signature",
    }
    assert len(memory_keyring.entries) == 1

    again = cli("--json", "audit", "checkpoint")
    assert again.code == 0, again.err
    fields = json.loads(again.out)
    assert fields["id"] == 2 and fields["key_registered"] is False
    assert fields["fingerprint"] == data["fingerprint"] and fields["output"] is None

    verified = cli("audit", "verify", "--checkpoint", str(path))
    assert verified.code == 0, verified.err
    assert "intact" in verified.out
    assert "Checkpoint 1 (" in verified.out and "Checkpoint 2 (" in verified.out
    assert f"Checkpoint file {path} (" in verified.out
    assert verified.out.count("holds.") == 3

    as_json = json.loads(cli("--json", "audit", "verify", "--checkpoint", str(path)).out)
    assert as_json["ok"] is True and as_json["chain_ok"] is True
    assert [c["source"] for c in as_json["checkpoints"]] == [
        "checkpoint 1",
        "checkpoint 2",
        f"checkpoint file {path}",
    ]
    assert all(c["ok"] for c in as_json["checkpoints"])


def test_a_superuser_rewrite_exits_1_naming_the_checkpoint_and_the_event(
    cli: Run, raw: Raw, tmp_path: Path
) -> None:
    path = tmp_path / "before-the-rewrite.json"
    assert cli("audit", "checkpoint", "--output", str(path)).code == 0
    signed = json.loads(path.read_text(encoding="utf-8"))
    create(cli, "--name", "HubSpot Sync")

    raw.rewrite_from(1, "a history that never was")

    # Without the file, the stored checkpoint catches it.
    result = cli("audit", "verify")
    assert result.code == 1
    assert "The audit trail is intact" in result.out  # the chain alone is fooled…
    assert f"Checkpoint 1 (event #{signed['seq']}" in result.out  # …the checkpoint is not
    assert f"event #{signed['seq']} no longer has the hash that was signed" in result.out

    # A superuser who also deletes the stored checkpoints is caught by the file.
    raw.execute(f"DELETE FROM {raw.t('audit_checkpoints')}")
    assert cli("audit", "verify").code == 0
    result = cli("audit", "verify", "--checkpoint", str(path))
    assert result.code == 1
    assert f"Checkpoint file {path} (event #{signed['seq']}" in result.out
    assert "fails" in result.out

    fields = json.loads(cli("--json", "audit", "verify", "--checkpoint", str(path)).out)
    assert fields["ok"] is False and fields["chain_ok"] is True
    assert fields["checkpoint"] == f"checkpoint file {path}"
    assert fields["first_bad_seq"] == signed["seq"]
    assert "no longer has the hash" in fields["problem"]
    [report] = fields["checkpoints"]
    assert report["ok"] is False and report["seq"] == signed["seq"]


def test_a_truncated_history_exits_1(cli: Run, raw: Raw, tmp_path: Path) -> None:
    path = tmp_path / "cp.json"
    assert cli("audit", "checkpoint", "--output", str(path)).code == 0
    signed = json.loads(path.read_text(encoding="utf-8"))
    raw.truncate_after(signed["seq"] - 1)
    raw.execute(f"DELETE FROM {raw.t('audit_checkpoints')}")
    result = cli("--json", "audit", "verify", "--checkpoint", str(path))
    assert result.code == 1
    fields = json.loads(result.out)
    assert fields["first_bad_seq"] == signed["seq"]
    assert "no longer exists" in fields["problem"]


@pytest.mark.parametrize(
    "field, value",
    [
        ("seq", 1),
        ("hash", "0" * 64),
        ("signature", "ab" * 64),
        ("public_key", "cd" * 32),
        ("signed_at", "2020-01-01T00:00:00Z"),
        ("version", 7),
    ],
)
def test_a_tampered_checkpoint_file_is_refused(
    cli: Run, tmp_path: Path, field: str, value: object
) -> None:
    path = tmp_path / "cp.json"
    assert cli("audit", "checkpoint", "--output", str(path)).code == 0
    data = json.loads(path.read_text(encoding="utf-8"))
    data[field] = value
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(data), encoding="utf-8")

    result = cli("audit", "verify", "--checkpoint", str(tampered))
    assert result.code == 1
    assert result.out == ""
    _one_sentence(result.err)
    assert str(tampered) in result.err


@pytest.mark.parametrize("content", [b"", b"not json", b"{}", b"\xff" * 10, b"[" * 50_000])
def test_what_is_not_a_checkpoint_file_is_refused(cli: Run, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "junk.json"
    path.write_bytes(content)
    result = cli("audit", "verify", "--checkpoint", str(path))
    assert result.code == 1
    _one_sentence(result.err)


def test_a_missing_checkpoint_file_is_refused(cli: Run, tmp_path: Path) -> None:
    result = cli("audit", "verify", "--checkpoint", str(tmp_path / "nowhere.json"))
    assert result.code == 1
    _one_sentence(result.err)


def test_output_never_overwrites_and_refuses_before_signing(
    cli: Run, raw: Raw, tmp_path: Path
) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("someone's notes\n", encoding="utf-8")
    events = len(raw.events())
    result = cli("audit", "checkpoint", "--output", str(path))
    assert result.code == 1
    _one_sentence(result.err)
    assert "already exists" in result.err
    assert path.read_text(encoding="utf-8") == "someone's notes\n"
    assert len(raw.events()) == events  # nothing signed, nothing registered

    folder = cli("audit", "checkpoint", "--output", str(tmp_path))
    assert folder.code == 1 and "folder" in folder.err
    missing = cli("audit", "checkpoint", "--output", str(tmp_path / "no" / "cp.json"))
    assert missing.code == 1 and "does not exist" in missing.err
    assert len(raw.events()) == events


def test_a_member_may_not_sign(cli: Run, checkpoint_url: str) -> None:
    if not checkpoint_url.startswith("sqlite"):
        pytest.skip("the operator of a server database is its login")
    assert cli("users", "add", "somebody", "--role", "member").code == 0
    # Become the member: make the OS login's own row a member and someone else admin.
    raw = Raw(_Services(checkpoint_url))  # type: ignore[arg-type]
    raw.execute("UPDATE users SET role = 'member' WHERE login <> 'somebody'")
    result = cli("audit", "checkpoint")
    assert result.code == 1
    _one_sentence(result.err)
    assert "only auditors and admins" in result.err
    raw.engine.dispose()


def test_the_help_explains_checkpoints(sqlite_run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "checkpoint", "--help"]) == 0
    text = capsys.readouterr().out
    assert "Ed25519" in text and "OS keyring" in text and "--output" in text
    assert main(["audit", "verify", "--help"]) == 0
    text = capsys.readouterr().out
    assert "--checkpoint FILE" in text and "recomputed" in text
    assert main(["audit", "--help"]) == 0
    assert "checkpoint" in capsys.readouterr().out
