"""`keyward users …`: who may use Keyward, and with which role."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from app.cli import output
from app.cli.context import Context
from app.cli.output import echo, emit_json
from app.domain.roles import Role
from app.domain.wording import counted

if TYPE_CHECKING:
    from app.services.dto import UserDTO

ROLES_HELP = (
    "auditor: reads every key and the audit log, changes nothing; "
    "member: creates and manages own keys; "
    "manager: manages everyone's keys; "
    "admin: everything, plus users and policy; verifier: a service's login that verifies "
    "tokens and records their usage, nothing else"
)

LOGIN_HELP = "the user's login (OS login on SQLite, database login on a server)"


def register(commands: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    users = commands.add_parser(
        "users",
        help="add people, change roles, deactivate and reactivate",
        description=(
            "Who may use Keyward. On SQLite a user is an OS login, on a server database a "
            f"database login. Roles — {ROLES_HELP}."
        ),
    )
    actions = users.add_subparsers(title="actions", metavar="ACTION", required=True)

    def action(name: str, summary: str, description: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = actions.add_parser(
            name, parents=[common], help=summary, description=description
        )
        return parser

    listing = action("list", "list users", "List every Keyward user with role and status.")
    listing.set_defaults(handler=list_users)

    add = action(
        "add",
        "add a user (admins only)",
        "Add a Keyward user. USER is their OS login (SQLite) or database login (server); on "
        "a server database this also grants that login the database role of ROLE (the login "
        "itself is created by the database administrator).",
    )
    add.add_argument("login", metavar="USER", help=LOGIN_HELP)
    add.add_argument(
        "--role",
        choices=[role.value for role in Role],
        default=Role.MEMBER.value,
        help=f"default member. {ROLES_HELP}",
    )
    add.add_argument("--name", help="the person's name, shown as key owner (default: USER)")
    add.add_argument("--email", help="contact address")
    add.set_defaults(handler=add_user)

    set_role = action(
        "set-role",
        "change a user's role (admins only)",
        f"Change a user's role. {ROLES_HELP}. The last admin cannot stop being admin.",
    )
    set_role.add_argument("login", metavar="USER", help=LOGIN_HELP)
    set_role.add_argument(
        "role",
        metavar="ROLE",
        choices=[role.value for role in Role],
        help="auditor, member, manager or admin",
    )
    set_role.set_defaults(handler=set_user_role)

    deactivate = action(
        "deactivate",
        "deactivate a user and revoke all their keys (admins only)",
        "Deactivate a user, for instance someone who left. Every key they own is revoked at\n"
        "once (reason “owner deactivated”) and stays listed under their name; use\n"
        "`keyward keys replace ID --owner USER` to restore an integration under an active user.",
    )
    deactivate.formatter_class = argparse.RawDescriptionHelpFormatter
    deactivate.add_argument("login", metavar="USER", help=LOGIN_HELP)
    deactivate.add_argument(
        "--reason",
        help="why, e.g. 'left the company'; recorded on the audit event and on each revoked key",
    )
    deactivate.set_defaults(handler=deactivate_user)

    reactivate = action(
        "reactivate",
        "let a deactivated user in again (admins only)",
        "Reactivate a user. Their revoked keys stay revoked; they create new ones.",
    )
    reactivate.add_argument("login", metavar="USER", help=LOGIN_HELP)
    reactivate.set_defaults(handler=reactivate_user)


def _describe(user: UserDTO) -> str:
    name = output.clean(user.display_name)
    return user.login if name == user.login else f"{user.login} ({name})"


def list_users(args: argparse.Namespace, context: Context) -> int:
    users = context.services().users.all()
    if context.json:
        emit_json([user.to_json() for user in users])
        return 0
    output.table(
        ("Login", "Name", "Email", "Role", "Status", "Added On"),
        [
            [
                user.login,
                user.display_name,
                user.email or "—",
                user.role.label,
                "Active" if user.active else f"Deactivated {output.when(user.deactivated_at)}",
                output.when(user.created_at),
            ]
            for user in users
        ],
    )
    return 0


def add_user(args: argparse.Namespace, context: Context) -> int:
    user = context.services().users.add(
        args.login, role=args.role, display_name=args.name, email=args.email
    )
    if context.json:
        emit_json(user.to_json())
    else:
        echo(f"Added {_describe(user)} as {user.role.label}.")
        if user.database_login is False:
            echo(
                f"The database has no login named {user.login} yet: ask your database "
                f"administrator to create it, then run `keyward users set-role {user.login} "
                f"{user.role.value}` to grant it access."
            )
    return 0


def set_user_role(args: argparse.Namespace, context: Context) -> int:
    user = context.services().users.set_role(args.login, args.role)
    if context.json:
        emit_json(user.to_json())
    else:
        echo(f"{_describe(user)} is now {user.role.label}.")
    return 0


def deactivate_user(args: argparse.Namespace, context: Context) -> int:
    user, revoked = context.services().users.deactivate(args.login, args.reason)
    if context.json:
        emit_json({**user.to_json(), "keys_revoked": revoked})
    else:
        echo(
            f"Deactivated {_describe(user)}; {counted(revoked, 'key')} revoked (owner deactivated)."
        )
    return 0


def reactivate_user(args: argparse.Namespace, context: Context) -> int:
    user = context.services().users.reactivate(args.login)
    if context.json:
        emit_json(user.to_json())
    else:
        echo(f"Reactivated {_describe(user)}; their revoked keys stay revoked.")
    return 0
