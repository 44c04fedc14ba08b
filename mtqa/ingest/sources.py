"""Reading articles: files, directories, globs, stdin and JSONL feeds, with encoding detection.

Errors a user can cause raise ``InputError`` with one line that names the path and the problem;
the CLI prints it and exits 2 (or, in a batch, counts it and goes on).
"""

from __future__ import annotations

import codecs
import errno
import glob
import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from mtqa.types import Document

# What a directory scan picks up: plain-text articles. HTML pages, JSONL feeds (--feed) and mtqa's
# own reports (.html, .jsonl, .json, .csv) written into the same folder are not articles to score;
# name such files, or a glob, to check them.
TEXT_SUFFIXES = (".txt", ".text")
# Wire copy a directory scan picks up as well: ninjs always (mtqa writes no such file); XML only when
# --input-format names an XML format, since a JUnit report (.xml) may sit in the same folder.
NINJS_SUFFIXES = (".ninjs", ".ninjs.json")
XML_SUFFIXES = (".xml", ".rss", ".atom")
SCAN_SUFFIXES = {"auto": TEXT_SUFFIXES + NINJS_SUFFIXES, "ninjs": NINJS_SUFFIXES + (".json",),
                 "newsml": XML_SUFFIXES, "rss": XML_SUFFIXES, "atom": XML_SUFFIXES}


class InputError(Exception):
    """An input a user gave cannot be read (exit code 2)."""


class FeedLineError(InputError):
    """One line of a JSONL feed cannot be used; ``where`` (``feed.jsonl:12``) identifies it."""

    def __init__(self, where: str, problem: str):
        super().__init__(f"{where}: {problem}")
        self.where = where


@dataclass(frozen=True)
class Source:
    """A place a document comes from, resolved before anything is read."""

    path: str  # as shown in reports; "-" for stdin
    real: Path | None  # None for stdin
    problem: str | None = None  # why it cannot be read (kept to report in its place in a batch)


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode bytes to text and say which encoding was assumed.

    Order: BOMs (UTF-8, UTF-16), strict UTF-8, then Windows-1252 for Western European text (Latin-1
    where a byte is unassigned in Windows-1252). Binary data (NUL bytes outside UTF-16, or more
    than 5 % control characters) is refused rather than guessed at; a few stray escape codes in a
    story do not make it binary.
    """
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(data[len(codecs.BOM_UTF8):], "utf-8", path), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _strict(data, "utf-16", path), "utf-16"
    elif b"\x00" in data:
        raise InputError(f"{path}: binary data (NUL bytes), not a text article")
    else:
        text, encoding = _guess(data)
    if "\x00" in text:  # after a BOM too: a BOM in front of an image is still an image
        raise InputError(f"{path}: binary data (NUL bytes), not a text article")
    if sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f") > len(text) // 20 + 8:
        raise InputError(f"{path}: binary data (control bytes), not a text article")
    return text, encoding


def _guess(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d are unassigned in Windows-1252
        return data.decode("latin-1"), "latin-1"


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise InputError(f"{path}: not valid {encoding.upper()} despite its byte-order mark") from None


def expand_paths(patterns: Sequence[str], keep_going: bool = False, input_format: str = "auto") -> list[Source]:
    """Files, directories (their article files, sorted) and globs, in the order given; ``-`` is stdin.

    Which files in a directory are articles depends on ``input_format`` (``SCAN_SUFFIXES``).

    A pattern that names nothing readable raises ``InputError``; with ``keep_going`` it becomes a
    Source with a ``problem`` instead, so a batch reports it in place and goes on.
    """
    if not patterns:
        raise InputError("no input: give one or more files, directories or globs (or - for stdin)")
    if list(patterns).count("-") > 1:
        raise InputError("-: standard input can be read only once")
    out: list[Source] = []
    for pattern in patterns:
        try:
            out.extend(_expand(pattern, SCAN_SUFFIXES.get(input_format, TEXT_SUFFIXES)))
        except InputError as exc:
            if not keep_going:
                raise
            out.append(Source(pattern, None, str(exc)))
    return out


def _expand(pattern: str, suffixes: tuple[str, ...] = TEXT_SUFFIXES) -> list[Source]:
    """The sources one pattern names."""
    if pattern == "-":
        return [Source("-", None)]
    if glob.has_magic(pattern) and not os.path.lexists(pattern):  # "story[1].txt" is a file name
        files = [m for m in sorted(glob.glob(pattern, recursive=True)) if os.path.isfile(m)]
        if not files:
            raise InputError(f"{pattern}: no file matches this pattern")
        return [Source(m, Path(m)) for m in files]
    p = Path(pattern)
    if _is_symlink_loop(p):
        raise InputError(f"{pattern}: symbolic link loop")
    if p.is_dir():
        files = _article_files(p, suffixes)
        if not files:
            raise InputError(f"{pattern}: directory has no article files ({', '.join(suffixes)})")
        return [Source(str(f), f) for f in files]
    if p.exists():
        return [Source(pattern, p)]
    raise InputError(f"{pattern}: no such file or directory")


def _is_symlink_loop(p: Path) -> bool:
    """A link that never reaches a file (``a -> b -> a``): ``exists()`` alone calls it missing."""
    if not p.is_symlink():
        return False
    try:
        p.resolve(strict=True)
    except RuntimeError:  # Python < 3.13 reports a loop this way
        return True
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _article_files(directory: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Article files under ``directory``, sorted; linked directories are not entered (no loops)."""
    out = []
    for root, dirs, names in os.walk(directory, followlinks=False):
        dirs.sort()
        for name in names:
            f = Path(root) / name
            if name.lower().endswith(suffixes) and f.is_file():
                out.append(f)
    return sorted(out)


