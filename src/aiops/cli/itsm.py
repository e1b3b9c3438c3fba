"""`aiops approve`, `aiops deny`, `aiops changes list`: change enablement from a terminal.

The CLI records the decision only; a serving process (`aiops serve`, `aiops demo`) runs
approved changes on its next tick, so approving from a laptop never executes a runbook
on the laptop.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from aiops.cli.core import ConfigOpt, DbOpt, err, fail, out, runtime_or_exit, settings_from
from aiops.errors import AiopsError, ConfigError

changes_app = typer.Typer(
    help="Change requests (remediation under ITIL 4 change enablement).", no_args_is_help=True
)

AsOpt = Annotated[str, typer.Option("--as", help="Who decides (must be an eligible approver).")]
CommentOpt = Annotated[str, typer.Option("--comment", "-m", help="Why; kept in the audit.")]


def _service(db: str | None, config: Path | None):  # type: ignore[no-untyped-def]
    from aiops.itsm.stage import build_act_stage
    from aiops.store.repos.itsm import SqlItsmRepo

    rt = runtime_or_exit(settings_from(db, config))
    try:
        stage = build_act_stage(rt, rt.config.directory, repos=SqlItsmRepo, execute=False)
    except ConfigError as exc:
        fail(exc, 2)
    if stage is None:
        fail(AiopsError(f"{rt.config.directory}: no runbooks/ directory"), 2)
    return rt, stage.service  # type: ignore[union-attr]


def _decide(
    decision: str, change_id: str, who: str, comment: str, db: str | None, config: Path | None
) -> None:
    rt, svc = _service(db, config)
    try:
        c = svc.decide(change_id, approver=who, decision=decision, via="cli", comment=comment)
    except AiopsError as exc:
        fail(exc, 2 if exc.status in (400, 404, 409, 422) else 1)
    finally:
        svc.close()
        rt.close()
    out.print(
        f"{c.id}: {c.state.value} ({sum(a.decision == 'approve' for a in c.approvals)}"
        f"/{c.quorum} approvals)",
        highlight=False,
    )


def approve(
    change_id: str, who: AsOpt, comment: CommentOpt = "", db: DbOpt = None, config: ConfigOpt = None
) -> None:
    """Approve a change request. Example: `aiops approve CHG-1a2b3c4d5e --as alice`."""
    _decide("approve", change_id, who, comment, db, config)


def deny(
    change_id: str, who: AsOpt, comment: CommentOpt = "", db: DbOpt = None, config: ConfigOpt = None
) -> None:
    """Deny a change request. Example: `aiops deny CHG-1a2b3c4d5e --as alice -m "not now"`."""
    _decide("deny", change_id, who, comment, db, config)


@changes_app.command("list")
def list_changes(
    state: Annotated[
        list[str] | None, typer.Option("--state", help="e.g. pending_approval")
    ] = None,
    incident: Annotated[str | None, typer.Option("--incident")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """List change requests, newest first. Example: `aiops changes list --state pending_approval`."""
    from aiops.store.repos.itsm import SqlItsmRepo

    rt = runtime_or_exit(settings_from(db, config))
    try:
        with rt.sessions.begin() as s:
            items = SqlItsmRepo(s).list_changes(incident_id=incident, states=state or [])
    finally:
        rt.close()
    if as_json:
        for c in items:
            typer.echo(json.dumps(c.model_dump(mode="json"), ensure_ascii=False))
        return
    if not items:
        err.print("no change requests")
        return
    t = Table("id", "type", "state", "runbook", "incident", "approvals", "created")
    for c in items:
        t.add_row(
            c.id,
            c.type.value,
            c.state.value,
            c.runbook,
            c.incident_id or "-",
            f"{sum(a.decision == 'approve' for a in c.approvals)}/{c.quorum}",
            c.created_at.strftime("%Y-%m-%d %H:%M:%S"),
        )
    out.print(t)


def register(app: typer.Typer) -> None:
    app.command("approve")(approve)
    app.command("deny")(deny)
    app.add_typer(changes_app, name="changes")
