"""A persistent SQLite cache of model outputs, so re-checking an unchanged sentence costs no model work.

Wire stories are re-sent many times a day with a paragraph changed; every unchanged sentence is a
cache hit. Entries are keyed by model id + revision (which, for CTranslate2, names the compute
type) + decoding parameters + what was asked (translate, score, lm) + sha256 of the text, and the
key also carries mtqa's version, so new scoring code never reads old numbers. Values are JSON;
Python floats survive a JSON round trip exactly, so a cached run writes the same report bytes.

WAL mode lets several ``mtqa`` processes share one file: readers never block, writers queue
(``busy_timeout``), and each batch of results is one transaction, so a killed run leaves no
half-written entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mtqa._version import __version__
from mtqa.models.backends.base import LMScores, TokenScores, Translation

CACHE_FORMAT = 1  # bump when the stored values change meaning
BUSY_TIMEOUT_S = 60.0


def default_cache_path() -> Path:
    """``$MTQA_CACHE``, else ``$XDG_CACHE_HOME/mtqa/cache.sqlite``, else ``~/.cache/mtqa/cache.sqlite``."""
    explicit = os.environ.get("MTQA_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mtqa" / "cache.sqlite"


def text_hash(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


class Cache:
    """Key/value store on one SQLite file; safe to share between processes."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
        self._setup([
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=NORMAL",
            "CREATE TABLE IF NOT EXISTS entries (model TEXT NOT NULL, revision TEXT NOT NULL, "
            "params TEXT NOT NULL, kind TEXT NOT NULL, text_sha256 TEXT NOT NULL, value TEXT NOT NULL, "
            "PRIMARY KEY (model, revision, params, kind, text_sha256)) WITHOUT ROWID",
        ])

    def _setup(self, statements: Sequence[str]) -> None:
        """Run the set-up statements, retrying while another process holds the lock.

        Switching to WAL needs an exclusive lock and SQLite does not apply the busy timeout to it,
        so two runs opening a new cache at the same moment would otherwise fail with "locked".
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        for statement in statements:
            while True:
                try:
                    self.db.execute(statement)
                    break
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)

    def get_many(self, scope: tuple[str, str, str, str], hashes: Sequence[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        unique = sorted(set(hashes))
        for start in range(0, len(unique), 500):  # stay under SQLite's bound-parameter limit
            chunk = unique[start:start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT text_sha256, value FROM entries WHERE model=? AND revision=? AND params=? AND kind=? "
                f"AND text_sha256 IN ({marks})", (*scope, *chunk))
            found.update((h, json.loads(v)) for h, v in rows)
        return found

    def put_many(self, scope: tuple[str, str, str, str], items: dict[str, Any]) -> None:
        if not items:
            return
        rows = [(*scope, h, json.dumps(v, ensure_ascii=False)) for h, v in sorted(items.items())]
        with self.db:  # one transaction: all of the batch or none of it
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?)", rows)

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]

    def close(self) -> None:
        self.db.close()


class _Cached:
    """Shared by the wrappers: look up every distinct input, run the model on the misses only."""

    def __init__(self, inner, cache: Cache):
        self.inner, self.cache = inner, cache
        self.model_id, self.revision, self.backend = inner.model_id, inner.revision, inner.backend

    def __getattr__(self, name: str):  # tokenizer, model, max_length...: the wrapped model's
        return getattr(self.inner, name)

    def _lookup(self, kind: str, params: dict, keys: list[tuple[str, ...]],
                compute: Callable[[list[tuple[str, ...]]], list[Any]]) -> list[Any]:
        scope = (self.model_id, self.revision, json.dumps({**params, "mtqa": __version__, "format": CACHE_FORMAT},
                                                          sort_keys=True), kind)
        hashes = [text_hash(*k) for k in keys]
        found = self.cache.get_many(scope, hashes)
        # The misses go to the model as the caller gave them (order, repeats): batch composition moves
        # the last float bits, so a cold-cache run then computes exactly what a run without cache does.
        todo = [(h, k) for h, k in zip(hashes, keys) if h not in found]
        if todo:
            fresh = dict(zip((h for h, _ in todo), compute([k for _, k in todo])))
            self.cache.put_many(scope, fresh)
            found.update(json.loads(json.dumps(fresh)))  # what a later run will read, exactly
        return [found[h] for h in hashes]


class CachedTranslator(_Cached):
    """The Translator protocol with a cache in front of translate() and score()."""

    def translate(self, texts: Sequence[str], beam: int = 1) -> list[Translation]:
        def compute(keys):
            return [[t.text, t.mean_logprob] for t in self.inner.translate([k[0] for k in keys], beam=beam)]

        rows = self._lookup("translate", {"beam": beam}, [(t,) for t in texts], compute)
        return [Translation(text, mean) for text, mean in rows]

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[TokenScores]:
        if len(sources) != len(targets):
            raise ValueError("score() needs as many sources as targets")

        def compute(keys):
            scored = self.inner.score([k[0] for k in keys], [k[1] for k in keys])
            return [[list(s.tokens), list(s.logprobs)] for s in scored]

        rows = self._lookup("score", {}, list(zip(sources, targets)), compute)
        return [TokenScores(tuple(tokens), tuple(lps)) for tokens, lps in rows]


class CachedLanguageModel(_Cached):
    """A causal-LM scorer with a cache in front of score()."""

    def score(self, texts: Sequence[str]) -> list[LMScores]:
        def compute(keys):
            scored = self.inner.score([k[0] for k in keys])
            return [[list(s.tokens), [list(o) for o in s.offsets], list(s.logprobs)] for s in scored]

        rows = self._lookup("lm", {}, [(t,) for t in texts], compute)
        return [LMScores(tuple(tokens), tuple(tuple(o) for o in offsets), tuple(lps))
                for tokens, offsets, lps in rows]
