"""`aiops demo`: start sulu, the platform and the web server; run fault scenarios."""

from __future__ import annotations

import asyncio
import math
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from aiops.cli.core import err
from aiops.errors import AiopsError, ConfigError, InvalidInput


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
    detection: Annotated[
        str,
        typer.Option(help="Which analyzers alert: rules, detectors or both (side by side)."),
    ] = "both",
    llm_base_url: Annotated[
        str | None,
        typer.Option(help="Run every agent on this OpenAI-compatible endpoint "
                     "(e.g. http://127.0.0.1:11434/v1 for Ollama). Default: the builtin reasoner."),
    ] = None,
    llm_model: Annotated[str | None, typer.Option(help="Model name for --llm-base-url.")] = None,
    llm_api_key: Annotated[
        str | None, typer.Option(envvar="AIOPS_LLM_API_KEY", help="API key for --llm-base-url.")
    ] = None,
) -> None:
    """Run the whole loop on this machine: sulu, faults, detection, incidents, the web site.

    Examples: aiops demo  |  aiops demo --headless --scenario all --report out/
    """
    from aiops.demo import DemoOptions, StackOptions, default_scenarios, run_demo, select
    from aiops.obs.logging import configure

    if not (math.isfinite(time_scale) and 0 < time_scale <= 1):
        _usage(f"--time-scale must be > 0 and <= 1, got {time_scale}")
    if detection not in ("rules", "detectors", "both"):
        _usage(f"--detection must be rules, detectors or both, got {detection!r}")
    if not 0 <= port <= 65535:
        _usage(f"--port must be 0..65535, got {port}")
    try:
        scenarios = select(scenario) if scenario else default_scenarios(headless)
    except InvalidInput as exc:
        _usage(str(exc))
    if data_dir is not None and data_dir.exists() and not data_dir.is_dir():
        _usage(f"--data-dir {data_dir}: not a directory")
    if (llm_base_url is None) != (llm_model is None):
        _usage("--llm-base-url and --llm-model go together")
    agents_config = None
    if llm_base_url is not None:
        from aiops.agents.config import configure_llm
        from aiops.agents.stage import load_agents_config
        from aiops.config import default_config_dir as _cfg

        try:
            agents_config = configure_llm(load_agents_config(_cfg()), llm_base_url, llm_model,
                                          llm_api_key)
        except ConfigError as exc:
            _usage(str(exc))
    directory = data_dir or Path(tempfile.mkdtemp(prefix="aiops-demo-"))
    directory.mkdir(parents=True, exist_ok=True)
    configure("console", level="WARNING")  # the timeline is the output; logs would garble it
    from aiops.config import default_config_dir

    opts = DemoOptions(
        stack=StackOptions(data_dir=directory, config_dir=default_config_dir(), port=port,
                           time_scale=time_scale, seed=seed, detection=detection,
                           agents_config=agents_config),
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
