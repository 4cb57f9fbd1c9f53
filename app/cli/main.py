"""`keyward`: the parser, the dispatch to a command, and what each kind of failure exits with.

Exit status: 0 done; 1 refused (validation, permission, conflict, not found, token rejected,
policy); 2 usage; 3 database unreachable or schema out of date; 70 a bug (the traceback is
written to the log folder, never to the screen); 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime
from typing import NoReturn

from app.cli.context import Context, UsageError
from app.cli.output import echo, emit_json, error
from app.domain.errors import Field, KeywardError, ValidationError
from app.domain.validation import has_surrogates

EXIT_BUG = 70
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # what a shell reports for a program ended by SIGPIPE

CONSOLE_UNAVAILABLE = "The console is not available in this build; use `keyward --help`."

#: Opens the console for a database URL (None: the default) and returns the exit status.
#: The entry module (``app.main``) passes it in: the command line never imports the ui.
Console = Callable[[str | None], int]

DESCRIPTION = """\
Keyward keeps the API keys your integrations use. Create a key and take its secret once
(straight into the OS keyring or a 0600 file), then edit, disable, enable, revoke, delete,
rotate or replace it; manage who may do what; and check that the audit trail is intact.
Run without a command to open the console."""

#: The command groups, in the order ``--help`` lists them: the module that registers each
#: (imported only when its group is run) and its one-line summary for the top-level help,
#: which must read exactly as the module's own (tests/cli/test_main.py compares them).
COMMAND_GROUPS: dict[str, tuple[str, str]] = {
    "keys": ("app.cli.keys", "create, list, change, revoke and verify API keys"),
    "users": ("app.cli.users", "add people, change roles, deactivate and reactivate"),
    "audit": ("app.cli.audit", "read, verify and export the audit trail"),
    "policy": ("app.cli.policy", "show or change the key policy (admins change it)"),
    "reviews": ("app.cli.reviews", "access reviews: owners confirm or revoke their own keys"),
}

EPILOG = """\
examples:
  keyward keys create --name "Snowflake ETL" --keyring keyward
  keyward keys create --name "HubSpot Sync – Prod" --expires 2026-12-31 --output hubspot.key
  keyward keys list --status active --sort last_used --desc
  keyward keys revoke 7Gk2xQ9aB3cD --reason "integration retired" --yes
  keyward keys verify < token.txt
  keyward audit verify
  keyward --database postgresql+psycopg://alice@db.example.com/keyward db upgrade

database:
  --database URL, else $KEYWARD_DATABASE_URL, else the SQLite file
  {default_path}
  (sqlite:///PATH, postgresql+psycopg://USER@HOST/DB or mysql+pymysql://USER@HOST/DB).
  On SQLite you act as your OS login, on a server as your database login.

helper:
  A command that reads the database starts a helper process for the next ones (yours
  alone, in $XDG_RUNTIME_DIR/keyward; it leaves after 10 idle minutes), which runs them
  without loading the database libraries again. KEYWARD_CLI_HELPER=off runs each alone.

exit status:
  0 done, 1 refused, 2 usage error, 3 database unreachable or schema out of date."""


class Parser(argparse.ArgumentParser):
    """argparse, with its complaints in the same ``keyward: …`` form as every other error."""

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse asks shutil for the width (and shutil loads bz2 and lzma) as every parser
        # is built: the same answer without that import.
        make: type[argparse.HelpFormatter] = self.formatter_class  # type: ignore[assignment]
        return make(prog=self.prog, width=terminal_width() - 2)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"keyward: {message} (see `{self.prog} --help`)\n")


def terminal_width() -> int:
    """``shutil.get_terminal_size().columns``: $COLUMNS, else standard output's terminal,
    else 80."""
    with contextlib.suppress(KeyError, ValueError):
        columns = int(os.environ["COLUMNS"])
        if columns > 0:
            return columns
    try:
        columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        columns = 0
    return columns or 80


class TopParser(Parser):
    """The ``keyward`` parser: its epilog names the default database file, found only when
    the help is shown)."""

    def format_help(self) -> str:
        if self.epilog is None:
            from app.domain.locations import default_sqlite_path

            self.epilog = EPILOG.format(default_path=default_sqlite_path())
        return super().format_help()


def _version() -> str:
    # Here, not at the top: reading the package metadata costs every command time.
    from app._version import version

    return version()


class VersionAction(argparse.Action):
    """``--version``, with the version looked up only when it is asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS) -> None:
        super().__init__(
            option_strings,
            dest,
            nargs=0,
            default=argparse.SUPPRESS,
            help="show program's version number and exit",
        )

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        sys.stdout.write(f"keyward {_version()}\n")
        parser.exit()


def command_groups(argv: Sequence[str]) -> set[str]:
    """The command groups ``argv`` may run: every word of it that names one.

    Only those groups' modules are imported and registered, so a command loads only what
    it uses; the others appear in the help by their summary alone. Any word counts (an
    option's value too, say ``--name users``): loading a group too many costs a little
    time, one too few would make argparse refuse a valid command.
    """
    return {word for word in argv if word in COMMAND_GROUPS}


#: The whole parser, built once by the command line's helper (:mod:`app.cli.helper_server`)
#: for every command it runs; None: each command builds the part it needs.
BUILT: Parser | None = None


