"""``mtqa serve``: the service answers with the CLI's JSON, refuses oversized bodies, and stops when
the test ends (a Uvicorn server in a daemon thread on a free loopback port; one test runs the real
command in a subprocess)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("starlette")
uvicorn = pytest.importorskip("uvicorn")

from mtqa.cli.serve_cmd import make_app  # noqa: E402
from mtqa.config import Config  # noqa: E402
from mtqa.pipeline import Checker  # noqa: E402

WIRE = Path(__file__).resolve().parents[1] / "ingest" / "wire"
STORY = (WIRE / "story-a.txt").read_bytes()


def post(base: str, body: bytes, content_type: str, path: str = "") -> tuple[int, bytes]:
    request = urllib.request.Request(f"{base}/check{path}", data=body, method="POST",
                                     headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@contextmanager
def running(app):
    """``app`` served on 127.0.0.1 and a free port, stopped (and joined) on leaving."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_keep_alive=1))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)
    assert not thread.is_alive()
    sock.close()


@pytest.fixture(scope="module")
def service():
    with running(make_app(Checker(Config(signals=("rules",))), max_bytes=20_000, time_limit=60)) as base:
        yield base


def cli_json(cli, *args, input=None) -> bytes:
    result = cli("flags", *args, "--signals", "rules", "--format", "json", input=input)
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout.encode("utf-8")


def test_healthz(service):
    with urllib.request.urlopen(f"{service}/healthz", timeout=10) as response:
        body = json.loads(response.read())
    assert body["status"] == "ok" and body["signature"].startswith("mtqa:")


@pytest.mark.parametrize("fixture, content_type", [
    ("story-a.ninjs.json", "application/json"),
    ("two-items.xml", "application/vnd.iptc.g2.newsmessage+xml"),
    ("feed.atom", "application/atom+xml"),
])
def test_wire_bodies_get_the_cli_json(service, cli, fixture, content_type):
    status, body = post(service, (WIRE / fixture).read_bytes(), content_type, f"?path={WIRE / fixture}")
    assert status == 200
    assert body == cli_json(cli, WIRE / fixture)


def test_100_concurrent_requests_get_the_cli_json(service, cli):
    expected = cli_json(cli, "-", input=STORY)
    with ThreadPoolExecutor(max_workers=100) as pool:
        answers = list(pool.map(lambda _: post(service, STORY, "text/plain; charset=utf-8"), range(100)))
    assert all(status == 200 for status, _ in answers)
    assert {body for _, body in answers} == {expected}


def test_oversized_bad_and_unknown_bodies(service):
    status, body = post(service, b"x" * 20_001, "text/plain")
    assert status == 413 and "larger than 20000 bytes" in json.loads(body)["error"]
    status, body = post(service, b"<rss><channel>", "application/rss+xml")
    assert status == 400 and "not well-formed XML" in json.loads(body)["error"]
    xxe = b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><rss>&e;</rss>'
    status, body = post(service, xxe, "application/xml")
    assert status == 400 and "refused" in json.loads(body)["error"]
    status, _ = post(service, STORY, "image/png")
    assert status == 415


class SlowChecker:
    signature = "slow"

    def check_document(self, document):
        time.sleep(2)


def test_a_check_over_the_time_limit_is_503():
    with running(make_app(SlowChecker(), time_limit=0.2)) as base:
        status, body = post(base, STORY, "text/plain")
    assert status == 503 and "longer than 0.2 s" in json.loads(body)["error"]


def test_the_serve_command_listens_on_loopback_and_stops(tmp_path):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "mtqa", "serve", "--port", str(port), "--signals", "rules",
                             "--max-body", "1000"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env)
    try:
        base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                    break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read().decode()
                time.sleep(0.2)
        assert post(base, b"y" * 1001, "text/plain")[0] == 413
        status, body = post(base, STORY, "text/plain")
        assert status == 200 and json.loads(body)[0]["path"] == "-"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        proc.stderr.close()
