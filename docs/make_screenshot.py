"""Regenerate the README's screenshot from a seeded demo database.

    uv run python docs/make_screenshot.py                    # docs/screenshot.png
    uv run python docs/make_screenshot.py --lang de --output docs/screenshot-de.png

A fresh SQLite file in a temporary folder is filled through the real services, as an admin
would fill it: owners added with ``users add``, a dozen keys for the usual integrations, one
disabled, one revoked after a leak, one expiring soon, a deactivated owner whose keys were
revoked with him, and a month of usage recorded by the verifier. The clock is fixed, so every
"3 hours ago" and every date in the picture is the same on every run. The console then opens
offscreen at a fixed size, with one key selected so its details, usage and history show,
and the window is grabbed to a PNG. Nothing outside the temporary folder is read or written
except the output file (settings and caches go to the temporary folder too).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: "Now" in the picture: every relative time is measured from here.
NOW = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
#: The size the AppStream metadata declares for the screenshot.
SIZE = (1600, 900)
#: The key whose details the picture shows.
SELECTED = "Looker Dashboards"
ADMIN = "maria.chen"
FIRST_LOOKER_DESCRIPTION = "Feeds the Looker executive dashboards."

OWNERS = [
    # login, display name, role
    ("ben.okafor", "Ben Okafor", "manager"),
    ("alice.nguyen", "Alice Nguyen", "member"),
    ("chloe.martin", "Chloe Martin", "member"),
    ("sam.rivera", "Sam Rivera", "member"),
    ("dev.patel", "Dev Patel", "member"),
]


@dataclass(frozen=True)
class Seed:
    name: str
    description: str
    owner: str
    created_days_ago: int
    #: Verifications on a usual day (0: never used).
    daily_use: int = 0
    environment: str = "live"
    expires_in_days: int | None = None


SEEDS = [
    Seed(
        "Salesforce Data Sync",
        "Syncs accounts, contacts and opportunities with Salesforce every 15 minutes. "
        "Secret in Vault (kv/salesforce/api).",
        "ben.okafor",
        240,
        96,
    ),
    Seed(
        "Snowflake ETL",
        "Nightly load of the product database into the Snowflake warehouse (Airflow DAG "
        "product_to_snowflake).",
        ADMIN,
        310,
        24,
    ),
    Seed(
        "HubSpot Sync – Prod",
        "Pushes new sign-ups and lifecycle stages to HubSpot. Owner: Marketing Ops.",
        "chloe.martin",
        148,
        40,
    ),
    Seed(
        "HubSpot Sync – Stage",
        "The staging twin of the HubSpot sync, for testing workflow changes.",
        "chloe.martin",
        148,
        3,
        environment="test",
    ),
    Seed(
        SELECTED,
        "Feeds the Looker executive dashboards. Owner: Data Team (data@company.com). "
        "Systems: Looker, Snowflake. Frequency: hourly. Secret in Vault (kv/looker/api).",
        "ben.okafor",
        158,
        24,
    ),
    Seed("dbt Cloud Jobs", "Triggers the dbt Cloud production jobs.", "alice.nguyen", 68, 6),
    Seed(
        "Fivetran Connector",
        "Fivetran's webhook connector for the billing events.",
        "ben.okafor",
        53,
        30,
    ),
    Seed(
        "Gong Call Sync",
        "Imports call recordings' metadata from Gong for the sales reports.",
        "alice.nguyen",
        73,
        12,
    ),
    Seed(
        "Zendesk Ticket Export",
        "Exports solved tickets to the warehouse every night.",
        "sam.rivera",
        120,
        2,
    ),
    Seed(
        "Marketo Webinar Sync",
        "Registrations for the autumn webinar series; no longer needed after December.",
        "chloe.martin",
        45,
        8,
        expires_in_days=9,
    ),
    Seed(
        "LinkedIn Lead Gen Sync",
        "Lead Gen Forms to HubSpot. Paused while the campaign is on hold.",
        "chloe.martin",
        18,
        5,
    ),
    Seed("Leaked CI Key", "Used by the CI smoke tests.", ADMIN, 118, 10, environment="test"),
    Seed(
        "Churn Model Notebook",
        "Reads usage data for the churn model in the team's notebook.",
        "dev.patel",
        190,
        4,
        environment="test",
    ),
    Seed("Custom Dashboard API", "Dev's internal KPI dashboard.", "dev.patel", 198, 6),
    Seed(
        "Intercom Conversations",
        "Syncs conversation tags from Intercom to the support warehouse.",
        "sam.rivera",
        16,
        18,
    ),
]


class DemoClock:
    """The services' clock: moved by the seeding, then left at :data:`NOW`."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def seed(url: str, clock: DemoClock) -> None:
    """Fill the database at ``url`` the way an admin would, over the past months."""
    from app.domain.hashing import FAST_FOR_TESTS, TokenHasher
    from app.services import open_services

    rng = random.Random(12)  # demo data, not secrets
    clock.now = NOW - timedelta(days=420)
    # Demo secrets never protect anything: the cheap profile keeps the script quick.
    services = open_services(
        url, hasher=TokenHasher(FAST_FOR_TESTS), operator_login=ADMIN, clock=clock
    )
    try:
        for login, name, role in OWNERS:
            services.users.add(login, role=role, display_name=name, email=f"{login}@company.com")
        tokens: dict[str, str] = {}
        ids: dict[str, str] = {}
        for item in sorted(SEEDS, key=lambda s: -s.created_days_ago):
            clock.now = NOW - timedelta(days=item.created_days_ago, hours=rng.randint(1, 8))
            expires = (
                None
                if item.expires_in_days is None
                else (NOW + timedelta(days=item.expires_in_days)).date()
            )
            created = services.keys.create(
                item.name,
                # The Looker description once read shorter: its history shows the edit.
                FIRST_LOOKER_DESCRIPTION if item.name == SELECTED else item.description,
                owner=item.owner,
                environment=item.environment,
                expires=expires,
            )
            tokens[item.name] = created.token.reveal()
            ids[item.name] = created.key.key_id

        keys = services.keys
        # What happens on which day (days before NOW), after that day's usage.
        actions: dict[int, list[Callable[[], object]]] = {
            40: [lambda: services.users.deactivate("dev.patel")],
            20: [
                lambda: keys.revoke(
                    ids["Leaked CI Key"], "The secret was printed in a public CI log."
                )
            ],
            3: [lambda: keys.disable(ids["LinkedIn Lead Gen Sync"])],
            2: [
                lambda: keys.edit(
                    ids[SELECTED],
                    description=next(s for s in SEEDS if s.name == SELECTED).description,
                )
            ],
        }
        verifier = services.verifier(flush_interval=1e9)
        for days_ago in range(60, -1, -1):
            for item in SEEDS:
                if not item.daily_use or item.created_days_ago < days_ago:
                    continue
                # Quiet days and busy days; some keys rest at weekends.
                count = max(0, round(item.daily_use * rng.uniform(0.2, 1.6)) - rng.randint(0, 2))
                hours = [rng.uniform(0.05, 23.5) for _ in range(count)]
                for hour in sorted(hours):
                    moment = NOW - timedelta(days=days_ago) - timedelta(hours=hour)
                    if days_ago == 0 and hour < 0.3:
                        continue
                    clock.now = moment
                    verifier.verify(tokens[item.name])
            verifier.flush()
            clock.now = NOW - timedelta(days=days_ago) + timedelta(minutes=5)
            for action in actions.get(days_ago, []):
                action()
        verifier.flush()
    finally:
        services.close()
    clock.now = NOW


