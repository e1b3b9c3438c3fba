"""`aiops demo`: start sulu, the platform and the web server; run fault scenarios."""

from __future__ import annotations

import asyncio
import math
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from aiops.cli.core import err
from aiops.errors import AiopsError, InvalidInput


def demo(
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="Keep the database (DIR/aiops.db), sim logs and report here "
            "(default: a new temporary directory)."
        ),
    ] = None,
    port: Annotated[int, typer.Option(help="Web port; a free one is used if it is taken.")] = 8765,
    headless: Annotated[
        bool, typer.Option(help="Run the scenarios to the end, write the report, exit.")
    ] = False,
    scenario: Annotated[
        str | None,
        typer.Option(
            help="A fault name, `all` or `none` (no fault). Default: `all` when "
            "headless, else a short tour (error-burst, stop)."
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(help="Directory for report.json and report.md (default: data dir)."),
    ] = None,
    time_scale: Annotated[
        float,
        typer.Option(
            help="Multiply every rule duration by this (0 < F <= 1); thresholds do not change."
        ),
    ] = 0.2,
    seed: Annotated[int, typer.Option(help="Seed of the load generator.")] = 0,
) -> None:
    """Run the whole loop on this machine: sulu, faults, detection, incidents, the web site.

    Examples: aiops demo  |  aiops demo --headless --scenario all --report out/
    """
    from aiops.demo import DemoOptions, StackOptions, default_scenarios, run_demo, select
    from aiops.obs.logging import configure

    if not (math.isfinite(time_scale) and 0 < time_scale <= 1):
        _usage(f"--time-scale must be > 0 and <= 1, got {time_scale}")
    if not 0 <= port <= 65535:
        _usage(f"--port must be 0..65535, got {port}")
    try:
        scenarios = select(scenario) if scenario else default_scenarios(headless)
    except InvalidInput as exc:
        _usage(str(exc))
    if data_dir is not None and data_dir.exists() and not data_dir.is_dir():
        _usage(f"--data-dir {data_dir}: not a directory")
    directory = data_dir or Path(tempfile.mkdtemp(prefix="aiops-demo-"))
    directory.mkdir(parents=True, exist_ok=True)
    configure("console", level="WARNING")  # the timeline is the output; logs would garble it
    from aiops.config import default_config_dir

    opts = DemoOptions(
        stack=StackOptions(data_dir=directory, config_dir=default_config_dir(), port=port,
                           time_scale=time_scale, seed=seed),
        scenarios=scenarios,
        headless=headless,
        report_dir=report,
    )  # fmt: skip
    try:
        code = asyncio.run(run_demo(opts))
    except AiopsError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from None
    raise typer.Exit(code)


def _usage(msg: str) -> None:
    err.print(f"aiops demo: {msg}", highlight=False, markup=False)
    raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    app.command()(demo)
