"""Small reusable widgets: banner, status badge, empty state, usage chart, confirmations."""
