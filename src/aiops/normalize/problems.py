"""Collecting every problem in a request before refusing it.

Ingest is all-or-nothing: a sender fixes and retries the whole request, so the
error must list every bad field at once, not just the first. Validators raise
`FieldProblem` (a message and a stable type, no location); `Problems` catches it,
prefixes the location it was checking, and raises one `InvalidInput` at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from aiops.errors import ErrorDetail, InvalidInput

T = TypeVar("T")
Loc = tuple[str | int, ...]

#: Stop listing after this many problems: a 10k-item bad batch needs no 10k-line answer.
MAX_LISTED = 100


class FieldProblem(ValueError):
    """One bad value. `sub` extends the location (e.g. the label key inside `labels`)."""

    def __init__(self, msg: str, type: str = "value_error", sub: Loc = ()) -> None:
        super().__init__(msg)
        self.msg = msg
        self.type = type
        self.sub = sub


class Problems:
    """An accumulator of `ErrorDetail`s for one request."""

    def __init__(self) -> None:
        self.items: list[ErrorDetail] = []
        self.count = 0

    def __bool__(self) -> bool:
        return self.count > 0

    def add(self, loc: Loc, msg: str, type: str = "value_error") -> None:
        self.count += 1
        if len(self.items) < MAX_LISTED:
            self.items.append(ErrorDetail(loc, msg, type))

    def check(self, loc: Loc, fn: Callable[..., T], *args: Any) -> T | None:
        """Return `fn(*args)`, or record its `FieldProblem` at `loc` and return None."""
        try:
            return fn(*args)
        except FieldProblem as p:
            self.add(loc + p.sub, p.msg, p.type)
            return None

    def raise_if_any(self, message: str, *, code: str = "invalid_input") -> None:
        if not self.count:
            return
        if self.count > len(self.items):
            message = f"{message} ({self.count} problems, first {len(self.items)} listed)"
        raise InvalidInput(message, list(self.items), code=code)
