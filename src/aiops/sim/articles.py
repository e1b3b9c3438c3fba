"""Sulu's content: an `articles` table in SQLite and the queries the API runs on it.

Plain sync functions over a `sqlite3.Connection`; the app runs them in worker threads
through the pool. The seed is deterministic so every run serves the same site.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path
from typing import Any

_TOPICS = (
    "incident",
    "change",
    "capacity",
    "release",
    "backup",
    "network",
    "database",
    "monitoring",
    "security",
    "cost",
)
_WORDS = ("review", "guide", "notes", "checklist", "postmortem", "plan", "report", "faq")

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
"""


def connect(path: Path) -> sqlite3.Connection:
    """A connection usable from any pool thread; WAL so instances share the file."""
    conn = sqlite3.connect(path, timeout=5.0, check_same_thread=False, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=5000")
    return conn


def init_db(path: Path, *, seed_count: int = 200) -> None:
    """Create the schema and seed it once (safe when several instances start together)."""
    conn = connect(path)
    try:
        conn.executescript(SCHEMA)
        conn.execute("BEGIN IMMEDIATE")
        (count,) = conn.execute("SELECT COUNT(*) FROM articles").fetchone()
        if count == 0:
            rng = random.Random(42)
            rows = []
            for i in range(seed_count):
                topic = rng.choice(_TOPICS)
                title = f"{topic.title()} {rng.choice(_WORDS)} #{i + 1}"
                body = " ".join(rng.choice(_TOPICS + _WORDS) for _ in range(60))
                rows.append((title, body, f"author{rng.randint(1, 12)}"))
            conn.executemany("INSERT INTO articles (title, body, author) VALUES (?,?,?)", rows)
        conn.execute("COMMIT")
    finally:
        conn.close()


def _row(r: sqlite3.Row) -> dict[str, Any]:
    return {k: r[k] for k in r.keys()}  # noqa: SIM118 - sqlite3.Row is not a Mapping


def list_articles(conn: sqlite3.Connection, limit: int, offset: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT id, title, author, created_at FROM articles ORDER BY id DESC LIMIT ? OFFSET ?",
        (limit, offset),
    ).fetchall()
    return [_row(r) for r in rows]


def get_article(conn: sqlite3.Connection, article_id: int) -> dict[str, Any] | None:
    r = conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
    return _row(r) if r is not None else None


def search(conn: sqlite3.Connection, q: str, limit: int = 20) -> list[dict[str, Any]]:
    like = "%" + q.replace("%", "").replace("_", "") + "%"
    rows = conn.execute(
        "SELECT id, title, author FROM articles WHERE title LIKE ? OR body LIKE ? "
        "ORDER BY id DESC LIMIT ?",
        (like, like, limit),
    ).fetchall()
    return [_row(r) for r in rows]


def create_article(conn: sqlite3.Connection, title: str, body: str, author: str) -> int:
    cur = conn.execute(
        "INSERT INTO articles (title, body, author) VALUES (?,?,?)", (title, body, author)
    )
    return int(cur.lastrowid or 0)


def ping(conn: sqlite3.Connection) -> None:
    conn.execute("SELECT 1").fetchone()


__all__ = [
    "connect",
    "create_article",
    "get_article",
    "init_db",
    "list_articles",
    "ping",
    "search",
]
