"""Follow a growing log file like `tail -F`, surviving what real log files do.

Handled: rename rotation (the old file is drained first), copytruncate and in-place
replacement (detected by size and by the file's first bytes), a deleted file (waits
for it to come back), binary junk and non-UTF-8 bytes (replaced or skipped, counted),
huge lines (cut at `max_line_bytes`, the rest skipped and counted), and restarts (the
position is kept in a small JSON state file, written atomically).

Synchronous on purpose: plain file calls, easy to test; the async adapter runs it in
a thread.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

HEAD_BYTES = 128  # enough to tell one log file from another


@dataclass(frozen=True)
class TailLine:
    text: str
    offset: int  # byte offset of the line's start in its file
    file_id: str  # "dev:inode", with offset a stable identity for the line
    truncated: bool = False


@dataclass(frozen=True)
class _Saved:
    """What the state file holds: which file, how far, and its first bytes."""

    file_id: str
    offset: int
    discarding: bool
    head: bytes


@dataclass
class TailResult:
    lines: list[TailLine] = field(default_factory=list)
    lines_cut: int = 0
    bytes_skipped: int = 0
    missing: bool = False
    rotated: bool = False
    restarted_at_zero: bool = False  # truncated or replaced in place
    error: str | None = None
    state_error: str | None = None


class FileTailer:
    """Reads the lines appended to `path` since the last call to `read()`."""

    def __init__(
        self,
        path: Path,
        *,
        state_file: Path | None = None,
        start_at: Literal["beginning", "end"] = "end",
        max_line_bytes: int = 64 * 1024,
        max_read_bytes: int = 8 * 1024 * 1024,
        encoding: str = "utf-8",
    ) -> None:
        self.path = Path(path)
        self.state_file = state_file
        self.start_at = start_at
        self.max_line_bytes = max_line_bytes
        self.max_read_bytes = max_read_bytes
        self.encoding = encoding
        self._fd = -1
        self._id: tuple[int, int] | None = None
        self._read_off = 0  # where the next read starts
        self._pending = bytearray()  # a line still waiting for its newline
        self._pending_at = 0  # file offset where the pending line starts
        self._discarding = False  # skipping the rest of a cut line
        self._head = b""
        self._lost = False  # the path vanished since we opened the file
        self._budget = 0
        self._saved: tuple[object, ...] | None = None

    @property
    def position(self) -> int:
        """Bytes fully consumed; where a restart resumes."""
        return self._read_off - len(self._pending)

    def read(self) -> TailResult:
        """Everything new since the last call (bounded by `max_read_bytes`)."""
        res = TailResult()
        self._budget = self.max_read_bytes
        try:
            self._step(res)
        except OSError as exc:
            res.error = f"{self.path}: {exc.strerror or exc}"
        self._save_state(res)
        return res

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
        self._fd, self._id = -1, None

    # -- the file ------------------------------------------------------------------

    def _step(self, res: TailResult) -> None:
        st = _stat(self.path)
        if self._id is None:
            if st is None:
                res.missing = True
                return
            self._open(res, resume=True)
        elif st is None:
            res.missing, self._lost = True, True
            self._drain(res)  # whatever the writer put in before the delete/rename
            return
        elif (st.st_dev, st.st_ino) != self._id or self._lost:
            if not self._drain(res):
                return  # the old file still has more; switch on a later call
            self._flush_pending(res)
            self.close()
            self._open(res, resume=False)
            res.rotated = True
        elif self._replaced():
            self._reset(res)
        self._drain(res)

    def _open(self, res: TailResult, *, resume: bool) -> None:
        self._fd = os.open(self.path, os.O_RDONLY)
        st = os.fstat(self._fd)
        self._id, self._lost = (st.st_dev, st.st_ino), False
        self._pending.clear()
        self._discarding, self._head = False, b""
        start = 0
        if resume:
            start = self._resume_offset(st.st_size, res)
        self._read_off = start
        self._head = os.pread(self._fd, HEAD_BYTES, 0)[: max(start, 0)] if start else b""

    def _resume_offset(self, size: int, res: TailResult) -> int:
        state = self._load_state(res)
        if state is None:
            return size if self.start_at == "end" else 0
        head = state.head
        same = state.file_id == _fmt_id(self._id)
        if same and state.offset <= size and os.pread(self._fd, len(head), 0) == head:
            self._discarding = state.discarding
            return state.offset
        return 0  # a different file (or cut short) since we last ran: read it all

    def _replaced(self) -> bool:
        """Truncated (copytruncate) or rewritten in place under the same inode."""
        if os.fstat(self._fd).st_size < self._read_off:
            return True
        return bool(self._head) and os.pread(self._fd, len(self._head), 0) != self._head

    def _reset(self, res: TailResult) -> None:
        self._read_off, self._head, self._discarding = 0, b"", False
        self._pending.clear()
        res.restarted_at_zero = True

    def _drain(self, res: TailResult) -> bool:
        """Read until EOF or out of budget; True when EOF was reached."""
        while self._budget > 0:
            chunk = os.pread(self._fd, min(self._budget, 1024 * 1024), self._read_off)
            if not chunk:
                break
            self._budget -= len(chunk)
            self._split(chunk, res)
            self._read_off += len(chunk)
            if len(self._head) < HEAD_BYTES:
                self._head = os.pread(self._fd, HEAD_BYTES, 0)[: self._read_off]
        else:
            return False
        return True

    # -- lines ---------------------------------------------------------------------

    def _split(self, chunk: bytes, res: TailResult) -> None:
        base, start = self._read_off, 0
        while start < len(chunk):
            nl = chunk.find(b"\n", start)
            end = len(chunk) if nl < 0 else nl
            if self._discarding:
                res.bytes_skipped += end - start
                self._discarding = nl < 0
            else:
                if not self._pending:
                    self._pending_at = base + start
                self._pending += chunk[start:end]
                if nl >= 0:
                    self._emit(bytes(self._pending), res)
                    self._pending.clear()
                elif len(self._pending) > self.max_line_bytes:
                    self._emit(bytes(self._pending), res)
                    self._pending.clear()
                    self._discarding = True
            if nl < 0:
                break
            start = nl + 1

    def _flush_pending(self, res: TailResult) -> None:
        """The old file is finished: its last line will get no newline."""
        if self._pending:
            self._emit(bytes(self._pending), res)
            self._pending.clear()
        self._discarding = False

    def _emit(self, raw: bytes, res: TailResult) -> None:
        cut = len(raw) > self.max_line_bytes
        if cut:
            res.lines_cut += 1
            res.bytes_skipped += len(raw) - self.max_line_bytes
            raw = raw[: self.max_line_bytes]
        text, skipped = clean_line(raw, self.encoding)
        res.bytes_skipped += skipped
        if text:
            res.lines.append(TailLine(text, self._pending_at, _fmt_id(self._id), cut))

    # -- state file ----------------------------------------------------------------

    def _load_state(self, res: TailResult) -> _Saved | None:
        if self.state_file is None or not self.state_file.exists():
            return None
        try:
            doc = json.loads(self.state_file.read_text(encoding="utf-8"))
            return _Saved(
                file_id=str(doc["file_id"]),
                offset=int(doc["offset"]),
                discarding=bool(doc.get("discarding", False)),
                head=bytes.fromhex(str(doc.get("head", ""))),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            res.state_error = f"{self.state_file}: unreadable tail state, starting over: {exc}"
            return None

    def _save_state(self, res: TailResult) -> None:
        if self.state_file is None or self._id is None:
            return
        key = (self._id, self.position, self._discarding, self._head)
        if key == self._saved:
            return
        doc = {
            "path": str(self.path),
            "file_id": _fmt_id(self._id),
            "offset": self.position,
            "discarding": self._discarding,
            "head": self._head[: self.position].hex(),
        }
        tmp = self.state_file.with_name(self.state_file.name + ".tmp")
        try:
            self.state_file.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(doc), encoding="utf-8")
            os.replace(tmp, self.state_file)
            self._saved = key
        except OSError as exc:
            res.state_error = f"{self.state_file}: cannot save tail state: {exc.strerror or exc}"


def clean_line(raw: bytes, encoding: str = "utf-8") -> tuple[str, int]:
    """Bytes of one line → (text, bytes skipped). Text is "" for junk or blank lines.

    NULs are dropped; undecodable bytes become U+FFFD; a line that is mostly
    replacement or control characters is binary junk and skipped whole.
    """
    raw = raw.rstrip(b"\r")
    nuls = raw.count(0)
    if nuls:
        raw = raw.replace(b"\0", b"")
    text = raw.decode(encoding, errors="replace")
    bad = sum(1 for ch in text if ch == "\ufffd" or (ord(ch) < 32 and ch != "\t") or ch == "\x7f")
    if not text.strip() or bad * 10 > len(text) * 3:
        return "", nuls + len(raw) if text.strip() else nuls
    if bad:
        text = "".join(ch for ch in text if ch == "\t" or ch == "\ufffd" or ord(ch) >= 32)
    return text, nuls


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def _fmt_id(file_id: tuple[int, int] | None) -> str:
    return "" if file_id is None else f"{file_id[0]}:{file_id[1]}"
