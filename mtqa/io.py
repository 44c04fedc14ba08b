"""Reading articles: files, directories, globs, stdin and JSONL feeds, with encoding detection.

Errors a user can cause raise ``InputError`` with one line that names the path and the problem;
the CLI prints it and exits 2 (or, in a batch, counts it and goes on).
"""

from __future__ import annotations

import codecs
import glob
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from mtqa.types import Document

TEXT_SUFFIXES = (".txt", ".md", ".text", ".html", ".htm", ".jsonl")


class InputError(Exception):
    """An input a user gave cannot be read (exit code 2)."""


@dataclass(frozen=True)
class Source:
    """A place a document comes from, resolved before anything is read."""

    path: str  # as shown in reports; "-" for stdin
    real: Path | None  # None for stdin


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode bytes to text and say which encoding was assumed.

    Order: BOMs (UTF-8, UTF-16), strict UTF-8, then Windows-1252 for Western European text.
    Binary data (NUL bytes outside UTF-16) is refused rather than guessed at.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8):], "utf-8", path), "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return _strict(data, "utf-16", path), "utf-16"
    if b"\x00" in data:
        raise InputError(f"{path}: binary data (NUL bytes), not a text article")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(f"{path}: cannot decode as UTF-8 or Windows-1252") from None
    if sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f") > len(text) // 100 + 1:
        raise InputError(f"{path}: binary data (control bytes), not a text article")
    return text, "cp1252"


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise InputError(f"{path}: not valid {encoding.upper()} despite its byte-order mark") from None


def expand_paths(patterns: Sequence[str]) -> list[Source]:
    """Files, directories (their text files, sorted) and globs, in the order given; ``-`` is stdin."""
    if not patterns:
        raise InputError("no input: give one or more files, directories or globs (or - for stdin)")
    out: list[Source] = []
    for pattern in patterns:
        if pattern == "-":
            out.append(Source("-", None))
            continue
        if glob.has_magic(pattern):
            matches = sorted(glob.glob(pattern, recursive=True))
            files = [m for m in matches if os.path.isfile(m)]
            if not files:
                raise InputError(f"{pattern}: no file matches this pattern")
            out.extend(Source(m, Path(m)) for m in files)
            continue
        p = Path(pattern)
        if p.is_dir():
            files = sorted(
                f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES
            )
            if not files:
                raise InputError(f"{pattern}: directory has no article files ({', '.join(TEXT_SUFFIXES)})")
            out.extend(Source(str(f), f) for f in files)
        elif p.exists():
            out.append(Source(pattern, p))
        else:
            raise InputError(f"{pattern}: no such file or directory")
    return out


def read_bytes(source: Source, max_bytes: int) -> bytes:
    try:
        if source.real is None:
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            with open(source.real, "rb") as fh:
                data = fh.read(max_bytes + 1)
    except PermissionError:
        raise InputError(f"{source.path}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{source.path}: is a directory") from None
    except OSError as exc:
        raise InputError(f"{source.path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise InputError(f"{source.path}: larger than --max-bytes ({max_bytes} bytes)")
    return data


def read_document(source: Source, max_bytes: int = 20_000_000) -> Document:
    data = read_bytes(source, max_bytes)
    text, encoding = decode(data, source.path)
    if not text.strip():
        raise InputError(f"{source.path}: empty article (no text)")
    return Document(id=source.path, path=source.path, text=text, encoding=encoding)


def read_feed(source: Source, max_bytes: int = 20_000_000) -> Iterator[Document]:
    """A JSONL feed: one object per line with ``text`` and an optional ``id``."""
    data = read_bytes(source, max_bytes)
    text, _ = decode(data, source.path)
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            raise InputError(f"{source.path}:{lineno}: not a JSON object") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise InputError(f"{source.path}:{lineno}: a feed line needs a \"text\" string")
        doc_id = str(obj.get("id", f"{source.path}#{lineno}"))
        yield Document(id=doc_id, path=doc_id, text=obj["text"], encoding="utf-8")
