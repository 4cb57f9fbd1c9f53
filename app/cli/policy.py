"""`keyward policy …`: the database-wide key policy, token prefix and environments."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.context import Context, UsageError
from app.cli.output import echo, emit_json
from app.domain.errors import Field
from app.domain.key_format import check_label
from app.domain.policy import parse_limit
from app.services.settings import PolicyDTO


def register(commands: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    policy = commands.add_parser(
        "policy",
        help="show or change the key policy (admins change it)",
        description="The key policy, token prefix and environments of this database.",
    )
    actions = policy.add_subparsers(title="actions", metavar="ACTION", required=True)

    show = actions.add_parser(
        "show",
        parents=[common],
        help="show the policy",
        description="Show the active-key limit per user, the token prefix and the environments.",
    )
    show.set_defaults(handler=show_policy)

    change = actions.add_parser(
        "set",
        parents=[common],
        help="change the policy (admins only)",
        description=(
            "Change the policy; each change is audited. Unlimited keys per user is the default "
            "and the recommended practice (one key per integration and environment). With a "
            "limit, creating a key at it revokes the owner's oldest active key, and "
            "`keys create` asks for --replace-oldest to confirm that."
        ),
    )
    change.add_argument(
        "--max-active-keys",
        metavar="N|unlimited",
        help="active keys a user may have, e.g. 1, or unlimited",
    )
    change.add_argument(
        "--environments",
        metavar="LIST",
        help="comma-separated environment labels for new tokens, e.g. live,test,dev",
    )
    change.add_argument("--prefix", help="the token prefix for new keys, e.g. kw")
    change.set_defaults(handler=set_policy)


def _print(context: Context, policy: PolicyDTO) -> None:
    if context.json:
        emit_json(policy.to_json())
        return
    limit = policy.max_active_keys_per_user
    echo(f"Active keys per user: {'unlimited' if limit is None else limit}")
    echo(f"Token prefix:         {policy.prefix}")
    echo(f"Environments:         {', '.join(policy.environments)}")


def show_policy(args: argparse.Namespace, context: Context) -> int:
    _print(context, context.services().policy.get())
    return 0


def set_policy(args: argparse.Namespace, context: Context) -> int:
    if args.max_active_keys is None and args.environments is None and args.prefix is None:
        raise UsageError("Give --max-active-keys, --environments or --prefix.")
    # Check every value first, so a bad one leaves all of them unchanged.
    if args.max_active_keys is not None:
        parse_limit(args.max_active_keys)
    if args.prefix is not None:
        check_label(args.prefix.strip(), Field.PREFIX)
    if args.environments is not None:
        for label in args.environments.split(","):
            check_label(label.strip().lower(), Field.ENVIRONMENT)
    policy = context.services().policy
    result = None
    if args.max_active_keys is not None:
        result = policy.set_key_limit(args.max_active_keys)
    if args.prefix is not None:
        result = policy.set_prefix(args.prefix)
    if args.environments is not None:
        result = policy.set_environments(args.environments)
    assert result is not None
    _print(context, result)
    return 0
