"""`aiops detect`: run the detectors over files. `detect_app` is the group other modules extend
(`aiops.cli.detect_logs` adds `logs` by calling its own `register` on it)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Annotated

import typer

from aiops.detect import DetectorConfig, score_array
from aiops.detect.metrics.csvfile import read_series_csv
from aiops.errors import AiopsError

detect_app = typer.Typer(
    name="detect",
    help="Anomaly detection on metrics and logs. Example: aiops detect metrics cpu.csv -o out.csv",
    no_args_is_help=True,
)


@detect_app.command("metrics")
def metrics(
    file: Annotated[Path, typer.Argument(help="CSV with columns timestamp,value (NAB layout)")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="write here instead of stdout")
    ] = None,
) -> None:
    """Score every sample with the default detector.

    Writes CSV `timestamp,value,anomaly_score,is_anomaly`.

    Example: aiops detect metrics ../shared/datasets/nab/data/realAWSCloudwatch/grok_asg_anomaly.csv
    """
    try:
        series = read_series_csv(file)
    except AiopsError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    config = DetectorConfig()
    result = score_array(series.ts, series.values, config)
    try:
        handle = out.open("w", newline="") if out is not None else sys.stdout
    except OSError as exc:
        typer.echo(f"error: {out}: cannot write: {exc.strerror}", err=True)
        raise typer.Exit(1) from None
    try:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["timestamp", "value", "anomaly_score", "is_anomaly"])
        for i, stamp in enumerate(series.stamps):
            writer.writerow(
                [stamp, series.raw_values[i], f"{result.score[i]:.6f}", int(result.is_anomaly[i])]
            )
    finally:
        if out is not None:
            handle.close()
    flagged = int(result.is_anomaly.sum())
    if out is not None:
        typer.echo(f"{file}: {len(series.stamps)} samples, {flagged} anomalies -> {out}", err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(detect_app, name="detect")
