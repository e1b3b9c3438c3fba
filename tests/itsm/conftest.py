"""Fixtures: the recording local HTTP server (tests/local_http.py)."""

from tests.local_http import server  # noqa: F401
