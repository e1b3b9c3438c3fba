"""`aiops eval`: the agents against the baseline procedure, on the demo's sulu faults.

The wiring of `aiops.evaluate`: `demo_driver` runs the variants through one headless
shadow-mode demo (detection="both") and reads back, from the store, what the scores
need (the demo report's per-scenario rows, each incident with its diagnosis, each
incident's decisions). Everything else is in `aiops.evaluate`.
"""

from __future__ import annotations

import asyncio
import math
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from aiops.cli.core import err
from aiops.errors import AiopsError, ConfigError, InvalidInput

# The demo's phases, compressed so 20 variants fit 20 minutes on 2 cores (same for all).
EVAL_TIMING = {"warmup_s": 40.0, "detect_timeout_s": 45.0, "recover_timeout_s": 25.0,
               "remediate_timeout_s": 45.0, "approve_delay_s": 2.0, "quiet_gap_s": 2.0,
               "no_fault_s": 20.0}  # fmt: skip


def demo_driver(*, time_scale: float = 0.2, port: int = 0, seed: int = 0,
                timing: dict[str, float] | None = None, agents: Any = None) -> Any:  # fmt: skip
    """A `Driver` for `aiops.evaluate.runner.run_eval` that runs `aiops demo`."""

    def drive(vs: list[Any], data_dir: Path) -> dict[str, Any]:
        from aiops.config import default_config_dir
        from aiops.demo import DemoOptions, StackOptions, Timing
        from aiops.demo.rca_truth import TRUE_ROOT_CAUSE
        from aiops.demo.scenarios import Scenario
        from aiops.sim.faults import check_params

        scs = [Scenario(v.name, v.fault, check_params(v.fault, v.params) if v.fault else {})
               for v in vs]  # fmt: skip
        run_dir = data_dir.resolve() / "runs" / datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        run_dir.mkdir(parents=True, exist_ok=True)
        opts = DemoOptions(
            stack=StackOptions(data_dir=run_dir, config_dir=default_config_dir(), port=port,
                               time_scale=time_scale, seed=seed, detection="both",
                               agents_config=shadow_agents(default_config_dir(), agents)),
            scenarios=scs, headless=True, report_dir=run_dir,
            timing=Timing(**(timing or EVAL_TIMING)), out=sys.stderr,
        )  # fmt: skip
        overlaps = {v.name: v.also for v in vs if v.also is not None}
        outside = [v.name for v in vs if v.outside_window]
        demo_doc = asyncio.run(run_stack(opts, overlaps, set(outside)))
        incidents, decisions = read_store(run_dir / "aiops.db", demo_doc["scenarios"])
        return {"scenarios": demo_doc["scenarios"], "incidents": incidents,
                "decisions": decisions, "truth": dict(TRUE_ROOT_CAUSE),
                "time_scale": time_scale,
                "meta": {"run_dir": str(run_dir), "overlaps": overlaps, "outside_window": outside,
                         "analyzers": demo_doc["meta"].get("analyzers"),
                         "timing": opts.timing.__dict__}}  # fmt: skip

    return drive


class _Pair:
    """The supervisor as the orchestrator sees it: toggling the variant's first fault
    toggles its second one too (an overlapping-fault variant)."""

    def __init__(self, sup: Any, first: str, second: str, params: dict[str, float]) -> None:
        self._sup, self._first, self._second, self._params = sup, first, second, params

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sup, name)

    def fault(self, name: str, on: bool, params: Any) -> Any:
        out = self._sup.fault(name, on, params)
        if name == self._first:
            self._sup.fault(self._second, on, dict(self._params) if on else None)
        return out


def _orchestrator(base: Any) -> Any:
    class EvalOrchestrator(base):  # type: ignore[misc, valid-type]
        """The demo's orchestrator, plus a second fault for overlapping variants and a
        service window that excludes the moment for outside-window variants."""

        overlaps: dict[str, tuple[str, dict[str, float]]] = {}
        outside: set[str] = set()

        async def _fault_cycle(self, sc: Any) -> None:
            also = self.overlaps.get(sc.name)
            if sc.name in self.outside:
                async with outside_service_window(self.stack.url, self.service):
                    return await self._cycle(sc, also)
            return await self._cycle(sc, also)

        async def _cycle(self, sc: Any, also: Any) -> None:
            if also is None:
                return await super()._fault_cycle(sc)
            real = self.stack.sup
            self.stack.sup = _Pair(real, sc.fault, *also)
            try:
                await super()._fault_cycle(sc)
            finally:
                self.stack.sup = real

    return EvalOrchestrator


@asynccontextmanager
async def outside_service_window(url: str, service: str) -> AsyncIterator[None]:
    """The service's window moved (through the CMDB API, as a service manager would) to
    an hour that is not now, and put back afterwards."""
    import httpx

    async with httpx.AsyncClient(base_url=url, timeout=10) as c:
        r = await c.get(f"/api/v1/cmdb/services/{service}")
        r.raise_for_status()
        before = r.json()
        hour = (datetime.now(UTC).hour + 12) % 24
        moved = {**before, "service_window": f"mon-sun {hour:02d}:00-{(hour + 1) % 24:02d}:00"}
        actor = {"actor": "eval"}
        put = f"/api/v1/cmdb/services/{service}"
        (await c.put(put, json=moved, params=actor)).raise_for_status()
        try:
            yield
        finally:
            await c.put(put, json=before, params=actor)


