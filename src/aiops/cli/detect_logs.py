"""`aiops detect logs FILE.log`: mine log templates, write `line_id,template_id,template` CSV."""

from __future__ import annotations

import csv
import sys
from array import array
from itertools import islice
from pathlib import Path
from typing import Annotated

import typer

from aiops.detect.logs import LogMiner
from aiops.detect.logs.templates import LAYOUT_SAMPLE
from aiops.errors import ConfigError


def detect_logs(
    file: Annotated[
        Path, typer.Argument(help="Log file to mine (any text; bad bytes are tolerated).")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the CSV here instead of stdout.")
    ] = None,
    log_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Header layout, e.g. '<Date> <Time> <Level> <Component>: <Content>'. "
            "Default: detected from the first lines.",
        ),
    ] = None,
) -> None:
    """Mine templates from FILE; variables are written `<*>`.

    Example: aiops detect logs app.log --out templates.csv
    """
    try:
        miner = LogMiner(log_format)
        with file.open("rb") as fh:
            if log_format is None:
                miner.prime(
                    raw.decode("utf-8", errors="replace") for raw in islice(fh, LAYOUT_SAMPLE)
                )
                fh.seek(0)
            ids = array("L", (miner.add(raw).template_id for raw in fh))
    except ConfigError as exc:
        typer.echo(f"--format: {exc}", err=True)
        raise typer.Exit(2) from exc
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        typer.echo(f"{file}: cannot read: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from exc
    try:
        sink = out.open("w", newline="", encoding="utf-8") if out else sys.stdout
    except OSError as exc:
        typer.echo(f"{out}: cannot write: {exc.strerror or exc}", err=True)
        raise typer.Exit(1) from exc
    try:
        writer = csv.writer(sink, lineterminator="\n")
        writer.writerow(["line_id", "template_id", "template"])
        texts = [t.text for t in miner.templates]
        for line_id, template_id in enumerate(ids, start=1):
            writer.writerow([line_id, template_id, texts[template_id - 1]])
    finally:
        if out:
            sink.close()
    stats = miner.stats
    typer.echo(
        f"{stats.lines} lines, {len(miner.templates)} templates"
        + (f", {stats.truncated} truncated" if stats.truncated else "")
        + (f", {stats.undecodable} not UTF-8" if stats.undecodable else ""),
        err=True,
    )


def register(app: typer.Typer) -> None:
    """Add `logs` to the `detect` group (owned by aiops.cli.detect; made here if absent)."""
    try:
        from aiops.cli.detect import detect_app
    except ImportError:
        detect_app = typer.Typer(
            help="Anomaly detection on metrics and logs.", no_args_is_help=True
        )
        app.add_typer(detect_app, name="detect")
    detect_app.command("logs")(detect_logs)
