"""Entry points for Python callers; the CLI uses the same functions."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from mtqa.config import Config, load_config
from mtqa.ingest.formats import read_documents
from mtqa.ingest.sources import InputError, expand_paths
from mtqa.types import Document, DocumentReport


def _config(config: Config | None, overrides: dict[str, Any]) -> Config:
    if config is None:
        return load_config(**overrides)
    return config.with_overrides(**overrides)


def score_documents(documents: Iterable[Document], config: Config | None = None, **overrides: Any) -> Iterator[DocumentReport]:
    """Check documents lazily, one report per document, in order."""
    from mtqa.pipeline import Checker

    checker = Checker(_config(config, overrides))
    return checker.check_documents(documents)


def check(paths: str | Path | Sequence[str | Path], config: Config | None = None, **overrides: Any) -> list[DocumentReport]:
    """Check files, directories or globs; raises ``mtqa.ingest.sources.InputError`` for unreadable input."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    cfg = _config(config, overrides)
    sources = expand_paths([str(p) for p in paths])
    documents = []
    for source in sources:  # a wire file (NewsML-G2, RSS, Atom, ninjs) may hold several stories
        for item in read_documents(source, cfg.max_bytes):
            if isinstance(item, InputError):
                raise item
            documents.append(item)
    return list(score_documents(documents, cfg))


def check_text(text: str, config: Config | None = None, *, doc_id: str = "<text>", **overrides: Any) -> DocumentReport:
    """Check one article given as a string."""
    return next(score_documents([Document(doc_id, doc_id, text)], config, **overrides))
