"""`keyward policy …`: the key policy, hygiene thresholds, token prefix and environments."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from app.cli.context import Context, UsageError
from app.cli.output import echo, emit_json
from app.domain.wording import counted

if TYPE_CHECKING:
    from app.services.settings import PolicyDTO, PolicyPreview


def register(commands: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    policy = commands.add_parser(
        "policy",
        help="show or change the key policy (admins change it)",
        description=(
            "The key policy (active-key limit, maximum lifetime), the hygiene thresholds, the "
            "token prefix and the environments of this database."
        ),
    )
    actions = policy.add_subparsers(title="actions", metavar="ACTION", required=True)

    show = actions.add_parser(
        "show",
        parents=[common],
        help="show the policy",
        description=(
            "Show the active-key limit per user, the maximum lifetime of new keys, the "
            "stale and expiry-warning thresholds, the token prefix and the environments."
        ),
    )
    show.set_defaults(handler=show_policy)

    change = actions.add_parser(
        "set",
        parents=[common],
        help="change the policy (admins only); --dry-run shows whom it affects",
        description=(
            "Change the policy; each changed setting is audited with its old and new value, "
            "and all of them change together or none does. Unlimited keys per user is the "
            "default and the recommended practice (one key per integration and environment). "
            "With a limit, creating a key at it revokes the owner's oldest active keys, and "
            "`keys create` asks for --replace-oldest to confirm that; lowering the limit "
            "never revokes anything by itself. With a maximum lifetime, every new key needs "
            "an expiry date within it. --dry-run prints what would change and whom it "
            "affects, and changes nothing."
        ),
    )
    change.add_argument(
        "--max-active",
        "--max-active-keys",
        dest="max_active",
        metavar="N|unlimited",
        help="active keys a user may have, e.g. 1, or unlimited",
    )
    change.add_argument(
        "--max-lifetime",
        metavar="DAYS|none",
        help="longest lifetime of a new key in days (an expiry becomes required), or none",
    )
    change.add_argument(
        "--stale-after",
        metavar="DAYS",
        help="days without use after which a key counts as stale (default 90)",
    )
    change.add_argument(
        "--expiry-warnings",
        metavar="DAYS,…",
        help="days before an expiry to flag a key as expiring soon (default 30,7,1)",
    )
    change.add_argument(
        "--environments",
        metavar="LIST",
        help="comma-separated environment labels for new tokens, e.g. live,test,dev",
    )
    change.add_argument("--prefix", help="the token prefix for new keys, e.g. kw")
    change.add_argument(
        "--dry-run",
        action="store_true",
        help="show what would change and whom it affects; change nothing",
    )
    change.set_defaults(handler=set_policy)


def _print(context: Context, policy: PolicyDTO) -> None:
    if context.json:
        emit_json(policy.to_json())
        return
    limit = policy.max_active_keys_per_user
    lifetime = policy.max_lifetime_days
    echo(f"Active keys per user: {'unlimited' if limit is None else limit}")
    echo(f"Maximum lifetime:     {'none' if lifetime is None else counted(lifetime, 'day')}")
    echo(f"Stale after:          {counted(policy.stale_after_days, 'day')} without use")
    echo(
        "Expiry warnings:      "
        f"{', '.join(str(day) for day in policy.expiry_warning_days)} days before"
    )
    echo(f"Token prefix:         {policy.prefix}")
    echo(f"Environments:         {', '.join(policy.environments)}")


def _preview_json(preview: PolicyPreview) -> dict[str, Any]:
    return {
        "dry_run": True,
        "before": preview.before.to_json(),
        "after": preview.after.to_json(),
        "changed": list(preview.changed),
        "over_limit": [
            {
                "owner": entry.owner_login,
                "owner_name": entry.owner_name,
                "active": entry.active,
                "to_revoke": [key.key_id for key in entry.to_revoke],
            }
            for entry in preview.over_limit
        ],
        "over_lifetime": [key.key_id for key in preview.over_lifetime],
        "over_lifetime_total": preview.over_lifetime_total,
        "lines": preview.lines(),
    }


def show_policy(args: argparse.Namespace, context: Context) -> int:
    _print(context, context.services().policy.get())
    return 0


def set_policy(args: argparse.Namespace, context: Context) -> int:
    values = {
        "max_active_keys_per_user": args.max_active,
        "max_lifetime_days": args.max_lifetime,
        "stale_after_days": args.stale_after,
        "expiry_warning_days": args.expiry_warnings,
        "environments": args.environments,
        "prefix": args.prefix,
    }
    if all(value is None for value in values.values()):
        raise UsageError(
            "Give at least one of --max-active, --max-lifetime, --stale-after, "
            "--expiry-warnings, --environments or --prefix."
        )
    from app.services.settings import UNSET, PolicyChanges

    changes = PolicyChanges(
        **{name: UNSET if value is None else value for name, value in values.items()}
    )
    policy = context.services().policy
    if args.dry_run:
        # Every value is checked here too: a bad one is refused as it would be for real.
        preview = policy.preview(changes)
        if context.json:
            emit_json(_preview_json(preview))
        else:
            echo("Dry run: nothing was changed.")
            for line in preview.lines():
                echo(line)
        return 0
    _print(context, policy.apply(changes))
    return 0
