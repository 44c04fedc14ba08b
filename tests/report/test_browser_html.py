"""The HTML report rendered in headless Chromium: flagged sentences highlighted, no injected script runs."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from report_samples import GARBLED, check_text, flagged_report, with_junk

from mtqa.report import View, make_writer
from mtqa.scoring.gate import Gate

pytestmark = pytest.mark.browser

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("no Chromium found (apt-get install -y chromium, or `make setup` as root)")
    tmp = tmp_path_factory.mktemp("browser")
    out = io.StringIO()
    writer = make_writer("html", out, View(kind="check", gate=Gate()))
    writer.add(with_junk(flagged_report(), "Berlin", "teaser", "video teaser"))
    writer.add(check_text("A calm day. Nothing happened.", "calm.txt"))
    writer.close()
    page = tmp / "report.html"
    page.write_text(out.getvalue(), encoding="utf-8")

    def chromium(*args: str) -> subprocess.CompletedProcess:
        profile = tmp_path_factory.mktemp("profile")
        return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--window-size=1200,1600",
                               *args, page.as_uri()], capture_output=True, text=True, timeout=120, check=False)

    dom = chromium("--virtual-time-budget=2000", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    shot = tmp / "report.png"
    chromium(f"--screenshot={shot}")
    return dom.stdout, shot


def test_injected_script_did_not_run(rendered):
    dom, _ = rendered
    assert "<title>mtqa report</title>" in dom  # the story's script would have set "pwned"
    assert 'id="pwned"' not in dom and "<blink" not in dom
    assert "&lt;script&gt;document.title='pwned'" in dom  # shown as text
    assert "&lt;img src=x onerror=" in dom and "<img" not in dom


def test_flagged_sentences_are_listed_and_highlighted(rendered):
    dom, _ = rendered
    assert f'<div class="text">{GARBLED}</div>' in dom
    assert 'class="s b3 flagged major" id="s-0-' in dom  # shaded and underlined in the full text
    assert '<u class="sus" title="untranslated-german">Fakenews</u>' in dom
    assert 'class="junk" id="s-0-0" data-kind="teaser"' in dom
    assert '<a href="#doc-1">calm.txt</a>' in dom


def test_screenshot_is_a_rendered_page(rendered):
    _, shot = rendered
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
