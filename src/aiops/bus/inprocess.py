"""A group-commit queue: many concurrent submitters, one writer, one transaction per drain.

HTTP handlers `await submit(items)`; a single consumer task drains whatever is queued
(up to `max_items`), hands the groups to a synchronous handler in a worker thread and
resolves each submitter's future with its own result. With SQLite this turns N small
transactions into one, which is where HTTP throughput comes from; with one writer there
is no lock contention to begin with.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class _Pending(Generic[T, R]):
    items: list[T]
    future: asyncio.Future[R]


class GroupCommitQueue(Generic[T, R]):
    def __init__(
        self,
        handler: Callable[[Sequence[list[T]]], list[R | BaseException]],
        *,
        max_items: int = 2000,
        max_pending: int = 10_000,
    ) -> None:
        self._handler = handler
        self._max_items = max_items
        self._queue: asyncio.Queue[_Pending[T, R]] = asyncio.Queue(maxsize=max_pending)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="group-commit")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def submit(self, items: list[T]) -> R:
        self.start()
        fut: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Pending(items, fut))
        return await fut

    async def _run(self) -> None:
        while True:
            first = await self._queue.get()
            batch = [first]
            size = len(first.items)
            while size < self._max_items and not self._queue.empty():
                nxt = self._queue.get_nowait()
                batch.append(nxt)
                size += len(nxt.items)
            try:
                results = await asyncio.to_thread(self._handler, [p.items for p in batch])
            except asyncio.CancelledError:
                for pending in batch:
                    pending.future.cancel()
                raise
            except Exception as exc:  # handed to every waiter of this drain
                results = [exc] * len(batch)
            for pending, result in zip(batch, results, strict=True):
                if pending.future.done():
                    continue
                if isinstance(result, BaseException):
                    pending.future.set_exception(result)
                else:
                    pending.future.set_result(result)
