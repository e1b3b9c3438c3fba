"""`shell`: an allow-listed program with validated arguments; never through a shell.

The program is named, not given: `command: systemctl` resolves to the absolute path in
`policies.changes.shell_commands`, and every argument must fully match one of that
entry's patterns. So a runbook cannot run anything the policy did not list.
"""

from __future__ import annotations

import os
import re
import subprocess

from pydantic import ConfigDict, Field

from aiops.act.steps.base import Args, StepContext, StepKind, StepOutcome, clip
from aiops.model.policy_itsm import ChangePolicy


class ShellArgs(Args):
    model_config = ConfigDict(extra="forbid")

    command: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,127}$")
    args: list[str] = Field(default_factory=list)


def check(args: ShellArgs, policy: ChangePolicy) -> list[str]:
    """The argv to run; ValueError saying which argument the allow-list refuses."""
    entry = policy.shell_commands.get(args.command)
    if entry is None:
        allowed = ", ".join(policy.shell_commands) or "none"
        raise ValueError(f"command {args.command!r} is not allow-listed (allowed: {allowed})")
    if len(args.args) > entry.max_args:
        raise ValueError(f"{args.command}: at most {entry.max_args} arguments")
    for i, arg in enumerate(args.args):
        if "\x00" in arg or not any(re.fullmatch(p, arg) for p in entry.args):
            raise ValueError(f"{args.command}: argument {i} {arg!r} is not allowed")
    return [entry.path, *args.args]


def run(args: ShellArgs, ctx: StepContext) -> StepOutcome:
    try:
        argv = check(args, ctx.policy)
    except ValueError as exc:
        return StepOutcome(False, f"refused: {exc}", {"refused": True})
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    try:
        done = subprocess.run(  # noqa: S603 - argv from the allow-list, no shell
            argv,
            capture_output=True,
            text=True,
            timeout=max(0.1, ctx.remaining()),
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        return StepOutcome(
            False, f"{argv[0]}: timed out after {exc.timeout:.0f} s", {"timeout": True}
        )
    except OSError as exc:
        return StepOutcome(False, f"{argv[0]}: cannot run: {exc}")
    out = clip(f"$ {' '.join(argv)}\n{done.stdout}{done.stderr}")
    return StepOutcome(done.returncode == 0, out, {"exit": done.returncode})


KIND = StepKind("shell", ShellArgs, run)
