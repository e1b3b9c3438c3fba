"""A cheap similarity between alerts: Jaccard overlap of word and label tokens.

No model and no heavy dependency: alert names are split on case and punctuation
(`HighLatencyP99` → high, latency, p99), stop words and id-like tokens (numbers, pod
hashes) are dropped, and labels contribute `key=value` tokens. Enough to group
"HTTP 5xx rate high on checkout" with "checkout 5xx errors high" when nothing in
the CMDB links them.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from functools import lru_cache

_CAMEL = re.compile(r"[A-Z]+[0-9]*(?![a-z])|[A-Z]?[a-z]+[0-9]*|[0-9]+[a-z]*", re.ASCII)
_ASCII_CHUNK = re.compile(r"[A-Za-z0-9]+")
_STOP = frozenset(
    "a an and are at be by for from has have in is it of on or over than that the this to "
    "under was were with above below".split()
)


def _split(chunk: str) -> list[str]:
    """Words of one ASCII chunk: CamelCase split (`HighLatencyP99` → High, Latency, P99)."""
    if chunk.isdigit():
        return []
    if chunk.islower() and len(chunk) >= 5 and any(ch.isdigit() for ch in chunk):
        return []  # ids, hashes, pod suffixes: they differ between replicas
    return _CAMEL.findall(chunk)


def _bigrams(run: str) -> list[str]:
    """Character bigrams for scripts written without spaces (Japanese summaries)."""
    return [run[i : i + 2] for i in range(len(run) - 1)] if len(run) > 1 else [run]


@lru_cache(maxsize=8192)  # alert names and summaries repeat; the result is immutable
def words(text: str) -> frozenset[str]:
    """Lower-case word tokens of a name or summary, without stop words and ids."""
    out: set[str] = set()
    for run in re.findall(r"\w+", text):
        for chunk in _ASCII_CHUNK.findall(run):
            out.update(t.lower() for t in _split(chunk))
        for other in re.split(r"[A-Za-z0-9_]+", run):
            if other:
                out.update(_bigrams(other))
    return frozenset(t for t in out if len(t) >= 2 and t not in _STOP and not t.isdigit())


tokens = words  # the name the runner uses for title / alert-name tokens


def label_tokens(labels: Mapping[str, str], ignore: Collection[str] = ()) -> frozenset[str]:
    """`key=value` tokens for the labels that say what is wrong (not which replica)."""
    return frozenset(f"{k}={v}".lower() for k, v in labels.items() if k not in ignore and v)


def alert_tokens(
    name: str, summary: str, labels: Mapping[str, str], ignore: Collection[str] = ()
) -> frozenset[str]:
    """All tokens of one alert: words of its name and summary plus its label pairs."""
    return words(name) | words(summary) | label_tokens(labels, ignore)


def jaccard(a: Collection[str], b: Collection[str]) -> float:
    """|A ∩ B| / |A ∪ B|; 0.0 when both are empty (nothing to compare is no evidence)."""
    sa = a if isinstance(a, set | frozenset) else set(a)
    sb = b if isinstance(b, set | frozenset) else set(b)
    if not sa and not sb:
        return 0.0
    common = len(sa & sb)
    return common / (len(sa) + len(sb) - common)


def best_match(tokens: Collection[str], candidates: Iterable[Collection[str]]) -> float:
    """The highest Jaccard score of `tokens` against any of `candidates` (0.0 if none)."""
    return max((jaccard(tokens, c) for c in candidates), default=0.0)


__all__ = ["alert_tokens", "best_match", "jaccard", "label_tokens", "tokens", "words"]