def build_parser(groups: Collection[str] | None = None) -> Parser:
    """The parser with ``groups`` (default: every one) registered in full."""
    parser = TopParser(
        prog="keyward",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument(
        "--database", metavar="URL", help="the database to use (see 'database' below)"
    )
    parser.add_argument(
        "--json", action="store_true", help="print results as JSON for scripts instead of text"
    )
    # The same two options are accepted after the command too (`keyward keys list --json`);
    # SUPPRESS keeps a sub-command from resetting what was given before it.
    common = Parser(add_help=False)
    common.add_argument(
        "--database", metavar="URL", default=argparse.SUPPRESS, help="the database to use"
    )
    common.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print JSON for scripts"
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)
    for name, (module, summary) in COMMAND_GROUPS.items():
        if groups is None or name in groups:
            importlib.import_module(module).register(commands, common)
        else:
            commands.add_parser(name, help=summary)
    db = commands.add_parser(
        "db",
        help="database maintenance",
        description="Database maintenance.",
    )
    db_actions = db.add_subparsers(title="actions", metavar="ACTION", required=True)
    upgrade = db_actions.add_parser(
        "upgrade",
        parents=[common],
        help="create or upgrade the Keyward schema",
        description=(
            "Create the Keyward schema in an empty database, or bring an older one up to this "
            "version. SQLite files are upgraded automatically; a PostgreSQL or MariaDB database "
            "needs this once per Keyward upgrade, run by the login that owns the schema. There "
            "it also installs the database's own authorization: one database role per Keyward "
            "role, routines that make every change and write its audit event, and reads that "
            "follow the roles (see README, Security). The owner login is the first admin."
        ),
    )
    upgrade.set_defaults(handler=upgrade_database)
    return parser


def upgrade_database(args: argparse.Namespace, context: Context) -> int:
    from app.services.database import head_revision

    services = context.services(create_schema=True)
    where = services.database_location
    revision = head_revision()
    if context.json:
        emit_json({"database": where, "schema": revision, "up_to_date": True})
    else:
        echo(f"The database at {where} is up to date (schema {revision}).")
    return 0


def report_bug(exception: BaseException) -> None:
    """A bug: one line on screen, the traceback in a file the user can attach to a report."""
    name = type(exception).__name__
    try:
        import traceback
        from pathlib import Path

        from platformdirs import user_log_dir

        folder = Path(user_log_dir("keyward", appauthor=False))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{datetime.now(UTC):%Y%m%dT%H%M%S}-{os.getpid()}.log"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            # Not argv: a --database URL may carry a password.
            stream.write(f"keyward {_version()}, Python {sys.version.split()[0]}\n")
            stream.write("".join(traceback.format_exception(exception)))
        where = f"the details are in {path}"
    except OSError as failure:
        where = f"the details could not be saved: {failure.strerror or type(failure).__name__}"
    error(f"internal error: {name}; please report it ({where}).")


_POSITIONALS = {"key_id": "The key id", "login": "The user login"}


def check_arguments(args: argparse.Namespace) -> None:
    """Refuse arguments holding bytes that were not UTF-8, before any command reads them.

    Python keeps such bytes as lone surrogates (``surrogateescape``), which no database,
    keyring or terminal accepts; the refusal names the argument, never the bytes.
    """
    for dest, value in vars(args).items():
        values = value if isinstance(value, list | tuple) else [value]
        if any(isinstance(item, str) and has_surrogates(item) for item in values):
            where = _POSITIONALS.get(dest) or f"The value of --{dest.replace('_', '-')}"
            field = Field(dest) if dest in Field.__members__.values() else Field.ARGUMENT
            raise ValidationError(
                field, f"{where} holds bytes that are not valid UTF-8 text; type it again."
            )


def _run(args: argparse.Namespace, console: Console | None) -> int:
    check_arguments(args)
    if args.database is not None and not args.database.strip():
        raise UsageError(
            "--database needs a URL such as sqlite:///PATH; leave it out to use the default."
        )
    handler = getattr(args, "handler", None)
    if handler is None:
        if console is None:
            error(CONSOLE_UNAVAILABLE)
            return 1
        return console(args.database)
    context = Context(args.database, args.json)
    try:
        return int(handler(args, context))
    finally:
        context.close()
        # Run here although a helper could have run it (app.main asked first): start one
        # for the next command.
        from app.cli import helper

        helper.start_if_wanted()


def main(argv: list[str] | None = None, *, console: Console | None = None) -> int:
    """Run one command; returns the exit status (never raises, never prints a traceback).

    Without a command, ``console`` runs (when there is none, that is refused).
    """
    arguments = sys.argv[1:] if argv is None else argv
    parser = BUILT if BUILT is not None else build_parser(command_groups(arguments))
    try:
        args = parser.parse_args(arguments)
    except SystemExit as stop:  # --help, --version and usage errors
        return stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 2
    try:
        return _run(args, console)
    except UsageError as problem:
        error(str(problem))
        return 2
    except KeywardError as refusal:
        error(refusal.message)
        return refusal.exit_code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`keyward keys list | head`): nothing to say, nowhere to say it.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as bug:  # noqa: BLE001 - every other exception is a bug, reported once
        report_bug(bug)
        return EXIT_BUG
