"""`keyward keys …`: create, list, show, edit, enable, disable, revoke, delete, rotate,
replace and verify API keys."""

from __future__ import annotations

import argparse
import os
import re
import sys
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from app.cli import attention, bulk, output
from app.cli.context import Context, UsageError, key_id_argument
from app.cli.output import echo, emit_json
from app.domain.errors import (
    DatabaseError,
    Field,
    KeyringError,
    KeywardError,
    OutputError,
    PolicyConfirmationRequired,
    ValidationError,
)
from app.domain.sorting import SortField
from app.domain.status import KeyStatus, RejectReason
from app.domain.wording import counted
from app.services.choices import SecretFileFormat

if TYPE_CHECKING:
    from pathlib import Path

    from app.services import Services
    from app.services.dto import CreatedKey, KeyDTO, KeyQuery
    from app.services.triage import TriageMatch
    from app.services.vault import StoredSecret

MAX_TOKEN_BYTES = 4096
PAGE_SIZE = 1000  # the services' largest page; longer lists are fetched page by page
MAX_LIST = 100_000
MAX_GRACE = timedelta(days=365)
_DURATION = re.compile(r"(\d{1,6})\s*([mhdw])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
REASON_UNDELIVERED = "its secret could not be saved"

KEY_ID_HELP = "the key id, as in `keys list --json` (the part after kw_live_ in a token)"
CONFIRM_REVOKE = "Add --yes to confirm: revocation is immediate and cannot be undone."
CONFIRM_DELETE = (
    "Add --yes to confirm: deletion is immediate and cannot be undone "
    "(an active key is revoked first)."
)


# --------------------------------------------------------------------------- parser


def register(commands: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    keys = commands.add_parser(
        "keys",
        help="create, list, change, revoke and verify API keys",
        description="Create, list, change, revoke and verify API keys.",
    )
    actions = keys.add_subparsers(title="actions", metavar="ACTION", required=True)

    def action(name: str, summary: str, description: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = actions.add_parser(
            name,
            parents=[common],
            help=summary,
            description=description,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        return parser

    create = action(
        "create",
        "create a key and hand over its secret once",
        "Create a key and print its secret once (the token alone on the last line; a `secret`\n"
        "field with --json), or put it straight into a 0600 file (--output) or the OS keyring\n"
        "(--keyring) and print only where it went. The secret cannot be shown again: if it is\n"
        "lost, create a new key. Give each integration (and environment) its own key.",
    )
    create.add_argument(
        "--name", required=True, help='what the key is for, e.g. "Snowflake ETL" (≤ 100)'
    )
    create.add_argument(
        "--description",
        help="purpose, owning team, systems, schedule and contact, for whoever audits it later",
    )
    create.add_argument(
        "--expires",
        metavar="YYYY-MM-DD",
        help="last day the key works (UTC); for contractors, pilots and short projects",
    )
    create.add_argument(
        "--environment",
        default="live",
        metavar="ENV",
        help="environment label in the token: live (default), test, or one configured "
        "with `keyward policy set --environments`",
    )
    create.add_argument(
        "--owner", metavar="USER", help="login of the key's owner (default: you; managers only)"
    )
    _add_destination(create)
    create.add_argument(
        "--replace-oldest",
        action="store_true",
        help="confirm that, at the active-key limit, the owner's oldest active key is revoked",
    )
    create.set_defaults(handler=create_key)

    listing = action(
        "list",
        "list keys with search, filter and sort",
        "List keys: Name, Key (masked), Owner, Status, Last Used, Expires, Created On and Last\n"
        "Updated On, then how many are shown of how many match. Deleted keys are not listed;\n"
        "revoked keys are, for the audit trail.",
    )
    listing.add_argument(
        "--search",
        metavar="TEXT",
        help="text found anywhere in the name, description, owner or key id (any case)",
    )
    listing.add_argument(
        "--status",
        choices=[status.value for status in KeyStatus],
        help="only keys with this status (expired: past their expiry date)",
    )
    listing.add_argument("--owner", metavar="USER", help="only keys owned by this login")
    listing.add_argument(
        "--environment", metavar="ENV", help="only keys of this environment (live, test …)"
    )
    listing.add_argument(
        "--sort",
        choices=[sort.value for sort in SortField],
        help="column to sort by, ascending unless --desc (default: created, newest first)",
    )
    listing.add_argument("--desc", action="store_true", help="sort in descending order")
    listing.add_argument(
        "--limit", type=int, default=50, metavar="N", help="show at most N keys (default 50)"
    )
    listing.add_argument("--as-of", metavar="DATE", help=AS_OF_HELP)
    listing.set_defaults(handler=list_keys)

    export = action(
        "export",
        "write the listed keys to a CSV or JSON file",
        "Write every key that `keys list` would show with the same --search, --status,\n"
        "--owner, --environment and --sort (all of them, not one page) to FILE, in that order:\n"
        "CSV with a header row, or a JSON array, with the fields of `keys list --json`. Keys\n"
        "are shown masked; no secret is ever exported. FILE is replaced atomically and made\n"
        "readable by you only.",
    )
    export.add_argument("--format", required=True, choices=["csv", "json"], help="csv or json")
    export.add_argument("--output", required=True, metavar="FILE", help="the file to write")
    export.add_argument("--search", metavar="TEXT", help="as for `keys list`")
    export.add_argument(
        "--status", choices=[status.value for status in KeyStatus], help="as for `keys list`"
    )
    export.add_argument("--owner", metavar="USER", help="only keys owned by this login")
    export.add_argument("--environment", metavar="ENV", help="only keys of this environment")
    export.add_argument(
        "--sort",
        choices=[sort.value for sort in SortField],
        help="column to sort by, ascending unless --desc (default: created, newest first)",
    )
    export.add_argument("--desc", action="store_true", help="sort in descending order")
    export.set_defaults(handler=export_keys)

    show = action(
        "show",
        "show one key and its history",
        "Show everything about one key (never its secret) and its audit history.",
    )
    show.add_argument("key_id", metavar="ID", type=key_id_argument, help=KEY_ID_HELP)
    show.set_defaults(handler=show_key)

    edit = action(
        "edit",
        "change a key's name or description",
        "Change a key's name and/or description; the change is audited.",
    )
    edit.add_argument("key_id", metavar="ID", type=key_id_argument, help=KEY_ID_HELP)
    edit.add_argument("--name", help="the new name")
    edit.add_argument("--description", help='the new description ("" clears it)')
    edit.set_defaults(handler=edit_key)

    enable = action(
        "enable", "allow a disabled key again", "Allow a disabled key to be used again."
    )
    enable.add_argument("key_id", metavar="ID", type=key_id_argument, help=KEY_ID_HELP)
    enable.set_defaults(handler=enable_key)

    disable = action(
        "disable",
        "block a key until it is enabled again",
        "Block a key from the next verification on, until it is enabled again (reversible;\n"
        "use revoke to end a key for good).",
    )
    disable.add_argument("key_id", metavar="ID", type=key_id_argument, help=KEY_ID_HELP)
    disable.set_defaults(handler=disable_key)

    revoke = action(
        "revoke",
        "end a key for good (needs --yes)",
        "Revoke a key: every integration using it is refused from the next verification on.\n"
        "Revocation cannot be undone; the key stays listed as Revoked and its Last Used date\n"
        "freezes. Communicate before revoking someone else's key.",
    )
    revoke.add_argument("key_id", metavar="ID", type=key_id_argument, help=KEY_ID_HELP)
    revoke.add_argument(
        "--reason", help='why, for the audit trail, e.g. "suspected leak" or "unused 90 days"'
    )
    revoke.add_argument("--yes", action="store_true", help="confirm the revocation")
    revoke.set_defaults(handler=revoke_key)

    delete = action(
        "delete",
        "remove a retired key from the list (needs --yes)",
        "Delete a key when its integration is retired: it leaves the list (an active key is\n"
        "revoked in the same step) and the audit trail keeps a snapshot of it.",
    )
    delete.add_argument("key_id", metavar="ID", type=key_id_argument, help=KEY_ID_HELP)
    delete.add_argument("--yes", action="store_true", help="confirm the deletion")
    delete.set_defaults(handler=delete_key)

    rotate = action(
        "rotate",
        "replace a key with a new one, optionally after a grace period",
        "Create a new key with the same name, owner, environment and expiry, and hand over\n"
        "its secret like `keys create`. The old key is revoked at once, or with --grace\n"
        "keeps working for that long (e.g. 30m, 24h, 7d, 2w) while you update the integration.",
    )
    rotate.add_argument("key_id", metavar="ID", type=key_id_argument, help=KEY_ID_HELP)
    rotate.add_argument("--grace", metavar="DURATION", help="how long the old key keeps working")
    _add_destination(rotate)
    rotate.set_defaults(handler=rotate_key)

    replace = action(
        "replace",
        "create a key in place of a revoked one",
        "Create a new key with the old key's name, owned by an active user, with a description\n"
        "that says what it replaced (e.g. after the old owner was deactivated). The secret is\n"
        "handed over like `keys create`.",
    )
    replace.add_argument("key_id", metavar="ID", type=key_id_argument, help=KEY_ID_HELP)
    replace.add_argument("--owner", metavar="USER", help="the new key's owner (default: you)")
    _add_destination(replace)
    replace.set_defaults(handler=replace_key)

    verify = action(
        "verify",
        "check a token read from standard input",
        "Check a token the way an integration's service would: read it from standard input\n"
        "(one trailing newline is ignored), print `valid: …` or `rejected: <reason>`.\n"
        "Exit 0 when valid, 1 when rejected. Example: keyward keys verify < token.txt",
    )
    verify.set_defaults(handler=verify_key)
    attention.register(action)
    bulk.register(action)

    triage = action(
        "triage",
        "find Keyward keys in pasted text (a log, a chat message) and revoke them",
        "Read text on standard input (a log excerpt, a chat message, a config file) and list\n"
        "every Keyward token in it whose checksum is valid, and every bare key id of a key\n"
        "you can see: id, how it was found, name, owner, status, last used, and whether the\n"
        "pasted token's secret really matches the key (checked without recording a use).\n"
        "The text is never stored, logged or echoed. With --revoke --yes, every key whose\n"
        "secret matched is revoked at once with the reason “leaked” (bare ids and tokens\n"
        "whose secret does not match are listed only). Example:\n"
        "  keyward keys triage < chat.txt",
    )
    triage.add_argument(
        "--revoke",
        action="store_true",
        help="revoke every key whose secret is in the text (needs --yes)",
    )
    triage.add_argument("--yes", action="store_true", help="confirm the revocation")
    triage.set_defaults(handler=triage_keys)


def _add_destination(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--output",
        metavar="FILE",
        help="write the secret to this new file (mode 0600) instead of printing it",
    )
    where.add_argument(
        "--keyring",
        metavar="SERVICE",
        help='save the secret in the OS keyring under this service (user name: "NAME (ID)")',
    )
    parser.add_argument(
        "--format",
        choices=[fmt.value for fmt in SecretFileFormat],
        help="with --output: text (the token alone, default) or env (NAME_API_KEY=token)",
    )


# --------------------------------------------------------------------------- the secret


class Destination:
    """Where a new secret goes; checked before the key exists, so a refusal changes nothing.

    A plain class: ``keyward keys --help`` need not load ``dataclasses`` or the vault."""

    __slots__ = ("fmt", "keyring_service", "output")

    def __init__(
        self,
        output: Path | None = None,
        keyring_service: str | None = None,
        fmt: SecretFileFormat = SecretFileFormat.TEXT,
    ) -> None:
        self.output = output
        self.keyring_service = keyring_service
        self.fmt = fmt

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Destination:
        if args.format and not args.output:
            raise UsageError("--format applies only with --output FILE.")
        from pathlib import Path

        return cls(
            Path(args.output).expanduser() if args.output else None,
            args.keyring,
            SecretFileFormat(args.format or SecretFileFormat.TEXT.value),
        )

    def check(self) -> None:
        if self.output is not None:
            _check_new_file(self.output)
        elif self.keyring_service is not None:
            _check_keyring(self.keyring_service)

    def deliver(self, services: Services, created: CreatedKey) -> StoredSecret | None:
        """Store the secret; if that fails, revoke the key nobody could ever use."""
        from app.services.vault import (
            KeyringEntry,
            SecretFile,
            default_keyring_user,
            store_in_keyring,
            write_secret_file,
        )

        key = created.key
        try:
            if self.output is not None:
                path = write_secret_file(
                    self.output, created.token, fmt=self.fmt, key_name=key.name
                )
                return SecretFile(path)
            if self.keyring_service is not None:
                user = default_keyring_user(key.name, key.key_id)
                backend = store_in_keyring(self.keyring_service, user, created.token)
                return KeyringEntry(self.keyring_service.strip(), user, backend)
        except (OutputError, KeyringError) as failure:
            services.keys.revoke(key.key_id, REASON_UNDELIVERED)
            raise type(failure)(
                f"{failure.message} The new key {key.key_id} was revoked, since nobody has "
                "its secret."
            ) from None
        return None


def _check_new_file(target: Path) -> None:
    try:
        _probe_new_file(target)
    except OSError as failure:  # e.g. a folder on the way that we may not look into
        raise OutputError(
            f"Cannot write the secret to {target}: {failure.strerror or 'not accessible'}."
        ) from None


def _probe_new_file(target: Path) -> None:
    if target.is_dir():
        raise OutputError(f"{target} is a folder; give a file name for the secret.")
    if target.exists() or target.is_symlink():
        raise OutputError(f"{target} already exists; choose a new file name.")
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(f"The folder {folder} does not exist.")
    # Permission bits do not tell (root, ACLs, read-only mounts): try creating a file there.
    try:
        import tempfile  # here: only a file's folder is probed with it

        descriptor, probe = tempfile.mkstemp(prefix=".keyward-", dir=folder)
    except OSError as failure:
        raise OutputError(
            f"Cannot write to the folder {folder}: {failure.strerror or 'not writable'}."
        ) from None
    os.close(descriptor)
    os.unlink(probe)


def _check_keyring(service: str) -> None:
    if not service.strip():
        raise KeyringError("Give a keyring service name, e.g. --keyring keyward.")
    import keyring
    from keyring.backends import fail

    if isinstance(keyring.get_keyring(), fail.Keyring):
        raise KeyringError("No OS keyring is available on this machine; use --output FILE instead.")


def _print_created(
    context: Context,
    created: CreatedKey,
    location: StoredSecret | None,
    *,
    headline: str,
    notes: list[str],
    previous: KeyDTO | None = None,
) -> None:
    if context.json:
        data = created.key.to_json()
        data["secret"] = None if location else created.token.reveal()
        data["secret_location"] = location.to_json() if location else None
        revoked = created.revoked_under_policy
        data["revoked_under_policy"] = revoked.to_json() if revoked else None
        if previous is not None:
            data["previous"] = previous.to_json()
        emit_json(data)
        return
    echo(headline)
    expiry = created.key.expires_at
    output.fields(
        [
            *output.key_fields(created.key),
            *([("Expires", output.expires(expiry))] if expiry else []),
        ]
    )
    if created.revoked_under_policy is not None:
        old = created.revoked_under_policy
        notes = [
            f"Revoked under the active-key limit: “{output.clean(old.name)}” ({old.key_id}).",
            *notes,
        ]
    for note in notes:
        echo(note)
    if location is None:
        echo("The secret is shown only this once; store it in your vault now:")
        echo(created.token.reveal())
        return
    from app.services.vault import SecretFile  # loaded already: it stored the secret

    if isinstance(location, SecretFile):
        echo(f"The secret was written to {location.path} (readable by you only).")
    else:
        echo(
            f"The secret was saved in the OS keyring: service “{location.service}”, "
            f"user name “{location.username}”."
        )


# --------------------------------------------------------------------------- handlers


def create_key(args: argparse.Namespace, context: Context) -> int:
    destination = Destination.from_args(args)
    destination.check()
    services = context.services()
    try:
        created = services.keys.create(
            args.name,
            args.description,
            expires=args.expires,
            environment=args.environment,
            owner=args.owner,
            replace_oldest=args.replace_oldest,
        )
    except PolicyConfirmationRequired as limit:
        raise KeywardError(f"{limit.message} Run again with --replace-oldest to confirm.") from None
    location = destination.deliver(services, created)
    key = created.key
    _print_created(
        context,
        created,
        location,
        headline=f"Created “{output.clean(key.name)}” ({key.key_id}).",
        notes=[],
    )
    return 0


def _policy_hint(limit: PolicyConfirmationRequired) -> KeywardError:
    return KeywardError(
        f"{limit.message} Revoke one of the owner's keys first, or raise the limit with "
        "`keyward policy set --max-active-keys`."
    )


def rotate_key(args: argparse.Namespace, context: Context) -> int:
    grace = parse_grace(args.grace) if args.grace is not None else None
    destination = Destination.from_args(args)
    destination.check()
    services = context.services()
    try:
        created = services.keys.rotate(args.key_id, grace)
    except PolicyConfirmationRequired as limit:
        raise _policy_hint(limit) from None
    location = destination.deliver(services, created)
    old = services.keys.get(args.key_id)
    if old.status is KeyStatus.REVOKED:
        note = f"The old key {old.key_id} was revoked."
    else:
        note = (
            f"The old key {old.key_id} keeps working until {output.when(old.expires_at)}; "
            "update the integration before then."
        )
    _print_created(
        context,
        created,
        location,
        headline=f"Rotated “{output.clean(old.name)}”: new key {created.key.key_id}.",
        notes=[note],
        previous=old,
    )
    return 0


def replace_key(args: argparse.Namespace, context: Context) -> int:
    destination = Destination.from_args(args)
    destination.check()
    services = context.services()
    old = services.keys.get(args.key_id)
    try:
        created = services.keys.replace(args.key_id, owner=args.owner)
    except PolicyConfirmationRequired as limit:
        raise _policy_hint(limit) from None
    location = destination.deliver(services, created)
    _print_created(
        context,
        created,
        location,
        headline=f"Created {created.key.key_id} in place of {old.key_id} ({old.status.label}).",
        notes=[] if old.status is KeyStatus.REVOKED else [_still_works(old)],
        previous=old,
    )
    return 0


def _still_works(old: KeyDTO) -> str:
    return (
        f"The old key {old.key_id} is still {old.status.label.lower()}; "
        f"revoke it with `keyward keys revoke {old.key_id} --yes` once the integration moved."
    )


def parse_grace(text: str) -> timedelta:
    match = _DURATION.fullmatch(text.strip().lower())
    if match is None:
        raise ValidationError(
            Field.GRACE, f"“{text[:20]}” is not a duration; write it as e.g. 30m, 24h, 7d or 2w."
        )
    grace = timedelta(**{_UNITS[match[2]]: int(match[1])})
    if grace > MAX_GRACE:
        raise ValidationError(Field.GRACE, "A grace period is at most 365 days.")
    return grace


def list_keys(args: argparse.Namespace, context: Context) -> int:
    if args.as_of is not None:
        return list_as_of(args, context)
    if not 1 <= args.limit <= MAX_LIST:
        raise ValidationError(Field.LIMIT, f"--limit must be between 1 and {MAX_LIST}.")
    from dataclasses import replace

    from app.services.dto import KeyQuery

    query = KeyQuery(
        search=args.search or "",
        status=KeyStatus(args.status) if args.status else None,
        owner=args.owner,
        sort=SortField(args.sort or SortField.CREATED.value),
        descending=args.desc or args.sort is None,
        limit=min(args.limit, PAGE_SIZE),
        environment=args.environment,
    )
    listed = _listed_from_the_file(context, replace(query, limit=args.limit))
    if listed is not None:
        rows, total = listed
    else:
        services = context.services()
        rows = []
        page = services.keys.page(query)
        rows.extend(page.rows)
        while page.next_cursor is not None and len(rows) < args.limit:
            wanted = min(args.limit - len(rows), PAGE_SIZE)
            page = services.keys.page(replace(query, limit=wanted), page.next_cursor)
            rows.extend(page.rows)
        total = services.keys.count(query)
    if context.json:
        emit_json([key.to_json() for key in rows])
        return 0
    if rows:
        output.table(output.KEY_HEADERS, [output.key_row(key) for key in rows])
    echo(f"{len(rows)} of {counted(total, 'key')}")
    return 0


def _listed_from_the_file(context: Context, query: KeyQuery) -> tuple[list[KeyDTO], int] | None:
    """An unfiltered list of a local SQLite file's keys read with :mod:`sqlite3` alone
    (:mod:`app.services.first_page`, which the console's first window reads too): the rows
    and total the services give, without importing SQLAlchemy and the services, which are
    most of a command's start. None wherever that is not certain (a filter, a server, an
    operator the file does not know or let in, a busy file or one of another version): then
    the services answer, and say why where there is something to say."""
    if query.search or query.status or query.owner or query.environment:
        return None
    from app.services.first_page import open_first_page

    source = open_first_page(context.database_url)
    if source is None or not source.current:
        return None  # an older file is upgraded by the services first; a newer one refused
    try:
        return list(source.page(query).rows), source.count(query)
    except (DatabaseError, ValueError):  # unreadable, or a value written by hand
        return None


def export_keys(args: argparse.Namespace, context: Context) -> int:
    from app.services.dto import KeyQuery

    query = KeyQuery(
        search=args.search or "",
        status=KeyStatus(args.status) if args.status else None,
        owner=args.owner,
        sort=SortField(args.sort or SortField.CREATED.value),
        descending=args.desc or args.sort is None,
        environment=args.environment,
    )
    from pathlib import Path

    target = Path(args.output).expanduser()
    count = context.services().key_export.export(query, args.format, target)
    if context.json:
        emit_json({"exported": count, "format": args.format, "output": str(target)})
    else:
        echo(f"Exported {counted(count, 'key')} to {target}.")
    return 0


def show_key(args: argparse.Namespace, context: Context) -> int:
    services = context.services()
    key = services.keys.get(args.key_id)
    if context.json:
        emit_json(key.to_json())
        return 0
    history = services.keys.history(key.key_id)
    revoked = (
        [("Revoked", f"{output.when(key.revoked_at)} ({key.revoked_reason or 'no reason given'})")]
        if key.revoked_at
        else []
    )
    output.fields(
        [
            *output.key_fields(key),
            ("Environment", key.environment),
            ("Description", key.description or "—"),
            ("Created On", f"{output.when(key.created_at)} by {key.created_by}"),
            ("Last Updated On", f"{output.when(key.updated_at)} by {key.updated_by}"),
            ("Last Used", output.when(key.last_used_at, empty=output.NEVER)),
            ("Expires", output.expires(key.expires_at)),
            *revoked,
        ]
    )
    if history:
        echo()
        echo("History:")
        for event in history:
            summary = output.clean(event.summary())
            echo(f"  {output.when(event.occurred_at)}  {event.actor}  {summary}")
    return 0


def _print_key(context: Context, key: KeyDTO, message: str) -> None:
    if context.json:
        emit_json(key.to_json())
    else:
        echo(message)


def edit_key(args: argparse.Namespace, context: Context) -> int:
    if args.name is None and args.description is None:
        raise UsageError("Give --name, --description or both.")
    key = context.services().keys.edit(args.key_id, name=args.name, description=args.description)
    _print_key(context, key, f"Saved “{output.clean(key.name)}” ({key.key_id}).")
    return 0


def enable_key(args: argparse.Namespace, context: Context) -> int:
    key = context.services().keys.enable(args.key_id)
    _print_key(
        context,
        key,
        f"Enabled “{output.clean(key.name)}” ({key.key_id}); status: {key.status.label}.",
    )
    return 0


def disable_key(args: argparse.Namespace, context: Context) -> int:
    key = context.services().keys.disable(args.key_id)
    _print_key(
        context,
        key,
        f"Disabled “{output.clean(key.name)}” ({key.key_id}); it is refused until enabled again.",
    )
    return 0


def revoke_key(args: argparse.Namespace, context: Context) -> int:
    if not args.yes:
        raise UsageError(CONFIRM_REVOKE)
    key = context.services().keys.revoke(args.key_id, args.reason)
    _print_key(
        context,
        key,
        f"Revoked “{output.clean(key.name)}” ({key.key_id}); "
        "every integration using it is refused from now on.",
    )
    return 0


def delete_key(args: argparse.Namespace, context: Context) -> int:
    if not args.yes:
        raise UsageError(CONFIRM_DELETE)
    key = context.services().keys.delete(args.key_id)
    _print_key(
        context,
        key,
        f"Deleted “{output.clean(key.name)}” ({key.key_id}); the audit trail keeps its history.",
    )
    return 0


def read_token() -> str | None:
    """The token on stdin, or None when it cannot be one (too long, not UTF-8)."""
    stream = sys.stdin.buffer if sys.stdin is not None else None
    if stream is None:
        return ""
    if sys.stdin.isatty():
        sys.stderr.write("Reading a token from standard input (end with Ctrl-D)…\n")
    # Never read more than a token could be: a megabyte of input is rejected unread.
    data = stream.read(MAX_TOKEN_BYTES + 1)
    if len(data) > MAX_TOKEN_BYTES:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.endswith("\r\n"):
        return text[:-2]
    return text.removesuffix("\n")


def well_formed(token: str) -> bool:
    """Whether ``token`` has a Keyward token's shape and checksum (the database not asked)."""
    from app.domain.key_format import MalformedToken, parse_token  # not for the other commands

    try:
        parse_token(token)
    except MalformedToken:
        return False
    return True


def verify_key(args: argparse.Namespace, context: Context) -> int:
    token = read_token()
    if token is None or not well_formed(token):
        # Answered from the token alone, as a service would: no database is opened.
        from app.services.dto import VerifyResult

        result = VerifyResult(False, RejectReason.MALFORMED)
    else:
        # Verifying reads keys only: it must not make the caller admin of an empty database.
        verifier = context.services(bootstrap=False).verifier()
        try:
            result = verifier.verify(token)
        finally:
            verifier.close()  # writes last-used now rather than in 30 s
    if context.json:
        emit_json(result.to_json())
    elif result.key is not None:
        key = result.key
        echo(
            f"valid: {key.key_id} ({output.clean(key.name)}, owner {key.owner_login}, "
            f"{key.environment})"
        )
    else:
        echo(f"rejected: {result.reason.value if result.reason else 'unknown'}")
    return 0 if result.valid else 1


# --------------------------------------------------------------------------- issue 8: the past
# and leaked keys (`keys list --as-of`, `keys triage`)

AS_OF_HELP = (
    "list the keys as they were at that moment, rebuilt from the audit trail: a date "
    "YYYY-MM-DD means the start of that day, 00:00 UTC (before anything done that day); or "
    "give an exact ISO 8601 time such as 2026-10-01T17:30Z"
)
MAX_TRIAGE_BYTES = 5 * 1024 * 1024
CONFIRM_TRIAGE_REVOKE = (
    "Add --yes to confirm: every key whose secret is in the text is revoked at once with "
    "the reason “leaked”, and revocation cannot be undone."
)
_AS_OF_HEADERS = ("Name", "ID", "Owner", "Status", "Expires", "Created On")
_TRIAGE_HEADERS = ("ID", "Found As", "Name", "Owner", "Status", "Last Used", "Secret Matches")


def parse_as_of(text: str) -> datetime:
    """A date (its start, 00:00 UTC) or an ISO 8601 time (UTC when no zone is given)."""
    value = text.strip()
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=UTC)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValidationError(
            Field.ARGUMENT,
            f"“{value[:30]}” is not a date; write --as-of as YYYY-MM-DD or an ISO 8601 time.",
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def list_as_of(args: argparse.Namespace, context: Context) -> int:
    if args.sort is not None or args.desc:
        raise UsageError("--as-of lists keys by name; --sort and --desc apply to the live list.")
    if args.environment is not None and not args.environment.strip():
        raise UsageError("--environment needs a label such as live or test.")
    instant = parse_as_of(args.as_of)
    rows = context.services().inventory.as_of(instant)
    search = (args.search or "").strip().casefold()
    rows = [
        row
        for row in rows
        if (args.status is None or row.status == args.status)
        and (args.owner is None or row.owner_login == args.owner.strip())
        and (args.environment is None or row.environment == args.environment.strip().lower())
        and (
            not search
            or any(
                search in value.casefold()
                for value in (row.name, row.description, row.owner_name, row.key_id)
            )
        )
    ]
    shown = rows[: args.limit]
    if context.json:
        emit_json([row.to_json() for row in shown])
        return 0
    if shown:
        output.table(
            _AS_OF_HEADERS,
            [
                [
                    row.name,
                    row.key_id,
                    output.clean(row.owner_name),
                    row.status.capitalize(),
                    output.expires(row.expires_at).removesuffix(" (end of day UTC)"),
                    output.when(row.created_at),
                ]
                for row in shown
            ],
        )
    total = len(rows)
    echo(
        f"{len(shown)} of {counted(total, 'key')} as of "
        f"{output.when(instant)}, rebuilt from the audit trail (a past view)"
    )
    return 0


def read_pasted_text() -> str:
    """Text pasted on stdin, at most 5 MB; bytes that are not UTF-8 become U+FFFD."""
    stream = sys.stdin.buffer if sys.stdin is not None else None
    if stream is None:
        return ""
    if sys.stdin.isatty():
        sys.stderr.write("Paste the text to search, then press Ctrl-D…\n")
    data = stream.read(MAX_TRIAGE_BYTES + 1)
    if len(data) > MAX_TRIAGE_BYTES:
        raise ValidationError(
            Field.ARGUMENT, "The text is longer than 5 MB; pass the part that holds the keys."
        )
    return data.decode("utf-8", errors="replace")


def _yes_no(match: TriageMatch) -> str:
    if match.secret_matches is None:
        return "—"
    return "yes" if match.secret_matches else "no"


def triage_keys(args: argparse.Namespace, context: Context) -> int:
    if args.revoke and not args.yes:
        raise UsageError(CONFIRM_TRIAGE_REVOKE)
    services = context.services()
    matches = services.triage.scan(read_pasted_text())
    revoked: list[KeyDTO] = []
    if args.revoke:
        leaked = [
            match.key_id
            for match in matches
            if match.secret_matches and match.key and match.key.status is not KeyStatus.REVOKED
        ]
        if leaked:
            revoked = services.keys.revoke_many(leaked, reason="leaked")
        fresh = {key.key_id: key for key in revoked}
        from dataclasses import replace

        matches = [replace(match, key=fresh.get(match.key_id, match.key)) for match in matches]
    if context.json:
        emit_json(
            {
                "matches": [match.to_json() for match in matches],
                "revoked": [key.key_id for key in revoked],
            }
        )
        return 0
    if not matches:
        echo("No Keyward tokens or key ids found in the text.")
        return 0
    output.table(
        _TRIAGE_HEADERS,
        [
            [
                match.key_id,
                match.kind,
                match.key.name if match.key else "(unknown, or not yours to see)",
                output.clean(match.key.owner_name) if match.key else "—",
                match.key.status.label if match.key else "—",
                output.when(match.key.last_used_at, empty=output.NEVER) if match.key else "—",
                _yes_no(match),
            ]
            for match in matches
        ],
    )
    live = [
        match
        for match in matches
        if match.secret_matches and match.key and match.key.status is not KeyStatus.REVOKED
    ]
    if revoked:
        echo(
            f"Revoked {counted(len(revoked), 'key')} with the reason "
            f"“leaked”: {', '.join(key.key_id for key in revoked)}."
        )
    elif live:
        echo(
            f"{counted(len(live), 'key')} with a matching secret "
            f"{'is' if len(live) == 1 else 'are'} not revoked; run again with --revoke --yes "
            "to revoke them."
        )
    return 0
