"""`python -m app.cli`: the command line alone (no console); `python -m app` is `keyward`."""

from __future__ import annotations

from app.cli.main import main

raise SystemExit(main())
