"""Log layout: find where the header (timestamp, level, component) ends and the message starts.

`detect_layout` learns one `Layout` from a sample of lines with generic rules: the header
ends at the level word (`INFO`, `[error]`, ...) when lines have one at a steady position,
else after the last timestamp column; then bracket groups (`[main]`), a `-` separator, a
component (`org.a.B:`) or an all-numeric column are skipped when nearly every line has
them. `Layout.from_format` takes a Loghub-style format string (`<Date> <Level> <Content>`)
for a source whose layout is known.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from aiops.errors import ConfigError, ErrorDetail

_LEVELS = {
    "trace": "debug",
    "debug": "debug",
    "fine": "debug",
    "finer": "debug",
    "finest": "debug",
    "info": "info",
    "information": "info",
    "notice": "info",
    "warn": "warning",
    "warning": "warning",
    "error": "error",
    "err": "error",
    "severe": "error",
    "failure": "error",
    "fatal": "critical",
    "critical": "critical",
    "crit": "critical",
    "alert": "critical",
    "emerg": "critical",
    "emergency": "critical",
    "panic": "critical",
}
_STRIP = "[]()<>:|"
# Dates (2015-10-18, 17/06/09, 2005.06.03), times (18:01:47,978), epochs (10 or 13 digits).
_TIMESTAMP = re.compile(
    r"\[?(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\S*|\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}:\d{2}:\d{2}\S*"
    r"|\d{10}|\d{13})\]?,?"
)
_COMPONENT_COLON = re.compile(r"[\w$.\-/#@\[\]]+:")
_COMPONENT_DOTTED = re.compile(r"[A-Za-z_][\w$\-]*(\.[\w$\-]+)+")
_NUMERIC = re.compile(r"-?\d+")
_MAX_HEADER_TOKENS = 14
_STEPS = ("bracket", "dash", "component", "dotted", "numeric")
_STEP_SHARE = {"bracket": 0.9, "dash": 0.9, "component": 0.9, "dotted": 0.9, "numeric": 0.98}


def level_of(token: str) -> str | None:
    """Canonical level (debug/info/warning/error/critical) of a header token, if it is one."""
    return _LEVELS.get(token.strip(_STRIP).lower())


def _header_level(token: str) -> str | None:
    """A level as headers write it: upper case (`WARN`) or wrapped (`[notice]`, `<error>`)."""
    bare = token.strip(_STRIP)
    if bare != token or bare.isupper():
        return _LEVELS.get(bare.lower())
    return None


def _skip_bracket(text: str) -> str | None:
    if not text.startswith("["):
        return None
    depth = 0
    for i, ch in enumerate(text):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return text[i + 1 :].lstrip()
    return None


def _apply_step(step: str, text: str) -> str | None:
    """The text after one header element, or None when `text` does not start with it."""
    if step == "bracket":
        return _skip_bracket(text)
    head, _, rest = text.partition(" ")
    if step == "dash":
        ok = head == "-"
    elif step == "component":
        ok = bool(_COMPONENT_COLON.fullmatch(head)) and not head[:-1].isdigit()
    elif step == "dotted":
        ok = bool(_COMPONENT_DOTTED.fullmatch(head))
    else:
        ok = bool(_NUMERIC.fullmatch(head))
    return rest.lstrip() if ok else None


@dataclass(frozen=True)
class Layout:
    """Where the message starts: `anchor` header tokens, then `steps` to skip.

    `level_at` is the token index of the level word, or -1 when the layout has none.
    """

    anchor: int = 0
    level_at: int = -1
    steps: tuple[str, ...] = ()
    regex: re.Pattern[str] | None = None

    def split(self, line: str) -> tuple[str, str | None]:
        """(message, level) of one line. A line that does not fit is all message."""
        if self.regex is not None:
            return self._split_regex(line)
        if self.anchor == 0 and not self.steps:
            return line.strip(), None
        tokens = line.split(None, self.anchor)
        if len(tokens) <= self.anchor:
            return line.strip(), None
        level = None
        if self.level_at >= 0:
            level = level_of(tokens[self.level_at])
            if level is None:
                return line.strip(), None
        text = tokens[self.anchor]
        for step in self.steps:
            after = _apply_step(step, text)
            if after is None:
                break
            text = after
        return text.strip(), level

    def _split_regex(self, line: str) -> tuple[str, str | None]:
        assert self.regex is not None
        m = self.regex.match(line.strip())
        if m is None:
            return line.strip(), None
        groups = m.groupdict()
        raw_level = groups.get("Level")
        return (groups.get("Content") or "").strip(), level_of(raw_level) if raw_level else None

    @classmethod
    def from_format(cls, fmt: str) -> Layout:
        """Layout from a format string such as `<Date> <Time> <Level> <Component>: <Content>`."""
        if "<Content>" not in fmt:
            raise ConfigError(
                "log format has no <Content> field",
                [ErrorDetail(("format",), f"expected a <Content> field in {fmt!r}")],
                code="invalid_log_format",
            )
        pattern = ""
        for i, part in enumerate(re.split(r"(<[^<>]+>)", fmt)):
            if i % 2 == 0:
                # Literal text; a backslash means the author wrote a regex (Loghub style).
                literal = part if "\\" in part else re.escape(part).replace("\\ ", " ")
                pattern += re.sub(r" +", r"\\s+", literal)
            else:
                name = part[1:-1]
                if not name.isidentifier():
                    raise ConfigError(
                        "bad field name in log format",
                        [ErrorDetail(("format",), f"field {part!r} is not an identifier")],
                        code="invalid_log_format",
                    )
                body = ".*" if name == "Content" else ".*?"
                pattern += f"(?P<{name}>{body})"
        try:
            return cls(regex=re.compile("^" + pattern + "$"))
        except re.error as exc:
            raise ConfigError(
                "log format is not a valid pattern",
                [ErrorDetail(("format",), f"{exc} in {fmt!r}")],
                code="invalid_log_format",
            ) from exc


def _level_anchor(token_rows: Sequence[list[str]]) -> int | None:
    positions: Counter[int] = Counter()
    for tokens in token_rows:
        for i, tok in enumerate(tokens[:_MAX_HEADER_TOKENS]):
            if _header_level(tok) is not None:
                positions[i] += 1
                break
    if not positions:
        return None
    index, count = positions.most_common(1)[0]
    return index if count >= 0.6 * len(token_rows) else None


def _timestamp_anchor(token_rows: Sequence[list[str]]) -> int | None:
    positions: Counter[int] = Counter()
    for tokens in token_rows:
        last = None
        for i, tok in enumerate(tokens[:_MAX_HEADER_TOKENS]):
            if _TIMESTAMP.fullmatch(tok):
                last = i
        if last is not None:
            positions[last] += 1
    if not positions:
        return None
    index, count = positions.most_common(1)[0]
    return index if count >= 0.8 * len(token_rows) else None


def _learn_steps(rests: list[str]) -> tuple[str, ...]:
    steps: list[str] = []
    for _ in range(4):
        for step in _STEPS:
            after = [_apply_step(step, r) for r in rests]
            hits = sum(a is not None and a != "" for a in after)
            if hits >= _STEP_SHARE[step] * len(rests):
                steps.append(step)
                rests = [a if a is not None else r for a, r in zip(after, rests, strict=True)]
                break
        else:
            break
    return tuple(steps)


def detect_layout(lines: Sequence[str]) -> Layout:
    """Learn the layout from sample lines (a few hundred are plenty). Empty sample: no header."""
    sample = [ln.strip() for ln in lines if ln.strip()]
    if not sample:
        return Layout()
    rows = [ln.split(None, _MAX_HEADER_TOKENS) for ln in sample]
    level_at = _level_anchor(rows)
    anchor = level_at if level_at is not None else _timestamp_anchor(rows)
    if anchor is None:
        return Layout()
    anchor += 1
    rests = [
        ln.split(None, anchor)[anchor] if len(r) > anchor else ""
        for ln, r in zip(sample, rows, strict=True)
    ]
    return Layout(
        anchor=anchor, level_at=-1 if level_at is None else level_at, steps=_learn_steps(rests)
    )
