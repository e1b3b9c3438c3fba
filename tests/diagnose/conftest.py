"""Make the synthetic-case factories (rca_factories.py) importable under --import-mode=importlib."""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from tests.web.conftest import client, runtime  # noqa: E402, F401  (the app fixtures)
