"""Extension points: backend kinds → constructors. Built-ins register here like any other.

Tests (and deployments with an unusual transport) inject a ready `Backend` through
`BackendPool(overrides=...)` instead of patching SDKs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aiops.agents.backends.base import Backend
from aiops.agents.config import BackendConfig
from aiops.errors import ConfigError


def _openai(cfg: BackendConfig) -> Backend:
    from aiops.agents.backends.openai_compat import OpenAICompat

    return OpenAICompat(cfg)


def _anthropic(cfg: BackendConfig) -> Backend:
    from aiops.agents.backends.anthropic import AnthropicBackend

    return AnthropicBackend(cfg)


def _bedrock(cfg: BackendConfig) -> Backend:
    from aiops.agents.backends.bedrock import BedrockBackend

    return BedrockBackend(cfg)


BACKENDS: dict[str, Callable[[BackendConfig], Backend]] = {
    "openai_compat": _openai,
    "anthropic": _anthropic,
    "bedrock": _bedrock,
}


def register_backend(kind: str, factory: Callable[[BackendConfig], Backend]) -> None:
    BACKENDS[kind] = factory


class BackendPool:
    """Backends by the name used in `agents.yaml`, built on first use and then reused."""

    def __init__(
        self, configs: Mapping[str, BackendConfig], overrides: Mapping[str, Backend] | None = None
    ) -> None:
        self.configs = dict(configs)
        self._built: dict[str, Any] = dict(overrides or {})

    def get(self, name: str) -> Backend:
        if name not in self._built:
            cfg = self.configs.get(name)
            if cfg is None:
                raise ConfigError(f"agents.yaml: unknown backend {name!r}")
            try:
                self._built[name] = BACKENDS[cfg.kind](cfg)
            except ImportError as exc:
                raise ConfigError(
                    f"backend {name!r} ({cfg.kind}) needs a package that is not "
                    f"installed: {exc.name}"
                ) from exc
        backend: Backend = self._built[name]
        return backend

    def secrets(self) -> list[str]:
        """Key values in use, so the redactor can strip them from anything sent out."""
        from aiops.agents.backends.base import api_key

        return [k for c in self.configs.values() if (k := api_key(c))]


__all__ = ["BACKENDS", "BackendPool", "register_backend"]
