"""`keyward audit …`: read, verify and export the tamper-evident audit trail."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.cli import output
from app.cli.context import Context
from app.cli.output import echo, emit_json
from app.domain.errors import OutputError
from app.domain.key_format import key_id_of
from app.services import Services
from app.services.checkpoints import (
    check_new_file,
    read_checkpoint_file,
    write_new_file,
)
from app.services.files import write_private_file


def register(commands: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    audit = commands.add_parser(
        "audit",
        help="read, verify and export the audit trail",
        description=(
            "Every change (keys, users, policy, signing keys, checkpoints) is an audit event: "
            "who, what, before and after, why, when and from which host. Events form a SHA-256 "
            "hash chain, so a modified, deleted, inserted or reordered event is detected. "
            "Signed checkpoints pin the chain's head under an auditor's or admin's Ed25519 "
            "key, so even a history rewritten with every hash recomputed is caught. Auditors, "
            "managers and admins may read and verify it; auditors and admins may sign."
        ),
    )
    actions = audit.add_subparsers(title="actions", metavar="ACTION", required=True)

    listing = actions.add_parser(
        "list",
        parents=[common],
        help="show the newest events",
        description="Show the newest audit events, newest first.",
    )
    listing.add_argument("--key", metavar="ID", type=key_id_of, help="only events about this key")
    listing.add_argument(
        "--limit", type=int, default=100, metavar="N", help="at most N events (default 100)"
    )
    listing.set_defaults(handler=list_events)

    verify = actions.add_parser(
        "verify",
        parents=[common],
        help="check the hash chain and every signed checkpoint; exit 1 if tampered with",
        description=(
            "Re-compute the whole hash chain and check every checkpoint stored in the "
            "database and each checkpoint FILE given: its signature, that it was signed for "
            "this database with a registered key of its signer, and that the chain still "
            "passes through the event it signed. Prints that everything holds (exit 0), or "
            "names the first event that was modified, deleted, inserted or reordered, or the "
            "checkpoint that fails and the first event that no longer matches it (exit 1). A "
            "history rewritten or truncated before a checkpoint is caught even when every "
            "hash and the head were recomputed. A malformed or altered checkpoint file is "
            "refused (exit 1)."
        ),
    )
    verify.add_argument(
        "--checkpoint",
        action="append",
        default=[],
        metavar="FILE",
        help="also check this checkpoint file (from `audit checkpoint --output`); repeatable",
    )
    verify.set_defaults(handler=verify_chain)

    checkpoint = actions.add_parser(
        "checkpoint",
        parents=[common],
        help="sign the chain's head with your key; store it, and write it to FILE",
        description=(
            "Sign the audit chain's current head (event number, hash, time and this "
            "database's identity) with your Ed25519 signing key, store the checkpoint in the "
            "database (an audited event), and with --output also write it as a small JSON "
            "file to keep somewhere the database's owners cannot reach. Your key is made on "
            "first use and kept only in the OS keyring (service keyward-signing); its public "
            "half is registered in the database (an audited event). Auditors and admins may "
            "sign."
        ),
    )
    checkpoint.add_argument(
        "--output",
        metavar="FILE",
        help="also write the checkpoint to this new file (never overwrites one)",
    )
    checkpoint.set_defaults(handler=sign_checkpoint)

    export = actions.add_parser(
        "export",
        parents=[common],
        help="export every event with its chain, as CSV or JSON Lines",
        description=(
            "Export every event, oldest first, with its prev_hash and hash, so an auditor can "
            "re-verify the export offline. Writes to standard output, or replaces FILE "
            "atomically (created readable by you only)."
        ),
    )
    export.add_argument("--format", required=True, choices=["csv", "jsonl"])
    export.add_argument("--output", metavar="FILE", help="write here instead of standard output")
    export.set_defaults(handler=export_events)


def list_events(args: argparse.Namespace, context: Context) -> int:
    events = context.services().audit.recent(key_id=args.key, limit=args.limit)
    if context.json:
        emit_json([event.to_json() for event in events])
        return 0
    if not events:
        echo("No audit events match.")
        return 0
    output.table(
        ("#", "When", "Actor", "Target", "Event"),
        [
            [
                str(event.seq),
                output.when(event.occurred_at),
                event.actor,
                f"{event.target_type} {event.target_id}",
                event.summary(),
            ]
            for event in events
        ],
        limit=90,
    )
    return 0


def verify_chain(args: argparse.Namespace, context: Context) -> int:
    # Files are read and checked first: a malformed one is refused before any database work.
    files = []
    for name in args.checkpoint:
        parsed = read_checkpoint_file(name)
        files.append((f"checkpoint file {name}", parsed.checkpoint))
    verdict = context.services().checkpoints.verify(files)
    chain = verdict.chain
    failed = verdict.failures[0] if verdict.failures else None
    if context.json:
        emit_json(
            {
                "ok": verdict.ok,
                "chain_ok": chain.ok,
                "events_checked": chain.events_checked,
                "first_bad_seq": (
                    chain.first_bad_seq
                    if not chain.ok
                    else failed.first_bad_seq
                    if failed
                    else None
                ),
                "problem": chain.problem if not chain.ok else failed.problem if failed else None,
                "checkpoint": failed.source if failed and chain.ok else None,
                "message": verdict.message,
                "checkpoints": [report.to_json() for report in verdict.checkpoints],
            }
        )
        return 0 if verdict.ok else 1
    echo(chain.message)
    for report in verdict.checkpoints:
        echo(output.clean(report.message))
    if not verdict.checkpoints:
        echo("No signed checkpoints yet; `keyward audit checkpoint` signs the chain's head.")
    return 0 if verdict.ok else 1


def sign_checkpoint(args: argparse.Namespace, context: Context) -> int:
    target = Path(args.output).expanduser() if args.output else None
    if target is not None:
        check_new_file(target)  # refuse before signing, not after
    signed = context.services().checkpoints.sign()
    if target is not None:
        try:
            write_new_file(target, signed.file_text())
        except OutputError as refused:
            raise OutputError(
                f"Checkpoint {signed.id} is signed and stored in the database, but not "
                f"written: {refused.message}"
            ) from None
    checkpoint = signed.checkpoint
    if context.json:
        emit_json({**signed.to_json(), "output": str(target) if target else None})
        return 0
    if signed.key_registered:
        echo(
            f"Made a signing key for {output.clean(checkpoint.signer)} in the OS keyring and "
            f"registered it (fingerprint {checkpoint.fingerprint})."
        )
    echo(
        f"Signed checkpoint {signed.id}: event #{checkpoint.seq}, hash {checkpoint.hash}, "
        f"as {output.clean(checkpoint.signer)} with key {checkpoint.fingerprint[:16]}…; "
        "stored in the database."
    )
    if target is not None:
        echo(f"Wrote it to {target}; keep that file where the database's owners cannot reach.")
    return 0


def _export_to_file(services: Services, target: Path, fmt: str) -> int:
    """Write beside the target, then rename: readers never see half an export.

    The file is 0600 because the trail names people and integrations.
    """
    return write_private_file(
        target,
        lambda stream: services.audit.export(stream, fmt),
        what="the export",
        overwrite=True,
        newline="",
    )


def export_events(args: argparse.Namespace, context: Context) -> int:
    services = context.services()
    if args.output is None:
        services.audit.export(sys.stdout, args.format)
        return 0
    target = Path(args.output).expanduser()
    count = _export_to_file(services, target, args.format)
    if context.json:
        emit_json({"exported": count, "format": args.format, "output": str(target)})
    else:
        echo(f"Exported {count} event{'s' if count != 1 else ''} to {target}.")
    return 0
