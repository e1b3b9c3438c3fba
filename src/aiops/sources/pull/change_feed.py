"""A pull-style change feed: sulu's `GET /control/changes` (or `Supervisor.changes()`).

The feed lists `{"changes": [{"id", "at", "kind", "summary", "diff"}]}` for one running
service; `translate_feed` turns it into change records on the configured CI. Ids restart
when the service restarts, so a record's id is `<source>:<feed id>:<at>`: the store
records each once however often the feed is read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import structlog

from aiops.errors import ErrorDetail, InvalidInput
from aiops.model.changes import ChangeRecord

log = structlog.get_logger("aiops.sources.changes")


def translate_feed(doc: Any, *, ci: str, service: str | None, source: str) -> list[ChangeRecord]:
    if not isinstance(doc, dict) or not isinstance(doc.get("changes"), list):
        raise InvalidInput(
            f"{source}: expected {{'changes': [...]}}",
            [ErrorDetail(("changes",), "must be a list", "type_error")],
        )
    out: list[ChangeRecord] = []
    for i, item in enumerate(doc["changes"]):
        try:
            at = datetime.fromisoformat(str(item["at"]))
            at = at if at.tzinfo else at.replace(tzinfo=UTC)
            out.append(
                ChangeRecord(
                    id=f"{source}:{item['id']}:{at.isoformat()}",
                    ci=ci,
                    service=service,
                    kind=str(item.get("kind") or "change"),
                    summary=str(item.get("summary", "")),
                    diff=item.get("diff") if isinstance(item.get("diff"), dict) else {},
                    source=source,
                    at=at,
                    actor=source,
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(
                f"{source}: changes[{i}]: {exc}",
                [ErrorDetail(("changes", i), str(exc), "value_error")],
            ) from None
    return out


class ChangeFeed:
    """Poll a feed every `interval_s` and hand new records to `record` (which dedups by id)."""

    def __init__(
        self,
        fetch: Callable[[], Awaitable[Any]],
        record: Callable[[list[ChangeRecord]], int],
        *,
        ci: str,
        service: str | None = None,
        source: str = "sulu",
        interval_s: float = 2.0,
    ) -> None:
        self.fetch, self.record = fetch, record
        self.ci, self.service, self.source, self.interval_s = ci, service, source, interval_s

    async def poll_once(self) -> int:
        try:
            doc = await self.fetch()
            return self.record(
                translate_feed(doc, ci=self.ci, service=self.service, source=self.source)
            )
        except Exception as exc:  # a down feed must not stop the platform
            log.warning("change_feed.failed", source=self.source, error=repr(exc)[:300])
            return 0

    async def run(self) -> None:
        import asyncio

        while True:
            await self.poll_once()
            await asyncio.sleep(self.interval_s)


__all__ = ["ChangeFeed", "translate_feed"]
