"""Wire copy as newsrooms receive it: ninjs, NewsML-G2, RSS and Atom.

Each fixture in ``wire/`` carries the invented stories of ``story-a.txt`` and ``story-b.txt``; read
from any format, a story gives the same sentences, kinds, flags and scores as its plain text (on the
model-free tier), and every position points into the received file. Unsafe or broken XML and JSON
end in one line on stderr and exit 2, with no network access.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from conftest import one_line_error

from mtqa.ingest.formats import read_documents
from mtqa.ingest.sources import InputError, Source
from mtqa.positions import LineIndex

WIRE = Path(__file__).parent / "wire"
BRIDGE, STRIKE = "urn:example:wire:2031-05-12:bridge", "urn:example:wire:2031-05-13:strike"


def flags_json(cli, *args):
    result = cli("flags", *args, "--signals", "rules", "--format", "json", "--all")
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.stdout)


def essence(doc: dict) -> list[tuple]:
    """What must not depend on the format: each segment's text, kind, score and flags."""
    return [(s["text"], s["kind"], s["score"], s["severity"],
             [(f["code"], f["severity"], f["message"]) for f in s["flags"]]) for s in doc["sentences"]]


def plain_story(cli, tmp_path, name: str, dateline: bool) -> dict:
    text = (WIRE / name).read_text("utf-8")
    if not dateline:  # RSS and Atom carry no dateline
        lines = text.split("\n")
        text = "\n".join(lines[:4] + lines[6:])
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return flags_json(cli, path)[0]


@pytest.mark.parametrize("fixture, ids, dateline", [
    ("story-a.ninjs.json", [BRIDGE], True),
    ("story-b.ninjs", [STRIKE], True),
    ("two-items.xml", [BRIDGE, STRIKE], True),
    ("feed.rss.xml", [BRIDGE, "https://wire.example.org/strike"], False),
    ("feed.atom", [BRIDGE, STRIKE], False),
])
def test_a_story_reads_the_same_in_every_format_with_positions_in_the_file(cli, tmp_path, fixture, ids, dateline):
    plain = {BRIDGE: plain_story(cli, tmp_path, "story-a.txt", dateline),
             STRIKE: plain_story(cli, tmp_path, "story-b.txt", dateline)}
    docs = flags_json(cli, WIRE / fixture)
    assert [d["id"] for d in docs] == ids
    received = (WIRE / fixture).read_bytes()
    text = received.decode("latin-1" if b"ISO-8859-1" in received[:60] else "utf-8")
    index = LineIndex(text)
    for doc, story_id in zip(docs, [STRIKE] if fixture == "story-b.ninjs" else [BRIDGE, STRIKE]):
        assert doc["path"] == str(WIRE / fixture)
        assert essence(doc) == essence(plain[story_id])
        if story_id == BRIDGE:  # it carries a flag ("According to a report by,")
            assert any(s["flags"] for s in doc["sentences"])
        for s in doc["sentences"]:
            assert (s["line"], s["col"]) == index.line_col(s["start"])
            assert s["start"] < s["end"] <= len(text)
            if s["kind"] != "byline":  # "By " is added before a bare author name
                assert text[s["start"]] == s["text"][0]
                assert text[s["end"] - 1] in (s["text"][-1], ";")  # an entity ends a sentence: "&amp;"
            for f in s["flags"]:
                assert s["start"] <= f["start"] <= f["end"] <= s["end"]


def test_the_agencys_metadata_sets_the_kinds_the_text_alone_would_not(tmp_path):
    # A headline with a full stop and a one-word byline: as plain text neither is recognised.
    raw = json.dumps({"uri": "urn:example:kinds", "headline": "Mayor resigns after a long dispute over the budget.",
                      "byline": "Staff", "located": "Springfield",
                      "body_text": "The mayor resigned on Friday. She gave no reason."})
    path = tmp_path / "kinds.ninjs"
    path.write_text(raw, "utf-8")
    from mtqa.config import Config
    from mtqa.pipeline import Checker

    (doc,) = read_documents(Source(str(path), path), 10**6)
    sentences = Checker(Config(signals=("rules",))).sentences(doc)
    kinds = [(s.kind, s.text) for s in sentences]
    assert kinds[:3] == [("title", "Mayor resigns after a long dispute over the budget."), ("byline", "By Staff"),
                         ("boilerplate", "Springfield")]
    assert {k for k, _ in kinds[3:]} == {"body"}
    assert raw[sentences[1].start:sentences[1].end] == "Staff"


def test_newsml_headline_and_body_come_from_their_elements(tmp_path):
    (first, second) = read_documents(Source(str(WIRE / "two-items.xml"), WIRE / "two-items.xml"), 10**6)
    assert first.plain.text.startswith("Council approves new bridge over the river\n\nBy Anna Example\n\n")
    assert "bridge-council" not in first.plain.text  # itemMeta/title and the XHTML head are not the story
    assert second.plain.text.endswith("it was said from circles of the negotiators.")
    assert [d[2] for d in first.declared] == ["title", "byline", "boilerplate"]


