"""``mtqa flags``, ``score`` and ``check``: options → Config → Checker → writer, and exit codes.

Exit codes: 0 the check passed (or nothing to gate), 1 the quality gate failed, 2 a usage or input
error. Errors a user can cause print one line on stderr, never a traceback.
"""

from __future__ import annotations

import errno
import functools
import inspect
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import chain
from pathlib import Path
from typing import Any, Callable, Iterator, List, Optional, TextIO

import typer

from mtqa.cli.batch import (
    ResumeError,
    Tally,
    Terminated,
    check_signature,
    finished_articles,
    open_output,
    safe_line,
    stop_on_sigterm,
)
from mtqa.cli.common import build_config, cache_options, fail
from mtqa.config import ConfigError
from mtqa.engines.base import EngineError
from mtqa.extensions import ENGINES, SIGNALS
from mtqa.ingest.formats import INPUT_FORMATS, check_format
from mtqa.ingest.sources import InputError, expand_paths
from mtqa.ingest.stream import first_readable, iter_items
from mtqa.report import ARTICLE_ROWS, FORMATS, View, make_writer
from mtqa.scoring.gate import FAIL_ON, Gate
from mtqa.scoring.profile import ProfileError
from mtqa.signals.base import SignalUnavailable
from mtqa.types import DocumentReport

# ---- shared options -------------------------------------------------------------------------

FormatOpt = typer.Option("table", "--format", "-f", help=f"Output format: {', '.join(FORMATS)}.")
OutputOpt = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout.")
LinesOpt = typer.Option(False, "--lines", help="Every non-empty line is one sentence (no segmentation).")
ModelsDirOpt = typer.Option(None, "--models-dir", help="Model directory (default: $MTQA_MODELS_DIR, ./models, then the Hugging Face cache).")
SignalsOpt = typer.Option(None, "--signals", help=f"Comma-separated signals to run: {', '.join(SIGNALS)} (default: all; a signal whose model is missing is skipped).")
RequireOpt = typer.Option(False, "--require-models", help="Fail (exit 2) when a model is missing instead of skipping its signal.")
BackendOpt = typer.Option(None, "--backend", help="Translation backend: auto, hf, ct2.")
DeviceOpt = typer.Option(None, "--device", help="cpu, cuda or auto.")
BeamOpt = typer.Option(None, "--beam", help="Beam size for back-translation (1 = greedy).")
ShortlistOpt = typer.Option(None, "--shortlist", help="Translation passes choose only among the pieces of the N most "
                            "frequent target-language words (faster on ct2; changes outputs; in the signature). 0: off.")
ParseOpt = typer.Option(None, "--parse", help="How the rules read an article's sentence: paragraph (default: its "
                        "paragraph's parse, made once; rules:3) or sentence (parsed again on its own, as rules:1 did: rules:3-sentence).")
BatchOpt = typer.Option(None, "--batch-size", help="Sentences per model batch (does not change scores).")
ProfileOpt = typer.Option(None, "--profile", help="Scoring profile TOML (from `mtqa calibrate`).")
MaxBytesOpt = typer.Option(None, "--max-bytes", help="Refuse input files larger than this.")
FeedOpt = typer.Option(False, "--feed", help="Inputs are JSONL feeds: one {\"id\", \"text\"} object per line (--input-format jsonl).")
InputFormatOpt = typer.Option("auto", "--input-format", help=f"How inputs are read: {', '.join(INPUT_FORMATS)} (auto: "
                              ".ninjs/.ninjs.json are ninjs, .xml is NewsML-G2, RSS or Atom by its root element, the "
                              "rest plain text or HTML by content).")
CacheOpt = typer.Option(None, "--cache", help="Keep model outputs in this SQLite file and reuse them (default: off; "
                        "use_cache = true in mtqa.toml uses $XDG_CACHE_HOME/mtqa/cache.sqlite).")
