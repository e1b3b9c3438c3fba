"""Sulu's circuit breaker on the external recommendations API: the vendor-outage workaround.

An operator (or a runbook) forces it open: article pages are then served without their
related-articles box instead of waiting for a vendor that hangs. While open, a probe
asks the vendor every `probe_every_s` with a short timeout; the first answer closes the
breaker again (half-open, then closed), so nobody has to remember to switch the feature
back on when the vendor recovers.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable


class Breaker:
    def __init__(
        self,
        probe: Callable[[], Awaitable[bool]],
        on_change: Callable[[bool, str], None],
        *,
        probe_every_s: float = 5.0,
    ) -> None:
        self._probe = probe
        self._on_change = on_change
        self.probe_every_s = probe_every_s
        self.open = False
        self._task: asyncio.Task[None] | None = None

    def force_open(self, reason: str) -> bool:
        """Open it (True if it was closed) and start probing for the vendor's recovery."""
        if self.open:
            return False
        self.open = True
        self._on_change(True, reason)
        self._task = asyncio.get_running_loop().create_task(self._half_open())
        return True

    def close(self, reason: str) -> bool:
        if not self.open:
            return False
        self.open = False
        if self._task is not None and self._task is not asyncio.current_task():
            self._task.cancel()
        self._task = None
        self._on_change(False, reason)
        return True

    async def _half_open(self) -> None:
        while self.open:
            await asyncio.sleep(self.probe_every_s)
            with contextlib.suppress(Exception):  # a failing probe keeps it open
                if await self._probe():
                    self.close("the external API answers again")
                    return

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None


__all__ = ["Breaker"]
