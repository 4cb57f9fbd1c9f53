"""PyInstaller entry point for the Keyward bundle (the same dispatch as `keyward`)."""

from app.main import main

raise SystemExit(main())
