"""The console's screens: one widget per page of the window (keys today; audit, people next)."""
