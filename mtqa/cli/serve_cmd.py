"""``mtqa serve``: the check as a small HTTP service, for a CMS that checks a story as it arrives.

``POST /check`` takes one article in its body, read by its Content-Type (plain text, HTML, ninjs
JSON, NewsML-G2, RSS or Atom XML), and answers with the same JSON as ``mtqa flags --format json``;
``GET /healthz`` says the service is up and which signature its scores carry. The models are loaded
once, before the port opens; checks run one at a time in a worker thread (a Checker is not shared
between threads), each within a time limit; a body over the size limit is refused with 413 before
it is read whole. Bound to 127.0.0.1 unless told otherwise: put it behind the CMS, not on the
internet. Needs the ``serve`` extra (Starlette and Uvicorn).
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Optional

import typer

from mtqa.cli.common import build_config, fail
from mtqa.config import ConfigError
from mtqa.ingest.formats import documents_from_bytes
from mtqa.ingest.sources import InputError
from mtqa.report.json import dumps, report_to_dict
from mtqa.scoring.profile import ProfileError
from mtqa.signals.base import SignalUnavailable

# Content-Type → reader. XML types are read by their root element (NewsML-G2, RSS or Atom).
CONTENT_TYPES = {
    "text/plain": "auto", "text/html": "html", "application/xhtml+xml": "html",
    "application/json": "ninjs", "application/ninjs+json": "ninjs", "application/vnd.iptc.ninjs+json": "ninjs",
    "application/xml": "xml", "text/xml": "xml", "application/rss+xml": "xml", "application/atom+xml": "xml",
    "application/vnd.iptc.g2.newsitem+xml": "xml", "application/vnd.iptc.g2.newsmessage+xml": "xml",
    "application/vnd.iptc.g2.packageitem+xml": "xml",
}


class TooLarge(Exception):
    pass


def make_app(checker, max_bytes: int = 2_000_000, time_limit: float = 60.0):
    """The Starlette application around one loaded ``Checker``."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    lock = threading.Lock()

    def error(status: int, message: str) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status)

    async def body_of(request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise TooLarge()
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_bytes:
                raise TooLarge()
            chunks.append(chunk)
        return b"".join(chunks)

    def check(data: bytes, path: str, fmt: str) -> str:
        items = documents_from_bytes(data, path, fmt)
        bad = next((i for i in items if isinstance(i, InputError)), None)
        if bad is not None:
            raise bad
        with lock:
            reports = [checker.check_document(doc) for doc in items]
        return dumps([report_to_dict(r) for r in reports]) + "\n"

    async def post_check(request: Request) -> Response:
        kind = request.headers.get("content-type", "text/plain").split(";")[0].strip().lower()
        fmt = CONTENT_TYPES.get(kind)
        if fmt is None:
            return error(415, f"unsupported Content-Type {kind!r}; send one of {', '.join(CONTENT_TYPES)}")
        try:
            data = await body_of(request)
        except TooLarge:
            return error(413, f"request body larger than {max_bytes} bytes")
        path = request.query_params.get("path", "-")
        try:
            text = await asyncio.wait_for(run_in_threadpool(check, data, path, fmt), time_limit)
        except InputError as exc:
            return error(400, str(exc))
        except asyncio.TimeoutError:
            return error(503, f"the check took longer than {time_limit:g} s")
        return Response(text, media_type="application/json")

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "signature": checker.signature})

    return Starlette(routes=[Route("/check", post_check, methods=["POST"]),
                             Route("/healthz", healthz, methods=["GET"])])


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: loopback only)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    max_body: int = typer.Option(2_000_000, "--max-body", help="Refuse a request body larger than this (413)."),
    time_limit: float = typer.Option(60.0, "--time-limit", help="Seconds one check may take (then 503)."),
    signals: Optional[str] = typer.Option(None, "--signals", help="Comma-separated signals to run (default: all)."),
    models_dir: Optional[Path] = typer.Option(None, "--models-dir", help="Model directory."),
    profile: Optional[str] = typer.Option(None, "--profile", help="Scoring profile TOML."),
    device: Optional[str] = typer.Option(None, "--device", help="cpu, cuda or auto."),
) -> None:
    """Serve POST /check (one article in, the JSON of `mtqa flags --format json` out) and GET /healthz.

    Examples:

      mtqa serve --port 8155

      curl -s -H 'Content-Type: application/json' --data-binary @story.ninjs http://127.0.0.1:8155/check
    """
    try:
        import uvicorn
    except ImportError:
        raise fail("mtqa serve needs the serve extra: pip install 'mtqa[serve]'") from None
    if max_body < 1 or time_limit <= 0:
        raise fail("--max-body and --time-limit must be positive")
    from mtqa.pipeline import Checker

    try:
        checker = Checker(build_config(signals=signals, models_dir=models_dir, profile=profile, device=device))
    except (ConfigError, ProfileError) as exc:
        raise fail(str(exc)) from None
    except SignalUnavailable as exc:
        raise fail(f"{exc.name}: {exc.reason}{'; ' + exc.fix if exc.fix else ''}") from None
    app = make_app(checker, max_body, time_limit)
    typer.echo(f"mtqa: serving on http://{host}:{port} (POST /check, GET /healthz)", err=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", timeout_keep_alive=5)
    except OSError as exc:
        raise fail(f"{host}:{port}: cannot listen ({exc.strerror or exc})") from None


def register(app: typer.Typer) -> None:
    app.command()(serve)
