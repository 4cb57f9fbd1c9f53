"""Pure Python rules of Keyward: key format, hashing, statuses, roles, policy, audit chain.

Nothing here imports Qt or SQLAlchemy (an import-linter contract checks it).
"""