def isolate(folder: Path) -> None:
    """Settings, caches and the language come from the temporary folder and the options."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["HOME"] = str(folder)
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        path = folder / name.lower()
        path.mkdir(exist_ok=True)
        os.environ[name] = str(path)


def screenshot(url: str, clock: DemoClock, output: Path, settings: Path) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QWidget

    from app.domain.hashing import FAST_FOR_TESTS, TokenHasher
    from app.ui import open_console

    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(settings))
    window = open_console(
        url, hasher=TokenHasher(FAST_FOR_TESTS), operator_login=ADMIN, clock=clock
    )
    app = QApplication.instance()
    assert app is not None
    window.show()
    # After show: the window fits itself to the screen then, and offscreen's is small.
    window.resize(*SIZE)

    def wait_for(done: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + 30
        while not done():
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out waiting for {what}")
            app.processEvents()
            time.sleep(0.01)

    keys = window.keys
    wait_for(
        lambda: (
            keys.model.has_loaded
            and not keys.model.is_loading
            and window.operator is not None
            and keys.header.summary_active.value != "…"
        ),
        "the keys",
    )
    row = next(
        row for row in range(keys.model.rowCount()) if keys.model.index(row, 0).data() == SELECTED
    )
    keys.table.selectRow(row)
    panel = window.findChild(QWidget, "keyDetailPanel")
    assert panel is not None
    wait_for(
        lambda: (
            panel.isVisible()
            and panel.history_model.rowCount() > 0
            and bool(panel.findChild(QWidget, "usageTotal").text())
        ),
        "the key's details",
    )
    # Let the layout and the last paints settle before grabbing.
    settle = time.monotonic() + 0.5
    while time.monotonic() < settle:
        app.processEvents()
        time.sleep(0.01)
    output.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(output)):
        raise SystemExit(f"could not write {output}")
    window.discard_and_close()
    app.processEvents()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="en", help="the console's language (en, de)")
    parser.add_argument(
        "--output", type=Path, default=ROOT / "docs" / "screenshot.png", help="the PNG to write"
    )
    args = parser.parse_args(argv)
    os.environ["KEYWARD_LANG"] = args.lang
    output = args.output.resolve()
    # A fixed folder, so the status bar's database path is the same in every picture.
    folder = Path(tempfile.gettempdir()) / "keyward-demo"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    try:
        isolate(folder)
        url = f"sqlite:///{folder / 'demo.db'}"
        clock = DemoClock()
        seed(url, clock)
        screenshot(url, clock, output, folder / "xdg_config_home")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
