"""Sulu's structured log: one JSON object per line, flushed per line so a tailer sees it.

Sulu plays a third-party application, so it writes its own log file rather than going
through the platform's structlog setup. The writer can be told the disk is full: every
write then fails with ENOSPC, the line is lost (as on a real full disk), and a short
error goes to stderr instead, which the supervisor keeps in `<name>.stderr.log`.
"""

from __future__ import annotations

import errno
import json
import os
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO


class JsonLog:
    """Append JSON lines `{ts, level, logger, msg, fields}` to `path`."""

    def __init__(
        self,
        path: Path,
        *,
        static: dict[str, Any] | None = None,
        on_error: Callable[[], None] | None = None,
    ) -> None:
        self.path = path
        self.on_error = on_error
        self.static = dict(static or {})
        self.disk_full = False
        self.write_errors = 0
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: TextIO = open(path, "a", encoding="utf-8")  # noqa: SIM115 - kept open

    def log(self, level: str, logger: str, msg: str, **fields: Any) -> None:
        ts = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        record = {
            "ts": ts,
            "level": level,
            "logger": logger,
            "msg": msg,
            "fields": {**self.static, **fields},
        }
        line = json.dumps(record, default=str, separators=(",", ":")) + "\n"
        with self._lock:
            try:
                if self.disk_full:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                self._file.write(line)
                self._file.flush()
            except OSError as exc:
                self.write_errors += 1
                if self.on_error is not None:
                    self.on_error()
                self._fallback(exc, ts)

    def _fallback(self, exc: OSError, ts: str) -> None:
        # What Python's logging prints when a handler fails, kept to one JSON line.
        note = {
            "ts": ts,
            "level": "error",
            "logger": "sulu.log",
            "msg": f"log write failed: OSError: [Errno {exc.errno}] {exc.strerror}",
            "fields": {**self.static, "path": str(self.path)},
        }
        try:
            sys.stderr.write(json.dumps(note, separators=(",", ":")) + "\n")
            sys.stderr.flush()
        except OSError:
            pass

    def info(self, logger: str, msg: str, **fields: Any) -> None:
        self.log("info", logger, msg, **fields)

    def warning(self, logger: str, msg: str, **fields: Any) -> None:
        self.log("warning", logger, msg, **fields)

    def error(self, logger: str, msg: str, **fields: Any) -> None:
        self.log("error", logger, msg, **fields)

    def close(self) -> None:
        with self._lock:
            self._file.close()


__all__ = ["JsonLog"]