# ---- choosing the reader ------------------------------------------------------------------------

def test_input_format_option_and_directory_scan(cli, tmp_path):
    (tmp_path / "a.ninjs").write_bytes((WIRE / "story-b.ninjs").read_bytes())
    (tmp_path / "b.txt").write_bytes((WIRE / "story-a.txt").read_bytes())
    (tmp_path / "report.xml").write_text("<testsuites/>", "utf-8")  # not picked up without --input-format
    docs = flags_json(cli, tmp_path)
    assert [d["id"] for d in docs] == [STRIKE, str(tmp_path / "b.txt")]
    story = tmp_path / "story.json"
    story.write_bytes((WIRE / "story-b.ninjs").read_bytes())
    assert flags_json(cli, story, "--input-format", "ninjs")[0]["id"] == STRIKE
    rss = tmp_path / "feed.txt"
    rss.write_bytes((WIRE / "feed.rss.xml").read_bytes())
    assert len(flags_json(cli, rss, "--input-format", "rss")) == 2
    one_line_error(cli("flags", rss, "--input-format", "atom"), "root element <rss> is not Atom")
    one_line_error(cli("flags", rss, "--input-format", "yaml"), "unknown --input-format 'yaml'")
    one_line_error(cli("flags", tmp_path / "report.xml", "--signals", "rules"), "root element <testsuites>")


def test_resume_skips_wire_stories_by_id(cli, tmp_path):
    out = tmp_path / "out.jsonl"
    args = ("--signals", "rules", "--format", "jsonl", "-o", out)
    assert cli("score", WIRE / "two-items.xml", *args).exit_code == 0
    lines = out.read_text("utf-8").splitlines()
    out.write_text(lines[0] + "\n", "utf-8")
    result = cli("score", WIRE / "two-items.xml", *args, "--resume")
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()] == [BRIDGE, STRIKE]


# ---- unsafe and broken input ----------------------------------------------------------------------

XXE = """<?xml version="1.0"?>
<!DOCTYPE newsItem [<!ENTITY secret SYSTEM "http://127.0.0.1:9/secret">]>
<newsItem><contentMeta><headline>&secret;</headline></contentMeta></newsItem>
"""
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">""" + "".join(
    f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)) + """]>
<rss><channel><item><title>&lol9;</title></item></channel></rss>
"""


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("name, data, needle", [
    ("xxe.xml", XXE.encode(), "refused: the XML declares entities ('secret')"),
    ("laughs.xml", LAUGHS.encode(), "refused: the XML declares entities ('lol')"),
    ("latin.xml", '<?xml version="1.0" encoding="UTF-8"?><rss><channel><item><title>Café</title></item></channel></rss>'
     .encode("latin-1"), "not valid UTF-8 (byte 68), though the XML declaration says it is"),
    ("bogus.xml", b'<?xml version="1.0" encoding="x-no-such-thing"?><rss/>', "unknown encoding 'x-no-such-thing'"),
    ("broken.xml", b"<rss><channel><item><title>Cut off", "not well-formed XML"),
    ("undefined.xml", b"<rss><channel><item><title>&nbsp;</title></item></channel></rss>", "not well-formed XML"),
    ("empty.xml", b'<rss version="2.0"><channel/></rss>', "no RSS item in this file"),
    ("bad.ninjs", b'{"headline": "A", ', "not valid JSON"),
    ("list.ninjs", b"[1, 2]", "not a ninjs document"),
    ("deep.ninjs", b"[" * 100_000 + b"]" * 100_000, "not a ninjs document (JSON nested too deeply)"),
    ("blank.ninjs", b'{"headline": " ", "body_text": ""}', "empty article"),
])
def test_unsafe_or_broken_wire_input_is_one_line_and_exit_2(cli, tmp_path, no_network, name, data, needle):
    path = tmp_path / name
    path.write_bytes(data)
    one_line_error(cli("flags", path, "--signals", "rules"), needle)


def test_a_wire_file_over_the_size_limit_is_refused_before_parsing(cli, tmp_path, no_network):
    path = tmp_path / "big.xml"
    path.write_bytes(b"<rss>" + b"<item><title>x</title></item>" * 1000 + b"</rss>")
    one_line_error(cli("flags", path, "--signals", "rules", "--max-bytes", "1000"), "larger than --max-bytes")


def test_one_bad_story_in_a_feed_is_reported_in_its_place(cli, tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text('<rss><channel><item><title>A fine headline for the test</title><description>It rained on '
                    'Monday in the city.</description></item><item><title> </title></item></channel></rss>', "utf-8")
    result = cli("score", path, "--signals", "rules", "--format", "jsonl")
    assert result.exit_code == 2
    assert "RSS item 2" not in result.stdout or "empty article" in result.stderr
    assert "empty article" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stdout.splitlines()) == 2  # the good story, and the bad one's error line


def test_read_documents_raises_input_error_only(tmp_path):
    path = tmp_path / "x.xml"
    path.write_bytes(b"\x00\x01")
    with pytest.raises(InputError):
        read_documents(Source(str(path), path), 100)
