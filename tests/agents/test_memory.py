"""BM25 memory: relevant past cases first, Japanese text, feedback carried, embeddings opt-in."""

from __future__ import annotations

import pytest
from factories import T0, incident

from aiops.agents.memory import Bm25Index, Doc, EmbeddingIndex, build_docs, tokens
from aiops.errors import ConfigError
from aiops.model.decisions import Decision, Verdict


def test_bm25_ranks_the_matching_document_first() -> None:
    idx = Bm25Index(
        [
            Doc("incident", "A", "database pool exhausted on sulu-db"),
            Doc("incident", "B", "disk full on sulu-host"),
            Doc("incident", "C", "high latency sulu-app"),
        ]
    )
    hits = idx.search("pool exhausted")
    assert [h.ref for h in hits] == ["A"]
    assert idx.search("sulu", kinds=["runbook"]) == []


def test_japanese_text_is_searchable_without_a_tokenizer() -> None:
    assert "接続" in tokens("データベース接続プール枯渇")
    idx = Bm25Index(
        [
            Doc("known_error", "KE-1", "データベース接続プール枯渇"),
            Doc("known_error", "KE-2", "ディスク容量不足"),
        ]
    )
    assert idx.search("接続プール")[0].ref == "KE-1"


def test_past_decisions_carry_peoples_verdicts() -> None:
    d = Decision(
        id="D1",
        incident_id="INC-0",
        agent="remediate",
        kind="remediate",
        agent_version="1",
        instructions_hash="h",
        input_digest="i",
        trigger="t",
        backend="builtin",
        created_at=T0,
        summary="run sulu-restart",
        output={"runbook": "sulu-restart"},
        verdict=Verdict.right,
    )
    docs = build_docs([(incident(id="INC-0", title="sulu down"), ["SuluHealthCheckFailing"], [d])])
    hits = Bm25Index(docs).search("SuluHealthCheckFailing", kinds=["decision"])
    assert hits[0].data["verdict"] == "right"
    assert hits[0].data["output"]["runbook"] == "sulu-restart"


def test_embeddings_without_the_extra_is_a_clear_config_error() -> None:
    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        with pytest.raises(ConfigError, match=r"\[embeddings\]"):
            EmbeddingIndex([], model_path="/nonexistent")
    else:  # pragma: no cover - only where the extra is installed
        pytest.skip("sentence-transformers installed")
