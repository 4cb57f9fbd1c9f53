"""`keyward keys attention`: the keys that need a person's attention, grouped, with why.

Exit status 0 however many keys it finds, so a report never fails a pipeline by accident;
``--fail-on-findings`` makes any finding exit 1, for a scheduled job that should alert.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from app.cli import output
from app.cli.context import Context
from app.cli.output import echo, emit_json
from app.domain.wording import counted
from app.services.choices import AttentionGroup

#: Exit status of ``--fail-on-findings`` when something needs attention.
EXIT_FINDINGS = 1
MAX_PER_GROUP = 1000


def register(action: Callable[[str, str, str], argparse.ArgumentParser]) -> None:
    """Add ``attention`` to ``keyward keys`` (``action`` is that group's parser factory)."""
    groups = ", ".join(group.value for group in AttentionGroup)
    attention = action(
        "attention",
        "list keys that need attention (expiring, unused, undocumented, …) and why",
        "List the keys that need attention, grouped, each with the reason:\n"
        "  expiring           expires within the policy's longest warning (30 days unless set)\n"
        "  stale              working, but unused for the policy's stale period (90 days\n"
        "                     unless set), or never used that long after it was created\n"
        "  owner_deactivated  not revoked although its owner is deactivated\n"
        "  no_description     not revoked and nobody wrote down what it is for\n"
        "  over_lifetime      older than the policy's maximum lifetime (when one is set)\n"
        "Members see their own keys. Exit status 0, or with --fail-on-findings 1 when any\n"
        "key needs attention (for a scheduled job).",
    )
    attention.add_argument(
        "--group",
        choices=[group.value for group in AttentionGroup],
        metavar="GROUP",
        help=f"only this group: {groups}",
    )
    attention.add_argument(
        "--fail-on-findings",
        action="store_true",
        help="exit 1 when any key needs attention (default: exit 0 and just report)",
    )
    attention.set_defaults(handler=list_attention)


def list_attention(args: argparse.Namespace, context: Context) -> int:
    service = context.services().attention
    rules = service.thresholds()
    groups = [AttentionGroup(args.group)] if args.group else list(AttentionGroup)
    found = {
        group: (
            service.page(group, limit=MAX_PER_GROUP, rules=rules).items,
            service.count(group, rules=rules),
        )
        for group in groups
    }
    total = sum(count for _items, count in found.values())
    if context.json:
        emit_json(
            {
                group.value: {"count": count, "keys": [item.to_json() for item in items]}
                for group, (items, count) in found.items()
            }
        )
    else:
        for group, (items, count) in found.items():
            if not count:
                continue
            echo(f"{group.label} ({count})")
            output.table(
                ["Name", "Key", "Owner", "Status", "Why"],
                [
                    [
                        item.key.name,
                        item.key.masked,
                        output.owner(item.key),
                        item.key.status.label,
                        item.why,
                    ]
                    for item in items
                ],
                limit=60,
            )
            if count > len(items):
                echo(f"… and {count - len(items)} more")
            echo()
        echo(
            "Nothing needs attention."
            if not total
            else f"{counted(total, 'finding')} "
            f"(stale after {counted(rules.stale_after_days, 'day')}, expiry warnings at "
            f"{', '.join(str(day) for day in rules.expiry_warning_days)} days)"
        )
    return EXIT_FINDINGS if args.fail_on_findings and total else 0
