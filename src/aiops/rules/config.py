"""`rules.yaml`: the baseline, the static threshold rules an ops team writes without AI.

    evaluation_interval: 5s
    rules:
      - name: SuluHighErrorRatio          # also the alert name; picks the runbook
        kind: ratio                       # ratio | quantile | threshold | health | log_burst
        params: {numerator: {metric: sulu_http_requests_total, match_re: {status: "5.."}},
                 denominator: {metric: sulu_http_requests_total}, window: 1m,
                 op: ">", threshold: 0.05}
        for: 1m
        severity: error
        labels: {service: sulu, ci: sulu-app}
        runbook: sulu-error-burst

`params` are checked by the model of the rule's `kind`; every error is reported at once
as `file:line: rules.0.params.threshold: ...`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from aiops.config import config_error, read_yaml, to_plain
from aiops.errors import ErrorDetail
from aiops.model import Severity
from aiops.model.duration import DurationS

Op = Literal[">", ">=", "<", "<=", "==", "!="]
RuleKind = Literal["ratio", "quantile", "threshold", "health", "log_burst"]
NAME = r"^[A-Za-z_][A-Za-z0-9_.:-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Selector(_Strict):
    """Series of one metric whose labels equal `match` and fully match the `match_re` regexes."""

    metric: str = Field(pattern=r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
    match: dict[str, str] = Field(default_factory=dict)
    match_re: dict[str, str] = Field(default_factory=dict)

    @field_validator("match_re")
    @classmethod
    def _compiles(cls, value: dict[str, str]) -> dict[str, str]:
        for label, pattern in value.items():
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"match_re.{label}: bad regex {pattern!r}: {exc}") from None
        return value


class _Compare(_Strict):
    op: Op = ">"
    threshold: float = Field(allow_inf_nan=False)


class RatioParams(_Compare):
    """sum(rate(numerator[window])) / sum(rate(denominator[window])), per `by` group."""

    numerator: Selector
    denominator: Selector
    window: DurationS = Field(default=60.0, gt=0)
    by: list[str] = Field(default_factory=list)


class QuantileParams(Selector, _Compare):
    """histogram_quantile(q, sum by (le, by) (rate(<metric>_bucket[window])))."""

    quantile: float = Field(default=0.95, ge=0, le=1)
    window: DurationS = Field(default=60.0, gt=0)
    by: list[str] = Field(default_factory=list)

    @field_validator("metric")
    @classmethod
    def _base_name(cls, value: str) -> str:
        return value.removesuffix("_bucket")  # accept either spelling


class ThresholdParams(Selector, _Compare):
    """`function` of each series over `window`; per series, or aggregated per `by` group."""

    function: Literal["last", "avg", "min", "max", "rate", "increase"] = "last"
    window: DurationS = Field(default=60.0, gt=0)  # for `last`: how old a value may be
    aggregate: Literal["sum", "avg", "min", "max"] | None = None  # None: each series alone
    by: list[str] = Field(default_factory=list)


class HealthParams(_Strict):
    """A probe (by source name; all probes when unset) failing `failures` times in a row."""

    probe: str | None = None
    failures: int = Field(default=3, ge=1, le=1000)


class LogBurstParams(_Strict):
    """At least `count` log lines of `levels` within `window` (by the lines' own time)."""

    count: int = Field(ge=1)
    window: DurationS = Field(gt=0)
    levels: list[str] = Field(default_factory=lambda: ["error", "critical"], min_length=1)
    match: dict[str, str] = Field(default_factory=dict)  # source/service/ci or a label
    pattern: str | None = None  # a regex searched in the message
    by: list[str] = Field(default_factory=list)

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"bad regex {value!r}: {exc}") from None
        return value

    @field_validator("levels")
    @classmethod
    def _lower(cls, value: list[str]) -> list[str]:
        return [v.lower() for v in value]


PARAMS: dict[str, type[BaseModel]] = {
    "ratio": RatioParams,
    "quantile": QuantileParams,
    "threshold": ThresholdParams,
    "health": HealthParams,
    "log_burst": LogBurstParams,
}
Params = RatioParams | QuantileParams | ThresholdParams | HealthParams | LogBurstParams


