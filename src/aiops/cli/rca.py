"""`aiops rca CASE --format native|sockshop|petshop`: rank root-cause candidates as JSON.

Prints a JSON array, best first; each object has `ci` (exactly as in the input),
`score`, `confidence`, `metric` (the CI's most anomalous metric, when it has one)
and `evidence` (sentences). Degradations of the input go to stderr as warnings.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from aiops.diagnose import load_case, rank
from aiops.errors import AiopsError


class CaseFormat(StrEnum):
    native = "native"
    sockshop = "sockshop"
    petshop = "petshop"


def rca(
    case: Annotated[Path, typer.Argument(help="Case file or folder.", show_default=False)],
    format: Annotated[
        CaseFormat, typer.Option("--format", "-f", help="Layout of CASE.")
    ] = CaseFormat.native,
    top: Annotated[
        int | None, typer.Option("--top", min=1, help="Print only the best N candidates.")
    ] = None,
) -> None:
    """Rank root-cause candidates for a case and print them as a JSON array, best first.

    Example: aiops rca ../shared/datasets/sockshop/carts-cpu/1 --format sockshop --top 3
    """
    try:
        loaded = load_case(case, format.value)
        candidates = rank(loaded, limit=top)
    except AiopsError as exc:
        typer.echo(f"aiops rca: {exc.message}", err=True)
        for detail in exc.errors:
            if str(detail) not in exc.message:
                typer.echo(f"  {detail}", err=True)
        raise typer.Exit(2) from None
    except Exception as exc:  # a bug, not bad input: say so without a traceback
        typer.echo(f"aiops rca: failed on {case}: {type(exc).__name__}: {exc}", err=True)
        raise typer.Exit(1) from None
    for warning in loaded.warnings:
        typer.echo(f"aiops rca: warning: {warning}", err=True)
    json.dump([c.as_dict() for c in candidates], sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def register(app: typer.Typer) -> None:
    app.command("rca")(rca)
