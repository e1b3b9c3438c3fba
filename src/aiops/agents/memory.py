"""Memory: past incidents with their diagnoses, outcomes and people's verdicts, known
errors, runbooks and reviews, retrieved by BM25 (no heavy dependency, fully offline).

Feedback is used, not just stored: a past decision a person marked `right` is returned
with its verdict so the builtin reasoner can prefer what worked, and one marked `wrong`
so it can avoid repeating it. An embeddings index can replace BM25 through the same
`search` method (`EmbeddingIndex`, the `[embeddings]` extra, local model files only).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiops.agents.context import MemoryHit, RunbookInfo
from aiops.errors import ConfigError
from aiops.model import Incident
from aiops.model.decisions import Decision

_WORD = re.compile(r"[a-z0-9]+|[\u3040-\u30ff\u3400-\u9fff]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_STOP = frozenset("the a an of to in on for is are was be by with and or at from as it".split())


def tokens(text: str) -> list[str]:
    """Lower-case words; Japanese runs become character bigrams (no tokenizer needed)."""
    out: list[str] = []
    for w in _WORD.findall(text.lower()):
        if _CJK.match(w):
            out.extend(w[i : i + 2] for i in range(max(1, len(w) - 1)))
        elif w not in _STOP:
            out.append(w)
    return out


@dataclass(frozen=True)
class Doc:
    kind: str
    ref: str
    text: str
    data: dict[str, Any] = field(default_factory=dict)


class Index(Protocol):
    def search(
        self, query: str, *, limit: int = 5, kinds: Iterable[str] = ()
    ) -> list[MemoryHit]: ...


class Bm25Index:
    """Okapi BM25 over a fixed set of documents (rebuilt when memory changes: it is cheap)."""

    def __init__(self, docs: Sequence[Doc], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.docs = list(docs)
        self.k1, self.b = k1, b
        self._tf = [Counter(tokens(d.text)) for d in self.docs]
        self._len = [sum(tf.values()) for tf in self._tf]
        self._avg = (sum(self._len) / len(self._len)) if self._len else 0.0
        df: Counter[str] = Counter()
        for tf in self._tf:
            df.update(tf.keys())
        n = len(self.docs)
        self._idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}

    def search(self, query: str, *, limit: int = 5, kinds: Iterable[str] = ()) -> list[MemoryHit]:
        wanted = set(kinds)
        q = set(tokens(query))
        scored: list[tuple[float, int]] = []
        for i, (doc, tf) in enumerate(zip(self.docs, self._tf, strict=True)):
            if wanted and doc.kind not in wanted:
                continue
            s = 0.0
            norm = self.k1 * (1 - self.b + self.b * self._len[i] / (self._avg or 1.0))
            for t in q & tf.keys():
                f = tf[t]
                s += self._idf[t] * f * (self.k1 + 1) / (f + norm)
            if s > 0:
                scored.append((s, i))
        scored.sort(key=lambda p: (-p[0], p[1]))
        return [
            MemoryHit(
                self.docs[i].kind,
                self.docs[i].ref,
                self.docs[i].text,
                round(s, 4),
                dict(self.docs[i].data),
            )
            for s, i in scored[:limit]
        ]


class EmbeddingIndex:
    """Dense retrieval with a local sentence-transformers model (the `[embeddings]` extra).

    Never downloads: `model_path` must be a directory already on disk.
    """

    def __init__(self, docs: Sequence[Doc], *, model_path: str) -> None:
        try:
            import sentence_transformers  # type: ignore[import-not-found]  # optional extra
        except ImportError:
            raise ConfigError(
                "memory.embeddings needs the optional extra: pip install 'aiops-custom-agent"
                "[embeddings]' (and a model directory on disk); BM25 works without it"
            ) from None
        self.docs = list(docs)
        self._model = sentence_transformers.SentenceTransformer(model_path, local_files_only=True)
        self._vecs = self._model.encode([d.text for d in self.docs], normalize_embeddings=True)

    def search(self, query: str, *, limit: int = 5, kinds: Iterable[str] = ()) -> list[MemoryHit]:
        wanted = set(kinds)
        q = self._model.encode([query], normalize_embeddings=True)[0]
        scores = self._vecs @ q
        order = sorted(range(len(self.docs)), key=lambda i: -float(scores[i]))
        hits = [i for i in order if not wanted or self.docs[i].kind in wanted][:limit]
        return [
            MemoryHit(
                self.docs[i].kind,
                self.docs[i].ref,
                self.docs[i].text,
                float(scores[i]),
                dict(self.docs[i].data),
            )
            for i in hits
        ]


def incident_text(inc: Incident, alert_names: Iterable[str] = ()) -> str:
    diag = inc.diagnosis or {}
    parts = [
        inc.title,
        inc.service or "",
        " ".join(inc.cis),
        " ".join(alert_names),
        str(diag.get("summary", "")),
    ]
    return " ".join(p for p in parts if p)


def build_docs(
    past: Sequence[tuple[Incident, Sequence[str], Sequence[Decision]]],
    runbooks: Sequence[RunbookInfo] = (),
    known_errors: Sequence[dict[str, Any]] = (),
) -> list[Doc]:
    """Memory documents from past incidents (with their alerts and decisions), runbooks
    and known errors. Each decision carries its verdict: the feedback people gave."""
    docs: list[Doc] = []
    for inc, alert_names, decisions in past:
        base = incident_text(inc, alert_names)
        docs.append(Doc("incident", inc.id, base, {"state": inc.state.value}))
        for d in decisions:
            kind = "review" if d.kind == "review" else "decision"
            docs.append(
                Doc(
                    kind,
                    d.id,
                    f"{base} {d.kind} {d.summary}",
                    {
                        "incident_id": inc.id,
                        "agent_kind": d.kind,
                        "output": d.output,
                        "verdict": d.verdict.value if d.verdict else None,
                    },
                )
            )
    for rb in runbooks:
        docs.append(
            Doc(
                "runbook",
                rb.name,
                f"{rb.name} {rb.description} {' '.join(rb.alerts)}",
                {"alerts": list(rb.alerts)},
            )
        )
    for ke in known_errors:
        text = " ".join(str(ke.get(k, "")) for k in ("id", "title", "pattern", "workaround"))
        docs.append(Doc("known_error", str(ke.get("id", "")), text, dict(ke)))
    return docs


__all__ = ["Bm25Index", "Doc", "EmbeddingIndex", "Index", "build_docs", "incident_text", "tokens"]