async def run_stack(
    opts: Any,
    overlaps: dict[str, tuple[str, dict[str, float]]],
    outside: set[str] | None = None,
) -> dict[str, Any]:
    """`aiops demo --headless` with the eval orchestrator; the demo report doc."""
    import signal

    from rich.console import Console

    from aiops.demo import report as demo_report
    from aiops.demo.injections import InjectionLog, read_injections
    from aiops.demo.orchestrator import Orchestrator
    from aiops.demo.stack import DemoStack
    from aiops.demo.timeline import Timeline

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log = InjectionLog(opts.stack.data_dir / "injections.jsonl")
    stack = DemoStack(opts.stack)
    try:
        await stack.start()
        timeline = Timeline(Console(file=sys.stderr, soft_wrap=True), live=False)
        orch = _orchestrator(Orchestrator)(stack, timeline, log, opts.timing, stop)
        orch.overlaps = overlaps
        orch.outside = outside or set()
        orch.attach()
        with timeline:
            if await orch.warm_up():
                await orch.run(opts.scenarios)
        assert stack.runtime is not None and stack.worker is not None
        analyzers = [a.name for a in stack.worker.analyzers]
        with stack.runtime.sessions() as s:
            doc = demo_report.build(s, read_injections(log.path), time_scale=opts.stack.time_scale,
                                    meta={"analyzers": analyzers, "interrupted": stop.is_set()},
                                    analyzers=analyzers)  # fmt: skip
        demo_report.write(doc, opts.stack.data_dir)
        return doc
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, lambda: None)  # a second signal must not cut the cleanup
        await stack.stop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def shadow_agents(config_dir: Path, cfg: Any = None) -> Any:
    """agents.yaml with the remediate agent held for approval (shadow mode): its change is
    recorded at once but runs only when the demo's change manager approves, after every
    analyzer had its chance to alert, so the baseline sees the same fault."""
    from aiops.agents.stage import load_agents_config
    from aiops.model.decisions import Autonomy

    cfg = cfg if cfg is not None else load_agents_config(config_dir)
    agents = [a.model_copy(update={"autonomy": Autonomy.approve}) if a.kind == "remediate" else a
              for a in cfg.agents]  # fmt: skip
    return cfg.model_copy(update={"agents": agents})


