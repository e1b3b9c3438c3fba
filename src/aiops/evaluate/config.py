"""eval.yaml: the operator model and the cost model, strictly validated.

Every key is optional (a missing one takes the default of `OperatorModel` /
`CostConfig`); unknown keys and out-of-range values fail as `file:line: path: message`.

    operator:
      ack: {median_s: 300, sigma: 0.6}
      investigate: {median_s: 1200, sigma: 0.7}
      act: {median_s: 300, sigma: 0.5}
      source: "our on-call 2025 export, medians"
    cost:
      price_in_per_mtok_usd: 3.0
      incidents_per_month: 60
      budget_usd_month: 500     # above it the verdict recommends the human fallback
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, create_model

from aiops.config import load_config_file
from aiops.evaluate.operator import OperatorModel, Phase
from aiops.evaluate.scores import CostConfig


class _Phase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    median_s: float = Field(gt=0, allow_inf_nan=False)
    sigma: float = Field(ge=0, le=5, allow_inf_nan=False)


class _Operator(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ack: _Phase | None = None
    investigate: _Phase | None = None
    act: _Phase | None = None
    source: str | None = None


_Cost = create_model(  # every CostConfig field, optional, finite and >= 0
    "_Cost",
    __config__=ConfigDict(extra="forbid"),
    **{f.name: (float | None, Field(default=None, ge=0, allow_inf_nan=False))
       for f in fields(CostConfig)},  # type: ignore[call-overload]
)  # fmt: skip


class _EvalDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    operator: _Operator = Field(default_factory=_Operator)
    cost: _Cost = Field(default_factory=_Cost)  # type: ignore[valid-type]


def load_eval_config(path: Path) -> tuple[OperatorModel, CostConfig]:
    """The operator and cost models from `path`; ConfigError naming file and line."""
    doc = load_config_file(path, _EvalDoc)
    op, default = doc.operator, OperatorModel()
    operator = OperatorModel(
        ack=Phase(op.ack.median_s, op.ack.sigma) if op.ack else default.ack,
        investigate=Phase(op.investigate.median_s, op.investigate.sigma)
        if op.investigate else default.investigate,
        act=Phase(op.act.median_s, op.act.sigma) if op.act else default.act,
        source=op.source or (f"{path.name}: operator model" if op.ack or op.investigate
                             or op.act else default.source),
    )  # fmt: skip
    given = {k: v for k, v in doc.cost.model_dump().items() if v is not None}
    return operator, CostConfig(**given)


__all__ = ["load_eval_config"]
