"""Root-cause analysis: rank the CIs that may have caused an incident, with evidence.

In: a `Case` (metric series normal/anomalous per CI, the call graph, the symptom, and
optionally recent changes, log signals, known errors) built by `loaders` from files or
by the incident path. Out: `Candidate`s best first (`ranking.rank`).

    case.py       the input types
    magnitude.py  robust z-score of a series against its normal period
    evidence.py   per-CI findings and the sentences that explain them
    graph.py      blame propagation over the dependency graph (personalised PageRank)
    ranking.py    the scorer
    loaders.py    sockshop / petshop layouts; native.py the JSON case; tables.py CSV reading
"""

from aiops.diagnose.case import Case, Change, KnownError, LogSignal, MetricKind, Series, Symptom
from aiops.diagnose.loaders import load_case, load_petshop, load_sockshop
from aiops.diagnose.native import load_native
from aiops.diagnose.ranking import NO_ROOT_CAUSE_BELOW, Candidate, has_root_cause, rank

__all__ = [
    "NO_ROOT_CAUSE_BELOW",
    "Candidate",
    "Case",
    "Change",
    "KnownError",
    "LogSignal",
    "MetricKind",
    "Series",
    "Symptom",
    "has_root_cause",
    "load_case",
    "load_native",
    "load_petshop",
    "load_sockshop",
    "rank",
]
