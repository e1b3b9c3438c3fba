"""`type: log_file`: tail a log file; each line becomes an `Event(kind=log)`.

The tailing itself (rotation, truncation, junk, restarts) is in `tailfile`; the level
and time come from `logline`. This module only turns those into events and health.
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from pathlib import Path
from typing import Literal

from prometheus_client import CollectorRegistry
from pydantic import Field

from aiops.model import EventKind
from aiops.model.duration import DurationS
from aiops.normalize import fingerprint, make_event
from aiops.sources.pull.base import Item, PullSource, SourceConfig
from aiops.sources.pull.health import ErrorReason
from aiops.sources.pull.logline import parse_line
from aiops.sources.pull.tailfile import FileTailer, TailLine, TailResult

_VARIABLE = re.compile(r"\d+|[0-9a-f]{8,}", re.I)


class LogFileConfig(SourceConfig):
    """`type: log_file`: one file, followed across rotation and restarts."""

    type: Literal["log_file"] = "log_file"
    interval: DurationS = Field(default=1.0, gt=0)
    path: Path
    state_file: Path | None = None  # where the read position survives a restart
    start_at: Literal["beginning", "end"] = "end"  # only when there is no saved position
    max_line_bytes: int = Field(default=64 * 1024, ge=256)
    max_read_bytes: int = Field(default=8 * 1024 * 1024, ge=4096)
    encoding: str = "utf-8"


class LogFileSource(PullSource):
    type_name = "log_file"
    config_model = LogFileConfig
    config: LogFileConfig

    def __init__(self, config: LogFileConfig, *, registry: CollectorRegistry | None = None) -> None:
        super().__init__(config, registry=registry)
        self._tailer = FileTailer(
            config.path,
            state_file=config.state_file,
            start_at=config.start_at,
            max_line_bytes=config.max_line_bytes,
            max_read_bytes=config.max_read_bytes,
            encoding=config.encoding,
        )

    async def poll(self, now: datetime) -> list[Item]:
        res = await asyncio.to_thread(self._tailer.read)
        items: list[Item] = [self._event(line, now) for line in res.lines]
        self._record(res, now, len(items))
        return items

    def _record(self, res: TailResult, now: datetime, n: int) -> None:
        t = self._tracker
        t.lines_cut(res.lines_cut)
        t.bytes_skipped(res.bytes_skipped)
        if res.state_error:
            t.note_error(now, ErrorReason.state, res.state_error)
        if res.error:
            t.failure(now, ErrorReason.io, res.error, items=n)
        elif res.missing:
            t.failure(now, ErrorReason.missing, f"{self.config.path}: no such file", items=n)
        else:
            t.success(now, n)

    def _event(self, line: TailLine, now: datetime) -> Item:
        parsed = parse_line(line.text)
        template = _VARIABLE.sub("#", parsed.message[:200])
        payload: dict[str, object] = {
            "line": line.text,
            "path": str(self.config.path),
            "offset": line.offset,
            "truncated": line.truncated,
        }
        if parsed.fields:
            payload["fields"] = parsed.fields
        fp = fingerprint(
            self.name,
            "log",
            self.config.service or "",
            str(self.config.path),
            parsed.level,
            template,
        )
        return make_event(
            source=self.name,
            kind=EventKind.log,
            fingerprint=fp,
            # file identity + offset + text: the same line re-read after a restart keeps its id
            id=fingerprint(fp, line.file_id, str(line.offset), line.text),
            now=now,
            occurred_at=parsed.occurred_at or now,
            service=self.config.service,
            ci=self.config.ci,
            severity=parsed.severity,
            summary=parsed.message[:200],
            labels=self._labels({"level": parsed.level}),
            payload=payload,
        )

    async def aclose(self) -> None:
        self._tailer.close()
