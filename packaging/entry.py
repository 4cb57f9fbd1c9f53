"""PyInstaller entry point for the Keyward bundle."""

from app.cli.main import main

raise SystemExit(main())
