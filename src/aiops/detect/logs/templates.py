"""Online log template mining: one line in, its template out, in one pass.

Each message is cut at whitespace and every token masked (`masking.mask_token`). Lines
whose masked tokens (the *skeleton*) are equal share a template; a weak part (`alt0`,
`Slf4jLogger`) stays as written until a second value shows up at that place, then it
becomes `<*>`. The header is cut off first with a `Layout`, learnt from the first lines
of the stream unless the source gives a format string.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from aiops.detect.logs.header import Layout, detect_layout
from aiops.detect.logs.masking import WEAK, WILDCARD, mask_token, normalize_template

MAX_LINE_CHARS = 8192  # longer lines are cut (and counted): one huge line must not stall the miner
LAYOUT_SAMPLE = 256  # lines used to learn the layout when none is given


@dataclass(frozen=True)
class ParsedLine:
    """One mined line. `template` is the template as known when the line arrived."""

    line_id: int
    template_id: int
    template: str
    level: str | None
    params: tuple[str, ...]
    message: str
    at: datetime | None = None
    is_new_template: bool = False
    truncated: bool = False


@dataclass
class Template:
    """A cluster of lines with one skeleton. `strong[i]` is the token seen at position i."""

    template_id: int
    skeleton: tuple[str, ...]
    strong: list[str]
    varying: list[bool]
    count: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None
    _text: str | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        if self._text is None:
            tokens = [
                skel.replace(WEAK, WILDCARD) if vary else strong
                for skel, strong, vary in zip(self.skeleton, self.strong, self.varying, strict=True)
            ]
            self._text = normalize_template(" ".join(tokens))
        return self._text


@dataclass
class MinerStats:
    lines: int = 0
    empty: int = 0
    truncated: int = 0
    undecodable: int = 0


def _clean(raw: str | bytes, stats: MinerStats) -> tuple[str, bool]:
    if isinstance(raw, bytes):
        raw = raw[: MAX_LINE_CHARS * 4]  # no more bytes than the longest kept line can use
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            stats.undecodable += 1
            line = raw.decode("utf-8", errors="replace")
    else:
        line = raw
    truncated = len(line) > MAX_LINE_CHARS
    if truncated:
        stats.truncated += 1
        line = line[:MAX_LINE_CHARS]
    if "\x00" in line:
        line = line.replace("\x00", " ")
    return line, truncated


class LogMiner:
    """Streaming template miner with one generic configuration.

    >>> miner = LogMiner()
    >>> miner.add("Connection from 10.0.0.1 closed").template
    'Connection from <*> closed'
    """

    def __init__(self, layout: Layout | str | None = None) -> None:
        if isinstance(layout, str):
            layout = Layout.from_format(layout)
        self._layout = layout
        self._fixed = layout is not None
        self._sample: list[str] = []
        self._by_skeleton: dict[tuple[str, ...], Template] = {}
        self.templates: list[Template] = []
        self.stats = MinerStats()

    @property
    def layout(self) -> Layout:
        return self._layout or Layout()

    def prime(self, lines: Iterable[str]) -> Layout:
        """Learn the layout from sample lines (e.g. the first few hundred of a file) and keep it."""
        self._layout = detect_layout([str(ln)[:MAX_LINE_CHARS] for ln in lines])
        self._fixed = True
        return self._layout

    def _learn(self, line: str) -> None:
        self._sample.append(line)
        n = len(self._sample)
        if n & (n - 1) == 0 or n == LAYOUT_SAMPLE:  # re-learn at 1, 2, 4, ... lines
            self._layout = detect_layout(self._sample)
        if n >= LAYOUT_SAMPLE:
            self._fixed = True
            self._sample = []

    def add(self, line: str | bytes, *, at: datetime | None = None) -> ParsedLine:
        """Mine one raw line (header included). Never raises on odd input."""
        stats = self.stats
        stats.lines += 1
        text, truncated = _clean(line, stats)
        text = text.rstrip("\r\n")
        if not self._fixed:
            self._learn(text)
        message, level = self.layout.split(text)
        tokens = message.split()
        if not tokens:
            stats.empty += 1
        masked = [mask_token(t) for t in tokens]
        skeleton = tuple(m[0] for m in masked)
        tpl = self._by_skeleton.get(skeleton)
        is_new = tpl is None
        if tpl is None:
            tpl = Template(
                template_id=len(self.templates) + 1,
                skeleton=skeleton,
                strong=[m[1] for m in masked],
                varying=[False] * len(masked),
                first_at=at,
            )
            self._by_skeleton[skeleton] = tpl
            self.templates.append(tpl)
        else:
            self._update(tpl, masked)
        tpl.count += 1
        if at is not None:
            tpl.last_at = at
        params = tuple(tok for tok, m in zip(tokens, masked, strict=True) if m[0] != tok)
        return ParsedLine(
            line_id=stats.lines,
            template_id=tpl.template_id,
            template=tpl.text,
            level=level,
            params=params,
            message=message,
            at=at,
            is_new_template=is_new,
            truncated=truncated,
        )

    @staticmethod
    def _update(tpl: Template, masked: list[tuple[str, str]]) -> None:
        for i, (skel, strong) in enumerate(masked):
            if skel is not strong and skel != strong and not tpl.varying[i]:
                if strong != tpl.strong[i]:
                    tpl.varying[i] = True
                    tpl._text = None

    def template_text(self, template_id: int) -> str:
        """The current (final, after a whole file) text of a template."""
        return self.templates[template_id - 1].text
