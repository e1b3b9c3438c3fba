"""Custom agents: decision points a service manager configures in `agents.yaml`.

In: an incident with its alerts, logs, RCA diagnosis, the CMDB, policies and memory.
Out: `Decision`s (triage, diagnosis, remediation proposal, ...) in the decision log.

    config.py     agents.yaml models and loader (file:line errors); configure_llm
    outputs.py    the output schema of each agent kind, and context checks
    builtin.py    the deterministic reasoner (default, offline); signatures.py its evidence
    backends/     OpenAI-compatible, Anthropic, Bedrock behind one protocol; registry.py
    loop.py       the tool-calling loop: plan, tools, strict output, one repair, fallback
    prompt.py     what an LLM is told; fencing.py untrusted text and redaction
    tools.py      read-only investigation tools; memory.py BM25 retrieval and feedback
    budget.py     per decision / incident / day / month caps, enforced
    engine.py     one decision with fallback; stage.py the `agents` incident stage
"""

from aiops.agents.config import AgentConfig, AgentKind, AgentsConfig, configure_llm, load_agents
from aiops.agents.engine import Engine
from aiops.agents.stage import AgentsStage, load_agents_config

__all__ = [
    "AgentConfig",
    "AgentKind",
    "AgentsConfig",
    "AgentsStage",
    "Engine",
    "configure_llm",
    "load_agents",
    "load_agents_config",
]
