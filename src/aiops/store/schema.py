"""Every ORM table module, imported in one place so Alembic and the tests see them all.

A new table module adds one import line here.
"""

from aiops.store import (
    tables,  # noqa: F401
    tables_agents,  # noqa: F401
    tables_cmdb,  # noqa: F401
    tables_itsm,  # noqa: F401
)
from aiops.store.tables import Base

metadata = Base.metadata

__all__ = ["Base", "metadata"]
