"""`aiops cmdb graph|import|export`: the stored CMDB (seeded from cmdb.yaml) from the shell.

aiops cmdb graph [--format dot|mermaid] [--service S]   the dependency graph as text
aiops cmdb import FILE.csv                               create or replace CIs (audited)
aiops cmdb export [-o cmdb.yaml]                         the stored CMDB as YAML
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from aiops.cli.core import ConfigOpt, DbOpt, runtime_or_exit, settings_from
from aiops.errors import AiopsError

cmdb_app = typer.Typer(
    help="The CMDB: dependency graph, CSV import, YAML export.", no_args_is_help=True
)


def _fail(exc: AiopsError, code: int = 2) -> None:
    typer.echo(f"aiops cmdb: {exc.message}", err=True)
    for detail in exc.errors[:50]:
        typer.echo(f"  {detail}", err=True)
    raise typer.Exit(code)


@cmdb_app.command("graph")
def graph(
    format: Annotated[str, typer.Option("--format", help="dot or mermaid")] = "dot",
    service: Annotated[
        str | None, typer.Option(help="Only this service's CIs and neighbours.")
    ] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Print the dependency graph (DOT for Graphviz, or Mermaid)."""
    from aiops.web.api.cmdb import graph_text

    if format not in ("dot", "mermaid"):
        typer.echo(f"aiops cmdb graph: --format must be dot or mermaid, not {format!r}", err=True)
        raise typer.Exit(2)
    fmt: Literal["dot", "mermaid"] = "dot" if format == "dot" else "mermaid"
    rt = runtime_or_exit(settings_from(db, config))
    try:
        cmdb = rt.config.cmdb
        if cmdb is None:
            typer.echo("aiops cmdb graph: no CMDB (no cmdb.yaml and nothing stored)", err=True)
            raise typer.Exit(2)
        typer.echo(graph_text(cmdb, fmt, service, []), nl=False)
    except AiopsError as exc:
        _fail(exc)
    finally:
        rt.close()


@cmdb_app.command("import")
def import_csv(
    file: Annotated[
        Path, typer.Argument(help="CSV with name,type[,service,owner,description,...]")
    ],
    actor: Annotated[str, typer.Option(help="Who is importing (audit).")] = "cli",
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Create or replace CIs from a CSV file; every problem is reported as FILE:LINE."""
    from aiops.cmdb import edits
    from aiops.cmdb.csv_import import import_cis_csv, parse_cis_csv
    from aiops.store.repos.cmdb import CmdbRepo

    rt = runtime_or_exit(settings_from(db, config))
    try:
        import_cis_csv(file)  # file-level errors (unreadable, bad rows) with the real path
        with rt.sessions.begin() as s:
            repo = CmdbRepo(s)
            current = repo.load()
            text = file.read_text(encoding="utf-8-sig")
            cis = parse_cis_csv(text, file, services={x.name for x in current.services})
            n = repo.sync(edits.put_cis(current, cis), actor=actor, now=rt.clock())
        typer.echo(f"imported {len(cis)} CI(s) from {file}; {n} change(s) recorded")
    except AiopsError as exc:
        _fail(exc)
    finally:
        rt.close()


@cmdb_app.command("export")
def export(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File (default stdout).")
    ] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Write the stored CMDB (file seed + API edits) as cmdb.yaml."""
    from aiops.cmdb.export import to_yaml
    from aiops.store.repos.cmdb import CmdbRepo

    rt = runtime_or_exit(settings_from(db, config))
    try:
        with rt.sessions.begin() as s:
            text = to_yaml(CmdbRepo(s).load())
    finally:
        rt.close()
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(cmdb_app, name="cmdb")
