"""Agents: `aiops agents check` and `aiops decisions`.

The agents stage itself is wired in `aiops.runtime.build_agents_stage`.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from aiops.cli.core import ConfigOpt, DbOpt, err, fail, out, settings_from
from aiops.config import default_config_dir
from aiops.errors import ConfigError
from aiops.runtime import build_agents_stage  # noqa: F401 - re-exported for callers

agents_app = typer.Typer(
    help="Agents: decision points configured in agents.yaml.", no_args_is_help=True
)


@agents_app.command("check")
def agents_check(config: ConfigOpt = None) -> None:
    """Validate agents.yaml; print every error as file:line, list the agents if OK.

    Example: aiops agents check --config examples/sulu
    """
    from aiops.agents.catalogue import load_catalogue
    from aiops.agents.stage import load_agents_config

    directory = config or default_config_dir()
    if not directory.is_dir():
        fail(ConfigError(f"{directory}: config directory does not exist"), 2)
    try:
        cfg = load_agents_config(directory)
        runbooks = load_catalogue(directory)
    except ConfigError as exc:
        fail(exc, 2)
    source = directory / "agents.yaml"
    where = str(source) if source.exists() else "builtin defaults (no agents.yaml)"
    out.print(
        f"{where}: OK, {len(cfg.agents)} agent(s), {len(runbooks)} runbook(s) in the catalogue",
        highlight=False,
    )
    for a in cfg.agents:
        typer.echo(
            f"  {a.name:<12} {a.kind.value:<11} {a.effective_trigger()!s:<16} "
            f"{a.backend}{'/' + a.model if a.model else ''} autonomy={a.autonomy.value} "
            f"fallback={a.fallback.value} instructions={a.instructions_hash[:12]}"
        )


def decisions(
    db: DbOpt = None,
    incident: Annotated[str | None, typer.Option("--incident", help="Only this incident.")] = None,
    agent: Annotated[str | None, typer.Option(help="Only this agent.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (one object).")] = False,
) -> None:
    """Print the decision log, newest first: agent, backend, model, tokens, cost, latency,
    fallback and output.

    Example: aiops decisions --db sqlite:///aiops.db --json
    """
    from aiops.store.database import make_engine, migrate, session_factory
    from aiops.store.repos.decisions import DecisionFilter, DecisionRepo, decisions_json

    try:
        engine = make_engine(settings_from(db, None).database_url)
        migrate(engine)
        with session_factory(engine)() as s:
            items, total = DecisionRepo(s).list(
                DecisionFilter(incident_id=incident, agent=agent, limit=limit)
            )
        engine.dispose()
    except Exception as exc:  # unreachable database, bad URL
        err.print(f"error: cannot read decisions: {exc}", highlight=False, markup=False)
        raise typer.Exit(1) from None
    if as_json:
        sys.stdout.write(
            json.dumps({"items": decisions_json(items), "total": total}, ensure_ascii=False) + "\n"
        )
        return
    table = Table(
        "when",
        "incident",
        "agent",
        "backend",
        "model",
        "conf",
        "tokens",
        "cost $",
        "ms",
        "fallback",
        "summary",
    )
    for d in items:
        table.add_row(
            f"{d.created_at:%m-%d %H:%M:%S}",
            d.incident_id or "-",
            d.agent,
            d.backend,
            d.model or "-",
            f"{d.confidence:.2f}" if d.confidence is not None else "-",
            str(d.tokens),
            f"{d.cost_usd:.4f}",
            f"{d.latency_ms:.0f}",
            d.fallback or "-",
            d.summary[:60],
        )
    out.print(table)
    out.print(f"{len(items)} of {total}")


def register(app: typer.Typer) -> None:
    app.add_typer(agents_app, name="agents")
    app.command("decisions")(decisions)
