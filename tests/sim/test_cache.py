from __future__ import annotations

from aiops.sim.cache import TtlCache


def test_hit_ratio_is_over_the_recent_window() -> None:
    cache = TtlCache(ttl_s=10, window=4)
    cache.put("a", 1, now=0)
    for _ in range(4):
        assert cache.get("a", now=1) == 1
    assert cache.hit_ratio() == 1.0
    for _ in range(4):
        assert cache.get("b", now=1) is None
    assert cache.hit_ratio() == 0.0


def test_entries_expire_and_ttl_zero_caches_nothing() -> None:
    cache = TtlCache(ttl_s=1)
    cache.put("a", 1, now=0)
    assert cache.get("a", now=2) is None
    cache.ttl_s = 0
    cache.put("b", 1, now=0)
    assert cache.get("b", now=0) is None


def test_least_recently_used_entry_is_evicted() -> None:
    cache = TtlCache(max_items=2, ttl_s=10)
    cache.put("a", 1, now=0)
    cache.put("b", 2, now=0)
    cache.get("a", now=0)
    cache.put("c", 3, now=0)
    assert cache.get("b", now=0) is None and cache.get("a", now=0) == 1
