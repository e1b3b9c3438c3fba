"""The app fixtures of tests/web (a runtime over SQLite and PostgreSQL, an ASGI client)."""

from tests.web.conftest import client, runtime  # noqa: F401
