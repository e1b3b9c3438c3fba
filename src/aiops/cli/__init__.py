"""The `aiops` command. Each sub-module registers its commands on the one Typer app.

Sub-modules expose `register(app)`; adding a command group is one line in `_MODULES`.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="aiops",
    help="AIOps for ITIL 4 services. Start with `aiops demo` or `aiops serve`.",
    no_args_is_help=True,
    add_completion=False,
)

# Modules under aiops.cli that define `register(app: typer.Typer) -> None`.
_MODULES: tuple[str, ...] = ("core", "detect", "detect_logs", "sim", "rca", "demo", "agents", "cmdb", "itsm", "eval")


def _load() -> None:
    for name in _MODULES:
        module = importlib.import_module(f"aiops.cli.{name}")
        module.register(app)


def main() -> None:
    _load()
    app()
