"""Evaluation: the agents against the baseline procedure (rules + runbooks + people).

runner    seeded variants → a driver (the demo, in shadow mode) → records → scores → report
operator  the people: acknowledge / investigate / act delays (model or recorded CSV)
records   raw records per variant (what the store holds; recomputable)
scores    pure: detection P/R/F1, MTTD/MTTA/MTTR, RCA top-k, remediation, cost
verdict   the table a service manager reads and one recommendation
report    report.json + self-contained report.html (charts in charts.py)
"""

from __future__ import annotations

from aiops.evaluate.operator import OperatorModel, load_timings
from aiops.evaluate.runner import EvalOptions, Variant, run_eval, variants
from aiops.evaluate.scores import CostConfig, score

__all__ = ["CostConfig", "EvalOptions", "OperatorModel", "Variant", "load_timings",
           "run_eval", "score", "variants"]  # fmt: skip
