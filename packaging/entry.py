"""PyInstaller entry point for the Keyward bundle (the same dispatch as `keyward`)."""

import multiprocessing

# The integrity check's worker processes start this executable again (spawn); PyInstaller's
# runtime hook makes freeze_support() run their code and exit here, on every platform.
multiprocessing.freeze_support()

from app.main import main  # noqa: E402

raise SystemExit(main())
