"""`aiops sim`: run the dummy service "sulu", switch its faults, load it, control it.

`aiops sim run` keeps the supervisor in the foreground (Ctrl-C stops every child) and
serves its control API; the other commands talk to that API (`--url`, or AIOPS_SIM_URL).
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from aiops.errors import AiopsError
from aiops.sim.faults import FAULTS

DEFAULT_URL = "http://127.0.0.1:8790"

sim = typer.Typer(
    help="The dummy service sulu: run it, inject faults, send load. "
    "Example: `aiops sim run` then `aiops sim fault slow-db on`.",
    no_args_is_help=True,
)

Url = Annotated[
    str, typer.Option("--url", envvar="AIOPS_SIM_URL", help="supervisor (or sulu) control URL")
]
AsJson = Annotated[bool, typer.Option("--json", help="print the raw JSON reply")]


def _fail(msg: str, code: int) -> typer.Exit:
    typer.echo(f"aiops sim: {msg}", err=True)
    return typer.Exit(code)


def _call(method: str, url: str, path: str, body: dict[str, Any] | None = None) -> Any:
    try:
        resp = httpx.request(method, url.rstrip("/") + path, json=body, timeout=60.0)
    except httpx.HTTPError as exc:
        raise _fail(f"cannot reach {url}: {exc} (is `aiops sim run` running?)", 1) from None
    try:
        doc = resp.json()
    except ValueError:
        doc = {"message": resp.text[:200]}
    if resp.status_code >= 400:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', []))}: {e.get('msg')}"
            for e in doc.get("errors", [])
        )
        msg = f"HTTP {resp.status_code}: {doc.get('message', '')}" + (
            f" ({detail})" if detail else ""
        )
        raise _fail(msg, 2 if resp.status_code < 500 else 1)
    return doc


def _show_status(doc: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(doc, indent=2))
        return
    typer.echo(f"service {doc['service']}  front {doc['front_url']}  instances {doc['instances']}")
    for c in doc["components"]:
        typer.echo(f"  {c['name']:<10} {c['state']:<12} pid {c['pid'] or '-':<8} {c['url']}")


@sim.command()
def run(
    data_dir: Annotated[Path | None, typer.Option(help="logs and sulu.db go here")] = None,
    instances: Annotated[int, typer.Option(min=1, max=8)] = 1,
    front_port: Annotated[int, typer.Option(help="0 = any free port")] = 8780,
    control_port: Annotated[int, typer.Option(help="supervisor API port")] = 8790,
    load: Annotated[bool, typer.Option(help="run the load generator too")] = True,
    peak_rps: Annotated[float, typer.Option(min=0.1, max=200)] = 8.0,
    duration_s: Annotated[float, typer.Option(min=1, help="stop after this long")] = 3600.0,
) -> None:
    """Start sulu, the external API and the front; serve the control API; Ctrl-C stops all.

    Example: aiops sim run --data-dir /tmp/sulu --instances 2
    """
    from aiops.sim.runner import run_foreground

    directory = data_dir or Path(tempfile.mkdtemp(prefix="sulu-"))
    try:
        asyncio.run(
            run_foreground(
                directory,
                instances=instances,
                front_port=front_port,
                control_port=control_port,
                load=load,
                peak_rps=peak_rps,
                duration_s=duration_s,
            )
        )
    except AiopsError as exc:
        raise _fail(str(exc), 1) from None
    except KeyboardInterrupt:
        pass


@sim.command()
def status(url: Url = DEFAULT_URL, as_json: AsJson = False) -> None:
    """Show each process of the sim. Example: aiops sim status --json"""
    _show_status(_call("GET", url, "/sim/status"), as_json)


@sim.command()
def start(url: Url = DEFAULT_URL, as_json: AsJson = False) -> None:
    """Start the sulu instances (after `stop` or the stop fault). Example: aiops sim start"""
    _show_status(_call("POST", url, "/sim/start"), as_json)


@sim.command()
def stop(url: Url = DEFAULT_URL, as_json: AsJson = False) -> None:
    """Stop the sulu instances; the front then answers 502. Example: aiops sim stop"""
    _show_status(_call("POST", url, "/sim/stop"), as_json)


@sim.command()
def restart(url: Url = DEFAULT_URL, as_json: AsJson = False) -> None:
    """Restart the sulu instances (clears faults held in the process; a bad release, the
    config, a full disk or a slow database stay). Example: aiops sim restart"""
    _show_status(_call("POST", url, "/sim/restart"), as_json)


@sim.command()
def scale(
    instances: Annotated[int, typer.Argument(help="number of sulu processes, 1..8")],
    url: Url = DEFAULT_URL,
    as_json: AsJson = False,
) -> None:
    """Run N sulu processes behind the front. Example: aiops sim scale 3"""
    _show_status(_call("POST", url, "/sim/scale", {"instances": instances}), as_json)


def _params(pairs: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        try:
            if not sep or not key:
                raise ValueError
            out[key.strip()] = float(value)
        except ValueError:
            raise _fail(f"--param {pair!r}: expected NAME=NUMBER, e.g. delay_ms=300", 2) from None
    return out


@sim.command()
def fault(
    name: Annotated[str, typer.Argument(help="one of: " + ", ".join(FAULTS))],
    state: Annotated[str, typer.Argument(help="on or off")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="NAME=NUMBER")] = None,
    url: Url = DEFAULT_URL,
    as_json: AsJson = False,
) -> None:
    """Switch a fault on or off. Example: aiops sim fault slow-db on -p delay_ms=300"""
    if name not in FAULTS:
        raise _fail(f"unknown fault {name!r}; known: {', '.join(FAULTS)}", 2)
    if state not in ("on", "off"):
        raise _fail(f"state must be 'on' or 'off', got {state!r}", 2)
    body = {"on": state == "on", "params": _params(param or [])}
    doc = _call("POST", url, f"/control/faults/{name}", body)
    typer.echo(
        json.dumps(doc)
        if as_json
        else f"{name}: {state}" + ("" if doc.get("changed") else " (unchanged)")
    )


@sim.command()
def breaker(
    state: Annotated[str, typer.Argument(help="open or close")],
    url: Url = DEFAULT_URL,
    as_json: AsJson = False,
) -> None:
    """Force the recommendations circuit breaker open (pages skip the external API until it
    answers again) or close it. Example: aiops sim breaker open"""
    if state not in ("open", "close"):
        raise _fail(f"state must be 'open' or 'close', got {state!r}", 2)
    doc = _call("POST", url, "/sim/breaker", {"open": state == "open"})
    typer.echo(
        json.dumps(doc) if as_json else f"breaker: {'open' if doc.get('open') else 'closed'}"
    )


@sim.command()
def faults(url: Url = DEFAULT_URL, as_json: AsJson = False) -> None:
    """List active faults (and, with --json, the catalogue). Example: aiops sim faults"""
    doc = _call("GET", url, "/control/faults")
    if as_json:
        typer.echo(json.dumps(doc, indent=2))
        return
    active = doc.get("active", [])
    typer.echo(
        "no active fault"
        if not active
        else "\n".join(
            f"{f['name']}  since {f.get('since', '-')}  {f.get('params', {})}"
            + ("  (masked: breaker open)" if f.get("masked") else "")
            for f in active
        )
    )


@sim.command("load")
def load_cmd(
    target: Annotated[str, typer.Option("--target", help="sulu or front URL (loopback only)")],
    duration_s: Annotated[float, typer.Option(min=1)] = 60.0,
    peak_rps: Annotated[float, typer.Option(min=0.1, max=200)] = 8.0,
    max_rps: Annotated[float, typer.Option(min=0.1, max=500)] = 20.0,
    seed: int = 0,
) -> None:
    """Send shaped load for a while, then print the counts as JSON.

    Example: aiops sim load --target http://127.0.0.1:8780 --duration-s 30
    """
    from aiops.sim.loadgen import LoadConfig, LoadGen

    try:
        gen = LoadGen(
            LoadConfig(
                url=target, duration_s=duration_s, peak_rps=peak_rps, max_rps=max_rps, seed=seed
            )
        )
    except AiopsError as exc:
        raise _fail(str(exc), 2) from None
    stats = asyncio.run(gen.run())
    typer.echo(json.dumps(stats.as_dict()))
    sys.stdout.flush()


def register(app: typer.Typer) -> None:
    app.add_typer(sim, name="sim")
