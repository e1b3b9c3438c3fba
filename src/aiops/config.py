"""Process settings (env, prefix `AIOPS_`) and loading of the YAML a service manager edits.

YAML is read with ruamel.yaml so every node keeps its line; pydantic validates with
`extra="forbid"`; errors come back all at once as `file:line: path: message`, because
a service manager fixing a file wants the whole list, not one error per run.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from aiops.errors import ConfigError, ErrorDetail

M = TypeVar("M", bound=BaseModel)


class Settings(BaseSettings):
    """How this process runs. Built by the CLI or a test, never at import time."""

    model_config = SettingsConfigDict(env_prefix="AIOPS_", extra="ignore")

    database_url: str = "sqlite:///aiops.db"
    config_dir: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    ingest_token: str | None = None  # accepted by every source when set
    bus_url: str | None = None  # nats://host:4222 → ingest publishes to JetStream; None: in-process
    max_body_bytes: int = 1024 * 1024
    max_batch: int = 1000
    log_format: str = Field(default="console", pattern="^(console|json)$")


def line_of(doc: Any, loc: Sequence[str | int]) -> int:
    """The 1-based line of the node at `loc` in a ruamel document (best effort)."""
    node, line = doc, 0
    for key in loc:
        try:
            if isinstance(node, CommentedMap):
                pos = node.lc.key(key)
            elif isinstance(node, CommentedSeq):
                pos = node.lc.item(int(key))
            else:
                break
            line, node = pos[0], node[key]
        except (AttributeError, KeyError, IndexError, TypeError, ValueError):
            break
    return line + 1


def read_yaml(path: Path) -> Any:
    """Parse a YAML file keeping line numbers; a syntax error names the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        return YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else 0
        raise ConfigError(f"{path}:{line}: YAML syntax error: {exc.problem}") from exc


def to_plain(node: Any) -> Any:
    """ruamel's commented containers → plain dicts/lists, for pydantic."""
    if isinstance(node, dict):
        return {str(k): to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    return node


def validate_doc(doc: Any, model: type[M], path: Path) -> M:
    """Validate a parsed document; raise one ConfigError listing every problem with its line."""
    try:
        return model.model_validate(to_plain(doc) if doc is not None else {})
    except ValidationError as exc:
        details = [
            ErrorDetail(loc=tuple(err["loc"]), msg=err["msg"], type=err["type"])
            for err in exc.errors()
        ]
        raise config_error(path, doc, details) from None


def config_error(path: Path, doc: Any, details: Sequence[ErrorDetail]) -> ConfigError:
    """Build a ConfigError whose message lists `file:line: loc: msg` for each detail."""
    lines = []
    for d in details:
        where = ".".join(str(p) for p in d.loc)
        lines.append(f"{path}:{line_of(doc, d.loc)}: {where}: {d.msg}")
    return ConfigError("\n".join(lines), errors=list(details))


def load_config_file(path: Path, model: type[M]) -> M:
    return validate_doc(read_yaml(path), model, path)


def default_config_dir() -> Path:
    """`$AIOPS_CONFIG_DIR`, else the sulu example shipped in `examples/`."""
    env = os.environ.get("AIOPS_CONFIG_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "examples" / "sulu"
