"""A small TTL + LRU cache that knows its recent hit ratio.

The ratio is over the last `window` lookups rather than since start, so a config
change that disables the cache shows in the metric within seconds, not hours.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from typing import Any


class TtlCache:
    def __init__(self, *, max_items: int = 256, ttl_s: float = 30.0, window: int = 200) -> None:
        self.max_items = max_items
        self.ttl_s = ttl_s
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._recent: deque[bool] = deque(maxlen=window)

    def get(self, key: str, *, now: float) -> Any | None:
        item = self._items.get(key)
        if item is not None and item[0] > now:
            self._items.move_to_end(key)
            self._note(True)
            return item[1]
        if item is not None:
            del self._items[key]
        self._note(False)
        return None

    def put(self, key: str, value: Any, *, now: float) -> None:
        if self.ttl_s <= 0:
            return
        self._items[key] = (now + self.ttl_s, value)
        self._items.move_to_end(key)
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()

    def hit_ratio(self) -> float:
        """Share of hits in the recent window; 1.0 before any lookup (nothing missed yet)."""
        if not self._recent:
            return 1.0
        return sum(self._recent) / len(self._recent)

    def _note(self, hit: bool) -> None:
        self._recent.append(hit)
        if hit:
            self.hits += 1
        else:
            self.misses += 1


__all__ = ["TtlCache"]
