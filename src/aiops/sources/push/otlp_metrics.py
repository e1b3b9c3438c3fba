"""OTLP/HTTP JSON metrics -> `Sample`s, shaped as Prometheus would store them.

Per `resourceMetrics[].scopeMetrics[].metrics[]` (the metric `name` kept as sent):
- gauge, sum: one sample per data point, `asDouble` or `asInt` (ints may be strings).
  Sums keep their value whatever the temporality (no delta -> cumulative conversion).
- histogram: `<name>_bucket{le=...}` cumulative per explicit bound plus `le="+Inf"`,
  `<name>_sum` (when sent) and `<name>_count`.
- summary: `<name>{quantile=...}`, `<name>_sum`, `<name>_count`.
- exponentialHistogram: refused (422): configure the exporter for explicit buckets.
- labels: the point's attributes, plus `job` (`service.namespace/service.name`) and
  `instance` (`service.instance.id`) from the resource, as Prometheus' OTLP receiver
  does, so series of two instances stay apart. service/ci as for logs.
- Points flagged "no recorded value" (flags bit 0) are skipped; other non-finite
  values (NaN, Infinity) are refused: detectors downstream cannot use them.
- timestamp: `timeUnixNano`, required (1970..2100).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from aiops.model import Sample
from aiops.normalize import from_unix_nanos
from aiops.normalize.fields import short_repr, type_name
from aiops.normalize.problems import FieldProblem, Loc, Problems
from aiops.sources.push.otlp_values import (
    UINT64_MAX,
    as_double,
    as_int,
    as_text,
    attributes,
    children,
    resource_attributes,
    service_and_ci,
    text_labels,
)

SOURCE = "otlp"
CODE = "invalid_payload"
_NO_RECORDED_VALUE = 1
_KINDS = ("gauge", "sum", "histogram", "summary", "exponentialHistogram")


def translate_otlp_metrics(data: Any, *, now: datetime) -> list[Sample]:
    """Translate one ExportMetricsServiceRequest (JSON); all points or none."""
    del now  # points carry their own time; kept for a uniform adapter signature
    problems = Problems()
    samples: list[Sample] = []
    root: Loc = ("body",)
    if not isinstance(data, dict):
        problems.add(root, f"expected an OTLP metrics object, got {type_name(data)}", "dict_type")
        problems.raise_if_any("invalid OTLP metrics", code=CODE)
    for ri, rm in enumerate(
        problems.check(root + ("resourceMetrics",), children, data, "resourceMetrics") or []
    ):
        loc = root + ("resourceMetrics", ri)
        if not isinstance(rm, dict):
            problems.add(loc, f"expected an object, got {type_name(rm)}", "dict_type")
            continue
        resource = problems.check(loc + ("resource",), resource_attributes, rm.get("resource"))
        if resource is None:
            continue
        context = _Context(resource)
        for si, sm in enumerate(
            problems.check(loc + ("scopeMetrics",), children, rm, "scopeMetrics") or []
        ):
            sloc = loc + ("scopeMetrics", si)
            if not isinstance(sm, dict):
                problems.add(sloc, f"expected an object, got {type_name(sm)}", "dict_type")
                continue
            for mi, metric in enumerate(
                problems.check(sloc + ("metrics",), children, sm, "metrics") or []
            ):
                samples.extend(_metric(metric, sloc + ("metrics", mi), context, problems))
    problems.raise_if_any("invalid OTLP metrics", code=CODE)
    return samples


class _Context:
    """What every sample of one resource shares."""

    def __init__(self, resource: dict[str, Any]) -> None:
        self.service, self.ci = service_and_ci(resource)
        name, namespace = (
            as_text(resource.get("service.name")),
            as_text(resource.get("service.namespace")),
        )
        self.labels: dict[str, str] = {}
        if name:
            self.labels["job"] = f"{namespace}/{name}" if namespace else name
        if resource.get("service.instance.id") is not None:
            self.labels["instance"] = as_text(resource["service.instance.id"])

    def sample(self, name: str, value: float, at: datetime, labels: dict[str, str]) -> Sample:
        merged = {**self.labels, **labels}
        return Sample(
            name=name, value=value, timestamp=at, labels=merged,
            service=self.service, ci=self.ci, source=SOURCE,
        )  # fmt: skip


def _metric(metric: Any, loc: Loc, ctx: _Context, problems: Problems) -> list[Sample]:
    if not isinstance(metric, dict):
        problems.add(loc, f"expected a metric object, got {type_name(metric)}", "dict_type")
        return []
    name = metric.get("name")
    if not isinstance(name, str) or not name:
        problems.add(loc + ("name",), f"expected a metric name, got {short_repr(name)}", "missing")
        return []
    kind = next((k for k in _KINDS if k in metric), None)
    if kind is None:
        problems.add(loc, "metric has no gauge, sum, histogram or summary", "missing")
        return []
    if kind == "exponentialHistogram":
        problems.add(
            loc + (kind,),
            "exponentialHistogram is not supported; configure the exporter for explicit-bucket "
            "histograms",
            "unsupported",
        )
        return []
    body = metric[kind]
    if not isinstance(body, dict):
        problems.add(loc + (kind,), f"expected an object, got {type_name(body)}", "dict_type")
        return []
    out: list[Sample] = []
    points = problems.check(loc + (kind, "dataPoints"), children, body, "dataPoints") or []
    for pi, point in enumerate(points):
        ploc = loc + (kind, "dataPoints", pi)
        samples = problems.check(ploc, _point, kind, name, point, ctx)
        out.extend(samples or [])
    return out


def _point(kind: str, name: str, point: Any, ctx: _Context) -> list[Sample]:
    if not isinstance(point, dict):
        raise FieldProblem(f"expected a data point object, got {type_name(point)}", "dict_type")
    flags = _sub("flags", as_int, point.get("flags", 0), 0, UINT64_MAX)
    if flags & _NO_RECORDED_VALUE:
        return []
    at = _sub("timeUnixNano", from_unix_nanos, point.get("timeUnixNano"))
    if at is None:
        raise FieldProblem("field required", "missing", ("timeUnixNano",))
    labels = text_labels(_sub("attributes", attributes, point.get("attributes")))
    if kind in ("gauge", "sum"):
        return [ctx.sample(name, _number(point), at, labels)]
    count = float(_sub("count", as_int, point.get("count", 0), 0, UINT64_MAX))
    out: list[Sample] = []
    if point.get("sum") is not None:
        out.append(ctx.sample(f"{name}_sum", _finite("sum", point["sum"]), at, labels))
    out.append(ctx.sample(f"{name}_count", count, at, labels))
    if kind == "histogram":
        out += [
            ctx.sample(f"{name}_bucket", v, at, labels | {"le": le})
            for le, v in _buckets(point, count)
        ]
    else:
        for qi, q in enumerate(_sub("quantileValues", _list, point.get("quantileValues"))):
            if not isinstance(q, dict):
                raise FieldProblem(
                    "expected {quantile, value}", "dict_type", ("quantileValues", qi)
                )
            quantile = _sub(("quantileValues", qi, "quantile"), _finite_value, q.get("quantile", 0))
            value = _finite(("quantileValues", qi, "value"), q.get("value", 0))
            out.append(ctx.sample(name, value, at, labels | {"quantile": _le(quantile)}))
    return out


def _buckets(point: dict[str, Any], count: float) -> list[tuple[str, float]]:
    counts = [
        _sub(("bucketCounts", i), as_int, c, 0, UINT64_MAX)
        for i, c in enumerate(_sub("bucketCounts", _list, point.get("bucketCounts")))
    ]
    bounds = [
        _sub(("explicitBounds", i), _finite_value, b)
        for i, b in enumerate(_sub("explicitBounds", _list, point.get("explicitBounds")))
    ]
    if counts and len(counts) != len(bounds) + 1:
        raise FieldProblem(
            f"has {len(counts)} bucketCounts for {len(bounds)} explicitBounds; expected "
            f"{len(bounds) + 1}",
            "histogram_shape",
            ("bucketCounts",),
        )
    if any(b <= a for a, b in zip(bounds, bounds[1:], strict=False)):
        raise FieldProblem(
            "explicitBounds must be strictly increasing", "histogram_shape", ("explicitBounds",)
        )
    if counts and sum(counts) != count:
        raise FieldProblem(
            f"bucketCounts add up to {sum(counts)}, not count {int(count)}",
            "histogram_shape",
            ("count",),
        )
    out, total = [], 0
    for bound, n in zip(bounds, counts, strict=False):
        total += n
        out.append((_le(bound), float(total)))
    out.append(("+Inf", count))
    return out


def _number(point: dict[str, Any]) -> float:
    if point.get("asDouble") is not None:
        return _finite("asDouble", point["asDouble"])
    if point.get("asInt") is not None:
        return float(_sub("asInt", as_int, point["asInt"]))
    raise FieldProblem("a number data point needs asDouble or asInt", "missing")


def _finite(key: str | tuple[str | int, ...], value: Any) -> float:
    return float(_sub(key, _finite_value, value))


def _finite_value(value: Any) -> float:
    number = as_double(value)
    if not math.isfinite(number):
        raise FieldProblem(f"not a finite number: {short_repr(value)}", "finite_number")
    return number


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldProblem(f"expected an array, got {type_name(value)}", "list_type")
    return value


def _sub(key: str | tuple[str | int, ...], fn: Any, *args: Any) -> Any:
    """Call a validator, prefixing `key` to the location of its problem."""
    try:
        return fn(*args)
    except FieldProblem as p:
        prefix = key if isinstance(key, tuple) else (key,)
        raise FieldProblem(p.msg, p.type, prefix + p.sub) from None


def _le(bound: float) -> str:
    """A bound as Prometheus' OTLP translation writes it: 1 -> "1", 0.25 -> "0.25"."""
    if bound.is_integer() and abs(bound) < 1e15:
        return str(int(bound))
    return repr(bound)
