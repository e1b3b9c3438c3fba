"""Recent metric points in memory, for the control site's charts.

Bounded on both axes (points per series, number of series) so a chatty exporter cannot
grow the process. The database keeps events and incidents; raw samples stay here.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from aiops.model import Sample


@dataclass(frozen=True)
class SeriesInfo:
    key: str
    name: str
    labels: Mapping[str, str]
    service: str | None
    ci: str | None


class SeriesStore:
    def __init__(self, *, max_points: int = 900, max_series: int = 2000) -> None:
        self.max_points = max_points
        self.max_series = max_series
        self._points: OrderedDict[str, deque[tuple[float, float]]] = OrderedDict()
        self._info: dict[str, SeriesInfo] = {}
        self._lock = threading.Lock()
        self.dropped_series = 0

    def add(self, samples: Iterable[Sample]) -> None:
        with self._lock:
            for s in samples:
                key = s.series_key
                points = self._points.get(key)
                if points is None:
                    if len(self._points) >= self.max_series:
                        old, _ = self._points.popitem(last=False)  # least recently written
                        self._info.pop(old, None)
                        self.dropped_series += 1
                    points = self._points[key] = deque(maxlen=self.max_points)
                    self._info[key] = SeriesInfo(key, s.name, dict(s.labels), s.service, s.ci)
                else:
                    self._points.move_to_end(key)
                ts = s.timestamp.timestamp()
                if points and ts < points[-1][0]:
                    continue  # charts want time order; late points are dropped here
                points.append((ts, s.value))

    def series(self, *, name: str | None = None, service: str | None = None) -> list[SeriesInfo]:
        with self._lock:
            return [
                i for i in self._info.values()
                if (name is None or i.name == name) and (service is None or i.service == service)
            ]

    def points(self, key: str, *, since: datetime | None = None) -> list[tuple[float, float]]:
        with self._lock:
            pts = list(self._points.get(key, ()))
        if since is not None:
            cut = since.timestamp()
            pts = [p for p in pts if p[0] >= cut]
        return pts

    def names(self) -> list[str]:
        with self._lock:
            return sorted({i.name for i in self._info.values()})