NoCacheOpt = typer.Option(False, "--no-cache", help="Do not read or write the model-output cache.")
ColorOpt = typer.Option(None, "--color/--no-color", help="Force colour on or off (default: on for a terminal unless NO_COLOR).")
ResumeOpt = typer.Option(False, "--resume", help="With --format jsonl -o FILE: skip articles already in FILE and append the rest.")
FluencyModelOpt = typer.Option(None, "--fluency-model", help="Language model for fluency: a registry role, a model directory or a cached hub id.")
SlorOpt = typer.Option(None, "--slor/--no-slor", help="Fluency as SLOR: LM log-prob minus unigram log-prob per token.")
EngineOpt = typer.Option(None, "--engine", help=f"Where the check runs: {', '.join(ENGINES)} (ray: a pool of Ray actors, "
                         "pip install 'mtqa[ray]'; default local).")
RayAddressOpt = typer.Option(None, "--ray-address", help="With --engine ray: join this Ray cluster (auto, HOST:PORT, "
                             "ray://HOST:10001) instead of starting a local instance.")
WorkersOpt = typer.Option(None, "--workers", help="Worker processes (local engine) or Ray actors, each with its "
                          "own Checker (default: local, the cores for a model-free batch of 16+ articles, else 1; "
                          "ray, as many as the CPUs, and GPUs, allow).")
CpusPerWorkerOpt = typer.Option(None, "--cpus-per-worker", help="With --engine ray: CPUs each actor reserves (default 1).")
GpusPerWorkerOpt = typer.Option(None, "--gpus-per-worker", help="With --engine ray: GPUs each actor reserves "
                                "(default 0; needs --device cuda).")
OfflineOpt = typer.Option(None, "--offline/--online", help="Never touch the network (the default); models are only read from disk either way.")


