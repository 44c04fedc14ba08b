"""What keeps a long batch safe: resuming, stopping cleanly on a signal, counting what happened.

A batch of thousands of articles will be interrupted (Ctrl-C, SIGTERM from a scheduler, a crash
in one article). JSONL output is flushed per article, so what is finished is on disk; ``--resume``
reads it back and skips those articles; the summary line says how many passed, failed or broke.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mtqa.report.safe import printable_line


def safe_line(text: str) -> str:
    """One printable line: a file name or article text cannot move the cursor or recolour a terminal."""
    return printable_line(text, "?")


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C so every ``with`` block closes its files."""


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into ``Terminated`` while a batch runs (only possible in the main thread)."""
    def handler(signum, frame):
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@dataclass
class Tally:
    """How a batch went, for the exit code and the summary line."""

    checked: int = 0
    failed: int = 0  # checked, but the quality gate failed
    errors: int = 0  # unreadable, or the check itself broke
    skipped: int = 0  # already in the output (``--resume``)

    def summary(self, gate: bool) -> str:
        parts = [f"{self.checked} checked"]
        if gate:
            parts.append(f"{self.checked - self.failed} passed, {self.failed} failed the gate")
        parts.append(f"{self.errors} could not be checked")
        if self.skipped:
            parts.append(f"{self.skipped} skipped (already in the output)")
        return "mtqa: " + ", ".join(parts)

    def exit_code(self) -> int:
        return 2 if self.errors else 1 if self.failed else 0


class ResumeError(Exception):
    """The output file cannot be resumed (exit code 2)."""


@dataclass(frozen=True)
class Finished:
    """Articles already in a JSONL output file, and the signatures they were made with."""

    ids: frozenset[str]
    signatures: frozenset[str]


def finished_articles(path: Path) -> Finished:
    """Read a JSONL output back; a last line cut off by a kill is removed so appending stays valid."""
    if not path.exists():
        return Finished(frozenset(), frozenset())
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ResumeError(f"{path}: cannot read for --resume ({exc.strerror or exc})") from None
    complete = data[: data.rfind(b"\n") + 1]
    if len(complete) != len(data):
        with open(path, "r+b") as fh:
            fh.truncate(len(complete))
    ids, signatures = set(), set()
    for lineno, line in enumerate(complete.split(b"\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            ids.add(str(obj["id"]))
        except (ValueError, KeyError, TypeError):
            raise ResumeError(f"{path}:{lineno}: not an mtqa JSONL report line; cannot resume") from None
        if obj.get("signature") and not obj.get("error"):
            signatures.add(obj["signature"])
    return Finished(frozenset(ids), frozenset(signatures))


def check_signature(path: Path, finished: Finished, signature: str) -> None:
    """Refuse to mix reports made with other models or settings into one file."""
    other = sorted(finished.signatures - {signature})
    if other:
        raise ResumeError(f"{path}: made with a different signature ({other[0]}); "
                          "resume with the same options or write a new file")


def open_output(path: Path, append: bool):
    """Open a JSONL output; line-buffered is not enough on every platform, writers flush per article."""
    return open(path, "a" if append else "w", encoding="utf-8", newline="\n")

