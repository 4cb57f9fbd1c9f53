"""`keyward audit …`: read, verify and export the tamper-evident audit trail."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.cli import output
from app.cli.context import Context
from app.cli.output import echo, emit_json
from app.services import Services
from app.services.files import write_private_file


def register(commands: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    audit = commands.add_parser(
        "audit",
        help="read, verify and export the audit trail",
        description=(
            "Every change (keys, users, policy) is an audit event: who, what, before and after, "
            "why, when and from which host. Events form a SHA-256 hash chain, so a modified, "
            "deleted, inserted or reordered event is detected. Auditors, managers and admins "
            "may read it."
        ),
    )
    actions = audit.add_subparsers(title="actions", metavar="ACTION", required=True)

    listing = actions.add_parser(
        "list",
        parents=[common],
        help="show the newest events",
        description="Show the newest audit events, newest first.",
    )
    listing.add_argument("--key", metavar="ID", help="only events about this key")
    listing.add_argument(
        "--limit", type=int, default=100, metavar="N", help="at most N events (default 100)"
    )
    listing.set_defaults(handler=list_events)

    verify = actions.add_parser(
        "verify",
        parents=[common],
        help="check the hash chain; exit 1 if it was tampered with",
        description=(
            "Re-compute the whole hash chain. Prints that it is intact (exit 0) or names the "
            "first event that was modified, deleted, inserted or reordered (exit 1)."
        ),
    )
    verify.set_defaults(handler=verify_chain)

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
    report = context.services().audit.verify()
    if context.json:
        emit_json(
            {
                "ok": report.ok,
                "events_checked": report.events_checked,
                "first_bad_seq": report.first_bad_seq,
                "problem": report.problem,
                "message": report.message,
            }
        )
    else:
        echo(report.message)
    return 0 if report.ok else 1


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
