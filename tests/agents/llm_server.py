"""A local OpenAI-compatible chat-completions server with scripted answers.

A real HTTP server in a thread, speaking the protocol the `openai` SDK speaks: plain
and streamed (SSE) completions, tool calls, usage, and errors (429, 5xx, slow answers).
Each request takes the next step of the script; every request body is kept so tests
can assert what left the process (no secrets, fenced logs, the right tools).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def answer(obj: dict[str, Any] | str) -> dict[str, Any]:
    return {"content": obj if isinstance(obj, str) else json.dumps(obj)}


def tool_calls(*calls: tuple[str, dict[str, Any] | str]) -> dict[str, Any]:
    return {"tool_calls": [(n, a if isinstance(a, str) else json.dumps(a)) for n, a in calls]}


class ScriptedLLM:
    def __init__(self) -> None:
        self.script: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                with outer._lock:
                    outer.requests.append(body)
                    outer.headers.append({k.lower(): v for k, v in self.headers.items()})
                    step = outer.script.pop(0) if outer.script else {"status": 500}
                outer._reply(self, body, step)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def push(self, *steps: dict[str, Any]) -> None:
        self.script.extend(steps)

    def sent_text(self) -> str:
        """Everything the client sent, as one string (for leak checks)."""
        return json.dumps(self.requests, ensure_ascii=False)

    def _reply(self, h: BaseHTTPRequestHandler, body: dict[str, Any], step: dict[str, Any]) -> None:
        if "sleep" in step:
            time.sleep(step["sleep"])
        status = step.get("status", 200)
        if status != 200:
            self._send(h, status, {"error": {"message": f"scripted {status}", "type": "server"}})
            return
        message: dict[str, Any] = {"role": "assistant", "content": step.get("content")}
        calls = [
            {"id": f"call_{i}", "type": "function", "function": {"name": n, "arguments": a}}
            for i, (n, a) in enumerate(step.get("tool_calls", []))
        ]
        if calls:
            message["tool_calls"] = calls
        usage = {
            "prompt_tokens": step.get("tokens_in", 100),
            "completion_tokens": step.get("tokens_out", 20),
        }
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        if body.get("stream"):
            self._stream(h, message, usage, step.get("chunk_delay", 0.0))
            return
        self._send(
            h,
            200,
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "created": 0,
                "model": body.get("model", "m"),
                "choices": [
                    {
                        "index": 0,
                        "message": message,
                        "finish_reason": "tool_calls" if calls else "stop",
                    }
                ],
                "usage": usage,
            },
        )

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, obj: dict[str, Any]) -> None:
        data = json.dumps(obj).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    @staticmethod
    def _stream(
        h: BaseHTTPRequestHandler, message: dict[str, Any], usage: dict[str, int], delay: float
    ) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.end_headers()

        def chunk(delta: dict[str, Any], **extra: Any) -> None:
            obj = {
                "id": "chatcmpl-1",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": "m",
                "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
                **extra,
            }
            h.wfile.write(f"data: {json.dumps(obj)}\n\n".encode())
            h.wfile.flush()
            time.sleep(delay)

        text = message.get("content") or ""
        for i in range(0, len(text), 7):  # small pieces, as a slow model sends them
            chunk({"content": text[i : i + 7]})
        for i, c in enumerate(message.get("tool_calls", [])):
            args = c["function"]["arguments"]
            chunk(
                {
                    "tool_calls": [
                        {
                            "index": i,
                            "id": c["id"],
                            "type": "function",
                            "function": {"name": c["function"]["name"], "arguments": ""},
                        }
                    ]
                }
            )
            for j in range(0, len(args), 5):
                chunk({"tool_calls": [{"index": i, "function": {"arguments": args[j : j + 5]}}]})
        end = {
            "id": "chatcmpl-1",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "m",
            "choices": [],
            "usage": usage,
        }
        h.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
        h.wfile.flush()