def read_store(db: Path, rows: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Each incident of the scenario rows and its decisions, as JSON-able dicts."""
    from aiops.store.database import make_engine, session_factory
    from aiops.store.repos.decisions import DecisionRepo
    from aiops.store.repos.incidents import IncidentRepo

    engine = make_engine(f"sqlite:///{db}")
    incidents: dict[str, Any] = {}
    decisions: dict[str, Any] = {}
    try:
        with session_factory(engine)() as s:
            for iid in {i for r in rows for i in (r.get("incidents") or [])}:
                inc = IncidentRepo(s).get(iid)
                if inc is not None:
                    incidents[iid] = inc.model_dump(mode="json")
                decisions[iid] = [
                    d.model_dump(mode="json") for d in DecisionRepo(s).for_incident(iid)
                ]
    finally:
        engine.dispose()
    return incidents, decisions


def eval_cmd(
    scenarios: Annotated[
        str,
        typer.Option(
            help="`all`, or fault names separated by commas (add `none` for no-fault periods)."
        ),
    ] = "all",
    repeat: Annotated[int, typer.Option(help="Rounds of variants (23 per round for `all`).")] = 1,
    seed: Annotated[
        int, typer.Option(help="Seed of the variants, the load and the operator delays.")
    ] = 0,
    report: Annotated[
        Path, typer.Option(help="Directory for report.json, report.html and raw_records.json.")
    ] = Path("eval-report"),
    data_dir: Annotated[
        Path, typer.Option(help="Keeps each run's store and the run history (eval_history.jsonl).")
    ] = Path("eval-data"),
    time_scale: Annotated[float, typer.Option(help="Rule durations × F (0 < F <= 1).")] = 0.2,
    config: Annotated[
        Path | None,
        typer.Option(
            help="eval.yaml: operator and cost models, "
            "budget (default: CONFIG_DIR/eval.yaml when present)."
        ),
    ] = None,
    llm_base_url: Annotated[
        str | None,
        typer.Option(
            help="Run every agent on this OpenAI-compatible endpoint "
            "(default: the builtin reasoner)."
        ),
    ] = None,
    llm_model: Annotated[str | None, typer.Option(help="Model name for --llm-base-url.")] = None,
    llm_api_key: Annotated[
        str | None, typer.Option(envvar="AIOPS_LLM_API_KEY", help="API key for --llm-base-url.")
    ] = None,
    operator_csv: Annotated[
        Path | None,
        typer.Option(
            help="Recorded real operator timings "
            "(CSV: ack_s, investigate_s, act_s) instead of the model."
        ),
    ] = None,
) -> None:
    """Run the sulu faults with both procedures side by side (shadow mode) and report.

    Example: aiops eval --scenarios all --repeat 1 --seed 0 --report out/
    """
    from aiops.evaluate.operator import load_timings
    from aiops.evaluate.runner import EvalOptions, run_eval, variants
    from aiops.obs.logging import configure

    if not (math.isfinite(time_scale) and 0 < time_scale <= 1):
        _usage(f"--time-scale must be > 0 and <= 1, got {time_scale}")
    names: str | list[str] = "all" if scenarios == "all" else scenarios.split(",")
    try:
        variants(names, repeat, seed)
        operator, cost = _models(config)
        agents = _llm(llm_base_url, llm_model, llm_api_key)
        if operator_csv is not None:
            operator = load_timings(operator_csv)
    except (InvalidInput, ConfigError) as exc:
        _usage(str(exc))
    configure("console", level="WARNING")  # the headline is the output
    opts = EvalOptions(scenarios=names, repeat=repeat, seed=seed, report_dir=report,
                       data_dir=data_dir, operator=operator, cost=cost)  # fmt: skip
    try:
        doc = run_eval(
            opts,
            demo_driver(time_scale=time_scale, seed=seed, agents=agents),
            now=datetime.now(UTC),
        )
    except AiopsError as exc:
        err.print(f"aiops eval: {exc}", highlight=False, markup=False)
        raise typer.Exit(1) from None
    for k, v in doc["headline"].items():
        typer.echo(f"{k:<34} {v}")
    typer.echo(f"report: {report / 'report.html'}")


def _llm(base_url: str | None, model: str | None, key: str | None) -> Any:
    """agents.yaml pointed at one LLM endpoint, or None for the builtin reasoner."""
    if (base_url is None) != (model is None):
        raise InvalidInput("--llm-base-url and --llm-model go together")
    if base_url is None or model is None:
        return None
    from aiops.agents.config import configure_llm
    from aiops.agents.stage import load_agents_config
    from aiops.config import default_config_dir

    return configure_llm(load_agents_config(default_config_dir()), base_url, model, key)


def _models(path: Path | None) -> tuple[Any, Any]:
    """(OperatorModel, CostConfig) from eval.yaml, else the defaults."""
    from aiops.config import default_config_dir
    from aiops.evaluate.config import load_eval_config
    from aiops.evaluate.operator import OperatorModel
    from aiops.evaluate.scores import CostConfig

    if path is None and (default_config_dir() / "eval.yaml").exists():
        path = default_config_dir() / "eval.yaml"
    if path is None:
        return OperatorModel(), CostConfig()
    if not path.is_file():
        raise InvalidInput(f"--config {path}: no such file")
    return load_eval_config(path)


def _usage(msg: str) -> None:
    err.print(f"aiops eval: {msg}", highlight=False, markup=False)
    raise typer.Exit(2)


def human_decision(
    incident: Annotated[str, typer.Argument(help="Incident id, e.g. INC-20261125-ABC123.")],
    person: Annotated[str, typer.Option(help="Who decided.")],
    triage: Annotated[str | None, typer.Option(help="The triage, e.g. 'P2, real'.")] = None,
    root_cause: Annotated[str | None, typer.Option(help="The CI named as cause.")] = None,
    action: Annotated[str | None, typer.Option(help="The runbook chosen, or 'none'.")] = None,
    note: Annotated[str | None, typer.Option(help="Free text.")] = None,
    url: Annotated[str, typer.Option(envvar="AIOPS_URL", help="The aiops server.")] = (
        "http://127.0.0.1:8765"
    ),
) -> None:
    """Record a person's decision on an incident, beside the agents' (shadow mode)."""
    import httpx

    if not (triage or root_cause or action):
        _usage("give at least one of --triage, --root-cause, --action")
    body = {"person": person, "triage": triage, "root_cause": root_cause, "action": action,
            "note": note}  # fmt: skip
    target = f"{url.rstrip('/')}/api/v1/incidents/{incident}/human-decisions"
    try:
        r = httpx.post(target, json={k: v for k, v in body.items() if v}, timeout=30.0)
    except httpx.HTTPError as exc:
        err.print(f"aiops human-decision: cannot reach {url}: {exc}", highlight=False, markup=False)
        raise typer.Exit(1) from None
    if r.status_code >= 400:
        err.print(f"aiops human-decision: {target}: HTTP {r.status_code}: {r.text[:500]}",
                  highlight=False, markup=False)  # fmt: skip
        raise typer.Exit(2 if r.status_code in (400, 404, 422) else 1)
    for d in r.json()["items"]:
        typer.echo(f"{d['id']}  {d['kind']:<10} {d['summary']}")


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_cmd)
    app.command("human-decision")(human_decision)
