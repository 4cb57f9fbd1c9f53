"""Persistence: SQLAlchemy 2 models, the engine factory, repositories, search and migrations."""