@contextmanager
def output_stream(path: Optional[Path], fmt: str, append: bool = False) -> Iterator[TextIO]:
    """stdout, or a file that appears whole (temp + rename); JSONL is written through as it goes."""
    if path is None:
        yield sys.stdout
        return
    if fmt == "jsonl":
        with open_output(path, append) as fh:
            yield fh
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            yield fh
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def run(kind: str, paths: List[str], fmt: str, output: Optional[Path], gate: Gate, show_all: bool,
        color: Optional[bool], feed: bool, config_options: dict, resume: bool = False,
        input_format: str = "auto") -> Tally:
    """Check every input and stream it to the writer; returns how the batch went.

    The engine (``--engine``: local, or a Ray actor pool) checks; this function reads the inputs,
    writes the reports in input order as they come, and counts them, the same for every engine; the
    inputs themselves are read by ``mtqa.ingest.stream``.
    """
    if fmt not in FORMATS:
        raise fail(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if resume and (fmt != "jsonl" or output is None):
        raise fail("--resume needs --format jsonl and --output FILE")
    if output is not None and str(output) == "-":
        output = None  # "-o -" is standard output
    tally = Tally()
    try:
        check_format(input_format)
        if feed and input_format not in ("auto", "jsonl"):
            raise InputError(f"--feed reads JSONL; it cannot be combined with --input-format {input_format}")
        config = build_config(**config_options)
        if kind != "flags" and fmt in ARTICLE_ROWS:
            config = replace(config, sentence_detail=False)
        sources = expand_paths(paths, keep_going=True, input_format="jsonl" if feed else input_format)
        if output is not None and any(s.real is not None and _same_file(s.real, output) for s in sources):
            raise fail(f"{output}: is also an input; write the report somewhere else")
        finished = finished_articles(output) if resume else None
        done = finished.ids if finished else frozenset()
        items = iter_items(sources, config.max_bytes, feed, done, input_format)
        head, readable = first_readable(items)
        if not readable and any(isinstance(i, DocumentReport) for i in head):
            for report in head:
                typer.echo(f"mtqa: error: {safe_line(report.error or '')}", err=True)
            if len(head) > 1:
                typer.echo(safe_line(Tally(errors=len(head), skipped=len(done)).summary(kind == "check")), err=True)
            raise typer.Exit(2)
        from mtqa.engines import open_engine

        engine = open_engine(config)
    except (InputError, ConfigError, ProfileError, ResumeError, EngineError) as exc:
        raise fail(str(exc)) from None
    except SignalUnavailable as exc:
        fix = f"; {exc.fix}" if exc.fix else ""
        raise fail(f"{exc.name}: {exc.reason}{fix}") from None

    tally.skipped = len(done)
    try:
        if finished is not None:
            try:
                check_signature(output, finished, engine.signature)
            except ResumeError as exc:
                raise fail(str(exc)) from None
        write_reports(engine.reports(chain(head, items)), kind, fmt, output, gate, show_all, color, resume,
                      tally, total=0 if feed or input_format != "auto" else len(sources) - len(done))
    finally:
        engine.close()
    if tally.checked + tally.errors + tally.skipped > 1:
        typer.echo(tally.summary(kind == "check"), err=True)
    return tally


def write_reports(reports: Iterator[DocumentReport], kind: str, fmt: str, output: Optional[Path], gate: Gate,
                  show_all: bool, color: Optional[bool], append: bool, tally: Tally, total: int) -> None:
    """Write each report as it comes, count it, and advance the progress bar."""
    view = View(kind=kind, show_all=show_all, gate=gate, color=color)
    try:
        with stop_on_sigterm(), output_stream(output, fmt, append=append) as out, \
                progress(total, fmt, output) as advance:
            writer = make_writer(fmt, out, view)
            for report in reports:
                writer.add(report)
                count(report, tally, gate if kind == "check" else None)
                advance()
            writer.close()
    except OSError as exc:
        if output is None and exc.errno == errno.EPIPE:
            raise  # the reader of stdout went away: the console script ends quietly
        raise fail(f"{output or 'output'}: cannot write ({exc.strerror or exc})") from None
    except (KeyboardInterrupt, EngineError) as exc:
        done_count = tally.checked + tally.errors
        kept = f"; the finished ones are in {output} (rerun with --resume)" if fmt == "jsonl" and output else ""
        if isinstance(exc, EngineError):
            typer.echo(f"mtqa: error: {safe_line(str(exc))} after {done_count} articles{kept}", err=True)
            raise typer.Exit(2) from None
        typer.echo(f"mtqa: interrupted after {done_count} articles{kept}", err=True)
        raise typer.Exit(143 if isinstance(exc, Terminated) else 130) from None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def count(report: DocumentReport, tally: Tally, gate: Gate | None) -> None:
    if report.error:
        typer.echo(f"mtqa: error: {safe_line(report.error)}", err=True)
        tally.errors += 1
        return
    tally.checked += 1
    if gate is not None and gate.failures(report):
        tally.failed += 1


@contextmanager
def progress(total: int, fmt: str, output: Optional[Path]):
    """A progress bar on stderr for batches on a terminal; nothing otherwise."""
    if total < 2 or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(transient=True, console=Console(file=sys.stderr)) as bar:
        task = bar.add_task("checking", total=total)
        yield lambda: bar.advance(task)


# ---- commands -------------------------------------------------------------------------------

# Options flags, score and check share: (annotation, typer option). ``shared_options`` appends them
# to a command's signature, so each is declared once.
SHARED_OPTIONS: dict[str, tuple[Any, Any]] = {
    "fmt": (str, FormatOpt), "output": (Optional[Path], OutputOpt), "lines": (bool, LinesOpt),
    "models_dir": (Optional[Path], ModelsDirOpt), "signals": (Optional[str], SignalsOpt),
    "require_models": (bool, RequireOpt), "backend": (Optional[str], BackendOpt),
    "device": (Optional[str], DeviceOpt), "beam": (Optional[int], BeamOpt),
    "shortlist": (Optional[int], ShortlistOpt), "parse": (Optional[str], ParseOpt),
    "batch_size": (Optional[int], BatchOpt), "profile": (Optional[str], ProfileOpt),
    "fluency_model": (Optional[str], FluencyModelOpt), "slor": (Optional[bool], SlorOpt),
    "max_bytes": (Optional[int], MaxBytesOpt), "feed": (bool, FeedOpt), "input_format": (str, InputFormatOpt), "color": (Optional[bool], ColorOpt),
    "resume": (bool, ResumeOpt), "offline": (Optional[bool], OfflineOpt),
    "cache": (Optional[Path], CacheOpt), "no_cache": (bool, NoCacheOpt),
    "engine": (Optional[str], EngineOpt), "ray_address": (Optional[str], RayAddressOpt),
    "workers": (Optional[int], WorkersOpt), "cpus_per_worker": (Optional[float], CpusPerWorkerOpt),
    "gpus_per_worker": (Optional[float], GpusPerWorkerOpt),
}


@dataclass(frozen=True)
class Shared:
    """The shared options of one invocation, split into output choices and Config settings."""

    values: dict[str, Any]

    def run(self, kind: str, paths: List[str], gate: Gate, show_all: bool = False) -> Tally:
        v = dict(self.values)
        output_keys = ("fmt", "output", "color", "feed", "resume", "input_format")
        fmt, output, color, feed, resume, input_format = (v.pop(k) for k in output_keys)
        v.update(cache_options(v.pop("cache"), v.pop("no_cache")))
        return run(kind, paths, fmt, output, gate, show_all, color, feed, v, resume, input_format)


def shared_options(command: Callable[..., None]) -> Callable[..., None]:
    """Give ``command`` the shared options; it receives them as one ``shared: Shared`` argument."""
    own = [p for name, p in inspect.signature(command).parameters.items() if name != "shared"]
    extra = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=annotation)
             for name, (annotation, option) in SHARED_OPTIONS.items()]

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> None:
        shared = Shared({name: kwargs.pop(name) for name in SHARED_OPTIONS})
        return command(**kwargs, shared=shared)

    wrapper.__signature__ = inspect.Signature(own + extra)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in own + extra}
    del wrapper.__wrapped__  # Typer must read the new signature, not the original's
    return wrapper


