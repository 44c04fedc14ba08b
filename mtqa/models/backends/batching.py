"""Token-budget batching shared by every backend.

A fixed number of sentences per batch either wastes the machine on short sentences or runs out of
memory on long ones; the cost of a padded batch is its row count times its longest row. Items are
sorted by length (so little is padding), packed until the next one would push the padded size over
the budget, and results come back in input order. Every model call scores each row on its own, so
results do not depend on how rows were batched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
SCORING_SHARE = 4  # forced scoring keeps a full-vocabulary row per target token: a quarter of the budget
DEFAULT_BATCH_TOKENS = 1024  # padded tokens per batch: ~30 news sentences; scoring logits stay ~240 MB (58k vocab)


def token_batches(lengths: Sequence[int], max_tokens: int, max_rows: int | None = None) -> Iterator[list[int]]:
    """Indices of the items, shortest first, in batches whose padded size stays within ``max_tokens``.

    A single item longer than the budget still gets a batch of its own.
    """
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    batch: list[int] = []
    for i in order:
        width = max(lengths[i], 1)  # sorted, so the newest item is the longest
        if batch and ((len(batch) + 1) * width > max_tokens or (max_rows and len(batch) >= max_rows)):
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch


def in_token_batches(items: Sequence[T], lengths: Sequence[int], run: Callable[[list[T]], list[R]],
                     max_tokens: int, max_rows: int | None = None) -> list[R]:
    """Run ``run`` over token-budget batches of ``items`` and give the results back in input order."""
    out: list[R | None] = [None] * len(items)
    for idx in token_batches(lengths, max_tokens, max_rows):
        for i, result in zip(idx, run([items[i] for i in idx])):
            out[i] = result
    return out  # type: ignore[return-value]


def scoring_budget(batch_tokens: int) -> int:
    """Token budget for forced scoring: with a 58k vocabulary each target token holds ~230 KB of
    log-probabilities, so scoring batches are cut smaller than translation batches (peak memory)."""
    return max(1, batch_tokens // SCORING_SHARE)