def too_large(path: str, max_bytes: int) -> InputError:
    return InputError(f"{path}: larger than --max-bytes ({max_bytes} bytes); "
                      "split it or raise --max-bytes")


def read_bytes(source: Source, max_bytes: int) -> bytes:
    """At most ``max_bytes`` bytes: a larger input is refused before it fills memory."""
    if source.problem:
        raise InputError(source.problem)
    try:
        if source.real is None:
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            with source.real.open("rb") as fh:
                if os.fstat(fh.fileno()).st_size > max_bytes:
                    raise too_large(source.path, max_bytes)
                data = fh.read(max_bytes + 1)
    except PermissionError:
        raise InputError(f"{source.path}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{source.path}: is a directory") from None
    except OSError as exc:
        raise InputError(f"{source.path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise too_large(source.path, max_bytes)
    return data


def read_document(source: Source, max_bytes: int = 20_000_000) -> Document:
    data = read_bytes(source, max_bytes)
    text, encoding = decode(data, source.path)
    if not text.strip():
        raise InputError(f"{source.path}: empty article (no text)")
    return Document(id=source.path, path=source.path, text=text, encoding=encoding)


def read_feed(source: Source, max_bytes: int = 20_000_000) -> Iterator[Document | InputError]:
    """A JSONL feed: one object per line with ``text`` and an optional ``id``.

    A bad line yields an ``InputError`` (with its line number) in its place, so one broken record
    does not lose the rest of the feed; an unreadable feed raises.
    """
    data = read_bytes(source, max_bytes)
    text, encoding = decode(data, source.path)
    seen: set[str] = set()
    lines = 0
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        lines += 1
        where = f"{source.path}:{lineno}"
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            yield FeedLineError(where, "not valid JSON")
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            yield FeedLineError(where, 'not a JSON object with a "text" string')
            continue
        doc_id = str(obj.get("id", where))
        if doc_id in seen:  # --resume and every report key on the id
            yield FeedLineError(where, f"duplicate id {doc_id!r}")
            continue
        seen.add(doc_id)
        if not obj["text"].strip():
            yield FeedLineError(where, "empty article (no text)")
            continue
        yield Document(id=doc_id, path=doc_id, text=obj["text"], encoding=encoding)
    if not lines:
        raise InputError(f"{source.path}: empty feed (no articles)")
