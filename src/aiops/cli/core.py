"""Core commands: serve, ingest, audit, incidents, config check."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from aiops.config import Settings, default_config_dir
from aiops.errors import AiopsError, ConfigError, InvalidInput
from aiops.model import Event

err = Console(stderr=True, soft_wrap=True)  # never wrap file:line messages
out = Console()

DbOpt = Annotated[
    str | None,
    typer.Option("--db", envvar="AIOPS_DATABASE_URL",
                 help="Database URL, e.g. sqlite:///aiops.db or postgresql://user@host/db."),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", envvar="AIOPS_CONFIG_DIR",
                 help="Directory with cmdb.yaml, policies.yaml, ingest.yaml, ... "
                 "(default: the sulu example)."),
]


def settings_from(db: str | None, config: Path | None, **extra: Any) -> Settings:
    values: dict[str, Any] = {k: v for k, v in extra.items() if v is not None}
    if db:
        values["database_url"] = db
    values["config_dir"] = config or default_config_dir()
    return Settings(**values)


def fail(exc: AiopsError, code: int) -> None:
    err.print(f"[red]error:[/red] {exc}", markup=True, highlight=False)
    raise typer.Exit(code)


def install_stages(runtime: Any, config_dir: Path | None) -> list[Any]:
    from aiops.runtime import install_stages as install

    return install(runtime, config_dir)


def runtime_or_exit(settings: Settings):  # type: ignore[no-untyped-def]
    from aiops.runtime import Runtime

    try:
        return Runtime(settings)
    except ConfigError as exc:
        fail(exc, 2)


def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8080,
    db: DbOpt = None,
    config: ConfigOpt = None,
    sources: Annotated[
        bool, typer.Option(help="Run the pull sources and rules of sources.yaml/rules.yaml.")
    ] = True,
    bus: Annotated[
        str | None,
        typer.Option("--bus", envvar="AIOPS_BUS_URL",
                     help="nats://host:4222: queue ingested events on JetStream for "
                     "`aiops worker` instead of correlating in this process."),
    ] = None,
    stages: Annotated[
        bool, typer.Option(help="Run diagnose → agents → act on incidents in this process.")
    ] = True,
) -> None:
    """Run the API, the ingest endpoints and the control site.

    Example: aiops serve --port 8080 --db sqlite:///aiops.db --config examples/sulu
    """
    import uvicorn

    from aiops.obs.logging import configure
    from aiops.web import create_app

    settings = settings_from(db, config, host=host, port=port, bus_url=bus)
    configure(settings.log_format)
    runtime = runtime_or_exit(settings)
    background = []
    if bus is None and stages:  # with a bus, `aiops worker` correlates and runs them
        background.extend(install_stages(runtime, settings.config_dir))
    if sources and bus is None:
        worker = worker_or_none(runtime, settings.config_dir)
        if worker is not None:
            background.append(worker.run)
            err.print(f"pulling {len(worker.sources)} source(s) from sources.yaml; "
                      f"analyzers: {', '.join(a.name for a in worker.analyzers) or 'none'}")
    app = create_app(settings, runtime=runtime, background=background)
    err.print(f"aiops serving on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    uvicorn.run(app, host=host, port=port, log_config=None)


def worker(
    bus: Annotated[
        str, typer.Option("--bus", envvar="AIOPS_BUS_URL", help="NATS URL, e.g. nats://127.0.0.1:4222")
    ],
    db: DbOpt = None,
    config: ConfigOpt = None,
    durable: Annotated[str, typer.Option(help="JetStream durable consumer name.")] = "correlate",
    sources: Annotated[
        bool, typer.Option(help="Also run the pull sources and rules (run them in ONE worker).")
    ] = False,
) -> None:
    """Correlate events queued on NATS JetStream by `aiops serve --bus` (scale-out mode).

    Run several with the same --durable to share the load; each acks a batch only after
    it is committed. Example: aiops worker --bus nats://127.0.0.1:4222 --db postgresql://…/aiops
    """
    import asyncio

    from aiops.bus.nats import NatsConsumer
    from aiops.obs.logging import configure

    settings = settings_from(db, config)
    configure(settings.log_format)
    runtime = runtime_or_exit(settings)
    consumer = NatsConsumer(bus, runtime.process, durable=durable)
    stage_tasks = install_stages(runtime, settings.config_dir)
    pull = worker_or_none(runtime, settings.config_dir) if sources else None
    err.print(f"aiops worker: consuming {bus} as {durable!r}, store {settings.database_url}")

    async def main() -> None:
        tasks = [asyncio.create_task(consumer.run())]
        tasks.extend(asyncio.create_task(fn()) for fn in stage_tasks)
        if pull is not None:
            tasks.append(asyncio.create_task(pull.run()))
        try:
            await asyncio.gather(*tasks)
        finally:
            for t in tasks:
                t.cancel()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    finally:
        runtime.close()


def worker_or_none(runtime: Any, config_dir: Path | None):  # type: ignore[no-untyped-def]
    """The worker for `sources.yaml`, or None (with the reason on stderr) if it can't run."""
    from aiops.worker import build_worker

    if config_dir is None:
        return None
    try:
        return build_worker(runtime, config_dir)
    except ConfigError as exc:
        err.print(f"[yellow]sources.yaml not started[/yellow] (the API still runs): {exc}",
                  highlight=False)
        return None


