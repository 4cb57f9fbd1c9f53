"""`python -m app.cli`: the same as the `keyward` command."""

from __future__ import annotations

from app.cli.main import main

raise SystemExit(main())
