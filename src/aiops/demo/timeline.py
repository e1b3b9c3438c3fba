"""The live terminal timeline: what happened, when, in the order it happened.

Entries are generic (`kind`, `text`, optional `ref`), so later stages (diagnosis,
action, approval) add theirs with `timeline.add("diagnosis", ...)` and no change here.
On a terminal in interactive mode a rich `Live` panel shows a header (URL, the running
scenario) over the newest entries; otherwise each entry is printed as one line, which is
what a log file, a pipe or the headless run wants.

Thread-safe: the pipeline's listeners call `add` from its commit thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

STYLES: dict[str, str] = {
    "scenario": "bold cyan",
    "fault": "bold red",
    "clear": "green",
    "alert": "yellow",
    "resolved": "green",
    "incident": "bold magenta",
    "state": "magenta",
    "recovery": "bold green",
    "operator": "blue",
    "timeout": "bold red",
    "info": "dim",
}


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str
    text: str
    ref: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


class Timeline:
    def __init__(
        self,
        console: Console,
        *,
        live: bool = False,
        clock: Callable[[], datetime] | None = None,
        keep: int = 500,
        show: int = 18,
    ) -> None:
        self.console = console
        self.clock = clock or (lambda: datetime.now(UTC))
        self.started = self.clock()
        self.entries: list[Entry] = []
        self.header = ""
        self.status = ""
        self._keep, self._show = keep, show
        self._lock = threading.Lock()
        self._live: Live | None = (
            Live(console=console, refresh_per_second=4, transient=False) if live else None
        )

    def __enter__(self) -> Timeline:
        if self._live is not None:
            self._live.start()
            self._live.update(self._render())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.update(self._render())
            self._live.stop()

    def add(
        self, kind: str, text: str, *, at: datetime | None = None, ref: str | None = None,
        **data: Any,
    ) -> Entry:  # fmt: skip
        entry = Entry(at or self.clock(), kind, text, ref, data)
        with self._lock:
            self.entries.append(entry)
            del self.entries[: -self._keep]
            if self._live is not None:
                self._live.update(self._render())
            else:
                self.console.print(self._line(entry), highlight=False)
        return entry

    def set_status(self, status: str) -> None:
        with self._lock:
            self.status = status
            if self._live is not None:
                self._live.update(self._render())

    def _offset(self, at: datetime) -> str:
        return f"+{(at - self.started).total_seconds():6.1f}s"

    def _line(self, e: Entry) -> Text:
        t = Text()
        t.append(f"{e.at.astimezone():%H:%M:%S} {self._offset(e.at)} ", style="dim")
        t.append(f"{e.kind:<9}", style=STYLES.get(e.kind, "bold"))
        t.append(" " + e.text)
        if e.ref:
            t.append(f"  [{e.ref}]", style="dim")
        return t

    def _render(self) -> Panel:
        table = Table.grid(padding=(0, 1))
        table.add_column(style="dim", no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column()
        for e in self.entries[-self._show :]:
            table.add_row(
                f"{e.at.astimezone():%H:%M:%S} {self._offset(e.at)}",
                Text(e.kind, style=STYLES.get(e.kind, "bold")),
                e.text + (f"  [{e.ref}]" if e.ref else ""),
            )
        body = Group(Text(self.status, style="bold"), table) if self.status else table
        return Panel(body, title=self.header or "aiops demo", border_style="cyan")


__all__ = ["STYLES", "Entry", "Timeline"]