def ingest(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSON-lines file.")],
    db: DbOpt = None,
    config: ConfigOpt = None,
    skip_invalid: Annotated[
        bool, typer.Option(help="Store the valid lines even if some are invalid.")
    ] = False,
    batch: Annotated[int, typer.Option(min=1, max=10_000, help="Events per transaction.")] = 1000,
) -> None:
    """Ingest native events from a JSON-lines file (one event object per line).

    The whole file is checked first; an invalid line is reported as FILE:LINE and, unless
    --skip-invalid is given, nothing is stored.

    Example: aiops ingest events.jsonl --db sqlite:///aiops.db
    """
    events, problems = read_jsonl(file)
    for p in problems:
        err.print(p, highlight=False, markup=False)
    if problems and not skip_invalid:
        err.print(f"{len(problems)} invalid line(s); nothing stored (use --skip-invalid to "
                  "store the valid ones)")
        raise typer.Exit(2)
    runtime = runtime_or_exit(settings_from(db, config))
    opened = dup = 0
    for i in range(0, len(events), batch):
        r = runtime.process(events[i : i + batch])
        opened += len(r.incidents_opened)
        dup += r.duplicates
    runtime.close()
    out.print(f"{len(events) - dup} event(s) stored, {dup} duplicate(s), "
              f"{opened} incident(s) opened, {len(problems)} line(s) skipped")


def read_jsonl(file: Path) -> tuple[list[Event], list[str]]:
    """Parse a JSON-lines file into events; problems are `file:line: loc: msg` strings."""
    from aiops.normalize.body import parse_json_body
    from aiops.normalize.events import parse_native

    events: list[Event] = []
    problems: list[str] = []
    now = datetime.now(UTC)
    with file.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                data = parse_json_body(raw, max_bytes=1024 * 1024)
                if not isinstance(data, dict):
                    raise InvalidInput("each line must be one JSON object",
                                       [])  # arrays would hide which line is bad
                events.extend(parse_native(data, now=now, max_batch=1))
            except InvalidInput as exc:
                details = [f"{'.'.join(str(p) for p in d.loc[1:] if p != 0) or 'line'}: {d.msg}"
                           for d in exc.errors] or [exc.message]
                problems.extend(f"{file}:{lineno}: {d}" for d in details)
    return events, problems


audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)


@audit_app.command("verify")
def audit_verify(db: DbOpt = None) -> None:
    """Walk the audit hash chain; exit 1 naming the first broken record.

    Example: aiops audit verify --db sqlite:///aiops.db
    """
    from aiops.store import audit
    from aiops.store.database import make_engine, migrate, session_factory

    engine = make_engine(settings_from(db, None).database_url)
    migrate(engine)
    with session_factory(engine)() as s:
        r = audit.verify(s)
    engine.dispose()
    if r.ok:
        out.print(f"audit chain OK: {r.checked} record(s) verified")
        return
    err.print(f"audit chain BROKEN at record {r.first_bad_seq}: {r.reason} "
              f"({r.checked} record(s) before it verified)")
    raise typer.Exit(1)


incidents_app = typer.Typer(help="Incidents in the store.", no_args_is_help=True)


@incidents_app.command("list")
def incidents_list(
    db: DbOpt = None,
    state: Annotated[list[str] | None, typer.Option(help="Filter by state (repeatable).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List incidents, newest first. Example: aiops incidents list --state open"""
    from aiops.store.database import make_engine, migrate, session_factory
    from aiops.store.repos.incidents import IncidentFilter, IncidentRepo

    engine = make_engine(settings_from(db, None).database_url)
    migrate(engine)
    with session_factory(engine)() as s:
        items, total = IncidentRepo(s).list(IncidentFilter(state=state or [], limit=limit))
    engine.dispose()
    if as_json:
        sys.stdout.write(json.dumps({"items": [i.model_dump(mode="json") for i in items],
                                     "total": total}) + "\n")
        return
    table = Table("id", "P", "state", "service", "opened", "alerts", "title")
    for i in items:
        table.add_row(i.id, f"P{i.priority}", i.state.value, i.service or "-",
                      f"{i.opened_at:%Y-%m-%d %H:%M:%S}", str(i.alert_count), i.title[:60])
    out.print(table)
    out.print(f"{len(items)} of {total}")


config_app = typer.Typer(help="The service manager's YAML files.", no_args_is_help=True)


@config_app.command("check")
def config_check(config: ConfigOpt = None) -> None:
    """Validate every YAML file in a config directory; print all errors as file:line.

    Example: aiops config check --config examples/sulu
    """
    from aiops.runtime import ConfigSet

    directory = config or default_config_dir()
    try:
        cs = ConfigSet.load(directory)
    except ConfigError as exc:
        fail(exc, 2)
    out.print(f"{directory}: OK ({', '.join(sorted(cs.files)) or 'no files'})")


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(worker)
    app.command()(ingest)
    app.add_typer(audit_app, name="audit")
    app.add_typer(incidents_app, name="incidents")
    app.add_typer(config_app, name="config")
