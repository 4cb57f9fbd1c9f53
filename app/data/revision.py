"""The schema revision this Keyward reads and writes, importable without any database library.

Kept apart from :mod:`app.data.schema` (which imports SQLAlchemy) so that what reads a local
file with :mod:`sqlite3` alone (:mod:`app.services.first_page`) can tell a file of this
version from an older or a newer one.
"""

#: The newest migration's revision. Kept here so that opening a current database needs no
#: Alembic import (it costs every command a second); a test checks it against the scripts.
SCHEMA_REVISION = "0030"