PathsArg = typer.Argument(..., help="Article files, directories, globs, or - for stdin.")


@shared_options
def flags(
    paths: List[str] = PathsArg,
    show_all: bool = typer.Option(False, "--all", "-a", help="Show unflagged sentences too."),
    shared: Shared = None,  # type: ignore[assignment]
) -> None:
    """List sentences an editor must repair, with line, score, severity, reason and suspect words.

    Examples:

      mtqa flags data/seed-article.txt

      mtqa flags story.txt --all --format json -o story.json

      mtqa flags --lines segments.txt
    """
    raise typer.Exit(shared.run("flags", paths, Gate(), show_all).exit_code())


@shared_options
def score(paths: List[str] = PathsArg, shared: Shared = None) -> None:  # type: ignore[assignment]
    """Score many articles: one row per article (sentences, flagged, article score).

    Examples:

      mtqa score incoming/

      mtqa score 'wire/**/*.txt' --format jsonl -o scores.jsonl

      cat story.txt | mtqa score -
    """
    raise typer.Exit(shared.run("score", paths, Gate()).exit_code())


@shared_options
def check(
    paths: List[str] = PathsArg,
    max_flagged: Optional[int] = typer.Option(None, "--max-flagged", help="Fail an article with more flagged sentences than this."),
    min_score: Optional[float] = typer.Option(None, "--min-score", help="Fail an article whose score is below this (0-100)."),
    fail_on: str = typer.Option("major", "--fail-on", help="Fail on any flag of this severity or worse: major, minor, never."),
    fail_on_junk: bool = typer.Option(False, "--fail-on-junk", help="Fail when junk (credits, sign-offs, teasers...) is left in."),
    shared: Shared = None,  # type: ignore[assignment]
) -> None:
    """CI gate: exit 0 when every article passes, 1 when any fails, 2 on usage or input errors.

    Examples:

      mtqa check incoming/*.txt || exit 1

      mtqa check story.txt --fail-on minor --max-flagged 0

      mtqa check wire/ --min-score 90 --format json -o gate.json
    """
    if fail_on not in FAIL_ON:
        raise fail(f"unknown --fail-on {fail_on!r}; choose one of {', '.join(FAIL_ON)}")
    if min_score is not None and not 0 <= min_score <= 100:
        raise fail("--min-score must be between 0 and 100")
    if max_flagged is not None and max_flagged < 0:
        raise fail("--max-flagged must be 0 or more")
    gate = Gate(max_flagged=max_flagged, min_score=min_score, fail_on=fail_on, fail_on_junk=fail_on_junk)
    raise typer.Exit(shared.run("check", paths, gate).exit_code())


def register(app: typer.Typer) -> None:
    """Add ``flags``, ``score`` and ``check`` to ``app``."""
    for command in (flags, score, check):
        app.command()(command)
