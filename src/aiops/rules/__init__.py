"""The baseline: static threshold rules, the procedure an ops team runs without AI.

    rules.yaml ──load_rules──► RulesFile ──► RuleEvaluator
    observe(Sample | Event)…  evaluate(now) → [Event(kind=alert, source="rules")]

Kinds: `ratio` (error ratio), `quantile` (p95 from histogram buckets), `threshold`,
`health` (probe failing N times in a row), `log_burst` (N ERROR lines in a window).
Each alert is named after its rule and carries the rule's `runbook`. The AI agents are
measured against what this produces, so it is configured like any other part.
"""

from aiops.rules.config import (
    HealthParams,
    LogBurstParams,
    QuantileParams,
    RatioParams,
    Rule,
    RulesFile,
    Selector,
    ThresholdParams,
    load_rules,
    parse_rules,
)
from aiops.rules.evaluator import ActiveAlert, AlertState, RuleEvaluator, alert_fingerprint
from aiops.rules.series import SeriesStore, extrapolated_rate, histogram_quantile

__all__ = [
    "ActiveAlert",
    "AlertState",
    "HealthParams",
    "LogBurstParams",
    "QuantileParams",
    "RatioParams",
    "Rule",
    "RuleEvaluator",
    "RulesFile",
    "Selector",
    "SeriesStore",
    "ThresholdParams",
    "alert_fingerprint",
    "extrapolated_rate",
    "histogram_quantile",
    "load_rules",
    "parse_rules",
]
