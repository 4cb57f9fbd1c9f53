"""The `keyward` command line over the services (entry point: :func:`app.cli.main.main`)."""
