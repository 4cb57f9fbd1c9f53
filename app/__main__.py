"""`python -m app`: the same as the `keyward` command."""

from __future__ import annotations

from app.main import main

raise SystemExit(main())
