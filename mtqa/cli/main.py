"""The ``mtqa`` command: options → Config → Checker → writer, and exit codes.

Exit codes: 0 the check passed (or nothing to gate), 1 the quality gate failed, 2 a usage or input
error. Errors a user can cause print one line on stderr, never a traceback.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional, TextIO

import typer

from mtqa import __version__
from mtqa.config import ConfigError, load_config
from mtqa.gate import FAIL_ON, Gate
from mtqa.io import InputError, expand_paths, read_document, read_feed
from mtqa.report import FORMATS, View, make_writer
from mtqa.scoring import ProfileError
from mtqa.signals.base import SignalUnavailable
from mtqa.types import Document, DocumentReport

app = typer.Typer(
    name="mtqa",
    help="Find garbled sentences in machine-translated news, with no source text and no reference.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class UsageError(Exception):
    """Ends the command with one line on stderr and exit code 2."""


def fail(message: str) -> "typer.Exit":
    typer.echo(f"mtqa: error: {message}", err=True)
    return typer.Exit(2)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mtqa {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """mtqa checks machine-translated articles sentence by sentence and flags what an editor must repair."""


# ---- shared options -------------------------------------------------------------------------

FormatOpt = typer.Option("table", "--format", "-f", help=f"Output format: {', '.join(FORMATS)}.")
OutputOpt = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout.")
LinesOpt = typer.Option(False, "--lines", help="Every non-empty line is one sentence (no segmentation).")
ModelsDirOpt = typer.Option(None, "--models-dir", help="Model directory (default: $MTQA_MODELS_DIR, ./models, then the Hugging Face cache).")
SignalsOpt = typer.Option(None, "--signals", help="Comma-separated signals to run: rules, roundtrip, likelihood, fluency.")
RequireOpt = typer.Option(False, "--require-models", help="Fail (exit 2) when a model is missing instead of skipping its signal.")
BackendOpt = typer.Option(None, "--backend", help="Translation backend: auto, hf, ct2.")
DeviceOpt = typer.Option(None, "--device", help="cpu, cuda or auto.")
BeamOpt = typer.Option(None, "--beam", help="Beam size for back-translation (1 = greedy).")
BatchOpt = typer.Option(None, "--batch-size", help="Sentences per model batch (does not change scores).")
ProfileOpt = typer.Option(None, "--profile", help="Scoring profile TOML (from `mtqa calibrate`).")
MaxBytesOpt = typer.Option(None, "--max-bytes", help="Refuse input files larger than this.")
FeedOpt = typer.Option(False, "--feed", help="Inputs are JSONL feeds: one {\"id\", \"text\"} object per line.")
CacheOpt = typer.Option(None, "--cache", help="Keep model outputs in this SQLite file and reuse them (default: off; "
                        "use_cache = true in mtqa.toml uses $XDG_CACHE_HOME/mtqa/cache.sqlite).")
NoCacheOpt = typer.Option(False, "--no-cache", help="Do not read or write the model-output cache.")
ColorOpt = typer.Option(None, "--color/--no-color", help="Force colour on or off (default: on for a terminal unless NO_COLOR).")


def build_config(**options):
    signals = options.pop("signals", None)
    if signals is not None:
        options["signals"] = tuple(s.strip() for s in signals.split(",") if s.strip())
    if options.get("require_models") is False:
        options["require_models"] = None
    if options.get("lines") is False:
        options["lines"] = None
    return load_config(**options)


def iter_documents(paths: List[str], max_bytes: int, feed: bool, errors: list[DocumentReport]) -> Iterator[Document]:
    """Documents in order; an unreadable one becomes an error report and the batch goes on."""
    for source in expand_paths(paths):
        try:
            if feed:
                yield from read_feed(source, max_bytes)
            else:
                yield read_document(source, max_bytes)
        except InputError as exc:
            typer.echo(f"mtqa: error: {exc}", err=True)
            errors.append(error_report(source.path, str(exc)))


def error_report(path: str, message: str) -> DocumentReport:
    return DocumentReport(Document(path, path, ""), (), None, "", (), error=message)


@contextmanager
def output_stream(path: Optional[Path], fmt: str) -> Iterator[TextIO]:
    """stdout, or a file that appears whole (temp + rename); JSONL is written through as it goes."""
    if path is None:
        yield sys.stdout
        return
    if fmt == "jsonl":
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
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
        color: Optional[bool], feed: bool, config_options: dict) -> list[DocumentReport]:
    """Check every input and stream it to the writer; returns the reports (errors included)."""
    if fmt not in FORMATS:
        raise fail(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    try:
        config = build_config(**config_options)
        from mtqa.pipeline import Checker

        sources_errors: list[DocumentReport] = []
        documents = list(iter_documents(paths, config.max_bytes, feed, sources_errors))
        if not documents and sources_errors:
            raise typer.Exit(2)
        checker = Checker(config)
    except (InputError, ConfigError, ProfileError) as exc:
        raise fail(str(exc)) from None
    except SignalUnavailable as exc:
        fix = f"; {exc.fix}" if exc.fix else ""
        raise fail(f"{exc.name}: {exc.reason}{fix}") from None

    view = View(kind=kind, show_all=show_all, gate=gate, color=color)
    reports: list[DocumentReport] = list(sources_errors)
    with output_stream(output, fmt) as out, progress(len(documents), fmt, output) as advance:
        writer = make_writer(fmt, out, view)
        for report in sources_errors:
            writer.add(report)
        for report in checker.check_documents(documents):
            writer.add(report)
            reports.append(report)
            advance()
        writer.close()
    return reports


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


def exit_code(reports: list[DocumentReport], gate: Gate | None) -> int:
    if any(r.error for r in reports):
        return 2
    if gate is not None and any(gate.failures(r) for r in reports):
        return 1
    return 0


# ---- commands -------------------------------------------------------------------------------


@app.command()
def flags(
    paths: List[str] = typer.Argument(..., help="Article file(s), directory, glob, or - for stdin."),
    show_all: bool = typer.Option(False, "--all", "-a", help="Show unflagged sentences too."),
    fmt: str = FormatOpt, output: Optional[Path] = OutputOpt, lines: bool = LinesOpt,
    models_dir: Optional[Path] = ModelsDirOpt, signals: Optional[str] = SignalsOpt,
    require_models: bool = RequireOpt, backend: Optional[str] = BackendOpt,
    device: Optional[str] = DeviceOpt, beam: Optional[int] = BeamOpt,
    batch_size: Optional[int] = BatchOpt, profile: Optional[str] = ProfileOpt,
    max_bytes: Optional[int] = MaxBytesOpt, feed: bool = FeedOpt, color: Optional[bool] = ColorOpt,
    cache: Optional[Path] = CacheOpt, no_cache: bool = NoCacheOpt,
) -> None:
    """List sentences an editor must repair, with line, score, severity, reason and suspect words.

    Examples:

      mtqa flags data/seed-article.txt

      mtqa flags story.txt --all --format json -o story.json

      mtqa flags --lines segments.txt
    """
    reports = run("flags", paths, fmt, output, Gate(), show_all, color, feed, dict(
        lines=lines, models_dir=models_dir, signals=signals, require_models=require_models,
        backend=backend, device=device, beam=beam, batch_size=batch_size, profile=profile,
        max_bytes=max_bytes, cache=cache, use_cache=False if no_cache else (True if cache else None)))
    raise typer.Exit(exit_code(reports, None))


@app.command()
def score(
    paths: List[str] = typer.Argument(..., help="Article files, directories, globs, or - for stdin."),
    fmt: str = FormatOpt, output: Optional[Path] = OutputOpt, lines: bool = LinesOpt,
    models_dir: Optional[Path] = ModelsDirOpt, signals: Optional[str] = SignalsOpt,
    require_models: bool = RequireOpt, backend: Optional[str] = BackendOpt,
    device: Optional[str] = DeviceOpt, beam: Optional[int] = BeamOpt,
    batch_size: Optional[int] = BatchOpt, profile: Optional[str] = ProfileOpt,
    max_bytes: Optional[int] = MaxBytesOpt, feed: bool = FeedOpt, color: Optional[bool] = ColorOpt,
    cache: Optional[Path] = CacheOpt, no_cache: bool = NoCacheOpt,
) -> None:
    """Score many articles: one row per article (sentences, flagged, article score).

    Examples:

      mtqa score incoming/

      mtqa score 'wire/**/*.txt' --format jsonl -o scores.jsonl

      cat story.txt | mtqa score -
    """
    reports = run("score", paths, fmt, output, Gate(), False, color, feed, dict(
        lines=lines, models_dir=models_dir, signals=signals, require_models=require_models,
        backend=backend, device=device, beam=beam, batch_size=batch_size, profile=profile,
        max_bytes=max_bytes, cache=cache, use_cache=False if no_cache else (True if cache else None)))
    raise typer.Exit(exit_code(reports, None))


@app.command()
def check(
    paths: List[str] = typer.Argument(..., help="Article files, directories, globs, or - for stdin."),
    max_flagged: Optional[int] = typer.Option(None, "--max-flagged", help="Fail an article with more flagged sentences than this."),
    min_score: Optional[float] = typer.Option(None, "--min-score", help="Fail an article whose score is below this (0-100)."),
    fail_on: str = typer.Option("major", "--fail-on", help="Fail on any flag of this severity or worse: major, minor, never."),
    fail_on_junk: bool = typer.Option(False, "--fail-on-junk", help="Fail when junk (credits, sign-offs, teasers...) is left in."),
    fmt: str = FormatOpt, output: Optional[Path] = OutputOpt, lines: bool = LinesOpt,
    models_dir: Optional[Path] = ModelsDirOpt, signals: Optional[str] = SignalsOpt,
    require_models: bool = RequireOpt, backend: Optional[str] = BackendOpt,
    device: Optional[str] = DeviceOpt, beam: Optional[int] = BeamOpt,
    batch_size: Optional[int] = BatchOpt, profile: Optional[str] = ProfileOpt,
    max_bytes: Optional[int] = MaxBytesOpt, feed: bool = FeedOpt, color: Optional[bool] = ColorOpt,
    cache: Optional[Path] = CacheOpt, no_cache: bool = NoCacheOpt,
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
    reports = run("check", paths, fmt, output, gate, False, color, feed, dict(
        lines=lines, models_dir=models_dir, signals=signals, require_models=require_models,
        backend=backend, device=device, beam=beam, batch_size=batch_size, profile=profile,
        max_bytes=max_bytes, cache=cache, use_cache=False if no_cache else (True if cache else None)))
    raise typer.Exit(exit_code(reports, gate))


def _register_subcommands() -> None:
    """Sub-commands that live in their own modules (models, strip, eval, calibrate, schema)."""
    from mtqa.cli import eval_cmd, models_cmd, report_cmd, strip_cmd

    for module in (models_cmd, strip_cmd, eval_cmd, report_cmd):
        module.register(app)


_register_subcommands()


def entry() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("mtqa: interrupted", err=True)
        sys.exit(130)
