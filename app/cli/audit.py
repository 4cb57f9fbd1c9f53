"""`keyward audit …`: read, verify and export the tamper-evident audit trail."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli import output
from app.cli.context import Context, key_id_argument
from app.cli.output import echo, emit_json
from app.domain.audit import AuditAction
from app.domain.errors import OutputError
from app.domain.wording import counted

# The services are imported where a command runs, not here: `keyward audit --help` and the
# other groups' commands must not load SQLAlchemy, argon2 or cryptography to build a parser.
if TYPE_CHECKING:
    from app.services import Services


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
    listing.add_argument(
        "--key", metavar="ID", type=key_id_argument, help="only events about this key"
    )
    listing.add_argument("--actor", metavar="LOGIN", help="only events by this login")
    listing.add_argument(
        "--action",
        choices=[action.value for action in AuditAction],
        metavar="ACTION",
        help="only events of this action (key.created, key.edited, key.revoked, …)",
    )
    listing.add_argument(
        "--since",
        type=_moment_from,
        metavar="WHEN",
        help="only events from this UTC date (YYYY-MM-DD) or instant (ISO 8601) on",
    )
    listing.add_argument(
        "--until",
        type=_moment_until,
        metavar="WHEN",
        help="only events up to the end of this UTC date, or before this instant",
    )
    listing.add_argument(
        "--search",
        metavar="TEXT",
        help="a key id, a pasted token (only its id is used), or text in the target's id or "
        "name or the reason (text searches read every event)",
    )
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

    pack = actions.add_parser(
        "evidence",
        parents=[common],
        help="write an evidence pack for a period (inventory, events, checkpoints)",
        description=(
            "Write an evidence pack for the days FROM to TO (both whole days, UTC) into a new "
            "folder DIR (or DIR.zip with --zip): the key inventory as it was at the start and "
            "at the end of the period (CSV and JSON), the period's audit events with their "
            "hash chain (JSON Lines), the signed checkpoints that cover them with their "
            "signers' public keys, a manifest with the SHA-256 of every file, and a README "
            "saying how to check it, also with nothing but Python. The files are readable by "
            "you only; an existing non-empty DIR is refused. Auditors, managers and admins "
            "may export."
        ),
    )
    pack.add_argument(
        "--from", dest="start", required=True, type=_day, metavar="DATE", help="first day"
    )
    pack.add_argument("--to", dest="end", required=True, type=_day, metavar="DATE", help="last day")
    pack.add_argument("--output", required=True, metavar="DIR", help="a new folder for the pack")
    pack.add_argument("--zip", action="store_true", help="write one zip file (DIR.zip) instead")
    pack.set_defaults(handler=export_evidence)

    check = actions.add_parser(
        "verify-evidence",
        parents=[common],
        help="check an evidence pack offline; exit 1 if anything was changed",
        description=(
            "Check an evidence pack (folder or zip) with no database: every file against the "
            "manifest, the hash chain of its events, and each checkpoint's signature and "
            "signed hash. Prints that it holds (exit 0) or names the first problem (exit 1)."
        ),
    )
    check.add_argument("path", metavar="PATH", help="the pack's folder or zip file")
    check.set_defaults(handler=verify_evidence_pack)


def _parse_moment(text: str, *, end_of_day: bool) -> datetime:
    try:
        if len(text.strip()) == 10:
            day = date.fromisoformat(text.strip())
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return start + timedelta(days=1) if end_of_day else start
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            "give a date (YYYY-MM-DD) or an ISO 8601 instant, in UTC"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _moment_from(text: str) -> datetime:
    return _parse_moment(text, end_of_day=False)


def _moment_until(text: str) -> datetime:
    return _parse_moment(text, end_of_day=True)


def _filtered(args: argparse.Namespace, context: Context) -> list[Any]:
    """Events through the audit view's filters, newest first, up to ``--limit``."""
    from app.services.audit import AuditFilter

    audit = context.services().audit
    wanted = AuditFilter(
        actor=args.actor,
        action=AuditAction(args.action) if args.action else None,
        text=args.key or args.search or "",
        since=args.since,
        until=args.until,
    )
    if args.limit < 1:
        audit.recent(limit=args.limit)  # the same refusal as without filters
    events: list[Any] = []
    after = None
    while len(events) < args.limit:
        page = audit.page(wanted, after=after, limit=min(1000, args.limit - len(events)))
        events += [entry.event for entry in page.entries]
        if page.next_after is None:
            break
        after = page.next_after
    return events


def list_events(args: argparse.Namespace, context: Context) -> int:
    filtered = any(
        getattr(args, name, None) for name in ("actor", "action", "since", "until", "search")
    )
    if filtered:
        events = _filtered(args, context)
    else:
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
    from app.services.checkpoints import read_checkpoint_file

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
    from app.services.checkpoints import check_new_file, write_new_file

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
    from app.services.files import write_private_file

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
        echo(f"Exported {counted(count, 'event')} to {target}.")
    return 0


# --------------------------------------------------------------------------- evidence packs


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError("give a date as YYYY-MM-DD") from None


def export_evidence(args: argparse.Namespace, context: Context) -> int:
    from app.services import evidence

    target = Path(args.output).expanduser()
    if args.zip and target.suffix.lower() != ".zip":
        target = target.with_name(target.name + ".zip")
    evidence.check_target(target)  # refuse before any database work
    result = context.services().evidence.export(args.start, args.end, target)
    if context.json:
        emit_json(
            {
                "output": str(result.directory),
                "files": list(result.files),
                "events": result.events,
                "keys": result.keys,
            }
        )
        return 0
    echo(
        f"Wrote the evidence pack for {args.start.isoformat()} to {args.end.isoformat()} "
        f"to {result.directory}: {counted(result.events, 'event')}, "
        f"{counted(result.keys, 'key')} at the end of the period."
    )
    echo(f"Check it anywhere with `keyward audit verify-evidence {result.directory}`.")
    return 0


def verify_evidence_pack(args: argparse.Namespace, context: Context) -> int:
    from app.services import evidence

    verdict = evidence.verify_evidence(Path(args.path).expanduser())
    if context.json:
        emit_json(
            {
                "ok": verdict.ok,
                "problem": verdict.problem,
                "events": verdict.events,
                "checkpoints": verdict.checkpoints,
                "message": verdict.sentence(),
            }
        )
    else:
        echo(output.clean(verdict.sentence()))
    return 0 if verdict.ok else 1
