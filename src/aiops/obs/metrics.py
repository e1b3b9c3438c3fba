"""The platform's own Prometheus metrics, on a registry per app so tests stay independent."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram


class PlatformMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        r = self.registry
        self.ingest_rejected = Counter(
            "aiops_ingest_rejected", "Requests or lines rejected at ingest, by source and reason.",
            ["source", "reason"], registry=r,
        )
        self.ingest_events = Counter(
            "aiops_ingest_events", "Events accepted at ingest, by source.", ["source"], registry=r
        )
        self.ingest_samples = Counter(
            "aiops_ingest_samples", "Metric samples accepted at ingest, by source.", ["source"],
            registry=r,
        )
        self.duplicates = Counter(
            "aiops_events_duplicate", "Events whose id was already stored (re-deliveries).",
            registry=r,
        )
        self.incidents_opened = Counter(
            "aiops_incidents_opened", "Incidents opened by correlation.", registry=r
        )
        self.pipeline_seconds = Histogram(
            "aiops_pipeline_batch_seconds", "Time to correlate and commit one batch.",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
            registry=r,
        )
