"""`keyward keys bulk ACTION`: one change to many keys, dry run first.

Without ``--yes`` nothing changes: the command prints the dry run (what will change on each
key, what is skipped and why) and says how to confirm. With ``--yes`` it does the same dry
run and then changes each key in its own transaction, with one audit event per key.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from app.cli.context import Context, UsageError
from app.cli.output import echo, emit_json
from app.domain.errors import Field, ValidationError
from app.domain.sorting import SortField
from app.domain.status import KeyStatus
from app.services.choices import BulkAction

if TYPE_CHECKING:
    from app.services.bulk import BulkPlan
    from app.services.dto import BulkRequest

#: Exit status when some planned keys could not be changed.
EXIT_PARTIAL = 1


def register(action: Callable[[str, str, str], argparse.ArgumentParser]) -> None:
    """Add ``bulk`` to ``keyward keys`` (``action`` is that group's parser factory)."""
    bulk = action(
        "bulk",
        "disable, enable, revoke, set or extend the expiry of, or annotate many keys",
        "Change many keys at once. Choose them with --ids, or with a filter like `keys list`'s\n"
        "(--search, --status, --owner). Every run shows the dry run first: what changes on\n"
        "each key, and which keys are skipped and why (already revoked, not yours to manage).\n"
        "Nothing changes without --yes; with --yes each key is changed in its own transaction\n"
        "and gets its own audit event. Exit 0 when every planned change was made, 1 when some\n"
        "key could not be changed (someone changed it after the dry run, say).\n\n"
        "Examples:\n"
        "  keyward keys bulk extend-expiry --days 30 --ids FROXs9MqEMwE 7fQm2LxP0aZk\n"
        "  keyward keys bulk revoke --search 'acme' --reason 'engagement ended' --yes",
    )
    bulk.add_argument(
        "bulk_action",
        choices=[item.value for item in BulkAction],
        metavar="ACTION",
        help="disable, enable, revoke, set-expiry, extend-expiry or add-note",
    )
    chosen = bulk.add_argument_group("which keys (--ids, or a filter)")
    chosen.add_argument("--ids", nargs="+", metavar="KEY_ID", help="the key ids")
    chosen.add_argument("--search", help="keys whose name, description, owner or id contain this")
    chosen.add_argument(
        "--status", choices=[status.value for status in KeyStatus], help="keys with this status"
    )
    chosen.add_argument("--owner", metavar="USER", help="keys of this login")
    bulk.add_argument("--reason", help="revoke: the reason every revoked key records")
    bulk.add_argument(
        "--expires",
        metavar="YYYY-MM-DD|never",
        help="set-expiry: the last day the keys work (UTC), or never",
    )
    bulk.add_argument("--days", type=int, help="extend-expiry: days to add to each key's expiry")
    bulk.add_argument("--note", help="add-note: text appended (dated) to each key's description")
    bulk.add_argument(
        "--dry-run", action="store_true", help="only show what would change (the default)"
    )
    bulk.add_argument("--yes", action="store_true", help="make the changes after the dry run")
    bulk.set_defaults(handler=run_bulk)


def _request(args: argparse.Namespace) -> BulkRequest:
    # Here, not at the top: the DTOs' dataclasses would load with `keyward keys --help`.
    from app.services.dto import BulkRequest

    action = BulkAction(args.bulk_action)
    expires: date | None = None
    if action is BulkAction.SET_EXPIRY:
        text = (args.expires or "").strip()
        if not text:
            raise UsageError("set-expiry needs --expires YYYY-MM-DD (or --expires never).")
        if text.lower() != "never":
            try:
                expires = date.fromisoformat(text)
            except ValueError:
                raise ValidationError(
                    Field.EXPIRES, f"“{text[:40]}” is not a date; write it as YYYY-MM-DD."
                ) from None
    if action is BulkAction.EXTEND_EXPIRY and args.days is None:
        raise UsageError("extend-expiry needs --days N, e.g. --days 30.")
    if action is BulkAction.ADD_NOTE and not args.note:
        raise UsageError('add-note needs --note "…".')
    return BulkRequest(
        action, reason=args.reason, expires=expires, extend_days=args.days, note=args.note
    )


def _print_plan(plan: BulkPlan) -> None:
    for change in plan.changes:
        echo(f"  change  {change.line}")
    for skip in plan.skipped:
        echo(f"  skip    {skip.line}")
    echo(plan.summary())


def run_bulk(args: argparse.Namespace, context: Context) -> int:
    filtered = args.search or args.status or args.owner
    if bool(args.ids) == bool(filtered):
        raise UsageError("Choose the keys with --ids, or with --search/--status/--owner.")
    if args.dry_run and args.yes:
        raise UsageError("Give --dry-run or --yes, not both.")
    from app.services.dto import KeyQuery

    request = _request(args)
    services = context.services()
    ids = args.ids or services.bulk.ids_matching(
        KeyQuery(
            search=args.search or "",
            status=KeyStatus(args.status) if args.status else None,
            owner=args.owner,
            sort=SortField.NAME,
            descending=False,
        )
    )
    plan = services.bulk.plan(request, ids)
    if not args.yes:
        if context.json:
            emit_json({"dry_run": True, **plan.to_json()})
        else:
            _print_plan(plan)
            if plan.changes:
                echo("Nothing changed yet: add --yes to make these changes.")
        return 0
    result = services.bulk.apply(plan)
    if context.json:
        emit_json({"dry_run": False, **plan.to_json(), **result.to_json()})
    else:
        _print_plan(plan)
        for failure in result.failed:
            echo(f"  not changed  {failure.label}: {failure.why}")
        echo(result.summary())
    return EXIT_PARTIAL if result.failed else 0
