"""NATS JetStream transport: scale ingest and correlation out over processes and machines.

    ingest (any number of `aiops serve --bus nats://…`) ──publish──► stream AIOPS_EVENTS
    correlation (`aiops worker --bus nats://… --db postgresql://…`) ◄──durable pull consumer

Delivery is at-least-once: a consumer acks a message only after the batch holding it has
committed, and naks it (redelivery) when the batch fails. That is safe because the
pipeline is idempotent: every event has a deterministic id, and a re-delivered event only
bumps its alert's count. Publishers set `Nats-Msg-Id` to the batch's content hash, so a
sender's retry inside JetStream's duplicate window is stored once.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import nats
import structlog
from nats.aio.client import Client
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, StreamConfig

from aiops.model import Event

log = structlog.get_logger("aiops.bus.nats")

STREAM = "AIOPS_EVENTS"
SUBJECT = "aiops.events"


def encode(events: Sequence[Event]) -> bytes:
    return json.dumps([e.model_dump(mode="json") for e in events], separators=(",", ":")).encode()


def decode(data: bytes) -> list[Event]:
    return [Event.model_validate(item) for item in json.loads(data)]


@dataclass(frozen=True)
class PublishAck:
    stream: str
    seq: int
    duplicate: bool


class NatsEventBus:
    """Publishes validated event batches; one message per batch (all-or-nothing stays)."""

    def __init__(self, url: str, *, stream: str = STREAM, subject: str = SUBJECT,
                 connect_timeout_s: float = 5.0) -> None:
        self.url, self.stream, self.subject = url, stream, subject
        self.connect_timeout_s = connect_timeout_s
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None

    async def connect(self) -> JetStreamContext:
        if self._js is None:
            self._nc = await nats.connect(
                self.url, connect_timeout=self.connect_timeout_s, max_reconnect_attempts=3,
            )
            self._js = self._nc.jetstream()
            await ensure_stream(self._js, self.stream, self.subject)
        return self._js

    async def publish(self, source: str, events: Sequence[Event]) -> PublishAck:
        js = await self.connect()
        body = encode(events)
        msg_id = hashlib.sha256(body).hexdigest()
        ack = await js.publish(f"{self.subject}.{_token(source)}", body,
                               headers={"Nats-Msg-Id": msg_id})
        return PublishAck(ack.stream, ack.seq, bool(ack.duplicate))

    async def close(self) -> None:
        if self._nc is not None:
            await self._nc.drain()
            self._nc, self._js = None, None


async def ensure_stream(js: JetStreamContext, stream: str, subject: str) -> None:
    """Create the stream if missing (file storage, kept a day: a backlog survives restarts)."""
    try:
        await js.stream_info(stream)
    except nats.js.errors.NotFoundError:
        await js.add_stream(StreamConfig(
            name=stream, subjects=[f"{subject}.>"], max_age=86400.0, duplicate_window=120.0,
        ))


def _token(source: str) -> str:
    # subjects are dot-separated tokens; keep the source readable but safe
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in source)[:64] or "unknown"


class NatsConsumer:
    """Pulls event batches and hands them to `process` (one transaction per fetch)."""

    def __init__(
        self,
        url: str,
        process: Callable[[list[Event]], Any],
        *,
        durable: str = "correlate",
        stream: str = STREAM,
        subject: str = SUBJECT,
        batch: int = 50,
        ack_wait_s: float = 30.0,
    ) -> None:
        self.url, self.process, self.durable = url, process, durable
        self.stream, self.subject, self.batch, self.ack_wait_s = stream, subject, batch, ack_wait_s
        self._stop = asyncio.Event()
        self.acked = 0
        self.naked = 0
        self.last_error: str | None = None

    async def run(self) -> None:
        nc = await nats.connect(self.url, connect_timeout=5, max_reconnect_attempts=-1)
        try:
            js = nc.jetstream()
            await ensure_stream(js, self.stream, self.subject)
            sub = await js.pull_subscribe(
                f"{self.subject}.>", durable=self.durable, stream=self.stream,
                config=ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, ack_wait=self.ack_wait_s,
                                      max_ack_pending=10_000),
            )
            while not self._stop.is_set():
                try:
                    msgs = await sub.fetch(self.batch, timeout=0.5)
                except NatsTimeout:
                    continue
                await self._handle(msgs)
        finally:
            # close, not drain: a pull subscription never drains, and every message we
            # took is acked or naked already (unacked ones are redelivered after ack_wait)
            await nc.close()

    async def _handle(self, msgs: list[Any]) -> None:
        events: list[Event] = []
        good = []
        for m in msgs:
            try:
                events.extend(decode(m.data))
                good.append(m)
            except (ValueError, TypeError) as exc:  # poison message: never retry it forever
                log.error("bus.bad_message", subject=m.subject, error=str(exc)[:200])
                await m.term()
        if not good:
            return
        try:
            await asyncio.to_thread(self.process, events)
        except Exception as exc:
            self.naked += len(good)
            self.last_error = repr(exc)
            log.error("bus.batch_failed", messages=len(good), error=repr(exc))
            for m in good:
                await m.nak(delay=1.0)
            return
        for m in good:
            await m.ack()
        self.acked += len(good)

    def stop(self) -> None:
        self._stop.set()


def describe(ack: PublishAck, events: int, now: datetime) -> dict[str, Any]:
    """The HTTP answer when ingest only queues: accepted, not yet correlated."""
    return {"ok": True, "accepted": events, "queued": True, "stream": ack.stream, "seq": ack.seq,
            "duplicate": ack.duplicate, "at": now.isoformat()}
