"""What every sim child process shares: serving an app under uvicorn on 127.0.0.1,
and dying with its parent.

A child started by the supervisor gets `--parent-pid`; a watchdog thread exits the child
when that parent is gone, so even a supervisor killed with SIGKILL leaves no orphans.
"""

from __future__ import annotations

import argparse
import os
import socket
import threading
import time
from collections.abc import Callable

import uvicorn
from starlette.types import ASGIApp

HOST = "127.0.0.1"


def free_port(host: str = HOST) -> int:
    """A port that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def watch_parent(parent_pid: int, *, period_s: float = 0.5) -> None:
    """Exit this process (hard) as soon as `parent_pid` is no longer our parent."""

    def loop() -> None:
        while True:
            if os.getppid() != parent_pid:
                os._exit(3)
            time.sleep(period_s)

    threading.Thread(target=loop, name="parent-watchdog", daemon=True).start()


def base_args(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = free)")
    parser.add_argument("--parent-pid", type=int, default=0, help="exit when this parent dies")
    return parser


def serve(make_app: Callable[[Callable[[], None]], ASGIApp], port: int, parent_pid: int) -> None:
    """Run the app until SIGTERM/SIGINT or until the app asks to stop."""
    if parent_pid:
        watch_parent(parent_pid)
    holder: list[uvicorn.Server] = []

    def request_shutdown() -> None:
        holder[0].should_exit = True

    config = uvicorn.Config(
        make_app(request_shutdown),
        host=HOST,
        port=port or free_port(),
        access_log=False,
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=3,
    )
    server = uvicorn.Server(config)
    holder.append(server)
    server.run()


__all__ = ["HOST", "base_args", "free_port", "serve", "watch_parent"]
