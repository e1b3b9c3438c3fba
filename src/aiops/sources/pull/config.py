"""Load `sources.yaml`: `${VAR}` substitution, then per-type validation, all errors at once.

    sources:
      - name: sulu-metrics
        type: prometheus_scrape
        url: ${SULU_URL}/metrics
        interval: 2s

`${VAR}` takes the environment variable (an unset one is an error naming file:line);
`${VAR:-default}` falls back to the default; `$${` writes a literal `${`. Each entry is
validated by the model of its `type` (see `registry`), so unknown keys fail with the
line they are on.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from aiops.config import config_error, read_yaml, to_plain
from aiops.errors import ErrorDetail
from aiops.sources.pull.base import SourceConfig
from aiops.sources.pull.registry import source_types

_VAR = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class SourcesFile(BaseModel):
    """The top level of sources.yaml; entries are checked by their own type's model."""

    model_config = ConfigDict(extra="forbid")

    sources: list[dict[str, Any]]


def expand_vars(text: str, env: Mapping[str, str]) -> str:
    """`${VAR}`, `${VAR:-default}`, `$${` → literal. KeyError(VAR) if VAR is unset."""

    def one(m: re.Match[str]) -> str:
        if m.group(0) == "$${":
            return "${"
        name, default = m.group(1), m.group(2)
        if default is not None:
            return env.get(name) or default  # as in the shell, empty counts as unset
        if name in env:
            return env[name]
        raise KeyError(name)

    return _VAR.sub(one, text)


def substitute(
    node: Any, env: Mapping[str, str], loc: tuple[str | int, ...] = ()
) -> list[ErrorDetail]:
    """Expand variables in every string value of a ruamel doc, in place (lines kept)."""
    errors: list[ErrorDetail] = []
    if isinstance(node, CommentedMap | CommentedSeq):
        keys = list(node.keys()) if isinstance(node, CommentedMap) else range(len(node))
        for key in keys:
            value = node[key]
            if isinstance(value, str):
                try:
                    node[key] = expand_vars(value, env)
                except KeyError as exc:
                    errors.append(
                        ErrorDetail(
                            loc=(*loc, key),
                            msg=f"environment variable {exc.args[0]} is not set "
                            f"(set it, or write ${{{exc.args[0]}:-default}})",
                            type="unset_variable",
                        )
                    )
            else:
                errors.extend(substitute(value, env, (*loc, key)))
    return errors


def load_sources(path: Path, *, env: Mapping[str, str] | None = None) -> list[SourceConfig]:
    """sources.yaml → validated configs; ConfigError lists every `file:line: path: msg`."""
    doc = read_yaml(path)
    errors = substitute(doc, os.environ if env is None else env)
    if errors:
        raise config_error(path, doc, errors)
    try:
        top = SourcesFile.model_validate(to_plain(doc) if doc is not None else {})
    except ValidationError as exc:
        raise config_error(path, doc, _details(exc, ())) from None
    configs, errors = [], []
    for i, entry in enumerate(top.sources):
        parsed = _entry(entry, ("sources", i), errors)
        if parsed is not None:
            configs.append(parsed)
    errors.extend(_duplicate_names(top.sources))
    if errors:
        raise config_error(path, doc, errors)
    return configs


def _entry(
    entry: dict[str, Any], loc: tuple[str | int, ...], errors: list[ErrorDetail]
) -> SourceConfig | None:
    types = source_types()
    kind = entry.get("type")
    if kind is None:
        errors.append(ErrorDetail((*loc,), "missing 'type'", "missing"))
        return None
    adapter = types.get(str(kind))
    if adapter is None:
        known = ", ".join(sorted(types))
        errors.append(
            ErrorDetail(
                (*loc, "type"), f"unknown source type {kind!r} (known: {known})", "unknown_type"
            )
        )
        return None
    try:
        return adapter.config_model.model_validate(entry)
    except ValidationError as exc:
        errors.extend(_details(exc, loc))
        return None


def _duplicate_names(entries: list[dict[str, Any]]) -> list[ErrorDetail]:
    seen: set[str] = set()
    errors = []
    for i, entry in enumerate(entries):
        name = entry.get("name")
        if isinstance(name, str) and name in seen:
            errors.append(
                ErrorDetail(("sources", i, "name"), f"duplicate source name {name!r}", "duplicate")
            )
        seen.add(str(name))
    return errors


def _details(exc: ValidationError, prefix: tuple[str | int, ...]) -> list[ErrorDetail]:
    return [
        ErrorDetail(loc=(*prefix, *e["loc"]), msg=e["msg"], type=e["type"]) for e in exc.errors()
    ]