class Rule(_Strict):
    """One baseline rule. `labels.service` / `labels.ci` become the alert's service and CI."""

    name: str = Field(pattern=NAME, max_length=200)
    kind: RuleKind
    params: dict[str, Any]
    for_s: DurationS = Field(default=0.0, alias="for")
    keep_firing_for_s: DurationS = Field(default=0.0, alias="keep_firing_for")
    severity: Severity = Severity.warning
    labels: dict[str, str] = Field(default_factory=dict)
    runbook: str | None = None
    summary: str = ""  # may use {value}, {threshold}, {op}, {window}, {for}, {labels[name]}
    _spec: Params | None = PrivateAttr(default=None)

    @property
    def spec(self) -> Params:
        """`params` validated by the model of `kind` (ValidationError if they are wrong)."""
        if self._spec is None:
            self._spec = PARAMS[self.kind].model_validate(self.params)  # type: ignore[assignment]
        assert self._spec is not None
        return self._spec


class RulesFile(_Strict):
    evaluation_interval: DurationS = Field(default=5.0, gt=0)
    # A firing alert is sent again this often (Prometheus' resend_delay), so an alert that
    # outlives the incident people closed opens a new one instead of going unseen.
    resend_interval: DurationS = Field(default=60.0, gt=0)
    rules: list[Rule] = Field(default_factory=list)

    def scaled(self, factor: float) -> RulesFile:
        """A copy with every duration (`for`, `keep_firing_for`, windows) times `factor`.

        For a time-compressed demo or benchmark only: the thresholds stay, the clock
        runs faster. Counts (`failures`, `count`) are not durations and stay.
        """
        if not factor > 0:
            raise ValueError(f"scale factor must be > 0, got {factor}")
        rules = []
        for r in self.rules:
            params = dict(r.params)
            if "window" in params or hasattr(r.spec, "window"):
                params["window"] = r.spec.window * factor  # type: ignore[union-attr]
            rules.append(
                r.model_copy(
                    update={
                        "params": params,
                        "for_s": r.for_s * factor,
                        "keep_firing_for_s": r.keep_firing_for_s * factor,
                    }
                )
            )
        interval = self.evaluation_interval * factor
        return RulesFile(
            evaluation_interval=interval,
            resend_interval=self.resend_interval * factor,
            rules=[_revalidate(r) for r in rules],
        )


class _TopLevel(_Strict):
    evaluation_interval: DurationS = Field(default=5.0, gt=0)
    resend_interval: DurationS = Field(default=60.0, gt=0)
    rules: list[dict[str, Any]] = Field(default_factory=list)


def _revalidate(rule: Rule) -> Rule:
    return Rule.model_validate(rule.model_dump(by_alias=True))


def parse_rules(doc: Any, path: Path) -> RulesFile:
    """Validate a parsed rules document; one ConfigError lists every problem with its line."""
    try:
        top = _TopLevel.model_validate(to_plain(doc) if doc is not None else {})
    except ValidationError as exc:
        raise config_error(path, doc, _details(exc, ())) from None
    errors: list[ErrorDetail] = []
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(top.rules):
        try:
            rule = Rule.model_validate(entry)
        except ValidationError as exc:
            errors.extend(_details(exc, ("rules", i)))
            continue
        try:
            rule.spec  # noqa: B018 - validates and caches the kind's params
        except ValidationError as exc:
            errors.extend(_details(exc, ("rules", i, "params")))
            continue
        if rule.name in seen:
            errors.append(
                ErrorDetail(
                    ("rules", i, "name"),
                    f"duplicate rule name {rule.name!r} (first at rules.{seen[rule.name]})",
                    "duplicate",
                )
            )
        seen.setdefault(rule.name, i)
        rules.append(rule)
    if errors:
        raise config_error(path, doc, errors)
    return RulesFile(evaluation_interval=top.evaluation_interval,
                     resend_interval=top.resend_interval, rules=rules)


def load_rules(path: Path) -> RulesFile:
    """rules.yaml → validated rules; ConfigError names `file:line: path: message`."""
    return parse_rules(read_yaml(path), path)


def _details(exc: ValidationError, prefix: tuple[str | int, ...]) -> list[ErrorDetail]:
    return [
        ErrorDetail(loc=(*prefix, *e["loc"]), msg=e["msg"], type=e["type"]) for e in exc.errors()
    ]
