"""FastAPI: the REST API, the ingest endpoints and the control site. Nothing imports `web`."""

from aiops.web.app import create_app

__all__ = ["create_app"]
